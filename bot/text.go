package bot

import (
	"html"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// esc escapes user text for Telegram's HTML parse mode: titles are shown
// exactly as typed.
func esc(s string) string { return html.EscapeString(s) }

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fold lower-cases s and removes Vietnamese diacritics ("Hoàn thành" →
// "hoan thanh"), so that input typed without them is understood.
func fold(s string) string {
	out, _, err := transform.String(stripMarks, strings.ToLower(s))
	if err != nil {
		out = strings.ToLower(s)
	}
	return strings.NewReplacer("đ", "d", "Đ", "d").Replace(out)
}

// doneWords are replies that mark a task done, folded.
var doneWords = map[string]bool{
	"xong": true, "done": true, "hoan thanh": true, "da xong": true,
	"da hoan thanh": true, "xong roi": true, "ok xong": true,
}

// isDoneReply reports whether a reply says the task is finished: "Xong!",
// "đã xong.", "HOÀN THÀNH" and the like.
func isDoneReply(text string) bool {
	s := strings.TrimFunc(fold(text), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) })
	return doneWords[strings.Join(strings.Fields(s), " ")]
}
