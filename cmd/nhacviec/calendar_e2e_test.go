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
		return strings.Contains(s.Plain, "Đã giao việc #1") && strings.Contains(s.Plain, choice.Text)
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
