package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

func TestIsDoneReply(t *testing.T) {
	for text, want := range map[string]bool{
		"xong": true, "Xong!": true, "XONG.": true, "done": true, "Done 👍": true,
		"hoàn thành": true, "Hoàn Thành!!!": true, "hoan thanh": true, "đã xong": true, "da xong": true,
		"  đã   xong  ": true, "Đã hoàn thành.": true,
		"chưa xong": false, "xong chưa?": false, "": false, "xong việc kia rồi còn việc này": false,
	} {
		if got := isDoneReply(text); got != want {
			t.Errorf("isDoneReply(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestSplitDeadline(t *testing.T) {
	for _, c := range []struct{ in, title, phrase string }{
		{"Báo cáo CCHC quý IV hạn 20/12", "Báo cáo CCHC quý IV", "20/12"},
		{"Báo cáo hạn chế rủi ro han mai", "Báo cáo hạn chế rủi ro", "mai"},
		{"Rà soát thời hạn hồ sơ HẠN: 17h 20/12", "Rà soát thời hạn hồ sơ", "17h 20/12"},
		{"<b>x</b> & *_[ hạn hôm nay", "<b>x</b> & *_[", "hôm nay"},
	} {
		title, phrase, ok := splitDeadline(c.in)
		if !ok || title != c.title || phrase != c.phrase {
			t.Errorf("splitDeadline(%q) = %q, %q, %v", c.in, title, phrase, ok)
		}
	}
	for _, in := range []string{"Báo cáo quý IV", "Báo cáo hạn", "hạn   "} {
		if _, _, ok := splitDeadline(in); ok {
			t.Errorf("splitDeadline(%q) accepted a missing deadline", in)
		}
	}
}

func TestParseCommand(t *testing.T) {
	for _, c := range []struct {
		in, name, args string
		ok             bool
	}{
		{"/giao @an việc hạn mai", "giao", "@an việc hạn mai", true},
		{"/XONG 12", "xong", "12", true},
		{"/viec", "viec", "", true},
		{"/giao\n@an việc hạn mai", "giao", "@an việc hạn mai", true},
		{"xong", "", "", false},
		{"/", "", "", false},
	} {
		name, args, ok := parseCommand(c.in)
		if name != c.name || args != c.args || ok != c.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v", c.in, name, args, ok)
		}
	}
}

var fuzzCal = calendar.New(calendar.Config{})
var fuzzNow = time.Date(2026, 11, 23, 9, 0, 0, 0, fuzzCal.Location())

// FuzzCommandParsing checks that the command-line parsers never panic and
// keep their promises on any input.
func FuzzCommandParsing(f *testing.F) {
	for _, s := range []string{
		"/giao @an Báo cáo CCHC quý IV hạn 20/12", "/xong #12", "xong!", "Đã hoàn thành.",
		"/giao\n@an x hạn mai", "/giao @an hạn hạn hạn", "/", "hạn", "\xff\xfe hạn 1", "/giao@bot a",
		"/giao @an Xây dựng kế hoạch CCHC năm 2027 hạn 20/12\nphối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính\nkết quả: Kế hoạch trình Giám đốc ký\nvăn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh\ntrọng tâm\nduyệt",
		"/giao @an Báo cáo\r\nket qua: X\r\nvan ban: 06/CT-UBND\r\ntrong tam\r\nkhan\r\nhan: mai",
		"/giao @an x\nhạn:\nkết quả:\n: \n\n", "/viec trongtam 1365/VP-NL", "/tim 50% _x_",
		"xin gia hạn đến 25/12 vì chờ số liệu", "Đã làm được 50%, xin gia hạn đến 25/12", "xin gia han them 3 ngay do om",
		"/giahan 12 25/12 lý do", "/giahan 12 khong cần nộp đúng hạn", "không đồng ý vì", "dongy", "/tiendo 12 60% đã xong",
		"150%", "-5%", "50 %", "xin gia hạn\xff vì", "vì lý do: ", "xin xin gia gia hạn hạn",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if name, _, ok := parseCommand(s); ok && (name == "" || strings.ContainsAny(name, " \n")) {
			t.Fatalf("parseCommand(%q) gave name %q", s, name)
		}
		if title, phrase, ok := splitDeadline(s); ok {
			if phrase == "" || len(title) > len(s) || !strings.Contains(s, phrase) {
				t.Fatalf("splitDeadline(%q) = %q, %q", s, title, phrase)
			}
			if utf8.ValidString(s) && (!utf8.ValidString(title) || !utf8.ValidString(phrase)) {
				t.Fatalf("splitDeadline(%q) cut a character", s)
			}
		}
		if _, args, ok := parseCommand(s); ok {
			first, rest := cutFirstLine(args)
			if strings.Contains(first, "\n") {
				t.Fatalf("cutFirstLine(%q) kept a line break in %q", args, first)
			}
			f, err := parseFieldLines(rest)
			if err != nil && nhacviec.ErrorCode(err) != nhacviec.EInvalid {
				t.Fatalf("parseFieldLines(%q): %v", rest, err)
			}
			if err == nil && (utf8.RuneCountInString(f.Result) > maxFieldLen || utf8.RuneCountInString(f.Source) > maxFieldLen) {
				t.Fatalf("parseFieldLines(%q) let a field past %d characters", rest, maxFieldLen)
			}
			if err != nil && utf8.RuneCountInString(nhacviec.ErrorMessage(err)) > 1500 {
				t.Fatalf("parseFieldLines(%q) answered at length", rest)
			}
		}
		if n := sourceNumber(s); n != "" && !strings.Contains(s, n) {
			t.Fatalf("sourceNumber(%q) = %q", s, n)
		}
		listFilter(s)
		isDoneReply(s)
		if before, after, ok := extensionRequest(s); ok {
			if len(before)+len(after) > len(s) || !strings.Contains(s, after) {
				t.Fatalf("extensionRequest(%q) = %q, %q", s, before, after)
			}
		}
		if r := reasonOf(s); len(r) > len(s) || !strings.Contains(s, r) {
			t.Fatalf("reasonOf(%q) = %q, not a part of it", s, r)
		}
		if _, note, ok := decisionWord(s, true); ok && !strings.Contains(s, note) {
			t.Fatalf("decisionWord(%q) = %q, not a part of it", s, note)
		}
		if pct, _, valid := percentArg(s); valid && (pct < 0 || pct > 100) {
			t.Fatalf("percentArg(%q) = %d", s, pct)
		}
		if pct := percentInText(s); pct != nhacviec.NoPercent && (pct < 0 || pct > 100) {
			t.Fatalf("percentInText(%q) = %d", s, pct)
		}
		if _, dl, rest, err := cutDeadline(fuzzCal, s, fuzzNow, fuzzNow); err == nil && (dl.At.IsZero() == (len(dl.Candidates) == 0) || !strings.HasSuffix(s, rest)) {
			t.Fatalf("cutDeadline(%q) = %v, rest %q", s, dl, rest)
		}
		if id, ok := parseID(s); ok && id <= 0 {
			t.Fatalf("parseID(%q) = %d", s, id)
		}
	})
}

// A deadline the calendar refuses is the person's mistake, shown to them,
// also when the refusal arrives wrapped.
func TestDeadlineErrorSeesAWrappedParseError(t *testing.T) {
	pe := &calendar.ParseError{Code: calendar.CodeInvalid, Message: "Không hiểu thời hạn <x>."}
	for _, err := range []error{pe, fmt.Errorf("recur: %w", pe)} {
		got := deadlineError(err)
		if nhacviec.ErrorCode(got) != nhacviec.EInvalid || nhacviec.ErrorMessage(got) != "Không hiểu thời hạn &lt;x&gt;." {
			t.Errorf("deadlineError(%v) = %q (%s), want the message for the person", err, nhacviec.ErrorMessage(got), nhacviec.ErrorCode(got))
		}
	}
}

// The lines after /giao's first: every form, with or without diacritics,
// any case, any order; what is refused and with which answer.
func TestParseFieldLines(t *testing.T) {
	for _, c := range []struct {
		name  string
		lines []string
		want  taskFields
	}{
		{"none", nil, taskFields{}},
		{"blank lines", []string{"", "  ", "\r"}, taskFields{}},
		{"every field", []string{
			"kết quả: Kế hoạch trình Giám đốc ký",
			"văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh",
			"trọng tâm",
			"khẩn",
		}, taskFields{Result: "Kế hoạch trình Giám đốc ký", Source: "1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh", KeyTask: true, Urgent: true}},
		{"no diacritics, other order, any case", []string{
			"KHAN", "Trong Tam", "Van Ban:  Cong van 12/SNV ", "ket qua:Bao cao",
		}, taskFields{Result: "Bao cao", Source: "Cong van 12/SNV", KeyTask: true, Urgent: true}},
		{"other labels", []string{"Sản phẩm : Dự thảo quyết định", "nguồn: Chỉ thị 06/CT-UBND", "trongtam.", "khẩn cấp!"},
			taskFields{Result: "Dự thảo quyết định", Source: "Chỉ thị 06/CT-UBND", KeyTask: true, Urgent: true}},
		{"nguồn giao, gấp", []string{"Nguồn giao: Kết luận 226-KL/TW", "gấp"}, taskFields{Source: "Kết luận 226-KL/TW", Urgent: true}},
		{"a colon in the value", []string{"văn bản: số 12/UBND: về việc CCHC"}, taskFields{Source: "số 12/UBND: về việc CCHC"}},
		{"hạn with a colon", []string{"hạn: 17:00 20/12"}, taskFields{Deadline: "17:00 20/12"}},
		{"hạn without a colon", []string{"Hạn 20/12"}, taskFields{Deadline: "20/12"}},
		{"thời hạn", []string{"thoi han  thứ 6 tuần sau"}, taskFields{Deadline: "thứ 6 tuần sau"}},
		{"duyệt", []string{"duyệt"}, taskFields{Review: true}},
		{"cần duyệt, no diacritics", []string{"Can duyet."}, taskFields{Review: true}},
		{"decomposed diacritics", []string{"tro\u0323ng ta\u0302m", "ke\u0302\u0301t qua\u0309: X"}, taskFields{KeyTask: true, Result: "X"}},
		{"phối hợp", []string{"phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính"},
			taskFields{Coordinators: "@binh hạn 15/12, Phòng Kế hoạch - Tài chính"}},
		{"don vi phoi hop", []string{"Don vi phoi hop: Phong Ke hoach"}, taskFields{Coordinators: "Phong Ke hoach"}},
	} {
		got, err := parseFieldLines(c.lines)
		if err != nil || got != c.want {
			t.Errorf("%s: parseFieldLines(%q) = %+v, %v; want %+v", c.name, c.lines, got, err, c.want)
		}
	}
	long := strings.Repeat("ạ", maxFieldLen+1)
	for _, c := range []struct {
		name  string
		lines []string
		want  []string // in the answer
	}{
		{"unknown", []string{"ghi chú: gửi email"}, []string{`Tôi chưa hiểu dòng "ghi chú: gửi email"`, "kết quả:", "văn bản:", "trọng tâm", "khẩn", "Ví dụ:"}},
		{"a title continued", []string{"quý IV năm 2026"}, []string{`dòng "quý IV năm 2026"`, "Ví dụ:"}},
		{"a label without its colon", []string{"kết quả Kế hoạch"}, []string{`dòng "kết quả Kế hoạch"`, "kết quả: Kế hoạch trình Giám đốc ký"}},
		{"a flag with a value", []string{"trọng tâm: có"}, []string{"Tôi chưa hiểu", "Ví dụ:"}},
		{"phoi hop without a colon", []string{"Phoi hop @binh"}, []string{`dòng "Phoi hop @binh"`, "phối hợp: @người hạn 15/12", "Ví dụ"}},
		{"phối hợp empty", []string{"phối hợp:"}, []string{`Dòng "phối hợp:" còn trống`, "Ví dụ: phối hợp: @binh hạn 15/12"}},
		{"phối hợp too long", []string{"phối hợp: " + strings.Repeat("@binh, ", 200)}, []string{"Phối hợp dài quá: tối đa 1000 ký tự", "Ví dụ: phối hợp:"}},
		{"phối hợp twice", []string{"phối hợp: @binh", "phoi hop: @cuong"}, []string{"lần thứ hai"}},
		{"duyệt twice", []string{"duyệt", "cần duyệt"}, []string{"lần thứ hai"}},
		{"người duyệt", []string{"người duyệt: @binh"}, []string{`Dòng "người duyệt: @binh"`, "người duyệt là người giao việc", "chỉ ghi dòng: duyệt", "Ví dụ:"}},
		{"duyệt with a value", []string{"duyệt: @binh"}, []string{"Tôi chưa hiểu", "duyệt (người giao duyệt", "Ví dụ:"}},
		{"a label alone", []string{"Kết quả"}, []string{`Dòng "Kết quả" còn trống`}},
		{"twice", []string{"kết quả: A", "ket qua: B"}, []string{`Dòng "ket qua: B" ghi một mục lần thứ hai`, "Ví dụ:"}},
		{"flag twice", []string{"khẩn", "khan"}, []string{"lần thứ hai"}},
		{"empty value", []string{"văn bản:"}, []string{`Dòng "văn bản:" còn trống`, "Ví dụ: văn bản: 1365/VP-NL"}},
		{"empty deadline", []string{"hạn"}, []string{`Dòng "hạn" còn trống`, "Ví dụ: hạn: 20/12"}},
		{"result too long", []string{"kết quả: " + long}, []string{"Kết quả dài quá: tối đa 300 ký tự (bạn gõ 301)", "Ví dụ: kết quả:"}},
		{"source too long", []string{"văn bản: " + long}, []string{"Văn bản dài quá: tối đa 300 ký tự (bạn gõ 301)", "Ví dụ: văn bản:"}},
		{"html quoted back escaped", []string{"<b>x</b>"}, []string{`dòng "&lt;b&gt;x&lt;/b&gt;"`}},
	} {
		_, err := parseFieldLines(c.lines)
		if nhacviec.ErrorCode(err) != nhacviec.EInvalid {
			t.Errorf("%s: parseFieldLines(%.40q) = %v, want EInvalid", c.name, c.lines, err)
			continue
		}
		for _, w := range c.want {
			if msg := nhacviec.ErrorMessage(err); !strings.Contains(msg, w) {
				t.Errorf("%s: answer %q\nlacks %q", c.name, msg, w)
			}
		}
	}
	// A line quoted back is clipped: a pasted paragraph is not echoed.
	_, err := parseFieldLines([]string{strings.Repeat("x", 5000)})
	if n := utf8.RuneCountInString(nhacviec.ErrorMessage(err)); n > 1000 {
		t.Errorf("a %d-character answer to a long unknown line", n)
	}
}

func TestSourceNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh": "1365/VP-NL",
		"Chỉ thị số 06/CT-UBND ngày 01/4/2024":              "06/CT-UBND",
		"Nghị định 30/2020/NĐ-CP":                           "30/2020/NĐ-CP",
		"Chương trình 12-CTr/TU ngày 31/3/2017":             "12-CTr/TU",
		"Kết luận 226-KL/TW.":                               "226-KL/TW",
		"Kế hoạch số 10316/KH-UBND, ngày 12/12/2016":        "10316/KH-UBND",
		"công văn 1365/vp-nl":                               "1365/vp-nl",
		"ngày 22/4/2020 của Văn phòng":                      "",
		"Chỉ thị của Chủ tịch UBND tỉnh":                    "",
		"KH1365/VP": "",
		"":          "",
	} {
		if got := sourceNumber(in); got != want {
			t.Errorf("sourceNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestListFilter(t *testing.T) {
	for _, c := range []struct {
		in    string
		key   bool
		words string
	}{
		{"", false, ""},
		{"trongtam", true, ""},
		{"TRỌNG TÂM", true, ""},
		{"trong tam 1365/VP-NL", true, "1365/VP-NL"},
		{"1365/VP-NL trongtam", true, "1365/VP-NL"},
		{"kế hoạch  trong", false, "kế hoạch trong"},
		{"1365/VP-NL", false, "1365/VP-NL"},
	} {
		key, words := listFilter(c.in)
		if key != c.key || words != c.words {
			t.Errorf("listFilter(%q) = %v, %q; want %v, %q", c.in, key, words, c.key, c.words)
		}
	}
}

// A task's keyboard (✅, the marks' toggles, the fields' buttons) merges
// as its ✅ alone; buttons of another task, or other buttons, keep a
// message apart.
func TestTaskKeyboardMerges(t *testing.T) {
	task := &nhacviec.Task{ID: 12, KeyTask: true}
	for _, c := range []struct {
		buttons [][]nhacviec.Button
		id      int64
		ok      bool
	}{
		{nil, 0, true},
		{doneButton(task), 12, true},
		{taskButtons(task, true), 12, true},
		{taskButtons(task, false), 12, true},
		{[][]nhacviec.Button{{{Data: "done:12"}, {Data: "key:13:1"}}}, 0, false},
		{[][]nhacviec.Button{{{Data: "key:12:1"}, {Data: "done:12"}}}, 0, false},
		{[][]nhacviec.Button{{{Data: "done:12"}, {Data: "pick:12:1"}}}, 0, false},
		{[][]nhacviec.Button{{{Data: "done:12"}}, {{Data: "key:12:1"}}}, 12, true},
		{[][]nhacviec.Button{{{Data: "done:12"}, {Data: "key:12:1"}}, {{Data: "fld:12:src"}, {Data: "fld:12:res"}}}, 12, true},
		{[][]nhacviec.Button{{{Data: "done:12"}}, {{Data: "fld:13:src"}}}, 0, false},
		{[][]nhacviec.Button{{{Data: "done:12"}}, {{Data: "g:12:huy"}}}, 0, false},
		{[][]nhacviec.Button{{{Data: "fld:12:src"}}, {{Data: "done:12"}}}, 0, false},
		{causeKeyboard(task), 12, true},
		{[][]nhacviec.Button{{{Data: "done:12"}}, {{Data: "why:13:w"}}}, 0, false},
	} {
		id, ok := doneOnly(c.buttons)
		if id != c.id || ok != c.ok {
			t.Errorf("doneOnly(%+v) = %d, %v; want %d, %v", c.buttons, id, ok, c.id, c.ok)
		}
	}
	if b := taskButtons(task, true)[0]; len(b) != 3 || b[1].Data != "key:12:0" || b[2].Data != "urgent:12:1" {
		t.Errorf("taskButtons = %+v", b)
	}
	if b := taskButtons(task, true); len(b) != 2 || len(b[1]) != 3 || b[1][0].Data != "fld:12:coord" || b[1][1].Data != "fld:12:src" || b[1][2].Data != "fld:12:res" {
		t.Errorf("taskButtons' fields row = %+v", b)
	}
	if b := taskButtons(task, false); len(b) != 1 || len(b[0]) != 1 {
		t.Errorf("taskButtons for one who may not change it = %+v", b)
	}
}

func TestExtensionRequest(t *testing.T) {
	for _, c := range []struct {
		in, before, after string
		ok                bool
	}{
		{"xin gia hạn đến 25/12 vì chờ số liệu", "", "đến 25/12 vì chờ số liệu", true},
		{"Xin gia han den 25/12 vi cho so lieu", "", "den 25/12 vi cho so lieu", true},
		{"XIN GIA HẠN: thứ 6 tuần sau", "", "thứ 6 tuần sau", true},
		{"Đã làm được 50%, xin gia hạn đến 25/12", "Đã làm được 50%", "đến 25/12", true},
		{"em đề nghị gia hạn thêm 3 ngày do ốm", "em", "thêm 3 ngày do ốm", true},
		{"xin gia hạn", "", "", true},
		{"đã gia hạn rồi", "", "", false},
		{"xin nghỉ phép", "", "", false},
		{"xin gia", "", "", false},
		{"", "", "", false},
	} {
		before, after, ok := extensionRequest(c.in)
		if before != c.before || after != c.after || ok != c.ok {
			t.Errorf("extensionRequest(%q) = %q, %q, %v; want %q, %q, %v", c.in, before, after, ok, c.before, c.after, c.ok)
		}
	}
}

func TestReasonOf(t *testing.T) {
	for in, want := range map[string]string{
		" vì chờ số liệu":        "chờ số liệu",
		", lý do: chờ số liệu":   "chờ số liệu",
		" - ly do chờ ý kiến Sở": "chờ ý kiến Sở",
		" do ốm":                 "ốm",
		" bởi vì hồ sơ thiếu":    "hồ sơ thiếu",
		" chờ số liệu":           "chờ số liệu",
		"":                       "",
		" vì":                    "",
		" vìa hè":                "vìa hè",
		" <b>x</b> & y":          "<b>x</b> & y",
		"\nvì dòng hai\ndòng ba": "dòng hai\ndòng ba",
		" Vì Sở Tài chính chưa trả lời.": "Sở Tài chính chưa trả lời",
	} {
		if got := reasonOf(in); got != want {
			t.Errorf("reasonOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCutDeadline(t *testing.T) {
	cal := calendar.New(calendar.Config{})
	loc := cal.Location()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)       // Monday
	deadline := time.Date(2026, 11, 27, 17, 0, 0, 0, loc) // Friday
	day := func(d, m, h int) time.Time { return time.Date(2026, time.Month(m), d, h, 0, 0, 0, loc) }
	for _, c := range []struct {
		in, phrase, rest string
		at               time.Time
	}{
		{"25/12 chờ số liệu", "25/12", " chờ số liệu", day(25, 12, 17)},
		{"đến 25/12, vì chờ số liệu", "25/12,", " vì chờ số liệu", day(25, 12, 17)},
		{"den thu 6 tuan sau vi om", "thu 6 tuan sau", " vi om", day(4, 12, 17)},
		{"17h 2/12 lý do: hồ sơ", "17h 2/12", " lý do: hồ sơ", day(2, 12, 17)},
		{"thêm 3 ngày do ốm", "3 ngày", " do ốm", day(30, 11, 17)},      // from Friday's deadline, past the weekend
		{"thêm 2 ngày làm việc", "2 ngày làm việc", "", day(1, 12, 17)}, // Monday, Tuesday
		{"mai", "mai", "", day(24, 11, 17)},
	} {
		phrase, dl, rest, err := cutDeadline(cal, c.in, now, deadline)
		if err != nil || phrase != c.phrase || rest != c.rest || !dl.At.Equal(c.at) {
			t.Errorf("cutDeadline(%q) = %q, %v, %q, %v; want %q, %v, %q", c.in, phrase, dl.At, rest, err, c.phrase, c.at, c.rest)
		}
	}
	// Two readings: both offered.
	if _, dl, _, err := cutDeadline(cal, "20 chờ số liệu", now, deadline); err != nil || len(dl.Candidates) != 2 {
		t.Errorf("cutDeadline(20 …) = %v, %v; want two readings", dl, err)
	}
	// A date gone by is refused as such; no date at all is CodeInvalid.
	var pe *calendar.ParseError
	if _, _, _, err := cutDeadline(cal, "20/11/2026 chờ số liệu", now, deadline); !errors.As(err, &pe) || pe.Code != calendar.CodePast {
		t.Errorf("a past date: err = %v, want %s", err, calendar.CodePast)
	}
	for _, in := range []string{"chờ số liệu", "", "vì", "31/02 vì"} {
		_, _, rest, err := cutDeadline(cal, in, now, deadline)
		if !errors.As(err, &pe) || rest != in {
			t.Errorf("cutDeadline(%q): rest %q, err %v; want a ParseError and the text back", in, rest, err)
		}
	}
}

func TestDecisionWord(t *testing.T) {
	for _, c := range []struct {
		in          string
		command     bool
		approve, ok bool
		note        string
	}{
		{"dongy", true, true, true, ""},
		{"Đồng ý, nhưng không gia hạn thêm nữa", false, true, true, "nhưng không gia hạn thêm nữa"},
		{"ok", false, true, true, ""},
		{"khong cần nộp đúng hạn", true, false, true, "cần nộp đúng hạn"},
		{"không đồng ý vì việc gấp", false, false, true, "việc gấp"},
		{"Không đồng ý.", false, false, true, ""},
		{"khongdongy", true, false, true, ""},
		{"từ chối: việc gấp", false, false, true, "việc gấp"},
		{"không kịp thì báo lại", false, false, false, ""},
		{"đồng hồ hỏng", false, false, false, ""},
		{"25/12 chờ số liệu", true, false, false, ""},
		{"", true, false, false, ""},
	} {
		approve, note, ok := decisionWord(c.in, c.command)
		if approve != c.approve || ok != c.ok || note != c.note {
			t.Errorf("decisionWord(%q, %v) = %v, %q, %v; want %v, %q, %v", c.in, c.command, approve, note, ok, c.approve, c.note, c.ok)
		}
	}
}

func TestPercents(t *testing.T) {
	for in, want := range map[string][3]any{
		"60%": {60, true, true}, "0%": {0, true, true}, "100%": {100, true, true}, "+5%": {5, true, true},
		"150%": {0, true, false}, "-5%": {0, true, false}, "50.5%": {0, true, false}, "99999999999999999999%": {0, true, false},
		"60": {0, false, false}, "%": {0, false, false}, "abc%": {0, false, false}, "": {0, false, false},
	} {
		pct, isPercent, valid := percentArg(in)
		if pct != want[0] || isPercent != want[1] || valid != want[2] {
			t.Errorf("percentArg(%q) = %d, %v, %v; want %v", in, pct, isPercent, valid, want)
		}
	}
	for in, want := range map[string]int{
		"đã làm được 50%": 50, "xong 100 % rồi": 100, "0% vì chờ": 0, "chưa có số liệu": nhacviec.NoPercent,
		"đạt 120% kế hoạch": nhacviec.NoPercent, "30% phần A, 70% phần B": nhacviec.NoPercent, "tăng 12.5%": nhacviec.NoPercent,
	} {
		if got := percentInText(in); got != want {
			t.Errorf("percentInText(%q) = %d, want %d", in, got, want)
		}
	}
}

// A button's answer is a pop-up of 200 UTF-16 code units at most (an
// emoji counts twice): clipUTF16 keeps within it.
func TestClipUTF16(t *testing.T) {
	long := strings.Repeat("✅📨 việc ", 40)
	for _, s := range []string{"", "ngắn", long, strings.Repeat("📨", 150), strings.Repeat("a", 200), strings.Repeat("a", 201)} {
		got := clipUTF16(s, maxAnswer)
		if UTF16Len(got) > maxAnswer || !utf8.ValidString(got) {
			t.Errorf("clipUTF16(%d units) = %d units, valid %v", UTF16Len(s), UTF16Len(got), utf8.ValidString(got))
		}
		if UTF16Len(s) <= maxAnswer && got != s {
			t.Errorf("clipUTF16 cut a text that fits: %q", got)
		}
		if UTF16Len(s) > maxAnswer && !strings.HasSuffix(got, "…") {
			t.Errorf("clipUTF16 did not mark the cut: %q", got)
		}
	}
	if n := UTF16Len("a📨"); n != 3 {
		t.Errorf("UTF16Len(a📨) = %d, want 3", n)
	}
}
