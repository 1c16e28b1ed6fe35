package main

// End-to-end tests of the ways in for people who do not type the fields:
// the guided /giao in a private chat, and the fields' buttons under a
// task (📄 Văn bản, 🎯 Kết quả, ➕ Phối hợp), through the real client and
// the fake Bot API.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// withUnit makes lead the head of Phòng Tổng hợp, an and binh its members.
func withUnit(h *harness) {
	h.t.Helper()
	h.hello(h.lead, h.an, h.binh)
	dm := h.private(h.lead)
	for _, cmd := range []string{"/donvi them Phòng Tổng hợp", "/bonhiem @lead truong 1", "/bonhiem @an thanhvien 1", "/bonhiem @binh thanhvien 1"} {
		if r := h.say(dm, h.lead, cmd); !strings.Contains(r.Plain, "Đã") {
			h.t.Fatalf("%s: %q", cmd, r.Plain)
		}
	}
}

// dataOf is the data of the button of s whose label starts with label.
func dataOf(t *testing.T, s telegramtest.Sent, label string) string {
	t.Helper()
	if s.Markup != nil {
		for _, row := range s.Markup.InlineKeyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Text, label) && b.CallbackData != nil {
					return *b.CallbackData
				}
			}
		}
	}
	t.Fatalf("no button %q under %q (%s)", label, s.Plain, buttonsOf(s.Markup))
	return ""
}

// pressThen presses a button and returns the message the bot then sent
// in chat that shows want, and the press's answer.
func (h *harness) pressThen(chat tgbotapi.Chat, from tgbotapi.User, messageID int, data, want string) (telegramtest.Sent, telegramtest.CallbackAnswer) {
	h.t.Helper()
	n := h.srv.SentCount()
	a := h.press(chat, from, messageID, data)
	for _, s := range h.srv.SentSince(n) {
		if s.Method == "sendMessage" && s.ChatID == chat.ID && strings.Contains(s.Plain, want) {
			return s, a
		}
	}
	h.t.Fatalf("after pressing %q, no message with %q; answer %q\nsent:\n%s", data, want, a.Text, h.dump())
	return telegramtest.Sent{}, a
}

// keyboardOf is the keyboard a message carries now, after the edits.
func (h *harness) keyboardOf(chat tgbotapi.Chat, messageID int) string {
	h.t.Helper()
	m, ok := h.srv.Message(chat.ID, messageID)
	if !ok {
		h.t.Fatalf("no message %d in %d", messageID, chat.ID)
	}
	return buttonsOf(m.ReplyMarkup)
}

// /giao alone: in a group the usage, as before; in a private chat the
// walk, to a task made as /giao makes it.
func TestGuidedAssignEndToEnd(t *testing.T) {
	h := newH(t)
	withUnit(h)
	for _, cmd := range []string{"/giao", "/assign", "/giao@nhacviec_bot"} {
		r := h.say(h.group, h.lead, cmd)
		contains(t, r, "Cách giao việc", "Ví dụ: /giao @an", "/giao trong chat riêng với @nhacviec_bot")
		if r.Markup != nil {
			t.Fatalf("%s in a group offers %s", cmd, buttonsOf(r.Markup))
		}
	}
	dm := h.private(h.lead)
	r := h.say(dm, h.lead, "/assign")
	contains(t, r, "Giao việc — bước 1/3: giao cho ai?")
	if got := buttonsOf(r.Markup); got != "An Bình 🙋 Tự giao cho mình ✖ Hủy" {
		t.Fatalf("people offered: %q", got)
	}
	person := r
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "An"), "Bước 2/3: việc gì?")
	contains(t, r, "Giao cho An.")
	if got := h.keyboardOf(dm, person.MessageID); got != "" {
		t.Fatalf("the people's message still offers %q", got)
	}
	// The person's button again: stale, nothing changes.
	if a := h.press(dm, h.lead, person.MessageID, dataOf(t, person, "Bình")); a.Text != "Nút này không còn dùng được." {
		t.Fatalf("stale press: %q", a.Text)
	}
	r = h.say(dm, h.lead, "Xây dựng kế hoạch CCHC năm 2027")
	contains(t, r, "Giao cho An: Xây dựng kế hoạch CCHC năm 2027", "Bước 3/3: hạn khi nào?")
	if got := buttonsOf(r.Markup); !strings.HasPrefix(got, "Hôm nay — Thứ Hai 23/11 Ngày mai — Thứ Ba 24/11 Thứ Sáu tuần này — Thứ Sáu 27/11") {
		t.Fatalf("deadlines offered: %q", got)
	}
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "Thứ Sáu tuần này"), "Sắp giao cho An")
	contains(t, r, "Xây dựng kế hoạch CCHC năm 2027", "Hạn: 17:00 Thứ Sáu 27/11/2026")
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "⭐ Trọng tâm"), "Sắp giao cho An")
	contains(t, r, "⭐ Xây dựng kế hoạch", "⭐ Việc trọng tâm")
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "🎯 Kết quả"), "Gõ kết quả cần có")
	r = h.say(dm, h.lead, "Kế hoạch trình Giám đốc ký")
	contains(t, r, "🎯 Kết quả: Kế hoạch trình Giám đốc ký")
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "📄 Văn bản"), "Gõ văn bản giao việc")
	contains(t, r, "ví dụ:\n1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh")
	r = h.say(dm, h.lead, "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh")
	contains(t, r, "📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh")
	if h.count() != 0 {
		t.Fatal("a task before ✅ Xong, giao việc")
	}
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "✅ Xong, giao việc"), "Đã giao việc")
	m := assignedRE.FindStringSubmatch(r.Plain)
	if m == nil {
		t.Fatalf("no id in %q", r.Plain)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	contains(t, r, fmt.Sprintf("📌 Đã giao việc #%d cho @an", id), "⭐ Xây dựng kế hoạch CCHC năm 2027", "Hạn: 17:00 Thứ Sáu 27/11/2026",
		"🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL", "Tìm lại: /tim 1365/VP-NL")
	if got := buttonsOf(r.Markup); got != "✅ Xong ✖ Bỏ trọng tâm ⚡ Khẩn 🔍 Cần duyệt ➕ Phối hợp 📄 Văn bản 🎯 Kết quả" {
		t.Fatalf("confirmation buttons: %q", got)
	}
	task := h.task(id)
	if task.Title != "Xây dựng kế hoạch CCHC năm 2027" || task.Result != "Kế hoạch trình Giám đốc ký" || task.SourceNumber != "1365/VP-NL" ||
		!task.KeyTask || task.Urgent || task.UnitID != 1 || task.ChatID == 0 {
		t.Fatalf("stored %+v", task)
	}
	contains(t, h.notice(h.an, id), "@lead giao cho bạn việc", "⭐ Xây dựng kế hoạch", "🎯 Kết quả: Kế hoạch trình Giám đốc ký")
	d := h.say(h.private(h.an), h.an, fmt.Sprintf("/chitiet %d", id))
	contains(t, d, "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL ngày 22/4/2020", "⭐ Việc trọng tâm", "@lead giao việc")

	// ✖ Hủy half way: nothing is made, and what is typed next is not
	// taken for a title.
	r = h.say(dm, h.lead, "/giao")
	r = h.say(dm, h.lead, "@binh")
	contains(t, r, "Giao cho Bình.")
	r, _ = h.pressThen(dm, h.lead, r.MessageID, dataOf(t, r, "✖ Hủy"), "Đã hủy")
	contains(t, r, "chưa giao việc nào")
	contains(t, h.say(dm, h.lead, "Báo cáo tuần"), "Tôi chưa hiểu ý bạn")
	if h.count() != 1 {
		t.Fatalf("%d tasks", h.count())
	}
	// A press by someone else (data copied into their own chat) is stale.
	r = h.say(dm, h.lead, "/giao")
	if a := h.press(h.private(h.an), h.an, r.MessageID, dataOf(t, r, "Bình")); a.Text != "Nút này không còn dùng được." {
		t.Fatalf("an's press of lead's button: %q", a.Text)
	}
	contains(t, h.say(dm, h.lead, "Bình"), "Giao cho Bình.")
}

// The fields' buttons under a group's confirmation, with the group in
// privacy mode (the bot sees commands and replies to its messages only):
// 📄 and 🎯 ask, the reply sets the field, /chitiet shows it; ➕ answers
// as its line does; someone else's press, a stale or cancelled prompt
// change nothing.
func TestFieldButtonsEndToEnd(t *testing.T) {
	h := newH(t)
	withUnit(h)
	h.srv.SetPrivacyMode(true)
	c, id := h.assign(h.group, h.lead, "/giao @an Báo cáo tuần hạn mai")
	src, res := dataOf(t, c, "📄 Văn bản"), dataOf(t, c, "🎯 Kết quả")
	if src != fmt.Sprintf("fld:%d:src", id) || res != fmt.Sprintf("fld:%d:res", id) {
		t.Fatalf("buttons %q %q", src, res)
	}
	// Who may not change the task: the assignee, another member.
	if a := h.press(h.group, h.an, c.MessageID, src); !strings.Contains(a.Text, "Chỉ người giao việc") {
		t.Fatalf("an's press: %q", a.Text)
	}
	if a := h.press(h.group, h.binh, c.MessageID, res); !strings.Contains(a.Text, fmt.Sprintf("Việc #%d là việc của An", id)) {
		t.Fatalf("binh's press: %q", a.Text)
	}

	p, _ := h.pressThen(h.group, h.lead, c.MessageID, src, "Gõ văn bản giao việc")
	contains(t, p, fmt.Sprintf("@lead ghi thêm cho việc #%d (trả lời vào tin này)", id), "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh")
	// binh's reply to the prompt is not lead's answer.
	h.silent(func() { h.srv.UserReplies(h.group, h.binh, "99/XYZ", p.MessageID) })
	r := h.replyTo(h.group, h.lead, "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", p.MessageID)
	contains(t, r, fmt.Sprintf("✅ Đã ghi văn bản cho việc #%d.", id), fmt.Sprintf("📌 Việc #%d giao cho @an", id), "Báo cáo tuần",
		"📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", "Tìm lại: /tim 1365/VP-NL")
	if got := buttonsOf(r.Markup); got != "✅ Xong ⭐ Trọng tâm ⚡ Khẩn 🔍 Cần duyệt ➕ Phối hợp 📄 Văn bản 🎯 Kết quả" {
		t.Fatalf("the echo's buttons: %q", got)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, fmt.Sprintf("@lead ghi thêm cho việc #%d", id)) && strings.Contains(s.Plain, "📄 Văn bản: 1365/VP-NL")
	})
	// The prompt's ✖ is stale once answered.
	if a := h.press(h.group, h.lead, p.MessageID, dataOf(t, p, "✖ Thôi")); a.Text != "Nút này không còn dùng được." {
		t.Fatalf("the answered prompt's ✖: %q", a.Text)
	}

	p, _ = h.pressThen(h.group, h.lead, c.MessageID, res, "Gõ kết quả cần có")
	// Too long: said with an example, and the prompt waits on.
	r = h.replyTo(h.group, h.lead, strings.Repeat("ạ", 301), p.MessageID)
	contains(t, r, "Kết quả dài quá: tối đa 300 ký tự (bạn gõ 301)")
	hasExample(t, r)
	r = h.replyTo(h.group, h.lead, "Kế hoạch trình Giám đốc ký", p.MessageID)
	contains(t, r, "✅ Đã ghi kết quả", "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL")
	task := h.task(id)
	if task.Result != "Kế hoạch trình Giám đốc ký" || task.SourceNumber != "1365/VP-NL" {
		t.Fatalf("stored %+v", task)
	}
	d := h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id))
	contains(t, d, "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh",
		"@lead ghi thêm: văn bản: 1365/VP-NL", "@lead ghi thêm: kết quả: Kế hoạch trình Giám đốc ký")
	if got := buttonsOf(d.Markup); got != "✅ Xong ⭐ Trọng tâm ⚡ Khẩn 🔍 Cần duyệt ➕ Phối hợp 📄 Văn bản 🎯 Kết quả" {
		t.Fatalf("/chitiet buttons: %q", got)
	}

	// ➕ Phối hợp: read as the "phối hợp:" line, the part added as /giao
	// adds it; named again, said so and not added twice.
	p, _ = h.pressThen(h.group, h.lead, c.MessageID, dataOf(t, c, "➕ Phối hợp"), "Gõ người phối hợp")
	r = h.replyTo(h.group, h.lead, "@binh", p.MessageID)
	contains(t, r, fmt.Sprintf("✅ Đã ghi phối hợp cho việc #%d.", id))
	contains(t, h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id)), "🤝 Phối hợp", "@binh — hạn 17:00",
		"@lead giao phối hợp: @binh")
	p, _ = h.pressThen(h.group, h.lead, c.MessageID, dataOf(t, c, "➕ Phối hợp"), "Gõ người phối hợp")
	contains(t, h.replyTo(h.group, h.lead, "@binh", p.MessageID), fmt.Sprintf("@binh đã phối hợp việc #%d rồi", id))
	h.say(h.group, h.lead, "/viec") // a command ends the wait

	// ✖ Thôi: a reply to that prompt then changes nothing.
	p, _ = h.pressThen(h.group, h.lead, c.MessageID, src, "Gõ văn bản giao việc")
	contains(t, p, "Đang ghi: 1365/VP-NL")
	if a := h.press(h.group, h.an, p.MessageID, dataOf(t, p, "✖ Thôi")); a.Text != "Nút này không còn dùng được." {
		t.Fatalf("an's press of lead's ✖: %q", a.Text)
	}
	stop, _ := h.pressThen(h.group, h.lead, p.MessageID, dataOf(t, p, "✖ Thôi"), "Đã thôi")
	contains(t, stop, fmt.Sprintf("việc #%d không thay đổi gì", id))
	h.silent(func() { h.srv.UserReplies(h.group, h.lead, "06/CT-UBND", p.MessageID) })
	events := len(h.events(id))
	if task := h.task(id); task.SourceNumber != "1365/VP-NL" {
		t.Fatalf("changed after ✖ Thôi: %+v", task)
	}

	// With a prompt waiting, a reply to a message about the task is about
	// the task: "xong" finishes it, it does not become the source.
	p, _ = h.pressThen(h.group, h.lead, c.MessageID, src, "Gõ văn bản giao việc")
	contains(t, h.replyTo(h.group, h.lead, "xong", c.MessageID), fmt.Sprintf("Đã xong việc #%d", id))
	// The prompt answered then: the task is closed, said once, unchanged.
	contains(t, h.replyTo(h.group, h.lead, "06/CT-UBND", p.MessageID), fmt.Sprintf("Việc #%d đã xong rồi", id))
	h.silent(func() { h.srv.UserReplies(h.group, h.lead, "06/CT-UBND", p.MessageID) })
	if task := h.task(id); task.SourceNumber != "1365/VP-NL" || task.Open() {
		t.Fatalf("after xong: %+v", task)
	}
	// Closed: the buttons say so and change nothing.
	if a := h.press(h.group, h.lead, c.MessageID, src); !strings.Contains(a.Text, fmt.Sprintf("Việc #%d đã xong rồi", id)) {
		t.Fatalf("a press on a closed task: %q", a.Text)
	}
	// Forged.
	for _, data := range []string{fmt.Sprintf("fld:%d:xyz", id), "fld:abc:src", "fld:999:res", "g:1:x:huy", "g:abc"} {
		if a := h.press(h.group, h.lead, c.MessageID, data); a.Text == "" || strings.Contains(a.Text, "Gõ văn bản") {
			t.Fatalf("forged %q: %q", data, a.Text)
		}
	}
	if n := len(h.events(id)); n != events+1 { // + done
		t.Fatalf("%d events, want %d", n, events+1)
	}
}

// buttonIn finds, in the demo's output, the last button labelled label
// and returns how one presses it ("24.3").
func buttonIn(t *testing.T, out, label string) string {
	t.Helper()
	m := regexp.MustCompile(`\[(\d+\.\d+) `+regexp.QuoteMeta(label)).FindAllStringSubmatch(out, -1)
	if m == nil {
		t.Fatalf("no button %q in:\n%s", label, out)
	}
	return m[len(m)-1][1]
}

// The demo walks the guided /giao and takes a field's value from a
// button under the confirmation, as a newcomer would type it.
func TestDemoGuidedAssign(t *testing.T) {
	// Each step types one more line into a fresh demo: what to press is
	// read from what the demo printed up to then.
	script := []string{"lead>> /giao"}
	out := runDemo(t, append(script, ":thoat")...)
	step := func(line func(out string) string, want string) string {
		t.Helper()
		script = append(script, line(out))
		out = runDemo(t, append(script, ":thoat")...)
		if !strings.Contains(out, want) {
			t.Fatalf("after %q, the demo never showed %q:\n%s", script[len(script)-1], want, out)
		}
		return out
	}
	press := func(label string) func(string) string {
		return func(out string) string { return "lead> [" + buttonIn(t, out, label) + "]" }
	}
	typed := func(text string) func(string) string { return func(string) string { return "lead>> " + text } }
	step(press("Nguyễn Văn An"), "Bước 2/3: việc gì?")
	step(typed("Báo cáo tuần"), "Bước 3/3: hạn khi nào?")
	step(press("Ngày mai"), "Sắp giao cho Nguyễn Văn An")
	step(press("📄 Văn bản"), "Gõ văn bản giao việc")
	step(typed("1365/VP-NL ngày 22/4/2020"), "📄 Văn bản: 1365/VP-NL ngày 22/4/2020")
	step(press("✅ Xong, giao việc"), "Đã giao việc #1 cho @an")
	step(press("🎯 Kết quả"), "✏️ Ghi thêm cho việc #1:")
	step(typed("Kế hoạch trình Giám đốc ký"), "✅ Đã ghi kết quả cho việc #1.")
	step(typed("/chitiet 1"), "@lead ghi thêm: kết quả: Kế hoạch trình Giám đốc ký")
	for _, want := range []string{"@lead giao cho bạn việc #1", "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL ngày 22/4/2020", "bot hỏi từng bước"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
}
