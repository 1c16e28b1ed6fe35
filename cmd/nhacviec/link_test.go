package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// zaloSide stands for the Zalo app in these tests: its updates go to
// Bot.Handle as a Zalo adapter's would, and what the sender sends through
// it is recorded (plain text, no buttons: Limits says so).
type zaloSide struct {
	mu   sync.Mutex
	sent []*nhacviec.Outgoing
	upd  int64
	seen chan struct{}
}

func newZaloSide() *zaloSide { return &zaloSide{seen: make(chan struct{}, 1000)} }

func (z *zaloSide) Send(_ context.Context, m *nhacviec.Outgoing) (string, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.sent = append(z.sent, m)
	z.seen <- struct{}{}
	return fmt.Sprintf("zm%d", len(z.sent)), nil
}

func (z *zaloSide) Limits() bot.Limits { return bot.Limits{MaxText: 2000} }

// says hands the bot a private message from a Zalo user.
func (z *zaloSide) says(t *testing.T, h *harness, userID, name, text string) {
	t.Helper()
	z.mu.Lock()
	z.upd++
	id := z.upd
	z.mu.Unlock()
	u := bot.Update{Transport: "zalo", ID: id, ChatID: userID, ChatKind: nhacviec.ChatPrivate,
		From: &bot.User{ID: userID, Name: name}, MessageID: fmt.Sprint("z", id), Text: text}
	if err := h.app.bot.Handle(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

// wait returns the first message sent through Zalo to chat that
// contains sub, failing after 5 s.
func (z *zaloSide) wait(t *testing.T, chat, sub string) *nhacviec.Outgoing {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		z.mu.Lock()
		for _, m := range z.sent {
			if m.ChatExternalID == chat && strings.Contains(m.Text, sub) {
				z.mu.Unlock()
				return m
			}
		}
		var texts []string
		for _, m := range z.sent {
			texts = append(texts, m.ChatExternalID+": "+m.Text)
		}
		z.mu.Unlock()
		select {
		case <-z.seen:
		case <-deadline:
			t.Fatalf("nothing through Zalo to %s with %q; sent:\n%s", chat, sub, strings.Join(texts, "\n"))
		}
	}
}

var e2eLinkCodeRE = regexp.MustCompile(`Mã liên kết: ([A-Z2-9]{4}-[A-Z2-9]{4})`)

// One person on two apps, end to end: an links her Telegram account to
// her Zalo account with a one-time code (a wrong one and the same one
// again refused), is assigned a task in the Telegram group, and is
// reminded on Zalo, the app she wrote from last, not on Telegram; she
// marks it done from Zalo. /moi then says how to join on each app.
func TestLinkedPersonRemindedOnTheAppUsedLast(t *testing.T) {
	z := newZaloSide()
	h := newHarness(t, func(h *harness) { h.extra = map[string]bot.Transport{"zalo": z} })
	h.hello(h.lead, h.an)

	r := h.say(h.private(h.an), h.an, "/lienket")
	m := e2eLinkCodeRE.FindStringSubmatch(r.Plain)
	if m == nil {
		t.Fatalf("/lienket: %q", r.Plain)
	}
	if !strings.Contains(r.Plain, "Zalo") {
		t.Errorf("/lienket does not name the other app: %q", r.Plain)
	}
	z.says(t, h, "zA", "An Nguyễn", "/lienket ZZZZ-ZZZZ")
	z.wait(t, "zA", "Mã liên kết không đúng")
	z.says(t, h, "zA", "An Nguyễn", m[1])
	z.wait(t, "zA", "Đã liên kết")
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "vừa được liên kết với tài khoản Zalo (An Nguyễn)")
	})
	z.says(t, h, "zB", "Người khác", "/lienket "+m[1])
	z.wait(t, "zB", "đã được dùng")

	// Assigned on Telegram; the last private message was on Zalo.
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo tuần hạn 17h 25/11")
	z.wait(t, "zA", fmt.Sprintf("giao cho bạn việc #%d", id))
	// Tuesday 08:00: the reminder one working day before.
	h.tick(time.Date(2026, 11, 24, 8, 0, 0, 0, hcm))
	z.wait(t, "zA", fmt.Sprintf("Nhắc việc #%d", id))
	for _, s := range h.srv.SentTo(h.an.ID) {
		if strings.Contains(s.Plain, fmt.Sprintf("Nhắc việc #%d", id)) {
			t.Errorf("reminded on Telegram too: %q", s.Plain)
		}
	}
	z.says(t, h, "zA", "An Nguyễn", fmt.Sprintf("/xong %d", id))
	z.wait(t, "zA", fmt.Sprintf("#%d", id))
	if task := h.task(id); task.Status != nhacviec.StatusDone {
		t.Errorf("task %d is %s after /xong on Zalo", id, task.Status)
	}

	// Both apps run: /moi says both ways.
	h.say(h.group, h.lead, "/donvi them Phòng Tổng hợp")
	r = h.say(h.private(h.lead), h.lead, "/moi 1")
	for _, want := range []string{"https://t.me/nhacviec_bot?start=", "Zalo: nhắn riêng cho bot: thamgia "} {
		if !strings.Contains(r.Plain, want) {
			t.Errorf("/moi lacks %q: %q", want, r.Plain)
		}
	}
}
