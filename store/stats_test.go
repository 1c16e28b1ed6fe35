package store_test

import (
	"path/filepath"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

func TestOutboxStats(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	depth, oldest, err := db.OutboxStats(ctx)
	if err != nil || depth != 0 || !oldest.IsZero() {
		t.Fatalf("empty outbox: %d %v %v", depth, oldest, err)
	}
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	update(t, db, func(tx nhacviec.Tx) error {
		chat := &nhacviec.Chat{Transport: "telegram", ExternalID: "1", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		for _, nb := range []time.Time{t0.Add(time.Hour), t0, t0.Add(24 * time.Hour)} {
			if _, err := tx.Enqueue(&nhacviec.Message{ChatID: chat.ID, Kind: nhacviec.KindReply, Text: "x", NotBefore: nb}); err != nil {
				return err
			}
		}
		return nil
	})
	depth, oldest, err = db.OutboxStats(ctx)
	if err != nil || depth != 3 || !oldest.Equal(t0) {
		t.Fatalf("stats = %d %v %v, want 3 %v", depth, oldest, err, t0)
	}
}
