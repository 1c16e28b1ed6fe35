package calendar

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// Fold lower-cases s and removes Vietnamese diacritics, đ → d: "Thứ Sáu"
// and "thu sau" fold the same, whether typed precomposed or decomposed.
func Fold(s string) string {
	s = strings.ToLower(s)
	if out, _, err := transform.String(stripMarks, s); err == nil {
		s = out
	}
	return strings.ReplaceAll(s, "đ", "d")
}

// normalize folds s, turns separators that carry no meaning into spaces,
// trims trailing punctuation and collapses runs of spaces.
func normalize(s string) string {
	s = Fold(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ',' || r == ';' || r == '!' || r == '?' || r == '(' || r == ')' || r == '"' || r == '…' || r == '“' || r == '”':
			b.WriteByte(' ')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	fields := strings.Fields(b.String())
	out := strings.Join(fields, " ")
	out = strings.TrimRight(out, ".:-/ ")
	return strings.TrimLeft(out, ".:- ")
}
