package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/zalo/zalotest"
)

// Assigned on Telegram, reminded and done on Zalo, through both real
// clients and both fakes: the head names a Zalo person by their display
// name, who joined the unit by the invite's code; the notice and the
// reminder come on Zalo with numbered choices, "1" closes the first
// task, "xong 2" (no slash) the second, and a stale number is refused.
func TestAssignOnTelegramDoneOnZalo(t *testing.T) {
	h := newHarness(t, withZalo)
	h.hello(h.lead)
	adm := h.private(h.lead)
	contains(t, h.say(adm, h.lead, "/donvi them Phòng Tổng hợp"), "Đã")
	invite := h.say(adm, h.lead, "/moi Phòng Tổng hợp")
	code := regexp.MustCompile(`thamgia (\S+)`).FindStringSubmatch(invite.Plain)
	if code == nil {
		t.Fatalf("/moi says no code for Zalo: %q", invite.Plain)
	}
	dung := zalotest.Private(zDung)
	h.zsrv.Text(zDung, dung, "thamgia "+code[1])
	if got := h.zaloReplies(zDung.ID, 1); !strings.Contains(got[0], "Phòng Tổng hợp") {
		t.Fatalf("joining by code on Zalo: %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wait := func(what string, pred func(string) bool) string {
		t.Helper()
		s, err := h.zsrv.WaitSent(ctx, func(s zalotest.Sent) bool { return s.ChatID == zDung.ID && pred(s.Text) })
		if err != nil {
			t.Fatalf("%s: %v; Zalo got %q", what, err, h.zsrv.TextsTo(zDung.ID))
		}
		return s.Text
	}

	contains(t, h.say(adm, h.lead, "/giao Lê Văn Dũng Báo cáo tuần hạn 25/11"), "Báo cáo tuần")
	notice := wait("the notice", func(s string) bool { return strings.Contains(s, "Báo cáo tuần") })
	if !strings.Contains(notice, "Trả lời 1 để chọn") || strings.Contains(notice, "<b>") {
		t.Fatalf("the notice on Zalo: %q", notice)
	}
	// Tuesday: the day-before reminder, planned at 03:00, on Zalo at 08:00.
	h.tick(at(24, 3, 0))
	h.tick(at(24, 8, 0))
	wait("the reminder", func(s string) bool {
		return strings.Contains(s, "Nhắc việc #1") && strings.Contains(s, "Trả lời 1")
	})
	h.zsrv.Text(zDung, dung, "1")
	wait("the answer to 1", func(s string) bool { return strings.Contains(s, "Đã xong việc #1") })
	if st := h.task(1).Status; st != nhacviec.StatusDone {
		t.Fatalf("#1 after \"1\": %s", st)
	}
	h.zsrv.Text(zDung, dung, "7")
	wait("a number of no question", func(s string) bool { return strings.Contains(s, "Số 7") })

	contains(t, h.say(adm, h.lead, "/giao Lê Văn Dũng Tờ trình mua sắm hạn 26/11"), "Tờ trình")
	wait("the second notice", func(s string) bool { return strings.Contains(s, "Tờ trình mua sắm") })
	h.zsrv.Text(zDung, dung, "xong 2")
	wait("xong 2", func(s string) bool { return strings.Contains(s, "Đã xong việc #2") })
	if st := h.task(2).Status; st != nhacviec.StatusDone {
		t.Fatalf("#2 after \"xong 2\": %s", st)
	}
	// The head heard of both on Telegram.
	h.settle()
	done := 0
	for _, s := range h.srv.SentTo(h.lead.ID) {
		done += strings.Count(s.Plain, "đã báo xong việc #")
	}
	if done != 2 {
		t.Errorf("the head was told of %d tasks done, want 2\n%s", done, h.dump())
	}
}

// A hint to write to the bot names the bot as the reader's app knows it:
// its @username on Telegram, its account name on Zalo.
func TestHintsNameTheBotOfTheApp(t *testing.T) {
	h := newHarness(t, withZalo)
	h.hello(h.lead)
	chi := zalotest.Private(zChi)
	h.zsrv.Text(zChi, chi, "/start")
	h.zaloReplies(zChi.ID, 1)
	h.zsrv.Text(zChi, chi, "/giao @khongai Báo cáo hạn 25/11")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := h.zsrv.WaitSent(ctx, func(s zalotest.Sent) bool {
		return s.ChatID == zChi.ID && strings.Contains(s.Text, "Tôi chưa biết")
	})
	if err != nil {
		t.Fatalf("no answer: %v; %q", err, h.zsrv.TextsTo(zChi.ID))
	}
	if strings.Contains(got.Text, "@nhacviec_bot") || !strings.Contains(got.Text, "nhắn /start cho Bot Nhắc việc") {
		t.Errorf("on Zalo the hint says %q", got.Text)
	}
	contains(t, h.say(h.private(h.lead), h.lead, "/giao @khongai Báo cáo hạn 25/11"), "nhắn /start cho @nhacviec_bot")
}
