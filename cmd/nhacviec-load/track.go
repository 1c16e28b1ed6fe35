package main

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// tracker follows what the fake server accepted from the bot.
type tracker struct {
	srv     *telegramtest.Server
	next    int
	sent    []telegramtest.Sent
	replies map[chatMsg]telegramtest.Sent // the first message replying to each
	// The bot merges a chat's waiting messages into one, which can reply
	// to one command only: the others' replies are found through the
	// bot's outbox, which says which sent message carried each.
	db      *sql.DB
	byID    map[chatMsg]telegramtest.Sent // sent messages by chat and id
	lastRow int64                         // the outbox rows read so far
	carried map[chatMsg]carried           // command → the message that carried its reply
}

type chatMsg struct {
	chat int64
	msg  int
}

type carried struct {
	msg  int    // the sent message
	text string // the reply's own text, as a person reads it
}

// newTracker follows srv; db, if not "", is the bot's database, read to
// find replies merged into one message.
func newTracker(srv *telegramtest.Server, db string) *tracker {
	t := &tracker{srv: srv, replies: map[chatMsg]telegramtest.Sent{}, byID: map[chatMsg]telegramtest.Sent{}, carried: map[chatMsg]carried{}}
	if db != "" {
		t.db, _ = sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(5000)")
		// What the outbox held when the tracking began (a seeded
		// history) carries no reply to this run's commands.
		if t.db != nil {
			t.db.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&t.lastRow)
		}
	}
	return t
}

var tags = regexp.MustCompile(`<[^>]*>`)

// single reports whether s, a reply as reply returns it, went out alone
// (not merged with other messages into one).
func (t *tracker) single(s telegramtest.Sent) bool {
	whole, ok := t.byID[chatMsg{s.ChatID, s.MessageID}]
	return ok && !strings.Contains(whole.Plain, mergedSeparator)
}

// mergedSeparator stands between the messages the bot merged into one.
const mergedSeparator = "┈┈┈┈┈┈┈┈"

// readCarried reads the replies sent since the last call from the bot's
// outbox.
func (t *tracker) readCarried() {
	if t.db == nil {
		return
	}
	rows, err := t.db.Query(`SELECT o.id, o.state, c.external_id, o.reply_to, COALESCE(o.external_id, ''), o.text
		FROM outbox o JOIN chats c ON c.id = o.chat_id
		WHERE o.id > ? AND o.reply_to <> '' ORDER BY o.id`, t.lastRow)
	if err != nil {
		return // the bot is starting: later
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var state, chat, replyTo, ext, text string
		if rows.Scan(&id, &state, &chat, &replyTo, &ext, &text) != nil {
			return
		}
		if state == "pending" {
			return // marks commit in any order: read again from here
		}
		t.lastRow = id
		if state != "sent" || ext == "" {
			continue
		}
		c, _ := strconv.ParseInt(chat, 10, 64)
		r, _ := strconv.Atoi(replyTo)
		m, _ := strconv.Atoi(ext)
		t.carried[chatMsg{c, r}] = carried{msg: m, text: html.UnescapeString(tags.ReplaceAllString(text, ""))}
	}
}

// poll takes in what was sent since the last poll and returns it.
func (t *tracker) poll() []telegramtest.Sent {
	news := t.srv.SentSince(t.next)
	t.next += len(news)
	t.sent = append(t.sent, news...)
	for _, s := range news {
		t.byID[chatMsg{s.ChatID, s.MessageID}] = s
		if s.ReplyTo == 0 {
			continue
		}
		k := chatMsg{s.ChatID, s.ReplyTo}
		if _, ok := t.replies[k]; !ok {
			t.replies[k] = s
		}
	}
	return news
}

// wait polls until done says so, failing after timeout or when the bot
// dies.
func (t *tracker) wait(ctx context.Context, p *botProc, timeout time.Duration, what string, done func() bool) error {
	deadline := time.Now().Add(timeout)
	for {
		t.poll()
		if done() {
			return nil
		}
		if err := p.alive(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s\n%s", timeout, what, p.tail())
		}
		if err := sleep(ctx, 2*time.Millisecond); err != nil {
			return err
		}
	}
}

// update is one update the load put in, and the reply it wants.
type upd struct {
	id   int
	chat int64
	msg  int
	kind string
}

// reply returns u's reply, if it came: the message sent in reply to it,
// or the merged message that carried it (with Plain its own text only).
func (t *tracker) reply(u upd) (telegramtest.Sent, bool) {
	k := chatMsg{u.chat, u.msg}
	c, ok := t.carried[k]
	if !ok {
		if s, ok := t.replies[k]; ok && !strings.Contains(s.Plain, mergedSeparator) {
			return s, true
		}
		t.readCarried()
		if c, ok = t.carried[k]; !ok {
			return telegramtest.Sent{}, false
		}
	}
	s, ok := t.byID[chatMsg{u.chat, c.msg}]
	if !ok {
		return telegramtest.Sent{}, false // marked sent, not yet polled
	}
	s.Plain = c.text
	return s, true
}
