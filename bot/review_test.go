package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
)

// A reviewer who never opened a private chat with the bot is told of a
// submission in the task's group, with a mention and the buttons; the
// scheduler's reminder to them goes there too. Each step is one update
// through Handle against a real store.
func TestReviewInAGroupWhenTheReviewerIsNotReachable(t *testing.T) {
	db, b, path := batchSetup(t)
	ctx := context.Background()
	private := func(id int64, from, text string) bot.Update {
		return bot.Update{Transport: "telegram", ID: id, ChatID: from, ChatKind: nhacviec.ChatPrivate,
			From: &bot.User{ID: from, Username: from, Name: from}, MessageID: "p" + text, Text: text}
	}
	for _, u := range []bot.Update{
		groupUpdate(1, "an", "chào"),
		private(2, "an", "/start"),
		groupUpdate(3, "lead", "/giao @an Báo cáo tuần hạn mai\nduyệt"),
		private(4, "an", "/xong 1 đã gửi bản mềm"),
	} {
		if err := b.Handle(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, path, `SELECT count(*) FROM tasks WHERE needs_review = 1 AND submitted_at IS NOT NULL AND status = 'open'`); n != 1 {
		t.Fatalf("%d tasks submitted, want 1", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox o JOIN chats c ON c.id = o.chat_id
		WHERE c.external_id = '-100' AND o.text LIKE '@lead 📤 @an báo xong việc #1, chờ bạn duyệt%' AND o.buttons LIKE '%rv:1:y%'`); n != 1 {
		t.Errorf("%d submissions said in the group with the reviewer's mention and buttons, want 1", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'p/xong 1 đã gửi bản mềm' AND text LIKE '%Đã gửi @lead duyệt việc #1%chưa mở chat riêng%'`); n != 1 {
		t.Errorf("the lead was not told that the reviewer cannot be written to privately")
	}
	var msgs []*nhacviec.Message
	err := db.View(ctx, func(tx nhacviec.Tx) error {
		task, err := tx.Task(1)
		if err != nil {
			return err
		}
		msgs, err = b.Compose(tx, nhacviec.Notice{Kind: nhacviec.KindReminder, Slot: nhacviec.SlotReview + ":1:2026-11-24",
			Task: task, At: time.Date(2026, 11, 24, 9, 0, 0, 0, b.Calendar.Location())})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Text, "@lead 🔍 Nhắc duyệt việc #1") || len(msgs[0].Buttons) != 1 ||
		msgs[0].Buttons[0][0].Data != "rv:1:y" || msgs[0].Kind != nhacviec.KindReminder {
		t.Fatalf("the reviewer's reminder: %+v", msgs)
	}
	// Approved by a reply in the group: done, and the reminder has nothing
	// left to say.
	if err := b.Handle(ctx, bot.Update{Transport: "telegram", ID: 5, ChatID: "-100", ChatKind: nhacviec.ChatGroup,
		From: &bot.User{ID: "lead", Username: "lead", Name: "lead"}, MessageID: "m5", Text: "/duyet 1 tốt"}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, `SELECT count(*) FROM tasks WHERE status = 'done' AND submitted_at IS NULL AND late_days = 0 AND finished_at IS NOT NULL`); n != 1 {
		t.Fatal("the task was not approved on time")
	}
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		task, err := tx.Task(1)
		if err != nil {
			return err
		}
		msgs, err = b.Compose(tx, nhacviec.Notice{Kind: nhacviec.KindReminder, Slot: nhacviec.SlotReview + ":1:2026-11-24", Task: task})
		return err
	})
	if err != nil || len(msgs) != 0 {
		t.Fatalf("a reminder for a decided submission: %+v, %v", msgs, err)
	}
}
