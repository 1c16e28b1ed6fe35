package bot

import (
	"slices"
	"strings"
	"unicode"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// commandTarget is the bot a command names, "nhacviec_bot" in
// "/giao@nhacviec_bot …", or "" when it names none. Groups may hold
// several bots: a command naming another is not ours, one naming this bot
// is, even when no such command exists (it is answered).
func commandTarget(text string) string {
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	word := text[1:]
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
		word = word[:i]
	}
	_, target, _ := strings.Cut(word, "@")
	return target
}

// named reads the person args starts with, wherever a command names one:
// a mention of someone without a username (Telegram), "@username" (on
// the update's app first, then on any: a linked person's username is
// theirs everywhere), or a name as /thanhvien lists people (a display
// name of one of the people holding a role or seen in this chat,
// compared without case or diacritics: "Nguyễn Văn An" or "@An"). With
// "@" the given name alone (the name's last word) also names someone, and
// so does a name of one word; without it a name needs two words.
// The longest name that matches wins; a name in full wins over a given
// name as long. It returns the person and the rest of args; when several
// people have the name, they are many, and p is nil; when nobody is
// named, all are nil and rest is args.
func (c *conv) named(args string) (p *nhacviec.Person, rest string, many []*nhacviec.Person, err error) {
	args = strings.TrimSpace(args)
	if p, rest, err := c.mentioned(args); p != nil || err != nil {
		return p, rest, nil, err
	}
	at := strings.HasPrefix(args, "@")
	if at {
		word, after, _ := strings.Cut(args, " ")
		if len(word) > 1 {
			p, err := c.byUsername(word[1:])
			if err == nil {
				return p, strings.TrimSpace(after), nil, nil
			}
			if nhacviec.ErrorCode(err) != nhacviec.ENotFound {
				return nil, "", nil, err
			}
		}
	}
	text := strings.TrimPrefix(args, "@")
	words := strings.Fields(text)
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = calendar.Fold(w)
	}
	dir, err := c.tx.Directory(c.chat.ID)
	if err != nil {
		return nil, "", nil, err
	}
	// best is the longest match: its length in words, whether it is a
	// name in full, and the people it names.
	bestN, bestFull := 0, false
	var best []*nhacviec.Person
	consider := func(p *nhacviec.Person, name []string, full bool) {
		n := len(name)
		if n == 0 || n > len(folded) || !slices.Equal(folded[:n], name) {
			return
		}
		if n < bestN || n == bestN && !full && bestFull {
			return
		}
		if n > bestN || full && !bestFull {
			bestN, bestFull, best = n, full, nil
		}
		if !slices.ContainsFunc(best, func(q *nhacviec.Person) bool { return q.ID == p.ID }) {
			best = append(best, p)
		}
	}
	for _, p := range dir {
		name := strings.Fields(calendar.Fold(p.DisplayName))
		if !at && len(name) < 2 {
			// Without "@", a name of one word ("An", "Lập") is too
			// likely the first word of a title.
			continue
		}
		consider(p, name, true)
		if at && len(name) > 1 {
			consider(p, name[len(name)-1:], false)
		}
	}
	if len(best) == 0 {
		return nil, args, nil, nil
	}
	rest = strings.TrimSpace(afterFields(text, bestN))
	if len(best) > 1 {
		people := make([]*nhacviec.Person, len(best))
		for i, q := range best {
			if people[i], err = c.tx.Person(q.ID); err != nil {
				return nil, "", nil, err
			}
		}
		return nil, rest, people, nil
	}
	p, err = c.tx.Person(best[0].ID)
	return p, rest, nil, err
}

// byUsername finds the person with a username on the update's app, or
// else on any (a linked person's Telegram username names them on Zalo):
// ENotFound if nobody has it.
func (c *conv) byUsername(name string) (*nhacviec.Person, error) {
	p, err := c.tx.PersonByUsername(c.u.Transport, name)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return c.tx.PersonByUsername("", name)
	}
	return p, err
}

// afterFields returns what follows the first n words of s.
func afterFields(s string, n int) string {
	for i := 0; i < n; i++ {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			return ""
		}
		s = s[end:]
	}
	return s
}

// address is how to name a person in a command: @username where they
// have one, their name otherwise (with "@" in front it is short for
// them, when nobody else has that name).
func address(p *nhacviec.Person) string {
	if p.Username != "" {
		return "@" + p.Username
	}
	return p.DisplayName
}

// ambiguous is the answer to a name that several people have: who they
// are, and how to name each.
func (c *conv) ambiguous(who string, many []*nhacviec.Person, example string) error {
	var b strings.Builder
	for _, p := range many {
		line := p.DisplayName
		if p.Username != "" {
			line += " (@" + p.Username + ")"
		}
		b.WriteString("\n• " + esc(line))
	}
	return nhacviec.Errorf(nhacviec.EInvalid, textPersonAmbiguous, esc(clip(who, maxEcho)), b.String(), example)
}
