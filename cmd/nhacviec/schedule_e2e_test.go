package main

import (
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

func at(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, hcm) }

// The whole loop through Telegram: a reminder the day before, a reply
// "xong" to the reminder, and nothing more about that task afterwards.
func TestReminderThenReplyDoneStopsTheChase(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	h.say(h.group, h.lead, "/giao @an Báo cáo tuần hạn 25/11") // Wednesday 17:00
	h.settle()
	h.tick(at(24, 8, 0))
	rem := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "Nhắc việc #1")
	})
	if rem.Markup == nil {
		t.Fatal("the reminder has no ✅ button")
	}
	h.reply(h.srv.PrivateChat(h.an), h.an, "hoàn thành", rem.MessageID)
	if h.task(1).Status != "done" {
		t.Fatal("replying to the reminder did not finish the task")
	}
	h.settle()
	before := len(h.srv.Sent())
	h.tick(at(25, 8, 0))
	h.tick(at(25, 17, 0))
	h.tick(at(26, 8, 0))
	if after := h.srv.Sent()[before:]; len(after) > 0 {
		for _, s := range after {
			if strings.Contains(s.Plain, "#1") {
				t.Fatalf("still chasing a finished task: %q", s.Plain)
			}
		}
	}
}

// Someone who never opened a private chat is chased in the group, with a
// mention; the morning digest lists the group's tasks with mentions.
func TestGroupFallbackAndDigest(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead)
	h.say(h.group, h.lead, "/giao @binh Tổng hợp số liệu hạn hôm nay")
	h.tick(at(23, 17, 0))
	over := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.Contains(s.Plain, "đã quá hạn")
	})
	if !strings.HasPrefix(over.Plain, "@binh") {
		t.Fatalf("overdue notice in the group does not mention @binh: %q", over.Plain)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "đã quá hạn")
	})
	h.tick(at(24, 7, 30))
	dig := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.Contains(s.Plain, "Điểm việc sáng")
	})
	if !strings.Contains(dig.Plain, "Quá hạn (1)") || !strings.Contains(dig.Plain, "@binh") {
		t.Fatalf("digest = %q", dig.Plain)
	}
	// binh replies "xong" to the group notice: done.
	h.reply(h.group, h.binh, "xong", over.MessageID)
	if h.task(1).Status != "done" {
		t.Fatal("reply in the group did not finish the task")
	}
}

// Updates that are not a person's (anonymous admin, service account, a
// channel) are skipped but still confirmed, so they never block the queue.
func TestNonPersonUpdatesAreSkippedAndConfirmed(t *testing.T) {
	h := newHarness(t)
	anon := tgbotapi.User{ID: 1087968824, UserName: "GroupAnonymousBot", IsBot: true}
	g := h.group
	h.srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{From: &anon, SenderChat: &g, Chat: &g, Text: "/giao @an x hạn mai"}})
	svc := tgbotapi.User{ID: 777000, FirstName: "Telegram"}
	h.srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{From: &svc, Chat: &g, Text: "/viec"}})
	id := h.srv.UserSays(h.group, h.lead, "/viec")
	h.settle()
	if h.count() != 0 {
		t.Fatal("an anonymous admin's command created a task")
	}
	if h.srv.ConfirmedOffset() <= id {
		t.Fatalf("confirmed offset %d, want past %d", h.srv.ConfirmedOffset(), id)
	}
	for _, s := range h.srv.Sent() {
		if s.ReplyTo != 0 && s.ReplyTo != h.srv.MessageOf(id) {
			t.Fatalf("the bot answered a non-person: %q", s.Plain)
		}
	}
}

// A reply longer than Telegram's 4,096 characters is split on lines.
func TestLongListIsSplit(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	title := strings.Repeat("Nội dung rất dài ", 50) // 850 characters
	for i := 0; i < 8; i++ {
		h.say(h.srv.PrivateChat(h.lead), h.lead, "/giao @an "+title+" hạn 30/11")
	}
	h.settle()
	before := len(h.srv.SentTo(h.an.ID))
	h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
	h.settle()
	parts := h.srv.SentTo(h.an.ID)[before:]
	if len(parts) < 2 {
		t.Fatalf("a %d-part answer, want it split", len(parts))
	}
	total := 0
	for _, p := range parts {
		total += strings.Count(p.Plain, "• #")
	}
	if total != 8 {
		t.Fatalf("%d tasks listed across the parts, want 8", total)
	}
}
