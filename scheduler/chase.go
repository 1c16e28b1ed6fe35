package scheduler

import (
	"context"
	"fmt"
	"sync"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// The chase of recurring report duties ("trước ngày 20 hàng tháng"):
// the lead of each occurrence (the unit that holds it) is reminded three
// working days before its deadline as well as the working day before
// (plan's "before3" slot, a reminder like the others, merged with the
// person's other notices when sent); and on the deadline's morning every
// monitor gets one list of the occurrences due that day not yet
// delivered, by duty and unit.

// dutyKinds remembers, by recurrence phrase, whether it makes a report
// duty: a monthly, quarterly or yearly recurrence (a daily or weekly one
// comes round too soon for a reminder three working days ahead).
type dutyKinds struct {
	mu   sync.Mutex
	duty map[string]bool
}

// reportDuty reports whether t is an occurrence of a recurring report
// duty.
func (s *Scheduler) reportDuty(t *nhacviec.Task) bool {
	if t.Recur == "" {
		return false
	}
	d := &s.duties
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.duty[t.Recur]; ok {
		return v
	}
	v := false
	if p, err := s.Calendar.Parse(t.Recur, t.Deadline); err == nil && p.Recurrence != nil {
		switch p.Recurrence.Kind {
		case calendar.Monthly, calendar.Quarterly, calendar.Yearly:
			v = true
		}
	}
	if d.duty == nil {
		d.duty = map[string]bool{}
	}
	d.duty[t.Recur] = v
	return v
}

// planChase plans, on a working morning from RemindAt, each monitor's
// list of the report duties due that day and not delivered, once a day.
func (s *Scheduler) planChase(ctx context.Context, now time.Time) (int, error) {
	cal := s.Calendar
	if !cal.IsWorkingDay(now) || now.Before(cal.At(now, s.RemindAt)) || now.After(cal.EndOfDay(now)) {
		return 0, nil
	}
	run := "chase:" + day(now)
	if s.runs.isDone(run) {
		return 0, nil
	}
	written := 0
	err := s.Store.Update(ctx, func(tx nhacviec.Tx) error {
		written = 0
		start := cal.At(now, calendar.Clock{})
		due, err := tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, ExcludeSubmitted: true,
			DeadlineFrom: start, DeadlineBefore: start.AddDate(0, 0, 1)})
		if err != nil {
			return err
		}
		var keys []nhacviec.TaskKey
		for _, t := range due {
			if s.reportDuty(t) {
				keys = append(keys, nhacviec.TaskKey{ID: t.ID, AssigneeID: t.AssigneeID, UnitID: t.UnitID, Deadline: t.Deadline})
			}
		}
		if len(keys) == 0 {
			return nil
		}
		monitors, err := monitorsOf(tx)
		if err != nil || len(monitors) == 0 {
			return err
		}
		c := newChunk(tx)
		if err := c.prefetch(monitors); err != nil {
			return err
		}
		at := later(cal.At(now, s.RemindAt), now)
		var msgs []*nhacviec.Message
		for _, id := range monitors {
			p, err := c.Person(id)
			if err != nil {
				return err
			}
			n := nhacviec.Notice{Kind: nhacviec.KindChase, Slot: day(now), To: p, Escalated: keys, At: at}
			key := fmt.Sprintf("%s/chase:%d:%s", day(now), id, day(now))
			if msgs, err = s.compose(c, n, key, now, msgs); err != nil {
				return fmt.Errorf("scheduler: chase to %d: %w", id, err)
			}
		}
		written, err = c.EnqueueAll(msgs)
		return err
	})
	if err != nil {
		return 0, err // rolled back: planned again by the next pass
	}
	s.runs.markDone([]string{run})
	return written, nil
}

// monitorsOf is everyone who holds the monitor's role (theo dõi) in a
// unit, by id, each once.
func monitorsOf(tx nhacviec.Tx) ([]int64, error) {
	return roleHolders(tx, func(m nhacviec.Membership) bool { return m.Role == nhacviec.RoleMonitor })
}
