package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
)

// A chat's backlog goes out as one message: a head who assigns 60 tasks in
// one go would otherwise wait minutes for 60 confirmations at a group's 20
// messages a minute, and a person with five overdue tasks would get five
// messages. The sender merges the messages of one chat that are waiting
// together (behind the chat's pace, a 429, or written by the same
// planning pass) into as few as the transport's limits allow; each task
// keeps its own ✅ button, and a reply "xong" to the merged message asks
// which task it means.

// mergeable is mergeable(m), unless a merged send with m was refused.
func (s *Sender) mergeable(m *nhacviec.Outgoing) bool {
	s.mu.Lock()
	alone := s.alone[m.ID]
	s.mu.Unlock()
	return !alone && mergeable(m)
}

// maxMergedButtons keeps a merged message's keyboard readable on a phone
// (8 rows of 3), below any transport's own limit.
const maxMergedButtons = 24

// mergeable reports whether m may be said together with its chat's other
// waiting messages: text messages whose buttons, if any, are one task's
// own (its ✅, and its marks' toggles, which a merged message leaves out).
func mergeable(m *nhacviec.Outgoing) bool {
	switch m.Kind {
	case nhacviec.KindReply, nhacviec.KindNotice, nhacviec.KindReminder, nhacviec.KindOverdue,
		nhacviec.KindNudge, nhacviec.KindDigest:
	default:
		return false
	}
	if m.PartsSent > 0 || m.Attach != "" {
		return false // half sent already: its other parts go as they are; or made when sent
	}
	_, ok := doneOnly(m.Buttons)
	return ok
}

// doneOnly returns the task of a keyboard that is one task's own: its ✅
// button first, and perhaps its marks' toggles and its fields' buttons
// (taskButtons), or the overdue notice's ⏳ and its causes (causeKeyboard);
// ok is also true for no buttons at all (id 0).
func doneOnly(buttons [][]nhacviec.Button) (int64, bool) {
	switch {
	case len(buttons) == 0:
		return 0, true
	case len(buttons[0]) == 0:
		return 0, false
	}
	id, ok := doneData(buttons[0][0].Data)
	if !ok {
		return 0, false
	}
	for i, row := range buttons {
		for j, b := range row {
			if i == 0 && j == 0 {
				continue
			}
			action, rest, _ := strings.Cut(b.Data, ":")
			task, _, _ := strings.Cut(rest, ":")
			if !ownAction[action] || task != strconv.FormatInt(id, 10) {
				return 0, false
			}
		}
	}
	return id, true
}

// ownAction are the actions of a task's own buttons other than its ✅:
// a merged message leaves them out.
var ownAction = map[string]bool{actionKey: true, actionUrgent: true, actionReview: true, actionField: true, actionCause: true, actionAskExtension: true}

// doneData reads the data of a ✅ button, "done:12".
func doneData(data string) (int64, bool) {
	s, ok := strings.CutPrefix(data, "done:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// hasText reports whether messages of kind are texts in the chat (and so
// may be cut into parts): not button answers, edits or menus.
func hasText(k nhacviec.MessageKind) bool {
	return k != nhacviec.KindAnswer && k != nhacviec.KindEdit && k != nhacviec.KindMenu
}

// merge returns the first messages of a chat's waiting msgs that go out
// as one: just the first when it cannot be merged; all the chasing
// notices that wait together (merged lists them in short when they do not
// fit in full); else as many mergeable ones as fit in one message.
func (s *Sender) merge(msgs []*nhacviec.Outgoing, lim Limits) []*nhacviec.Outgoing {
	if len(msgs) < 2 || !s.mergeable(msgs[0]) {
		return msgs[:1]
	}
	n := 1
	for n < len(msgs) && s.mergeable(msgs[n]) && msgs[n].HTML == msgs[0].HTML {
		n++
	}
	if chasing(msgs[:n]) {
		return msgs[:n]
	}
	length := lengthOf(lim)
	for i := 2; i <= n; i++ {
		said, _ := asking(merged(msgs[:i], lim), lim) // with its choices, on a transport without buttons
		if length(said.Text) > lim.MaxText {
			return msgs[:i-1]
		}
	}
	return msgs[:n]
}

func lengthOf(lim Limits) func(string) int {
	if lim.Length != nil {
		return lim.Length
	}
	return utf8.RuneCountInString
}

// chasing reports whether every message of group is a reminder, an
// overdue notice or a nudge: those may be said in short.
func chasing(group []*nhacviec.Outgoing) bool {
	for _, m := range group {
		if !m.Kind.Chasing() {
			return false
		}
	}
	return true
}

// merged is one message that says all of group, in order: in full when
// it fits the transport's limit, else (chasing notices only) the first
// line of each, as many as fit, and how many more there are.
func merged(group []*nhacviec.Outgoing, lim Limits) *nhacviec.Outgoing {
	first := group[0]
	if len(group) == 1 {
		return first
	}
	m := *first
	m.ID, m.Key, m.TaskID, m.Buttons, m.ReplyTo = 0, "", 0, nil, ""
	var texts []string
	kind := first.Kind
	var tasks []int64
	several := false
	for _, g := range group {
		texts = append(texts, g.Text)
		if g.Kind != kind {
			kind = ""
		}
		switch {
		case g.ReplyTo == "" || g.ReplyTo == m.ReplyTo:
		case m.ReplyTo == "" && !several:
			m.ReplyTo = g.ReplyTo // the one answer among reminders: still a reply
		default:
			m.ReplyTo, several = "", true // answers to several messages: to none
		}
		if id, _ := doneOnly(g.Buttons); id != 0 {
			tasks = append(tasks, id)
		}
	}
	head := ""
	if h, ok := mergedHeads[kind]; ok {
		if !first.HTML {
			h = stripTags(h)
		}
		head = fmt.Sprintf(h, len(group)) + "\n\n"
	}
	buttons, more := min(lim.MaxButtons, maxMergedButtons), textMergedMoreButtons
	if lim.MaxButtons == 0 {
		// Said as numbered choices when sent (asking), as many.
		buttons, more = maxMergedButtons, textMergedMoreChoices
	}
	hint := ""
	if len(tasks) > buttons && buttons > 0 {
		hint = "\n\n" + more
	}
	texts, footer := commonFooter(texts)
	if footer != "" {
		hint = "\n\n" + footer + hint
	}
	m.Buttons = doneButtons(tasks[:min(len(tasks), buttons)])
	m.Text = head + strings.Join(texts, mergedSeparator) + hint
	length := lengthOf(lim)
	// Room for the choices the buttons become on a transport without.
	room := lim.MaxText
	if lim.MaxButtons == 0 && len(m.Buttons) > 0 {
		choices, _ := choicesOf(&m)
		room -= length("\n\n" + choices)
	}
	if lim.MaxText > 0 && length(m.Text) > room && chasing(group) {
		m.Text = short(head, texts, room, length)
	}
	m.Text = strings.TrimRight(m.Text, "\n")
	return &m
}

// commonFooter takes the reminders' hint ("Xong thì bấm ✅…") off the
// end of every text, when every text ends with it, to say it once under
// them all. Only the hint: another line they share (a deadline) belongs
// to each of them.
func commonFooter(texts []string) ([]string, string) {
	out := make([]string, len(texts))
	for i, t := range texts {
		body, ok := strings.CutSuffix(t, "\n"+textDoneHint)
		if !ok {
			return texts, ""
		}
		out[i] = body
	}
	return out, textDoneHint
}

// short lists the first line of each text under head, as many as fit in
// limit, then how many more there are.
func short(head string, texts []string, limit int, length func(string) int) string {
	var b strings.Builder
	b.WriteString(head)
	for i, t := range texts {
		line, _, _ := strings.Cut(t, "\n")
		rest := fmt.Sprintf("\n"+textMergedMore, len(texts)-i)
		if length(b.String())+length(line)+1+length(rest) > limit {
			b.WriteString(rest)
			return b.String()
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	b.WriteString("\n\n" + textMergedShortEnd)
	return b.String()
}

// doneButtons is a ✅ button per task, labelled with its id, three a row.
func doneButtons(ids []int64) [][]nhacviec.Button {
	var rows [][]nhacviec.Button
	for i, id := range ids {
		if i%3 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], nhacviec.Button{Text: fmt.Sprintf("✅ #%d", id), Data: fmt.Sprintf("done:%d", id)})
	}
	return rows
}

// mergedSeparator stands between the merged messages: a short rule that
// fits a phone's width.
const mergedSeparator = "\n\n┈┈┈┈┈┈┈┈\n\n"

// mergedHeads head a merged message whose parts are all of one kind of
// chasing; %d is how many.
var mergedHeads = map[nhacviec.MessageKind]string{
	nhacviec.KindReminder: "⏰ <b>%d việc sắp đến hạn</b>",
	nhacviec.KindOverdue:  "⚠️ <b>%d việc quá hạn</b>",
	nhacviec.KindNudge:    "⚠️ <b>%d việc vẫn chưa xong</b>",
}

const (
	textMergedMoreButtons = "Việc không có nút: trả lời \"xong\" vào tin này hoặc gõ /xong mã_việc."
	textMergedMoreChoices = "Việc không có số: gõ xong mã_việc."
	textMergedMore        = "… và %d việc khác. Gõ /viec hoặc /quahan để xem đủ; xong việc nào, gõ /xong mã_việc."
	textMergedShortEnd    = "Gõ /chitiet mã_việc để xem từng việc; xong việc nào, bấm ✅ hoặc gõ /xong mã_việc."
)
