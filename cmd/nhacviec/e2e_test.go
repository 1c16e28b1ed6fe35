package main

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

func TestAssignInGroupNotifiesAssigneePrivately(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	r := h.say(h.group, h.lead, "/giao @an Báo cáo CCHC quý IV hạn 17h 25/11")
	if !strings.Contains(r.Plain, "Đã giao việc #1 cho @an") || !strings.Contains(r.Plain, "Hạn: 17:00 Thứ Tư 25/11/2026") {
		t.Fatalf("confirmation = %q", r.Plain)
	}
	if r.Markup == nil || r.Markup.InlineKeyboard[0][0].CallbackData == nil || *r.Markup.InlineKeyboard[0][0].CallbackData != "done:1" {
		t.Fatalf("confirmation has no ✅ button: %+v", r.Markup)
	}
	p := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "giao cho bạn")
	})
	if !strings.Contains(p.Plain, "@lead giao cho bạn việc #1") {
		t.Fatalf("private notice = %q", p.Plain)
	}
	// Replying "Xong!" to the private notice finishes the task.
	done := h.reply(h.srv.PrivateChat(h.an), h.an, "Xong!", p.MessageID)
	if !strings.Contains(done.Plain, "Đã xong việc #1") {
		t.Fatalf("done reply = %q", done.Plain)
	}
	if got := h.task(1).Status; got != "done" {
		t.Fatalf("status = %s", got)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "@an đã báo xong việc #1")
	})
}
