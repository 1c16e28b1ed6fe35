package main

// End-to-end tests of the statistics: /thongke's table and chart, /xuat's
// workbook and /nhap mau's template, through the real client and the fake
// Bot API; the export is checked cell by cell against the table.

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/xuri/excelize/v2"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/report"
)

func hcmAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

// statsOrg makes an organisation with a November of known answers: the
// Sở (lead, an admin) with Phòng Tổ chức (an) and Phòng Kế hoạch (binh).
//
//	Phòng Tổ chức:  on time 2 (one exactly at its deadline's minute), late 1, overdue 1, in progress 1
//	Phòng Kế hoạch: on time 1, late 2, overdue 2 (one done only in December)
func statsOrg(h *harness) (toChuc, keHoach int64) {
	h.t.Helper()
	h.hello(h.lead, h.an, h.binh)
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		so := &nhacviec.Unit{Name: "Sở Nội vụ"}
		if err := tx.CreateUnit(so); err != nil {
			return err
		}
		tc := &nhacviec.Unit{Name: "Phòng Tổ chức", ParentID: so.ID}
		if err := tx.CreateUnit(tc); err != nil {
			return err
		}
		kh := &nhacviec.Unit{Name: "Phòng Kế hoạch", ParentID: so.ID}
		if err := tx.CreateUnit(kh); err != nil {
			return err
		}
		toChuc, keHoach = tc.ID, kh.ID
		who := map[string]*nhacviec.Person{}
		for _, name := range []string{"lead", "an", "binh"} {
			p, err := tx.PersonByUsername(telegram.Transport, name)
			if err != nil {
				return err
			}
			who[name] = p
		}
		for _, g := range []nhacviec.Membership{{PersonID: who["an"].ID, UnitID: tc.ID, Role: nhacviec.RoleMember},
			{PersonID: who["binh"].ID, UnitID: kh.ID, Role: nhacviec.RoleMember}, {PersonID: who["lead"].ID, UnitID: so.ID, Role: nhacviec.RoleLeader}} {
			if err := tx.Grant(g); err != nil {
				return err
			}
		}
		chat := &nhacviec.Chat{Transport: telegram.Transport, ExternalID: "42", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		mk := func(person string, unit int64, deadline, closed string, open bool) error {
			t := &nhacviec.Task{Title: "Báo cáo " + deadline, AssignerID: who["lead"].ID, AssigneeID: who[person].ID, ChatID: chat.ID,
				UnitID: unit, Deadline: hcmAt(deadline), Status: nhacviec.StatusOpen, CreatedAt: hcmAt("2026-11-02 08:00")}
			if err := tx.CreateTask(t); err != nil {
				return err
			}
			if !open {
				t.Status, t.ClosedAt = nhacviec.StatusDone, hcmAt(closed)
			}
			t.NextPlanAt = time.Time{}
			return tx.SaveTask(t)
		}
		for _, x := range []struct {
			who            string
			unit           int64
			deadline, done string
			open           bool
		}{
			{"an", tc.ID, "2026-11-20 17:00", "2026-11-20 17:00", false}, // at the deadline's minute: on time
			{"an", tc.ID, "2026-11-20 17:00", "2026-11-19 10:00", false},
			{"an", tc.ID, "2026-11-13 17:00", "2026-11-16 09:00", false}, // late by 1 working day
			{"an", tc.ID, "2026-11-25 17:00", "", true},                  // overdue
			{"an", tc.ID, "2026-12-15 17:00", "", true},                  // in progress
			{"binh", kh.ID, "2026-11-10 17:00", "2026-11-09 17:00", false},
			{"binh", kh.ID, "2026-11-10 17:00", "2026-11-12 17:00", false},
			{"binh", kh.ID, "2026-11-18 17:00", "2026-11-30 23:59", false}, // late, at November's last minute
			{"binh", kh.ID, "2026-11-26 17:00", "2026-12-01 00:00", false}, // done in December: overdue at November's end
			{"binh", kh.ID, "2026-11-27 17:00", "", true},
		} {
			if err := mk(x.who, x.unit, x.deadline, x.done, x.open); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.clock.Set(hcmAt("2026-12-03 10:00"))
	return toChuc, keHoach
}

// waitMethod returns the first message of method sent to chat after the
// n-th message the server recorded.
func (h *harness) waitMethod(chat int64, method string, after int) telegramtest.Sent {
	h.t.Helper()
	return h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == chat && s.Method == method && s.MessageID > after
	})
}

func TestStatsTableChartAndExport(t *testing.T) {
	h := newH(t)
	statsOrg(h)
	private := h.srv.PrivateChat(h.lead)

	table := h.say(private, h.lead, "/thongke tháng 11")
	want := strings.Join([]string{
		"          Đúng Trễ Quá Đang    %",
		"P.KH         1   2   2    0  20%",
		"P.TC         2   1   1    1  50%",
		"────────────────────────────────",
		"Tổng         3   3   3    1  33%",
	}, "\n")
	contains(t, table, "Kết quả thực hiện nhiệm vụ tháng 11/2026", "Sở Nội vụ — số liệu đến 10:00 03/12/2026", want,
		"%: tỉ lệ đúng hạn = Đúng / (Đúng + Trễ + Quá)", "Gõ /xuat tháng 11/2026")
	if !strings.Contains(table.Text, "<pre>") {
		t.Errorf("the table is not monospace: %q", table.Text)
	}
	photo := h.waitMethod(private.ID, "sendPhoto", table.MessageID)
	img, err := png.Decode(bytes.NewReader(photo.File))
	if err != nil {
		t.Fatal(err)
	}
	if size := img.Bounds().Size(); size.X != report.ChartWidth || size.Y != report.ChartHeight(2) {
		t.Errorf("chart %v, want %dx%d", size, report.ChartWidth, report.ChartHeight(2))
	}
	if photo.Plain != "Biểu đồ tháng 11/2026 — Sở Nội vụ" {
		t.Errorf("chart caption %q", photo.Plain)
	}

	// The export of the same period says what the table says, cell by cell.
	before := h.srv.SentCount()
	h.srv.UserSays(private, h.lead, "/xuat tháng 11")
	doc := h.waitMethod(private.ID, "sendDocument", 0)
	if doc.FileName != "thongke-2026-11-01-2026-11-30.xlsx" || !strings.Contains(doc.Plain, "Thống kê tháng 11/2026 — Sở Nội vụ (10 việc)") {
		t.Errorf("document %q: %q", doc.FileName, doc.Plain)
	}
	f, err := excelize.OpenReader(bytes.NewReader(doc.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows[report.HeaderRow:] {
		got[r[1]] = strings.Join(r[2:8], " ")
	}
	for unit, line := range map[string]string{
		"Sở Nội vụ":                  "3 3 3 1 10 33.3%",
		"Sở Nội vụ › Phòng Tổ chức":  "2 1 1 1 5 50.0%",
		"Sở Nội vụ › Phòng Kế hoạch": "1 2 2 0 5 20.0%",
		"Tổng cộng":                  "3 3 3 1 10 33.3%",
	} {
		if got[unit] != line {
			t.Errorf("Tổng hợp's %s: %q, want %q (the table: %q)", unit, got[unit], line, want)
		}
	}
	detail, err := f.GetRows(report.SheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(detail) - report.HeaderRow; n != 10 {
		t.Errorf("Chi tiết has %d tasks, want 10", n)
	}
	_ = before

	// A member gets their own line; a group not bound to a unit is told
	// where to ask; a period the bot cannot read is answered with examples.
	own := h.say(h.srv.PrivateChat(h.an), h.an, "/thongke thang 11")
	contains(t, own, "An — số liệu đến", "An           2   1   1    1  50%")
	lacks(t, own, "P.KH")
	contains(t, h.say(h.group, h.an, "/thongke"), "Nhóm này chưa gắn với đơn vị")
	contains(t, h.say(private, h.lead, "/thongke tháng 13"), "Không hiểu kỳ «tháng 13». Ví dụ: tháng này, tháng 11")
}

// A file made and then not accepted (a 5xx) and the bot restarted before
// its retry: the file goes once, made again from its recipe.
func TestExportSurvivesRestart(t *testing.T) {
	h := newH(t)
	statsOrg(h)
	private := h.srv.PrivateChat(h.lead)
	h.srv.FailNext("sendDocument", 1, telegramtest.Fault{Code: 502, Description: "Bad Gateway"})
	h.srv.UserSays(private, h.lead, "/export quý 4")
	deadline := time.Now().Add(5 * time.Second)
	for h.srv.Stats().Errors[502] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the document was never tried\n%s", h.dump())
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.restart()
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(h.logs.String())
		}
	})
	doc := h.waitMethod(private.ID, "sendDocument", 0)
	if doc.FileName != "thongke-2026-10-01-2026-12-31.xlsx" {
		t.Errorf("document %q", doc.FileName)
	}
	h.settle()
	n := 0
	for _, s := range h.srv.SentTo(private.ID) {
		if s.Method == "sendDocument" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the document was sent %d times, want once", n)
	}
}

// /nhap mau sends the template, which reads back as its own examples;
// a member may not import.
func TestImportTemplate(t *testing.T) {
	h := newH(t)
	statsOrg(h)
	private := h.srv.PrivateChat(h.lead)
	h.srv.UserSays(private, h.lead, "/nhap mau")
	doc := h.waitMethod(private.ID, "sendDocument", 0)
	rows, err := report.ReadImport(doc.FileName, bytes.NewReader(doc.File))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Lead != "@an" || rows[0].Deadline != "03/01/2027" {
		t.Errorf("the template reads %+v", rows)
	}
	contains(t, h.say(h.srv.PrivateChat(h.an), h.an, "/nhap mau"), "Chỉ trưởng đơn vị, lãnh đạo và quản trị viên")
}

// /nhap: the template filled in comes back as a document with the
// caption /nhap; the bot checks it row by row and creates nothing until
// "Tạo N việc" is pressed, then every row at once, each lead told once.
func TestImportPlan(t *testing.T) {
	h := newH(t)
	toChuc, keHoach := statsOrg(h)
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		binh, err := tx.PersonByUsername(telegram.Transport, "binh")
		if err != nil {
			return err
		}
		if err := tx.SaveUnit(&nhacviec.Unit{ID: keHoach, Name: "Phòng Kế hoạch - Tài chính", ParentID: 1}); err != nil {
			return err
		}
		if err := tx.Grant(nhacviec.Membership{PersonID: binh.ID, UnitID: toChuc, Role: nhacviec.RoleHead}); err != nil {
			return err
		}
		// A coordinating unit is answered for by its heads, or those above it.
		lead, err := tx.PersonByUsername(telegram.Transport, "lead")
		if err != nil {
			return err
		}
		return tx.Grant(nhacviec.Membership{PersonID: lead.ID, UnitID: 1, Role: nhacviec.RoleHead})
	})
	if err != nil {
		t.Fatal(err)
	}
	private := h.srv.PrivateChat(h.lead)
	h.srv.UserSays(private, h.lead, "/nhap mau")
	tpl := h.waitMethod(private.ID, "sendDocument", 0)
	before := h.count()

	msg := h.srv.MessageOf(h.srv.UserSendsDocument(private, h.lead, "/nhap", "ke-hoach.xlsx", tpl.File))
	rep := h.wait(func(s telegramtest.Sent) bool { return s.ChatID == private.ID && s.ReplyTo == msg })
	contains(t, rep, "✅ Đọc được 2 việc, không có lỗi.", "Bấm «Tạo 2 việc» để tạo")
	data := buttonData(rep)
	if len(data) != 1 || !strings.HasPrefix(data[0], "imp:") {
		t.Fatalf("buttons %v", data)
	}
	if h.count() != before {
		t.Fatal("tasks created before the button")
	}
	h.srv.PressButton(private, h.lead, rep.MessageID, data[0])
	done := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == private.ID && strings.Contains(s.Plain, "Đã tạo 2 việc")
	})
	contains(t, done, "✅ Đã tạo 2 việc từ tệp «ke-hoach.xlsx»: #11–#12.")
	if h.count() != before+2 {
		t.Fatalf("%d tasks, want %d", h.count(), before+2)
	}
	first, second := h.task(11), h.task(12)
	if first.Title != "Xây dựng kế hoạch cải cách hành chính năm 2027" || !first.KeyTask || first.SourceNumber != "1365/VP-NL" ||
		first.Result != "Kế hoạch trình Giám đốc ký" || !first.Deadline.Equal(hcmAt("2027-01-04 17:00")) {
		t.Errorf("first task %+v", first)
	}
	if second.UnitID != toChuc || second.Title != "Báo cáo tình hình thực hiện nhiệm vụ tháng" {
		t.Errorf("second task %+v (Phòng Tổ chức's head leads it)", second)
	}
	// The first row's coordinators are parts of its task, each with its deadline.
	err = h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		parts, err := tx.Coordinators(11)
		if err != nil {
			return err
		}
		if len(parts) != 2 || parts[0].PersonID == 0 || parts[1].UnitID != keHoach || !parts[1].Deadline.Before(first.Deadline) {
			t.Errorf("the first task's parts: %+v", parts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.settle()
	for _, who := range []tgbotapi.User{h.an, h.binh} {
		n := 0
		for _, s := range h.srv.SentTo(h.srv.PrivateChat(who).ID) {
			if strings.Contains(s.Plain, "giao cho bạn 1 việc (nhập từ kế hoạch)") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("@%s was told %d times", who.UserName, n)
		}
	}
	// The same button again: nothing more.
	h.srv.PressButton(private, h.lead, rep.MessageID, data[0])
	h.settle()
	if h.count() != before+2 {
		t.Errorf("the button pressed twice made %d tasks", h.count()-before)
	}

	// A CSV with faults, /nhap replied to it: the report names each row.
	csv := "Nội dung,Chủ trì,Hạn\nRà soát thủ tục,@an,20/12/2026\n,@an,20/12/2026\nKiểm tra,@ai_do,20/12/2026\nBáo cáo,@an,01/12/2026\nTổng hợp,@an,mai mốt\n"
	docID := h.srv.UserSendsDocument(private, h.lead, "", "ke-hoach.csv", []byte(csv))
	h.settle()
	rep = h.reply(private, h.lead, "/nhap", h.srv.MessageOf(docID))
	contains(t, rep, "Đọc được 5 dòng: 1 dòng hợp lệ, 4 dòng có lỗi.", "Dòng 3: thiếu nội dung.",
		"Dòng 4: chủ trì «@ai_do»: chưa biết @ai_do", "Dòng 5: hạn «01/12/2026»: Thời hạn \"01/12/2026\" đã qua", "Dòng 6: hạn «mai mốt»: Không hiểu thời hạn",
		"Bấm «Tạo 1 việc» để tạo các dòng hợp lệ")
	// A member may not import; a file that is no plan is answered.
	contains(t, h.say(h.srv.PrivateChat(h.an), h.an, "/nhap"), "Chỉ trưởng đơn vị, lãnh đạo và quản trị viên")
	msg = h.srv.MessageOf(h.srv.UserSendsDocument(private, h.lead, "/nhap", "anh.pdf", []byte("%PDF")))
	rep = h.wait(func(s telegramtest.Sent) bool { return s.ChatID == private.ID && s.ReplyTo == msg })
	contains(t, rep, "Chỉ nhận tệp .xlsx hoặc .csv")
}

// The demo's :lichsu gives /thongke and /xuat something real; the chart
// and the workbook are written to the current folder, paths printed.
func TestDemoStatistics(t *testing.T) {
	got := runDemo(t, ":lichsu", "lead>> /thongke quý trước", "lead>> /xuat quý trước", "lead>> /nhap mau", ":thoat")
	for _, want := range []string{"Đã tạo ", "Kết quả thực hiện nhiệm vụ quý", "Đúng Trễ Quá Đang", "Tổng ",
		"(ảnh thongke-", "(tệp thongke-", ".xlsx", "(tệp mau-nhap-ke-hoach.xlsx"} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	m := regexp.MustCompile(`\(tệp (thongke-[0-9-]+\.xlsx), \d+ KB: ([^)]+)\)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no export path:\n%s", got)
	}
	f, err := excelize.OpenFile(m[2])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetDetail)
	if err != nil || len(rows) <= report.HeaderRow {
		t.Errorf("the demo's export has %d detail rows (%v)", len(rows), err)
	}
	p := regexp.MustCompile(`\(ảnh thongke-[0-9-]+\.png, \d+ KB: ([^)]+)\)`).FindStringSubmatch(got)
	if p == nil {
		t.Fatalf("no chart path:\n%s", got)
	}
	data, err := os.ReadFile(p[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("the chart: %v", err)
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestImportSpeed measures /nhap of 2,000 rows end to end, from the file
// sent to the report, and from "Tạo 2000 việc" to the confirmation
// (BENCHMARKS.md §7). Only with NHACVIEC_STATS_BENCH set:
//
//	NHACVIEC_STATS_BENCH=1 go test -count=1 -run TestImportSpeed -v ./cmd/nhacviec/
func TestImportSpeed(t *testing.T) {
	if os.Getenv("NHACVIEC_STATS_BENCH") == "" {
		t.Skip("NHACVIEC_STATS_BENCH not set")
	}
	h := newH(t)
	statsOrg(h)
	private := h.srv.PrivateChat(h.lead)
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"Nội dung", "Chủ trì", "Phối hợp", "Hạn", "Kết quả", "Văn bản", "Trọng tâm"})
	for i := range report.MaxImportRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		who := []string{"", "@binh", ""}[i%3]
		sw.SetRow(cell, []any{fmt.Sprintf("Nhiệm vụ số %d của kế hoạch năm 2027", i+1), "@an", who, time.Date(2027, 1+time.Month(i%12), 10+i%15, 0, 0, 0, 0, time.UTC),
			"Báo cáo", "12/KH-UBND ngày 05/01/2027", []string{"", "x"}[i%2]})
	}
	sw.Flush()
	var buf bytes.Buffer
	f.WriteTo(&buf)
	h.settle()
	start := time.Now()
	msg := h.srv.MessageOf(h.srv.UserSendsDocument(private, h.lead, "/nhap", "ke-hoach-2027.xlsx", buf.Bytes()))
	rep := h.wait(func(s telegramtest.Sent) bool { return s.ChatID == private.ID && s.ReplyTo == msg })
	checked := time.Since(start)
	contains(t, rep, "✅ Đọc được 2000 việc, không có lỗi.")
	before := h.count()
	start = time.Now()
	h.srv.PressButton(private, h.lead, rep.MessageID, buttonData(rep)[0])
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == private.ID && strings.Contains(s.Plain, "Đã tạo 2000 việc")
	})
	created := time.Since(start)
	if n := h.count() - before; n != 2000 {
		t.Fatalf("%d tasks created", n)
	}
	t.Logf("/nhap of 2,000 rows (%d KB .xlsx): the report after %v, the 2,000 tasks created after %v",
		buf.Len()>>10, checked.Round(time.Millisecond), created.Round(time.Millisecond))
}

// inTempDir runs fn in a folder of the test's own and comes back: the
// demo writes the files it makes (/xuat, /thongke's chart, /nhap mau) to
// the current folder, which in a test is the package's.
func inTempDir(t *testing.T, fn func()) {
	t.Helper()
	back, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(back)
	fn()
}

// An export bigger than the largest file the bot may send (Telegram's 50
// MB; here 4 KB) is not sent: the command is answered with the file's
// size, the limit and narrower periods to ask for; nothing is uploaded,
// and the message counts as sent, not retried.
func TestExportTooBigIsRefused(t *testing.T) {
	h := newHarness(t, maxFile(4<<10))
	statsOrg(h)
	private := h.srv.PrivateChat(h.lead)
	answer := h.say(private, h.lead, "/xuat tháng 11")
	contains(t, answer, "Tệp Excel của kỳ tháng 11/2026 nặng ", "quá giới hạn gửi tệp (4 KB)", "Hãy thu hẹp kỳ", "/xuat tháng này")
	if answer.Method != "sendMessage" {
		t.Fatalf("answered by %s", answer.Method)
	}
	h.settle()
	for _, s := range h.srv.SentTo(private.ID) {
		if s.Method == "sendDocument" {
			t.Fatalf("a document was sent: %q", s.FileName)
		}
	}
	if got := outboxStates(t, h, "document"); got != "sent" {
		t.Errorf("the export's message: %s, want sent", got)
	}
	// The same period within the limit is sent.
	h.maxFile = 0
	h.restart()
	h.srv.UserSays(private, h.lead, "/xuat tháng 11")
	if doc := h.waitMethod(private.ID, "sendDocument", 0); len(doc.File) <= 4<<10 {
		t.Errorf("document of %d bytes", len(doc.File))
	}
}
