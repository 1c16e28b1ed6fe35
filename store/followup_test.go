package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// followFixture is a task of an assigner (lead) to an assignee (an).
type followFixture struct {
	db       *store.DB
	now      time.Time
	lead, an *nhacviec.Person
	task     *nhacviec.Task
	chat     *nhacviec.Chat
}

func newFollow(t *testing.T, path string) *followFixture {
	t.Helper()
	f := &followFixture{db: mustOpen(t, path), now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	f.db.Now = func() time.Time { return f.now }
	update(t, f.db, func(tx nhacviec.Tx) error {
		f.chat = &nhacviec.Chat{Transport: "telegram", ExternalID: "10", Kind: nhacviec.ChatGroup}
		f.lead = &nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "lead"}
		f.an = &nhacviec.Person{Transport: "telegram", ExternalID: "2", Username: "an"}
		for _, err := range []error{tx.EnsureChat(f.chat), tx.EnsurePerson(f.lead), tx.EnsurePerson(f.an)} {
			if err != nil {
				return err
			}
		}
		f.task = &nhacviec.Task{Title: "Báo cáo", AssignerID: f.lead.ID, AssigneeID: f.an.ID, ChatID: f.chat.ID,
			Deadline: f.now.Add(48 * time.Hour), Status: nhacviec.StatusOpen}
		return tx.CreateTask(f.task)
	})
	return f
}

// A task has at most one pending request; each is decided once, and
// every request stays, with its decision, in order.
func TestExtensionRequestsAreDecidedOnce(t *testing.T) {
	f := newFollow(t, filepath.Join(t.TempDir(), "x.db"))
	ask := func(tx nhacviec.Tx, days int, reason string) (*nhacviec.Extension, error) {
		e := &nhacviec.Extension{TaskID: f.task.ID, AskerID: f.an.ID, ReviewerID: f.lead.ID,
			From: f.task.Deadline, To: f.task.Deadline.Add(time.Duration(days) * 24 * time.Hour), Reason: reason}
		return e, tx.AskExtension(e)
	}
	var first *nhacviec.Extension
	update(t, f.db, func(tx nhacviec.Tx) error {
		var err error
		if first, err = ask(tx, 3, "chờ số liệu"); err != nil {
			return err
		}
		if first.ID == 0 || first.State != nhacviec.ExtensionPending || !first.AskedAt.Equal(f.now) {
			t.Errorf("asked: %+v", first)
		}
		if _, err := ask(tx, 5, "lần hai"); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("a second pending request: err = %v, want %s", err, nhacviec.EConflict)
		}
		p, err := tx.PendingExtension(f.task.ID)
		if err != nil || p == nil || p.ID != first.ID || p.Reason != "chờ số liệu" || !p.To.Equal(first.To) || !p.From.Equal(f.task.Deadline) {
			t.Errorf("PendingExtension = %+v, %v", p, err)
		}
		return nil
	})
	f.now = f.now.Add(time.Hour)
	update(t, f.db, func(tx nhacviec.Tx) error {
		d := &nhacviec.Extension{ID: first.ID, State: nhacviec.ExtensionRefused, DeciderID: f.lead.ID, Answer: "không kịp"}
		if err := tx.DecideExtension(d); err != nil {
			return err
		}
		again := &nhacviec.Extension{ID: first.ID, State: nhacviec.ExtensionApproved, DeciderID: f.lead.ID}
		if err := tx.DecideExtension(again); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("decided twice: err = %v, want %s", err, nhacviec.EConflict)
		}
		if err := tx.DecideExtension(&nhacviec.Extension{ID: 999, State: nhacviec.ExtensionApproved}); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("an unknown request: err = %v, want %s", err, nhacviec.ENotFound)
		}
		if err := tx.DecideExtension(&nhacviec.Extension{ID: first.ID, State: nhacviec.ExtensionPending}); err == nil {
			t.Error("pending accepted as a decision")
		}
		if p, err := tx.PendingExtension(f.task.ID); err != nil || p != nil {
			t.Errorf("after the decision, PendingExtension = %+v, %v", p, err)
		}
		// Decided: the lead may ask again, and that one lapses.
		second, err := ask(tx, 2, "lần hai")
		if err != nil {
			return err
		}
		return tx.DecideExtension(&nhacviec.Extension{ID: second.ID, State: nhacviec.ExtensionLapsed})
	})
	err := f.db.View(ctx, func(tx nhacviec.Tx) error {
		all, err := tx.Extensions(f.task.ID)
		if err != nil {
			return err
		}
		if len(all) != 2 {
			t.Fatalf("%d requests kept, want 2", len(all))
		}
		a, b := all[0], all[1]
		if a.State != nhacviec.ExtensionRefused || a.DeciderID != f.lead.ID || a.Answer != "không kịp" || !a.DecidedAt.Equal(f.now) || a.Reason != "chờ số liệu" {
			t.Errorf("first request = %+v", a)
		}
		if b.State != nhacviec.ExtensionLapsed || b.DeciderID != 0 || b.Reason != "lần hai" {
			t.Errorf("second request = %+v", b)
		}
		got, err := tx.Extension(a.ID)
		if err != nil || got.State != nhacviec.ExtensionRefused {
			t.Errorf("Extension(%d) = %+v, %v", a.ID, got, err)
		}
		if _, err := tx.Extension(999); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("Extension(999): err = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestProgressNotesKeepThePercentOrItsAbsence(t *testing.T) {
	f := newFollow(t, filepath.Join(t.TempDir(), "x.db"))
	update(t, f.db, func(tx nhacviec.Tx) error {
		for _, p := range []*nhacviec.Progress{
			{TaskID: f.task.ID, PersonID: f.an.ID, Percent: 0, Note: "bắt đầu"},
			{TaskID: f.task.ID, PersonID: f.an.ID, Percent: nhacviec.NoPercent, Note: "chờ số liệu"},
			{TaskID: f.task.ID, PersonID: f.lead.ID, Percent: 100, Note: ""},
		} {
			if err := tx.AddProgress(p); err != nil || p.ID == 0 {
				t.Fatalf("AddProgress: %v (id %d)", err, p.ID)
			}
		}
		return nil
	})
	// Outside 0–100 the database refuses it too.
	err := f.db.Update(ctx, func(tx nhacviec.Tx) error {
		return tx.AddProgress(&nhacviec.Progress{TaskID: f.task.ID, PersonID: f.an.ID, Percent: 101})
	})
	if err == nil {
		t.Error("a percentage of 101 was stored")
	}
	f.db.View(ctx, func(tx nhacviec.Tx) error {
		notes, err := tx.ProgressNotes(f.task.ID)
		if err != nil || len(notes) != 3 {
			t.Fatalf("ProgressNotes = %d notes, %v", len(notes), err)
		}
		if notes[0].Percent != 0 || notes[1].Percent != nhacviec.NoPercent || notes[2].Percent != 100 ||
			notes[1].Note != "chờ số liệu" || notes[2].PersonID != f.lead.ID || !notes[0].At.Equal(f.now) {
			t.Errorf("notes = %+v %+v %+v", notes[0], notes[1], notes[2])
		}
		return nil
	})
}

// A deadline that moved drops what was planned for the old one and not
// sent, and frees its key: the same slot can be planned again.
func TestUnplanFreesTheKeysOfUnsentNotices(t *testing.T) {
	f := newFollow(t, filepath.Join(t.TempDir(), "x.db"))
	const sent, pending = "reminder:1:before:2026-11-24", "reminder:1:due:2026-11-25"
	var ids []int64
	update(t, f.db, func(tx nhacviec.Tx) error {
		for _, m := range []*nhacviec.Message{
			{Key: sent + ":10", ChatID: f.chat.ID, Kind: nhacviec.KindReminder, TaskID: f.task.ID, Text: "đã gửi"},
			{Key: pending + ":10", ChatID: f.chat.ID, Kind: nhacviec.KindReminder, TaskID: f.task.ID, Text: "chưa gửi"},
			{ChatID: f.chat.ID, Kind: nhacviec.KindReply, TaskID: f.task.ID, Text: "trả lời"},
		} {
			if _, err := tx.Enqueue(m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err := f.db.MarkSent(ctx, ids[0], "77", f.now); err != nil {
		t.Fatal(err)
	}
	update(t, f.db, func(tx nhacviec.Tx) error { return tx.Unplan(f.task.ID) })
	update(t, f.db, func(tx nhacviec.Tx) error {
		planned, err := tx.PlannedKeys([]string{sent, pending})
		if err != nil {
			return err
		}
		if !planned[sent] || planned[pending] {
			t.Errorf("PlannedKeys after Unplan = %v, want the sent one only", planned)
		}
		again := &nhacviec.Message{Key: pending + ":10", ChatID: f.chat.ID, Kind: nhacviec.KindReminder, TaskID: f.task.ID, Text: "hạn mới"}
		if ok, err := tx.Enqueue(again); err != nil || !ok {
			t.Errorf("the freed key was not planned again: %v %v", ok, err)
		}
		return nil
	})
	due, err := f.db.Due(ctx, f.now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(due); len(got) != 2 || got[0] != "trả lời" || got[1] != "hạn mới" {
		t.Errorf("due = %q, want the reply and the new reminder only", got)
	}
}

// A database made before 0010_extensions.sql opens, migrates and keeps
// every row; the new tables work on its tasks. (Built at version 9 from
// the embedded migrations: rewinding a newer database broke with each
// later migration that adds a column.)
func TestExtensionsMigrationKeepsEveryRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 9); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	deadline := now.Add(48 * time.Hour)
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'telegram', '10', 'group', 0)`,
		`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '1', 'lead', 0, 0), (2, 'telegram', '2', 'an', 0, 0)`,
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, search) VALUES (1, 'Báo cáo', 1, 2, 1, %d, 'open', %d, 'bao cao')`, deadline.UnixMilli(), now.UnixMilli()),
		`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (1, 1, 'created', 'giao cho @an', 0)`,
		`INSERT INTO outbox (key, chat_id, kind, task_id, text, not_before, created_at) VALUES ('reminder:1:due:2026-11-25:10', 1, 'reminder', 1, 'nhắc', 0, 0)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	f := &followFixture{task: &nhacviec.Task{ID: 1, Deadline: deadline}, lead: &nhacviec.Person{ID: 1}, an: &nhacviec.Person{ID: 2}}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"chats", "people", "tasks", "task_events", "outbox"} {
			var n int
			if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	before := counts()
	db := mustOpen(t, path)
	var version int
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version < 10 {
		t.Fatalf("schema version after opening = %d, %v", version, err)
	}
	if after := counts(); len(after) != len(before) || after["tasks"] != 1 || after["task_events"] != 1 || after["outbox"] != 1 {
		t.Fatalf("rows before %v, after %v", before, after)
	} else {
		for k, n := range before {
			if after[k] != n {
				t.Errorf("%s: %d rows before the migration, %d after", k, n, after[k])
			}
		}
	}
	update(t, db, func(tx nhacviec.Tx) error {
		task, err := tx.Task(f.task.ID)
		if err != nil || task.Title != "Báo cáo" || !task.Deadline.Equal(f.task.Deadline) {
			t.Errorf("task after the migration = %+v, %v", task, err)
		}
		e := &nhacviec.Extension{TaskID: f.task.ID, AskerID: f.an.ID, ReviewerID: f.lead.ID, From: task.Deadline, To: task.Deadline.Add(time.Hour), Reason: "x"}
		if err := tx.AskExtension(e); err != nil {
			return err
		}
		return tx.AddProgress(&nhacviec.Progress{TaskID: f.task.ID, PersonID: f.an.ID, Percent: 50})
	})
}

// A reminder that waited past its task's deadline (planned ahead for the
// morning, the bot down until after the deadline) is dropped, not sent;
// the overdue notice and a reviewer's reminder are not reminders of the
// deadline and go.
func TestReminderPastTheDeadlineIsDropped(t *testing.T) {
	f := newFollow(t, filepath.Join(t.TempDir(), "x.db"))
	enqueue := func(kind nhacviec.MessageKind, text string) {
		update(t, f.db, func(tx nhacviec.Tx) error {
			_, err := tx.Enqueue(&nhacviec.Message{Key: text, ChatID: f.chat.ID, Kind: kind, TaskID: f.task.ID, Text: text})
			return err
		})
	}
	enqueue(nhacviec.KindReminder, "reminder")
	enqueue(nhacviec.KindOverdue, "overdue")
	due := func(at time.Time) string {
		out, err := f.db.Due(ctx, at, 20)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(texts(out), ",")
	}
	if got := due(f.task.Deadline.Add(-time.Minute)); got != "reminder,overdue" {
		t.Fatalf("due before the deadline: %s", got)
	}
	if got := due(f.task.Deadline); got != "overdue" {
		t.Fatalf("due at the deadline: %s; want the overdue notice alone", got)
	}
	if got := due(f.task.Deadline.Add(-time.Minute)); got != "overdue" {
		t.Fatalf("the dropped reminder came back: %s", got)
	}
	// Submitted for review: the reviewer's reminder goes past the deadline.
	update(t, f.db, func(tx nhacviec.Tx) error {
		f.task.SubmittedAt = f.now
		return tx.SaveTask(f.task)
	})
	enqueue(nhacviec.KindReminder, "review")
	if got := due(f.task.Deadline.Add(time.Hour)); got != "overdue,review" {
		t.Fatalf("due while waiting for review: %s", got)
	}
}
