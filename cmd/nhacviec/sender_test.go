package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// countSent counts how often s was said to chat in successful
// sendMessage calls.
func (h *harness) countSent(chat int64, s string) int {
	n := 0
	for _, m := range h.srv.SentTo(chat) {
		if m.Method == "sendMessage" {
			n += strings.Count(m.Plain, s) // merged messages say several
		}
	}
	return n
}

func TestSenderWaitsOutTooManyRequests(t *testing.T) {
	h := newHarness(t)
	h.hello(h.an)
	h.srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	start := time.Now()
	h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
	r := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "không có việc")
	})
	if d := time.Since(start); d < time.Second {
		t.Fatalf("resent after %v, before retry_after (1 s)", d)
	}
	if h.countSent(h.an.ID, "không có việc") != 1 || r.Text == "" {
		t.Fatal("the reply was not delivered exactly once")
	}
}

func TestSenderRetriesServerAndNetworkErrors(t *testing.T) {
	for _, f := range []telegramtest.Fault{
		{Code: 502, Description: "html"},     // an nginx error page
		{Code: 500, Description: "Internal"}, // the API's own 5xx
		{Code: 0, Description: "network"},    // connection dropped
	} {
		h := newHarness(t)
		h.hello(h.an)
		h.srv.FailNext("sendMessage", 1, f)
		h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
		h.wait(func(s telegramtest.Sent) bool {
			return s.ChatID == h.an.ID && strings.Contains(s.Plain, "không có việc")
		})
		if n := h.countSent(h.an.ID, "không có việc"); n != 1 {
			t.Fatalf("fault %d: delivered %d times", f.Code, n)
		}
		if strings.Contains(h.logs.String(), testToken) {
			t.Fatalf("fault %d: the token is in the logs", f.Code)
		}
	}
}

func TestSenderGivesUpOnBadRequest(t *testing.T) {
	h := newHarness(t)
	h.hello(h.an)
	before := h.srv.Stats().Requests["sendMessage"]
	h.srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 400, Description: "Bad Request: something odd"})
	h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
	h.settle()
	// The next message still goes: one refused message does not block the chat.
	h.say(h.srv.PrivateChat(h.an), h.an, "/huongdan")
	if n := h.countSent(h.an.ID, "không có việc"); n != 0 {
		t.Fatalf("a refused message was retried and delivered %d times", n)
	}
	if !strings.Contains(h.logs.String(), "something odd") {
		t.Error("the 400's reason was not logged")
	}
	if got := h.srv.Stats().Requests["sendMessage"] - before; got != 2 {
		t.Errorf("%d sendMessage calls, want 2: the 400 was retried", got)
	}
}

// A reply too long for one message goes out in parts, each once, under an
// API that enforces Telegram's limits: each part takes its own turn of the
// chat's pace, so none draws a 429, and the message is marked sent. (It
// was not: the parts shared one turn, a later part drew a 429, and the
// retry began again from the first part, for ever.)
func TestLongMessageGoesOutInPartsOnce(t *testing.T) {
	h := newHarness(t, paced)
	h.hello(h.an)
	h.srv.EnforceLimits(telegramtest.Limits{Global: 30, PerChat: 1, PerChatBurst: 3, PerGroupPerMinute: 20})
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "dòng %03d %s\n", i, strings.Repeat("x", 90))
	}
	text := strings.TrimSpace(b.String()) // ~20,000 characters: 5 parts
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		p, err := tx.PersonByUsername("telegram", "an")
		if err != nil {
			return err
		}
		_, err = tx.Enqueue(&nhacviec.Message{ChatID: p.PrivateChatID, Kind: nhacviec.KindReply, Text: text})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h.app.sender.Wake()
	h.settle()
	seen := map[string]int{}
	parts := 0
	for _, m := range h.srv.SentTo(h.an.ID) {
		if m.Method == "sendMessage" && strings.HasPrefix(m.Plain, "dòng ") {
			parts++
			for _, line := range strings.Split(m.Plain, "\n") {
				seen[line[:len("dòng 000")]]++
			}
		}
	}
	if parts != 5 {
		t.Errorf("%d parts sent, want 5", parts)
	}
	for i := range 200 {
		if n := seen[fmt.Sprintf("dòng %03d", i)]; n != 1 {
			t.Errorf("line %d delivered %d times", i, n)
		}
	}
	if got := h.srv.Stats().TooMany; got != 0 {
		t.Errorf("%d 429s", got)
	}
}
