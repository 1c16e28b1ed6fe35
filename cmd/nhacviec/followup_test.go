package main

// End-to-end tests of what the lead reports back on a task: requests to
// extend its deadline (/giahan, "xin gia hạn …" replies, the reviewer's
// buttons and answers) and progress notes (/tiendo, replies), through the
// real client and the fake Bot API.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// request returns the latest request to extend task id that u was asked
// to answer, privately.
func (h *harness) request(u tgbotapi.User, id int64) telegramtest.Sent {
	h.t.Helper()
	h.settle()
	want := fmt.Sprintf("xin gia hạn việc #%d:", id)
	sent := h.srv.SentTo(u.ID)
	for i := len(sent) - 1; i >= 0; i-- {
		if strings.Contains(sent[i].Plain, want) {
			return sent[i]
		}
	}
	h.t.Fatalf("@%s was never asked to extend #%d:\n%s", u.UserName, id, h.dump())
	return telegramtest.Sent{}
}

// countTo counts the messages shown to a chat that contain sub.
func (h *harness) countTo(chatID int64, sub string) int {
	n := 0
	for _, s := range h.srv.SentTo(chatID) {
		if strings.Contains(s.Plain, sub) {
			n++
		}
	}
	return n
}

// extensions reads a task's requests straight from the store.
func (h *harness) extensions(id int64) []*nhacviec.Extension {
	h.t.Helper()
	var out []*nhacviec.Extension
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		out, err = tx.Extensions(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// events reads a task's history kinds straight from the store.
func (h *harness) eventKinds(id int64) []string {
	h.t.Helper()
	var out []string
	for _, e := range h.events(id) {
		out = append(out, string(e.Kind))
	}
	return out
}

// An extension asked for by command and approved with the button: the
// deadline in force moves, the reminders follow the new deadline and
// none comes for the old one, and the original deadline stays in
// /chitiet and in the history. A second press changes nothing.
func TestExtensionApprovedReplansReminders(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 25/11") // Wednesday 17:00
	h.tick(at(24, 8, 0))
	if h.countTo(h.an.ID, "Nhắc việc #1") != 1 {
		t.Fatalf("no day-before reminder for the first deadline:\n%s", h.dump())
	}
	h.clock.Set(at(24, 9, 0))
	r := h.say(h.private(h.an), h.an, "/giahan 1 27/11 chờ số liệu của Sở Tài chính")
	contains(t, r, "Đã gửi @lead yêu cầu gia hạn việc #1 đến 17:00 Thứ Sáu 27/11/2026")
	req := h.request(h.lead, id)
	contains(t, req, "@an xin gia hạn việc #1: Báo cáo quý", "Hạn hiện tại: 17:00 Thứ Tư 25/11/2026",
		"Xin đến: 17:00 Thứ Sáu 27/11/2026", "Lý do: chờ số liệu của Sở Tài chính", "/giahan 1 dongy", "/giahan 1 khong")
	if got := buttonsOf(req.Markup); got != "✅ Đồng ý ❌ Không đồng ý" {
		t.Fatalf("request buttons: %q", got)
	}
	if h.task(id).Deadline.Equal(at(27, 17, 0)) {
		t.Fatal("the deadline moved before anyone agreed")
	}
	a := h.press(h.private(h.lead), h.lead, req.MessageID, buttonData(req)[0])
	if !strings.Contains(a.Text, "Đã đồng ý gia hạn việc #1 đến 17:00 Thứ Sáu 27/11/2026") {
		t.Fatalf("answer to ✅ = %q", a.Text)
	}
	told := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "@lead đồng ý gia hạn việc #1")
	})
	contains(t, told, "Hạn mới: 17:00 Thứ Sáu 27/11/2026 (trước đây: 17:00 Thứ Tư 25/11/2026)")
	h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.MessageID == req.MessageID && s.Markup == nil
	})
	if got := h.task(id).Deadline; !got.Equal(at(27, 17, 0)) {
		t.Fatalf("deadline after approval = %v", got)
	}

	// The same button again, and the other one: answered, nothing changes.
	for _, data := range buttonData(req) {
		a := h.press(h.private(h.lead), h.lead, req.MessageID, data)
		if !strings.Contains(a.Text, "đã được trả lời rồi (đồng ý") {
			t.Fatalf("stale %s: %q", data, a.Text)
		}
	}
	if got := h.task(id).Deadline; !got.Equal(at(27, 17, 0)) {
		t.Fatalf("deadline after stale presses = %v", got)
	}

	// Reminders: nothing for Wednesday's deadline, all for Friday's.
	before := len(h.srv.SentTo(h.an.ID))
	for _, now := range []time.Time{at(25, 8, 0), at(25, 17, 0), at(26, 8, 0), at(27, 8, 0), at(27, 17, 0)} {
		h.tick(now)
	}
	var got []string
	for _, s := range h.srv.SentTo(h.an.ID)[before:] {
		got = append(got, strings.SplitN(s.Plain, "\n", 3)[:2]...)
	}
	want := []string{
		"⏰ Nhắc việc #1: Báo cáo quý", "Hạn: 17:00 Thứ Sáu 27/11/2026 (ngày làm việc tới).",
		"⏰ Hôm nay đến hạn việc #1: Báo cáo quý", "Hạn: 17:00 Thứ Sáu 27/11/2026.",
		"⚠️ Việc #1 đã quá hạn: Báo cáo quý — @an", "Hạn: 17:00 Thứ Sáu 27/11/2026",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the extension, an got:\n%q\nwant:\n%q", got, want)
	}
	if n := h.countTo(h.lead.ID, "Việc #1 đã quá hạn"); n != 1 {
		t.Fatalf("the assigner got %d overdue notices, want 1 (at the new deadline)", n)
	}

	d := h.say(h.private(h.lead), h.lead, "/chitiet 1")
	contains(t, d, "Hạn: 17:00 Thứ Sáu 27/11/2026 (gia hạn từ 17:00 Thứ Tư 25/11/2026)",
		"giao việc: giao cho @an, hạn 17:00 Thứ Tư 25/11/2026",
		"@an xin gia hạn: đến 17:00 Thứ Sáu 27/11/2026 (hạn đang là 17:00 Thứ Tư 25/11/2026). Lý do: chờ số liệu của Sở Tài chính",
		"@lead đồng ý gia hạn: hạn mới 17:00 Thứ Sáu 27/11/2026, hạn cũ 17:00 Thứ Tư 25/11/2026")
	lacks(t, d, "Đang xin gia hạn")
	if got := strings.Join(h.eventKinds(id), ","); got != "created,extension_asked,extension_approved" {
		t.Fatalf("history = %s", got)
	}
	exts := h.extensions(id)
	if len(exts) != 1 || exts[0].State != nhacviec.ExtensionApproved || !exts[0].From.Equal(at(25, 17, 0)) ||
		!exts[0].To.Equal(at(27, 17, 0)) || exts[0].Reason != "chờ số liệu của Sở Tài chính" {
		t.Fatalf("requests kept: %+v", exts)
	}
}

// A request refused by command with a reason: the asker is told why, the
// deadline stays, the button pressed afterwards changes nothing; asked
// again, and refused with the button (no reason). Every request and
// decision is kept.
func TestExtensionRefused(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id := h.assign(h.group, h.lead, "/giao @an Kế hoạch CCHC hạn 25/11")
	h.say(h.private(h.an), h.an, "/giahan 1 thứ 6 chờ ý kiến các phòng")
	req := h.request(h.lead, id)
	r := h.say(h.private(h.lead), h.lead, "/giahan #1 không đồng ý vì cần nộp đúng hạn để tổng hợp")
	contains(t, r, "Đã không đồng ý gia hạn việc #1. Đã báo @an.")
	told := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "@lead không đồng ý gia hạn việc #1")
	})
	contains(t, told, "Kế hoạch CCHC", "Hạn vẫn là: 17:00 Thứ Tư 25/11/2026", "Ý kiến: cần nộp đúng hạn để tổng hợp")
	a := h.press(h.private(h.lead), h.lead, req.MessageID, buttonData(req)[0])
	if !strings.Contains(a.Text, "đã được trả lời rồi (không đồng ý") {
		t.Fatalf("✅ after the refusal: %q", a.Text)
	}
	if got := h.task(id).Deadline; !got.Equal(at(25, 17, 0)) {
		t.Fatalf("deadline after a refusal = %v", got)
	}
	// Refused: the lead may ask again; this time the ❌ button.
	h.say(h.private(h.an), h.an, "/extend 1 26/11 chờ ý kiến phòng KH-TC")
	req2 := h.request(h.lead, id)
	a = h.press(h.private(h.lead), h.lead, req2.MessageID, buttonData(req2)[1])
	if !strings.Contains(a.Text, "Đã không đồng ý gia hạn việc #1") {
		t.Fatalf("answer to ❌ = %q", a.Text)
	}
	h.settle()
	if n := h.countTo(h.an.ID, "@lead không đồng ý gia hạn việc #1"); n != 2 {
		t.Fatalf("an was told of %d refusals, want 2", n)
	}
	lacks(t, h.srv.SentTo(h.an.ID)[len(h.srv.SentTo(h.an.ID))-1], "Ý kiến:")
	if got := h.task(id).Deadline; !got.Equal(at(25, 17, 0)) {
		t.Fatalf("deadline after two refusals = %v", got)
	}
	exts := h.extensions(id)
	if len(exts) != 2 || exts[0].State != nhacviec.ExtensionRefused || exts[0].Answer != "cần nộp đúng hạn để tổng hợp" ||
		exts[1].State != nhacviec.ExtensionRefused || exts[1].Answer != "" || exts[1].Reason != "chờ ý kiến phòng KH-TC" {
		t.Fatalf("requests kept: %+v %+v", exts[0], exts[len(exts)-1])
	}
	if got := strings.Join(h.eventKinds(id), ","); got != "created,extension_asked,extension_refused,extension_asked,extension_refused" {
		t.Fatalf("history = %s", got)
	}
	d := h.say(h.private(h.an), h.an, "/chitiet 1")
	contains(t, d, "Hạn: 17:00 Thứ Tư 25/11/2026\n", "không đồng ý gia hạn: xin đến 17:00 Thứ Sáu 27/11/2026. Ý kiến: cần nộp đúng hạn")
	if !strings.HasSuffix(d.Plain, "không đồng ý gia hạn: xin đến 17:00 Thứ Năm 26/11/2026") {
		t.Fatalf("the refusal without a reason: %q", d.Plain)
	}
	lacks(t, d, "gia hạn từ")
}

// The reply form, with and without diacritics, on the assignment notice
// and on a reminder; the reason may come before the request; the
// reviewer answers by replying "đồng ý" to the request.
func TestExtensionByReply(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id1 := h.assign(h.group, h.lead, "/giao @an Báo cáo tuần hạn 25/11")
	_, id2 := h.assign(h.group, h.lead, "/giao @an Tổng hợp số liệu hạn 25/11")
	n1 := h.notice(h.an, id1)
	r := h.replyTo(h.private(h.an), h.an, "Xin gia han den 27/11 vi cho so lieu", n1.MessageID)
	contains(t, r, "Đã gửi @lead yêu cầu gia hạn việc #1 đến 17:00 Thứ Sáu 27/11/2026")
	req := h.request(h.lead, id1)
	contains(t, req, "Lý do: cho so lieu")
	ok := h.replyTo(h.private(h.lead), h.lead, "Đồng ý, lần sau báo sớm hơn", req.MessageID)
	contains(t, ok, "Đã đồng ý gia hạn việc #1 đến 17:00 Thứ Sáu 27/11/2026")
	told := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "@lead đồng ý gia hạn việc #1")
	})
	contains(t, told, "Ý kiến: lần sau báo sớm hơn")
	if !h.task(id1).Deadline.Equal(at(27, 17, 0)) {
		t.Fatal("a reply \"đồng ý\" did not move the deadline")
	}
	// On the reminder; the reason written before the request.
	h.tick(at(24, 8, 0))
	var rem telegramtest.Sent
	for _, s := range h.srv.SentTo(h.an.ID) {
		if strings.Contains(s.Plain, "Nhắc việc #2") {
			rem = s
		}
	}
	if rem.MessageID == 0 {
		t.Fatalf("no reminder of #2:\n%s", h.dump())
	}
	r = h.replyTo(h.private(h.an), h.an, "Đã làm được 50%, xin gia hạn đến thứ 6", rem.MessageID)
	contains(t, r, "Đã gửi @lead yêu cầu gia hạn việc #2 đến 17:00 Thứ Sáu 27/11/2026")
	contains(t, h.request(h.lead, id2), "Lý do: Đã làm được 50%")
	if h.countTo(h.lead.ID, "Tiến độ việc #2") != 0 {
		t.Fatal("a request to extend was also forwarded as a progress note")
	}
	// Replied without a reason, or a date: answered with an example.
	_, id3 := h.assign(h.group, h.lead, "/giao @an Việc ba hạn 25/11")
	n3 := h.notice(h.an, id3)
	r = h.replyTo(h.private(h.an), h.an, "xin gia hạn đến 27/11", n3.MessageID)
	contains(t, r, "cần nêu lý do", "xin gia hạn đến 25/12 vì chờ số liệu")
	r = h.replyTo(h.private(h.an), h.an, "xin gia hạn vì chờ số liệu", n3.MessageID)
	contains(t, r, "Xin gia hạn đến khi nào?")
	hasExample(t, r)
	if len(h.extensions(id3)) != 0 {
		t.Fatal("a bad request was stored")
	}
}

// Bad input: each gets a clear answer with an example, and nothing is
// stored.
func TestExtensionBadInput(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 25/11")
	an := h.private(h.an)
	for _, c := range []struct{ text, want string }{
		{"/giahan", "Cách xin gia hạn"},
		{"/giahan abc 27/11 lý do", "Mã việc \"abc\" không hợp lệ"},
		{"/giahan 1 27/11", "cần nêu lý do"},
		{"/giahan 1 chờ số liệu", "Xin gia hạn đến khi nào?"},
		{"/giahan 1 24/11 chờ số liệu", "phải sau hạn hiện tại của việc #1 (17:00 Thứ Tư 25/11/2026)"},
		{"/giahan 1 20/11/2026 chờ số liệu", "đã qua"},
		{"/giahan 1 31/02 chờ số liệu", "Không hiểu thời hạn"},
		{"/giahan 1 27/11 " + strings.Repeat("lý do dài ", 120), "dài quá: tối đa 1000 ký tự"},
		{"/giahan 1 dongy", "Việc #1 không có yêu cầu gia hạn nào đang chờ"},
	} {
		t.Run(c.text[:min(len(c.text), 30)], func(t *testing.T) {
			defer h.as(t)()
			r := h.say(an, h.an, c.text)
			contains(t, r, c.want)
			hasExample(t, r)
		})
	}
	if len(h.extensions(id)) != 0 {
		t.Fatal("a bad request was stored")
	}
	// Only the assignee asks; the assigner is told so, an outsider learns
	// nothing.
	contains(t, h.say(h.private(h.lead), h.lead, "/giahan 1 27/11 chờ số liệu"), "Chỉ người thực hiện việc #1 mới xin gia hạn")
	theirs := h.say(h.private(h.binh), h.binh, "/giahan 1 27/11 chờ số liệu").Plain
	none := h.say(h.private(h.binh), h.binh, "/giahan 999 27/11 chờ số liệu").Plain
	if strings.Replace(theirs, "#1", "#999", 1) != none || strings.Contains(theirs, "Báo cáo quý") {
		t.Fatalf("an outsider's request answered differently from a missing id:\n%q\n%q", theirs, none)
	}
	// A second request while one waits.
	h.say(an, h.an, "/giahan 1 27/11 chờ số liệu")
	r := h.say(an, h.an, "/giahan 1 30/11 chờ thêm số liệu")
	contains(t, r, "đang có yêu cầu gia hạn đến 17:00 Thứ Sáu 27/11/2026 chờ @lead trả lời", "/chitiet 1")
	if n := len(h.extensions(id)); n != 1 {
		t.Fatalf("%d requests stored, want 1", n)
	}
	// Answered by someone who is not the reviewer.
	contains(t, h.say(an, h.an, "/giahan 1 dongy"), "Chỉ @lead mới trả lời yêu cầu gia hạn việc #1")
	notFound := h.say(h.private(h.binh), h.binh, "/giahan 1 dongy")
	contains(t, notFound, "Không tìm thấy việc #1")
	if h.extensions(id)[0].State != nhacviec.ExtensionPending {
		t.Fatal("a request was decided by someone who is not its reviewer")
	}
	// /giahan 1 shows what waits, with the buttons for the reviewer only.
	w := h.say(h.private(h.lead), h.lead, "/giahan 1")
	contains(t, w, "@an xin gia hạn việc #1", "Xin đến: 17:00 Thứ Sáu 27/11/2026", "Chờ @lead trả lời")
	if len(buttonData(w)) != 2 {
		t.Fatalf("the reviewer's /giahan 1 has buttons %v", buttonData(w))
	}
	if w := h.say(an, h.an, "/giahan 1"); len(buttonData(w)) != 0 {
		t.Fatalf("the asker's /giahan 1 has buttons %v", buttonData(w))
	}
	// An ambiguous date is asked back with a button per reading.
	_, id2 := h.assign(h.group, h.lead, "/giao @an Việc hai hạn 25/11")
	q := h.say(an, h.an, fmt.Sprintf("/giahan %d 20 chờ số liệu", id2))
	contains(t, q, "đến ngày nào?", "• 20 ngày nữa: 17:00 Thứ Hai 14/12/2026 (13/12 là Chủ nhật)", "• ngày 20: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)")
	if len(buttonData(q)) != 2 {
		t.Fatalf("ambiguous date: buttons %v", buttonData(q))
	}
	// binh cannot use an's choice.
	if a := h.press(an, h.binh, q.MessageID, buttonData(q)[1]); !strings.Contains(a.Text, "không còn dùng được") {
		t.Fatalf("someone else's choice: %q", a.Text)
	}
	a := h.press(an, h.an, q.MessageID, buttonData(q)[1])
	if !strings.Contains(a.Text, "Đã gửi @lead yêu cầu gia hạn việc #2 đến 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)") {
		t.Fatalf("answer to the chosen date: %q", a.Text)
	}
	contains(t, h.request(h.lead, id2), "Xin đến: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)", "Lý do: chờ số liệu")
	if a := h.press(an, h.an, q.MessageID, buttonData(q)[0]); !strings.Contains(a.Text, "không còn dùng được") {
		t.Fatalf("the choice pressed twice: %q", a.Text)
	}
	// A recurring task's deadline stays before its next occurrence's.
	_, id3 := h.assign(h.group, h.lead, "/giao @an Báo cáo tháng hạn trước ngày 20 hàng tháng")
	r = h.say(an, h.an, fmt.Sprintf("/giahan %d 25/01/2027 chờ số liệu", id3))
	contains(t, r, fmt.Sprintf("Việc #%d lặp lại", id3), "chỉ gia hạn được đến trước hạn của kỳ sau")
	hasExample(t, r)
	contains(t, h.say(an, h.an, fmt.Sprintf("/giahan %d 23/12 chờ số liệu", id3)), "Đã gửi @lead yêu cầu gia hạn")
}

// Every forged or stale button: answered, nothing changes, nothing of
// the task shown to those who may not see it.
func TestExtensionForgedAndStaleButtons(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Việc bí mật của An hạn 25/11")
	h.say(h.private(h.an), h.an, "/giahan 1 27/11 chờ số liệu")
	req := h.request(h.lead, id)
	eid := h.extensions(id)[0].ID
	check := func(name string) {
		t.Helper()
		if e := h.extensions(id)[0]; e.State != nhacviec.ExtensionPending || !h.task(id).Deadline.Equal(at(25, 17, 0)) {
			t.Fatalf("%s changed something: %+v, deadline %v", name, e, h.task(id).Deadline)
		}
	}
	for _, c := range []struct {
		who  tgbotapi.User
		data string
		want string
	}{
		{h.binh, fmt.Sprintf("ext:%d:y", eid), "không còn dùng được"},
		{h.binh, fmt.Sprintf("ext:%d:n", eid), "không còn dùng được"},
		{h.an, fmt.Sprintf("ext:%d:y", eid), "Chỉ @lead mới trả lời"},
		{h.lead, "ext:999:y", "không còn dùng được"},
		{h.lead, fmt.Sprintf("ext:%d:x", eid), "không còn dùng được"},
		{h.lead, fmt.Sprintf("ext:%d", eid), "không còn dùng được"},
		{h.lead, "ext:abc:y", "không còn dùng được"},
		{h.lead, "xpick:1:0", "không còn dùng được"},
		{h.lead, "on:1:0", "không còn dùng được"},
		{h.lead, "xpick:abc:-1", "không còn dùng được"},
	} {
		t.Run(c.who.UserName+" "+c.data, func(t *testing.T) {
			defer h.as(t)()
			a := h.press(h.private(c.who), c.who, lastBotMessage(h, h.private(c.who)), c.data)
			if !strings.Contains(a.Text, c.want) || strings.Contains(a.Text, "Việc bí mật") {
				t.Fatalf("answer = %q, want %q", a.Text, c.want)
			}
			check(c.data)
		})
	}
	if got := h.sentTo(h.binh.ID); strings.Contains(got, "Việc bí mật") {
		t.Fatalf("binh saw the title:\n%s", got)
	}
	// The task closed meanwhile: the request lapsed, the buttons say so.
	h.say(h.private(h.an), h.an, "/xong 1")
	for _, data := range buttonData(req) {
		a := h.press(h.private(h.lead), h.lead, req.MessageID, data)
		if !strings.Contains(a.Text, "Việc #1 đã xong: yêu cầu gia hạn không còn hiệu lực") {
			t.Fatalf("%s after done: %q", data, a.Text)
		}
	}
	if e := h.extensions(id)[0]; e.State != nhacviec.ExtensionLapsed || !h.task(id).Deadline.Equal(at(25, 17, 0)) {
		t.Fatalf("after done: request %+v, deadline %v", e, h.task(id).Deadline)
	}
	contains(t, h.say(h.private(h.lead), h.lead, "/giahan 1 dongy"), "Việc #1 đã xong rồi")
	contains(t, h.say(h.private(h.an), h.an, "/giahan 1 30/11 chờ số liệu"), "Việc #1 đã xong rồi: không gia hạn được nữa")
	// Cancelled while a request waits: the same.
	_, id2 := h.assign(h.group, h.lead, "/giao @an Việc hai hạn 25/11")
	h.say(h.private(h.an), h.an, fmt.Sprintf("/giahan %d 27/11 chờ số liệu", id2))
	req2 := h.request(h.lead, id2)
	h.say(h.group, h.lead, fmt.Sprintf("/huy %d", id2))
	a := h.press(h.private(h.lead), h.lead, req2.MessageID, buttonData(req2)[0])
	if !strings.Contains(a.Text, "đã bị hủy: yêu cầu gia hạn không còn hiệu lực") {
		t.Fatalf("✅ after the task was cancelled: %q", a.Text)
	}
	if h.task(id2).Status != nhacviec.StatusCancelled || !h.task(id2).Deadline.Equal(at(25, 17, 0)) {
		t.Fatal("a stale button changed a cancelled task")
	}
}

// An overdue task may ask too: the request says it is overdue, and once
// approved the chase stops until the new deadline passes.
func TestOverdueTaskAsksForExtension(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id := h.assign(h.group, h.lead, "/giao @an Số liệu tuần hạn hôm nay")
	h.tick(at(23, 17, 0))
	h.tick(at(24, 8, 0))
	if h.countTo(h.an.ID, "Việc #1 vẫn chưa xong") != 1 {
		t.Fatalf("no nudge:\n%s", h.dump())
	}
	h.clock.Set(at(24, 9, 0))
	h.say(h.private(h.an), h.an, "/giahan 1 thứ 6 chờ số liệu các phòng")
	req := h.request(h.lead, id)
	contains(t, req, "Hạn hiện tại: 17:00 Thứ Hai 23/11/2026 (quá hạn 1 ngày)", "Xin đến: 17:00 Thứ Sáu 27/11/2026")
	h.press(h.private(h.lead), h.lead, req.MessageID, buttonData(req)[0])
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "@lead đồng ý gia hạn việc #1")
	})
	before := len(h.srv.SentTo(h.an.ID))
	h.tick(at(25, 8, 0))
	h.tick(at(26, 8, 0))
	after := h.srv.SentTo(h.an.ID)[before:]
	if len(after) != 1 || !strings.Contains(after[0].Plain, "Nhắc việc #1") {
		var got []string
		for _, s := range after {
			got = append(got, s.Plain)
		}
		t.Fatalf("after approval an got %q, want the day-before reminder only (no nudge)", got)
	}
	if h.task(id).Overdue(at(26, 8, 0)) {
		t.Fatal("the task is still overdue after its extension")
	}
}

// When the assigner is gone (left the organisation), the nearest head
// above the task's unit — here none below the Sở, so its leader — is
// asked instead, and decides.
func TestExtensionGoesToTheHeadWhenTheAssignerLeft(t *testing.T) {
	o := newOrg(t)
	h := o.h
	contains(t, h.say(h.private(o.headA), o.headA, "/roi Phòng A"), "Bạn đã rời Phòng A")
	r := h.say(h.private(o.memberA1), o.memberA1, fmt.Sprintf("/giahan %d 29/11 chờ số liệu", o.taskA1))
	contains(t, r, "Đã gửi @leader yêu cầu gia hạn", "đến 17:00 Thứ Hai 30/11/2026 (29/11 là Chủ nhật)")
	req := h.request(o.leader, o.taskA1)
	contains(t, req, "Xin đến: 17:00 Thứ Hai 30/11/2026 (29/11 là Chủ nhật)")
	if n := h.countTo(o.headA.ID, fmt.Sprintf("xin gia hạn việc #%d:", o.taskA1)); n != 0 {
		t.Fatal("the assigner who left was asked")
	}
	// The assigner who left may not answer it.
	contains(t, h.say(h.private(o.headA), o.headA, fmt.Sprintf("/giahan %d dongy", o.taskA1)), "Chỉ @leader mới trả lời")
	a := h.press(h.private(o.leader), o.leader, req.MessageID, buttonData(req)[0])
	if !strings.Contains(a.Text, "Đã đồng ý gia hạn") {
		t.Fatalf("leader's ✅: %q", a.Text)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.memberA1.ID && strings.Contains(s.Plain, "@leader đồng ý gia hạn")
	})
	if e := h.extensions(o.taskA1)[0]; e.ReviewerID == 0 || e.State != nhacviec.ExtensionApproved {
		t.Fatalf("request %+v", e)
	}
	// A task one gave oneself is extended at once.
	r = h.say(h.private(o.memberA), o.memberA, fmt.Sprintf("/giahan %d 30/11 bận họp", o.personalA))
	contains(t, r, "Đã gia hạn việc", "việc bạn tự giao", "hạn mới 17:00 Thứ Hai 30/11/2026")
	if got := strings.Join(h.eventKinds(o.personalA), ","); got != "created,extension_asked,extension_approved" {
		t.Fatalf("history of a personal task = %s", got)
	}
}

// An assigner who blocked the bot cannot be asked: the request goes up,
// past them, to the nearest head or leader who can be reached.
func TestExtensionGoesUpWhenTheAssignerBlockedTheBot(t *testing.T) {
	o := newOrg(t)
	h := o.h
	h.srv.Block(o.headB.ID)
	// The forward of a note is refused: the bot learns headB is unreachable.
	h.say(h.private(o.memberB), o.memberB, fmt.Sprintf("/tiendo %d 30%% đang tổng hợp", o.taskB))
	h.settle()
	r := h.say(h.private(o.memberB), o.memberB, fmt.Sprintf("/giahan %d 30/11 chờ số liệu", o.taskB))
	contains(t, r, "Đã gửi @leader yêu cầu gia hạn")
	h.request(o.leader, o.taskB)
	if e := h.extensions(o.taskB)[0]; e.State != nhacviec.ExtensionPending {
		t.Fatalf("request %+v", e)
	}
}

// A progress reply to the assignment notice is recorded and forwarded to
// the assigner once; the assigner's reply to the forward reaches the
// assignee; /chitiet shows the latest percentage and the notes.
func TestProgressReplyForwardedOnce(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 27/11")
	n := h.notice(h.an, id)
	r := h.replyTo(h.private(h.an), h.an, "Đã làm được 50%, còn phần tổng hợp", n.MessageID)
	contains(t, r, "Đã ghi tiến độ việc #1: 50%. Đã chuyển cho @lead.")
	fwd := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "Tiến độ việc #1")
	})
	contains(t, fwd, "Báo cáo quý", "@an: Đã làm được 50%, còn phần tổng hợp")
	h.settle()
	if c := h.countTo(h.lead.ID, "Tiến độ việc #1"); c != 1 {
		t.Fatalf("the assigner got the note %d times, want once", c)
	}
	back := h.replyTo(h.private(h.lead), h.lead, "Nhớ gửi kèm số liệu gốc", fwd.MessageID)
	contains(t, back, "Đã ghi tiến độ việc #1. Đã chuyển cho @an.")
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "Tiến độ việc #1")
	}), "@lead: Nhớ gửi kèm số liệu gốc")
	// In the group: the assignee's reply to the confirmation too.
	var conf telegramtest.Sent
	for _, s := range h.srv.SentTo(h.group.ID) {
		if strings.Contains(s.Plain, "Đã giao việc #1") {
			conf = s
		}
	}
	h.replyTo(h.group, h.an, "gửi dự thảo lần 1 rồi ạ", conf.MessageID)
	h.settle() // its forward to the assigner too
	// Someone not involved replying in the group: not a note, not answered.
	h.silent(func() { h.srv.UserReplies(h.group, h.binh, "cố lên", conf.MessageID) })
	d := h.say(h.private(h.lead), h.lead, "/chitiet 1")
	contains(t, d, "Tiến độ: 50% (@an,", "@an báo tiến độ: Đã làm được 50%, còn phần tổng hợp",
		"@lead báo tiến độ: Nhớ gửi kèm số liệu gốc", "@an báo tiến độ: gửi dự thảo lần 1 rồi ạ")
	lacks(t, d, "cố lên", "ghi chú tiến độ trước đó")
	if got := strings.Join(h.eventKinds(id), ","); got != "created,progress,progress,progress" {
		t.Fatalf("history = %s", got)
	}
	// "Tôi chưa hiểu" stays for text that is neither: not a reply, or a
	// reply to a message about no task.
	list := h.say(h.private(h.an), h.an, "/viec")
	contains(t, h.replyTo(h.private(h.an), h.an, "cảm ơn", list.MessageID), "chưa hiểu")
	contains(t, h.say(h.private(h.an), h.an, "đã làm được 50%"), "chưa hiểu")
	// A reply about a task closed meanwhile.
	h.say(h.private(h.an), h.an, "/xong 1")
	contains(t, h.replyTo(h.private(h.an), h.an, "bổ sung phụ lục", n.MessageID), "Việc #1 đã xong rồi: không ghi tiến độ nữa")
}

// A reply to a message about several tasks: the one the person holds if
// only one; else a button per task, and the note goes to the one chosen.
func TestProgressReplyToAMergedMessage(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	h.say(h.group, h.lead, "/giao @an Báo cáo A hạn 17h 24/11")
	h.say(h.group, h.lead, "/giao @an Báo cáo B hạn 17h 24/11")
	h.say(h.group, h.lead, "/giao @binh Báo cáo C hạn 17h 24/11")
	h.tick(at(24, 8, 0))
	var merged telegramtest.Sent
	for _, s := range h.srv.SentTo(h.an.ID) {
		if strings.Contains(s.Plain, "2 việc sắp đến hạn") {
			merged = s
		}
	}
	if merged.MessageID == 0 {
		t.Fatalf("no merged reminder:\n%s", h.dump())
	}
	ask := h.replyTo(h.private(h.an), h.an, "xong 80%, chiều nộp", merged.MessageID)
	contains(t, ask, "Tin này nói về 2 việc. Ghi chú tiến độ này cho việc nào?")
	if got := buttonsOf(ask.Markup); got != "#1 #2" {
		t.Fatalf("buttons: %q", got)
	}
	if h.countTo(h.lead.ID, "Tiến độ việc") != 0 {
		t.Fatal("an ambiguous note was forwarded")
	}
	a := h.press(h.private(h.an), h.an, ask.MessageID, buttonData(ask)[1])
	if !strings.Contains(a.Text, "Đã ghi tiến độ việc #2: 80%") {
		t.Fatalf("answer: %q", a.Text)
	}
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "Tiến độ việc #2")
	}), "@an: xong 80%, chiều nộp")
	if a := h.press(h.private(h.an), h.an, ask.MessageID, buttonData(ask)[0]); !strings.Contains(a.Text, "không còn dùng được") {
		t.Fatalf("the choice pressed twice: %q", a.Text)
	}
	if got := strings.Join(h.eventKinds(1), ","); got != "created" {
		t.Fatalf("history of #1 = %s", got)
	}

	// In a group: overdue notices of people who cannot be written to
	// privately, merged into one message; each replies about their own.
	g := newH(t)
	g.hello(g.lead)
	g.say(g.group, g.lead, "/giao @an Báo cáo D hạn hôm nay")
	g.say(g.group, g.lead, "/giao @binh Báo cáo E hạn hôm nay")
	g.tick(at(23, 17, 0))
	var over telegramtest.Sent
	for _, s := range g.srv.SentTo(g.group.ID) {
		if strings.Contains(s.Plain, "#1") && strings.Contains(s.Plain, "#2") && strings.Contains(s.Plain, "quá hạn") {
			over = s
		}
	}
	if over.MessageID == 0 {
		t.Fatalf("no merged overdue notice in the group:\n%s", g.dump())
	}
	r := g.replyTo(g.group, g.binh, "đang làm, mai xong", over.MessageID)
	contains(t, r, "Đã ghi tiến độ việc #2.")
	if got := strings.Join(g.eventKinds(2), ","); got != "created,progress" {
		t.Fatalf("history of binh's task = %s", got)
	}
	if got := strings.Join(g.eventKinds(1), ","); got != "created" {
		t.Fatalf("history of an's task = %s", got)
	}
	contains(t, g.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == g.lead.ID && strings.Contains(s.Plain, "Tiến độ việc #2")
	}), "@binh: đang làm, mai xong")
	// The assigner holds both: asked which.
	contains(t, g.replyTo(g.group, g.lead, "cố gắng xong trong sáng mai", over.MessageID), "Tin này nói về 2 việc")
}

// /tiendo with and without a percentage, the id left out, the assigner's
// note, the latest percentage in /chitiet and only the last notes in
// full; bad input answered with an example.
func TestProgressCommand(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 27/11")
	an := h.private(h.an)
	contains(t, h.say(an, h.an, "/tiendo 1 60% đã xong phần khảo sát"), "Đã ghi tiến độ việc #1: 60%. Đã chuyển cho @lead.")
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "60% — đã xong phần khảo sát")
	}), "Tiến độ việc #1: Báo cáo quý", "@an:")
	contains(t, h.say(an, h.an, "/progress 1 đã gửi dự thảo xin ý kiến"), "Đã ghi tiến độ việc #1. Đã chuyển cho @lead.")
	contains(t, h.say(an, h.an, "/tiendo 70%"), "Đã ghi tiến độ việc #1: 70%.") // the one task an holds
	contains(t, h.say(h.group, h.lead, "/tiendo 1 nhớ gửi bản mềm"), "Đã ghi tiến độ việc #1. Đã chuyển cho @an.")
	for _, c := range []struct{ text, want string }{
		{"/tiendo", "Cách báo tiến độ"},
		{"/tiendo 1", "Thiếu nội dung tiến độ việc #1"},
		{"/tiendo 1 150% xong hết", "Tỷ lệ hoàn thành \"150%\" không hợp lệ"},
		{"/tiendo 1 -5% chưa làm", "Tỷ lệ hoàn thành \"-5%\" không hợp lệ"},
		{"/tiendo 1 12.5% một ít", "không hợp lệ"},
		{"/tiendo 1 " + strings.Repeat("chữ ", 300), "dài quá: tối đa 1000 ký tự"},
		{"/tiendo 999 50%", "Không tìm thấy việc #999"},
	} {
		t.Run(c.text[:min(len(c.text), 30)], func(t *testing.T) {
			defer h.as(t)()
			r := h.say(an, h.an, c.text)
			contains(t, r, c.want)
			if !strings.Contains(c.text, "999") {
				hasExample(t, r)
			}
		})
	}
	// binh is not involved: the answer of a task that does not exist.
	theirs := h.say(h.private(h.binh), h.binh, "/tiendo 1 50% x").Plain
	none := h.say(h.private(h.binh), h.binh, "/tiendo 999 50% x").Plain
	if strings.Replace(theirs, "#1", "#999", 1) != none {
		t.Fatalf("an outsider's note answered differently:\n%q\n%q", theirs, none)
	}
	contains(t, h.say(h.private(h.binh), h.binh, "/tiendo 50%"), "Mã việc") // binh holds no task
	h.say(an, h.an, "/tiendo 1 ghi chú năm")
	d := h.say(h.private(h.lead), h.lead, "/chitiet 1")
	contains(t, d, "Tiến độ: 70% (@an,", "• … 2 ghi chú tiến độ trước đó", "báo tiến độ: 70%", "nhớ gửi bản mềm", "ghi chú năm")
	lacks(t, d, "đã xong phần khảo sát", "dự thảo xin ý kiến")
	if got := strings.Count(strings.Join(h.eventKinds(id), ","), "progress"); got != 5 {
		t.Fatalf("%d progress events, want 5", got)
	}
	h.say(an, h.an, "/xong 1")
	contains(t, h.say(an, h.an, "/tiendo 1 bổ sung"), "Việc #1 đã xong rồi: không ghi tiến độ nữa")
}

// The commands are listed: the help of every role, the Telegram menu.
func TestExtendAndProgressInHelpAndMenu(t *testing.T) {
	h := newH(t)
	r := h.say(h.private(h.an), h.an, "/huongdan")
	contains(t, r, "/tiendo 12 60% đã xong phần khảo sát", "/giahan 12 25/12 chờ số liệu", "/giahan 12 dongy", "/giahan 12 khong LÝ_DO",
		"/progress", "/extend")
	h.say(h.private(h.an), h.an, "/start") // sets the menu of an's private chat
	h.settle()
	found := map[string]bool{}
	for _, set := range h.srv.Commands() {
		for _, c := range set.Commands {
			found[c.Command] = true
		}
	}
	if !found["giahan"] || !found["tiendo"] {
		t.Fatalf("menu commands: %v", found)
	}
}

// The console demo: a request, its approval typed by the reviewer, a
// progress note, and the task's detail.
func TestDemoExtensionAndProgress(t *testing.T) {
	script := strings.Join([]string{
		"lead> /giao @an Báo cáo quý hạn thứ 6 tuần sau",
		"an>> /giahan 1 thêm 3 ngày chờ số liệu của Sở Tài chính",
		"lead>> /giahan 1 dongy",
		"an>> /tiendo 1 60% đã có số liệu",
		"lead>> /chitiet 1",
		":thoat",
	}, "\n")
	var out strings.Builder
	m := &Main{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	if err := m.Run(context.Background(), []string{"demo"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"@an xin gia hạn việc #1: Báo cáo quý",
		"✅ Đồng ý] [", "❌ Không đồng ý]",
		"Đã đồng ý gia hạn việc #1",
		"@lead đồng ý gia hạn việc #1",
		"Tiến độ việc #1: Báo cáo quý",
		"(gia hạn từ ",
		"Tiến độ: 60% (@an,",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}
