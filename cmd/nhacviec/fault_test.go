package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// ---- 2. downtime catch-up ----

// TestFaultDowntimeCatchUp stops the bot for 2 hours, 25 hours and 8 days
// (docs/ARCHITECTURE.md, "Reminders"; issue 5 item 4) and starts it again
// on the same database and the same fake Bot API. While it was down,
// Telegram kept updates (after 8 days with a jump of update_id). The
// catch-up pass must send each reminder that is still useful and each
// overdue notice once, drop pre-deadline reminders whose moment and
// deadline both passed, send today's nudge once instead of every missed
// one, send a missed morning digest only before noon, and apply each kept
// update once. A second pass and a restart send nothing more.
func TestFaultDowntimeCatchUp(t *testing.T) {
	type want struct {
		who  string // "an", "lead" or "group"
		text string
		n    int
	}
	dec := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, hcm) }
	cases := []struct {
		name      string
		tasks     []string // /giao @an … by the lead in the group on Monday 23/11 at 09:00: tasks #1, #2, #3
		up        []time.Time
		downAt    time.Time
		backAt    time.Time
		jump      bool
		whileDown []string // "an: …" in an's private chat, "lead: …" in the group; tasks #4…
		want      []want
		// for the table
		lateReminders, dropped, overdue, nudges int
		digest                                  bool
	}{{
		name:   "2h",
		tasks:  []string{"Báo cáo A hạn 17h 24/11", "Báo cáo B hạn 8:30 24/11", "Báo cáo C hạn 17h 24/11"},
		up:     []time.Time{at(23, 9, 1), at(23, 17, 0), at(24, 7, 0)},
		downAt: at(24, 7, 0), backAt: at(24, 9, 0),
		whileDown: []string{"an: /xong 3", "lead: /giao @an Việc giao lúc bot nghỉ hạn mai"},
		want: []want{
			{"an", "Hôm nay đến hạn việc #1:", 1}, // its moment (08:00) passed, the deadline is ahead: late, once
			{"an", "Hôm nay đến hạn việc #2:", 0}, // 08:00 and the deadline (08:30) both passed: dropped
			{"an", "Việc #2 đã quá hạn", 1},
			{"lead", "Việc #2 đã quá hạn", 1},
			{"an", "Hôm nay đến hạn việc #3:", 0}, // finished by an update kept while down
			{"an", "Việc #3 đã quá hạn", 0},
			{"an", "Đã xong việc #3:", 1},
			{"lead", "đã báo xong việc #3", 1},
			{"group", "Điểm việc sáng Thứ Ba 24/11/2026", 1}, // 07:30 missed, back before noon
			{"group", "Đã giao việc #4 ", 1},
		},
		lateReminders: 1, dropped: 1, overdue: 2, digest: true,
	}, {
		name:   "25h",
		tasks:  []string{"Báo cáo A hạn 17h 24/11", "Báo cáo B hạn 16h 23/11", "Báo cáo C hạn 10:30 24/11"},
		up:     []time.Time{at(23, 9, 1), at(23, 10, 0)},
		downAt: at(23, 10, 0), backAt: at(24, 11, 0),
		whileDown: []string{"an: /viec", "lead: /giao @an Việc giao lúc bot nghỉ hạn mai"},
		want: []want{
			{"an", "Hôm nay đến hạn việc #1:", 1},
			{"an", "Việc #2 đã quá hạn", 1}, // Monday 16:00, missed
			{"lead", "Việc #2 đã quá hạn", 1},
			{"an", "Việc #2 vẫn chưa xong", 1}, // Tuesday's nudge
			{"an", "Hôm nay đến hạn việc #3:", 0},
			{"an", "Việc #3 đã quá hạn", 1},
			{"lead", "Việc #3 đã quá hạn", 1},
			{"an", "Việc #3 vẫn chưa xong", 0}, // overdue today: no nudge before tomorrow
			{"group", "Điểm việc sáng Thứ Ba 24/11/2026", 1},
			{"group", "Đã giao việc #4 ", 1},
		},
		lateReminders: 1, dropped: 1, overdue: 4, nudges: 1, digest: true,
	}, {
		name:   "8d",
		tasks:  []string{"Báo cáo A hạn 17h 25/11", "Báo cáo B hạn 17h 2/12", "Báo cáo C hạn 9h 1/12"},
		up:     []time.Time{at(23, 9, 1), at(23, 10, 0)},
		downAt: at(23, 10, 0), backAt: dec(1, 13, 0),
		jump:      true,
		whileDown: []string{"an: /viec", "lead: /giao @an Việc sau một tuần hạn mai"},
		want: []want{
			{"an", "Nhắc việc #1:", 0}, // Tuesday 24/11 08:00, deadline passed
			{"an", "Hôm nay đến hạn việc #1:", 0},
			{"an", "Việc #1 đã quá hạn", 1},
			{"lead", "Việc #1 đã quá hạn", 1},
			{"an", "Việc #1 vẫn chưa xong", 1}, // today's, not the four missed
			{"an", "Nhắc việc #2:", 1},         // today 08:00, the deadline is tomorrow
			{"an", "Hôm nay đến hạn việc #2:", 0},
			{"an", "Nhắc việc #3:", 0},
			{"an", "Hôm nay đến hạn việc #3:", 0},
			{"an", "Việc #3 đã quá hạn", 1},
			{"lead", "Việc #3 đã quá hạn", 1},
			{"group", "Điểm việc sáng", 0}, // back after noon: today's digest is not sent
			{"group", "Đã giao việc #4 ", 1},
		},
		lateReminders: 1, dropped: 4, overdue: 4, nudges: 1,
	}}
	var table []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.hello(h.lead, h.an)
			for _, task := range c.tasks {
				h.say(h.group, h.lead, "/giao @an "+task)
			}
			if h.count() != 3 {
				t.Fatalf("%d tasks before the downtime, want 3", h.count())
			}
			for _, now := range c.up {
				h.tick(now)
			}
			// Down.
			path := h.db.Path()
			h.stop()
			if c.jump {
				// After a week without updates the next update_id is
				// random, not the next one.
				h.srv.JumpUpdateID(h.srv.ConfirmedOffset() + 736_281)
			}
			type kept struct {
				update int
				chat   int64
			}
			var updates []kept
			for _, line := range c.whileDown {
				who, text, _ := strings.Cut(line, ": ")
				chat, from := h.group, h.lead
				if who == "an" {
					chat, from = h.srv.PrivateChat(h.an), h.an
				}
				updates = append(updates, kept{h.srv.UserSays(chat, from, text), chat.ID})
			}
			// Back.
			before := len(h.srv.Sent())
			h.clock.Set(c.backAt)
			h.start(path)
			h.settle() // the kept updates
			h.tick(c.backAt)
			h.tick(c.backAt.Add(time.Minute))
			after := h.srv.Sent()[before:]

			chats := map[string]int64{"an": h.an.ID, "lead": h.lead.ID, "group": h.group.ID}
			count := func(chat int64, text string) int {
				n := 0
				for _, s := range after {
					if s.Method == "sendMessage" && s.ChatID == chat {
						n += strings.Count(s.Plain, text) // merged messages say several
					}
				}
				return n
			}
			for _, w := range c.want {
				if got := count(chats[w.who], w.text); got != w.n {
					t.Errorf("%s: %d × %q, want %d", w.who, got, w.text, w.n)
				}
			}
			processed := 0
			for _, u := range updates {
				msg := h.srv.MessageOf(u.update)
				n := 0
				for _, s := range after {
					if s.ChatID == u.chat && s.ReplyTo == msg {
						n++
					}
				}
				if n != 1 {
					t.Errorf("update %d kept while down: answered %d times, want once", u.update, n)
				} else {
					processed++
				}
			}
			if h.srv.Pending() != 0 {
				t.Errorf("%d kept updates not confirmed", h.srv.Pending())
			}
			if got := h.count(); got != 4 {
				t.Errorf("%d tasks after the kept /giao, want 4", got)
			}
			reminders := count(h.an.ID, "Nhắc việc #") + count(h.an.ID, "Hôm nay đến hạn việc #")
			overdue := count(h.an.ID, "đã quá hạn") + count(h.lead.ID, "đã quá hạn")
			nudges := count(h.an.ID, "vẫn chưa xong")
			digests := count(h.group.ID, "Điểm việc sáng")
			if reminders != c.lateReminders || overdue != c.overdue || nudges != c.nudges {
				t.Errorf("caught up %d reminders, %d overdue notices, %d nudges; want %d, %d, %d",
					reminders, overdue, nudges, c.lateReminders, c.overdue, c.nudges)
			}

			// Once: another pass, then a restart and a pass, add nothing.
			n := len(h.srv.Sent())
			h.tick(c.backAt.Add(2 * time.Minute))
			h.restart()
			h.tick(c.backAt.Add(3 * time.Minute))
			extra := h.srv.Sent()[n:]
			for _, s := range extra {
				t.Errorf("sent again after the catch-up: %d: %q", s.ChatID, s.Plain)
			}
			if c.jump && h.srv.ConfirmedOffset() <= updates[len(updates)-1].update {
				t.Errorf("confirmed offset %d: the updates after the jump were not confirmed", h.srv.ConfirmedOffset())
			}
			digest := "not sent"
			if digests > 0 {
				digest = fmt.Sprintf("sent ×%d", digests)
			}
			table = append(table, fmt.Sprintf("%-4s | %s → %s | %d sent late, %d stale dropped | %d | %d | %-8s | %d/%d once%s | %d",
				c.name, c.downAt.Format("Mon 02/01 15:04"), c.backAt.Format("Mon 02/01 15:04"), reminders, c.dropped,
				overdue, nudges, digest, processed, len(updates), map[bool]string{true: " after an update_id jump"}[c.jump], len(extra)))
		})
	}
	t.Logf("downtime catch-up (counts are messages sent by the catch-up; overdue notices go to assignee and assigner):\n"+
		"down | bot down → back                 | pre-deadline reminders        | overdue | nudges | digest   | kept updates | sent again\n%s",
		strings.Join(table, "\n"))
}
