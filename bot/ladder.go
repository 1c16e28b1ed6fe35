package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// The escalation ladder's reports (the scheduler decides who is told of
// which task, scheduler/ladder.go) and its settings per unit (/caidat
// leothang).

// escalation says an escalation report: the tasks of the list, longest
// overdue first, with their lead and how many working days they are
// late. A head who cannot be written to privately is told in the group
// of the tasks' unit, with a mention; a leader's weekly list goes only
// privately (it names the whole organisation's late work).
func (b *Bot) escalation(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	if n.To == nil || len(n.Escalated) == 0 {
		return nil, nil
	}
	leaders := strings.HasPrefix(n.Slot, "leaders:")
	chatID, mention := n.To.PrivateChatID, ""
	if chatID == 0 {
		if leaders {
			return nil, nil
		}
		units, err := unitsUp(tx, n.Escalated[0].UnitID)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			g, err := tx.GroupOfUnit(u)
			if err != nil {
				return nil, err
			}
			if g != nil {
				chatID, mention = g.ID, esc(n.To.Mention())+" "
				break
			}
		}
		if chatID == 0 {
			return nil, nil
		}
	}
	tree, err := loadTree(tx)
	if err != nil {
		return nil, err
	}
	// How many per unit, in the order the units come.
	var units []int64
	count := map[int64]int{}
	for _, k := range n.Escalated {
		if count[k.UnitID] == 0 {
			units = append(units, k.UnitID)
		}
		count[k.UnitID]++
	}
	shown := n.Escalated[:min(len(n.Escalated), maxListed)]
	ids := make([]int64, len(shown))
	for i, k := range shown {
		ids[i] = k.ID
	}
	found, err := tx.FindTasks(nhacviec.TaskFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*nhacviec.Task{}
	for _, t := range found {
		byID[t.ID] = t
	}
	loc := b.Calendar.Location()
	var sb strings.Builder
	sb.WriteString(mention)
	if leaders {
		monday := b.Calendar.At(n.At, calendar.Clock{}).AddDate(0, 0, -int((n.At.In(loc).Weekday()+6)%7))
		fmt.Fprintf(&sb, textLeadersReport, monday.Format("02/01/2006"), len(n.Escalated))
	} else if len(units) == 1 {
		fmt.Fprintf(&sb, textHeadReport, esc(tree.path(units[0])), len(n.Escalated))
	} else {
		fmt.Fprintf(&sb, textHeadReportUnits, len(n.Escalated))
	}
	if len(units) > 1 {
		var parts []string
		for _, u := range units {
			parts = append(parts, fmt.Sprintf(textUnitCount, esc(tree.path(u)), count[u]))
		}
		sb.WriteString("\n" + strings.Join(parts, "\n"))
	}
	sb.WriteString("\n")
	for _, k := range shown {
		t, ok := byID[k.ID]
		if !ok {
			continue
		}
		lead, err := tx.Person(t.AssigneeID)
		if err != nil {
			return nil, err
		}
		who := esc(lead.Mention())
		if len(units) > 1 {
			who += " (" + esc(tree.path(t.UnitID)) + ")"
		}
		fmt.Fprintf(&sb, "\n• #%d %s%s — %s, hạn %s (%s)", t.ID, marks(t), esc(clip(t.Title, maxEcho*3)), who,
			calendar.FormatDeadline(t.Deadline.In(loc)), lateText(b.Calendar, t.Deadline, n.At))
	}
	if len(n.Escalated) > len(shown) {
		fmt.Fprintf(&sb, "\n"+textMoreTasks, len(n.Escalated)-len(shown))
	}
	if leaders {
		sb.WriteString("\n\n" + textLeadersReportEnd)
	} else {
		sb.WriteString("\n\n" + textHeadReportEnd)
	}
	return []*nhacviec.Message{{ChatID: chatID, Kind: nhacviec.KindEscalation, Text: sb.String(), HTML: true}}, nil
}

// lateText says how late a task is on a morning: the whole working days
// that passed after its deadline's day, "quá hạn 3 ngày làm việc" (a
// task due Thursday is 2 working days late on Tuesday morning).
func lateText(cal *calendar.Calendar, deadline, now time.Time) string {
	if n := cal.WorkingDaysLate(deadline, cal.At(now, calendar.Clock{}).Add(-time.Millisecond)); n > 0 {
		return fmt.Sprintf(textLateWorkingDays, n)
	}
	return "quá hạn"
}

// ladderDetail is what /chitiet shows of the changes and the ladder: a
// note after the deadline when it is not the one the task was given,
// and lines on the overdue cause and the escalations.
func (c *conv) ladderDetail(t *nhacviec.Task, exts []*nhacviec.Extension) (original, lines string, err error) {
	if original, err = c.originalNote(t, exts); err != nil {
		return "", "", err
	}
	if lines, err = c.causeLine(t); err != nil {
		return "", "", err
	}
	es, err := c.tx.Escalations(t.ID)
	if err != nil {
		return "", "", err
	}
	for _, e := range es {
		who := "trưởng đơn vị"
		if e.Level == nhacviec.EscalateLeaders {
			who = "lãnh đạo"
		}
		lines += "\n" + fmt.Sprintf(textDetailEscalated, who, e.At.In(c.Calendar.Location()).Format("15:04 02/01/2006"))
	}
	return original, lines, nil
}

// ---- /caidat ----

// ladderWords reads "leothang" (or "leo thang", "ladder") at the start of
// /caidat's words and returns the words after it; ok is false without it.
func ladderWords(words []string) (rest []string, ok bool) {
	switch {
	case len(words) > 0 && (calendar.Fold(words[0]) == "leothang" || words[0] == "ladder"):
		return words[1:], true
	case len(words) > 1 && calendar.Fold(words[0]) == "leo" && calendar.Fold(words[1]) == "thang":
		return words[2:], true
	}
	return nil, false
}

// ladderSetting shows (no words) or changes the ladder's setting of a
// unit: the one named after the numbers or the word, else the caller's.
func (c *conv) ladderSetting(words []string) error {
	mode := ""
	var days []int
	rest := words
	if len(rest) > 0 {
		switch f := calendar.Fold(rest[0]); f {
		case "tat", "off", "bat", "on":
			mode, rest = f, rest[1:]
		default:
			for len(rest) > 0 && len(days) < 2 {
				n, err := strconv.Atoi(rest[0])
				if err != nil {
					break
				}
				days, rest = append(days, n), rest[1:]
			}
			if len(days) != 2 {
				return nhacviec.Errorf(nhacviec.EInvalid, textLadderUsage)
			}
			mode = "set"
		}
	}
	u, err := c.unitArgOrDefault(strings.Join(rest, " "))
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	// The setting in force, a change starts from it.
	inForce, from, err := c.ladderInForce(u.ID)
	if err != nil {
		return err
	}
	own := inForce
	if mode == "" {
		text := fmt.Sprintf(textLadderShow, esc(st.tree.path(u.ID)), ladderText(inForce)) + c.settingFrom(u.ID, from)
		if st.manages(u.ID) {
			text += "\n\n" + textLadderUsage
		}
		return c.say(text)
	}
	if !st.manages(u.ID) {
		return nhacviec.Errorf(nhacviec.EForbidden, textLadderForbidden, esc(u.Name))
	}
	switch mode {
	case "tat", "off":
		own.Off = true
	case "bat", "on":
		own.Off = false
	default:
		if days[0] < 1 || days[0] > maxLadderDays || days[1] <= days[0] || days[1] > maxLadderDays {
			return nhacviec.Errorf(nhacviec.EInvalid, textLadderBadDays, days[0], days[1], maxLadderDays)
		}
		own.HeadDays, own.LeaderDays, own.Off = days[0], days[1], false
	}
	if err := c.tx.SetUnitSetting(u.ID, nhacviec.SettingLadder, own.Value(), c.me.ID); err != nil {
		return err
	}
	return c.say(fmt.Sprintf(textLadderSet, esc(st.tree.path(u.ID)), ladderText(own)))
}

// ladderInForce is the ladder's setting in force in unit id: its own, or
// the nearest unit's above (from), or the defaults (from 0).
func (c *conv) ladderInForce(id int64) (s nhacviec.LadderSetting, from int64, err error) {
	st, err := c.standing()
	if err != nil {
		return s, 0, err
	}
	all, err := c.tx.UnitSettings(nhacviec.SettingLadder)
	if err != nil {
		return s, 0, err
	}
	for unit := range st.tree.up(id) {
		if v, ok := all[unit]; ok {
			if s, ok := nhacviec.ParseLadderSetting(v); ok {
				return s, unit, nil
			}
		}
	}
	return nhacviec.DefaultLadder, 0, nil
}

// settingFrom says where the setting in force in unit id comes from: ""
// when it is the unit's own.
func (c *conv) settingFrom(id, from int64) string {
	st, err := c.standing()
	switch {
	case from == id || err != nil:
		return ""
	case from != 0:
		return " " + fmt.Sprintf(textSettingFrom, esc(st.tree.path(from)))
	}
	return " " + textSettingDefault
}

// ladderShown is /caidat's line on the ladder in unit id.
func (c *conv) ladderShown(id int64) (string, error) {
	s, from, err := c.ladderInForce(id)
	if err != nil {
		return "", err
	}
	return "\n" + fmt.Sprintf(textLadderLine, ladderText(s)) + c.settingFrom(id, from), nil
}

// maxLadderDays bounds a threshold: two months of working days.
const maxLadderDays = 44

// ladderText says a setting: who is told after how long, or that it is
// off.
func ladderText(s nhacviec.LadderSetting) string {
	if s.Off {
		return textLadderOff
	}
	return fmt.Sprintf(textLadderOn, s.HeadDays, s.LeaderDays)
}

const (
	textHeadReport       = "⚠️ <b>%s có %d việc quá hạn</b> (báo trưởng đơn vị)"
	textHeadReportUnits  = "⚠️ <b>Đơn vị có %d việc quá hạn</b> (báo trưởng đơn vị)"
	textLeadersReport    = "📋 <b>Việc quá hạn kéo dài</b> — danh sách tuần từ %s: %d việc"
	textUnitCount        = "• %s: %d việc"
	textLateWorkingDays  = "quá hạn %d ngày làm việc"
	textDetailEscalated  = "🪜 Đã báo %s việc quá hạn: %s"
	textHeadReportEnd    = "Nhắc người chủ trì, hoặc giao lại: /chuyen mã_việc @người. Xem cả đơn vị: /quahan"
	textLeadersReportEnd = "Xem từng việc: /chitiet mã_việc. Cả cơ quan: /quahan"

	textLadderUsage     = "Đổi: /caidat leothang SỐ_NGÀY_BÁO_TRƯỞNG SỐ_NGÀY_BÁO_LÃNH_ĐẠO [ĐƠN_VỊ]\nVí dụ: /caidat leothang 2 5 — tắt: /caidat leothang tat — bật lại: /caidat leothang bat"
	textLadderShow      = "🪜 Báo cáo việc quá hạn ở %s: %s"
	textLadderOn        = "báo trưởng đơn vị khi quá hạn %d ngày làm việc, báo lãnh đạo và người theo dõi (danh sách thứ Hai) khi quá hạn %d ngày làm việc"
	textLadderOff       = "đang tắt"
	textLadderLine      = "Báo cáo việc quá hạn: %s"
	textLadderSet       = "🪜 Đã đặt báo cáo việc quá hạn ở %s: %s"
	textLadderForbidden = "Chỉ trưởng đơn vị %s (hoặc đơn vị cấp trên) và quản trị viên mới đổi được cài đặt này. Ví dụ, trưởng đơn vị gõ: /caidat leothang 3 7 — ai cũng xem được: /caidat leothang"
	textLadderBadDays   = "Số ngày không hợp lệ (%d, %d): số ngày báo trưởng đơn vị từ 1, số ngày báo lãnh đạo lớn hơn nó, tối đa %d.\nVí dụ: /caidat leothang 2 5"
)
