package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// tracker follows what the fake server accepted from the bot.
type tracker struct {
	srv     *telegramtest.Server
	next    int
	sent    []telegramtest.Sent
	replies map[chatMsg]telegramtest.Sent // the first message replying to each
}

type chatMsg struct {
	chat int64
	msg  int
}

func newTracker(srv *telegramtest.Server) *tracker {
	return &tracker{srv: srv, replies: map[chatMsg]telegramtest.Sent{}}
}

// poll takes in what was sent since the last poll and returns it.
func (t *tracker) poll() []telegramtest.Sent {
	news := t.srv.SentSince(t.next)
	t.next += len(news)
	t.sent = append(t.sent, news...)
	for _, s := range news {
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

// reply returns u's reply, if it came.
func (t *tracker) reply(u upd) (telegramtest.Sent, bool) {
	s, ok := t.replies[chatMsg{u.chat, u.msg}]
	return s, ok
}
