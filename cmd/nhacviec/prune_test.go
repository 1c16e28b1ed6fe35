package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// Retention: 30 days of messages and 90 of reply matching by default;
// each set by its variable or flag (the flag wins); 0 keeps for ever.
func TestRetentionKnobs(t *testing.T) {
	for _, c := range []struct {
		env             map[string]string
		args            []string
		outbox, replies int
		bad             bool
	}{
		{nil, nil, 30, 90, false},
		{map[string]string{"NHACVIEC_OUTBOX_KEEP_DAYS": "7", "NHACVIEC_REPLIES_KEEP_DAYS": "0"}, nil, 7, 0, false},
		{map[string]string{"NHACVIEC_OUTBOX_KEEP_DAYS": "7"}, []string{"-outbox-keep-days", "60", "-replies-keep-days", "365"}, 60, 365, false},
		{map[string]string{"NHACVIEC_OUTBOX_KEEP_DAYS": "-1"}, nil, 0, 0, true},
		{map[string]string{"NHACVIEC_REPLIES_KEEP_DAYS": "3 tháng"}, nil, 0, 0, true},
	} {
		m := &Main{Stderr: &bytes.Buffer{}, Getenv: env(c.env)}
		cfg, err := m.config("run", c.args)
		if c.bad {
			if err == nil {
				t.Errorf("%v %v accepted", c.env, c.args)
			}
			continue
		}
		if err != nil || cfg.OutboxKeepDays != c.outbox || cfg.RepliesKeepDays != c.replies {
			t.Errorf("%v %v: %+v, %v; want %d and %d days", c.env, c.args, cfg, err, c.outbox, c.replies)
		}
	}
}

// The pruning loop prunes at once, then at every tick, until ctx ends.
func TestPruneLoop(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	then := now.AddDate(0, 0, -31)
	db.Now = func() time.Time { return then }
	err = db.Update(context.Background(), func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "7", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		_, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReply, Text: "x"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	due, err := db.Due(context.Background(), then, 1)
	if err != nil || len(due) != 1 {
		t.Fatalf("Due: %d, %v", len(due), err)
	}
	if err := db.MarkSent(context.Background(), due[0].ID, "1", then); err != nil {
		t.Fatal(err)
	}

	cfg := &Config{OutboxKeepDays: 30, RepliesKeepDays: 90}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The loop's log line ends it: a tick that never comes, then ctx.
	logs := &cancelOn{want: "pruned old messages", cancel: cancel}
	tick := make(chan time.Time)
	prune(ctx, db, cfg.retention(), func() time.Time { return now }, tick, zerolog.New(logs))
	if !strings.Contains(logs.String(), `"outbox":1`) {
		t.Errorf("log: %s", logs.String())
	}
	if got, err := db.Prune(context.Background(), now, cfg.retention()); err != nil || got != (store.Pruned{}) {
		t.Errorf("the loop left %+v to prune (%v)", got, err)
	}
	// Nothing to keep for a limited time: no loop at all.
	prune(context.Background(), db, (&Config{}).retention(), func() time.Time { return now }, nil, zerolog.Nop())
}

// cancelOn is a log writer that cancels when a line contains want.
type cancelOn struct {
	bytes.Buffer
	want   string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.want) {
		c.cancel()
	}
	return c.Buffer.Write(p)
}
