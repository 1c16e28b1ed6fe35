package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// coordFixture is followFixture's task (the lead's, to an) with binh, a
// unit and its head cuong.
type coordFixture struct {
	*followFixture
	binh, cuong *nhacviec.Person
	unit        *nhacviec.Unit
}

func newCoord(t *testing.T, path string) *coordFixture {
	t.Helper()
	f := &coordFixture{followFixture: newFollow(t, path)}
	update(t, f.db, func(tx nhacviec.Tx) error {
		f.binh = &nhacviec.Person{Transport: "telegram", ExternalID: "3", Username: "binh"}
		f.cuong = &nhacviec.Person{Transport: "telegram", ExternalID: "4", Username: "cuong"}
		f.unit = &nhacviec.Unit{Name: "Phòng Kế hoạch - Tài chính"}
		for _, err := range []error{tx.EnsurePerson(f.binh), tx.EnsurePerson(f.cuong), tx.CreateUnit(f.unit)} {
			if err != nil {
				return err
			}
		}
		return tx.Grant(nhacviec.Membership{PersonID: f.cuong.ID, UnitID: f.unit.ID, Role: nhacviec.RoleHead})
	})
	return f
}

func (f *coordFixture) parts(t *testing.T) []*nhacviec.Coordinator {
	t.Helper()
	var out []*nhacviec.Coordinator
	if err := f.db.View(ctx, func(tx nhacviec.Tx) error {
		var err error
		out, err = tx.Coordinators(f.task.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// A task's parts: a person's and a unit's, each once; stored as given,
// planned from their creation, read back in order.
func TestCoordinatorsAreStoredOncePerPersonAndUnit(t *testing.T) {
	f := newCoord(t, filepath.Join(t.TempDir(), "x.db"))
	dl := f.now.Add(24 * time.Hour)
	var person, unit *nhacviec.Coordinator
	update(t, f.db, func(tx nhacviec.Tx) error {
		person = &nhacviec.Coordinator{TaskID: f.task.ID, PersonID: f.binh.ID, Deadline: dl}
		unit = &nhacviec.Coordinator{TaskID: f.task.ID, UnitID: f.unit.ID, Deadline: dl.Add(time.Hour)}
		for _, c := range []*nhacviec.Coordinator{person, unit} {
			if err := tx.AddCoordinator(c); err != nil {
				return err
			}
			if c.ID == 0 || !c.CreatedAt.Equal(f.now) || !c.NextPlanAt.Equal(f.now) {
				t.Errorf("added %+v", c)
			}
		}
		for _, again := range []*nhacviec.Coordinator{
			{TaskID: f.task.ID, PersonID: f.binh.ID, Deadline: dl},
			{TaskID: f.task.ID, UnitID: f.unit.ID, Deadline: dl},
		} {
			if err := tx.AddCoordinator(again); nhacviec.ErrorCode(err) != nhacviec.EConflict {
				t.Errorf("a second part of the same coordinator: err = %v, want %s", err, nhacviec.EConflict)
			}
		}
		for _, bad := range []*nhacviec.Coordinator{
			{TaskID: f.task.ID, Deadline: dl},
			{TaskID: f.task.ID, PersonID: f.cuong.ID, UnitID: f.unit.ID, Deadline: dl},
		} {
			if err := tx.AddCoordinator(bad); err == nil {
				t.Errorf("stored a part of nobody or of both: %+v", bad)
			}
		}
		if _, err := tx.Coordinator(999); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("Coordinator(999): err = %v", err)
		}
		none, err := tx.Coordinators(999)
		if err != nil || len(none) != 0 {
			t.Errorf("Coordinators of an unknown task = %v, %v", none, err)
		}
		return nil
	})
	got := f.parts(t)
	if len(got) != 2 {
		t.Fatalf("%d parts stored, want 2", len(got))
	}
	if p := got[0]; p.ID != person.ID || p.PersonID != f.binh.ID || p.UnitID != 0 || !p.Deadline.Equal(dl) || p.Done() || !p.NextPlanAt.Equal(f.now) {
		t.Errorf("person's part = %+v", p)
	}
	if u := got[1]; u.ID != unit.ID || u.UnitID != f.unit.ID || u.PersonID != 0 || u.AssignedID != 0 || !u.Deadline.Equal(dl.Add(time.Hour)) {
		t.Errorf("unit's part = %+v", u)
	}
	// The same person coordinates another task too.
	update(t, f.db, func(tx nhacviec.Tx) error {
		other := *f.task
		other.ID = 0
		if err := tx.CreateTask(&other); err != nil {
			return err
		}
		return tx.AddCoordinator(&nhacviec.Coordinator{TaskID: other.ID, PersonID: f.binh.ID, Deadline: dl})
	})
}

// A part is finished once: its time, who, how late; it is planned no
// more, and only its own unsent reminders are dropped.
func TestFinishingAPartDropsItsRemindersOnly(t *testing.T) {
	f := newCoord(t, filepath.Join(t.TempDir(), "x.db"))
	var binh, unit *nhacviec.Coordinator
	keys := map[string]string{} // key → text
	update(t, f.db, func(tx nhacviec.Tx) error {
		binh = &nhacviec.Coordinator{TaskID: f.task.ID, PersonID: f.binh.ID, Deadline: f.now.Add(24 * time.Hour)}
		unit = &nhacviec.Coordinator{TaskID: f.task.ID, UnitID: f.unit.ID, Deadline: f.now.Add(24 * time.Hour)}
		for _, c := range []*nhacviec.Coordinator{binh, unit} {
			if err := tx.AddCoordinator(c); err != nil {
				return err
			}
		}
		for key, text := range map[string]string{
			fmt.Sprintf("reminder:%d:before:2026-11-24:10", f.task.ID):              "lead",
			fmt.Sprintf("reminder:%d:c%d:before:2026-11-24:10", f.task.ID, binh.ID): "binh",
			fmt.Sprintf("nudge:%d:c%d:2026-11-25:10", f.task.ID, binh.ID):           "binh nudge",
			fmt.Sprintf("reminder:%d:c%d:before:2026-11-24:10", f.task.ID, unit.ID): "unit",
		} {
			keys[key] = text
			if _, err := tx.Enqueue(&nhacviec.Message{Key: key, ChatID: f.chat.ID, Kind: nhacviec.KindReminder, TaskID: f.task.ID, Text: text}); err != nil {
				return err
			}
		}
		// A reply about the task is no reminder: it stays.
		_, err := tx.Enqueue(&nhacviec.Message{ChatID: f.chat.ID, Kind: nhacviec.KindReply, TaskID: f.task.ID, Text: "reply"})
		return err
	})
	f.now = f.now.Add(47 * time.Hour) // past the parts' deadlines, before the task's
	update(t, f.db, func(tx nhacviec.Tx) error {
		done := &nhacviec.Coordinator{ID: binh.ID, DoneBy: f.binh.ID, LateDays: 1}
		if err := tx.FinishCoordinator(done); err != nil {
			return err
		}
		if !done.DoneAt.Equal(f.now) {
			t.Errorf("done at %v, want %v", done.DoneAt, f.now)
		}
		again := &nhacviec.Coordinator{ID: binh.ID, DoneBy: f.binh.ID}
		if err := tx.FinishCoordinator(again); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("finished twice: err = %v, want %s", err, nhacviec.EConflict)
		}
		if err := tx.FinishCoordinator(&nhacviec.Coordinator{ID: 999}); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("an unknown part: err = %v, want %s", err, nhacviec.ENotFound)
		}
		return nil
	})
	got := f.parts(t)
	if b := got[0]; !b.DoneAt.Equal(f.now) || b.DoneBy != f.binh.ID || b.LateDays != 1 || !b.NextPlanAt.IsZero() {
		t.Errorf("finished part = %+v", b)
	}
	if u := got[1]; u.Done() || u.NextPlanAt.IsZero() {
		t.Errorf("the other part = %+v", u)
	}
	due, err := f.db.Due(ctx, f.now, 20)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sorted(texts(due)), ","); got != "lead,reply,unit" {
		t.Errorf("due after binh's part was done: %s; want the task's, the reply and the unit's", got)
	}
	// Its dropped keys are free.
	update(t, f.db, func(tx nhacviec.Tx) error {
		planned, err := tx.PlannedKeys([]string{fmt.Sprintf("reminder:%d:c%d:before:2026-11-24", f.task.ID, binh.ID)})
		if err != nil || len(planned) != 0 {
			t.Errorf("a dropped part's key is still planned: %v %v", planned, err)
		}
		return nil
	})
}

func sorted(s []string) []string { slices.Sort(s); return s }

// What a person answers for: their own parts, those handed to them, and
// their units' parts not handed to anyone; not delivered, of open tasks.
func TestOpenCoordinations(t *testing.T) {
	f := newCoord(t, filepath.Join(t.TempDir(), "x.db"))
	var tasks [5]*nhacviec.Task
	parts := map[string]*nhacviec.Coordinator{}
	update(t, f.db, func(tx nhacviec.Tx) error {
		for i := range tasks {
			tk := *f.task
			tk.ID, tk.Title = 0, fmt.Sprintf("việc %d", i)
			if err := tx.CreateTask(&tk); err != nil {
				return err
			}
			tasks[i] = &tk
		}
		add := func(name string, c *nhacviec.Coordinator) {
			if err := tx.AddCoordinator(c); err != nil {
				t.Fatal(err)
			}
			parts[name] = c
		}
		day := func(n int) time.Time { return f.now.Add(time.Duration(n) * 24 * time.Hour) }
		add("binh own", &nhacviec.Coordinator{TaskID: tasks[0].ID, PersonID: f.binh.ID, Deadline: day(3)})
		add("unit held", &nhacviec.Coordinator{TaskID: tasks[1].ID, UnitID: f.unit.ID, Deadline: day(1)})
		add("unit handed to binh", &nhacviec.Coordinator{TaskID: tasks[2].ID, UnitID: f.unit.ID, Deadline: day(2)})
		add("binh done", &nhacviec.Coordinator{TaskID: tasks[3].ID, PersonID: f.binh.ID, Deadline: day(1)})
		add("binh's closed task", &nhacviec.Coordinator{TaskID: tasks[4].ID, PersonID: f.binh.ID, Deadline: day(1)})
		if err := tx.HandCoordinator(parts["unit handed to binh"].ID, f.binh.ID); err != nil {
			return err
		}
		if err := tx.HandCoordinator(999, f.binh.ID); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("handing an unknown part: %v", err)
		}
		if err := tx.FinishCoordinator(&nhacviec.Coordinator{ID: parts["binh done"].ID, DoneBy: f.binh.ID}); err != nil {
			return err
		}
		tasks[4].Status, tasks[4].ClosedAt = nhacviec.StatusDone, f.now
		return tx.SaveTask(tasks[4])
	})
	names := func(cs []*nhacviec.Coordinator) string {
		var out []string
		for _, c := range cs {
			for name, p := range parts {
				if p.ID == c.ID {
					out = append(out, name)
				}
			}
		}
		return strings.Join(out, ", ")
	}
	f.db.View(ctx, func(tx nhacviec.Tx) error {
		got, err := tx.OpenCoordinations(f.binh.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n := names(got); n != "unit handed to binh, binh own" {
			t.Errorf("binh's = %s", n)
		}
		if got[0].AssignedID != f.binh.ID {
			t.Errorf("handed part = %+v", got[0])
		}
		got, err = tx.OpenCoordinations(f.cuong.ID, []int64{f.unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		if n := names(got); n != "unit held" {
			t.Errorf("the head's = %s", n)
		}
		got, err = tx.OpenCoordinations(f.an.ID, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("an's = %s, %v", names(got), err)
		}
		return nil
	})
}

// The scheduler's view: the parts due, longest due first; a plan of
// zero is never; a part delivered is never planned again; a moved
// deadline (Unplan) has the open parts looked at again at once.
func TestCoordinatorPlans(t *testing.T) {
	f := newCoord(t, filepath.Join(t.TempDir(), "x.db"))
	var a, b *nhacviec.Coordinator
	update(t, f.db, func(tx nhacviec.Tx) error {
		a = &nhacviec.Coordinator{TaskID: f.task.ID, PersonID: f.binh.ID, Deadline: f.now.Add(24 * time.Hour), NextPlanAt: f.now.Add(time.Hour)}
		b = &nhacviec.Coordinator{TaskID: f.task.ID, UnitID: f.unit.ID, Deadline: f.now.Add(24 * time.Hour)}
		if err := tx.AddCoordinator(a); err != nil {
			return err
		}
		return tx.AddCoordinator(b)
	})
	toPlan := func(at time.Time) []int64 {
		var ids []int64
		f.db.View(ctx, func(tx nhacviec.Tx) error {
			cs, err := tx.CoordinatorsToPlan(at, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return nil
		})
		return ids
	}
	if got := toPlan(f.now); !slices.Equal(got, []int64{b.ID}) {
		t.Errorf("due now: %v, want [%d]", got, b.ID)
	}
	if got := toPlan(f.now.Add(2 * time.Hour)); !slices.Equal(got, []int64{b.ID, a.ID}) {
		t.Errorf("due later: %v, want [%d %d]", got, b.ID, a.ID)
	}
	update(t, f.db, func(tx nhacviec.Tx) error {
		return tx.SetCoordinatorPlans([]int64{a.ID, b.ID}, []time.Time{{}, f.now.Add(3 * time.Hour)})
	})
	if got := toPlan(f.now.Add(2 * time.Hour)); len(got) != 0 {
		t.Errorf("after replanning: %v due", got)
	}
	if got := toPlan(f.now.Add(3 * time.Hour)); !slices.Equal(got, []int64{b.ID}) {
		t.Errorf("after replanning, later: %v", got)
	}
	update(t, f.db, func(tx nhacviec.Tx) error {
		if err := tx.FinishCoordinator(&nhacviec.Coordinator{ID: b.ID}); err != nil {
			return err
		}
		// A pass that read b before it was done plans it again: no.
		return tx.SetCoordinatorPlans([]int64{b.ID}, []time.Time{f.now})
	})
	if got := toPlan(f.now.Add(24 * time.Hour)); len(got) != 0 {
		t.Errorf("a delivered part is planned: %v", got)
	}
	update(t, f.db, func(tx nhacviec.Tx) error { return tx.Unplan(f.task.ID) })
	if got := toPlan(f.now); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("after Unplan: %v, want the open part %d", got, a.ID)
	}
	if err := f.db.Update(ctx, func(tx nhacviec.Tx) error {
		return tx.SetCoordinatorPlans([]int64{a.ID}, nil)
	}); err == nil {
		t.Error("ids and times of different lengths were accepted")
	}
}

// A database made before 0011_coordinators.sql, from the embedded
// migrations, opens, migrates and keeps every row; its tasks take parts.
func TestCoordinatorsMigrationKeepsEveryRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 10); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC).UnixMilli()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'telegram', '-5', 'group', ?1)`,
		`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '7', 'lead', ?1, ?1), (2, 'telegram', '8', 'an', ?1, ?1)`,
		`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at) VALUES (1, 'Báo cáo', 1, 2, 1, ?1, 'open', ?1)`,
		`INSERT INTO task_plans (task_id, at) VALUES (1, ?1)`,
		`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (1, 1, 'created', 'giao cho @an', ?1)`,
		`INSERT INTO outbox (key, chat_id, kind, task_id, text, not_before, created_at) VALUES ('reminder:1:due:x:1', 1, 'reminder', 1, 'nhắc', ?1, ?1)`,
		`INSERT INTO extensions (task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, asked_at) VALUES (1, 2, 1, ?1, ?1 + 1, 'x', ?1)`,
	} {
		if _, err := raw.Exec(q, at); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tables := []string{"chats", "people", "tasks", "task_plans", "task_events", "outbox", "extensions"}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range tables {
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
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version < 11 {
		t.Fatalf("schema version after opening = %d, %v", version, err)
	}
	after := counts()
	for _, table := range tables {
		if before[table] != 1 && table != "people" || after[table] != before[table] {
			t.Errorf("%s: %d rows before the migration, %d after", table, before[table], after[table])
		}
	}
	update(t, db, func(tx nhacviec.Tx) error {
		task, err := tx.Task(1)
		if err != nil || task.Title != "Báo cáo" || task.AssigneeID != 2 {
			t.Errorf("task after the migration = %+v, %v", task, err)
		}
		open, err := tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: 2})
		if err != nil || len(open) != 1 {
			t.Errorf("the assignee's open tasks after the migration: %d, %v", len(open), err)
		}
		c := &nhacviec.Coordinator{TaskID: 1, PersonID: 1, Deadline: task.Deadline}
		if err := tx.AddCoordinator(c); err != nil {
			return err
		}
		parts, err := tx.Coordinators(1)
		if err != nil || len(parts) != 1 {
			t.Errorf("parts = %v, %v", parts, err)
		}
		return nil
	})
}

// Every statement of the coordinators' methods reads through an index:
// none reads task_coordinators or a big table whole.
func TestCoordinatorStatementsUseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	f := newCoord(t, path)
	type run struct {
		query string
		args  []any
	}
	var mu sync.Mutex
	var runs []run
	seen := map[string]bool{}
	store.TraceSQL(func(query string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[query] && (strings.Contains(query, "task_coordinators") || strings.Contains(query, "'coordinator done'")) {
			seen[query] = true
			runs = append(runs, run{query, slices.Clone(args)})
		}
	})
	defer store.TraceSQL(nil)
	update(t, f.db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Coordinator{TaskID: f.task.ID, PersonID: f.binh.ID, Deadline: f.now}
		u := &nhacviec.Coordinator{TaskID: f.task.ID, UnitID: f.unit.ID, Deadline: f.now}
		for _, err := range []error{tx.AddCoordinator(c), tx.AddCoordinator(u)} {
			if err != nil {
				return err
			}
		}
		_, err := tx.Coordinators(f.task.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Coordinator(c.ID); err != nil {
			return err
		}
		if err := tx.HandCoordinator(u.ID, f.binh.ID); err != nil {
			return err
		}
		if _, err := tx.OpenCoordinations(f.binh.ID, []int64{f.unit.ID}); err != nil {
			return err
		}
		if _, err := tx.CoordinatorsToPlan(f.now, 250); err != nil {
			return err
		}
		if err := tx.SetCoordinatorPlans([]int64{c.ID}, []time.Time{f.now}); err != nil {
			return err
		}
		if err := tx.FinishCoordinator(&nhacviec.Coordinator{ID: c.ID, DoneBy: f.binh.ID}); err != nil {
			return err
		}
		return tx.Unplan(f.task.ID)
	})
	store.TraceSQL(nil)
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	bigTables["task_coordinators"] = true
	defer delete(bigTables, "task_coordinators")
	if len(runs) < 9 {
		t.Fatalf("only %d statements traced", len(runs))
	}
	for _, r := range runs {
		if verb := strings.ToUpper(strings.Fields(r.query)[0]); verb != "SELECT" && verb != "INSERT" && verb != "UPDATE" {
			continue
		}
		plan, err := explain(raw, r.query, r.args)
		if err != nil {
			t.Errorf("%v\n%s", err, r.query)
			continue
		}
		if testing.Verbose() {
			t.Logf("%s\n  %s", oneLine(r.query), strings.Join(plan, "\n  "))
		}
		if bad := fullScans(r.query, plan); len(bad) > 0 {
			t.Errorf("reads %s whole:\n%s\nplan:\n  %s", strings.Join(bad, ", "), oneLine(r.query), strings.Join(plan, "\n  "))
		}
	}
}
