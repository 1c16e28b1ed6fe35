package report

import (
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

var vn = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, vn)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vn)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParsePeriod(t *testing.T) {
	now := at("2026-12-03 10:00") // a Thursday in quarter IV
	for _, tc := range []struct {
		in, from, to, label string
	}{
		{"", "2026-12-01", "2027-01-01", "tháng 12/2026"},
		{"tháng này", "2026-12-01", "2027-01-01", "tháng 12/2026"},
		{"thang nay", "2026-12-01", "2027-01-01", "tháng 12/2026"},
		{"  Tháng   Này ", "2026-12-01", "2027-01-01", "tháng 12/2026"},
		{"tha\u0301ng na\u0300y", "2026-12-01", "2027-01-01", "tháng 12/2026"}, // decomposed
		{"tháng 11", "2026-11-01", "2026-12-01", "tháng 11/2026"},
		{"thang 11/2025", "2025-11-01", "2025-12-01", "tháng 11/2025"},
		{"tháng 2 năm 2026", "2026-02-01", "2026-03-01", "tháng 2/2026"},
		{"11/2026", "2026-11-01", "2026-12-01", "tháng 11/2026"},
		{"tháng trước", "2026-11-01", "2026-12-01", "tháng 11/2026"},
		{"thang truoc", "2026-11-01", "2026-12-01", "tháng 11/2026"},
		{"quý 4", "2026-10-01", "2027-01-01", "quý IV/2026"},
		{"quy IV", "2026-10-01", "2027-01-01", "quý IV/2026"},
		{"Q1/2026", "2026-01-01", "2026-04-01", "quý I/2026"},
		{"quý trước", "2026-07-01", "2026-10-01", "quý III/2026"},
		{"quy nay", "2026-10-01", "2027-01-01", "quý IV/2026"},
		{"6 tháng", "2026-01-01", "2026-07-01", "6 tháng đầu năm 2026"},
		{"6 thang dau nam", "2026-01-01", "2026-07-01", "6 tháng đầu năm 2026"},
		{"6 tháng cuối năm", "2026-07-01", "2027-01-01", "6 tháng cuối năm 2026"},
		{"9 tháng", "2026-01-01", "2026-10-01", "9 tháng đầu năm 2026"},
		{"năm 2026", "2026-01-01", "2027-01-01", "năm 2026"},
		{"nam 2025", "2025-01-01", "2026-01-01", "năm 2025"},
		{"năm", "2026-01-01", "2027-01-01", "năm 2026"},
		{"năm trước", "2025-01-01", "2026-01-01", "năm 2025"},
		{"tuần này", "2026-11-30", "2026-12-07", "tuần từ 30/11/2026 đến 06/12/2026"},
		{"tuan truoc", "2026-11-23", "2026-11-30", "tuần từ 23/11/2026 đến 29/11/2026"},
		{"từ 1/7 đến 30/9", "2026-07-01", "2026-10-01", "từ 01/07/2026 đến 30/09/2026"},
		{"tu 1/7 den 30/9", "2026-07-01", "2026-10-01", "từ 01/07/2026 đến 30/09/2026"},
		{"1/7 - 30/9/2025", "2025-07-01", "2025-10-01", "từ 01/07/2025 đến 30/09/2025"},
		{"từ 1/11 đến 31/1", "2025-11-01", "2026-02-01", "từ 01/11/2025 đến 31/01/2026"},
		{"từ ngày 3/12/26 đến ngày 3/12/26", "2026-12-03", "2026-12-04", "từ 03/12/2026 đến 03/12/2026"},
	} {
		p, err := ParsePeriod(tc.in, now, vn)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !p.From.Equal(day(tc.from)) || !p.To.Equal(day(tc.to)) || p.Label != tc.label {
			t.Errorf("%q = [%s, %s) %q, want [%s, %s) %q", tc.in, p.From, p.To, p.Label, tc.from, tc.to, tc.label)
		}
	}
}

// A month or quarter named without a year is the latest one not in the
// future: "tháng 11" said in January is last November.
func TestParsePeriodLatestPast(t *testing.T) {
	now := at("2027-01-05 09:00")
	for in, from := range map[string]string{
		"tháng 11": "2026-11-01", "tháng 1": "2027-01-01", "quý 4": "2026-10-01",
		"quý 1": "2027-01-01", "quý trước": "2026-10-01", "tháng trước": "2026-12-01",
	} {
		p, err := ParsePeriod(in, now, vn)
		if err != nil || !p.From.Equal(day(from)) {
			t.Errorf("%q in January 2027: %v %v, want from %s", in, p.From, err, from)
		}
	}
}

func TestParsePeriodBad(t *testing.T) {
	now := at("2026-12-03 10:00")
	for _, in := range []string{"tháng 13", "tháng 0", "quý 5", "năm 1999", "từ 31/2 đến 3/3", "từ 30/9/2026 đến 1/7/2026",
		"hôm qua nữa", "năm 20266", "9 tháng cuối năm", "abc"} {
		_, err := ParsePeriod(in, now, vn)
		if nhacviec.ErrorCode(err) != nhacviec.EInvalid {
			t.Errorf("%q: %v, want EInvalid", in, err)
			continue
		}
		if msg := nhacviec.ErrorMessage(err); !strings.Contains(msg, "Ví dụ") {
			t.Errorf("%q: %q has no example", in, msg)
		}
	}
}

// The period's bounds are midnight in Vietnam, whatever zone now is in.
func TestParsePeriodMidnightVietnam(t *testing.T) {
	now := time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC) // 00:30 on 1/12 in Vietnam
	p, err := ParsePeriod("", now, vn)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC); !p.From.Equal(want) {
		t.Errorf("this month from %s, want %s (midnight 1/12 in Vietnam)", p.From.UTC(), want)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "tháng 11", "quý IV/2026", "từ 1/7 đến 30/9", "6 tháng cuối năm 2025", "tuần trước", "năm 2026", "29/2 - 1/3/2028"} {
		f.Add(s, int64(1764730000))
	}
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		now := time.Unix(sec%4e9, 0)
		if now.Year() < 2001 || now.Year() > 2099 {
			return
		}
		p, err := ParsePeriod(s, now, vn)
		if err != nil {
			if nhacviec.ErrorCode(err) != nhacviec.EInvalid || nhacviec.ErrorMessage(err) == "" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if !p.From.Before(p.To) || p.Label == "" {
			t.Fatalf("%q: [%s, %s) %q", s, p.From, p.To, p.Label)
		}
		for _, b := range []time.Time{p.From, p.To} {
			if l := b.In(vn); l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || l.Nanosecond() != 0 {
				t.Fatalf("%q: bound %s not at midnight in Vietnam", s, l)
			}
		}
	})
}
