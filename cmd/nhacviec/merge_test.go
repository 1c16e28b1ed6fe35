package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// A chat's backlog goes out as one message: measured end to end, through
// the real client, against an API that enforces Telegram's limits.

// staff makes n people who have spoken in the group and opened a private
// chat with the bot, before the API's limits are on.
func (h *harness) staff(n int) []tgbotapi.User {
	var us []tgbotapi.User
	for i := range n {
		u := h.srv.User(int64(1000+i), fmt.Sprintf("cb%03d", i), fmt.Sprintf("Cán bộ %d", i))
		h.srv.UserSays(h.group, u, "/viec")
		h.srv.UserSays(h.srv.PrivateChat(u), u, "/start")
		us = append(us, u)
	}
	return us
}

// waitFor polls until done reports true or d passed; it reports how long
// it took.
func waitFor(t *testing.T, d time.Duration, done func() bool) (time.Duration, bool) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < d {
		if done() {
			return time.Since(start), true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start), done()
}

var assignedRef = regexp.MustCompile(`Đã giao việc #(\d+) `)

// 60 /giao to 60 people in one group, in one burst: every confirmation in
// the group and every private notice delivered within 60 s, no 429. (At
// the group's 20 messages a minute, 60 confirmations one by one took over
// 3 minutes.)
func TestBurstOfAssignmentsInAGroup(t *testing.T) {
	h := newHarness(t, paced, sendRate(25))
	h.hello(h.lead)
	people := h.staff(60)
	h.settle()
	h.srv.EnforceLimits(telegramtest.Limits{Global: 30, PerChat: 1, PerChatBurst: 3, PerGroupPerMinute: 20})
	before := len(h.srv.Sent())
	start := time.Now()
	for i, u := range people {
		h.srv.UserSays(h.group, h.lead, fmt.Sprintf("/giao @%s Báo cáo chuyên đề số %d hạn mai", u.UserName, i+1))
	}
	var groupDone, privateDone time.Duration
	var groupMsgs, confirmedN int
	confirmed := func() bool {
		seen := map[string]bool{}
		defer func() { confirmedN = len(seen) }()
		groupMsgs = 0
		for _, s := range h.srv.Sent()[before:] {
			if s.Method == "sendMessage" && s.ChatID == h.group.ID && strings.Contains(s.Plain, "Đã giao việc #") {
				groupMsgs++
				for _, m := range assignedRef.FindAllStringSubmatch(s.Plain, -1) {
					seen[m[1]] = true
				}
			}
		}
		return len(seen) == 60
	}
	noticed := func() bool {
		for _, u := range people {
			got := false
			for _, s := range h.srv.SentTo(u.ID) {
				if s.Method == "sendMessage" && s.At.After(start) && strings.Contains(s.Plain, "Báo cáo chuyên đề số") {
					got = true
					break
				}
			}
			if !got {
				return false
			}
		}
		return true
	}
	var ok bool
	if groupDone, ok = waitFor(t, 70*time.Second, confirmed); !ok {
		t.Errorf("%d of 60 confirmations in the group (%d messages) after %v", confirmedN, groupMsgs, groupDone)
	}
	if privateDone, ok = waitFor(t, 70*time.Second-groupDone, noticed); !ok {
		t.Errorf("not every private notice after %v", privateDone)
	}
	privateDone = max(privateDone, groupDone)
	if privateDone > 60*time.Second || groupDone > 60*time.Second {
		t.Errorf("confirmations after %v, notices after %v: want within 60 s", groupDone, privateDone)
	}
	if n := h.srv.Stats().TooMany; n != 0 {
		t.Errorf("%d × 429", n)
	}
	t.Logf("60 /giao in one group: the 60 confirmations in %d group messages, all delivered after %v; the 60 private notices after %v; 429s: %d",
		groupMsgs, groupDone.Round(time.Millisecond), privateDone.Round(time.Millisecond), h.srv.Stats().TooMany)
}

// 1,000 tasks held by 200 people fall overdue at the same minute: each of
// the 200 gets one message, and each assigner one. (Merging does not
// depend on the pace: the pass's notices wait together, Sender.Hold.)
func TestOverdueNoticesMergePerPerson(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an, h.binh)
	people := h.staff(200)
	h.settle()
	assigners := []tgbotapi.User{h.lead, h.an, h.binh}
	for i := range 1000 {
		u := people[i%200]
		h.srv.UserSays(h.group, assigners[i%3], fmt.Sprintf("/giao @%s Việc số %d hạn 16h hôm nay", u.UserName, i+1))
	}
	h.settleWithin(2 * time.Minute)
	if n := h.count(); n != 1000 {
		t.Fatalf("%d tasks, want 1000", n)
	}
	before := len(h.srv.Sent())
	h.clock.Set(monday0900.Add(7*time.Hour + time.Minute)) // 16:01
	start := time.Now()
	if _, err := h.app.scheduler.RunOnce(t.Context(), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.settleWithin(2 * time.Minute)
	took := time.Since(start)
	per := map[int64]int{}
	notices := 0
	for _, s := range h.srv.Sent()[before:] {
		if s.Method == "sendMessage" && strings.Contains(s.Plain, "quá hạn") {
			per[s.ChatID]++
			notices += strings.Count(s.Plain, "đã quá hạn")
		}
	}
	total := 0
	for _, u := range people {
		if per[u.ID] != 1 {
			t.Errorf("%s got %d overdue messages, want 1", u.UserName, per[u.ID])
		}
		total += per[u.ID]
	}
	for _, a := range assigners {
		if per[a.ID] != 1 {
			t.Errorf("assigner %s got %d overdue messages, want 1", a.UserName, per[a.ID])
		}
		total += per[a.ID]
	}
	t.Logf("1,000 tasks of 200 people overdue at 16:00: %d overdue messages (200 people, 3 assigners), %d notices listed in them, all sent in %v",
		total, notices, took.Round(time.Millisecond))
}

// settleWithin is settle with a longer limit, for large loads.
func (h *harness) settleWithin(d time.Duration) {
	h.t.Helper()
	if _, ok := waitFor(h.t, d, func() bool { return h.srv.Pending() == 0 && h.outboxEmpty() }); !ok {
		h.t.Fatalf("bot did not settle within %v: %d updates pending", d, h.srv.Pending())
	}
}

// A reply "xong" to a message about several tasks asks which, with a ✅
// each; a ✅ pressed under the merged message closes its task and leaves
// the others' buttons; once one task is left open, "xong" closes it.
func TestDoneOnAMergedMessage(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	h.say(h.group, h.lead, "/giao @an Báo cáo A hạn 17h 24/11")
	h.say(h.group, h.lead, "/giao @an Báo cáo B hạn 17h 24/11")
	h.say(h.group, h.lead, "/giao @an Báo cáo C hạn 17h 24/11")
	h.tick(at(24, 8, 0))
	chat := h.srv.PrivateChat(h.an)
	var merged telegramtest.Sent
	for _, s := range h.srv.SentTo(h.an.ID) {
		if strings.Contains(s.Plain, "3 việc sắp đến hạn") {
			merged = s
		}
	}
	if merged.MessageID == 0 {
		t.Fatalf("no merged reminder:\n%s", h.dump())
	}
	if got := buttonsOf(merged.Markup); got != "✅ #1 ✅ #2 ✅ #3" {
		t.Fatalf("merged reminder's buttons: %s", got)
	}
	ask := h.reply(chat, h.an, "xong", merged.MessageID)
	if !strings.Contains(ask.Plain, "Tin này nói về 3 việc") || buttonsOf(ask.Markup) != "✅ #1 ✅ #2 ✅ #3" {
		t.Fatalf("xong to a merged message: %q %s", ask.Plain, buttonsOf(ask.Markup))
	}
	for _, id := range []int64{1, 2, 3} {
		if !h.task(id).Open() {
			t.Fatalf("task %d closed by an ambiguous xong", id)
		}
	}
	h.srv.PressButton(chat, h.an, merged.MessageID, "done:2")
	h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.MessageID == merged.MessageID && buttonsOf(s.Markup) == "✅ #1 ✅ #3"
	})
	if h.task(2).Open() || !h.task(1).Open() || !h.task(3).Open() {
		t.Fatal("the ✅ #2 under the merged message did not close #2 alone")
	}
	h.say(h.group, h.lead, "/huy 3")
	if r := h.reply(chat, h.an, "xong", merged.MessageID); !strings.Contains(r.Plain, "Đã xong việc #1") {
		t.Fatalf("xong with one task left open: %q", r.Plain)
	}
	if r := h.reply(chat, h.an, "xong", merged.MessageID); !strings.Contains(r.Plain, "đều đã đóng") {
		t.Fatalf("xong with none left open: %q", r.Plain)
	}
}

func buttonsOf(m *tgbotapi.InlineKeyboardMarkup) string {
	if m == nil {
		return ""
	}
	var out []string
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return strings.Join(out, " ")
}
