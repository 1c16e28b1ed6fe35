package main

import (
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

func TestHolidaysListAndAdminOverrideSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	lead, an := h.srv.PrivateChat(h.lead), h.srv.PrivateChat(h.an)
	list := h.say(an, h.an, "/ngaynghi 2027")
	for _, want := range []string{"Ngày nghỉ năm 2027", "Tết", "Giỗ Tổ", "02/09/2027"} {
		if !strings.Contains(list.Plain, want) {
			t.Errorf("/ngaynghi 2027 lacks %q:\n%s", want, list.Plain)
		}
	}
	// Only admins change the table.
	if r := h.say(an, h.an, "/ngaynghi them 27/11/2026 nghỉ Nghỉ thử"); !strings.Contains(r.Plain, "Chỉ quản trị viên") {
		t.Fatalf("a member changed the calendar: %q", r.Plain)
	}
	if r := h.say(lead, h.lead, "/ngaynghi them 31/02/2027 nghỉ x"); !strings.Contains(r.Plain, "Ví dụ") {
		t.Fatalf("bad date: %q", r.Plain)
	}
	// "2 ngày làm việc" from Wednesday 25/11 is Friday 27/11 ...
	h.clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, hcm))
	if r := h.say(lead, h.lead, "/giao @an A hạn 2 ngày làm việc"); !strings.Contains(r.Plain, "Thứ Sáu 27/11/2026") {
		t.Fatalf("before the override: %q", r.Plain)
	}
	// ... until an admin makes Friday a day off: then Monday 30/11.
	if r := h.say(lead, h.lead, "/ngaynghi them 27/11/2026 nghỉ Nghỉ bù"); !strings.Contains(r.Plain, "Đã ghi") {
		t.Fatalf("override not added: %q", r.Plain)
	}
	if r := h.say(lead, h.lead, "/giao @an B hạn 2 ngày làm việc"); !strings.Contains(r.Plain, "Thứ Hai 30/11/2026") {
		t.Fatalf("after the override: %q", r.Plain)
	}
	h.restart()
	if r := h.say(lead, h.lead, "/giao @an C hạn 2 ngày làm việc"); !strings.Contains(r.Plain, "Thứ Hai 30/11/2026") {
		t.Fatalf("the override did not survive a restart: %q", r.Plain)
	}
	if r := h.say(lead, h.lead, "/ngaynghi 2026"); !strings.Contains(r.Plain, "27/11/2026 — Nghỉ bù") {
		t.Fatalf("the list lacks the override: %q", r.Plain)
	}
	if r := h.say(lead, h.lead, "/ngaynghi xoa 27/11/2026"); !strings.Contains(r.Plain, "Đã xóa") {
		t.Fatalf("remove: %q", r.Plain)
	}
	if r := h.say(lead, h.lead, "/giao @an D hạn 2 ngày làm việc"); !strings.Contains(r.Plain, "Thứ Sáu 27/11/2026") {
		t.Fatalf("after removing the override: %q", r.Plain)
	}
}

func TestAmbiguousDeadlineAskedBackWithButtons(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	ask := h.say(h.group, h.lead, "/giao @an Báo cáo hạn 20")
	if h.count() != 0 {
		t.Fatal("a task was created before the deadline was chosen")
	}
	if ask.Markup == nil || len(ask.Markup.InlineKeyboard[0]) < 2 {
		t.Fatalf("no choice of deadlines: %q %+v", ask.Plain, ask.Markup)
	}
	choice := ask.Markup.InlineKeyboard[0][0]
	// Someone else's press does nothing.
	h.srv.PressButton(h.group, h.binh, ask.MessageID, *choice.CallbackData)
	h.settle()
	if h.count() != 0 {
		t.Fatal("another person's press created the task")
	}
	h.srv.PressButton(h.group, h.lead, ask.MessageID, *choice.CallbackData)
	h.wait(func(s telegramtest.Sent) bool {
		// The first reading: 20 days from Monday 23/11 (Sunday 13/12).
		return strings.Contains(s.Plain, "Đã giao việc #1") && strings.Contains(s.Plain, "Hạn: 17:00 Thứ Hai 14/12/2026") && choice.Text == "20 ngày nữa (14/12)"
	})
	// A second press of the same choice is stale.
	h.srv.PressButton(h.group, h.lead, ask.MessageID, *choice.CallbackData)
	h.settle()
	if h.count() != 1 {
		t.Fatalf("%d tasks after pressing twice", h.count())
	}
}

func TestRecurringTaskNextOccurrenceOnDone(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	r := h.say(h.group, h.lead, "/giao @an Báo cáo tháng hạn trước ngày 20 hàng tháng")
	if !strings.Contains(r.Plain, "lặp lại: trước ngày 20 hàng tháng") || !strings.Contains(r.Plain, "Hạn: 17:00 Thứ Sáu 18/12/2026") {
		t.Fatalf("recurring assignment: %q", r.Plain) // before the 20th: 19–20/12/2026 is a weekend
	}
	done := h.say(h.group, h.an, "/xong 1")
	h.settle()
	next := h.task(2)
	if next.SeriesID != 1 || next.Deadline.In(hcm).Format("02/01/2006") != "19/01/2027" {
		t.Fatalf("next occurrence = %+v (reply %q)", next, done.Plain)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return strings.Contains(s.Plain, "Kỳ tiếp theo: việc #2, hạn 17:00 Thứ Ba 19/01/2027")
	})
}

// A date on a day off moves to the next working day, and the confirmation
// and the assignee's notice say why: the weekend, the holiday by its
// name, an admin's day off by its reason. "trước" a day is before it.
func TestDeadlineOnDayOffSaysWhy(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	r, id := h.assign(h.group, h.lead, "/giao @an Báo cáo hạn 20/12")
	contains(t, r, "Hạn: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)")
	contains(t, h.notice(h.an, id), "Hạn: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)")
	r, _ = h.assign(h.group, h.lead, "/giao @an Tổng kết năm hạn 1/1")
	contains(t, r, "Hạn: 17:00 Thứ Hai 04/01/2027 (01/01 là ngày nghỉ Tết Dương lịch)")
	r, _ = h.assign(h.group, h.lead, "/giao @an Báo cáo tuần hạn thứ 7")
	contains(t, r, "Hạn: 17:00 Thứ Hai 30/11/2026 (28/11 là Thứ Bảy)")
	if a := h.say(h.private(h.lead), h.lead, "/ngaynghi them 24/11/2026 nghỉ Nghỉ thêm theo quyết định"); !strings.Contains(a.Plain, "Đã ghi") {
		t.Fatalf("override not added: %q", a.Plain)
	}
	r, _ = h.assign(h.group, h.lead, "/giao @an Công văn hạn 24/11")
	contains(t, r, "Hạn: 17:00 Thứ Tư 25/11/2026 (24/11 là ngày nghỉ thêm theo quyết định)")
	// A working day, or a day "trước" which the deadline falls: no note.
	for _, text := range []string{"/giao @an Tờ trình hạn 22/12", "/giao @an Tờ trình hạn trước ngày 20/12", "/giao @an Tờ trình hạn truoc ngay 20/12"} {
		r, _ = h.assign(h.group, h.lead, text)
		lacks(t, r, " là ")
	}
	contains(t, r, "Hạn: 17:00 Thứ Sáu 18/12/2026")
	// Every month before the 20th, with or without diacritics.
	for _, text := range []string{"/giao @an Báo cáo tháng hạn trước ngày 20 hàng tháng", "/giao @an Báo cáo tháng hạn truoc ngay 20 hang thang"} {
		r, _ = h.assign(h.group, h.lead, text)
		contains(t, r, "Hạn: 17:00 Thứ Sáu 18/12/2026 (lặp lại: ")
		lacks(t, r, " là ")
	}
	// On the 20th without "trước", the recurrence says why it moved.
	r, _ = h.assign(h.group, h.lead, "/giao @an Báo cáo tháng hạn ngày 20 hàng tháng")
	contains(t, r, "Hạn: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật) (lặp lại: ngày 20 hàng tháng)")
	// Nothing left before the 20th: refused, with an example.
	h.clock.Set(time.Date(2026, 12, 18, 17, 30, 0, 0, hcm))
	before := h.count()
	r = h.say(h.group, h.lead, "/giao @an Báo cáo hạn trước 20/12")
	contains(t, r, "đã qua", "trước 20/12/2026 là 17:00 Thứ Sáu 18/12/2026")
	hasExample(t, r)
	if h.count() != before {
		t.Fatal("a task was created with a deadline in the past")
	}
}

// The reading of a bare "20" chosen with a button keeps why it moved.
func TestAmbiguousDeadlineChosenSaysWhyItMoved(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	// The 20th (Sunday 20/12, so Monday 21/12) or 20 days from Monday
	// 23/11 (Sunday 13/12, so Monday 14/12).
	ask := h.say(h.group, h.lead, "/giao @an Báo cáo hạn 20")
	if ask.Markup == nil || len(ask.Markup.InlineKeyboard[0]) != 2 {
		t.Fatalf("no choice of deadlines: %q %+v", ask.Plain, ask.Markup)
	}
	// Each reading is named: which is the 20th, which 20 days from now.
	contains(t, ask, "• 20 ngày nữa: 17:00 Thứ Hai 14/12/2026 (13/12 là Chủ nhật)",
		"• ngày 20: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)")
	var data string
	for _, b := range ask.Markup.InlineKeyboard[0] {
		if b.Text == "Ngày 20 (21/12)" {
			data = *b.CallbackData
		}
	}
	if data == "" {
		t.Fatalf("no button for 21/12: %+v", ask.Markup.InlineKeyboard)
	}
	h.press(h.group, h.lead, ask.MessageID, data)
	r := h.wait(func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Đã giao việc #1") })
	contains(t, r, "Hạn: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)")
	// Neither reading of "24" moved (Tuesday 24/11, Thursday 17/12): no note.
	ask = h.say(h.group, h.lead, "/giao @an Tờ trình hạn 24")
	h.press(h.group, h.lead, ask.MessageID, *ask.Markup.InlineKeyboard[0][0].CallbackData)
	r = h.wait(func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Đã giao việc #2") })
	contains(t, r, "Hạn: 17:00 Thứ Ba 24/11/2026")
	lacks(t, r, " là ")
}

// "/giao" without a person keeps why the deadline moved, in the question
// and in the confirmation once the person is chosen.
func TestAssignPickedPersonSaysWhyTheDeadlineMoved(t *testing.T) {
	o := newOrg(t)
	h := o.h
	h.say(o.groupA, o.headA, "/ganhom Phòng A")
	ask := h.say(o.groupA, o.headA, "/giao Soạn công văn hạn 20/12")
	contains(t, ask, "(hạn 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)) cho ai?")
	var data string
	for _, row := range ask.Markup.InlineKeyboard {
		for _, b := range row {
			if b.Text == "@membera1" {
				data = *b.CallbackData
			}
		}
	}
	h.press(o.groupA, o.headA, ask.MessageID, data)
	r := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.groupA.ID && strings.Contains(s.Plain, "Soạn công văn") && strings.Contains(s.Plain, "Đã giao")
	})
	contains(t, r, "Hạn: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)")
}
