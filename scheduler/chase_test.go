package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// A monthly report duty "trước ngày 20 hàng tháng" held by Phòng A (an)
// and Phòng B (binh), due Tuesday 19 January 2027 at 17:00 (the 20th is a
// Wednesday): each lead is reminded on Thursday 14 (three working days
// before), Monday 18 (the working day before) and on the morning of the
// 19th; on that morning the monitor gets one list with the unit that has
// not delivered (Phòng B delivered on the 15th), once, however many
// passes and restarts. A one-off task and a weekly duty get no reminder
// three days ahead.
func TestReportDutyChase(t *testing.T) {
	f := newLadderOrg(t)
	cal := calendar.New(calendar.Config{Location: hcm})
	const recur = "trước ngày 20 hàng tháng"
	deadline, err := cal.NextDeadline(recur, jan(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if want := jan(19, 17, 0); !deadline.Equal(want) {
		t.Fatalf("deadline %s, want %s", deadline, want)
	}
	var phongB *nhacviec.Unit
	var a, b, once, weekly *nhacviec.Task
	err = f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		phongB = &nhacviec.Unit{Name: "Phòng B", ParentID: f.so.ID}
		if err := tx.CreateUnit(phongB); err != nil {
			return err
		}
		mk := func(title, recur string, lead *nhacviec.Person, unit int64, deadline time.Time) (*nhacviec.Task, error) {
			created := jan(4, 9, 0)
			t := &nhacviec.Task{Title: title, Recur: recur, AssignerID: f.leader.ID, AssigneeID: lead.ID, ChatID: f.group.ID, UnitID: unit,
				Deadline: deadline, Status: nhacviec.StatusOpen, CreatedAt: created, NextPlanAt: created}
			return t, tx.CreateTask(t)
		}
		if a, err = mk("Báo cáo CCHC tháng", recur, f.an, f.phong.ID, deadline); err != nil {
			return err
		}
		if b, err = mk("Báo cáo CCHC tháng", recur, f.binh, phongB.ID, deadline); err != nil {
			return err
		}
		if once, err = mk("Báo cáo đột xuất", "", f.an, f.phong.ID, deadline); err != nil {
			return err
		}
		weekly, err = mk("Lịch tuần", "trước thứ 4 hàng tuần", f.binh, f.phong.ID, deadline)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	reminders := func() map[string][]int64 { // slot kind → tasks
		out := map[string][]int64{}
		for _, n := range f.rep.notices {
			if n.Kind == nhacviec.KindReminder {
				k := n.Slot[:len(n.Slot)-len(":2027-01-14")]
				out[k] = append(out[k], n.Task.ID)
			}
		}
		for _, ids := range out {
			slices.Sort(ids)
		}
		return out
	}
	chase := []nhacviec.MessageKind{nhacviec.KindChase}
	for d := 11; d <= 20; d++ {
		if d == 16 || d == 17 {
			continue // the weekend
		}
		if d == 15 { // Phòng B delivers
			err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
				b.Status, b.ClosedAt = nhacviec.StatusDone, jan(15, 10, 0)
				return tx.SaveTask(b)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		f.rep.notices = nil
		got := f.sent([]time.Time{jan(d, 7, 30), jan(d, 8, 0), jan(d, 8, 1), jan(d, 11, 0)}, chase...)
		rem := reminders()
		if d == 19 {
			f.open() // a restart on the deadline's day: no second list
			if again := f.sent([]time.Time{jan(d, 9, 0), jan(d, 16, 0)}, chase...); len(again) != 0 {
				t.Fatalf("19/1 after a restart: %q", again)
			}
		}
		var want []string
		if d == 19 {
			want = []string{fmt.Sprintf("monitor: chase 2027-01-19 #%d", a.ID)}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%d/1: lists %q, want %q", d, got, want)
		}
		var wantRem map[string][]int64
		switch d {
		case 14:
			wantRem = map[string][]int64{nhacviec.SlotBefore3: {a.ID, b.ID}}
		case 18:
			wantRem = map[string][]int64{"before": {a.ID, once.ID}}
		case 19:
			wantRem = map[string][]int64{"due": {a.ID, once.ID}}
		}
		for k, ids := range rem {
			// The weekly duty has its own reminders; never three days ahead.
			if slices.Contains(ids, weekly.ID) && k != nhacviec.SlotBefore3 {
				rem[k] = slices.DeleteFunc(ids, func(id int64) bool { return id == weekly.ID })
				if len(rem[k]) == 0 {
					delete(rem, k)
				}
			}
		}
		if fmt.Sprint(rem) != fmt.Sprint(wantRem) {
			t.Fatalf("%d/1: reminders %v, want %v", d, rem, wantRem)
		}
	}
}
