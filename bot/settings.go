package bot

import (
	"fmt"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// /caidat: a unit's settings. Each applies to the unit and the units
// below it that do not set it themselves; heads of the unit (or above)
// and admins change them.
//
//	/caidat                       the settings of the caller's unit
//	/caidat Phòng A               … of a unit
//	/caidat duyet bat [ĐƠN_VỊ]    every task assigned there needs review
//	/caidat duyet tat [ĐƠN_VỊ]
//	/caidat leothang 2 5 [ĐƠN_VỊ] the escalation ladder's thresholds (ladder.go)
//	/caidat leothang tat|bat [ĐƠN_VỊ]
//	/caidat baocao tat|bat        the caller's own monthly report (anyone)
//	/caidat kenh [zalo|telegram|tudong]  where a linked person's reminders go (link.go)

// settingNames are the settings /caidat knows, by their folded word.
var settingNames = map[string]string{"duyet": nhacviec.SettingReview, "duyet ket qua": nhacviec.SettingReview}

// settingValues are the words for on and off, folded.
var settingValues = map[string]string{
	"bat": nhacviec.SettingOn, "on": nhacviec.SettingOn, "mo": nhacviec.SettingOn, "co": nhacviec.SettingOn,
	"tat": nhacviec.SettingOff, "off": nhacviec.SettingOff, "khong": nhacviec.SettingOff,
}

func (c *conv) settings(args string) error {
	words := strings.Fields(args)
	if len(words) > 0 && calendar.Fold(words[0]) == "kenh" {
		return c.channel(strings.Join(words[1:], " ")) // link.go
	}
	if rest, ok := ladderWords(words); ok {
		return c.ladderSetting(rest) // ladder.go
	}
	if rest, ok := monthlyWords(words); ok {
		return c.monthlySetting(rest)
	}
	name, n := "", 0
	for k := min(3, len(words)); k >= 1 && name == ""; k-- {
		if s, ok := settingNames[calendar.Fold(strings.Join(words[:k], " "))]; ok {
			name, n = s, k
		}
	}
	if name == "" {
		// "/caidat" or "/caidat Phòng A": what is set.
		u, err := c.unitArgOrDefault(args)
		if err != nil && c.me.Linked && strings.TrimSpace(args) == "" {
			return c.channel("") // no unit: their own setting alone
		}
		if err != nil {
			return nhacviec.Errorf(nhacviec.EInvalid, "%s\n\n%s", nhacviec.ErrorMessage(err), textSettingsUsage)
		}
		return c.showSettings(u)
	}
	if len(words) == n {
		return nhacviec.Errorf(nhacviec.EInvalid, textSettingNoValue, textSettingsUsage)
	}
	value, ok := settingValues[calendar.Fold(words[n])]
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textSettingBadValue, esc(clip(words[n], maxEcho)), textSettingsUsage)
	}
	u, err := c.unitArgOrDefault(strings.Join(words[n+1:], " "))
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if !st.manages(u.ID) {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotSet, esc(u.Name))
	}
	if err := c.tx.SetUnitSetting(u.ID, name, value, c.me.ID); err != nil {
		return err
	}
	if value == nhacviec.SettingOn {
		return c.say(fmt.Sprintf(textReviewSetOn, esc(st.tree.path(u.ID))))
	}
	return c.say(fmt.Sprintf(textReviewSetOff, esc(st.tree.path(u.ID))))
}

// showSettings says the settings in force in u, and where each comes
// from.
func (c *conv) showSettings(u *nhacviec.Unit) error {
	st, err := c.standing()
	if err != nil {
		return err
	}
	on, from, err := c.reviewSetting(u.ID)
	if err != nil {
		return err
	}
	state := textSettingOff
	if on {
		state = textSettingOn
	}
	switch {
	case from == 0:
		state += " " + textSettingDefault
	case from != u.ID:
		state += " " + fmt.Sprintf(textSettingFrom, esc(st.tree.path(from)))
	}
	ladder, err := c.ladderShown(u.ID)
	if err != nil {
		return err
	}
	monthly, err := c.monthlyShown()
	if err != nil {
		return err
	}
	text := fmt.Sprintf(textSettingsShow, esc(st.tree.path(u.ID)), state+ladder) + monthly
	if c.me.Linked {
		// The caller's own setting: where their reminders go (link.go).
		ch, err := c.channelShown()
		if err != nil {
			return err
		}
		text += "\n\n" + ch
	}
	return c.say(text)
}

// monthlyWords reads "/caidat baocao …" (or "bao cao", "report"), the
// caller's own monthly report, and returns the words after it.
func monthlyWords(words []string) (rest []string, ok bool) {
	switch {
	case len(words) > 0 && (calendar.Fold(words[0]) == "baocao" || words[0] == "report"):
		return words[1:], true
	case len(words) > 1 && calendar.Fold(words[0]) == "bao" && calendar.Fold(words[1]) == "cao":
		return words[2:], true
	}
	return nil, false
}

// monthlySetting shows (no word) or turns on or off the caller's monthly
// report: a person's own setting, which anyone may change.
func (c *conv) monthlySetting(words []string) error {
	if len(words) == 0 {
		shown, err := c.monthlyShown()
		if err != nil {
			return err
		}
		return c.say(strings.TrimPrefix(shown, "\n\n") + "\n" + textMonthlyUsage)
	}
	value, ok := settingValues[calendar.Fold(words[0])]
	if !ok || len(words) > 1 {
		return nhacviec.Errorf(nhacviec.EInvalid, textSettingBadValue, esc(clip(strings.Join(words, " "), maxEcho)), textMonthlyUsage)
	}
	if err := c.tx.SetPersonSetting(c.me.ID, nhacviec.SettingMonthlyReport, value); err != nil {
		return err
	}
	if value == nhacviec.SettingOn {
		return c.say(textMonthlySetOn)
	}
	return c.say(textMonthlySetOff)
}

// monthlyShown is the line of /caidat that says the caller's monthly
// report.
func (c *conv) monthlyShown() (string, error) {
	v, err := c.tx.PersonSetting(c.me.ID, nhacviec.SettingMonthlyReport)
	if err != nil {
		return "", err
	}
	state := textSettingOn2 + " " + textSettingDefault
	switch v {
	case nhacviec.SettingOff:
		state = textSettingOff
	case nhacviec.SettingOn:
		state = textSettingOn2
	}
	return "\n\n" + fmt.Sprintf(textMonthlyLine, state), nil
}

const (
	textSettingsUsage   = "Cài đặt đơn vị (trưởng đơn vị, quản trị viên):\n/caidat duyet bat — mọi việc giao trong đơn vị cần người giao duyệt kết quả\n/caidat duyet tat — báo xong là hoàn thành\n/caidat leothang 2 5 — báo trưởng đơn vị khi việc quá hạn 2 ngày làm việc, báo lãnh đạo (danh sách thứ Hai) khi quá hạn 5 ngày; /caidat leothang tat — tắt\n/caidat baocao tat — (của riêng bạn) không nhận báo cáo tháng; /caidat baocao bat — nhận lại\nThêm tên hoặc mã đơn vị ở cuối nếu cần, ví dụ: /caidat duyet bat Phòng Tổng hợp"
	textSettingNoValue  = "Bật hay tắt?\n\n%s"
	textSettingBadValue = "Không hiểu \"%s\": ghi bat hoặc tat.\n\n%s"
	textCannotSet       = "Chỉ trưởng đơn vị hoặc quản trị viên mới đổi cài đặt của %s được. Trưởng đơn vị gõ, ví dụ: /caidat duyet bat — xem cài đặt: /caidat"
	textReviewSetOn     = "⚙️ %s: đã bật duyệt kết quả. Từ nay mọi việc giao trong đơn vị (và đơn vị cấp dưới chưa cài riêng) cần người giao duyệt rồi mới hoàn thành. Việc đã giao không đổi. Tắt: /caidat duyet tat"
	textReviewSetOff    = "⚙️ %s: đã tắt duyệt kết quả. Từ nay việc giao trong đơn vị báo xong là hoàn thành (trừ việc người giao ghi \"duyệt\"). Việc đã giao không đổi."
	textSettingsShow    = "⚙️ <b>Cài đặt của %s</b>\nDuyệt kết quả: %s\n\nĐổi: /caidat duyet bat — /caidat duyet tat — /caidat leothang 2 5"
	textSettingOn       = "bật (mọi việc giao cần duyệt)"
	textSettingOn2      = "bật"
	textMonthlyLine     = "📅 Báo cáo tháng của bạn: %s — /caidat baocao tat|bat"
	textMonthlyUsage    = "Báo cáo tháng: ngày làm việc đầu mỗi tháng, lúc 8:00, lãnh đạo và người theo dõi nhận thống kê tháng trước của cả cơ quan, trưởng đơn vị nhận của đơn vị mình (bảng, biểu đồ và tệp Excel).\nTắt: /caidat baocao tat — bật lại: /caidat baocao bat"
	textMonthlySetOn    = "📅 Đã bật báo cáo tháng: ngày làm việc đầu mỗi tháng, lúc 8:00, bạn nhận thống kê tháng trước (bảng, biểu đồ, tệp Excel). Tắt: /caidat baocao tat"
	textMonthlySetOff   = "📅 Đã tắt báo cáo tháng của bạn. Vẫn xem được bất cứ lúc nào: /thongke tháng trước — bật lại: /caidat baocao bat"
	textSettingOff      = "tắt"
	textSettingDefault  = "(mặc định)"
	textSettingFrom     = "(theo cài đặt của %s)"
)
