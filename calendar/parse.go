package calendar

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Deadline is the result of Parse.
type Deadline struct {
	At time.Time // resolved deadline (for a recurrence: the first occurrence)
	// Moved is the day the phrase named when that day is not a working day
	// and At was moved to the end of the next working day; nil otherwise.
	// The caller says why: "(20/12 là Chủ nhật)".
	Moved      *DayOff
	Recurrence *Recurrence // nil unless recurring
	Candidates []Deadline  // non-empty only when the phrase is genuinely ambiguous: the readings, in time order; At is then zero and the caller asks back
	// Reading, for one of Candidates, says how the phrase was read:
	// "ngày 20", "20 ngày nữa", "trước ngày 20".
	Reading string
}

// DayOff is a day that is not a working day, and why.
type DayOff struct {
	Date time.Time // 00:00 local
	Why  string    // "Chủ nhật", "Thứ Bảy", "ngày nghỉ Tết Dương lịch", "ngày nghỉ bù Giỗ Tổ Hùng Vương", ...
}

// String says it in Vietnamese: "20/12 là Chủ nhật".
func (d DayOff) String() string {
	return pad2(d.Date.Day()) + "/" + pad2(int(d.Date.Month())) + " là " + d.Why
}

// Error codes of ParseError.
const (
	CodeInvalid    = "invalid"    // not a deadline phrase we understand
	CodePast       = "past"       // a deadline that is not after now
	CodeImpossible = "impossible" // a date or time that does not exist (31/02, 25h, 17:61)
)

// ParseError is a deadline phrase the bot cannot accept. Message is
// Vietnamese, says what was expected and gives examples; it is meant to be
// shown to the user as is.
type ParseError struct{ Code, Message string }

// Error returns the Vietnamese message.
func (e *ParseError) Error() string { return e.Message }

const examples = "Ví dụ: 20/12, 17h 20/12, mai, thứ 6, 5 ngày làm việc."

func errInvalid(phrase string) error {
	if strings.TrimSpace(phrase) == "" {
		return &ParseError{CodeInvalid, "Chưa có thời hạn. " + examples}
	}
	return &ParseError{CodeInvalid, `Không hiểu thời hạn "` + clip(phrase) + `". ` + examples}
}

func errImpossible(phrase, what string) error {
	return &ParseError{CodeImpossible, `Không hiểu thời hạn "` + clip(phrase) + `": ` + what + ". " + examples}
}

func errPast(phrase string, at time.Time) error {
	msg := `Thời hạn "` + clip(phrase) + `" đã qua`
	if !at.IsZero() {
		msg += " (" + FormatDeadline(at) + ")"
	}
	return &ParseError{CodePast, msg + ". Hãy chọn một thời điểm sau bây giờ, ví dụ: mai, thứ 6 tuần sau, 5 ngày làm việc."}
}

// errBeforePast refuses "trước 20/12" when the last working day before
// 20/12 is over: nothing is left before the day it names.
func errBeforePast(phrase string, day, at time.Time) error {
	return &ParseError{CodePast, `Thời hạn "` + clip(phrase) + `" đã qua: ngày làm việc cuối cùng trước ` + formatDate(day) +
		" là " + FormatDeadline(at) + ". Hãy chọn một ngày sau, ví dụ: trước ngày 20 tháng sau, 5 ngày làm việc."}
}

// clip keeps error messages short when someone pastes a paragraph.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// maxPhrase bounds the work done on one phrase.
const maxPhrase = 200

// Day parts without an explicit time. "sáng" means by the end of the
// morning session of a public office (07:30–11:30); "chiều" is the end of
// the working day.
var (
	clockMorning = Clock{11, 30}
	clockNoon    = Clock{12, 0}
	clockEvening = Clock{20, 0}
)

// parser holds one Parse call's state.
type parser struct {
	c      *Calendar
	phrase string    // as given, for messages
	raw    string    // lower case with diacritics, for the rare word diacritics tell apart
	now    time.Time // in c's location
	today  int       // Julian day number of now's date
	before bool      // the phrase says "trước" a day: the deadline falls before it
}

// Parse reads a Vietnamese deadline phrase relative to now. It accepts
// phrases with or without diacritics, in any letter case, with extra spaces,
// trailing punctuation and lead words ("hạn:", "chậm nhất").
// An accepted deadline (no error, no Candidates) is after now and on a
// working day: a deadline on a non-working day moves to the end (WorkEnd)
// of the next working day, and Moved says which day it left and why.
//
// "Trước" (before) a day means before it, never on or after it:
// "trước ngày 20", "trước 20/12", "trước thứ 6", "trước mai" are the end
// of the last working day before that day; one that has passed is
// refused (CodePast). With a time of day, "trước" keeps the time when the
// day is a working day ("trước 17h mai" is tomorrow 17:00). It adds
// nothing to the end of a period ("trước cuối tháng" is "cuối tháng") or
// to a duration ("trước 3 ngày nữa"); "trước tuần sau" is before next
// week begins.
//
// Forms (a date without a time means WorkEnd of that day):
//
//   - dates, always day first: 20/12, 20/12/2026, 20-12-2026, 20.12.26,
//     2026-12-20, ngày 20 tháng 12 [năm 2026], ngày 20 (the next 20th);
//     without a year: this year if still ahead, else next year;
//   - times, before or after the date: 17h, 17h30, 17:30, 5 giờ chiều,
//     8 giờ rưỡi sáng; a bare hour 1–6 is afternoon ("5 giờ" = 17:00);
//     a time alone is the first working day on which it is still ahead;
//   - day parts: sáng 11:30 (end of the morning session), trưa 12:00,
//     chiều = WorkEnd, tối 20:00;
//   - hôm nay, mai / ngày mai, ngày kia / mốt (+2), ngày kìa (+3);
//   - thứ 2 … thứ 7, thứ hai … thứ bảy, t2 … t7, chủ nhật / cn: the next
//     such day (today if the time is still ahead); with "tuần sau"/"tuần
//     tới" the day of next week, with "này" the day of this week;
//   - tuần sau: next week's last working day; cuối tuần: this week's
//     (next week's once it has passed); đầu tuần sau; cuối tháng [sau];
//     đầu tháng sau; cuối quý; cuối năm;
//   - 3 ngày nữa, trong 3 ngày, 2 tuần nữa, 1 tháng nữa, 5 ngày làm việc
//     (counted from tomorrow), 2 tiếng nữa, trong 24h, 30 phút nữa;
//   - recurrences: hàng/hằng/mỗi ngày, thứ 2 hàng tuần, mỗi thứ 6, ngày 20
//     hàng tháng, trước ngày 20 hàng tháng (each month before the 20th,
//     see Recurrence.Before), cuối mỗi tháng, hàng quý [ngày 15], hàng năm
//     31/12 (see Recurrence).
//
// A bare number ("20") is ambiguous: the 20th, or 20 days from now. Both
// readings are returned as Candidates unless they coincide.
func (c *Calendar) Parse(phrase string, now time.Time) (Deadline, error) {
	if len(phrase) > maxPhrase*4 {
		return Deadline{}, errInvalid(phrase)
	}
	p := &parser{c: c, phrase: phrase, raw: strings.ToLower(phrase), now: now.In(c.loc)}
	p.today = c.dayNum(p.now)
	s := normalize(phrase)
	if s == "" || len(s) > maxPhrase {
		return Deadline{}, errInvalid(phrase)
	}
	p.before = saysBefore(s)
	if reRecurring.MatchString(s) { // before number words: "hàng năm ngày 15"
		return p.parseRecurrence(s)
	}
	s = numberWords.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexByte(m, ' ')
		return strconv.Itoa(numberWordValue[m[:i]]) + m[i:]
	})
	// Durations are tried before and after dropping lead words, since
	// "trong"/"sau" matter to "trong 24h" but not to "hạn 3 ngày nữa".
	s0 := s
	s = stripLead(s)
	if s == "" {
		return Deadline{}, errInvalid(phrase)
	}
	for _, m := range relativeMatchers {
		sub := m.re.FindStringSubmatch(s0)
		if sub == nil {
			sub = m.re.FindStringSubmatch(s)
		}
		if sub != nil {
			at, err := m.fn(p, sub)
			if err != nil {
				return Deadline{}, err
			}
			return p.finish(at)
		}
	}
	if reYesterday.MatchString(s) {
		return Deadline{}, errPast(phrase, time.Time{})
	}

	tp, err := p.extractTime(s)
	if err != nil {
		return Deadline{}, err
	}
	rest := stripInner(tp.rest)
	for _, m := range dateMatchers {
		sub := m.re.FindStringSubmatch(rest)
		if sub == nil {
			continue
		}
		r, err := m.fn(p, sub, tp)
		if err != nil {
			return Deadline{}, err
		}
		if p.before && !r.period {
			return p.finishBefore(r, tp)
		}
		if r.cands != nil {
			return p.finishCandidates(r.cands, r.readings)
		}
		return p.finish(r.at)
	}
	return Deadline{}, errInvalid(phrase)
}

// finishBefore finishes a phrase that says "trước" a day: each reading
// becomes the deadline before that day (Calendar.beforeDay), which is on a
// working day already. A reading with a time of day keeps it when its day
// is a working day: "trước 17h thứ 6" is Friday 17:00.
func (p *parser) finishBefore(r dateResult, tp timeParts) (Deadline, error) {
	timed := tp.explicit || tp.dayPart != ""
	if r.cands != nil {
		for i, t := range r.cands {
			r.cands[i] = p.c.beforeDay(p.c.dayNum(t), tp.clk, timed)
			r.readings[i] = "trước " + r.readings[i]
		}
		return p.finishCandidates(r.cands, r.readings)
	}
	day := p.c.dayNum(r.at)
	at := p.c.beforeDay(day, tp.clk, timed)
	if !at.After(p.now) {
		if timed && p.c.isWorkingJD(day) {
			return Deadline{}, errPast(p.phrase, at)
		}
		return Deadline{}, errBeforePast(p.phrase, p.c.fromDayNum(day), at)
	}
	return Deadline{At: at}, nil
}

// finish checks that at is in the future and moves it off a non-working
// day, saying which day it left.
func (p *parser) finish(at time.Time) (Deadline, error) {
	if !at.After(p.now) {
		return Deadline{}, errPast(p.phrase, at)
	}
	return p.moved(at), nil
}

// moved is the deadline at, moved off a non-working day.
func (p *parser) moved(at time.Time) Deadline {
	if p.c.IsWorkingDay(at) {
		return Deadline{At: at}
	}
	return Deadline{At: p.c.onWorkingDay(at), Moved: p.c.dayOff(p.c.dayNum(at))}
}

// finishCandidates finishes every reading of an ambiguous phrase, drops
// those in the past and merges equal ones; one left is an answer.
func (p *parser) finishCandidates(cands []time.Time, readings []string) (Deadline, error) {
	var out []Deadline
	var last time.Time
	for i, t := range cands {
		if !t.After(p.now) {
			last = t
			continue
		}
		d := p.moved(t)
		d.Reading = readings[i]
		dup := false
		for _, o := range out {
			dup = dup || o.At.Equal(d.At)
		}
		if !dup {
			out = append(out, d)
		}
	}
	switch len(out) {
	case 0:
		return Deadline{}, errPast(p.phrase, last)
	case 1:
		out[0].Reading = "" // an answer, not a choice
		return out[0], nil
	}
	for i := 1; i < len(out); i++ { // tiny insertion sort, keeps order stable
		for j := i; j > 0 && out[j].At.Before(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return Deadline{Candidates: out}, nil
}

// onWorkingDay returns t, or the end of the next working day if t's date is not one.
func (c *Calendar) onWorkingDay(t time.Time) time.Time {
	if c.IsWorkingDay(t) {
		return t
	}
	return c.EndOfDay(c.NextWorkingDay(t))
}

// beforeDay is the deadline "trước" (before) the day jd: the end (WorkEnd)
// of the last working day strictly before jd, so never on or after jd.
// With a time of day (timed), jd itself at clk when jd is a working day:
// "trước 9h ngày 22" is 09:00 on the 22nd.
func (c *Calendar) beforeDay(jd int, clk Clock, timed bool) time.Time {
	if timed && c.isWorkingJD(jd) {
		return c.atJD(jd, clk)
	}
	return c.atJD(c.prevWorkingJD(jd), c.workEnd)
}

// at returns the day with Julian number jd at clk.
func (p *parser) at(jd int, clk Clock) time.Time {
	d, m, y := jdToDate(jd)
	return time.Date(y, time.Month(m), d, clk.Hour, clk.Minute, 0, 0, p.c.loc)
}

// --- small vocabularies -------------------------------------------------

// Number words before a unit ("ba ngày nữa"); "thứ hai tuần sau" becomes
// "thứ 2 tuần sau", which is also right.
var numberWords = regexp.MustCompile(`\b(mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi) (ngay|tuan|thang|gio|tieng|phut)\b`)

var numberWordValue = map[string]int{"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}

// Leading words that add nothing to the deadline: "hạn: 20/12", "trước 17h mai".
var reLead = regexp.MustCompile(`^(?:han chot|thoi han|han|deadline|cham nhat|truoc|vao luc|vao|luc|den het|den|het|trong vong|trong|la)\b\s*:?\s*`)

// saysBefore reports whether the phrase says "trước" (before) a day, as in
// "trước ngày 20", and not "tuần trước" (last week).
func saysBefore(s string) bool {
	f := strings.Fields(s)
	for i, w := range f {
		if w != "truoc" {
			continue
		}
		if i == 0 {
			return true
		}
		switch f[i-1] {
		case "tuan", "thang", "quy", "nam", "hom", "ngay", "lan":
		default:
			return true
		}
	}
	return false
}

func stripLead(s string) string {
	for i := 0; i < 4; i++ {
		t := reLead.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	return strings.TrimSpace(s)
}

// stripInner removes filler words left between a time and a date: "thứ 6 lúc 17h".
func stripInner(s string) string {
	f := strings.Fields(s)
	out := f[:0]
	for _, w := range f {
		switch w {
		case "luc", "vao", "han", "truoc", "cua", "-":
			continue
		}
		out = append(out, w)
	}
	return stripLead(strings.Join(out, " "))
}

var reYesterday = regexp.MustCompile(`^(?:hom qua|hom kia|ngay hom qua|tuan truoc|thang truoc)$`)

// weekdayNum maps "2".."7", "hai".."bay", "cn", "chu nhat" to a weekday.
func weekdayNum(w string) (time.Weekday, bool) {
	switch w {
	case "2", "hai":
		return time.Monday, true
	case "3", "ba":
		return time.Tuesday, true
	case "4", "tu":
		return time.Wednesday, true
	case "5", "nam":
		return time.Thursday, true
	case "6", "sau":
		return time.Friday, true
	case "7", "bay":
		return time.Saturday, true
	case "cn", "chu nhat":
		return time.Sunday, true
	}
	return 0, false
}

// wdRe is the weekday vocabulary as a regexp group: "thứ 6", "thu sau", "t6", "cn".
const wdRe = `(?:(?:thu|t) ?([2-7]|hai|ba|tu|nam|sau|bay)|(chu nhat|cn))`

// --- relative durations -------------------------------------------------

type relativeMatcher struct {
	re *regexp.Regexp
	fn func(p *parser, m []string) (time.Time, error)
}

// count parses a small positive count; past max it is impossible, since
// no task is planned decades ahead.
func (p *parser) count(s string, max int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n > max {
		return 0, errImpossible(p.phrase, "khoảng thời gian quá dài")
	}
	if n <= 0 {
		return 0, errInvalid(p.phrase)
	}
	return n, nil
}

var relativeMatchers = []relativeMatcher{
	{regexp.MustCompile(`^(?:sau )?(\d{1,6}) ngay lam viec(?: nua| toi| ke tu (?:hom nay|nay|bay gio))?$`), func(p *parser, m []string) (time.Time, error) {
		n, err := p.count(m[1], 2000)
		if err != nil {
			return time.Time{}, err
		}
		return p.c.AddWorkingDays(p.now, n), nil
	}},
	{regexp.MustCompile(`^(?:sau )?(\d{1,6}) ngay(?: nua| toi)?$`), func(p *parser, m []string) (time.Time, error) {
		n, err := p.count(m[1], 3660)
		if err != nil {
			return time.Time{}, err
		}
		return p.at(p.today+n, p.c.workEnd), nil
	}},
	{regexp.MustCompile(`^(?:sau )?(\d{1,6}) tuan(?: nua| toi)?$`), func(p *parser, m []string) (time.Time, error) {
		n, err := p.count(m[1], 520)
		if err != nil {
			return time.Time{}, err
		}
		return p.at(p.today+7*n, p.c.workEnd), nil
	}},
	{regexp.MustCompile(`^(?:sau )?(\d{1,6}) thang(?: nua| toi)?$`), func(p *parser, m []string) (time.Time, error) {
		n, err := p.count(m[1], 120)
		if err != nil {
			return time.Time{}, err
		}
		y, mo, d := p.now.Date()
		return p.c.At(addMonthsClamped(y, mo, d, n, p.c.loc), p.c.workEnd), nil
	}},
	{regexp.MustCompile(`^(?:sau )?(\d{1,6}) ?(?:tieng|gio|h)(?: dong ho)? nua$|^(?:sau )?(\d{1,6}) tieng(?: dong ho)?$|^(?:sau|trong|trong vong) (\d{1,6}) ?(?:gio|h)$`), func(p *parser, m []string) (time.Time, error) {
		n, err := p.count(m[1]+m[2]+m[3], 24*60)
		if err != nil {
			return time.Time{}, err
		}
		return p.now.Add(time.Duration(n) * time.Hour).Truncate(time.Minute), nil
	}},
	{regexp.MustCompile(`^(?:sau )?(\d{1,6}) phut nua$`), func(p *parser, m []string) (time.Time, error) {
		n, err := p.count(m[1], 24*60*30)
		if err != nil {
			return time.Time{}, err
		}
		return p.now.Add(time.Duration(n) * time.Minute).Truncate(time.Minute), nil
	}},
}

// addMonthsClamped adds n months to y-m-d, clamping the day to the target
// month's length (31/1 + 1 month = 28 or 29/2, not 3/3).
func addMonthsClamped(y int, m time.Month, d, n int, loc *time.Location) time.Time {
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, loc)
	if dim := daysIn(first.Year(), first.Month()); d > dim {
		d = dim
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, loc)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// --- time of day --------------------------------------------------------

// timeParts is what extractTime found.
type timeParts struct {
	clk      Clock
	explicit bool   // an hour was given
	dayPart  string // "sang", "trua", "chieu", "toi" or ""
	rest     string // the phrase without the time
}

const dayPartRe = `(?: (sang|trua|chieu|toi|dem))?`

// Time-of-day forms; the first that matches wins.
var timeRes = []*regexp.Regexp{
	regexp.MustCompile(`\b(\d{1,2}):(\d{1,2})\b` + dayPartRe + `\b`),
	regexp.MustCompile(`\b(\d{1,2}) ?h(\d{1,2})?(?:phut|p)?\b` + dayPartRe + `\b`),
	regexp.MustCompile(`\b(\d{1,2}) ?(?:gio|g)(?: ?(\d{1,2})(?: ?(?:phut|p))?| (ruoi))?\b` + dayPartRe + `\b`),
}

// Day parts on their own. "tới"/"sang" are not day parts when they qualify
// a week, month or weekday ("tuần tới", "thứ 6 tới", "sang tuần").
var reDayPart = regexp.MustCompile(`(?:^| )(sang|trua|chieu|toi|dem)(?: |$)`)

func (p *parser) extractTime(s string) (timeParts, error) {
	tp := timeParts{clk: p.c.workEnd, rest: s}
	h, mi := 0, 0
	for _, re := range timeRes {
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			continue
		}
		sub := make([]string, len(loc)/2)
		for i := range sub {
			if loc[2*i] >= 0 {
				sub[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		h, _ = strconv.Atoi(sub[1])
		if sub[2] != "" {
			mi, _ = strconv.Atoi(sub[2])
		}
		if len(sub) > 4 && sub[3] == "ruoi" {
			mi = 30
		}
		tp.dayPart = sub[len(sub)-1]
		if h > 23 || mi > 59 {
			return tp, errImpossible(p.phrase, "giờ không hợp lệ (giờ 0–23, phút 0–59)")
		}
		tp.explicit = true
		tp.rest = strings.TrimSpace(s[:loc[0]] + " " + s[loc[1]:])
		break
	}
	if tp.dayPart == "" {
		tp.dayPart, tp.rest = findDayPart(tp.rest)
	}
	switch {
	case tp.explicit:
		if tp.dayPart == "" && h >= 1 && h <= 6 {
			h += 12 // nobody in an office means 5 a.m.: "5 giờ" is 17:00
		}
		tp.clk = Clock{applyDayPart(h, tp.dayPart), mi}
	case tp.dayPart == "sang":
		tp.clk = clockMorning
	case tp.dayPart == "trua":
		tp.clk = clockNoon
	case tp.dayPart == "chieu":
		tp.clk = p.c.workEnd
	case tp.dayPart != "":
		tp.clk = clockEvening
	}
	tp.rest = strings.Join(strings.Fields(tp.rest), " ")
	return tp, nil
}

// findDayPart takes the first day-part word out of s.
func findDayPart(s string) (part, rest string) {
	for _, m := range reDayPart.FindAllStringSubmatchIndex(s, -1) {
		w := s[m[2]:m[3]]
		before := strings.Fields(s[:m[2]])
		after := strings.Fields(s[m[3]:])
		prev, next := "", ""
		if len(before) > 0 {
			prev = before[len(before)-1]
		}
		if len(after) > 0 {
			next = after[0]
		}
		if w == "toi" && (prev == "tuan" || prev == "thang" || prev == "nam" || prev == "ngay" || isWeekdayWord(prev)) {
			continue // "tuần tới", "thứ 6 tới": the coming one
		}
		if w == "sang" && (next == "tuan" || next == "thang" || next == "nam") {
			continue // "sang tuần": next week
		}
		return w, strings.TrimSpace(s[:m[2]] + " " + s[m[3]:])
	}
	return "", s
}

func isWeekdayWord(w string) bool {
	switch w {
	case "2", "3", "4", "5", "6", "7", "hai", "ba", "tu", "nam", "sau", "bay", "nhat", "cn",
		"t2", "t3", "t4", "t5", "t6", "t7":
		return true
	}
	return false
}

// applyDayPart turns "5 giờ chiều" into 17:00 and "1 giờ trưa" into 13:00.
func applyDayPart(h int, part string) int {
	switch part {
	case "chieu", "toi", "dem":
		if h >= 1 && h < 12 {
			return h + 12
		}
	case "trua":
		if h >= 1 && h <= 5 {
			return h + 12
		}
	}
	return h
}

// --- dates --------------------------------------------------------------

type dateResult struct {
	at       time.Time
	cands    []time.Time
	readings []string // how each of cands reads the phrase: "ngày 20"
	// period: at is the end of a period ("cuối tháng"), which "trước" does
	// not move: "trước cuối tháng" is by the end of the month. Otherwise
	// at names a day, and "trước" means before that day.
	period bool
}

type dateMatcher struct {
	re *regexp.Regexp
	fn func(p *parser, m []string, tp timeParts) (dateResult, error)
}

func one(t time.Time) (dateResult, error) { return dateResult{at: t}, nil }

// end is one for the end of a period.
func end(t time.Time) (dateResult, error) { return dateResult{at: t, period: true}, nil }

// weekStart returns the Monday of jd's week: Vietnamese weeks start on
// Monday ("thứ 2").
func weekStart(jd int) int { return jd - (int(weekdayOf(jd))+6)%7 }

// lastWorkingIn returns the last working day in [from, to], or the first
// working day after to if there is none (a week lost to Tết).
func (c *Calendar) lastWorkingIn(from, to int) int {
	for jd := to; jd >= from; jd-- {
		if c.isWorkingJD(jd) {
			return jd
		}
	}
	return c.nextWorkingJD(to)
}

// firstWorkingIn returns the first working day on or after from.
func (c *Calendar) firstWorkingIn(from int) int {
	if c.isWorkingJD(from) {
		return from
	}
	return c.nextWorkingJD(from)
}

// roll returns the first of gen(0), gen(1), ... that is after now.
func (p *parser) roll(gen func(i int) time.Time) time.Time {
	var t time.Time
	for i := 0; i < 3; i++ {
		t = gen(i)
		if t.After(p.now) {
			return t
		}
	}
	return t
}

func monthBounds(y int, m time.Month) (first, last int) {
	first = jdFromDate(1, int(m), y)
	return first, first + daysIn(y, m) - 1
}

// date validates a calendar date and returns its Julian day number.
func (p *parser) date(y, m, d int) (int, error) {
	if y < 1900 || y > 2100 {
		return 0, errImpossible(p.phrase, "năm phải trong khoảng 1900–2100")
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, errImpossible(p.phrase, "ngày "+strconv.Itoa(d)+"/"+strconv.Itoa(m)+" không có trong năm "+strconv.Itoa(y))
	}
	return jdFromDate(d, m, y), nil
}

// dayMonth resolves a day and month without a year: this year if that is
// still ahead, else next year.
func (p *parser) dayMonth(d, m int, clk Clock) (time.Time, error) {
	y := p.now.Year()
	if m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, time.Month(m)) {
		if t := p.at(jdFromDate(d, m, y), clk); t.After(p.now) {
			return t, nil
		}
	}
	jd, err := p.date(y+1, m, d)
	if err != nil {
		if _, err2 := p.date(y, m, d); err2 == nil {
			// Exists this year but is past, and not next year (29/2): past.
			return p.at(jdFromDate(d, m, y), clk), nil
		}
		return time.Time{}, err
	}
	return p.at(jd, clk), nil
}

// nextDayOfMonth is "ngày 20": the next 20th still ahead, skipping months
// that have no such day.
func (p *parser) nextDayOfMonth(d int, clk Clock) (time.Time, error) {
	if d < 1 || d > 31 {
		return time.Time{}, errImpossible(p.phrase, "ngày phải từ 1 đến 31")
	}
	y, m, _ := p.now.Date()
	for i := 0; i < 13; i++ {
		mm := time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		if d > daysIn(mm.Year(), mm.Month()) {
			continue
		}
		if t := p.at(jdFromDate(d, int(mm.Month()), mm.Year()), clk); t.After(p.now) {
			return t, nil
		}
	}
	return time.Time{}, errInvalid(p.phrase)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// year2 reads a 2- or 4-digit year; "26" is 2026.
func year2(s string) int {
	y := atoi(s)
	if len(s) <= 2 {
		y += 2000
	}
	return y
}

// dateMatchers is the table of date forms, tried in order on what is left
// once the time of day is taken out. Add a form by adding a row.
var dateMatchers = []dateMatcher{
	// Only a time or a day part: today, or tomorrow if that time has passed.
	{regexp.MustCompile(`^$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		if !tp.explicit && tp.dayPart == "" {
			return dateResult{}, errInvalid(p.phrase)
		}
		// The first working day whose clk is still ahead: "15h" said on a
		// Friday evening is Monday 15:00, not Saturday moved to 17:00.
		jd := p.today
		for i := 0; i < maxScan; i++ {
			if p.c.isWorkingJD(jd) && p.at(jd, tp.clk).After(p.now) {
				break
			}
			jd++
		}
		return one(p.at(jd, tp.clk))
	}},
	{regexp.MustCompile(`^(?:hom nay|nay|ngay hom nay|ngay nay|trong ngay)$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return one(p.at(p.today, tp.clk))
	}},
	{regexp.MustCompile(`^(?:ngay mai|mai|hom sau|ngay hom sau|sang mai|mai nay)$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return one(p.at(p.today+1, tp.clk))
	}},
	{regexp.MustCompile(`^(?:ngay kia|mot|ngay mot|hom mot|kia)$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		if strings.Contains(p.raw, "kìa") { // "ngày kìa" is the day after "ngày kia"
			return one(p.at(p.today+3, tp.clk))
		}
		return one(p.at(p.today+2, tp.clk))
	}},
	// Weekdays: "thứ 6", "t6", "thứ sáu tuần sau", "tuần sau thứ 2", "chủ nhật này".
	{regexp.MustCompile(`^(?:(tuan sau|tuan toi|tuan nay|sang tuan) )?` + wdRe + `(?: (tuan sau|tuan toi|tuan nay|nay|toi|sap toi))?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		wd, _ := weekdayNum(m[2] + m[3])
		mod := m[1] + m[4]
		off := (int(wd) + 6) % 7 // days after Monday
		mon := weekStart(p.today)
		switch mod {
		case "tuan sau", "tuan toi", "sang tuan":
			return one(p.at(mon+7+off, tp.clk))
		case "tuan nay", "nay":
			return one(p.at(mon+off, tp.clk))
		}
		// The next such day: today if the time is still ahead.
		d := p.today + (int(wd)-int(weekdayOf(p.today))+7)%7
		return one(p.roll(func(i int) time.Time { return p.at(d+7*i, tp.clk) }))
	}},
	// "tuần sau": the end of next week's last working day; "trước tuần
	// sau" is before next week begins.
	{regexp.MustCompile(`^(?:sang )?tuan (?:sau|toi)$|^(cuoi) tuan (?:sau|toi)$|^sang tuan$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		mon := weekStart(p.today) + 7
		if p.before && m[1] == "" {
			return one(p.at(mon, tp.clk))
		}
		return end(p.at(p.c.lastWorkingIn(mon, mon+6), tp.clk))
	}},
	{regexp.MustCompile(`^(?:cuoi )?tuan(?: nay)?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return end(p.roll(func(i int) time.Time {
			mon := weekStart(p.today) + 7*i
			return p.at(p.c.lastWorkingIn(mon, mon+6), tp.clk)
		}))
	}},
	{regexp.MustCompile(`^dau tuan(?: sau| toi)?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return one(p.at(p.c.firstWorkingIn(weekStart(p.today)+7), tp.clk))
	}},
	{regexp.MustCompile(`^(?:cuoi )?thang(?: nay)?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return end(p.roll(func(i int) time.Time { return p.monthEnd(i, tp.clk) }))
	}},
	{regexp.MustCompile(`^cuoi thang (?:sau|toi)$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return end(p.monthEnd(1, tp.clk))
	}},
	{regexp.MustCompile(`^dau thang(?: sau| toi)?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		y, mo, _ := p.now.Date()
		_, last := monthBounds(y, mo)
		return one(p.at(p.c.firstWorkingIn(last+1), tp.clk))
	}},
	{regexp.MustCompile(`^(?:cuoi )?quy(?: nay)?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return end(p.roll(func(i int) time.Time {
			y, mo, _ := p.now.Date()
			q := time.Date(y, (mo-1)/3*3+3+time.Month(3*i), 1, 0, 0, 0, 0, time.UTC)
			first, last := monthBounds(q.Year(), q.Month())
			return p.at(p.c.lastWorkingIn(first, last), tp.clk)
		}))
	}},
	{regexp.MustCompile(`^(?:cuoi )?nam(?: nay)?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		return end(p.roll(func(i int) time.Time {
			y := p.now.Year() + i
			return p.at(p.c.lastWorkingIn(jdFromDate(1, 12, y), jdFromDate(31, 12, y)), tp.clk)
		}))
	}},
	// Numeric dates, always day before month: "20/12", "20-12-2026", "20.12.26",
	// optionally after a weekday ("thứ 6 20/12") or "ngày".
	{regexp.MustCompile(`^(?:` + wdRe + ` )?(?:ngay )?(\d{1,2}) ?[/.-] ?(\d{1,2})(?: ?[/.-] ?(\d{4}|\d{2}))?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		d, mo := atoi(m[3]), atoi(m[4])
		if m[5] == "" {
			t, err := p.dayMonth(d, mo, tp.clk)
			return dateResult{at: t}, err
		}
		jd, err := p.date(year2(m[5]), mo, d)
		if err != nil {
			return dateResult{}, err
		}
		return one(p.at(jd, tp.clk))
	}},
	// ISO: "2026-12-20".
	{regexp.MustCompile(`^(?:ngay )?(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		jd, err := p.date(atoi(m[1]), atoi(m[2]), atoi(m[3]))
		if err != nil {
			return dateResult{}, err
		}
		return one(p.at(jd, tp.clk))
	}},
	// In words: "ngày 20 tháng 12", "ngày 20 tháng 12 năm 2026".
	{regexp.MustCompile(`^(?:ngay )?(\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		d, mo := atoi(m[1]), atoi(m[2])
		if m[3] == "" {
			t, err := p.dayMonth(d, mo, tp.clk)
			return dateResult{at: t}, err
		}
		jd, err := p.date(atoi(m[3]), mo, d)
		if err != nil {
			return dateResult{}, err
		}
		return one(p.at(jd, tp.clk))
	}},
	// "ngày 20": the next 20th.
	{regexp.MustCompile(`^ngay (\d{1,2})$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		t, err := p.nextDayOfMonth(atoi(m[1]), tp.clk)
		return dateResult{at: t}, err
	}},
	// "ngày 20 tháng này", "ngày 5 tháng sau".
	{regexp.MustCompile(`^(?:ngay )?(\d{1,2}) thang (nay|sau|toi)$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		y, mo, _ := p.now.Date()
		if m[2] != "nay" {
			mo++
		}
		first := time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
		jd, err := p.date(first.Year(), int(first.Month()), atoi(m[1]))
		if err != nil {
			return dateResult{}, err
		}
		return one(p.at(jd, tp.clk))
	}},
	// A bare number is genuinely ambiguous: "20" is the 20th or 20 days from now.
	{regexp.MustCompile(`^(\d{1,2})$`), func(p *parser, m []string, tp timeParts) (dateResult, error) {
		n := atoi(m[1])
		if n < 1 || n > 31 {
			return dateResult{}, errInvalid(p.phrase)
		}
		dom, err := p.nextDayOfMonth(n, tp.clk)
		if err != nil {
			return dateResult{}, err
		}
		return dateResult{cands: []time.Time{dom, p.at(p.today+n, tp.clk)},
			readings: []string{"ngày " + strconv.Itoa(n), strconv.Itoa(n) + " ngày nữa"}}, nil
	}},
}

// monthEnd returns the last working day of the month i months from now's.
func (p *parser) monthEnd(i int, clk Clock) time.Time {
	y, mo, _ := p.now.Date()
	t := time.Date(y, mo+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
	first, last := monthBounds(t.Year(), t.Month())
	return p.at(p.c.lastWorkingIn(first, last), clk)
}
