package calendar

import "math"

// This file is Hồ Ngọc Đức's lunar calendar algorithm ("amlich"), the one
// Vietnamese calendars are printed from. It differs from the Chinese calendar
// only in the time zone (UTC+7 instead of UTC+8), which is why Tết sometimes
// falls on another day than Chinese New Year (1985, 2007, 2030, ...).
// The function names follow the published algorithm so that it can be
// checked against it line by line.

// vnTimeZone is the time zone (hours east of UTC) the Vietnamese lunar
// calendar has been computed for since 1967.
const vnTimeZone = 7.0

// jdFromDate returns the Julian day number of a Gregorian (or, before 1582,
// Julian) calendar date.
func jdFromDate(dd, mm, yy int) int {
	a := (14 - mm) / 12
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
	if jd < 2299161 {
		jd = dd + (153*m+2)/5 + 365*y + y/4 - 32083
	}
	return jd
}

// jdToDate is the inverse of jdFromDate.
func jdToDate(jd int) (dd, mm, yy int) {
	var b, c int
	if jd > 2299160 { // after 5/10/1582, Gregorian
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		b = 0
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	dd = e - (153*m+2)/5 + 1
	mm = m + 3 - 12*(m/10)
	yy = b*100 + d - 4800 + m/10
	return
}

// newMoon returns the Julian day (with fraction, UTC) of the k-th new moon
// after 1/1/1900 13:52 UTC (Meeus' approximation).
func newMoon(k int) float64 {
	kf := float64(k)
	T := kf / 1236.85
	T2 := T * T
	T3 := T2 * T
	dr := math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*T2 - 0.000000155*T3
	jd1 += 0.00033 * math.Sin((166.56+132.87*T-0.009173*T2)*dr)
	M := 359.2242 + 29.10535608*kf - 0.0000333*T2 - 0.00000347*T3
	Mpr := 306.0253 + 385.81691806*kf + 0.0107306*T2 + 0.00001236*T3
	F := 21.2964 + 390.67050646*kf - 0.0016528*T2 - 0.00000239*T3
	C1 := (0.1734-0.000393*T)*math.Sin(M*dr) + 0.0021*math.Sin(2*dr*M)
	C1 = C1 - 0.4068*math.Sin(Mpr*dr) + 0.0161*math.Sin(dr*2*Mpr)
	C1 = C1 - 0.0004*math.Sin(dr*3*Mpr)
	C1 = C1 + 0.0104*math.Sin(dr*2*F) - 0.0051*math.Sin(dr*(M+Mpr))
	C1 = C1 - 0.0074*math.Sin(dr*(M-Mpr)) + 0.0004*math.Sin(dr*(2*F+M))
	C1 = C1 - 0.0004*math.Sin(dr*(2*F-M)) - 0.0006*math.Sin(dr*(2*F+Mpr))
	C1 = C1 + 0.0010*math.Sin(dr*(2*F-Mpr)) + 0.0005*math.Sin(dr*(2*Mpr+M))
	var deltat float64
	if T < -11 {
		deltat = 0.001 + 0.000839*T + 0.0002261*T2 - 0.00000845*T3 - 0.000000081*T*T3
	} else {
		deltat = -0.000278 + 0.000265*T + 0.000262*T2
	}
	return jd1 + C1 - deltat
}

// sunLongitude returns the sun's longitude in radians [0, 2π) at Julian day jdn (UTC).
func sunLongitude(jdn float64) float64 {
	T := (jdn - 2451545.0) / 36525
	T2 := T * T
	dr := math.Pi / 180
	M := 357.52910 + 35999.05030*T - 0.0001559*T2 - 0.00000048*T*T2
	L0 := 280.46645 + 36000.76983*T + 0.0003032*T2
	DL := (1.914600 - 0.004817*T - 0.000014*T2) * math.Sin(dr*M)
	DL += (0.019993-0.000101*T)*math.Sin(dr*2*M) + 0.000290*math.Sin(dr*3*M)
	L := (L0 + DL) * dr
	L -= math.Pi * 2 * math.Floor(L/(math.Pi*2))
	return L
}

// getSunLongitude returns which of the 12 major solar terms (0..11) the day
// dayNumber (local midnight in timeZone) falls in.
func getSunLongitude(dayNumber int, timeZone float64) int {
	return int(math.Floor(sunLongitude(float64(dayNumber)-0.5-timeZone/24) / math.Pi * 6))
}

// getNewMoonDay returns the local day number of the k-th new moon.
func getNewMoonDay(k int, timeZone float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + timeZone/24))
}

// getLunarMonth11 returns the day number of the start of lunar month 11
// (the month containing the winter solstice) of year yy.
func getLunarMonth11(yy int, timeZone float64) int {
	off := float64(jdFromDate(31, 12, yy)) - 2415021
	k := int(math.Floor(off / 29.530588853))
	nm := getNewMoonDay(k, timeZone)
	if getSunLongitude(nm, timeZone) >= 9 { // after the winter solstice
		nm = getNewMoonDay(k-1, timeZone)
	}
	return nm
}

// getLeapMonthOffset returns the offset, counted from month 11 starting at
// a11, of the leap month (the first month without a major solar term).
func getLeapMonthOffset(a11 int, timeZone float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := getSunLongitude(getNewMoonDay(k+i, timeZone), timeZone)
	for {
		last := arc
		i++
		arc = getSunLongitude(getNewMoonDay(k+i, timeZone), timeZone)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// convertSolar2Lunar converts a Gregorian date to a lunar date.
func convertSolar2Lunar(dd, mm, yy int, timeZone float64) (lunarDay, lunarMonth, lunarYear int, leap bool) {
	dayNumber := jdFromDate(dd, mm, yy)
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	monthStart := getNewMoonDay(k+1, timeZone)
	if monthStart > dayNumber {
		monthStart = getNewMoonDay(k, timeZone)
	}
	// The published code stops here; near k's boundary (e.g. 7/5/2054, the
	// 30th of month 3) both new moons can be after dayNumber, which gave
	// "day 0". Step back until the month has started.
	for i := 1; monthStart > dayNumber && i < 3; i++ {
		monthStart = getNewMoonDay(k-i, timeZone)
	}
	a11 := getLunarMonth11(yy, timeZone)
	b11 := a11
	if a11 >= monthStart {
		lunarYear = yy
		a11 = getLunarMonth11(yy-1, timeZone)
	} else {
		lunarYear = yy + 1
		b11 = getLunarMonth11(yy+1, timeZone)
	}
	lunarDay = dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	lunarMonth = diff + 11
	if b11-a11 > 365 {
		leapMonthDiff := getLeapMonthOffset(a11, timeZone)
		if diff >= leapMonthDiff {
			lunarMonth = diff + 10
			leap = diff == leapMonthDiff
		}
	}
	if lunarMonth > 12 {
		lunarMonth -= 12
	}
	if lunarMonth >= 11 && diff < 4 {
		lunarYear--
	}
	return
}

// convertLunar2Solar converts a lunar date to a Gregorian date; it returns
// zeros when leap is set and lunarMonth is not that year's leap month.
func convertLunar2Solar(lunarDay, lunarMonth, lunarYear int, leap bool, timeZone float64) (dd, mm, yy int) {
	var a11, b11 int
	if lunarMonth < 11 {
		a11 = getLunarMonth11(lunarYear-1, timeZone)
		b11 = getLunarMonth11(lunarYear, timeZone)
	} else {
		a11 = getLunarMonth11(lunarYear, timeZone)
		b11 = getLunarMonth11(lunarYear+1, timeZone)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := lunarMonth - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := getLeapMonthOffset(a11, timeZone)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if leap && lunarMonth != leapMonth {
			return 0, 0, 0
		} else if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return 0, 0, 0
	}
	monthStart := getNewMoonDay(k+off, timeZone)
	return jdToDate(monthStart + lunarDay - 1)
}

// SolarToLunar converts the Gregorian date y-m-d to the Vietnamese lunar
// date: day, month, year, and whether the month is a leap (nhuận) month.
// It is accurate for 1900–2100.
func SolarToLunar(y, m, d int) (ld, lm, ly int, leap bool) {
	return convertSolar2Lunar(d, m, y, vnTimeZone)
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian date
// y-m-d. It returns zeros if leap is set but month lm of year ly is not a
// leap month. It is accurate for 1900–2100.
func LunarToSolar(ld, lm, ly int, leap bool) (y, m, d int) {
	d, m, y = convertLunar2Solar(ld, lm, ly, leap, vnTimeZone)
	return y, m, d
}
