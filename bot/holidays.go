package bot

import (
	"fmt"
	"strconv"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// holidays: /ngaynghi [năm] lists a year's days off and make-up working
// days; admins add and remove the government's yearly swaps:
//
//	/ngaynghi them 12/02/2027 nghỉ Nghỉ thêm sau Tết
//	/ngaynghi them 20/02/2027 làm Làm bù cho ngày 12/02
//	/ngaynghi xoa 12/02/2027
func (c *conv) holidays(args string) error {
	f := strings.Fields(args)
	if len(f) == 0 {
		return c.listHolidays(c.now.Year())
	}
	switch calendar.Fold(f[0]) {
	case "them", "add":
		return c.addHoliday(f[1:])
	case "xoa", "remove", "delete":
		return c.removeHoliday(f[1:])
	}
	year, err := strconv.Atoi(f[0])
	if err != nil || year < 1900 || year > 2100 || len(f) > 1 {
		return nhacviec.Errorf(nhacviec.EInvalid, textHolidaysUsage)
	}
	return c.listHolidays(year)
}

func (c *conv) listHolidays(year int) error {
	var off, work strings.Builder
	for _, h := range c.Calendar.Holidays(year) {
		line := fmt.Sprintf("\n• %s %s — %s", calendar.WeekdayName(h.Date.Weekday()), h.Date.Format("02/01/2006"), esc(h.Name))
		if h.Working {
			work.WriteString(line)
		} else {
			off.WriteString(line)
		}
	}
	text := fmt.Sprintf(textHolidaysHeader, year) + off.String()
	if work.Len() > 0 {
		text += "\n\n" + textMakeUpDays + work.String()
	}
	if c.admin() {
		text += "\n\n" + textHolidaysAdminHint
	}
	return c.reply(&nhacviec.Message{Text: text})
}

func (c *conv) addHoliday(f []string) error {
	if !c.admin() {
		return nhacviec.Errorf(nhacviec.EForbidden, textAdminsOnly)
	}
	o, err := calendar.ParseOverride(f)
	if err != nil {
		return deadlineError(err)
	}
	o.By = c.me.ID
	if err := c.tx.SetOverride(o); err != nil {
		return err
	}
	working, reason, day := o.Working, o.Reason, o.Day
	kind := "ngày nghỉ"
	if working {
		kind = "ngày làm việc (làm bù)"
	}
	return c.calendarChanged(fmt.Sprintf(textHolidayAdded, day, kind, esc(reason)))
}

func (c *conv) removeHoliday(f []string) error {
	if !c.admin() {
		return nhacviec.Errorf(nhacviec.EForbidden, textAdminsOnly)
	}
	if len(f) != 1 {
		return nhacviec.Errorf(nhacviec.EInvalid, textHolidayRemoveUsage)
	}
	day, ok := calendar.ParseDay(f[0])
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textHolidayBadDate, esc(f[0]))
	}
	found, err := c.tx.DeleteOverride(day)
	if err != nil {
		return err
	}
	if !found {
		return nhacviec.Errorf(nhacviec.ENotFound, textHolidayNotFound, day)
	}
	return c.calendarChanged(fmt.Sprintf(textHolidayRemoved, day))
}

// calendarChanged replans every open task against the new calendar and,
// once the change is committed, loads it into the running calendar.
func (c *conv) calendarChanged(reply string) error {
	all, err := c.tx.Overrides()
	if err != nil {
		return err
	}
	if err := c.tx.ReplanOpen(c.now); err != nil {
		return err
	}
	c.after = append(c.after, func() {
		if err := c.Calendar.SetDayOverrides(all); err != nil {
			c.Log.Error().Err(err).Msg("calendar overrides not applied")
		}
	})
	return c.say(reply)
}

const (
	textHolidaysHeader     = "📅 <b>Ngày nghỉ năm %d</b>"
	textMakeUpDays         = "<b>Ngày làm bù</b>"
	textHolidaysAdminHint  = "Thêm: /ngaynghi them 12/02/2027 nghỉ Lý do — hoặc: /ngaynghi them 20/02/2027 làm Làm bù. Xóa: /ngaynghi xoa 12/02/2027"
	textHolidaysUsage      = "Cách dùng: /ngaynghi hoặc /ngaynghi 2027 để xem ngày nghỉ của một năm."
	textAdminsOnly         = "Chỉ quản trị viên mới sửa được lịch ngày nghỉ."
	textHolidayRemoveUsage = "Cách xóa: /ngaynghi xoa NGÀY\nVí dụ: /ngaynghi xoa 12/02/2027"
	textHolidayBadDate     = "Ngày \"%s\" không hợp lệ. Ví dụ: 12/02/2027 hoặc 2027-02-12"
	textHolidayNotFound    = "Ngày %s không có trong bảng điều chỉnh."
	textHolidayAdded       = "Đã ghi %s là %s. %s\nCác nhắc việc sẽ tính lại theo lịch mới."
	textHolidayRemoved     = "Đã xóa điều chỉnh ngày %s. Các nhắc việc sẽ tính lại theo lịch mới."
)
