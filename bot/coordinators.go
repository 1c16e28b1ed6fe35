package bot

import (
	"fmt"
	"slices"
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
	unknown := nhacviec.Errorf(nhacviec.EInvalid, textCoordUnknown, esc(clip(who, maxEcho)), esc(c.botName()), textCoordExample)
	// A person: @username, a mention, or a name (address.go).
	p, rest, many, err := c.named(who)
	switch {
	case err != nil:
		return partSpec{}, err
	case p != nil && rest == "":
		return partSpec{PersonID: p.ID}, nil
	case len(many) > 0 && rest == "":
		return partSpec{}, c.ambiguous(who, many, textCoordExample)
	case strings.HasPrefix(who, "@"):
		return partSpec{}, unknown
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
	// Named already (a ➕ on a task that has parts): said, not stored twice.
	had, err := c.tx.Coordinators(t.ID)
	if err != nil {
		return nil, err
	}
	var out []newPart
	for _, s := range specs {
		for _, h := range had {
			if (s.PersonID != 0 && h.PersonID == s.PersonID) || (s.UnitID != 0 && h.UnitID == s.UnitID) {
				name, err := c.specName(s)
				if err != nil {
					return nil, err
				}
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textCoordAlready, esc(name), t.ID)
			}
		}
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
	return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textMustStart, esc(strings.Join(unreached, ", ")), esc(c.botName()))})
}

// handButtons is a unit head's keyboard for a part: ✅ and "Giao cho…".
func handButtons(t *nhacviec.Task, p *nhacviec.Coordinator) [][]nhacviec.Button {
	return [][]nhacviec.Button{{
		{Text: "✅ Xong", Data: fmt.Sprintf("done:%d", t.ID)},
		{Text: "👤 Giao cho…", Data: fmt.Sprintf("%s:%d", actionHand, p.ID)},
	}}
}

const (
	textCoordExample           = "Ví dụ, dòng sau /giao: phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính\nHoặc một dòng: /giao @an chủ trì, @binh phối hợp: Xây dựng kế hoạch CCHC hạn 20/12"
	textCoordEmpty             = "Dòng phối hợp chưa ghi ai.\n%s"
	textCoordNoName            = "Phối hợp \"%s\": thiếu người hoặc đơn vị trước chữ \"hạn\".\n%s"
	textCoordNoDeadline        = "Phối hợp \"%s\": sau chữ \"hạn\" hãy ghi thời hạn (15/12, thứ 6, 3 ngày làm việc), hoặc bỏ chữ \"hạn\" để lấy hạn mặc định (2 ngày làm việc trước hạn chủ trì).\n%s"
	textCoordTooMany           = "Nhiều người phối hợp quá: tối đa %d (bạn ghi %d). Hãy chọn những người, đơn vị chính.\n%s"
	textCoordUnknown           = "Tôi chưa biết người hay đơn vị \"%s\" trong dòng phối hợp. Người ghi bằng @tên_người_dùng (họ cần nhắn /start cho %s trước); đơn vị ghi đúng tên như trong /donvi.\n%s"
	textCoordUnitAmbiguous     = "Có nhiều đơn vị tên \"%s\": hãy ghi số của đơn vị (xem /donvi), ví dụ: phối hợp: #3.\n%s"
	textCoordUnitNoHead        = "Đơn vị %s chưa có trưởng đơn vị nên không ai nhận phần phối hợp. Hãy ghi tên người phối hợp, hoặc bổ nhiệm trưởng đơn vị trước (/bonhiem @người truong ĐƠN_VỊ).\n%s"
	textCoordDuplicate         = "\"%s\" được ghi phối hợp hai lần. Mỗi người, mỗi đơn vị ghi một lần thôi.\n%s"
	textCoordBadDeadline       = "Hạn phối hợp của %s: %s"
	textCoordRecurringDeadline = "Hạn phối hợp của %s là một ngày cụ thể, không lặp lại.\n%s"
	textCoordAmbiguous         = "Thời hạn \"%s\" của %s có thể hiểu theo nhiều cách: hãy ghi rõ ngày.\n%s"
	textPartCancelled          = "🗑 %s đã hủy việc #%d: %s\nPhần phối hợp của bạn không cần làm nữa."
	textCoordAlready           = "%s đã phối hợp việc #%d rồi. Xem các phần: /chitiet %[2]d"
	textCoordTwice             = "Người phối hợp ghi hai lần: ở dòng đầu và ở dòng \"phối hợp:\". Hãy giữ một chỗ.\n%s"
	textCoordIsLead            = "%s đã là người chủ trì, không ghi thêm là người phối hợp. Hãy bỏ %s khỏi dòng phối hợp.\n%s"
	textCoordAfterLead         = "Hạn phối hợp của %s (%s) sau hạn của người chủ trì (%s): phần phối hợp phải xong trước. Hãy ghi hạn sớm hơn, hoặc bỏ hạn để lấy mặc định (2 ngày làm việc trước hạn chủ trì).\n%s"
	textCoordPast              = "Hạn phối hợp của %s (%s) đã qua.\n%s"
	textCoordRecurringTask     = "Việc lặp lại (%s) chưa ghi được người phối hợp: mỗi kỳ sẽ giao mà không có họ. Hãy giao việc lặp lại không có dòng phối hợp, hoặc giao một việc riêng có phối hợp, ví dụ:\n/giao @an Báo cáo tháng 12 hạn 18/12\nphối hợp: @binh"

	textPartsHeader     = "🤝 Phối hợp:"
	textPartDefault     = "mặc định: %d ngày làm việc trước hạn chủ trì"
	textPartDefaultLead = "mặc định: hạn chủ trì quá gần, cùng hạn chủ trì"
	textGoneUnit        = "đơn vị #%d (đã xóa)"

	textPartToYou       = "🤝 %s giao bạn phối hợp việc #%d\n%s<b>%s</b>\nChủ trì: %s\nHạn phần phối hợp của bạn: %s\nHạn của việc: %s%s\n\nXong phần của bạn thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."
	textPartToUnit      = "🤝 %s giao <b>%s</b> (đơn vị bạn phụ trách) phối hợp việc #%d\n%s<b>%s</b>\nChủ trì: %s\nHạn phần phối hợp: %s\nHạn của việc: %s%s\n\nGiao phần này cho một người trong đơn vị: bấm 👤 Giao cho… hoặc gõ /phoihop %d @tên. Xong thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."
	textPartHandedToYou = "🤝 %s giao bạn phần phối hợp của %s, việc #%d\n%s<b>%s</b>\nChủ trì: %s\nHạn phần phối hợp: %s\nHạn của việc: %s%s\n\nXong phần của bạn thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."

	textPartOnTime      = "đúng hạn"
	textPartLate        = "trễ %d ngày làm việc"
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
