package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// A person who blocked the bot is chased in the task's group instead, the
// assigner is told once, and private messages to them stop.
func TestBlockedPersonFallsBackToGroupMention(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	h.say(h.group, h.lead, "/giao @an Báo cáo hạn 25/11")
	h.settle()
	h.srv.Block(h.an.ID)
	h.tick(at(24, 8, 0))
	fb := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.HasPrefix(s.Plain, "@an ⏰ Nhắc việc #1")
	})
	if fb.Markup == nil {
		t.Error("the group fallback lost its ✅ button")
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "@an đã chặn")
	})
	privateBefore := h.srv.Stats().Errors[403]
	h.tick(at(25, 8, 0))
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.HasPrefix(s.Plain, "@an ⏰ Hôm nay đến hạn việc #1")
	})
	if got := h.srv.Stats().Errors[403]; got != privateBefore {
		t.Fatalf("the bot kept writing privately to someone who blocked it (%d more 403s)", got-privateBefore)
	}
	told := 0
	for _, s := range h.srv.SentTo(h.lead.ID) {
		if strings.Contains(s.Plain, "@an đã chặn") {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("the assigner was told %d times, want once", told)
	}
	// an comes back: private reminders resume.
	h.say(h.srv.PrivateChat(h.an), h.an, "/start")
	h.tick(at(26, 8, 0))
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "vẫn chưa xong")
	})
}

// A group upgraded to a supergroup is followed: the stored chat id is
// rewritten, the message that hit the old id is delivered to the new one,
// and the group's tasks come along.
func TestMigratedGroupIsFollowed(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	h.say(h.group, h.lead, "/giao @an Báo cáo hạn 25/11")
	h.settle()
	super := h.srv.Supergroup(42, "Phòng Tổng hợp")
	h.srv.Migrate(h.group.ID, super.ID)
	h.tick(at(24, 7, 30)) // the digest goes to the old id first
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == super.ID && strings.Contains(s.Plain, "Điểm việc sáng")
	})
	r := h.say(super, h.lead, "/sapden")
	if !strings.Contains(r.Plain, "#1 Báo cáo") {
		t.Fatalf("the supergroup lost the group's tasks: %q", r.Plain)
	}
	// The service message that announces the move is handled too.
	h.srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{Chat: &h.group, MigrateToChatID: super.ID}})
	h.settle()
	if r := h.say(super, h.lead, "/sapden"); !strings.Contains(r.Plain, "#1 Báo cáo") {
		t.Fatalf("after the service message: %q", r.Plain)
	}
}

// A burst of replies in a private chat draws no 429 from an API that
// enforces Telegram's limits: the replies waiting together go out merged
// into one message.
func TestSenderKeepsPerChatPace(t *testing.T) {
	h := newHarness(t, paced)
	h.hello(h.an)
	h.srv.EnforceLimits(telegramtest.Limits{Global: 30, PerChat: 1, PerChatBurst: 3, PerGroupPerMinute: 20})
	for i := 0; i < 6; i++ {
		h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
	}
	h.settle()
	if n := h.countSent(h.an.ID, "không có việc"); n != 6 {
		t.Fatalf("%d of 6 replies delivered", n)
	}
	if got := h.srv.Stats().TooMany; got != 0 {
		t.Fatalf("%d 429s", got)
	}
	sends := 0
	for _, m := range h.srv.SentTo(h.an.ID) {
		if m.Method == "sendMessage" && strings.Contains(m.Plain, "không có việc") {
			sends++
		}
	}
	if sends > 3 {
		t.Fatalf("6 replies waiting together went out in %d messages, want them merged", sends)
	}
}

// A reply does not wait behind the morning's reminders: at Telegram's
// rate 150 reminders take 6 s, and the reply to a command sent while
// they go out overtakes those not yet sent.
func TestReplyOvertakesAFanOut(t *testing.T) {
	h := newHarness(t, sendRate(25))
	h.hello(h.an)
	h.srv.SetRequireStart(false)
	const n = 150
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		for i := range n {
			user := h.srv.User(int64(5000+i), "", "Người "+strconv.Itoa(i))
			c := &nhacviec.Chat{Transport: telegram.Transport, ExternalID: strconv.FormatInt(h.srv.PrivateChat(user).ID, 10), Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			if _, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReminder, Text: "⏰ Nhắc việc " + strconv.Itoa(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.app.sender.Wake()
	reminders := func() int {
		k := 0
		for _, s := range h.srv.Sent() {
			if strings.HasPrefix(s.Plain, "⏰ Nhắc việc") {
				k++
			}
		}
		return k
	}
	h.wait(func(s telegramtest.Sent) bool { return strings.HasPrefix(s.Plain, "⏰ Nhắc việc") })
	h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "không có việc")
	})
	// The batch under way makes way a second after it began (25 at
	// 25/s), and sends in flight finish beside the reply; not the 150.
	if got := reminders(); got > 2*25+bot.DefaultWorkers {
		t.Errorf("%d of %d reminders went out before the reply", got, n)
	}
	h.settle()
	if got := reminders(); got != n {
		t.Errorf("%d of %d reminders went out in the end", got, n)
	}
}

// Every message refused in a blocked person's private chat is theirs:
// after the first 403 of an assigner, the ones queued behind it still
// name the assigner in the group, and the head is told who blocked the
// bot, never the assignee.
func TestBlockedAssignerIsNamedOnEveryRefusedMessage(t *testing.T) {
	o := newOrg(t)
	h := o.h
	h.say(o.groupA, o.headA, "/ganhom Phòng A")
	leader := h.private(o.leader)
	var ids []int64
	for _, title := range []string{"Báo cáo một", "Báo cáo hai", "Báo cáo ba"} {
		_, id := h.assign(leader, o.leader, "/giao @membera "+title+" hạn hôm nay")
		ids = append(ids, id)
	}
	h.settle()
	h.srv.Block(o.leader.ID)
	h.tick(at(23, 17, 0)) // three overdue notices for the leader in one pass
	for _, id := range ids {
		want := fmt.Sprintf("@leader ⚠️ Việc #%d đã quá hạn", id)
		// Contains: the three fallbacks wait together, and go merged.
		h.wait(func(s telegramtest.Sent) bool { return s.ChatID == o.groupA.ID && strings.Contains(s.Plain, want) })
	}
	for _, s := range h.srv.SentTo(o.groupA.ID) {
		if strings.Contains(s.Plain, "@membera ⚠️") {
			t.Errorf("the group fallback names the assignee for the blocked assigner: %q", s.Plain)
		}
	}
	told := 0
	for _, s := range h.srv.SentTo(o.headA.ID) {
		if strings.Contains(s.Plain, "đã chặn") {
			told++
			if !strings.HasPrefix(s.Plain, "⚠️ @leader đã chặn") {
				t.Errorf("the head is told the wrong person blocked the bot: %q", s.Plain)
			}
		}
	}
	if told != 1 {
		t.Errorf("the head was told %d times, want once\n%s", told, h.dump())
	}
}
