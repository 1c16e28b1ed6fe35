package bot

import (
	"fmt"
	"slices"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

var _ nhacviec.Composer = (*Bot)(nil)

// Compose writes the messages that say a notice the scheduler found due:
// reminders and nudges to the assignee, the overdue notice to assignee and
// assigner, the morning digest to a group. A person who has not opened a
// private chat with the bot is mentioned in the group where the task was
// assigned instead.
func (b *Bot) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	if n.Kind == nhacviec.KindDigest {
		return b.digest(tx, n)
	}
	if n.Kind == nhacviec.KindEscalation {
		return b.escalation(tx, n)
	}
	if n.Kind == nhacviec.KindMonthly {
		return b.monthly(tx, n) // report.go
	}
	if n.Kind == nhacviec.KindChase {
		return b.chase(tx, n) // chase.go
	}
	if n.Kind == nhacviec.KindReminder && strings.HasPrefix(n.Slot, nhacviec.SlotReview+":") {
		return b.reviewReminder(tx, n)
	}
	if n.Part != nil {
		return b.composePart(tx, n)
	}
	t := n.Task
	assignee, err := tx.Person(t.AssigneeID)
	if err != nil {
		return nil, err
	}
	due := calendar.FormatDeadline(t.Deadline.In(b.Calendar.Location()))
	title := marks(t) + esc(t.Title)
	var text string
	to := []*nhacviec.Person{assignee}
	switch {
	case n.Kind == nhacviec.KindReminder && strings.HasPrefix(n.Slot, "due"):
		text = fmt.Sprintf(textRemindToday, t.ID, title, due)
	case n.Kind == nhacviec.KindReminder && strings.HasPrefix(n.Slot, nhacviec.SlotBefore3+":"):
		text = fmt.Sprintf(textRemindBefore3, t.ID, title, due, esc(t.Recur))
	case n.Kind == nhacviec.KindReminder:
		text = fmt.Sprintf(textRemindBefore, t.ID, title, due)
	case n.Kind == nhacviec.KindOverdue:
		text = fmt.Sprintf(textOverdueNotice, t.ID, title, esc(assignee.Mention()), due)
		if t.AssignerID != t.AssigneeID {
			assigner, err := tx.Person(t.AssignerID)
			if err != nil {
				return nil, err
			}
			to = append(to, assigner)
		}
	case n.Kind == nhacviec.KindNudge:
		text = fmt.Sprintf(textNudge, t.ID, title, due, taskState(t, n.At, b.Calendar.Location()))
	default:
		return nil, fmt.Errorf("bot: compose: unknown notice %s/%s", n.Kind, n.Slot)
	}
	var out []*nhacviec.Message
	var inGroup []string // mentions for the group fallback
	for _, p := range to {
		if p.PrivateChatID != 0 {
			m := &nhacviec.Message{ChatID: p.PrivateChatID, Kind: n.Kind, TaskID: t.ID, Text: text, HTML: true}
			if p.ID == t.AssigneeID {
				m.Buttons = doneButton(t)
				if n.Kind == nhacviec.KindOverdue {
					// The lead is asked why (cause.go).
					if err := askCause(tx, t, m); err != nil {
						return nil, err
					}
				}
			}
			out = append(out, m)
		} else {
			inGroup = append(inGroup, esc(p.Mention()))
		}
	}
	if len(inGroup) > 0 {
		chat, err := groupFor(tx, t)
		if err != nil {
			return nil, err
		}
		if chat != nil {
			out = append(out, &nhacviec.Message{ChatID: chat.ID, Kind: n.Kind, TaskID: t.ID, HTML: true,
				Text: strings.Join(inGroup, " ") + " " + text, Buttons: doneButton(t)})
		}
	}
	return out, nil
}

// groupFor is the group where a task is chased when its people cannot be
// written to privately: the group where it was assigned, else the group of
// its unit or of the nearest unit above; nil if none.
func groupFor(tx nhacviec.Tx, t *nhacviec.Task) (*nhacviec.Chat, error) {
	chat, err := tx.Chat(t.ChatID)
	if err != nil {
		return nil, err
	}
	if chat.Kind == nhacviec.ChatGroup && chat.Active {
		return chat, nil
	}
	units, err := unitsUp(tx, t.UnitID)
	if err != nil {
		return nil, err
	}
	for _, id := range units {
		g, err := tx.GroupOfUnit(id)
		if err != nil || g != nil {
			return g, err
		}
	}
	return nil, nil
}

// digest is a group's morning summary: overdue, due today, due within
// three days, each with the people concerned.
func (b *Bot) digest(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	loc := b.Calendar.Location()
	soon := n.At.AddDate(0, 0, 4)
	f := nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: soon, ExcludeSubmitted: true}
	unit := int64(0)
	var readers []*nhacviec.Person
	if n.Unit != nil {
		unit = n.Unit.ID // a unit without a group: said to its members
		// Who would read it, first: a unit none of whose people has a
		// private chat says nothing, and writing nothing plans nothing,
		// so every pass of the morning would list its tasks again (at a
		// million tasks, 140 ms a minute).
		var err error
		if readers, err = unitReaders(tx, n.Unit.ID); err != nil || len(readers) == 0 {
			return nil, err
		}
	} else {
		f.ChatID, unit = n.Chat.ID, n.Chat.UnitID
	}
	if unit != 0 { // a unit's group: the whole unit's work
		tree, err := loadTree(tx)
		if err != nil {
			return nil, err
		}
		f.UnitIDs = tree.subtree(unit)
	}
	tasks, err := tx.FindTasks(f)
	if err != nil {
		return nil, err
	}
	var overdue, today, later []*nhacviec.Task
	for _, t := range tasks {
		switch days := daysBetween(n.At, t.Deadline, loc); {
		case t.Overdue(n.At):
			overdue = append(overdue, t)
		case days == 0:
			today = append(today, t)
		case days <= 3:
			later = append(later, t)
		}
	}
	if len(overdue)+len(today)+len(later) == 0 {
		return nil, nil
	}
	// Key and urgent tasks head each section, in deadline order as the
	// others.
	for _, list := range [][]*nhacviec.Task{overdue, today, later} {
		slices.SortStableFunc(list, func(a, b *nhacviec.Task) int {
			switch {
			case flagged(a) == flagged(b):
				return 0
			case flagged(a):
				return -1
			}
			return 1
		})
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, textDigestHeader, calendar.WeekdayName(n.At.In(loc).Weekday()), n.At.In(loc).Format("02/01/2006"))
	people := map[int64]*nhacviec.Person{}
	section := func(head string, list []*nhacviec.Task) error {
		if len(list) == 0 {
			return nil
		}
		fmt.Fprintf(&sb, "\n\n"+head, len(list))
		for i, t := range list {
			if i == maxListed {
				fmt.Fprintf(&sb, "\n"+textMoreTasks, len(list)-i)
				break
			}
			p, ok := people[t.AssigneeID]
			if !ok {
				if p, err = tx.Person(t.AssigneeID); err != nil {
					return err
				}
				people[t.AssigneeID] = p
			}
			fmt.Fprintf(&sb, "\n• #%d %s%s — %s, %s (%s)", t.ID, marks(t), esc(t.Title), esc(p.Mention()),
				calendar.FormatDeadline(t.Deadline.In(loc)), taskState(t, n.At, loc))
		}
		return nil
	}
	for _, s := range []struct {
		head string
		list []*nhacviec.Task
	}{{textDigestOverdue, overdue}, {textDigestToday, today}, {textDigestSoon, later}} {
		if err := section(s.head, s.list); err != nil {
			return nil, err
		}
	}
	sb.WriteString("\n\n" + textDigestFooter)
	if n.Unit == nil {
		return []*nhacviec.Message{{ChatID: n.Chat.ID, Kind: nhacviec.KindDigest, Text: sb.String(), HTML: true}}, nil
	}
	var out []*nhacviec.Message
	for _, p := range readers {
		out = append(out, &nhacviec.Message{ChatID: p.PrivateChatID, Kind: nhacviec.KindDigest,
			Text: fmt.Sprintf(textDigestOfUnit, esc(n.Unit.Name)) + sb.String(), HTML: true})
	}
	return out, nil
}

// unitReaders are the people of a unit (its roles, each once) who have a
// private chat with the bot: those a unit without a group tells its
// digest.
func unitReaders(tx nhacviec.Tx, unit int64) ([]*nhacviec.Person, error) {
	roles, err := tx.UnitRoles(unit)
	if err != nil {
		return nil, err
	}
	var out []*nhacviec.Person
	seen := map[int64]bool{}
	for _, m := range roles {
		if seen[m.PersonID] {
			continue // a member who is also its head: once
		}
		seen[m.PersonID] = true
		p, err := tx.Person(m.PersonID)
		if err != nil {
			return nil, err
		}
		if p.PrivateChatID != 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

const (
	textDigestOfUnit  = "🏢 <b>%s</b> · "
	textRemindBefore  = "⏰ Nhắc việc #%d: <b>%s</b>\nHạn: %s (ngày làm việc tới).\n" + textDoneHint
	textRemindBefore3 = "⏰ Nhắc việc #%d: <b>%s</b>\nHạn: %s (còn 3 ngày làm việc; việc định kỳ %s).\n" + textDoneHint
	textRemindToday   = "⏰ Hôm nay đến hạn việc #%d: <b>%s</b>\nHạn: %s.\n" + textDoneHint
	// The first line of a chasing notice says it all in short: a merged
	// message too long for every notice in full lists their first lines.
	textOverdueNotice = "⚠️ Việc #%d đã quá hạn: <b>%s</b> — %s\nHạn: %s"
	textNudge         = "⚠️ Việc #%d vẫn chưa xong: <b>%s</b>\nHạn: %s (%s).\n" + textDoneHint
	// textDoneHint ends the reminders; merged, they say it once.
	textDoneHint      = "Xong thì bấm ✅ hoặc trả lời \"xong\"."
	textDigestHeader  = "☀️ <b>Điểm việc sáng %s %s</b>"
	textDigestOverdue = "⚠️ <b>Quá hạn</b> (%d)"
	textDigestToday   = "📍 <b>Đến hạn hôm nay</b> (%d)"
	textDigestSoon    = "⏳ <b>Đến hạn trong 3 ngày</b> (%d)"
	textDigestFooter  = "Xong việc nào, trả lời \"xong\" vào tin nhắn về việc đó hoặc gõ /xong mã_việc."
)
