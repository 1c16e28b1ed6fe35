package report

import (
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// weekdays is a working-day calendar: Monday to Friday, but the listed
// days off.
type weekdays map[string]bool

func (w weekdays) IsWorkingDay(t time.Time) bool {
	d := t.In(vn)
	if w[d.Format("2006-01-02")] {
		return false
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// The organisation of the tests: Sở (1) > Phòng A (2) > Tổ A1 (4); Sở > Phòng B (3).
var testUnits = []*nhacviec.Unit{{ID: 1, Name: "Sở Nội vụ"}, {ID: 2, Name: "Phòng Tổ chức", ParentID: 1},
	{ID: 3, Name: "Phòng Kế hoạch", ParentID: 1}, {ID: 4, Name: "Tổ Văn thư", ParentID: 2}}

// novemberFacts is a seeded history with known answers for November 2026,
// looked at on 3/12/2026 10:00 (27/11 a day off).
func novemberFacts(t testing.TB) (Period, time.Time, []Fact) {
	nov, err := ParsePeriod("tháng 11", at("2026-12-03 10:00"), vn)
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-12-03 10:00")
	lead := func(id, person, unit int64, created, deadline string) Fact {
		return Fact{TaskID: id, Title: "Việc", Role: RoleLead, PersonID: person, UnitID: unit, Created: at(created),
			Deadline: at(deadline), Status: nhacviec.StatusOpen}
	}
	done := func(f Fact, closed string) Fact {
		f.Status, f.Closed = nhacviec.StatusDone, at(closed)
		return f
	}
	facts := []Fact{
		// 1: closed exactly at the deadline minute: on time.
		done(lead(1, 10, 2, "2026-11-02 08:00", "2026-11-20 17:00"), "2026-11-20 17:00"),
		// 2: closed one minute after: late by 1 working day (a begun day counts).
		done(lead(2, 10, 2, "2026-11-02 08:00", "2026-11-20 17:00"), "2026-11-20 17:01"),
		// 3: Friday's deadline, done on Monday: 1 working day, the weekend does not count.
		done(lead(3, 11, 4, "2026-11-02 08:00", "2026-11-13 17:00"), "2026-11-16 09:00"),
		// 4: extended from 10/11 to 25/11, closed on 24/11: on time by the deadline in force.
		func() Fact {
			f := done(lead(4, 11, 4, "2026-11-02 08:00", "2026-11-25 17:00"), "2026-11-24 10:00")
			f.FirstDeadline, f.ExtAsked, f.ExtGranted = at("2026-11-10 17:00"), 2, 1
			return f
		}(),
		// 5: returned twice, then accepted: the submission on 18/11 counts, approved on 23/11.
		func() Fact {
			f := done(lead(5, 12, 3, "2026-11-02 08:00", "2026-11-20 17:00"), "2026-11-23 09:00")
			f.Finished, f.Returns = at("2026-11-18 16:00"), 2
			return f
		}(),
		// 6 and its coordinator's part: the lead on time, the coordinator late by 3 working days
		// (recorded when the part was delivered).
		done(lead(6, 12, 3, "2026-11-02 08:00", "2026-11-27 17:00"), "2026-11-26 11:00"),
		func() Fact {
			f := done(lead(6, 13, 2, "2026-11-02 08:00", "2026-11-23 17:00"), "2026-11-26 10:00")
			f.Role, f.LateDays, f.LateRecorded = RoleCoordinator, 3, true
			return f
		}(),
		// 7: closed at 23:59 on 30/11 in Vietnam: November; 8: at 00:00 on 1/12: not November,
		// and it was open and overdue at November's end.
		done(lead(7, 13, 2, "2026-11-02 08:00", "2026-12-10 17:00"), "2026-11-30 23:59"),
		done(lead(8, 13, 2, "2026-11-02 08:00", "2026-11-27 17:00"), "2026-12-01 00:00"),
		// 9: cancelled: nowhere.
		func() Fact {
			f := lead(9, 10, 2, "2026-11-02 08:00", "2026-11-05 17:00")
			f.Status, f.Closed = nhacviec.StatusCancelled, at("2026-11-20 09:00")
			return f
		}(),
		// 10: handed over to 14 on 15/11, open and past its deadline: overdue for 14 by 2 working
		// days at November's end (26/11 and 30/11; 27/11 is a day off).
		func() Fact {
			f := lead(10, 14, 3, "2026-11-02 08:00", "2026-11-25 17:00")
			f.HandOver, f.Cause, f.Objective, f.KeyTask = "từ @an ngày 15/11/2026", "waiting", true, true
			return f
		}(),
		// 11: open, due in December: in progress.
		lead(11, 14, 3, "2026-11-10 08:00", "2026-12-15 17:00"),
		// 12: created in December: nowhere in November.
		lead(12, 14, 3, "2026-12-01 08:00", "2026-12-02 17:00"),
		// 13: done in October: nowhere in November.
		done(lead(13, 14, 3, "2026-10-01 08:00", "2026-10-20 17:00"), "2026-10-20 08:00"),
		// 14: submitted for review by its deadline, still waiting: in progress, not overdue.
		func() Fact {
			f := lead(14, 10, 2, "2026-11-02 08:00", "2026-11-27 17:00")
			f.Submitted = at("2026-11-27 15:00")
			return f
		}(),
		// 15: submitted after its deadline and waiting: overdue.
		func() Fact {
			f := lead(15, 10, 2, "2026-11-02 08:00", "2026-11-26 17:00")
			f.Submitted = at("2026-11-27 15:00")
			return f
		}(),
	}
	return nov, now, facts
}

func TestComputeStates(t *testing.T) {
	nov, now, facts := novemberFacts(t)
	fg := Compute(facts, nov, now, weekdays{"2026-11-27": true}, testUnits)

	want := map[int64]struct {
		st   State
		days int
	}{1: {StateOnTime, 0}, 2: {StateLate, 1}, 3: {StateLate, 1}, 4: {StateOnTime, 0}, 5: {StateOnTime, 0},
		7: {StateOnTime, 0}, 8: {StateOverdue, 1}, 10: {StateOverdue, 2}, 11: {StateInProgress, 0},
		14: {StateInProgress, 0}, 15: {StateOverdue, 1}}
	seen := map[int64]bool{}
	for _, r := range fg.Rows {
		if r.Fact.Role == RoleCoordinator {
			if r.Fact.TaskID != 6 || r.State != StateLate || r.Days != 3 {
				t.Errorf("coordinator's part of #%d: %v %d, want late by 3", r.Fact.TaskID, r.State, r.Days)
			}
			continue
		}
		seen[r.Fact.TaskID] = true
		w, ok := want[r.Fact.TaskID]
		if r.Fact.TaskID == 6 {
			w, ok = struct {
				st   State
				days int
			}{StateOnTime, 0}, true
		}
		if !ok {
			t.Errorf("#%d counted as %v", r.Fact.TaskID, r.State)
			continue
		}
		if r.State != w.st || r.Days != w.days {
			t.Errorf("#%d: %v, %d days; want %v, %d days", r.Fact.TaskID, r.State, r.Days, w.st, w.days)
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("#%d not counted", id)
		}
	}
	// The total, as lead: on time 1, 4, 5, 6, 7; late 2, 3; overdue 8, 10, 15; in progress 11, 14.
	tot := fg.Total.Lead
	if tot.States != (States{0, 5, 2, 3, 2}) {
		t.Errorf("total as lead %v", tot.States)
	}
	if pct, ok := tot.Rate(); !ok || pct != 50 {
		t.Errorf("on-time rate %v %v, want 50 %% (5 of 10)", pct, ok)
	}
	if tot.Returned2 != 1 || tot.Returns != 2 || tot.ExtAsked != 2 || tot.ExtGranted != 1 || tot.Causes != 1 || tot.Objective != 1 {
		t.Errorf("returns, extensions, causes: %+v", tot)
	}
	if tot.Key != (States{0, 0, 0, 1, 0}) || tot.LateDays != 2 || tot.OverdueDays != 4 {
		t.Errorf("key %v, late days %d, overdue days %d", tot.Key, tot.LateDays, tot.OverdueDays)
	}
	if c := fg.Total.Coord; c.States != (States{0, 0, 1, 0, 0}) || c.LateDays != 3 {
		t.Errorf("total as coordinator %+v", c)
	}
	// A unit counts its subtree: Phòng Tổ chức (2) has its own 1, 2, 7, 8, 14, 15 and Tổ Văn thư's 3, 4.
	if got := fg.Units[2].Lead.States; got != (States{0, 3, 2, 2, 1}) {
		t.Errorf("Phòng Tổ chức %v", got)
	}
	if got := fg.Units[4].Lead.States; got != (States{0, 1, 1, 0, 0}) {
		t.Errorf("Tổ Văn thư %v", got)
	}
	if got := fg.Units[1].Lead.States; got != tot.States {
		t.Errorf("the Sở %v, want the total %v", got, tot.States)
	}
	if got := fg.Units[2].Coord.States; got != (States{0, 0, 1, 0, 0}) {
		t.Errorf("Phòng Tổ chức as coordinator %v", got)
	}
	// The task handed over counts for the lead at close.
	if p := fg.People[14]; p == nil || p.Lead.States != (States{0, 0, 0, 1, 1}) {
		t.Errorf("person 14: %+v", p)
	}
	if p := fg.People[13]; p == nil || p.Lead.States != (States{0, 1, 0, 1, 0}) || p.Coord.States != (States{0, 0, 1, 0, 0}) {
		t.Errorf("person 13: %+v", p)
	}
}

// This month's figures look at open tasks now, not at the month's end.
func TestComputeRunningPeriod(t *testing.T) {
	now := at("2026-12-03 10:00")
	dec, _ := ParsePeriod("", now, vn)
	facts := []Fact{
		{TaskID: 1, Role: RoleLead, PersonID: 1, Created: at("2026-12-01 08:00"), Deadline: at("2026-12-02 17:00"), Status: nhacviec.StatusOpen},
		{TaskID: 2, Role: RoleLead, PersonID: 1, Created: at("2026-12-01 08:00"), Deadline: at("2026-12-10 17:00"), Status: nhacviec.StatusOpen},
	}
	fg := Compute(facts, dec, now, weekdays{}, nil)
	if !fg.At.Equal(now) {
		t.Errorf("looked at %s, want now", fg.At)
	}
	if got := fg.Total.Lead.States; got != (States{0, 0, 0, 1, 1}) {
		t.Errorf("%v, want 1 overdue (by now) and 1 in progress", got)
	}
}

func TestDayCounter(t *testing.T) {
	c := newDayCounter(weekdays{"2027-01-01": true}, vn)
	for _, tc := range []struct {
		deadline, at string
		want         int
	}{
		{"2026-11-25 17:00", "2026-11-24 10:00", 0},
		{"2026-11-25 17:00", "2026-11-25 17:00", 0},
		{"2026-11-25 17:00", "2026-11-25 17:30", 1},
		{"2026-11-25 17:00", "2026-11-26 09:00", 1},
		{"2026-11-25 17:00", "2026-11-27 16:00", 2},
		{"2026-11-27 17:00", "2026-11-28 10:00", 1},
		{"2026-11-27 17:00", "2026-11-30 08:00", 1},
		{"2026-11-27 17:00", "2026-12-02 08:00", 3},
		{"2026-12-31 17:00", "2027-01-04 08:00", 1},
		{"2025-01-01 17:00", "2025-12-31 17:30", 260}, // the sums grown backwards
	} {
		if got := c.late(at(tc.deadline), at(tc.at)); got != tc.want {
			t.Errorf("deadline %s, done %s: %d, want %d", tc.deadline, tc.at, got, tc.want)
		}
	}
}
