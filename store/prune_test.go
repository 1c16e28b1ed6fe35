package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

const day = 24 * time.Hour

var keep = store.Retention{Outbox: 30 * day, Replies: 90 * day}

// Prune deletes the finished messages older than the limit, a batch per
// transaction; it keeps pending messages, younger ones, and the planned
// messages of open tasks, whose keys keep the scheduler from planning
// them again.
func TestPruneRemovesOnlyWhatIsOldEnough(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	old, young := now.Add(-31*day), now.Add(-29*day)
	clock := old
	db.Now = func() time.Time { return clock }

	var chat int64
	var open, closed *nhacviec.Task
	ids := map[string]int64{}
	enqueue := func(name string, m *nhacviec.Message) {
		t.Helper()
		m.ChatID, m.Text = chat, name
		update(t, db, func(tx nhacviec.Tx) error {
			_, err := tx.Enqueue(m)
			return err
		})
		ids[name] = m.ID
	}
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "7", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		chat = c.ID
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "7", PrivateChatID: c.ID}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		open = &nhacviec.Task{Title: "mở", AssignerID: p.ID, AssigneeID: p.ID, ChatID: c.ID, Deadline: old, Status: nhacviec.StatusOpen}
		closed = &nhacviec.Task{Title: "đóng", AssignerID: p.ID, AssigneeID: p.ID, ChatID: c.ID, Deadline: old, Status: nhacviec.StatusDone, ClosedAt: old}
		if err := tx.CreateTask(open); err != nil {
			return err
		}
		return tx.CreateTask(closed)
	})
	// Old enough: one-off replies, notices, the planned messages of a
	// closed task and a digest, sent, failed or dropped.
	gone := []string{"reply", "notice", "closed-overdue", "digest", "failed", "dropped"}
	enqueue("reply", &nhacviec.Message{Kind: nhacviec.KindReply, TaskID: closed.ID})
	enqueue("notice", &nhacviec.Message{Kind: nhacviec.KindNotice, TaskID: open.ID})
	enqueue("closed-overdue", &nhacviec.Message{Key: fmt.Sprintf("overdue:%d:x:%d", closed.ID, chat), Kind: nhacviec.KindOverdue, TaskID: closed.ID})
	enqueue("digest", &nhacviec.Message{Key: "digest:1:2026-10-23:1", Kind: nhacviec.KindDigest})
	enqueue("failed", &nhacviec.Message{Kind: nhacviec.KindReply})
	enqueue("dropped", &nhacviec.Message{Key: fmt.Sprintf("nudge:%d:x:%d", closed.ID, chat), Kind: nhacviec.KindNudge, TaskID: closed.ID})
	// Old but kept: the open task's overdue notice, a message still pending.
	enqueue("open-overdue", &nhacviec.Message{Key: fmt.Sprintf("overdue:%d:x:%d", open.ID, chat), Kind: nhacviec.KindOverdue, TaskID: open.ID})
	enqueue("pending", &nhacviec.Message{Kind: nhacviec.KindReply, NotBefore: now.Add(time.Hour)})
	clock = young
	enqueue("young", &nhacviec.Message{Kind: nhacviec.KindReply})
	for name, id := range ids {
		switch name {
		case "pending":
		case "failed":
			if err := db.GiveUp(ctx, id, "400"); err != nil {
				t.Fatal(err)
			}
		case "dropped":
			update(t, db, func(tx nhacviec.Tx) error { return tx.DropChasing(closed.ID) })
		default:
			if err := db.MarkSent(ctx, id, strconv.FormatInt(1000+id, 10), clock); err != nil {
				t.Fatal(err)
			}
		}
	}

	r := keep
	r.Batch = 4
	got, err := db.Prune(ctx, now, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outbox != len(gone) || got.Replies != 0 || got.Batches != 2 || got.Longest <= 0 {
		t.Errorf("Prune = %+v, want %d outbox rows in 2 batches of at most 4 (the longest timed), no replies", got, len(gone))
	}
	left := outboxIDs(t, path)
	for name, id := range ids {
		if slices.Contains(gone, name) == slices.Contains(left, id) {
			t.Errorf("%s: kept %v, want %v", name, slices.Contains(left, id), !slices.Contains(gone, name))
		}
	}
	if again, err := db.Prune(ctx, now, r); err != nil || again != (store.Pruned{}) {
		t.Errorf("a second Prune = %+v, %v; want nothing", again, err)
	}
	// Still planned: the scheduler will not plan the open task's overdue
	// notice again.
	db.View(ctx, func(tx nhacviec.Tx) error {
		key := fmt.Sprintf("overdue:%d:x", open.ID)
		if planned, err := tx.PlannedKeys([]string{key}); !planned[key] || err != nil {
			t.Errorf("the open task's overdue notice is no longer planned (%v)", err)
		}
		return nil
	})
}

// A reply to a message older than the limit is not matched to its task;
// one to a younger message is.
func TestPruneForgetsOldDeliveredMessages(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	var chat, task int64
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "7"}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		k := &nhacviec.Task{Title: "x", AssignerID: p.ID, AssigneeID: p.ID, ChatID: c.ID, Deadline: now, Status: nhacviec.StatusOpen}
		if err := tx.CreateTask(k); err != nil {
			return err
		}
		chat, task = c.ID, k.ID
		for range 5 {
			if _, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReply, TaskID: k.ID, Text: "📌"}); err != nil {
				return err
			}
		}
		return nil
	})
	// Sent 100, 95, 91, 89 and 10 days ago, as message ids 1 to 5.
	ages := []time.Duration{100 * day, 95 * day, 91 * day, 89 * day, 10 * day}
	for i := range ages {
		due, err := db.Due(ctx, now, 1)
		if err != nil || len(due) != 1 {
			t.Fatalf("Due: %d, %v", len(due), err)
		}
		if err := db.MarkSent(ctx, due[0].ID, strconv.Itoa(i+1), now.Add(-ages[i])); err != nil {
			t.Fatal(err)
		}
	}
	r := keep
	r.Batch = 2
	got, err := db.Prune(ctx, now, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Replies != 3 || got.Batches != 2 {
		t.Errorf("Prune = %+v, want 3 delivered-message ids in 2 batches", got)
	}
	db.View(ctx, func(tx nhacviec.Tx) error {
		for i, age := range ages {
			ids, err := tx.TasksOfMessage(chat, strconv.Itoa(i+1))
			if err != nil {
				t.Fatal(err)
			}
			if age > 90*day && len(ids) != 0 || age < 90*day && !slices.Equal(ids, []int64{task}) {
				t.Errorf("a reply to the message sent %v ago resolves to tasks %v", age, ids)
			}
		}
		return nil
	})
}

// Retention 0 keeps everything.
func TestPruneWithoutLimitsKeepsAll(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	then := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return then }
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "7", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		_, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReply, Text: "x"})
		return err
	})
	due, _ := db.Due(ctx, then, 1)
	if err := db.MarkSent(ctx, due[0].ID, "1", then); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Prune(ctx, then.AddDate(5, 0, 0), store.Retention{}); err != nil || got != (store.Pruned{}) {
		t.Errorf("Prune with no limits = %+v, %v", got, err)
	}
}

func outboxIDs(t *testing.T, path string) []int64 {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// Migration 0007 keeps the delivered messages' ids and dates them: from
// their outbox row where there is one, else the migration's time; and it
// moves the open tasks' planning times into task_plans.
func TestMigration0007KeepsRows(t *testing.T) {
	// A database as the builds before 0007 left it, written as they wrote
	// it: an open and a done task, each with a planning time in tasks
	// (the done one's a leftover), a reply sent at sent remembered for
	// replies, and a second remembered message whose outbox row is gone.
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 6); err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).UnixMilli()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'telegram', '-5', 'group', ?1)`,
		`INSERT INTO people (id, transport, external_id, created_at, updated_at) VALUES (1, 'telegram', '7', ?1, ?1)`,
		`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, next_plan_at)
			VALUES (1, 'x', 1, 1, 1, ?1, 'open', ?1, 1000), (2, 'y', 1, 1, 1, ?1, 'done', ?1, 2000)`,
		`INSERT INTO outbox (chat_id, kind, task_id, text, not_before, created_at, state, sent_at, external_id)
			VALUES (1, 'reply', 1, '📌', ?1, ?1, 'sent', ?1, '11')`,
		`INSERT INTO bot_messages (chat_id, message_id, task_id) VALUES (1, '11', 1), (1, '99', 1)`,
	} {
		if _, err := raw.Exec(q, sent); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	migrated := time.Now()
	db := mustOpen(t, path)
	db.Close()
	raw, err = sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	got := map[string]int64{}
	rows, err := raw.Query(`SELECT message_id, sent_at FROM bot_messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		got[id] = at
	}
	if len(got) != 2 || got["11"] != sent {
		t.Errorf("after the migration: %v; want 11 sent at %d", got, sent)
	}
	if d := time.UnixMilli(got["99"]).Sub(migrated); d < -time.Minute || d > time.Minute {
		t.Errorf("the message without an outbox row is dated %v, want about the migration's time %v", time.UnixMilli(got["99"]), migrated)
	}
	var plans string
	if err := raw.QueryRow(`SELECT group_concat(task_id || ':' || at) FROM task_plans`).Scan(&plans); err != nil {
		t.Fatal(err)
	}
	if plans != "1:1000" {
		t.Errorf("task_plans after the migration: %s; want the open task 1's time only", plans)
	}
}
