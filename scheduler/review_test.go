package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// A task waiting for review chases its reviewer, not its lead: no
// reminder, overdue notice or nudge for the deadline while it waits; the
// reviewer is reminded 1 working day after the submission, then every
// working morning, once each, the weekend skipped. Returned, the task is
// chased for its deadline again.
func TestSubmittedTaskRemindsTheReviewer(t *testing.T) {
	f := newFixture(t)
	task := f.addTask(at(23, 9, 0), at(24, 17, 0)) // Monday, due Tuesday 17:00
	submitted := at(23, 10, 0)
	save := func(now time.Time, change func()) {
		t.Helper()
		err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
			got, err := tx.Task(task.ID)
			if err != nil {
				return err
			}
			task = got
			change()
			task.NextPlanAt = now
			return tx.SaveTask(task)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	save(submitted, func() { task.SubmittedAt = submitted })
	slot := func(day string) string { return fmt.Sprintf("reminder review:%d:%s", submitted.UnixMilli(), day) }
	for _, c := range []struct {
		now  time.Time
		want []string
	}{
		{at(23, 10, 1), nil},
		{at(24, 8, 0), nil}, // the lead's deadline-day reminder: not while waiting
		{at(24, 9, 59), nil},
		{at(24, 10, 0), []string{slot("2026-11-24")}}, // 1 working day after
		{at(24, 10, 5), nil},
		{at(24, 17, 0), nil}, // the deadline passes: no overdue notice
		{at(25, 8, 0), []string{slot("2026-11-25")}},
		{at(25, 9, 0), nil},
		{at(28, 8, 0), nil}, // Saturday
		{at(30, 8, 0), []string{slot("2026-11-30")}},
	} {
		f.run(c.now)
		if got := f.sendAll(c.now); !equal(got, c.want) {
			t.Fatalf("at %s sent %q, want %q", c.now.Format("Mon 02 15:04"), got, c.want)
		}
	}
	// Down from Monday 08:00 to Thursday 10:00: only the latest.
	f.run(at(3+30, 10, 0)) // 3 December is 33 November
	if got := f.sendAll(at(33, 10, 0)); !equal(got, []string{slot("2026-12-03")}) {
		t.Fatalf("after a gap sent %q", got)
	}
	// Returned on Thursday 11:00: the lead is chased for the deadline
	// (never said while it waited), and the reviewer no more.
	save(at(33, 11, 0), func() { task.SubmittedAt, task.Returns = time.Time{}, 1 })
	f.run(at(33, 11, 0))
	if got := f.sendAll(at(33, 11, 0)); !equal(got, []string{"overdue 202611241700", "nudge 2026-12-03"}) {
		t.Fatalf("after the return sent %q", got)
	}
	f.run(at(34, 8, 0))
	if got := f.sendAll(at(34, 8, 0)); !equal(got, []string{"nudge 2026-12-04"}) {
		t.Fatalf("the morning after the return sent %q", got)
	}
}

// Submitted out of working hours (Friday evening), the first reminder
// comes 1 working day after the next working hours begin.
func TestReviewReminderCountsFromWorkingHours(t *testing.T) {
	f := newFixture(t)
	task := f.addTask(at(23, 9, 0), at(30, 17, 0))
	submitted := at(27, 19, 0) // Friday 19:00
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		task.SubmittedAt, task.NextPlanAt = submitted, submitted
		return tx.SaveTask(task)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{at(27, 19, 1), at(30, 8, 0), at(30, 17, 0)} {
		if f.run(now); len(f.sendAll(now)) != 0 {
			t.Fatalf("reminded the reviewer at %s, before 1 working day", now)
		}
	}
	f.run(at(31, 7, 30)) // Tuesday 1 December, the start of working hours
	if got := f.sendAll(at(31, 7, 30)); !equal(got, []string{fmt.Sprintf("reminder review:%d:2026-12-01", submitted.UnixMilli())}) {
		t.Fatalf("Tuesday 07:30 sent %q", got)
	}
}
