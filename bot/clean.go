package bot

import (
	"strings"
	"unicode"
)

// clean removes Unicode format characters (category Cf) from what a person
// typed: zero-width spaces and joiners, the byte-order mark, soft hyphens,
// and the direction controls (U+202A–U+202E, U+2066–U+2069) that make a
// title display reversed. They are invisible, so a title or note carrying
// them is not what its reader sees, nor what /tim finds. It is the one
// place such text is cleaned: every field stored from a person's words
// (title, result, document, notes, reasons, unit names, display names)
// comes from an update that went through cleanUpdate.
func clean(s string) string {
	if !strings.ContainsFunc(s, isFormat) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFormat(r) {
			return -1
		}
		return r
	}, s)
}

func isFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }

// cleanUpdate is u with every text a person wrote cleaned.
func cleanUpdate(u Update) Update {
	u.Text, u.ChatTitle = clean(u.Text), clean(u.ChatTitle)
	if u.From != nil {
		from := *u.From
		from.Name, from.Username = clean(from.Name), clean(from.Username)
		u.From = &from
	}
	if len(u.Mentions) > 0 {
		ms := make([]Mention, len(u.Mentions))
		for i, m := range u.Mentions {
			m.Text, m.User.Name, m.User.Username = clean(m.Text), clean(m.User.Name), clean(m.User.Username)
			ms[i] = m
		}
		u.Mentions = ms
	}
	return u
}
