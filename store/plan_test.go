package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	_ "modernc.org/sqlite"
)

// The scheduler's batch methods (nhacviec.PlanTx) do for many rows what
// Enqueue, Person and SaveTask do for one.
func TestBatchMethodsMatchOneByOne(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	var chat *nhacviec.Chat
	var people []*nhacviec.Person
	var tasks []*nhacviec.Task
	var msgs []*nhacviec.Message
	update(t, db, func(tx nhacviec.Tx) error {
		chat = &nhacviec.Chat{Transport: "t", ExternalID: "-1", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		for i := range 3 {
			p := &nhacviec.Person{Transport: "t", ExternalID: fmt.Sprint(i), Username: fmt.Sprint("u", i)}
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			people = append(people, p)
		}
		for i := range 12 {
			task := &nhacviec.Task{Title: fmt.Sprint("t", i), AssignerID: people[0].ID, AssigneeID: people[1].ID, ChatID: chat.ID,
				Deadline: now.Add(time.Hour), Status: nhacviec.StatusOpen, NextPlanAt: now}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			tasks = append(tasks, task)
		}
		// Already planned: task 1's nudge (to chat), a one-off reply.
		_, err := tx.Enqueue(&nhacviec.Message{Key: fmt.Sprintf("nudge:%d:d:%d", tasks[1].ID, chat.ID), ChatID: chat.ID, Kind: nhacviec.KindNudge, Text: "old"})
		return err
	})

	update(t, db, func(tx nhacviec.Tx) error {
		// A key is planned when a stored message's key starts with it and
		// a colon, not when it is a mere prefix ("nudge:1" of "nudge:12:…").
		var keys []string
		for _, task := range tasks {
			keys = append(keys, fmt.Sprintf("nudge:%d:d", task.ID), fmt.Sprintf("nudge:%d", task.ID))
		}
		keys = append(keys, "nudge", "nudge:", "other")
		planned, err := tx.PlannedKeys(keys)
		if err != nil {
			return err
		}
		stored := fmt.Sprintf("nudge:%d:d:%d", tasks[1].ID, chat.ID)
		for _, k := range keys {
			if want := strings.HasPrefix(stored, k+":"); planned[k] != want {
				t.Errorf("PlannedKeys[%q] = %v, want %v", k, planned[k], want)
			}
		}
		if n := len(planned); n != 3 {
			t.Errorf("PlannedKeys found %d keys, want 3: %v", n, planned)
		}
		if got, err := tx.PlannedKeys(nil); err != nil || len(got) != 0 {
			t.Errorf("PlannedKeys(nil) = %v, %v", got, err)
		}

		// People: the known ones, by id.
		got, err := tx.People([]int64{people[2].ID, people[0].ID, people[0].ID, 999})
		if err != nil {
			return err
		}
		if len(got) != 2 || *got[people[0].ID] != *people[0] || *got[people[2].ID] != *people[2] {
			t.Errorf("People = %v", got)
		}

		// EnqueueAll: 100 messages (statements of 64, 32 and 4 rows):
		// one key planned before, one twice in the batch, two one-offs.
		for i := range 96 {
			task := tasks[i%len(tasks)]
			msgs = append(msgs, &nhacviec.Message{Key: fmt.Sprintf("nudge:%d:d:%d:%d", task.ID, chat.ID, i), ChatID: chat.ID,
				Kind: nhacviec.KindNudge, TaskID: task.ID, Text: fmt.Sprint("m", i), HTML: true,
				Buttons: [][]nhacviec.Button{{{Text: "✅", Data: fmt.Sprint("done:", task.ID)}}}, NotBefore: now.Add(time.Hour)})
		}
		msgs = append(msgs,
			&nhacviec.Message{Key: fmt.Sprintf("nudge:%d:d:%d", tasks[1].ID, chat.ID), ChatID: chat.ID, Kind: nhacviec.KindNudge, Text: "again"},
			&nhacviec.Message{Key: msgs[5].Key, ChatID: chat.ID, Kind: nhacviec.KindNudge, Text: "twice"},
			&nhacviec.Message{ChatID: chat.ID, Kind: nhacviec.KindReply, Text: "r1"},
			&nhacviec.Message{ChatID: chat.ID, Kind: nhacviec.KindReply, Text: "r2"})
		n, err := tx.EnqueueAll(msgs)
		if err != nil {
			return err
		}
		if n != 98 {
			t.Errorf("EnqueueAll added %d, want 98", n)
		}
		if n, err := tx.EnqueueAll(nil); err != nil || n != 0 {
			t.Errorf("EnqueueAll(nil) = %d, %v", n, err)
		}
		// A recipe would be lost: refused, not written without it.
		if _, err := tx.EnqueueAll([]*nhacviec.Message{{Key: "report:x", ChatID: chat.ID, Kind: nhacviec.KindDocument, Attach: "xlsx"}}); err == nil {
			t.Error("EnqueueAll wrote a message with a recipe")
		}

		// SetNextPlans: later, never (NULL), and an unknown task fails.
		ids, at := []int64{tasks[0].ID, tasks[1].ID, tasks[2].ID}, []time.Time{now.Add(24 * time.Hour), {}, now.Add(24 * time.Hour)}
		if err := tx.SetNextPlans(ids, at); err != nil {
			return err
		}
		for i, id := range ids {
			task, err := tx.Task(id)
			if err != nil {
				return err
			}
			if !task.NextPlanAt.Equal(at[i]) {
				t.Errorf("task %d next plan %v, want %v", id, task.NextPlanAt, at[i])
			}
		}
		due, err := tx.TasksToPlan(now, 100)
		if err != nil {
			return err
		}
		if len(due) != len(tasks)-3 {
			t.Errorf("%d tasks due after SetNextPlans, want %d", len(due), len(tasks)-3)
		}
		if err := tx.SetNextPlans([]int64{tasks[3].ID, 999}, []time.Time{now, now}); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("SetNextPlans of an unknown task: %v", err)
		}
		return nil
	})

	// What EnqueueAll stored is what Enqueue stores.
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT coalesce(key, ''), chat_id, kind, coalesce(task_id, 0), text, html, coalesce(buttons, ''), not_before, created_at FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct {
		key, kind, text, buttons       string
		chat, task, notBefore, created int64
		html                           bool
	}
	byText := map[string]row{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.key, &r.chat, &r.kind, &r.task, &r.text, &r.html, &r.buttons, &r.notBefore, &r.created); err != nil {
			t.Fatal(err)
		}
		byText[r.text] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_, again := byText["again"]
	_, twice := byText["twice"]
	_, r1 := byText["r1"]
	if len(byText) != 99 || again || twice || !r1 {
		t.Fatalf("outbox: %d messages, again %v, twice %v, r1 %v", len(byText), again, twice, r1)
	}
	want := row{key: msgs7key(tasks[7].ID, chat.ID), kind: "nudge", text: "m7", buttons: fmt.Sprintf(`[[{"Text":"✅","Data":"done:%d"}]]`, tasks[7].ID),
		chat: chat.ID, task: tasks[7].ID, notBefore: now.Add(time.Hour).UnixMilli(), created: now.UnixMilli(), html: true}
	if got := byText["m7"]; got != want {
		t.Errorf("m7 stored as\n%+v, want\n%+v", got, want)
	}
	if r := byText["r1"]; r.notBefore != now.UnixMilli() || r.key != "" || r.task != 0 {
		t.Errorf("r1 stored as %+v", r)
	}
}

func msgs7key(task, chat int64) string { return fmt.Sprintf("nudge:%d:d:%d:7", task, chat) }
