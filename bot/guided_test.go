package bot_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/store"
)

// The guided /giao and the fields' buttons, step by step, against a real
// store: what each step says and offers, what typing and pressing do,
// and what stale, forged, late and foreign presses change (nothing).

// out is a message the bot wrote to the outbox.
type out struct {
	ID      int64
	Chat    string // the chat's external id
	Kind    string
	Text    string // as a chat shows it: no tags, entities decoded
	Buttons [][]nhacviec.Button
	EditOf  string
}

// data is the data of the button labelled with text (a prefix of it).
func (o out) data(t *testing.T, label string) string {
	t.Helper()
	for _, row := range o.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Text, label) {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q in %s", label, o.labels())
	return ""
}

func (o out) labels() string {
	var l []string
	for _, row := range o.Buttons {
		var r []string
		for _, b := range row {
			r = append(r, b.Text)
		}
		l = append(l, strings.Join(r, " | "))
	}
	return "[" + strings.Join(l, "] [") + "]"
}

// gt is a bot on a store, with people who talk to it: lead heads
// Phòng Tổng hợp (id 1), an and binh are its members, lead is an admin.
type gt struct {
	t    *testing.T
	db   *store.DB
	b    *bot.Bot
	conn *sql.DB
	now  time.Time
	upd  int64
	seen int64 // the last outbox row returned
}

func newGT(t *testing.T) *gt {
	t.Helper()
	path := filepath.Join(t.TempDir(), "guided.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	g := &gt{t: t, db: db, now: time.Date(2026, 11, 23, 9, 0, 0, 0, loc)} // a Monday
	db.Now = func() time.Time { return g.now }
	g.b = &bot.Bot{Store: db, Calendar: calendar.New(calendar.Config{Location: loc}), Log: zerolog.Nop(), Username: "nhacviec_bot",
		Admins: map[string]bool{bot.AdminKey("telegram", "1"): true}}
	g.conn, err = sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.conn.Close() })
	for _, p := range []string{"lead", "an", "binh"} {
		g.private(p, "/start")
	}
	for _, cmd := range []string{"/donvi them Phòng Tổng hợp", "/bonhiem @lead truong 1", "/bonhiem @an thanhvien 1", "/bonhiem @binh thanhvien 1"} {
		if r := g.said(g.private("lead", cmd)); !strings.Contains(r.Text, "Đã") {
			t.Fatalf("%s: %q", cmd, r.Text)
		}
	}
	return g
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

var userIDs = map[string]string{"lead": "1", "an": "2", "binh": "3", "chi": "4"}

var names = map[string]string{"lead": "Trần Văn Lãnh", "an": "Nguyễn Văn An", "binh": "Lê Thị Bình", "chi": "Phạm Thị Chi"}

func (g *gt) user(name string) *bot.User {
	id, ok := userIDs[name]
	if !ok {
		id = name
	}
	return &bot.User{ID: id, Username: name, Name: names[name]}
}

// handle hands u to the bot and returns what it wrote.
func (g *gt) handle(u bot.Update) []out {
	g.t.Helper()
	g.upd++
	u.ID = g.upd
	if u.Transport == "" {
		u.Transport = "telegram"
	}
	if err := g.b.Handle(context.Background(), u); err != nil {
		g.t.Fatal(err)
	}
	rows, err := g.conn.Query(`SELECT o.id, c.external_id, o.kind, o.text, coalesce(o.buttons, ''), o.edit_of
		FROM outbox o JOIN chats c ON c.id = o.chat_id WHERE o.id > ? ORDER BY o.id`, g.seen)
	if err != nil {
		g.t.Fatal(err)
	}
	defer rows.Close()
	var got []out
	for rows.Next() {
		var o out
		var buttons string
		if err := rows.Scan(&o.ID, &o.Chat, &o.Kind, &o.Text, &buttons, &o.EditOf); err != nil {
			g.t.Fatal(err)
		}
		o.Text = html.UnescapeString(tagRE.ReplaceAllString(o.Text, ""))
		if buttons != "" {
			if err := json.Unmarshal([]byte(buttons), &o.Buttons); err != nil {
				g.t.Fatal(err)
			}
		}
		g.seen = o.ID
		got = append(got, o)
	}
	return got
}

// private: from says text in their private chat.
func (g *gt) private(from, text string) []out {
	g.t.Helper()
	u := g.user(from)
	return g.handle(bot.Update{ChatID: u.ID, ChatKind: nhacviec.ChatPrivate, From: u, MessageID: "m" + strconv.FormatInt(g.upd+1, 10), Text: text})
}

// group: from says text in the group, as a reply to replyTo ("": none).
func (g *gt) group(from, text, replyTo string) []out {
	g.t.Helper()
	return g.handle(bot.Update{ChatID: "-100", ChatKind: nhacviec.ChatGroup, ChatTitle: "Phòng Tổng hợp", From: g.user(from),
		MessageID: "m" + strconv.FormatInt(g.upd+1, 10), Text: text, ReplyTo: replyTo})
}

// press: from presses a button with data in a chat (a user id: their
// private chat; "-100": the group).
func (g *gt) press(chat, from, data string) []out {
	g.t.Helper()
	kind := nhacviec.ChatPrivate
	if strings.HasPrefix(chat, "-") {
		kind = nhacviec.ChatGroup
	}
	return g.handle(bot.Update{ChatID: chat, ChatKind: kind, From: g.user(from),
		Callback: &bot.Callback{ID: "cb" + strconv.FormatInt(g.upd+1, 10), Data: data, MessageID: "77"}})
}

// said is the message (not a button's answer, not an edit) among os.
func (g *gt) said(os []out) out {
	g.t.Helper()
	for _, o := range os {
		if o.Kind == string(nhacviec.KindReply) {
			return o
		}
	}
	g.t.Fatalf("the bot said nothing: %+v", os)
	return out{}
}

// answer is the answer to a button press among os.
func (g *gt) answer(os []out) string {
	g.t.Helper()
	for _, o := range os {
		if o.Kind == string(nhacviec.KindAnswer) {
			return o.Text
		}
	}
	g.t.Fatalf("the press was not answered: %+v", os)
	return ""
}

func (g *gt) count(q string, args ...any) int {
	g.t.Helper()
	var n int
	if err := g.conn.QueryRow(q, args...).Scan(&n); err != nil {
		g.t.Fatal(err)
	}
	return n
}

func (g *gt) task(id int64) *nhacviec.Task {
	g.t.Helper()
	var t *nhacviec.Task
	if err := g.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		t, err = tx.Task(id)
		return err
	}); err != nil {
		g.t.Fatal(err)
	}
	return t
}

// hasExample is has, and the text gives an example.
func hasExample(t *testing.T, o out, subs ...string) {
	t.Helper()
	has(t, o, subs...)
	if !strings.Contains(strings.ToLower(o.Text), "ví dụ") {
		t.Fatalf("%q\ngives no example", o.Text)
	}
}

func has(t *testing.T, o out, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(o.Text, s) {
			t.Fatalf("%q\nlacks %q", o.Text, s)
		}
	}
}

// The whole walk, with each way of answering a step: buttons for the
// person and the deadline, the title typed, the marks toggled, 📄 and its
// value, field lines typed, then the task, made as /giao makes it.
func TestGuidedAssignWalk(t *testing.T) {
	g := newGT(t)
	r := g.said(g.private("lead", "/giao"))
	has(t, r, "bước 1/3: giao cho ai?", "@tên_người_dùng")
	if got := r.labels(); got != "[Nguyễn Văn An | Lê Thị Bình] [🙋 Tự giao cho mình] [✖ Hủy]" {
		t.Fatalf("people offered: %s", got)
	}
	first := r.data(t, "Nguyễn Văn An")
	r = g.said(g.press("1", "lead", first))
	has(t, r, "Giao cho Nguyễn Văn An.", "Bước 2/3: việc gì?", "ví dụ:")
	// The person's button again, a step later: stale, nothing changes.
	if a := g.answer(g.press("1", "lead", first)); a != "Nút này không còn dùng được." {
		t.Fatalf("a press of the step before: %q", a)
	}
	r = g.said(g.private("lead", "Xây dựng kế hoạch CCHC năm 2027"))
	has(t, r, "Giao cho Nguyễn Văn An: Xây dựng kế hoạch CCHC năm 2027", "Bước 3/3: hạn khi nào?", "ví dụ: 20/12")
	if got := r.labels(); got != "[Hôm nay — Thứ Hai 23/11] [Ngày mai — Thứ Ba 24/11] [Thứ Sáu tuần này — Thứ Sáu 27/11] [Thứ Sáu tuần sau — Thứ Sáu 04/12] [Cuối tháng — Thứ Hai 30/11] [✖ Hủy]" {
		t.Fatalf("deadlines offered: %s", got)
	}
	r = g.said(g.press("1", "lead", r.data(t, "Thứ Sáu tuần này")))
	has(t, r, "Sắp giao cho Nguyễn Văn An", "Xây dựng kế hoạch CCHC năm 2027", "Hạn: 17:00 Thứ Sáu 27/11/2026", "✅ Xong, giao việc")
	r = g.said(g.press("1", "lead", r.data(t, "⭐ Trọng tâm")))
	has(t, r, "⭐ Xây dựng kế hoạch", "⭐ Việc trọng tâm")
	r.data(t, "✖ Bỏ trọng tâm")
	r = g.said(g.press("1", "lead", r.data(t, "📄 Văn bản")))
	has(t, r, "Gõ văn bản giao việc", "ví dụ:\n1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh")
	r = g.said(g.private("lead", "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh"))
	has(t, r, "📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", "⭐ Việc trọng tâm")
	// Field lines typed at this step are read as after /giao's first.
	r = g.said(g.private("lead", "kết quả: Kế hoạch trình Giám đốc ký\nkhẩn"))
	has(t, r, "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "⚡ Việc khẩn", "⭐⚡ Xây dựng")
	if g.count(`SELECT count(*) FROM tasks`) != 0 {
		t.Fatal("a task before ✅ Xong")
	}
	os := g.press("1", "lead", r.data(t, "✅ Xong"))
	r = g.said(os)
	has(t, r, "📌 Đã giao việc #1 cho @an", "⭐⚡ Xây dựng kế hoạch CCHC năm 2027", "Hạn: 17:00 Thứ Sáu 27/11/2026",
		"🎯 Kết quả: Kế hoạch trình Giám đốc ký", "📄 Văn bản: 1365/VP-NL", "Tìm lại: /tim 1365/VP-NL")
	if got := r.labels(); got != "[✅ Xong | ✖ Bỏ trọng tâm | ✖ Bỏ khẩn | 🔍 Cần duyệt] [➕ Phối hợp | 📄 Văn bản | 🎯 Kết quả]" {
		t.Fatalf("the confirmation's buttons: %s", got)
	}
	task := g.task(1)
	if task.Title != "Xây dựng kế hoạch CCHC năm 2027" || task.AssigneeID == task.AssignerID || task.Result != "Kế hoạch trình Giám đốc ký" ||
		task.SourceNumber != "1365/VP-NL" || !task.KeyTask || !task.Urgent || task.UnitID != 1 || task.Deadline.Day() != 27 {
		t.Fatalf("stored %+v", task)
	}
	told := false
	for _, o := range os {
		told = told || (o.Chat == "2" && strings.Contains(o.Text, "@lead giao cho bạn việc #1"))
	}
	if !told {
		t.Fatalf("an was not told: %+v", os)
	}
	if n := g.count(`SELECT count(*) FROM drafts`); n != 0 {
		t.Fatalf("%d drafts left", n)
	}
	// Its history says it was assigned, as for /giao.
	if n := g.count(`SELECT count(*) FROM task_events WHERE task_id = 1 AND kind = 'created'`); n != 1 {
		t.Fatalf("%d creation events", n)
	}
	// Typing now is no answer to anything.
	has(t, g.said(g.private("lead", "còn gì nữa không")), "Tôi chưa hiểu ý bạn")
}

// A title with its deadline skips the deadline step; an ambiguous
// deadline is asked back; a recurring one recurs; a name typed picks the
// person; bad answers are said with an example and the step waits on.
func TestGuidedAssignTyped(t *testing.T) {
	g := newGT(t)
	g.private("lead", "/giao")
	for _, c := range []struct{ text, want string }{
		{"@nobody", "Tôi chưa biết @nobody"},
		{"Hùng", `Không thấy ai tên "Hùng"`},
		{"@", "Tôi chưa biết @"},
	} {
		hasExample(t, g.said(g.private("lead", c.text)), c.want, "@an")
	}
	r := g.said(g.private("lead", "bình"))
	has(t, r, "Giao cho Lê Thị Bình.")
	for _, c := range []struct{ text, want string }{
		{strings.Repeat("á", 1001), "dài quá: tối đa 1000 ký tự (bạn gõ 1001)"},
		{"Báo cáo\nghi chú: x", `Tôi chưa hiểu dòng "ghi chú: x"`},
		{"hạn mai", "Chưa có nội dung công việc"},
	} {
		hasExample(t, g.said(g.private("lead", c.text)), c.want)
	}
	// "hạn" in the title that is no deadline stays in it.
	r = g.said(g.private("lead", "Báo cáo hạn chế rủi ro"))
	has(t, r, "Lê Thị Bình: Báo cáo hạn chế rủi ro", "Bước 3/3")
	for _, c := range []struct{ text, want string }{
		{"hôm qua", `"hôm qua" đã qua`},
		{"lúc nào cũng được", "Không hiểu thời hạn"},
	} {
		hasExample(t, g.said(g.private("lead", c.text)), c.want)
	}
	r = g.said(g.private("lead", "20"))
	has(t, r, `Thời hạn "20" có thể hiểu theo nhiều cách`, "Lê Thị Bình: Báo cáo hạn chế rủi ro", "Bước 3/3")
	if len(r.Buttons) < 3 {
		t.Fatalf("readings of \"20\": %s", r.labels())
	}
	r = g.said(g.press("1", "lead", r.Buttons[0][0].Data))
	has(t, r, "Sắp giao cho Lê Thị Bình", "Hạn: ")
	r = g.said(g.press("1", "lead", r.data(t, "✅ Xong")))
	has(t, r, "Đã giao việc #1 cho @binh", "Báo cáo hạn chế rủi ro")

	// The deadline with the title; recurring; to oneself by button.
	g.private("lead", "/giao")
	r = g.said(g.private("lead", "@an"))
	r = g.said(g.private("lead", "Báo cáo tháng hạn trước ngày 20 hàng tháng\nvăn bản: 06/CT-UBND"))
	has(t, r, "Sắp giao cho Nguyễn Văn An", "Báo cáo tháng", "lặp lại: trước ngày 20 hàng tháng", "📄 Văn bản: 06/CT-UBND")
	has(t, g.said(g.press("1", "lead", r.data(t, "✅ Xong"))), "Đã giao việc #2 cho @an", "lặp lại")
	if task := g.task(2); task.Recur != "trước ngày 20 hàng tháng" || task.SourceNumber != "06/CT-UBND" {
		t.Fatalf("stored %+v", task)
	}
	r = g.said(g.private("lead", "/giao"))
	r = g.said(g.press("1", "lead", r.data(t, "🙋")))
	has(t, r, "Giao cho bản thân bạn.")
	r = g.said(g.private("lead", "Tự học hạn mai"))
	has(t, r, "Sắp giao cho bản thân bạn")
	// "xong" typed at the last step is ✅ Xong, giao việc.
	has(t, g.said(g.private("lead", "Xong")), "Đã giao việc #3 cho @lead")
}

// A member who heads nothing may only give work to themself; a leader
// sees many people, a page at a time.
func TestGuidedAssignWhoIsOffered(t *testing.T) {
	g := newGT(t)
	r := g.said(g.private("an", "/giao"))
	if got := r.labels(); got != "[🙋 Tự giao cho mình] [✖ Hủy]" {
		t.Fatalf("a member is offered %s", got)
	}
	// binh typed: not theirs to assign to; the step waits on.
	has(t, g.said(g.private("an", "@binh")), "Bạn chưa giao việc cho @binh được")
	has(t, g.said(g.private("an", "Nguyễn Văn An")), "Giao cho bản thân bạn.")

	for i := range 17 {
		name := fmt.Sprintf("nv%02d", i)
		g.private(name, "/start")
		g.private("lead", "/bonhiem @"+name+" thanhvien 1")
	}
	r = g.said(g.private("lead", "/giao"))
	if n := len(r.Buttons); n != 4+2 { // 4 rows of 2, the way on, ✖
		t.Fatalf("page 1: %s", r.labels())
	}
	next := r.data(t, "Sau ▶ (2/3)")
	os := g.press("1", "lead", next)
	var edit out
	for _, o := range os {
		if o.Kind == string(nhacviec.KindEdit) {
			edit = o
		}
	}
	if edit.EditOf != "77" || !strings.Contains(edit.labels(), "◀ Trước") || !strings.Contains(edit.labels(), "Sau ▶ (3/3)") {
		t.Fatalf("page 2 is not shown in place: %+v", os)
	}
	// The first page's buttons are stale now; page 3 ends with oneself.
	if a := g.answer(g.press("1", "lead", r.data(t, "Nguyễn Văn An"))); a != "Nút này không còn dùng được." {
		t.Fatalf("page 1's button: %q", a)
	}
	os = g.press("1", "lead", edit.data(t, "Sau ▶"))
	for _, o := range os {
		if o.Kind == string(nhacviec.KindEdit) {
			edit = o
		}
	}
	if !strings.Contains(edit.labels(), "🙋 Tự giao cho mình") || strings.Contains(edit.labels(), "Sau ▶") {
		t.Fatalf("page 3: %s", edit.labels())
	}
	has(t, g.said(g.press("1", "lead", edit.data(t, "@nv16"))), "Giao cho @nv16.")

	// Namesakes: told apart by username on a page; a name typed that
	// several people have is asked back.
	names["an2"] = "Nguyễn Văn An"
	g.private("an2", "/start")
	g.said(g.private("lead", "/bonhiem @an2 thanhvien 1"))
	r = g.said(g.private("lead", "/giao"))
	if got := r.labels(); !strings.HasPrefix(got, "[Nguyễn Văn An (@an) | Lê Thị Bình]") {
		t.Fatalf("page 1: %s", got)
	}
	has(t, g.said(g.private("lead", "nguyen van an")), `Có 2 người tên "nguyen van an"`, "(@an)", "(@an2)", "ví dụ: @an")
	has(t, g.said(g.private("lead", "an2")), "Giao cho Nguyễn Văn An.")
	// Forged choices at this step: out of range, of another step, with
	// another token or none.
	r = g.said(g.private("lead", "/giao"))
	d := g.count(`SELECT max(id) FROM drafts`)
	first := r.Buttons[0][0].Data
	if want := fmt.Sprintf("g:%d:", d); !strings.HasPrefix(first, want) || !strings.HasSuffix(first, ":p0") {
		t.Fatalf("button data %q", first)
	}
	step := strings.TrimSuffix(first, "p0")
	for _, data := range []string{step + "p99", step + "n9", step + "d0", step + "ok", step + "p-1", step + "x", step,
		fmt.Sprintf("g:%d:AAAAAAAA:p0", d), fmt.Sprintf("g:%d:p0", d), fmt.Sprintf("g:%d::p0", d)} {
		if a := g.answer(g.press("1", "lead", data)); a != "Nút này không còn dùng được." {
			t.Fatalf("%s: %q", data, a)
		}
	}
	if g.count(`SELECT count(*) FROM drafts WHERE id = ?`, d) != 1 {
		t.Fatal("a forged press moved the walk on")
	}
}

// ✖ Hủy, typed or pressed, ends the walk; someone else's press of it, or
// of a step, is stale; a walk left waits 30 minutes, not more; /giao
// alone in a group keeps its answer.
func TestGuidedAssignCancelAndExpiry(t *testing.T) {
	g := newGT(t)
	r := g.said(g.private("lead", "/giao"))
	// an cannot press lead's button (it is in lead's chat; forged here).
	if a := g.answer(g.press("2", "an", r.data(t, "✖ Hủy"))); a != "Nút này không còn dùng được." {
		t.Fatalf("an's press: %q", a)
	}
	has(t, g.said(g.press("1", "lead", r.data(t, "✖ Hủy"))), "Đã hủy: chưa giao việc nào")
	if g.count(`SELECT count(*) FROM drafts`) != 0 {
		t.Fatal("the walk is still waiting")
	}
	g.private("lead", "/giao")
	g.private("lead", "@an")
	has(t, g.said(g.private("lead", "Hủy")), "Đã hủy")
	has(t, g.said(g.private("lead", "Báo cáo")), "Tôi chưa hiểu ý bạn")

	g.private("lead", "/giao")
	g.private("lead", "@an")
	g.now = g.now.Add(31 * time.Minute)
	has(t, g.said(g.private("lead", "Báo cáo tuần")), "chờ 30 phút", "chưa giao việc nào", "/giao")
	has(t, g.said(g.private("lead", "Báo cáo tuần")), "Tôi chưa hiểu ý bạn")
	// Its buttons too.
	r = g.said(g.private("lead", "/giao"))
	g.now = g.now.Add(31 * time.Minute)
	if a := g.answer(g.press("1", "lead", r.data(t, "Nguyễn Văn An"))); !strings.Contains(a, "chờ 30 phút") {
		t.Fatalf("a press after 31 minutes: %q", a)
	}
	if g.count(`SELECT count(*) FROM tasks`)+g.count(`SELECT count(*) FROM drafts`) != 0 {
		t.Fatal("something was left")
	}

	r = g.said(g.group("lead", "/giao", ""))
	has(t, r, "Cách giao việc", "Ví dụ: /giao @an", "chat riêng với @nhacviec_bot")
	if g.count(`SELECT count(*) FROM drafts`) != 0 {
		t.Fatal("a walk in a group")
	}
	// A deadline that passed while the walk waited is offered afresh,
	// not kept.
	g.now = time.Date(2026, 11, 23, 16, 45, 0, 0, g.now.Location())
	g.private("lead", "/giao")
	g.private("lead", "@an")
	r = g.said(g.private("lead", "Việc gấp"))
	r = g.said(g.press("1", "lead", r.data(t, "Hôm nay")))
	g.now = time.Date(2026, 11, 23, 17, 10, 0, 0, g.now.Location())
	r = g.said(g.press("1", "lead", r.data(t, "✅ Xong")))
	has(t, r, "Thời hạn đã chọn nay đã qua", "Bước 3/3")
	if strings.Contains(r.labels(), "Hôm nay") || g.count(`SELECT count(*) FROM tasks`) != 0 {
		t.Fatalf("offered %s", r.labels())
	}
}

// The fields' buttons under a task: the value is asked and the next
// message (in a group: a reply to the question) sets it, checked as its
// line is; who may not change the task, a closed task, a forged or late
// press change nothing.
func TestFieldButtons(t *testing.T) {
	g := newGT(t)
	r := g.said(g.group("lead", "/giao @an Báo cáo tuần hạn mai", ""))
	has(t, r, "Đã giao việc #1")
	src := r.data(t, "📄 Văn bản")
	if src != "fld:1:src" || r.data(t, "🎯 Kết quả") != "fld:1:res" || r.data(t, "➕ Phối hợp") != "fld:1:coord" {
		t.Fatalf("buttons %+v", r.Buttons)
	}
	// an (the assignee) and chi (a stranger) may not.
	g.group("chi", "chào", "")
	if a := g.answer(g.press("-100", "an", src)); !strings.Contains(a, "Chỉ người giao việc") {
		t.Fatalf("an's press: %q", a)
	}
	if a := g.answer(g.press("-100", "chi", src)); !strings.Contains(a, "Việc #1 là việc của Nguyễn Văn An") {
		t.Fatalf("chi's press: %q", a)
	}
	if g.count(`SELECT count(*) FROM drafts`) != 0 {
		t.Fatal("a refused press waits")
	}
	// Coordinators: asked for as the other fields; ✖ Thôi drops the wait.
	r = g.said(g.press("-100", "lead", "fld:1:coord"))
	has(t, r, "Gõ người phối hợp")
	g.press("-100", "lead", r.data(t, "✖ Thôi"))
	if g.count(`SELECT count(*) FROM drafts`) != 0 {
		t.Fatal("➕ still waits after ✖ Thôi")
	}
	r = g.said(g.press("-100", "lead", src))
	has(t, r, "@lead ghi thêm cho việc #1 (trả lời vào tin này)", "Gõ văn bản giao việc", "ví dụ:\n1365/VP-NL")
	// A command, someone else's message: not the value.
	has(t, g.said(g.group("an", "/viec", "")), "Báo cáo tuần")
	g.group("binh", "1234/XYZ", "")
	long := strings.Repeat("ạ", 301)
	r = g.said(g.group("lead", long, "m-prompt"))
	has(t, r, "Văn bản dài quá: tối đa 300 ký tự (bạn gõ 301)", "Ví dụ: văn bản:")
	os := g.group("lead", "1365/VP-NL ngày 22/4/2020\ncủa Văn phòng UBND tỉnh", "m-prompt")
	r = g.said(os)
	has(t, r, "✅ Đã ghi văn bản cho việc #1.", "📌 Việc #1 giao cho @an", "Báo cáo tuần",
		"📄 Văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", "Tìm lại: /tim 1365/VP-NL")
	if r.data(t, "📄 Văn bản") != src {
		t.Fatal("the echo has no buttons")
	}
	told := false
	for _, o := range os {
		told = told || (o.Chat == "2" && strings.Contains(o.Text, "@lead ghi thêm cho việc #1") && strings.Contains(o.Text, "📄 Văn bản: 1365/VP-NL"))
	}
	if !told {
		t.Fatalf("an was not told: %+v", os)
	}
	if task := g.task(1); task.Source != "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh" || task.SourceNumber != "1365/VP-NL" {
		t.Fatalf("stored %+v", task)
	}
	// Said again, with its label typed: replaced, the old one in the history.
	g.press("-100", "lead", src)
	has(t, g.said(g.group("lead", "văn bản: 06/CT-UBND", "")), "📄 Văn bản: 06/CT-UBND")
	if n := g.count(`SELECT count(*) FROM task_events WHERE task_id = 1 AND kind = 'field_set' AND note = 'văn bản: 06/CT-UBND (trước đây: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh)'`); n != 1 {
		t.Fatal("the replacement is not in the history")
	}
	has(t, g.said(g.private("lead", "/chitiet 1")), "📄 Văn bản: 06/CT-UBND", "@lead ghi thêm: văn bản: 1365/VP-NL")

	// 🎯 in private, then ✖ Thôi.
	r = g.said(g.press("1", "lead", "fld:1:res"))
	has(t, r, "✏️ Ghi thêm cho việc #1:", "Gõ kết quả cần có")
	has(t, g.said(g.press("1", "lead", r.data(t, "✖ Thôi"))), "Đã thôi: việc #1 không thay đổi gì.")
	has(t, g.said(g.private("lead", "Kế hoạch")), "Tôi chưa hiểu ý bạn")
	// Too late.
	g.press("1", "lead", "fld:1:res")
	g.now = g.now.Add(31 * time.Minute)
	has(t, g.said(g.private("lead", "Kế hoạch")), "chờ 30 phút", "🎯 Kết quả", "việc #1")
	if task := g.task(1); task.Result != "" {
		t.Fatalf("set after 30 minutes: %q", task.Result)
	}
	// The task closed while its value was awaited: said, not set, over.
	g.press("1", "lead", "fld:1:res")
	g.private("an", "/xong 1")
	has(t, g.said(g.private("lead", "Kế hoạch")), "Việc #1 đã xong rồi")
	has(t, g.said(g.private("lead", "Kế hoạch")), "Tôi chưa hiểu ý bạn")
	if a := g.answer(g.press("-100", "lead", src)); !strings.Contains(a, "Việc #1 đã xong rồi") {
		t.Fatalf("a press on a closed task: %q", a)
	}
	// Forged.
	for _, data := range []string{"fld:1:xyz", "fld:1", "fld:abc:src", "fld:999:src", "g:999:huy", "g:abc:huy"} {
		if a := g.answer(g.press("-100", "lead", data)); a == "" || strings.Contains(a, "Gõ văn bản") {
			t.Fatalf("forged %q: %q", data, a)
		}
	}
	if g.count(`SELECT count(*) FROM drafts`) != 0 {
		t.Fatal("a forged press waits")
	}
}
