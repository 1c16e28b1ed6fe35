package bot

import (
	"fmt"
	"slices"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// chase composes a monitor's list (nhacviec.KindChase), on the morning
// of recurring report duties' deadline, of the units that hold an
// occurrence not delivered yet: by duty, each unit with its lead. Only
// to the monitor's private chat: the list names units to whoever reads
// the whole organisation, not to a group.
func (b *Bot) chase(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	p := n.To
	if p == nil || p.PrivateChatID == 0 || len(n.Escalated) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(n.Escalated))
	for i, k := range n.Escalated {
		ids[i] = k.ID
	}
	tasks, err := tx.FindTasks(nhacviec.TaskFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	tree, err := loadTree(tx)
	if err != nil {
		return nil, err
	}
	// A duty is its title and recurrence: the occurrences one assignment
	// gave to several units share them.
	type duty struct{ title, recur string }
	var order []duty
	byDuty := map[duty][]*nhacviec.Task{}
	slices.SortFunc(tasks, func(a, b *nhacviec.Task) int { return int(a.ID - b.ID) })
	for _, t := range tasks {
		d := duty{t.Title, t.Recur}
		if _, ok := byDuty[d]; !ok {
			order = append(order, d)
		}
		byDuty[d] = append(byDuty[d], t)
	}
	if len(tasks) == 0 {
		return nil, nil
	}
	loc := b.Calendar.Location()
	var sb strings.Builder
	fmt.Fprintf(&sb, textChaseHead, calendar.WeekdayName(n.At.In(loc).Weekday()), n.At.In(loc).Format("02/01"), len(tasks))
	shown := 0
	for _, d := range order {
		list := byDuty[d]
		fmt.Fprintf(&sb, textChaseDuty, marks(list[0])+esc(clip(d.title, maxEcho*3)), esc(d.recur),
			calendar.FormatDeadline(list[0].Deadline.In(loc)))
		for _, t := range list {
			if shown == maxListed {
				break
			}
			shown++
			lead, err := tx.Person(t.AssigneeID)
			if err != nil {
				return nil, err
			}
			unit := textChaseNoUnit
			if t.UnitID != 0 {
				unit = esc(tree.path(t.UnitID))
			}
			fmt.Fprintf(&sb, "\n• %s — %s (#%d)", unit, esc(lead.Mention()), t.ID)
		}
	}
	if len(tasks) > shown {
		fmt.Fprintf(&sb, "\n"+textMoreTasks, len(tasks)-shown)
	}
	sb.WriteString("\n\n" + textChaseEnd)
	return []*nhacviec.Message{{ChatID: p.PrivateChatID, Kind: nhacviec.KindChase, Text: sb.String(), HTML: true}}, nil
}

const (
	textChaseHead   = "📋 <b>Hạn nộp báo cáo định kỳ hôm nay (%s %s)</b>\nCòn %d đơn vị chưa nộp:"
	textChaseDuty   = "\n\n<b>%s</b> (%s) — hạn %s:"
	textChaseNoUnit = "(chưa thuộc đơn vị)"
	textChaseEnd    = "Đơn vị nộp xong thì việc đóng lại; quá hạn sẽ có thông báo quá hạn. Xem danh sách: /quahan"
)
