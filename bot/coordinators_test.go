package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// The "phối hợp" list: people and units, separated by commas or
// semicolons, each with its own "hạn …" or not.
func TestParseCoordinatorList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []coordItem
	}{
		{"@binh hạn 15/12, Phòng Kế hoạch - Tài chính", []coordItem{{"@binh", "15/12"}, {"Phòng Kế hoạch - Tài chính", ""}}},
		{"@binh", []coordItem{{"@binh", ""}}},
		{" @binh ;@cuong thời hạn: thứ 6 ,, ", []coordItem{{"@binh", ""}, {"@cuong", "thứ 6"}}},
		{"Phong Ke hoach han 17h 14/12", []coordItem{{"Phong Ke hoach", "17h 14/12"}}},
		{"@han, @binh HẠN mai", []coordItem{{"@han", ""}, {"@binh", "mai"}}},               // @han is a person
		{"Văn phòng - hạn 3 ngày làm việc", []coordItem{{"Văn phòng", "3 ngày làm việc"}}}, // the dash joins
		{"@binh hạn hạn 15/12", []coordItem{{"@binh hạn", "15/12"}}},                       // the last hạn
		{"Phòng Tư pháp, Phòng Văn hóa và Thông tin", []coordItem{{"Phòng Tư pháp", ""}, {"Phòng Văn hóa và Thông tin", ""}}},
	} {
		got, err := parseCoordinatorList(c.in)
		if err != nil || len(got) != len(c.want) {
			t.Errorf("parseCoordinatorList(%q) = %q, %v; want %q", c.in, got, err, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("parseCoordinatorList(%q)[%d] = %q, want %q", c.in, i, got[i], c.want[i])
			}
		}
	}
	for _, c := range []struct{ in, want string }{
		{"", "chưa ghi ai"},
		{" , ; ", "chưa ghi ai"},
		{"@binh hạn", `sau chữ "hạn" hãy ghi thời hạn`},
		{"hạn 15/12", "thiếu người hoặc đơn vị"},
		{strings.Repeat("@a, ", maxCoordinators) + "@b", "tối đa 10 (bạn ghi 11)"},
		{strings.Repeat("x", maxCoordinatorsLen+1), "Phối hợp dài quá"},
		{"<b>x</b> hạn", "&lt;b&gt;"}, // quoted back escaped
	} {
		_, err := parseCoordinatorList(c.in)
		if nhacviec.ErrorCode(err) != nhacviec.EInvalid || !strings.Contains(nhacviec.ErrorMessage(err), c.want) ||
			!strings.Contains(nhacviec.ErrorMessage(err), "Ví dụ") {
			t.Errorf("parseCoordinatorList(%.40q): %v; want EInvalid with %q and an example", c.in, err, c.want)
		}
	}
}

// The one-line form: "chủ trì, … phối hợp: …"; titles that merely begin
// with those words stay titles.
func TestLeadForm(t *testing.T) {
	for _, c := range []struct {
		in                 string
		ok                 bool
		coordinators, rest string
	}{
		{"chủ trì, @binh phối hợp: Xây dựng kế hoạch CCHC năm 2027 hạn 20/12", true, "@binh", "Xây dựng kế hoạch CCHC năm 2027 hạn 20/12"},
		{"chu tri, @binh, Phong Ke hoach phoi hop: Bao cao han mai", true, "@binh, Phong Ke hoach", "Bao cao han mai"},
		{"Chủ trì ; @binh hạn 15/12 phối hợp : Báo cáo hạn 20/12", true, "@binh hạn 15/12", "Báo cáo hạn 20/12"},
		{"chủ trì: Báo cáo hạn mai", true, "", "Báo cáo hạn mai"},
		{"chủ trì , @binh phối hợp:Báo cáo", true, "@binh", "Báo cáo"},
		// Titles.
		{"Chủ trì hội nghị tổng kết hạn 20/12", false, "", ""},
		{"Chủ trì, phối hợp tổ chức hội nghị hạn 20/12", false, "", ""},
		{"Chủ trì, phối hợp: tổ chức hội nghị", false, "", ""},
		{"chủ trì, tổ chức hội nghị phối hợp liên ngành hạn 20/12", false, "", ""},
		{"Báo cáo chủ trì, @binh phối hợp: x", false, "", ""},
		{"chủ", false, "", ""},
		{"", false, "", ""},
	} {
		coord, rest, ok := leadForm(c.in)
		if ok != c.ok || coord != c.coordinators || rest != c.rest {
			t.Errorf("leadForm(%q) = %q, %q, %v; want %q, %q, %v", c.in, coord, rest, ok, c.coordinators, c.rest, c.ok)
		}
	}
	// With a "phối hợp:" line too: said twice.
	if _, _, err := leadLine("chủ trì, @binh phối hợp: X hạn mai", taskFields{Coordinators: "@cuong"}); nhacviec.ErrorCode(err) != nhacviec.EInvalid {
		t.Errorf("coordinators on the first line and a line: %v", err)
	}
	if rest, f, err := leadLine("chủ trì: X hạn mai", taskFields{Coordinators: "@cuong"}); err != nil || rest != "X hạn mai" || f.Coordinators != "@cuong" {
		t.Errorf("chủ trì: with a line = %q, %+v, %v", rest, f, err)
	}
}

// Late by N working days: a begun day counts whole, days off do not.
func TestWorkingDaysLate(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	cal := calendar.New(calendar.Config{Location: loc})
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, loc) } // Mon 23 … Sun 29
	deadline := at(27, 17)                                                                      // Friday
	for _, c := range []struct {
		done time.Time
		want int
	}{
		{at(27, 9), 0}, {at(27, 17), 0}, {at(27, 18), 1}, {at(28, 10), 1}, {at(29, 10), 1},
		{at(30, 8), 1}, {time.Date(2026, 12, 1, 9, 0, 0, 0, loc), 2}, {time.Date(2026, 12, 7, 9, 0, 0, 0, loc), 6},
	} {
		if got := cal.WorkingDaysLate(deadline, c.done); got != c.want {
			t.Errorf("done %v: %d working days late, want %d", c.done, got, c.want)
		}
	}
}

func FuzzCoordinators(f *testing.F) {
	for _, s := range []string{
		"@binh hạn 15/12, Phòng Kế hoạch - Tài chính", "chủ trì, @binh phối hợp: Xây dựng hạn 20/12", "chủ trì:",
		"chu tri ; phoi hop : x", "hạn", "@han hạn", "thời hạn", ",;,", "chủ trì, \xff phối hợp:", "Chủ trì, phối hợp: x",
		"chủ trì, @a phối hợp phối hợp: b", "@binh thoi\u0300 han 1", "!Chủ trì:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items, err := parseCoordinatorList(s)
		if err != nil {
			if nhacviec.ErrorCode(err) != nhacviec.EInvalid || utf8.RuneCountInString(nhacviec.ErrorMessage(err)) > 1500 {
				t.Fatalf("parseCoordinatorList(%q): %v", s, err)
			}
		} else {
			if len(items) == 0 || len(items) > maxCoordinators {
				t.Fatalf("parseCoordinatorList(%q) = %d items", s, len(items))
			}
			for _, it := range items {
				if it.Who == "" || strings.ContainsAny(it.Who, ",;") || !strings.Contains(s, it.Who) || !strings.Contains(s, it.Phrase) {
					t.Fatalf("parseCoordinatorList(%q) gave %q", s, it)
				}
				if utf8.ValidString(s) && (!utf8.ValidString(it.Who) || !utf8.ValidString(it.Phrase)) {
					t.Fatalf("parseCoordinatorList(%q) cut a character: %q", s, it)
				}
			}
		}
		coord, rest, ok := leadForm(s)
		if !ok {
			if coord != "" || rest != "" {
				t.Fatalf("leadForm(%q) = %q, %q without the form", s, coord, rest)
			}
			return
		}
		if len(coord)+len(rest) > len(s) || !strings.Contains(s, coord) || !strings.Contains(s, rest) {
			t.Fatalf("leadForm(%q) = %q, %q", s, coord, rest)
		}
		if ws := spans(s); len(ws) < 2 || ws[0].fold != "chu" || ws[1].fold != "tri" {
			t.Fatalf("leadForm(%q) took a text that does not start with chủ trì", s)
		}
	})
}
