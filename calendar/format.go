package calendar

import (
	"strconv"
	"time"
)

var weekdayNames = [7]string{"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// WeekdayName returns the Vietnamese name of d: "Thứ Hai" ... "Chủ Nhật".
func WeekdayName(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return ""
	}
	return weekdayNames[d]
}

// FormatDeadline formats t in its own location for replies:
// "17:00 Thứ Sáu 20/12/2026".
func FormatDeadline(t time.Time) string {
	return pad2(t.Hour()) + ":" + pad2(t.Minute()) + " " + WeekdayName(t.Weekday()) + " " + formatDate(t)
}

// formatDate formats t's date as "20/12/2026".
func formatDate(t time.Time) string {
	return pad2(t.Day()) + "/" + pad2(int(t.Month())) + "/" + strconv.Itoa(t.Year())
}

func pad2(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
