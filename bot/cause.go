package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Why a task is late: the first overdue notice to its lead asks, with a
// button per cause and one to ask for more time; /lydo 12 asks again
// (a merged notice keeps only the ✅ buttons) or answers in words. The
// answer is recorded once per task (nhacviec.OverdueCause) and told to
// the assigner.

// Button actions: why:12:w picks a cause of #12, askext:12 says how to
// ask for an extension.
const (
	actionCause        = "why"
	actionAskExtension = "askext"
)

// causeChoices are the causes offered, in order, with their button
// codes and labels.
var causeChoices = []struct {
	kind  nhacviec.CauseKind
	code  string
	label string
}{
	{nhacviec.CauseWaiting, "w", "Chờ ý kiến/hồ sơ đơn vị khác"},
	{nhacviec.CauseWorkload, "l", "Khối lượng lớn/phức tạp"},
	{nhacviec.CauseShort, "s", "Thời hạn giao quá ngắn"},
	{nhacviec.CauseOther, "o", "Khác"},
}

func causeLabel(k nhacviec.CauseKind) string {
	for _, c := range causeChoices {
		if c.kind == k {
			return c.label
		}
	}
	return string(k)
}

// causeText says a recorded cause: "Thời hạn giao quá ngắn (khách quan)",
// "Khác: chờ kinh phí (chủ quan)".
func causeText(c *nhacviec.OverdueCause) string {
	s := causeLabel(c.Cause)
	if c.Note != "" {
		s += ": " + c.Note
	}
	if c.Cause.Objective() {
		return s + " (khách quan)"
	}
	return s + " (chủ quan)"
}

// maxCauseNote bounds the words of "Khác": a short text.
const maxCauseNote = 300

// causeNoteWindow is how long after "Khác" a reply about the task is
// taken for its words rather than for a progress note.
const causeNoteWindow = 24 * time.Hour

// causeKeyboard is the keyboard of the lead's first overdue notice: ✅
// and the request for more time, then a cause a row (the labels are
// long for a phone's width). Every button is the task's own, so that the
// notice still merges with others (keeping only the ✅).
func causeKeyboard(t *nhacviec.Task) [][]nhacviec.Button {
	rows := [][]nhacviec.Button{{
		{Text: "✅ Xong", Data: fmt.Sprintf("done:%d", t.ID)},
		{Text: "⏳ Xin gia hạn", Data: fmt.Sprintf("%s:%d", actionAskExtension, t.ID)},
	}}
	for i, c := range causeChoices {
		b := nhacviec.Button{Text: c.label, Data: fmt.Sprintf("%s:%d:%s", actionCause, t.ID, c.code)}
		if i == len(causeChoices)-1 {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		} else {
			rows = append(rows, []nhacviec.Button{b})
		}
	}
	return rows
}

// askCause adds the question and its buttons to m, the overdue notice
// to t's lead, unless the lead said why already.
func askCause(tx nhacviec.Tx, t *nhacviec.Task, m *nhacviec.Message) error {
	c, err := tx.OverdueCause(t.ID)
	if err != nil || c != nil {
		return err
	}
	m.Text += "\n" + fmt.Sprintf(textCauseAsk, t.ID)
	m.Buttons = causeKeyboard(t)
	return nil
}

// causeTask loads a task whose lead the caller is, open and overdue.
func (c *conv) causeTask(id int64) (*nhacviec.Task, error) {
	t, err := c.visibleTask(id)
	if err != nil {
		return nil, err
	}
	if t.AssigneeID != c.me.ID {
		return nil, c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textCauseOnlyLead, t.ID))
	}
	if !t.Open() {
		return nil, nhacviec.Errorf(nhacviec.EConflict, textCauseClosed, t.ID, statusText(t.Status))
	}
	if !t.Overdue(c.now) {
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textCauseNotOverdue, t.ID, c.deadline(t))
	}
	return t, nil
}

// cause: /lydo 12 asks why #12 is late, with the buttons; /lydo 12 2
// picks the second cause; /lydo 12 chờ kinh phí (or /lydo 12 khác chờ
// kinh phí) says it in words (Khác).
func (c *conv) cause(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textCauseUsage)
	}
	first, rest, _ := strings.Cut(args, " ")
	id, ok := parseID(first)
	if !ok {
		return badID(first, "/lydo 12 chờ ý kiến của Sở Tài chính")
	}
	t, err := c.causeTask(id)
	if err != nil {
		return err
	}
	if err := c.noCauseYet(t); err != nil {
		return err
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		if !c.showable(t) {
			return nhacviec.Errorf(nhacviec.EForbidden, textAskPrivately, esc(c.botName()))
		}
		return c.reply(&nhacviec.Message{TaskID: t.ID, Text: fmt.Sprintf(textCauseQuestion, t.ID, esc(t.Title), t.ID), Buttons: causeKeyboard(t)[1:]})
	}
	word, words, _ := strings.Cut(rest, " ")
	kind := nhacviec.CauseOther
	if n := len(word); n == 1 && word[0] >= '1' && int(word[0]-'0') <= len(causeChoices) {
		kind, rest = causeChoices[word[0]-'1'].kind, strings.TrimSpace(words)
	} else if calendar.Fold(word) == "khac" {
		rest = trimNote(words)
	}
	return c.recordCause(t, kind, rest)
}

// noCauseYet refuses a second cause, saying the first.
func (c *conv) noCauseYet(t *nhacviec.Task) error {
	given, err := c.tx.OverdueCause(t.ID)
	if err != nil || given == nil {
		return err
	}
	return nhacviec.Errorf(nhacviec.EConflict, textCauseGiven, t.ID, esc(causeText(given)),
		given.At.In(c.Calendar.Location()).Format("15:04 02/01/2006"))
}

// causeButton records the cause picked with a button of the overdue
// notice. The data is never trusted: the press is checked as /lydo is.
func (c *conv) causeButton(id int64, code string) error {
	kind := nhacviec.CauseKind("")
	for _, ch := range causeChoices {
		if ch.code == code {
			kind = ch.kind
		}
	}
	t, err := c.tx.Task(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound || (err == nil && kind == "") {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	if t.AssigneeID != c.me.ID {
		// Someone who may read the task learns whose answer it is;
		// anyone else learns nothing.
		if ok, err := c.canSee(t); err != nil || !ok {
			if err == nil {
				err = nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
			}
			return err
		}
	}
	if t, err = c.causeTask(id); err != nil {
		return err
	}
	if err := c.noCauseYet(t); err != nil {
		return err
	}
	if err := c.recordCause(t, kind, ""); err != nil {
		return err
	}
	return c.keepDoneAndExtend(t)
}

// keepDoneAndExtend leaves ✅ and ⏳ under the notice whose cause button
// was pressed: the question is answered.
func (c *conv) keepDoneAndExtend(t *nhacviec.Task) error {
	cb := c.u.Callback
	if cb == nil || cb.MessageID == "" {
		return nil
	}
	_, err := c.tx.Enqueue(&nhacviec.Message{ChatID: c.chat.ID, Kind: nhacviec.KindEdit, EditOf: cb.MessageID,
		Buttons: causeKeyboard(t)[:1]})
	return err
}

// recordCause records why t is late and tells the assigner; "Khác"
// without words asks for them.
func (c *conv) recordCause(t *nhacviec.Task, kind nhacviec.CauseKind, note string) error {
	if n := utf8.RuneCountInString(note); n > maxCauseNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxCauseNote, n, "Ví dụ: /lydo 12 chờ kinh phí được duyệt")
	}
	given := &nhacviec.OverdueCause{TaskID: t.ID, PersonID: c.me.ID, Cause: kind, Note: note, Deadline: t.Deadline}
	if err := c.tx.SetOverdueCause(given); err != nil {
		return err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventOverdueCause, Note: causeText(given)}); err != nil {
		return err
	}
	if kind == nhacviec.CauseOther && note == "" {
		// The answer to the press, and the question in the chat: a
		// reply to it is the words.
		if err := c.reply(&nhacviec.Message{TaskID: t.ID, Text: fmt.Sprintf(textCauseWords, t.ID, t.ID)}); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textCauseOtherSaved, t.ID))
	}
	if err := c.tellCause(t, given); err != nil {
		return err
	}
	return c.say(fmt.Sprintf(textCauseSaved, t.ID, esc(causeText(given))))
}

// tellCause tells t's assigner why it is late.
func (c *conv) tellCause(t *nhacviec.Task, given *nhacviec.OverdueCause) error {
	if t.AssignerID == c.me.ID {
		return nil
	}
	assigner, err := c.person(t.AssignerID)
	if err != nil {
		return err
	}
	_, err = c.notify(assigner, &nhacviec.Message{TaskID: t.ID,
		Text: fmt.Sprintf(textCauseNotice, esc(c.me.Mention()), t.ID, esc(t.Title), esc(causeText(given)))})
	return err
}

// causeWords takes a reply about task id for the words of the "Khác" its
// lead picked lately, if they are still missing; ok is false for any
// other reply.
func (c *conv) causeWords(id int64, text string) (ok bool, err error) {
	t, err := c.tx.Task(id)
	if err != nil || t.AssigneeID != c.me.ID || !t.Open() {
		return false, err
	}
	given, err := c.tx.OverdueCause(t.ID)
	if err != nil || given == nil || given.Cause != nhacviec.CauseOther || given.Note != "" || c.now.Sub(given.At) > causeNoteWindow {
		return false, err
	}
	note := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(note); n > maxCauseNote {
		return true, nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxCauseNote, n, "Ví dụ: chờ kinh phí được duyệt")
	}
	if err := c.tx.SetCauseNote(t.ID, note); err != nil {
		return true, err
	}
	given.Note = note
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventOverdueCause, Note: causeText(given)}); err != nil {
		return true, err
	}
	if err := c.tellCause(t, given); err != nil {
		return true, err
	}
	return true, c.say(fmt.Sprintf(textCauseSaved, t.ID, esc(causeText(given))))
}

// howToExtend answers ⏳ Xin gia hạn under an overdue notice: how to
// ask, in a message whose reply is the request.
func (c *conv) howToExtend(id int64) error {
	t, err := c.tx.Task(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	if ok, err := c.canSee(t); err != nil || !ok {
		if err == nil {
			err = nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
		}
		return err
	}
	if _, err := c.extendable(id); err != nil {
		return err
	}
	if !c.showable(t) {
		return nhacviec.Errorf(nhacviec.EForbidden, textAskPrivately, esc(c.botName()))
	}
	return c.reply(&nhacviec.Message{TaskID: t.ID, Text: fmt.Sprintf(textHowToExtend, t.ID, esc(t.Title), t.ID)})
}

// causeLine is /chitiet's line on the cause the lead gave.
func (c *conv) causeLine(t *nhacviec.Task) (string, error) {
	given, err := c.tx.OverdueCause(t.ID)
	if err != nil || given == nil {
		return "", err
	}
	return "\n" + fmt.Sprintf(textDetailCause, esc(causeText(given))), nil
}

const (
	textCauseAsk        = "❓ Vì sao chưa xong? Chọn nguyên nhân ở nút dưới tin, hoặc gõ /lydo %d. Cần thêm thời gian: bấm ⏳ Xin gia hạn."
	textCauseUsage      = "Cách nêu nguyên nhân quá hạn: /lydo mã_việc, rồi chọn nút; hoặc ghi luôn: /lydo mã_việc SỐ (1 chờ ý kiến/hồ sơ đơn vị khác, 2 khối lượng lớn/phức tạp, 3 thời hạn giao quá ngắn) hoặc vài chữ (khác).\nVí dụ: /lydo 12 1 — /lydo 12 chờ kinh phí được duyệt"
	textCauseQuestion   = "❓ Việc #%d: <b>%s</b> đã quá hạn. Vì sao chưa xong? Chọn một nguyên nhân, hoặc gõ: /lydo %d vài chữ."
	textCauseOnlyLead   = "Chỉ người chủ trì việc #%d mới nêu nguyên nhân quá hạn được. Người chủ trì gõ, ví dụ: /lydo 12 1"
	textCauseClosed     = "Việc #%d đã %s rồi: không ghi nguyên nhân quá hạn nữa. Xem việc đang mở: /viec"
	textCauseNotOverdue = "Việc #%d chưa quá hạn (hạn %s): chưa cần nêu nguyên nhân. Cần thêm thời gian, ví dụ: /giahan 12 25/12 chờ số liệu"
	textCauseGiven      = "Việc #%d đã ghi nguyên nhân quá hạn: %s (lúc %s). Không thay đổi gì."
	textCauseSaved      = "📝 Đã ghi nguyên nhân quá hạn việc #%d: %s."
	textCauseOtherSaved = "📝 Đã ghi: việc #%d quá hạn vì nguyên nhân khác."
	textCauseWords      = "✍️ Việc #%d: nguyên nhân khác là gì? Trả lời tin này bằng vài chữ, hoặc gõ /lydo %d NỘI_DUNG.\nVí dụ: chờ kinh phí được duyệt"
	textCauseNotice     = "📝 %s nêu nguyên nhân quá hạn việc #%d: <b>%s</b>\n%s"
	textHowToExtend     = "⏳ Xin gia hạn việc #%d: <b>%s</b>\nTrả lời tin này, ví dụ: xin gia hạn đến 25/12 vì chờ số liệu\nHoặc gõ: /giahan %d 25/12 chờ số liệu"
	textDetailCause     = "Nguyên nhân quá hạn: %s"
)
