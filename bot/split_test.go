package bot

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// units counts as Telegram does: UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func split(s string, limit int) []string { return Split(s, limit, units) }

func TestSplit(t *testing.T) {
	if got := split("ngắn", 10); len(got) != 1 || got[0] != "ngắn" {
		t.Fatalf("short text split: %q", got)
	}
	lines := strings.Repeat("một dòng 😀\n", 100)
	parts := split(lines, 100)
	if strings.Join(parts, "\n")+"\n" != lines {
		t.Fatal("the parts do not add up to the text")
	}
	for _, p := range parts {
		if units(p) > 100 || strings.HasPrefix(p, "\n") {
			t.Fatalf("part of %d units: %q", units(p), p)
		}
	}
	long := strings.Repeat("😀", 30) // 60 units on one line
	parts = split(long, 25)
	if strings.Join(parts, "") != long {
		t.Fatal("an overlong line lost characters")
	}
	for _, p := range parts {
		if units(p) > 25 {
			t.Fatalf("part of %d units", units(p))
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("a\nb\nc", 2)
	f.Add(strings.Repeat("😀x\n", 50), 7)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 2 || limit > 5000 {
			return
		}
		for _, p := range split(s, limit) {
			if units(p) > limit {
				t.Fatalf("part of %d units > %d", units(p), limit)
			}
		}
	})
}
