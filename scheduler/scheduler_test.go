package scheduler_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/scheduler"
	"github.com/nhacviec/nhacviec/store"
)

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func at(day, hour, minute int) time.Time {
	// November 2026: Monday 23, Tuesday 24, … Saturday 28, Sunday 29.
	return time.Date(2026, 11, day, hour, minute, 0, 0, hcm)
}

// recorder composes one message per notice into the task's chat (or the
// digest's group) and remembers what it was asked.
type recorder struct{ notices, units []nhacviec.Notice }

func (r *recorder) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	if n.Unit != nil {
		// A unit's digest said privately (unitdigest_test.go).
		r.units = append(r.units, n)
		return nil, nil
	}
	r.notices = append(r.notices, n)
	chat := int64(0)
	if n.Task != nil {
		chat = n.Task.ChatID
	} else {
		chat = n.Chat.ID
	}
	return []*nhacviec.Message{{ChatID: chat, Kind: n.Kind, Text: string(n.Kind) + " " + n.Slot, TaskID: taskID(n)}}, nil
}

func taskID(n nhacviec.Notice) int64 {
	if n.Task == nil {
		return 0
	}
	return n.Task.ID
}

type fixture struct {
	t     *testing.T
	path  string
	db    *store.DB
	rec   *recorder
	s     *scheduler.Scheduler
	group *nhacviec.Chat
	dm    *nhacviec.Chat // the lead's private chat: no digest there
	lead  *nhacviec.Person
	an    *nhacviec.Person
	// firstTask is the first of the tasks overdueTasks added.
	firstTask int64
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "s.db")}
	f.open()
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		f.group = &nhacviec.Chat{Transport: "test", ExternalID: "-1", Kind: nhacviec.ChatGroup, Title: "Phòng"}
		if err := tx.EnsureChat(f.group); err != nil {
			return err
		}
		f.dm = &nhacviec.Chat{Transport: "test", ExternalID: "1", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(f.dm); err != nil {
			return err
		}
		f.lead = &nhacviec.Person{Transport: "test", ExternalID: "1", Username: "lead"}
		f.an = &nhacviec.Person{Transport: "test", ExternalID: "2", Username: "an"}
		if err := tx.EnsurePerson(f.lead); err != nil {
			return err
		}
		return tx.EnsurePerson(f.an)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// open (re)opens the store and a fresh scheduler on it, as a restart does.
func (f *fixture) open() {
	if f.db != nil {
		f.db.Close()
	}
	db, err := store.Open(context.Background(), f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { db.Close() })
	f.db, f.rec = db, &recorder{}
	f.s = &scheduler.Scheduler{Store: db, Composer: f.rec, Calendar: calendar.New(calendar.Config{Location: hcm}), Log: zerolog.Nop()}
}

// addTask assigns a task in the lead's private chat.
func (f *fixture) addTask(created, deadline time.Time) *nhacviec.Task {
	return f.addTaskIn(f.dm, created, deadline)
}

func (f *fixture) addTaskIn(chat *nhacviec.Chat, created, deadline time.Time) *nhacviec.Task {
	task := &nhacviec.Task{Title: "Báo cáo", AssignerID: f.lead.ID, AssigneeID: f.an.ID, ChatID: chat.ID,
		Deadline: deadline, Status: nhacviec.StatusOpen, CreatedAt: created, NextPlanAt: created}
	if err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error { return tx.CreateTask(task) }); err != nil {
		f.t.Fatal(err)
	}
	return task
}

func (f *fixture) run(now time.Time) int {
	f.t.Helper()
	n, err := f.s.RunOnce(context.Background(), now)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// due lists the texts of the outbox messages that may be sent at now.
func (f *fixture) due(now time.Time) []string {
	f.t.Helper()
	out, err := f.db.Due(context.Background(), now, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	var texts []string
	for _, m := range out {
		texts = append(texts, m.Text)
	}
	return texts
}

func (f *fixture) sendAll(now time.Time) []string {
	f.t.Helper()
	out, err := f.db.Due(context.Background(), now, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	var texts []string
	for _, m := range out {
		texts = append(texts, m.Text)
		if err := f.db.MarkSent(context.Background(), m.ID, fmt.Sprint(m.ID), now); err != nil {
			f.t.Fatal(err)
		}
	}
	return texts
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestReminderPlannedOnceAcrossTicksAndRestart(t *testing.T) {
	f := newFixture(t)
	f.addTask(at(23, 9, 0), at(25, 17, 0)) // Monday, due Wednesday 17:00
	if n := f.run(at(23, 9, 1)); n != 0 {
		t.Fatalf("planned %d messages on Monday, want none", n)
	}
	if n := f.run(at(24, 2, 59)); n != 0 {
		t.Fatalf("planned %d messages before the morning's notices are planned", n)
	}
	// From 03:00 the morning's reminder is planned ahead, to go at 08:00.
	if n := f.run(at(24, 3, 0)); n != 1 {
		t.Fatalf("planned %d messages at Tuesday 03:00, want the day-before reminder", n)
	}
	if got := f.due(at(24, 7, 59)); len(got) != 0 {
		t.Fatalf("due before 08:00: %q", got)
	}
	if n := f.run(at(24, 7, 59)) + f.run(at(24, 8, 0)); n != 0 {
		t.Fatalf("the morning's ticks planned %d more", n)
	}
	if n := f.run(at(24, 8, 0)) + f.run(at(24, 8, 1)); n != 0 {
		t.Fatalf("a second tick planned %d more", n)
	}
	f.open() // restart
	if n := f.run(at(24, 8, 5)); n != 0 {
		t.Fatalf("after a restart a tick planned %d more", n)
	}
	if got := f.sendAll(at(24, 8, 5)); !equal(got, []string{"reminder before:2026-11-24"}) {
		t.Fatalf("sent %q", got)
	}
	// Wednesday morning: the deadline-day reminder, once.
	if n := f.run(at(25, 8, 0)) + f.run(at(25, 8, 30)); n != 1 {
		t.Fatalf("planned %d on the deadline's morning, want 1", n)
	}
}

func TestReminderCaughtUpAfterTwelveHourGap(t *testing.T) {
	f := newFixture(t)
	f.addTask(at(23, 9, 0), at(25, 17, 0))
	f.run(at(23, 20, 0))
	// Down from Monday 20:00 to Tuesday 10:00: the 08:00 reminder is late
	// but the deadline is ahead, so it goes out now, once.
	if n := f.run(at(24, 10, 0)); n != 1 {
		t.Fatalf("catch-up planned %d, want 1", n)
	}
	if got := f.due(at(24, 10, 0)); !equal(got, []string{"reminder before:2026-11-24"}) {
		t.Fatalf("due %q", got)
	}
}

func TestLongGapSendsOnlyLatestReminderThenOverdue(t *testing.T) {
	f := newFixture(t)
	f.addTask(at(23, 9, 0), at(25, 17, 0))
	// Down until Wednesday 09:00: the day-before reminder is replaced by
	// the deadline-day one.
	f.run(at(25, 9, 0))
	if got := f.sendAll(at(25, 9, 0)); !equal(got, []string{"reminder due:2026-11-25"}) {
		t.Fatalf("sent %q, want only the deadline-day reminder", got)
	}
	// Down until Friday 09:00: the overdue notice once, and Friday's nudge;
	// Thursday's missed nudge is not sent late.
	f.run(at(27, 9, 0))
	if got := f.sendAll(at(27, 9, 0)); !equal(got, []string{"overdue 202611251700", "nudge 2026-11-27"}) {
		t.Fatalf("sent %q", got)
	}
	// Nothing on the weekend; Monday's nudge at 08:00.
	if n := f.run(at(28, 8, 0)) + f.run(at(29, 8, 0)) + f.run(at(30, 2, 59)); n != 0 {
		t.Fatalf("planned %d over the weekend", n)
	}
	if n := f.run(at(30, 3, 0)) + f.run(at(30, 8, 0)); n != 1 {
		t.Fatalf("Monday planned %d, want the nudge", n)
	}
	if got := f.sendAll(at(30, 8, 0)); !equal(got, []string{"nudge 2026-11-30"}) {
		t.Fatalf("Monday 08:00 sent %q", got)
	}
}

func TestReminderDroppedAfterDone(t *testing.T) {
	f := newFixture(t)
	task := f.addTask(at(23, 9, 0), at(25, 17, 0))
	f.run(at(24, 8, 0))
	// Done before the sender got to it: the reminder must not go out.
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		task.Status, task.ClosedAt = nhacviec.StatusDone, at(24, 8, 0)
		return tx.SaveTask(task)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.due(at(24, 8, 1)); len(got) != 0 {
		t.Fatalf("due after done: %q", got)
	}
	if n := f.run(at(25, 8, 0)) + f.run(at(26, 8, 0)); n != 0 {
		t.Fatalf("planned %d for a finished task", n)
	}
}

func TestDigestOnlyOnWorkingDaysFromSevenThirty(t *testing.T) {
	f := newFixture(t)
	f.addTaskIn(f.group, at(23, 9, 0), at(30, 17, 0))
	digests := func(now time.Time) int {
		f.run(now)
		n := 0
		for _, m := range f.sendAll(now) {
			if len(m) >= 6 && m[:6] == "digest" {
				n++
			}
		}
		return n
	}
	if n := digests(at(28, 7, 30)) + digests(at(29, 9, 0)); n != 0 {
		t.Fatalf("%d digests on the weekend", n)
	}
	if n := digests(at(30, 7, 29)); n != 0 {
		t.Fatalf("%d digests before 07:30", n)
	}
	if n := digests(at(30, 7, 30)) + digests(at(30, 7, 31)) + digests(at(30, 11, 0)); n != 1 {
		t.Fatalf("Monday 30: %d digests, want exactly 1", n)
	}
	// Down all of Tuesday morning until noon: no stale digest.
	if n := digests(time.Date(2026, 12, 1, 12, 0, 0, 0, hcm)); n != 0 {
		t.Fatalf("%d digests at noon", n)
	}
}

func TestNightHoldUntilMorning(t *testing.T) {
	f := newFixture(t)
	f.addTask(at(23, 9, 0), at(23, 22, 0)) // due Monday 22:00
	if n := f.run(at(23, 22, 0)); n != 1 {
		t.Fatalf("planned %d at the deadline, want the overdue notice", n)
	}
	if got := f.due(at(23, 22, 1)); len(got) != 0 {
		t.Fatalf("sent at night: %q", got)
	}
	if got := f.due(at(24, 7, 29)); len(got) != 0 {
		t.Fatalf("sent before working hours: %q", got)
	}
	if got := f.due(at(24, 7, 30)); !equal(got, []string{"overdue 202611232200"}) {
		t.Fatalf("morning: %q", got)
	}
}

func TestNothingPersonalOnDaysOff(t *testing.T) {
	f := newFixture(t)
	f.addTask(at(23, 9, 0), at(27, 18, 0)) // Friday 18:00, after work
	f.run(at(27, 18, 0))
	if got := f.due(at(28, 10, 0)); len(got) != 0 {
		t.Fatalf("due on Saturday: %q", got)
	}
	if got := f.due(at(30, 7, 30)); !equal(got, []string{"overdue 202611271800"}) {
		t.Fatalf("Monday morning: %q", got)
	}
}

func TestRecurringTaskCreatesNextOccurrenceOnce(t *testing.T) {
	f := newFixture(t)
	task := &nhacviec.Task{Title: "Báo cáo tháng", AssignerID: f.lead.ID, AssigneeID: f.an.ID, ChatID: f.dm.ID,
		Deadline: at(20, 17, 0), Status: nhacviec.StatusOpen, CreatedAt: at(2, 9, 0), Recur: "trước ngày 20 hàng tháng"}
	if err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error { return tx.CreateTask(task) }); err != nil {
		t.Fatal(err)
	}
	f.run(at(20, 16, 59))
	if n := f.countTasks(); n != 1 {
		t.Fatalf("%d tasks before the deadline, want 1", n)
	}
	f.run(at(20, 17, 0))
	f.run(at(20, 17, 1))
	f.open()
	f.run(at(23, 8, 0))
	var tasks []*nhacviec.Task
	f.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		tasks, err = tx.FindTasks(nhacviec.TaskFilter{})
		return err
	})
	if len(tasks) != 2 {
		t.Fatalf("%d tasks after the deadline, want the next occurrence once", len(tasks))
	}
	next := tasks[1]
	// Before the 20th: 19–20/12/2026 is a weekend, so Friday 18/12.
	if want := time.Date(2026, 12, 18, 17, 0, 0, 0, hcm); !next.Deadline.Equal(want) || next.SeriesID != task.ID || next.Recur != task.Recur {
		t.Fatalf("next occurrence = %+v", next)
	}
	// Its history says where it came from, as when the bot makes it.
	var events []*nhacviec.TaskEvent
	f.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		events, err = tx.Events(next.ID)
		return err
	})
	if len(events) != 1 || events[0].Kind != nhacviec.EventCreated || events[0].ActorID != 0 {
		t.Errorf("history of the next occurrence: %+v, want its creation by the bot", events)
	}
}

func (f *fixture) countTasks() int {
	n := 0
	f.db.View(context.Background(), func(tx nhacviec.Tx) error {
		all, err := tx.FindTasks(nhacviec.TaskFilter{})
		n = len(all)
		return err
	})
	return n
}

// move puts a new deadline in force on task at now, as an approved
// extension does.
func (f *fixture) move(task *nhacviec.Task, to, now time.Time) {
	f.t.Helper()
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		return nhacviec.MoveDeadline(tx, task, to, now)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// A deadline that moves (an approved extension) is planned afresh: the
// old deadline's unsent reminder is dropped, its overdue notice never
// comes, and the new deadline gets its reminders and its overdue notice.
func TestMovedDeadlineIsPlannedAfresh(t *testing.T) {
	f := newFixture(t)
	task := f.addTask(at(23, 9, 0), at(25, 17, 0)) // due Wednesday 17:00
	f.run(at(24, 8, 0))
	f.sendAll(at(24, 8, 0)) // the day-before reminder went out
	f.run(at(25, 8, 0))     // the deadline-day reminder is planned, not sent yet
	f.move(task, at(27, 17, 0), at(25, 8, 30))
	if got := f.due(at(25, 8, 30)); len(got) != 0 {
		t.Fatalf("due after the deadline moved: %q, want the old deadline's reminder dropped", got)
	}
	var sent []string
	for _, now := range []time.Time{at(25, 8, 30), at(25, 17, 0), at(26, 8, 0), at(27, 8, 0), at(27, 17, 0), at(30, 8, 0)} {
		f.run(now)
		sent = append(sent, f.sendAll(now)...)
	}
	want := []string{"reminder before:2026-11-26", "reminder due:2026-11-27", "overdue 202611271700", "nudge 2026-11-30"}
	if !equal(sent, want) {
		t.Fatalf("after the move, sent %q, want %q", sent, want)
	}
}

// A deadline moved later on the same day: the deadline-day reminder that
// was dropped unsent is planned again (its key was freed), once.
func TestMovedDeadlineSameDayRemindsOnce(t *testing.T) {
	f := newFixture(t)
	task := f.addTask(at(23, 9, 0), at(25, 10, 0)) // due Wednesday 10:00
	f.run(at(25, 8, 0))
	f.move(task, at(25, 16, 0), at(25, 8, 5))
	f.run(at(25, 8, 5))
	f.run(at(25, 8, 6))
	if got := f.sendAll(at(25, 8, 6)); !equal(got, []string{"reminder due:2026-11-25"}) {
		t.Fatalf("sent %q, want the deadline-day reminder once, planned for the new deadline", got)
	}
	if len(f.rec.notices) != 2 || !f.rec.notices[1].Task.Deadline.Equal(at(25, 16, 0)) {
		t.Fatalf("notices composed: %+v, want the second for the new deadline", f.rec.notices)
	}
	f.run(at(25, 10, 0))
	if got := f.sendAll(at(25, 10, 0)); len(got) != 0 {
		t.Fatalf("at the old deadline: %q", got)
	}
	f.run(at(25, 16, 0))
	if got := f.sendAll(at(25, 16, 0)); !equal(got, []string{"overdue 202611251600"}) {
		t.Fatalf("at the new deadline: %q", got)
	}
}

// An overdue task given a later deadline stops being chased: today's
// unsent nudge is dropped, and the chase starts again only if the new
// deadline passes too.
func TestOverdueTaskMovedStopsTheChase(t *testing.T) {
	f := newFixture(t)
	task := f.addTask(at(23, 9, 0), at(23, 17, 0))
	f.run(at(23, 17, 0))
	if got := f.sendAll(at(23, 17, 0)); !equal(got, []string{"overdue 202611231700"}) {
		t.Fatalf("sent %q", got)
	}
	f.run(at(24, 8, 0)) // Tuesday's nudge, planned
	f.move(task, at(26, 17, 0), at(24, 8, 1))
	if got := f.due(at(24, 8, 1)); len(got) != 0 {
		t.Fatalf("due after the move: %q, want the nudge dropped", got)
	}
	var sent []string
	for _, now := range []time.Time{at(24, 8, 1), at(25, 8, 0), at(26, 8, 0), at(26, 17, 0)} {
		f.run(now)
		sent = append(sent, f.sendAll(now)...)
	}
	want := []string{"reminder before:2026-11-25", "reminder due:2026-11-26", "overdue 202611261700"}
	if !equal(sent, want) {
		t.Fatalf("after the move, sent %q, want %q", sent, want)
	}
}

// The morning's notices are planned from 03:00 and go out at 08:00; what
// happens in between is kept: a task finished says nothing, a task whose
// deadline moved is planned from the new one.
func TestMorningPlannedAhead(t *testing.T) {
	f := newFixture(t)
	done := f.addTask(at(23, 9, 0), at(25, 17, 0))  // the day-before reminder on Tuesday
	moved := f.addTask(at(23, 9, 0), at(23, 17, 0)) // overdue since Monday: Tuesday's nudge
	f.addTask(at(23, 10, 0), at(26, 17, 0))         // nothing on Tuesday
	if n := f.run(at(23, 17, 0)); n != 1 {          // Monday's overdue notice
		t.Fatalf("Monday 17:00 planned %d, want the overdue notice", n)
	}
	f.sendAll(at(23, 17, 0))
	if n := f.run(at(24, 3, 0)); n != 2 {
		t.Fatalf("Tuesday 03:00 planned %d, want the reminder and the nudge", n)
	}
	if got := f.due(at(24, 7, 59)); len(got) != 0 {
		t.Fatalf("due before 08:00: %q", got)
	}
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		done.Status, done.ClosedAt = nhacviec.StatusDone, at(24, 6, 0)
		if err := tx.SaveTask(done); err != nil {
			return err
		}
		return nhacviec.MoveDeadline(tx, moved, at(24, 17, 0), at(24, 7, 0))
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.run(at(24, 7, 0)); n != 1 {
		t.Fatalf("07:00 after the extension planned %d, want the new deadline's reminder", n)
	}
	if got := f.sendAll(at(24, 8, 0)); !equal(got, []string{"reminder due:2026-11-24"}) {
		t.Fatalf("Tuesday 08:00 sent %q, want only the moved task's reminder", got)
	}
	// With AheadFrom at RemindAt nothing is planned ahead.
	g := newFixture(t)
	g.s.AheadFrom = calendar.Clock{Hour: 8} // the default RemindAt
	g.addTask(at(23, 9, 0), at(25, 17, 0))
	if n := g.run(at(24, 7, 59)); n != 0 {
		t.Fatalf("planned %d ahead with AheadFrom = RemindAt", n)
	}
	if n := g.run(at(24, 8, 0)); n != 1 {
		t.Fatalf("planned %d at 08:00", n)
	}
}

// failingTasks fails every task's notice and passes the rest to the recorder.
type failingTasks struct{ *recorder }

func (f failingTasks) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	if n.Task != nil {
		return nil, fmt.Errorf("compose of task %d failed", n.Task.ID)
	}
	return f.recorder.Compose(tx, n)
}

// A task whose notices cannot be composed fails the pass, but the
// group's morning digest, which has only its morning, is planned all
// the same.
func TestDigestPlannedWhenATaskFails(t *testing.T) {
	f := newFixture(t)
	f.addTaskIn(f.group, at(23, 9, 0), at(24, 17, 0))
	f.s.Composer = failingTasks{f.rec}
	if _, err := f.s.RunOnce(context.Background(), at(24, 8, 0)); err == nil {
		t.Fatal("the task's failure was not reported")
	}
	if got := f.due(at(24, 8, 0)); !equal(got, []string{"digest 2026-11-24"}) {
		t.Fatalf("due after the failed pass: %q, want the digest", got)
	}
}
