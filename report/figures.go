package report

import (
	"cmp"
	"slices"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Role is the responsibility a Fact counts: a task's lead (chủ trì) or
// one coordinator's part (phối hợp).
type Role string

// Roles.
const (
	RoleLead        Role = "lead"
	RoleCoordinator Role = "coordinator"
)

// Fact is one counted responsibility: a task's lead, or one coordinator's
// part of it with its own deadline. The store builds them; Compute is the
// one definition of what they add up to.
type Fact struct {
	TaskID  int64
	Title   string
	Source  string // the document it comes from (nguồn giao), "" when none
	KeyTask bool   // trọng tâm
	Urgent  bool   // khẩn
	Role    Role
	// PersonID answers for it: the lead at close (or now, while open), or
	// the coordinator; for a unit's part, the person it was handed to, or
	// 0 while its head holds it.
	PersonID int64
	// UnitID is the unit it counts for (and every unit above it): the
	// task's unit for the lead, the coordinating unit or the
	// coordinator's unit for a part; 0 for none.
	UnitID     int64
	AssignerID int64
	// Coordinators names the coordinators, for a lead's detail row.
	Coordinators string
	Created      time.Time
	// Deadline is the deadline in force; FirstDeadline the one given at
	// first when it moved since (an extension, a change), zero otherwise.
	Deadline      time.Time
	FirstDeadline time.Time
	Status        nhacviec.Status
	// Closed is when it was done or cancelled (zero while open): a period
	// counts what closed in it.
	Closed time.Time
	// Finished is the time its timeliness is judged by: the submission
	// finally accepted, or "xong"; zero: Closed.
	Finished time.Time
	// Submitted is when an open task was submitted for review and waits
	// for it, zero otherwise: a task submitted by its deadline is not
	// overdue while the reviewer holds it.
	Submitted time.Time
	// LateDays is the working days late recorded at close, when
	// LateRecorded; otherwise they are counted from Finished.
	LateDays     int
	LateRecorded bool
	Returns      int // times returned (trả lại)
	ExtAsked     int // extensions asked (xin gia hạn)
	ExtGranted   int // … and granted
	// Cause is the overdue cause the lead gave, "" when none; Objective
	// says whether reports count it as objective (khách quan).
	Cause     string
	Objective bool
	// HandOver says how the lead changed, e.g. "từ @an ngày 12/11/2026",
	// "" when it did not.
	HandOver string
}

// State is where a Fact stands in a period: the four states of the
// Government Office's task reports, or nowhere.
type State int

// States.
const (
	StateNone       State = iota // not counted in the period
	StateOnTime                  // Hoàn thành đúng hạn
	StateLate                    // Hoàn thành trễ hạn
	StateOverdue                 // Quá hạn chưa hoàn thành
	StateInProgress              // Đang thực hiện trong hạn
)

// String is the state as reports name it.
func (s State) String() string {
	switch s {
	case StateOnTime:
		return "Hoàn thành đúng hạn"
	case StateLate:
		return "Hoàn thành trễ hạn"
	case StateOverdue:
		return "Quá hạn chưa hoàn thành"
	case StateInProgress:
		return "Đang thực hiện trong hạn"
	}
	return ""
}

// WorkingDays tells working days from days off; *calendar.Calendar is one.
type WorkingDays interface {
	IsWorkingDay(t time.Time) bool
}

// States counts Facts by state, indexed by State.
type States [5]int

// Counted is how many the on-time rate is out of: done on time, done
// late and overdue.
func (s States) Counted() int { return s[StateOnTime] + s[StateLate] + s[StateOverdue] }

// Total is every Fact counted in any state.
func (s States) Total() int { return s.Counted() + s[StateInProgress] }

// Rate is the on-time rate in percent: on time / (on time + late +
// overdue); ok is false when there is none of those.
func (s States) Rate() (pct float64, ok bool) {
	n := s.Counted()
	if n == 0 {
		return 0, false
	}
	return 100 * float64(s[StateOnTime]) / float64(n), true
}

// Tally is what one person's or unit's Facts of one role add up to.
type Tally struct {
	States
	Key         States // the key tasks (trọng tâm) among them
	LateDays    int    // working days late, summed over the late
	OverdueDays int    // working days overdue, summed over the overdue
	Returns     int    // returns, summed
	Returned2   int    // how many were returned 2 times or more
	ExtAsked    int
	ExtGranted  int
	Causes      int // overdue causes given
	Objective   int // … of them objective
}

func (t *Tally) add(r *Row) {
	f := r.Fact
	t.States[r.State]++
	if f.KeyTask {
		t.Key[r.State]++
	}
	switch r.State {
	case StateLate:
		t.LateDays += r.Days
	case StateOverdue:
		t.OverdueDays += r.Days
	}
	t.Returns += f.Returns
	if f.Returns >= 2 {
		t.Returned2++
	}
	t.ExtAsked += f.ExtAsked
	t.ExtGranted += f.ExtGranted
	if f.Cause != "" {
		t.Causes++
		if f.Objective {
			t.Objective++
		}
	}
}

// Line is one person's or unit's figures, as lead and as coordinator.
type Line struct {
	Lead, Coord Tally
}

func (l *Line) add(r *Row) {
	if r.Fact.Role == RoleCoordinator {
		l.Coord.add(r)
	} else {
		l.Lead.add(r)
	}
}

// Row is a Fact counted in the period, with its state and the working
// days it was late (StateLate) or is overdue (StateOverdue).
type Row struct {
	Fact  *Fact
	State State
	Days  int
}

// Figures is what Compute makes of a period's Facts.
type Figures struct {
	Period Period
	// At is when open tasks were looked at: the period's end, or Now if
	// earlier. Now is the time of the figures ("số liệu đến").
	At, Now time.Time
	Total   Line
	Units   map[int64]*Line // a unit's line counts its whole subtree
	People  map[int64]*Line
	Rows    []Row // every Fact counted, by unit, person, task
}

// Compute is the one definition of the figures. For the period [from, to)
// and at = min(to, now), each Fact not cancelled is
//   - Hoàn thành đúng hạn / trễ hạn when done and closed in the period:
//     late when its recorded working days late are > 0 or, not recorded,
//     when it was finished after its deadline in force (finished exactly
//     at the deadline is on time); its days are the working days after
//     the deadline's date up to the finishing date, a begun day whole;
//   - Quá hạn chưa hoàn thành when created before at, still open at at
//     (or closed only after it) and at is after its deadline, unless it
//     was submitted for review by its deadline and waits; its days are
//     counted to at likewise;
//   - Đang thực hiện trong hạn when open at at and not overdue;
//   - nowhere otherwise (closed before the period, created after it,
//     cancelled).
//
// Each counted Fact adds to its role's Tally in the total, in its
// person's line and in its unit's and every unit's above it.
func Compute(facts []Fact, p Period, now time.Time, days WorkingDays, units []*nhacviec.Unit) *Figures {
	c := NewCounter(p, now, days, units, true)
	for i := range facts {
		c.Add(&facts[i])
	}
	return c.Figures()
}

// Counter is Compute one Fact at a time, for Facts read as a stream: a
// year of the whole organisation is counted without holding its Facts.
type Counter struct {
	fg     *Figures
	p      Period
	wd     *dayCounter
	parent map[int64]int64
	paths  map[int64][]*Line // a unit's line and those of the units above it
	keep   bool
	hops   int
}

// NewCounter starts counting the period p at now. keepRows keeps a copy
// of every Fact counted in Figures.Rows (the export's detail); without it
// Rows stays empty.
func NewCounter(p Period, now time.Time, days WorkingDays, units []*nhacviec.Unit, keepRows bool) *Counter {
	c := &Counter{fg: &Figures{Period: p, At: p.End(now), Now: now, Units: map[int64]*Line{}, People: map[int64]*Line{}},
		p: p, wd: newDayCounter(days, p.From.Location()), parent: make(map[int64]int64, len(units)),
		paths: map[int64][]*Line{}, keep: keepRows, hops: len(units)}
	for _, u := range units {
		c.parent[u.ID] = u.ParentID
	}
	return c
}

// Add counts f; f may be reused by the caller afterwards.
func (c *Counter) Add(f *Fact) {
	st, n := classify(f, c.p, c.fg.At, c.wd)
	if st == StateNone {
		return
	}
	r := Row{Fact: f, State: st, Days: n}
	if c.keep {
		kept := *f
		r.Fact = &kept
		c.fg.Rows = append(c.fg.Rows, r)
	}
	c.fg.Total.add(&r)
	if id := f.PersonID; id != 0 {
		line(c.fg.People, id).add(&r)
	}
	for _, l := range c.path(f.UnitID) {
		l.add(&r)
	}
}

// path is the lines of unit id and every unit above it.
func (c *Counter) path(id int64) []*Line {
	if p, ok := c.paths[id]; ok {
		return p
	}
	var p []*Line
	// The walk stops after as many steps as there are units: a cycle in
	// the tree would otherwise never end.
	for u, hops := id, 0; u != 0 && hops <= c.hops; u, hops = c.parent[u], hops+1 {
		p = append(p, line(c.fg.Units, u))
	}
	c.paths[id] = p
	return p
}

// Figures returns what was counted; the rows kept are in the detail's
// order: by unit, person, task, role.
func (c *Counter) Figures() *Figures {
	slices.SortFunc(c.fg.Rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Fact.UnitID, b.Fact.UnitID), cmp.Compare(a.Fact.PersonID, b.Fact.PersonID),
			cmp.Compare(a.Fact.TaskID, b.Fact.TaskID), cmp.Compare(a.Fact.Role, b.Fact.Role))
	})
	return c.fg
}

func line(m map[int64]*Line, id int64) *Line {
	l := m[id]
	if l == nil {
		l = &Line{}
		m[id] = l
	}
	return l
}

// classify places f in the period p, its open tasks looked at at.
func classify(f *Fact, p Period, at time.Time, wd *dayCounter) (State, int) {
	switch f.Status {
	case nhacviec.StatusCancelled:
		return StateNone, 0
	case nhacviec.StatusDone:
		if f.Closed.IsZero() || f.Closed.Before(p.From) {
			return StateNone, 0
		}
		if f.Closed.Before(p.To) && !f.Closed.After(at) {
			late := f.LateDays
			if !f.LateRecorded {
				fin := f.Finished
				if fin.IsZero() {
					fin = f.Closed
				}
				late = wd.late(f.Deadline, fin)
			}
			if late > 0 {
				return StateLate, late
			}
			return StateOnTime, 0
		}
	}
	// Open at at: not closed yet, or closed at it or after.
	if !f.Created.IsZero() && !f.Created.Before(at) {
		return StateNone, 0
	}
	if !at.After(f.Deadline) {
		return StateInProgress, 0
	}
	waiting := f.Submitted
	if f.Status == nhacviec.StatusDone {
		waiting = f.Finished
	}
	if !waiting.IsZero() && !waiting.After(at) && !waiting.After(f.Deadline) {
		return StateInProgress, 0
	}
	// Counted to the instant before at: at a period's end, midnight, the
	// next day has not begun.
	return StateOverdue, wd.late(f.Deadline, at.Add(-time.Nanosecond))
}

// dayCounter counts working days with a running sum per day, filled as
// far as asked, so that a year of overdue tasks costs a subtraction each.
type dayCounter struct {
	days  WorkingDays
	loc   *time.Location
	base  int   // the day number of sum[0]
	sum   []int // sum[i]: working days in [base, base+i]
	known bool
}

func newDayCounter(days WorkingDays, loc *time.Location) *dayCounter {
	return &dayCounter{days: days, loc: loc}
}

// dayNum is the day number of t's date in the counter's zone.
func (c *dayCounter) dayNum(t time.Time) int {
	y, m, d := t.In(c.loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (c *dayCounter) working(n int) int {
	t := time.Unix(int64(n)*86400, 0).UTC()
	if c.days.IsWorkingDay(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, c.loc)) {
		return 1
	}
	return 0
}

// grow makes the sums reach day n.
func (c *dayCounter) grow(n int) {
	if !c.known {
		c.base, c.sum, c.known = n, []int{c.working(n)}, true
	}
	if n < c.base {
		// Grow backwards: the days before base, then shift.
		pre := make([]int, c.base-n)
		run := 0
		for i := range pre {
			run += c.working(n + i)
			pre[i] = run
		}
		for i := range c.sum {
			c.sum[i] += run
		}
		c.sum = append(pre, c.sum...)
		c.base = n
	}
	for last := c.base + len(c.sum) - 1; last < n; last++ {
		c.sum = append(c.sum, c.sum[len(c.sum)-1]+c.working(last+1))
	}
}

// late says how late something done at at was for deadline: 0 when at is
// not after it; else the working days after the deadline's date up to
// at's date, a begun day counting whole, so at least 1 (done at 18:00 on
// the deadline's day, or on the Saturday after a Friday's deadline, is
// late by 1 working day).
func (c *dayCounter) late(deadline, at time.Time) int {
	if !at.After(deadline) {
		return 0
	}
	d, a := c.dayNum(deadline), c.dayNum(at)
	c.grow(d)
	c.grow(a)
	n := c.sum[a-c.base] - c.sum[d-c.base]
	return max(n, 1)
}
