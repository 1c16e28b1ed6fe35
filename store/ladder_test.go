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

// A database at the schema of main before 0013 (version 10) opens,
// migrates and keeps every row; a task extended before the migration
// keeps the deadline it was given as its original one, the others have
// theirs.
func TestLadderMigrationKeepsEveryRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.CreateAt(ctx, path, 10); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	const at = 1795500000000 // Unix ms
	const day = 86400000
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-42', 'group', 'Phòng', %d)`, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (2, 'telegram', '102', 'an', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO units (id, name, created_at) VALUES (1, 'Phòng Tổng hợp', %d)`, at),
		// #1 extended twice (the first deadline is the one it was given),
		// #2 never, #3 refused once and closed.
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, unit_id)
			VALUES (1, 'Kế hoạch', 1, 2, 1, %d, 'open', %d, 1)`, at+5*day, at),
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, unit_id)
			VALUES (2, 'Báo cáo', 1, 2, 1, %d, 'open', %d, 1)`, at+2*day, at),
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at)
			VALUES (3, 'Tờ trình', 1, 2, 1, %d, 'done', %d, %d)`, at+day, at, at+day),
		fmt.Sprintf(`INSERT INTO task_plans (task_id, at) VALUES (1, %d), (2, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO extensions (task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, state, decider_id, asked_at, decided_at)
			VALUES (1, 2, 1, %d, %d, 'chờ số liệu', 'approved', 1, %d, %d)`, at+day, at+3*day, at, at),
		fmt.Sprintf(`INSERT INTO extensions (task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, state, decider_id, asked_at, decided_at)
			VALUES (1, 2, 1, %d, %d, 'chờ ý kiến', 'approved', 1, %d, %d)`, at+3*day, at+5*day, at, at),
		fmt.Sprintf(`INSERT INTO extensions (task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, state, decider_id, asked_at, decided_at)
			VALUES (3, 2, 1, %d, %d, 'x', 'refused', 1, %d, %d)`, at+day, at+3*day, at, at),
		fmt.Sprintf(`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (1, 1, 'created', 'giao', %d), (1, 1, 'extension_approved', 'hạn mới', %d)`, at, at),
		fmt.Sprintf(`INSERT INTO outbox (key, chat_id, kind, task_id, text, not_before, created_at) VALUES ('overdue:2:x:1', 1, 'overdue', 2, '⚠️', %d, %d)`, at, at),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.70s: %v", q, err)
		}
	}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"chats", "people", "units", "tasks", "task_plans", "task_events", "extensions", "outbox"} {
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
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version < 13 {
		t.Fatalf("schema version after opening = %d, %v", version, err)
	}
	if after := counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("rows before the migration %v, after %v", before, after)
	}
	update(t, db, func(tx nhacviec.Tx) error {
		all, err := tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen})
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].ID != 2 || all[1].ID != 1 || !all[1].Deadline.Equal(time.UnixMilli(at+5*day)) {
			t.Errorf("open tasks after the migration: %+v", all)
		}
		for id, want := range map[int64]int64{1: at + day, 2: at + 2*day, 3: at + day} {
			got, err := tx.OriginalDeadline(id)
			if err != nil || got.UnixMilli() != want {
				t.Errorf("original deadline of #%d = %v, %v; want %v", id, got, err, time.UnixMilli(want))
			}
		}
		// The new tables work on the old tasks.
		if err := tx.SetOverdueCause(&nhacviec.OverdueCause{TaskID: 2, PersonID: 2, Cause: nhacviec.CauseWaiting, Deadline: all[0].Deadline}); err != nil {
			return err
		}
		return tx.AddEscalations([]nhacviec.Escalation{{TaskID: 2, Level: nhacviec.EscalateHead, UnitID: 1, Deadline: all[0].Deadline}})
	})
}

// ladderFixture is an organisation of one unit with a lead (assigner)
// and an (assignee), and a store whose clock the test sets.
type ladderFixture struct {
	db       *store.DB
	now      time.Time
	unit     *nhacviec.Unit
	lead, an *nhacviec.Person
	chat     *nhacviec.Chat
}

func newLadder(t *testing.T, path string) *ladderFixture {
	t.Helper()
	f := &ladderFixture{db: mustOpen(t, path), now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	f.db.Now = func() time.Time { return f.now }
	update(t, f.db, func(tx nhacviec.Tx) error {
		f.unit = &nhacviec.Unit{Name: "Phòng"}
		f.chat = &nhacviec.Chat{Transport: "telegram", ExternalID: "10", Kind: nhacviec.ChatGroup}
		f.lead = &nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "lead"}
		f.an = &nhacviec.Person{Transport: "telegram", ExternalID: "2", Username: "an"}
		for _, err := range []error{tx.CreateUnit(f.unit), tx.EnsureChat(f.chat), tx.EnsurePerson(f.lead), tx.EnsurePerson(f.an)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	return f
}

// task creates an open task of the unit (unit 0: none) due at deadline.
func (f *ladderFixture) task(t *testing.T, unit int64, deadline time.Time) *nhacviec.Task {
	t.Helper()
	task := &nhacviec.Task{Title: "Báo cáo", AssignerID: f.lead.ID, AssigneeID: f.an.ID, ChatID: f.chat.ID, UnitID: unit,
		Deadline: deadline, Status: nhacviec.StatusOpen}
	update(t, f.db, func(tx nhacviec.Tx) error { return tx.CreateTask(task) })
	return task
}

func keyIDs(keys []nhacviec.TaskKey) []int64 {
	var out []int64
	for _, k := range keys {
		out = append(out, k.ID)
	}
	return out
}

// Whatever moves a deadline, and however often, the one the task was
// given stays recoverable; saving a task without moving it keeps none.
func TestOriginalDeadlineSurvivesEveryMove(t *testing.T) {
	f := newLadder(t, filepath.Join(t.TempDir(), "x.db"))
	first := f.now.Add(48 * time.Hour)
	task := f.task(t, f.unit.ID, first)
	still := f.task(t, f.unit.ID, first)
	update(t, f.db, func(tx nhacviec.Tx) error {
		still.Title = "Báo cáo quý"
		if err := tx.SaveTask(still); err != nil {
			return err
		}
		for _, d := range []int{3, 5, 1} {
			if err := nhacviec.MoveDeadline(tx, task, first.Add(time.Duration(d)*24*time.Hour), f.now); err != nil {
				return err
			}
		}
		for _, c := range []struct {
			id   int64
			want time.Time
		}{{task.ID, first}, {still.ID, first}} {
			got, err := tx.OriginalDeadline(c.id)
			if err != nil || !got.Equal(c.want) {
				t.Errorf("original deadline of #%d = %v, %v; want %v", c.id, got, err, c.want)
			}
		}
		if got, _ := tx.Task(task.ID); !got.Deadline.Equal(first.Add(24 * time.Hour)) {
			t.Errorf("deadline in force = %v", got.Deadline)
		}
		if _, err := tx.OriginalDeadline(999); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("an unknown task: %v", err)
		}
		return nil
	})
	// The column itself, as a period query reads it: NULL while never
	// moved.
	raw, err := sql.Open("sqlite", "file:"+f.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var moved, never sql.NullInt64
	if err := raw.QueryRow(`SELECT (SELECT first_deadline FROM tasks WHERE id = ?), (SELECT first_deadline FROM tasks WHERE id = ?)`, task.ID, still.ID).
		Scan(&moved, &never); err != nil {
		t.Fatal(err)
	}
	if moved.Int64 != first.UnixMilli() || never.Valid {
		t.Errorf("first_deadline = %v and %v, want %d and NULL", moved, never, first.UnixMilli())
	}
}

// /chuyen: the lead changes, nothing else does.
func TestSetAssignee(t *testing.T) {
	f := newLadder(t, filepath.Join(t.TempDir(), "x.db"))
	task := f.task(t, f.unit.ID, f.now.Add(time.Hour))
	update(t, f.db, func(tx nhacviec.Tx) error {
		if err := tx.SetAssignee(task.ID, f.lead.ID); err != nil {
			return err
		}
		got, err := tx.Task(task.ID)
		if err != nil || got.AssigneeID != f.lead.ID || got.AssignerID != f.lead.ID || got.Title != task.Title || !got.Deadline.Equal(task.Deadline) {
			t.Errorf("after SetAssignee: %+v, %v", got, err)
		}
		mine, err := tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: f.an.ID})
		if err != nil || len(mine) != 0 {
			t.Errorf("the old lead still holds %v, %v", ids(mine), err)
		}
		if err := tx.SetAssignee(999, f.an.ID); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("an unknown task: %v", err)
		}
		return nil
	})
}

// The candidates of a level are the open tasks of a unit due before the
// cutoff, longest overdue first, that were not reported at that level;
// recording an escalation twice keeps the first.
func TestEscalationsOncePerLevel(t *testing.T) {
	f := newLadder(t, filepath.Join(t.TempDir(), "x.db"))
	ago := func(days int) time.Time { return f.now.Add(-time.Duration(days) * 24 * time.Hour) }
	old := f.task(t, f.unit.ID, ago(9))
	mid := f.task(t, f.unit.ID, ago(4))
	tie := f.task(t, f.unit.ID, ago(4))
	fresh := f.task(t, f.unit.ID, ago(1))
	personal := f.task(t, 0, ago(9)) // no unit: no ladder
	closed := f.task(t, f.unit.ID, ago(9))
	update(t, f.db, func(tx nhacviec.Tx) error {
		closed.Status, closed.ClosedAt = nhacviec.StatusDone, f.now
		return tx.SaveTask(closed)
	})
	cutoff := ago(2)
	candidates := func(level int) []int64 {
		var out []nhacviec.TaskKey
		update(t, f.db, func(tx nhacviec.Tx) error {
			var err error
			out, err = tx.EscalationCandidates(level, cutoff)
			return err
		})
		return keyIDs(out)
	}
	if got, want := candidates(nhacviec.EscalateHead), []int64{old.ID, mid.ID, tie.ID}; !slices.Equal(got, want) {
		t.Fatalf("candidates = %v, want %v (not %d, %d, %d)", got, want, fresh.ID, personal.ID, closed.ID)
	}
	update(t, f.db, func(tx nhacviec.Tx) error {
		return tx.AddEscalations([]nhacviec.Escalation{
			{TaskID: old.ID, Level: nhacviec.EscalateHead, UnitID: f.unit.ID, Deadline: old.Deadline},
			{TaskID: mid.ID, Level: nhacviec.EscalateHead, UnitID: f.unit.ID, Deadline: mid.Deadline},
		})
	})
	if got := candidates(nhacviec.EscalateHead); !slices.Equal(got, []int64{tie.ID}) {
		t.Fatalf("after escalating two: %v", got)
	}
	if got := candidates(nhacviec.EscalateLeaders); !slices.Equal(got, []int64{old.ID, mid.ID, tie.ID}) {
		t.Fatalf("the other level: %v", got)
	}
	first := f.now
	f.now = f.now.Add(24 * time.Hour)
	update(t, f.db, func(tx nhacviec.Tx) error {
		err := tx.AddEscalations([]nhacviec.Escalation{{TaskID: old.ID, Level: nhacviec.EscalateHead, Deadline: f.now}})
		if err != nil {
			return err
		}
		es, err := tx.Escalations(old.ID)
		if err != nil || len(es) != 1 || !es[0].At.Equal(first) || !es[0].Deadline.Equal(old.Deadline) || es[0].UnitID != f.unit.ID {
			t.Errorf("escalations of #%d = %+v, %v", old.ID, es, err)
		}
		// Many at once, as the first run after a long time records them.
		var many []nhacviec.Escalation
		for range 450 {
			many = append(many, nhacviec.Escalation{TaskID: tie.ID, Level: nhacviec.EscalateLeaders, Deadline: tie.Deadline})
		}
		return tx.AddEscalations(many)
	})
	if got := candidates(nhacviec.EscalateLeaders); !slices.Equal(got, []int64{old.ID, mid.ID}) {
		t.Fatalf("leaders' candidates after a batch: %v", got)
	}
	// A task waiting for review is not chased, nor escalated, while it
	// waits; returned, it is again.
	update(t, f.db, func(tx nhacviec.Tx) error {
		mid.SubmittedAt = f.now
		return tx.SaveTask(mid)
	})
	if got := candidates(nhacviec.EscalateLeaders); !slices.Equal(got, []int64{old.ID}) {
		t.Fatalf("leaders' candidates with #%d waiting for review: %v", mid.ID, got)
	}
	update(t, f.db, func(tx nhacviec.Tx) error {
		mid.SubmittedAt = time.Time{}
		return tx.SaveTask(mid)
	})
	if got := candidates(nhacviec.EscalateLeaders); !slices.Equal(got, []int64{old.ID, mid.ID}) {
		t.Fatalf("leaders' candidates with #%d returned: %v", mid.ID, got)
	}
}

// A run of the ladder is claimed once.
func TestLadderRunsClaimedOnce(t *testing.T) {
	f := newLadder(t, filepath.Join(t.TempDir(), "x.db"))
	update(t, f.db, func(tx nhacviec.Tx) error {
		for i, want := range []bool{true, false} {
			if ok, err := tx.ClaimLadder("head:2026-11-23"); err != nil || ok != want {
				t.Errorf("claim %d = %v, %v; want %v", i+1, ok, err, want)
			}
		}
		if ok, err := tx.ClaimLadder("leaders:2026-W48"); err != nil || !ok {
			t.Errorf("another slot = %v, %v", ok, err)
		}
		return nil
	})
}

// The ladder's setting as a unit setting stores it, and back; a value not
// understood is none.
func TestLadderSettingValue(t *testing.T) {
	for _, s := range []nhacviec.LadderSetting{{HeadDays: 2, LeaderDays: 5}, {HeadDays: 3, LeaderDays: 7, Off: true}} {
		if got, ok := nhacviec.ParseLadderSetting(s.Value()); !ok || got != s {
			t.Errorf("%+v → %q → %+v, %v", s, s.Value(), got, ok)
		}
	}
	for _, v := range []string{"", "off", "2", "5 2", "0 5", "on 2 5", "2 5 7", "a b"} {
		if got, ok := nhacviec.ParseLadderSetting(v); ok {
			t.Errorf("%q read as %+v", v, got)
		}
	}
}

// The lead gives one cause per task; the words of "Khác" are filled in
// once.
func TestOverdueCauseOnce(t *testing.T) {
	f := newLadder(t, filepath.Join(t.TempDir(), "x.db"))
	a := f.task(t, f.unit.ID, f.now.Add(-time.Hour))
	b := f.task(t, f.unit.ID, f.now.Add(-time.Hour))
	update(t, f.db, func(tx nhacviec.Tx) error {
		if c, err := tx.OverdueCause(a.ID); c != nil || err != nil {
			t.Errorf("a cause before any: %+v, %v", c, err)
		}
		ca := &nhacviec.OverdueCause{TaskID: a.ID, PersonID: f.an.ID, Cause: nhacviec.CauseShort, Deadline: a.Deadline}
		if err := tx.SetOverdueCause(ca); err != nil {
			return err
		}
		again := &nhacviec.OverdueCause{TaskID: a.ID, PersonID: f.an.ID, Cause: nhacviec.CauseOther, Note: "x", Deadline: a.Deadline}
		if err := tx.SetOverdueCause(again); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("a second cause: %v", err)
		}
		if err := tx.SetCauseNote(a.ID, "x"); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("words for a cause that is not 'other': %v", err)
		}
		if err := tx.SetOverdueCause(&nhacviec.OverdueCause{TaskID: b.ID, PersonID: f.an.ID, Cause: "lazy"}); err == nil {
			t.Error("an unknown cause was stored")
		}
		if err := tx.SetOverdueCause(&nhacviec.OverdueCause{TaskID: b.ID, PersonID: f.an.ID, Cause: nhacviec.CauseOther, Deadline: b.Deadline}); err != nil {
			return err
		}
		if err := tx.SetCauseNote(b.ID, "chờ kinh phí"); err != nil {
			return err
		}
		if err := tx.SetCauseNote(b.ID, "lần hai"); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("words given twice: %v", err)
		}
		got, err := tx.OverdueCause(a.ID)
		if err != nil || got.Cause != nhacviec.CauseShort || got.PersonID != f.an.ID || !got.At.Equal(f.now) || !got.Deadline.Equal(a.Deadline) {
			t.Errorf("cause of #%d = %+v, %v", a.ID, got, err)
		}
		got, err = tx.OverdueCause(b.ID)
		if err != nil || got.Cause != nhacviec.CauseOther || got.Note != "chờ kinh phí" {
			t.Errorf("cause of #%d = %+v, %v", b.ID, got, err)
		}
		return nil
	})
	// Reports count causes as objective or subjective, by period.
	raw, err := sql.Open("sqlite", "file:"+f.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var objective, subjective int
	if err := raw.QueryRow(`SELECT count(*) FILTER (WHERE objective), count(*) FILTER (WHERE NOT objective) FROM overdue_causes WHERE at >= ?`,
		f.now.Add(-time.Hour).UnixMilli()).Scan(&objective, &subjective); err != nil {
		t.Fatal(err)
	}
	if objective != 1 || subjective != 1 {
		t.Errorf("objective %d, subjective %d; want 1, 1", objective, subjective)
	}
}

// The ladder's statements read indexes, not whole tables: the candidates
// come from the open tasks' index, whatever the history holds.
func TestLadderStatementsUseIndexes(t *testing.T) {
	f := newLadder(t, filepath.Join(t.TempDir(), "x.db"))
	task := f.task(t, f.unit.ID, f.now.Add(-72*time.Hour))
	var mu sync.Mutex
	var runs [][2]any
	store.TraceSQL(func(query string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		runs = append(runs, [2]any{query, slices.Clone(args)})
	})
	update(t, f.db, func(tx nhacviec.Tx) error {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := tx.EscalationCandidates(nhacviec.EscalateHead, f.now)
		must(err)
		must(tx.AddEscalations([]nhacviec.Escalation{{TaskID: task.ID, Level: 1, Deadline: task.Deadline}}))
		_, err = tx.Escalations(task.ID)
		must(err)
		_, err = tx.ClaimLadder("head:x")
		must(err)
		_, err = tx.OriginalDeadline(task.ID)
		must(err)
		must(tx.SetAssignee(task.ID, f.lead.ID))
		must(tx.SetOverdueCause(&nhacviec.OverdueCause{TaskID: task.ID, PersonID: f.an.ID, Cause: nhacviec.CauseOther, Deadline: task.Deadline}))
		must(tx.SetCauseNote(task.ID, "x"))
		_, err = tx.OverdueCause(task.ID)
		must(err)
		return nil
	})
	store.TraceSQL(nil)
	raw, err := sql.Open("sqlite", "file:"+f.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	found := false
	for _, r := range runs {
		query, args := r[0].(string), r[1].([]any)
		verb := strings.ToUpper(strings.Fields(query)[0])
		if verb != "SELECT" && verb != "INSERT" && verb != "UPDATE" {
			continue
		}
		plan, err := explain(raw, query, args)
		if err != nil {
			t.Errorf("%v\n%s", err, query)
			continue
		}
		if bad := fullScans(query, plan); len(bad) > 0 {
			t.Errorf("reads %s whole:\n%s\nplan:\n  %s", strings.Join(bad, ", "), oneLine(query), strings.Join(plan, "\n  "))
		}
		if strings.Contains(query, "NOT EXISTS (SELECT 1 FROM escalations") {
			found = true
			if !strings.Contains(strings.Join(plan, "\n"), "tasks_open") {
				t.Errorf("the candidates are not read from tasks_open:\n  %s", strings.Join(plan, "\n  "))
			}
		}
	}
	if !found {
		t.Error("the candidates' statement was not traced")
	}
}
