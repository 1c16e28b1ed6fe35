package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

type recorder struct {
	got []bot.Update
	err error
}

func (r *recorder) Handle(_ context.Context, u bot.Update) error {
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, u)
	return nil
}

func (r *recorder) HandleBatch(ctx context.Context, us []bot.Update) error {
	for _, u := range us {
		if err := r.Handle(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

func (r *recorder) Offset(context.Context, string) (int64, error) { return 0, nil }

func TestWebhook(t *testing.T) {
	const token = "42:secret-token"
	srv := telegramtest.New(token)
	defer srv.Close()
	tg, err := New(Config{Token: token, APIURL: srv.URL(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.SetWebhook(context.Background(), "https://bot.example.vn/telegram", "s3cret-value"); err != nil {
		t.Fatal(err)
	}
	if url, secret := srv.Webhook(); url != "https://bot.example.vn/telegram" || secret != "s3cret-value" {
		t.Fatalf("setWebhook sent %q, %q", url, secret)
	}
	rec := &recorder{}
	h := tg.WebhookHandler(rec, "s3cret-value")
	post := func(secret, body string) int {
		req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	update := `{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"An"},"text":"/viec"}}`
	for _, secret := range []string{"", "wrong", "s3cret-valu", "s3cret-value-and-more"} {
		if code := post(secret, update); code != http.StatusUnauthorized {
			t.Fatalf("secret %q: %d", secret, code)
		}
	}
	if len(rec.got) != 0 {
		t.Fatal("an update without the right secret was handled")
	}
	if code := post("s3cret-value", "{not json"); code != http.StatusBadRequest {
		t.Fatalf("bad body: %d", code)
	}
	if code := post("s3cret-value", update); code != http.StatusOK || len(rec.got) != 1 || rec.got[0].ID != 7 || rec.got[0].Text != "/viec" {
		t.Fatalf("good update: %d %+v", code, rec.got)
	}
	rec.err = errors.New("database is locked")
	if code := post("s3cret-value", update); code != http.StatusInternalServerError {
		t.Fatalf("a failed update was acknowledged: %d", code)
	}
	if tg.LastPoll().IsZero() {
		t.Fatal("a delivered update did not count as a heartbeat")
	}
}
