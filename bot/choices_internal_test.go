package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
)

// What the sender makes of buttons on a transport without them (Zalo's
// kind): numbered choices under the text, recorded with the mark.

var plainLimits = Limits{MaxText: 2000, MaxButtons: 0}

// One message: its buttons become "1. …", "2. …" under its text, none
// go to the transport, and the mark records what each number presses.
func TestSenderSaysButtonsAsChoices(t *testing.T) {
	s, out, tr, _ := newTestSender(t, plainLimits)
	m := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindNotice, TaskID: 6,
		Text:    "📤 @an báo xong việc #6, chờ bạn duyệt:\nDự thảo <b>tờ trình</b>",
		Buttons: [][]nhacviec.Button{{{Text: "✅ Duyệt", Data: "rv:3:y"}, {Text: "↩️ Trả lại", Data: "rv:3:n"}}}}})
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 1 || len(calls[0].Buttons) != 0 {
		t.Fatalf("sends: %+v", calls)
	}
	want := "📤 @an báo xong việc #6, chờ bạn duyệt:\nDự thảo <b>tờ trình</b>\n\nTrả lời bằng số để chọn:\n1. ✅ Duyệt\n2. ↩️ Trả lại"
	if calls[0].Text != want {
		t.Errorf("text:\n%s\nwant:\n%s", calls[0].Text, want)
	}
	if r := out.row(m.ID); r.state != "sent" || !slices.Equal(r.asked, []string{"rv:3:y", "rv:3:n"}) {
		t.Errorf("mark: %s, asked %q", r.state, r.asked)
	}
	// One button: one line. A label is escaped in an HTML text.
	m = out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: "Việc #7",
		Buttons: [][]nhacviec.Button{{{Text: "✅ <Xong>", Data: "done:7"}}}}})
	drain(t, s)
	if got := tr.sent()[1].Text; got != "Việc #7\n\nTrả lời 1 để chọn: ✅ &lt;Xong&gt;" {
		t.Errorf("one choice: %q", got)
	}
	if r := out.row(m.ID); !slices.Equal(r.asked, []string{"done:7"}) {
		t.Errorf("asked %q", r.asked)
	}
	// The same on a transport with buttons: as it is, and no question.
	s2, out2, tr2, _ := newTestSender(t, telegramLimits)
	m = out2.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: "Việc #7",
		Buttons: [][]nhacviec.Button{{{Text: "✅ Xong", Data: "done:7"}}}}})
	drain(t, s2)
	if c := tr2.sent()[0]; c.Text != "Việc #7" || len(c.Buttons) != 1 || out2.row(m.ID).asked != nil {
		t.Errorf("with buttons: %+v, asked %q", c, out2.row(m.ID).asked)
	}
}

// A chat's backlog merged: each task's ✅ is a number, and the question
// is recorded once, with the last message's mark; edits, which change
// buttons, are not sent to a transport that has none.
func TestSenderMergedChoices(t *testing.T) {
	s, out, tr, _ := newTestSender(t, plainLimits)
	var ids []int64
	for i := 1; i <= 3; i++ {
		m := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindOverdue, TaskID: int64(i),
			Text: fmt.Sprintf("⚠️ Việc #%d đã quá hạn", i), Buttons: doneButton(&nhacviec.Task{ID: int64(i)})}})
		ids = append(ids, m.ID)
	}
	edit := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindEdit, EditOf: "ext1"}})
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 1 {
		t.Fatalf("%d sends, want the merged message alone: %+v", len(calls), calls)
	}
	if !strings.HasSuffix(calls[0].Text, "Trả lời bằng số để chọn:\n1. ✅ Xong việc #1\n2. ✅ Xong việc #2\n3. ✅ Xong việc #3") || len(calls[0].Buttons) != 0 {
		t.Errorf("merged: %q %v", calls[0].Text, calls[0].Buttons)
	}
	for i, id := range ids {
		r := out.row(id)
		var want []string
		if i == len(ids)-1 {
			want = []string{"done:1", "done:2", "done:3"}
		}
		if r.state != "sent" || !slices.Equal(r.asked, want) {
			t.Errorf("message %d: %s, asked %q, want %q", id, r.state, r.asked, want)
		}
	}
	if r := out.row(edit.ID); r.state != "sent" {
		t.Errorf("the edit: %s", r.state)
	}
}

// Many notices listed in short keep their choices within the limit; a
// text too long for one message has its choices at the end of its last
// part, and only the last part's mark records them.
func TestSenderChoicesFitTheLimit(t *testing.T) {
	s, out, tr, _ := newTestSender(t, plainLimits)
	for i := 1; i <= 60; i++ {
		out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindOverdue, TaskID: int64(i),
			Text:    fmt.Sprintf("⚠️ Việc #%d đã quá hạn: <b>Báo cáo số %d</b> — @an\nHạn: 17:00 Thứ Năm 03/12/2026\n"+textDoneHint, i, i),
			Buttons: doneButton(&nhacviec.Task{ID: int64(i)})}})
	}
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 1 {
		t.Fatalf("%d sends, want 1", len(calls))
	}
	text := calls[0].Text
	if n := utf8.RuneCountInString(text); n > 2000 || !strings.Contains(text, "\n24. ✅ Xong việc #24") || strings.Contains(text, "25. ✅") {
		t.Fatalf("%d characters, choices 1–24 expected:\n%s", n, text)
	}
	s, out, tr, _ = newTestSender(t, plainLimits)
	m := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: lines("p", 50),
		Buttons: [][]nhacviec.Button{{{Text: "✅ Tạo 50 việc", Data: "imp:1:ok"}, {Text: "✖ Hủy", Data: "imp:1:no"}}}}})
	drain(t, s)
	calls = tr.sent()
	if len(calls) < 3 {
		t.Fatalf("%d parts, want at least 3", len(calls))
	}
	for i, c := range calls {
		has := strings.Contains(c.Text, "Trả lời bằng số")
		if utf8.RuneCountInString(c.Text) > 2000 || has != (i == len(calls)-1) || len(c.Buttons) != 0 {
			t.Errorf("part %d of %d: %d characters, choices %v", i+1, len(calls), utf8.RuneCountInString(c.Text), has)
		}
	}
	if r := out.row(m.ID); r.state != "sent" || !slices.Equal(r.asked, []string{"imp:1:ok", "imp:1:no"}) {
		t.Errorf("mark: %s, asked %q", r.state, r.asked)
	}
}

// The number and the commands without a slash are read from anything
// typed without a panic, and only as their forms allow.
func FuzzChoiceNumber(f *testing.F) {
	for _, s := range []string{"1", " 2 ", "12", "0", "007", "1234", "", "١", "1.", "-1", "+1", "２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := choiceNumber(s)
		if !ok {
			return
		}
		trimmed := strings.TrimSpace(s)
		if n < 0 || n > 999 || len(trimmed) > 3 || strings.TrimLeft(trimmed, "0123456789") != "" {
			t.Fatalf("choiceNumber(%q) = %d", s, n)
		}
	})
}

func FuzzPlainCommand(f *testing.F) {
	for _, s := range []string{"xong 12", "Xong 12 đã gửi", "duyệt 12", "DUYET 12 tốt", "trả lại 12 thiếu số liệu", "tra  lai\n12",
		"gia hạn 12 25/12 chờ số liệu", "giahan 12", "rồi", "roi", "moi", "huy 12", "xong", "", "  ", "xongxong", "đ", "tra", "lai 12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, args, ok := plainCommand(s)
		if !ok {
			return
		}
		cmd, known := commandByName[name]
		if !known || cmd.Name != name || !plainCommands[name] {
			t.Fatalf("plainCommand(%q) = %q, not a plain command", s, name)
		}
		if !strings.Contains(s, args) || args != strings.TrimSpace(args) {
			t.Fatalf("plainCommand(%q) args %q: not what was typed after the name", s, args)
		}
	})
}

func TestPlainCommandForms(t *testing.T) {
	for _, c := range []struct{ in, name, args string }{
		{"xong 12", "xong", "12"},
		{" Xong 12 đã gửi ", "xong", "12 đã gửi"},
		{"duyệt 12", "duyet", "12"},
		{"trả lại 12 thiếu số liệu", "tralai", "12 thiếu số liệu"},
		{"Tra Lai 12 x", "tralai", "12 x"},
		{"gia hạn 12 25/12 chờ", "giahan", "12 25/12 chờ"},
		{"done 3", "xong", "3"},
		{"việc", "viec", ""},
		{"rồi", "", ""},
		{"huỷ 12", "", ""},
		{"mới", "", ""},
		{"xongxong", "", ""},
	} {
		name, args, _ := plainCommand(c.in)
		if name != c.name || (name != "" && args != c.args) {
			t.Errorf("plainCommand(%q) = %q %q, want %q %q", c.in, name, args, c.name, c.args)
		}
	}
}

// The hints that say to press a button are left out where the choices
// say it; textAssignedHint is the end of textAssignedToYou.
func TestChoicesReplacePressHints(t *testing.T) {
	if !strings.HasSuffix(textAssignedToYou, "\n\n"+textAssignedHint) {
		t.Fatal("textAssignedToYou no longer ends with textAssignedHint")
	}
	m := &nhacviec.Outgoing{Message: nhacviec.Message{Kind: nhacviec.KindNotice, HTML: true,
		Text:    fmt.Sprintf(textAssignedToYou, "@lead", 3, "", "Báo cáo", "17:00 Thứ Ba 24/11/2026", ""),
		Buttons: [][]nhacviec.Button{{{Text: "✅ Xong", Data: "done:3"}}}}}
	got, data := asking(m, plainLimits)
	if strings.Contains(got.Text, "bấm") || !strings.HasSuffix(got.Text, "Hạn: 17:00 Thứ Ba 24/11/2026\n\nTrả lời 1 để chọn: ✅ Xong") ||
		!slices.Equal(data, []string{"done:3"}) {
		t.Errorf("%q %q", got.Text, data)
	}
}

// Without buttons, the texts that say to press one say to choose: the
// overdue cause's question, a review's hint, a request's.
func TestChoicesSayChooseNotPress(t *testing.T) {
	for _, text := range []string{
		fmt.Sprintf(textCauseAsk, 4),
		fmt.Sprintf(textDecideHint, 6, 6),
		fmt.Sprintf(textWhichDone, 2),
		fmt.Sprintf(textImportCreate, 3),
	} {
		m := &nhacviec.Outgoing{Message: nhacviec.Message{Kind: nhacviec.KindNotice, HTML: true, Text: text,
			Buttons: [][]nhacviec.Button{{{Text: "A", Data: "a:1"}, {Text: "B", Data: "b:1"}}}}}
		got, _ := asking(m, plainLimits)
		if strings.Contains(strings.ToLower(got.Text), "bấm") || strings.Contains(got.Text, "nút") {
			t.Errorf("still says to press: %q", got.Text)
		}
		if got, _ := asking(m, Limits{MaxText: 4096, MaxButtons: 100}); got.Text != text {
			t.Errorf("with buttons the text changed: %q", got.Text)
		}
	}
}
