package main

import (
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// countSent counts successful sendMessage calls to chat whose text holds s.
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
