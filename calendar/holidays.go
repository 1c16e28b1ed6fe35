package calendar

import (
	"sort"
	"time"
)

// Statutory holidays, Labour Code 2019 (Bộ luật Lao động 45/2019/QH14) Art. 112:
//
//   - Tết Dương lịch: 1/1;
//   - Tết Âm lịch: 5 days, the last day of the lunar year through mùng 4;
//   - Giỗ Tổ Hùng Vương: 10/3 lunar;
//   - Ngày Chiến thắng: 30/4; Quốc tế Lao động: 1/5;
//   - Quốc khánh: 2/9 and one adjacent day before or after (since 2021).
//
// Art. 112(3): a holiday that falls on a weekly rest day is compensated by
// the next working day(s).
//
// The adjacent Quốc khánh day is chosen by the government each year. We use
// a fixed rule that reproduces its choices for 2021–2025: the day after when
// 2/9 is a Monday, Thursday or Sunday (so the break joins the weekend or is
// not lost on a Saturday), otherwise the day before. A different decision
// for a given year is entered as overrides, which win.
//
// The same rules are applied to every year (the pre-2013 four-day Tết is not
// modelled); the table is for planning deadlines, not for history.

type holidayDay struct {
	jd   int
	name string
}

// quocKhanhExtraFrom is the first year with the two-day Quốc khánh.
const quocKhanhExtraFrom = 2021

// statutoryHolidays computes the year's statutory days off, including
// compensatory days, keyed by Julian day number.
func statutoryHolidays(year int, weekend [7]bool) map[int]string {
	var hs []holidayDay
	add := func(jd int, name string) { hs = append(hs, holidayDay{jd, name}) }

	add(jdFromDate(1, 1, year), "Tết Dương lịch")
	if year >= 1800 && year <= 2200 { // beyond this the lunar maths is not trusted
		ty, tm, td := LunarToSolar(1, 1, year, false)
		tet := jdFromDate(td, tm, ty)
		add(tet-1, "Tết Nguyên Đán (ngày cuối năm)")
		add(tet, "Tết Nguyên Đán (mùng 1)")
		add(tet+1, "Tết Nguyên Đán (mùng 2)")
		add(tet+2, "Tết Nguyên Đán (mùng 3)")
		add(tet+3, "Tết Nguyên Đán (mùng 4)")
		gy, gm, gd := LunarToSolar(10, 3, year, false)
		add(jdFromDate(gd, gm, gy), "Giỗ Tổ Hùng Vương")
	}
	add(jdFromDate(30, 4, year), "Ngày Chiến thắng (30/4)")
	add(jdFromDate(1, 5, year), "Ngày Quốc tế Lao động")
	qk := jdFromDate(2, 9, year)
	add(qk, "Quốc khánh")
	if year >= quocKhanhExtraFrom {
		switch weekdayOf(qk) {
		case time.Monday, time.Thursday, time.Sunday:
			add(qk+1, "Quốc khánh (ngày liền kề)")
		default:
			add(qk-1, "Quốc khánh (ngày liền kề)")
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].jd < hs[j].jd })

	out := make(map[int]string, len(hs)+4)
	var owed []holidayDay // holidays that need a compensatory day, in date order
	for _, h := range hs {
		if _, taken := out[h.jd]; taken || weekend[weekdayOf(h.jd)] {
			owed = append(owed, h)
		}
		if _, taken := out[h.jd]; !taken {
			out[h.jd] = h.name
		}
	}
	for _, h := range owed {
		jd := h.jd + 1
		for i := 0; i < 30; i++ {
			if _, taken := out[jd]; !taken && !weekend[weekdayOf(jd)] {
				break
			}
			jd++
		}
		out[jd] = "Nghỉ bù " + h.name
	}
	return out
}
