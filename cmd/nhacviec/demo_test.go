package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// The demo shows the whole loop from a script a newcomer could type.
func TestDemoShowsTheLoop(t *testing.T) {
	script := strings.Join([]string{
		"lead> /giao @an Báo cáo <b>tuần</b> & số liệu hạn mai",
		"lead> /giao @binh Tổng hợp hạn hôm nay",
		"an>> /viec",
		":sau 1d",
		"lead> /quahan",
		"an> /xong 1",
		"lead>> /ngaynghi",
		"nobody> /viec",
		":sau abc",
		":thoat",
	}, "\n")
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	if err := m.Run(context.Background(), []string{"demo"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Đã giao việc #1 cho @an",
		"Báo cáo <b>tuần</b> & số liệu", // shown exactly as typed
		"@lead giao cho bạn việc #1",
		"@binh chưa mở chat riêng",
		"Điểm việc sáng",
		"Hôm nay đến hạn việc #1",
		"Việc #2 đã quá hạn",
		"Việc quá hạn",
		"Đã xong việc #1",
		"Ngày nghỉ năm",
		"không có thành viên",
		"không hiểu khoảng thời gian",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// runDemo runs the demo on a script and returns what it printed.
func runDemo(t *testing.T, lines ...string) string {
	t.Helper()
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(strings.Join(lines, "\n")), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	inTempDir(t, func() {
		if err := m.Run(context.Background(), []string{"demo"}); err != nil {
			t.Fatal(err)
		}
	})
	return out.String()
}

// The demo takes the multi-line /giao on one typed line (" | " or \n for
// a line break), its marks' buttons, the key-task list and the search.
func TestDemoMultiLineAssign(t *testing.T) {
	assign := `lead> /giao @an Kế hoạch CCHC năm 2027 hạn 5 ngày làm việc | kết quả: Kế hoạch trình Giám đốc ký\nvăn bản: 1365/VP-NL ngày 22/4/2020 | trọng tâm`
	got := runDemo(t, assign, ":thoat")
	m := regexp.MustCompile(`\[(\d+)\] bot → nhóm Phòng Tổng hợp:\n\s+📌 Đã giao việc #1`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no confirmation:\n%s", got)
	}
	for _, want := range []string{"⭐ Kế hoạch CCHC năm 2027", "🎯 Kết quả: Kế hoạch trình Giám đốc ký",
		"📄 Văn bản: 1365/VP-NL ngày 22/4/2020", "⭐ Việc trọng tâm", "✖ Bỏ trọng tâm", "⚡ Khẩn", `" | " hoặc \n là xuống dòng`} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	// The same again, pressing ⚡ under the confirmation, then the lists.
	got = runDemo(t, assign, "lead> ["+m[1]+".3]", "an>> /viec trongtam", "lead> /tim 1365/vp-nl", "lead> /giao @an x hạn mai | phối hợp: @binh", ":thoat")
	for _, want := range []string{
		"Việc #1: đã đánh dấu ⚡ khẩn.",
		"✖ Bỏ khẩn",
		"@lead đánh dấu việc #1 là ⚡ khẩn",
		"Việc trọng tâm của bạn (1)",
		"#1 ⭐⚡ Kế hoạch CCHC năm 2027",
		`Việc có "1365/vp-nl" (1)`,
		"• @binh — hạn", // phối hợp: @binh
		"🤝 Phối hợp:",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// chi's private chat has no buttons, as on Zalo: the bot's buttons are
// numbered choices there, a number presses one, and commands go without
// the slash. The numbers are those README's "Without buttons" block
// quotes.
func TestDemoWithoutButtons(t *testing.T) {
	got := runDemo(t,
		"chi>> /start",
		"lead>> /bonhiem @chi truong 1",
		"chi>> giao @an Báo cáo tuần hạn mai | duyệt",
		"chi>> 2",
		"an>> /xong 1 đã gửi bản mềm",
		"chi>> 3",
		"chi>> 1",
		"lead> /giao @chi Tổng hợp số liệu quý IV hạn thứ 6",
		"chi>> xong 2",
		"chi>> [55.1]",
		"chi> /viec",
		":thoat")
	for _, want := range []string{
		"[40] bot → riêng chi:\n    📌 Đã giao việc #1 cho @an",
		"    Trả lời bằng số để chọn:\n    1. ✅ Xong\n    2. ⭐ Trọng tâm",
		"[43] bot → riêng chi:\n    Việc #1: đã đánh dấu ⭐ trọng tâm.",
		"[46] bot → riêng chi:\n    📤 @an báo xong việc #1, chờ bạn duyệt:",
		"    Trả lời bằng số để chọn:\n    1. ✅ Duyệt\n    2. ↩️ Trả lại",
		"[49] bot → riêng chi:\n    Số 3 không có trong câu hỏi gần nhất (chỉ có số 1 đến 2).",
		"[51] bot → riêng chi:\n    ✅ Đã duyệt việc #1: Báo cáo tuần — hoàn thành đúng hạn. Đã báo @an.",
		"[55] bot → riêng chi:\n    📌 @lead giao cho bạn việc #2",
		"    Trả lời 1 để chọn: ✅ Xong",
		"[57] bot → riêng chi:\n    ✅ Đã xong việc #2",
		"lỗi: chat riêng của chi không có nút (như Zalo): trả lời bằng số, ví dụ: chi>> 1",
		"[54.1 ✅ Xong]", // the group still has its buttons
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	// The chat without buttons never shows one.
	for _, block := range strings.Split(got, "\n[") {
		if strings.Contains(block, "bot → riêng chi:") && strings.Contains(block, "(bấm:") {
			t.Errorf("a button in chi's chat:\n[%s", block)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}
