package calendar

import (
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zoneinfo
)

var vn = mustLoc("Asia/Ho_Chi_Minh")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// tm parses "2006-01-02 15:04" (or a bare date) in Vietnam time.
func tm(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == 10 {
		layout = "2006-01-02"
	}
	t, err := time.ParseInLocation(layout, s, vn)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDefaults(t *testing.T) {
	c := New(Config{})
	if c.Location().String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("location %v", c.Location())
	}
	if c.WorkStart() != (Clock{7, 30}) || c.WorkEnd() != (Clock{17, 0}) {
		t.Errorf("work hours %v–%v", c.WorkStart(), c.WorkEnd())
	}
	// A weekend of all seven days is ignored rather than looping forever.
	all := New(Config{Weekend: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, NoHolidays: true})
	if !all.IsWorkingDay(tm("2026-12-16")) {
		t.Error("seven-day weekend should fall back to Saturday/Sunday")
	}
}

func TestWorkingDays(t *testing.T) {
	c := New(Config{})
	for _, tc := range []struct {
		day     string
		working bool
		why     string
	}{
		{"2026-12-16", true, "Wednesday"},
		{"2026-12-19", false, "Saturday"},
		{"2026-12-20", false, "Sunday"},
		{"2027-01-01", false, "Tết Dương lịch"},
		{"2027-02-04", true, "last working day before Tết 2027"},
		{"2027-02-05", false, "last day of the lunar year (Tết 2027 is 6/2)"},
		{"2027-02-08", false, "mùng 3"},
		{"2027-02-09", false, "mùng 4"},
		{"2027-02-10", false, "compensatory for mùng 1 on Saturday"},
		{"2027-02-11", false, "compensatory for mùng 2 on Sunday"},
		{"2027-02-12", true, "back to work"},
		{"2026-02-16", false, "29 Tết 2026 (the lunar year ends on the 29th)"},
		{"2026-02-20", false, "mùng 4 Tết 2026"},
		{"2026-02-23", true, "after Tết 2026"},
		{"2026-04-27", false, "compensatory for Giỗ Tổ on Sunday 26/4/2026"},
		{"2026-04-30", false, "30/4"},
		{"2026-05-01", false, "1/5"},
		{"2022-05-02", false, "compensatory for 30/4/2022 (Saturday)"},
		{"2022-05-03", false, "compensatory for 1/5/2022 (Sunday)"},
		{"2022-05-04", true, "after the compensatory days"},
		{"2022-01-03", false, "compensatory for 1/1/2022 (Saturday)"},
		{"2023-09-01", false, "Quốc khánh adjacent day 2023 (Friday)"},
		{"2023-09-04", false, "compensatory for 2/9/2023 (Saturday)"},
		{"2023-09-05", true, ""},
		{"2024-09-03", false, "Quốc khánh adjacent day 2024 (Tuesday)"},
		{"2024-04-18", false, "Giỗ Tổ 2024"},
		{"2021-09-03", false, "Quốc khánh adjacent day 2021 (Friday)"},
		{"2022-09-01", false, "Quốc khánh adjacent day 2022 (Thursday)"},
		{"2025-09-01", false, "Quốc khánh adjacent day 2025 (Monday)"},
		{"2020-09-01", true, "before 2021 Quốc khánh was one day"},
		{"1985-01-21", false, "Tết 1985 in Vietnam"},
		{"1985-02-20", true, "Chinese New Year 1985, a Wednesday at work in Vietnam"},
	} {
		if got := c.IsWorkingDay(tm(tc.day)); got != tc.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tc.day, got, tc.working, tc.why)
		}
	}
	// The date is taken in the calendar's zone: 23:30 UTC on Friday is Saturday in Vietnam.
	if c.IsWorkingDay(time.Date(2026, 12, 18, 23, 30, 0, 0, time.UTC)) {
		t.Error("Friday 23:30 UTC is Saturday in Vietnam")
	}
	noHol := New(Config{NoHolidays: true})
	if !noHol.IsWorkingDay(tm("2027-01-01")) {
		t.Error("NoHolidays: 1/1/2027 (Friday) should be working")
	}
}

func TestNextPrevAdd(t *testing.T) {
	c := New(Config{})
	eq := func(name string, got time.Time, want string) {
		t.Helper()
		if !got.Equal(tm(want)) {
			t.Errorf("%s = %v, want %s", name, got, want)
		}
	}
	eq("NextWorkingDay(Fri)", c.NextWorkingDay(tm("2026-12-18 16:00")), "2026-12-21")
	eq("NextWorkingDay(before Tết)", c.NextWorkingDay(tm("2027-02-04 10:00")), "2027-02-12")
	eq("PrevWorkingDay(after Tết)", c.PrevWorkingDay(tm("2027-02-12 10:00")), "2027-02-04")
	eq("PrevWorkingDay(Mon)", c.PrevWorkingDay(tm("2026-12-21")), "2026-12-18")
	eq("AddWorkingDays(Wed, 5)", c.AddWorkingDays(tm("2026-12-16 10:00"), 5), "2026-12-23 17:00")
	eq("AddWorkingDays(Sat, 1)", c.AddWorkingDays(tm("2026-12-19 10:00"), 1), "2026-12-21 17:00")
	eq("AddWorkingDays(Sat, 0)", c.AddWorkingDays(tm("2026-12-19 10:00"), 0), "2026-12-21 17:00")
	eq("AddWorkingDays(Wed, 0)", c.AddWorkingDays(tm("2026-12-16 10:00"), 0), "2026-12-16 17:00")
	eq("AddWorkingDays(Mon, -1)", c.AddWorkingDays(tm("2026-12-21 10:00"), -1), "2026-12-18 17:00")
	// Three working days before Tết 2027 (2, 3, 4 February): 5 working days
	// counted from 3/2 are 3, 4, then 12, 15, 16 after the holiday.
	eq("AddWorkingDays(before Tết, 5)", c.AddWorkingDays(tm("2027-02-02 09:00"), 5), "2027-02-16 17:00")
	eq("EndOfDay", c.EndOfDay(tm("2026-12-16 08:00")), "2026-12-16 17:00")
	eq("At", c.At(time.Date(2026, 12, 16, 20, 0, 0, 0, time.UTC), Clock{8, 15}), "2026-12-17 08:15")
}

func TestOverrides(t *testing.T) {
	c := New(Config{})
	fri := tm("2026-12-18 10:00")
	if got := c.AddWorkingDays(fri, 1); !got.Equal(tm("2026-12-21 17:00")) {
		t.Fatalf("before overrides: %v", got)
	}
	c.SetOverrides([]Override{
		{Date: tm("2026-12-19"), Working: true, Reason: "Làm bù cho 2/1"},
		{Date: tm("2026-12-22"), Working: false, Reason: "Nghỉ theo quyết định"},
	})
	if got := c.AddWorkingDays(fri, 1); !got.Equal(tm("2026-12-19 17:00")) {
		t.Errorf("make-up Saturday: AddWorkingDays = %v, want 19/12 17:00", got)
	}
	if got := c.AddWorkingDays(fri, 3); !got.Equal(tm("2026-12-23 17:00")) {
		t.Errorf("extra day off 22/12: AddWorkingDays(3) = %v, want 23/12 17:00", got)
	}
	// Overrides win over statutory holidays too.
	c.SetOverrides([]Override{{Date: tm("2027-02-10"), Working: true}})
	if !c.IsWorkingDay(tm("2027-02-10 12:00")) {
		t.Error("override should make the compensatory day a working day")
	}
	// An override given at another time of day or in UTC still names the local date.
	c.SetOverrides([]Override{{Date: time.Date(2026, 12, 16, 18, 0, 0, 0, time.UTC), Working: false}})
	if c.IsWorkingDay(tm("2026-12-17")) {
		t.Error("override at 18:00 UTC 16/12 is 17/12 in Vietnam")
	}
	c.SetOverrides(nil)
	if !c.IsWorkingDay(tm("2026-12-17")) {
		t.Error("SetOverrides(nil) should clear")
	}
}

func TestOverridesConcurrent(t *testing.T) {
	c := New(Config{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				c.SetOverrides([]Override{{Date: tm("2026-12-19"), Working: j%2 == 0}})
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				c.AddWorkingDays(tm("2026-12-18"), 3)
				c.Holidays(2026 + j%3)
			}
		}()
	}
	wg.Wait()
}

func TestHolidays(t *testing.T) {
	c := New(Config{})
	got := c.Holidays(2026)
	want := []struct {
		day  string
		name string
	}{
		{"2026-01-01", "Tết Dương lịch"},
		{"2026-02-16", "Tết Nguyên Đán (ngày cuối năm)"},
		{"2026-02-17", "Tết Nguyên Đán (mùng 1)"},
		{"2026-02-18", "Tết Nguyên Đán (mùng 2)"},
		{"2026-02-19", "Tết Nguyên Đán (mùng 3)"},
		{"2026-02-20", "Tết Nguyên Đán (mùng 4)"},
		{"2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương"},
		{"2026-04-30", "Ngày Chiến thắng (30/4)"},
		{"2026-05-01", "Ngày Quốc tế Lao động"},
		{"2026-09-01", "Quốc khánh (ngày liền kề)"},
		{"2026-09-02", "Quốc khánh"},
	}
	if len(got) != len(want) {
		t.Fatalf("Holidays(2026) has %d entries, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if !got[i].Date.Equal(tm(w.day)) || got[i].Name != w.name || got[i].Working {
			t.Errorf("Holidays(2026)[%d] = %v %q %v, want %s %q", i, got[i].Date, got[i].Name, got[i].Working, w.day, w.name)
		}
	}

	// Overrides: a make-up Saturday is listed as working, an extra weekday
	// off is listed, an extra day off on a Sunday is not (nothing changes).
	c.SetOverrides([]Override{
		{Date: tm("2027-02-20"), Working: true, Reason: "Làm bù Tết"},
		{Date: tm("2027-02-12"), Working: false, Reason: "Nghỉ thêm Tết"},
		{Date: tm("2027-02-14"), Working: false, Reason: "Chủ nhật"},
	})
	h := c.Holidays(2027)
	find := func(day string) *Holiday {
		for i := range h {
			if h[i].Date.Equal(tm(day)) {
				return &h[i]
			}
		}
		return nil
	}
	if x := find("2027-02-20"); x == nil || !x.Working || x.Name != "Làm bù Tết" {
		t.Errorf("make-up day: %+v", x)
	}
	if x := find("2027-02-12"); x == nil || x.Working || x.Name != "Nghỉ thêm Tết" {
		t.Errorf("extra day off: %+v", x)
	}
	if x := find("2027-02-14"); x != nil {
		t.Errorf("Sunday override listed: %+v", x)
	}
	if x := find("2027-02-10"); x == nil || x.Name != "Nghỉ bù Tết Nguyên Đán (mùng 1)" {
		t.Errorf("compensatory 10/2/2027: %+v", x)
	}
	for i := 1; i < len(h); i++ {
		if h[i].Date.Before(h[i-1].Date) {
			t.Fatal("Holidays not sorted")
		}
	}
	if n := len(New(Config{NoHolidays: true}).Holidays(2026)); n != 0 {
		t.Errorf("NoHolidays: %d holidays", n)
	}
}

// Every year in range: Tết is five days, and every statutory day that falls
// on a weekend is paid back, so the count of statutory weekdays off is fixed.
func TestCompensatoryEveryYear(t *testing.T) {
	c := New(Config{})
	for y := 1990; y <= 2100; y++ {
		want := 10 // 1/1, 5 Tết, Giỗ Tổ, 30/4, 1/5, 2/9
		if y >= quocKhanhExtraFrom {
			want = 11
		}
		if n := len(c.Holidays(y)); n != want {
			t.Errorf("%d: %d weekday holidays, want %d: %v", y, n, want, c.Holidays(y))
		}
	}
}

func TestQuiet(t *testing.T) {
	c := New(Config{})
	for _, tc := range []struct {
		at    string
		quiet bool
		next  string
	}{
		{"2026-12-16 20:59", false, "2026-12-16 20:59"},
		{"2026-12-16 21:00", true, "2026-12-17 07:00"},
		{"2026-12-16 23:30", true, "2026-12-17 07:00"},
		{"2026-12-17 03:00", true, "2026-12-17 07:00"},
		{"2026-12-17 06:59", true, "2026-12-17 07:00"},
		{"2026-12-17 07:00", false, "2026-12-17 07:00"},
	} {
		if got := c.Quiet(tm(tc.at)); got != tc.quiet {
			t.Errorf("Quiet(%s) = %v", tc.at, got)
		}
		if got := c.NotQuiet(tm(tc.at)); !got.Equal(tm(tc.next)) {
			t.Errorf("NotQuiet(%s) = %v, want %s", tc.at, got, tc.next)
		}
	}
	// A quiet window that does not wrap midnight.
	day := New(Config{QuietStart: Clock{12, 0}, QuietEnd: Clock{13, 30}})
	if !day.Quiet(tm("2026-12-16 12:30")) || day.Quiet(tm("2026-12-16 13:30")) {
		t.Error("non-wrapping quiet window")
	}
	if got := day.NotQuiet(tm("2026-12-16 12:30")); !got.Equal(tm("2026-12-16 13:30")) {
		t.Errorf("NotQuiet = %v", got)
	}
}

func TestFormat(t *testing.T) {
	if got := FormatDeadline(tm("2026-12-18 17:00")); got != "17:00 Thứ Sáu 18/12/2026" {
		t.Errorf("FormatDeadline = %q", got)
	}
	if got := FormatDeadline(tm("2027-01-04 08:05")); got != "08:05 Thứ Hai 04/01/2027" {
		t.Errorf("FormatDeadline = %q", got)
	}
	names := []string{"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}
	for d, n := range names {
		if WeekdayName(time.Weekday(d)) != n {
			t.Errorf("WeekdayName(%d) = %q", d, WeekdayName(time.Weekday(d)))
		}
	}
}

func TestInWorkingHours(t *testing.T) {
	c := New(Config{Location: vn})
	loc := c.Location()
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	for _, tc := range []struct{ in, want time.Time }{
		{at(23, 9, 0), at(23, 9, 0)},   // Monday morning: now
		{at(23, 7, 0), at(23, 7, 30)},  // before work: wait
		{at(23, 17, 0), at(23, 17, 0)}, // the end of the day still counts
		{at(23, 17, 1), at(24, 7, 30)}, // evening: next morning
		{at(27, 22, 0), at(30, 7, 30)}, // Friday night: Monday
		{at(28, 10, 0), at(30, 7, 30)}, // Saturday: Monday
	} {
		if got := c.InWorkingHours(tc.in); !got.Equal(tc.want) {
			t.Errorf("InWorkingHours(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestNextDeadline(t *testing.T) {
	c := New(Config{Location: vn})
	after := time.Date(2026, 11, 20, 17, 0, 0, 0, c.Location())
	got, err := c.NextDeadline("trước ngày 20 hàng tháng", after)
	if err != nil || got.Day() != 18 || got.Month() != time.December { // 20/12/2026 is a Sunday, 19/12 a Saturday
		t.Fatalf("NextDeadline = %v, %v", got, err)
	}
	if _, err := c.NextDeadline("mai", after); err == nil {
		t.Fatal("a one-off phrase was taken as a recurrence")
	}
}
