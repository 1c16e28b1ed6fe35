// Package report holds the statistics that heads hand to the evaluation
// council: the period a head asks for, the one definition of the figures
// (four states per person and unit, on-time rate), the chat table, the
// bar chart, the Excel export and the reading of an imported work plan.
//
// It knows no store and no bot: it is given task records (Fact) and the
// organisation, and the bot resolves names and deadlines through the
// interfaces it defines (Resolver).
package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Period is the half-open span [From, To) that statistics count, both at
// midnight in the organisation's zone, with its name as people say it.
type Period struct {
	From, To time.Time
	Label    string // "tháng 11/2026", "quý IV/2026", "từ 01/07/2026 đến 30/09/2026"
}

// End is the moment the open tasks are looked at: the period's end, or
// now when that is earlier (a period still running).
func (p Period) End(now time.Time) time.Time {
	if now.Before(p.To) {
		return now
	}
	return p.To
}

// PeriodExamples is what a wrong period is answered with.
const PeriodExamples = "tháng này, tháng 11, tháng trước, quý 4, quý trước, 6 tháng, năm 2026, tuần này, từ 1/7 đến 30/9"

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fold lower-cases s and removes the Vietnamese diacritics (đ → d),
// whether s was typed precomposed or decomposed.
func fold(s string) string {
	s = strings.ToLower(s)
	if out, _, err := transform.String(stripMarks, s); err == nil {
		s = out
	}
	return strings.ReplaceAll(s, "đ", "d")
}

var (
	reMonth    = regexp.MustCompile(`^(?:thang )?(\d{1,2})(?:(?:/| nam | )(\d{4}))?$`)
	reQuarter  = regexp.MustCompile(`^(?:quy|q) ?(1|2|3|4|i|ii|iii|iv)(?:(?:/| nam | )(\d{4}))?$`)
	reHalf     = regexp.MustCompile(`^(6|sau|9|chin) thang( dau nam| cuoi nam)?(?:(?:/| nam | )(\d{4}))?$`)
	reYear     = regexp.MustCompile(`^nam (\d{4})$`)
	reRange    = regexp.MustCompile(`^(?:tu )?(?:ngay )?(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))? ?(?:den|toi|-|–|—) ?(?:ngay )?(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)
	romanQuart = map[string]int{"1": 1, "2": 2, "3": 3, "4": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}
	romanName  = [...]string{"", "I", "II", "III", "IV"}
)

// ParsePeriod reads a period as a head types it after /thongke, with or
// without diacritics: "" and "tháng này" (this month), "tháng 11" (the
// latest November not in the future), "tháng 11/2026", "tháng trước",
// "quý 4", "quý IV/2026", "quý này", "quý trước", "6 tháng" (the first
// half of this year), "6 tháng cuối năm", "9 tháng", "năm", "năm 2026",
// "năm trước", "tuần này", "tuần trước", "từ 1/7 đến 30/9" (both days
// included). Periods start and end at midnight in loc. A phrase it
// cannot read is an EInvalid error with examples.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	now = now.In(loc)
	f := strings.Join(strings.Fields(strings.NewReplacer(",", " ", ".", " ", ":", " ").Replace(fold(s))), " ")
	f = strings.TrimPrefix(f, "ky ")
	y, m, d := now.Date()
	month := func(y int, m time.Month) Period {
		from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(0, 1, 0), Label: fmt.Sprintf("tháng %d/%d", from.Month(), from.Year())}
	}
	quarter := func(y, q int) Period {
		from := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(0, 3, 0), Label: fmt.Sprintf("quý %s/%d", romanName[q], y)}
	}
	year := func(y int) Period {
		from := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(1, 0, 0), Label: fmt.Sprintf("năm %d", y)}
	}
	week := func(back int) Period {
		from := time.Date(y, m, d-(int(now.Weekday())+6)%7-7*back, 0, 0, 0, 0, loc)
		to := from.AddDate(0, 0, 7)
		return Period{From: from, To: to, Label: "tuần từ " + span(from, to)}
	}
	curQ := (int(m)-1)/3 + 1
	switch f {
	case "", "thang nay", "thang", "trong thang":
		return month(y, m), nil
	case "thang truoc", "thang roi":
		return month(y, m-1), nil
	case "quy nay", "quy":
		return quarter(y, curQ), nil
	case "quy truoc", "quy roi":
		if curQ == 1 {
			return quarter(y-1, 4), nil
		}
		return quarter(y, curQ-1), nil
	case "nam", "nam nay", "ca nam":
		return year(y), nil
	case "nam truoc", "nam ngoai", "nam roi":
		return year(y - 1), nil
	case "tuan nay", "tuan":
		return week(0), nil
	case "tuan truoc", "tuan roi":
		return week(1), nil
	}
	bad := nhacviec.Errorf(nhacviec.EInvalid, "Không hiểu kỳ «%s». Ví dụ: %s.", clip(s), PeriodExamples)
	yearOr := func(s string, def int) (int, bool) {
		if s == "" {
			return def, true
		}
		n, _ := strconv.Atoi(s)
		return n, n >= 2000 && n <= 2100
	}
	if g := reMonth.FindStringSubmatch(f); g != nil {
		mm, _ := strconv.Atoi(g[1])
		if mm < 1 || mm > 12 {
			return Period{}, bad
		}
		def := y
		if time.Month(mm) > m {
			def-- // "tháng 11" said in January: last November
		}
		yy, ok := yearOr(g[2], def)
		if !ok {
			return Period{}, bad
		}
		return month(yy, time.Month(mm)), nil
	}
	if g := reQuarter.FindStringSubmatch(f); g != nil {
		q := romanQuart[g[1]]
		def := y
		if q > curQ {
			def--
		}
		yy, ok := yearOr(g[2], def)
		if !ok {
			return Period{}, bad
		}
		return quarter(yy, q), nil
	}
	if g := reHalf.FindStringSubmatch(f); g != nil {
		yy, ok := yearOr(g[3], y)
		if !ok {
			return Period{}, bad
		}
		from := time.Date(yy, 1, 1, 0, 0, 0, 0, loc)
		switch {
		case g[1] == "9" || g[1] == "chin":
			if g[2] == " cuoi nam" {
				return Period{}, bad
			}
			return Period{From: from, To: from.AddDate(0, 9, 0), Label: fmt.Sprintf("9 tháng đầu năm %d", yy)}, nil
		case g[2] == " cuoi nam":
			return Period{From: from.AddDate(0, 6, 0), To: from.AddDate(1, 0, 0), Label: fmt.Sprintf("6 tháng cuối năm %d", yy)}, nil
		}
		return Period{From: from, To: from.AddDate(0, 6, 0), Label: fmt.Sprintf("6 tháng đầu năm %d", yy)}, nil
	}
	if g := reYear.FindStringSubmatch(f); g != nil {
		yy, ok := yearOr(g[1], y)
		if !ok {
			return Period{}, bad
		}
		return year(yy), nil
	}
	if g := reRange.FindStringSubmatch(f); g != nil {
		return parseRange(g[1:], y, loc, bad)
	}
	return Period{}, bad
}

// parseRange reads "d1/m1[/y1] đến d2/m2[/y2]"; a missing year is this
// year's, and a start without one that falls after the end is last year's.
func parseRange(g []string, y int, loc *time.Location, bad error) (Period, error) {
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	yearOf := func(s string) (int, bool) {
		switch len(s) {
		case 0:
			return y, true
		case 2:
			return 2000 + num(s), true
		}
		n := num(s)
		return n, n >= 2000 && n <= 2100
	}
	date := func(d, m, yy int) (time.Time, bool) {
		t := time.Date(yy, time.Month(m), d, 0, 0, 0, 0, loc)
		return t, m >= 1 && m <= 12 && d >= 1 && t.Day() == d
	}
	y1, ok1 := yearOf(g[2])
	y2, ok2 := yearOf(g[5])
	if g[5] != "" && g[2] == "" {
		y1 = y2
	}
	if !ok1 || !ok2 {
		return Period{}, bad
	}
	from, ok1 := date(num(g[0]), num(g[1]), y1)
	to, ok2 := date(num(g[3]), num(g[4]), y2)
	if !ok1 || !ok2 {
		return Period{}, bad
	}
	if from.After(to) && g[2] == "" {
		from = from.AddDate(-1, 0, 0)
	}
	if from.After(to) {
		return Period{}, nhacviec.Errorf(nhacviec.EInvalid, "Ngày bắt đầu %s sau ngày kết thúc %s. Ví dụ: từ 1/7 đến 30/9.", dmy(from), dmy(to))
	}
	to = to.AddDate(0, 0, 1)
	return Period{From: from, To: to, Label: "từ " + span(from, to)}, nil
}

// span names the days of [from, to): "01/07/2026 đến 30/09/2026".
func span(from, to time.Time) string {
	return dmy(from) + " đến " + dmy(to.AddDate(0, 0, -1))
}

func dmy(t time.Time) string { return t.Format("02/01/2006") }

// clip shortens what a person typed for an error message.
func clip(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return string(r)
}
