// Package telegram is nhacviec's Telegram adapter: it long-polls
// getUpdates itself (never the client library's update channel, which
// confirms updates before they are handled), turns updates into
// bot.Update, and sends outbox messages.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
)

// Transport is the name under which Telegram chats and people are stored.
const Transport = "telegram"

// Telegram user ids that are never a person: the anonymous group admin
// (messages sent "as the group") and Telegram's service account.
const (
	anonymousAdminID = 1087968824
	serviceUserID    = 777000
)

// Config configures the adapter.
type Config struct {
	Token string
	// APIURL is the Bot API base, e.g. https://api.telegram.org; requests
	// go to <APIURL>/bot<token>/<method>.
	APIURL string
	Log    zerolog.Logger
	// PollTimeout is getUpdates' long-poll timeout (default 30 s).
	PollTimeout time.Duration
	// Sends is how many sends may be in flight at once, the sender's
	// Workers (default bot.DefaultWorkers): a connection is kept open for
	// each, and for the poll.
	Sends int
}

// Telegram talks to the Bot API.
type Telegram struct {
	// OnConflict, if set, is called with true when getUpdates starts
	// answering 409 Conflict (another process polls this bot token) and
	// with false when polling works again.
	OnConflict func(conflict bool)

	api         *tgbotapi.BotAPI
	apiURL      string // the Bot API base, for file downloads
	http        *http.Client
	token       string
	log         zerolog.Logger
	pollTimeout time.Duration
	lastPoll    atomic.Int64 // Unix ms of the last successful getUpdates
	conflict    bool         // the last getUpdates answered 409; Run's goroutine only
	caughtUp    chan struct{}
	caughtOnce  sync.Once
}

// CaughtUp is closed once the updates Telegram kept while the bot was
// down have been handled, so that catching up on reminders does not race
// a "xong" that is still waiting in the queue.
func (t *Telegram) CaughtUp() <-chan struct{} { return t.caughtUp }

// LastPoll is when getUpdates last answered successfully (zero before the
// first): the transport's heartbeat for health checks.
func (t *Telegram) LastPoll() time.Time {
	if ms := t.lastPoll.Load(); ms != 0 {
		return time.UnixMilli(ms)
	}
	return time.Time{}
}

var _ bot.Transport = (*Telegram)(nil)

// New connects to the Bot API (getMe) and returns the adapter.
func New(cfg Config) (*Telegram, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no bot token")
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.Sends <= 0 {
		cfg.Sends = bot.DefaultWorkers
	}
	t := &Telegram{token: cfg.Token, log: cfg.Log, pollTimeout: cfg.PollTimeout, caughtUp: make(chan struct{}),
		// Longer than the long poll, so a healthy poll is never cut off.
		http: &http.Client{Timeout: cfg.PollTimeout + 15*time.Second, Transport: transport(cfg.Sends + 1)}}
	// The library logs with the standard logger, URLs and all.
	tgbotapi.SetLogger(libLogger{t})
	base := strings.TrimRight(cfg.APIURL, "/")
	if base == "" {
		base = "https://api.telegram.org"
	}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, base+"/bot%s/%s", t.http)
	if err != nil {
		return nil, fmt.Errorf("telegram: connect: %w", t.redact(err))
	}
	t.api, t.apiURL = api, base
	return t, nil
}

// transport keeps conns connections to the Bot API open. Go's default
// keeps 2, so with 8 sends in flight most sends opened a new connection:
// a TLS handshake, several round trips to api.telegram.org, and a third of
// the bot's CPU under load (BENCHMARKS.md).
func transport(conns int) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns
	tr.MaxIdleConnsPerHost = conns
	return tr
}

// Username is the bot's username, without "@".
func (t *Telegram) Username() string { return t.api.Self.UserName }

// BotName is how people find the bot on Telegram: its @username.
func (t *Telegram) BotName() string { return "@" + t.api.Self.UserName }

// InviteHint is how an invite is used on Telegram: a deep link that
// opens the bot and sends "/start CODE" (bot.Inviter).
func (t *Telegram) InviteHint(code string) string {
	return "Telegram: bấm link rồi nhấn Start: https://t.me/" + t.Username() + "?start=" + code
}

// with returns a copy of the client whose requests end with ctx.
func (t *Telegram) with(ctx context.Context) *tgbotapi.BotAPI {
	api := *t.api
	api.Client = ctxClient{ctx: ctx, c: t.http}
	return &api
}

type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.c.Do(req.WithContext(c.ctx))
}

// SetCommands publishes the command menus with Vietnamese descriptions:
// members' commands everywhere, heads' to group administrators. A head's
// or admin's own private chat gets theirs when their roles change.
func (t *Telegram) SetCommands(ctx context.Context) error {
	for _, set := range []struct {
		scope string
		menu  string
	}{{"default", bot.MenuMember}, {"all_group_chats", bot.MenuMember}, {"all_chat_administrators", bot.MenuHead}} {
		cfg := tgbotapi.NewSetMyCommandsWithScope(tgbotapi.BotCommandScope{Type: set.scope}, menu(set.menu)...)
		if _, err := t.with(ctx).Request(cfg); err != nil {
			return t.redact(err)
		}
	}
	return nil
}

func menu(name string) []tgbotapi.BotCommand {
	var cmds []tgbotapi.BotCommand
	for _, c := range bot.Menu(name) {
		cmds = append(cmds, tgbotapi.BotCommand{Command: c.Name, Description: c.Description})
	}
	return cmds
}

// Handler is what the poll loop feeds: the bot core.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) error
	// HandleBatch handles a poll's updates in order; several may share a
	// commit.
	HandleBatch(ctx context.Context, us []bot.Update) error
	Offset(ctx context.Context, transport string) (int64, error)
}

// Run long-polls updates until ctx ends. Each update is handed to h, which
// stores the next offset with the update's effect; only then does the next
// getUpdates confirm it to Telegram. An update being handled when ctx ends
// is finished; a poll in flight is abandoned (its updates stay unconfirmed
// and come again at the next start).
func (t *Telegram) Run(ctx context.Context, h Handler) error {
	if _, err := t.with(ctx).Request(tgbotapi.DeleteWebhookConfig{}); err != nil && ctx.Err() == nil {
		t.log.Warn().Err(t.redact(err)).Msg("deleteWebhook failed")
	}
	failures := 0
	for ctx.Err() == nil {
		err := t.poll(ctx, h)
		if err == nil {
			failures = 0
			continue
		}
		if ctx.Err() != nil {
			break
		}
		failures++
		wait := min(30*time.Second, time.Second<<min(failures, 5))
		var apiErr *tgbotapi.Error
		switch {
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusConflict:
			t.log.Error().Msg("getUpdates: 409 Conflict: another instance is polling this bot token; stop it")
			t.setConflict(true)
		case errors.As(err, &apiErr) && (apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusNotFound):
			t.log.Error().Int("status", apiErr.Code).Dur("retry_in", wait).
				Msg("getUpdates: the bot token was refused (revoked in BotFather?); set a valid NHACVIEC_TELEGRAM_TOKEN")
		default:
			t.log.Warn().Err(err).Dur("retry_in", wait).Msg("polling failed")
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return nil
}

func (t *Telegram) setConflict(c bool) {
	if c != t.conflict && t.OnConflict != nil {
		t.OnConflict(c)
	}
	t.conflict = c
}

func (t *Telegram) poll(ctx context.Context, h Handler) error {
	offset, err := h.Offset(ctx, Transport)
	if err != nil {
		return err
	}
	cfg := tgbotapi.UpdateConfig{Offset: int(offset), Limit: 100, Timeout: int(t.pollTimeout / time.Second),
		AllowedUpdates: allowedUpdates}
	select {
	case <-t.caughtUp:
	default:
		cfg.Timeout = 0 // catching up: return at once when nothing was kept
	}
	updates, err := t.getUpdates(ctx, cfg)
	if err != nil {
		return err
	}
	t.lastPoll.Store(time.Now().UnixMilli())
	t.setConflict(false)
	if len(updates) > 0 {
		us := make([]bot.Update, len(updates))
		for i, u := range updates {
			us[i] = t.convert(u)
		}
		// Finish the poll's updates even if shutdown starts meanwhile.
		if err := h.HandleBatch(context.WithoutCancel(ctx), us); err != nil {
			return fmt.Errorf("updates from %d: %w", updates[0].UpdateID, err)
		}
	}
	if len(updates) < cfg.Limit {
		t.caughtOnce.Do(func() { close(t.caughtUp) })
	}
	return nil
}

func (t *Telegram) getUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	updates, err := t.with(ctx).GetUpdates(cfg)
	return updates, t.redact(err)
}

// convert maps a Telegram update to the core's form. Updates the core
// does not act on keep their id, so their offset is still recorded.
func (t *Telegram) convert(u tgbotapi.Update) bot.Update {
	out := bot.Update{Transport: Transport, ID: int64(u.UpdateID)}
	switch {
	case u.Message != nil:
		m := u.Message
		if !t.chat(&out, m.Chat) {
			return out
		}
		out.From = person(m.From, m.SenderChat)
		out.MessageID = strconv.Itoa(m.MessageID)
		if m.MigrateToChatID != 0 {
			out.MigratedTo = strconv.FormatInt(m.MigrateToChatID, 10)
		}
		out.Text = m.Text // the core tells this bot's commands from others' (bot.Bot.Username)
		if out.Text == "" && m.Document != nil {
			out.Text = m.Caption // "/nhap" as a file's caption
		}
		out.Document = t.document(m, out.Text)
		out.Mentions = textMentions(m)
		if m.ReplyToMessage != nil {
			out.ReplyTo = strconv.Itoa(m.ReplyToMessage.MessageID)
		}
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		q := u.CallbackQuery
		if !t.chat(&out, q.Message.Chat) {
			return out
		}
		out.From = person(q.From, nil)
		out.Callback = &bot.Callback{ID: q.ID, Data: q.Data, MessageID: strconv.Itoa(q.Message.MessageID)}
	case u.MyChatMember != nil:
		mcm := u.MyChatMember
		chat := mcm.Chat
		if mcm.NewChatMember.User == nil || mcm.NewChatMember.User.ID != t.api.Self.ID || !t.chat(&out, &chat) {
			return out
		}
		// The bot was removed from a group (or blocked in private, which
		// the sender learns at its next message).
		left := mcm.NewChatMember.Status == "left" || mcm.NewChatMember.Status == "kicked"
		out.BotRemoved = left && out.ChatKind == nhacviec.ChatGroup
	}
	return out
}

func (t *Telegram) chat(out *bot.Update, c *tgbotapi.Chat) bool {
	if c == nil {
		return false
	}
	switch c.Type {
	case "private":
		out.ChatKind = nhacviec.ChatPrivate
	case "group", "supergroup":
		out.ChatKind, out.ChatTitle = nhacviec.ChatGroup, c.Title
	default:
		return false // channels: not a place to assign work
	}
	out.ChatID = strconv.FormatInt(c.ID, 10)
	return true
}

func person(u *tgbotapi.User, senderChat *tgbotapi.Chat) *bot.User {
	if u == nil || u.IsBot || senderChat != nil || u.ID == anonymousAdminID || u.ID == serviceUserID {
		return nil
	}
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.UserName
	}
	return &bot.User{ID: strconv.FormatInt(u.ID, 10), Username: u.UserName, Name: name}
}

// textMentions returns the people named without a username; entity
// offsets count UTF-16 units.
func textMentions(m *tgbotapi.Message) []bot.Mention {
	var out []bot.Mention
	var units []uint16
	for _, e := range m.Entities {
		if e.Type != "text_mention" || e.User == nil {
			continue
		}
		if units == nil {
			units = utf16.Encode([]rune(m.Text))
		}
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			continue
		}
		if p := person(e.User, nil); p != nil {
			out = append(out, bot.Mention{Text: string(utf16.Decode(units[e.Offset : e.Offset+e.Length])), User: *p})
		}
	}
	return out
}

// Send delivers one outbox message.
func (t *Telegram) Send(ctx context.Context, m *nhacviec.Outgoing) (string, error) {
	api := t.with(ctx)
	if m.Kind == nhacviec.KindAnswer {
		_, err := api.Request(tgbotapi.NewCallback(m.Callback, m.Text))
		return "", classify(t.redact(err))
	}
	chatID, err := strconv.ParseInt(m.ChatExternalID, 10, 64)
	if err != nil {
		return "", fmt.Errorf("telegram: bad chat id %q", m.ChatExternalID)
	}
	if m.Kind == nhacviec.KindMenu {
		scope := tgbotapi.BotCommandScope{Type: "chat", ChatID: chatID}
		_, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(scope, menu(m.Text)...))
		return "", classify(t.redact(err))
	}
	if m.Kind == nhacviec.KindEdit {
		msgID, err := strconv.Atoi(m.EditOf)
		if err != nil {
			return "", fmt.Errorf("telegram: bad message id %q", m.EditOf)
		}
		// Text-less edits set the buttons: those left, or none.
		markup := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
		if len(m.Buttons) > 0 {
			markup = keyboard(m.Buttons)
		}
		_, err = api.Request(tgbotapi.NewEditMessageReplyMarkup(chatID, msgID, markup))
		return "", classify(t.redact(err))
	}
	if m.File != nil {
		return t.sendFile(api, chatID, m)
	}
	msg := tgbotapi.NewMessage(chatID, m.Text)
	if m.HTML {
		msg.ParseMode = tgbotapi.ModeHTML
	}
	if m.ReplyTo != "" {
		msg.ReplyToMessageID, _ = strconv.Atoi(m.ReplyTo)
		msg.AllowSendingWithoutReply = true
	}
	if len(m.Buttons) > 0 {
		msg.ReplyMarkup = keyboard(m.Buttons)
	}
	sent, err := api.Send(msg)
	if err != nil {
		return "", classify(t.redact(err))
	}
	return strconv.Itoa(sent.MessageID), nil
}

// Limits are the Bot API's: 4,096 UTF-16 code units of text (counting
// the HTML source is conservative: tags and entities only make it longer
// than the text Telegram counts), and a keyboard of at most 100 buttons
// (the limit Telegram's servers enforce; the documentation is silent).
func (t *Telegram) Limits() bot.Limits {
	return bot.Limits{MaxText: 4096, Length: bot.UTF16Len, MaxButtons: 100}
}

func keyboard(buttons [][]nhacviec.Button) tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range buttons {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		rows = append(rows, r)
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// classify tells the sender what to do about a failed call: wait, retry,
// or give up (bad request, forbidden).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.RetryAfter > 0 || apiErr.Code == http.StatusTooManyRequests:
			return &bot.SendError{Err: err, RetryAfter: time.Duration(max(1, apiErr.RetryAfter)) * time.Second}
		case apiErr.Code >= 500:
			return &bot.SendError{Err: err, Temporary: true}
		case apiErr.MigrateToChatID != 0:
			return &bot.SendError{Err: err, MigratedTo: strconv.FormatInt(apiErr.MigrateToChatID, 10)}
		case apiErr.Code == http.StatusForbidden:
			return &bot.SendError{Err: err, Forbidden: true}
		}
		return fmt.Errorf("telegram: %d %w", apiErr.Code, err)
	}
	// Network errors and answers that were not the API's JSON.
	return &bot.SendError{Err: err, Temporary: true}
}

// redact removes the bot token from err: *url.Error texts carry the full
// request URL, token included.
func (t *Telegram) redact(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, t.token, "<token>"), Err: redactedErr{ue.Err, t.token}}
	}
	if strings.Contains(err.Error(), t.token) {
		return redactedErr{err, t.token}
	}
	return err
}

// redactedErr hides the token in an error's text but keeps it unwrappable
// (timeouts stay recognisable).
type redactedErr struct {
	err   error
	token string
}

func (e redactedErr) Error() string { return strings.ReplaceAll(e.err.Error(), e.token, "<token>") }
func (e redactedErr) Unwrap() error { return e.err }

// libLogger routes the library's own log lines to zerolog, redacted.
type libLogger struct{ t *Telegram }

func (l libLogger) Println(v ...any) {
	l.t.log.Debug().Msg(strings.ReplaceAll(fmt.Sprint(v...), l.t.token, "<token>"))
}

func (l libLogger) Printf(format string, v ...any) {
	l.t.log.Debug().Msg(strings.ReplaceAll(fmt.Sprintf(format, v...), l.t.token, "<token>"))
}
