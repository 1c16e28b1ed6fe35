package main

// End-to-end tests of a task's directive fields: the lines after /giao's
// first (expected result, source document, key task, urgent), the marks'
// buttons, the marks in lists and the digest, the key-task filters and
// the search (/tim), through the real client and the fake Bot API.

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

const everyField = `/giao @an Xây dựng kế hoạch CCHC năm 2027 hạn 18/12
kết quả: Kế hoạch trình Giám đốc ký
văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh
trọng tâm
khẩn`

// buttonData lists the data of a message's buttons, in order.
func buttonData(s telegramtest.Sent) []string {
	var out []string
	if s.Markup == nil {
		return nil
	}
	for _, row := range s.Markup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil {
				out = append(out, *b.CallbackData)
			}
		}
	}
	return out
}

func TestAssignWithEveryField(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	r, id := h.assign(h.group, h.lead, everyField)
	contains(t, r, fmt.Sprintf("Đã giao việc #%d cho @an", id),
		"⭐⚡ Xây dựng kế hoạch CCHC năm 2027\n",
		"Hạn: 17:00 Thứ Sáu 18/12/2026",
		"🎯 Kết quả: Kế hoạch trình Giám đốc ký",
		"📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh",
		"⭐ Việc trọng tâm", "⚡ Việc khẩn", "Tìm lại: /tim 1365/VP-NL")
	if got := strings.Join(buttonData(r), " "); got != fmt.Sprintf("done:%d key:%d:0 urgent:%d:0 rev:%d:1", id, id, id, id) {
		t.Fatalf("confirmation buttons = %s (%s)", got, buttonsOf(r.Markup))
	}
	if got := buttonsOf(r.Markup); got != "✅ Xong ✖ Bỏ trọng tâm ✖ Bỏ khẩn 🔍 Cần duyệt" {
		t.Fatalf("confirmation buttons read %q", got)
	}
	task := h.task(id)
	if task.Title != "Xây dựng kế hoạch CCHC năm 2027" || task.Result != "Kế hoạch trình Giám đốc ký" ||
		task.Source != "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh" || task.SourceNumber != "1365/VP-NL" ||
		!task.KeyTask || !task.Urgent {
		t.Fatalf("stored task = %+v", task)
	}
	// The assignee is told every field, with ✅ only.
	n := h.notice(h.an, id)
	contains(t, n, "⭐⚡ Xây dựng kế hoạch", "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL", "⭐ Việc trọng tâm", "⚡ Việc khẩn")
	lacks(t, n, "Tìm lại")
	if got := buttonData(n); len(got) != 1 || got[0] != fmt.Sprintf("done:%d", id) {
		t.Fatalf("assignee's buttons = %v", got)
	}
	// /chitiet shows them; the assignee gets ✅ alone, the assigner the
	// marks' buttons too.
	d := h.say(h.private(h.an), h.an, fmt.Sprintf("/chitiet %d", id))
	contains(t, d, "⭐⚡ Xây dựng kế hoạch", "🎯 Kết quả: Kế hoạch trình Giám đốc ký",
		"📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", "⭐ Việc trọng tâm", "⚡ Việc khẩn", "Lịch sử")
	if got := buttonData(d); len(got) != 1 {
		t.Fatalf("the assignee's /chitiet offers %v", got)
	}
	if got := buttonData(h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id))); len(got) != 4 {
		t.Fatalf("the assigner's /chitiet offers %v", got)
	}

	// Without diacritics, in another order and case, the deadline on a
	// line of its own, in private.
	r, id = h.assign(h.private(h.lead), h.lead, "/giao @an Bao cao quy IV\nKHAN\nVan Ban: Cong van 12/SNV-CCHC\nhan: 17h 25/11\nKet qua: Bao cao gui So Noi vu")
	contains(t, r, "⚡ Bao cao quy IV\n", "Hạn: 17:00 Thứ Tư 25/11/2026", "🎯 Kết quả: Bao cao gui So Noi vu",
		"📄 Văn bản: Cong van 12/SNV-CCHC", "⚡ Việc khẩn", "Tìm lại: /tim 12/SNV-CCHC")
	lacks(t, r, "⭐")
	if task := h.task(id); task.KeyTask || !task.Urgent || task.SourceNumber != "12/SNV-CCHC" || task.Title != "Bao cao quy IV" {
		t.Fatalf("stored = %+v", task)
	}
	if got := buttonsOf(r.Markup); got != "✅ Xong ⭐ Trọng tâm ✖ Bỏ khẩn 🔍 Cần duyệt" {
		t.Fatalf("buttons read %q", got)
	}

	// The person alone on the first line, the task on the next.
	r, id = h.assign(h.group, h.lead, "/giao @an\nTổng hợp số liệu hạn mai\nkhẩn")
	contains(t, r, "⚡ Tổng hợp số liệu\n", "Hạn: 17:00 Thứ Ba 24/11/2026")
	if task := h.task(id); task.Title != "Tổng hợp số liệu" || !task.Urgent {
		t.Fatalf("stored = %+v", task)
	}

	// A source without a number is kept as typed; nothing to search by.
	r, id = h.assign(h.group, h.lead, "/giao @an Rà soát thủ tục hạn mai\nnguồn: Chỉ thị của Chủ tịch UBND tỉnh")
	contains(t, r, "📄 Văn bản: Chỉ thị của Chủ tịch UBND tỉnh")
	lacks(t, r, "Tìm lại", "⭐", "⚡")
	if task := h.task(id); task.SourceNumber != "" || task.Source != "Chỉ thị của Chủ tịch UBND tỉnh" {
		t.Fatalf("stored = %+v", task)
	}

	// One-line /giao is as it was: no field lines, the marks offered.
	r, id = h.assign(h.group, h.lead, "/giao @an Một dòng hạn mai")
	if want := fmt.Sprintf("📌 Đã giao việc #%d cho @an\nMột dòng\nHạn: 17:00 Thứ Ba 24/11/2026", id); r.Plain != want {
		t.Fatalf("one-line confirmation = %q, want %q", r.Plain, want)
	}
	if got := buttonsOf(r.Markup); got != "✅ Xong ⭐ Trọng tâm ⚡ Khẩn 🔍 Cần duyệt" {
		t.Fatalf("buttons read %q", got)
	}

	// An ambiguous deadline asks first; the fields wait with the draft.
	ask := h.say(h.group, h.lead, "/giao @an Đề án chuyển đổi số hạn 20\nkết quả: Đề án\ntrọng tâm")
	contains(t, ask, "có thể hiểu theo nhiều cách")
	data := buttonData(ask)
	if len(data) == 0 {
		t.Fatalf("no choices: %q", ask.Plain)
	}
	h.press(h.group, h.lead, ask.MessageID, data[0])
	made := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.Contains(s.Plain, "Đề án chuyển đổi số") && strings.Contains(s.Plain, "Đã giao")
	})
	contains(t, made, "⭐ Đề án chuyển đổi số", "🎯 Kết quả: Đề án", "⭐ Việc trọng tâm")
	m := assignedRE.FindStringSubmatch(made.Plain)
	if m == nil {
		t.Fatalf("no id in %q", made.Plain)
	}
	id, _ = strconv.ParseInt(m[1], 10, 64)
	if task := h.task(id); task.Result != "Đề án" || !task.KeyTask {
		t.Fatalf("task made from the draft = %+v", task)
	}
}

func TestAssignFieldErrors(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	long := strings.Repeat("ạ", 320)
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"unknown line", "/giao @an Báo cáo hạn mai\nghi chú: gửi qua email",
			[]string{`Tôi chưa hiểu dòng "ghi chú: gửi qua email"`, "kết quả:", "văn bản:", "trọng tâm", "khẩn", "Ví dụ:"}},
		{"a title on two lines", "/giao @an Báo cáo\nquý IV hạn mai", []string{`dòng "quý IV hạn mai"`, "hạn: 20/12"}},
		{"phối hợp, an unknown unit", "/giao @an Kế hoạch CCHC hạn 20/12\nphối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính",
			[]string{`Tôi chưa biết người hay đơn vị "Phòng Kế hoạch - Tài chính"`, "phối hợp: @binh hạn 15/12"}},
		{"người duyệt", "/giao @an Kế hoạch CCHC hạn 20/12\nngười duyệt: @binh", []string{`Dòng "người duyệt: @binh"`, "người duyệt là người giao việc", "Ví dụ:"}},
		{"result too long", "/giao @an Báo cáo hạn mai\nkết quả: " + long, []string{"Kết quả dài quá: tối đa 300 ký tự (bạn gõ 320)", "Ví dụ: kết quả: Kế hoạch trình Giám đốc ký"}},
		{"source too long", "/giao @an Báo cáo hạn mai\nvăn bản: " + long, []string{"Văn bản dài quá: tối đa 300 ký tự (bạn gõ 320)", "Ví dụ: văn bản: 1365/VP-NL"}},
		{"empty result", "/giao @an Báo cáo hạn mai\nkết quả:", []string{`Dòng "kết quả:" còn trống`, "Ví dụ: kết quả:"}},
		{"said twice", "/giao @an Báo cáo hạn mai\nkết quả: A\nkết quả: B", []string{"lần thứ hai", "Ví dụ:"}},
		{"deadline twice", "/giao @an Báo cáo hạn mai\nhạn: 20/12", []string{"Thời hạn ghi hai lần", "Ví dụ: /giao @an"}},
		{"no deadline anywhere", "/giao @an Báo cáo\nkết quả: A", []string{"Thiếu thời hạn", "Ví dụ"}},
		{"bad deadline line", "/giao @an Báo cáo\nhạn: hôm qua", []string{`"hôm qua" đã qua`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer h.as(t)()
			before := h.count()
			r := h.say(h.group, h.lead, c.text)
			contains(t, r, c.want...)
			lacks(t, r, "Đã giao")
			hasExample(t, r)
			if h.count() != before {
				t.Fatal("a task was created")
			}
		})
	}
	// "hạn" inside the title is no deadline when a "hạn:" line gives it.
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo hạn chế rủi ro\nhạn: mai")
	if got := h.task(id).Title; got != "Báo cáo hạn chế rủi ro" {
		t.Fatalf("title = %q", got)
	}
	h.notice(h.an, id)
	h.settle()
	if got := h.sentTo(h.an.ID); strings.Count(got, "giao cho bạn") != 1 {
		t.Fatalf("an was told of refused assignments:\n%s", got)
	}
}

// The marks' buttons: who may change the task sets and takes off the
// marks; a keyboard older than the task, a press by someone else, forged
// data and a closed task change nothing and get a clear answer.
func TestMarkButtons(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	c, id := h.assign(h.group, h.lead, "/giao @an Việc bí mật của An hạn mai")
	key := fmt.Sprintf("key:%d:1", id)

	// The assignee may not mark it; binh is told whose it is.
	a := h.press(h.group, h.an, c.MessageID, key)
	if !strings.Contains(a.Text, "Chỉ người giao việc") || h.task(id).KeyTask {
		t.Fatalf("the assignee's press: %q, key %v", a.Text, h.task(id).KeyTask)
	}
	for _, data := range []string{key, fmt.Sprintf("urgent:%d:1", id)} {
		a1 := h.press(h.group, h.binh, c.MessageID, data)
		a2 := h.press(h.group, h.binh, c.MessageID, strings.Replace(data, fmt.Sprint(id), "999", 1))
		if !strings.Contains(a1.Text, fmt.Sprintf("Việc #%d là việc của An, do Lãnh giao.", id)) || !strings.Contains(a2.Text, "Không tìm thấy việc #999") {
			t.Fatalf("binh's press: %q, for a missing task: %q", a1.Text, a2.Text)
		}
	}
	for _, s := range h.srv.Sent() {
		if s.Method == "editMessageReplyMarkup" {
			t.Fatal("a refused press changed a keyboard")
		}
	}

	// A second keyboard for the same task, to be left behind.
	old := h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id))
	if got := buttonsOf(old.Markup); got != "✅ Xong ⭐ Trọng tâm ⚡ Khẩn 🔍 Cần duyệt" {
		t.Fatalf("/chitiet keyboard: %q", got)
	}

	// The assigner marks it: stored, in the history, the keyboard shows
	// the way back, the assignee is told.
	a = h.press(h.group, h.lead, c.MessageID, key)
	if a.Text != fmt.Sprintf("Việc #%d: đã đánh dấu ⭐ trọng tâm.", id) || !h.task(id).KeyTask {
		t.Fatalf("answer %q, key %v", a.Text, h.task(id).KeyTask)
	}
	edit := h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.ChatID == h.group.ID && s.MessageID == c.MessageID
	})
	if got := buttonsOf(edit.Markup); got != "✅ Xong ✖ Bỏ trọng tâm ⚡ Khẩn 🔍 Cần duyệt" {
		t.Fatalf("keyboard after marking: %q", got)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, fmt.Sprintf("@lead đánh dấu việc #%d là ⭐ trọng tâm", id)) &&
			strings.Contains(s.Plain, "⭐ Việc bí mật của An")
	})
	// The older keyboard pressed: already so, nothing changes but that
	// keyboard, which now shows the task as it is.
	events := len(h.events(id))
	a = h.press(h.private(h.lead), h.lead, old.MessageID, key)
	if !strings.Contains(a.Text, "đã có dấu ⭐ trọng tâm rồi") || len(h.events(id)) != events || !h.task(id).KeyTask {
		t.Fatalf("stale press: %q, %d events (was %d)", a.Text, len(h.events(id)), events)
	}
	edit = h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.ChatID == h.lead.ID && s.MessageID == old.MessageID
	})
	if got := buttonsOf(edit.Markup); got != "✅ Xong ✖ Bỏ trọng tâm ⚡ Khẩn 🔍 Cần duyệt" {
		t.Fatalf("the older keyboard after a stale press: %q", got)
	}
	if n := strings.Count(h.sentTo(h.an.ID), "đánh dấu việc"); n != 1 {
		t.Fatalf("an was told %d times", n)
	}
	// Urgent on, key off.
	h.press(h.group, h.lead, c.MessageID, fmt.Sprintf("urgent:%d:1", id))
	a = h.press(h.group, h.lead, c.MessageID, fmt.Sprintf("key:%d:0", id))
	if task := h.task(id); task.KeyTask || !task.Urgent || a.Text != fmt.Sprintf("Việc #%d: đã bỏ dấu ⭐ trọng tâm.", id) {
		t.Fatalf("after urgent on, key off: %+v, %q", task, a.Text)
	}
	d := h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id))
	contains(t, d, "⚡ Việc bí mật của An", "⚡ Việc khẩn",
		"@lead đánh dấu: ⭐ trọng tâm", "@lead đánh dấu: ⚡ khẩn", "@lead bỏ dấu: ⭐ trọng tâm")
	lacks(t, d, "⭐ Việc trọng tâm")

	// Forged data.
	for _, data := range []string{fmt.Sprintf("key:%d:2", id), fmt.Sprintf("key:%d", id), "key:abc:1", "urgent::1", "key:-1:1", "key:999:1"} {
		a := h.press(h.group, h.lead, c.MessageID, data)
		if a.Text == "" || strings.Contains(a.Text, "đã đánh dấu") || strings.Contains(a.Text, "đã bỏ dấu") {
			t.Fatalf("forged %q: %q", data, a.Text)
		}
	}
	if task := h.task(id); task.KeyTask || !task.Urgent {
		t.Fatalf("forged presses changed the task: %+v", task)
	}

	// Closed: the marks stay as they were.
	h.say(h.group, h.an, fmt.Sprintf("/xong %d", id))
	a = h.press(h.group, h.lead, c.MessageID, key)
	if !strings.Contains(a.Text, fmt.Sprintf("Việc #%d đã xong rồi", id)) || h.task(id).KeyTask {
		t.Fatalf("press on a closed task: %q", a.Text)
	}
	if got := h.sentTo(h.binh.ID); strings.Contains(got, "Việc bí mật") {
		t.Fatalf("binh saw the title:\n%s", got)
	}
}

// events reads a task's history.
func (h *harness) events(id int64) []*nhacviec.TaskEvent {
	h.t.Helper()
	var out []*nhacviec.TaskEvent
	err := h.db.View(h.t.Context(), func(tx nhacviec.Tx) error {
		var err error
		out, err = tx.Events(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// Who may mark a task, across the organisation: its assigner, the heads
// above its unit, leaders and admins; not its assignee, not a monitor
// (who reads it), not another unit (who does not).
func TestMarkButtonsByRole(t *testing.T) {
	o := newOrg(t)
	h := o.h
	for _, c := range []struct {
		who     tgbotapi.User
		allowed bool
		answer  string
	}{
		{o.memberA1, false, "Chỉ người giao việc"},
		{o.monitor, false, "Chỉ người giao việc"},
		{o.headB, false, fmt.Sprintf("Không tìm thấy việc #%d", o.taskA1)},
		{o.memberB, false, fmt.Sprintf("Không tìm thấy việc #%d", o.taskA1)},
		{o.headA, true, "đã đánh dấu ⚡ khẩn"},
		{o.leader, true, "đã đánh dấu ⚡ khẩn"},
		{o.admin, true, "đã đánh dấu ⚡ khẩn"},
	} {
		t.Run(c.who.UserName, func(t *testing.T) {
			defer h.as(t)()
			dm := h.srv.PrivateChat(c.who)
			a := h.press(dm, c.who, lastBotMessage(h, dm), fmt.Sprintf("urgent:%d:1", o.taskA1))
			if !strings.Contains(a.Text, c.answer) || h.task(o.taskA1).Urgent != c.allowed {
				t.Fatalf("answer %q, urgent %v", a.Text, h.task(o.taskA1).Urgent)
			}
			if strings.Contains(a.Text, "Việc tổ A1") {
				t.Fatalf("the answer names the task: %q", a.Text)
			}
			if c.allowed {
				h.press(dm, c.who, lastBotMessage(h, dm), fmt.Sprintf("urgent:%d:0", o.taskA1))
				if h.task(o.taskA1).Urgent {
					t.Fatal("not taken off")
				}
			}
		})
	}
}

// Marks in every list, key and urgent tasks first in each section of the
// digest, and the key-task filters.
func TestMarksInListsAndFilters(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, plain := h.assign(h.group, h.lead, "/giao @an Việc thường hạn 17h 24/11")
	_, key := h.assign(h.group, h.lead, "/giao @an Việc trọng tâm hạn 17h 25/11\ntrọng tâm")
	_, urgent := h.assign(h.group, h.lead, "/giao @binh Việc khẩn hạn 17h 25/11\nkhẩn")
	_, both := h.assign(h.group, h.lead, "/giao @an Việc cả hai hạn 17h 26/11\ntrong tam\nkhan")
	line := func(id int64, marks, title string) string { return fmt.Sprintf("#%d %s%s — ", id, marks, title) }

	r := h.say(h.private(h.an), h.an, "/viec")
	contains(t, r, line(plain, "", "Việc thường"), line(key, "⭐ ", "Việc trọng tâm"), line(both, "⭐⚡ ", "Việc cả hai"))
	for _, cmd := range []string{"/viec trongtam", "/viec trọng tâm", "/tasks TRONG TAM"} {
		r = h.say(h.private(h.an), h.an, cmd)
		contains(t, r, "Việc trọng tâm của bạn (2)", line(key, "⭐ ", "Việc trọng tâm"), line(both, "⭐⚡ ", "Việc cả hai"))
		lacks(t, r, "Việc thường", "Việc khẩn")
	}
	contains(t, h.say(h.private(h.binh), h.binh, "/viec trongtam"), "Bạn không có việc trọng tâm nào đang mở")

	r = h.say(h.group, h.lead, "/sapden")
	contains(t, r, line(plain, "", "Việc thường"), line(key, "⭐ ", "Việc trọng tâm"), line(urgent, "⚡ ", "Việc khẩn"), line(both, "⭐⚡ ", "Việc cả hai"))
	r = h.say(h.group, h.lead, "/sapden trongtam")
	contains(t, r, "Việc trọng tâm đến hạn trong 7 ngày (2)")
	lacks(t, r, "Việc thường", "Việc khẩn")

	h.clock.Set(time.Date(2026, 11, 27, 9, 0, 0, 0, hcm))
	r = h.say(h.group, h.lead, "/quahan")
	contains(t, r, "Việc quá hạn (4)", line(urgent, "⚡ ", "Việc khẩn"), line(both, "⭐⚡ ", "Việc cả hai"))
	for _, cmd := range []string{"/quahan trongtam", "/overdue trọng tâm"} {
		for _, chat := range []tgbotapi.Chat{h.group, h.private(h.lead)} {
			r = h.say(chat, h.lead, cmd)
			contains(t, r, "Việc trọng tâm quá hạn (2)", line(key, "⭐ ", "Việc trọng tâm"), line(both, "⭐⚡ ", "Việc cả hai"))
			lacks(t, r, "Việc thường", "Việc khẩn")
		}
	}
	contains(t, h.say(h.private(h.binh), h.binh, "/quahan trongtam"), "Không có việc trọng tâm nào quá hạn")
	r = h.say(h.group, h.lead, "/quahan xyz")
	contains(t, r, `Tôi chưa hiểu "xyz"`, "/quahan trongtam", "/tim xyz")
	hasExample(t, r)

	// The digest: in the overdue section the marked tasks come first,
	// each in deadline order.
	h.tick(time.Date(2026, 11, 27, 7, 30, 0, 0, hcm))
	dig := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.Contains(s.Plain, "Điểm việc sáng")
	})
	order := []string{line(key, "⭐ ", "Việc trọng tâm"), line(urgent, "⚡ ", "Việc khẩn"), line(both, "⭐⚡ ", "Việc cả hai"), line(plain, "", "Việc thường")}
	at := -1
	for _, want := range order {
		i := strings.Index(dig.Plain, want)
		if i <= at {
			t.Fatalf("digest order: %q not after the one before:\n%s", want, dig.Plain)
		}
		at = i
	}
}

// /tim finds by document number and by words of the title, with or
// without diacritics, open or closed, within what the person may list;
// /viec 1365/VP-NL finds among the person's own.
func TestSearch(t *testing.T) {
	o := newOrg(t)
	h := o.h
	headA, headB, memberB := h.srv.PrivateChat(o.headA), h.srv.PrivateChat(o.headB), h.srv.PrivateChat(o.memberB)
	_, a1 := h.assign(headA, o.headA, "/giao @membera1 Xây dựng kế hoạch CCHC năm 2027 hạn 18/12\nvăn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh\ntrọng tâm")
	_, a2 := h.assign(headA, o.headA, "/giao @membera Báo cáo kết quả thực hiện hạn 18/12\nvăn bản: 1365/VP-NL")
	_, b1 := h.assign(headB, o.headB, "/giao @memberb Kế hoạch của phòng B hạn 18/12\nvăn bản: 1365/VP-NL")
	h.say(h.srv.PrivateChat(o.memberA), o.memberA, fmt.Sprintf("/xong %d", a2))

	for _, q := range []string{"/tim 1365/VP-NL", "/search 1365/vp-nl", "/tim 1365"} {
		r := h.say(headA, o.headA, q)
		contains(t, r, "(2)", "⭐ Xây dựng kế hoạch CCHC năm 2027", "Báo cáo kết quả thực hiện", "(xong)")
		lacks(t, r, "phòng B")
	}
	r := h.say(headA, o.headA, "/tim ke hoach cchc")
	contains(t, r, `Việc có "ke hoach cchc" (1)`, fmt.Sprintf("#%d ⭐ Xây dựng kế hoạch CCHC", a1))
	contains(t, h.say(headA, o.headA, "/tim KẾ HOẠCH"), "(1)")
	contains(t, h.say(headA, o.headA, "/tim trongtam 1365"), "(1)", "Xây dựng kế hoạch")
	contains(t, h.say(headA, o.headA, "/tim trongtam"), "Việc trọng tâm (1)")
	// A leader finds everything, by unit.
	r = h.say(h.srv.PrivateChat(o.leader), o.leader, "/tim 1365/VP-NL")
	contains(t, r, "(3)", "Phòng A", "Phòng B", "Kế hoạch của phòng B")
	// Another unit's member finds only their own, even by exact number.
	r = h.say(memberB, o.memberB, "/tim 1365/VP-NL")
	contains(t, r, "(1)", fmt.Sprintf("#%d Kế hoạch của phòng B", b1))
	lacks(t, r, "Xây dựng kế hoạch", "Báo cáo kết quả", "@membera")
	r = h.say(memberB, o.memberB, "/tim CCHC")
	contains(t, r, `Không thấy việc nào có "CCHC"`)
	hasExample(t, r)
	// A bound group finds its unit's tasks, not another unit's.
	h.say(o.groupB, o.headB, "/ganhom Phòng B")
	r = h.say(o.groupB, o.memberB, "/tim 1365/VP-NL")
	contains(t, r, "(1)", "Kế hoạch của phòng B")
	lacks(t, r, "Xây dựng kế hoạch")
	// /viec with a number: the caller's own open tasks of that document.
	r = h.say(h.srv.PrivateChat(o.memberA1), o.memberA1, "/viec 1365/VP-NL")
	contains(t, r, `Việc của bạn có "1365/VP-NL" (1)`, "⭐ Xây dựng kế hoạch CCHC")
	r = h.say(h.srv.PrivateChat(o.memberA), o.memberA, "/viec 1365/VP-NL") // closed
	contains(t, r, `Bạn không có việc nào đang mở có "1365/VP-NL"`, "/tim 1365/VP-NL")
	// Bad input.
	for _, c := range []struct{ text, want string }{
		{"/tim", "Bạn tìm gì?"},
		{"/tim " + strings.Repeat("x", 101), "Từ khóa dài quá: tối đa 100 ký tự (bạn gõ 101)"},
		{"/viec " + strings.Repeat("x", 101), "Từ khóa dài quá"},
	} {
		r := h.say(headA, o.headA, c.text)
		contains(t, r, c.want)
		hasExample(t, r)
	}
	// Special characters are themselves, not wildcards.
	contains(t, h.say(headA, o.headA, "/tim %"), `Không thấy việc nào có "%"`)
	contains(t, h.say(headA, o.headA, "/tim _"), `Không thấy việc nào có "_"`)
}

// At most maxListed results, with how many more.
func TestSearchListsFortyAndCountsTheRest(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, first := h.assign(h.group, h.lead, "/giao @an Việc 00 hạn 18/12\nvăn bản: 77/UBND-KT")
	task := h.task(first)
	err := h.db.Update(t.Context(), func(tx nhacviec.Tx) error {
		for i := 1; i < 45; i++ {
			next := *task
			next.ID, next.Title = 0, fmt.Sprintf("Việc %02d", i)
			next.Deadline = task.Deadline.Add(time.Duration(i) * time.Minute)
			if err := tx.CreateTask(&next); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := h.say(h.group, h.lead, "/tim 77/UBND-KT")
	contains(t, r, `Việc có "77/UBND-KT" (45)`, "Việc 00", "Việc 39", "… và 5 việc khác.")
	lacks(t, r, "Việc 40")
	if n := strings.Count(r.Plain, "• #"); n != 40 {
		t.Fatalf("%d tasks listed, want 40", n)
	}
}

// /tim is in everyone's help, with its Latin alias, and in the command
// menu of a member's private chat.
func TestSearchInHelpAndMenu(t *testing.T) {
	h := newH(t)
	h.hello(h.an)
	contains(t, h.say(h.private(h.an), h.an, "/huongdan"), "/tim 1365/VP-NL", "/search", "/viec trongtam", "/quahan trongtam",
		"kết quả: Kế hoạch trình Giám đốc ký", "văn bản: 1365/VP-NL", "trọng tâm", "khẩn")
	found := false
	for _, c := range h.srv.Commands() {
		if strings.Contains(string(c.Scope), fmt.Sprint(h.an.ID)) {
			for _, cmd := range c.Commands {
				found = found || (cmd.Command == "tim" && strings.Contains(cmd.Description, "số văn bản"))
			}
		}
	}
	if !found {
		t.Errorf("/tim is not in a member's menu: %+v", h.srv.Commands())
	}
}
