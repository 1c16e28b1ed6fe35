package calendar

import "time"

// WorkingDaysLate says how late something finished at at was for a
// deadline: 0 when at is not after the deadline; else the working days
// after the deadline's date up to at's date, a begun day counting whole,
// so at least 1 (finished at 18:00 on the deadline's day, or on the
// Saturday after a Friday's deadline, is late by 1 working day).
func (c *Calendar) WorkingDaysLate(deadline, at time.Time) int {
	if !at.After(deadline) {
		return 0
	}
	n := 0
	for jd, last := c.dayNum(deadline)+1, c.dayNum(at); jd <= last; jd++ {
		if c.isWorkingJD(jd) {
			n++
		}
	}
	return max(n, 1)
}
