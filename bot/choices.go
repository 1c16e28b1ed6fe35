package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Some transports have no buttons (Zalo: Limits().MaxButtons == 0).
// There every button the core offers is said as a numbered choice under
// the text ("Trả lời số: 1. ✅ Duyệt  2. ↩️ Trả lại"), and a reply with
// the number presses it. The commands need no change: the sender turns a
// message's buttons into choices as it sends it (asking), merged or not,
// and records what the numbers mean as the chat's question with the
// message's mark (Outbox.MarkAsked). A number typed in that chat is then
// dispatched as that button's press (conv.choice), so every check the
// button's handler makes applies: button data is never trusted, a
// choice's least of all. One question per chat, the latest: in a
// private chat that is the last question the bot asked that person; in
// a group, the group's (a number there is checked as a press by whoever
// typed it, as a button in a group is).

// questionLasts is how long a question may be answered by its number: a
// morning's reminder answered in the afternoon, not a number typed the
// next day after the talk moved on (by then a newer question has usually
// replaced it anyway). Whatever the age, the button's handler checks that
// what it would change is still as the question found it.
const questionLasts = 24 * time.Hour

// asking returns m as a transport without buttons gets it: its buttons
// said as numbered choices under its text, and the data each number
// stands for (nil when there is nothing to ask). Other transports get m
// as it is.
func asking(m *nhacviec.Outgoing, lim Limits) (*nhacviec.Outgoing, []string) {
	if lim.MaxButtons > 0 || len(m.Buttons) == 0 || !hasText(m.Kind) {
		return m, nil
	}
	choices, data := choicesOf(m)
	c := *m
	c.Buttons = nil
	text := strings.TrimRight(m.Text, "\n")
	for _, h := range pressHints {
		// Said by the choices now, and a reply to a message is not
		// what every such app has.
		if t, ok := strings.CutSuffix(text, "\n"+h); ok {
			text = strings.TrimRight(t, "\n")
			break
		}
	}
	c.Text = pressWords.Replace(text) + "\n\n" + choices
	return &c, data
}

// pressWords say "choose" where the texts say "press" a button, for a
// message whose buttons are said as numbered choices under it.
var pressWords = strings.NewReplacer(
	"Chọn nguyên nhân ở nút dưới tin", "Chọn nguyên nhân bằng số dưới đây",
	"Bấm nút dưới đây", "Trả lời bằng số dưới đây",
	"Bấm một nút", "Trả lời một số",
	"bấm nút để chọn", "trả lời bằng số để chọn",
	"bấm nút, hoặc", "chọn số, hoặc",
	"Bấm tên", "Chọn tên",
	"Bấm ✅", "Chọn ✅",
	"bấm ✅", "chọn ✅",
	"bấm ⏳", "chọn ⏳",
	"Bấm «", "Chọn «",
	"chưa bấm thì", "chưa chọn thì",
)

// choicesOf is the text that says m's buttons as choices, and the data
// each number stands for.
func choicesOf(m *nhacviec.Outgoing) (string, []string) {
	var data, labels []string
	for _, row := range m.Buttons {
		for _, b := range row {
			data = append(data, b.Data)
			labels = append(labels, choiceLabel(b))
		}
	}
	return choicesText(labels, m.HTML), data
}

// pressHints are the last lines of the bot's texts that say to press a
// button or reply to the message: without buttons the choices under
// them say it.
var pressHints = []string{textDoneHint, textAssignedHint}

// textAssignedHint ends textAssignedToYou.
const textAssignedHint = "Xong thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."

// choiceLabel is a button's text as a choice says it: a merged message's
// "✅ #12" says what it does.
func choiceLabel(b nhacviec.Button) string {
	if id, ok := doneData(b.Data); ok && b.Text == fmt.Sprintf("✅ #%d", id) {
		return fmt.Sprintf("✅ Xong việc #%d", id)
	}
	return b.Text
}

// choicesText says the choices, one a line, as a phone shows them best.
func choicesText(labels []string, html bool) string {
	label := func(s string) string {
		if html {
			return esc(s)
		}
		return s
	}
	if len(labels) == 1 {
		return fmt.Sprintf(textOneChoice, label(labels[0]))
	}
	var b strings.Builder
	b.WriteString(textChoices)
	for i, l := range labels {
		fmt.Fprintf(&b, "\n%d. %s", i+1, label(l))
	}
	return b.String()
}

const (
	textOneChoice = "Trả lời 1 để chọn: %s"
	textChoices   = "Trả lời bằng số để chọn:"
	// The answers to a number that presses nothing: in a private chat
	// only (in a group a number may be anyone's talk).
	textNoQuestion      = "Số %d không trả lời câu hỏi nào: không có câu hỏi nào của bot đang chờ (câu hỏi chỉ trả lời bằng số được trong 24 giờ).\nGõ lệnh, ví dụ: xong 12 hoặc viec."
	textNoSuchChoice    = "Số %d không có trong câu hỏi gần nhất (chỉ có số 1 đến %d).\nXem lại tin cuối của bot, hoặc gõ lệnh, ví dụ: xong 12."
	textNoSuchChoiceOne = "Số %d không có trong câu hỏi gần nhất (chỉ có số 1).\nXem lại tin cuối của bot, hoặc gõ lệnh, ví dụ: xong 12."
	textNewerQuestion   = "Bot vừa hỏi câu mới sau khi bạn gõ số %d, nên tôi chưa làm gì.\nXem tin mới nhất của bot rồi trả lời lại bằng số."
	textOlderQuestion   = "Tin đó đã cũ: số chỉ trả lời câu hỏi gần nhất của bot.\nXem lại tin cuối của bot, hoặc gõ lệnh, ví dụ: xong 12."
)

// buttonless reports whether the update's chat has no buttons.
func (c *conv) buttonless() bool { return c.NoButtons != nil && c.NoButtons(c.u.Transport, c.u.ChatID) }

// typedPress reports whether the button being handled was chosen by a
// number typed, not pressed.
func (c *conv) typedPress() bool { return c.u.Callback != nil && c.u.Callback.ID == "" }

// choiceNumber reads a reply that is only a choice's number: " 2 ".
func choiceNumber(text string) (int, bool) {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > 3 {
		return 0, false
	}
	for _, r := range text {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(text)
	return n, err == nil
}

// choice handles a number typed in a chat without buttons: the press of
// the button it stands for in the chat's question.
func (c *conv) choice(n int) (string, error) {
	q, err := c.tx.Question(c.chat.ID)
	if err != nil {
		return "", err
	}
	quiet := c.chat.Kind == nhacviec.ChatGroup
	switch {
	case q == nil || c.now.Sub(q.AskedAt) > questionLasts:
		if quiet {
			return "", nil
		}
		return "", nhacviec.Errorf(nhacviec.EInvalid, textNoQuestion, n)
	case c.u.ReplyTo != "" && c.u.ReplyTo != q.MessageID:
		return "", nhacviec.Errorf(nhacviec.EInvalid, textOlderQuestion)
	case !c.u.Date.IsZero() && c.u.Date.Before(q.AskedAt.Truncate(time.Second)):
		// Typed before the latest question was asked (a reminder came in
		// between): meant for an earlier one. Platforms date messages
		// to the second.
		return "", nhacviec.Errorf(nhacviec.EInvalid, textNewerQuestion, n)
	case n < 1 || n > len(q.Choices):
		if quiet {
			return "", nil
		}
		if len(q.Choices) == 1 {
			return "", nhacviec.Errorf(nhacviec.EInvalid, textNoSuchChoiceOne, n)
		}
		return "", nhacviec.Errorf(nhacviec.EInvalid, textNoSuchChoice, n, len(q.Choices))
	}
	// Pressed as the button would be: the handler checks it all again.
	cb := &Callback{Data: q.Choices[n-1], MessageID: q.MessageID}
	c.u.Callback = cb
	return "button", c.button(cb)
}

// plainCommands are the commands a chat without buttons takes without
// the slash and without diacritics ("xong 12", "duyệt 12", "trả lại 12
// lý do"): those the buttons stand for, the lists and help one needs to
// use them, and joining and linking by code. Not those that change a unit or cancel, nor words that are
// everyday speech ("rồi" is /roi, "mới" /moi): a private message that
// happens to begin with one must not do such a thing.
var plainCommands = map[string]bool{
	"xong": true, "duyet": true, "tralai": true, "giahan": true, "tiendo": true, "lydo": true,
	"chitiet": true, "viec": true, "quahan": true, "sapden": true, "tim": true, "giao": true,
	"huongdan": true, "start": true,
	// Joining by an invite's code and linking accounts: what /moi and
	// /lienket tell Zalo's users to type.
	"thamgia": true, "lienket": true,
}

// plainCommand reads a command typed without its slash in a chat without
// buttons: its first word, or its first two joined ("tra lai", "gia
// han"), folded, is the name or Latin alias of one of plainCommands; the
// rest, as typed, is its arguments. It returns the command's canonical
// name.
func plainCommand(text string) (name, args string, ok bool) {
	w1, rest1 := cutWord(text)
	if cmd, ok := plainCommandNamed(calendar.Fold(w1)); ok {
		return cmd, rest1, true
	}
	w2, rest2 := cutWord(rest1)
	if w2 == "" {
		return "", "", false
	}
	if cmd, ok := plainCommandNamed(calendar.Fold(w1) + calendar.Fold(w2)); ok {
		return cmd, rest2, true
	}
	return "", "", false
}

func plainCommandNamed(word string) (string, bool) {
	cmd, ok := commandByName[word]
	if !ok || !plainCommands[cmd.Name] {
		return "", false
	}
	return cmd.Name, true
}

// cutWord returns the first word of s and what follows it, trimmed.
func cutWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
