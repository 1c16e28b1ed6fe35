package bot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// A /giao's first line is the one-line form (person, title, deadline);
// each line after it says one more thing about the task:
//
//	/giao @an Xây dựng kế hoạch CCHC năm 2027 hạn 20/12
//	kết quả: Kế hoạch trình Giám đốc ký
//	văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh
//	trọng tâm
//	khẩn
//	duyệt
//
// with or without diacritics, in any order and any case. lineForms is
// every line the parser knows; a line it knows but that the bot does not
// handle yet (handled false) is refused with its own answer, as is a line
// it does not know, so that nothing typed is silently dropped.

// lineKind is what a line after /giao's first says.
type lineKind int

const (
	lineDeadline     lineKind = iota + 1 // hạn: 20/12 (when the first line has none)
	lineResult                           // kết quả: Kế hoạch trình Giám đốc ký
	lineSource                           // văn bản: 1365/VP-NL ngày 22/4/2020 của …
	lineKey                              // trọng tâm
	lineUrgent                           // khẩn
	lineCoordinators                     // phối hợp: @binh hạn 15/12, Phòng Kế hoạch (coordinators.go)
	lineReview                           // duyệt: the result needs review (review.go)
	lineReviewer                         // người duyệt: @binh (the reviewer is not chosen)
)

// lineForm is one kind of line: the labels that start it (folded), and
// whether a value follows after a colon.
type lineForm struct {
	kind    lineKind
	labels  []string
	value   bool
	handled bool
	// max bounds the value, in characters (0: the value is checked
	// elsewhere).
	max int
}

// maxFieldLen bounds the expected result and the source document: a
// line a phone shows in two or three lines, and room in every message.
const maxFieldLen = 300

var lineForms = []lineForm{
	{kind: lineDeadline, labels: []string{"han", "thoi han"}, value: true, handled: true},
	{kind: lineResult, labels: []string{"ket qua", "san pham", "ket qua/san pham"}, value: true, handled: true, max: maxFieldLen},
	{kind: lineSource, labels: []string{"van ban", "nguon", "nguon giao", "can cu"}, value: true, handled: true, max: maxFieldLen},
	{kind: lineKey, labels: []string{"trong tam", "trongtam", "viec trong tam", "nhiem vu trong tam"}, handled: true},
	{kind: lineUrgent, labels: []string{"khan", "khan cap", "gap"}, handled: true},
	{kind: lineCoordinators, labels: []string{"phoi hop", "nguoi phoi hop", "don vi phoi hop"}, value: true, handled: true, max: maxCoordinatorsLen},
	{kind: lineReview, labels: []string{"duyet", "can duyet", "phai duyet", "duyet ket qua"}, handled: true},
	{kind: lineReviewer, labels: []string{"nguoi duyet"}, value: true},
}

// taskFields is what the lines after /giao's first said.
type taskFields struct {
	Deadline string // a "hạn:" line's phrase
	Result   string
	Source   string
	KeyTask  bool
	Urgent   bool
	Review   bool
	// Coordinators is a "phối hợp:" line's list, as typed.
	Coordinators string
}

// cutFirstLine splits a command's arguments into the first line and the
// lines after it.
func cutFirstLine(args string) (first string, rest []string) {
	first, tail, more := strings.Cut(args, "\n")
	first = strings.TrimSpace(first)
	if !more {
		return first, nil
	}
	return first, strings.Split(tail, "\n")
}

// parseFieldLines reads the lines after /giao's first. A line it does not
// understand, a line said twice, an empty or too long value are the
// person's mistakes, answered with an example; nothing is created then.
func parseFieldLines(lines []string) (taskFields, error) {
	var f taskFields
	seen := map[lineKind]bool{}
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		form, value, ok := matchLine(line)
		if !ok {
			return f, nhacviec.Errorf(nhacviec.EInvalid, textFieldUnknown, esc(clip(line, maxEcho)), textFieldLines)
		}
		if !form.handled {
			return f, unhandledLine(form, line)
		}
		if seen[form.kind] {
			return f, nhacviec.Errorf(nhacviec.EInvalid, textFieldTwice, esc(clip(line, maxEcho)), textFieldLines)
		}
		seen[form.kind] = true
		if form.value && value == "" {
			return f, nhacviec.Errorf(nhacviec.EInvalid, textFieldEmpty, esc(clip(line, maxEcho)), fieldExample(form.kind))
		}
		if n := utf8.RuneCountInString(value); form.max > 0 && n > form.max {
			return f, nhacviec.Errorf(nhacviec.EInvalid, textFieldTooLong, fieldName(form.kind), form.max, n, fieldExample(form.kind))
		}
		switch form.kind {
		case lineDeadline:
			f.Deadline = value
		case lineResult:
			f.Result = value
		case lineSource:
			f.Source = value
		case lineKey:
			f.KeyTask = true
		case lineUrgent:
			f.Urgent = true
		case lineReview:
			f.Review = true
		case lineCoordinators:
			f.Coordinators = value
		}
	}
	return f, nil
}

// matchLine finds the form of a line: "label: value" for the forms with
// a value ("hạn 20/12" needs no colon, as on the first line), the label
// alone (a colon or a full stop after it allowed) for the others.
func matchLine(line string) (*lineForm, string, bool) {
	head, value, _ := strings.Cut(line, ":")
	folded := strings.Join(strings.Fields(calendar.Fold(head)), " ")
	for i := range lineForms {
		form := &lineForms[i]
		for _, label := range form.labels {
			switch {
			case folded != label:
			case form.value || !form.handled: // "kết quả:" alone is an empty value
				return form, strings.TrimSpace(value), true
			case strings.TrimSpace(value) == "":
				return form, "", true
			}
		}
	}
	// Without a colon: "hạn 20/12", and a label alone ("trọng tâm.").
	words := strings.Fields(line)
	if len(words) == 0 {
		return nil, "", false
	}
	alone := strings.TrimRightFunc(strings.Join(strings.Fields(calendar.Fold(line)), " "), unicode.IsPunct)
	for i := range lineForms {
		form := &lineForms[i]
		for _, label := range form.labels {
			if !form.value && alone == label {
				return form, "", true
			}
		}
	}
	for n := range min(len(words), 2) {
		if w := calendar.Fold(strings.Join(words[:n+1], " ")); w == "han" || w == "thoi han" {
			rest := line
			for _, word := range words[:n+1] {
				rest = strings.TrimSpace(strings.TrimPrefix(rest, word))
			}
			return formOf(lineDeadline), rest, true
		}
	}
	// A later form's label followed by its value without a colon is
	// still that form, so that its answer says what to do.
	for i := range lineForms {
		form := &lineForms[i]
		for _, label := range form.labels {
			if !form.handled && (alone == label || strings.HasPrefix(alone, label+" ")) {
				return form, "", true
			}
		}
	}
	return nil, "", false
}

func formOf(k lineKind) *lineForm {
	for i := range lineForms {
		if lineForms[i].kind == k {
			return &lineForms[i]
		}
	}
	panic(fmt.Sprintf("bot: no line form %d", k))
}

// unhandledLine answers a line the bot knows of but does not act on yet.
func unhandledLine(form *lineForm, line string) error {
	switch form.kind {
	case lineReviewer:
		return nhacviec.Errorf(nhacviec.EInvalid, textFieldReviewer, esc(clip(line, maxEcho)), textFieldLines)
	}
	return nhacviec.Errorf(nhacviec.EInvalid, textFieldUnknown, esc(clip(line, maxEcho)), textFieldLines)
}

func fieldName(k lineKind) string {
	switch k {
	case lineResult:
		return "Kết quả"
	case lineSource:
		return "Văn bản"
	case lineCoordinators:
		return "Phối hợp"
	}
	return "Thời hạn"
}

func fieldExample(k lineKind) string {
	switch k {
	case lineResult:
		return "kết quả: Kế hoạch trình Giám đốc ký"
	case lineSource:
		return "văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh"
	case lineCoordinators:
		return "phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính"
	}
	return "hạn: 20/12"
}

// docNumber finds a document's number and symbol (số, ký hiệu) in what
// was typed of it: "1365/VP-NL", "06/CT-UBND", "30/2020/NĐ-CP",
// "12-CTr/TU". A date ("22/4/2020") has no letters and is not one.
var docNumber = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(\p{N}{1,6}(?:/\p{N}{4})?[/-]\p{L}[\p{L}\p{N}]*(?:[-/.][\p{L}\p{N}]+)*)`)

// sourceNumber returns the first document number in s, "" if none.
func sourceNumber(s string) string {
	m := docNumber.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// The marks of a task, as lists, notices and the digest show them.
const (
	markKey    = "⭐"
	markUrgent = "⚡"
)

// marks is the marks before a task's title ("⭐⚡ "), "" when it has none.
func marks(t *nhacviec.Task) string {
	s := ""
	if t.KeyTask {
		s += markKey
	}
	if t.Urgent {
		s += markUrgent
	}
	if s != "" {
		s += " "
	}
	return s
}

// flagged reports whether a task carries a mark: such tasks go first in
// the digest's sections.
func flagged(t *nhacviec.Task) bool { return t.KeyTask || t.Urgent }

// fieldLines says a task's expected result, source and marks, a short
// line each (HTML); "" when it has none of them.
func fieldLines(t *nhacviec.Task) string {
	var b strings.Builder
	if t.Result != "" {
		fmt.Fprintf(&b, "\n"+textFieldResult, esc(t.Result))
	}
	if t.Source != "" {
		fmt.Fprintf(&b, "\n"+textFieldSource, esc(t.Source))
	}
	if t.KeyTask {
		b.WriteString("\n" + textFieldKey)
	}
	if t.Urgent {
		b.WriteString("\n" + textFieldUrgent)
	}
	if t.NeedsReview {
		b.WriteString("\n" + textFieldReview)
	}
	return b.String()
}

const (
	// textFieldLines lists the lines /giao understands, with an example.
	textFieldLines = `Sau dòng /giao, mỗi dòng ghi thêm một mục:
kết quả: sản phẩm cần có
văn bản: số, ngày, nơi ban hành
phối hợp: @người hạn 15/12, tên đơn vị
hạn: 20/12 (nếu dòng đầu chưa ghi)
trọng tâm
khẩn
duyệt (người giao duyệt kết quả rồi mới hoàn thành)
Ví dụ:
/giao @an Xây dựng kế hoạch CCHC hạn 20/12
kết quả: Kế hoạch trình Giám đốc ký
văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh
trọng tâm`
	textFieldUnknown  = "Tôi chưa hiểu dòng \"%s\".\n\n%s"
	textFieldTwice    = "Dòng \"%s\" ghi một mục lần thứ hai. Mỗi mục ghi một lần thôi.\n\n%s"
	textFieldEmpty    = "Dòng \"%s\" còn trống.\nVí dụ: %s"
	textFieldTooLong  = "%s dài quá: tối đa %d ký tự (bạn gõ %d). Hãy ghi ngắn gọn.\nVí dụ: %s"
	textFieldReviewer = "Dòng \"%s\": người duyệt là người giao việc (trưởng đơn vị, khi người giao không còn ở đơn vị), không chọn người khác được. Muốn cần duyệt, chỉ ghi dòng: duyệt\n\n%s"
	textDeadlineTwice = "Thời hạn ghi hai lần: ở dòng đầu và ở dòng \"hạn:\". Hãy giữ một chỗ.\nVí dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12"

	textFieldResult = "🎯 Kết quả: %s"
	textFieldSource = "📄 Văn bản: %s"
	textFieldKey    = markKey + " Việc trọng tâm"
	textFieldUrgent = markUrgent + " Việc khẩn"
	textFieldReview = markReview + " Cần duyệt: báo xong thì người giao duyệt rồi mới hoàn thành"
	textFindAgain   = "Tìm lại: /tim %s"
)

// The marks' buttons: "key:12:1" sets task 12's key-task mark, "key:12:0"
// takes it off; "urgent:12:1" and "urgent:12:0" likewise. The wanted state
// is in the data, so that a keyboard older than the task (someone else
// pressed since) changes nothing.
const (
	actionKey    = "key"
	actionUrgent = "urgent"
)

// taskButtons is a task's keyboard: its ✅, and for those who may change
// it (manage) a toggle for each mark.
func taskButtons(t *nhacviec.Task, manage bool) [][]nhacviec.Button {
	row := []nhacviec.Button{{Text: "✅ Xong", Data: fmt.Sprintf("done:%d", t.ID)}}
	if manage {
		row = append(row, markButton(t.ID, actionKey, t.KeyTask), markButton(t.ID, actionUrgent, t.Urgent))
		if t.AssignerID != t.AssigneeID { // nobody reviews a task one gave oneself
			row = append(row, markButton(t.ID, actionReview, t.NeedsReview))
		}
	}
	return [][]nhacviec.Button{row}
}

func markButton(id int64, action string, on bool) nhacviec.Button {
	label := map[string][2]string{
		actionKey:    {markKey + " Trọng tâm", "✖ Bỏ trọng tâm"},
		actionUrgent: {markUrgent + " Khẩn", "✖ Bỏ khẩn"},
		actionReview: {markReview + " Cần duyệt", "✖ Không duyệt"},
	}[action]
	if on {
		return nhacviec.Button{Text: label[1], Data: fmt.Sprintf("%s:%d:0", action, id)}
	}
	return nhacviec.Button{Text: label[0], Data: fmt.Sprintf("%s:%d:1", action, id)}
}

// mark sets or takes off a mark of task id, for a press of its button:
// checked against the stored task and the presser's standing as /huy is
// (the assigner, the heads above its unit, leaders, admins), whatever
// the button said. The history records it, and the assignee is told.
func (c *conv) mark(id int64, action, choice string) error {
	if choice != "0" && choice != "1" {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	on := choice == "1"
	t, err := c.visibleTask(id)
	if err != nil {
		return err
	}
	if ok, err := c.canManage(t); err != nil {
		return err
	} else if !ok {
		return c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textCannotMark, t.ID))
	}
	if !t.Open() {
		return nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	}
	flag, name := &t.KeyTask, textMarkKeyName
	if action == actionUrgent {
		flag, name = &t.Urgent, textMarkUrgentName
	}
	if *flag == on {
		// Pressed on a keyboard older than the task: nothing to change
		// but the keyboard.
		already := textMarkedAlready
		if !on {
			already = textUnmarkedAlready
		}
		if err := c.say(fmt.Sprintf(already, t.ID, name)); err != nil {
			return err
		}
		return c.refreshButtons(t)
	}
	*flag = on
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	kind, said, notice := nhacviec.EventFlagged, textMarked, textMarkedNotice
	if !on {
		kind, said, notice = nhacviec.EventUnflagged, textUnmarked, textUnmarkedNotice
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: kind, Note: name}); err != nil {
		return err
	}
	if err := c.say(fmt.Sprintf(said, t.ID, name)); err != nil {
		return err
	}
	if err := c.refreshButtons(t); err != nil {
		return err
	}
	if t.AssigneeID == c.me.ID {
		return nil
	}
	assignee, err := c.tx.Person(t.AssigneeID)
	if err != nil {
		return err
	}
	_, err = c.notify(assignee, &nhacviec.Message{TaskID: t.ID,
		Text: fmt.Sprintf(notice, esc(c.me.Mention()), t.ID, name, marks(t), esc(t.Title))})
	return err
}

// refreshButtons sets the keyboard of the message whose button was
// pressed to t's, when that message is about t alone (a merged message
// keeps its ✅ buttons).
func (c *conv) refreshButtons(t *nhacviec.Task) error {
	cb := c.u.Callback
	if cb == nil || cb.MessageID == "" {
		return nil
	}
	ids, err := c.tx.TasksOfMessage(c.chat.ID, cb.MessageID)
	if err != nil || len(ids) != 1 || ids[0] != t.ID {
		return err
	}
	_, err = c.tx.Enqueue(&nhacviec.Message{ChatID: c.chat.ID, Kind: nhacviec.KindEdit, EditOf: cb.MessageID,
		Buttons: taskButtons(t, true)})
	return err
}

const (
	textMarkKeyName     = markKey + " trọng tâm"
	textMarkUrgentName  = markUrgent + " khẩn"
	textMarked          = "Việc #%d: đã đánh dấu %s."
	textUnmarked        = "Việc #%d: đã bỏ dấu %s."
	textMarkedAlready   = "Việc #%d đã có dấu %s rồi."
	textUnmarkedAlready = "Việc #%d không có dấu %s."
	textMarkedNotice    = "%s đánh dấu việc #%d là %s:\n%s<b>%s</b>"
	textUnmarkedNotice  = "%s bỏ dấu việc #%d: không còn %s.\n%s<b>%s</b>"
	textCannotMark      = "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới đánh dấu trọng tâm, khẩn cho việc #%d được."
)
