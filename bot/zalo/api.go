package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// The Zalo Bot API, as this adapter relies on it. Sources:
//   - https://bot.zaloplatforms.com/docs (the platform's reference, cited by
//     openclaw/openclaw extensions/zalo/src/api.ts): POST
//     https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>, a JSON body,
//     the answer {ok, result, error_code, description}.
//   - openclaw/openclaw extensions/zalo/src/api.ts: getUpdates returns a
//     single update per call, not an array; error_code 408 means the long
//     poll timed out with nothing to return.
//   - nextlevelbuilder/goclaw internal/channels/zalo/bot/errors.go (scraped
//     from https://bot.zapps.me/docs/error-code/): the error codes 400 bad
//     request, 401 unauthorized (token), 403 labelled "internal server
//     error" by Zalo, 404 not found, 408 request timeout, 429 quota
//     exceeded.
//   - getMe answers {id, account_name, account_type, can_join_groups};
//     sendMessage takes {chat_id, text} with text of 1–2,000 characters and
//     answers {message_id, date}; sendPhoto {chat_id, photo: URL, caption};
//     setWebhook {url, secret_token (8–256 characters)}, each delivery
//     carrying the header X-Bot-Api-Secret-Token; getUpdates does not work
//     while a webhook is set (https://docs.zaloplatforms.com/docs/BOT/apis/
//     sendMessage, …/setWebhook, …/webhook).
//
// What no source says: getUpdates has no offset and no update id, so an
// update it returned is never offered again (at most once: README,
// "Chạy trên Zalo"); and whether, how often and how long Zalo retries a
// webhook delivery that was not answered 200.

// DefaultAPIURL is the Zalo Bot API's base.
const DefaultAPIURL = "https://bot-api.zaloplatforms.com"

// APIError is an answer of the Bot API with ok false.
type APIError struct {
	Code        int // error_code, or the HTTP status when the body said none
	Description string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalo: %d %s", e.Code, e.Description)
}

// Codes of the Bot API that the adapter acts on.
const (
	codeBadRequest   = 400
	codeUnauthorized = 401
	codeForbidden    = 403 // documented by Zalo as "internal server error"
	codeNotFound     = 404
	codePollTimeout  = 408
	codeTooMany      = 429
)

type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// call makes one request and decodes its result into out (if not nil).
// Every error it returns is redacted: the token is in the URL path, and
// *url.Error carries the URL.
func (z *Zalo) call(ctx context.Context, c *http.Client, method string, body, out any) error {
	if body == nil {
		body = struct{}{}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, z.base+"/bot"+z.token+"/"+method, bytes.NewReader(data))
	if err != nil {
		return z.redact(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return z.redact(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return z.redact(err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		// Not the API's JSON (a proxy's error page): the HTTP status says
		// what happened.
		return &APIError{Code: resp.StatusCode, Description: z.scrub(strings.TrimSpace(string(raw[:min(len(raw), 200)])))}
	}
	if !env.OK {
		code := env.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		return &APIError{Code: code, Description: z.scrub(env.Description)}
	}
	if out != nil && len(env.Result) > 0 {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return fmt.Errorf("zalo: %s: %w", method, err)
		}
	}
	return nil
}

// redact removes the token from err.
func (z *Zalo) redact(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: z.scrub(ue.URL), Err: redactedErr{ue.Err, z.token}}
	}
	if strings.Contains(err.Error(), z.token) {
		return redactedErr{err, z.token}
	}
	return err
}

func (z *Zalo) scrub(s string) string { return strings.ReplaceAll(s, z.token, "<token>") }

// redactedErr hides the token in an error's text but keeps it
// unwrappable (timeouts stay recognisable).
type redactedErr struct {
	err   error
	token string
}

func (e redactedErr) Error() string { return strings.ReplaceAll(e.err.Error(), e.token, "<token>") }
func (e redactedErr) Unwrap() error { return e.err }

// botInfo is getMe's result.
type botInfo struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	Name          string `json:"name"` // older answers (openclaw's type)
	CanJoinGroups bool   `json:"can_join_groups"`
}

// update is one getUpdates result or webhook delivery.
type update struct {
	EventName string   `json:"event_name"`
	Message   *message `json:"message"`
}

type message struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
	Text      string `json:"text"`
	Caption   string `json:"caption"`
	Chat      struct {
		ID       string `json:"id"`
		ChatType string `json:"chat_type"`
	} `json:"chat"`
	From struct {
		ID          string `json:"id"`
		DisplayName string `json:"display_name"`
		Name        string `json:"name"`
		IsBot       bool   `json:"is_bot"`
	} `json:"from"`
}

// sentMessage is sendMessage's and sendPhoto's result.
type sentMessage struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
}
