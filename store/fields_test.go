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

// A database made before tasks had their directive fields (schema 8)
// opens, migrates, and keeps every task, its history and its messages;
// the old tasks have no fields and are found by words of their titles,
// typed with or without diacritics.
func TestTaskFieldsMigrationKeepsOldTasks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	bodies, err := store.MigrationsUpTo(8)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000 // Unix ms
	stmts := append(bodies,
		`PRAGMA user_version = 8`,
		fmt.Sprintf(`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-42', 'group', 'Phòng', %d)`, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at)
			VALUES (1, 'Kế hoạch CCHC năm 2027', 1, 1, 1, %d, 'open', %d)`, at+100000000, at),
		fmt.Sprintf(`INSERT INTO task_plans (task_id, at) VALUES (1, %d)`, at),
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at)
			VALUES (2, 'Báo cáo Đề án 06', 1, 1, 1, %d, 'done', %d, %d)`, at+200000000, at, at+1),
		fmt.Sprintf(`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (1, 1, 'created', 'giao', %d)`, at),
		fmt.Sprintf(`INSERT INTO outbox (chat_id, kind, task_id, text, not_before, created_at) VALUES (1, 'reply', 1, 'x', %d, %d)`, at, at),
	)
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()

	db := mustOpen(t, path)
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		all, err := tx.FindTasks(nhacviec.TaskFilter{})
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].Title != "Kế hoạch CCHC năm 2027" || all[1].Status != nhacviec.StatusDone {
			t.Fatalf("tasks after the migration: %+v", all)
		}
		one := all[0]
		if one.Result != "" || one.Source != "" || one.SourceNumber != "" || one.KeyTask || one.Urgent ||
			one.Deadline.UnixMilli() != at+100000000 || one.NextPlanAt.UnixMilli() != at {
			t.Fatalf("task 1 changed: %+v", one)
		}
		events, err := tx.Events(1)
		if err != nil || len(events) != 1 || events[0].Note != "giao" {
			t.Fatalf("history after the migration: %+v, %v", events, err)
		}
		for q, want := range map[string][]int64{"ke hoach": {1}, "KẾ HOẠCH cchc": {1}, "de an": {2}, "Đề án 06": {2}, "2027 báo": nil} {
			found, err := tx.FindTasks(nhacviec.TaskFilter{Search: q})
			if err != nil {
				return err
			}
			if got := ids(found); !slices.Equal(got, want) {
				t.Errorf("search %q after the migration = %v, want %v", q, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	due, err := db.Due(ctx, time.UnixMilli(at+1), 10)
	if err != nil || len(due) != 1 || due[0].Text != "x" {
		t.Fatalf("outbox after the migration: %v, %v", due, err)
	}
}

func ids(tasks []*nhacviec.Task) []int64 {
	var out []int64
	for _, t := range tasks {
		out = append(out, t.ID)
	}
	return out
}

// The fields are stored, read back, carried to a recurring task's next
// occurrence, changed by SaveTask, and searched and filtered on, by
// FindTasks and FindTaskKeys alike.
func TestTaskFieldsStoredSearchedAndFiltered(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	deadline := time.Date(2026, 12, 21, 17, 0, 0, 0, time.UTC)
	var tasks []*nhacviec.Task
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "-1", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "an"}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		for i, task := range []*nhacviec.Task{
			{Title: "Xây dựng kế hoạch CCHC năm 2027", Result: "Kế hoạch trình Giám đốc ký",
				Source: "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", SourceNumber: "1365/VP-NL", KeyTask: true, Recur: "hàng tháng ngày 20"},
			{Title: "Báo cáo 50% tiến độ_quý", Urgent: true},
			{Title: "Rà soát thủ tục", Source: "Chỉ thị 06/CT-UBND", SourceNumber: "06/CT-UBND"},
		} {
			task.AssignerID, task.AssigneeID, task.ChatID, task.Status = p.ID, p.ID, c.ID, nhacviec.StatusOpen
			task.Deadline = deadline.AddDate(0, 0, i)
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			tasks = append(tasks, task)
		}
		next := tasks[0].Next(deadline.AddDate(0, 1, 0))
		if _, err := tx.CreateOccurrence(next); err != nil {
			return err
		}
		tasks = append(tasks, next)
		return nil
	})
	check := func(f nhacviec.TaskFilter, want ...int64) {
		t.Helper()
		err := db.View(ctx, func(tx nhacviec.Tx) error {
			full, err := tx.FindTasks(f)
			if err != nil {
				return err
			}
			keys, err := tx.FindTaskKeys(f)
			if err != nil {
				return err
			}
			var kids []int64
			for _, k := range keys {
				kids = append(kids, k.ID)
			}
			if got := ids(full); !slices.Equal(got, want) || !slices.Equal(kids, want) {
				t.Errorf("%+v: FindTasks %v, FindTaskKeys %v, want %v", f, got, kids, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	first, second, third, next := tasks[0].ID, tasks[1].ID, tasks[2].ID, tasks[3].ID
	check(nhacviec.TaskFilter{KeyTask: true}, first, next)
	check(nhacviec.TaskFilter{Search: "1365/vp-nl"}, first, next)
	check(nhacviec.TaskFilter{Search: "1365/VP-NL", Limit: 1}, first)
	check(nhacviec.TaskFilter{Search: "văn phòng ubnd"}, first, next)
	check(nhacviec.TaskFilter{Search: "06/CT-UBND"}, third)
	check(nhacviec.TaskFilter{Search: "  ke   hoach  "}, first, next)
	check(nhacviec.TaskFilter{Search: "giam doc"}) // the result is not searched
	check(nhacviec.TaskFilter{Search: "50%"}, second)
	check(nhacviec.TaskFilter{Search: "%"}, second)   // a literal %, not a wildcard
	check(nhacviec.TaskFilter{Search: "_"}, second)   // a literal _, not a wildcard
	check(nhacviec.TaskFilter{Search: "o_q"}, second) // "độ_quý" folded
	check(nhacviec.TaskFilter{Search: "ubnd", KeyTask: true, Status: nhacviec.StatusOpen, AssigneeID: 1}, first, next)
	check(nhacviec.TaskFilter{Search: "ubnd", InvolvedID: 1, ChatID: 1}, first, third, next)
	check(nhacviec.TaskFilter{Search: "ubnd", InvolvedID: 2})

	err := db.View(ctx, func(tx nhacviec.Tx) error {
		got, err := tx.Task(next)
		if err != nil {
			return err
		}
		want := tasks[0]
		if got.Result != want.Result || got.Source != want.Source || got.SourceNumber != "1365/VP-NL" || !got.KeyTask || got.Urgent {
			t.Errorf("next occurrence = %+v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// SaveTask writes the marks, the result and the source, and keeps the
	// search in step with the title and the source.
	update(t, db, func(tx nhacviec.Tx) error {
		task, err := tx.Task(second)
		if err != nil {
			return err
		}
		task.KeyTask, task.Urgent = true, false
		task.Title, task.Result, task.Source, task.SourceNumber = "Báo cáo năm", "Báo cáo", "Công văn 12/SNV-CCHC", "12/SNV-CCHC"
		return tx.SaveTask(task)
	})
	check(nhacviec.TaskFilter{KeyTask: true}, first, second, next)
	check(nhacviec.TaskFilter{Search: "50%"})
	check(nhacviec.TaskFilter{Search: "cong van 12/snv"}, second)
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		got, err := tx.Task(second)
		if err == nil && (got.Title != "Báo cáo năm" || got.Result != "Báo cáo" || got.SourceNumber != "12/SNV-CCHC" || !got.KeyTask || got.Urgent) {
			t.Errorf("after SaveTask: %+v", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
