package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Planning times live in task_plans while a task is open: closing it
// removes its time; a closed task gets none; ReplanOpen gives every open
// task one; and the tasks read back carry theirs.
func TestPlanTimesLiveWithOpenTasks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	var a, b, c *nhacviec.Task
	update(t, db, func(tx nhacviec.Tx) error {
		ch := &nhacviec.Chat{Transport: "t", ExternalID: "-1", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(ch); err != nil {
			return err
		}
		p := &nhacviec.Person{Transport: "t", ExternalID: "1"}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		mk := func(status nhacviec.Status, plan time.Time) *nhacviec.Task {
			k := &nhacviec.Task{Title: "x", AssignerID: p.ID, AssigneeID: p.ID, ChatID: ch.ID, Deadline: now, Status: status, NextPlanAt: plan}
			if err := tx.CreateTask(k); err != nil {
				t.Fatal(err)
			}
			return k
		}
		a, b, c = mk(nhacviec.StatusOpen, now.Add(time.Hour)), mk(nhacviec.StatusOpen, time.Time{}), mk(nhacviec.StatusDone, now)
		got, err := tx.Task(a.ID)
		if err != nil || !got.NextPlanAt.Equal(now.Add(time.Hour)) {
			t.Errorf("task a reads back with next plan %v (%v)", got.NextPlanAt, err)
		}
		// b, open without a time, is looked at when created.
		if due, _ := tx.TasksToPlan(now, 10); len(due) != 1 || due[0].ID != b.ID {
			t.Errorf("due at now: %v, want task b alone", ids(due))
		}
		a.Status, a.ClosedAt, a.NextPlanAt = nhacviec.StatusDone, now, time.Time{}
		if err := tx.SaveTask(a); err != nil {
			return err
		}
		if err := tx.SetNextPlans([]int64{c.ID}, []time.Time{now}); err != nil {
			return err
		}
		return nil
	})
	if got := plans(t, path); got != "2" {
		t.Errorf("planned tasks after a was closed and c, closed, was given a time: %s; want b (2) only", got)
	}
	update(t, db, func(tx nhacviec.Tx) error {
		if err := tx.SetNextPlans([]int64{99}, []time.Time{now}); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("SetNextPlans of an unknown task: %v", err)
		}
		if err := tx.ReplanOpen(now.Add(time.Minute)); err != nil {
			return err
		}
		due, err := tx.TasksToPlan(now.Add(time.Minute), 10)
		if len(due) != 1 || due[0].ID != b.ID || !due[0].NextPlanAt.Equal(now.Add(time.Minute)) {
			t.Errorf("due after ReplanOpen: %v (%v)", ids(due), err)
		}
		return nil
	})
}

func plans(t *testing.T, path string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var s sql.NullString
	if err := raw.QueryRow(`SELECT group_concat(task_id) FROM task_plans`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s.String
}
