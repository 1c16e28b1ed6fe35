package calendar

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// SetDayOverrides replaces the overrides with the stored ones.
func (c *Calendar) SetDayOverrides(list []nhacviec.DayOverride) error {
	out := make([]Override, 0, len(list))
	for _, o := range list {
		d, err := time.ParseInLocation(time.DateOnly, o.Day, c.loc)
		if err != nil {
			return fmt.Errorf("calendar: override %q: %w", o.Day, err)
		}
		out = append(out, Override{Date: d, Working: o.Working, Reason: o.Reason})
	}
	c.SetOverrides(out)
	return nil
}

// ParseDay reads a date written 12/02/2027, 12-02-2027 or 2027-02-12 and
// returns it as YYYY-MM-DD.
func ParseDay(s string) (string, bool) {
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02-01-2006", "2006-01-02"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), true
		}
	}
	return "", false
}

// parseOverrideKind reads "nghỉ" (a day off) or "làm" / "làm bù" (a
// working day), with or without diacritics.
func parseOverrideKind(s string) (working, ok bool) {
	switch Fold(s) {
	case "nghi", "nghi bu", "off":
		return false, true
	case "lam", "lam bu", "work":
		return true, true
	}
	return false, false
}

// ParseOverride reads an override from its words: a date, "nghỉ" or
// "làm" ("làm bù"), and a reason: "12/02/2027 nghỉ Nghỉ thêm sau Tết".
// Its errors are *ParseError with a Vietnamese message and an example.
func ParseOverride(words []string) (nhacviec.DayOverride, error) {
	const example = " Ví dụ: 12/02/2027 nghỉ Nghỉ thêm sau Tết, hoặc 20/02/2027 làm Làm bù cho ngày 12/02"
	if len(words) < 3 {
		return nhacviec.DayOverride{}, &ParseError{Code: CodeInvalid, Message: "Cần ngày, loại (nghỉ hoặc làm) và lý do." + example}
	}
	day, ok := ParseDay(words[0])
	if !ok {
		return nhacviec.DayOverride{}, &ParseError{Code: CodeInvalid, Message: "Ngày \"" + words[0] + "\" không hợp lệ." + example}
	}
	rest := words[1:]
	working, ok := parseOverrideKind(rest[0])
	if w, two := parseOverrideKind(rest[0] + " " + rest[1]); two && len(rest) > 2 {
		working, ok, rest = w, true, rest[1:]
	}
	if !ok {
		return nhacviec.DayOverride{}, &ParseError{Code: CodeInvalid, Message: "Loại ngày phải là \"nghỉ\" hoặc \"làm\"." + example}
	}
	return nhacviec.DayOverride{Day: day, Working: working, Reason: strings.Join(rest[1:], " ")}, nil
}

// ReadOverrides reads an override file: one day per line,
//
//	2027-02-05  nghỉ  Nghỉ bù Tết theo thông báo của Bộ LĐTBXH
//	20/02/2027  làm   Làm bù cho ngày 05/02
//
// Blank lines and lines starting with # are skipped.
func ReadOverrides(r io.Reader) ([]nhacviec.DayOverride, error) {
	var out []nhacviec.DayOverride
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		o, err := ParseOverride(strings.Fields(line))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, o)
	}
	return out, sc.Err()
}
