package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// addPart gives task t a part of binh's, due at deadline.
func (f *fixture) addPart(t *nhacviec.Task, who *nhacviec.Person, created, deadline time.Time) *nhacviec.Coordinator {
	f.t.Helper()
	p := &nhacviec.Coordinator{TaskID: t.ID, PersonID: who.ID, Deadline: deadline, CreatedAt: created}
	if err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error { return tx.AddCoordinator(p) }); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) person(name string) *nhacviec.Person {
	f.t.Helper()
	p := &nhacviec.Person{Transport: "test", ExternalID: name, Username: name}
	if err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error { return tx.EnsurePerson(p) }); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// partNotices are the notices the composer was asked for about parts, as
// "kind slot".
func (f *fixture) partNotices() []string {
	var out []string
	for _, n := range f.rec.notices {
		if n.Part != nil {
			out = append(out, string(n.Kind)+" "+n.Slot)
		}
	}
	return out
}

// A part is reminded the working day before its own deadline and on its
// morning, chased at it and every working morning after, as a task is by
// its deadline; the lead's own notices go on by the lead's.
func TestPartsAreRemindedAndChasedByTheirOwnDeadline(t *testing.T) {
	f := newFixture(t)
	binh := f.person("binh")
	task := f.addTask(at(23, 9, 0), at(27, 17, 0))             // Monday, due Friday 17:00
	part := f.addPart(task, binh, at(23, 9, 0), at(25, 12, 0)) // due Wednesday noon
	c := fmt.Sprintf("c%d:", part.ID)

	if n := f.run(at(23, 9, 1)); n != 0 {
		t.Fatalf("planned %d on Monday", n)
	}
	f.run(at(24, 8, 0))
	f.run(at(25, 8, 0))
	f.run(at(25, 12, 0))
	f.run(at(26, 8, 0))
	want := []string{"reminder " + c + "before:2026-11-24", "reminder " + c + "due:2026-11-25",
		"overdue " + c + "202611251200", "nudge " + c + "2026-11-26"}
	if got := f.partNotices(); !equal(got, want) {
		t.Fatalf("part notices %q, want %q", got, want)
	}
	for _, n := range f.rec.notices {
		if n.Part != nil && (n.Task == nil || n.Task.ID != task.ID || n.Part.ID != part.ID || !n.Task.Deadline.Equal(task.Deadline)) {
			t.Fatalf("notice %+v: the task as stored and its part", n)
		}
	}
	// The lead's reminder on Thursday, by the lead's deadline.
	lead := 0
	for _, n := range f.rec.notices {
		if n.Part == nil {
			lead++
			if n.Slot != "before:2026-11-26" {
				t.Errorf("the lead's notice %s %s", n.Kind, n.Slot)
			}
		}
	}
	if lead != 1 {
		t.Errorf("%d notices of the lead's, want Thursday's reminder", lead)
	}
	// Keys: the part's slot, once across passes and a restart.
	f.open()
	if n := f.run(at(26, 8, 30)); n != 0 {
		t.Fatalf("a pass after a restart planned %d more", n)
	}
	for _, m := range f.due(at(26, 9, 0)) {
		if strings.Contains(m, "c") && !strings.Contains(m, c) {
			t.Fatalf("due %q", m)
		}
	}
}

// A part delivered, or whose task was closed, is chased no more and
// leaves the plan; a task without coordinators is planned as before.
func TestPartsDoneOrClosedAreNotChased(t *testing.T) {
	f := newFixture(t)
	binh, cuong := f.person("binh"), f.person("cuong")
	task := f.addTask(at(23, 9, 0), at(27, 17, 0))
	done := f.addPart(task, binh, at(23, 9, 0), at(25, 17, 0))
	open := f.addPart(task, cuong, at(23, 9, 0), at(25, 17, 0))
	closed := f.addTask(at(23, 9, 0), at(27, 17, 0))
	orphan := f.addPart(closed, binh, at(23, 9, 0), at(25, 17, 0))
	plain := f.addTask(at(23, 9, 0), at(25, 17, 0))
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		if err := tx.FinishCoordinator(&nhacviec.Coordinator{ID: done.ID, DoneBy: binh.ID}); err != nil {
			return err
		}
		closed.Status, closed.ClosedAt = nhacviec.StatusDone, at(23, 10, 0)
		return tx.SaveTask(closed)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(at(24, 8, 0))
	got := map[int64]int{}
	for _, n := range f.rec.notices {
		if n.Part != nil {
			got[n.Part.ID]++
		} else if n.Task.ID == plain.ID {
			got[0]++
		}
	}
	if got[done.ID] != 0 || got[orphan.ID] != 0 || got[open.ID] != 1 || got[0] != 1 {
		t.Fatalf("notices by part (0: the task without parts): %v", got)
	}
	// The orphan left the plan: no pass reads it again.
	err = f.db.View(context.Background(), func(tx nhacviec.Tx) error {
		due, err := tx.CoordinatorsToPlan(at(30, 8, 0), 10)
		if err != nil {
			return err
		}
		for _, p := range due {
			if p.ID == orphan.ID || p.ID == done.ID {
				t.Errorf("part %d is still planned", p.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Many parts are planned chunk after chunk, each once.
func TestPartsArePlannedInChunks(t *testing.T) {
	f := newFixture(t)
	f.s.Chunk = 3
	task := f.addTask(at(23, 9, 0), at(27, 17, 0))
	for i := range 7 {
		f.addPart(task, f.person(fmt.Sprintf("p%d", i)), at(23, 9, 0), at(25, 17, 0))
	}
	if n := f.run(at(24, 8, 0)); n != 7 {
		t.Fatalf("planned %d, want the 7 parts' reminders (the lead's is Thursday)", n)
	}
	seen := map[int64]int{}
	for _, n := range f.rec.notices {
		if n.Part != nil {
			seen[n.Part.ID]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("part %d: %d notices", id, n)
		}
	}
	if len(seen) != 7 {
		t.Errorf("%d parts reminded, want 7", len(seen))
	}
	if n := f.run(at(24, 8, 1)); n != 0 {
		t.Errorf("the next pass planned %d more", n)
	}
}
