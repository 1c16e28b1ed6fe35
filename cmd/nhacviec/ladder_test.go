package main

// End-to-end tests of changing a task after it was given (/sua,
// /chuyen), the overdue cause (the buttons of the lead's first overdue
// notice, /lydo) and the escalation ladder's reports (/caidat leothang),
// through the real client and the fake Bot API.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// decAt is a time in December 2026 (Tuesday 1, Monday 7).
func decAt(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, hcm) }

// lastTo returns the latest message shown to chat that contains sub.
func (h *harness) lastTo(chatID int64, sub string) telegramtest.Sent {
	h.t.Helper()
	h.settle()
	sent := h.srv.SentTo(chatID)
	for i := len(sent) - 1; i >= 0; i-- {
		if strings.Contains(sent[i].Plain, sub) {
			return sent[i]
		}
	}
	h.t.Fatalf("nothing with %q was shown to %d:\n%s", sub, chatID, h.dump())
	return telegramtest.Sent{}
}

// originalDeadline reads a task's original deadline from the store.
func (h *harness) originalDeadline(id int64) time.Time {
	h.t.Helper()
	var at time.Time
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		at, err = tx.OriginalDeadline(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return at
}

// overdueCause reads a task's cause from the store.
func (h *harness) overdueCause(id int64) *nhacviec.OverdueCause {
	h.t.Helper()
	var c *nhacviec.OverdueCause
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		c, err = tx.OverdueCause(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// /sua: the deadline moved (the reminders follow it, the original stays
// in /chitiet and in the store), the title, result and source changed,
// with or without diacritics; the lead is told each time; the history
// keeps old and new values. The lead, an outsider and bad input change
// nothing.
func TestEditTask(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 25/11") // Wednesday 17:00
	lead := h.private(h.lead)
	r := h.say(lead, h.lead, "/sua 1 hạn 27/11 theo chỉ đạo của Giám đốc")
	contains(t, r, "Đã sửa hạn việc #1: 17:00 Thứ Sáu 27/11/2026 (trước đây: 17:00 Thứ Tư 25/11/2026). Đã báo @an.")
	told := h.lastTo(h.an.ID, "@lead sửa việc #1")
	contains(t, told, "Báo cáo quý", "Hạn mới: 17:00 Thứ Sáu 27/11/2026 (trước đây: 17:00 Thứ Tư 25/11/2026)", "Lý do: theo chỉ đạo của Giám đốc")
	if doneData(told) != "done:1" {
		t.Fatalf("the notice to the lead has no ✅: %v", buttonData(told))
	}
	if got := h.task(id).Deadline; !got.Equal(at(27, 17, 0)) {
		t.Fatalf("deadline after /sua = %v", got)
	}
	if got := h.originalDeadline(id); !got.Equal(at(25, 17, 0)) {
		t.Fatalf("original deadline = %v", got)
	}
	// Reminders for Friday's deadline only.
	before := len(h.srv.SentTo(h.an.ID))
	for _, now := range []time.Time{at(24, 8, 0), at(25, 8, 0), at(25, 17, 0), at(26, 8, 0)} {
		h.tick(now)
	}
	var got []string
	for _, s := range h.srv.SentTo(h.an.ID)[before:] {
		got = append(got, strings.SplitN(s.Plain, "\n", 3)[:2]...)
	}
	if want := []string{"⏰ Nhắc việc #1: Báo cáo quý", "Hạn: 17:00 Thứ Sáu 27/11/2026 (ngày làm việc tới)."}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after /sua hạn, an got:\n%q\nwant:\n%q", got, want)
	}

	// The other fields, typed without diacritics, and a colon.
	contains(t, h.say(lead, h.lead, "/sua 1 ten Báo cáo quý IV năm 2026"), "Đã sửa tên việc #1: Báo cáo quý IV năm 2026. Đã báo @an.")
	contains(t, h.say(lead, h.lead, "/edit #1 ket qua: Báo cáo trình Giám đốc ký"), "Đã sửa kết quả việc #1")
	contains(t, h.say(lead, h.lead, "/sua 1 Văn bản 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh"), "Đã sửa văn bản việc #1")
	contains(t, h.lastTo(h.an.ID, "Kết quả mới"), "Kết quả mới: Báo cáo trình Giám đốc ký (trước đây: (chưa có))")
	contains(t, h.say(lead, h.lead, "/tim 1365/VP-NL"), "#1 Báo cáo quý IV năm 2026")
	d := h.say(lead, h.lead, "/chitiet 1")
	contains(t, d, "Báo cáo quý IV năm 2026",
		"Hạn: 17:00 Thứ Sáu 27/11/2026 (hạn ban đầu 17:00 Thứ Tư 25/11/2026)",
		"Kết quả: Báo cáo trình Giám đốc ký", "Văn bản: 1365/VP-NL ngày 22/4/2020",
		"@lead sửa hạn: hạn mới 17:00 Thứ Sáu 27/11/2026, hạn cũ 17:00 Thứ Tư 25/11/2026. Lý do: theo chỉ đạo của Giám đốc",
		"@lead sửa việc: tên: Báo cáo quý IV năm 2026 (trước đây: Báo cáo quý)",
		"@lead sửa việc: kết quả: Báo cáo trình Giám đốc ký (trước đây: (chưa có))")
	if got := strings.Join(h.eventKinds(id), ","); got != "created,deadline_changed,edited,edited,edited" {
		t.Fatalf("history = %s", got)
	}

	// Bad input: an answer with an example, and nothing changes.
	h.clock.Set(at(26, 9, 0))
	for _, c := range []struct{ text, want string }{
		{"/sua", "Cách sửa việc"},
		{"/sua abc hạn 30/11", "Mã việc \"abc\" không hợp lệ"},
		{"/sua 1", "Cách sửa việc"},
		{"/sua 1 màu đỏ", "Cách sửa việc"},
		{"/sua 1 hạn", "Thiếu nội dung mới"},
		{"/sua 1 hạn sớm nhất có thể", "Hạn mới là khi nào?"},
		{"/sua 1 hạn 20/11/2026", "đã qua"},
		{"/sua 1 hạn 20", "có thể hiểu theo nhiều cách"},
		{"/sua 1 hạn 27/11", "đã là 17:00 Thứ Sáu 27/11/2026: không thay đổi gì"},
		{"/sua 1 hạn hàng tháng ngày 20", "chưa đổi được cách lặp lại"},
		{"/sua 1 tên " + strings.Repeat("chữ ", 300), "dài quá: tối đa 1000 ký tự"},
		{"/sua 1 kết quả " + strings.Repeat("chữ ", 100), "dài quá: tối đa 300 ký tự"},
		{"/sua 1 hạn 30/11 " + strings.Repeat("lý do dài ", 120), "dài quá: tối đa 1000 ký tự"},
	} {
		t.Run(c.text[:min(len(c.text), 30)], func(t *testing.T) {
			defer h.as(t)()
			r := h.say(lead, h.lead, c.text)
			contains(t, r, c.want)
			if !strings.Contains(c.text, "27/11") {
				hasExample(t, r)
			}
		})
	}
	contains(t, h.say(lead, h.lead, "/sua 1 tên Báo cáo quý IV năm 2026"), "đã có tên như vậy rồi")
	// The lead may not; an outsider learns nothing.
	contains(t, h.say(h.private(h.an), h.an, "/sua 1 hạn 30/11"), "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới sửa được việc #1", "/giahan")
	theirs := h.say(h.private(h.binh), h.binh, "/sua 1 hạn 30/11").Plain
	none := h.say(h.private(h.binh), h.binh, "/sua 999 hạn 30/11").Plain
	if strings.Replace(theirs, "#1", "#999", 1) != none {
		t.Fatalf("an outsider's /sua answered differently from a missing id:\n%q\n%q", theirs, none)
	}
	if got := h.task(id); !got.Deadline.Equal(at(27, 17, 0)) || got.Title != "Báo cáo quý IV năm 2026" {
		t.Fatalf("bad input changed the task: %+v", got)
	}
	if got := strings.Join(h.eventKinds(id), ","); got != "created,deadline_changed,edited,edited,edited" {
		t.Fatalf("history after bad input = %s", got)
	}
	h.say(h.private(h.an), h.an, "/xong 1")
	contains(t, h.say(lead, h.lead, "/sua 1 hạn 30/11"), "Việc #1 đã xong rồi: không sửa được nữa")

	// A task given privately: changed from a group, its fields stay out
	// of the group.
	_, own := h.assign(lead, h.lead, "/giao @an Việc riêng hạn 30/11")
	r = h.say(h.group, h.lead, fmt.Sprintf("/sua %d tên Việc riêng có tên mới", own))
	contains(t, r, fmt.Sprintf("Đã sửa tên việc #%d.", own))
	lacks(t, r, "tên mới")
	contains(t, h.say(lead, h.lead, fmt.Sprintf("/sua %d hạn mới là 1/12", own)), fmt.Sprintf("Đã sửa hạn việc #%d: 17:00 Thứ Ba 01/12/2026", own))
	if h.task(own).Title != "Việc riêng có tên mới" {
		t.Fatalf("the title was not changed from the group: %q, %q", h.task(own).Title, r.Plain)
	}
}

// /chuyen: the lead changes; the new lead is told with a ✅, the old one
// that it is no longer theirs; the reminders go to the new lead; the
// history keeps who had it. Bad input and the wrong people change
// nothing.
func TestHandOver(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo tuần hạn 25/11") // Wednesday
	h.tick(at(24, 8, 0))
	if h.countTo(h.an.ID, "Nhắc việc #1") != 1 {
		t.Fatalf("no reminder to an:\n%s", h.dump())
	}
	h.clock.Set(at(24, 9, 0))
	lead := h.private(h.lead)
	r := h.say(lead, h.lead, "/chuyen 1 @binh vì an đi công tác")
	contains(t, r, "Đã chuyển việc #1 cho @binh chủ trì (trước đây: @an). Đã báo @binh, @an.")
	to := h.lastTo(h.binh.ID, "@lead chuyển cho bạn chủ trì việc #1")
	contains(t, to, "Báo cáo tuần", "Hạn: 17:00 Thứ Tư 25/11/2026 (hạn ngày mai)", "Trước đây: @an chủ trì.", "Lý do: an đi công tác")
	if doneData(to) != "done:1" {
		t.Fatalf("the new lead's notice has no ✅: %v", buttonData(to))
	}
	contains(t, h.lastTo(h.an.ID, "đã chuyển việc #1"), "cho @binh chủ trì. Bạn không còn phụ trách việc này.")
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		binh, err := tx.PersonByUsername("telegram", "binh")
		if err == nil && h.task(id).AssigneeID != binh.ID {
			t.Errorf("assignee after /chuyen = %d, want binh (%d)", h.task(id).AssigneeID, binh.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The deadline's morning: the reminder goes to binh, not an.
	anBefore := h.countTo(h.an.ID, "#1")
	h.tick(at(25, 8, 0))
	if h.countTo(h.binh.ID, "Hôm nay đến hạn việc #1") != 1 || h.countTo(h.an.ID, "#1") != anBefore {
		t.Fatalf("the deadline's reminder after /chuyen:\n%s", h.dump())
	}
	contains(t, h.say(h.private(h.binh), h.binh, "/viec"), "#1 Báo cáo tuần")
	contains(t, h.say(h.private(h.an), h.an, "/viec"), "không có việc nào đang mở")

	// Bad input and the wrong people.
	for _, c := range []struct{ text, want string }{
		{"/chuyen", "Cách chuyển việc"},
		{"/chuyen x @binh", "Mã việc \"x\" không hợp lệ"},
		{"/chuyen 1", "Chuyển việc #1 cho ai?"},
		{"/chuyen 1 binh", "Chuyển việc #1 cho ai?"},
		{"/chuyen 1 @khongai", "Tôi chưa biết @khongai"},
		{"/chuyen 1 @binh", "@binh đang chủ trì việc #1 rồi"},
	} {
		t.Run(c.text, func(t *testing.T) {
			defer h.as(t)()
			r := h.say(lead, h.lead, c.text)
			contains(t, r, c.want)
			hasExample(t, r)
		})
	}
	contains(t, h.say(h.private(h.binh), h.binh, "/chuyen 1 @an"), "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới chuyển được việc #1")
	if got := strings.Join(h.eventKinds(id), ","); got != "created,handed_over" {
		t.Fatalf("history = %s", got)
	}
	d := h.say(lead, h.lead, "/chitiet 1")
	contains(t, d, "Người thực hiện: @binh", "@lead chuyển người chủ trì: từ @an sang @binh. Lý do: an đi công tác")
	h.press(h.private(h.binh), h.binh, to.MessageID, "done:1")
	if h.task(id).Status != nhacviec.StatusDone {
		t.Fatal("the new lead's ✅ did not finish the task")
	}
	contains(t, h.say(lead, h.lead, "/chuyen 1 @an"), "Việc #1 đã xong rồi")
}

// The lead's first overdue notice asks why, with a button per cause and
// ⏳ Xin gia hạn; the assigner's copy does not. A cause is recorded once
// and told to the assigner; "Khác" asks for words, which a reply gives;
// ⏳ says how to ask, and a reply to it asks. Forged and stale presses
// (someone else, twice, a closed task, unknown data) change nothing.
func TestOverdueCause(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	h.assign(h.group, h.lead, "/giao @an Báo cáo A hạn 15h hôm nay")
	h.assign(h.group, h.lead, "/giao @an Báo cáo B hạn 16h hôm nay")
	h.tick(at(23, 15, 0))
	over := h.lastTo(h.an.ID, "Việc #1 đã quá hạn")
	contains(t, over, "Vì sao chưa xong?", "/lydo 1")
	if got := buttonsOf(over.Markup); got != "✅ Xong ⏳ Xin gia hạn Chờ ý kiến/hồ sơ đơn vị khác Khối lượng lớn/phức tạp Thời hạn giao quá ngắn Khác" {
		t.Fatalf("overdue notice buttons: %q", got)
	}
	lacks(t, h.lastTo(h.lead.ID, "Việc #1 đã quá hạn"), "Vì sao chưa xong?")
	data := buttonData(over)

	// Someone else's press: binh cannot see the task, the lead may but
	// does not answer for it.
	binh := h.private(h.binh)
	if a := h.press(binh, h.binh, lastBotMessage(h, binh), data[4]); !strings.Contains(a.Text, "Nút này không còn dùng được") {
		t.Fatalf("an outsider's press: %q", a.Text)
	}
	lead := h.private(h.lead)
	if a := h.press(lead, h.lead, lastBotMessage(h, lead), data[4]); !strings.Contains(a.Text, "Chỉ người chủ trì việc #1 mới nêu nguyên nhân") {
		t.Fatalf("the assigner's press: %q", a.Text)
	}
	for _, forged := range []string{"why:1:z", "why:999:w", "why:abc:w", "askext:999"} {
		if a := h.press(h.private(h.an), h.an, over.MessageID, forged); !strings.Contains(a.Text, "Nút này không còn dùng được") {
			t.Fatalf("forged %s: %q", forged, a.Text)
		}
	}
	if c := h.overdueCause(1); c != nil {
		t.Fatalf("a cause was recorded by a forged press: %+v", c)
	}

	// an answers: Thời hạn giao quá ngắn.
	a := h.press(h.private(h.an), h.an, over.MessageID, data[4])
	if !strings.Contains(a.Text, "Đã ghi nguyên nhân quá hạn việc #1: Thời hạn giao quá ngắn (khách quan).") {
		t.Fatalf("answer: %q", a.Text)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.MessageID == over.MessageID && buttonsOf(s.Markup) == "✅ Xong ⏳ Xin gia hạn"
	})
	contains(t, h.lastTo(h.lead.ID, "@an nêu nguyên nhân quá hạn việc #1"), "Báo cáo A", "Thời hạn giao quá ngắn (khách quan)")
	if c := h.overdueCause(1); c == nil || c.Cause != nhacviec.CauseShort || !c.Cause.Objective() || !c.Deadline.Equal(at(23, 15, 0)) {
		t.Fatalf("cause recorded: %+v", c)
	}
	// Twice: the first answer stands.
	if a := h.press(h.private(h.an), h.an, over.MessageID, data[2]); !strings.Contains(a.Text, "Việc #1 đã ghi nguyên nhân quá hạn: Thời hạn giao quá ngắn (khách quan)") ||
		!strings.Contains(a.Text, "Không thay đổi gì") {
		t.Fatalf("a second cause: %q", a.Text)
	}
	contains(t, h.say(h.private(h.an), h.an, "/lydo 1 2"), "đã ghi nguyên nhân quá hạn")

	// #2: Khác, then the words in a reply to the question.
	h.tick(at(23, 16, 0))
	over2 := h.lastTo(h.an.ID, "Việc #2 đã quá hạn")
	a = h.press(h.private(h.an), h.an, over2.MessageID, buttonData(over2)[5])
	if !strings.Contains(a.Text, "Đã ghi: việc #2 quá hạn vì nguyên nhân khác.") {
		t.Fatalf("Khác: %q", a.Text)
	}
	q := h.lastTo(h.an.ID, "Việc #2: nguyên nhân khác là gì?")
	r := h.replyTo(h.private(h.an), h.an, "chờ kinh phí được duyệt", q.MessageID)
	contains(t, r, "Đã ghi nguyên nhân quá hạn việc #2: Khác: chờ kinh phí được duyệt (chủ quan).")
	contains(t, h.lastTo(h.lead.ID, "@an nêu nguyên nhân quá hạn việc #2"), "Khác: chờ kinh phí được duyệt (chủ quan)")
	if c := h.overdueCause(2); c == nil || c.Cause != nhacviec.CauseOther || c.Note != "chờ kinh phí được duyệt" || c.Cause.Objective() {
		t.Fatalf("cause of #2: %+v", c)
	}
	// A later reply is progress again.
	contains(t, h.replyTo(h.private(h.an), h.an, "đã xong 80%", q.MessageID), "Đã ghi tiến độ việc #2: 80%")
	if got := strings.Join(h.eventKinds(2), ","); got != "created,overdue_cause,overdue_cause,progress" {
		t.Fatalf("history of #2 = %s", got)
	}
	d := h.say(h.private(h.an), h.an, "/chitiet 2")
	contains(t, d, "Nguyên nhân quá hạn: Khác: chờ kinh phí được duyệt (chủ quan)", "nêu nguyên nhân quá hạn: Khác (chủ quan)")

	// ⏳ Xin gia hạn: how to ask, and a reply to it asks.
	how := h.press(h.private(h.an), h.an, over2.MessageID, buttonData(over2)[1])
	_ = how
	ask := h.lastTo(h.an.ID, "Xin gia hạn việc #2")
	contains(t, ask, "Trả lời tin này, ví dụ: xin gia hạn đến 25/12 vì chờ số liệu", "/giahan 2 25/12")
	contains(t, h.replyTo(h.private(h.an), h.an, "xin gia hạn đến 27/11 vì chờ kinh phí", ask.MessageID),
		"Đã gửi @lead yêu cầu gia hạn việc #2 đến 17:00 Thứ Sáu 27/11/2026")
	if a := h.press(lead, h.lead, lastBotMessage(h, lead), buttonData(over2)[1]); !strings.Contains(a.Text, "Chỉ người thực hiện việc #2 mới xin gia hạn") {
		t.Fatalf("⏳ by the assigner: %q", a.Text)
	}

	// Closed: the buttons are stale.
	h.say(h.private(h.an), h.an, "/xong 1")
	if a := h.press(h.private(h.an), h.an, over.MessageID, "why:1:w"); !strings.Contains(a.Text, "Việc #1 đã xong rồi: không ghi nguyên nhân quá hạn nữa") {
		t.Fatalf("a cause for a closed task: %q", a.Text)
	}
	if a := h.press(h.private(h.an), h.an, over.MessageID, data[1]); !strings.Contains(a.Text, "Việc #1 đã xong rồi") {
		t.Fatalf("⏳ on a closed task: %q", a.Text)
	}
	if c := h.overdueCause(1); c.Cause != nhacviec.CauseShort {
		t.Fatalf("the cause changed: %+v", c)
	}

	// The next day's nudge does not ask again.
	h.tick(at(24, 8, 0))
	nudge := h.lastTo(h.an.ID, "Việc #2 vẫn chưa xong")
	lacks(t, nudge, "Vì sao chưa xong?")
}

// /lydo: asks with the buttons (a merged overdue notice keeps only the
// ✅), answers by number or in words; bad input is answered with an
// example.
func TestCauseCommand(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	h.assign(h.group, h.lead, "/giao @an Việc một hạn hôm nay")
	h.assign(h.group, h.lead, "/giao @an Việc hai hạn hôm nay")
	h.assign(h.group, h.lead, "/giao @an Việc ba hạn 27/11")
	h.tick(at(23, 17, 0))
	merged := h.lastTo(h.an.ID, "2 việc quá hạn")
	contains(t, merged, "/lydo 1", "/lydo 2")
	if got := buttonsOf(merged.Markup); got != "✅ #1 ✅ #2" {
		t.Fatalf("merged overdue notice buttons: %q", got)
	}
	an := h.private(h.an)
	h.clock.Set(at(23, 17, 30))
	q := h.say(an, h.an, "/lydo 1")
	contains(t, q, "Việc #1: Việc một đã quá hạn. Vì sao chưa xong?")
	if got := buttonsOf(q.Markup); got != "Chờ ý kiến/hồ sơ đơn vị khác Khối lượng lớn/phức tạp Thời hạn giao quá ngắn Khác" {
		t.Fatalf("/lydo buttons: %q", got)
	}
	contains(t, h.say(an, h.an, "/lydo 1 2"), "Đã ghi nguyên nhân quá hạn việc #1: Khối lượng lớn/phức tạp (khách quan).")
	contains(t, h.say(an, h.an, "/cause 2 chờ Sở Tài chính cho ý kiến"), "Đã ghi nguyên nhân quá hạn việc #2: Khác: chờ Sở Tài chính cho ý kiến (chủ quan).")
	for _, c := range []struct{ text, want string }{
		{"/lydo", "Cách nêu nguyên nhân quá hạn"},
		{"/lydo x", "Mã việc \"x\" không hợp lệ"},
		{"/lydo 3", "Việc #3 chưa quá hạn"},
		{"/lydo 1 " + strings.Repeat("chữ ", 100), "đã ghi nguyên nhân quá hạn"},
		{"/lydo 999 1", "Không tìm thấy việc #999"},
	} {
		t.Run(c.text[:min(len(c.text), 20)], func(t *testing.T) {
			defer h.as(t)()
			r := h.say(an, h.an, c.text)
			contains(t, r, c.want)
			if !strings.Contains(c.text, "999") && !strings.Contains(c.text, "1 chữ") {
				hasExample(t, r)
			}
		})
	}
	h.assign(h.group, h.lead, "/giao @an Việc bốn hạn 18h hôm nay")
	h.clock.Set(at(23, 18, 30))
	contains(t, h.say(an, h.an, "/lydo 4 khác "+strings.Repeat("chữ ", 100)), "dài quá: tối đa 300 ký tự")
	contains(t, h.say(h.private(h.lead), h.lead, "/lydo 4 1"), "Chỉ người chủ trì việc #4 mới nêu nguyên nhân quá hạn")
	if h.overdueCause(4) != nil {
		t.Fatal("bad input recorded a cause")
	}
}

// The ladder through Telegram: the head of the unit gets one list a
// working morning (a task due Wednesday on Monday, three due Thursday on
// Tuesday: the weekend does not count), the leader and the monitor the
// Monday list of the tasks overdue five working days, each task once; a
// task closed in time is never in the leaders' list. /caidat leothang
// shows and changes the thresholds, heads and admins only.
func TestEscalationMessages(t *testing.T) {
	h := newH(t)
	s := h.srv
	giamdoc, theodoi, truong := s.User(201, "giamdoc", "Giám đốc"), s.User(202, "theodoi", "Văn phòng"), s.User(203, "truong", "Trưởng phòng")
	for _, u := range []tgbotapi.User{h.lead, h.an, h.binh, giamdoc, theodoi, truong} {
		s.UserSays(s.PrivateChat(u), u, "/start")
	}
	h.settle()
	adm := h.private(h.lead)
	for _, cmd := range []string{
		"/donvi them Sở KHCN", "/donvi them Phòng Tổng hợp trong Sở KHCN",
		"/bonhiem @giamdoc lanhdao 1", "/bonhiem @theodoi theodoi 1",
		"/bonhiem @truong truong 2", "/bonhiem @an thanhvien 2", "/bonhiem @binh thanhvien 2",
	} {
		contains(t, h.say(adm, h.lead, cmd), "Đã")
	}
	tr := h.private(truong)
	_, wed := h.assign(tr, truong, "/giao @binh Báo cáo tuần hạn 25/11")
	_, a := h.assign(tr, truong, "/giao @an Kế hoạch CCHC hạn 26/11")
	_, b := h.assign(tr, truong, "/giao @an Tổng hợp số liệu hạn 26/11")
	_, c := h.assign(tr, truong, "/giao @binh Tờ trình hạn 26/11")
	reports := func(u tgbotapi.User) []telegramtest.Sent {
		var out []telegramtest.Sent
		for _, m := range h.srv.SentTo(u.ID) {
			if strings.Contains(m.Plain, "việc quá hạn (báo trưởng đơn vị)") || strings.Contains(m.Plain, "Việc quá hạn kéo dài") {
				out = append(out, m)
			}
		}
		return out
	}
	for d := 24; d <= 29; d++ {
		h.tick(at(d, 7, 30))
	}
	if n := len(reports(truong)) + len(reports(giamdoc)); n != 0 {
		t.Fatalf("escalations before two working days:\n%s", h.dump())
	}
	h.tick(at(30, 7, 30))
	got := reports(truong)
	if len(got) != 1 {
		t.Fatalf("Monday: the head got %d reports:\n%s", len(got), h.dump())
	}
	contains(t, got[0], "Sở KHCN › Phòng Tổng hợp có 1 việc quá hạn", fmt.Sprintf("#%d Báo cáo tuần — @binh, hạn 17:00 Thứ Tư 25/11/2026 (quá hạn 2 ngày làm việc)", wed))
	h.tick(decAt(1, 7, 30))
	h.tick(decAt(1, 9, 0))
	got = reports(truong)
	if len(got) != 2 {
		t.Fatalf("Tuesday: the head has %d reports:\n%s", len(got), h.dump())
	}
	contains(t, got[1], "Sở KHCN › Phòng Tổng hợp có 3 việc quá hạn",
		fmt.Sprintf("#%d Kế hoạch CCHC — @an, hạn 17:00 Thứ Năm 26/11/2026 (quá hạn 2 ngày làm việc)", a),
		fmt.Sprintf("#%d Tổng hợp số liệu — @an", b), fmt.Sprintf("#%d Tờ trình — @binh", c), "/chuyen mã_việc @người")
	lacks(t, got[1], "Báo cáo tuần")
	if n := len(reports(giamdoc)) + len(reports(theodoi)) + len(reports(h.an)) + len(reports(h.binh)); n != 0 {
		t.Fatalf("the leaders or the leads were told on Tuesday:\n%s", h.dump())
	}
	// /chitiet says the head was told.
	contains(t, h.say(tr, truong, fmt.Sprintf("/chitiet %d", a)), "Đã báo trưởng đơn vị việc quá hạn: 07:30 01/12/2026")

	// c is finished in time; the others are in the leaders' Monday list.
	h.clock.Set(decAt(2, 10, 0))
	h.say(h.private(h.binh), h.binh, fmt.Sprintf("/xong %d", c))
	for d := 2; d <= 6; d++ {
		h.tick(decAt(d, 7, 30))
	}
	if n := len(reports(giamdoc)); n != 0 {
		t.Fatalf("the leaders were told before Monday:\n%s", h.dump())
	}
	h.tick(decAt(7, 7, 30))
	for _, u := range []tgbotapi.User{giamdoc, theodoi} {
		got := reports(u)
		if len(got) != 1 {
			t.Fatalf("@%s has %d lists:\n%s", u.UserName, len(got), h.dump())
		}
		contains(t, got[0], "Việc quá hạn kéo dài — danh sách tuần từ 07/12/2026: 3 việc",
			fmt.Sprintf("#%d Báo cáo tuần — @binh, hạn 17:00 Thứ Tư 25/11/2026 (quá hạn 7 ngày làm việc)", wed),
			fmt.Sprintf("#%d Kế hoạch CCHC — @an", a), fmt.Sprintf("#%d Tổng hợp số liệu — @an", b))
		lacks(t, got[0], "Tờ trình")
	}
	// Once each: later mornings add nothing.
	for _, now := range []time.Time{decAt(7, 9, 0), decAt(8, 7, 30), decAt(14, 7, 30)} {
		h.tick(now)
	}
	if len(reports(truong)) != 2 || len(reports(giamdoc)) != 1 || len(reports(theodoi)) != 1 {
		t.Fatalf("escalated again:\n%s", h.dump())
	}

	// /caidat leothang: shown to anyone of the unit, changed by its head.
	h.clock.Set(decAt(14, 9, 0))
	contains(t, h.say(tr, truong, "/caidat"), "Cài đặt của Sở KHCN › Phòng Tổng hợp", "Báo cáo việc quá hạn: báo trưởng đơn vị khi quá hạn 2 ngày làm việc, báo lãnh đạo và người theo dõi (danh sách thứ Hai) khi quá hạn 5 ngày làm việc (mặc định)", "/caidat leothang 2 5")
	contains(t, h.say(tr, truong, "/caidat leothang"), "Báo cáo việc quá hạn ở Sở KHCN › Phòng Tổng hợp: báo trưởng đơn vị khi quá hạn 2 ngày làm việc", "(mặc định)", "/caidat leothang 2 5")
	contains(t, h.say(tr, truong, "/caidat leothang 3 7"), "Đã đặt báo cáo việc quá hạn ở Sở KHCN › Phòng Tổng hợp: báo trưởng đơn vị khi quá hạn 3 ngày làm việc")
	contains(t, h.say(tr, truong, "/caidat leothang tat"), "Đã đặt báo cáo việc quá hạn ở Sở KHCN › Phòng Tổng hợp: đang tắt")
	contains(t, h.say(tr, truong, "/settings ladder bat"), "khi quá hạn 3 ngày làm việc, báo lãnh đạo và người theo dõi (danh sách thứ Hai) khi quá hạn 7 ngày")
	contains(t, h.say(h.private(h.an), h.an, "/caidat leothang"), "khi quá hạn 3 ngày làm việc")
	contains(t, h.say(adm, h.lead, "/caidat leothang 2 5 Sở KHCN"), "ở Sở KHCN: báo trưởng đơn vị khi quá hạn 2 ngày")
	contains(t, h.say(tr, truong, "/caidat leothang"), "khi quá hạn 3 ngày làm việc")
	contains(t, h.say(tr, truong, "/caidat"), "Báo cáo việc quá hạn: báo trưởng đơn vị khi quá hạn 3 ngày làm việc")
	contains(t, h.say(tr, truong, "/caidat"), "khi quá hạn 7 ngày làm việc\n\nĐổi:") // its own: no "(theo cài đặt của …)"
	for _, c := range []struct {
		who  tgbotapi.User
		text string
		want string
	}{
		{h.an, "/caidat leothang tat", "Chỉ trưởng đơn vị Phòng Tổng hợp (hoặc đơn vị cấp trên) và quản trị viên"},
		{truong, "/caidat leothang 5 2", "Số ngày không hợp lệ (5, 2)"},
		{truong, "/caidat leothang 0 5", "Số ngày không hợp lệ (0, 5)"},
		{truong, "/caidat leothang 2", "/caidat leothang SỐ_NGÀY_BÁO_TRƯỞNG"},
		{truong, "/caidat mau xanh", "Cài đặt đơn vị"},
		{truong, "/caidat leothang 2 5 Phòng Không Có", "Không tìm thấy đơn vị"},
	} {
		t.Run(c.text, func(t *testing.T) {
			defer h.as(t)()
			r := h.say(h.private(c.who), c.who, c.text)
			contains(t, r, c.want)
			hasExample(t, r)
		})
	}
	contains(t, h.say(tr, truong, "/caidat leothang"), "khi quá hạn 3 ngày làm việc")
}

// The new commands are in the help of each role and in the menus.
func TestLadderInHelpAndMenu(t *testing.T) {
	h := newH(t)
	r := h.say(h.private(h.an), h.an, "/huongdan")
	contains(t, r, "/sua 12 hạn 25/12, /chuyen 12 @binh — sửa, chuyển việc đã giao")
	lacks(t, r, "/caidat leothang")
	r = h.say(h.private(h.lead), h.lead, "/huongdan") // an admin
	contains(t, r, "/caidat leothang 2 5 — báo việc quá hạn 2, 5 ngày lên trưởng đơn vị, lãnh đạo")
	h.say(h.private(h.an), h.an, "/start") // sets the menus of their private chats
	h.say(h.private(h.lead), h.lead, "/start")
	h.settle()
	found := map[string]bool{}
	for _, set := range h.srv.Commands() {
		for _, c := range set.Commands {
			found[c.Command] = true
		}
	}
	for _, c := range []string{"sua", "lydo", "chuyen", "caidat"} {
		if !found[c] {
			t.Errorf("/%s is in no menu: %v", c, found)
		}
	}
}

// The console demo: /sua and /chuyen, the cause picked under the overdue
// notice, /caidat, and the head's morning report days later.
func TestDemoLadder(t *testing.T) {
	script := []string{
		"lead> /giao @an Báo cáo quý hạn hôm nay",
		"lead> /giao @an Tổng hợp số liệu hạn 15h hôm nay",
		"lead>> /sua 1 hạn mai theo chỉ đạo của Giám đốc",
		"lead>> /chuyen 1 @binh an đi công tác",
		":sau 6h30m",
	}
	got := runDemo(t, append(slices.Clone(script), ":thoat")...)
	m := regexp.MustCompile(`\[(\d+)\] bot → riêng an:\n\s+⚠️ Việc #2 đã quá hạn`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no overdue notice to an:\n%s", got)
	}
	got = runDemo(t, append(script, "an> ["+m[1]+".5]", "lead>> /caidat leothang", ":sau 10d", "lead>> /chitiet 2", ":thoat")...)
	for _, want := range []string{
		"Đã sửa hạn việc #1",
		"@lead sửa việc #1",
		"Đã chuyển việc #1 cho @binh chủ trì (trước đây: @an).",
		"Vì sao chưa xong?",
		"[" + m[1] + ".5 Thời hạn giao quá ngắn]",
		"Đã ghi nguyên nhân quá hạn việc #2: Thời hạn giao quá ngắn (khách quan).",
		"@an nêu nguyên nhân quá hạn việc #2",
		"Báo cáo việc quá hạn ở Phòng Tổng hợp: báo trưởng đơn vị khi quá hạn 2 ngày làm việc",
		"Phòng Tổng hợp có 1 việc quá hạn (báo trưởng đơn vị)",
		"#2 Tổng hợp số liệu — @an, hạn 15:00",
		"Nguyên nhân quá hạn: Thời hạn giao quá ngắn (khách quan)",
		"Đã báo trưởng đơn vị việc quá hạn: 07:30",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}
