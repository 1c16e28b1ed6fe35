package telegram

import (
	"strings"
	"unicode/utf16"
)

// maxText is Telegram's limit on a message's text, in UTF-16 code units.
// Counting the HTML source is conservative: tags and entities only make
// the source longer than the text Telegram counts.
const maxText = 4096

// split cuts text into pieces of at most limit UTF-16 units, at line
// breaks where it can (the bot's HTML never spans lines, so tags stay
// whole), and inside a line only when one line alone is too long.
func split(text string, limit int) []string {
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
			head, rest := cutUnits(line, limit)
			parts = append(parts, head)
			line, u = rest, units(rest)
		}
		cur.WriteString(line)
		n += u
	}
	flush()
	return parts
}

func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cutUnits splits s after at most limit UTF-16 units, on a rune boundary.
func cutUnits(s string, limit int) (string, string) {
	n := 0
	for i, r := range s {
		if n+utf16.RuneLen(r) > limit {
			return s[:i], s[i:]
		}
		n += utf16.RuneLen(r)
	}
	return s, ""
}
