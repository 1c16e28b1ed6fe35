package main

// The organisation: units, roles, invites, bound groups, and the
// permission matrix, all through the real handlers.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// orgFixture is a small Sở set up through commands:
//
//	[1] Sở KHCN          leader: leader, monitor: monitor
//	    [2] Phòng A      head: headA, member: memberA
//	        [3] Tổ A1    member: memberA1
//	    [4] Phòng B      head: headB, member: memberB
//
// admin is the configured administrator (h.lead); stranger has no role.
type orgFixture struct {
	h                                  *harness
	admin, leader, monitor             tgbotapi.User
	headA, memberA, memberA1           tgbotapi.User
	headB, memberB, stranger           tgbotapi.User
	groupA, groupB                     tgbotapi.Chat
	taskA1, taskB, personalA, taskHead int64 // ids
}

func newOrg(t *testing.T) *orgFixture {
	h := newH(t)
	s := h.srv
	o := &orgFixture{h: h, admin: h.lead,
		leader: s.User(201, "leader", "Giám đốc"), monitor: s.User(202, "monitor", "Văn phòng"),
		headA: s.User(203, "heada", "Trưởng A"), memberA: s.User(204, "membera", "Chuyên viên A"),
		memberA1: s.User(205, "membera1", "Tổ viên A1"), headB: s.User(206, "headb", "Trưởng B"),
		memberB: s.User(207, "memberb", "Chuyên viên B"), stranger: s.User(208, "stranger", "Người lạ"),
		groupA: s.Group(50, "Nhóm Phòng A"), groupB: s.Group(51, "Nhóm Phòng B")}
	for _, u := range o.all() {
		s.UserSays(s.PrivateChat(u), u, "/start")
	}
	h.settle()
	adm := s.PrivateChat(o.admin)
	for _, cmd := range []string{
		"/donvi them Sở KHCN", "/donvi them Phòng A trong Sở KHCN", "/donvi them Tổ A1 trong Phòng A",
		"/donvi them Phòng B trong 1",
		"/bonhiem @leader lanhdao 1", "/bonhiem @monitor theodoi 1",
		"/bonhiem @heada truong Phòng A", "/bonhiem @membera thanhvien 2", "/bonhiem @membera1 thanhvien 3",
		"/bonhiem @headb truong 4", "/bonhiem @memberb thanhvien 4",
	} {
		if r := h.say(adm, o.admin, cmd); !strings.Contains(r.Plain, "Đã") {
			t.Fatalf("%s: %q", cmd, r.Plain)
		}
	}
	_, o.taskA1 = h.assign(s.PrivateChat(o.headA), o.headA, "/giao @membera1 Việc tổ A1 hạn mai")
	_, o.taskB = h.assign(s.PrivateChat(o.headB), o.headB, "/giao @memberb Việc phòng B hạn mai")
	_, o.personalA = h.assign(s.PrivateChat(o.memberA), o.memberA, "/giao @membera Việc riêng của A hạn mai")
	_, o.taskHead = h.assign(s.PrivateChat(o.leader), o.leader, "/giao @heada Việc lãnh đạo giao hạn mai")
	h.settle()
	return o
}

func (o *orgFixture) all() []tgbotapi.User {
	return []tgbotapi.User{o.admin, o.leader, o.monitor, o.headA, o.memberA, o.memberA1, o.headB, o.memberB, o.stranger}
}

var titles = []string{"Việc tổ A1", "Việc phòng B", "Việc riêng của A", "Việc lãnh đạo giao"}

// The permission matrix: every role × every task command and the ✅
// button × own task, own unit, other unit, other branch. A refusal reads
// exactly like an id that does not exist.
func TestPermissionMatrix(t *testing.T) {
	o := newOrg(t)
	h := o.h
	type who = tgbotapi.User
	tasks := map[string]int64{"A1": o.taskA1, "B": o.taskB, "personalA": o.personalA}
	// can[actor][task] for reading (/chitiet) and for finishing (/xong);
	// cancelling is allowed to the same people as finishing minus the
	// assignee (who is never the assigner here, except for personalA).
	type rights struct{ see, finish, cancel bool }
	matrix := []struct {
		name  string
		actor who
		task  string
		want  rights
	}{
		{"admin/other branch", o.admin, "B", rights{true, true, true}},
		{"leader/any", o.leader, "A1", rights{true, true, true}},
		{"monitor/reads all", o.monitor, "B", rights{true, false, false}},
		{"headA/own subtree", o.headA, "A1", rights{true, true, true}},
		{"headA/other unit", o.headA, "B", rights{false, false, false}},
		{"headB/other branch", o.headB, "A1", rights{false, false, false}},
		{"memberA1/own task", o.memberA1, "A1", rights{true, true, false}},
		{"memberA/own unit's task", o.memberA, "A1", rights{false, false, false}},
		{"memberA/own personal", o.memberA, "personalA", rights{true, true, true}},
		{"memberB/other unit", o.memberB, "A1", rights{false, false, false}},
		{"headB/personal task in A", o.headB, "personalA", rights{false, false, false}},
		{"stranger", o.stranger, "B", rights{false, false, false}},
	}
	notFound := func(id int64) string { return fmt.Sprintf("Không tìm thấy việc #%d", id) }
	for _, m := range matrix {
		t.Run(m.name, func(t *testing.T) {
			defer h.as(t)()
			id := tasks[m.task]
			dm := h.srv.PrivateChat(m.actor)
			r := h.say(dm, m.actor, fmt.Sprintf("/chitiet %d", id))
			if got := !strings.Contains(r.Plain, notFound(id)); got != m.want.see {
				t.Fatalf("/chitiet: see = %v, want %v: %q", got, m.want.see, r.Plain)
			}
			if !m.want.see {
				for _, title := range titles {
					lacks(t, r, title)
				}
			}
			// A forged button press decides as /xong does, and never
			// reveals more than a missing id would.
			a := h.press(dm, m.actor, lastBotMessage(h, dm), fmt.Sprintf("done:%d", id))
			for _, title := range titles {
				if strings.Contains(a.Text, title) && !m.want.see {
					t.Fatalf("a button answer revealed %q to %s", title, m.name)
				}
			}
			finished := h.task(id).Status == "done"
			if finished != m.want.finish {
				t.Fatalf("✅: finished = %v, want %v (answer %q)", finished, m.want.finish, a.Text)
			}
			if !m.want.finish && !m.want.see && !strings.Contains(a.Text, notFound(id)) {
				t.Fatalf("refusal differs from a missing id: %q", a.Text)
			}
			if finished { // reopen for the cancel check
				reopen(t, h, id)
			}
			r = h.say(dm, m.actor, fmt.Sprintf("/huy %d", id))
			cancelled := h.task(id).Status == "cancelled"
			if cancelled != m.want.cancel {
				t.Fatalf("/huy: cancelled = %v, want %v: %q", cancelled, m.want.cancel, r.Plain)
			}
			if cancelled {
				reopen(t, h, id)
			}
		})
	}
}

// lastBotMessage is the id of the bot's latest message in chat: a press
// always comes from a bot message.
func lastBotMessage(h *harness, chat tgbotapi.Chat) int {
	sent := h.srv.SentTo(chat.ID)
	if len(sent) == 0 {
		h.t.Fatalf("no bot message in chat %d", chat.ID)
	}
	return sent[len(sent)-1].MessageID
}

// reopen puts a task back to open, as the next row of the matrix expects.
func reopen(t *testing.T, h *harness, id int64) {
	t.Helper()
	task := h.task(id)
	task.Status = "open"
	if err := h.db.Update(t.Context(), func(tx nhacviec.Tx) error { return tx.SaveTask(task) }); err != nil {
		t.Fatal(err)
	}
}

// Who may assign to whom.
func TestAssignScopes(t *testing.T) {
	o := newOrg(t)
	h := o.h
	for _, c := range []struct {
		actor tgbotapi.User
		to    string
		ok    bool
	}{
		{o.leader, "@memberb", true},
		{o.admin, "@membera1", true},
		{o.headA, "@membera1", true}, // subtree
		{o.headA, "@membera", true},
		{o.headA, "@memberb", false}, // other unit
		{o.headB, "@membera1", false},
		{o.memberA, "@membera1", false}, // members assign only to themselves
		{o.memberA, "@membera", true},
		{o.monitor, "@memberb", false},
		{o.stranger, "@membera", false},
	} {
		r := h.say(h.srv.PrivateChat(c.actor), c.actor, "/giao "+c.to+" Phạm vi hạn mai")
		if got := strings.Contains(r.Plain, "Đã giao việc"); got != c.ok {
			t.Errorf("%s → %s: assigned = %v, want %v: %q", c.actor.UserName, c.to, got, c.ok, r.Plain)
		}
	}
}

var inviteRE = regexp.MustCompile(`https://t\.me/nhacviec_bot\?start=([A-Za-z0-9_-]+)`)

// Onboarding by invite link, a bound group's digest and /quahan, and a
// head's /quahan over the subtree.
func TestInviteBindAndHeadScope(t *testing.T) {
	o := newOrg(t)
	h := o.h
	// headA makes an invite for Tổ A1; a newcomer joins with it.
	r := h.say(h.srv.PrivateChat(o.headA), o.headA, "/moi Tổ A1")
	m := inviteRE.FindStringSubmatch(r.Plain)
	if m == nil {
		t.Fatalf("no invite link: %q", r.Plain)
	}
	code := m[1]
	if len(code) < 16 || len(code) > 64 {
		t.Fatalf("invite code %q", code)
	}
	newbie := h.srv.User(300, "newbie", "Người mới")
	r = h.say(h.srv.PrivateChat(newbie), newbie, "/start "+code)
	contains(t, r, "Bạn đã vào", "Tổ A1")
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.headA.ID && strings.Contains(s.Plain, "@newbie đã vào Tổ A1")
	})
	// headA may now give newbie work; headB may not.
	if r := h.say(h.srv.PrivateChat(o.headA), o.headA, "/giao @newbie Việc đầu tiên hạn mai"); !strings.Contains(r.Plain, "Đã giao") {
		t.Fatalf("head could not assign to the newcomer: %q", r.Plain)
	}
	if r := h.say(h.srv.PrivateChat(o.headB), o.headB, "/giao @newbie X hạn mai"); strings.Contains(r.Plain, "Đã giao") {
		t.Fatal("another unit's head assigned to the newcomer")
	}
	// Unknown, revoked, used-up codes get clear answers.
	contains(t, h.say(h.srv.PrivateChat(o.stranger), o.stranger, "/start khongcoma"), "Mã mời không đúng")
	contains(t, h.say(h.srv.PrivateChat(o.headA), o.headA, "/moi huy "+code), "Đã hủy")
	contains(t, h.say(h.srv.PrivateChat(o.stranger), o.stranger, "/start "+code), "đã bị hủy")
	// Expired: move the clock past seven days.
	r = h.say(h.srv.PrivateChat(o.headA), o.headA, "/moi 3")
	code2 := inviteRE.FindStringSubmatch(r.Plain)[1]
	h.clock.Set(monday0900.AddDate(0, 0, 8))
	contains(t, h.say(h.srv.PrivateChat(o.stranger), o.stranger, "/start "+code2), "đã hết hạn")
	h.clock.Set(monday0900)
	// Members may not make invites.
	contains(t, h.say(h.srv.PrivateChat(o.memberA), o.memberA, "/moi 2"), "Chỉ trưởng đơn vị")

	// Binding: memberA cannot bind; headA binds group A to Phòng A.
	contains(t, h.say(o.groupA, o.memberA, "/ganhom Phòng A"), "Chỉ trưởng đơn vị")
	contains(t, h.say(o.groupA, o.headA, "/ganhom Phòng A"), "đã gắn với đơn vị Sở KHCN › Phòng A")
	contains(t, h.say(o.groupB, o.headA, "/ganhom Phòng B"), "Chỉ trưởng đơn vị")
	// A head's /quahan covers the subtree, grouped by person; another
	// unit's work stays out.
	h.clock.Set(monday0900.AddDate(0, 0, 2))
	r = h.say(h.srv.PrivateChat(o.headA), o.headA, "/quahan")
	contains(t, r, "Việc tổ A1", "@membera1", "Việc đầu tiên", "Việc lãnh đạo giao")
	lacks(t, r, "Việc phòng B", "Việc riêng của A")
	// The bound group lists Phòng A's work (Tổ A1 included), nothing of B.
	r = h.say(o.groupA, o.memberA, "/quahan")
	contains(t, r, "Việc tổ A1", "Việc đầu tiên")
	lacks(t, r, "Việc phòng B")
	// The digest in group A covers the unit.
	h.tick(monday0900.AddDate(0, 0, 3).Add(-90 * 60e9)) // Thursday 07:30
	dig := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.groupA.ID && strings.Contains(s.Plain, "☀️ Điểm việc sáng")
	})
	contains(t, dig, "Việc tổ A1", "@membera1")
	lacks(t, dig, "Việc phòng B")
	// Group B (not bound) sees none of it, and nobody in it learns A's work.
	if strings.Contains(h.sentTo(o.groupB.ID), "Việc tổ A1") {
		t.Fatal("A's work leaked into group B")
	}
	// Removing a member lists their open tasks to the head.
	r = h.say(h.srv.PrivateChat(o.headA), o.headA, "/roi @membera1 3")
	contains(t, r, "Đã cho @membera1 rời Tổ A1", "cần giao lại", "Việc tổ A1")
}

// Reading or changing another unit's task by id guess, forged callback
// data, from a stranger's private chat, or from another unit's group,
// fails and reveals nothing.
func TestNoLeaksAcrossUnits(t *testing.T) {
	o := newOrg(t)
	h := o.h
	h.say(o.groupB, o.headB, "/ganhom Phòng B")
	nothing := func(r telegramtest.Sent, id int64) {
		t.Helper()
		contains(t, r, fmt.Sprintf("Không tìm thấy việc #%d", id))
		for _, title := range titles {
			lacks(t, r, title)
		}
		lacks(t, r, "@membera1", "@heada")
	}
	for _, chat := range []tgbotapi.Chat{h.srv.PrivateChat(o.memberB), o.groupB} {
		for _, cmd := range []string{"/chitiet %d", "/xong %d", "/huy %d", "/task %d"} {
			nothing(h.say(chat, o.memberB, fmt.Sprintf(cmd, o.taskA1)), o.taskA1)
		}
	}
	// The same answer as for an id that does not exist.
	a := h.say(h.srv.PrivateChat(o.stranger), o.stranger, fmt.Sprintf("/chitiet %d", o.taskA1)).Plain
	b := h.say(h.srv.PrivateChat(o.stranger), o.stranger, "/chitiet 9999").Plain
	if a != strings.Replace(b, "#9999", fmt.Sprintf("#%d", o.taskA1), 1) {
		t.Fatalf("a refusal differs from a missing id:\n%q\n%q", a, b)
	}
	// Forged callback data from another unit's group.
	ans := h.press(o.groupB, o.memberB, lastBotMessage(h, o.groupB), fmt.Sprintf("done:%d", o.taskA1))
	if strings.Contains(ans.Text, "Việc tổ A1") || h.task(o.taskA1).Status != "open" {
		t.Fatalf("forged press: %q, status %s", ans.Text, h.task(o.taskA1).Status)
	}
	// /quahan and /sapden in group B and in memberB's private chat.
	h.clock.Set(monday0900.AddDate(0, 0, 2))
	for _, chat := range []tgbotapi.Chat{o.groupB, h.srv.PrivateChat(o.memberB), h.srv.PrivateChat(o.stranger)} {
		for _, cmd := range []string{"/quahan", "/sapden", "/viec"} {
			r := h.say(chat, o.memberB, cmd)
			lacks(t, r, "Việc tổ A1", "Việc riêng của A", "Việc lãnh đạo giao")
		}
	}
	// Members of another unit are not listed to B's people.
	contains(t, h.say(h.srv.PrivateChat(o.memberB), o.memberB, "/thanhvien 2"), "Bạn chỉ xem được")
}

// Organisation commands: the tree, renames, moves, removal rules, roles.
func TestUnitCommands(t *testing.T) {
	o := newOrg(t)
	h := o.h
	adm := h.srv.PrivateChat(o.admin)
	r := h.say(adm, o.admin, "/donvi")
	contains(t, r, "[1] Sở KHCN", "[2] Phòng A", "[3] Tổ A1", "[4] Phòng B")
	contains(t, h.say(h.srv.PrivateChat(o.headA), o.headA, "/donvi them X"), "Chỉ quản trị viên")
	contains(t, h.say(adm, o.admin, "/donvi doiten 4 Phòng Kế hoạch"), "Phòng Kế hoạch")
	contains(t, h.say(adm, o.admin, "/donvi chuyen 2 vao 3"), "Không chuyển")
	contains(t, h.say(adm, o.admin, "/donvi chuyen 3 vao 4"), "Phòng Kế hoạch › Tổ A1")
	contains(t, h.say(adm, o.admin, "/donvi xoa 1"), "còn đơn vị cấp dưới")
	contains(t, h.say(adm, o.admin, "/donvi xoa 4"), "còn đơn vị cấp dưới")
	contains(t, h.say(adm, o.admin, "/donvi xoa 3"), "còn việc đang mở")
	contains(t, h.say(adm, o.admin, "/donvi them Tổ trống trong 2"), "Đã tạo đơn vị [5]")
	contains(t, h.say(adm, o.admin, "/donvi xoa 5"), "Đã xóa")
	contains(t, h.say(adm, o.admin, "/donvi xoa 99"), "Không tìm thấy đơn vị")
	// Roles: a head adds members but not heads; revoke.
	contains(t, h.say(h.srv.PrivateChat(o.headA), o.headA, "/bonhiem @stranger truong 2"), "chưa có quyền")
	contains(t, h.say(h.srv.PrivateChat(o.headA), o.headA, "/bonhiem @stranger thanhvien 2"), "Đã giao")
	r = h.say(h.srv.PrivateChat(o.headA), o.headA, "/thanhvien 2")
	contains(t, r, "@heada — trưởng đơn vị ✓", "@stranger — thành viên ✓")
	contains(t, h.say(adm, o.admin, "/bonhiem bo @stranger thanhvien 2"), "Đã bỏ")
	contains(t, h.say(adm, o.admin, "/bonhiem @stranger sep 2"), "Ví dụ")
	// The menu of a newly appointed head's private chat is theirs.
	found := false
	for _, c := range h.srv.Commands() {
		if strings.Contains(string(c.Scope), `"chat"`) && strings.Contains(string(c.Scope), fmt.Sprint(o.headB.ID)) {
			for _, cmd := range c.Commands {
				found = found || cmd.Command == "moi"
			}
		}
	}
	if !found {
		t.Error("a head's private chat did not get the head's command menu")
	}
}

// Someone without a username is addressed with a mention.
func TestAssignByTextMention(t *testing.T) {
	h := newH(t)
	h.hello(h.lead)
	nameless := h.srv.User(400, "", "Chị Hoa")
	h.srv.UserSays(h.srv.PrivateChat(nameless), nameless, "/start")
	h.settle()
	text := "/giao Chị Hoa Soạn công văn hạn mai"
	off := len([]rune("/giao ")) // ASCII: UTF-16 offset equals rune offset here
	h.srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{From: &h.lead, Chat: &h.group, Text: text,
		Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: 5},
			{Type: "text_mention", Offset: off, Length: len([]rune("Chị Hoa")), User: &nameless}}}})
	h.settle()
	task := h.task(1)
	if task.Title != "Soạn công văn" {
		t.Fatalf("title = %q", task.Title)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == nameless.ID && strings.Contains(s.Plain, "giao cho bạn việc #1")
	})
}

// "/giao" without a person offers the unit's people as buttons; only the
// author's press counts, and it is authorised when pressed.
func TestAssignPicksFromUnitList(t *testing.T) {
	o := newOrg(t)
	h := o.h
	h.say(o.groupA, o.headA, "/ganhom Phòng A")
	ask := h.say(o.groupA, o.headA, "/giao Soạn công văn hạn mai")
	contains(t, ask, "cho ai?")
	var data string
	for _, row := range ask.Markup.InlineKeyboard {
		for _, b := range row {
			if b.Text == "@membera1" {
				data = *b.CallbackData
			}
		}
		for _, b := range row {
			if b.Text == "@memberb" {
				t.Fatal("another unit's member offered")
			}
		}
	}
	if data == "" {
		t.Fatalf("@membera1 not offered: %+v", ask.Markup)
	}
	before := h.count()
	if a := h.press(o.groupA, o.memberA, ask.MessageID, data); !strings.Contains(a.Text, "không còn dùng được") || h.count() != before {
		t.Fatalf("someone else's press: %q", a.Text)
	}
	h.press(o.groupA, o.headA, ask.MessageID, data)
	r := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.groupA.ID && strings.Contains(s.Plain, "Soạn công văn") && strings.Contains(s.Plain, "Đã giao")
	})
	contains(t, r, "@membera1")
}

// The bot removed from a group (my_chat_member) stops planning there; a
// message without a sender is skipped; a bound group migrated to a
// supergroup keeps its unit.
func TestGroupLifecycle(t *testing.T) {
	o := newOrg(t)
	h := o.h
	h.say(o.groupA, o.headA, "/ganhom Phòng A")
	h.srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{Chat: &o.groupA, Text: "/quahan"}}) // no from
	// Migration: the supergroup still lists Phòng A's work.
	super := h.srv.Supergroup(50, "Nhóm Phòng A")
	h.srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{Chat: &o.groupA, MigrateToChatID: super.ID}})
	h.settle()
	h.clock.Set(monday0900.AddDate(0, 0, 2))
	contains(t, h.say(super, o.memberA, "/quahan"), "Việc tổ A1")
	// Removed from group B: no digest there any more.
	h.say(o.groupB, o.headB, "/ganhom Phòng B")
	bot := h.srv.BotUser()
	h.srv.AddUpdate(tgbotapi.Update{MyChatMember: &tgbotapi.ChatMemberUpdated{Chat: o.groupB, From: o.headB,
		OldChatMember: tgbotapi.ChatMember{User: &bot, Status: "member"},
		NewChatMember: tgbotapi.ChatMember{User: &bot, Status: "left"}}})
	h.settle()
	refused := h.srv.Stats().Errors[403]
	h.tick(monday0900.AddDate(0, 0, 3).Add(-90 * 60e9)) // Thursday 07:30
	if n := h.srv.Stats().Errors[403] - refused; n != 0 {
		t.Fatalf("%d attempts to write to a group the bot was removed from", n)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == super.ID && strings.Contains(s.Plain, "☀️ Điểm việc sáng")
	})
}

// The whole organisation's /quahan, by unit, shows 40 tasks and always
// says how many more there are, also when the 40 end with a unit and the
// units after it are left out.
func TestOverdueByUnitCountsWhatItLeavesOut(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	adm := h.private(h.lead)
	for _, cmd := range []string{"/donvi them Phòng A", "/donvi them Phòng B",
		"/bonhiem @an thanhvien Phòng A", "/bonhiem @binh thanhvien Phòng B"} {
		contains(t, h.say(adm, h.lead, cmd), "Đã")
	}
	for i := range 40 { // Phòng A's, the most pressing: exactly the 40 shown
		h.assign(adm, h.lead, fmt.Sprintf("/giao @an Việc A%02d hạn hôm nay", i))
	}
	for i := range 5 {
		h.assign(adm, h.lead, fmt.Sprintf("/giao @binh Việc B%d hạn mai", i))
	}
	h.settle()
	h.clock.Set(monday0900.AddDate(0, 0, 2))
	r := h.say(adm, h.lead, "/quahan")
	contains(t, r, "Việc quá hạn (45)", "Phòng A (40)", "… và 5 việc khác.")
	if n := strings.Count(r.Plain, "• #"); n != 40 {
		t.Fatalf("%d tasks listed, want 40:\n%s", n, r.Plain)
	}
	// The 40 end inside Phòng A: one count for the rest of Phòng A and
	// the whole of Phòng B.
	h.clock.Set(monday0900)
	for i := range 2 {
		h.assign(adm, h.lead, fmt.Sprintf("/giao @an Việc A%02d hạn hôm nay", 40+i))
	}
	h.clock.Set(monday0900.AddDate(0, 0, 2))
	r = h.say(adm, h.lead, "/quahan")
	contains(t, r, "Việc quá hạn (47)", "Phòng A (42)", "… và 7 việc khác.")
	lacks(t, r, "Phòng B", "… và 2 việc khác.")
}
