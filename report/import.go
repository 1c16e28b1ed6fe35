package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Import limits: what one /nhap may bring.
const (
	MaxImportRows  = 2000
	MaxImportBytes = 5 << 20
	// Field lengths, in characters.
	maxTitle = 500
	maxField = 500
)

// ImportRow is one row of an imported work plan, as written in the file.
type ImportRow struct {
	Line         int    // the row's number in the sheet, as Excel shows it
	Title        string // Nội dung
	Lead         string // Chủ trì: @username, a name or a unit
	Coordinators []string
	// Deadline is the deadline phrase as typed, or an Excel date written
	// out as "dd/mm/yyyy" ("16h30 dd/mm/yyyy" with a time of day).
	Deadline string
	Result   string // Kết quả
	Source   string // Văn bản
	KeyTask  bool   // Trọng tâm: any mark but "không"
}

// The columns, by their folded names; the first name is the template's.
var importColumns = []struct {
	names    []string
	required bool
}{
	{[]string{"noi dung", "nhiem vu", "ten nhiem vu", "cong viec", "noi dung cong viec", "noi dung nhiem vu"}, true},
	{[]string{"chu tri", "don vi chu tri", "nguoi chu tri", "chu tri thuc hien"}, true},
	{[]string{"phoi hop", "don vi phoi hop", "nguoi phoi hop"}, false},
	{[]string{"han", "thoi han", "han hoan thanh", "thoi han hoan thanh"}, true},
	{[]string{"ket qua", "san pham", "ket qua/san pham", "ket qua, san pham"}, false},
	{[]string{"van ban", "van ban giao", "nguon giao", "can cu"}, false},
	{[]string{"trong tam", "nhiem vu trong tam"}, false},
}

// ImportHeaders are the template's column headers, in order.
var ImportHeaders = []string{"Nội dung", "Chủ trì", "Phối hợp", "Hạn", "Kết quả", "Văn bản", "Trọng tâm"}

func invalid(format string, args ...any) error {
	return nhacviec.Errorf(nhacviec.EInvalid, format, args...)
}

var errHeader = "Không thấy dòng tiêu đề có các cột Nội dung, Chủ trì, Hạn (và nếu có: Phối hợp, Kết quả, Văn bản, Trọng tâm). Gửi /nhap mau để lấy tệp mẫu."

// ReadImport reads a work plan from an .xlsx or .csv file (by name's
// extension): the first sheet that has the header row (in its first 10
// rows), one task per row below it, empty rows skipped. A file over 5 MB
// or 2,000 rows, an unreadable one, one without the header, and a sheet
// with formulas or merged cells are EInvalid errors that say so in
// Vietnamese.
func ReadImport(name string, r io.Reader) ([]ImportRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("report: read import: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, invalid("Tệp lớn hơn 5 MB. Chia kế hoạch thành nhiều tệp nhỏ hơn (tối đa %d dòng mỗi tệp).", MaxImportRows)
	}
	switch n := strings.ToLower(name); {
	case strings.HasSuffix(n, ".xlsx"):
		return readXLSX(data)
	case strings.HasSuffix(n, ".csv"):
		return readCSV(data)
	default:
		return nil, invalid("Chỉ nhận tệp .xlsx hoặc .csv. Gửi /nhap mau để lấy tệp mẫu.")
	}
}

// header finds the header row among rows: the index of the row and the
// column of each of importColumns (-1 when absent).
func header(rows [][]string) (int, []int, bool) {
	for i, row := range rows {
		if i >= 10 {
			break
		}
		cols := make([]int, len(importColumns))
		found := 0
		for k := range cols {
			cols[k] = -1
		}
		for j, c := range row {
			h := strings.Join(strings.Fields(strings.Trim(fold(c), " :*")), " ")
			for k, col := range importColumns {
				if cols[k] < 0 && slices.Contains(col.names, h) {
					cols[k] = j
					found++
				}
			}
		}
		ok := true
		for k, col := range importColumns {
			if col.required && cols[k] < 0 {
				ok = false
			}
		}
		if ok {
			return i, cols, true
		}
	}
	return 0, nil, false
}

// rowsOf turns the rows below the header into ImportRows; first is the
// sheet's row number of rows[0]. date, when not nil, reads a Hạn cell
// that holds an Excel date.
func rowsOf(rows [][]string, first int, cols []int, date func(row, col int) (string, bool)) ([]ImportRow, error) {
	var out []ImportRow
	get := func(row []string, k int) string {
		if c := cols[k]; c >= 0 && c < len(row) {
			return strings.TrimSpace(norm.NFC.String(row[c]))
		}
		return ""
	}
	for i, row := range rows {
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		if len(out) == MaxImportRows {
			return nil, invalid("Tệp có hơn %d việc. Chia kế hoạch thành nhiều tệp.", MaxImportRows)
		}
		r := ImportRow{Line: first + i, Title: oneLine(get(row, 0)), Lead: oneLine(get(row, 1)), Deadline: oneLine(get(row, 3)),
			Result: oneLine(get(row, 4)), Source: oneLine(get(row, 5))}
		if date != nil && cols[3] >= 0 {
			if d, ok := date(first+i, cols[3]); ok {
				r.Deadline = d
			}
		}
		for _, c := range strings.FieldsFunc(get(row, 2), func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			if c = strings.TrimSpace(c); c != "" {
				r.Coordinators = append(r.Coordinators, c)
			}
		}
		switch k := fold(get(row, 6)); k {
		case "", "khong", "0", "no", "false", "-":
		default:
			r.KeyTask = true
		}
		out = append(out, r)
	}
	return out, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func readCSV(data []byte) ([]ImportRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, invalid("Tệp CSV không phải mã UTF-8. Trong Excel chọn Lưu thành «CSV UTF-8», hoặc gửi tệp .xlsx.")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';' // Excel's CSV where the list separator is ";"
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, invalid("Không đọc được tệp CSV (%v). Gửi /nhap mau để lấy tệp mẫu.", err)
		}
		rows = append(rows, rec)
		if len(rows) > MaxImportRows+20 {
			break // the count below says so
		}
	}
	h, cols, ok := header(rows)
	if !ok {
		return nil, invalid("%s", errHeader)
	}
	return rowsOf(rows[h+1:], h+2, cols, nil)
}

func readXLSX(data []byte) ([]ImportRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("Không mở được tệp Excel (tệp hỏng, có mật khẩu, hoặc không phải .xlsx). Gửi /nhap mau để lấy tệp mẫu.")
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true}) // dates read below, not formatted for each cell
		if err != nil {
			return nil, invalid("Không đọc được trang «%s» của tệp Excel.", sheet)
		}
		h, cols, ok := header(rows)
		if !ok {
			continue
		}
		body := rows[h+1:]
		if n := len(body); n > MaxImportRows+20 {
			return nil, invalid("Tệp có hơn %d việc. Chia kế hoạch thành nhiều tệp.", MaxImportRows)
		}
		merged, err := f.GetMergeCells(sheet)
		if err != nil {
			return nil, invalid("Không đọc được trang «%s» của tệp Excel.", sheet)
		}
		for _, m := range merged {
			_, r, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
			_, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
			if r2 > h { // merged cells above the header (a title) do no harm
				return nil, invalid("Trang «%s» có ô gộp (%s:%s, dòng %d). Bỏ gộp ô, mỗi việc một dòng, rồi gửi lại.", sheet, m.GetStartAxis(), m.GetEndAxis(), r)
			}
		}
		for i, row := range body {
			for j := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, h+2+i)
				if fm, err := f.GetCellFormula(sheet, cell); err == nil && fm != "" {
					return nil, invalid("Ô %s của trang «%s» là công thức (=%s). Sao chép rồi dán dạng giá trị (Paste Values), rồi gửi lại.", cell, sheet, clip(fm))
				}
			}
		}
		date := func(row, col int) (string, bool) { return excelDate(f, sheet, row, col) }
		return rowsOf(body, h+2, cols, date)
	}
	return nil, invalid("%s", errHeader)
}

// excelDate reads the cell at (row, col) as an Excel date when it holds
// one (a number shown as a date), written as the calendar reads it.
func excelDate(f *excelize.File, sheet string, row, col int) (string, bool) {
	cell, _ := excelize.CoordinatesToCellName(col+1, row)
	typ, err := f.GetCellType(sheet, cell)
	if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeDate && typ != excelize.CellTypeUnset) {
		return "", false
	}
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil || v == "" {
		return "", false
	}
	var serial float64
	if _, err := fmt.Sscanf(v, "%g", &serial); err != nil || serial < 367 || serial > 2958465 {
		return "", false // not a date of this era: read as typed
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return "", false
	}
	// Round to the minute: Excel stores times as fractions of a day.
	t = t.Add(30 * time.Second).Truncate(time.Minute)
	if t.Hour() == 0 && t.Minute() == 0 || math.Abs(serial-math.Floor(serial)) < 1e-9 {
		return t.Format("02/01/2006"), true
	}
	return t.Format("15h04 02/01/2006"), true
}

// Assignee is a lead or coordinator resolved by the bot: a person, or a
// unit (answered for by its head).
type Assignee struct {
	PersonID int64
	UnitID   int64
	Name     string // as the bot shows it: "@an", "Phòng Kế hoạch"
}

// Resolver is how the bot reads an imported row's names and deadlines:
// report knows no people, units or calendar. Errors are *nhacviec.Error
// with a Vietnamese message that the validation report quotes.
type Resolver interface {
	// Lead resolves the lead (@username, a name, or a unit).
	Lead(s string) (Assignee, error)
	// Coordinator resolves one coordinator (a person or a unit).
	Coordinator(s string) (Assignee, error)
	// Deadline reads a deadline phrase or a date ("20/12/2026") as of now.
	Deadline(s string, now time.Time) (time.Time, error)
}

// Checked is an ImportRow with what the bot made of it.
type Checked struct {
	ImportRow
	LeadAs       Assignee
	CoordAs      []Assignee
	DeadlineAt   time.Time
	Problems     []string // Vietnamese, one per fault; none when the row can be created
	resolvedLead bool
}

// OK reports whether the row can be created.
func (c *Checked) OK() bool { return len(c.Problems) == 0 }

// CheckImport resolves every row through res and lists each row's faults:
// missing title, lead or deadline, unknown person or unit, unreadable or
// past deadline, the lead also a coordinator, a field too long.
func CheckImport(rows []ImportRow, res Resolver, now time.Time) []Checked {
	out := make([]Checked, len(rows))
	say := func(err error) string {
		if m := nhacviec.ErrorMessage(err); m != "" {
			return m
		}
		return "lỗi khi đọc"
	}
	for i, r := range rows {
		c := Checked{ImportRow: r}
		p := func(format string, args ...any) { c.Problems = append(c.Problems, fmt.Sprintf(format, args...)) }
		switch n := utf8.RuneCountInString(r.Title); {
		case n == 0:
			p("thiếu nội dung")
		case n > maxTitle:
			p("nội dung dài %d ký tự, tối đa %d", n, maxTitle)
		}
		for _, fld := range []struct{ name, v string }{{"kết quả", r.Result}, {"văn bản", r.Source}} {
			if n := utf8.RuneCountInString(fld.v); n > maxField {
				p("%s dài %d ký tự, tối đa %d", fld.name, n, maxField)
			}
		}
		if r.Lead == "" {
			p("thiếu người chủ trì")
		} else if a, err := res.Lead(r.Lead); err != nil {
			p("chủ trì «%s»: %s", clip(r.Lead), say(err))
		} else {
			c.LeadAs, c.resolvedLead = a, true
		}
		for _, s := range r.Coordinators {
			a, err := res.Coordinator(s)
			if err != nil {
				p("phối hợp «%s»: %s", clip(s), say(err))
				continue
			}
			if c.resolvedLead && a == c.LeadAs {
				p("«%s» vừa chủ trì vừa phối hợp", clip(s))
				continue
			}
			c.CoordAs = append(c.CoordAs, a)
		}
		if r.Deadline == "" {
			p("thiếu hạn")
		} else if d, err := res.Deadline(r.Deadline, now); err != nil {
			p("hạn «%s»: %s", clip(r.Deadline), say(err))
		} else if !d.After(now) {
			p("hạn %s đã qua", d.In(now.Location()).Format("15:04 02/01/2006"))
		} else {
			c.DeadlineAt = d
		}
		out[i] = c
	}
	return out
}

// ImportReport is the validation report: how many rows can be created,
// then each faulty row with its faults (at most max of them, 0: all).
func ImportReport(checked []Checked, max int) string {
	var b strings.Builder
	bad := 0
	for i := range checked {
		if !checked[i].OK() {
			bad++
		}
	}
	good := len(checked) - bad
	switch {
	case len(checked) == 0:
		return "Tệp không có việc nào dưới dòng tiêu đề."
	case bad == 0:
		fmt.Fprintf(&b, "✅ Đọc được %d việc, không có lỗi.", good)
	default:
		fmt.Fprintf(&b, "Đọc được %d dòng: %d dòng hợp lệ, %d dòng có lỗi.", len(checked), good, bad)
	}
	shown := 0
	for i := range checked {
		c := &checked[i]
		if c.OK() {
			continue
		}
		if max > 0 && shown == max {
			fmt.Fprintf(&b, "\n… và %d dòng lỗi khác.", bad-shown)
			break
		}
		shown++
		fmt.Fprintf(&b, "\nDòng %d: %s.", c.Line, strings.TrimRight(strings.Join(c.Problems, "; "), ". "))
	}
	if bad > 0 {
		b.WriteString("\nSửa các dòng lỗi trong tệp rồi gửi lại; chưa việc nào được tạo.")
	}
	return b.String()
}

// TemplateRows are the examples in the template (/nhap mau), deadlines
// as of the template's making.
func TemplateRows(now time.Time) []ImportRow {
	due := now.AddDate(0, 1, 0)
	return []ImportRow{
		{Line: 2, Title: "Xây dựng kế hoạch cải cách hành chính năm 2027", Lead: "@an", Coordinators: []string{"@binh", "Phòng Kế hoạch - Tài chính"},
			Deadline: due.Format("02/01/2006"), Result: "Kế hoạch trình Giám đốc ký", Source: "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", KeyTask: true},
		{Line: 3, Title: "Báo cáo tình hình thực hiện nhiệm vụ tháng", Lead: "Phòng Tổ chức", Deadline: "5 ngày làm việc",
			Result: "Báo cáo gửi Văn phòng"},
	}
}

// WriteTemplate writes the import template: the header row, the examples
// of TemplateRows (the first with its deadline as an Excel date) and a
// sheet of instructions.
func WriteTemplate(w io.Writer, now time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Kế hoạch"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	set := func(cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	for i, h := range ImportHeaders {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(c, h)
	}
	for i, r := range TemplateRows(now) {
		row := i + 2
		key := ""
		if r.KeyTask {
			key = "x"
		}
		vals := []any{r.Title, r.Lead, strings.Join(r.Coordinators, ", "), r.Deadline, r.Result, r.Source, key}
		if i == 0 {
			d, perr := time.Parse("02/01/2006", r.Deadline)
			if perr != nil {
				return fmt.Errorf("report: template: %w", perr)
			}
			vals[3] = d
		}
		for j, v := range vals {
			c, _ := excelize.CoordinatesToCellName(j+1, row)
			set(c, v)
		}
	}
	if err == nil {
		err = f.SetCellStyle(sheet, "D2", "D2", st.date)
	}
	if err == nil {
		err = f.SetCellStyle(sheet, "A1", "G1", st.header)
	}
	for i, w := range []float64{50, 22, 30, 18, 30, 40, 11} {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err == nil {
			err = f.SetColWidth(sheet, c, c, w)
		}
	}
	if err == nil {
		err = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	const help = "Hướng dẫn"
	if _, err := f.NewSheet(help); err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	for i, line := range []string{
		"Mỗi dòng của trang «Kế hoạch» là một việc. Xóa hai dòng ví dụ trước khi gửi.",
		"Nội dung: tên việc (bắt buộc).",
		"Chủ trì: @tên_người_dùng, họ tên, hoặc tên đơn vị (bắt buộc, một người hoặc một đơn vị).",
		"Phối hợp: nhiều người/đơn vị, cách nhau bằng dấu phẩy (không bắt buộc).",
		"Hạn: ngày (20/12/2026, hoặc ô kiểu ngày của Excel) hoặc cụm từ như «17h thứ 6», «5 ngày làm việc» (bắt buộc).",
		"Kết quả: sản phẩm cần có. Văn bản: số, ký hiệu, ngày của văn bản giao việc. Trọng tâm: đánh «x» nếu là nhiệm vụ trọng tâm.",
		fmt.Sprintf("Tối đa %d việc và 5 MB mỗi tệp. Không dùng công thức, không gộp ô.", MaxImportRows),
		"Gửi tệp cho bot kèm chú thích /nhap (hoặc trả lời tệp bằng /nhap).",
	} {
		if err := f.SetCellValue(help, fmt.Sprintf("A%d", i+1), line); err != nil {
			return fmt.Errorf("report: template: %w", err)
		}
	}
	if err := f.SetColWidth(help, "A", "A", 110); err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: write template: %w", err)
	}
	return nil
}
