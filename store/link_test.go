package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// Linking a Zalo account that has tasks, roles and history of its own to
// a Telegram person who has theirs loses none of it: everything names the
// person kept, a role both held is kept once, and the Zalo account then
// answers for that person, whose messages go to the app they used last
// or chose.
func TestLinkPeopleKeepsBothHistories(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	var tg, zl nhacviec.Person
	var tgChat, zlChat, group nhacviec.Chat
	var tasks []int64
	var unit nhacviec.Unit
	update(t, db, func(tx nhacviec.Tx) error {
		tgChat = nhacviec.Chat{Transport: "telegram", ExternalID: "1", Kind: nhacviec.ChatPrivate}
		zlChat = nhacviec.Chat{Transport: "zalo", ExternalID: "z1", Kind: nhacviec.ChatPrivate}
		group = nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup}
		for _, c := range []*nhacviec.Chat{&tgChat, &zlChat, &group} {
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
		}
		tg = nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "an", DisplayName: "An", PrivateChatID: tgChat.ID}
		zl = nhacviec.Person{Transport: "zalo", ExternalID: "z1", DisplayName: "Nguyễn Văn An", PrivateChatID: zlChat.ID}
		for _, p := range []*nhacviec.Person{&tg, &zl} {
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			if err := tx.SeenIn(group.ID, p.ID); err != nil {
				return err
			}
		}
		unit = nhacviec.Unit{Name: "Phòng A"}
		if err := tx.CreateUnit(&unit); err != nil {
			return err
		}
		for _, p := range []int64{tg.ID, zl.ID} {
			if err := tx.Grant(nhacviec.Membership{PersonID: p, UnitID: unit.ID, Role: nhacviec.RoleMember}); err != nil {
				return err
			}
		}
		if err := tx.Grant(nhacviec.Membership{PersonID: zl.ID, UnitID: unit.ID, Role: nhacviec.RoleHead}); err != nil {
			return err
		}
		for _, p := range []int64{tg.ID, zl.ID} {
			task := &nhacviec.Task{Title: "x", AssignerID: p, AssigneeID: p, ChatID: group.ID, Deadline: time.Now().Add(time.Hour), Status: nhacviec.StatusOpen}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			if err := tx.AddEvent(&nhacviec.TaskEvent{TaskID: task.ID, ActorID: p, Kind: "created"}); err != nil {
				return err
			}
			tasks = append(tasks, task.ID)
		}
		return tx.LinkPeople(tg.ID, zl.ID)
	})
	update(t, db, func(tx nhacviec.Tx) error {
		for _, id := range tasks {
			task, err := tx.Task(id)
			if err != nil {
				return err
			}
			if task.AssigneeID != tg.ID || task.AssignerID != tg.ID {
				t.Errorf("task %d: assignee %d assigner %d, want %d", id, task.AssigneeID, task.AssignerID, tg.ID)
			}
			evs, err := tx.Events(id)
			if err != nil {
				return err
			}
			if len(evs) != 1 || evs[0].ActorID != tg.ID {
				t.Errorf("task %d history: %+v", id, evs)
			}
		}
		roles, err := tx.Roles(tg.ID)
		if err != nil {
			return err
		}
		if len(roles) != 2 {
			t.Errorf("roles %+v, want member and head once each", roles)
		}
		if roles, _ := tx.UnitRoles(unit.ID); len(roles) != 2 {
			t.Errorf("unit roles %+v", roles)
		}
		// The Zalo account writes: it is the person kept, and the app
		// they wrote from last is where they are written to.
		again := nhacviec.Person{Transport: "zalo", ExternalID: "z1", DisplayName: "Nguyễn Văn An", PrivateChatID: zlChat.ID}
		if err := tx.EnsurePerson(&again); err != nil {
			return err
		}
		if again.ID != tg.ID || !again.Linked {
			t.Errorf("zalo account is person %d (linked %v), want %d", again.ID, again.Linked, tg.ID)
		}
		p, err := tx.Person(tg.ID)
		if err != nil {
			return err
		}
		if p.PrivateChatID != zlChat.ID {
			t.Errorf("after a Zalo message, written to chat %d, want Zalo's %d", p.PrivateChatID, zlChat.ID)
		}
		if err := tx.SetChannel(tg.ID, "telegram"); err != nil {
			return err
		}
		if p, _ := tx.Person(tg.ID); p.PrivateChatID != tgChat.ID || p.Channel != "telegram" {
			t.Errorf("chosen Telegram: chat %d channel %q, want %d", p.PrivateChatID, p.Channel, tgChat.ID)
		}
		if p, err := tx.Person(zl.ID); err != nil || p.ID != tg.ID {
			t.Errorf("the Zalo account's old id reads as %+v, %v; want person %d", p, err, tg.ID)
		}
		accounts, err := tx.Accounts(tg.ID)
		if err != nil {
			return err
		}
		if len(accounts) != 2 || accounts[0].Transport != "telegram" || accounts[1].Transport != "zalo" {
			t.Errorf("accounts %+v", accounts)
		}
		dir, err := tx.Directory(group.ID)
		if err != nil {
			return err
		}
		if len(dir) != 2 || dir[0].ID != tg.ID || dir[1].ID != tg.ID || dir[1].DisplayName != "Nguyễn Văn An" {
			t.Errorf("directory %+v", dir)
		}
		// Telegram refuses: the Zalo chat still reaches them.
		if err := tx.SetChannel(tg.ID, ""); err != nil {
			return err
		}
		gone, err := tx.Unreachable(tgChat.ID)
		if err != nil {
			return err
		}
		if gone == nil || gone.ID != tg.ID || gone.PrivateChatID != zlChat.ID {
			t.Errorf("after Telegram refused: %+v, want still reachable on Zalo", gone)
		}
		if err := tx.LinkPeople(tg.ID, zl.ID); nhacviec.ErrorCode(err) != nhacviec.EInvalid {
			t.Errorf("linking again: %v, want EInvalid", err)
		}
		return nil
	})
}

// A code is used once.
func TestLinkCodeOnce(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	update(t, db, func(tx nhacviec.Tx) error {
		p := nhacviec.Person{Transport: "telegram", ExternalID: "1"}
		if err := tx.EnsurePerson(&p); err != nil {
			return err
		}
		c := &nhacviec.LinkCode{Code: "123456", PersonID: p.ID, Transport: "telegram", ExpiresAt: time.Now().Add(10 * time.Minute)}
		if err := tx.CreateLinkCode(c); err != nil {
			return err
		}
		if err := tx.CreateLinkCode(c); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("same code twice: %v", err)
		}
		if err := tx.UseLinkCode("123456", p.ID); err != nil {
			return err
		}
		if err := tx.UseLinkCode("123456", p.ID); nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("used twice: %v", err)
		}
		got, err := tx.LinkCode("123456")
		if err != nil || got.UsedAt.IsZero() || got.PersonID != p.ID {
			t.Errorf("code %+v, %v", got, err)
		}
		if _, err := tx.LinkCode("654321"); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("unknown code: %v", err)
		}
		return nil
	})
}

// Migration 0020 keeps every person as they were: nobody linked, each
// written to in their own private chat.
func TestMigration0020KeepsPeople(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 16); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'telegram', '7', 'private', 0)`,
		`INSERT INTO people (id, transport, external_id, username, display_name, private_chat_id, created_at, updated_at)
			VALUES (1, 'telegram', '7', 'an', 'An', 1, 0, 0), (2, 'telegram', '8', '', 'Bình', NULL, 0, 0)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db := mustOpen(t, path)
	update(t, db, func(tx nhacviec.Tx) error {
		ps, err := tx.People([]int64{1, 2})
		if err != nil {
			return err
		}
		if len(ps) != 2 || ps[1].Username != "an" || ps[1].PrivateChatID != 1 || ps[1].Linked || ps[2].DisplayName != "Bình" || ps[2].PrivateChatID != 0 {
			t.Errorf("people after 0020: %+v %+v", ps[1], ps[2])
		}
		p, err := tx.PersonByUsername("telegram", "@AN")
		if err != nil || p.ID != 1 {
			t.Errorf("by username: %+v %v", p, err)
		}
		return nil
	})
}

// One human named on a task twice, once by each account: after the link
// one part is left, the person's, and it is the delivered one.
func TestLinkPeopleMergesAPartNamedTwice(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	var tg, zl nhacviec.Person
	var task nhacviec.Task
	update(t, db, func(tx nhacviec.Tx) error {
		group := nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(&group); err != nil {
			return err
		}
		tg = nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "an"}
		zl = nhacviec.Person{Transport: "zalo", ExternalID: "z1", DisplayName: "An"}
		for _, p := range []*nhacviec.Person{&tg, &zl} {
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
		}
		task = nhacviec.Task{Title: "x", AssignerID: tg.ID, AssigneeID: tg.ID, ChatID: group.ID, Deadline: time.Now().Add(72 * time.Hour), Status: nhacviec.StatusOpen}
		if err := tx.CreateTask(&task); err != nil {
			return err
		}
		for _, p := range []int64{tg.ID, zl.ID} {
			if err := tx.AddCoordinator(&nhacviec.Coordinator{TaskID: task.ID, PersonID: p, Deadline: time.Now().Add(24 * time.Hour)}); err != nil {
				return err
			}
		}
		parts, err := tx.Coordinators(task.ID)
		if err != nil {
			return err
		}
		for _, c := range parts {
			if c.PersonID == zl.ID { // delivered from Zalo
				if err := tx.FinishCoordinator(&nhacviec.Coordinator{ID: c.ID, DoneBy: zl.ID}); err != nil {
					return err
				}
			}
		}
		return tx.LinkPeople(tg.ID, zl.ID)
	})
	var parts []*nhacviec.Coordinator
	if err := db.View(ctx, func(tx nhacviec.Tx) error {
		var err error
		parts, err = tx.Coordinators(task.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0].PersonID != tg.ID || parts[0].DoneAt.IsZero() {
		t.Fatalf("parts after the link: %+v; want one, the person's, delivered", parts)
	}
}
