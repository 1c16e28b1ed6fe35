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
		if utf16Len(got) > maxAnswer || !utf8.ValidString(got) {
			t.Errorf("clipUTF16(%d units) = %d units, valid %v", utf16Len(s), utf16Len(got), utf8.ValidString(got))
		}
		if utf16Len(s) <= maxAnswer && got != s {
			t.Errorf("clipUTF16 cut a text that fits: %q", got)
		}
		if utf16Len(s) > maxAnswer && !strings.HasSuffix(got, "…") {
			t.Errorf("clipUTF16 did not mark the cut: %q", got)
		}
	}
	if n := utf16Len("a📨"); n != 3 {
		t.Errorf("utf16Len(a📨) = %d, want 3", n)
	}
}
