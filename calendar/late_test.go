package calendar

import "testing"

func TestWorkingDaysLate(t *testing.T) {
	c := New(Config{Location: vn})
	for _, tc := range []struct {
		deadline, at string
		want         int
	}{
		{"2026-11-25 17:00", "2026-11-24 10:00", 0}, // early
		{"2026-11-25 17:00", "2026-11-25 17:00", 0}, // at the deadline
		{"2026-11-25 17:00", "2026-11-25 17:30", 1}, // the same day, after it
		{"2026-11-25 17:00", "2026-11-26 09:00", 1},
		{"2026-11-25 17:00", "2026-11-27 16:00", 2},
		{"2026-11-27 17:00", "2026-11-28 10:00", 1}, // Friday's deadline, Saturday
		{"2026-11-27 17:00", "2026-11-30 08:00", 1}, // … Monday: the weekend does not count
		{"2026-11-27 17:00", "2026-12-02 08:00", 3},
		{"2026-12-31 17:00", "2027-01-04 08:00", 1}, // New Year's Day off
	} {
		if got := c.WorkingDaysLate(tm(tc.deadline), tm(tc.at)); got != tc.want {
			t.Errorf("deadline %s, finished %s: %d working days late, want %d", tc.deadline, tc.at, got, tc.want)
		}
	}
}
