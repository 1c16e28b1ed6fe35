package bot

import (
	"fmt"
	"strings"
	"testing"
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

// FuzzCommandParsing checks that the command-line parsers never panic and
// keep their promises on any input.
func FuzzCommandParsing(f *testing.F) {
	for _, s := range []string{
		"/giao @an Báo cáo CCHC quý IV hạn 20/12", "/xong #12", "xong!", "Đã hoàn thành.",
		"/giao\n@an x hạn mai", "/giao @an hạn hạn hạn", "/", "hạn", "\xff\xfe hạn 1", "/giao@bot a",
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
