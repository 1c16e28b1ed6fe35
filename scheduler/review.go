package scheduler

import (
	"fmt"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// planReview plans the reminders of a task waiting for review: to its
// reviewer, not its lead, whose deadline no longer chases them. The
// first comes 1 working day after the submission (counted from when
// working hours allowed reading it), then one every working morning at
// RemindAt. As with the lead's nudges, one missed while the bot was down
// is replaced by the next.
func (s *Scheduler) planReview(t *nhacviec.Task, now time.Time) ([]nhacviec.Notice, time.Time) {
	cal := s.Calendar
	seen := cal.InWorkingHours(t.SubmittedAt.In(cal.Location()))
	first := cal.InWorkingHours(cal.At(cal.NextWorkingDay(seen), clockOf(seen)))
	if now.Before(first) {
		return nil, first
	}
	next := cal.At(now, s.RemindAt)
	if !cal.IsWorkingDay(now) || !now.Before(next) || day(now) <= day(first) {
		next = cal.At(cal.NextWorkingDay(now), s.RemindAt)
	}
	due := first
	if day(now) > day(first) {
		// Today's morning, once its time came on a working day; one
		// missed before it is not sent late.
		due = cal.At(now, s.RemindAt)
		if !cal.IsWorkingDay(now) || now.Before(due) {
			return nil, next
		}
	}
	// A new submission after a return is a new series of reminders.
	slot := fmt.Sprintf("%s:%d:%s", nhacviec.SlotReview, t.SubmittedAt.UnixMilli(), day(due))
	return []nhacviec.Notice{{Kind: nhacviec.KindReminder, Slot: slot, Task: t, At: due}}, next
}

// clockOf is t's time of day.
func clockOf(t time.Time) calendar.Clock { return calendar.Clock{Hour: t.Hour(), Minute: t.Minute()} }
