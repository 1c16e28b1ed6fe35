package bot

import (
	"html"
	"strings"
	"unicode"

	"github.com/nhacviec/nhacviec/calendar"
)

// esc escapes user text for Telegram's HTML parse mode: titles are shown
// exactly as typed.
func esc(s string) string { return html.EscapeString(s) }

// doneWords are replies that mark a task done, folded.
var doneWords = map[string]bool{
	"xong": true, "done": true, "hoan thanh": true, "da xong": true,
	"da hoan thanh": true, "xong roi": true, "ok xong": true,
}

// isDoneReply reports whether a reply says the task is finished: "Xong!",
// "đã xong.", "HOÀN THÀNH" and the like.
func isDoneReply(text string) bool {
	s := strings.TrimFunc(calendar.Fold(text), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) })
	return doneWords[strings.Join(strings.Fields(s), " ")]
}
