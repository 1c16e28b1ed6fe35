// Package calendar knows when Vietnamese public agencies work: weekends,
// the statutory holidays of the Labour Code 2019 (Art. 112, including the
// lunar Tết and Giỗ Tổ Hùng Vương), compensatory days, the yearly swaps the
// government decrees (overrides), quiet hours, and the Vietnamese phrases
// people use to give a deadline ("17h thứ 6", "5 ngày làm việc", ...).
//
// A Calendar is safe for concurrent use.
package calendar

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is a time of day in the calendar's location.
type Clock struct{ Hour, Minute int }

// minutes returns the clock as minutes after midnight.
func (k Clock) minutes() int { return k.Hour*60 + k.Minute }

// String formats the clock as "17:00".
func (k Clock) String() string { return pad2(k.Hour) + ":" + pad2(k.Minute) }

// Config of a Calendar. Zero values mean defaults.
type Config struct {
	Location   *time.Location // default Asia/Ho_Chi_Minh
	Weekend    []time.Weekday // default Saturday, Sunday
	WorkStart  Clock          // default 07:30
	WorkEnd    Clock          // default 17:00: a deadline given as a date only means this time on that day
	QuietStart Clock          // default 21:00
	QuietEnd   Clock          // default 07:00
	NoHolidays bool           // if true, only weekends are non-working (for simple tests)
}

// Override is one day of a yearly government swap: a make-up working day
// (làm bù) or an extra day off. Overrides win over weekends and holidays.
type Override struct {
	Date    time.Time // local date 00:00
	Working bool      // true = make-up working day (làm bù), false = extra day off
	Reason  string
}

// Holiday is one entry of the working-day calendar shown to users.
type Holiday struct {
	Date    time.Time // local date 00:00
	Name    string
	Working bool // true: a make-up working day on an otherwise free day
}

// Calendar answers working-day questions for one organisation.
type Calendar struct {
	loc        *time.Location
	weekend    [7]bool
	workStart  Clock
	workEnd    Clock
	quietStart Clock
	quietEnd   Clock
	noHolidays bool

	// overrides is replaced as a whole so that readers never lock.
	overrides atomic.Pointer[map[int]Override]

	// years caches the statutory holidays per Gregorian year (int →
	// map[int]string): they depend only on the year and the weekend, and
	// the lunar maths is not free.
	years sync.Map
}

// maxScan bounds every day-by-day search, so that a calendar configured
// with no working days at all cannot loop forever.
const maxScan = 3700

// New returns a Calendar for cfg, filling defaults for zero values.
// A Weekend that covers all seven days is ignored (the default is used),
// since nothing could ever be due.
func New(cfg Config) *Calendar {
	c := &Calendar{
		loc:        cfg.Location,
		workStart:  cfg.WorkStart,
		workEnd:    cfg.WorkEnd,
		quietStart: cfg.QuietStart,
		quietEnd:   cfg.QuietEnd,
		noHolidays: cfg.NoHolidays,
	}
	if c.loc == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			// No tzdata on this machine: Vietnam has used UTC+7 without DST since 1975.
			loc = time.FixedZone("ICT", 7*3600)
		}
		c.loc = loc
	}
	n := 0
	for _, d := range cfg.Weekend {
		if d >= time.Sunday && d <= time.Saturday && !c.weekend[d] {
			c.weekend[d] = true
			n++
		}
	}
	if n == 0 || n == 7 {
		c.weekend = [7]bool{}
		c.weekend[time.Saturday] = true
		c.weekend[time.Sunday] = true
	}
	if c.workStart == (Clock{}) {
		c.workStart = Clock{7, 30}
	}
	if c.workEnd == (Clock{}) {
		c.workEnd = Clock{17, 0}
	}
	if c.quietStart == (Clock{}) {
		c.quietStart = Clock{21, 0}
	}
	if c.quietEnd == (Clock{}) {
		c.quietEnd = Clock{7, 0}
	}
	empty := map[int]Override{}
	c.overrides.Store(&empty)
	return c
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// WorkStart returns the start of the working day.
func (c *Calendar) WorkStart() Clock { return c.workStart }

// WorkEnd returns the end of the working day, the time of a date-only deadline.
func (c *Calendar) WorkEnd() Clock { return c.workEnd }

// dayNum returns the Julian day number of t's date in c's location.
func (c *Calendar) dayNum(t time.Time) int {
	y, m, d := t.In(c.loc).Date()
	return jdFromDate(d, int(m), y)
}

// fromDayNum returns 00:00 local of the day with Julian day number jd.
func (c *Calendar) fromDayNum(jd int) time.Time {
	d, m, y := jdToDate(jd)
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, c.loc)
}

// weekdayOf returns the weekday of Julian day number jd.
func weekdayOf(jd int) time.Weekday { return time.Weekday((jd + 1) % 7) }

// isWorkingJD is IsWorkingDay on a Julian day number.
func (c *Calendar) isWorkingJD(jd int) bool {
	if o, ok := (*c.overrides.Load())[jd]; ok {
		return o.Working
	}
	if c.weekend[weekdayOf(jd)] {
		return false
	}
	if c.noHolidays {
		return true
	}
	_, _, y := jdToDate(jd)
	_, hol := c.statutory(y)[jd]
	return !hol
}

// IsWorkingDay reports whether t's date, in c's location, is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.isWorkingJD(c.dayNum(t)) }

// dayOff says why jd is not a working day, in the words of the day's
// override, the statutory holiday or the weekend; nil for a working day.
func (c *Calendar) dayOff(jd int) *DayOff {
	if c.isWorkingJD(jd) {
		return nil
	}
	why := "ngày nghỉ"
	_, _, y := jdToDate(jd)
	name, statutory := c.statutoryName(jd, y)
	switch o, ok := (*c.overrides.Load())[jd]; {
	case ok && strings.TrimSpace(o.Reason) != "":
		why = offWhy(o.Reason)
	case statutory:
		why = offWhy(name)
	case c.weekend[weekdayOf(jd)] && weekdayOf(jd) == time.Sunday:
		why = "Chủ nhật"
	case c.weekend[weekdayOf(jd)]:
		why = WeekdayName(weekdayOf(jd))
	}
	return &DayOff{Date: c.fromDayNum(jd), Why: why}
}

// offWhy turns a holiday's or an override's name into the reason for a
// day off: "Tết Dương lịch" is "ngày nghỉ Tết Dương lịch", "Nghỉ bù Giỗ
// Tổ Hùng Vương" is "ngày nghỉ bù Giỗ Tổ Hùng Vương", "Ngày Quốc tế Lao
// động" is "ngày nghỉ Quốc tế Lao động".
func offWhy(name string) string {
	why := "ngày nghỉ"
	name = strings.TrimSpace(name)
	if rest, ok := cutWord(name, "Nghỉ bù"); ok {
		why, name = "ngày nghỉ bù", rest
	} else if rest, ok := cutWord(name, "Nghỉ"); ok {
		name = rest
	}
	if rest, ok := cutWord(name, "Ngày"); ok {
		name = rest
	}
	if name == "" {
		return why
	}
	return why + " " + name
}

// cutWord cuts the words w (either case of the first letter) off the start of s.
func cutWord(s, w string) (string, bool) {
	lower := strings.ToLower(w[:1]) + w[1:]
	for _, p := range []string{w, lower} {
		if s == p {
			return "", true
		}
		if rest, ok := strings.CutPrefix(s, p+" "); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}

// NextWorkingDay returns the first working day strictly after t's date, at 00:00 local.
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	return c.fromDayNum(c.nextWorkingJD(c.dayNum(t)))
}

func (c *Calendar) nextWorkingJD(jd int) int {
	for i := 0; i < maxScan; i++ {
		jd++
		if c.isWorkingJD(jd) {
			return jd
		}
	}
	return jd
}

// PrevWorkingDay returns the last working day strictly before t's date, at 00:00 local.
func (c *Calendar) PrevWorkingDay(t time.Time) time.Time {
	return c.fromDayNum(c.prevWorkingJD(c.dayNum(t)))
}

func (c *Calendar) prevWorkingJD(jd int) int {
	for i := 0; i < maxScan; i++ {
		jd--
		if c.isWorkingJD(jd) {
			return jd
		}
	}
	return jd
}

// AddWorkingDays counts n working days starting with the day after t and
// returns the n-th at WorkEnd. n = 0 means t's date if it is a working day,
// else the next working day; a negative n counts backwards.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	jd := c.dayNum(t)
	switch {
	case n == 0:
		if !c.isWorkingJD(jd) {
			jd = c.nextWorkingJD(jd)
		}
	case n > 0:
		for i := 0; i < n; i++ {
			jd = c.nextWorkingJD(jd)
		}
	default:
		for i := 0; i < -n; i++ {
			jd = c.prevWorkingJD(jd)
		}
	}
	return c.At(c.fromDayNum(jd), c.workEnd)
}

// EndOfDay returns t's date at WorkEnd.
func (c *Calendar) EndOfDay(t time.Time) time.Time { return c.At(t, c.workEnd) }

// At returns t's date (in c's location) at the clock clk.
func (c *Calendar) At(t time.Time, clk Clock) time.Time {
	y, m, d := t.In(c.loc).Date()
	return time.Date(y, m, d, clk.Hour, clk.Minute, 0, 0, c.loc)
}

// Quiet reports whether t falls in the quiet hours [QuietStart, QuietEnd),
// when the bot sends no reminders. The interval may wrap past midnight.
func (c *Calendar) Quiet(t time.Time) bool {
	lt := t.In(c.loc)
	m := lt.Hour()*60 + lt.Minute()
	s, e := c.quietStart.minutes(), c.quietEnd.minutes()
	switch {
	case s == e:
		return false
	case s < e:
		return m >= s && m < e
	default:
		return m >= s || m < e
	}
}

// NotQuiet returns t itself if it is outside quiet hours, else the next QuietEnd.
func (c *Calendar) NotQuiet(t time.Time) time.Time {
	if !c.Quiet(t) {
		return t
	}
	end := c.At(t, c.quietEnd)
	if !end.After(t) {
		y, m, d := t.In(c.loc).Date()
		end = time.Date(y, m, d+1, c.quietEnd.Hour, c.quietEnd.Minute, 0, 0, c.loc)
	}
	return end
}

// InWorkingHours returns t itself if it falls in working hours
// [WorkStart, WorkEnd] of a working day, else the start of the next
// working hours: reminders and nudges wait for people to be at work.
func (c *Calendar) InWorkingHours(t time.Time) time.Time {
	start, end := c.At(t, c.workStart), c.At(t, c.workEnd)
	switch {
	case c.IsWorkingDay(t) && !t.Before(start) && !t.After(end):
		return t
	case c.IsWorkingDay(t) && t.Before(start):
		return start
	}
	return c.At(c.NextWorkingDay(t), c.workStart)
}

// NextDeadline returns the occurrence of the recurrence phrase recur
// (e.g. "trước ngày 20 hàng tháng") that follows after.
func (c *Calendar) NextDeadline(recur string, after time.Time) (time.Time, error) {
	d, err := c.Parse(recur, after)
	if err != nil {
		return time.Time{}, err
	}
	if d.Recurrence == nil {
		return time.Time{}, &ParseError{Code: CodeInvalid, Message: "không phải thời hạn định kỳ: " + recur}
	}
	return d.Recurrence.Next(c, after), nil
}

// SetOverrides replaces all overrides. It is safe to call while other
// goroutines read the calendar.
func (c *Calendar) SetOverrides(o []Override) {
	m := make(map[int]Override, len(o))
	for _, ov := range o {
		jd := c.dayNum(ov.Date)
		ov.Date = c.fromDayNum(jd)
		m[jd] = ov
	}
	c.overrides.Store(&m)
}

// Holidays lists year's days that differ from the plain weekly pattern:
// statutory holidays, compensatory days and override days off that fall
// on otherwise-working weekdays, and make-up working days, sorted by date.
// With NoHolidays set only overrides are listed.
func (c *Calendar) Holidays(year int) []Holiday {
	var out []Holiday
	seen := map[int]bool{}
	ovs := *c.overrides.Load()
	for jd, ov := range ovs {
		_, _, y := jdToDate(jd)
		if y != year {
			continue
		}
		seen[jd] = true
		if ov.Working {
			name := ov.Reason
			if name == "" {
				name = "Làm bù"
			}
			out = append(out, Holiday{Date: c.fromDayNum(jd), Name: name, Working: true})
			continue
		}
		if c.weekend[weekdayOf(jd)] {
			continue // a day off anyway
		}
		name := ov.Reason
		if name == "" {
			name = "Nghỉ"
		}
		if n, ok := c.statutoryName(jd, year); ok && ov.Reason == "" {
			name = n
		}
		out = append(out, Holiday{Date: c.fromDayNum(jd), Name: name})
	}
	if !c.noHolidays {
		for jd, name := range c.statutory(year) {
			if seen[jd] || c.weekend[weekdayOf(jd)] {
				continue
			}
			out = append(out, Holiday{Date: c.fromDayNum(jd), Name: name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

func (c *Calendar) statutoryName(jd, year int) (string, bool) {
	if c.noHolidays {
		return "", false
	}
	n, ok := c.statutory(year)[jd]
	return n, ok
}

// statutory returns the year's statutory days off (holidays and
// compensatory days) by Julian day number, computed once per year.
func (c *Calendar) statutory(year int) map[int]string {
	if m, ok := c.years.Load(year); ok {
		return m.(map[int]string)
	}
	// Two goroutines may compute the same year; both results are equal.
	m, _ := c.years.LoadOrStore(year, statutoryHolidays(year, c.weekend))
	return m.(map[int]string)
}
