package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// MaxExportBytes is the largest file a transport takes as a document
// (Telegram's 50 MB): a bigger export is refused with a narrower period
// suggested.
const MaxExportBytes = 50 << 20

// Sheet names of the export.
const (
	SheetSummary  = "Tổng hợp"
	SheetPeople   = "Cá nhân"
	SheetDetail   = "Chi tiết"
	SheetReturned = "Trả lại ≥ 2 lần"
)

// titleRows is how many rows stand above a sheet's header: the title,
// and the time of the figures.
const titleRows = 2

// HeaderRow is the row of every sheet's column headers; data follow.
const HeaderRow = titleRows + 1

// Book is what an export shows: the figures of one scope, with the names
// of its units and people.
type Book struct {
	Org     string // the organisation or unit the figures are of, e.g. "Sở Nội vụ"
	Figures *Figures
	// Units are the rows of Tổng hợp and People those of Cá nhân, in
	// their order (WorstFirst).
	Units  []Entry
	People []Entry
	// UnitName and PersonName name the ids of the detail rows;
	// PersonUnit names a person's unit, "" when none.
	UnitName   func(int64) string
	PersonName func(int64) string
	PersonUnit func(int64) string
}

// Column headers, as the sheets have them.
var (
	summaryHeaders = []string{"STT", "Đơn vị", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn", "Quá hạn chưa hoàn thành",
		"Đang thực hiện trong hạn", "Tổng số", "Tỉ lệ đúng hạn", "Phối hợp: đúng hạn", "Phối hợp: trễ hạn",
		"Phối hợp: quá hạn", "Phối hợp: đang thực hiện", "Tỉ lệ phối hợp đúng hạn", "Trọng tâm", "Trọng tâm quá hạn",
		"Trả lại ≥ 2 lần", "Xin gia hạn", "Được gia hạn", "Nguyên nhân quá hạn đã nêu"}
	peopleHeaders = []string{"STT", "Họ tên", "Đơn vị", "Chủ trì: đúng hạn", "Chủ trì: trễ hạn", "Chủ trì: quá hạn",
		"Chủ trì: đang thực hiện", "Tỉ lệ chủ trì đúng hạn", "Phối hợp: đúng hạn", "Phối hợp: trễ hạn", "Phối hợp: quá hạn",
		"Phối hợp: đang thực hiện", "Tỉ lệ phối hợp đúng hạn", "Ngày làm việc trễ hạn", "Ngày làm việc quá hạn",
		"Trả lại ≥ 2 lần", "Xin gia hạn", "Được gia hạn"}
	detailHeaders = []string{"Số hiệu", "Nội dung", "Văn bản giao", "Trọng tâm", "Khẩn", "Vai trò", "Người thực hiện",
		"Đơn vị", "Phối hợp", "Ngày giao", "Hạn ban đầu", "Hạn hiện hành", "Ngày hoàn thành", "Tình trạng",
		"Số ngày làm việc trễ/quá hạn", "Số lần trả lại", "Xin gia hạn", "Được gia hạn", "Nguyên nhân quá hạn", "Chuyển giao"}
	returnedHeaders = []string{"STT", "Số hiệu", "Nội dung", "Người chủ trì", "Đơn vị", "Số lần trả lại", "Tình trạng", "Hạn hiện hành"}
)

// styles are the export's cell styles.
type styles struct {
	title, sub, header, date, datetime, pct, text int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	dd, ddt, pct := "dd/mm/yyyy", "dd/mm/yyyy hh:mm", "0.0%"
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.sub = mk(&excelize.Style{Font: &excelize.Font{Italic: true}})
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	s.date = mk(&excelize.Style{CustomNumFmt: &dd})
	s.datetime = mk(&excelize.Style{CustomNumFmt: &ddt})
	s.pct = mk(&excelize.Style{CustomNumFmt: &pct})
	s.text = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: false, Vertical: "top"}})
	return s, err
}

// excelTime is t as Excel stores it: the wall clock of t's zone (Excel
// has no zones), or nil for a zero time (an empty cell).
func excelTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// sheet streams one sheet: the title rows, the header, then data rows.
type sheet struct {
	sw     *excelize.StreamWriter
	st     styles
	row    int
	widths []float64
}

func (b *Book) newSheet(f *excelize.File, name string, st styles, headers []string, widths []float64) (*sheet, error) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	// The header stays in view while the rows scroll.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: HeaderRow, TopLeftCell: fmt.Sprintf("A%d", HeaderRow+1), ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	s := &sheet{sw: sw, st: st, widths: widths}
	fg := b.Figures
	title := fmt.Sprintf("%s: kết quả thực hiện nhiệm vụ %s", b.Org, fg.Period.Label)
	if err := s.put([]any{excelize.Cell{StyleID: st.title, Value: strings.TrimPrefix(title, ": ")}}, excelize.RowOpts{Height: 22}); err != nil {
		return nil, err
	}
	loc := fg.Period.From.Location()
	sub := fmt.Sprintf("%s (%s), số liệu đến %s", name, periodSpan(fg.Period), fg.Now.In(loc).Format("15:04 02/01/2006"))
	if err := s.put([]any{excelize.Cell{StyleID: st.sub, Value: sub}}); err != nil {
		return nil, err
	}
	hdr := make([]any, len(headers))
	for i, h := range headers {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	return s, s.put(hdr, excelize.RowOpts{Height: 45})
}

func periodSpan(p Period) string {
	return "từ " + span(p.From, p.To)
}

func (s *sheet) put(vals []any, opts ...excelize.RowOpts) error {
	s.row++
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	return s.sw.SetRow(cell, vals, opts...)
}

// end makes the header and the data up to row last an Excel table, with
// its filters, and ends the sheet.
func (s *sheet) end(name string, cols, last int) error {
	last = max(last, HeaderRow+1) // a table has a row at least
	ref, _ := excelize.CoordinatesToCellName(cols, last)
	disable := false
	err := s.sw.AddTable(&excelize.Table{Range: fmt.Sprintf("A%d:%s", HeaderRow, ref), Name: name,
		StyleName: "TableStyleLight9", ShowRowStripes: &disable})
	if err != nil {
		return err
	}
	return s.sw.Flush()
}

// rate is an on-time rate cell: the formula over the row's counts, with
// its value cached for readers that do not compute.
func rate(s *sheet, t States, onTime, late, overdue string) any {
	r := s.row + 1
	f := fmt.Sprintf(`IF(%[1]s%[4]d+%[2]s%[4]d+%[3]s%[4]d=0,"",%[1]s%[4]d/(%[1]s%[4]d+%[2]s%[4]d+%[3]s%[4]d))`, onTime, late, overdue, r)
	c := excelize.Cell{StyleID: s.st.pct, Formula: f}
	if p, ok := t.Rate(); ok {
		c.Value = p / 100
	} else {
		c.Value = ""
	}
	return c
}

// WriteXLSX writes the export of b to w: the sheets Tổng hợp (per unit,
// with a bar chart), Cá nhân (per person), Chi tiết (one row per task
// and part counted) and Trả lại ≥ 2 lần. Big sheets are streamed.
func WriteXLSX(w io.Writer, b *Book) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("report: xlsx styles: %w", err)
	}
	steps := []func(*excelize.File, styles) error{b.summary, b.people, b.detail, b.returned}
	for i, name := range []string{SheetSummary, SheetPeople, SheetDetail, SheetReturned} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("report: xlsx sheet: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("report: xlsx sheet: %w", err)
		}
		if err := steps[i](f, st); err != nil {
			return fmt.Errorf("report: xlsx %s: %w", name, err)
		}
	}
	if err := b.chart(f); err != nil {
		return fmt.Errorf("report: xlsx chart: %w", err)
	}
	// No SetActiveSheet: the first sheet is the active one already, and
	// SetActiveSheet reads every sheet back into memory, the streamed
	// ones too, to mark which is selected (at 100k tasks, ~150 MB more
	// than the stream: BENCHMARKS.md §7).
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: write xlsx: %w", err)
	}
	return nil
}

func (b *Book) summary(f *excelize.File, st styles) error {
	widths := []float64{6, 30, 12, 12, 12, 12, 9, 10, 11, 11, 11, 11, 11, 10, 10, 10, 10, 10, 12}
	widths[1] = fitWidth(widths[1], len(b.Units), func(i int) string { return b.Units[i].Name })
	s, err := b.newSheet(f, SheetSummary, st, summaryHeaders, widths)
	if err != nil {
		return err
	}
	row := func(n any, name string, t Tally, c Tally) error {
		return s.put([]any{n, name, t.States[StateOnTime], t.States[StateLate], t.States[StateOverdue], t.States[StateInProgress],
			t.Total(), rate(s, t.States, "C", "D", "E"), c.States[StateOnTime], c.States[StateLate], c.States[StateOverdue],
			c.States[StateInProgress], rate(s, c.States, "I", "J", "K"), t.Key.Total(), t.Key[StateOverdue], t.Returned2,
			t.ExtAsked, t.ExtGranted, t.Causes})
	}
	for i, e := range b.Units {
		l := b.Figures.Units[e.ID]
		if l == nil {
			l = &Line{}
		}
		if err := row(i+1, e.Name, l.Lead, l.Coord); err != nil {
			return err
		}
	}
	// The total stays out of the table: sorting by a column keeps it last.
	last := s.row
	if err := row("", "Tổng cộng", b.Figures.Total.Lead, b.Figures.Total.Coord); err != nil {
		return err
	}
	return s.end("TongHop", len(summaryHeaders), last)
}

// chart puts a native Excel bar chart of the units' states beside
// Tổng hợp's table.
func (b *Book) chart(f *excelize.File) error {
	n := len(b.Units)
	if n == 0 {
		return nil
	}
	first, last := HeaderRow+1, HeaderRow+n
	sh := "'" + SheetSummary + "'"
	var series []excelize.ChartSeries
	for i, col := range []string{"C", "D", "E"} {
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", sh, col, HeaderRow),
			Categories: fmt.Sprintf("%s!$B$%d:$B$%d", sh, first, last),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", sh, col, first, col, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{[]string{"2EA043", "F0A020", "D63031"}[i]}},
		})
	}
	return f.AddChart(SheetSummary, fmt.Sprintf("B%d", last+3), &excelize.Chart{
		Type:      excelize.BarStacked,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Kết quả thực hiện nhiệm vụ " + b.Figures.Period.Label}}},
		Legend:    excelize.ChartLegend{Position: "top"},
		Dimension: excelize.ChartDimension{Width: 720, Height: uint(160 + 28*n)},
		YAxis:     excelize.ChartAxis{ReverseOrder: true},
	})
}

func (b *Book) people(f *excelize.File, st styles) error {
	widths := []float64{6, 24, 24, 10, 10, 10, 11, 10, 10, 10, 10, 11, 10, 11, 11, 10, 10, 10}
	widths[1] = fitWidth(widths[1], len(b.People), func(i int) string { return b.People[i].Name })
	s, err := b.newSheet(f, SheetPeople, st, peopleHeaders, widths)
	if err != nil {
		return err
	}
	for i, e := range b.People {
		l := b.Figures.People[e.ID]
		if l == nil {
			l = &Line{}
		}
		t, c := l.Lead, l.Coord
		err := s.put([]any{i + 1, e.Name, b.PersonUnit(e.ID), t.States[StateOnTime], t.States[StateLate], t.States[StateOverdue],
			t.States[StateInProgress], rate(s, t.States, "D", "E", "F"), c.States[StateOnTime], c.States[StateLate],
			c.States[StateOverdue], c.States[StateInProgress], rate(s, c.States, "I", "J", "K"), t.LateDays + c.LateDays,
			t.OverdueDays + c.OverdueDays, t.Returned2, t.ExtAsked + c.ExtAsked, t.ExtGranted + c.ExtGranted})
		if err != nil {
			return err
		}
	}
	return s.end("CaNhan", len(peopleHeaders), s.row)
}

// RoleName is a role as the detail sheet says it.
func RoleName(r Role) string {
	if r == RoleCoordinator {
		return "Phối hợp"
	}
	return "Chủ trì"
}

// causeNames are the overdue causes as reports word them.
var causeNames = map[string]string{
	"waiting":  "Chờ ý kiến/hồ sơ đơn vị khác",
	"workload": "Khối lượng lớn, phức tạp",
	"short":    "Thời hạn giao quá ngắn",
	"other":    "Khác",
}

// CauseName is an overdue cause as reports word it.
func CauseName(c string) string {
	if n, ok := causeNames[c]; ok {
		return n
	}
	return c
}

func yes(b bool) string {
	if b {
		return "x"
	}
	return ""
}

func (b *Book) detail(f *excelize.File, st styles) error {
	rows := b.Figures.Rows
	widths := []float64{9, 50, 30, 9, 7, 10, 22, 24, 24, 12, 16, 16, 16, 24, 12, 9, 9, 9, 24, 24}
	widths[1] = fitWidth(widths[1], len(rows), func(i int) string { return rows[i].Fact.Title })
	s, err := b.newSheet(f, SheetDetail, st, detailHeaders, widths)
	if err != nil {
		return err
	}
	loc := b.Figures.Period.From.Location()
	date := func(t time.Time, style int) any {
		v := excelTime(t, loc)
		if v == nil {
			return nil
		}
		return excelize.Cell{StyleID: style, Value: v}
	}
	for _, r := range rows {
		x := r.Fact
		first := x.FirstDeadline
		if first.IsZero() {
			first = x.Deadline
		}
		var closed time.Time
		if r.State == StateOnTime || r.State == StateLate {
			closed = x.Closed
		}
		err := s.put([]any{x.TaskID, x.Title, x.Source, yes(x.KeyTask), yes(x.Urgent), RoleName(x.Role), b.PersonName(x.PersonID),
			b.UnitName(x.UnitID), x.Coordinators, date(x.Created, st.date), date(first, st.datetime), date(x.Deadline, st.datetime),
			date(closed, st.datetime), r.State.String(), r.Days, x.Returns, x.ExtAsked, x.ExtGranted, CauseName(x.Cause), x.HandOver})
		if err != nil {
			return err
		}
	}
	return s.end("ChiTiet", len(detailHeaders), s.row)
}

// Returned lists the rows of tasks returned 2 times or more, as lead.
func (fg *Figures) Returned() []Row {
	var out []Row
	for _, r := range fg.Rows {
		if r.Fact.Role == RoleLead && r.Fact.Returns >= 2 {
			out = append(out, r)
		}
	}
	return out
}

func (b *Book) returned(f *excelize.File, st styles) error {
	rows := b.Figures.Returned()
	widths := []float64{6, 9, 50, 22, 24, 10, 24, 16}
	s, err := b.newSheet(f, SheetReturned, st, returnedHeaders, widths)
	if err != nil {
		return err
	}
	loc := b.Figures.Period.From.Location()
	for i, r := range rows {
		x := r.Fact
		err := s.put([]any{i + 1, x.TaskID, x.Title, b.PersonName(x.PersonID), b.UnitName(x.UnitID), x.Returns, r.State.String(),
			excelize.Cell{StyleID: st.datetime, Value: excelTime(x.Deadline, loc)}})
		if err != nil {
			return err
		}
	}
	return s.end("TraLai", len(returnedHeaders), s.row)
}

// fitWidth widens a column to its longest text among n (Excel counts
// characters), up to 60.
func fitWidth(w float64, n int, text func(int) string) float64 {
	for i := range n {
		if l := float64(utf8.RuneCountInString(text(i))) + 2; l > w {
			w = l
		}
	}
	return min(w, 60)
}
