package calendar

import (
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

func TestReadOverrides(t *testing.T) {
	in := `# nghỉ bù 2027
2027-02-12  nghỉ   Nghỉ thêm sau Tết
20/02/2027  làm bù Làm bù cho ngày 12/02

`
	got, err := ReadOverrides(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []nhacviec.DayOverride{
		{Day: "2027-02-12", Working: false, Reason: "Nghỉ thêm sau Tết"},
		{Day: "2027-02-20", Working: true, Reason: "Làm bù cho ngày 12/02"},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v", got)
	}
	for _, bad := range []string{"2027-02-30 nghi x", "2027-02-12 maybe x", "2027-02-12"} {
		if _, err := ReadOverrides(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ReadOverrides(%q) = %v, want a line-numbered error", bad, err)
		}
	}
}

func TestSetDayOverridesChangesWorkingDays(t *testing.T) {
	c := New(Config{Location: vn})
	fri := time.Date(2027, 2, 12, 9, 0, 0, 0, vn)
	sat := time.Date(2027, 2, 20, 9, 0, 0, 0, vn)
	if !c.IsWorkingDay(fri) || c.IsWorkingDay(sat) {
		t.Fatal("unexpected base calendar")
	}
	if err := c.SetDayOverrides([]nhacviec.DayOverride{{Day: "2027-02-12"}, {Day: "2027-02-20", Working: true}}); err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(fri) || !c.IsWorkingDay(sat) {
		t.Fatal("overrides not applied")
	}
}
