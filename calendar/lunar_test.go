package calendar

import (
	"fmt"
	"strings"
	"testing"
)

// Published reference dates, 1901–2100, from the python-holidays project
// (github.com/vacanza/holidays, holidays/calendars/chinese.py):
// LUNAR_NEW_YEAR_DATES and HUNG_KINGS_DATES are the Chinese calendar
// (UTC+8), and VIETNAMESE_CALENDAR_LUNAR_NEW_YEAR_DATES /
// VIETNAMESE_CALENDAR_HUNG_KINGS_DATES list the years where the Vietnamese
// calendar (UTC+7) differs. The table is independent of our code: it is
// checked against it, not generated from it. 1900 (Tết 31/1/1900) is the
// widely published Chinese/Vietnamese New Year of that year.
//
// Each string is ten years, "MMDD" each, starting with the year in the key.
var chineseNewYear = map[int]string{
	1901: "0219 0208 0129 0216 0204 0125 0213 0202 0122 0210",
	1911: "0130 0218 0206 0126 0214 0204 0123 0211 0201 0220",
	1921: "0208 0128 0216 0205 0124 0213 0202 0123 0210 0130",
	1931: "0217 0206 0126 0214 0204 0124 0211 0131 0219 0208",
	1941: "0127 0215 0205 0125 0213 0202 0122 0210 0129 0217",
	1951: "0206 0127 0214 0203 0124 0212 0131 0218 0208 0128",
	1961: "0215 0205 0125 0213 0202 0121 0209 0130 0217 0206",
	1971: "0127 0215 0203 0123 0211 0131 0218 0207 0128 0216",
	1981: "0205 0125 0213 0202 0220 0209 0129 0217 0206 0127",
	1991: "0215 0204 0123 0210 0131 0219 0207 0128 0216 0205",
	2001: "0124 0212 0201 0122 0209 0129 0218 0207 0126 0214",
	2011: "0203 0123 0210 0131 0219 0208 0128 0216 0205 0125",
	2021: "0212 0201 0122 0210 0129 0217 0206 0126 0213 0203",
	2031: "0123 0211 0131 0219 0208 0128 0215 0204 0124 0212",
	2041: "0201 0122 0210 0130 0217 0206 0126 0214 0202 0123",
	2051: "0211 0201 0219 0208 0128 0215 0204 0124 0212 0202",
	2061: "0121 0209 0129 0217 0205 0126 0214 0203 0123 0211",
	2071: "0131 0219 0207 0127 0215 0205 0124 0212 0202 0122",
	2081: "0209 0129 0217 0206 0126 0214 0203 0124 0210 0130",
	2091: "0218 0207 0127 0215 0205 0125 0212 0201 0121 0209",
}

var vietnamNewYearDiffs = map[int]string{
	1900: "0131", // not in the source table; see above
	1903: "0128", 1916: "0203", 1935: "0203", 1965: "0201", 1968: "0129",
	1969: "0216", 1985: "0121", 2007: "0217", 2030: "0202", 2053: "0218",
}

var chineseHungKings = map[int]string{
	1901: "0428 0417 0407 0425 0414 0403 0422 0410 0429 0419",
	1911: "0408 0426 0416 0405 0423 0412 0430 0420 0410 0428",
	1921: "0417 0406 0425 0413 0402 0421 0411 0429 0419 0408",
	1931: "0427 0415 0404 0423 0412 0401 0420 0410 0429 0417",
	1941: "0406 0424 0414 0402 0421 0411 0430 0418 0407 0426",
	1951: "0415 0404 0423 0412 0402 0420 0409 0428 0417 0405",
	1961: "0424 0414 0403 0421 0411 0331 0419 0407 0426 0415",
	1971: "0405 0423 0412 0402 0421 0409 0427 0416 0406 0424",
	1981: "0414 0403 0422 0410 0429 0418 0407 0425 0415 0405",
	1991: "0424 0412 0401 0420 0409 0427 0416 0406 0425 0414",
	2001: "0403 0422 0411 0428 0418 0407 0426 0415 0405 0423",
	2011: "0412 0331 0419 0409 0428 0416 0406 0425 0414 0402",
	2021: "0421 0410 0429 0418 0407 0426 0416 0404 0423 0412",
	2031: "0401 0419 0409 0428 0417 0406 0425 0414 0403 0420",
	2041: "0410 0429 0419 0407 0426 0415 0404 0422 0411 0401",
	2051: "0420 0409 0428 0417 0406 0424 0413 0402 0421 0410",
	2061: "0331 0419 0408 0426 0415 0404 0423 0411 0401 0420",
	2071: "0409 0427 0416 0405 0424 0413 0402 0421 0411 0330",
	2081: "0418 0407 0426 0414 0404 0423 0412 0401 0420 0409",
	2091: "0428 0416 0405 0424 0414 0402 0421 0411 0429 0419",
}

var vietnamHungKingsDiffs = map[int]string{
	1916: "0411", 1917: "0401", 1939: "0428", 1975: "0420", 2009: "0404",
	2037: "0424", 2038: "0413", 2085: "0403", 2086: "0422", 2095: "0413", 2100: "0418",
}

// expandTable turns the decade strings plus Vietnamese differences into year → "MM-DD".
func expandTable(t *testing.T, decades, diffs map[int]string) map[int]string {
	t.Helper()
	out := map[int]string{}
	for start, row := range decades {
		f := strings.Fields(row)
		if len(f) != 10 {
			t.Fatalf("row %d has %d entries", start, len(f))
		}
		for i, md := range f {
			out[start+i] = md[:2] + "-" + md[2:]
		}
	}
	for y, md := range diffs {
		out[y] = md[:2] + "-" + md[2:]
	}
	return out
}

func TestTetEveryYear(t *testing.T) {
	want := expandTable(t, chineseNewYear, vietnamNewYearDiffs)
	if len(want) != 201 {
		t.Fatalf("table has %d years, want 201 (1900–2100)", len(want))
	}
	for y := 1900; y <= 2100; y++ {
		gy, gm, gd := LunarToSolar(1, 1, y, false)
		got := fmt.Sprintf("%02d-%02d", gm, gd)
		if gy != y || got != want[y] {
			t.Errorf("Tết %d: got %d-%s, want %d-%s", y, gy, got, y, want[y])
		}
		// And back: the day is mùng 1 tháng Giêng, not a leap month.
		ld, lm, ly, leap := SolarToLunar(gy, gm, gd)
		if ld != 1 || lm != 1 || ly != y || leap {
			t.Errorf("SolarToLunar(Tết %d) = %d/%d/%d leap=%v", y, ld, lm, ly, leap)
		}
	}
}

func TestGioToEveryYear(t *testing.T) {
	want := expandTable(t, chineseHungKings, vietnamHungKingsDiffs)
	if len(want) != 200 {
		t.Fatalf("table has %d years, want 200 (1901–2100)", len(want))
	}
	for y := 1901; y <= 2100; y++ {
		gy, gm, gd := LunarToSolar(10, 3, y, false)
		got := fmt.Sprintf("%02d-%02d", gm, gd)
		if gy != y || got != want[y] {
			t.Errorf("Giỗ Tổ %d: got %d-%s, want %d-%s", y, gy, got, y, want[y])
		}
	}
}

func TestLunarSpot(t *testing.T) {
	cases := []struct {
		y, m, d    int
		ld, lm, ly int
		leap       bool
		note       string
	}{
		{1985, 1, 21, 1, 1, 1985, false, "Tết 1985 in Vietnam (China: 20/2/1985)"},
		{1985, 2, 20, 1, 2, 1985, false, "China's Tết 1985 is mùng 1 tháng 2 in Vietnam"},
		{2054, 5, 7, 30, 3, 2054, false, "edge where the published code returned day 0"},
		{2007, 2, 17, 1, 1, 2007, false, "Tết 2007 in Vietnam (China: 18/2/2007)"},
		{2007, 2, 18, 2, 1, 2007, false, ""},
		{2027, 2, 6, 1, 1, 2027, false, "Tết 2027"},
		{2026, 2, 17, 1, 1, 2026, false, "Tết 2026"},
		{2020, 5, 23, 1, 4, 2020, true, "leap 4th month of 2020"},
		{2023, 3, 22, 1, 2, 2023, true, "leap 2nd month of 2023"},
		{2000, 1, 1, 25, 11, 1999, false, "a day in lunar month 11 of the previous year"},
	}
	for _, c := range cases {
		ld, lm, ly, leap := SolarToLunar(c.y, c.m, c.d)
		if ld != c.ld || lm != c.lm || ly != c.ly || leap != c.leap {
			t.Errorf("SolarToLunar(%d-%02d-%02d) = %d/%d/%d leap=%v, want %d/%d/%d leap=%v (%s)",
				c.y, c.m, c.d, ld, lm, ly, leap, c.ld, c.lm, c.ly, c.leap, c.note)
		}
		y, m, d := LunarToSolar(c.ld, c.lm, c.ly, c.leap)
		if y != c.y || m != c.m || d != c.d {
			t.Errorf("LunarToSolar(%d/%d/%d leap=%v) = %d-%02d-%02d, want %d-%02d-%02d",
				c.ld, c.lm, c.ly, c.leap, y, m, d, c.y, c.m, c.d)
		}
	}
	// A leap month that does not exist.
	if y, m, d := LunarToSolar(1, 5, 2024, true); y != 0 || m != 0 || d != 0 {
		t.Errorf("LunarToSolar(1/5/2024 leap) = %d-%d-%d, want zeros", y, m, d)
	}
}

// Every day 1900–2100 converts to lunar and back to itself, and lunar days
// advance by one (or restart at 1) each day.
func TestLunarRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	start, end := jdFromDate(1, 1, 1900), jdFromDate(31, 12, 2100)
	prevDay := 0
	for jd := start; jd <= end; jd++ {
		d, m, y := jdToDate(jd)
		ld, lm, ly, leap := SolarToLunar(y, m, d)
		if ld != prevDay+1 && ld != 1 {
			t.Fatalf("%d-%02d-%02d: lunar day %d after %d", y, m, d, ld, prevDay)
		}
		if ld > 30 || lm < 1 || lm > 12 {
			t.Fatalf("%d-%02d-%02d: lunar %d/%d/%d", y, m, d, ld, lm, ly)
		}
		prevDay = ld
		if jd%7 != 0 { // every 7th day is plenty and keeps the test fast
			continue
		}
		gy, gm, gd := LunarToSolar(ld, lm, ly, leap)
		if gy != y || gm != m || gd != d {
			t.Fatalf("round trip %d-%02d-%02d → %d/%d/%d leap=%v → %d-%02d-%02d", y, m, d, ld, lm, ly, leap, gy, gm, gd)
		}
	}
}
