package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// undoReview takes a database back to before 0012_review.sql, for the
// tests that rewind a new database to an older schema.
var undoReview = []string{
	`DROP TABLE unit_settings`, `DROP TABLE task_reviews`, `DROP INDEX tasks_done`, `DROP INDEX tasks_submitted`,
	`ALTER TABLE tasks DROP COLUMN needs_review`, `ALTER TABLE tasks DROP COLUMN submitted_at`,
	`ALTER TABLE tasks DROP COLUMN returns`, `ALTER TABLE tasks DROP COLUMN finished_at`, `ALTER TABLE tasks DROP COLUMN late_days`,
}

// A database made before review (schema 10, built from the embedded
// migrations) opens, migrates and keeps every task, its history and its
// messages. The tasks done then get their finish time (closed_at: "xong"
// closed them at once) and, when on time, their lateness 0; how late a
// late one was is unknown. Open and cancelled tasks get neither.
func TestReviewMigrationKeepsEveryRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	bodies, err := store.MigrationsUpTo(10)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000 // Unix ms
	const day = 24 * 3600 * 1000
	task := func(id int, status string, deadline int64, closed any) string {
		return fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at)
			VALUES (%d, 'Việc %d', 1, 2, 1, %d, '%s', %d, %v)`, id, id, deadline, status, at, closed)
	}
	stmts := append(bodies,
		`PRAGMA user_version = 10`,
		fmt.Sprintf(`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-42', 'group', 'Phòng', %d)`, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (2, 'telegram', '102', 'an', %d, %d)`, at, at),
		task(1, "open", at+3*day, "NULL"),
		task(2, "done", at+3*day, at+day),      // on time
		task(3, "done", at+3*day, at+3*day),    // at the deadline: on time
		task(4, "done", at+3*day, at+5*day),    // late
		task(5, "cancelled", at+3*day, at+day), // never finished
		fmt.Sprintf(`INSERT INTO task_plans (task_id, at) VALUES (1, %d)`, at),
		fmt.Sprintf(`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (1, 1, 'created', 'giao', %d)`, at),
		fmt.Sprintf(`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (4, 2, 'done', '', %d)`, at+5*day),
		fmt.Sprintf(`INSERT INTO outbox (chat_id, kind, task_id, text, not_before, created_at) VALUES (1, 'reply', 1, 'x', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO extensions (task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, asked_at) VALUES (1, 2, 1, %d, %d, 'chờ', %d)`, at, at+day, at),
	)
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"chats", "people", "tasks", "task_events", "task_plans", "outbox", "extensions"} {
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
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version < 12 {
		t.Fatalf("schema version after opening = %d, %v", version, err)
	}
	if after := counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("rows before the migration %v, after %v", before, after)
	}
	raw.Close()
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		all, err := tx.FindTasks(nhacviec.TaskFilter{IDs: []int64{1, 2, 3, 4, 5}})
		if err != nil {
			return err
		}
		byID := map[int64]*nhacviec.Task{}
		for _, task := range all {
			byID[task.ID] = task
		}
		want := map[int64]struct {
			finished int64 // 0: none
			late     int
		}{1: {0, 0}, 2: {at + day, 0}, 3: {at + 3*day, 0}, 4: {at + 5*day, nhacviec.NoLateDays}, 5: {0, 0}}
		for id, w := range want {
			task := byID[id]
			var finished int64
			if !task.FinishedAt.IsZero() {
				finished = task.FinishedAt.UnixMilli()
			}
			if finished != w.finished || task.LateDays != w.late || task.NeedsReview || task.Submitted() || task.Returns != 0 {
				t.Errorf("task %d after the migration: %+v, want finished %d, late %d", id, task.ReviewState, w.finished, w.late)
			}
		}
		if task := byID[1]; task.Status != nhacviec.StatusOpen || task.NextPlanAt.UnixMilli() != at || task.Title != "Việc 1" {
			t.Errorf("open task changed: %+v", task)
		}
		events, err := tx.Events(4)
		if err != nil || len(events) != 1 || events[0].Kind != nhacviec.EventDone {
			t.Errorf("history after the migration: %+v, %v", events, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The old open task can be submitted and decided.
	update(t, db, func(tx nhacviec.Tx) error {
		r := &nhacviec.Review{TaskID: 1, SubmitterID: 2, ReviewerID: 1, Note: "xong"}
		if err := tx.SubmitReview(r); err != nil {
			return err
		}
		r.Decision, r.DeciderID = nhacviec.ReviewApproved, 1
		return tx.DecideReview(r)
	})
}

// reviewFixture is an open task of lead's for an, in a group.
func reviewFixture(t *testing.T) (*store.DB, *time.Time, *nhacviec.Task, *nhacviec.Person, *nhacviec.Person) {
	t.Helper()
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	var task *nhacviec.Task
	var lead, an *nhacviec.Person
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "-1", Kind: nhacviec.ChatGroup}
		lead = &nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "lead"}
		an = &nhacviec.Person{Transport: "telegram", ExternalID: "2", Username: "an"}
		for _, err := range []error{tx.EnsureChat(c), tx.EnsurePerson(lead), tx.EnsurePerson(an)} {
			if err != nil {
				return err
			}
		}
		task = &nhacviec.Task{Title: "Báo cáo", AssignerID: lead.ID, AssigneeID: an.ID, ChatID: c.ID,
			Deadline: now.Add(48 * time.Hour), Status: nhacviec.StatusOpen, ReviewState: nhacviec.ReviewState{NeedsReview: true}}
		return tx.CreateTask(task)
	})
	return db, &now, task, lead, an
}

// A task waits on one submission at a time; each is decided once; all
// stay, in order, with who decided what when. The task's review columns
// are written and read back whole, NoLateDays as unknown.
func TestReviewsAreDecidedOnce(t *testing.T) {
	db, now, task, lead, an := reviewFixture(t)
	var first *nhacviec.Review
	update(t, db, func(tx nhacviec.Tx) error {
		got, err := tx.Task(task.ID)
		if err != nil || !got.NeedsReview || got.Submitted() || got.Returns != 0 || !got.FinishedAt.IsZero() {
			t.Fatalf("created: %+v, %v", got, err)
		}
		first = &nhacviec.Review{TaskID: task.ID, SubmitterID: an.ID, ReviewerID: lead.ID, Note: "đã gửi dự thảo"}
		if err := tx.SubmitReview(first); err != nil {
			return err
		}
		if first.ID == 0 || !first.SubmittedAt.Equal(*now) || first.Decision != "" {
			t.Errorf("submitted: %+v", first)
		}
		again := &nhacviec.Review{TaskID: task.ID, SubmitterID: an.ID, ReviewerID: lead.ID}
		if err := tx.SubmitReview(again); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("a second waiting submission: %v, want %s", err, nhacviec.EConflict)
		}
		p, err := tx.PendingReview(task.ID)
		if err != nil || p == nil || p.ID != first.ID || p.Note != "đã gửi dự thảo" || p.ReviewerID != lead.ID {
			t.Errorf("PendingReview = %+v, %v", p, err)
		}
		w, err := tx.WaitingFor(lead.ID, 10)
		if err != nil || len(w) != 1 || w[0].ID != first.ID {
			t.Errorf("WaitingFor(lead) = %+v, %v", w, err)
		}
		if w, err := tx.WaitingFor(an.ID, 10); err != nil || len(w) != 0 {
			t.Errorf("WaitingFor(an) = %+v, %v", w, err)
		}
		task.SubmittedAt = *now
		return tx.SaveTask(task)
	})
	*now = now.Add(time.Hour)
	update(t, db, func(tx nhacviec.Tx) error {
		ret := &nhacviec.Review{ID: first.ID, Decision: nhacviec.ReviewReturned, DeciderID: lead.ID, Reason: "thiếu số liệu"}
		if err := tx.DecideReview(ret); err != nil {
			return err
		}
		twice := &nhacviec.Review{ID: first.ID, Decision: nhacviec.ReviewApproved, DeciderID: lead.ID}
		if err := tx.DecideReview(twice); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("decided twice: %v, want %s", err, nhacviec.EConflict)
		}
		if err := tx.DecideReview(&nhacviec.Review{ID: 999, Decision: nhacviec.ReviewApproved}); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("an unknown submission: %v, want %s", err, nhacviec.ENotFound)
		}
		if err := tx.DecideReview(&nhacviec.Review{ID: first.ID, Decision: "maybe"}); err == nil {
			t.Error("a decision that is none was stored")
		}
		if p, err := tx.PendingReview(task.ID); err != nil || p != nil {
			t.Errorf("PendingReview after the return = %+v, %v", p, err)
		}
		task.SubmittedAt, task.Returns = time.Time{}, 1
		if err := tx.SaveTask(task); err != nil {
			return err
		}
		second := &nhacviec.Review{TaskID: task.ID, SubmitterID: an.ID, ReviewerID: lead.ID}
		if err := tx.SubmitReview(second); err != nil {
			return err
		}
		second.Decision, second.DeciderID, second.Reason = nhacviec.ReviewApproved, lead.ID, "tốt"
		if err := tx.DecideReview(second); err != nil {
			return err
		}
		task.Status, task.ClosedAt, task.FinishedAt, task.LateDays = nhacviec.StatusDone, *now, second.SubmittedAt, 2
		return tx.SaveTask(task)
	})
	err := db.View(ctx, func(tx nhacviec.Tx) error {
		rs, err := tx.Reviews(task.ID)
		if err != nil {
			return err
		}
		if len(rs) != 2 || rs[0].Decision != nhacviec.ReviewReturned || rs[0].Reason != "thiếu số liệu" ||
			rs[0].DeciderID != lead.ID || !rs[0].DecidedAt.Equal(*now) || !rs[0].SubmittedAt.Equal(now.Add(-time.Hour)) ||
			rs[1].Decision != nhacviec.ReviewApproved || rs[1].Reason != "tốt" {
			t.Errorf("reviews kept: %+v %+v", rs[0], rs[len(rs)-1])
		}
		got, err := tx.Task(task.ID)
		if err != nil {
			return err
		}
		if got.Returns != 1 || got.Submitted() || !got.FinishedAt.Equal(*now) || got.LateDays != 2 || got.Status != nhacviec.StatusDone {
			t.Errorf("task after approval: %+v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// NoLateDays is stored as unknown, and read back so.
	update(t, db, func(tx nhacviec.Tx) error {
		task.LateDays = nhacviec.NoLateDays
		if err := tx.SaveTask(task); err != nil {
			return err
		}
		got, err := tx.Task(task.ID)
		if err == nil && got.LateDays != nhacviec.NoLateDays {
			t.Errorf("unknown lateness read back as %d", got.LateDays)
		}
		return err
	})
}

// Lists that chase leave out the tasks waiting for review, by FindTasks
// and FindTaskKeys alike; the others keep them.
func TestExcludeSubmitted(t *testing.T) {
	db, now, task, lead, an := reviewFixture(t)
	var other *nhacviec.Task
	update(t, db, func(tx nhacviec.Tx) error {
		other = &nhacviec.Task{Title: "Khác", AssignerID: lead.ID, AssigneeID: an.ID, ChatID: task.ChatID,
			Deadline: now.Add(24 * time.Hour), Status: nhacviec.StatusOpen}
		if err := tx.CreateTask(other); err != nil {
			return err
		}
		task.SubmittedAt = *now
		return tx.SaveTask(task)
	})
	err := db.View(ctx, func(tx nhacviec.Tx) error {
		for _, f := range []nhacviec.TaskFilter{
			{Status: nhacviec.StatusOpen, AssigneeID: an.ID},
			{Status: nhacviec.StatusOpen, InvolvedID: lead.ID, DeadlineBefore: now.AddDate(0, 0, 7)},
			{Status: nhacviec.StatusOpen, ChatID: task.ChatID},
		} {
			all, err := tx.FindTasks(f)
			if err != nil {
				return err
			}
			f.ExcludeSubmitted = true
			chased, err := tx.FindTasks(f)
			if err != nil {
				return err
			}
			keys, err := tx.FindTaskKeys(f)
			if err != nil {
				return err
			}
			var keyIDs []int64
			for _, k := range keys {
				keyIDs = append(keyIDs, k.ID)
			}
			if !slices.Equal(ids(all), []int64{other.ID, task.ID}) || !slices.Equal(ids(chased), []int64{other.ID}) ||
				!slices.Equal(keyIDs, []int64{other.ID}) {
				t.Errorf("%+v: all %v, chased %v, keys %v", f, ids(all), ids(chased), keyIDs)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A unit's settings are set, replaced, read by name, and go with the unit.
func TestUnitSettings(t *testing.T) {
	db, _, _, lead, _ := reviewFixture(t)
	var a, b *nhacviec.Unit
	update(t, db, func(tx nhacviec.Tx) error {
		a, b = &nhacviec.Unit{Name: "A"}, &nhacviec.Unit{Name: "B"}
		for _, err := range []error{tx.CreateUnit(a), tx.CreateUnit(b),
			tx.SetUnitSetting(a.ID, nhacviec.SettingReview, nhacviec.SettingOn, lead.ID),
			tx.SetUnitSetting(b.ID, nhacviec.SettingReview, nhacviec.SettingOn, lead.ID),
			tx.SetUnitSetting(b.ID, nhacviec.SettingReview, nhacviec.SettingOff, lead.ID),
			tx.SetUnitSetting(b.ID, "other", "x", 0)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	read := func() map[int64]string {
		var got map[int64]string
		err := db.View(ctx, func(tx nhacviec.Tx) error {
			var err error
			got, err = tx.UnitSettings(nhacviec.SettingReview)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(); len(got) != 2 || got[a.ID] != nhacviec.SettingOn || got[b.ID] != nhacviec.SettingOff {
		t.Fatalf("settings = %v", got)
	}
	update(t, db, func(tx nhacviec.Tx) error { return tx.DeleteUnit(a.ID) })
	if got := read(); len(got) != 1 || got[b.ID] != nhacviec.SettingOff {
		t.Fatalf("settings after the unit was deleted = %v", got)
	}
}
