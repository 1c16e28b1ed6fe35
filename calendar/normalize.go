package calendar

import (
	"strings"
	"unicode"
)

// foldTable maps every precomposed Vietnamese letter (lower case) to its
// base ASCII letter, so that "thứ sáu" and "thu sau" read the same.
var foldTable = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ",
		'e': "èéẻẽẹêềếểễệ",
		'i': "ìíỉĩị",
		'o': "òóỏõọôồốổỗộơờớởỡợ",
		'u': "ùúủũụưừứửữự",
		'y': "ỳýỷỹỵ",
		'd': "đ",
	}
	m := map[rune]rune{}
	for base, s := range groups {
		for _, r := range s {
			m[r] = base
		}
	}
	return m
}()

// fold lowercases s and removes Vietnamese diacritics (đ→d). Combining
// marks are dropped too, so decomposed (NFD) input from some keyboards
// folds the same as precomposed input.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if f, ok := foldTable[r]; ok {
			b.WriteRune(f)
			continue
		}
		if r >= 0x300 && r <= 0x36f { // combining diacritical marks
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// normalize folds s, turns separators that carry no meaning into spaces,
// trims trailing punctuation and collapses runs of spaces.
func normalize(s string) string {
	s = fold(s)
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
