package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Entry is one line of a table or chart: a unit or a person, by name,
// with the tally it is ranked by.
type Entry struct {
	ID    int64
	Name  string
	Short string // the name as the chat table shows it, "" for Name cut to fit
	Tally Tally
}

// Entries makes the entries of ids from lines, as lead (coord false) or as
// coordinator; an id with no line gets an empty tally.
func Entries(lines map[int64]*Line, ids []int64, name func(int64) string, coord bool) []Entry {
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		e := Entry{ID: id, Name: name(id)}
		if l := lines[id]; l != nil {
			e.Tally = l.Lead
			if coord {
				e.Tally = l.Coord
			}
		}
		out = append(out, e)
	}
	return out
}

// WorstFirst orders entries for a head's eye: those with anything due,
// lowest on-time rate first, then most overdue, most late; then those
// with only work in progress; then those with nothing; by name within.
func WorstFirst(es []Entry) {
	rank := func(e Entry) int {
		switch {
		case e.Tally.Counted() > 0:
			return 0
		case e.Tally.Total() > 0:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(es, func(a, b Entry) int {
		ra, rb := rank(a), rank(b)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		pa, _ := a.Tally.Rate()
		pb, _ := b.Tally.Rate()
		return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(b.Tally.States[StateOverdue], a.Tally.States[StateOverdue]),
			cmp.Compare(b.Tally.States[StateLate], a.Tally.States[StateLate]), strings.Compare(a.Name, b.Name))
	})
}

// TableWidth is the width of the chat table in characters: what a phone
// shows of a monospace line without wrapping.
const TableWidth = 32

// The columns after the name: " Đúng", " Trễ", " Quá", " Đang", " 100%".
const nameWidth = TableWidth - 5 - 4 - 4 - 5 - 5

// Table is the monospace chat table of es in their order, at most max
// rows (0: all) and a last row with total: name, done on time, done
// late, overdue, in progress, on-time rate. Every line is TableWidth
// characters or fewer. Plain text: the caller escapes it for HTML.
func Table(es []Entry, total *Tally, max int) string {
	var b strings.Builder
	row := func(name string, t Tally) {
		pct := "  —"
		if p, ok := t.Rate(); ok {
			pct = fmt.Sprintf("%3.0f%%", p)
		}
		fmt.Fprintf(&b, "%s%5d%4d%4d%5d %4s\n", fit(name, nameWidth), t.States[StateOnTime], t.States[StateLate],
			t.States[StateOverdue], t.States[StateInProgress], pct)
	}
	fmt.Fprintf(&b, "%s%5s%4s%4s%5s %4s\n", fit("", nameWidth), "Đúng", "Trễ", "Quá", "Đang", "%")
	shown := es
	if max > 0 && len(es) > max {
		shown = es[:max]
	}
	for _, e := range shown {
		name := e.Name
		if e.Short != "" {
			name = e.Short
		}
		row(name, e.Tally)
	}
	if n := len(es) - len(shown); n > 0 {
		fmt.Fprintf(&b, "… và %d dòng khác\n", n)
	}
	if total != nil {
		b.WriteString(strings.Repeat("─", TableWidth) + "\n")
		row("Tổng", *total)
	}
	return strings.TrimRight(b.String(), "\n")
}

// TableLegend says what the table's columns are, in short lines.
const TableLegend = "Đúng: hoàn thành đúng hạn · Trễ: hoàn thành trễ hạn\nQuá: quá hạn chưa hoàn thành · Đang: đang thực hiện trong hạn\n%: tỉ lệ đúng hạn = Đúng / (Đúng + Trễ + Quá)"

// fit pads or cuts s to w characters (precomposed: "ế" is one).
func fit(s string, w int) string {
	s = norm.NFC.String(strings.Join(strings.Fields(s), " "))
	if n := utf8.RuneCountInString(s); n <= w {
		return s + strings.Repeat(" ", w-n)
	}
	// One column for "…" and one left blank before the figures.
	cut := strings.TrimRight(string([]rune(s)[:w-2]), " ") + "…"
	return cut + strings.Repeat(" ", w-utf8.RuneCountInString(cut))
}

// ShortPerson shortens a Vietnamese name for the table: the family and
// middle names to initials, the given name whole ("Nguyễn Văn An" →
// "N.V. An"), without a part in brackets.
func ShortPerson(name string) string {
	if i := strings.IndexAny(name, "(["); i > 0 {
		name = name[:i]
	}
	w := strings.Fields(norm.NFC.String(name))
	if len(w) < 2 || utf8.RuneCountInString(strings.Join(w, " ")) <= nameWidth {
		return strings.Join(w, " ")
	}
	var b strings.Builder
	for _, x := range w[:len(w)-1] {
		r, _ := utf8.DecodeRuneInString(x)
		b.WriteString(strings.ToUpper(string(r)) + ".")
	}
	return b.String() + " " + w[len(w)-1]
}

// unitWords are how agencies abbreviate the kinds of unit.
var unitWords = []struct{ long, short string }{
	{"văn phòng", "VP"}, {"phòng", "P."}, {"trung tâm", "TT"}, {"thanh tra", "TTr"}, {"chi cục", "CC"}, {"ban", "B."},
}

// ShortUnit shortens a unit's name for the table as agencies write it:
// "Phòng Kế hoạch - Tài chính" → "P.KH-TC", "Văn phòng Sở" → "VP Sở".
func ShortUnit(name string) string {
	name = strings.Join(strings.Fields(norm.NFC.String(name)), " ")
	if utf8.RuneCountInString(name) <= nameWidth {
		return name
	}
	prefix, rest := "", name
	for _, u := range unitWords {
		if len(rest) >= len(u.long) && strings.EqualFold(rest[:len(u.long)], u.long) {
			prefix, rest = u.short, strings.TrimSpace(rest[len(u.long):])
			break
		}
	}
	if prefix != "" && utf8.RuneCountInString(prefix+" "+rest) <= nameWidth {
		return prefix + " " + rest
	}
	// The rest's words by their initials, parts joined by "-".
	var b strings.Builder
	for i, part := range strings.Split(rest, "-") {
		if i > 0 {
			b.WriteString("-")
		}
		for _, x := range strings.Fields(part) {
			r, _ := utf8.DecodeRuneInString(x)
			b.WriteString(strings.ToUpper(string(r)))
		}
	}
	if prefix == "" || strings.HasSuffix(prefix, ".") {
		return prefix + b.String()
	}
	return prefix + " " + b.String()
}
