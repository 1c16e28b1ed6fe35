package nhacviec_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/store"
)

// The next occurrence of a recurring task is made once, whoever asks
// (the bot when it is finished, the scheduler when it falls due), with
// its creation in its history; a task that does not recur, or whose
// recurrence cannot be read, gets none.
func TestCreateNextOccurrence(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.New(calendar.Config{Location: hcm})
	deadline := time.Date(2026, 11, 20, 17, 0, 0, 0, hcm) // a Friday
	var task, plain, garbled *nhacviec.Task
	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		chat := &nhacviec.Chat{Transport: "t", ExternalID: "1", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		p := &nhacviec.Person{Transport: "t", ExternalID: "1", PrivateChatID: chat.ID}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		newTask := func(recur string) (*nhacviec.Task, error) {
			t := &nhacviec.Task{Title: "Báo cáo tháng", AssignerID: p.ID, AssigneeID: p.ID, ChatID: chat.ID,
				Deadline: deadline, Status: nhacviec.StatusOpen, Recur: recur}
			return t, tx.CreateTask(t)
		}
		if task, err = newTask("trước ngày 20 hàng tháng"); err != nil {
			return err
		}
		if plain, err = newTask(""); err != nil {
			return err
		}
		garbled, err = newTask("khi nào rảnh")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	var first, second *nhacviec.Task
	var events []*nhacviec.TaskEvent
	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		if first, err = nhacviec.CreateNextOccurrence(tx, cal, task, task.AssigneeID); err != nil {
			return err
		}
		// The scheduler, when the deadline comes: there is one already.
		if second, err = nhacviec.CreateNextOccurrence(tx, cal, task, 0); err != nil {
			return err
		}
		if first != nil {
			events, err = tx.Events(first.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if first == nil || second != nil {
		t.Fatalf("first call made %v, second %v; want one task, then none", first, second)
	}
	want := time.Date(2026, 12, 18, 17, 0, 0, 0, hcm) // before the 20th: 19–20/12/2026 is a weekend
	if !first.Deadline.Equal(want) || first.SeriesID != task.ID || first.Recur != task.Recur || !first.Open() {
		t.Errorf("next occurrence = %+v, want due %v in series %d", first, want, task.ID)
	}
	if len(events) != 1 || events[0].Kind != nhacviec.EventCreated || events[0].ActorID != task.AssigneeID || events[0].Note == "" {
		t.Errorf("history of the next occurrence: %+v", events)
	}

	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		if next, err := nhacviec.CreateNextOccurrence(tx, cal, plain, 0); err != nil || next != nil {
			t.Errorf("a task that does not recur: %v, %v", next, err)
		}
		next, err := nhacviec.CreateNextOccurrence(tx, cal, garbled, 0)
		if nhacviec.ErrorCode(err) != nhacviec.EInvalid || next != nil {
			t.Errorf("an unreadable recurrence: %v, %v; want EInvalid", next, err)
		}
		all, err := tx.FindTasks(nhacviec.TaskFilter{})
		if len(all) != 4 {
			t.Errorf("%d tasks, want 4 (three and one occurrence)", len(all))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
