package store_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// Migration 0022 adds the chats' questions (numbered choices on a
// transport without buttons) to a database made before it, keeping its
// rows; MarkAsked records a chat's question with its message's mark, the
// latest in place of the one before, also for a message dropped while it
// was sent; a chat folded into its supergroup's takes its question away.
func TestMigration0022Questions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 16); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'zalo', 'z1', 'private', 0), (2, 'telegram', '-5', 'group', 0), (3, 'telegram', '-1005', 'group', 0)`,
		`INSERT INTO outbox (id, chat_id, kind, text, not_before, created_at, state) VALUES
			(1, 1, 'reply', 'a', 0, 0, 'pending'), (2, 1, 'reply', 'b', 0, 0, 'pending'), (3, 1, 'reply', 'c', 0, 0, 'pending'),
			(4, 3, 'reply', 'd', 0, 0, 'pending')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	question := func(chat int64) *nhacviec.Question {
		t.Helper()
		var q *nhacviec.Question
		if err := db.View(ctx, func(tx nhacviec.Tx) error {
			var err error
			q, err = tx.Question(chat)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return q
	}
	if q := question(1); q != nil {
		t.Fatalf("a question before any was asked: %+v", q)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if err := db.MarkSent(ctx, 1, "m1", at); err != nil {
		t.Fatal(err)
	}
	if q := question(1); q != nil {
		t.Fatalf("MarkSent asked a question: %+v", q)
	}
	if err := db.MarkAsked(ctx, 2, "m2", at, []string{"rv:3:y", "rv:3:n"}); err != nil {
		t.Fatal(err)
	}
	if q := question(1); q == nil || q.MessageID != "m2" || !slices.Equal(q.Choices, []string{"rv:3:y", "rv:3:n"}) || !q.AskedAt.Equal(at) {
		t.Fatalf("question: %+v", q)
	}
	// Dropped while it was sent: it went out, and so did its question.
	if err := db.Update(ctx, func(tx nhacviec.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	w, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(`UPDATE outbox SET state = 'dropped' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkAsked(ctx, 3, "m3", at.Add(time.Minute), []string{"done:4"}); err != nil {
		t.Fatal(err)
	}
	if q := question(1); q == nil || q.MessageID != "m3" || !slices.Equal(q.Choices, []string{"done:4"}) {
		t.Fatalf("the latest question: %+v", q)
	}
	var state string
	if err := w.QueryRow(`SELECT state FROM outbox WHERE id = 3`).Scan(&state); err != nil || state != "dropped" {
		t.Fatalf("message 3: %s %v", state, err)
	}
	// A supergroup's own row folded into its group's: its question goes.
	if err := db.MarkAsked(ctx, 4, "m4", at, []string{"done:1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx nhacviec.Tx) error { return tx.MigrateChat("telegram", "-5", "-1005") }); err != nil {
		t.Fatal(err)
	}
	if q := question(3); q != nil {
		t.Fatalf("a deleted chat's question stayed: %+v", q)
	}
}
