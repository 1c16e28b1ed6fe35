package scheduler_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/scheduler"
	"github.com/nhacviec/nhacviec/store"
)

// reports composes an escalation as one message to its recipient's
// private chat, "escalation SLOT #1 #2", and the other notices as the
// recorder does; it keeps the escalations it was asked for.
type reports struct {
	recorder
	escalations []nhacviec.Notice
}

func (r *reports) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	switch n.Kind {
	case nhacviec.KindMonthly: // monthly_test.go: the table, the chart, the file
		var out []*nhacviec.Message
		for _, k := range []nhacviec.MessageKind{nhacviec.KindMonthly, nhacviec.KindPhoto, nhacviec.KindDocument} {
			out = append(out, &nhacviec.Message{ChatID: n.To.PrivateChatID, Kind: k, Text: string(k) + " " + n.Slot, Attach: `{"what":"x"}`})
		}
		return out, nil
	case nhacviec.KindChase: // chase_test.go
	case nhacviec.KindEscalation:
	default:
		return r.recorder.Compose(tx, n)
	}
	r.escalations = append(r.escalations, n)
	var ids []string
	for _, k := range n.Escalated {
		ids = append(ids, fmt.Sprintf("#%d", k.ID))
	}
	return []*nhacviec.Message{{ChatID: n.To.PrivateChatID, Kind: n.Kind, Text: string(n.Kind) + " " + n.Slot + " " + strings.Join(ids, " ")}}, nil
}

// ladderOrg is a Sở with a leader and a monitor, and under it Phòng A
// with its head and two members, an and binh; everyone can be written to
// privately. Tasks are binh's to an unless said.
type ladderOrgFixture struct {
	t                                 *testing.T
	path                              string
	db                                *store.DB
	rep                               *reports
	s                                 *scheduler.Scheduler
	so, phong                         *nhacviec.Unit
	leader, monitor, head, an, binh   *nhacviec.Person
	group                             *nhacviec.Chat
	chats                             map[int64]string // private chat → username
	sentBefore                        int
	leaderChat, headChat, monitorChat int64
}

func newLadderOrg(t *testing.T) *ladderOrgFixture {
	f := &ladderOrgFixture{t: t, path: filepath.Join(t.TempDir(), "l.db"), chats: map[int64]string{}}
	f.open()
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		f.so, f.phong = &nhacviec.Unit{Name: "Sở"}, &nhacviec.Unit{Name: "Phòng A"}
		if err := tx.CreateUnit(f.so); err != nil {
			return err
		}
		f.phong.ParentID = f.so.ID
		if err := tx.CreateUnit(f.phong); err != nil {
			return err
		}
		f.group = &nhacviec.Chat{Transport: "test", ExternalID: "-1", Kind: nhacviec.ChatGroup, Title: "Phòng A"}
		if err := tx.EnsureChat(f.group); err != nil {
			return err
		}
		person := func(id, name string, unit int64, role nhacviec.Role) (*nhacviec.Person, error) {
			chat := &nhacviec.Chat{Transport: "test", ExternalID: id, Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(chat); err != nil {
				return nil, err
			}
			p := &nhacviec.Person{Transport: "test", ExternalID: id, Username: name, PrivateChatID: chat.ID}
			if err := tx.EnsurePerson(p); err != nil {
				return nil, err
			}
			f.chats[chat.ID] = name
			return p, tx.Grant(nhacviec.Membership{PersonID: p.ID, UnitID: unit, Role: role})
		}
		var err error
		for _, p := range []struct {
			to   **nhacviec.Person
			id   string
			name string
			unit int64
			role nhacviec.Role
		}{
			{&f.leader, "1", "leader", f.so.ID, nhacviec.RoleLeader},
			{&f.monitor, "2", "monitor", f.so.ID, nhacviec.RoleMonitor},
			{&f.head, "3", "head", f.phong.ID, nhacviec.RoleHead},
			{&f.an, "4", "an", f.phong.ID, nhacviec.RoleMember},
			{&f.binh, "5", "binh", f.phong.ID, nhacviec.RoleMember},
		} {
			if *p.to, err = person(p.id, p.name, p.unit, p.role); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// open (re)opens the store and a fresh scheduler, as a restart does.
func (f *ladderOrgFixture) open() {
	if f.db != nil {
		f.db.Close()
	}
	db, err := store.Open(context.Background(), f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { db.Close() })
	f.db, f.rep = db, &reports{}
	f.s = &scheduler.Scheduler{Store: db, Composer: f.rep, Calendar: calendar.New(calendar.Config{Location: hcm}), Log: zerolog.Nop()}
}

// task gives an a task of Phòng A (unit: 0 for none) due at deadline.
func (f *ladderOrgFixture) task(unit int64, deadline time.Time) *nhacviec.Task {
	f.t.Helper()
	created := deadline.Add(-72 * time.Hour)
	task := &nhacviec.Task{Title: "Báo cáo", AssignerID: f.binh.ID, AssigneeID: f.an.ID, ChatID: f.group.ID, UnitID: unit,
		Deadline: deadline, Status: nhacviec.StatusOpen, CreatedAt: created, NextPlanAt: created}
	if err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error { return tx.CreateTask(task) }); err != nil {
		f.t.Fatal(err)
	}
	return task
}

// morning runs the scheduler at now and a few minutes later and returns
// the escalations sent, "username: escalation SLOT #ids".
func (f *ladderOrgFixture) morning(now time.Time) []string {
	f.t.Helper()
	for _, at := range []time.Time{now, now.Add(time.Minute), now.Add(90 * time.Minute)} {
		f.db.Now = func() time.Time { return at }
		if _, err := f.s.RunOnce(context.Background(), at); err != nil {
			f.t.Fatal(err)
		}
	}
	due, err := f.db.Due(context.Background(), now.Add(3*time.Hour), 100)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, m := range due {
		if err := f.db.MarkSent(context.Background(), m.ID, fmt.Sprint(m.ID), now); err != nil {
			f.t.Fatal(err)
		}
		if m.Kind == nhacviec.KindEscalation {
			out = append(out, f.chats[m.ChatID]+": "+m.Text)
		}
	}
	slices.Sort(out)
	return out
}

// dec is a day of December 2026 (Tuesday 1).
func dec(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, hcm) }

// A task due Thursday 17:00 is reported to the head on Tuesday morning,
// when Friday and Monday have passed (the weekend does not count), and to
// the leader and the monitor in the list of the Monday after it was
// overdue for five working days; each once, however many passes and
// restarts; nothing on the days between nor on the weekend.
func TestLadderHeadAtTwoLeadersAtFiveOnce(t *testing.T) {
	f := newLadderOrg(t)
	task := f.task(f.phong.ID, at(26, 17, 0)) // Thursday
	id := task.ID
	want := map[time.Time][]string{
		dec(1, 7, 30): {fmt.Sprintf("head: escalation head:2026-12-01 #%d", id)},
		dec(7, 7, 30): {fmt.Sprintf("leader: escalation leaders:2026-W50 #%d", id), fmt.Sprintf("monitor: escalation leaders:2026-W50 #%d", id)},
	}
	for d := at(27, 7, 30); !d.After(dec(15, 7, 30)); d = d.AddDate(0, 0, 1) {
		got := f.morning(d)
		if !slices.Equal(got, want[d]) {
			t.Fatalf("%s: escalations %q, want %q", d.Format("Mon 02/01"), got, want[d])
		}
		if d.Equal(dec(3, 7, 30)) {
			f.open() // a restart changes nothing
		}
	}
	var es []nhacviec.Escalation
	f.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		es, err = tx.Escalations(id)
		return err
	})
	if len(es) != 2 || !es[0].At.Equal(dec(1, 7, 30)) || !es[1].At.Equal(dec(7, 7, 30)) || es[0].UnitID != f.phong.ID || !es[0].Deadline.Equal(task.Deadline) {
		t.Fatalf("escalations recorded: %+v", es)
	}
}

// One list per head per morning, with every task of the unit that became
// overdue enough; a task of no unit, one whose lead is the head (told
// above instead, here nobody: the Sở has no head) and a closed one are
// not in it. Closing a task stops its ladder.
func TestLadderOneListPerHeadAndClosingStopsIt(t *testing.T) {
	f := newLadderOrg(t)
	a := f.task(f.phong.ID, at(25, 17, 0))
	b := f.task(f.phong.ID, at(26, 17, 0))
	c := f.task(f.phong.ID, at(24, 17, 0))
	f.task(0, at(24, 17, 0))
	mine := f.task(f.phong.ID, at(24, 17, 0))
	closed := f.task(f.phong.ID, at(25, 17, 0))
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		mine.AssigneeID = f.head.ID
		if err := tx.SetAssignee(mine.ID, f.head.ID); err != nil {
			return err
		}
		closed.Status, closed.ClosedAt = nhacviec.StatusDone, at(30, 9, 0)
		return tx.SaveTask(closed)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := f.morning(dec(1, 7, 30))
	want := []string{fmt.Sprintf("head: escalation head:2026-12-01 #%d #%d #%d", c.ID, a.ID, b.ID)}
	if !slices.Equal(got, want) {
		t.Fatalf("Tuesday: %q, want %q", got, want)
	}
	// b is finished before it is five working days overdue: the leaders
	// never hear of it; the others are in their Monday list.
	err = f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		b.Status, b.ClosedAt = nhacviec.StatusDone, dec(2, 10, 0)
		return tx.SaveTask(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	got = f.morning(dec(7, 7, 30))
	list := fmt.Sprintf("escalation leaders:2026-W50 #%d #%d #%d", c.ID, mine.ID, a.ID) // the head's own task too
	want = []string{"leader: " + list, "monitor: " + list}
	if !slices.Equal(got, want) {
		t.Fatalf("Monday 7/12: %q, want %q", got, want)
	}
}

// Per-unit thresholds: a setting of the Sở holds for Phòng A; one of
// Phòng A overrides it; the ladder turned off in a unit reports nothing
// there, and turned on again reports what waited.
func TestLadderSettings(t *testing.T) {
	f := newLadderOrg(t)
	task := f.task(f.phong.ID, at(26, 17, 0)) // Thursday
	set := func(unit int64, s nhacviec.LadderSetting) {
		err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
			return tx.SetUnitSetting(unit, nhacviec.SettingLadder, s.Value(), 0)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	set(f.so.ID, nhacviec.LadderSetting{HeadDays: 3, LeaderDays: 4})
	if got := f.morning(dec(1, 7, 30)); len(got) != 0 {
		t.Fatalf("three working days asked for, reported after two: %q", got)
	}
	if got := f.morning(dec(2, 7, 30)); !slices.Equal(got, []string{fmt.Sprintf("head: escalation head:2026-12-02 #%d", task.ID)}) {
		t.Fatalf("Wednesday, after three working days: %q", got)
	}
	// Phòng A turns it off: the leaders' list of the next Monday is empty.
	set(f.phong.ID, nhacviec.LadderSetting{HeadDays: 2, LeaderDays: 5, Off: true})
	if got := f.morning(dec(7, 7, 30)); len(got) != 0 {
		t.Fatalf("the ladder is off in Phòng A, yet: %q", got)
	}
	// On again, with its own thresholds: the next week's list has it.
	set(f.phong.ID, nhacviec.LadderSetting{HeadDays: 2, LeaderDays: 6})
	if got := f.morning(dec(14, 7, 30)); !slices.Equal(got, []string{
		fmt.Sprintf("leader: escalation leaders:2026-W51 #%d", task.ID), fmt.Sprintf("monitor: escalation leaders:2026-W51 #%d", task.ID),
	}) {
		t.Fatalf("on again: %q", got)
	}
}

// The ladder does not run before DigestAt, after the working day, nor on
// a day off; the first pass of a working morning after downtime makes up
// the day's run, and the week's.
func TestLadderHours(t *testing.T) {
	f := newLadderOrg(t)
	task := f.task(f.phong.ID, at(23, 17, 0)) // Monday
	for _, now := range []time.Time{dec(5, 9, 0), dec(6, 9, 0), dec(1, 7, 29), dec(1, 17, 1)} {
		f.db.Now = func() time.Time { return now }
		if _, err := f.s.RunOnce(context.Background(), now); err != nil || len(f.rep.escalations) != 0 {
			t.Fatalf("%s: escalations %+v, %v", now.Format("Mon 02/01 15:04"), f.rep.escalations, err)
		}
	}
	// Down from Monday to Wednesday 14:00: the heads' list and the
	// week's list for the leaders, at once.
	got := f.morning(dec(2, 14, 0))
	want := []string{
		fmt.Sprintf("head: escalation head:2026-12-02 #%d", task.ID),
		fmt.Sprintf("leader: escalation leaders:2026-W49 #%d", task.ID),
		fmt.Sprintf("monitor: escalation leaders:2026-W49 #%d", task.ID),
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after downtime: %q, want %q", got, want)
	}
	if len(f.rep.escalations) != 3 || f.rep.escalations[0].At.Before(dec(2, 14, 0)) {
		t.Fatalf("notices: %+v", f.rep.escalations)
	}
}
