package bot

import (
	"encoding/json"
	"fmt"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
)

// The fields' buttons under a task ("➕ Phối hợp", "📄 Văn bản", "🎯 Kết
// quả"), for those who do not type the lines after /giao's first: a press
// asks for the value, and the next message of whoever pressed it, in that
// chat, is the value, read as that field's line of a multi-line /giao
// (applyFieldLine), with the same checks.
//
// "fld:12:src" asks for task 12's source document, "fld:12:res" for its
// expected result, "fld:12:coord" for its coordinators.
const actionField = "fld"

// fieldChoices are the fields a button may ask for, by their choice in
// the data.
var fieldChoices = map[string]lineKind{"coord": lineCoordinators, "src": lineSource, "res": lineResult}

// fieldButtons is the row of the fields' buttons of task t, shown to
// those who may change it. The review button ("🔍 Cần duyệt") has its
// place at the end of this row.
func fieldButtons(t *nhacviec.Task) []nhacviec.Button {
	b := func(choice string, k lineKind) nhacviec.Button {
		return nhacviec.Button{Text: fieldButtonLabel(k), Data: fmt.Sprintf("%s:%d:%s", actionField, t.ID, choice)}
	}
	return []nhacviec.Button{b("coord", lineCoordinators), b("src", lineSource), b("res", lineResult)}
}

func fieldButtonLabel(k lineKind) string {
	switch k {
	case lineCoordinators:
		return "➕ Phối hợp"
	case lineSource:
		return "📄 Văn bản"
	case lineResult:
		return "🎯 Kết quả"
	}
	return ""
}

// fieldLabel is how a field's line starts, as a person types it.
func fieldLabel(k lineKind) string {
	switch k {
	case lineCoordinators:
		return "phối hợp"
	case lineSource:
		return "văn bản"
	case lineResult:
		return "kết quả"
	}
	return formOf(k).labels[0]
}

// fieldDraft is a field of a task waiting for its value.
type fieldDraft struct {
	waitToken
	TaskID int64 `json:"task"`
	Kind   int   `json:"kind"` // a lineKind
}

// fieldLine reads value as the line of kind that a multi-line /giao
// would have: parseFieldLines checks it as it checks that line. A value
// typed with its label ("văn bản: 1365/VP-NL") is that line as it is; a
// value on several lines is one line.
func fieldLine(kind lineKind, value string) (taskFields, error) {
	value = strings.Join(strings.Fields(value), " ")
	line := fieldLabel(kind) + ": " + value
	if !formOf(kind).value {
		line = fieldLabel(kind)
	} else if form, _, ok := matchLine(value); ok && form.kind == kind {
		line = value
	}
	return parseFieldLines([]string{line})
}

// applicable reports whether a field can be set on an existing task by
// applyFieldLine: its line is handled, and applyFieldLine knows how.
func applicable(kind lineKind) bool {
	switch kind {
	case lineResult, lineSource, lineCoordinators:
		return formOf(kind).handled
	}
	return false
}

// applyFieldLine sets on t (open, the caller's to change) the field of
// kind that value says, as its line after /giao's first would have said
// it, and records the change in t's history. It returns the field as
// /chitiet shows it ("📄 Văn bản: …").
func (c *conv) applyFieldLine(t *nhacviec.Task, kind lineKind, value string) (string, error) {
	if !applicable(kind) {
		return "", unhandledLine(formOf(kind), fieldLabel(kind)+": "+value)
	}
	f, err := fieldLine(kind, value)
	if err != nil {
		return "", err
	}
	if kind == lineCoordinators {
		return c.addCoordinatorLine(t, f.Coordinators)
	}
	var old, now, shown string
	switch kind {
	case lineResult:
		old, now = t.Result, f.Result
		t.Result = now
		shown = fmt.Sprintf(textFieldResult, esc(now))
	case lineSource:
		old, now = t.Source, f.Source
		t.Source, t.SourceNumber = now, sourceNumber(now)
		shown = fmt.Sprintf(textFieldSource, esc(now))
	}
	if err := c.tx.SaveTask(t); err != nil {
		return "", err
	}
	note := fieldLabel(kind) + ": " + now
	if old != "" {
		note += " (trước đây: " + old + ")"
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventFieldSet, Note: note}); err != nil {
		return "", err
	}
	return shown, nil
}

// fieldTask loads a task whose field the caller would set: one they may
// change (as the marks: its assigner, the heads above its unit, leaders,
// admins), still open.
func (c *conv) fieldTask(id int64) (*nhacviec.Task, error) {
	t, err := c.visibleTask(id)
	if err != nil {
		return nil, err
	}
	if ok, err := c.canManage(t); err != nil {
		return nil, err
	} else if !ok {
		return nil, c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textCannotSetField, t.ID))
	}
	if !t.Open() {
		return nil, nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	}
	return t, nil
}

// askField answers a press of a field's button: it asks for the value,
// which the presser's next message here gives (typedField).
func (c *conv) askField(id int64, choice string) error {
	kind, ok := fieldChoices[choice]
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	t, err := c.fieldTask(id)
	if err != nil {
		return err
	}
	if !applicable(kind) {
		// Asking for what cannot be kept would only waste the typing.
		return unhandledLine(formOf(kind), fieldLabel(kind))
	}
	f := &fieldDraft{TaskID: t.ID, Kind: int(kind)}
	d, err := c.wait(draftField, f)
	if err != nil {
		return err
	}
	text := fmt.Sprintf(textAskFor, t.ID) + "\n" + fieldPrompt(kind)
	if c.chat.Kind == nhacviec.ChatGroup {
		text = fmt.Sprintf(textAskForInGroup, esc(c.me.Mention()), t.ID) + "\n" + fieldPrompt(kind)
	}
	if cur := fieldValue(t, kind); cur != "" {
		text += "\n" + fmt.Sprintf(textFieldNow, esc(cur))
	}
	return c.reply(&nhacviec.Message{Text: text, Buttons: [][]nhacviec.Button{{waitButtonOf(d, f.Token, "✖ Thôi", choiceCancel)}}})
}

func fieldValue(t *nhacviec.Task, kind lineKind) string {
	switch kind {
	case lineResult:
		return t.Result
	case lineSource:
		return t.Source
	}
	return ""
}

// fieldPrompt asks for a field's value, with an example.
func fieldPrompt(kind lineKind) string {
	switch kind {
	case lineSource:
		return textAskSource
	case lineResult:
		return textAskResult
	}
	return textAskCoordinators
}

// typedField sets the field a draftField waits for to text. A task that
// cannot be changed any more ends the wait; a value the line would refuse
// is answered with why, and the draft waits on for a better one.
func (c *conv) typedField(d *nhacviec.Draft, text string) error {
	var f fieldDraft
	if err := json.Unmarshal([]byte(d.Payload), &f); err != nil {
		if err := c.tx.DeleteDraft(d.ID); err != nil {
			return err
		}
		return c.say(textStaleButton)
	}
	kind := lineKind(f.Kind)
	t, err := c.fieldTask(f.TaskID)
	if err == nil && !applicable(kind) {
		err = unhandledLine(formOf(kind), fieldLabel(kind)+": "+text)
	}
	if err != nil {
		if msg := nhacviec.ErrorMessage(err); msg != "" {
			// Said, and the wait is over: typing again would not help.
			if err := c.tx.DeleteDraft(d.ID); err != nil {
				return err
			}
			return c.say(msg)
		}
		return err
	}
	shown, err := c.applyFieldLine(t, kind, text)
	if err != nil {
		return err
	}
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	echo := fmt.Sprintf(textFieldSaved, strings.ToLower(fieldName(kind)), t.ID) + "\n\n" + c.taskEcho(t)
	if err := c.reply(&nhacviec.Message{TaskID: t.ID, Text: echo, Buttons: taskButtons(t, true)}); err != nil {
		return err
	}
	if t.AssigneeID == c.me.ID {
		return nil
	}
	assignee, err := c.tx.Person(t.AssigneeID)
	if err != nil {
		return err
	}
	_, err = c.notify(assignee, &nhacviec.Message{TaskID: t.ID, Buttons: doneButton(t),
		Text: fmt.Sprintf(textFieldSetNotice, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title), shown)})
	return err
}

// taskEcho says a task as its confirmation did: who does it, its title,
// deadline and fields.
func (c *conv) taskEcho(t *nhacviec.Task) string {
	who := ""
	if p, err := c.person(t.AssigneeID); err == nil {
		who = p.Mention()
	}
	due := c.deadline(t)
	if t.Recur != "" {
		due += fmt.Sprintf(textRecurs, esc(t.Recur))
	}
	text := fmt.Sprintf(textTaskEcho, t.ID, esc(who), marks(t), esc(t.Title), due) + fieldLines(t)
	if t.SourceNumber != "" {
		text += "\n" + fmt.Sprintf(textFindAgain, esc(t.SourceNumber))
	}
	return text
}

const (
	textAskSource       = "📄 Gõ văn bản giao việc (số, ngày, nơi ban hành), ví dụ:\n1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh"
	textAskResult       = "🎯 Gõ kết quả cần có, ví dụ:\nKế hoạch trình Giám đốc ký"
	textAskCoordinators = "➕ Gõ người phối hợp, ví dụ:\n@binh hạn 15/12, Phòng Kế hoạch - Tài chính"
	textAskFor          = "✏️ Ghi thêm cho việc #%d:"
	textAskForInGroup   = "✏️ %s ghi thêm cho việc #%d (trả lời vào tin này):"
	textFieldNow        = "Đang ghi: %s — gõ nội dung mới để thay."
	textFieldSaved      = "✅ Đã ghi %s cho việc #%d."
	textTaskEcho        = "📌 Việc #%d giao cho %s\n%s<b>%s</b>\nHạn: %s"
	textFieldSetNotice  = "✏️ %s ghi thêm cho việc #%d: %s<b>%s</b>\n%s"
	textCannotSetField  = "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới ghi thêm văn bản, kết quả, người phối hợp cho việc #%d được."
)

// addCoordinatorLine adds the coordinators a "phối hợp:" value names to
// t, as /giao adds them (coordinators.go: the same checks, each part told
// and planned, its event in the history), and returns their lines as the
// confirmation shows them.
func (c *conv) addCoordinatorLine(t *nhacviec.Task, value string) (string, error) {
	specs, err := c.partSpecs(value)
	if err != nil {
		return "", err
	}
	parts, err := c.addCoordinators(t, specs)
	if err != nil {
		return "", err
	}
	lines, err := c.partLines(parts)
	if err != nil {
		return "", err
	}
	if err := c.tellCoordinators(t, parts); err != nil {
		return "", err
	}
	return strings.TrimPrefix(lines, "\n"), nil
}
