package bot_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/store"
)

// A transport without buttons (Zalo's kind), end to end in the core: the
// bot's buttons go out as numbered choices, a number typed presses one,
// and commands work without the slash, against a real store and the real
// sender.

// plainTransport has no buttons: it records what it is asked to send.
type plainTransport struct {
	mu   sync.Mutex
	sent []nhacviec.Outgoing
}

func (p *plainTransport) Send(_ context.Context, m *nhacviec.Outgoing) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, *m)
	return "z" + strconv.Itoa(len(p.sent)), nil
}

func (p *plainTransport) Limits() bot.Limits { return bot.Limits{MaxText: 2000, MaxButtons: 0} }

// zt is a bot whose people all use the transport "zalo", without buttons.
type zt struct {
	t    *testing.T
	b    *bot.Bot
	s    *bot.Sender
	tr   *plainTransport
	conn *sql.DB
	now  time.Time
	upd  int64
}

func newZT(t *testing.T) *zt {
	t.Helper()
	path := filepath.Join(t.TempDir(), "choices.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	z := &zt{t: t, tr: &plainTransport{}, now: time.Date(2026, 11, 23, 9, 0, 0, 0, loc)}
	db.Now = func() time.Time { return z.now }
	z.b = &bot.Bot{Store: db, Calendar: calendar.New(calendar.Config{Location: loc}), Log: zerolog.Nop(), Username: "nhacviec_bot",
		Admins: map[string]bool{bot.AdminKey("zalo", "1"): true}, NoButtons: func(tr, _ string) bool { return tr == "zalo" }}
	z.s = &bot.Sender{Outbox: db, Transports: map[string]bot.Transport{"zalo": z.tr}, Log: zerolog.Nop(),
		Now: func() time.Time { return z.now }, Rate: 1e6, PrivatePerSecond: 1e6, GroupPerMinute: 1e9}
	z.conn, err = sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { z.conn.Close() })
	for _, p := range []string{"lead", "an", "binh"} {
		z.private(p, "/start")
	}
	for _, cmd := range []string{"/donvi them Phòng Tổng hợp", "/bonhiem @lead truong 1", "/bonhiem @an thanhvien 1", "/bonhiem @binh thanhvien 1"} {
		if got := z.private("lead", cmd); !strings.Contains(got, "Đã") {
			t.Fatalf("%s: %q", cmd, got)
		}
	}
	return z
}

// handle hands u to the bot, sends what it wrote, and returns the texts
// sent, in order, each headed by its chat ("2: …").
func (z *zt) handle(u bot.Update) string {
	z.t.Helper()
	z.upd++
	u.Transport, u.ID = "zalo", z.upd
	if u.MessageID == "" {
		u.MessageID = "u" + strconv.FormatInt(z.upd, 10)
	}
	if err := z.b.Handle(context.Background(), u); err != nil {
		z.t.Fatal(err)
	}
	z.tr.mu.Lock()
	before := len(z.tr.sent)
	z.tr.mu.Unlock()
	if _, err := z.s.Drain(context.Background()); err != nil {
		z.t.Fatal(err)
	}
	z.tr.mu.Lock()
	defer z.tr.mu.Unlock()
	var b strings.Builder
	for _, m := range z.tr.sent[before:] {
		if len(m.Buttons) > 0 {
			z.t.Errorf("a message with buttons went to a transport without: %+v", m)
		}
		fmt.Fprintf(&b, "%s: %s\n", m.ChatExternalID, tagRE.ReplaceAllString(m.Text, ""))
	}
	return b.String()
}

func (z *zt) private(from, text string) string {
	z.t.Helper()
	return z.handle(bot.Update{ChatID: userIDs[from], ChatKind: nhacviec.ChatPrivate, From: z.user(from), Text: text})
}

func (z *zt) group(from, text string) string {
	z.t.Helper()
	return z.handle(bot.Update{ChatID: "-100", ChatKind: nhacviec.ChatGroup, ChatTitle: "Phòng Tổng hợp", From: z.user(from), Text: text})
}

func (z *zt) user(name string) *bot.User {
	return &bot.User{ID: userIDs[name], Username: name, Name: names[name]}
}

func (z *zt) status(id int) (status string, submitted bool, key bool) {
	z.t.Helper()
	var sub sql.NullInt64
	if err := z.conn.QueryRow(`SELECT status, submitted_at, key_task FROM tasks WHERE id = ?`, id).Scan(&status, &sub, &key); err != nil {
		z.t.Fatal(err)
	}
	return status, sub.Valid, key
}

func wants(t *testing.T, got string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("missing %q in:\n%s", s, got)
		}
	}
}

// The review's ✅ Duyệt / ↩️ Trả lại become "1." and "2."; a number
// beyond them, a number replying to an older message, one typed in
// another person's chat and one typed after a day press nothing, each
// with a clear answer; "1" approves.
func TestNumberedChoicesApprove(t *testing.T) {
	z := newZT(t)
	got := z.private("lead", "/giao @an Dự thảo tờ trình hạn thứ 6\nduyệt")
	wants(t, got, "1: ", "Đã giao việc #1", "Trả lời bằng số để chọn:\n1. ")
	// an says it is done without a slash or diacritics: submitted.
	got = z.private("an", "xong 1 da gui ban mem")
	wants(t, got, "2: ", "Đã gửi @lead duyệt việc #1", "1: ", "chờ bạn duyệt", "1. ✅ Duyệt\n2. ↩️ Trả lại")
	if _, submitted, _ := z.status(1); !submitted {
		t.Fatal("xong without a slash did not submit #1")
	}
	// A number that is not among the choices.
	wants(t, z.private("lead", " 3 "), "Số 3 không có trong câu hỏi gần nhất (chỉ có số 1 đến 2)")
	// A number replying to a message older than the question.
	wants(t, z.handle(bot.Update{ChatID: "1", ChatKind: nhacviec.ChatPrivate, From: z.user("lead"), Text: "1", ReplyTo: "z1"}),
		"Tin đó đã cũ")
	// A number typed before the question was asked (it came in between).
	wants(t, z.handle(bot.Update{ChatID: "1", ChatKind: nhacviec.ChatPrivate, From: z.user("lead"), Text: "1", Date: z.now.Add(-time.Minute)}),
		"Bot vừa hỏi câu mới sau khi bạn gõ số 1")
	if status, _, _ := z.status(1); status != "open" {
		t.Fatal("a number typed before the question approved #1")
	}
	// an's "1" is about an's own chat's question, not lead's: no approval.
	z.private("an", "1")
	if status, _, _ := z.status(1); status != "open" {
		t.Fatalf("an's number in an's chat closed #1: %s", status)
	}
	// lead's "1" approves.
	wants(t, z.private("lead", "1"), "1: ", "Đã duyệt")
	if status, submitted, _ := z.status(1); status != "done" || submitted {
		t.Fatalf("after lead's 1: %s, submitted %v", status, submitted)
	}
	// Pressed again: the handler finds it decided; nothing changes.
	wants(t, z.private("lead", "1"), "1: ")
	if n := count1(t, z, `SELECT count(*) FROM task_reviews WHERE decision = 'approved'`); n != 1 {
		t.Fatalf("%d approvals, want 1", n)
	}
	// A day later the question is over.
	z.now = z.now.Add(25 * time.Hour)
	wants(t, z.private("lead", "2"), "Số 2 không trả lời câu hỏi nào")
	if status, _, _ := z.status(1); status != "done" {
		t.Fatal("a stale number reopened #1")
	}
}

func count1(t *testing.T, z *zt, q string) int {
	t.Helper()
	var n int
	if err := z.conn.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// In a group, the choices are the group's; a number is pressed as by
// whoever typed it, so a member's number for the assigner's ⭐ is
// refused; a number that answers nothing is not answered (it may be
// talk); commands need their slash.
func TestNumberedChoicesInAGroup(t *testing.T) {
	z := newZT(t)
	z.group("binh", "chào cả phòng")
	got := z.group("lead", "/giao @an Báo cáo tuần hạn mai")
	wants(t, got, "-100: ", "Đã giao việc #1", "Trả lời bằng số để chọn:")
	n := choiceOf(t, got, "⭐")
	got = z.group("binh", strconv.Itoa(n))
	if _, _, key := z.status(1); key {
		t.Fatal("binh's number marked lead's task ⭐")
	}
	if got == "" {
		t.Error("binh's refused number got no answer")
	}
	wants(t, z.group("lead", strconv.Itoa(n)), "đã đánh dấu ⭐")
	if _, _, key := z.status(1); !key {
		t.Fatal("lead's number did not mark the task ⭐")
	}
	if got := z.group("an", "99"); got != "" {
		t.Errorf("a number that answers nothing was answered in the group: %q", got)
	}
	if got := z.group("an", "xong 1"); got != "" {
		t.Errorf("xong without a slash was taken in a group: %q", got)
	}
	if status, _, _ := z.status(1); status != "open" {
		t.Fatal("a word in the group closed #1")
	}
}

// choiceOf is the number of the choice whose label starts with label.
func choiceOf(t *testing.T, text, label string) int {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		num, rest, ok := strings.Cut(line, ". ")
		if n, err := strconv.Atoi(num); ok && err == nil && strings.HasPrefix(rest, label) {
			return n
		}
	}
	t.Fatalf("no choice %q in:\n%s", label, text)
	return 0
}

// Commands without the slash and without diacritics, in a private chat:
// those the buttons stand for; not the ones that would do harm when a
// message merely begins with their word.
func TestPlainCommandsInPrivate(t *testing.T) {
	z := newZT(t)
	z.private("lead", "/giao @an Báo cáo tuần hạn mai")
	wants(t, z.private("an", "viec"), "Báo cáo tuần")
	wants(t, z.private("an", "Xong 1"), "Đã xong việc #1")
	if status, _, _ := z.status(1); status != "done" {
		t.Fatal("Xong 1 did not close #1")
	}
	z.private("lead", "/giao @an Kế hoạch hạn mai\nduyệt")
	z.private("an", "xong 2")
	wants(t, z.private("lead", "trả lại 2 thiếu số liệu"), "Đã trả lại việc #2")
	wants(t, z.private("an", "Rồi, em làm ngay"), "Tôi chưa hiểu ý bạn")
	if n := count1(t, z, `SELECT count(*) FROM roles m JOIN people p ON p.id = m.person_id WHERE p.username = 'an'`); n != 1 {
		t.Fatalf("\"Rồi\" was taken for /roi: an has %d roles", n)
	}
}
