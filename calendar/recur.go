package calendar

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RecurKind is how often a recurring deadline repeats.
type RecurKind int

// Recurrence kinds. The zero value is not a valid kind.
const (
	Daily RecurKind = iota + 1
	Weekly
	Monthly
	Quarterly
	Yearly
)

var recurKindNames = map[RecurKind]string{Daily: "daily", Weekly: "weekly", Monthly: "monthly", Quarterly: "quarterly", Yearly: "yearly"}

// String returns "daily", "weekly", "monthly", "quarterly" or "yearly"
// (stable: suitable for storage).
func (k RecurKind) String() string {
	if s, ok := recurKindNames[k]; ok {
		return s
	}
	return "RecurKind(" + strconv.Itoa(int(k)) + ")"
}

// ParseRecurKind is the inverse of RecurKind.String.
func ParseRecurKind(s string) (RecurKind, bool) {
	for k, n := range recurKindNames {
		if n == s {
			return k, true
		}
	}
	return 0, false
}

// Recurrence is a repeating deadline.
//
//   - Daily: every working day at Clock.
//   - Weekly: every Weekday (moved to the next working day when it is not one).
//   - Monthly: day Day of every month (clamped to the month's length); Day 0
//     means the month's last working day.
//   - Quarterly: day Day of month Month (1–3) of every quarter; Month 0 means
//     3 (the quarter's last month), Day 0 its last working day.
//   - Yearly: Day/Month every year; Day 0 means the last working day of Month.
//
// A zero Clock means the calendar's WorkEnd. Occurrences on a non-working
// day move to the end of the next working day, except with Before.
//
// Before ("trước ngày 20 hàng tháng", "trước thứ 6 hàng tuần") makes each
// occurrence fall before the day it names, never on or after it: the end
// of the last working day before that day, or, with a Clock, the day
// itself at Clock when it is a working day. A Day past the month's end
// names no day of that month, so the whole month is before it: the
// occurrence is the month's last working day. Before does not apply to
// Daily or to Day 0.
type Recurrence struct {
	Kind    RecurKind
	Weekday time.Weekday
	Day     int
	Month   int
	Clock   Clock
	Before  bool
	Text    string // Vietnamese description, e.g. "trước ngày 20 hàng tháng"
}

var (
	defaultCalOnce sync.Once
	defaultCal     *Calendar
)

// Next returns the first occurrence strictly after `after`. A nil c means
// the default calendar. It returns the zero time only for an invalid Kind.
func (r Recurrence) Next(c *Calendar, after time.Time) time.Time {
	if c == nil {
		defaultCalOnce.Do(func() { defaultCal = New(Config{}) })
		c = defaultCal
	}
	t, _ := r.next(c, after)
	return t
}

// next is Next, and also returns the day the occurrence is named for
// (its weekday, its day of the month), which differs from the
// occurrence's day when the named day is not a working day.
func (r Recurrence) next(c *Calendar, after time.Time) (time.Time, int) {
	clk := r.Clock
	if clk == (Clock{}) {
		clk = c.workEnd
	}
	place := func(jd int) time.Time { // an occurrence named for day jd
		if r.Before {
			return c.beforeDay(jd, clk, r.Clock != (Clock{}))
		}
		return c.onWorkingDay(c.atJD(jd, clk))
	}
	a := after.In(c.loc)
	jd := c.dayNum(a)
	switch r.Kind {
	case Daily:
		for d := jd; d < jd+maxScan; d++ {
			if !c.isWorkingJD(d) {
				continue
			}
			if t := c.atJD(d, clk); t.After(after) {
				return t, d
			}
		}
	case Weekly:
		// Start a week early: an occurrence moved off a holiday may still be ahead.
		d := jd - 7 - (int(weekdayOf(jd))-int(r.Weekday)+7)%7
		for i := 0; i < 600; i, d = i+1, d+7 {
			if t := place(d); t.After(after) {
				return t, d
			}
		}
	case Monthly, Quarterly, Yearly:
		y, m, _ := a.Date()
		step, start := 1, int(m)-1
		switch r.Kind {
		case Quarterly:
			qm := r.Month
			if qm < 1 || qm > 3 {
				qm = 3
			}
			step, start = 3, (int(m)-1)/3*3+qm-3
		case Yearly:
			mm := r.Month
			if mm < 1 || mm > 12 {
				mm = 12
			}
			step, start = 12, mm-12
		}
		// start is the month before after's (or the period before): an
		// occurrence moved off a day off may still be ahead.
		for i := 0; i < 400; i++ {
			first := time.Date(y, time.Month(start+i*step), 1, 0, 0, 0, 0, time.UTC)
			fjd, ljd := monthBounds(first.Year(), first.Month())
			var t time.Time
			named := fjd + r.Day - 1
			switch {
			case r.Day <= 0:
				named = c.lastWorkingIn(fjd, ljd)
				t = c.atJD(named, clk)
			case named > ljd && r.Before: // no such day: the whole month is before it
				named = c.lastWorkingIn(fjd, ljd)
				t = c.atJD(named, clk)
			case named > ljd: // clamped to the month's last day
				named = ljd
				t = place(named)
			default:
				t = place(named)
			}
			if t.After(after) {
				return t, named
			}
		}
	}
	return time.Time{}, 0
}

// atJD returns the day with Julian number jd at clk, local.
func (c *Calendar) atJD(jd int, clk Clock) time.Time {
	d, m, y := jdToDate(jd)
	return time.Date(y, time.Month(m), d, clk.Hour, clk.Minute, 0, 0, c.loc)
}

// --- parsing ------------------------------------------------------------

var (
	reRecurring = regexp.MustCompile(`\b(?:hang|moi) (?:ngay|tuan|thang|quy|nam)\b|\bmoi ` + wdRe + `\b|\bdinh ky\b`)
	reRecurKey  = regexp.MustCompile(`\b(?:hang|moi) (ngay|tuan|thang|quy|nam)\b|\bmoi (` + wdRe + `)`)

	reRecWeekday = regexp.MustCompile(`^(?:vao )?(?:ngay )?` + wdRe + `$`)
	reRecDay     = regexp.MustCompile(`^(?:vao )?(?:ngay )?(\d{1,2})$`)
	reRecQDay    = regexp.MustCompile(`^(?:vao )?(?:ngay )?(\d{1,2})(?: (?:cua )?thang (dau|giua|cuoi)(?: quy)?)?$`)
	reRecDM      = regexp.MustCompile(`^(?:vao )?(?:ngay )?(\d{1,2}) ?(?:[/.-]|thang) ?(\d{1,2})$`)
)

// parseRecurrence reads "hàng tháng ngày 20", "trước ngày 20 hàng tháng",
// "8h thứ 2 hàng tuần", "hàng quý", "31/12 hàng năm", ...
func (p *parser) parseRecurrence(s string) (Deadline, error) {
	before := false
	var words []string
	for _, w := range strings.Fields(s) {
		if w == "truoc" {
			before = true
			continue
		}
		words = append(words, w)
	}
	s = stripLead(strings.Join(words, " "))
	tp, err := p.extractTime(s)
	if err != nil {
		return Deadline{}, err
	}
	loc := reRecurKey.FindStringSubmatchIndex(tp.rest)
	if loc == nil {
		return Deadline{}, errInvalid(p.phrase)
	}
	key := ""
	if loc[2] >= 0 {
		key = tp.rest[loc[2]:loc[3]]
	}
	rest := strings.TrimSpace(tp.rest[:loc[0]] + " " + tp.rest[loc[1]:])
	if key == "" { // "mỗi thứ 2": the weekday is in the key
		key, rest = "tuan", strings.TrimSpace(tp.rest[loc[4]:loc[5]]+" "+rest)
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(stripInner(rest), "lam viec"), "lam viec"))
	rest = strings.Join(strings.Fields(rest), " ")

	r := Recurrence{}
	if tp.explicit || tp.dayPart != "" {
		r.Clock = tp.clk
	}
	pre := ""
	if before {
		pre = "trước "
	}
	switch key {
	case "ngay":
		if rest != "" {
			return Deadline{}, errRecur(p.phrase)
		}
		r.Kind, r.Text = Daily, "hàng ngày (ngày làm việc)"
	case "tuan":
		r.Kind, r.Weekday = Weekly, time.Friday
		if rest != "" {
			m := reRecWeekday.FindStringSubmatch(rest)
			if m == nil {
				return Deadline{}, errRecur(p.phrase)
			}
			r.Weekday, _ = weekdayNum(m[1] + m[2])
		}
		r.Text = pre + WeekdayName(r.Weekday) + " hàng tuần"
	case "thang":
		r.Kind = Monthly
		switch rest {
		case "", "cuoi thang", "cuoi":
			r.Text = "ngày làm việc cuối cùng hàng tháng"
		case "dau thang", "dau":
			r.Day, r.Text = 1, pre+"ngày 1 hàng tháng"
		default:
			m := reRecDay.FindStringSubmatch(rest)
			if m == nil {
				return Deadline{}, errRecur(p.phrase)
			}
			r.Day = atoi(m[1])
			if r.Day < 1 || r.Day > 31 {
				return Deadline{}, errImpossible(p.phrase, "ngày trong tháng phải từ 1 đến 31")
			}
			r.Text = pre + "ngày " + strconv.Itoa(r.Day) + " hàng tháng"
		}
	case "quy":
		r.Kind, r.Month = Quarterly, 3
		switch rest {
		case "", "cuoi quy", "cuoi":
			r.Text = "ngày làm việc cuối cùng hàng quý"
		default:
			m := reRecQDay.FindStringSubmatch(rest)
			if m == nil {
				return Deadline{}, errRecur(p.phrase)
			}
			r.Day = atoi(m[1])
			if r.Day < 1 || r.Day > 31 {
				return Deadline{}, errImpossible(p.phrase, "ngày trong tháng phải từ 1 đến 31")
			}
			which := "cuối"
			switch m[2] {
			case "dau":
				r.Month, which = 1, "đầu"
			case "giua":
				r.Month, which = 2, "giữa"
			}
			r.Text = pre + "ngày " + strconv.Itoa(r.Day) + " tháng " + which + " quý, hàng quý"
		}
	case "nam":
		r.Kind, r.Month = Yearly, 12
		switch rest {
		case "", "cuoi nam", "cuoi":
			r.Text = "ngày làm việc cuối cùng hàng năm"
		default:
			m := reRecDM.FindStringSubmatch(rest)
			if m == nil {
				return Deadline{}, errRecur(p.phrase)
			}
			r.Day, r.Month = atoi(m[1]), atoi(m[2])
			if r.Month < 1 || r.Month > 12 || r.Day < 1 || r.Day > daysIn(2000, time.Month(r.Month)) {
				return Deadline{}, errImpossible(p.phrase, "ngày "+m[1]+"/"+m[2]+" không tồn tại")
			}
			r.Text = pre + "ngày " + strconv.Itoa(r.Day) + "/" + strconv.Itoa(r.Month) + " hàng năm"
		}
	default:
		return Deadline{}, errRecur(p.phrase)
	}
	if r.Clock != (Clock{}) && r.Clock != p.c.workEnd {
		r.Text += ", lúc " + r.Clock.String()
	}
	r.Before = before && (r.Kind == Weekly || (r.Kind != Daily && r.Day > 0))
	at, named := r.next(p.c, p.now)
	if at.IsZero() {
		return Deadline{}, errRecur(p.phrase)
	}
	d := Deadline{At: at, Recurrence: &r}
	if !r.Before && named != p.c.dayNum(at) {
		d.Moved = p.c.dayOff(named)
	}
	return d, nil
}

func errRecur(phrase string) error {
	return &ParseError{CodeInvalid, `Không hiểu lịch lặp lại "` + clip(phrase) + `". Ví dụ: hàng ngày, thứ 2 hàng tuần, trước ngày 20 hàng tháng, hàng quý, 31/12 hàng năm.`}
}
