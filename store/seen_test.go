package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// A message id is claimed once per transport; a rolled-back claim is no
// claim; pruning forgets only the old ones.
func TestClaimMessageOncePerTransport(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	claim := func(source, id string) bool {
		t.Helper()
		var fresh bool
		update(t, db, func(tx nhacviec.Tx) error {
			var err error
			fresh, err = tx.ClaimMessage(source, id)
			return err
		})
		return fresh
	}
	if !claim("zalo", "m1") {
		t.Fatal("a new message id was not fresh")
	}
	if claim("zalo", "m1") {
		t.Fatal("a message id claimed twice")
	}
	if !claim("other", "m1") {
		t.Fatal("another transport's message with the same id was refused")
	}
	// A claim whose transaction rolls back leaves the id free.
	err := db.Update(ctx, func(tx nhacviec.Tx) error {
		if fresh, err := tx.ClaimMessage("zalo", "m2"); err != nil || !fresh {
			t.Fatalf("m2: %v %v", fresh, err)
		}
		return fmt.Errorf("rolled back")
	})
	if err == nil || !claim("zalo", "m2") {
		t.Fatal("a rolled-back claim kept the id")
	}
	now = now.Add(8 * 24 * time.Hour)
	if !claim("zalo", "m3") {
		t.Fatal("m3")
	}
	p, err := db.Prune(ctx, now, store.Retention{Seen: 7 * 24 * time.Hour, Batch: 1})
	if err != nil || p.Seen != 3 {
		t.Fatalf("pruned %+v, %v; want the 3 old ids", p, err)
	}
	if claim("zalo", "m3") {
		t.Fatal("pruning forgot a recent id")
	}
	if !claim("zalo", "m1") {
		t.Fatal("an id older than the retention is still claimed")
	}
}

// Migration 0019 adds the table and keeps what a database made before it
// holds.
func TestSeenMessagesMigrationKeepsRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.CreateAt(ctx, path, 16); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000
	for _, q := range []string{
		`INSERT INTO offsets (source, next) VALUES ('telegram', 42)`,
		fmt.Sprintf(`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'zalo', 'abc', 'private', '', %d)`, at),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()
	db := mustOpen(t, path)
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		off, err := tx.Offset("telegram")
		if err != nil || off != 42 {
			t.Errorf("offset %d, %v", off, err)
		}
		c, err := tx.Chat(1)
		if err != nil || c.Transport != "zalo" || c.ExternalID != "abc" {
			t.Errorf("chat %+v, %v", c, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx nhacviec.Tx) error {
		fresh, err := tx.ClaimMessage("zalo", "x")
		if !fresh {
			t.Error("no claim after the migration")
		}
		return err
	})
}
