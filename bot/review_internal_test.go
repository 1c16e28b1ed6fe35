package bot

import (
	"testing"

	nhacviec "github.com/nhacviec/nhacviec"
)

// "xong" replies: alone, or followed by a separator and the note on the
// result; a progress note that starts with "xong" is none.
func TestDoneReply(t *testing.T) {
	for _, c := range []struct {
		text, note string
		ok         bool
	}{
		{"xong", "", true},
		{"Xong!", "", true},
		{"Done 👍", "", true},
		{"xong, đã gửi dự thảo qua email", "đã gửi dự thảo qua email", true},
		{"Đã xong: gửi bản mềm cho chị", "gửi bản mềm cho chị", true},
		{"da hoan thanh. Nop o van thu", "Nop o van thu", true},
		{"xong - bản cuối trong hộp thư", "bản cuối trong hộp thư", true},
		{"XONG! gửi anh", "gửi anh", true},
		{"xong 80%, chiều nộp", "", false},
		{"xong roi nhe", "", false},
		{"chưa xong, còn phụ lục", "", false},
		{"xong chưa?", "", false},
		{"", "", false},
	} {
		note, ok := doneReply(c.text)
		if note != c.note || ok != c.ok {
			t.Errorf("doneReply(%q) = %q, %v; want %q, %v", c.text, note, ok, c.note, c.ok)
		}
	}
}

// The reviewer's replies: approve or return, with what follows; which
// words name review.
func TestReviewWord(t *testing.T) {
	for _, c := range []struct {
		text           string
		approve, named bool
		rest           string
		ok             bool
	}{
		{"Duyệt", true, true, "", true},
		{"duyệt, tốt", true, true, "tốt", true},
		{"Đồng ý", true, false, "", true},
		{"ok", true, false, "", true},
		{"Trả lại vì thiếu phụ lục số liệu", false, true, "thiếu phụ lục số liệu", true},
		{"tra lai: thieu so lieu", false, true, "thieu so lieu", true},
		{"không duyệt, lý do: sai mẫu", false, true, "sai mẫu", true},
		{"chưa đạt vì sai số liệu", false, false, "sai số liệu", true},
		{"trả lại", false, true, "", true},
		{"đã nhận", false, false, "", false},
		{"duyệt binh", true, true, "binh", true},
	} {
		approve, rest, named, ok := reviewWord(c.text)
		if approve != c.approve || rest != c.rest || named != c.named || ok != c.ok {
			t.Errorf("reviewWord(%q) = %v, %q, %v, %v; want %v, %q, %v, %v", c.text, approve, rest, named, ok, c.approve, c.rest, c.named, c.ok)
		}
	}
}

func TestTimelinessText(t *testing.T) {
	for late, want := range map[int]string{0: "hoàn thành đúng hạn", 1: "hoàn thành trễ 1 ngày làm việc",
		3: "hoàn thành trễ 3 ngày làm việc", nhacviec.NoLateDays: "hoàn thành trễ hạn"} {
		if got := timelinessText(late); got != want {
			t.Errorf("timelinessText(%d) = %q, want %q", late, got, want)
		}
	}
	if got := capitalize(timelinessText(0)); got != "Hoàn thành đúng hạn" {
		t.Errorf("capitalized: %q", got)
	}
}
