package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// The monthly report: on the first working day of a month (the calendar
// decides, holidays and swaps included), from RemindAt, every leader and
// monitor gets last month's figures of the organisation and every head
// those of their unit, unless they turned it off (/caidat baocao tat).
// The bot composes what each gets (nhacviec.KindMonthly): messages with
// recipes, made when sent. A run missed while the bot was down is made
// up later the same working day, not after.

// firstWorkingDay reports whether now's day is its month's first working
// day.
func (s *Scheduler) firstWorkingDay(now time.Time) bool {
	cal := s.Calendar
	if !cal.IsWorkingDay(now) {
		return false
	}
	prev := cal.PrevWorkingDay(now)
	return prev.Month() != now.Month() || prev.Year() != now.Year()
}

// planMonthly plans the monthly reports due at now that are not planned
// yet, in one transaction, and returns how many messages it wrote.
func (s *Scheduler) planMonthly(ctx context.Context, now time.Time) (int, error) {
	cal := s.Calendar
	if !s.firstWorkingDay(now) || now.Before(cal.At(now, s.RemindAt)) || now.After(cal.EndOfDay(now)) {
		return 0, nil
	}
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, cal.Location()).AddDate(0, -1, 0)
	month := last.Format("2006-01")
	run := "monthly:" + month
	if s.runs.isDone(run) {
		return 0, nil
	}
	written := 0
	err := s.Store.Update(ctx, func(tx nhacviec.Tx) error {
		written = 0
		people, err := monthlyRecipients(tx)
		if err != nil {
			return err
		}
		keys := make([]string, len(people))
		for i, id := range people {
			// Keyed as the other planned messages (noticeKey): the day
			// first; one report per person and month.
			keys[i] = fmt.Sprintf("%s/monthly:%d:%s", day(now), id, month)
		}
		planned, err := tx.PlannedKeys(keys)
		if err != nil {
			return err
		}
		c := newChunk(tx)
		if err := c.prefetch(people); err != nil {
			return err
		}
		at := later(cal.At(now, s.RemindAt), now)
		for i, id := range people {
			if planned[keys[i]] {
				continue
			}
			p, err := c.Person(id)
			if err != nil {
				return err
			}
			out, err := s.Composer.Compose(c, nhacviec.Notice{Kind: nhacviec.KindMonthly, Slot: month, To: p, At: at})
			if err != nil {
				return fmt.Errorf("scheduler: monthly report to %d: %w", id, err)
			}
			// A report is several messages to one chat (the table, the
			// chart, the file), each under a key of its own; Enqueue,
			// not EnqueueAll, as they carry recipes.
			for j, m := range out {
				m.Key = keys[i] + ":" + strconv.FormatInt(m.ChatID, 10) + ":" + strconv.Itoa(j)
				m.NotBefore = cal.InWorkingHours(at)
				added, err := tx.Enqueue(m)
				if err != nil {
					return err
				}
				if added {
					written++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err // rolled back: planned again by the next pass
	}
	s.runs.markDone([]string{run})
	return written, nil
}

// monthlyRecipients are the leaders, monitors and heads of every unit
// who did not turn the monthly report off, by id, each once.
func monthlyRecipients(tx nhacviec.Tx) ([]int64, error) {
	off, err := tx.PersonSettings(nhacviec.SettingMonthlyReport)
	if err != nil {
		return nil, err
	}
	return roleHolders(tx, func(m nhacviec.Membership) bool {
		return m.Role != nhacviec.RoleMember && off[m.PersonID] != nhacviec.SettingOff
	})
}

// roleHolders are the people holding a role in some unit that want
// accepts, by id, each once.
func roleHolders(tx nhacviec.Tx, want func(nhacviec.Membership) bool) ([]int64, error) {
	units, err := tx.Units()
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, u := range units {
		roles, err := tx.UnitRoles(u.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range roles {
			if want(m) {
				out = append(out, m.PersonID)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
