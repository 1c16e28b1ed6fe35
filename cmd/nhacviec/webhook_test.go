package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

func TestWebhookConfig(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"NHACVIEC_WEBHOOK_URL": "http://x.vn/tg", "NHACVIEC_WEBHOOK_SECRET": strings.Repeat("a", 20)}, "https://"},
		{map[string]string{"NHACVIEC_WEBHOOK_URL": "https://x.vn/tg", "NHACVIEC_WEBHOOK_SECRET": "short"}, "NHACVIEC_WEBHOOK_SECRET"},
		{map[string]string{"NHACVIEC_WEBHOOK_URL": "https://x.vn/tg", "NHACVIEC_WEBHOOK_SECRET": strings.Repeat("a", 20), "NHACVIEC_HTTP_ADDR": "off"}, "NHACVIEC_HTTP_ADDR"},
	} {
		m := &Main{Stderr: &bytes.Buffer{}, Getenv: env(c.env)}
		if _, err := m.config("run", nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want one naming %s", c.env, err, c.want)
		}
	}
}

// Webhook mode through the real run path: setWebhook with the secret, no
// polling, an update POSTed with the secret is answered, one without is
// refused and never applied.
func TestRunWithWebhook(t *testing.T) {
	srv := telegramtest.New(testToken)
	defer srv.Close()
	addr := unusedLoopbackAddr(t)
	secret := "webhook-secret-0123456789"
	var logs syncBuffer
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &logs, Getenv: env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":   testToken,
		"NHACVIEC_TELEGRAM_API_URL": srv.URL(),
		"NHACVIEC_DB":               filepath.Join(t.TempDir(), "run.db"),
		"NHACVIEC_HTTP_ADDR":        addr,
		"NHACVIEC_WEBHOOK_URL":      "https://nhacviec.example.vn/tg",
		"NHACVIEC_WEBHOOK_SECRET":   secret,
	})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), testToken) {
			t.Error("a secret reached the logs")
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for url, _ := srv.Webhook(); url == ""; url, _ = srv.Webhook() {
		if time.Now().After(deadline) {
			t.Fatal("setWebhook was never called")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if url, got := srv.Webhook(); url != "https://nhacviec.example.vn/tg" || got != secret {
		t.Fatalf("setWebhook(%q, %q)", url, got)
	}
	post := func(secret string, id int, text string) int {
		body := `{"update_id":` + strconv.Itoa(id) + `,"message":{"message_id":` + strconv.Itoa(id) + `,"date":1,"chat":{"id":77,"type":"private"},"from":{"id":77,"first_name":"An","username":"an"},"text":"` + text + `"}}`
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/tg", strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong-secret-0123456789", 1, "/giao @an Không được hạn mai"); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	// The user must have written to the bot for the fake to deliver to them.
	srv.UserSays(srv.PrivateChat(srv.User(77, "an", "An")), srv.User(77, "an", "An"), "hi")
	if code := post(secret, 2, "/viec"); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if _, err := srv.WaitSent(wctx, func(s telegramtest.Sent) bool {
		return s.ChatID == 77 && strings.Contains(s.Plain, "không có việc")
	}); err != nil {
		t.Fatalf("no answer to the webhook update: %v", err)
	}
	// Delivered again (Telegram retries): applied once, answered 200.
	if code := post(secret, 2, "/viec"); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
	time.Sleep(300 * time.Millisecond) // a second reply, if any, would be out by now
	replies := 0
	for _, s := range srv.SentTo(77) {
		if strings.Contains(s.Plain, "không có việc") {
			replies++
		}
	}
	if replies != 1 {
		t.Fatalf("a redelivered update was applied again: %d replies", replies)
	}
	if n := srv.Stats().Requests["getUpdates"]; n != 0 {
		t.Fatalf("%d getUpdates calls in webhook mode", n)
	}
}
