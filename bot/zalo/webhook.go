package zalo

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// SetWebhook has Zalo deliver updates to url (HTTPS, reachable from the
// internet) instead of getUpdates, each with the X-Bot-Api-Secret-Token
// header set to secret (8–256 characters).
func (z *Zalo) SetWebhook(ctx context.Context, url, secret string) error {
	return z.call(ctx, z.send, "setWebhook", map[string]string{"url": url, "secret_token": secret}, nil)
}

// maxUpdateBytes bounds a webhook request's body; updates are small.
const maxUpdateBytes = 1 << 20

// WebhookHandler serves Zalo's webhook POSTs. A request without the right
// secret (compared in constant time) is refused. 200 is answered only once
// the update's transaction committed; anything else asks Zalo to deliver
// it again, if Zalo does (undocumented): a delivery that comes twice is
// applied once (bot.Update.ClaimMessage).
func (z *Zalo) WebhookHandler(h Handler, secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Bot-Api-Secret-Token")
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			z.log.Warn().Str("remote", r.RemoteAddr).Msg("webhook request without the right secret token; refused")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		if err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		// Zalo's documentation shows the event wrapped as {ok, result};
		// clients in use also accept it bare (openclaw's monitor.ts).
		var wrapped struct {
			OK     bool    `json:"ok"`
			Result *update `json:"result"`
		}
		var u update
		if err := json.Unmarshal(raw, &wrapped); err == nil && wrapped.Result != nil {
			u = *wrapped.Result
		} else if err := json.Unmarshal(raw, &u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if bu, ok := z.convert(u); ok {
			// A client that hangs up must not roll back an update being applied.
			if err := h.Handle(context.WithoutCancel(r.Context()), bu); err != nil {
				z.log.Error().Err(err).Str("message_id", bu.MessageID).Msg("webhook update failed; answered 500")
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
		}
		z.lastPoll.Store(time.Now().UnixMilli())
		w.WriteHeader(http.StatusOK)
	})
}
