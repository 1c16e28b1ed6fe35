package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/nhacviec/nhacviec/store"
)

// Migration 0015 puts the day of its slot in front of every key the
// scheduler may still look for, in the form the scheduler now writes
// (scheduler's TestNoticeKeysStartWithTheirDay), and leaves the rest.
func TestMigration0015PrefixesPlannedKeysWithTheirDay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 14); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{ // as 0014 wrote them → after 0015
		"reminder:12:before:2026-11-24:3":  "2026-11-24/reminder:12:before:2026-11-24:3",
		"reminder:12:due:2026-11-25:3":     "2026-11-25/reminder:12:due:2026-11-25:3",
		"overdue:12:202611251700:3":        "2026-11-25/overdue:12:202611251700:3",
		"overdue:12:202611251700:-1001":    "2026-11-25/overdue:12:202611251700:-1001",
		"nudge:12:2026-11-26:3":            "2026-11-26/nudge:12:2026-11-26:3",
		"digest:4:2026-11-26:4":            "2026-11-26/digest:4:2026-11-26:4",
		"overdue:13:202611251700:3":        "overdue:13:202611251700:3", // a closed task's: never looked for again
		"unreachable:3:5":                  "unreachable:3:5",
		"fallback:77":                      "fallback:77",
		"nudge:1234567:2026-12-31:4444444": "2026-12-31/nudge:1234567:2026-12-31:4444444",
	}
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'telegram', '-5', 'group', 0)`,
		`INSERT INTO people (id, transport, external_id, created_at, updated_at) VALUES (1, 'telegram', '7', 0, 0)`,
		`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at)
			VALUES (12, 'x', 1, 1, 1, 0, 'open', 0), (13, 'y', 1, 1, 1, 0, 'done', 0), (1234567, 'z', 1, 1, 1, 0, 'open', 0)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for old := range keys {
		task := sql.NullInt64{Int64: 12, Valid: true}
		switch old[:5] {
		case "diges", "unrea", "fallb":
			task.Valid = false
		}
		if old == "overdue:13:202611251700:3" {
			task.Int64 = 13
		}
		if old == "nudge:1234567:2026-12-31:4444444" {
			task.Int64 = 1234567
		}
		if _, err := raw.Exec(`INSERT INTO outbox (key, chat_id, kind, task_id, not_before, created_at, state) VALUES (?, 1, 'nudge', ?, 0, 0, 'sent')`, old, task); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db := mustOpen(t, path)
	db.Close()
	raw, err = sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT key FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		got[k] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for old, want := range keys {
		if !got[want] {
			t.Errorf("%s: want %s after the migration; the keys are %v", old, want, got)
		}
	}
	if len(got) != len(keys) {
		t.Errorf("%d rows after the migration, want %d", len(got), len(keys))
	}
}
