// Package zalo is nhacviec's Zalo adapter (the Zalo Bot Platform, bots
// made with Zalo Bot Creator): it long-polls getUpdates or serves a
// webhook, turns Zalo's events into bot.Update, and sends outbox messages
// as plain text. Zalo has no buttons, no documents and no command menu;
// files go as links (Config.Publish).
package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
)

// Transport is the name under which Zalo chats and people are stored.
const Transport = "zalo"

// MaxText is the longest text Zalo's sendMessage takes (1–2,000
// characters; api.go).
const MaxText = 2000

// Config configures the adapter.
type Config struct {
	Token string
	// APIURL is the Bot API base (default DefaultAPIURL); requests go to
	// <APIURL>/bot<token>/<method>.
	APIURL string
	Log    zerolog.Logger
	// PollTimeout is getUpdates' long-poll timeout (default 30 s).
	PollTimeout time.Duration
	// Sends is how many sends may be in flight at once (default
	// bot.DefaultWorkers): a connection is kept open for each.
	Sends int
	// Publish, if set, makes a file reachable by a link (a one-time
	// download link) and returns its URL: Zalo bots cannot send
	// documents, and send photos only by URL. Without it a file is
	// replaced by a text saying where to get it.
	Publish func(ctx context.Context, name, mime string, body []byte) (url string, err error)
}

// Zalo talks to the Zalo Bot API.
type Zalo struct {
	token       string
	base        string
	log         zerolog.Logger
	pollTimeout time.Duration
	poll        *http.Client // getUpdates: longer than the long poll
	send        *http.Client
	publish     func(ctx context.Context, name, mime string, body []byte) (string, error)
	me          botInfo
	lastPoll    atomic.Int64 // Unix ms of the last good getUpdates or webhook delivery
}

var _ bot.Transport = (*Zalo)(nil)

// New checks the token (getMe) and returns the adapter.
func New(ctx context.Context, cfg Config) (*Zalo, error) {
	if cfg.Token == "" {
		return nil, errors.New("zalo: no bot token")
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.Sends <= 0 {
		cfg.Sends = bot.DefaultWorkers
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = cfg.Sends+1, cfg.Sends+1
	z := &Zalo{token: cfg.Token, base: strings.TrimRight(cfg.APIURL, "/"), log: cfg.Log, pollTimeout: cfg.PollTimeout,
		poll:    &http.Client{Timeout: cfg.PollTimeout + 15*time.Second, Transport: tr},
		send:    &http.Client{Timeout: 30 * time.Second, Transport: tr},
		publish: cfg.Publish}
	if z.base == "" {
		z.base = DefaultAPIURL
	}
	if err := z.call(ctx, z.send, "getMe", nil, &z.me); err != nil {
		return nil, fmt.Errorf("zalo: getMe: %w", err)
	}
	return z, nil
}

// ID is the bot's Zalo id.
func (z *Zalo) ID() string { return z.me.ID }

// Name is the bot's account name.
func (z *Zalo) Name() string {
	if z.me.AccountName != "" {
		return z.me.AccountName
	}
	return z.me.Name
}

// BotName is how people find the bot on Zalo: its account name (Zalo
// has no @username).
func (z *Zalo) BotName() string { return z.Name() }

// CanJoinGroups is getMe's can_join_groups: whether the bot may be added
// to Zalo groups at all (many bots may not).
func (z *Zalo) CanJoinGroups() bool { return z.me.CanJoinGroups }

// LastPoll is when getUpdates last answered (an update or its 408) or a
// webhook delivery was applied: the transport's heartbeat for /healthz.
func (z *Zalo) LastPoll() time.Time {
	if ms := z.lastPoll.Load(); ms != 0 {
		return time.UnixMilli(ms)
	}
	return time.Time{}
}

// Handler is what the adapter feeds: the bot core.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) error
}

// Run long-polls getUpdates until ctx ends. Zalo returns one update per
// call and forgets it as it returns it (no offset: at most once), so an
// update is handled before the next call, and an update whose handling
// fails (the store) is tried again here, from memory, until it is
// applied or handleFor has passed.
func (z *Zalo) Run(ctx context.Context, h Handler) error {
	// getUpdates does not work while a webhook is set.
	if err := z.call(ctx, z.send, "deleteWebhook", nil, nil); err != nil && ctx.Err() == nil {
		z.log.Warn().Err(err).Msg("deleteWebhook failed")
	}
	failures := 0
	for ctx.Err() == nil {
		var raw json.RawMessage
		err := z.call(ctx, z.poll, "getUpdates", map[string]any{"timeout": int(z.pollTimeout / time.Second)}, &raw)
		var apiErr *APIError
		switch {
		case err == nil:
			failures = 0
			z.lastPoll.Store(time.Now().UnixMilli())
			for _, u := range decodeUpdates(raw, z.log) {
				z.handle(ctx, h, u)
			}
			continue
		case errors.As(err, &apiErr) && apiErr.Code == codePollTimeout:
			failures = 0 // nothing came within the timeout
			z.lastPoll.Store(time.Now().UnixMilli())
			continue
		case ctx.Err() != nil:
			return nil
		}
		failures++
		wait := min(30*time.Second, time.Second<<min(failures, 5))
		if errors.As(err, &apiErr) && apiErr.Code == codeUnauthorized {
			z.log.Error().Int("status", apiErr.Code).Dur("retry_in", wait).
				Msg("getUpdates: the bot token was refused; set a valid NHACVIEC_ZALO_TOKEN")
		} else {
			z.log.Warn().Err(err).Dur("retry_in", wait).Msg("polling failed")
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return nil
}

// decodeUpdates reads getUpdates' result: one update (what Zalo
// returns), or, should it ever return Telegram's shape, an array of
// them; the update is gone from Zalo either way, so what cannot be read
// is logged, not retried.
func decodeUpdates(raw json.RawMessage, log zerolog.Logger) []update {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] == '[' {
		var us []update
		if err := json.Unmarshal(raw, &us); err == nil {
			return us
		}
	} else {
		var u update
		if err := json.Unmarshal(raw, &u); err == nil {
			return []update{u}
		}
	}
	log.Error().Int("bytes", len(raw)).Msg("getUpdates returned what is not an update; dropped")
	return nil
}

// handleFor bounds how long a polled update that keeps failing is tried
// again before it is given up (logged): Zalo will not offer it again.
const handleFor = 2 * time.Minute

func (z *Zalo) handle(ctx context.Context, h Handler, raw update) {
	u, ok := z.convert(raw)
	if !ok {
		return
	}
	// Finish the update even if shutdown starts meanwhile.
	hctx := context.WithoutCancel(ctx)
	deadline := time.Now().Add(handleFor)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
		err := h.Handle(hctx, u)
		if err == nil {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			z.log.Error().Err(err).Str("message_id", u.MessageID).Msg("update could not be applied; Zalo will not offer it again")
			return
		}
		z.log.Warn().Err(err).Str("message_id", u.MessageID).Dur("retry_in", wait).Msg("update failed; trying again")
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// convert maps a Zalo event to the core's form; false for what is not a
// message in a chat.
func (z *Zalo) convert(raw update) (bot.Update, bool) {
	m := raw.Message
	if m == nil || m.Chat.ID == "" || m.MessageID == "" {
		// Without its id a message cannot be claimed, so a delivery
		// again would be applied again: not taken at all.
		return bot.Update{}, false
	}
	out := bot.Update{Transport: Transport, ChatID: m.Chat.ID, MessageID: m.MessageID, ClaimMessage: true, Date: sentAt(m.Date)}
	switch strings.ToUpper(m.Chat.ChatType) {
	case "GROUP":
		out.ChatKind = nhacviec.ChatGroup
	default:
		out.ChatKind = nhacviec.ChatPrivate
	}
	// The bot's own messages come back on some surfaces (goclaw's
	// internal/channels/zalo/bot/poll.go filters them): not a person.
	if m.From.ID != "" && !m.From.IsBot && m.From.ID != z.me.ID {
		name := strings.TrimSpace(m.From.DisplayName)
		if name == "" {
			name = strings.TrimSpace(m.From.Name)
		}
		out.From = &bot.User{ID: m.From.ID, Name: name}
	}
	switch raw.EventName {
	case "message.text.received":
		out.Text = m.Text
	case "message.image.received":
		out.Text = m.Caption // "/nhap" cannot come this way; a caption may be a command
	default:
		// Stickers, voice, and what Zalo hides ("unsupported"): the chat
		// and the person are recorded (they wrote), nothing is said.
	}
	return out, true
}

// sentAt reads a message's date: Unix milliseconds, as the examples of
// the Zalo Bot API show them, or seconds (a value below 10^12 is), as
// Telegram's; zero when absent.
func sentAt(date int64) time.Time {
	switch {
	case date <= 0:
		return time.Time{}
	case date < 1e12:
		return time.Unix(date, 0)
	}
	return time.UnixMilli(date)
}
