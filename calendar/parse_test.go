package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Fixed "now" values used across the parser tests.
var (
	nowWed      = "2026-12-16 10:00" // a plain Wednesday in December
	nowFri      = "2026-12-18 16:00" // a Friday, an hour before the end of the day
	nowMonthEnd = "2026-07-31 16:00" // Friday, last day of the month
	nowLate     = "2026-07-31 17:30" // the same day after work
	nowYearEnd  = "2026-12-31 18:00" // Thursday evening, New Year's Eve
	nowPreTet   = "2027-02-03 09:00" // Wednesday; Tết 2027 is 6/2, the holiday runs 5–11/2
)

type parseCase struct {
	now    string
	phrase string
	want   string // "2006-01-02 15:04", or "err:<code>"
}

// both returns the case with and without diacritics (the second only if it differs).
func both(now, phrase, want string) []parseCase {
	out := []parseCase{{now, phrase, want}}
	if f := Fold(phrase); f != strings.ToLower(phrase) {
		out = append(out, parseCase{now, f, want})
	}
	return out
}

func parseCases() []parseCase {
	var cs []parseCase
	add := func(now, phrase, want string) { cs = append(cs, both(now, phrase, want)...) }

	// Numeric dates. 20/12/2026 is a Sunday: it moves to Monday 21/12 at 17:00.
	add(nowWed, "22/12", "2026-12-22 17:00")
	add(nowWed, "20/12", "2026-12-21 17:00")
	add(nowWed, "22/12/2026", "2026-12-22 17:00")
	add(nowWed, "22-12-2026", "2026-12-22 17:00")
	add(nowWed, "22.12.2026", "2026-12-22 17:00")
	add(nowWed, "22/12/26", "2026-12-22 17:00")
	add(nowWed, "2026-12-22", "2026-12-22 17:00")
	add(nowWed, "ngày 22/12", "2026-12-22 17:00")
	add(nowWed, "ngày 22 tháng 12", "2026-12-22 17:00")
	add(nowWed, "ngày 22 tháng 12 năm 2026", "2026-12-22 17:00")
	add(nowWed, "thứ 3, 22/12", "2026-12-22 17:00")
	add(nowWed, "ngày 22", "2026-12-22 17:00")
	add(nowWed, "ngày 10", "2027-01-11 17:00") // 10/1/2027 is a Sunday
	add(nowWed, "ngày 20 tháng sau", "2027-01-20 17:00")
	add(nowWed, "ngày 5 tháng tới", "2027-01-05 17:00")
	add(nowWed, "ngày 18 tháng này", "2026-12-18 17:00")
	add(nowWed, "ngày 15 tháng này", "err:past")
	add(nowWed, "1/1", "2027-01-04 17:00")   // Tết Dương lịch, then the weekend
	add(nowWed, "12/1", "2027-01-12 17:00")  // always day/month in Vietnam
	add(nowWed, "15/12", "2027-12-15 17:00") // past this year: next year
	add(nowWed, "16/12", "2026-12-16 17:00") // today, still ahead
	add(nowWed, "29/02/2028", "2028-02-29 17:00")

	// Date and time, either order.
	add(nowWed, "17h 22/12", "2026-12-22 17:00")
	add(nowWed, "17h30 22/12", "2026-12-22 17:30")
	add(nowWed, "17:30 22/12", "2026-12-22 17:30")
	add(nowWed, "08:15 22/12/2026", "2026-12-22 08:15")
	add(nowWed, "22/12 17h", "2026-12-22 17:00")
	add(nowWed, "22/12 17h30", "2026-12-22 17:30")
	add(nowWed, "22/12/2026 lúc 9h", "2026-12-22 09:00")
	add(nowWed, "17h ngày 22/12", "2026-12-22 17:00")
	add(nowWed, "9 giờ 30 ngày 22/12", "2026-12-22 09:30")
	add(nowWed, "16h 20/12", "2026-12-21 17:00") // Sunday: end of the next working day

	// Relative days.
	add(nowWed, "hôm nay", "2026-12-16 17:00")
	add(nowWed, "trong hôm nay", "2026-12-16 17:00")
	add(nowWed, "mai", "2026-12-17 17:00")
	add(nowWed, "ngày mai", "2026-12-17 17:00")
	add(nowWed, "ngày kia", "2026-12-18 17:00")
	add(nowWed, "mốt", "2026-12-18 17:00")
	add(nowWed, "ngày mốt", "2026-12-18 17:00")
	cs = append(cs, parseCase{nowWed, "ngày kìa", "2026-12-21 17:00"}) // 19/12 is Saturday

	// Weekdays.
	for _, p := range []string{"thứ 2", "thứ hai", "t2", "T2", "thứ Hai"} {
		add(nowWed, p, "2026-12-21 17:00")
	}
	add(nowWed, "thứ 3", "2026-12-22 17:00")
	add(nowWed, "thứ ba", "2026-12-22 17:00")
	add(nowWed, "thứ 4", "2026-12-16 17:00") // today, 17:00 still ahead
	add(nowWed, "thứ tư", "2026-12-16 17:00")
	add(nowWed, "thứ 5", "2026-12-17 17:00")
	add(nowWed, "thứ năm", "2026-12-17 17:00")
	add(nowWed, "thứ 6", "2026-12-18 17:00")
	add(nowWed, "thứ sáu", "2026-12-18 17:00")
	add(nowWed, "t6", "2026-12-18 17:00")
	add(nowWed, "thứ 6 tới", "2026-12-18 17:00")
	add(nowWed, "thứ 6 này", "2026-12-18 17:00")
	add(nowWed, "thứ 7", "2026-12-21 17:00") // Saturday moves to Monday
	add(nowWed, "thứ bảy", "2026-12-21 17:00")
	add(nowWed, "chủ nhật", "2026-12-21 17:00")
	add(nowWed, "cn", "2026-12-21 17:00")
	add(nowWed, "thứ 6 tuần sau", "2026-12-25 17:00")
	add(nowWed, "thứ sáu tuần tới", "2026-12-25 17:00")
	add(nowWed, "tuần sau thứ 2", "2026-12-21 17:00")
	add(nowWed, "thứ 2 tuần sau", "2026-12-21 17:00")
	add(nowWed, "thứ 4 tuần sau", "2026-12-23 17:00")
	add(nowFri, "thứ 6", "2026-12-18 17:00")        // today, time still ahead
	add(nowFri, "16h thứ 6", "2026-12-25 16:00")    // today but 16:00 is now: next week
	add(nowFri, "thứ 2 tuần này", "err:past")       // already gone
	add(nowFri, "17h30 thứ 6", "2026-12-18 17:30")  // later today
	add(nowLate, "thứ 6", "2026-08-07 17:00")       // Friday after work: next Friday
	add(nowLate, "hôm nay", "err:past")             // 17:00 is over
	add(nowLate, "chiều nay", "err:past")           // likewise
	add(nowLate, "tối nay", "2026-07-31 20:00")     // 20:00 is still ahead
	add(nowLate, "mai", "2026-08-03 17:00")         // Saturday: Monday
	add(nowMonthEnd, "thứ sáu", "2026-07-31 17:00") // today at 16:00

	// Weeks and months.
	add(nowWed, "tuần sau", "2026-12-25 17:00")
	add(nowWed, "tuần tới", "2026-12-25 17:00")
	add(nowWed, "cuối tuần", "2026-12-18 17:00")
	add(nowWed, "trong tuần", "2026-12-18 17:00")
	add(nowWed, "cuối tuần sau", "2026-12-25 17:00")
	add(nowWed, "đầu tuần sau", "2026-12-21 17:00")
	add(nowWed, "cuối tháng", "2026-12-31 17:00")
	add(nowWed, "đầu tháng sau", "2027-01-04 17:00") // 1/1 holiday, 2–3/1 weekend
	add(nowWed, "cuối năm", "2026-12-31 17:00")
	add(nowWed, "cuối quý", "2026-12-31 17:00")
	add(nowLate, "cuối tuần", "2026-08-07 17:00") // this week's is over
	add(nowMonthEnd, "cuối tháng", "2026-07-31 17:00")
	add(nowLate, "cuối tháng", "2026-08-31 17:00")
	add(nowLate, "cuối tháng sau", "2026-08-31 17:00")
	add(nowMonthEnd, "đầu tháng sau", "2026-08-03 17:00")
	add(nowMonthEnd, "31/7", "2026-07-31 17:00")
	add(nowLate, "31/7", "2027-08-02 17:00") // next year; 31/7/2027 is a Saturday
	add(nowLate, "ngày 31", "2026-08-31 17:00")

	// Day parts.
	add(nowWed, "sáng mai", "2026-12-17 11:30")
	add(nowWed, "trưa mai", "2026-12-17 12:00")
	add(nowWed, "chiều mai", "2026-12-17 17:00")
	add(nowWed, "chiều nay", "2026-12-16 17:00")
	add(nowWed, "tối nay", "2026-12-16 20:00")
	add(nowWed, "sáng thứ 6", "2026-12-18 11:30")
	add(nowWed, "chiều thứ 6 tuần sau", "2026-12-25 17:00")
	add(nowWed, "2h chiều thứ 6", "2026-12-18 14:00")
	add(nowWed, "sáng mai 9 giờ", "2026-12-17 09:00")

	// Times alone: today if ahead, else tomorrow.
	add(nowWed, "17h", "2026-12-16 17:00")
	add(nowWed, "17h30", "2026-12-16 17:30")
	add(nowWed, "17:30", "2026-12-16 17:30")
	add(nowWed, "17 giờ", "2026-12-16 17:00")
	add(nowWed, "9h", "2026-12-17 09:00")
	add(nowWed, "5 giờ chiều", "2026-12-16 17:00")
	add(nowWed, "5 giờ", "2026-12-16 17:00") // an office "5 giờ" is 17:00
	add(nowWed, "8 giờ sáng", "2026-12-17 08:00")
	add(nowWed, "8 giờ sáng mai", "2026-12-17 08:00")
	add(nowWed, "8 giờ rưỡi mai", "2026-12-17 08:30")
	add(nowWed, "1 giờ trưa mai", "2026-12-17 13:00")
	add(nowFri, "15h", "2026-12-21 15:00") // a time alone: the next working day with that time ahead
	add(nowWed, "8h tối thứ 6", "2026-12-18 20:00")

	// Durations.
	add(nowWed, "3 ngày nữa", "2026-12-21 17:00") // 19/12 is Saturday
	add(nowWed, "trong 3 ngày", "2026-12-21 17:00")
	add(nowWed, "sau 2 ngày", "2026-12-18 17:00")
	add(nowWed, "ba ngày nữa", "2026-12-21 17:00")
	add(nowWed, "1 tuần nữa", "2026-12-23 17:00")
	add(nowWed, "trong 2 tuần", "2026-12-30 17:00")
	add(nowWed, "1 tháng nữa", "2027-01-18 17:00") // 16/1/2027 is a Saturday
	add(nowWed, "5 ngày làm việc", "2026-12-23 17:00")
	add(nowWed, "trong 5 ngày làm việc", "2026-12-23 17:00")
	add(nowWed, "2 tiếng nữa", "2026-12-16 12:00")
	add(nowWed, "trong 24h", "2026-12-17 10:00")
	add(nowWed, "30 phút nữa", "2026-12-16 10:30")

	// Month and year ends.
	add(nowYearEnd, "mai", "2027-01-04 17:00")
	add(nowYearEnd, "2/1", "2027-01-04 17:00")
	add(nowYearEnd, "5/1", "2027-01-05 17:00")
	add(nowYearEnd, "31/12", "2027-12-31 17:00")
	add(nowYearEnd, "cuối năm", "2027-12-31 17:00")
	add(nowYearEnd, "tuần sau", "2027-01-08 17:00")
	add(nowYearEnd, "cuối tháng", "2027-01-29 17:00")
	add(nowYearEnd, "3 ngày làm việc", "2027-01-06 17:00")
	add(nowYearEnd, "hôm nay", "err:past")
	add(nowYearEnd, "20/12/2026", "err:past")

	// Around Tết 2027 (5–9/2 holiday, 10–11/2 compensatory).
	add(nowPreTet, "5 ngày làm việc", "2027-02-17 17:00")
	add("2027-02-02 09:00", "5 ngày làm việc", "2027-02-16 17:00")
	add(nowPreTet, "mai", "2027-02-04 17:00")
	add(nowPreTet, "ngày kia", "2027-02-12 17:00")
	add(nowPreTet, "thứ 6", "2027-02-12 17:00")
	add(nowPreTet, "tuần sau", "2027-02-12 17:00")
	add(nowPreTet, "cuối tuần", "2027-02-04 17:00")
	add(nowPreTet, "8/2", "2027-02-12 17:00")
	add(nowPreTet, "3 ngày nữa", "2027-02-12 17:00")
	add(nowPreTet, "17h 10/2/2027", "2027-02-12 17:00")

	// Tolerance: lead words, case, spaces, punctuation.
	add(nowWed, "hạn: 22/12.", "2026-12-22 17:00")
	add(nowWed, "Hạn chót 22/12!", "2026-12-22 17:00")
	add(nowWed, "  THỨ   SÁU  !!", "2026-12-18 17:00")
	add(nowWed, "trước 17h mai", "2026-12-17 17:00")
	add(nowWed, "chậm nhất thứ 6", "2026-12-18 17:00")
	add(nowWed, "vào thứ 6 lúc 9h", "2026-12-18 09:00")
	add(nowWed, "Mai.", "2026-12-17 17:00")

	// "Trước" a day is before it, never on or after it: the end of the last
	// working day before that day. 20/12/2026 is a Sunday, 19/12 a Saturday.
	add(nowWed, "trước ngày 20/12", "2026-12-18 17:00")
	add(nowWed, "trước 20/12", "2026-12-18 17:00")
	add(nowWed, "trước ngày 20", "2026-12-18 17:00")
	add(nowWed, "trước 20/12/2026", "2026-12-18 17:00")
	add(nowWed, "trước ngày 20 tháng 12", "2026-12-18 17:00")
	add(nowWed, "trước 2026-12-20", "2026-12-18 17:00")
	add(nowWed, "hạn trước ngày 20/12", "2026-12-18 17:00")
	add(nowWed, "chậm nhất trước ngày 20/12", "2026-12-18 17:00")
	add(nowWed, "Trước ngày 20/12.", "2026-12-18 17:00")
	add(nowWed, "trước 22/12", "2026-12-21 17:00")            // Tuesday: Monday
	add(nowWed, "trước ngày 5 tháng sau", "2027-01-04 17:00") // Tuesday 5/1/2027: Monday
	add(nowWed, "trước 4/1", "2026-12-31 17:00")              // 1/1 is Tết Dương lịch, 2–3/1 the weekend
	add(nowWed, "trước thứ 6", "2026-12-17 17:00")
	add(nowWed, "trước thứ 2 tuần sau", "2026-12-18 17:00")
	add(nowWed, "trước đầu tháng sau", "2026-12-31 17:00")
	add(nowWed, "trước đầu tuần sau", "2026-12-18 17:00")
	add(nowWed, "trước tuần sau", "2026-12-18 17:00")
	add(nowWed, "trước ngày kia", "2026-12-17 17:00")
	add(nowWed, "trước mai", "2026-12-16 17:00")                 // by the end of today
	add(nowPreTet, "trước 12/2", "2027-02-04 17:00")             // Tết 2027: 5–11/2 off
	add(nowPreTet, "trước ngày 12 tháng 2", "2027-02-04 17:00")  // likewise
	add("2026-02-02 09:00", "trước ngày 20", "2026-02-13 17:00") // Tết 2026: 16–20/2 off
	// With a time of day, "trước" keeps it on a working day, and never
	// moves past the day named.
	add(nowWed, "trước 17h mai", "2026-12-17 17:00")
	add(nowWed, "trước 9h 22/12", "2026-12-22 09:00")
	add(nowWed, "trước 9h ngày 20/12", "2026-12-18 17:00") // Sunday: Friday
	add(nowWed, "trước sáng thứ 6", "2026-12-18 11:30")
	add(nowWed, "trước 17h", "2026-12-16 17:00")
	// The end of a period is before it ends; durations count as without it.
	add(nowWed, "trước cuối tháng", "2026-12-31 17:00")
	add(nowWed, "trước cuối tuần", "2026-12-18 17:00")
	add(nowWed, "trước cuối tuần sau", "2026-12-25 17:00")
	add(nowWed, "trước cuối năm", "2026-12-31 17:00")
	add(nowWed, "trước 3 ngày nữa", "2026-12-21 17:00")
	// "tuần trước" is last week, not "before".
	add(nowWed, "tuần trước", "err:past")
	// Nothing left before the day named.
	add(nowFri, "trước 19/12", "2026-12-18 17:00")
	add("2026-12-18 17:30", "trước 20/12", "err:past")
	add("2026-12-18 17:30", "trước ngày 20", "err:past")
	add("2026-12-18 17:30", "trước thứ 2", "err:past")
	add(nowWed, "trước 16/12", "err:past")
	add(nowWed, "trước hôm nay", "err:past")
	add(nowWed, "trước 17/12", "2026-12-16 17:00")
	add(nowLate, "trước mai", "err:past")
	add(nowWed, "trước 15/12/2026", "err:past")
	add(nowWed, "trước 31/02", "err:impossible")

	// Errors.
	add(nowWed, "31/02", "err:impossible")
	add(nowWed, "31/02/2027", "err:impossible")
	add(nowWed, "30/2", "err:impossible")
	add(nowWed, "32/12", "err:impossible")
	add(nowWed, "12/13", "err:impossible")
	add(nowWed, "25h", "err:impossible")
	add(nowWed, "25h 22/12", "err:impossible")
	add(nowWed, "17:61", "err:impossible")
	add(nowWed, "17h61", "err:impossible")
	add(nowWed, "29/2/2027", "err:impossible")
	add(nowWed, "22/12/2200", "err:impossible")
	add(nowWed, "99999 ngày nữa", "err:impossible")
	add(nowWed, "hôm qua", "err:past")
	add(nowWed, "15/12/2026", "err:past")
	add(nowWed, "2025-12-22", "err:past")
	add(nowWed, "", "err:invalid")
	add(nowWed, "   ", "err:invalid")
	add(nowWed, "abc", "err:invalid")
	add(nowWed, "hạn", "err:invalid")
	add(nowWed, "xong", "err:invalid")
	add(nowWed, "thứ 9", "err:invalid")
	add(nowWed, "0 ngày", "err:invalid")
	add(nowWed, "22/12 23/12", "err:invalid")
	return cs
}

func TestParse(t *testing.T) {
	c := New(Config{})
	for _, tc := range parseCases() {
		now := tm(tc.now)
		d, err := c.Parse(tc.phrase, now)
		if code, ok := strings.CutPrefix(tc.want, "err:"); ok {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("Parse(%q) at %s = %v, %v; want error %s", tc.phrase, tc.now, d.At, err, code)
				continue
			}
			if pe.Code != code {
				t.Errorf("Parse(%q) at %s: code %q (%s), want %q", tc.phrase, tc.now, pe.Code, pe.Message, code)
			}
			if !strings.Contains(pe.Message, "Ví dụ") && !strings.Contains(pe.Message, "ví dụ") {
				t.Errorf("Parse(%q): message has no example: %s", tc.phrase, pe.Message)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q) at %s: %v", tc.phrase, tc.now, err)
			continue
		}
		if d.Recurrence != nil || len(d.Candidates) > 0 {
			t.Errorf("Parse(%q): unexpected recurrence/candidates %+v", tc.phrase, d)
		}
		if want := tm(tc.want); !d.At.Equal(want) {
			t.Errorf("Parse(%q) at %s = %s, want %s", tc.phrase, tc.now, FormatDeadline(d.At), FormatDeadline(want))
		}
		if d.At.Location() != c.Location() {
			t.Errorf("Parse(%q): location %v", tc.phrase, d.At.Location())
		}
	}
}

func TestParseRecurrence(t *testing.T) {
	c := New(Config{})
	for _, tc := range []struct {
		now, phrase string
		kind        RecurKind
		weekday     time.Weekday
		day, month  int
		clock       Clock
		text        string
		first       string
		next        []string // further occurrences
	}{
		{nowWed, "hàng ngày", Daily, 0, 0, 0, Clock{}, "hàng ngày (ngày làm việc)", "2026-12-16 17:00", []string{"2026-12-17 17:00", "2026-12-18 17:00", "2026-12-21 17:00"}},
		{nowWed, "hằng ngày", Daily, 0, 0, 0, Clock{}, "hàng ngày (ngày làm việc)", "2026-12-16 17:00", nil},
		{nowWed, "mỗi ngày", Daily, 0, 0, 0, Clock{}, "hàng ngày (ngày làm việc)", "2026-12-16 17:00", nil},
		{nowWed, "8h hàng ngày", Daily, 0, 0, 0, Clock{8, 0}, "hàng ngày (ngày làm việc), lúc 08:00", "2026-12-17 08:00", nil},
		{nowWed, "hàng tuần thứ 2", Weekly, time.Monday, 0, 0, Clock{}, "Thứ Hai hàng tuần", "2026-12-21 17:00", []string{"2026-12-28 17:00", "2027-01-04 17:00"}},
		{nowWed, "thứ 2 hàng tuần", Weekly, time.Monday, 0, 0, Clock{}, "Thứ Hai hàng tuần", "2026-12-21 17:00", nil},
		{nowWed, "mỗi thứ sáu", Weekly, time.Friday, 0, 0, Clock{}, "Thứ Sáu hàng tuần", "2026-12-18 17:00", []string{"2026-12-25 17:00", "2027-01-04 17:00"}}, // 1/1/2027 is a holiday
		{nowWed, "hàng tuần", Weekly, time.Friday, 0, 0, Clock{}, "Thứ Sáu hàng tuần", "2026-12-18 17:00", nil},
		{nowWed, "hàng tháng ngày 20", Monthly, 0, 20, 0, Clock{}, "ngày 20 hàng tháng", "2026-12-21 17:00", []string{"2027-01-20 17:00", "2027-02-22 17:00"}},
		{nowWed, "ngày 20 hàng tháng", Monthly, 0, 20, 0, Clock{}, "ngày 20 hàng tháng", "2026-12-21 17:00", nil},
		{nowWed, "trước ngày 20 hàng tháng", Monthly, 0, 20, 0, Clock{}, "trước ngày 20 hàng tháng", "2026-12-18 17:00", []string{"2027-01-19 17:00", "2027-02-19 17:00", "2027-03-19 17:00"}},
		{"2026-12-18 17:00", "trước ngày 20 hàng tháng", Monthly, 0, 20, 0, Clock{}, "trước ngày 20 hàng tháng", "2027-01-19 17:00", nil},
		{nowWed, "hạn trước ngày 20 hàng tháng", Monthly, 0, 20, 0, Clock{}, "trước ngày 20 hàng tháng", "2026-12-18 17:00", nil},
		{nowWed, "hàng tháng trước ngày 20", Monthly, 0, 20, 0, Clock{}, "trước ngày 20 hàng tháng", "2026-12-18 17:00", nil},
		{nowWed, "trước ngày 5 hàng tháng", Monthly, 0, 5, 0, Clock{}, "trước ngày 5 hàng tháng", "2027-01-04 17:00", []string{"2027-02-04 17:00", "2027-03-04 17:00"}},
		{nowWed, "trước ngày 1 hàng tháng", Monthly, 0, 1, 0, Clock{}, "trước ngày 1 hàng tháng", "2026-12-31 17:00", []string{"2027-01-29 17:00", "2027-02-26 17:00"}},
		{nowWed, "trước ngày 31 hàng tháng", Monthly, 0, 31, 0, Clock{}, "trước ngày 31 hàng tháng", "2026-12-30 17:00", []string{"2027-01-29 17:00", "2027-02-26 17:00", "2027-03-30 17:00"}}, // no 31/2: all of February is before it
		{nowWed, "trước 9h ngày 20 hàng tháng", Monthly, 0, 20, 0, Clock{9, 0}, "trước ngày 20 hàng tháng, lúc 09:00", "2026-12-18 17:00", []string{"2027-01-20 09:00", "2027-02-19 17:00"}},   // a time keeps a working 20th; a day off gives the day before
		{nowWed, "trước thứ 2 hàng tuần", Weekly, time.Monday, 0, 0, Clock{}, "trước Thứ Hai hàng tuần", "2026-12-18 17:00", []string{"2026-12-25 17:00", "2026-12-31 17:00"}},                 // 1/1/2027 (Friday) is a holiday: Thursday 31/12
		{nowWed, "trước thứ 6 hàng tuần", Weekly, time.Friday, 0, 0, Clock{}, "trước Thứ Sáu hàng tuần", "2026-12-17 17:00", []string{"2026-12-24 17:00", "2026-12-31 17:00"}},
		{nowWed, "trước ngày 15 tháng cuối quý hàng quý", Quarterly, 0, 15, 3, Clock{}, "trước ngày 15 tháng cuối quý, hàng quý", "2027-03-12 17:00", []string{"2027-06-14 17:00"}},
		{nowWed, "trước 31/12 hàng năm", Yearly, 0, 31, 12, Clock{}, "trước ngày 31/12 hàng năm", "2026-12-30 17:00", []string{"2027-12-30 17:00"}},
		{nowWed, "báo cáo trước ngày 20 hàng tháng", 0, 0, 0, 0, Clock{}, "", "", nil},                                                                         // not a deadline phrase
		{nowWed, "hàng tháng ngày 31", Monthly, 0, 31, 0, Clock{}, "ngày 31 hàng tháng", "2026-12-31 17:00", []string{"2027-02-01 17:00", "2027-03-01 17:00"}}, // 31/1 is Sunday; 28/2 is Sunday
		{nowWed, "cuối mỗi tháng", Monthly, 0, 0, 0, Clock{}, "ngày làm việc cuối cùng hàng tháng", "2026-12-31 17:00", []string{"2027-01-29 17:00"}},
		{nowWed, "hàng quý", Quarterly, 0, 0, 3, Clock{}, "ngày làm việc cuối cùng hàng quý", "2026-12-31 17:00", []string{"2027-03-31 17:00", "2027-06-30 17:00"}},
		{nowWed, "hàng quý ngày 15", Quarterly, 0, 15, 3, Clock{}, "ngày 15 tháng cuối quý, hàng quý", "2027-03-15 17:00", nil},
		{nowWed, "hàng năm 31/12", Yearly, 0, 31, 12, Clock{}, "ngày 31/12 hàng năm", "2026-12-31 17:00", []string{"2027-12-31 17:00", "2029-01-02 17:00"}},
		{nowWed, "31/12 hàng năm", Yearly, 0, 31, 12, Clock{}, "ngày 31/12 hàng năm", "2026-12-31 17:00", nil},
		{nowWed, "hàng năm ngày 15 tháng 1", Yearly, 0, 15, 1, Clock{}, "ngày 15/1 hàng năm", "2027-01-15 17:00", nil},
		{nowPreTet, "hàng ngày", Daily, 0, 0, 0, Clock{}, "hàng ngày (ngày làm việc)", "2027-02-03 17:00", []string{"2027-02-04 17:00", "2027-02-12 17:00"}},
	} {
		for _, phrase := range []string{tc.phrase, Fold(tc.phrase)} {
			d, err := c.Parse(phrase, tm(tc.now))
			if tc.kind == 0 {
				if err == nil {
					t.Errorf("Parse(%q) = %+v, want error", phrase, d)
				}
				continue
			}
			if err != nil {
				t.Errorf("Parse(%q): %v", phrase, err)
				continue
			}
			r := d.Recurrence
			if r == nil {
				t.Errorf("Parse(%q): no recurrence", phrase)
				continue
			}
			if r.Kind != tc.kind || r.Day != tc.day || r.Month != tc.month || r.Clock != tc.clock || r.Text != tc.text ||
				(tc.kind == Weekly && r.Weekday != tc.weekday) || r.Before != strings.HasPrefix(tc.text, "trước") {
				t.Errorf("Parse(%q) = %+v", phrase, *r)
			}
			if !d.At.Equal(tm(tc.first)) {
				t.Errorf("Parse(%q) first = %s, want %s", phrase, FormatDeadline(d.At), tc.first)
			}
			prev := d.At
			for _, w := range tc.next {
				n := r.Next(c, prev)
				if !n.Equal(tm(w)) {
					t.Errorf("%q: Next(%s) = %s, want %s", phrase, FormatDeadline(prev), FormatDeadline(n), w)
				}
				prev = n
			}
		}
	}
}

// Next is strictly after its argument even when an occurrence was moved off
// a holiday: the 20th falling on Sunday 20/12/2026 is due Monday 21/12.
func TestRecurrenceNextMoved(t *testing.T) {
	c := New(Config{})
	r := Recurrence{Kind: Monthly, Day: 20}
	if got := r.Next(c, tm("2026-12-21 09:00")); !got.Equal(tm("2026-12-21 17:00")) {
		t.Errorf("Next = %v", got)
	}
	if got := r.Next(c, tm("2026-12-21 17:00")); !got.Equal(tm("2027-01-20 17:00")) {
		t.Errorf("Next = %v", got)
	}
	if got := r.Next(nil, tm("2026-12-21 17:00")); !got.Equal(tm("2027-01-20 17:00")) {
		t.Errorf("Next(nil calendar) = %v", got)
	}
	if got := (Recurrence{}).Next(c, tm("2026-12-21 17:00")); !got.IsZero() {
		t.Errorf("invalid kind: %v", got)
	}
	for k := Daily; k <= Yearly; k++ {
		if got, ok := ParseRecurKind(k.String()); !ok || got != k {
			t.Errorf("RecurKind round trip %v", k)
		}
	}
}

func TestParseAmbiguous(t *testing.T) {
	c := New(Config{})
	d, err := c.Parse("20", tm(nowWed))
	if err != nil {
		t.Fatal(err)
	}
	if !d.At.IsZero() || len(d.Candidates) != 2 {
		t.Fatalf("Parse(20) = %+v", d)
	}
	// The 20th (a Sunday, so Monday 21/12) or 20 days from now (5/1/2027).
	if !d.Candidates[0].At.Equal(tm("2026-12-21 17:00")) || !d.Candidates[1].At.Equal(tm("2027-01-05 17:00")) {
		t.Errorf("candidates %v", d.Candidates)
	}
	// The 20th moved off a Sunday, and says so; 5/1 did not move.
	if m := d.Candidates[0].Moved; m == nil || m.String() != "20/12 là Chủ nhật" || d.Candidates[1].Moved != nil {
		t.Errorf("candidates moved: %+v %+v", d.Candidates[0].Moved, d.Candidates[1].Moved)
	}
	// Each says how it read "20", in words that give it alone.
	if d.Candidates[0].Reading != "ngày 20" || d.Candidates[1].Reading != "20 ngày nữa" {
		t.Errorf("readings %q, %q", d.Candidates[0].Reading, d.Candidates[1].Reading)
	}
	for _, cand := range d.Candidates {
		if alone, err := c.Parse(cand.Reading, tm(nowWed)); err != nil || !alone.At.Equal(cand.At) {
			t.Errorf("Parse(%q) = %v, %v; want %v", cand.Reading, alone.At, err, cand.At)
		}
	}
	// "trước 20": before the 20th or before 20 days from now; nothing moved.
	d, err = c.Parse("trước 20", tm(nowWed))
	if err != nil || len(d.Candidates) != 2 || !d.Candidates[0].At.Equal(tm("2026-12-18 17:00")) ||
		!d.Candidates[1].At.Equal(tm("2027-01-04 17:00")) || d.Candidates[0].Moved != nil || d.Candidates[1].Moved != nil {
		t.Errorf("Parse(trước 20) = %+v, %v", d, err)
	}
	if d.Candidates[0].Reading != "trước ngày 20" || d.Candidates[1].Reading != "trước 20 ngày nữa" {
		t.Errorf("readings %q, %q", d.Candidates[0].Reading, d.Candidates[1].Reading)
	}
	// A reading of a day in the past is gone, so is its word.
	if d, err := c.Parse("1", tm("2026-12-31 09:00")); err != nil || d.Reading != "" {
		t.Errorf("Parse(1) on 31/12 = %+v, %v", d, err)
	}
	// When both readings are the same day there is nothing to ask.
	d, err = c.Parse("1", tm("2026-12-31 09:00"))
	if err != nil || len(d.Candidates) != 0 || !d.At.Equal(tm("2027-01-04 17:00")) {
		t.Errorf("Parse(1) on 31/12 = %+v, %v", d, err)
	}
}

func TestParseConfig(t *testing.T) {
	// A custom end of day is the time of date-only deadlines.
	c := New(Config{WorkEnd: Clock{16, 30}, NoHolidays: true})
	d, err := c.Parse("mai", tm(nowWed))
	if err != nil || !d.At.Equal(tm("2026-12-17 16:30")) {
		t.Errorf("Parse(mai) = %v, %v", d.At, err)
	}
	// NoHolidays: 1/1/2027 (Friday) is a working day.
	d, err = c.Parse("1/1", tm(nowWed))
	if err != nil || !d.At.Equal(tm("2027-01-01 16:30")) {
		t.Errorf("Parse(1/1) = %v, %v", d.At, err)
	}
	// Now given in another zone is read in the calendar's zone.
	d, err = c.Parse("hôm nay", time.Date(2026, 12, 16, 3, 0, 0, 0, time.UTC)) // 10:00 in Vietnam
	if err != nil || !d.At.Equal(tm("2026-12-16 16:30")) {
		t.Errorf("Parse(hôm nay) = %v, %v", d.At, err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Thứ Sáu Tuần Sau": "thu sau tuan sau",
		"ĐẦU THÁNG SAU":    "dau thang sau",
		"ngày   mai!!":     "ngay mai",
		"hạn: 20/12.":      "han: 20/12",
		"Thứ\u0302":        "thu", // a stray combining mark
		"thu\u031b\u0301":  "thu", // NFD "thứ"
		"hằng, tuần":       "hang tuan",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// fuzzSeeds are the seed corpus of FuzzParse: every phrase of the table
// tests plus some awkward inputs.
func fuzzSeeds() []string {
	seen := map[string]bool{}
	var out []string
	for _, tc := range parseCases() {
		if !seen[tc.phrase] {
			seen[tc.phrase] = true
			out = append(out, tc.phrase)
		}
	}
	return append(out, "hàng ngày", "trước ngày 20 hàng tháng", "hàng quý", "hàng năm 31/12", "31/12 hàng năm",
		"mỗi thứ 2 8h", "20", "1", "31", "0", "ngày 0", "00:00", "0h", "23:59", "24:00", "thứ 6 tuần sau 17h30",
		"17h17h", "//", "-1 ngày", "1/1/1900", "31/12/2100", "hàng tháng ngày 99", "trong 9999999999 ngày",
		"\u0301", "ngày kìa", "kìa", "t 6", "cn tuần sau", "sáng", "chiều", "tối", "trưa", "đêm", "mai mai",
		"17h 17h 20/12", "hạn hạn hạn", "2h sáng", "12 giờ sáng", "29/2", "ngày 31 tháng 2",
		// "trước" a day, once and every period.
		"trước ngày 20/12", "truoc ngay 20 hang thang", "trước 20", "trước ngày 1 hàng tháng", "trước ngày 31 hàng tháng",
		"trước 9h ngày 20 hàng tháng", "trước thứ 6 hàng tuần", "trước 31/12 hàng năm", "trước 29/2 hàng năm",
		"trước ngày 15 tháng đầu quý hàng quý", "trước tuần sau", "trước trước 20/12", "tuần trước 20/12",
		"trước 17h ngày 20/12", "trước chủ nhật", "trước hôm nay", "trước 1/1/2100", "trước 1/1/1900")
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, int64(0))
		f.Add(s, int64(86400*45+3600*9))
	}
	c := New(Config{})
	base := tm(nowWed)
	f.Fuzz(func(t *testing.T, phrase string, offset int64) {
		// Any now from 1990 to about 2090.
		offset %= 100 * 365 * 86400
		now := base.Add(time.Duration(offset) * time.Second)
		d, err := c.Parse(phrase, now)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Code == "" || pe.Message == "" {
				t.Fatalf("Parse(%q): error %T %v", phrase, err, err)
			}
			return
		}
		if len(d.Candidates) > 0 {
			if !d.At.IsZero() {
				t.Fatalf("Parse(%q): candidates and At", phrase)
			}
			for _, x := range d.Candidates {
				if !x.At.After(now) || !c.IsWorkingDay(x.At) || len(x.Candidates) > 0 || x.Recurrence != nil {
					t.Fatalf("Parse(%q) at %v: bad candidate %v", phrase, now, x)
				}
			}
			return
		}
		if !d.At.After(now) {
			t.Fatalf("Parse(%q) at %v = %v, not after now", phrase, now, d.At)
		}
		if !c.IsWorkingDay(d.At) {
			t.Fatalf("Parse(%q) at %v = %v, not a working day", phrase, now, d.At)
		}
		if m := d.Moved; m != nil && (c.IsWorkingDay(m.Date) || !m.Date.Before(d.At) || m.Why == "") {
			t.Fatalf("Parse(%q) at %v = %v, moved from %+v", phrase, now, d.At, m)
		}
		if r := d.Recurrence; r != nil {
			n := r.Next(c, d.At)
			if !n.After(d.At) || !c.IsWorkingDay(n) {
				t.Fatalf("Parse(%q): recurrence next %v after %v", phrase, n, d.At)
			}
			// Before the day named, or on it or after it when moved off it;
			// with a time, on the day named when it is a working day.
			n, named := r.next(c, d.At)
			if day := c.dayNum(n); r.Before && (day > named || (day == named && r.Clock == (Clock{}))) || !r.Before && day < named {
				t.Fatalf("Parse(%q): occurrence %v for day %v (Before %v)", phrase, n, c.fromDayNum(named), r.Before)
			}
		}
	})
}

// "Trước ngày 20 hàng tháng" is due before the 20th in every month, never
// on or after it, on a working day, and the last working day before the
// 20th (a deadline earlier than needed is also wrong): for 24 months from
// December 2026, whether the task is given in that month (the first
// occurrence) or follows the one before (the next occurrence), with the
// real holidays. A run from January 2026 crosses Tết 2026 (16–20/2 off),
// and an extra day off on 19/3/2027 (an override) pushes March back.
func TestBeforeTwentiethEveryMonth(t *testing.T) {
	c := New(Config{})
	c.SetOverrides([]Override{{Date: tm("2027-03-19"), Reason: "Nghỉ thêm theo quyết định"}})
	want := map[string]string{
		"2026-02": "2026-02-13", // 16–20/2/2026 Tết
		"2026-12": "2026-12-18", // 19–20/12/2026 weekend
		"2027-03": "2027-03-18", // 19/3/2027 the override
		"2027-06": "2027-06-18", // 19–20/6/2027 weekend
	}
	for _, from := range []string{"2026-12-01 08:00", "2026-01-01 08:00"} {
		start := tm(from)
		prev := time.Time{}
		for i := 0; i < 24; i++ {
			month := start.AddDate(0, i, 0)
			check := func(how string, got time.Time) {
				t.Helper()
				y, m, d := got.Date()
				if y != month.Year() || m != month.Month() || d > 19 || !c.IsWorkingDay(got) || got.Hour() != 17 || got.Minute() != 0 {
					t.Fatalf("%s for %s: %s, want 17:00 on a working day by the 19th", how, month.Format("01/2006"), FormatDeadline(got))
				}
				for day := got.AddDate(0, 0, 1); day.Day() < 20; day = day.AddDate(0, 0, 1) {
					if c.IsWorkingDay(day) {
						t.Fatalf("%s for %s: %s, but %s is a working day before the 20th too", how, month.Format("01/2006"), FormatDeadline(got), day.Format("02/01"))
					}
				}
				if w, ok := want[month.Format("2006-01")]; ok && got.Format("2006-01-02") != w {
					t.Fatalf("%s for %s: %s, want %s", how, month.Format("01/2006"), FormatDeadline(got), w)
				}
			}
			for _, phrase := range []string{"trước ngày 20 hàng tháng", "truoc ngay 20 hang thang"} {
				d, err := c.Parse(phrase, month)
				if err != nil {
					t.Fatalf("Parse(%q) at %s: %v", phrase, month, err)
				}
				check("first occurrence of "+phrase, d.At)
				if d.Moved != nil {
					t.Errorf("%q moved: %v", phrase, d.Moved)
				}
			}
			if i > 0 {
				next, err := c.NextDeadline("trước ngày 20 hàng tháng", prev)
				if err != nil {
					t.Fatal(err)
				}
				check("next occurrence", next)
			}
			d, _ := c.Parse("trước ngày 20 hàng tháng", month)
			prev = d.At
		}
	}
}

// A date on a day off moves to the next working day, and the result says
// which day it left and why: the weekend, the holiday by the name the
// calendar knows, or an override's reason.
func TestParseMoved(t *testing.T) {
	c := New(Config{})
	c.SetOverrides([]Override{
		{Date: tm("2027-02-12"), Reason: "Nghỉ thêm sau Tết"},
		{Date: tm("2027-03-03"), Reason: "Bầu cử"},
		{Date: tm("2027-03-04")},
		{Date: tm("2026-12-26"), Working: true, Reason: "Làm bù"},
	})
	for _, tc := range []struct{ now, phrase, at, moved string }{
		{nowWed, "20/12", "2026-12-21 17:00", "20/12 là Chủ nhật"},
		{nowWed, "hạn 20/12", "2026-12-21 17:00", "20/12 là Chủ nhật"},
		{nowWed, "19/12", "2026-12-21 17:00", "19/12 là Thứ Bảy"},
		{nowWed, "thứ 7", "2026-12-21 17:00", "19/12 là Thứ Bảy"},
		{nowWed, "3 ngày nữa", "2026-12-21 17:00", "19/12 là Thứ Bảy"},
		{nowWed, "1/1", "2027-01-04 17:00", "01/01 là ngày nghỉ Tết Dương lịch"},
		{nowWed, "ngày 1 tháng 1 năm 2027", "2027-01-04 17:00", "01/01 là ngày nghỉ Tết Dương lịch"},
		{nowPreTet, "5/2", "2027-02-15 17:00", "05/02 là ngày nghỉ Tết Nguyên Đán (ngày cuối năm)"},
		{nowPreTet, "10/2", "2027-02-15 17:00", "10/02 là ngày nghỉ bù Tết Nguyên Đán (mùng 1)"},
		{nowPreTet, "12/2", "2027-02-15 17:00", "12/02 là ngày nghỉ thêm sau Tết"},
		{nowPreTet, "3/3", "2027-03-05 17:00", "03/03 là ngày nghỉ Bầu cử"},
		{nowPreTet, "4/3", "2027-03-05 17:00", "04/03 là ngày nghỉ"},
		{"2027-04-20 09:00", "30/4", "2027-05-04 17:00", "30/04 là ngày nghỉ Chiến thắng (30/4)"},
		{"2027-04-20 09:00", "1/5", "2027-05-04 17:00", "01/05 là ngày nghỉ Quốc tế Lao động"},
		{"2027-04-20 09:00", "3/5", "2027-05-04 17:00", "03/05 là ngày nghỉ bù Quốc tế Lao động"},
		{nowWed, "26/12", "2026-12-26 17:00", ""}, // a make-up Saturday is a working day
		{nowWed, "22/12", "2026-12-22 17:00", ""},
		{nowWed, "trước 21/12", "2026-12-18 17:00", ""}, // before a day: nothing moved past it
		{nowWed, "hàng tháng ngày 20", "2026-12-21 17:00", "20/12 là Chủ nhật"},
		{nowWed, "trước ngày 20 hàng tháng", "2026-12-18 17:00", ""},
		{nowWed, "hàng tháng ngày 22", "2026-12-22 17:00", ""},
		{nowWed, "thứ 7 hàng tuần", "2026-12-21 17:00", "19/12 là Thứ Bảy"},
		{nowWed, "hàng ngày", "2026-12-16 17:00", ""},
	} {
		d, err := c.Parse(tc.phrase, tm(tc.now))
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.phrase, err)
			continue
		}
		moved := ""
		if d.Moved != nil {
			moved = d.Moved.String()
			if c.IsWorkingDay(d.Moved.Date) || d.Moved.Date.Hour() != 0 || !d.Moved.Date.Before(d.At) {
				t.Errorf("Parse(%q): moved from %v", tc.phrase, d.Moved.Date)
			}
		}
		if !d.At.Equal(tm(tc.at)) || moved != tc.moved {
			t.Errorf("Parse(%q) = %s (%s), want %s (%s)", tc.phrase, FormatDeadline(d.At), moved, tc.at, tc.moved)
		}
	}
}

// Refusing "trước 20/12" once its last working day has passed says which
// day that was, and how to say it instead.
func TestParseBeforePastMessage(t *testing.T) {
	c := New(Config{})
	_, err := c.Parse("trước ngày 20/12", tm("2026-12-18 17:30"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Code != CodePast {
		t.Fatalf("err = %v", err)
	}
	want := `Thời hạn "trước ngày 20/12" đã qua: ngày làm việc cuối cùng trước 20/12/2026 là 17:00 Thứ Sáu 18/12/2026. Hãy chọn một ngày sau, ví dụ: trước ngày 20 tháng sau, 5 ngày làm việc.`
	if pe.Message != want {
		t.Errorf("message %q\nwant    %q", pe.Message, want)
	}
	// The example it gives is itself accepted.
	if d, err := c.Parse("trước ngày 20 tháng sau", tm("2026-12-18 17:30")); err != nil || !d.At.Equal(tm("2027-01-19 17:00")) {
		t.Errorf("the example: %v, %v", d.At, err)
	}
}
