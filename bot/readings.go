package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// textReadingLine is a reading of an ambiguous deadline, under the
// question which one is meant.
const textReadingLine = "\n• %s: %s%s"

// readings lists the readings of an ambiguous deadline phrase for the
// question which one is meant, a line each with its deadline and why it
// moved, "• ngày 20: 17:00 Thứ Hai 21/12/2026 (20/12 là Chủ nhật)", and
// gives each a button named by the reading and its day: "Ngày 20
// (21/12)". data is a button's callback data.
func (c *conv) readings(cands []calendar.Deadline, data func(i int) string) (string, [][]nhacviec.Button) {
	var b strings.Builder
	var row []nhacviec.Button
	for i, d := range cands {
		at := c.deadlineAt(d.At)
		if d.Reading == "" { // not named by the calendar: by its date
			fmt.Fprintf(&b, "\n• %s%s", at, c.movedText(movedNote(d)))
			row = append(row, nhacviec.Button{Text: at, Data: data(i)})
			continue
		}
		fmt.Fprintf(&b, textReadingLine, esc(d.Reading), at, c.movedText(movedNote(d)))
		day := d.At.In(c.Calendar.Location()).Format("02/01")
		row = append(row, nhacviec.Button{Text: upperFirst(d.Reading) + " (" + day + ")", Data: data(i)})
	}
	return b.String(), [][]nhacviec.Button{row}
}

// upperFirst capitalises the first letter: "ngày 20" → "Ngày 20".
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
