package bot

import (
	"strings"
	"unicode/utf8"
)

// Split cuts text into pieces of at most limit, as length counts them
// (nil: characters), at line breaks where it can (the bot's HTML never
// spans lines, so tags stay whole), and inside a line only when one line
// alone is too long.
func Split(text string, limit int, length func(string) int) []string {
	if length == nil {
		length = utf8.RuneCountInString
	}
	units := length
	if units(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	n := 0
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			n = 0
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		u := units(line)
		if n+u > limit {
			flush()
		}
		for u > limit { // a single overlong line: cut at a character
			head, rest := cut(line, limit, units)
			parts = append(parts, head)
			line, u = rest, units(rest)
		}
		cur.WriteString(line)
		n += u
	}
	flush()
	return parts
}

// cut splits s after at most limit units, on a rune boundary; at least
// one character goes in the head, so that cutting always progresses.
func cut(s string, limit int, units func(string) int) (string, string) {
	n := 0
	for i, r := range s {
		u := units(string(r))
		if n+u > limit && i > 0 {
			return s[:i], s[i:]
		}
		n += u
	}
	return s, ""
}
