package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	nhacviec "github.com/nhacviec/nhacviec"
)

// A database made by an earlier main opens, migrates, and answers as it
// did. testdata/main-e990ee1.db was made by the main of e990ee1 (before
// merged messages, message parts and chat owners: migrations 0006 on)
// with this harness's people: four tasks of the lead's (one done, one
// recurring), reminders and an overdue notice sent; the .txt files are
// what that version answered to an's /viec and the lead's /chitiet 1 at
// 17:01 on 24/11. Message 8 was the reminder of #1 in an's private chat.
func TestDatabaseOfPreviousMainMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	copyFile(t, "testdata/main-e990ee1.db", path)
	h := newHarness(t)
	h.stop()
	h.srv.JumpUpdateID(1000) // past the offset the database stored
	h.clock.Set(at(24, 17, 1))
	h.start(path)
	h.hello() // the group, as it was
	for _, c := range []struct {
		who  string
		ask  func() string
		file string
	}{
		{"an /viec", func() string { return h.say(h.private(h.an), h.an, "/viec").Plain }, "testdata/main-e990ee1.viec.txt"},
		{"lead /chitiet 1", func() string { return h.say(h.private(h.lead), h.lead, "/chitiet 1").Plain }, "testdata/main-e990ee1.chitiet.txt"},
	} {
		want, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.ask(); got != string(want) {
			t.Errorf("%s after the migration:\n%s\nwant, as e990ee1 answered:\n%s", c.who, got, want)
		}
	}
	// The delivered reminder still resolves to its task: "xong" to it.
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		an, err := tx.PersonByUsername("telegram", "an")
		if err != nil {
			return err
		}
		ids, err := tx.TasksOfMessage(an.PrivateChatID, "8")
		if err != nil {
			return err
		}
		if len(ids) != 1 || ids[0] != 1 {
			t.Errorf("the reminder of #1 resolves to %v after the migration", ids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.reply(h.private(h.an), h.an, "xong", 8); !strings.Contains(r.Plain, "Đã xong việc #1") {
		t.Errorf("xong replied to the old reminder: %q", r.Plain)
	}
	// What e990ee1 planned is not planned again: its keys were rewritten
	// into today's form (0015_plan_keys.sql). It had planned #3's overdue
	// notices, to go out at 08:00 on the 25th; the pass then plans #1's
	// reminder of its day and #3's first nudge, and not the overdue
	// notices a second time.
	h.tick(at(25, 8, 0))
	overdue := 0
	for _, s := range h.srv.Sent() {
		overdue += strings.Count(s.Plain, "Việc #3 đã quá hạn")
	}
	if overdue != 2 {
		t.Errorf("#3's overdue notice went out %d times, want 2 (to lead, and to binh in the group)\n%s", overdue, h.dump())
	}

}

// The database of the main before the directive tasks (39243eb: fields,
// extensions and progress notes, migrations up to 0010) opens, migrates
// (0011–0015: coordinators, review, the ladder, drafts, keys by day) and
// answers an's /viec as that version did; the extended task and the one
// with fields keep what /chitiet showed of them. It holds five tasks: #1
// extended to the 27th, #2 with its result, source and marks and a
// progress note, #3 overdue with an extension asked and not yet decided,
// #4 done; testdata/main-39243eb.*.txt are 39243eb's answers at 17:01 on
// the 24th.
func TestDatabaseOfLastMainMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	copyFile(t, "testdata/main-39243eb.db", path)
	h := newHarness(t)
	h.stop()
	h.srv.JumpUpdateID(1000)
	h.clock.Set(at(24, 17, 1))
	h.start(path)
	h.hello()
	read := func(name string) string {
		b, err := os.ReadFile("testdata/main-39243eb." + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got, want := h.say(h.private(h.an), h.an, "/viec").Plain, read("viec"); got != want {
		t.Errorf("an's /viec after the migration:\n%s\nwant, as 39243eb answered:\n%s", got, want)
	}
	for _, c := range []struct{ id, file string }{{"1", "chitiet1"}, {"2", "chitiet2"}} {
		got := h.say(h.private(h.lead), h.lead, "/chitiet "+c.id).Plain
		for _, line := range strings.Split(read(c.file), "\n") {
			if !strings.Contains(got, line) {
				t.Errorf("/chitiet %s after the migration lacks %q:\n%s", c.id, line, got)
			}
		}
	}
	// #3's pending extension is still decided by its button, once.
	req := h.say(h.private(h.lead), h.lead, "/giahan 3 dongy")
	contains(t, req, "Đã đồng ý gia hạn việc #3")
	if got := h.task(3).Deadline; !got.Equal(at(26, 17, 0)) {
		t.Errorf("#3's deadline after the approval = %v, want 17:00 on the 26th", got)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// The database of the main this one grew from (0a71009, migrations up to
// 0016), made by that main's own harness: #1 with binh's part done, #2
// waiting for review, #3 overdue, #4 returned once. It migrates
// (0018–0022: personal settings, Zalo's seen messages, linked accounts,
// download links, numbered questions) and answers as 0a71009 did at
// 09:00 on the 26th (testdata/main-0a71009.*.txt); then the review is
// decided, the overdue task is nudged once on the next morning, and an
// account links.
func TestDatabaseOf0a71009Migrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	copyFile(t, "testdata/main-0a71009.db", path)
	h := newHarness(t)
	h.stop()
	h.srv.JumpUpdateID(1000)
	h.clock.Set(at(26, 9, 0))
	h.start(path)
	read := func(name string) string {
		b, err := os.ReadFile("testdata/main-0a71009." + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		who  string
		ask  func() string
		file string
	}{
		{"an /viec", func() string { return h.say(h.private(h.an), h.an, "/viec").Plain }, "viec"},
		{"lead /quahan", func() string { return h.say(h.private(h.lead), h.lead, "/quahan").Plain }, "quahan"},
	} {
		if got, want := c.ask(), read(c.file); got != want {
			t.Errorf("%s after the migration:\n%s\nwant, as 0a71009 answered:\n%s", c.who, got, want)
		}
	}
	for _, id := range []string{"1", "2", "4"} {
		got := h.say(h.private(h.lead), h.lead, "/chitiet "+id).Plain
		for _, line := range strings.Split(read("chitiet"+id), "\n") {
			if !strings.Contains(got, line) {
				t.Errorf("/chitiet %s after the migration lacks %q:\n%s", id, line, got)
			}
		}
	}
	contains(t, h.say(h.private(h.lead), h.lead, "/duyet 2"), "#2")
	if task := h.task(2); task.Status != nhacviec.StatusDone {
		t.Errorf("#2 after /duyet: %s", task.Status)
	}
	// Friday: #3's nudge, planned ahead from 03:00, goes once (in the
	// group, with a mention: binh's private chat is new to this fake).
	h.tick(at(27, 3, 0))
	h.tick(at(27, 8, 0))
	nudges := 0
	for _, s := range h.srv.Sent() {
		nudges += strings.Count(s.Plain, "Việc #3 vẫn chưa xong")
	}
	if nudges != 1 {
		t.Errorf("#3's nudge went %d times on Friday, want once\n%s", nudges, h.dump())
	}
	contains(t, h.say(h.private(h.an), h.an, "/lienket"), "Mã liên kết")
}
