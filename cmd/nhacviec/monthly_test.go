package main

// End to end: the monthly report (the table, the chart and the .xlsx to
// the leaders, monitors and heads on the first working day of a month),
// /caidat baocao, and the monitors' list of the units late with a
// recurring report duty.

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/report"
)

// grant gives the person with username the role in unit.
func (h *harness) grant(username string, unit int64, role nhacviec.Role) {
	h.t.Helper()
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		p, err := tx.PersonByUsername(telegram.Transport, username)
		if err != nil {
			return err
		}
		return tx.Grant(nhacviec.Membership{PersonID: p.ID, UnitID: unit, Role: role})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// leaveGroup records that the bot left the group with this external id.
func (h *harness) leaveGroup(externalID string) {
	h.t.Helper()
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: telegram.Transport, ExternalID: externalID, Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		return tx.DeactivateChat(c.ID)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// On Tuesday 1 December 2026, the first working day, at 08:00 the leader
// gets November's table of the organisation, its chart and the .xlsx, in
// that order; an, head of Phòng Tổ chức, gets the unit's by person; binh,
// a member, nothing. Another pass that day sends nothing more. An turns
// it off (/caidat baocao tat, shown in /caidat) and gets none on 4
// January 2027 (1 January a holiday, then the weekend), when the leader
// gets December's.
func TestMonthlyReportReachesLeaderAndHead(t *testing.T) {
	h := newH(t)
	toChuc, _ := statsOrg(h)
	h.grant("an", toChuc, nhacviec.RoleHead)
	h.leaveGroup("42") // statsOrg's group, unknown to the fake Bot API: no morning digest there
	lead, an, binh := h.srv.PrivateChat(h.lead), h.srv.PrivateChat(h.an), h.srv.PrivateChat(h.binh)
	before := h.srv.SentCount()
	h.tick(hcmAt("2026-11-30 08:00")) // Monday, not the first working day
	h.tick(hcmAt("2026-12-01 07:59"))
	// The unit, bound to no group now, has its morning digest said to
	// its people privately: that is not the report.
	for _, s := range h.srv.SentSince(before) {
		if !strings.Contains(s.Plain, "Điểm việc sáng") {
			t.Fatalf("sent before the first working day's 08:00: %+v", s)
		}
	}
	h.tick(hcmAt("2026-12-01 08:00"))
	h.tick(hcmAt("2026-12-01 08:01"))
	var got []telegramtest.Sent
	for _, s := range h.srv.SentSince(before) {
		if !strings.Contains(s.Plain, "Điểm việc sáng") { // the unit's digest, said privately
			got = append(got, s)
		}
	}
	byChat := map[int64][]telegramtest.Sent{}
	for _, s := range got {
		byChat[s.ChatID] = append(byChat[s.ChatID], s)
	}
	if len(byChat[binh.ID]) != 0 || len(byChat[lead.ID]) != 3 || len(byChat[an.ID]) != 3 || len(got) != 6 {
		t.Fatalf("sent %d messages: lead %d, an %d, binh %d\n%s", len(got), len(byChat[lead.ID]), len(byChat[an.ID]), len(byChat[binh.ID]), h.dump())
	}
	l := byChat[lead.ID]
	if l[0].Method != "sendMessage" || l[1].Method != "sendPhoto" || l[2].Method != "sendDocument" {
		t.Fatalf("leader's methods %s %s %s", l[0].Method, l[1].Method, l[2].Method)
	}
	contains(t, l[0], "Báo cáo tháng", "Kết quả thực hiện nhiệm vụ tháng 11/2026", "Sở Nội vụ — số liệu đến",
		"P.KH         1   2   2    0  20%", "Tổng         3   3   3    1  33%", "/caidat baocao tat")
	lacks(t, l[0], "Gõ /xuat")
	img, err := png.Decode(bytes.NewReader(l[1].File))
	if err != nil {
		t.Fatal(err)
	}
	if size := img.Bounds().Size(); size.X != report.ChartWidth || size.Y != report.ChartHeight(2) {
		t.Errorf("chart %v, want %dx%d", size, report.ChartWidth, report.ChartHeight(2))
	}
	if l[2].FileName != "thongke-2026-11-01-2026-11-30.xlsx" || !strings.Contains(l[2].Plain, "Thống kê tháng 11/2026 — Sở Nội vụ (10 việc)") {
		t.Errorf("document %q: %q", l[2].FileName, l[2].Plain)
	}
	f, err := excelize.OpenReader(bytes.NewReader(l[2].File))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	a := byChat[an.ID]
	contains(t, a[0], "Báo cáo tháng", "Phòng Tổ chức — số liệu đến", "An           2   1   1    1  50%")
	lacks(t, a[0], "P.KH")
	if a[2].Method != "sendDocument" || !strings.Contains(a[2].Plain, "Phòng Tổ chức (5 việc)") {
		t.Errorf("head's document: %s %q", a[2].Method, a[2].Plain)
	}

	// Off for an, shown in /caidat; the next month only the leader.
	contains(t, h.say(an, h.an, "/caidat baocao tat"), "Đã tắt báo cáo tháng")
	contains(t, h.say(an, h.an, "/caidat"), "Báo cáo tháng của bạn: tắt")
	contains(t, h.say(lead, h.lead, "/caidat bao cao"), "Báo cáo tháng của bạn: bật (mặc định)")
	contains(t, h.say(an, h.an, "/caidat baocao có lẽ"), "Không hiểu", "/caidat baocao tat")
	before = h.srv.SentCount()
	for _, d := range []string{"2027-01-01 08:00", "2027-01-02 08:00", "2027-01-04 08:00", "2027-01-04 09:00", "2027-01-05 08:00"} {
		h.tick(hcmAt(d))
	}
	got = nil
	for _, s := range h.srv.SentSince(before) {
		if s.Method != "sendMessage" || strings.Contains(s.Plain, "Báo cáo tháng") {
			got = append(got, s) // not the leaders' weekly list of the 4th
		}
	}
	if len(got) != 3 || got[0].ChatID != lead.ID || !strings.Contains(got[0].Plain, "tháng 12/2026") || got[2].Method != "sendDocument" || got[2].ChatID != lead.ID {
		t.Fatalf("January: %d messages of the report\n%s", len(got), h.dump())
	}
}

// A monthly report duty given to an (Phòng Tổ chức) and binh (Phòng Kế
// hoạch), "trước ngày 20 hàng tháng": December's occurrence is due Friday
// 18/12 at 17:00 (the 20th is a Sunday). On Tuesday 15/12, three working
// days before, an is reminded, in one message with the reminder of
// another task due the next day; binh delivers on the 16th; on the
// 18th's morning the monitor gets one list naming Phòng Tổ chức and an,
// not Phòng Kế hoạch.
func TestReportDutyChaseEndToEnd(t *testing.T) {
	h := newH(t)
	statsOrg(h)
	h.leaveGroup("42")
	so := int64(0)
	h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		units, err := tx.Units()
		for _, u := range units {
			if u.ParentID == 0 {
				so = u.ID
			}
		}
		return err
	})
	h.grant("lead", so, nhacviec.RoleMonitor)
	lead, an, binh := h.srv.PrivateChat(h.lead), h.srv.PrivateChat(h.an), h.srv.PrivateChat(h.binh)
	contains(t, h.say(lead, h.lead, "/giao @an Báo cáo CCHC tháng hạn trước ngày 20 hàng tháng"), "18/12/2026")
	h.say(lead, h.lead, "/giao @binh Báo cáo CCHC tháng hạn trước ngày 20 hàng tháng")
	h.say(lead, h.lead, "/giao @an Dự thảo tờ trình hạn 16/12")
	h.settle()
	var dutyAn, dutyBinh int64
	h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		ts, err := tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, Search: "CCHC"})
		for _, t := range ts {
			if t.CreatedAt.After(hcmAt("2026-12-01 00:00")) && t.Recur != "" {
				if p, _ := tx.Person(t.AssigneeID); p.Username == "an" {
					dutyAn = t.ID
				} else {
					dutyBinh = t.ID
				}
			}
		}
		return err
	})
	if dutyAn == 0 || dutyBinh == 0 {
		t.Fatalf("duties %d %d", dutyAn, dutyBinh)
	}
	before := h.srv.SentCount()
	h.tick(hcmAt("2026-12-14 08:00"))
	h.tick(hcmAt("2026-12-15 08:00"))
	var toAn []telegramtest.Sent
	for _, s := range h.srv.SentSince(before) {
		if s.ChatID == an.ID && !strings.HasPrefix(s.Plain, "🏢") { // not the unit's morning digest alone
			toAn = append(toAn, s)
		}
	}
	if len(toAn) != 1 {
		t.Fatalf("an got %d messages on 14–15/12, want 1 (merged)\n%s", len(toAn), h.dump())
	}
	contains(t, toAn[0], fmt.Sprintf("#%d", dutyAn), "còn 3 ngày làm việc", "trước ngày 20 hàng tháng", "Dự thảo tờ trình")
	h.tick(hcmAt("2026-12-16 08:00"))
	contains(t, h.say(binh, h.binh, fmt.Sprintf("/xong %d", dutyBinh)), fmt.Sprintf("#%d", dutyBinh))
	before = h.srv.SentCount()
	h.tick(hcmAt("2026-12-18 08:00"))
	h.tick(hcmAt("2026-12-18 10:00"))
	var lists []telegramtest.Sent
	for _, s := range h.srv.SentSince(before) {
		if strings.Contains(s.Plain, "Hạn nộp báo cáo định kỳ") {
			lists = append(lists, s)
		}
	}
	if len(lists) != 1 || lists[0].ChatID != lead.ID {
		t.Fatalf("%d lists on 18/12\n%s", len(lists), h.dump())
	}
	contains(t, lists[0], "Thứ Sáu 18/12", "Còn 1 đơn vị chưa nộp", "Báo cáo CCHC tháng (trước ngày 20 hàng tháng)",
		fmt.Sprintf("Sở Nội vụ › Phòng Tổ chức — @an (#%d)", dutyAn))
	lacks(t, lists[0], "Phòng Kế hoạch")
}
