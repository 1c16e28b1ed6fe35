package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
)

var vnZone = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

func vnAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vnZone)
	if err != nil {
		panic(err)
	}
	return t
}

// weekdaysOnly is a working-day calendar without holidays.
type weekdaysOnly struct{}

func (weekdaysOnly) IsWorkingDay(t time.Time) bool {
	d := t.In(vnZone).Weekday()
	return d != time.Saturday && d != time.Sunday
}

// The store's facts of a seeded history, counted by report.Compute, give
// the known answers: the store reads what a period needs and nothing it
// must not count.
func TestFactsOfAPeriod(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	var unitA, unitB, sub int64
	var an, binh int64
	ids := map[string]int64{}
	update(t, db, func(tx nhacviec.Tx) error {
		a := &nhacviec.Unit{Name: "Phòng A"}
		if err := tx.CreateUnit(a); err != nil {
			return err
		}
		b := &nhacviec.Unit{Name: "Phòng B"}
		if err := tx.CreateUnit(b); err != nil {
			return err
		}
		s := &nhacviec.Unit{Name: "Tổ A1", ParentID: a.ID}
		if err := tx.CreateUnit(s); err != nil {
			return err
		}
		unitA, unitB, sub = a.ID, b.ID, s.ID
		chat := &nhacviec.Chat{Transport: "telegram", ExternalID: "-1", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		for i, name := range []string{"an", "binh"} {
			p := &nhacviec.Person{Transport: "telegram", ExternalID: fmt.Sprint(100 + i), Username: name}
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			if i == 0 {
				an = p.ID
			} else {
				binh = p.ID
			}
		}
		mk := func(name string, who, unit int64, created, deadline string, status nhacviec.Status, closed string) {
			task := &nhacviec.Task{Title: name, AssignerID: an, AssigneeID: who, ChatID: chat.ID, UnitID: unit,
				Deadline: vnAt(deadline), Status: nhacviec.StatusOpen, CreatedAt: vnAt(created), Source: "văn bản " + name,
				KeyTask: name == "on time"}
			if err := tx.CreateTask(task); err != nil {
				t.Fatal(err)
			}
			if status != nhacviec.StatusOpen {
				task.Status, task.ClosedAt = status, vnAt(closed)
				if err := tx.SaveTask(task); err != nil {
					t.Fatal(err)
				}
			}
			ids[name] = task.ID
		}
		mk("on time", an, unitA, "2026-11-02 08:00", "2026-11-20 17:00", nhacviec.StatusDone, "2026-11-20 17:00")
		mk("late", an, sub, "2026-11-02 08:00", "2026-11-20 17:00", nhacviec.StatusDone, "2026-11-23 10:00")
		mk("extended", binh, unitB, "2026-11-02 08:00", "2026-11-11 17:00", nhacviec.StatusDone, "2026-11-24 10:00")
		mk("done in October", binh, unitB, "2026-10-01 08:00", "2026-10-20 17:00", nhacviec.StatusDone, "2026-10-20 08:00")
		mk("done in December", binh, unitB, "2026-11-02 08:00", "2026-11-27 17:00", nhacviec.StatusDone, "2026-12-01 09:00")
		mk("cancelled", an, unitA, "2026-11-02 08:00", "2026-11-05 17:00", nhacviec.StatusCancelled, "2026-11-10 09:00")
		mk("overdue", binh, sub, "2026-11-02 08:00", "2026-11-26 17:00", nhacviec.StatusOpen, "")
		mk("in progress", an, unitA, "2026-11-10 08:00", "2026-12-15 17:00", nhacviec.StatusOpen, "")
		mk("created in December", an, unitA, "2026-12-01 08:00", "2026-12-02 17:00", nhacviec.StatusOpen, "")
		// "extended": asked twice, granted once, from 10/11 to 25/11.
		for i, state := range []nhacviec.ExtensionState{nhacviec.ExtensionRefused, nhacviec.ExtensionApproved} {
			e := &nhacviec.Extension{TaskID: ids["extended"], AskerID: binh, ReviewerID: an, From: vnAt("2026-11-10 17:00").AddDate(0, 0, i),
				To: vnAt("2026-11-25 17:00"), Reason: "chờ số liệu"}
			if err := tx.AskExtension(e); err != nil {
				return err
			}
			e.State, e.DeciderID = state, an
			if err := tx.DecideExtension(e); err != nil {
				return err
			}
		}
		// Approved: the deadline in force moves (the first one is kept).
		ext, err := tx.Task(ids["extended"])
		if err != nil {
			return err
		}
		ext.Deadline = vnAt("2026-11-25 17:00")
		return tx.SaveTask(ext)
	})
	now := vnAt("2026-12-03 10:00")
	nov, err := report.ParsePeriod("tháng 11", now, vnZone)
	if err != nil {
		t.Fatal(err)
	}
	at := nov.End(now)
	for _, tc := range []struct {
		name  string
		q     report.Query
		tasks []string
	}{
		{"everything", report.Query{}, []string{"on time", "late", "extended", "done in December", "overdue", "in progress"}},
		{"Phòng A's subtree", report.Query{Units: []int64{unitA, sub}}, []string{"on time", "late", "overdue", "in progress"}},
		{"binh's", report.Query{People: []int64{binh}}, []string{"extended", "done in December", "overdue"}},
	} {
		tc.q.From, tc.q.At, tc.q.Detail = nov.From, at, true
		facts, err := report.Collect(ctx, db, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []int64
		for _, f := range facts {
			got = append(got, f.TaskID)
		}
		for _, n := range tc.tasks { // never "done in October", "cancelled", "created in December"
			want = append(want, ids[n])
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: facts of tasks %v, want %v", tc.name, got, want)
		}
		if tc.name != "everything" {
			continue
		}
		fg := report.Compute(facts, nov, now, weekdaysOnly{}, []*nhacviec.Unit{{ID: unitA}, {ID: unitB}, {ID: sub, ParentID: unitA}})
		// On time: "on time", "extended"; late: "late"; overdue: "overdue", "done in December"
		// (open at November's end and past its deadline); in progress: "in progress".
		if got := fg.Total.Lead.States; got != (report.States{0, 2, 1, 2, 1}) {
			t.Errorf("November: %v", got)
		}
		if got := fg.Units[unitA].Lead.States; got != (report.States{0, 1, 1, 1, 1}) {
			t.Errorf("Phòng A with Tổ A1: %v", got)
		}
		if got := fg.People[binh].Lead; got.States != (report.States{0, 1, 0, 2, 0}) || got.ExtAsked != 2 || got.ExtGranted != 1 {
			t.Errorf("binh: %+v", got)
		}
		for _, r := range fg.Rows {
			f := r.Fact
			if f.TaskID == ids["extended"] && (!f.FirstDeadline.Equal(vnAt("2026-11-11 17:00")) || f.Title != "extended" || f.Source != "văn bản extended") {
				t.Errorf("extended's detail: %+v", f)
			}
			if f.TaskID == ids["on time"] && (!f.KeyTask || !f.Closed.Equal(vnAt("2026-11-20 17:00")) || f.PersonID != an || f.UnitID != unitA) {
				t.Errorf("on time's fact: %+v", f)
			}
		}
	}
}

// The facts' statement reads done tasks by their close time and open ones
// through the open tasks' index: never the whole history.
func TestFactsUseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	var queries []string
	var argsOf [][]any
	store.TraceSQL(func(query string, args []any) {
		queries = append(queries, query)
		argsOf = append(argsOf, slices.Clone(args))
	})
	now := vnAt("2026-12-03 10:00")
	for _, q := range []report.Query{{}, {Units: []int64{1, 2}}, {People: []int64{3}}, {Units: []int64{1}, People: []int64{3}, Detail: true}} {
		q.From, q.At = now.AddDate(-1, 0, 0), now
		if _, err := report.Collect(ctx, db, q); err != nil {
			t.Fatal(err)
		}
	}
	store.TraceSQL(nil)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	n := 0
	for i, q := range queries {
		plan, err := explain(raw, q, argsOf[i])
		if err != nil {
			t.Fatal(err)
		}
		if bad := fullScans(q, plan); len(bad) > 0 {
			t.Errorf("%s reads %v whole:\n%v", oneLine(q), bad, plan)
		}
		n++
	}
	if n < 4 {
		t.Fatalf("%d statements traced", n)
	}
}

// A database of the schema before the statistics (migration 11) opens,
// migrates and keeps its messages, which carry no attachment.
func TestReportMigrationKeepsRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.CreateAt(ctx, path, 11); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-42', 'group', 'Phòng', %d)`, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at)
			VALUES (1, 'Báo cáo', 1, 1, 1, %d, 'done', %d, %d)`, at+1000, at, at+500),
		fmt.Sprintf(`INSERT INTO outbox (chat_id, kind, task_id, text, not_before, created_at) VALUES (1, 'reply', 1, 'đã giao', %d, %d)`, at, at),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()
	db := mustOpen(t, path)
	db.Now = func() time.Time { return time.UnixMilli(at + 10) }
	due, err := db.Due(ctx, time.UnixMilli(at+10), 10)
	if err != nil || len(due) != 1 || due[0].Text != "đã giao" || due[0].Attach != "" {
		t.Fatalf("the old message after the migration: %+v, %v", due, err)
	}
	facts, err := report.Collect(ctx, db, report.Query{From: time.UnixMilli(at), At: time.UnixMilli(at + 10)})
	if err != nil || len(facts) != 1 || facts[0].TaskID != 1 || !facts[0].Closed.Equal(time.UnixMilli(at+500)) {
		t.Fatalf("facts of the old task: %+v, %v", facts, err)
	}
	// A message with a recipe keeps it.
	update(t, db, func(tx nhacviec.Tx) error {
		_, err := tx.Enqueue(&nhacviec.Message{ChatID: 1, Kind: nhacviec.KindDocument, Text: "Báo cáo", Attach: `{"what":"xlsx"}`})
		return err
	})
	due, err = db.Due(ctx, time.UnixMilli(at+1000000), 10)
	if err != nil || len(due) != 2 || due[1].Kind != nhacviec.KindDocument || due[1].Attach != `{"what":"xlsx"}` {
		t.Fatalf("the document's message: %+v, %v", due, err)
	}
	// Sent and pruned, the message takes its recipe with it.
	if err := db.MarkSent(ctx, due[1].ID, "77", time.UnixMilli(at+1000000)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Prune(ctx, time.UnixMilli(at).AddDate(0, 2, 0), store.Retention{Outbox: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	raw, _ = sql.Open("sqlite", path)
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM outbox_attach`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d recipes left after pruning (%v)", n, err)
	}
}

// What the directive tasks record counts: the time that decides
// timeliness and the working days late recorded at close, returns, a
// submission waiting, and the coordinators' parts, each with its own
// deadline, as Facts of their own.
func TestFactsOfDirectiveTasks(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	ids := map[string]int64{}
	var an, binh, cuong, unitA, unitB int64
	update(t, db, func(tx nhacviec.Tx) error {
		a := &nhacviec.Unit{Name: "Phòng A"}
		b := &nhacviec.Unit{Name: "Phòng B"}
		for _, u := range []*nhacviec.Unit{a, b} {
			if err := tx.CreateUnit(u); err != nil {
				return err
			}
		}
		unitA, unitB = a.ID, b.ID
		chat := &nhacviec.Chat{Transport: "telegram", ExternalID: "-1", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		var who []int64
		for i, name := range []string{"an", "binh", "cuong"} {
			p := &nhacviec.Person{Transport: "telegram", ExternalID: fmt.Sprint(200 + i), Username: name}
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			who = append(who, p.ID)
		}
		an, binh, cuong = who[0], who[1], who[2]
		if err := tx.Grant(nhacviec.Membership{PersonID: binh, UnitID: unitB, Role: nhacviec.RoleMember}); err != nil {
			return err
		}
		mk := func(name string, deadline string) *nhacviec.Task {
			task := &nhacviec.Task{Title: name, AssignerID: an, AssigneeID: an, ChatID: chat.ID, UnitID: unitA,
				Deadline: vnAt(deadline), Status: nhacviec.StatusOpen, CreatedAt: vnAt("2026-11-02 08:00")}
			if err := tx.CreateTask(task); err != nil {
				t.Fatal(err)
			}
			ids[name] = task.ID
			return task
		}
		// Returned twice, submitted on time the last time, approved after the deadline: on time.
		r := mk("returned", "2026-11-20 17:00")
		r.Status, r.ClosedAt, r.FinishedAt, r.LateDays, r.Returns = nhacviec.StatusDone, vnAt("2026-11-24 09:00"), vnAt("2026-11-20 16:00"), 0, 2
		if err := tx.SaveTask(r); err != nil {
			return err
		}
		// Waiting for review since before its deadline, now past: not overdue.
		w := mk("waiting", "2026-11-25 17:00")
		w.SubmittedAt = vnAt("2026-11-25 10:00")
		if err := tx.SaveTask(w); err != nil {
			return err
		}
		// The lead on time; binh's part late by 2 working days (recorded);
		// Phòng B's part handed to cuong, not delivered when the task closed
		// after its deadline: closed with the task, late.
		c := mk("coordinated", "2026-11-27 17:00")
		parts := []*nhacviec.Coordinator{
			{TaskID: c.ID, PersonID: binh, Deadline: vnAt("2026-11-24 17:00"), CreatedAt: vnAt("2026-11-02 08:00")},
			{TaskID: c.ID, UnitID: unitB, Deadline: vnAt("2026-11-25 17:00"), CreatedAt: vnAt("2026-11-02 08:00")},
		}
		for _, p := range parts {
			if err := tx.AddCoordinator(p); err != nil {
				return err
			}
		}
		if err := tx.HandCoordinator(parts[1].ID, cuong); err != nil {
			return err
		}
		parts[0].DoneAt, parts[0].DoneBy, parts[0].LateDays = vnAt("2026-11-26 10:00"), binh, 2
		if err := tx.FinishCoordinator(parts[0]); err != nil {
			return err
		}
		c.Status, c.ClosedAt, c.FinishedAt, c.LateDays = nhacviec.StatusDone, vnAt("2026-11-27 15:00"), vnAt("2026-11-27 15:00"), 0
		if err := tx.SaveTask(c); err != nil {
			return err
		}
		// "waiting" was overdue once: its lead gave a cause; its lead changed.
		if err := tx.SetOverdueCause(&nhacviec.OverdueCause{TaskID: w.ID, PersonID: an, Cause: "waiting", Deadline: w.Deadline}); err != nil {
			return err
		}
		return tx.AddEvent(&nhacviec.TaskEvent{TaskID: w.ID, ActorID: an, Kind: nhacviec.EventHandedOver, Note: "từ @binh sang @an: binh nghỉ phép"})
	})
	now := vnAt("2026-12-03 10:00")
	nov, _ := report.ParsePeriod("tháng 11", now, vnZone)
	facts, err := report.Collect(ctx, db, report.Query{From: nov.From, At: nov.End(now), Detail: true})
	if err != nil {
		t.Fatal(err)
	}
	fg := report.Compute(facts, nov, now, weekdaysOnly{}, []*nhacviec.Unit{{ID: unitA}, {ID: unitB}})
	type key struct {
		task int64
		role report.Role
		who  int64
	}
	got := map[key]report.Row{}
	for _, r := range fg.Rows {
		got[key{r.Fact.TaskID, r.Fact.Role, r.Fact.PersonID}] = r
	}
	for _, w := range []struct {
		k     key
		st    report.State
		days  int
		units int64
	}{
		{key{ids["returned"], report.RoleLead, an}, report.StateOnTime, 0, unitA},
		{key{ids["waiting"], report.RoleLead, an}, report.StateInProgress, 0, unitA},
		{key{ids["coordinated"], report.RoleLead, an}, report.StateOnTime, 0, unitA},
		{key{ids["coordinated"], report.RoleCoordinator, binh}, report.StateLate, 2, unitB},  // binh's unit
		{key{ids["coordinated"], report.RoleCoordinator, cuong}, report.StateLate, 2, unitB}, // 25/11 → 27/11
	} {
		r, ok := got[w.k]
		if !ok {
			t.Errorf("%+v not counted", w.k)
			continue
		}
		if r.State != w.st || r.Days != w.days || r.Fact.UnitID != w.units {
			t.Errorf("%+v: %v, %d days, unit %d; want %v, %d, unit %d", w.k, r.State, r.Days, r.Fact.UnitID, w.st, w.days, w.units)
		}
	}
	if len(fg.Rows) != 5 {
		t.Errorf("%d rows, want 5", len(fg.Rows))
	}
	if ret := fg.Returned(); len(ret) != 1 || ret[0].Fact.TaskID != ids["returned"] || ret[0].Fact.Returns != 2 {
		t.Errorf("returned twice: %+v", ret)
	}
	if f := got[key{ids["waiting"], report.RoleLead, an}].Fact; f.Cause != "waiting" || !f.Objective || f.HandOver != "từ @binh sang @an: binh nghỉ phép" {
		t.Errorf("waiting's cause and hand-over: %+v", f)
	}
	if f := got[key{ids["coordinated"], report.RoleLead, an}].Fact; f.Coordinators != "@binh, Phòng B" {
		t.Errorf("coordinated's coordinators: %q", f.Coordinators)
	}
	if tot := fg.Total.Lead; tot.Causes != 1 || tot.Objective != 1 || tot.Returned2 != 1 {
		t.Errorf("total: %+v", tot)
	}
	if c := fg.Units[unitB].Coord; c.States != (report.States{0, 0, 2, 0, 0}) {
		t.Errorf("Phòng B as coordinator: %v", c.States)
	}
	// Scoped to Phòng B: its parts, not Phòng A's tasks.
	facts, err = report.Collect(ctx, db, report.Query{From: nov.From, At: nov.End(now), Units: []int64{unitB}})
	if err != nil || len(facts) != 2 || facts[0].Role != report.RoleCoordinator || facts[1].Role != report.RoleCoordinator {
		t.Errorf("Phòng B's facts: %+v, %v", facts, err)
	}
}
