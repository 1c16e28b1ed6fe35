package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// A coordinator's part once given (coordinators.go): who answers for it,
// finishing it, a unit's head handing it on, how /chitiet and /viec show
// it, and the scheduler's notices about it.

// ---- whose part ----

// answers reports whether the caller answers for part p: theirs, handed
// to them, or of a unit they head (or a unit below one).
func (c *conv) answers(p *nhacviec.Coordinator) (bool, error) {
	if c.me == nil {
		return false, nil
	}
	if p.PersonID == c.me.ID || p.AssignedID == c.me.ID {
		return true, nil
	}
	if p.UnitID == 0 {
		return false, nil
	}
	st, err := c.standing()
	if err != nil {
		return false, err
	}
	return st.heads(p.UnitID), nil
}

// myParts returns the parts of t the caller answers for.
func (c *conv) myParts(t *nhacviec.Task) ([]*nhacviec.Coordinator, error) {
	parts, err := c.tx.Coordinators(t.ID)
	if err != nil {
		return nil, err
	}
	var mine []*nhacviec.Coordinator
	for _, p := range parts {
		ok, err := c.answers(p)
		if err != nil {
			return nil, err
		}
		if ok {
			mine = append(mine, p)
		}
	}
	return mine, nil
}

// coordinates reports whether the caller answers for a part of t: a
// coordinator may read the task they contribute to.
func (c *conv) coordinates(t *nhacviec.Task) (bool, error) {
	mine, err := c.myParts(t)
	return len(mine) > 0, err
}

// hasOpenPart reports whether the caller has a part of t still to
// deliver, and is not its lead.
func (c *conv) hasOpenPart(t *nhacviec.Task) (bool, error) {
	if c.me == nil || t.AssigneeID == c.me.ID {
		return false, nil
	}
	mine, err := c.myParts(t)
	return slices.ContainsFunc(mine, func(p *nhacviec.Coordinator) bool { return !p.Done() }), err
}

// ---- finishing a part ----

// finishPart handles "xong" on task id from one of its coordinators (not
// its lead): their parts, not the task. ok is false when the caller is
// no coordinator of it, or only one whose part is delivered and who may
// close the task as well: then "xong" is about the task.
func (c *conv) finishPart(id int64) (ok bool, err error) {
	if c.me == nil {
		return false, nil
	}
	t, err := c.tx.Task(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if t.AssigneeID == c.me.ID {
		return false, nil
	}
	mine, err := c.myParts(t)
	if err != nil || len(mine) == 0 {
		return false, err
	}
	if !t.Open() {
		return true, nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	}
	var open []*nhacviec.Coordinator
	for _, p := range mine {
		if !p.Done() {
			open = append(open, p)
		}
	}
	if len(open) == 0 {
		if manage, err := c.canManage(t); err != nil || manage {
			return false, err
		}
		done := mine[0]
		return true, nhacviec.Errorf(nhacviec.EConflict, textPartAlreadyDone, t.ID,
			done.DoneAt.In(c.Calendar.Location()).Format("15:04 02/01/2006"))
	}
	var names []string // how the lead is told who delivered
	late := 0
	for _, p := range open {
		p.DoneAt, p.DoneBy = c.now, c.me.ID
		p.LateDays = c.Calendar.WorkingDaysLate(p.Deadline, c.now)
		if err := c.tx.FinishCoordinator(p); err != nil {
			return true, err
		}
		name, err := c.partName(p)
		if err != nil {
			return true, err
		}
		if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventCoordinatorDone,
			Note: name + ", " + timeliness(p.LateDays)}); err != nil {
			return true, err
		}
		if p.UnitID != 0 {
			unit, err := c.partName(&nhacviec.Coordinator{UnitID: p.UnitID})
			if err != nil {
				return true, err
			}
			name = c.me.Mention() + " (" + unit + ")"
		}
		names = append(names, name)
		late = max(late, p.LateDays)
	}
	suffix := ""
	if late > 0 {
		suffix = " (" + timeliness(late) + ")"
	}
	title := t.Title
	if c.u.Callback != nil {
		title = clip(title, maxAnswerTitle)
	}
	said := fmt.Sprintf(textPartDone, t.ID, esc(title), suffix)
	if !c.showable(t) {
		said = fmt.Sprintf(textPartDoneNoTitle, t.ID, suffix)
	}
	if err := c.say(said); err != nil {
		return true, err
	}
	// A group's message about the task keeps its ✅: it is the lead's
	// too, and the task is still open.
	if c.chat.Kind == nhacviec.ChatPrivate {
		if err := c.removeButtons(); err != nil {
			return true, err
		}
	}
	lead, err := c.person(t.AssigneeID)
	if err != nil {
		return true, err
	}
	_, err = c.notify(lead, &nhacviec.Message{TaskID: t.ID,
		Text: fmt.Sprintf(textPartDoneNotice, esc(strings.Join(names, ", ")), t.ID, marks(t), esc(t.Title), suffix)})
	return true, err
}

// onlyPartDone answers /xong without an id from someone who leads no
// open task: their part, when they have exactly one to deliver.
func (c *conv) onlyPartDone() error {
	st, err := c.standing()
	if err != nil {
		return err
	}
	parts, err := c.tx.OpenCoordinations(c.me.ID, st.headScope())
	if err != nil {
		return err
	}
	if len(parts) != 1 {
		return nhacviec.Errorf(nhacviec.EInvalid, textDoneUsage)
	}
	return c.markDone(parts[0].TaskID, "")
}

// timeliness says how a part was delivered: "đúng hạn", "trễ 2 ngày làm
// việc".
func timeliness(late int) string {
	if late == 0 {
		return textPartOnTime
	}
	return fmt.Sprintf(textPartLate, late)
}

// ---- handing a unit's part on ----

// coordinate: /phoihop 12 @người hands the part of #12 given to the
// caller's unit to one of their people; /phoihop 12 offers them as
// buttons.
func (c *conv) coordinate(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandUsage)
	}
	first, rest, _ := strings.Cut(args, " ")
	id, ok := parseID(first)
	if !ok {
		return badID(first, "/phoihop 12 @binh")
	}
	t, err := c.visibleTask(id)
	if err != nil {
		return err
	}
	part, err := c.headedPart(t)
	if err != nil {
		return err
	}
	if part == nil {
		return c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textHandOnlyHead, t.ID))
	}
	if strings.TrimSpace(rest) == "" {
		return c.offerPeople(t, part)
	}
	p, tail, err := c.personArg(rest)
	if err != nil {
		return err
	}
	if tail != "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandUsage)
	}
	return c.handPart(t, part, p)
}

// headedPart is the part of t of a unit the caller heads: the first not
// delivered, else the first; nil when there is none.
func (c *conv) headedPart(t *nhacviec.Task) (*nhacviec.Coordinator, error) {
	parts, err := c.tx.Coordinators(t.ID)
	if err != nil {
		return nil, err
	}
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	var first *nhacviec.Coordinator
	for _, p := range parts {
		if p.UnitID == 0 || !st.heads(p.UnitID) {
			continue
		}
		if !p.Done() {
			return p, nil
		}
		if first == nil {
			first = p
		}
	}
	return first, nil
}

// handButton answers "👤 Giao cho…" (choice "": offer the people) and a
// press of one of the people it offered (choice: their id), checked as
// /phoihop is.
func (c *conv) handButton(partID int64, choice string) error {
	part, err := c.tx.Coordinator(partID)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	t, err := c.tx.Task(part.TaskID)
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if part.UnitID == 0 || !st.heads(part.UnitID) {
		if ok, err := c.canSee(t); err != nil || !ok {
			if err == nil {
				err = nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
			}
			return err
		}
		return nhacviec.Errorf(nhacviec.EForbidden, textHandOnlyHead, t.ID)
	}
	if choice == "" {
		return c.offerPeople(t, part)
	}
	pid, err := strconv.ParseInt(choice, 10, 64)
	if err != nil || pid <= 0 {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	p, err := c.tx.Person(pid)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	return c.handPart(t, part, p)
}

// offerPeople lists the people of the part's unit (and the units below
// it) as buttons that hand the part to them.
func (c *conv) offerPeople(t *nhacviec.Task, part *nhacviec.Coordinator) error {
	if err := c.handable(t, part); err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	var people []*nhacviec.Person
	var seen []int64
	for _, u := range st.tree.subtree(part.UnitID) {
		roles, err := c.tx.UnitRoles(u)
		if err != nil {
			return err
		}
		for _, m := range roles {
			if len(people) == maxPeopleButtons || m.PersonID == t.AssigneeID || slices.Contains(seen, m.PersonID) {
				continue
			}
			seen = append(seen, m.PersonID)
			p, err := c.person(m.PersonID)
			if err != nil {
				return err
			}
			people = append(people, p)
		}
	}
	name, err := c.partName(part)
	if err != nil {
		return err
	}
	if len(people) == 0 {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandNoPeople, esc(name), t.ID)
	}
	var rows [][]nhacviec.Button
	for i, p := range people {
		b := nhacviec.Button{Text: p.Mention(), Data: fmt.Sprintf("%s:%d:%d", actionHand, part.ID, p.ID)}
		if i%2 == 0 {
			rows = append(rows, []nhacviec.Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	return c.reply(&nhacviec.Message{TaskID: t.ID, Text: fmt.Sprintf(textHandWho, esc(name), t.ID, t.ID), Buttons: rows})
}

// handable says why part cannot be handed on now, or nil.
func (c *conv) handable(t *nhacviec.Task, part *nhacviec.Coordinator) error {
	switch {
	case !t.Open():
		return nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	case part.Done():
		return nhacviec.Errorf(nhacviec.EConflict, textPartAlreadyDone, t.ID,
			part.DoneAt.In(c.Calendar.Location()).Format("15:04 02/01/2006"))
	}
	return nil
}

// handPart hands a unit's part to p, one of the unit's people (of a unit
// below it too), who is told; the history records it.
func (c *conv) handPart(t *nhacviec.Task, part *nhacviec.Coordinator, p *nhacviec.Person) error {
	if err := c.handable(t, part); err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	unit := st.tree.path(part.UnitID)
	if p.ID == t.AssigneeID {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandToLead, esc(p.Mention()), t.ID, t.ID)
	}
	roles, err := c.tx.Roles(p.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(roles, func(m nhacviec.Membership) bool { return st.tree.within(m.UnitID, part.UnitID) }) {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandNotMember, esc(p.Mention()), esc(unit), t.ID)
	}
	if part.AssignedID == p.ID {
		return c.say(fmt.Sprintf(textHandedAlready, t.ID, esc(p.Mention())))
	}
	before, err := c.partName(part)
	if err != nil {
		return err
	}
	if err := c.tx.HandCoordinator(part.ID, p.ID); err != nil {
		return err
	}
	part.AssignedID = p.ID
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventCoordinatorHanded,
		Note: fmt.Sprintf(textHandedNote, before, p.Mention())}); err != nil {
		return err
	}
	if c.u.Callback != nil && strings.HasPrefix(c.u.Callback.Data, actionHand+":") {
		if err := c.removeButtons(); err != nil {
			return err
		}
	}
	answer := fmt.Sprintf(textHanded, t.ID, esc(unit), esc(p.Mention()))
	if p.ID != c.me.ID {
		lead, err := c.person(t.AssigneeID)
		if err != nil {
			return err
		}
		reached, err := c.notify(p, &nhacviec.Message{TaskID: t.ID, Buttons: doneButton(t),
			Text: fmt.Sprintf(textPartHandedToYou, esc(c.me.Mention()), esc(unit), t.ID, marks(t), esc(t.Title), esc(lead.Mention()),
				c.deadlineAt(part.Deadline), c.deadline(t), fieldLines(t))})
		if err != nil {
			return err
		}
		if !reached {
			answer += "\n" + fmt.Sprintf(textMustStart, esc(p.Mention()), esc(c.botName()))
		}
	}
	return c.say(answer)
}

// ---- /chitiet and /viec ----

// partsDetail is /chitiet's section on t's parts: each coordinator, their
// deadline, delivered or not, on time or late by how many working days.
func (c *conv) partsDetail(t *nhacviec.Task) (string, error) {
	parts, err := c.tx.Coordinators(t.ID)
	if err != nil || len(parts) == 0 {
		return "", err
	}
	loc := c.Calendar.Location()
	var b strings.Builder
	b.WriteString("\n" + textPartsHeader)
	for _, p := range parts {
		name, err := c.partName(p)
		if err != nil {
			return "", err
		}
		var state string
		switch {
		case p.Done():
			state = fmt.Sprintf(textPartStateDone, p.DoneAt.In(loc).Format("15:04 02/01/2006"), timeliness(p.LateDays))
		case !t.Open():
			state = textPartStateUndelivered
		case !c.now.Before(p.Deadline):
			state = fmt.Sprintf(textPartStateOverdue, partState(p, c.now, loc))
		default:
			state = fmt.Sprintf(textPartStateOpen, partState(p, c.now, loc))
		}
		fmt.Fprintf(&b, "\n• %s — hạn %s: %s", esc(name), c.deadlineAt(p.Deadline), state)
	}
	return b.String(), nil
}

// partState says where an open part stands, as taskState says it of a
// task: "còn 2 ngày", "quá hạn 3 ngày".
func partState(p *nhacviec.Coordinator, now time.Time, loc *time.Location) string {
	return taskState(&nhacviec.Task{Status: nhacviec.StatusOpen, Deadline: p.Deadline}, now, loc)
}

// coordinationList is /viec's section on the parts the caller still has
// to deliver (marked "phối hợp", with the part's deadline), "" when none;
// a filtered /viec (trongtam, a search) has none.
func (c *conv) coordinationList(filtered bool) (string, error) {
	if filtered || c.me == nil {
		return "", nil
	}
	st, err := c.standing()
	if err != nil {
		return "", err
	}
	parts, err := c.tx.OpenCoordinations(c.me.ID, st.headScope())
	if err != nil || len(parts) == 0 {
		return "", err
	}
	var ids []int64
	for _, p := range parts {
		ids = append(ids, p.TaskID)
	}
	tasks, err := c.tx.FindTasks(nhacviec.TaskFilter{IDs: ids})
	if err != nil {
		return "", err
	}
	byID := map[int64]*nhacviec.Task{}
	for _, t := range tasks {
		byID[t.ID] = t
	}
	var mine []*nhacviec.Coordinator
	hidden := 0
	for _, p := range parts {
		switch t := byID[p.TaskID]; {
		case t == nil || t.AssigneeID == c.me.ID:
		case !c.showable(t):
			hidden++
		default:
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 && hidden == 0 {
		return "", nil
	}
	var b strings.Builder
	b.WriteString("\n\n" + fmt.Sprintf(textPartsListHeader, len(mine)+hidden))
	for i, p := range mine {
		if i == maxListed {
			fmt.Fprintf(&b, "\n"+textMoreTasks, len(mine)-i)
			break
		}
		t := byID[p.TaskID]
		lead, err := c.person(t.AssigneeID)
		if err != nil {
			return "", err
		}
		whose := ""
		if p.UnitID != 0 && p.AssignedID != c.me.ID {
			if u, ok := st.tree.units[p.UnitID]; ok {
				whose = fmt.Sprintf(textPartOfUnit, esc(u.Name))
			}
		}
		fmt.Fprintf(&b, "\n"+textPartLine, t.ID, marks(t), esc(t.Title), whose, esc(lead.Mention()),
			c.deadlineAt(p.Deadline), partState(p, c.now, c.Calendar.Location()))
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "\n"+textHiddenParts, hidden, esc(c.botName()))
	}
	return b.String(), nil
}

// ---- the scheduler's notices ----

// composePart says a notice about a coordinator's part: reminders and
// nudges to whoever answers for it, the overdue notice to them and to
// the lead, who waits for it. Those who cannot be written to privately
// are mentioned in the task's group, as leads are.
func (b *Bot) composePart(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	t, p := n.Task, n.Part
	if p.Done() || !t.Open() {
		return nil, nil
	}
	loc := b.Calendar.Location()
	var tr *tree
	to := []int64{p.PersonID}
	if p.UnitID != 0 {
		var err error
		if tr, err = loadTree(tx); err != nil {
			return nil, err
		}
		to = []int64{p.AssignedID}
		if p.AssignedID == 0 {
			if to, err = unitHeads(tx, tr, p.UnitID); err != nil {
				return nil, err
			}
		}
	}
	lead, err := tx.Person(t.AssigneeID)
	if err != nil {
		return nil, err
	}
	name, err := partName(tr, p, tx.Person)
	if err != nil {
		return nil, err
	}
	due := calendar.FormatDeadline(p.Deadline.In(loc))
	title := marks(t) + esc(t.Title)
	var text string
	tellLead := false
	switch {
	case n.Kind == nhacviec.KindReminder && strings.Contains(n.Slot, ":due:"):
		text = fmt.Sprintf(textPartRemindToday, t.ID, title, esc(name), esc(lead.Mention()), due)
	case n.Kind == nhacviec.KindReminder:
		text = fmt.Sprintf(textPartRemindBefore, t.ID, title, esc(name), esc(lead.Mention()), due)
	case n.Kind == nhacviec.KindOverdue:
		text = fmt.Sprintf(textPartOverdue, t.ID, title, esc(name), due, esc(lead.Mention()))
		tellLead = true
	case n.Kind == nhacviec.KindNudge:
		text = fmt.Sprintf(textPartNudge, t.ID, title, esc(name), due, partState(p, n.At, loc))
	default:
		return nil, fmt.Errorf("bot: compose part: unknown notice %s/%s", n.Kind, n.Slot)
	}
	var out []*nhacviec.Message
	var inGroup []string
	say := func(id int64, buttons [][]nhacviec.Button) error {
		who, err := tx.Person(id)
		if err != nil {
			return err
		}
		if who.PrivateChatID == 0 {
			inGroup = append(inGroup, esc(who.Mention()))
			return nil
		}
		out = append(out, &nhacviec.Message{ChatID: who.PrivateChatID, Kind: n.Kind, TaskID: t.ID, Text: text, HTML: true, Buttons: buttons})
		return nil
	}
	for _, id := range to {
		if err := say(id, doneButton(t)); err != nil {
			return nil, err
		}
	}
	if tellLead && !slices.Contains(to, t.AssigneeID) {
		if err := say(t.AssigneeID, nil); err != nil {
			return nil, err
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

// tellPartsCancelled tells whoever still had a part of t to deliver (the
// person it was handed to, the coordinator, or a unit's heads) that t is
// cancelled, so that nobody works on for nothing. The lead and the one
// cancelling were told already.
func (c *conv) tellPartsCancelled(t *nhacviec.Task) error {
	parts, err := c.tx.Coordinators(t.ID)
	if err != nil || len(parts) == 0 {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	told := map[int64]bool{c.me.ID: true, t.AssigneeID: true}
	for _, p := range parts {
		if p.Done() {
			continue
		}
		to := []int64{p.PersonID}
		switch {
		case p.AssignedID != 0:
			to = []int64{p.AssignedID}
		case p.UnitID != 0:
			if to, err = unitHeads(c.tx, st.tree, p.UnitID); err != nil {
				return err
			}
		}
		for _, id := range to {
			if told[id] {
				continue
			}
			told[id] = true
			who, err := c.person(id)
			if err != nil {
				return err
			}
			if _, err := c.notify(who, &nhacviec.Message{Text: fmt.Sprintf(textPartCancelled, esc(c.me.Mention()), t.ID, esc(t.Title))}); err != nil {
				return err
			}
		}
	}
	return nil
}
