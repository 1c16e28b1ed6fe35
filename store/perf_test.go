package store_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// FindTaskKeys selects what FindTasks selects, in the same order.
func TestFindTaskKeysMatchesFindTasks(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var people, chats, units []int64
	update(t, db, func(tx nhacviec.Tx) error {
		for i := range 4 {
			u := &nhacviec.Unit{Name: fmt.Sprint("u", i)}
			if err := tx.CreateUnit(u); err != nil {
				return err
			}
			c := &nhacviec.Chat{Transport: "t", ExternalID: fmt.Sprint("-", i), Kind: nhacviec.ChatGroup}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			units, chats = append(units, u.ID), append(chats, c.ID)
		}
		for i := range 6 {
			p := &nhacviec.Person{Transport: "t", ExternalID: fmt.Sprint(i)}
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			people = append(people, p.ID)
		}
		statuses := []nhacviec.Status{nhacviec.StatusOpen, nhacviec.StatusOpen, nhacviec.StatusDone, nhacviec.StatusCancelled}
		for k := range 300 {
			task := &nhacviec.Task{Title: fmt.Sprint("t", k), AssignerID: people[k%6], AssigneeID: people[(k*5+1)%6],
				ChatID: chats[k%4], Deadline: now.Add(time.Duration(k%37-18) * 24 * time.Hour), // ties on deadline
				Status: statuses[(k/3)%4], CreatedAt: now.Add(-100 * 24 * time.Hour)}
			if k%5 != 0 {
				task.UnitID = units[(k/2)%4]
			}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
		}
		return nil
	})
	filters := []nhacviec.TaskFilter{
		{},
		{Status: nhacviec.StatusOpen},
		{Status: nhacviec.StatusDone, DeadlineBefore: now},
		{Status: nhacviec.StatusOpen, AssigneeID: people[1]},
		{Status: nhacviec.StatusOpen, DeadlineBefore: now},
		{Status: nhacviec.StatusOpen, DeadlineFrom: now, DeadlineBefore: now.AddDate(0, 0, 7)},
		{Status: nhacviec.StatusOpen, InvolvedID: people[2], UnitIDs: units[1:3], DeadlineBefore: now},
		{Status: nhacviec.StatusOpen, ChatID: chats[0], UnitIDs: units[:1], DeadlineBefore: now.AddDate(0, 0, 4)},
		{Status: nhacviec.StatusOpen, ChatID: chats[3]},
		{InvolvedID: people[0], ChatID: chats[1], UnitIDs: units, Limit: 7},
		{Status: nhacviec.StatusOpen, AssigneeID: people[3], InvolvedID: people[4], ChatID: chats[2]},
		{IDs: []int64{5, 1, 77, 300, 1000}},
		{Status: nhacviec.StatusOpen, UnitIDs: units[2:], IDs: []int64{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
	}
	db.View(ctx, func(tx nhacviec.Tx) error {
		for _, f := range filters {
			tasks, err := tx.FindTasks(f)
			if err != nil {
				t.Fatal(err)
			}
			keys, err := tx.FindTaskKeys(f)
			if err != nil {
				t.Fatal(err)
			}
			var want []nhacviec.TaskKey
			for _, task := range tasks {
				want = append(want, nhacviec.TaskKey{ID: task.ID, AssigneeID: task.AssigneeID, UnitID: task.UnitID, Deadline: task.Deadline})
			}
			if len(want) == 0 {
				t.Errorf("%+v selects nothing: a useless case", f)
			}
			if !slices.EqualFunc(keys, want, func(a, b nhacviec.TaskKey) bool {
				return a.ID == b.ID && a.AssigneeID == b.AssigneeID && a.UnitID == b.UnitID && a.Deadline.Equal(b.Deadline)
			}) {
				t.Errorf("%+v:\nFindTaskKeys %v\nFindTasks    %v", f, keys, want)
			}
		}
		return nil
	})
}
