package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// A backup taken while another connection holds the lock and writes is a
// consistent snapshot that opens as a normal database.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "nhacviec.db"))
	update(t, db, func(tx nhacviec.Tx) error {
		return tx.EnsureChat(&nhacviec.Chat{Transport: "telegram", ExternalID: "42", Kind: nhacviec.ChatGroup, Title: "Phòng Tổng hợp"})
	})
	// Each transaction writes a and b together: a copy with a != b would
	// hold half a transaction.
	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := db.Update(ctx, func(tx nhacviec.Tx) error {
				if _, err := tx.ClaimUpdate("a", i); err != nil {
					return err
				}
				_, err := tx.ClaimUpdate("b", i)
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
			committed.Store(i)
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	for committed.Load() < 20 { // let the writer get going
		time.Sleep(time.Millisecond)
	}

	ro, err := store.OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var copies []string
	for i := range 3 {
		before := committed.Load()
		dest := filepath.Join(dir, "backup-"+string(rune('a'+i))+".db")
		if err := ro.Backup(ctx, dest); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, dest)
		bk, err := store.Open(ctx, dest)
		if err != nil {
			t.Fatalf("the copy does not open: %v", err)
		}
		var a, b int64
		var chat *nhacviec.Chat
		err = bk.View(ctx, func(tx nhacviec.Tx) error {
			a, _ = tx.Offset("a")
			b, _ = tx.Offset("b")
			var err error
			chat, err = tx.Chat(1)
			return err
		})
		bk.Close()
		if err != nil {
			t.Fatal(err)
		}
		if a != b || a < before {
			t.Errorf("copy %d: a=%d b=%d, want equal and ≥ %d (committed before the backup)", i, a, b, before)
		}
		if chat == nil || chat.Title != "Phòng Tổng hợp" {
			t.Errorf("copy %d: chat = %+v", i, chat)
		}
	}
	if committed.Load() <= 20 {
		t.Error("the writer made no progress during the backups")
	}
	// Nothing but the database, its WAL files, the lock and the copies.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	if fi, err := os.Stat(copies[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("copy permissions: %v %v, want 0600", fi.Mode(), err)
	}
}

func TestBackupNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "nhacviec.db"))
	dest := filepath.Join(dir, "old-backup.db")
	os.WriteFile(dest, []byte("yesterday"), 0o600)
	err := db.Backup(ctx, dest)
	if !errors.Is(err, store.ErrBackupExists) || !strings.Contains(err.Error(), dest) {
		t.Fatalf("err = %v, want ErrBackupExists naming the file", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "yesterday" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if err := db.Backup(ctx, filepath.Join(dir, "no-such-dir", "x.db")); err == nil {
		t.Fatal("a backup into a missing directory succeeded")
	}
}

func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	if _, err := store.OpenReadOnly(ctx, filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("OpenReadOnly of a missing file succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("OpenReadOnly created the file")
	}
	db := mustOpen(t, filepath.Join(dir, "nhacviec.db"))
	update(t, db, func(tx nhacviec.Tx) error { _, err := tx.ClaimUpdate("telegram", 8); return err })
	ro, err := store.OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Update(ctx, func(tx nhacviec.Tx) error { _, err := tx.ClaimUpdate("telegram", 9); return err }); err == nil {
		t.Fatal("a write through OpenReadOnly succeeded")
	}
	ro.View(ctx, func(tx nhacviec.Tx) error {
		if off, _ := tx.Offset("telegram"); off != 9 {
			t.Errorf("offset = %d, want 9", off)
		}
		return nil
	})
}
