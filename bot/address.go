package bot

import (
	"strings"
	"unicode"
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
