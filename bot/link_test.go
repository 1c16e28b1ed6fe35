package bot_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/scheduler"
)

// zalo: a Zalo user (id, display name, no username) says text in their
// private chat with the bot, whose id on Zalo is the user's.
func (g *gt) zalo(id, name, text string) []out {
	g.t.Helper()
	return g.handle(bot.Update{Transport: "zalo", ChatID: id, ChatKind: nhacviec.ChatPrivate, From: &bot.User{ID: id, Name: name},
		MessageID: "z" + strconv.FormatInt(g.upd+1, 10), Text: text})
}

var inviteCodeRE = regexp.MustCompile(`thamgia (\S+)`)

// joinZalo makes a Zalo user a member of Phòng Tổng hợp through an
// invite used by its code, as on Zalo, which has no deep links.
func (g *gt) joinZalo(id, name string) {
	g.t.Helper()
	r := g.said(g.private("lead", "/moi"))
	m := inviteCodeRE.FindStringSubmatch(r.Text)
	if m == nil {
		g.t.Fatalf("/moi gives no code to type: %q", r.Text)
	}
	if r := g.said(g.zalo(id, name, "/thamgia "+m[1])); !strings.Contains(r.Text, "Phòng Tổng hợp") {
		g.t.Fatalf("thamgia: %q", r.Text)
	}
}

// assignee is the person a task went to, by their display name.
func (g *gt) assigneeName(task int64) string {
	g.t.Helper()
	var name string
	if err := g.conn.QueryRow(`SELECT p.display_name FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id = ?`, task).Scan(&name); err != nil {
		g.t.Fatal(err)
	}
	return name
}

var assignedRE = regexp.MustCompile(`Đã giao việc #(\d+)`)

func assignedID(t *testing.T, o out) int64 {
	t.Helper()
	m := assignedRE.FindStringSubmatch(o.Text)
	if m == nil {
		t.Fatalf("not assigned: %q", o.Text)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// People without a username are named by their name, as /thanhvien lists
// them, without case or diacritics, "@" and the given name alone too; the
// longest name wins; a name two people have is asked about with buttons;
// every command that names a person reads names the same way.
func TestAssignByName(t *testing.T) {
	g := newGT(t)
	g.joinZalo("z10", "Trần Thị Hoa")
	g.joinZalo("z11", "Trần Thị Hoa Mai")
	g.joinZalo("z12", "Nguyễn Văn An") // the same name as Telegram's @an

	r := g.said(g.private("lead", "/giao Trần Thị Hoa Báo cáo quý IV hạn 20/12"))
	has(t, r, "cho Trần Thị Hoa", "Báo cáo quý IV")
	if got := g.assigneeName(assignedID(t, r)); got != "Trần Thị Hoa" {
		t.Errorf("assigned to %q", got)
	}
	// The longest name wins: "Trần Thị Hoa Mai" is not Hoa with a task "Mai …".
	r = g.said(g.private("lead", "/giao tran thi hoa mai Kế hoạch hạn 21/12"))
	if got := g.assigneeName(assignedID(t, r)); got != "Trần Thị Hoa Mai" {
		t.Errorf("longest name: assigned to %q", got)
	}
	has(t, r, "Kế hoạch")
	// "@Mai": the given name.
	r = g.said(g.private("lead", "/giao @Mai Tổng hợp số liệu hạn 21/12"))
	if got := g.assigneeName(assignedID(t, r)); got != "Trần Thị Hoa Mai" {
		t.Errorf("@Mai: assigned to %q", got)
	}
	// "@an" is a username first.
	r = g.said(g.private("lead", "/giao @an Soạn công văn hạn 21/12"))
	if id := assignedID(t, r); g.count(`SELECT count(*) FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id = ? AND p.username = 'an'`, id) != 1 {
		t.Errorf("@an did not go to the username")
	}
	// Two people named Nguyễn Văn An: the caller chooses.
	r = g.said(g.private("lead", "/giao Nguyễn Văn An Lập dự toán hạn 22/12"))
	has(t, r, "Lập dự toán", "cho ai?")
	if got := r.labels(); got != "[Nguyễn Văn An (@an) | Nguyễn Văn An]" {
		t.Fatalf("candidates: %s", got)
	}
	before := g.count(`SELECT count(*) FROM tasks`)
	os := g.press("1", "lead", r.Buttons[0][1].Data)
	if g.count(`SELECT count(*) FROM tasks`) != before+1 {
		t.Fatalf("choosing made no task: %+v", os)
	}
	var last int64
	if err := g.conn.QueryRow(`SELECT max(id) FROM tasks`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if g.count(`SELECT count(*) FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id = ? AND p.transport = 'zalo' AND t.title = 'Lập dự toán'`, last) != 1 {
		t.Errorf("the chosen Zalo An did not get the task")
	}
	// A name nobody has: the people of the unit are offered, as before.
	r = g.said(g.private("lead", "/giao Báo cáo tuần hạn 22/12"))
	has(t, r, "cho ai?")

	// The same reading in the other commands: a part's coordinator…
	r = g.said(g.private("lead", "/giao @binh Rà soát hồ sơ hạn 23/12\nphối hợp: Trần Thị Hoa"))
	has(t, r, "Trần Thị Hoa")
	r = g.said(g.private("lead", "/giao @binh Rà soát hồ sơ 2 hạn 23/12\nphối hợp: Nguyễn Văn An"))
	has(t, r, "Có nhiều người tên", "@an", "Ví dụ")
	// … and a role.
	r = g.said(g.private("lead", "/bonhiem trần thị hoa truong Phòng Tổng hợp"))
	has(t, r, "Đã giao Trần Thị Hoa vai trò trưởng đơn vị")
	r = g.said(g.private("lead", "/bonhiem Không Ai Cả thanhvien 1"))
	hasExample(t, r, "Thiếu người")

	// /thanhvien says how to name each.
	r = g.said(g.private("lead", "/thanhvien"))
	has(t, r, "• @an — thành viên", "• Trần Thị Hoa — ", "ghi họ tên như trên")
}

var linkCodeRE = regexp.MustCompile(`Mã liên kết: ([A-Z2-9]{4}-[A-Z2-9]{4})`)

// Linking a Telegram and a Zalo account that both have tasks makes one
// person with all of them; wrong, same-app, reused and expired codes are
// refused; notices go to the app used last, or the one chosen; an admin
// by their Zalo account is one on Telegram too.
func TestLinkAccounts(t *testing.T) {
	g := newGT(t)
	g.b.Admins[bot.AdminKey("zalo", "zA")] = true
	g.joinZalo("zA", "An Nguyễn")
	g.said(g.private("lead", "/giao @an Việc bên Telegram hạn 20/12"))
	g.said(g.private("lead", "/giao An Nguyễn Việc bên Zalo hạn 21/12"))
	if r := g.said(g.private("an", "/donvi them Tổ Văn thư")); !strings.Contains(r.Text, "Chỉ quản trị viên") {
		t.Fatalf("before linking, an is no admin on Telegram: %q", r.Text)
	}

	r := g.said(g.group("an", "/lienket", ""))
	has(t, r, "chat riêng")
	r = g.said(g.private("an", "/lienket"))
	has(t, r, "dùng một lần", "/lienket ")
	m := linkCodeRE.FindStringSubmatch(r.Text)
	if m == nil {
		t.Fatalf("no code: %q", r.Text)
	}
	code := m[1]

	hasExample(t, g.said(g.zalo("zA", "An Nguyễn", "/lienket AAAA-BBBB")), "không đúng")
	has(t, g.said(g.zalo("zA", "An Nguyễn", "/lienket 12")), "không phải mã")
	has(t, g.said(g.private("binh", "/lienket "+code)), "ứng dụng kia")

	// The code alone, in the Zalo chat, in small letters without the dash.
	os := g.zalo("zA", "An Nguyễn", strings.ToLower(strings.ReplaceAll(code, "-", "")))
	r = g.said(os)
	has(t, r, "Đã liên kết", "Telegram (@an)", "Zalo (An Nguyễn)")
	told := false
	for _, o := range os {
		told = told || o.Chat == "2" && strings.Contains(o.Text, "vừa được liên kết")
	}
	if !told {
		t.Errorf("the Telegram account was not told: %+v", os)
	}
	has(t, g.said(g.zalo("z9", "Người khác", "/lienket "+code)), "đã được dùng")

	// Both accounts' tasks are the person's, from either app.
	for _, say := range []func(string) []out{
		func(s string) []out { return g.private("an", s) },
		func(s string) []out { return g.zalo("zA", "An Nguyễn", s) },
	} {
		has(t, g.said(say("/viec")), "Việc bên Telegram", "Việc bên Zalo")
	}
	if n := g.count(`SELECT count(DISTINCT assignee_id) FROM tasks`); n != 1 {
		t.Errorf("tasks of %d people, want 1", n)
	}
	// A Telegram username names its person from Zalo too.
	r = g.said(g.zalo("zA", "An Nguyễn", "/giao @binh Việc giao từ Zalo hạn 23/12"))
	if id := assignedID(t, r); g.count(`SELECT count(*) FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id = ? AND p.username = 'binh'`, id) != 1 {
		t.Errorf("@binh from Zalo did not reach Telegram's binh")
	}
	// An admin by the Zalo account is one on Telegram.
	has(t, g.said(g.private("an", "/donvi them Tổ Văn thư")), "Đã tạo đơn vị")

	// The last private message was on Zalo: a notice goes there…
	g.zalo("zA", "An Nguyễn", "/viec")
	if to := noticeChat(t, g.private("lead", "/giao @an Việc thứ ba hạn 22/12")); to != "zA" {
		t.Errorf("notice to chat %q, want Zalo's", to)
	}
	// … then on Telegram, after a message there.
	g.private("an", "/viec")
	if to := noticeChat(t, g.private("lead", "/giao An Nguyễn Việc thứ tư hạn 22/12")); to != "2" {
		t.Errorf("notice to chat %q, want Telegram's", to)
	}
	// Chosen: Zalo, whatever app they write from.
	has(t, g.said(g.private("an", "/caidat kenh zalo")), "gửi tới Zalo (bạn chọn)")
	g.private("an", "/viec")
	if to := noticeChat(t, g.private("lead", "/giao @an Việc thứ năm hạn 22/12")); to != "zA" {
		t.Errorf("notice to chat %q, want the chosen Zalo", to)
	}
	has(t, g.said(g.private("an", "/caidat kenh")), "gửi tới Zalo (bạn chọn)")
	has(t, g.said(g.private("an", "/caidat")), "Cài đặt của", "gửi tới Zalo (bạn chọn)")
	has(t, g.said(g.private("an", "/caidat kenh viber")), "Không có kênh", "telegram|zalo")
	has(t, g.said(g.private("binh", "/caidat kenh")), "/lienket")

	// Telegram refuses a reminder (she blocked the bot there): it goes
	// to Zalo, not to a group with a mention.
	var tgChat, task int64
	if err := g.conn.QueryRow(`SELECT id FROM chats WHERE transport = 'telegram' AND external_id = '2'`).Scan(&tgChat); err != nil {
		t.Fatal(err)
	}
	if err := g.conn.QueryRow(`SELECT max(id) FROM tasks`).Scan(&task); err != nil {
		t.Fatal(err)
	}
	if _, err := g.private("an", "/caidat kenh telegram"), g.b.Unreachable(context.Background(), &nhacviec.Outgoing{
		Message:  nhacviec.Message{ID: 9999, ChatID: tgChat, Kind: nhacviec.KindReminder, TaskID: task, Text: "⏰ Nhắc việc"},
		ChatKind: nhacviec.ChatPrivate}, "403"); err != nil {
		t.Fatal(err)
	}
	if n := g.count(`SELECT count(*) FROM outbox o JOIN chats c ON c.id = o.chat_id WHERE o.key = 'fallback:9999' AND c.external_id = 'zA'`); n != 1 {
		t.Errorf("the refused reminder went to Zalo %d times, want once", n)
	}

	// A second Zalo account cannot join an's person, already on Zalo.
	r = g.said(g.private("an", "/lienket"))
	again := linkCodeRE.FindStringSubmatch(r.Text)[1]
	has(t, g.said(g.zalo("zC", "An Khác", "/lienket "+again)), "đã có tài khoản Zalo")
	if n := g.count(`SELECT count(*) FROM people WHERE external_id = 'zC' AND linked_to IS NOT NULL`); n != 0 {
		t.Errorf("a second Zalo account was linked")
	}

	// An expired code.
	r = g.said(g.private("binh", "/lienket"))
	late := linkCodeRE.FindStringSubmatch(r.Text)[1]
	g.now = g.now.Add(10*time.Minute + time.Second)
	has(t, g.said(g.zalo("zB", "Bình Lê", "/lienket "+late)), "hết hạn")
}

// noticeChat is the chat of the notice among os (the assignment's word
// to the person it went to).
func noticeChat(t *testing.T, os []out) string {
	t.Helper()
	for _, o := range os {
		if o.Kind == string(nhacviec.KindNotice) {
			return o.Chat
		}
	}
	t.Fatalf("no notice: %+v", os)
	return ""
}

// A unit bound to no group (a Zalo-only department whose bot cannot join
// groups) has its morning digest said to each of its people privately,
// once; once it has a group, the group gets it instead.
func TestUnitDigestWithoutGroup(t *testing.T) {
	g := newGT(t)
	g.zalo("zA", "An Nguyễn", "/start")
	g.said(g.private("lead", "/giao @an Báo cáo tuần hạn 24/11"))
	g.said(g.private("lead", "/giao @binh Tổng hợp số liệu hạn 17h 23/11"))
	g.said(g.private("lead", "/giao @binh Lập kế hoạch hạn 30/11")) // not within three days
	s := &scheduler.Scheduler{Store: g.db, Composer: g.b, Calendar: g.b.Calendar, Log: zerolog.Nop()}
	digests := func(day string) map[string]string {
		t.Helper()
		rows, err := g.conn.Query(`SELECT c.external_id, o.text FROM outbox o JOIN chats c ON c.id = o.chat_id
			WHERE o.kind = 'digest' AND o.key LIKE ? ORDER BY c.external_id`, day+"/digest:%")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string]string{}
		for rows.Next() {
			var chat, text string
			if err := rows.Scan(&chat, &text); err != nil {
				t.Fatal(err)
			}
			got[chat] = tagRE.ReplaceAllString(text, "")
		}
		return got
	}
	g.now = time.Date(2026, 11, 24, 7, 31, 0, 0, g.now.Location()) // Tuesday
	for range 2 {
		if _, err := s.RunOnce(context.Background(), g.now); err != nil {
			t.Fatal(err)
		}
	}
	want := "🏢 Phòng Tổng hợp · ☀️ Điểm việc sáng Thứ Ba 24/11/2026\n\n" +
		"⚠️ Quá hạn (1)\n• #2 Tổng hợp số liệu — @binh, 17:00 Thứ Hai 23/11/2026 (quá hạn 1 ngày)\n\n" +
		"📍 Đến hạn hôm nay (1)\n• #1 Báo cáo tuần — @an, 17:00 Thứ Ba 24/11/2026 (hạn hôm nay, còn 9 giờ)\n\n" +
		"Xong việc nào, trả lời \"xong\" vào tin nhắn về việc đó hoặc gõ /xong mã_việc."
	got := digests("2026-11-24")
	if len(got) != 3 {
		t.Fatalf("digests to %v, want the unit's three people (lead, an, binh), once each", keys(got))
	}
	for _, chat := range []string{"1", "2", "3"} {
		if got[chat] != want {
			t.Errorf("digest to %s:\n%s\nwant:\n%s", chat, got[chat], want)
		}
	}
	// Bound to a group: the group gets it, nobody privately.
	has(t, g.said(g.group("lead", "/ganhom Phòng Tổng hợp", "")), "Phòng Tổng hợp")
	g.now = time.Date(2026, 11, 25, 7, 31, 0, 0, g.now.Location())
	if _, err := s.RunOnce(context.Background(), g.now); err != nil {
		t.Fatal(err)
	}
	if got := digests("2026-11-25"); len(got) != 1 || got["-100"] == "" {
		t.Errorf("with a group, digests to %v, want the group alone", keys(got))
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
