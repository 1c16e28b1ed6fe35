package report

import (
	"bytes"
	"image/png"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// vietnameseLetters is every letter of the Vietnamese alphabet, in both
// cases, each vowel with each of the five tone marks too: 134 letters.
func vietnameseLetters(t *testing.T) []rune {
	var out []rune
	consonants := "bcdđghklmnpqrstvx"
	vowels := "aăâeêioôơuưy"
	tones := []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} // huyền, sắc, hỏi, ngã, nặng
	for _, c := range consonants + strings.ToUpper(consonants) {
		out = append(out, c)
	}
	for _, v := range vowels + strings.ToUpper(vowels) {
		for _, tone := range tones {
			s := norm.NFC.String(string(v) + tone)
			if utf8.RuneCountInString(s) != 1 {
				t.Fatalf("%q + %U does not compose into one letter", v, []rune(tone))
			}
			r, _ := utf8.DecodeRuneInString(s)
			out = append(out, r)
		}
	}
	return out
}

// No tofu: the embedded font has a glyph of its own for every letter of
// the alphabet with every tone mark, and for the digits and signs the
// chart draws.
func TestFontCoversVietnamese(t *testing.T) {
	f, err := Font()
	if err != nil {
		t.Fatal(err)
	}
	letters := vietnameseLetters(t)
	if len(letters) != 2*17+2*12*6 {
		t.Fatalf("%d letters", len(letters))
	}
	for _, r := range append(letters, []rune("0123456789%/:().,-–…() ")...) {
		if f.Index(r) == 0 {
			t.Errorf("no glyph for %q (%U)", r, r)
		}
	}
	// A letter outside the font (a CJK one) has none: the check can fail.
	if f.Index('漢') != 0 {
		t.Error("the font claims a glyph for 漢")
	}
}

func sampleEntries() []Entry {
	return []Entry{
		{ID: 3, Name: "Phòng Kế hoạch - Tài chính", Tally: Tally{States: States{0, 4, 3, 5, 2}}},
		{ID: 2, Name: "Văn phòng Sở", Tally: Tally{States: States{0, 12, 2, 1, 6}}},
		{ID: 4, Name: "Thanh tra Sở: Ưu tiên, Ổn định, Ỹ, Đạt", Tally: Tally{States: States{0, 20, 0, 0, 1}}},
	}
}

func TestChartPNG(t *testing.T) {
	for _, n := range []int{0, 1, 3, 25} {
		var es []Entry
		for i := range n {
			e := sampleEntries()[i%3]
			e.ID = int64(i)
			es = append(es, e)
		}
		b, err := ChartPNG("Kết quả thực hiện nhiệm vụ — tháng 11/2026", "Số liệu đến 08:00 01/12/2026", es)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%d entries: %v", n, err)
		}
		if got := img.Bounds().Size(); got.X != ChartWidth || got.Y != ChartHeight(n) {
			t.Errorf("%d entries: %v, want %dx%d", n, got, ChartWidth, ChartHeight(n))
		}
		if dir := os.Getenv("NHACVIEC_CHART_DIR"); dir != "" && n == 3 {
			os.WriteFile(dir+"/chart.png", b, 0o644)
		}
	}
}

func TestTable(t *testing.T) {
	es := sampleEntries()
	es = append(es, Entry{ID: 9, Name: "Tổ Văn thư"}, Entry{ID: 8, Name: "Phòng Pháp chế", Tally: Tally{States: States{0, 0, 0, 0, 3}}})
	WorstFirst(es)
	var order []int64
	for _, e := range es {
		order = append(order, e.ID)
	}
	// 3 (33 %), 2 (80 %), 4 (100 %), 8 (only in progress), 9 (nothing).
	if want := []int64{3, 2, 4, 8, 9}; !equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	total := Tally{States: States{0, 36, 5, 6, 12}}
	got := Table(es, &total, 4)
	want := strings.Join([]string{
		"          Đúng Trễ Quá Đang    %",
		"Phòng K…     4   3   5    2  33%",
		"Văn phò…    12   2   1    6  80%",
		"Thanh t…    20   0   0    1 100%",
		"Phòng P…     0   0   0    3    —",
		"… và 1 dòng khác",
		"────────────────────────────────",
		"Tổng        36   5   6   12  77%",
	}, "\n")
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	for _, l := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(l); n > TableWidth {
			t.Errorf("%q is %d characters", l, n)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestShortNames(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn An": "N.V. An", "Trần Văn Lãnh (trưởng phòng)": "T.V. Lãnh", "An": "An", "Lê Bình": "Lê Bình",
		"Tôn Nữ Thị Ngọc Hân": "T.N.T.N. Hân",
	} {
		if got := ShortPerson(in); got != want {
			t.Errorf("ShortPerson(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Phòng Kế hoạch - Tài chính": "P.KH-TC", "Văn phòng Sở": "VP Sở", "Phòng Tổng hợp": "P.TH", "Thanh tra Sở": "TTr Sở",
		"Trung tâm Công nghệ thông tin": "TT CNTT", "Sở Nội vụ": "Sở Nội vụ", "Phòng Tổ chức cán bộ": "P.TCCB",
	} {
		if got := ShortUnit(in); got != want {
			t.Errorf("ShortUnit(%q) = %q, want %q", in, got, want)
		}
	}
}
