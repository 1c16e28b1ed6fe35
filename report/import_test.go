package report

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	nhacviec "github.com/nhacviec/nhacviec"
)

// The template, read back, gives its own examples.
func TestTemplateRoundTrip(t *testing.T) {
	now := at("2026-12-03 10:00")
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, now); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadImport("nhap-mau.xlsx", bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want := TemplateRows(now)
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("read back:\n%+v\nwant:\n%+v", rows, want)
	}
	if want[0].Deadline != "03/01/2027" {
		t.Errorf("the example's deadline %q", want[0].Deadline)
	}
	// The example's deadline is a real Excel date cell.
	f, _ := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	defer f.Close()
	if typ, _ := f.GetCellType("Kế hoạch", "D2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("D2 is a string, want a date")
	}
	// And the rows check out with a resolver that knows everyone.
	checked := CheckImport(rows, fakeResolver{}, now)
	if rep := ImportReport(checked, 0); rep != "✅ Đọc được 2 việc, không có lỗi." {
		t.Errorf("report %q", rep)
	}
	if c := checked[0]; c.LeadAs.PersonID != 1 || len(c.CoordAs) != 2 || c.CoordAs[1].UnitID != 7 || !c.DeadlineAt.Equal(at("2027-01-03 17:00")) {
		t.Errorf("first row checked %+v", c)
	}
}

func TestReadImportCSV(t *testing.T) {
	csv := "\xef\xbb\xbfSTT;Noi dung;Han;Chu tri;Phoi hop;Trong tam\n" +
		"1;Rà soát thủ tục hành chính;20/12/2026;@an;\"@binh; Phòng Pháp chế \";x\n" +
		";;;;;\n" +
		"2;\"Tổng hợp báo cáo; quý IV\";5 ngày làm việc;Phòng Tổ chức;;không\n"
	rows, err := ReadImport("ke-hoach.CSV", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []ImportRow{
		{Line: 2, Title: "Rà soát thủ tục hành chính", Lead: "@an", Coordinators: []string{"@binh", "Phòng Pháp chế"}, Deadline: "20/12/2026", KeyTask: true},
		{Line: 4, Title: "Tổng hợp báo cáo; quý IV", Lead: "Phòng Tổ chức", Deadline: "5 ngày làm việc"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n%+v\nwant:\n%+v", rows, want)
	}
}

func xlsxBytes(t *testing.T, edit func(f *excelize.File)) []byte {
	f := excelize.NewFile()
	for i, h := range ImportHeaders {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", c, h)
	}
	f.SetCellValue("Sheet1", "A2", "Việc một")
	f.SetCellValue("Sheet1", "B2", "@an")
	f.SetCellValue("Sheet1", "D2", "20/12/2026")
	edit(f)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Files the import refuses, each with a Vietnamese reason.
func TestReadImportRefuses(t *testing.T) {
	big := strings.Repeat("x", MaxImportBytes+1)
	var many strings.Builder
	many.WriteString("Nội dung,Chủ trì,Hạn\n")
	for i := range MaxImportRows + 1 {
		fmt.Fprintf(&many, "Việc %d,@an,20/12/2026\n", i)
	}
	for _, tc := range []struct {
		name, file, data, says string
	}{
		{"too big", "a.csv", big, "5 MB"},
		{"too many rows", "a.csv", many.String(), "2000 việc"},
		{"no header", "a.csv", "Tên,Người,Ngày\nA,B,C\n", "Không thấy dòng tiêu đề"},
		{"not UTF-8", "a.csv", "N\xf4i dung,Ch\xfa tr\xec,H\xe1n\n", "UTF-8"},
		{"a PDF", "a.pdf", "%PDF-1.4", ".xlsx hoặc .csv"},
		{"not a workbook", "a.xlsx", "PK\x03\x04 garbage", "Không mở được tệp Excel"},
		{"a formula", "a.xlsx", string(xlsxBytes(t, func(f *excelize.File) { f.SetCellFormula("Sheet1", "A3", "CONCAT(\"a\",\"b\")") })), "công thức"},
		{"merged cells", "a.xlsx", string(xlsxBytes(t, func(f *excelize.File) { f.MergeCell("Sheet1", "A2", "A3") })), "ô gộp"},
		{"wrong sheet", "a.xlsx", string(xlsxBytes(t, func(f *excelize.File) { f.SetCellValue("Sheet1", "A1", "Tên") })), "Không thấy dòng tiêu đề"},
	} {
		_, err := ReadImport(tc.file, strings.NewReader(tc.data))
		if nhacviec.ErrorCode(err) != nhacviec.EInvalid || !strings.Contains(nhacviec.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %v, want EInvalid saying %q", tc.name, err, tc.says)
		}
	}
	// 2,000 rows are fine; a title merged above the header is too.
	ok := strings.Join(strings.Split(many.String(), "\n")[:MaxImportRows+1], "\n")
	if rows, err := ReadImport("a.csv", strings.NewReader(ok)); err != nil || len(rows) != MaxImportRows {
		t.Errorf("2,000 rows: %d, %v", len(rows), err)
	}
	titled := xlsxBytes(t, func(f *excelize.File) {
		f.InsertRows("Sheet1", 1, 1)
		f.SetCellValue("Sheet1", "A1", "KẾ HOẠCH CÔNG TÁC NĂM 2027")
		f.MergeCell("Sheet1", "A1", "G1")
	})
	if rows, err := ReadImport("a.xlsx", bytes.NewReader(titled)); err != nil || len(rows) != 1 || rows[0].Line != 3 {
		t.Errorf("a merged title above the header: %+v, %v", rows, err)
	}
}

// fakeResolver knows @an (1), @binh (2), Phòng Kế hoạch - Tài chính (unit 7)
// and Phòng Tổ chức (unit 8); deadlines are dd/mm/yyyy at 17:00 or
// "5 ngày làm việc" (a week on).
type fakeResolver struct{}

func (fakeResolver) who(s string) (Assignee, error) {
	switch s {
	case "@an":
		return Assignee{PersonID: 1, Name: "@an"}, nil
	case "@binh":
		return Assignee{PersonID: 2, Name: "@binh"}, nil
	case "Phòng Kế hoạch - Tài chính":
		return Assignee{UnitID: 7, Name: s}, nil
	case "Phòng Tổ chức":
		return Assignee{UnitID: 8, Name: s}, nil
	}
	return Assignee{}, nhacviec.Errorf(nhacviec.ENotFound, "không có ai tên %s", s)
}

func (r fakeResolver) Lead(s string) (Assignee, error)        { return r.who(s) }
func (r fakeResolver) Coordinator(s string) (Assignee, error) { return r.who(s) }
func (fakeResolver) Deadline(s string, now time.Time) (time.Time, error) {
	if s == "5 ngày làm việc" {
		return now.AddDate(0, 0, 7), nil
	}
	d, err := time.ParseInLocation("02/01/2006", s, vn)
	if err != nil {
		return time.Time{}, nhacviec.Errorf(nhacviec.EInvalid, "không hiểu hạn")
	}
	return d.Add(17 * time.Hour), nil
}

func TestCheckImport(t *testing.T) {
	now := at("2026-12-03 10:00")
	rows := []ImportRow{
		{Line: 2, Title: "Đúng cả", Lead: "@an", Coordinators: []string{"@binh"}, Deadline: "20/12/2026"},
		{Line: 3, Title: "", Lead: "@an", Deadline: "20/12/2026"},
		{Line: 4, Title: "Người lạ", Lead: "@xyz", Deadline: "20/12/2026"},
		{Line: 5, Title: "Hạn lạ", Lead: "@an", Deadline: "mai mốt"},
		{Line: 6, Title: "Hạn đã qua", Lead: "@an", Deadline: "01/12/2026"},
		{Line: 7, Title: "Hai vai", Lead: "@an", Coordinators: []string{"@an", "@ghost"}, Deadline: "20/12/2026"},
		{Line: 8, Title: "Không hạn, không người", Source: strings.Repeat("v", 501)},
	}
	checked := CheckImport(rows, fakeResolver{}, now)
	want := map[int][]string{
		3: {"thiếu nội dung"},
		4: {"chủ trì «@xyz»: không có ai tên @xyz"},
		5: {"hạn «mai mốt»: không hiểu hạn"},
		6: {"hạn 17:00 01/12/2026 đã qua"},
		7: {"«@an» vừa chủ trì vừa phối hợp", "phối hợp «@ghost»: không có ai tên @ghost"},
		8: {"văn bản dài 501 ký tự, tối đa 500", "thiếu người chủ trì", "thiếu hạn"},
	}
	for _, c := range checked {
		if !reflect.DeepEqual(c.Problems, want[c.Line]) {
			t.Errorf("row %d: %q, want %q", c.Line, c.Problems, want[c.Line])
		}
	}
	rep := ImportReport(checked, 3)
	wantRep := "Đọc được 7 dòng: 1 dòng hợp lệ, 6 dòng có lỗi.\n" +
		"Dòng 3: thiếu nội dung.\n" +
		"Dòng 4: chủ trì «@xyz»: không có ai tên @xyz.\n" +
		"Dòng 5: hạn «mai mốt»: không hiểu hạn.\n" +
		"… và 3 dòng lỗi khác.\n" +
		"Sửa các dòng lỗi trong tệp rồi gửi lại; chưa việc nào được tạo."
	if rep != wantRep {
		t.Errorf("report:\n%s\nwant:\n%s", rep, wantRep)
	}
}
