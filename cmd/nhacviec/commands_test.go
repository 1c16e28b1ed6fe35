package main

// End-to-end tests of every command and its error paths, through the real
// client library and the fake Bot API server (see harness_test.go).

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// ---- helpers ----

// newH is newHarness plus a check, at the end of the test, that the Bot
// API never answered 400: a message the bot wrote that Telegram refuses
// (bad HTML, too long) is a message nobody reads.
func newH(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	t.Cleanup(func() {
		if n := h.srv.Stats().Errors[400]; n > 0 {
			t.Errorf("the Bot API answered 400 Bad Request %d times\nsent:\n%s", n, h.dump())
		}
	})
	return h
}

// as makes h report failures on t (a subtest's) until the returned
// function is called: defer h.as(t)().
func (h *harness) as(t *testing.T) func() {
	parent := h.t
	h.t = t
	return func() { h.t = parent }
}

func (h *harness) private(u tgbotapi.User) tgbotapi.Chat { return h.srv.PrivateChat(u) }

// replyTo is reply once the bot is done sending: a person answers a bot
// message only after it arrived and was recorded as being about its task.
func (h *harness) replyTo(chat tgbotapi.Chat, from tgbotapi.User, text string, messageID int) telegramtest.Sent {
	h.t.Helper()
	h.settle()
	return h.reply(chat, from, text, messageID)
}

// contains fails unless s shows every one of subs.
func contains(t *testing.T, s telegramtest.Sent, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s.Plain, sub) {
			t.Fatalf("message %q\nlacks %q", s.Plain, sub)
		}
	}
}

// lacks fails if s shows any of subs.
func lacks(t *testing.T, s telegramtest.Sent, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s.Plain, sub) {
			t.Fatalf("message %q\nmust not contain %q", s.Plain, sub)
		}
	}
}

// hasExample fails unless an error reply shows an example of what to type.
func hasExample(t *testing.T, s telegramtest.Sent) {
	t.Helper()
	if !strings.Contains(strings.ToLower(s.Plain), "ví dụ") {
		t.Fatalf("error reply without an example: %q", s.Plain)
	}
}

// silent runs fn and fails if the bot sent anything because of it.
func (h *harness) silent(fn func()) {
	h.t.Helper()
	before := len(h.srv.Sent())
	fn()
	h.settle()
	if after := h.srv.Sent(); len(after) != before {
		var b strings.Builder
		for _, s := range after[before:] {
			b.WriteString("  → " + formatChat(s.ChatID) + ": " + s.Plain + "\n")
		}
		h.t.Fatalf("the bot should have stayed silent, it sent:\n%s", b.String())
	}
}

var assignedRE = regexp.MustCompile(`Đã giao việc #(\d+) cho`)

// assign gives a /giao command that must succeed and returns the
// confirmation and the new task's id.
func (h *harness) assign(chat tgbotapi.Chat, from tgbotapi.User, text string) (telegramtest.Sent, int64) {
	h.t.Helper()
	r := h.say(chat, from, text)
	m := assignedRE.FindStringSubmatch(r.Plain)
	if m == nil {
		h.t.Fatalf("%s: not assigned: %q", text, r.Plain)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return r, id
}

// notice waits for the private message telling u about task id.
func (h *harness) notice(u tgbotapi.User, id int64) telegramtest.Sent {
	h.t.Helper()
	want := fmt.Sprintf("giao cho bạn việc #%d\n", id)
	return h.wait(func(s telegramtest.Sent) bool { return s.ChatID == u.ID && strings.Contains(s.Plain, want) })
}

// press presses an inline button and waits until the press was answered.
func (h *harness) press(chat tgbotapi.Chat, from tgbotapi.User, messageID int, data string) telegramtest.CallbackAnswer {
	h.t.Helper()
	_, cb := h.srv.PressButton(chat, from, messageID, data)
	h.settle()
	for _, a := range h.srv.CallbackAnswers() {
		if a.ID == cb {
			return a
		}
	}
	h.t.Fatalf("button %q was never answered (unanswered: %v)\n%s", data, h.srv.Unanswered(), h.dump())
	return telegramtest.CallbackAnswer{}
}

// sentTo returns everything the bot showed in a chat, one string.
func (h *harness) sentTo(chatID int64) string {
	var b strings.Builder
	for _, s := range h.srv.SentTo(chatID) {
		b.WriteString(s.Plain + "\n")
	}
	return b.String()
}

func doneData(s telegramtest.Sent) string {
	if s.Markup == nil || len(s.Markup.InlineKeyboard) == 0 || len(s.Markup.InlineKeyboard[0]) == 0 || s.Markup.InlineKeyboard[0][0].CallbackData == nil {
		return ""
	}
	return *s.Markup.InlineKeyboard[0][0].CallbackData
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// ---- /start, /huongdan, /help ----

func TestStartAndHelp(t *testing.T) {
	h := newH(t)
	r := h.say(h.private(h.an), h.an, "/start")
	contains(t, r, "Chào An!", "trợ lý nhắc việc", "Hướng dẫn", "/giao @người nội dung hạn THỜI_HẠN", "/xong 12")
	if r.ParseMode != "HTML" {
		t.Fatalf("parse mode = %q", r.ParseMode)
	}
	r = h.say(h.group, h.lead, "/start")
	contains(t, r, "Chào cả nhóm!", "/giao @người nội dung hạn 20/12", "/start")
	lacks(t, r, "Chào Lãnh")
	for _, cmd := range []string{"/huongdan", "/help", "/HELP", "/huongdan@nhacviec_bot"} {
		for _, chat := range []tgbotapi.Chat{h.group, h.private(h.binh)} {
			r := h.say(chat, h.binh, cmd)
			contains(t, r, "Hướng dẫn", "/viec", "/quahan", "/sapden", "/chitiet 12", "/huy 12", "/assign")
		}
	}
	// /start in private records that the person can be reached there.
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo hạn mai")
	contains(t, h.notice(h.an, id), "@lead giao cho bạn việc #1")
}

// ---- /giao ----

func TestAssignDeadlineForms(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	cases := []struct{ phrase, want string }{
		{"18/12", "Hạn: 17:00 Thứ Sáu 18/12/2026"},
		{"18/12/2026", "Hạn: 17:00 Thứ Sáu 18/12/2026"},
		{"16:30 18/12/2026", "Hạn: 16:30 Thứ Sáu 18/12/2026"},
		{"17h 25/11", "Hạn: 17:00 Thứ Tư 25/11/2026"},
		{"9h 26/11", "Hạn: 09:00 Thứ Năm 26/11/2026"},
		{"hôm nay", "Hạn: 17:00 Thứ Hai 23/11/2026"},
		{"hom nay", "Hạn: 17:00 Thứ Hai 23/11/2026"},
		{"mai", "Hạn: 17:00 Thứ Ba 24/11/2026"},
		{"20/12", "Hạn: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)"}, // a Sunday moves to the next working day, and it is said why
	}
	for i, c := range cases {
		t.Run(c.phrase, func(t *testing.T) {
			defer h.as(t)()
			r, id := h.assign(h.group, h.lead, "/giao @an Việc số "+strconv.Itoa(i)+" hạn "+c.phrase)
			contains(t, r, c.want, fmt.Sprintf("Việc số %d\n", i))
			if got := h.task(id).Title; got != "Việc số "+strconv.Itoa(i) {
				t.Fatalf("stored title = %q", got)
			}
		})
	}
	// The word "hạn" without diacritics, in capitals, with a colon; the
	// last "hạn" is the one that counts.
	for _, text := range []string{
		"/giao @an Gia hạn hợp đồng han mai",
		"/giao @an Gia hạn hợp đồng HẠN mai",
		"/giao @an Gia hạn hợp đồng hạn: mai",
		"/giao @An Gia hạn hợp đồng Han Mai",
	} {
		r, id := h.assign(h.group, h.lead, text)
		contains(t, r, "cho @an\nGia hạn hợp đồng\nHạn: 17:00 Thứ Ba 24/11/2026")
		if got := h.task(id); got.Title != "Gia hạn hợp đồng" || !got.Deadline.Equal(time.Date(2026, 11, 24, 17, 0, 0, 0, hcm)) {
			t.Fatalf("%s: stored %q %v", text, got.Title, got.Deadline)
		}
	}
}

func TestAssignInGroupAndInPrivate(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)

	// In a group, through the alias and addressed to this bot.
	for _, cmd := range []string{"/giao", "/assign", "/giao@nhacviec_bot", "/GIAO@NhacViec_Bot"} {
		r, id := h.assign(h.group, h.lead, cmd+" @an Báo cáo "+cmd+" hạn mai")
		contains(t, r, fmt.Sprintf("📌 Đã giao việc #%d cho @an", id), "Báo cáo "+cmd, "Hạn: 17:00 Thứ Ba 24/11/2026")
		if doneData(r) != fmt.Sprintf("done:%d", id) {
			t.Fatalf("confirmation has no ✅ button: %+v", r.Markup)
		}
		p := h.notice(h.an, id)
		contains(t, p, "@lead giao cho bạn việc #", "Báo cáo "+cmd, "Hạn: 17:00 Thứ Ba 24/11/2026", "bấm ✅")
		if doneData(p) != fmt.Sprintf("done:%d", id) {
			t.Fatalf("private notice has no ✅ button: %+v", p.Markup)
		}
		task := h.task(id)
		if task.Status != nhacviec.StatusOpen || task.Title != "Báo cáo "+cmd {
			t.Fatalf("stored %+v", task)
		}
	}
	// A command meant for another bot is not ours.
	n := h.count()
	h.silent(func() { h.srv.UserSays(h.group, h.lead, "/giao@otherbot @an Báo cáo hạn mai") })
	if h.count() != n {
		t.Fatal("/giao@otherbot created a task")
	}

	// In private: the assigner's private chat gets the confirmation, the
	// assignee a private notice.
	r, id := h.assign(h.private(h.lead), h.lead, "/giao @an Hồ sơ mật hạn 17h 25/11")
	contains(t, r, "Hồ sơ mật", "Hạn: 17:00 Thứ Tư 25/11/2026")
	contains(t, h.notice(h.an, id), "Hồ sơ mật")
	if got := h.task(id).ChatID; got == 0 {
		t.Fatal("task has no chat")
	}
	if strings.Contains(h.sentTo(h.group.ID), "Hồ sơ mật") {
		t.Fatal("a privately assigned task was shown in the group")
	}

	// Assigning to oneself: no notice, no "must /start".
	before := len(h.srv.SentTo(h.lead.ID))
	_, id = h.assign(h.group, h.lead, "/giao @lead Tự làm hạn mai")
	h.settle()
	if got := len(h.srv.SentTo(h.lead.ID)); got != before {
		t.Fatalf("self-assignment sent %d private messages", got-before)
	}
	if h.task(id).AssigneeID != h.task(id).AssignerID {
		t.Fatal("self-assignment stored with another assignee")
	}
}

func TestAssignToSomeoneWithoutPrivateChat(t *testing.T) {
	h := newH(t)
	h.hello(h.lead) // an spoke in the group but never opened a private chat
	r, id := h.assign(h.group, h.lead, "/giao @an Báo cáo hạn mai")
	contains(t, r, "cho @an")
	hint := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.Contains(s.Plain, "chưa mở chat riêng")
	})
	contains(t, hint, "@an", "/start", "@nhacviec_bot")
	if hint.ReplyTo != r.ReplyTo {
		t.Fatalf("the hint does not answer the assigner's message: %d vs %d", hint.ReplyTo, r.ReplyTo)
	}
	h.settle()
	if got := h.srv.SentTo(h.an.ID); len(got) != 0 {
		t.Fatalf("bot wrote to a user who never started it: %+v", got)
	}
	if h.task(id).Status != nhacviec.StatusOpen {
		t.Fatal("task not stored")
	}
	// Once an opens a private chat, the next assignment reaches them.
	h.say(h.private(h.an), h.an, "/start")
	_, id = h.assign(h.group, h.lead, "/giao @an Việc hai hạn mai")
	h.notice(h.an, id)
}

func TestAssignErrors(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	long := strings.Repeat("á", 1001)
	huge := strings.Repeat("Báo cáo ", 700) // 5,600 characters
	cases := []struct {
		name, text string
		want       []string
	}{
		{"no args", "/giao", []string{"Cách giao việc", "/giao @an"}},
		{"no args alias", "/assign", []string{"Cách giao việc"}},
		{"no @user", "/giao an Báo cáo hạn mai", []string{"Thiếu người nhận việc"}},
		{"bare @", "/giao @ Báo cáo hạn mai", []string{"Thiếu người nhận việc"}},
		{"unknown @user", "/giao @nobody Báo cáo hạn mai", []string{"chưa biết @nobody", "/start", "@nhacviec_bot"}},
		{"no hạn", "/giao @an Báo cáo quý IV", []string{"Thiếu thời hạn", "hạn"}},
		{"hạn without phrase", "/giao @an Báo cáo quý IV hạn", []string{"Thiếu thời hạn"}},
		{"only @user", "/giao @an", []string{"Thiếu thời hạn"}},
		{"no title", "/giao @an hạn mai", []string{"Thiếu nội dung"}},
		{"31/02", "/giao @an Báo cáo hạn 31/02", []string{"31/02", "không có"}},
		{"31/02/2027", "/giao @an Báo cáo hạn 31/02/2027", []string{"không có"}},
		{"25:00", "/giao @an Báo cáo hạn 25:00 20/12", []string{"Không hiểu thời hạn"}},
		{"17:61", "/giao @an Báo cáo hạn 17:61 20/12", []string{"Không hiểu thời hạn"}},
		{"gibberish", "/giao @an Báo cáo hạn lúc nào cũng được", []string{"Không hiểu thời hạn"}},
		{"past date", "/giao @an Báo cáo hạn 20/11/2026", []string{"đã qua"}},
		{"past hour today", "/giao @an Báo cáo hạn 8h hôm nay", []string{"đã qua"}},
		{"last year", "/giao @an Báo cáo hạn 20/12/2025", []string{"đã qua"}},
		{"title over 1000", "/giao @an " + long + " hạn mai", []string{"dài quá", "1000", "1001"}},
		{"text over 4096", "/giao @an " + huge + "hạn mai", []string{"dài quá"}},
		{"long deadline", "/giao @an Báo cáo hạn " + huge, []string{"Không hiểu thời hạn"}},
		{"long @user", "/giao @" + strings.Repeat("a", 5000) + " Báo cáo hạn mai", []string{"chưa biết"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer h.as(t)()
			n := h.count()
			for _, chat := range []tgbotapi.Chat{h.group, h.private(h.lead)} {
				r := h.say(chat, h.lead, c.text)
				contains(t, r, c.want...)
				hasExample(t, r)
				lacks(t, r, "Đã giao")
				if utf16Len(r.Plain) > 4096 {
					t.Fatalf("reply of %d characters", utf16Len(r.Plain))
				}
			}
			h.settle()
			if got := h.count(); got != n {
				t.Fatalf("a refused /giao stored a task: %d → %d", n, got)
			}
		})
	}
	// Nothing reached the would-be assignee.
	if got := h.sentTo(h.an.ID); strings.Contains(got, "giao cho bạn") {
		t.Fatalf("an was told about refused assignments:\n%s", got)
	}
}

func TestTitlesShownExactlyAsTyped(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	titles := []string{
		"<b>x</b> & *_[",
		"a < b > c && d &amp; e",
		"`code` _nghiêng_ **đậm** [link](http://x) ~gạch~ ||spoiler||",
		"<a href=\"x\">link</a> <script>",
		"Báo cáo 😀 tiếng Việt có dấu: Hoàn thành",
	}
	var confirmations []telegramtest.Sent
	for _, title := range titles {
		r, id := h.assign(h.group, h.lead, "/giao @an "+title+" hạn mai")
		confirmations = append(confirmations, r)
		contains(t, r, "\n"+title+"\n")
		if got := h.task(id).Title; got != title {
			t.Fatalf("stored %q, typed %q", got, title)
		}
		contains(t, h.notice(h.an, id), "\n"+title+"\n")
		contains(t, h.say(h.private(h.an), h.an, fmt.Sprintf("/chitiet %d", id)), title)
	}
	contains(t, h.say(h.private(h.an), h.an, "/viec"), titles...)
	contains(t, h.say(h.group, h.an, "/viec"), titles...)
	contains(t, h.say(h.group, h.lead, "/sapden"), titles...)
	r := h.say(h.private(h.an), h.an, "/xong 1")
	contains(t, r, "Đã xong việc #1: "+titles[0])
	done := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "đã báo xong việc #1")
	})
	contains(t, done, titles[0])
	a := h.press(h.group, h.an, confirmations[1].MessageID, "done:2")
	if !strings.Contains(a.Text, titles[1]) {
		t.Fatalf("button answer %q lacks %q", a.Text, titles[1])
	}
}

// ---- /viec ----

func TestMyTasks(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	for _, cmd := range []string{"/viec", "/tasks"} {
		contains(t, h.say(h.private(h.an), h.an, cmd), "không có việc nào đang mở")
	}
	h.assign(h.group, h.lead, "/giao @an Việc xa hạn 18/12")
	h.assign(h.group, h.lead, "/giao @an Việc gần hạn hôm nay")
	h.assign(h.group, h.lead, "/giao @an Việc giữa hạn 17h 25/11")
	h.assign(h.group, h.lead, "/giao @binh Việc của Bình hạn mai")
	_, done := h.assign(h.group, h.lead, "/giao @an Việc đã xong hạn mai")
	h.say(h.group, h.an, fmt.Sprintf("/xong %d", done))

	for _, cmd := range []string{"/viec", "/tasks", "/viec@nhacviec_bot"} {
		for _, chat := range []tgbotapi.Chat{h.group, h.private(h.an)} {
			r := h.say(chat, h.an, cmd)
			contains(t, r, "Việc của bạn (3)", "#2 Việc gần", "#3 Việc giữa", "#1 Việc xa", "hạn hôm nay", "17:00 Thứ Sáu 18/12/2026")
			lacks(t, r, "Bình", "Việc đã xong")
			if a, b, c := strings.Index(r.Plain, "Việc gần"), strings.Index(r.Plain, "Việc giữa"), strings.Index(r.Plain, "Việc xa"); !(a < b && b < c) {
				t.Fatalf("not soonest first:\n%s", r.Plain)
			}
		}
	}
	// The assigner holds none of them.
	contains(t, h.say(h.group, h.lead, "/viec"), "không có việc nào đang mở")
}

func TestMyTasksInGroupHideTasksAssignedElsewhere(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	h.assign(h.private(h.lead), h.lead, "/giao @an Hồ sơ nhân sự mật hạn mai")
	other := h.srv.Group(43, "Phòng khác")
	h.assign(other, h.lead, "/giao @an Việc phòng khác hạn mai")
	h.assign(h.group, h.lead, "/giao @an Việc của nhóm hạn 18/12")

	r := h.say(h.group, h.an, "/viec")
	contains(t, r, "Việc của bạn (1)", "Việc của nhóm", "Còn 2 việc khác được giao riêng", "@nhacviec_bot")
	lacks(t, r, "Hồ sơ nhân sự mật", "Việc phòng khác")

	r = h.say(h.private(h.an), h.an, "/viec")
	contains(t, r, "Việc của bạn (3)", "Hồ sơ nhân sự mật", "Việc phòng khác", "Việc của nhóm")
	lacks(t, r, "giao riêng")

	// Only hidden tasks: still a hint, not "no tasks".
	h.say(h.group, h.an, "/xong 3")
	r = h.say(h.group, h.an, "/viec")
	contains(t, r, "Còn 2 việc khác được giao riêng")
	lacks(t, r, "không có việc", "Hồ sơ nhân sự mật")
	if strings.Contains(h.sentTo(h.group.ID), "Hồ sơ nhân sự mật") {
		t.Fatal("a private task's title reached the group")
	}
}

// ---- /xong ----

func TestDoneByID(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	for i := 1; i <= 5; i++ {
		h.assign(h.group, h.lead, fmt.Sprintf("/giao @an Việc %d hạn mai", i))
	}
	cases := []struct {
		chat tgbotapi.Chat
		who  tgbotapi.User
		text string
		id   int64
	}{
		{h.group, h.an, "/xong 1", 1},
		{h.private(h.an), h.an, "/done #2", 2},
		{h.group, h.an, "/xong@nhacviec_bot #3", 3},
		{h.private(h.lead), h.lead, "/xong 4", 4}, // the assigner may close it too
		{h.group, h.an, "/DONE   5 ", 5},
	}
	for _, c := range cases {
		r := h.say(c.chat, c.who, c.text)
		contains(t, r, fmt.Sprintf("✅ Đã xong việc #%d: Việc %d", c.id, c.id))
		task := h.task(c.id)
		if task.Status != nhacviec.StatusDone || task.ClosedAt.Before(monday0900) || task.ClosedAt.After(monday0900.Add(time.Minute)) {
			t.Fatalf("%s: task = %+v", c.text, task)
		}
	}
	h.settle()
	// The assigner was told about each task an finished, not about the
	// one they closed themselves.
	told := h.sentTo(h.lead.ID)
	for _, id := range []int{1, 2, 3, 5} {
		if !strings.Contains(told, fmt.Sprintf("@an đã báo xong việc #%d: Việc %d", id, id)) {
			t.Fatalf("assigner not told about #%d:\n%s", id, told)
		}
	}
	if strings.Contains(told, "báo xong việc #4") {
		t.Fatal("assigner told about their own /xong")
	}
	// Late: the reply says so.
	_, id := h.assign(h.group, h.lead, "/giao @an Trễ hạn hôm nay")
	h.clock.Set(monday0900.Add(9 * time.Hour))
	contains(t, h.say(h.group, h.an, fmt.Sprintf("/xong %d", id)), "— hoàn thành trễ 1 ngày làm việc")
}

func TestDoneWithoutID(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	r := h.say(h.private(h.an), h.an, "/xong")
	contains(t, r, "việc nào", "/xong 12")
	_, id := h.assign(h.group, h.lead, "/giao @an Việc duy nhất hạn mai")
	// With exactly one open task, /xong alone closes it.
	contains(t, h.say(h.private(h.an), h.an, "/xong"), fmt.Sprintf("Đã xong việc #%d", id))
	h.assign(h.group, h.lead, "/giao @an Một hạn mai")
	h.assign(h.group, h.lead, "/giao @an Hai hạn mai")
	r = h.say(h.group, h.an, "/xong")
	contains(t, r, "việc nào", "/xong 12")
	hasExample(t, r)
	if h.task(2).Status != nhacviec.StatusOpen || h.task(3).Status != nhacviec.StatusOpen {
		t.Fatal("/xong without an id closed one of two tasks")
	}
}

func TestDoneByReply(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	words := []string{"xong", "Xong!", "done", "Done.", "Hoàn thành", "hoan thanh", "đã xong.", "DA XONG", "  Đã hoàn thành!!  ", "xong rồi"}
	type target struct {
		name string
		// find returns the chat and the bot message to reply to.
		find func(h *harness, id int64, confirmation telegramtest.Sent) (tgbotapi.Chat, telegramtest.Sent)
	}
	targets := []target{
		{"group confirmation", func(h *harness, _ int64, c telegramtest.Sent) (tgbotapi.Chat, telegramtest.Sent) { return h.group, c }},
		{"private notice", func(h *harness, id int64, _ telegramtest.Sent) (tgbotapi.Chat, telegramtest.Sent) {
			return h.private(h.an), h.notice(h.an, id)
		}},
	}
	i := 0
	for _, tg := range targets {
		for _, w := range words {
			i++
			t.Run(tg.name+"/"+w, func(t *testing.T) {
				defer h.as(t)()
				c, id := h.assign(h.group, h.lead, fmt.Sprintf("/giao @an Việc trả lời %d hạn mai", i))
				chat, msg := tg.find(h, id, c)
				r := h.replyTo(chat, h.an, w, msg.MessageID)
				contains(t, r, fmt.Sprintf("Đã xong việc #%d: Việc trả lời %d", id, i))
				if h.task(id).Status != nhacviec.StatusDone {
					t.Fatal("not done")
				}
				h.wait(func(s telegramtest.Sent) bool {
					return s.ChatID == h.lead.ID && strings.Contains(s.Plain, fmt.Sprintf("@an đã báo xong việc #%d", id))
				})
			})
		}
	}
	// Other replies to a task message are not "done": they are progress
	// notes (followup_test.go).
	c, id := h.assign(h.group, h.lead, "/giao @an Chưa xong hạn mai")
	p := h.notice(h.an, id)
	for _, w := range []string{"chưa xong", "xong chưa?", "ok", "đang làm, sắp xong"} {
		contains(t, h.replyTo(h.group, h.an, w, c.MessageID), fmt.Sprintf("Đã ghi tiến độ việc #%d", id))
		contains(t, h.replyTo(h.private(h.an), h.an, w, p.MessageID), fmt.Sprintf("Đã ghi tiến độ việc #%d", id))
	}
	// "xong" in reply to something that is not about a task is chatter.
	other := h.say(h.group, h.an, "/viec")
	h.silent(func() { h.srv.UserReplies(h.group, h.an, "xong", other.MessageID) })
	h.silent(func() { h.srv.UserSays(h.group, h.an, "xong") })
	if h.task(id).Status != nhacviec.StatusOpen {
		t.Fatal("a reply that is not \"done\" closed the task")
	}
}

func TestDoneByReplyToReminder(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo tháng hạn 17h 25/11")
	// Tuesday 08:00: the reminder one working day before.
	h.tick(time.Date(2026, 11, 24, 8, 0, 0, 0, hcm))
	rem := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "Nhắc việc #1")
	})
	contains(t, rem, "Báo cáo tháng")
	if doneData(rem) != "done:1" {
		t.Fatalf("reminder without ✅: %+v", rem.Markup)
	}
	r := h.replyTo(h.private(h.an), h.an, "Hoàn thành", rem.MessageID)
	contains(t, r, "Đã xong việc #1: Báo cáo tháng")
	if h.task(id).Status != nhacviec.StatusDone {
		t.Fatal("not done")
	}
	// No more reminders for a finished task.
	before := len(h.srv.SentTo(h.an.ID))
	h.tick(time.Date(2026, 11, 25, 8, 0, 0, 0, hcm))
	h.tick(time.Date(2026, 11, 26, 8, 0, 0, 0, hcm))
	if got := h.srv.SentTo(h.an.ID); len(got) != before {
		t.Fatalf("reminded about a finished task: %q", got[len(got)-1].Plain)
	}
}

func TestDoneByButton(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	c, id := h.assign(h.group, h.lead, "/giao @an Bấm nút hạn mai")
	p := h.notice(h.an, id)
	a := h.press(h.private(h.an), h.an, p.MessageID, doneData(p))
	if !strings.Contains(a.Text, "Đã xong việc #1") || strings.Contains(a.Text, "&") {
		t.Fatalf("answer = %q", a.Text)
	}
	if h.task(id).Status != nhacviec.StatusDone {
		t.Fatal("button did not finish the task")
	}
	edit := h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.ChatID == h.an.ID && s.MessageID == p.MessageID
	})
	if edit.Markup != nil {
		t.Fatalf("button still there: %+v", edit.Markup)
	}
	if m, _ := h.srv.Message(h.an.ID, p.MessageID); m.ReplyMarkup != nil && len(m.ReplyMarkup.InlineKeyboard) > 0 {
		t.Fatal("the private notice still shows ✅")
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "@an đã báo xong việc #1")
	})

	// Pressing the group's ✅ now: answered, nothing changes, no title.
	a = h.press(h.group, h.an, c.MessageID, "done:1")
	if !strings.Contains(a.Text, "#1 đã xong rồi") {
		t.Fatalf("second press answer = %q", a.Text)
	}
	if len(h.srv.Unanswered()) != 0 {
		t.Fatalf("unanswered callbacks: %v", h.srv.Unanswered())
	}

	// The group confirmation's button, pressed by the assignee.
	c, id = h.assign(h.group, h.lead, "/giao @an Nút trong nhóm hạn mai")
	a = h.press(h.group, h.an, c.MessageID, doneData(c))
	if !strings.Contains(a.Text, fmt.Sprintf("Đã xong việc #%d", id)) {
		t.Fatalf("answer = %q", a.Text)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.ChatID == h.group.ID && s.MessageID == c.MessageID
	})
	if h.task(id).Status != nhacviec.StatusDone {
		t.Fatal("not done")
	}

	// A long title still fits in a callback answer (200 characters).
	_, id = h.assign(h.group, h.lead, "/giao @an "+strings.Repeat("Rất dài ", 100)+"hạn mai")
	p = h.notice(h.an, id)
	a = h.press(h.private(h.an), h.an, p.MessageID, doneData(p))
	if !strings.Contains(a.Text, fmt.Sprintf("Đã xong việc #%d", id)) || utf16Len(a.Text) > 200 {
		t.Fatalf("answer (%d chars) = %q", utf16Len(a.Text), a.Text)
	}
}

func TestDoneErrors(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	h.assign(h.group, h.lead, "/giao @an Việc bí mật của An hạn mai")
	_, closed := h.assign(h.group, h.lead, "/giao @an Việc đã xong rồi hạn mai")
	h.say(h.group, h.an, fmt.Sprintf("/xong %d", closed))

	cases := []struct {
		name string
		who  tgbotapi.User
		text string
		want string
	}{
		{"not a number", h.an, "/xong abc", `Mã việc "abc" không hợp lệ`},
		{"negative", h.an, "/xong -1", "không hợp lệ"},
		{"zero", h.an, "/xong #0", "không hợp lệ"},
		{"huge", h.an, "/xong 99999999999999999999", "không hợp lệ"},
		{"does not exist", h.an, "/xong 999", "Không tìm thấy việc #999"},
		{"someone else's", h.binh, "/xong 1", "Không tìm thấy việc #1"},
		{"already done", h.an, fmt.Sprintf("/xong %d", closed), fmt.Sprintf("Việc #%d đã xong rồi", closed)},
		{"long garbage", h.an, "/xong " + strings.Repeat("x", 5000), "không hợp lệ"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer h.as(t)()
			for _, chat := range []tgbotapi.Chat{h.group, h.private(c.who)} {
				r := h.say(chat, c.who, c.text)
				if c.name == "someone else's" && chat.ID == h.group.ID {
					// The group was shown the task: whose it is, not its title.
					contains(t, r, "Việc #1 là việc của An, do Lãnh giao.", "mới báo xong được")
				} else {
					contains(t, r, c.want)
				}
				lacks(t, r, "Việc bí mật", "Đã xong việc")
				if utf16Len(r.Plain) > 500 {
					t.Fatalf("a %d-character error reply", utf16Len(r.Plain))
				}
			}
			if h.task(1).Status != nhacviec.StatusOpen {
				t.Fatal("task #1 was closed")
			}
		})
	}
	// Someone else's task gets exactly the answer of one that does not exist.
	theirs := h.say(h.private(h.binh), h.binh, "/xong 1").Plain
	none := h.say(h.private(h.binh), h.binh, "/xong 999").Plain
	if strings.Replace(theirs, "#1", "#999", 1) != none {
		t.Fatalf("someone else's task answered differently:\n%q\n%q", theirs, none)
	}
	hasExample(t, h.say(h.private(h.an), h.an, "/xong abc"))
}

func TestForgedButtons(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	c, id := h.assign(h.group, h.lead, "/giao @an Việc bí mật của An hạn mai")
	for _, data := range []string{"done:1", "done:999", "done:#1", "garbage", "done:", "done:abc", "done:-1", "xong:1", "", strings.Repeat("z", 64)} {
		t.Run("binh "+data, func(t *testing.T) {
			defer h.as(t)()
			for _, chat := range []tgbotapi.Chat{h.group, h.private(h.binh)} {
				msg := c.MessageID
				if chat.ID != h.group.ID {
					msg = 1
				}
				a := h.press(chat, h.binh, msg, data)
				if a.Text == "" || strings.Contains(a.Text, "Việc bí mật") || strings.Contains(a.Text, "Đã xong") {
					t.Fatalf("answer = %q", a.Text)
				}
			}
			if h.task(id).Status != nhacviec.StatusOpen {
				t.Fatal("a forged button closed the task")
			}
		})
	}
	// Where binh was not shown the task, his answer for it equals the one
	// for no task; in the group that was shown it, he is told whose it is.
	a1 := h.press(h.private(h.binh), h.binh, 1, "done:1")
	a2 := h.press(h.private(h.binh), h.binh, 1, "done:999")
	if strings.Replace(a1.Text, "#1", "#999", 1) != a2.Text {
		t.Fatalf("answers differ: %q vs %q", a1.Text, a2.Text)
	}
	if a := h.press(h.group, h.binh, c.MessageID, "done:1"); !strings.Contains(a.Text, "Việc #1 là việc của An, do Lãnh giao.") {
		t.Fatalf("binh's ✅ under an's task in the group: %q", a.Text)
	}
	// The group's ✅ was not taken off by the forged presses.
	for _, s := range h.srv.Sent() {
		if s.Method == "editMessageReplyMarkup" {
			t.Fatalf("a forged press edited message %d in %d", s.MessageID, s.ChatID)
		}
	}
	// An unknown button of an involved person: answered, nothing done.
	a := h.press(h.group, h.an, c.MessageID, "approve:1")
	if a.Text == "" || h.task(id).Status != nhacviec.StatusOpen {
		t.Fatalf("answer %q, status %s", a.Text, h.task(id).Status)
	}
	if got := h.sentTo(h.binh.ID); strings.Contains(got, "Việc bí mật") {
		t.Fatalf("binh saw the title:\n%s", got)
	}
}

// ---- /quahan, /sapden ----

func TestOverdueAndUpcoming(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	h.assign(h.group, h.lead, "/giao @an An hôm nay hạn hôm nay")           // #1 Mon 17:00
	h.assign(h.group, h.lead, "/giao @binh Bình ngày mai hạn mai")          // #2 Tue 17:00
	h.assign(h.group, h.lead, "/giao @an An thứ tư hạn 17h 25/11")          // #3 Wed 17:00
	h.assign(h.group, h.lead, "/giao @an An tháng sau hạn 18/12")           // #4 far
	h.assign(h.private(h.lead), h.lead, "/giao @an An riêng tư hạn mai")    // #5 private
	h.assign(h.private(h.binh), h.binh, "/giao @binh Bình tự giao hạn mai") // #6 binh's own
	_, cancelled := h.assign(h.group, h.lead, "/giao @an Đã hủy hạn mai")
	h.say(h.group, h.lead, fmt.Sprintf("/huy %d", cancelled))

	// Monday 09:00: nothing overdue.
	for _, cmd := range []string{"/quahan", "/overdue"} {
		contains(t, h.say(h.group, h.lead, cmd), "Không có việc nào quá hạn")
	}

	// Upcoming in the group: the group's tasks within 7 days, by person.
	for _, cmd := range []string{"/sapden", "/upcoming"} {
		r := h.say(h.group, h.binh, cmd)
		contains(t, r, "Việc đến hạn trong 7 ngày (3)", "@an (2)", "@binh (1)", "An hôm nay", "Bình ngày mai", "An thứ tư")
		lacks(t, r, "An tháng sau", "An riêng tư", "Bình tự giao", "Đã hủy")
		if i, j := strings.Index(r.Plain, "@an (2)"), strings.Index(r.Plain, "@binh (1)"); i > j {
			t.Fatalf("people not in order of their most pressing task:\n%s", r.Plain)
		}
		// Each task under its person.
		if strings.Index(r.Plain, "Bình ngày mai") < strings.Index(r.Plain, "@binh (1)") {
			t.Fatalf("task listed under the wrong person:\n%s", r.Plain)
		}
	}
	// In private: a member sees what they assigned or hold; lead is an
	// admin and sees the whole organisation.
	r := h.say(h.private(h.lead), h.lead, "/sapden")
	contains(t, r, "(5)", "An hôm nay", "Bình ngày mai", "An thứ tư", "An riêng tư", "Bình tự giao")
	r = h.say(h.private(h.binh), h.binh, "/sapden")
	contains(t, r, "(2)", "Bình ngày mai", "Bình tự giao")
	lacks(t, r, "An ")

	// Wednesday 09:00: #1, #2, #5, #6 are overdue.
	h.clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, hcm))
	r = h.say(h.group, h.an, "/quahan")
	contains(t, r, "Việc quá hạn (2)", "@an (1)", "@binh (1)", "An hôm nay", "quá hạn 2 ngày", "Bình ngày mai", "quá hạn 1 ngày")
	lacks(t, r, "An thứ tư", "An riêng tư", "Bình tự giao")
	r = h.say(h.private(h.an), h.an, "/overdue")
	contains(t, r, "(2)", "An hôm nay", "An riêng tư")
	lacks(t, r, "Bình")
	r = h.say(h.private(h.lead), h.lead, "/quahan")
	contains(t, r, "(4)", "An hôm nay", "An riêng tư", "Bình ngày mai", "Bình tự giao")
	// Due today is upcoming, not overdue.
	r = h.say(h.group, h.an, "/sapden")
	contains(t, r, "An thứ tư", "hạn hôm nay")
	lacks(t, r, "An hôm nay")

	// Done tasks leave the lists.
	h.say(h.group, h.an, "/xong 1")
	h.say(h.group, h.binh, "/xong 2")
	contains(t, h.say(h.group, h.lead, "/quahan"), "Không có việc nào quá hạn")
	// Nothing in a group the bot never saw a task in.
	other := h.srv.Group(43, "Phòng khác")
	contains(t, h.say(other, h.lead, "/quahan"), "Không có việc nào quá hạn")
	contains(t, h.say(other, h.lead, "/sapden"), "Không có việc nào đến hạn")
	if strings.Contains(h.sentTo(h.group.ID), "An riêng tư") || strings.Contains(h.sentTo(h.group.ID), "Bình tự giao") {
		t.Fatal("a privately assigned task appeared in the group")
	}
}

func TestLongListsAreDelivered(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	// Twelve tasks with titles near the limit: far more than Telegram's
	// 4,096 characters if listed in one message.
	for i := 0; i < 12; i++ {
		who := "@an"
		if i%3 == 0 {
			who = "@binh"
		}
		h.assign(h.group, h.lead, fmt.Sprintf("/giao %s %02d %s hạn mai", who, i, strings.Repeat("Nội dung <dài> & ", 55)))
	}
	h.settle()
	listed := func(chat tgbotapi.Chat, who tgbotapi.User, cmd string) (lines int, text string) {
		t.Helper()
		before := len(h.srv.SentTo(chat.ID))
		h.srv.UserSays(chat, who, cmd)
		h.settle()
		for _, p := range h.srv.SentTo(chat.ID)[before:] {
			lines += strings.Count(p.Plain, "• #")
			text += p.Plain + "\n"
		}
		return lines, text
	}
	for _, c := range []struct {
		chat  tgbotapi.Chat
		who   tgbotapi.User
		cmd   string
		lines int
		want  []string
	}{
		{h.private(h.an), h.an, "/viec", 8, []string{"Việc của bạn (8)", "Nội dung <dài> & "}},
		{h.group, h.an, "/viec", 8, []string{"Việc của bạn (8)"}},
		{h.group, h.binh, "/sapden", 12, []string{"(12)", "@an (8)", "@binh (4)"}},
		{h.private(h.lead), h.lead, "/sapden", 12, []string{"(12)"}},
	} {
		n, text := listed(c.chat, c.who, c.cmd)
		if n != c.lines {
			t.Fatalf("%s: %d tasks listed, want %d:\n%s", c.cmd, n, c.lines, text)
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: %q missing from\n%s", c.cmd, w, text)
			}
		}
	}
	h.clock.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, hcm))
	if n, text := listed(h.group, h.lead, "/quahan"); n != 12 || !strings.Contains(text, "@binh (4)") {
		t.Fatalf("/quahan listed %d:\n%s", n, text)
	}
}

// ---- /chitiet ----

func TestDetail(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo CCHC hạn 17h 25/11")
	for _, cmd := range []string{"/chitiet 1", "/task #1", "/chitiet@nhacviec_bot 1"} {
		for _, c := range []struct {
			chat tgbotapi.Chat
			who  tgbotapi.User
		}{{h.group, h.an}, {h.group, h.lead}, {h.private(h.an), h.an}, {h.private(h.lead), h.lead}} {
			r := h.say(c.chat, c.who, cmd)
			contains(t, r, "#1 Báo cáo CCHC", "Người giao: @lead", "Người thực hiện: @an", "Hạn: 17:00 Thứ Tư 25/11/2026",
				"còn 2 ngày", "Lịch sử", "09:00 23/11/2026 @lead giao việc: giao cho @an, hạn 17:00 Thứ Tư 25/11/2026")
			lacks(t, r, "báo xong")
			if doneData(r) != "done:1" {
				t.Fatalf("an open task's detail has no ✅: %+v", r.Markup)
			}
		}
	}
	// History after done; the ✅ is gone.
	h.clock.Set(time.Date(2026, 11, 24, 10, 30, 0, 0, hcm))
	h.say(h.private(h.an), h.an, fmt.Sprintf("/xong %d", id))
	r := h.say(h.private(h.lead), h.lead, "/chitiet 1")
	contains(t, r, "Tình trạng: xong", "10:30 24/11/2026 @an báo xong")
	if doneData(r) != "" {
		t.Fatal("a finished task's detail still offers ✅")
	}
	// Replying "xong" to the detail of a finished task: already done.
	contains(t, h.replyTo(h.private(h.lead), h.lead, "xong", r.MessageID), "đã xong rồi")
}

func TestDetailErrors(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	h.assign(h.group, h.lead, "/giao @an Việc bí mật của An hạn mai")
	h.assign(h.private(h.lead), h.lead, "/giao @an Hồ sơ riêng hạn mai")
	for _, c := range []struct {
		name string
		chat tgbotapi.Chat
		who  tgbotapi.User
		text string
		want string
	}{
		{"no id", h.group, h.an, "/chitiet", "/chitiet 12"},
		{"bad id", h.private(h.an), h.an, "/chitiet abc", `"abc" không hợp lệ`},
		{"no such", h.private(h.an), h.an, "/chitiet 999", "Không tìm thấy việc #999"},
		{"binh in group", h.group, h.binh, "/chitiet 1", "Việc #1 là việc của An, do Lãnh giao."},
		{"binh in private", h.private(h.binh), h.binh, "/task 1", "Không tìm thấy việc #1"},
		{"private task in group", h.group, h.an, "/chitiet 2", "chat riêng"},
		{"private task asked by lead in group", h.group, h.lead, "/chitiet 2", "chat riêng"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer h.as(t)()
			r := h.say(c.chat, c.who, c.text)
			contains(t, r, c.want)
			lacks(t, r, "Việc bí mật", "Hồ sơ riêng", "Lịch sử")
		})
	}
	// In another group: only tasks assigned there.
	other := h.srv.Group(43, "Phòng khác")
	r := h.say(other, h.lead, "/chitiet 1")
	contains(t, r, "chat riêng")
	lacks(t, r, "Việc bí mật")
	if strings.Contains(h.sentTo(h.group.ID), "Hồ sơ riêng") {
		t.Fatal("a private task's title reached the group")
	}
}

// ---- /huy ----

func TestCancel(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	c, id := h.assign(h.group, h.lead, "/giao @an Việc sẽ hủy hạn 17h 25/11")
	p := h.notice(h.an, id)

	// Plan Tuesday's reminder without sending it yet (the clock stays on
	// Monday), then cancel: it must never go out.
	if _, err := h.app.scheduler.RunOnce(context.Background(), time.Date(2026, 11, 24, 8, 0, 0, 0, hcm)); err != nil {
		t.Fatal(err)
	}
	if state := outboxStates(t, h, "reminder"); state != "pending" {
		t.Fatalf("reminder state before cancel = %q", state)
	}

	// Only the assigner may cancel.
	r := h.say(h.group, h.an, "/huy 1")
	contains(t, r, "Chỉ người giao việc", "#1")
	r = h.say(h.group, h.binh, "/cancel 1")
	contains(t, r, "Việc #1 là việc của An, do Lãnh giao.", "Chỉ người giao, trưởng đơn vị hoặc lãnh đạo mới hủy được")
	lacks(t, r, "Việc sẽ hủy")
	if h.task(id).Status != nhacviec.StatusOpen {
		t.Fatal("cancelled by someone other than the assigner")
	}

	r = h.say(h.group, h.lead, "/huy 1")
	contains(t, r, "🗑 Đã hủy việc #1: Việc sẽ hủy")
	task := h.task(id)
	if task.Status != nhacviec.StatusCancelled || task.ClosedAt.IsZero() {
		t.Fatalf("task = %+v", task)
	}
	told := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "đã hủy việc #1")
	})
	contains(t, told, "@lead đã hủy việc #1: Việc sẽ hủy")
	if state := outboxStates(t, h, "reminder"); state != "dropped" {
		t.Fatalf("reminder state after cancel = %q", state)
	}
	h.clock.Set(time.Date(2026, 11, 24, 8, 1, 0, 0, hcm))
	h.app.sender.Wake()
	h.settle()
	if strings.Contains(h.sentTo(h.an.ID), "Nhắc việc #1") {
		t.Fatal("a reminder for a cancelled task was sent")
	}

	// A cancelled task cannot be done, by any means, nor cancelled again.
	contains(t, h.say(h.group, h.an, "/xong 1"), "Việc #1 đã bị hủy rồi")
	contains(t, h.replyTo(h.private(h.an), h.an, "xong", p.MessageID), "đã bị hủy rồi")
	if a := h.press(h.group, h.an, c.MessageID, "done:1"); !strings.Contains(a.Text, "đã bị hủy rồi") {
		t.Fatalf("answer = %q", a.Text)
	}
	contains(t, h.say(h.group, h.lead, "/huy 1"), "đã bị hủy rồi")
	if h.task(id).Status != nhacviec.StatusCancelled {
		t.Fatal("status changed")
	}
	contains(t, h.say(h.private(h.lead), h.lead, "/chitiet 1"), "Tình trạng: bị hủy", "@lead hủy việc")
	lacks(t, h.say(h.group, h.an, "/viec"), "Việc sẽ hủy")

	// Errors.
	_, done := h.assign(h.group, h.lead, "/giao @an Xong rồi mới hủy hạn mai")
	h.say(h.group, h.an, fmt.Sprintf("/xong %d", done))
	for _, c := range []struct{ text, want string }{
		{"/huy", "/huy 12"},
		{"/huy abc", `"abc" không hợp lệ`},
		{"/huy 999", "Không tìm thấy việc #999"},
		{fmt.Sprintf("/huy %d", done), "đã xong rồi"},
	} {
		contains(t, h.say(h.group, h.lead, c.text), c.want)
	}
	// Privately assigned, cancelled from the group: no title there.
	_, id = h.assign(h.private(h.lead), h.lead, "/giao @an Hồ sơ riêng hạn mai")
	r = h.say(h.group, h.lead, fmt.Sprintf("/huy %d", id))
	contains(t, r, fmt.Sprintf("Đã hủy việc #%d", id))
	lacks(t, r, "Hồ sơ riêng")
}

// outboxStates reads the states of the outbox rows of one kind, joined.
func outboxStates(t *testing.T, h *harness, kind string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.db.Path()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT state FROM outbox WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var states []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		states = append(states, s)
	}
	return strings.Join(states, ",")
}

// ---- unknown commands, chatter ----

func TestUnknownCommandsAndChatter(t *testing.T) {
	h := newH(t)
	h.hello(h.an)
	for _, text := range []string{"/abc", "/Giaoviec @an x", "/xong_12", "/" + strings.Repeat("a", 5000)} {
		r := h.say(h.private(h.an), h.an, text)
		contains(t, r, "Không có lệnh", "/huongdan")
		if utf16Len(r.Plain) > 300 {
			t.Fatalf("a %d-character reply to an unknown command", utf16Len(r.Plain))
		}
	}
	for _, text := range []string{"chào bot", "giao việc cho an", strings.Repeat("chữ ", 2000)} {
		r := h.say(h.private(h.an), h.an, text)
		contains(t, r, "chưa hiểu", "/huongdan")
		hasExample(t, r)
	}
	// In a group: other bots' commands, typos and talk are not ours.
	for _, text := range []string{"/abc", "/start@otherbot", "/viec@otherbot", "chào mọi người", "xong", "hạn mai nhé @an", "/"} {
		h.silent(func() { h.srv.UserSays(h.group, h.an, text) })
	}
	if h.count() != 0 {
		t.Fatal("chatter created a task")
	}
}

// ---- the invariant: nobody else ever sees a task's title ----

func TestOutsiderNeverSeesTitle(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	const groupTitle, privateTitle = "Kế hoạch nhân sự Q4", "Kỷ luật cán bộ X"
	c, gid := h.assign(h.group, h.lead, "/giao @an "+groupTitle+" hạn mai")
	_, pid := h.assign(h.private(h.lead), h.lead, "/giao @an "+privateTitle+" hạn mai")
	p := h.notice(h.an, pid)

	var answers []string
	whose := fmt.Sprintf("Việc #%d là việc của An, do Lãnh giao.", gid)
	for _, id := range []int64{gid, pid, 999} {
		for _, chat := range []tgbotapi.Chat{h.group, h.private(h.binh)} {
			for _, cmd := range []string{"/chitiet %d", "/task #%d", "/xong %d", "/done #%d", "/huy %d", "/cancel %d"} {
				r := h.say(chat, h.binh, fmt.Sprintf(cmd, id))
				if id == gid && chat.ID == h.group.ID {
					// The group was shown this task: it says whose it is
					// (no title, and nobody pinged).
					contains(t, r, whose)
					lacks(t, r, "@an", "@lead")
					continue
				}
				contains(t, r, fmt.Sprintf("Không tìm thấy việc #%d", id))
				answers = append(answers, strings.Replace(r.Plain, fmt.Sprintf("#%d", id), "#N", 1))
			}
		}
		a := h.press(h.group, h.binh, c.MessageID, fmt.Sprintf("done:%d", id))
		if id == gid {
			if !strings.Contains(a.Text, whose) {
				t.Fatalf("✅ pressed by binh under an's task in the group: %q", a.Text)
			}
			continue
		}
		answers = append(answers, strings.Replace(a.Text, fmt.Sprintf("#%d", id), "#N", 1))
	}
	// Every outsider answer is the same, whatever the task.
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Fatalf("outsider answers differ:\n%q\n%q", answers[0], a)
		}
	}
	// binh replying "xong" to the group confirmation.
	r := h.replyTo(h.group, h.binh, "xong", c.MessageID)
	contains(t, r, whose, "mới báo xong được")
	// binh's lists.
	for _, cmd := range []string{"/viec", "/quahan", "/sapden"} {
		h.say(h.private(h.binh), h.binh, cmd)
	}
	h.clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, hcm))
	h.say(h.private(h.binh), h.binh, "/quahan")

	for id, title := range map[int64]string{gid: groupTitle, pid: privateTitle} {
		if h.task(id).Status != nhacviec.StatusOpen {
			t.Fatalf("binh changed task #%d", id)
		}
		if got := h.sentTo(h.binh.ID); strings.Contains(got, title) {
			t.Fatalf("binh's private chat shows %q:\n%s", title, got)
		}
		for _, a := range h.srv.CallbackAnswers() {
			if strings.Contains(a.Text, title) {
				t.Fatalf("a button answer shows %q", title)
			}
		}
	}
	if strings.Contains(h.sentTo(h.group.ID), privateTitle) {
		t.Fatal("the private task's title reached the group")
	}
	// The people involved still can.
	contains(t, h.replyTo(h.private(h.an), h.an, "/chitiet "+strconv.FormatInt(pid, 10), p.MessageID), privateTitle)
}

// ---- restart ----

func TestRestartKeepsTasksAndAppliesNothingTwice(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	upd := h.srv.UserSays(h.group, h.lead, "/giao @an Trước khi khởi động lại hạn mai")
	msg := h.srv.MessageOf(upd)
	h.wait(func(s telegramtest.Sent) bool { return s.ChatID == h.group.ID && s.ReplyTo == msg })
	p := h.notice(h.an, 1)
	h.settle()
	off, err := h.app.bot.Offset(context.Background(), telegram.Transport)
	if err != nil || off != int64(upd)+1 {
		t.Fatalf("stored offset = %d, %v; want %d", off, err, upd+1)
	}
	sent := len(h.srv.Sent())

	// While the bot is down, Telegram offers the same update again (as it
	// does when a confirmation was lost): the stored offset says it was
	// handled.
	path := h.db.Path()
	h.stop()
	h.srv.AddUpdate(tgbotapi.Update{UpdateID: upd, Message: &tgbotapi.Message{
		MessageID: msg, From: &h.lead, Chat: &h.group, Date: int(time.Now().Unix()),
		Text: "/giao @an Trước khi khởi động lại hạn mai",
	}})
	h.start(path)
	h.settle()
	if n := h.count(); n != 1 {
		t.Fatalf("%d tasks after restart and redelivery, want 1", n)
	}
	if got := len(h.srv.Sent()); got != sent {
		t.Fatalf("the bot sent %d messages again after restart:\n%s", got-sent, h.dump())
	}
	// The task, and which message is about it, survived.
	contains(t, h.say(h.private(h.an), h.an, "/viec"), "Trước khi khởi động lại")
	contains(t, h.replyTo(h.private(h.an), h.an, "xong", p.MessageID), "Đã xong việc #1")
	// New work after the restart gets the next id.
	_, id := h.assign(h.group, h.lead, "/giao @an Sau khi khởi động lại hạn mai")
	if id != 2 {
		t.Fatalf("next id = %d", id)
	}
}

// An update whose id is below the stored offset was handled already; it
// must not be applied again, however it arrives.
func TestOldUpdateIsNotAppliedTwice(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	const text = "/giao @an Một lần thôi hạn mai"
	upd := h.srv.UserSays(h.group, h.lead, text)
	msg := h.srv.MessageOf(upd)
	h.settle()
	h.srv.AddUpdate(tgbotapi.Update{UpdateID: upd, Message: &tgbotapi.Message{
		MessageID: msg, From: &h.lead, Chat: &h.group, Date: int(time.Now().Unix()), Text: text,
	}})
	h.settle()
	if n := h.count(); n != 1 {
		t.Fatalf("%d tasks from one command", n)
	}
}
