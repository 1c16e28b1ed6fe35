package bot

import (
	"fmt"
	"strings"
	"testing"
)

// The field after /sua 12, with or without diacritics and a colon; a
// title that starts with a word of a longer label keeps it.
func TestCutEditField(t *testing.T) {
	for _, c := range []struct {
		in    string
		field editField
		value string
		ok    bool
	}{
		{"hạn 25/12", editDeadline, "25/12", true},
		{"Han: 25/12 theo chỉ đạo", editDeadline, "25/12 theo chỉ đạo", true},
		{"thời hạn mới là 25/12", editDeadline, "mới là 25/12", true},
		{"tên Việc tổng hợp số liệu", editTitle, "Việc tổng hợp số liệu", true},
		{"tên việc: Tổng hợp số liệu", editTitle, "Tổng hợp số liệu", true},
		{"ten Báo cáo", editTitle, "Báo cáo", true},
		{"tiêu đề Báo cáo", editTitle, "Báo cáo", true},
		{"kết quả: Kế hoạch trình ký", editResult, "Kế hoạch trình ký", true},
		{"ket qua Kế hoạch", editResult, "Kế hoạch", true},
		{"văn bản 1365/VP-NL", editSource, "1365/VP-NL", true},
		{"Nguồn giao: 12-CTr/TU", editSource, "12-CTr/TU", true},
		{"kết quả", editResult, "", true},
		{"màu đỏ", 0, "", false},
		{"", 0, "", false},
	} {
		f, v, ok := cutEditField(c.in)
		if f != c.field || v != c.value || ok != c.ok {
			t.Errorf("cutEditField(%q) = %d, %q, %v; want %d, %q, %v", c.in, f, v, ok, c.field, c.value, c.ok)
		}
	}
}

// An admin's /start (the welcome, every role's help and their id) fits in
// one Telegram message even with a long name: in two, the demo's message
// numbers, which the README's walkthrough quotes, moved.
func TestWelcomeFitsOneMessage(t *testing.T) {
	name := strings.Repeat("Nguyễn ", 9) // 63 characters
	text := fmt.Sprintf(textWelcomePrivate, name) + "\n\n" + textHelp + "\n\n" + textHelpHead + "\n\n" + textHelpAdmin +
		"\n\n" + fmt.Sprintf(textYourID, "1234567890")
	if n := UTF16Len(stripTags(text)); n > 4096 {
		t.Errorf("an admin's welcome is %d UTF-16 units, over Telegram's 4,096", n)
	}
}
