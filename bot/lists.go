package bot

import (
	"fmt"
	"math"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// maxListed bounds a listing so that it fits in one message.
const maxListed = 40

// myTasks: /viec, the caller's open tasks; /viec trongtam the key ones;
// /viec 1365/VP-NL (or words of a title) those that match.
func (c *conv) myTasks(args string) error {
	key, words := listFilter(args)
	if err := checkSearch(words); err != nil {
		return err
	}
	tasks, err := c.tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: c.me.ID, KeyTask: key, Search: words})
	if err != nil {
		return err
	}
	shown, hidden := c.split(tasks)
	parts, err := c.coordinationList(key || words != "")
	if err != nil {
		return err
	}
	if len(shown) == 0 && hidden == 0 {
		if parts != "" {
			return c.reply(&nhacviec.Message{Text: strings.TrimLeft(parts, "\n")})
		}
		switch {
		case words != "":
			return c.say(fmt.Sprintf(textNoMatchingTasks, esc(words), esc(words)))
		case key:
			return c.say(textNoKeyTasks)
		}
		return c.say(textNoOpenTasks)
	}
	var b strings.Builder
	switch {
	case words != "":
		fmt.Fprintf(&b, textMyMatchingHeader, esc(words), len(shown))
	case key:
		fmt.Fprintf(&b, textMyKeyTasksHeader, len(shown))
	default:
		fmt.Fprintf(&b, textMyTasksHeader, len(shown))
	}
	c.writeTasks(&b, shown, nil)
	if hidden > 0 {
		fmt.Fprintf(&b, "\n\n"+textHiddenTasks, hidden, esc(c.botName()))
	}
	b.WriteString(parts)
	return c.reply(&nhacviec.Message{Text: b.String()})
}

// overdue: /quahan, and /quahan trongtam for the key tasks alone.
func (c *conv) overdue(args string) error {
	key, err := keyFilterOnly(args, "/quahan")
	if err != nil {
		return err
	}
	f := nhacviec.TaskFilter{DeadlineBefore: c.now, KeyTask: key, ExcludeSubmitted: true}
	if key {
		return c.scopeList(f, textKeyOverdueHeader, textNoKeyOverdue)
	}
	return c.scopeList(f, textOverdueHeader, textNoOverdue)
}

// upcoming: /sapden, and /sapden trongtam for the key tasks alone.
func (c *conv) upcoming(args string) error {
	key, err := keyFilterOnly(args, "/sapden")
	if err != nil {
		return err
	}
	f := nhacviec.TaskFilter{DeadlineFrom: c.now, DeadlineBefore: c.now.AddDate(0, 0, 7), KeyTask: key, ExcludeSubmitted: true}
	if key {
		return c.scopeList(f, textKeyUpcomingHeader, textNoKeyUpcoming)
	}
	return c.scopeList(f, textUpcomingHeader, textNoUpcoming)
}

// scopeList lists open tasks in the caller's scope, grouped by assignee:
// in a group, the tasks assigned in that group; in private, the tasks the
// caller assigned or holds.
func (c *conv) scopeList(f nhacviec.TaskFilter, header, empty string) error {
	f.Status = nhacviec.StatusOpen
	return c.scopeTasks(f, header, empty)
}

// scopeTasks lists the tasks f selects (of every status, unless f says)
// within the caller's scope, as scopeList does.
func (c *conv) scopeTasks(f nhacviec.TaskFilter, header, empty string) error {
	var err error
	if c.chat.Kind == nhacviec.ChatGroup {
		f, err = c.groupFilter(f)
	} else {
		f, err = c.privateFilter(f)
	}
	if err != nil {
		return err
	}
	// Only the keys of every task (a unit's listing may count hundreds,
	// and shows maxListed): a first pass over them finds the tasks shown,
	// whose titles are then read at once.
	keys, err := c.tx.FindTaskKeys(f)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return c.say(empty)
	}
	tasks := make([]*nhacviec.Task, len(keys))
	for i, k := range keys {
		tasks[i] = &nhacviec.Task{ID: k.ID, AssigneeID: k.AssigneeID, UnitID: k.UnitID, Deadline: k.Deadline, Status: f.Status}
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	write := func(b *strings.Builder, full func(*nhacviec.Task) *nhacviec.Task) error {
		listed := 0
		var err error
		if c.chat.Kind == nhacviec.ChatPrivate && st.readsAll() {
			err = c.writeByUnit(b, tasks, &listed, full)
		} else {
			err = c.writeByPerson(b, tasks, &listed, full)
		}
		// One count of all left out, whichever person or unit the
		// budget ended in (the headers count their own).
		if err == nil && listed < len(tasks) {
			fmt.Fprintf(b, "\n\n"+textMoreTasks, len(tasks)-listed)
		}
		return err
	}
	var shown []int64
	if err := write(&strings.Builder{}, func(t *nhacviec.Task) *nhacviec.Task { shown = append(shown, t.ID); return t }); err != nil {
		return err
	}
	loaded, err := c.tx.FindTasks(nhacviec.TaskFilter{IDs: shown})
	if err != nil {
		return err
	}
	full := make(map[int64]*nhacviec.Task, len(loaded))
	for _, t := range loaded {
		full[t.ID] = t
	}
	var b strings.Builder
	fmt.Fprintf(&b, header, len(tasks))
	if err := write(&b, func(t *nhacviec.Task) *nhacviec.Task {
		if f, ok := full[t.ID]; ok {
			return f
		}
		return t
	}); err != nil {
		return err
	}
	return c.reply(&nhacviec.Message{Text: b.String()})
}

// groupBy splits tasks by key, keys in order of their most pressing task
// (tasks come soonest first).
func groupBy(tasks []*nhacviec.Task, key func(*nhacviec.Task) int64) ([]int64, map[int64][]*nhacviec.Task) {
	var order []int64
	by := map[int64][]*nhacviec.Task{}
	for _, t := range tasks {
		k := key(t)
		if _, seen := by[k]; !seen {
			order = append(order, k)
		}
		by[k] = append(by[k], t)
	}
	return order, by
}

// writeByPerson writes tasks grouped by assignee, people in order of their
// most pressing task, within the shared budget *listed (it stops there
// without saying so); full gives the task a line shows.
func (c *conv) writeByPerson(b *strings.Builder, tasks []*nhacviec.Task, listed *int, full func(*nhacviec.Task) *nhacviec.Task) error {
	order, by := groupBy(tasks, func(t *nhacviec.Task) int64 { return t.AssigneeID })
	for _, id := range order {
		if *listed >= maxListed {
			break
		}
		p, err := c.person(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "\n\n<b>%s</b> (%d)", esc(p.Mention()), len(by[id]))
		*listed = c.writeLines(b, by[id], listed, full)
	}
	return nil
}

// writeByUnit writes tasks grouped by unit, then by person, within the
// shared budget *listed: the view of leaders, admins and monitors over
// the whole organisation.
func (c *conv) writeByUnit(b *strings.Builder, tasks []*nhacviec.Task, listed *int, full func(*nhacviec.Task) *nhacviec.Task) error {
	st, err := c.standing()
	if err != nil {
		return err
	}
	order, by := groupBy(tasks, func(t *nhacviec.Task) int64 { return t.UnitID })
	for _, id := range order {
		if *listed >= maxListed {
			break
		}
		name := st.tree.path(id)
		if name == "" {
			name = textNoUnit
		}
		fmt.Fprintf(b, "\n\n🏢 <b>%s</b> (%d)", esc(name), len(by[id]))
		if err := c.writeByPerson(b, by[id], listed, full); err != nil {
			return err
		}
	}
	return nil
}

// writeTasks writes one line per task, up to maxListed in all; it returns
// the new count. When several groups share the budget (counted in
// *listed), the caller says how many were left out; alone, it says so
// itself.
func (c *conv) writeTasks(b *strings.Builder, tasks []*nhacviec.Task, listed *int) int {
	return c.writeLines(b, tasks, listed, nil)
}

// writeLines is writeTasks with each line showing full(task) (nil: the
// task itself): listings hold only the keys of tasks they do not show.
func (c *conv) writeLines(b *strings.Builder, tasks []*nhacviec.Task, listed *int, full func(*nhacviec.Task) *nhacviec.Task) int {
	n := 0
	if listed != nil {
		n = *listed
	}
	for i, t := range tasks {
		if n >= maxListed {
			if listed == nil {
				fmt.Fprintf(b, "\n"+textMoreTasks, len(tasks)-i)
			}
			break
		}
		if full != nil {
			t = full(t)
		}
		fmt.Fprintf(b, "\n• #%d %s%s — %s (%s)", t.ID, marks(t), esc(t.Title), c.deadline(t), c.state(t))
		n++
	}
	return n
}

// person loads a person once per update.
func (c *conv) person(id int64) (*nhacviec.Person, error) {
	if p, ok := c.people[id]; ok {
		return p, nil
	}
	p, err := c.tx.Person(id)
	if err != nil {
		return nil, err
	}
	if c.people == nil {
		c.people = map[int64]*nhacviec.Person{}
	}
	c.people[id] = p
	return p, nil
}

// split separates the tasks that may be shown in this chat from those
// that may not (privately assigned tasks asked about in a group).
func (c *conv) split(tasks []*nhacviec.Task) (shown []*nhacviec.Task, hidden int) {
	for _, t := range tasks {
		if c.showable(t) {
			shown = append(shown, t)
		} else {
			hidden++
		}
	}
	return shown, hidden
}

// state says where a task stands: "còn 2 ngày", "hôm nay", "quá hạn 3
// ngày", "đã xong".
func (c *conv) state(t *nhacviec.Task) string {
	return taskState(t, c.now, c.Calendar.Location())
}

func taskState(t *nhacviec.Task, now time.Time, loc *time.Location) string {
	switch t.Status {
	case nhacviec.StatusDone, nhacviec.StatusCancelled:
		return statusText(t.Status)
	}
	if t.Submitted() {
		return textStateSubmitted
	}
	days := daysBetween(now, t.Deadline, loc)
	switch {
	case !now.Before(t.Deadline) && days == 0:
		return "quá hạn " + hoursText(now.Sub(t.Deadline))
	case !now.Before(t.Deadline):
		return fmt.Sprintf("quá hạn %d ngày", -days)
	case days == 0:
		return "hạn hôm nay, còn " + hoursText(t.Deadline.Sub(now))
	case days == 1:
		return "hạn ngày mai"
	}
	return fmt.Sprintf("còn %d ngày", days)
}

func hoursText(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d phút", max(1, int(d/time.Minute)))
	}
	return fmt.Sprintf("%d giờ", int(d/time.Hour))
}

// daysBetween counts calendar days from a's date to b's date in loc.
func daysBetween(a, b time.Time, loc *time.Location) int {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	da := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(math.Round(db.Sub(da).Hours() / 24))
}
