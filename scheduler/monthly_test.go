package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// sent runs the scheduler at each of times and returns what it planned
// of kinds, "username: text", marking it sent.
func (f *ladderOrgFixture) sent(times []time.Time, kinds ...nhacviec.MessageKind) []string {
	f.t.Helper()
	for _, at := range times {
		f.db.Now = func() time.Time { return at }
		if _, err := f.s.RunOnce(context.Background(), at); err != nil {
			f.t.Fatal(err)
		}
	}
	last := times[len(times)-1]
	due, err := f.db.Due(context.Background(), last.Add(24*time.Hour), 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, m := range due {
		if err := f.db.MarkSent(context.Background(), m.ID, fmt.Sprint(m.ID), last); err != nil {
			f.t.Fatal(err)
		}
		if slices.Contains(kinds, m.Kind) {
			out = append(out, f.chats[m.ChatID]+": "+m.Text)
		}
	}
	slices.Sort(out)
	return out
}

// jan is a day of January 2027 (Friday 1, Tết Dương lịch).
func jan(day, hour, minute int) time.Time { return time.Date(2027, 1, day, hour, minute, 0, 0, hcm) }

// The monthly report of December 2026 goes on Monday 4 January 2027, the
// first working day (the 1st is a holiday, the 2nd and 3rd a weekend),
// from 08:00 and not before, to the leader, the monitor and the head,
// each once however many passes and restarts; on no other day; and not
// to someone who turned it off, nor to a member. A person who is also a
// head gets one report.
func TestMonthlyReportOnFirstWorkingDayOnce(t *testing.T) {
	f := newLadderOrg(t)
	kinds := []nhacviec.MessageKind{nhacviec.KindMonthly, nhacviec.KindPhoto, nhacviec.KindDocument}
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		// The leader also heads Phòng A; the member an turns the report
		// on (a member gets none all the same).
		if err := tx.Grant(nhacviec.Membership{PersonID: f.leader.ID, UnitID: f.phong.ID, Role: nhacviec.RoleHead}); err != nil {
			return err
		}
		return tx.SetPersonSetting(f.an.ID, nhacviec.SettingMonthlyReport, nhacviec.SettingOn)
	})
	if err != nil {
		t.Fatal(err)
	}
	set := func(who *nhacviec.Person, v string) {
		if err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
			return tx.SetPersonSetting(who.ID, nhacviec.SettingMonthlyReport, v)
		}); err != nil {
			t.Fatal(err)
		}
	}
	set(f.monitor, nhacviec.SettingOff)
	set(f.monitor, nhacviec.SettingOn) // changed back and forth: on
	set(f.head, nhacviec.SettingOff)
	for d := 30; d <= 31; d++ {
		if got := f.sent([]time.Time{dec(d, 7, 0), dec(d, 8, 0), dec(d, 10, 0)}, kinds...); len(got) != 0 {
			t.Fatalf("%d/12: %q", d, got)
		}
	}
	for d := 1; d <= 3; d++ { // the holiday and the weekend
		if got := f.sent([]time.Time{jan(d, 8, 0), jan(d, 9, 0)}, kinds...); len(got) != 0 {
			t.Fatalf("%d/1: %q", d, got)
		}
	}
	if got := f.sent([]time.Time{jan(4, 7, 0), jan(4, 7, 59)}, kinds...); len(got) != 0 {
		t.Fatalf("4/1 before 08:00: %q", got)
	}
	got := f.sent([]time.Time{jan(4, 8, 0), jan(4, 8, 1)}, kinds...)
	want := []string{
		"leader: document 2026-12", "leader: monthly 2026-12", "leader: photo 2026-12",
		"monitor: document 2026-12", "monitor: monthly 2026-12", "monitor: photo 2026-12",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("4/1 08:00: %q, want %q", got, want)
	}
	f.open() // a restart, and passes for the rest of the day: nothing more
	if got := f.sent([]time.Time{jan(4, 8, 2), jan(4, 11, 0), jan(4, 16, 59)}, kinds...); len(got) != 0 {
		t.Fatalf("4/1 after a restart: %q", got)
	}
	for d := 5; d <= 8; d++ {
		if got := f.sent([]time.Time{jan(d, 8, 0), jan(d, 9, 0)}, kinds...); len(got) != 0 {
			t.Fatalf("%d/1: %q", d, got)
		}
	}
}

// A bot down on the first working morning catches up later that day, but
// not on the day after.
func TestMonthlyReportCatchUpOnlyThatDay(t *testing.T) {
	f := newLadderOrg(t)
	kinds := []nhacviec.MessageKind{nhacviec.KindMonthly}
	if got := f.sent([]time.Time{dec(1, 15, 30)}, kinds...); len(got) != 3 || got[0] != "head: monthly 2026-11" {
		t.Fatalf("1/12 (Tuesday, first working day) at 15:30: %q", got)
	}
	g := newLadderOrg(t)
	if got := g.sent([]time.Time{dec(2, 8, 0), dec(2, 10, 0)}, kinds...); len(got) != 0 {
		t.Fatalf("2/12, the day after the first working day: %q", got)
	}
}
