package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Coordinators (phối hợp): besides its one lead, a task may have people
// and units that contribute a part of it by a deadline of their own,
// named on a line of /giao
//
//	/giao @an Xây dựng kế hoạch CCHC năm 2027 hạn 20/12
//	phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính
//
// or in one line, as directives write it:
//
//	/giao @an chủ trì, @binh phối hợp: Xây dựng kế hoạch CCHC hạn 20/12
//
// A part without a deadline is due 2 working days before the lead's; none
// is due after it. A unit's part is answered for by its head (the nearest
// head up the tree), who may hand it to one of their people (/phoihop 12
// @người, or the "👤 Giao cho…" button of their notice). A coordinator
// finishes their part, and only it, with "xong" on their notice, /xong 12
// or ✅: the same words and button as the lead's, told apart by who says
// them. The lead is told; /chitiet shows each part and whether it was
// delivered on time.

// maxCoordinators bounds the parts of one task: a directive names a few
// units, and each is told and chased.
const maxCoordinators = 10

// maxCoordinatorsLen bounds the "phối hợp:" line.
const maxCoordinatorsLen = 1000

// defaultPartDays is how many working days before the lead's deadline a
// part is due when its deadline is not said.
const defaultPartDays = 2

// actionHand is the button of a unit's head that hands the unit's part
// to one of their people: "hand:5" lists the people, "hand:5:42" hands
// part 5 to person 42.
const actionHand = "hand"

// ---- reading what people type ----

// coordItem is one coordinator as typed: who ("@binh", a unit's name)
// and the deadline phrase of their part ("" when not said).
type coordItem struct {
	Who, Phrase string
}

// parseCoordinatorList cuts "@binh hạn 15/12, Phòng Kế hoạch - Tài chính"
// into its coordinators: separated by commas or semicolons, each with
// "hạn …" after it or not. Empty items are skipped; none at all, a "hạn"
// without a deadline or without anyone before it, and more than
// maxCoordinators are the person's mistakes.
func parseCoordinatorList(s string) ([]coordItem, error) {
	if n := utf8.RuneCountInString(s); n > maxCoordinatorsLen {
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textFieldTooLong, "Phối hợp", maxCoordinatorsLen, n, textCoordExample)
	}
	var out []coordItem
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		who, phrase, said := cutPartDeadline(item)
		switch {
		case said && phrase == "":
			return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordNoDeadline, esc(clip(item, maxEcho)), textCoordExample)
		case who == "":
			return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordNoName, esc(clip(item, maxEcho)), textCoordExample)
		}
		out = append(out, coordItem{Who: who, Phrase: phrase})
	}
	switch {
	case len(out) == 0:
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordEmpty, textCoordExample)
	case len(out) > maxCoordinators:
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordTooMany, maxCoordinators, len(out), textCoordExample)
	}
	return out, nil
}

// cutPartDeadline cuts "@binh hạn 15/12" at its last "hạn" (or "thời
// hạn") word into who and the phrase; said reports whether there was
// one. "@han" is a person, not a deadline.
func cutPartDeadline(item string) (who, phrase string, said bool) {
	ws := spans(item)
	at := -1
	for i, w := range ws {
		if w.fold == "han" && item[w.start] != '@' {
			at = i
		}
	}
	if at < 0 {
		return strings.TrimSpace(item), "", false
	}
	start := ws[at].start
	if at > 0 && ws[at-1].fold == "thoi" && item[ws[at-1].start] != '@' {
		start = ws[at-1].start
	}
	return strings.TrimSpace(trimNote(item[:start])), strings.TrimSpace(strings.TrimLeft(item[ws[at].end:], ":")), true
}

// leadForm reads what follows the lead in the one-line form "/giao @an
// chủ trì, @binh phối hợp: Xây dựng …": the coordinators ("@binh") and
// the rest (the title and deadline). "chủ trì: Xây dựng …" names no
// coordinator. ok is false for any other text, and for a title that
// merely begins with those words ("Chủ trì hội nghị …", "Chủ trì, phối
// hợp tổ chức …"): the form needs the comma after "chủ trì" and the
// colon after "phối hợp".
func leadForm(s string) (coordinators, rest string, ok bool) {
	ws := spans(s)
	if len(ws) < 2 || ws[0].fold != "chu" || ws[1].fold != "tri" {
		return "", "", false
	}
	sep, after := rune(0), ws[1].end
	if r, _ := utf8.DecodeLastRuneInString(s[ws[1].start:ws[1].end]); r == ',' || r == ';' || r == ':' {
		sep = r
	} else if t := strings.TrimLeftFunc(s[after:], unicode.IsSpace); t != "" && strings.ContainsRune(",;:", rune(t[0])) {
		sep, after = rune(t[0]), len(s)-len(t)+1
	}
	switch sep {
	case ':':
		return "", strings.TrimSpace(s[after:]), true
	case ',', ';':
	default:
		return "", "", false
	}
	for i := 2; i+1 < len(ws); i++ {
		hop := s[ws[i+1].start:ws[i+1].end] // "hợp", "hợp:", "hợp:Xây"
		if ws[i].fold != "phoi" || ws[i].start < after || (ws[i+1].fold != "hop" && !strings.HasPrefix(calendar.Fold(hop), "hop:")) {
			continue
		}
		colon := -1
		if j := strings.IndexByte(hop, ':'); j >= 0 {
			colon = ws[i+1].start + j + 1
		} else if t := strings.TrimLeftFunc(s[ws[i+1].end:], unicode.IsSpace); strings.HasPrefix(t, ":") {
			colon = len(s) - len(t) + 1
		}
		who := strings.TrimSpace(s[after:ws[i].start])
		if colon < 0 || who == "" {
			return "", "", false
		}
		return who, strings.TrimSpace(s[colon:]), true
	}
	return "", "", false
}

// leadLine applies the one-line form to what follows the lead: the
// coordinators go where a "phối hợp:" line puts them.
func leadLine(rest string, f taskFields) (string, taskFields, error) {
	coord, after, ok := leadForm(rest)
	if !ok {
		return rest, f, nil
	}
	if coord != "" && f.Coordinators != "" {
		return "", f, nhacviec.Errorf(nhacviec.EInvalid, textCoordTwice, textCoordExample)
	}
	if coord != "" {
		f.Coordinators = coord
	}
	return after, f, nil
}

// partSpec is a coordinator as resolved when /giao was read, waiting with
// the assignment (a draft's payload, when a choice comes first).
type partSpec struct {
	PersonID int64  `json:"p,omitempty"`
	UnitID   int64  `json:"u,omitempty"`
	Deadline int64  `json:"d,omitempty"` // Unix seconds; 0: the default
	Moved    string `json:"m,omitempty"` // movedNote of Deadline
}

// partSpecs resolves the coordinators of a "phối hợp" text: people by
// @username or a mention (as /giao names its lead), units by name or
// number (as /thanhvien names them), each once, each unit with a head to
// answer for it, each deadline read by the calendar.
func (c *conv) partSpecs(text string) ([]partSpec, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	items, err := parseCoordinatorList(text)
	if err != nil {
		return nil, err
	}
	var out []partSpec
	names := map[partSpec]string{} // {person or unit} → as typed
	for _, it := range items {
		s, err := c.coordinatorRef(it.Who)
		if err != nil {
			return nil, err
		}
		if first, ok := names[s]; ok {
			return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordDuplicate, esc(clip(first, maxEcho)), textCoordExample)
		}
		names[s] = it.Who
		if it.Phrase != "" {
			dl, err := c.Calendar.Parse(it.Phrase, c.now)
			switch {
			case err != nil:
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordBadDeadline, esc(clip(it.Who, maxEcho)), nhacviec.ErrorMessage(deadlineError(err)))
			case dl.Recurrence != nil:
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordRecurringDeadline, esc(clip(it.Who, maxEcho)), textCoordExample)
			case len(dl.Candidates) > 0:
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordAmbiguous, esc(clip(it.Phrase, maxEcho)), esc(clip(it.Who, maxEcho)), textCoordExample)
			}
			s.Deadline, s.Moved = dl.At.Unix(), movedNote(dl)
		}
		out = append(out, s)
	}
	return out, nil
}

// coordinatorRef finds the person or unit a coordinator's name means.
func (c *conv) coordinatorRef(who string) (partSpec, error) {
	unknown := nhacviec.Errorf(nhacviec.EInvalid, textCoordUnknown, esc(clip(who, maxEcho)), esc(c.Username), textCoordExample)
	if strings.HasPrefix(who, "@") {
		if len(who) < 2 || strings.ContainsFunc(who, unicode.IsSpace) {
			return partSpec{}, unknown
		}
		p, err := c.tx.PersonByUsername(c.u.Transport, who[1:])
		if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
			return partSpec{}, unknown
		} else if err != nil {
			return partSpec{}, err
		}
		return partSpec{PersonID: p.ID}, nil
	}
	if p, rest, err := c.mentioned(who); err != nil {
		return partSpec{}, err
	} else if p != nil && rest == "" {
		return partSpec{PersonID: p.ID}, nil
	}
	st, err := c.standing()
	if err != nil {
		return partSpec{}, err
	}
	var found *nhacviec.Unit
	if id, ok := parseID(who); ok {
		found = st.tree.units[id]
	}
	for _, u := range st.tree.units {
		if found == nil || found.ID != u.ID {
			if calendar.Fold(strings.Join(strings.Fields(u.Name), " ")) != calendar.Fold(strings.Join(strings.Fields(who), " ")) {
				continue
			}
			if found != nil {
				return partSpec{}, nhacviec.Errorf(nhacviec.EInvalid, textCoordUnitAmbiguous, esc(clip(who, maxEcho)), textCoordExample)
			}
			found = u
		}
	}
	if found == nil {
		return partSpec{}, unknown
	}
	heads, err := unitHeads(c.tx, st.tree, found.ID)
	if err != nil {
		return partSpec{}, err
	}
	if len(heads) == 0 {
		return partSpec{}, nhacviec.Errorf(nhacviec.EInvalid, textCoordUnitNoHead, esc(found.Name), textCoordExample)
	}
	return partSpec{UnitID: found.ID}, nil
}

// unitHeads is who answers for unit id: its heads, else those of the
// nearest unit above it that has any; none when no unit up there has a
// head (or the unit is gone).
func unitHeads(tx nhacviec.OrgTx, t *tree, id int64) ([]int64, error) {
	for u := range t.up(id) {
		if _, ok := t.units[u]; !ok {
			return nil, nil
		}
		roles, err := tx.UnitRoles(u)
		if err != nil {
			return nil, err
		}
		var heads []int64
		for _, m := range roles {
			if m.Role == nhacviec.RoleHead && !slices.Contains(heads, m.PersonID) {
				heads = append(heads, m.PersonID)
			}
		}
		if len(heads) > 0 {
			return heads, nil
		}
	}
	return nil, nil
}

// ---- giving parts ----

// newPart is a part just given, with how its deadline was set.
type newPart struct {
	*nhacviec.Coordinator
	defaulted bool   // the deadline was not said
	note      string // why the deadline is what it is, or ""
}

// addCoordinators gives task t's parts to its coordinators: each
// deadline as said, or by default defaultPartDays working days before the
// lead's; never after the lead's, and the lead is no coordinator of their
// own task. A recurring task has none (its next occurrences would be
// given without them).
func (c *conv) addCoordinators(t *nhacviec.Task, specs []partSpec) ([]newPart, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	if t.Recur != "" {
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordRecurringTask, esc(t.Recur))
	}
	lead, err := c.person(t.AssigneeID)
	if err != nil {
		return nil, err
	}
	var out []newPart
	for _, s := range specs {
		if s.PersonID == t.AssigneeID {
			return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordIsLead, esc(lead.Mention()), esc(lead.Mention()), textCoordExample)
		}
		p := newPart{Coordinator: &nhacviec.Coordinator{TaskID: t.ID, PersonID: s.PersonID, UnitID: s.UnitID,
			CreatedAt: c.now, NextPlanAt: c.now}}
		if s.Deadline == 0 {
			p.Deadline, p.note = c.defaultPartDeadline(t.Deadline)
			p.defaulted = true
		} else {
			p.Deadline = time.Unix(s.Deadline, 0)
			if s.Moved != "" {
				p.note = s.Moved
			}
			name, err := c.specName(s)
			if err != nil {
				return nil, err
			}
			if p.Deadline.After(t.Deadline) {
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordAfterLead, esc(name), c.deadlineAt(p.Deadline),
					c.deadline(t), textCoordExample)
			}
			if !p.Deadline.After(c.now) {
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordPast, esc(name), c.deadlineAt(p.Deadline), textCoordExample)
			}
		}
		if err := c.tx.AddCoordinator(p.Coordinator); err != nil {
			return nil, err
		}
		name, err := c.partName(p.Coordinator)
		if err != nil {
			return nil, err
		}
		if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventCoordinatorAdded,
			Note: name + ", hạn " + c.deadlineAt(p.Deadline)}); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// defaultPartDeadline is a part's deadline when none was said:
// defaultPartDays working days before the lead's, at the end of the day;
// fewer when that is gone by; the lead's own when even the day before is.
func (c *conv) defaultPartDeadline(lead time.Time) (time.Time, string) {
	for n := defaultPartDays; n >= 1; n-- {
		if at := c.Calendar.AddWorkingDays(lead, -n); at.After(c.now) && at.Before(lead) {
			return at, fmt.Sprintf(textPartDefault, n)
		}
	}
	return lead, textPartDefaultLead
}

// specName names a coordinator before their part is stored.
func (c *conv) specName(s partSpec) (string, error) {
	return c.partName(&nhacviec.Coordinator{PersonID: s.PersonID, UnitID: s.UnitID})
}

// partName names a part's coordinator: "@binh", "Phòng Kế hoạch - Tài
// chính", with whom a unit's part was handed to: "Phòng … (@cuong)".
func (c *conv) partName(p *nhacviec.Coordinator) (string, error) {
	st, err := c.standing()
	if err != nil {
		return "", err
	}
	return partName(st.tree, p, c.person)
}

func partName(t *tree, p *nhacviec.Coordinator, person func(int64) (*nhacviec.Person, error)) (string, error) {
	if p.PersonID != 0 {
		who, err := person(p.PersonID)
		if err != nil {
			return "", err
		}
		return who.Mention(), nil
	}
	name := fmt.Sprintf(textGoneUnit, p.UnitID)
	if u, ok := t.units[p.UnitID]; ok {
		name = u.Name
	}
	if p.AssignedID != 0 {
		who, err := person(p.AssignedID)
		if err != nil {
			return "", err
		}
		name += " (" + who.Mention() + ")"
	}
	return name, nil
}

// partLines are the confirmation's lines on the parts just given.
func (c *conv) partLines(parts []newPart) (string, error) {
	if len(parts) == 0 {
		return "", nil
	}
	var b strings.Builder
	b.WriteString("\n" + textPartsHeader)
	for _, p := range parts {
		name, err := c.partName(p.Coordinator)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\n• %s — hạn %s", esc(name), c.deadlineAt(p.Deadline))
		if p.note != "" {
			fmt.Fprintf(&b, " (%s)", esc(p.note))
		}
	}
	return b.String(), nil
}

// tellCoordinators tells each coordinator (a unit's heads) privately what
// their part is, whose task, by when, with a ✅ for it and, for a head,
// a button to hand it on; those who cannot be written to are named in a
// reply, as a lead would be.
func (c *conv) tellCoordinators(t *nhacviec.Task, parts []newPart) error {
	if len(parts) == 0 {
		return nil
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	lead, err := c.person(t.AssigneeID)
	if err != nil {
		return err
	}
	var unreached []string
	for _, p := range parts {
		to := []int64{p.PersonID}
		var buttons [][]nhacviec.Button
		var text string
		if p.UnitID != 0 {
			if to, err = unitHeads(c.tx, st.tree, p.UnitID); err != nil {
				return err
			}
			name, err := c.partName(p.Coordinator)
			if err != nil {
				return err
			}
			buttons = handButtons(t, p.Coordinator)
			text = fmt.Sprintf(textPartToUnit, esc(c.me.Mention()), esc(name), t.ID, marks(t), esc(t.Title), esc(lead.Mention()),
				c.deadlineAt(p.Deadline), c.deadline(t), fieldLines(t), t.ID)
		} else {
			buttons = doneButton(t)
			text = fmt.Sprintf(textPartToYou, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title), esc(lead.Mention()),
				c.deadlineAt(p.Deadline), c.deadline(t), fieldLines(t))
		}
		for _, id := range to {
			who, err := c.person(id)
			if err != nil {
				return err
			}
			reached, err := c.notify(who, &nhacviec.Message{TaskID: t.ID, Text: text, Buttons: buttons})
			if err != nil {
				return err
			}
			if !reached && !slices.Contains(unreached, who.Mention()) {
				unreached = append(unreached, who.Mention())
			}
		}
	}
	if len(unreached) == 0 {
		return nil
	}
	return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textMustStart, esc(strings.Join(unreached, ", ")), esc(c.Username))})
}

// handButtons is a unit head's keyboard for a part: ✅ and "Giao cho…".
func handButtons(t *nhacviec.Task, p *nhacviec.Coordinator) [][]nhacviec.Button {
	return [][]nhacviec.Button{{
		{Text: "✅ Xong", Data: fmt.Sprintf("done:%d", t.ID)},
		{Text: "👤 Giao cho…", Data: fmt.Sprintf("%s:%d", actionHand, p.ID)},
	}}
}

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
		p.LateDays = workingDaysLate(c.Calendar, p.Deadline, c.now)
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
	return c.markDone(parts[0].TaskID)
}

// workingDaysLate is how late something finished at at was for a
// deadline: 0 when at is not after it; else the working days after the
// deadline's date up to at's, a begun day counting whole, so at least 1.
func workingDaysLate(cal *calendar.Calendar, deadline, at time.Time) int {
	if !at.After(deadline) {
		return 0
	}
	loc := cal.Location()
	n := 0
	for d := cal.NextWorkingDay(deadline); daysBetween(d, at, loc) >= 0 && n < 3660; d = cal.NextWorkingDay(d) {
		n++
	}
	return max(n, 1)
}

// timeliness says how a part was delivered: "đúng hạn", "trễ 2 ngày làm
// việc".
func timeliness(late int) string {
	if late == 0 {
		return textOnTime
	}
	return fmt.Sprintf(textLateDays, late)
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
			answer += "\n" + fmt.Sprintf(textMustStart, esc(p.Mention()), esc(c.Username))
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
		fmt.Fprintf(&b, "\n"+textHiddenParts, hidden, esc(c.Username))
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

const (
	textCoordExample           = "Ví dụ, dòng sau /giao: phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính\nHoặc một dòng: /giao @an chủ trì, @binh phối hợp: Xây dựng kế hoạch CCHC hạn 20/12"
	textCoordEmpty             = "Dòng phối hợp chưa ghi ai.\n%s"
	textCoordNoName            = "Phối hợp \"%s\": thiếu người hoặc đơn vị trước chữ \"hạn\".\n%s"
	textCoordNoDeadline        = "Phối hợp \"%s\": sau chữ \"hạn\" hãy ghi thời hạn (15/12, thứ 6, 3 ngày làm việc), hoặc bỏ chữ \"hạn\" để lấy hạn mặc định (2 ngày làm việc trước hạn chủ trì).\n%s"
	textCoordTooMany           = "Nhiều người phối hợp quá: tối đa %d (bạn ghi %d). Hãy chọn những người, đơn vị chính.\n%s"
	textCoordUnknown           = "Tôi chưa biết người hay đơn vị \"%s\" trong dòng phối hợp. Người ghi bằng @tên_người_dùng (họ cần nhắn /start cho @%s trước); đơn vị ghi đúng tên như trong /donvi.\n%s"
	textCoordUnitAmbiguous     = "Có nhiều đơn vị tên \"%s\": hãy ghi số của đơn vị (xem /donvi), ví dụ: phối hợp: #3.\n%s"
	textCoordUnitNoHead        = "Đơn vị %s chưa có trưởng đơn vị nên không ai nhận phần phối hợp. Hãy ghi tên người phối hợp, hoặc bổ nhiệm trưởng đơn vị trước (/bonhiem @người truong ĐƠN_VỊ).\n%s"
	textCoordDuplicate         = "\"%s\" được ghi phối hợp hai lần. Mỗi người, mỗi đơn vị ghi một lần thôi.\n%s"
	textCoordBadDeadline       = "Hạn phối hợp của %s: %s"
	textCoordRecurringDeadline = "Hạn phối hợp của %s là một ngày cụ thể, không lặp lại.\n%s"
	textCoordAmbiguous         = "Thời hạn \"%s\" của %s có thể hiểu theo nhiều cách: hãy ghi rõ ngày.\n%s"
	textCoordTwice             = "Người phối hợp ghi hai lần: ở dòng đầu và ở dòng \"phối hợp:\". Hãy giữ một chỗ.\n%s"
	textCoordIsLead            = "%s đã là người chủ trì, không ghi thêm là người phối hợp. Hãy bỏ %s khỏi dòng phối hợp.\n%s"
	textCoordAfterLead         = "Hạn phối hợp của %s (%s) sau hạn của người chủ trì (%s): phần phối hợp phải xong trước. Hãy ghi hạn sớm hơn, hoặc bỏ hạn để lấy mặc định (2 ngày làm việc trước hạn chủ trì).\n%s"
	textCoordPast              = "Hạn phối hợp của %s (%s) đã qua.\n%s"
	textCoordRecurringTask     = "Việc lặp lại (%s) chưa ghi được người phối hợp: mỗi kỳ sẽ giao mà không có họ. Hãy giao việc lặp lại không có dòng phối hợp, hoặc giao một việc riêng có phối hợp.\nVí dụ: /giao @an Kế hoạch CCHC hạn 20/12 | phối hợp: @binh"

	textPartsHeader     = "🤝 Phối hợp:"
	textPartDefault     = "mặc định: %d ngày làm việc trước hạn chủ trì"
	textPartDefaultLead = "mặc định: hạn chủ trì quá gần, cùng hạn chủ trì"
	textGoneUnit        = "đơn vị #%d (đã xóa)"

	textPartToYou       = "🤝 %s giao bạn phối hợp việc #%d\n%s<b>%s</b>\nChủ trì: %s\nHạn phần phối hợp của bạn: %s\nHạn của việc: %s%s\n\nXong phần của bạn thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."
	textPartToUnit      = "🤝 %s giao <b>%s</b> (đơn vị bạn phụ trách) phối hợp việc #%d\n%s<b>%s</b>\nChủ trì: %s\nHạn phần phối hợp: %s\nHạn của việc: %s%s\n\nGiao phần này cho một người trong đơn vị: bấm 👤 Giao cho… hoặc gõ /phoihop %d @tên. Xong thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."
	textPartHandedToYou = "🤝 %s giao bạn phần phối hợp của %s, việc #%d\n%s<b>%s</b>\nChủ trì: %s\nHạn phần phối hợp: %s\nHạn của việc: %s%s\n\nXong phần của bạn thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."

	textOnTime          = "đúng hạn"
	textLateDays        = "trễ %d ngày làm việc"
	textPartDone        = "✅ Đã xong phần phối hợp việc #%d: %s%s"
	textPartDoneNoTitle = "✅ Đã xong phần phối hợp việc #%d%s."
	textPartDoneNotice  = "🤝 %s đã xong phần phối hợp việc #%d: %s%s%s"
	textPartAlreadyDone = "Phần phối hợp việc #%d đã báo xong lúc %s rồi."

	textHandUsage     = "Cách giao phần phối hợp của đơn vị cho một người: /phoihop mã_việc @người\nVí dụ: /phoihop 12 @binh\nHoặc bấm 👤 Giao cho… dưới tin báo phối hợp."
	textHandOnlyHead  = "Chỉ trưởng đơn vị được giao phối hợp việc #%d mới giao phần đó cho người khác được. Người phối hợp báo xong bằng: /xong mã_việc. Ví dụ: /xong 12"
	textHandNoPeople  = "%s chưa có ai khác để giao phần phối hợp việc #%d. Thêm người bằng /bonhiem @người thanhvien ĐƠN_VỊ. Ví dụ: /bonhiem @binh thanhvien 3"
	textHandWho       = "Giao phần phối hợp của %s, việc #%d, cho ai? Chọn một người, hoặc gõ: /phoihop %d @tên"
	textHandToLead    = "%s là người chủ trì việc #%d, không nhận phần phối hợp được. Hãy chọn người khác, ví dụ: /phoihop %d @binh"
	textHandNotMember = "%s không thuộc %s. Chỉ giao phần phối hợp cho người trong đơn vị, ví dụ: /phoihop %d @binh"
	textHandedAlready = "Phần phối hợp việc #%d đã giao cho %s rồi."
	textHanded        = "👤 Đã giao phần phối hợp việc #%d của %s cho %s."
	textHandedNote    = "phần của %s giao cho %s"

	textPartStateDone        = "✅ xong %s (%s)"
	textPartStateUndelivered = "✖ chưa xong"
	textPartStateOverdue     = "⚠️ chưa xong (%s)"
	textPartStateOpen        = "⏳ chưa xong (%s)"

	textPartsListHeader = "🤝 <b>Phối hợp</b> (%d)"
	textPartLine        = "• #%d %s%s — phối hợp%s, chủ trì %s — hạn %s (%s)"
	textPartOfUnit      = " cho %s"
	textHiddenParts     = "Còn %d phần phối hợp khác: xem trong chat riêng với @%s."

	// The first line of a chasing notice says it all in short, as the
	// lead's do; the reminders end with the same hint, said once when
	// they are merged.
	textPartRemindBefore = "⏰ Nhắc phần phối hợp việc #%d: <b>%s</b> — %s\nChủ trì: %s\nHạn phần phối hợp: %s (ngày làm việc tới).\n" + textDoneHint
	textPartRemindToday  = "⏰ Hôm nay đến hạn phần phối hợp việc #%d: <b>%s</b> — %s\nChủ trì: %s\nHạn phần phối hợp: %s.\n" + textDoneHint
	textPartOverdue      = "⚠️ Phần phối hợp việc #%d đã quá hạn: <b>%s</b> — %s\nHạn phần phối hợp: %s\nChủ trì: %s"
	textPartNudge        = "⚠️ Phần phối hợp việc #%d vẫn chưa xong: <b>%s</b> — %s\nHạn phần phối hợp: %s (%s).\n" + textDoneHint
)
