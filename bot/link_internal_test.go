package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A code as given reads back as itself, however it is typed.
func TestLinkCodeRoundTrip(t *testing.T) {
	for range 200 {
		code, err := newLinkCode()
		if err != nil {
			t.Fatal(err)
		}
		for _, typed := range []string{code, code[:4] + "-" + code[4:], " " + strings.ToLower(code[:4]) + " " + code[4:] + "\n"} {
			if got := normalLinkCode(typed); got != code {
				t.Fatalf("%q reads as %q, want %q", typed, got, code)
			}
		}
	}
	for _, bad := range []string{"", "ABCD", "ABCD-EFG0", "ABCDEFGHJ", "ABCD--EFGH", "xong 12", "thamgia abcdefgh1"} {
		if got := normalLinkCode(bad); got != "" {
			t.Errorf("%q reads as code %q", bad, got)
		}
	}
}

// normalLinkCode says "" or a code of the alphabet, never panics.
func FuzzNormalLinkCode(f *testing.F) {
	for _, s := range []string{"K7MQ-9XD2", "k7mq 9xd2", "K7MQ9XD2", "OOOO-IIII", "Nguyễn Văn", "", "ABCD-EFGH-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code := normalLinkCode(s)
		if code == "" {
			return
		}
		if len(code) != linkLen {
			t.Fatalf("%q → %q", s, code)
		}
		for _, r := range code {
			if !strings.ContainsRune(linkAlphabet, r) {
				t.Fatalf("%q → %q has %q", s, code, r)
			}
		}
	})
}

// afterFields returns a suffix of s that lacks its first n words.
func FuzzAfterFields(f *testing.F) {
	f.Add("Nguyễn Văn An Báo cáo hạn 20/12", 3)
	f.Add("  An  ", 1)
	f.Add("", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 50 || !utf8.ValidString(s) {
			return
		}
		rest := afterFields(s, n)
		if !strings.HasSuffix(s, rest) {
			t.Fatalf("afterFields(%q, %d) = %q, not a suffix", s, n, rest)
		}
		words, left := strings.Fields(s), strings.Fields(rest)
		if want := max(0, len(words)-n); len(left) != want {
			t.Fatalf("afterFields(%q, %d) = %q: %d words, want %d", s, n, rest, len(left), want)
		}
	})
}
