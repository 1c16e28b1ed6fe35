package scheduler_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	_ "modernc.org/sqlite"
)

// failingStore fails to set the next planning time of the chunk that
// holds task failTask: after that chunk's messages were written.
type failingStore struct {
	nhacviec.Store
	failTask int64
}

type failingTx struct {
	nhacviec.Tx
	failTask int64
}

func (p failingStore) Update(ctx context.Context, fn func(nhacviec.Tx) error) error {
	return p.Store.Update(ctx, func(tx nhacviec.Tx) error { return fn(failingTx{tx, p.failTask}) })
}

func (p failingTx) SetNextPlans(ids []int64, at []time.Time) error {
	if slices.Contains(ids, p.failTask) {
		return errors.New("set next plans failed")
	}
	return p.Tx.SetNextPlans(ids, at)
}

// failing composes as the recorder does until its fail-th call, which
// fails (or, with cancel set, cancels the pass's context).
type failing struct {
	recorder
	calls, fail int
	cancel      context.CancelFunc
}

func (f *failing) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	f.calls++
	if f.calls == f.fail {
		if f.cancel != nil {
			f.cancel()
		} else {
			return nil, errors.New("compose failed")
		}
	}
	return f.recorder.Compose(tx, n)
}

// overdueTasks adds n tasks that were due on Friday: at Monday 08:00 each
// has two notices, its overdue notice and Monday's nudge.
func (f *fixture) overdueTasks(n int) {
	f.t.Helper()
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		for i := range n {
			task := &nhacviec.Task{Title: "Báo cáo", AssignerID: f.lead.ID, AssigneeID: f.an.ID, ChatID: f.dm.ID,
				Deadline: at(20, 17, 0), Status: nhacviec.StatusOpen, CreatedAt: at(19, 9, 0), NextPlanAt: at(19, 9, 0)}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			if i == 0 {
				f.firstTask = task.ID
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// outboxState reads the database file as it is: the outbox's keys with
// how often each is there, and how many tasks are still due at now.
func (f *fixture) outboxState() (keys map[string]int, due int) {
	f.t.Helper()
	raw, err := sql.Open("sqlite", "file:"+f.path+"?mode=ro")
	if err != nil {
		f.t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT key FROM outbox WHERE key IS NOT NULL`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	keys = map[string]int{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			f.t.Fatal(err)
		}
		keys[k]++
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM task_plans p JOIN tasks t ON t.id = p.task_id WHERE t.status = 'open' AND p.at <= ?`, at(23, 8, 0).UnixMilli()).Scan(&due); err != nil {
		f.t.Fatal(err)
	}
	return keys, due
}

// checkAllPlanned checks that each of n overdue tasks has its two
// notices' messages in the outbox, once each, and none is still due.
func (f *fixture) checkAllPlanned(n int) {
	f.t.Helper()
	keys, due := f.outboxState()
	if due != 0 {
		f.t.Errorf("%d tasks still due", due)
	}
	if len(keys) != 2*n {
		f.t.Errorf("%d keys in the outbox, want %d", len(keys), 2*n)
	}
	for k, c := range keys {
		if c != 1 {
			f.t.Errorf("key %s is there %d times", k, c)
		}
	}
}

// A pass over more tasks than a chunk plans each message once, in
// chunks of the default size and of a small size; the next pass finds
// nothing.
func TestChunkedPassPlansEachMessageOnce(t *testing.T) {
	for _, c := range []struct {
		name  string
		chunk int
		tasks int
	}{
		{"default chunk", 0, 600},
		{"chunks of 7", 7, 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.overdueTasks(c.tasks)
			f.s.Chunk = c.chunk
			if n := f.run(at(23, 8, 0)); n != 2*c.tasks {
				t.Fatalf("the pass planned %d messages, want %d", n, 2*c.tasks)
			}
			f.checkAllPlanned(c.tasks)
			if n := f.run(at(23, 8, 0)); n != 0 {
				t.Errorf("a second pass at the same time planned %d", n)
			}
			if n := f.run(at(23, 9, 0)); n != 0 {
				t.Errorf("the 09:00 pass planned %d", n)
			}
		})
	}
}

// A pass that fails, or whose context ends, in its third chunk keeps
// the two chunks it committed and nothing of the third; after a restart
// the next pass plans the rest, and every message is there once.
func TestPassCutBetweenChunksIsCompletedByTheNext(t *testing.T) {
	const chunk, tasks = 10, 45
	for _, c := range []struct {
		name               string
		cancel, afterWrite bool
	}{{"compose fails", false, false}, {"context ends", true, false}, {"fails after writing messages", false, true}} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.overdueTasks(tasks)
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			// Two notices per task: call 45 is in the third chunk.
			comp := &failing{fail: 2*2*chunk + 5}
			if c.cancel {
				comp.cancel = stop
			}
			f.s.Composer, f.s.Chunk = comp, chunk
			if c.afterWrite {
				// The third chunk's first task (ids are given in order).
				f.s.Composer, f.s.Store = &recorder{}, failingStore{f.db, f.firstTask + 2*chunk}
			}
			n, err := f.s.RunOnce(ctx, at(23, 8, 0))
			if err == nil {
				t.Fatal("the pass did not fail")
			}
			if n != 2*2*chunk {
				t.Errorf("the failed pass reports %d messages, want %d (two chunks)", n, 2*2*chunk)
			}
			keys, due := f.outboxState()
			if len(keys) != 2*2*chunk || due != tasks-2*chunk {
				t.Fatalf("after the failed pass: %d messages, %d tasks due; want %d, %d", len(keys), due, 2*2*chunk, tasks-2*chunk)
			}

			f.open() // a restart
			f.s.Chunk = chunk
			if n := f.run(at(23, 8, 0)); n != 2*(tasks-2*chunk) {
				t.Errorf("the next pass planned %d, want %d", n, 2*(tasks-2*chunk))
			}
			f.checkAllPlanned(tasks)
		})
	}
}

// toGroup composes as the recorder does, but into the group.
type toGroup struct {
	recorder
	group int64
}

func (g *toGroup) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	ms, err := g.recorder.Compose(tx, n)
	for _, m := range ms {
		m.ChatID = g.group
	}
	return ms, err
}

// A notice planned already is not planned again when its tasks are
// looked at again (ReplanOpen), even if its messages would now go to
// another chat (say the assignee's private chat closed).
func TestReplannedNoticeGoesNowhereElse(t *testing.T) {
	f := newFixture(t)
	f.overdueTasks(30)
	f.s.Chunk = 7
	if n := f.run(at(23, 8, 0)); n != 60 {
		t.Fatalf("the pass planned %d, want 60", n)
	}
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error { return tx.ReplanOpen(at(23, 8, 0)) })
	if err != nil {
		t.Fatal(err)
	}
	f.s.Composer = &toGroup{group: f.group.ID}
	if n := f.run(at(23, 8, 0)); n != 0 {
		t.Errorf("the pass after ReplanOpen planned %d again", n)
	}
	f.checkAllPlanned(30)
}

// A pass holds the sender from its start until every chunk is written,
// so that a person's notices of one pass wait together and go merged.
func TestPassHoldsTheSenderUntilItEnds(t *testing.T) {
	f := newFixture(t)
	f.overdueTasks(10)
	f.s.Chunk = 3 // four chunks
	holds, releases, written := 0, 0, -1
	f.s.Hold = func() func() {
		holds++
		if keys, _ := f.outboxState(); len(keys) != 0 {
			t.Errorf("held after %d messages were written", len(keys))
		}
		return func() {
			releases++
			keys, _ := f.outboxState()
			written = len(keys)
		}
	}
	f.run(at(23, 8, 0))
	if holds != 1 || releases != 1 || written != 20 {
		t.Fatalf("held %d times, released %d times, with %d of 20 messages written", holds, releases, written)
	}
}
