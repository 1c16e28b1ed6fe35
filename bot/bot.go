package bot

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/report"
)

// Bot is the conversation core. Handle applies one update in one store
// transaction: its effect, its replies and the update offset commit
// together or not at all.
type Bot struct {
	Store    nhacviec.Store
	Calendar *calendar.Calendar
	Log      zerolog.Logger
	// Username is the bot's own username, used in hints ("nhắn /start cho
	// @nhacviec_bot") and to tell "/lenh@thisbot" from another bot's.
	Username string
	// Wake is called after a commit that wrote to the outbox, so the sender
	// does not wait for its next poll. May be nil.
	Wake func()
	// Observe, if set, is told of every handled update: the command's
	// canonical name ("" when none, "button" for a button press,
	// CommandUnknown for a command that does not exist, never the name
	// typed), its outcome ("ok" or an error code) and how long it took.
	// Metrics hang here.
	Observe func(command, outcome string, took time.Duration)
	// Admins are the bootstrap administrators from configuration, keyed
	// "transport:user id" (e.g. "telegram:123456"). Never "first to /start".
	Admins map[string]bool
	// BatchWindow bounds how long updates handed over together share one
	// transaction (default defaultBatchWindow).
	BatchWindow time.Duration
	// NoButtons reports whether messages to a chat (a transport and its
	// id of the chat) carry no buttons (LimitsOf(…).MaxButtons == 0):
	// there the sender says buttons as numbered choices, a number typed
	// presses one, and a private chat takes the commands buttons stand
	// for without the slash (choices.go). Nil: every chat has buttons.
	NoButtons func(transport, chatID string) bool
	// Reports reads the task records the statistics count (the store);
	// nil: /thongke and /xuat say they are off.
	Reports report.Source
	// MaxFileBytes is the largest export sent as a document (0:
	// report.MaxExportBytes, Telegram's 50 MB); a bigger one is refused
	// with a narrower period suggested.
	MaxFileBytes int
	// Transports are the transports the bot runs on, by name: /lienket
	// names the other apps, and /moi says how an invite is used on each
	// (Inviter). Nil in tests that need none of it.
	Transports map[string]Transport
}

// transportNames are the names of Transports, sorted.
func (b *Bot) transportNames() []string {
	return slices.Sorted(maps.Keys(b.Transports))
}

// CommandUnknown is the name Observe and the logs give a command that
// does not exist.
const CommandUnknown = "unknown"

// AdminKey is how Admins names a person.
func AdminKey(transport, userID string) string { return transport + ":" + userID }

// Handle applies one update. A mistake of the person (bad input, no
// permission) is answered in chat and the update is consumed; an internal
// error is answered with an apology and consumed too, unless even that
// cannot be stored, in which case Handle returns the error and the caller
// retries the same update later.
func (b *Bot) Handle(ctx context.Context, u Update) error {
	return b.HandleBatch(ctx, []Update{u})
}

// defaultBatchWindow: long enough that a burst pays for one commit per
// several updates, short enough that the first one's reply is not held
// back and that the sender's marks, which wait for the same writer, get
// their turn: under a burst, 1 ms answered 649 commands/s (p99 3.9 s) where
// 5 ms answered 590/s (p99 7.2 s) (BENCHMARKS.md).
const defaultBatchWindow = time.Millisecond

// HandleBatch applies updates in order, as Handle does each, committing
// those handled within BatchWindow of each other together. Each update
// runs in a savepoint of its own, so one update's failure undoes only its
// own writes. On an error HandleBatch returns, the updates of the failed
// transaction were not applied and are to be offered again.
func (b *Bot) HandleBatch(ctx context.Context, us []Update) error {
	for _, u := range us {
		u.Document.parse() // before the transaction: a plan of 2,000 rows takes a second
	}
	for len(us) > 0 {
		n, err := b.handleSome(ctx, us)
		if err != nil {
			return err
		}
		us = us[n:]
	}
	return nil
}

// handled is what is told about an update once its transaction committed.
type handled struct {
	u       Update
	cmd     string
	outcome string
	took    time.Duration
	after   []func()
}

// handleSome applies a prefix of us in one transaction and returns its
// length.
func (b *Bot) handleSome(ctx context.Context, us []Update) (int, error) {
	window := b.BatchWindow
	if window <= 0 {
		window = defaultBatchWindow
	}
	var done []handled
	err := b.Store.Update(ctx, func(tx nhacviec.Tx) error {
		done = done[:0]
		start := time.Now()
		for _, u := range us {
			h, err := b.apply(tx, u)
			if err != nil {
				return err
			}
			done = append(done, h)
			if time.Since(start) >= window {
				break
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, h := range done {
		for _, fn := range h.after {
			fn()
		}
	}
	if b.Wake != nil {
		b.Wake()
	}
	for _, h := range done {
		b.told(h)
	}
	return len(done), nil
}

// apply handles u inside tx: its effect in a savepoint, or, when that
// fails, only the answer saying why in another. The error it returns is
// the store's, and fails the whole transaction.
func (b *Bot) apply(tx nhacviec.Tx, u Update) (handled, error) {
	start := time.Now()
	u = cleanUpdate(u)
	h := handled{u: u, outcome: "ok"}
	err := tx.Savepoint(func() error {
		c, err := b.begin(tx, u)
		if err != nil || c == nil {
			return err
		}
		h.cmd, err = c.run()
		h.after = c.after
		return err
	})
	if err != nil {
		// Nothing of the failed attempt stays; say why.
		h.after = nil
		msg := nhacviec.ErrorMessage(err)
		h.outcome = nhacviec.ErrorCode(err)
		if msg == "" {
			b.Log.Error().Err(err).Str("transport", u.Transport).Int64("update_id", u.ID).Str("command", h.cmd).Msg("update failed")
			msg = textInternalError
		}
		if err := tx.Savepoint(func() error {
			c, err := b.begin(tx, u)
			if err != nil || c == nil {
				return err
			}
			return c.say(msg)
		}); err != nil {
			return h, err
		}
	}
	h.took = time.Since(start)
	return h, nil
}

// told logs and observes a handled update: one line per command.
func (b *Bot) told(h handled) {
	ev := b.Log.Info()
	if h.outcome == nhacviec.EInternal {
		ev = b.Log.Warn()
	}
	if h.cmd != "" || h.outcome != "ok" {
		ev.Str("transport", h.u.Transport).Int64("update_id", h.u.ID).Str("command", h.cmd).
			Str("outcome", h.outcome).Dur("took", h.took).Msg("update")
	}
	if b.Observe != nil {
		b.Observe(h.cmd, h.outcome, h.took)
	}
}

// conv is one update being handled inside a transaction.
type conv struct {
	*Bot
	tx   nhacviec.Tx
	u    Update
	now  time.Time
	chat *nhacviec.Chat
	me   *nhacviec.Person // nil when the update has no person behind it
	// after runs once the transaction committed (e.g. to refresh the
	// in-memory calendar); never when it rolled back.
	after []func()
	stand *standing // loaded on first use
	// answered is set once a button press got its answer.
	answered bool
	people   map[int64]*nhacviec.Person // loaded by person(); listings only
}

// admin reports whether the caller is a configured administrator.
func (c *conv) admin() bool {
	return c.me != nil && c.isAdmin(c.tx, c.me)
}

// isAdmin reports whether p is a configured administrator: by any of
// their accounts, when they linked several (/lienket).
func (b *Bot) isAdmin(tx nhacviec.Tx, p *nhacviec.Person) bool {
	if b.Admins[AdminKey(p.Transport, p.ExternalID)] {
		return true
	}
	if !p.Linked {
		return false
	}
	accounts, err := tx.Accounts(p.ID)
	if err != nil {
		b.Log.Error().Err(err).Int64("person", p.ID).Msg("accounts")
		return false
	}
	for _, a := range accounts {
		if b.Admins[AdminKey(a.Transport, a.ExternalID)] {
			return true
		}
	}
	return false
}

// begin records the offset, the chat and the person; it returns nil when
// there is nothing more to do.
func (b *Bot) begin(tx nhacviec.Tx, u Update) (*conv, error) {
	if u.ID != 0 {
		// An update at or below an applied one was applied already: a
		// transport that offers it again must not get it twice.
		if fresh, err := tx.ClaimUpdate(u.Transport, u.ID); err != nil || !fresh {
			return nil, err
		}
	}
	if u.ClaimMessage && u.MessageID != "" {
		if fresh, err := tx.ClaimMessage(u.Transport, u.MessageID); err != nil || !fresh {
			return nil, err
		}
	}
	if u.ChatID == "" {
		return nil, nil
	}
	c := &conv{Bot: b, tx: tx, u: u, now: tx.Now().In(b.Calendar.Location())}
	c.chat = &nhacviec.Chat{Transport: u.Transport, ExternalID: u.ChatID, Kind: u.ChatKind, Title: u.ChatTitle}
	if err := tx.EnsureChat(c.chat); err != nil {
		return nil, err
	}
	if u.From == nil {
		if u.MigratedTo != "" || u.BotRemoved {
			return c, nil // about the chat, not from a person
		}
		return nil, nil
	}
	c.me = &nhacviec.Person{Transport: u.Transport, ExternalID: u.From.ID, Username: u.From.Username, DisplayName: u.From.Name}
	if c.chat.Kind == nhacviec.ChatPrivate {
		c.me.PrivateChatID = c.chat.ID
	}
	if err := tx.EnsurePerson(c.me); err != nil {
		return nil, err
	}
	if c.chat.Kind == nhacviec.ChatGroup {
		// Who has been seen in a plain team's group may be given its work.
		if err := tx.SeenIn(c.chat.ID, c.me.ID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// run dispatches the update and returns the command's canonical name.
func (c *conv) run() (string, error) {
	switch {
	case c.u.MigratedTo != "":
		return "", c.tx.MigrateChat(c.u.Transport, c.u.ChatID, c.u.MigratedTo)
	case c.u.BotRemoved:
		return "", c.tx.DeactivateChat(c.chat.ID)
	}
	if cb := c.u.Callback; cb != nil {
		if err := c.button(cb); err != nil {
			return "button", err
		}
		// Every press is answered, or the client shows a spinner.
		if !c.answered {
			return "button", c.say("")
		}
		return "button", nil
	}
	text := strings.TrimSpace(c.u.Text)
	if name, args, ok := parseCommand(text); ok {
		target := commandTarget(text)
		if target != "" && !strings.EqualFold(target, c.Username) {
			return "", nil // another bot's command
		}
		cmd, known := commandByName[name]
		if !known {
			if c.chat.Kind == nhacviec.ChatGroup && target == "" {
				return "", nil // another bot's command, or a typo not meant for us
			}
			// Not name: what people type must not become a metric label.
			return CommandUnknown, nhacviec.Errorf(nhacviec.EInvalid, textUnknownCommand, esc(name))
		}
		return cmd.Name, cmd.run(c, args)
	}
	if n, ok := choiceNumber(text); ok && c.buttonless() {
		return c.choice(n) // a numbered choice: a button's press (choices.go)
	}
	// A value a button asked for, or a step of the guided /giao (wait.go).
	if cmd, ok, err := c.typed(text); ok || err != nil {
		return cmd, err
	}
	// A link code alone, sent in private from the other app (link.go).
	if ok, err := c.linkCodeAlone(text); ok || err != nil {
		return "lienket", err
	}
	if note, done := doneReply(text); c.u.ReplyTo != "" && done {
		ids, err := c.tx.TasksOfMessage(c.chat.ID, c.u.ReplyTo)
		if err != nil || len(ids) == 0 {
			return "", err // a reply to something else: not ours to answer
		}
		if len(ids) == 1 {
			return "xong", c.markDone(ids[0], note)
		}
		return "xong", c.whichDone(ids, note)
	}
	if c.u.ReplyTo != "" && text != "" {
		// The reviewer's "duyệt" or "trả lại vì …" (review.go).
		if cmd, ok, err := c.reviewReply(text); ok || err != nil {
			return cmd, err
		}
		// A request to extend, an answer to one, or a progress note.
		if cmd, ok, err := c.replyAbout(text); ok || err != nil {
			return cmd, err
		}
	}
	if c.chat.Kind == nhacviec.ChatPrivate && c.buttonless() {
		// Without buttons, typing is all there is: "xong 12" as /xong 12.
		// In private chats only: in a group such words are talk.
		if name, args, ok := plainCommand(text); ok {
			cmd := commandByName[name]
			return cmd.Name, cmd.run(c, args)
		}
	}
	if c.chat.Kind == nhacviec.ChatPrivate && text != "" {
		return "", c.say(textNotUnderstood)
	}
	return "", nil
}

// say replies to the update: an answer to a button press, or a message in
// the chat replying to the person's message.
func (c *conv) say(text string) error {
	if c.typedPress() {
		// A choice typed as a number: the answer is a message in the
		// chat, whole, as a reply to the number.
		c.answered = true
		if text == "" {
			return nil
		}
		return c.reply(&nhacviec.Message{Text: text})
	}
	if cb := c.u.Callback; cb != nil {
		c.answered = true
		short := stripTags(text)
		if UTF16Len(short) > maxAnswer {
			// A pop-up holds 200 characters: the whole text goes in the
			// chat, the pop-up says its first line.
			if err := c.reply(&nhacviec.Message{Text: text}); err != nil {
				return err
			}
			short, _, _ = strings.Cut(short, "\n")
			short = clipUTF16(short, maxAnswer)
		}
		_, err := c.tx.Enqueue(&nhacviec.Message{ChatID: c.chat.ID, Kind: nhacviec.KindAnswer, Callback: cb.ID, Text: short})
		return err
	}
	return c.reply(&nhacviec.Message{Text: text})
}

// maxAnswer is the longest answer to a button press Telegram shows, in
// UTF-16 code units.
const maxAnswer = 200

// UTF16Len is the length of s in UTF-16 code units, as Telegram and Zalo
// count a message's text.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// clipUTF16 shortens s to at most n UTF-16 code units, marking the cut.
func clipUTF16(s string, n int) string {
	if UTF16Len(s) <= n {
		return s
	}
	used := 1 // the "…"
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if used+w > n {
			return s[:i] + "…"
		}
		used += w
	}
	return s
}

// reply sends m in the update's chat, as a reply to the person's message.
func (c *conv) reply(m *nhacviec.Message) error {
	m.ChatID, m.Kind, m.HTML = c.chat.ID, nhacviec.KindReply, true
	if c.u.Callback == nil || c.typedPress() {
		m.ReplyTo = c.u.MessageID
	}
	_, err := c.tx.Enqueue(m)
	return err
}

// notify sends m to a person other than the actor: privately if they have
// opened a chat with the bot. Personal messages wait out quiet hours. It
// reports whether the person could be reached.
func (c *conv) notify(p *nhacviec.Person, m *nhacviec.Message) (bool, error) {
	if p.PrivateChatID == 0 {
		return false, nil
	}
	if p.PrivateChatID == c.chat.ID {
		return true, nil // they are reading this chat already
	}
	m.ChatID, m.Kind, m.HTML = p.PrivateChatID, nhacviec.KindNotice, true
	m.NotBefore = c.Calendar.NotQuiet(c.now)
	_, err := c.tx.Enqueue(m)
	return err == nil, err
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return htmlUnescape(b.String())
}

// Offset returns the next update offset stored for a transport.
func (b *Bot) Offset(ctx context.Context, transport string) (int64, error) {
	var off int64
	err := b.Store.View(ctx, func(tx nhacviec.Tx) error {
		var err error
		off, err = tx.Offset(transport)
		return err
	})
	return off, err
}
