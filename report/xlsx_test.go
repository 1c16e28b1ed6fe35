package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var testNames = map[int64]string{10: "Nguyễn Văn An", 11: "Trần Thị Bình", 12: "Lê Hoàng Cường", 13: "Phạm Đức Dũng", 14: "Võ Thị Én"}
var testPersonUnit = map[int64]int64{10: 2, 11: 4, 12: 3, 13: 2, 14: 3}

func unitName(id int64) string {
	for _, u := range testUnits {
		if u.ID == id {
			return u.Name
		}
	}
	return ""
}

func novemberBook(t testing.TB) *Book {
	nov, now, facts := novemberFacts(t)
	fg := Compute(facts, nov, now, weekdays{"2026-11-27": true}, testUnits)
	b := &Book{Org: "Sở Nội vụ", Figures: fg, UnitName: unitName,
		PersonName: func(id int64) string { return testNames[id] },
		PersonUnit: func(id int64) string { return unitName(testPersonUnit[id]) }}
	b.Units = Entries(fg.Units, []int64{2, 3, 4}, unitName, false)
	WorstFirst(b.Units)
	b.People = Entries(fg.People, []int64{10, 11, 12, 13, 14}, b.PersonName, false)
	WorstFirst(b.People)
	return b
}

func cell(t *testing.T, f *excelize.File, sheet string, col, row int) string {
	t.Helper()
	name, _ := excelize.CoordinatesToCellName(col, row)
	v, err := f.GetCellValue(sheet, name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func raw(t *testing.T, f *excelize.File, sheet string, col, row int) string {
	t.Helper()
	name, _ := excelize.CoordinatesToCellName(col, row)
	v, err := f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkRow compares a row's cells with want (formatted as Excel shows
// them); "*" matches anything.
func checkRow(t *testing.T, f *excelize.File, sheet string, row int, want ...any) {
	t.Helper()
	for i, w := range want {
		ws := fmt.Sprint(w)
		if ws == "*" {
			continue
		}
		if got := cell(t, f, sheet, i+1, row); got != ws {
			t.Errorf("%s row %d column %d: %q, want %q", sheet, row, i+1, got, ws)
		}
	}
}

// The export, reopened, says cell by cell what the figures say.
func TestWriteXLSX(t *testing.T) {
	b := novemberBook(t)
	fg := b.Figures
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Tổng hợp|Cá nhân|Chi tiết|Trả lại ≥ 2 lần" {
		t.Fatalf("sheets %s", got)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("the file opens on sheet %d, want Tổng hợp", i)
	}
	for _, sh := range f.GetSheetList() {
		if got := cell(t, f, sh, 1, 1); got != "Sở Nội vụ: kết quả thực hiện nhiệm vụ tháng 11/2026" {
			t.Errorf("%s title %q", sh, got)
		}
		if got := cell(t, f, sh, 1, 2); !strings.HasSuffix(got, "(từ 01/11/2026 đến 30/11/2026), số liệu đến 10:00 03/12/2026") {
			t.Errorf("%s second row %q", sh, got)
		}
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != HeaderRow || panes.TopLeftCell != "A4" {
			t.Errorf("%s panes %+v %v", sh, panes, err)
		}
		tables, err := f.GetTables(sh)
		if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A3:") {
			t.Errorf("%s tables %+v %v (the header's filters)", sh, tables, err)
		}
		if w, _ := f.GetColWidth(sh, "B"); w < 9 {
			t.Errorf("%s column B %v wide", sh, w)
		}
	}
	rows := func(sh string) [][]string {
		r, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// Tổng hợp: the header, a row per unit as WorstFirst put them, the total.
	sh := SheetSummary
	for i, h := range summaryHeaders {
		if got := cell(t, f, sh, i+1, HeaderRow); got != h {
			t.Errorf("%s header %d %q, want %q", sh, i+1, got, h)
		}
	}
	if n := len(rows(sh)); n != HeaderRow+len(b.Units)+1 {
		t.Errorf("%s has %d rows, want %d", sh, n, HeaderRow+len(b.Units)+1)
	}
	for i, e := range append(b.Units, Entry{Name: "Tổng cộng", Tally: fg.Total.Lead}) {
		r := HeaderRow + 1 + i
		l := fg.Units[e.ID]
		if e.ID == 0 {
			l = &fg.Total
		}
		lt, ct := l.Lead, l.Coord
		stt := any(i + 1)
		if e.ID == 0 {
			stt = ""
		}
		checkRow(t, f, sh, r, stt, e.Name, lt.States[StateOnTime], lt.States[StateLate], lt.States[StateOverdue],
			lt.States[StateInProgress], lt.Total(), "*", ct.States[StateOnTime], ct.States[StateLate], ct.States[StateOverdue],
			ct.States[StateInProgress], "*", lt.Key.Total(), lt.Key[StateOverdue], lt.Returned2, lt.ExtAsked, lt.ExtGranted, lt.Causes)
		formula, err := f.GetCellFormula(sh, fmt.Sprintf("H%d", r))
		if want := fmt.Sprintf(`IF(C%[1]d+D%[1]d+E%[1]d=0,"",C%[1]d/(C%[1]d+D%[1]d+E%[1]d))`, r); err != nil || formula != want {
			t.Errorf("%s H%d formula %q %v, want %q", sh, r, formula, err, want)
		}
		got := raw(t, f, sh, 8, r)
		if p, ok := lt.Rate(); ok {
			v, err := strconv.ParseFloat(got, 64)
			if err != nil || fmt.Sprintf("%.4f", v) != fmt.Sprintf("%.4f", p/100) {
				t.Errorf("%s H%d = %q, want %.4f", sh, r, got, p/100)
			}
		} else if got != "" {
			t.Errorf("%s H%d = %q, want empty", sh, r, got)
		}
	}
	// Phòng Tổ chức (unit 2) 3 on time of 7 due: 42.9 %, as Excel shows it.
	for i, e := range b.Units {
		if e.ID == 2 {
			if got := cell(t, f, sh, 8, HeaderRow+1+i); got != "42.9%" {
				t.Errorf("Phòng Tổ chức's rate shows %q", got)
			}
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
			rc, _ := zf.Open()
			var x bytes.Buffer
			x.ReadFrom(rc)
			rc.Close()
			if !strings.Contains(x.String(), "<barChart>") || !strings.Contains(x.String(), "<barDir val=\"bar\">") ||
				!strings.Contains(x.String(), "!$C$4:$C$6") {
				t.Errorf("chart XML lacks the bars of C4:C6:\n%.600s", x.String())
			}
		}
	}
	if charts != 1 {
		t.Errorf("%d charts, want 1", charts)
	}

	// Cá nhân: a row per person, lead and coordinator.
	sh = SheetPeople
	if n := len(rows(sh)); n != HeaderRow+len(b.People) {
		t.Errorf("%s has %d rows", sh, n)
	}
	for i, e := range b.People {
		l := fg.People[e.ID]
		lt, ct := l.Lead, l.Coord
		checkRow(t, f, sh, HeaderRow+1+i, i+1, testNames[e.ID], unitName(testPersonUnit[e.ID]), lt.States[StateOnTime],
			lt.States[StateLate], lt.States[StateOverdue], lt.States[StateInProgress], "*", ct.States[StateOnTime],
			ct.States[StateLate], ct.States[StateOverdue], ct.States[StateInProgress], "*", lt.LateDays+ct.LateDays,
			lt.OverdueDays+ct.OverdueDays, lt.Returned2, lt.ExtAsked+ct.ExtAsked, lt.ExtGranted+ct.ExtGranted)
	}

	// Chi tiết: one row per fact counted, dates as Excel dates.
	sh = SheetDetail
	if n := len(rows(sh)); n != HeaderRow+len(fg.Rows) {
		t.Errorf("%s has %d rows, want %d", sh, n, HeaderRow+len(fg.Rows))
	}
	for i, r := range fg.Rows {
		x := r.Fact
		row := HeaderRow + 1 + i
		closed := ""
		if r.State == StateOnTime || r.State == StateLate {
			closed = x.Closed.In(vn).Format("02/01/2006 15:04")
		}
		first := x.FirstDeadline
		if first.IsZero() {
			first = x.Deadline
		}
		checkRow(t, f, sh, row, x.TaskID, x.Title, x.Source, yes(x.KeyTask), yes(x.Urgent), RoleName(x.Role), testNames[x.PersonID],
			unitName(x.UnitID), x.Coordinators, x.Created.In(vn).Format("02/01/2006"), first.In(vn).Format("02/01/2006 15:04"),
			x.Deadline.In(vn).Format("02/01/2006 15:04"), closed, r.State.String(), r.Days, x.Returns, x.ExtAsked, x.ExtGranted,
			CauseName(x.Cause), x.HandOver)
		if _, err := strconv.ParseFloat(raw(t, f, sh, 12, row), 64); err != nil {
			t.Errorf("%s L%d is not an Excel date: %v", sh, row, err)
		}
	}
	// Task 4's original deadline, 10/11 17:00, is a real date and time.
	for i, r := range fg.Rows {
		if r.Fact.TaskID == 4 {
			want := time.Date(2026, 11, 10, 17, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
			got, err := strconv.ParseFloat(raw(t, f, sh, 11, HeaderRow+1+i), 64)
			if err != nil || got-want > 1e-6 || want-got > 1e-6 {
				t.Errorf("task 4's first deadline is %v, want %v", got, want)
			}
		}
	}

	// Trả lại ≥ 2 lần: task 5 alone.
	sh = SheetReturned
	if n := len(rows(sh)); n != HeaderRow+1 {
		t.Errorf("%s has %d rows", sh, n)
	}
	checkRow(t, f, sh, HeaderRow+1, 1, 5, "Việc", testNames[12], unitName(3), 2, StateOnTime.String(), "20/11/2026 17:00")

	libreOfficeCSV(t, buf.Bytes())
}

// libreOfficeCSV converts the export with LibreOffice when it is installed:
// the file opens there, and the summary's numbers read back.
func libreOfficeCSV(t *testing.T, xlsx []byte) {
	lo, err := exec.LookPath("libreoffice")
	if err != nil {
		if lo, err = exec.LookPath("soffice"); err != nil {
			t.Log("LibreOffice is not installed: the conversion is skipped")
			return
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "thongke.xlsx")
	if err := os.WriteFile(in, xlsx, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lo, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "thongke.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// LibreOffice computed the rates' formulas itself: 5 of 10 on time.
	if !strings.Contains(strings.ReplaceAll(string(csv), `"`, ""), ",Tổng cộng,5,2,3,2,12,50.0%,0,1,0,0,0.0%,") {
		t.Errorf("LibreOffice's CSV of Tổng hợp lacks the total row:\n%s", csv)
	}
}
