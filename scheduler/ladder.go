package scheduler

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// The escalation ladder: a task overdue for long is reported up the
// organisation, once per level. Every working morning from DigestAt
// (07:30, before the 08:00 reminders, so as not to lengthen that pass)
// each head of a unit gets one list of the tasks of their unit that
// became overdue for the unit's HeadDays working days since; on the first
// working morning of a week the leaders and monitors get one list of
// those overdue for LeaderDays. A run missed while the bot was down is
// made up later the same working day (the week, for the leaders').
//
// Overdue for N working days, on a morning, means that N whole working
// days passed after the deadline's day: a task due Thursday 17:00 is
// overdue 2 working days on Tuesday morning (Friday and Monday; the
// weekend does not count).

// ladderState remembers the runs this scheduler found done, so that the
// pass of every minute does not ask the store again.
type ladderState struct {
	mu   sync.Mutex
	done map[string]bool
}

func (l *ladderState) isDone(slot string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.done[slot]
}

func (l *ladderState) markDone(slots []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done == nil {
		l.done = map[string]bool{}
	}
	for _, s := range slots {
		l.done[s] = true
	}
}

// ladderRun is one level's run: its slot names it for the day (heads) or
// the week (leaders).
type ladderRun struct {
	level int
	slot  string
}

// ladderRuns are the runs due at now.
func ladderRuns(now time.Time) []ladderRun {
	year, week := now.ISOWeek()
	return []ladderRun{
		{nhacviec.EscalateHead, "head:" + day(now)},
		{nhacviec.EscalateLeaders, fmt.Sprintf("leaders:%d-W%02d", year, week)},
	}
}

// planLadder runs the ladder's runs due at now that were not run yet, in
// one transaction, and returns how many messages it wrote.
func (s *Scheduler) planLadder(ctx context.Context, now time.Time) (int, error) {
	cal := s.Calendar
	if !cal.IsWorkingDay(now) || now.Before(cal.At(now, s.DigestAt)) || now.After(cal.EndOfDay(now)) {
		return 0, nil
	}
	var runs []ladderRun
	for _, r := range ladderRuns(now) {
		if !s.ladder.isDone(r.slot) {
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 {
		return 0, nil
	}
	written := 0
	var done []string
	err := s.Store.Update(ctx, func(tx nhacviec.Tx) error {
		written, done = 0, done[:0]
		c := newChunk(tx)
		var org *ladderOrg
		for _, r := range runs {
			claimed, err := tx.ClaimLadder(r.slot)
			if err != nil {
				return err
			}
			done = append(done, r.slot)
			if !claimed {
				continue // done before this scheduler started
			}
			if org == nil {
				if org, err = loadLadderOrg(tx); err != nil {
					return err
				}
			}
			n, err := s.escalate(c, org, r, now)
			if err != nil {
				return fmt.Errorf("scheduler: ladder %s: %w", r.slot, err)
			}
			written += n
		}
		return nil
	})
	if err != nil {
		return 0, err // rolled back: the runs are not done
	}
	s.ladder.markDone(done)
	return written, nil
}

// escalate records the escalations of run r and writes one report to
// each person told.
func (s *Scheduler) escalate(c *chunk, org *ladderOrg, r ladderRun, now time.Time) (int, error) {
	keys, err := c.EscalationCandidates(r.level, s.cutoff(now, org.minDays(r.level)))
	if err != nil {
		return 0, err
	}
	byPerson := map[int64][]nhacviec.TaskKey{}
	var es []nhacviec.Escalation
	for _, k := range keys {
		set := org.setting(k.UnitID)
		if set.Off || !k.Deadline.Before(s.cutoff(now, set.Days(r.level))) {
			continue
		}
		to, err := org.recipients(c, r.level, k)
		if err != nil {
			return 0, err
		}
		if len(to) == 0 {
			// Nobody to tell: asked again tomorrow, when someone may
			// hold the role.
			continue
		}
		for _, p := range to {
			byPerson[p] = append(byPerson[p], k)
		}
		es = append(es, nhacviec.Escalation{TaskID: k.ID, Level: r.level, UnitID: k.UnitID, Deadline: k.Deadline})
	}
	if len(es) == 0 {
		return 0, nil
	}
	people := make([]int64, 0, len(byPerson))
	for id := range byPerson {
		people = append(people, id)
	}
	slices.Sort(people)
	// The recipients, and the leads the reports name, in one query.
	leads := make([]int64, 0, len(es)+len(people))
	for _, k := range keys {
		leads = append(leads, k.AssigneeID)
	}
	if err := c.prefetch(append(leads, people...)); err != nil {
		return 0, err
	}
	at := later(s.Calendar.At(now, s.DigestAt), now)
	var msgs []*nhacviec.Message
	for _, id := range people {
		p, err := c.Person(id)
		if err != nil {
			return 0, err
		}
		n := nhacviec.Notice{Kind: nhacviec.KindEscalation, Slot: r.slot, To: p, Escalated: byPerson[id], At: at}
		// Keyed as the other planned messages (noticeKey): the day first.
		key := fmt.Sprintf("%s/escalation:%d:%s", day(now.In(s.Calendar.Location())), id, r.slot)
		if msgs, err = s.compose(c, n, key, now, msgs); err != nil {
			return 0, fmt.Errorf("person %d: %w", id, err)
		}
	}
	if err := c.AddEscalations(es); err != nil {
		return 0, err
	}
	return c.EnqueueAll(msgs)
}

// cutoff is the deadline before which a task is overdue for days whole
// working days on now's morning: the start of the days-th working day
// before now's.
func (s *Scheduler) cutoff(now time.Time, days int) time.Time {
	return s.Calendar.At(s.Calendar.AddWorkingDays(now, -days), calendar.Clock{})
}

// ladderOrg is what the ladder reads of the organisation for one run:
// the unit tree, the units' settings, and the roles in each unit (units
// are tens, not thousands).
type ladderOrg struct {
	parent   map[int64]int64
	settings map[int64]nhacviec.LadderSetting
	roles    map[int64][]nhacviec.Membership
}

func loadLadderOrg(tx nhacviec.Tx) (*ladderOrg, error) {
	units, err := tx.Units()
	if err != nil {
		return nil, err
	}
	settings, err := tx.UnitSettings(nhacviec.SettingLadder)
	if err != nil {
		return nil, err
	}
	o := &ladderOrg{parent: map[int64]int64{}, settings: map[int64]nhacviec.LadderSetting{}, roles: map[int64][]nhacviec.Membership{}}
	for _, u := range units {
		o.parent[u.ID] = u.ParentID
	}
	for unit, v := range settings {
		// A value not understood is no setting: the unit follows the
		// units above it.
		if st, ok := nhacviec.ParseLadderSetting(v); ok {
			o.settings[unit] = st
		}
	}
	return o, nil
}

// up is unit id and the units above it, nearest first (a loop in the
// tree cannot make it endless).
func (o *ladderOrg) up(id int64) []int64 {
	var out []int64
	for hops := 0; id != 0 && hops <= len(o.parent); hops++ {
		if _, ok := o.parent[id]; !ok {
			break
		}
		out = append(out, id)
		id = o.parent[id]
	}
	return out
}

// setting is the setting in force for unit id: its own, or the nearest
// unit's above, or the defaults.
func (o *ladderOrg) setting(id int64) nhacviec.LadderSetting {
	for _, u := range o.up(id) {
		if st, ok := o.settings[u]; ok {
			return st
		}
	}
	return nhacviec.DefaultLadder
}

// minDays is the smallest threshold of level in force anywhere: the
// candidates are read once, from the latest cutoff.
func (o *ladderOrg) minDays(level int) int {
	d := nhacviec.DefaultLadder.Days(level)
	for _, st := range o.settings {
		if !st.Off {
			d = min(d, st.Days(level))
		}
	}
	return d
}

func (o *ladderOrg) unitRoles(tx nhacviec.Tx, id int64) ([]nhacviec.Membership, error) {
	if r, ok := o.roles[id]; ok {
		return r, nil
	}
	r, err := tx.UnitRoles(id)
	if err != nil {
		return nil, err
	}
	o.roles[id] = r
	return r, nil
}

// recipients is who is told of task k at level: the heads of its unit,
// or of the nearest unit above that has a head other than its lead; or
// the leaders and monitors of its unit and the units above. Never its
// lead.
func (o *ladderOrg) recipients(tx nhacviec.Tx, level int, k nhacviec.TaskKey) ([]int64, error) {
	var out []int64
	for _, u := range o.up(k.UnitID) {
		roles, err := o.unitRoles(tx, u)
		if err != nil {
			return nil, err
		}
		for _, m := range roles {
			want := m.Role == nhacviec.RoleHead
			if level == nhacviec.EscalateLeaders {
				want = m.Role == nhacviec.RoleLeader || m.Role == nhacviec.RoleMonitor
			}
			if want && m.PersonID != k.AssigneeID && !slices.Contains(out, m.PersonID) {
				out = append(out, m.PersonID)
			}
		}
		if level == nhacviec.EscalateHead && len(out) > 0 {
			break
		}
	}
	return out, nil
}
