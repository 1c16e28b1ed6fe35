package bot

import (
	"fmt"
	"strconv"
	"strings"

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
// waiting messages: text messages whose buttons, if any, are a task's ✅.
func mergeable(m *nhacviec.Outgoing) bool {
	switch m.Kind {
	case nhacviec.KindReply, nhacviec.KindNotice, nhacviec.KindReminder, nhacviec.KindOverdue,
		nhacviec.KindNudge, nhacviec.KindDigest:
	default:
		return false
	}
	if m.PartsSent > 0 {
		return false // half sent already: its other parts go as they are
	}
	_, ok := doneOnly(m.Buttons)
	return ok
}

// doneOnly returns the task of a keyboard that is one ✅ button; ok is
// also true for no buttons at all (id 0).
func doneOnly(buttons [][]nhacviec.Button) (int64, bool) {
	switch {
	case len(buttons) == 0:
		return 0, true
	case len(buttons) != 1 || len(buttons[0]) != 1:
		return 0, false
	}
	id, ok := doneData(buttons[0][0].Data)
	return id, ok
}

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
// as one: just the first when it cannot be merged, else as many
// mergeable ones as fit in one message of the transport.
func (s *Sender) merge(msgs []*nhacviec.Outgoing, lim Limits) []*nhacviec.Outgoing {
	if len(msgs) < 2 || !s.mergeable(msgs[0]) {
		return msgs[:1]
	}
	length := lim.Length
	if length == nil {
		length = func(s string) int { return len([]rune(s)) }
	}
	n := 1
	for n < len(msgs) {
		next := msgs[n]
		if !s.mergeable(next) || next.HTML != msgs[0].HTML {
			break
		}
		if length(merged(msgs[:n+1], lim).Text) > lim.MaxText {
			break
		}
		n++
	}
	return msgs[:n]
}

// merged is one message that says all of group, in order.
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
	var sb strings.Builder
	if head, ok := mergedHeads[kind]; ok {
		if !first.HTML {
			head = stripTags(head)
		}
		fmt.Fprintf(&sb, head+"\n\n", len(group))
	}
	sb.WriteString(strings.Join(texts, mergedSeparator))
	buttons := min(lim.MaxButtons, maxMergedButtons)
	if len(tasks) > buttons && buttons > 0 {
		sb.WriteString("\n\n" + textMergedMoreButtons)
	}
	m.Text = sb.String()
	m.Buttons = doneButtons(tasks[:min(len(tasks), buttons)])
	return &m
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

const textMergedMoreButtons = "Việc không có nút: trả lời \"xong\" vào tin này hoặc gõ /xong mã_việc."
