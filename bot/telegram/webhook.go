package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the update kinds the bot acts on, by poll or webhook.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// SetWebhook has Telegram deliver updates to url (HTTPS) instead of
// getUpdates, each with the X-Telegram-Bot-Api-Secret-Token header set to
// secret. One connection at a time keeps the updates in order, so the
// stored offset still tells a redelivered update from a new one.
func (t *Telegram) SetWebhook(ctx context.Context, url, secret string) error {
	allowed, _ := json.Marshal(allowedUpdates)
	// v5.5.1's WebhookConfig has no secret_token: send the parameters as is.
	_, err := t.with(ctx).MakeRequest("setWebhook", tgbotapi.Params{
		"url": url, "secret_token": secret, "max_connections": "1", "allowed_updates": string(allowed),
	})
	return t.redact(err)
}

// maxUpdateBytes bounds a webhook request's body; updates are small.
const maxUpdateBytes = 1 << 20

// WebhookHandler serves Telegram's webhook POSTs. A request without the
// right secret (compared in constant time) is refused. 200 is answered
// only once the update's transaction committed, so Telegram delivers
// again whatever failed.
func (t *Telegram) WebhookHandler(h Handler, secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			t.log.Warn().Str("remote", r.RemoteAddr).Msg("webhook request without the right secret token; refused")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBytes)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		// A client that hangs up must not roll back an update being applied.
		if err := h.Handle(context.WithoutCancel(r.Context()), t.convert(u)); err != nil {
			t.log.Error().Err(err).Int("update_id", u.UpdateID).Msg("webhook update failed; Telegram will deliver it again")
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		t.lastPoll.Store(time.Now().UnixMilli())
		w.WriteHeader(http.StatusOK)
	})
}
