package bot

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Changing a task after it was given: /sua 12 hạn|tên|kết quả|văn bản …
// and /chuyen 12 @người [lý do] (a new lead). Those who may change a task
// may: its assigner, the heads above its unit, leaders and admins. The
// people it concerns are told; the history keeps the old and the new
// value, and the deadline the task was given stays recoverable (the
// store keeps it whatever moves the deadline).

// editFillers are words that may stand between "hạn" and the new date,
// folded.
var editFillers = map[string]bool{"moi": true, "la": true, "thanh": true}

// editField is what /sua changes.
type editField int

const (
	editDeadline editField = iota + 1
	editTitle
	editResult
	editSource
)

// editLabels are the words that name a field after /sua 12, folded.
var editLabels = []struct {
	field  editField
	labels []string
}{
	{editDeadline, []string{"han", "thoi han"}},
	{editTitle, []string{"ten", "ten viec", "tieu de", "noi dung"}},
	{editResult, []string{"ket qua", "san pham"}},
	{editSource, []string{"van ban", "nguon", "nguon giao", "can cu"}},
}

// cutEditField reads the field named at the start of s and returns it
// with the value after it (a colon after the label allowed). A label of
// two words that starts with one of one word ("tên việc") needs its
// colon: "/sua 12 tên Việc tổng hợp" renames to "Việc tổng hợp".
func cutEditField(s string) (editField, string, bool) {
	ws := spans(s)
	for n := min(len(ws), 2); n >= 1; n-- {
		var words []string
		for _, w := range ws[:n] {
			words = append(words, w.fold)
		}
		if n == 2 && editLabel(words[0]) != 0 && !strings.HasSuffix(s[ws[1].start:ws[1].end], ":") {
			continue
		}
		if f := editLabel(strings.Join(words, " ")); f != 0 {
			return f, strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s[ws[n-1].end:]), ":")), true
		}
	}
	return 0, "", false
}

// editLabel is the field a label names, 0 for none.
func editLabel(label string) editField {
	for _, f := range editLabels {
		for _, l := range f.labels {
			if l == label {
				return f.field
			}
		}
	}
	return 0
}

// changeable loads a task the caller may change, still open.
func (c *conv) changeable(id int64, forbidden string) (*nhacviec.Task, error) {
	t, err := c.visibleTask(id)
	if err != nil {
		return nil, err
	}
	if ok, err := c.canManage(t); err != nil {
		return nil, err
	} else if !ok {
		return nil, c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, forbidden, t.ID))
	}
	if !t.Open() {
		return nil, nhacviec.Errorf(nhacviec.EConflict, textEditClosed, t.ID, statusText(t.Status))
	}
	return t, nil
}

// edit: /sua 12 hạn 25/12 [lý do], /sua 12 tên …, /sua 12 kết quả …,
// /sua 12 văn bản ….
func (c *conv) edit(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textEditUsage)
	}
	first, rest, _ := strings.Cut(args, " ")
	id, ok := parseID(first)
	if !ok {
		return badID(first, "/sua 12 hạn 25/12")
	}
	field, value, ok := cutEditField(rest)
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textEditUsage)
	}
	t, err := c.changeable(id, textEditForbidden)
	if err != nil {
		return err
	}
	if value == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textEditEmpty, editExample(field, t.ID))
	}
	if field == editDeadline {
		return c.editDeadline(t, value)
	}
	limit, old := maxFieldLen, ""
	switch field {
	case editTitle:
		limit, old = maxTitle, t.Title
	case editResult:
		old = t.Result
	case editSource:
		old = t.Source
	}
	if n := utf8.RuneCountInString(value); n > limit {
		return nhacviec.Errorf(nhacviec.EInvalid, textFieldTooLong, editName(field), limit, n, editExample(field, t.ID))
	}
	if value == old {
		return nhacviec.Errorf(nhacviec.EInvalid, textEditSame, t.ID, editNoun(field))
	}
	switch field {
	case editTitle:
		t.Title = value
	case editResult:
		t.Result = value
	case editSource:
		t.Source, t.SourceNumber = value, sourceNumber(value)
	}
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	was := old
	if was == "" {
		was = "(chưa có)"
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventEdited,
		Note: fmt.Sprintf("%s: %s (trước đây: %s)", editNoun(field), value, was)}); err != nil {
		return err
	}
	change := fmt.Sprintf(textEditChange, editName(field), esc(value), esc(clip(was, maxEcho*3)))
	told, err := c.tellEdit(t, change)
	if err != nil {
		return err
	}
	if !c.showable(t) {
		// Not this group's task: its fields stay out of it.
		return c.say(fmt.Sprintf(textEditedNoValue, editNoun(field), t.ID) + told)
	}
	return c.say(fmt.Sprintf(textEdited, editNoun(field), t.ID, esc(clip(value, maxEcho*3))) + told)
}

// editDeadline moves t's deadline to the one phrase says, with the
// reason that may follow it: the reminders of the old deadline still
// waiting are dropped and the new one's planned.
func (c *conv) editDeadline(t *nhacviec.Task, phrase string) error {
	example := fmt.Sprintf("Ví dụ: /sua %d hạn 25/12 theo chỉ đạo của Giám đốc", t.ID)
	// "hạn mới là 25/12": the words before the date.
	for {
		ws := spans(phrase)
		if len(ws) < 2 || !editFillers[ws[0].fold] {
			break
		}
		phrase = strings.TrimSpace(phrase[ws[0].end:])
	}
	_, dl, after, err := cutDeadline(c.Calendar, phrase, c.now, t.Deadline)
	var pe *calendar.ParseError
	switch {
	case errors.As(err, &pe) && pe.Code == calendar.CodeInvalid:
		return nhacviec.Errorf(nhacviec.EInvalid, textEditNoDate, example)
	case errors.As(err, &pe):
		return nhacviec.Errorf(nhacviec.EInvalid, "%s\n%s", esc(pe.Message), example)
	case err != nil:
		return err
	case dl.Recurrence != nil:
		return nhacviec.Errorf(nhacviec.EInvalid, textEditRecurrence, example)
	case len(dl.Candidates) > 0:
		return nhacviec.Errorf(nhacviec.EInvalid, textEditAmbiguous, esc(clip(phrase, maxEcho)), example)
	case dl.At.Equal(t.Deadline):
		return nhacviec.Errorf(nhacviec.EInvalid, textEditSameDeadline, t.ID, c.deadline(t))
	}
	if t.Recur != "" {
		next, err := c.Calendar.NextDeadline(t.Recur, t.Deadline)
		if err == nil && !dl.At.Before(next) {
			return nhacviec.Errorf(nhacviec.EInvalid, textEditPastNext, t.ID, esc(t.Recur), c.deadlineAt(next))
		}
	}
	reason := reasonOf(after)
	if n := utf8.RuneCountInString(reason); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, example)
	}
	from := t.Deadline
	if err := nhacviec.MoveDeadline(c.tx, t, dl.At, c.now); err != nil {
		return err
	}
	note := fmt.Sprintf("hạn mới %s, hạn cũ %s", c.deadline(t), c.deadlineAt(from))
	if reason != "" {
		note += ". Lý do: " + reason
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventDeadlineChanged, Note: note}); err != nil {
		return err
	}
	due := c.deadline(t) + c.movedText(movedNote(dl))
	change := fmt.Sprintf(textEditDeadlineChange, due, c.deadlineAt(from))
	if reason != "" {
		change += "\n" + fmt.Sprintf(textEditReason, esc(reason))
	}
	told, err := c.tellEdit(t, change)
	if err != nil {
		return err
	}
	return c.say(fmt.Sprintf(textDeadlineEdited, t.ID, due, c.deadlineAt(from)) + told)
}

// tellEdit tells the lead of t (and its assigner, when someone else
// changed it) what changed, and returns what the answer adds: whom it
// told.
func (c *conv) tellEdit(t *nhacviec.Task, change string) (string, error) {
	text := fmt.Sprintf(textEditNotice, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title)) + "\n" + change
	var told []string
	unreached := ""
	if t.AssigneeID != c.me.ID {
		lead, err := c.person(t.AssigneeID)
		if err != nil {
			return "", err
		}
		reached, err := c.tell(lead, t, &nhacviec.Message{TaskID: t.ID, Text: text, Buttons: doneButton(t)})
		if err != nil {
			return "", err
		}
		if reached {
			told = append(told, esc(lead.Mention()))
		} else {
			unreached = "\n" + fmt.Sprintf(textMustStart, esc(lead.Mention()), esc(c.botName()))
		}
	}
	if t.AssignerID != c.me.ID && t.AssignerID != t.AssigneeID {
		assigner, err := c.person(t.AssignerID)
		if err != nil {
			return "", err
		}
		if reached, err := c.notify(assigner, &nhacviec.Message{TaskID: t.ID, Text: text}); err != nil {
			return "", err
		} else if reached {
			told = append(told, esc(assigner.Mention()))
		}
	}
	if len(told) == 0 {
		return unreached, nil
	}
	return " " + fmt.Sprintf(textTold, strings.Join(told, ", ")) + unreached, nil
}

// editName names a field at the start of a line; editNoun within one.
func editName(f editField) string {
	switch f {
	case editDeadline:
		return "Hạn"
	case editTitle:
		return "Tên việc"
	case editResult:
		return "Kết quả"
	}
	return "Văn bản"
}

func editNoun(f editField) string {
	switch f {
	case editDeadline:
		return "hạn"
	case editTitle:
		return "tên"
	case editResult:
		return "kết quả"
	}
	return "văn bản"
}

func editExample(f editField, id int64) string {
	switch f {
	case editDeadline:
		return fmt.Sprintf("/sua %d hạn 25/12", id)
	case editTitle:
		return fmt.Sprintf("/sua %d tên Xây dựng kế hoạch CCHC năm 2027", id)
	case editResult:
		return fmt.Sprintf("/sua %d kết quả Kế hoạch trình Giám đốc ký", id)
	}
	return fmt.Sprintf("/sua %d văn bản 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", id)
}

// ---- /chuyen ----

// handOver: /chuyen 12 @binh [lý do] makes @binh the lead of #12.
func (c *conv) handOver(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandOverUsage)
	}
	first, rest, _ := strings.Cut(args, " ")
	id, ok := parseID(first)
	if !ok {
		return badID(first, "/chuyen 12 @binh")
	}
	t, err := c.changeable(id, textHandOverForbidden)
	if err != nil {
		return err
	}
	rest = strings.TrimSpace(rest)
	if p, _, err := c.mentioned(rest); err != nil {
		return err
	} else if p == nil && (!strings.HasPrefix(rest, "@") || len(rest) < 2) {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandOverNoPerson, t.ID)
	}
	p, after, err := c.personArg(rest)
	if err != nil {
		return err
	}
	reason := reasonOf(after)
	if n := utf8.RuneCountInString(reason); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, fmt.Sprintf("Ví dụ: /chuyen %d @binh an đi công tác", t.ID))
	}
	if p.ID == t.AssigneeID {
		return nhacviec.Errorf(nhacviec.EInvalid, textHandOverSame, esc(p.Mention()), t.ID)
	}
	unit, ok, err := c.handOverUnit(t, p)
	if err != nil {
		return err
	}
	if !ok {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotHandOver, esc(p.Mention()))
	}
	old, err := c.person(t.AssigneeID)
	if err != nil {
		return err
	}
	if err := c.tx.SetAssignee(t.ID, p.ID); err != nil {
		return err
	}
	// Planned afresh for the new lead: the reminders waiting for the old
	// one are dropped.
	t.AssigneeID, t.UnitID, t.NextPlanAt = p.ID, unit, c.now
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	if err := c.tx.Unplan(t.ID); err != nil {
		return err
	}
	note := fmt.Sprintf("từ %s sang %s", old.Mention(), p.Mention())
	why := ""
	if reason != "" {
		note += ". Lý do: " + reason
		why = "\n" + fmt.Sprintf(textEditReason, esc(reason))
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventHandedOver, Note: note}); err != nil {
		return err
	}
	answer := fmt.Sprintf(textHandedOver, t.ID, esc(p.Mention()), esc(old.Mention()))
	unreached := ""
	var told []string
	if p.ID != c.me.ID {
		text := fmt.Sprintf(textHandedToYou, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title), c.deadline(t), c.state(t), esc(old.Mention())) + fieldLines(t) + why
		reached, err := c.tell(p, t, &nhacviec.Message{TaskID: t.ID, Text: text, Buttons: doneButton(t)})
		if err != nil {
			return err
		}
		if reached {
			told = append(told, esc(p.Mention()))
		} else {
			unreached = "\n" + fmt.Sprintf(textMustStart, esc(p.Mention()), esc(c.botName()))
		}
	}
	if old.ID != c.me.ID {
		text := fmt.Sprintf(textHandedAway, esc(c.me.Mention()), t.ID, esc(t.Title), esc(p.Mention())) + why
		if reached, err := c.notify(old, &nhacviec.Message{TaskID: t.ID, Text: text}); err != nil {
			return err
		} else if reached {
			told = append(told, esc(old.Mention()))
		}
	}
	if t.AssignerID != c.me.ID && t.AssignerID != old.ID && t.AssignerID != p.ID {
		assigner, err := c.person(t.AssignerID)
		if err != nil {
			return err
		}
		text := fmt.Sprintf(textHandedNotice, esc(c.me.Mention()), t.ID, esc(t.Title), esc(old.Mention()), esc(p.Mention())) + why
		if reached, err := c.notify(assigner, &nhacviec.Message{TaskID: t.ID, Text: text}); err != nil {
			return err
		} else if reached {
			told = append(told, esc(assigner.Mention()))
		}
	}
	if len(told) > 0 {
		answer += " " + fmt.Sprintf(textTold, strings.Join(told, ", "))
	}
	return c.say(answer + unreached)
}

// handOverUnit decides whether the caller may make p the lead of t, and
// which unit t then belongs to. The caller may hand over to whom they
// could give work (assignable): anyone for leaders and admins, their
// subtree's people for a head, themself, and, for a task of a plain
// team's group, anyone seen there. The task stays in its unit when p
// works there or below; else it goes to p's unit (the one the caller
// heads, if any).
func (c *conv) handOverUnit(t *nhacviec.Task, p *nhacviec.Person) (int64, bool, error) {
	s, err := c.standing()
	if err != nil {
		return 0, false, err
	}
	theirs, err := c.tx.Roles(p.ID)
	if err != nil {
		return 0, false, err
	}
	unit, stays, headed := t.UnitID, false, int64(0)
	for _, m := range theirs {
		if t.UnitID != 0 && s.tree.within(m.UnitID, t.UnitID) {
			stays = true
		}
		if headed == 0 && s.heads(m.UnitID) {
			headed = m.UnitID
		}
	}
	if !stays && len(theirs) > 0 {
		unit = theirs[0].UnitID
		if headed != 0 {
			unit = headed
		}
	}
	switch {
	case p.ID == c.me.ID, s.leads(), headed != 0:
		return unit, true, nil
	}
	chat, err := c.tx.Chat(t.ChatID)
	if err != nil {
		return 0, false, err
	}
	if chat.Kind == nhacviec.ChatGroup && chat.UnitID == 0 && t.UnitID == 0 {
		seen, err := c.tx.Seen(chat.ID, p.ID)
		return unit, seen, err
	}
	return 0, false, nil
}

// originalNote is what /chitiet adds to the deadline of a task whose
// deadline was moved other than by the extensions deadlineNote tells of:
// the deadline it was given.
func (c *conv) originalNote(t *nhacviec.Task, exts []*nhacviec.Extension) (string, error) {
	original, err := c.tx.OriginalDeadline(t.ID)
	if err != nil || original.Equal(t.Deadline) {
		return "", err
	}
	for _, e := range exts {
		if e.State == nhacviec.ExtensionApproved {
			if e.From.Equal(original) {
				return "", nil // "gia hạn từ" says it
			}
			break
		}
	}
	return fmt.Sprintf(textOriginalDeadline, c.deadlineAt(original)), nil
}

const (
	textEditUsage          = "Cách sửa việc: /sua mã_việc MỤC nội dung mới; mục là hạn, tên, kết quả hoặc văn bản.\nVí dụ: /sua 12 hạn 25/12\n/sua 12 tên Xây dựng kế hoạch CCHC năm 2027\n/sua 12 kết quả Kế hoạch trình Giám đốc ký\n/sua 12 văn bản 1365/VP-NL ngày 22/4/2020"
	textEditEmpty          = "Thiếu nội dung mới.\nVí dụ: %s"
	textEditForbidden      = "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới sửa được việc #%d. Người thực hiện cần thêm thời gian thì xin gia hạn, ví dụ: /giahan 12 25/12 chờ số liệu"
	textEditClosed         = "Việc #%d đã %s rồi: không sửa được nữa. Xem việc đang mở: /viec"
	textEditSame           = "Việc #%d đã có %s như vậy rồi: không thay đổi gì."
	textEditNoDate         = "Hạn mới là khi nào? Hãy ghi thời hạn (20/12, 17h 20/12, thứ 6 tuần sau, thêm 3 ngày), rồi lý do nếu có.\n%s"
	textEditRecurrence     = "/sua đổi hạn của một kỳ; chưa đổi được cách lặp lại. Hãy ghi một ngày.\n%s"
	textEditAmbiguous      = "Thời hạn \"%s\" có thể hiểu theo nhiều cách: hãy ghi rõ ngày tháng.\n%s"
	textEditSameDeadline   = "Hạn việc #%d đã là %s: không thay đổi gì."
	textEditPastNext       = "Việc #%d lặp lại (%s): hạn mới phải trước hạn của kỳ sau (%s). Ví dụ: /sua %[1]d hạn thêm 2 ngày"
	textEditNotice         = "✏️ %s sửa việc #%d: %s<b>%s</b>"
	textEditChange         = "%s mới: %s (trước đây: %s)"
	textEditDeadlineChange = "Hạn mới: %s (trước đây: %s)"
	textEditReason         = "Lý do: %s"
	textEdited             = "✏️ Đã sửa %s việc #%d: %s."
	textEditedNoValue      = "✏️ Đã sửa %s việc #%d."
	textDeadlineEdited     = "✏️ Đã sửa hạn việc #%d: %s (trước đây: %s)."
	textTold               = "Đã báo %s."
	textOriginalDeadline   = " (hạn ban đầu %s)"

	textHandOverUsage     = "Cách chuyển việc cho người khác chủ trì: /chuyen mã_việc @người [lý do]\nVí dụ: /chuyen 12 @binh an đi công tác"
	textHandOverNoPerson  = "Chuyển việc #%d cho ai? Hãy ghi @tên_người_dùng.\nVí dụ: /chuyen %[1]d @binh an đi công tác"
	textHandOverForbidden = "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới chuyển được việc #%d cho người khác. Ví dụ, người giao gõ: /chuyen 12 @binh"
	textHandOverSame      = "%s đang chủ trì việc #%d rồi. Ví dụ chuyển cho người khác: /chuyen 12 @binh"
	textCannotHandOver    = "Bạn chưa chuyển việc cho %s được: trưởng đơn vị chuyển trong đơn vị mình, lãnh đạo chuyển cho mọi người. Ví dụ: /chuyen 12 @binh"
	textHandedOver        = "↪️ Đã chuyển việc #%d cho %s chủ trì (trước đây: %s)."
	textHandedToYou       = "↪️ %s chuyển cho bạn chủ trì việc #%d\n%s<b>%s</b>\nHạn: %s (%s)\nTrước đây: %s chủ trì."
	textHandedAway        = "↪️ %s đã chuyển việc #%d: <b>%s</b> cho %s chủ trì. Bạn không còn phụ trách việc này."
	textHandedNotice      = "↪️ %s chuyển việc #%d: <b>%s</b> từ %s sang %s chủ trì."
)
