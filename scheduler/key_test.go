package scheduler

import (
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// A notice's key starts with the day of its slot in the calendar's zone,
// the form migration 0015 gives the keys written before it
// (store's TestMigration0015PrefixesPlannedKeysWithTheirDay).
func TestNoticeKeysStartWithTheirDay(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	task := &nhacviec.Task{ID: 12}
	// 23:30 UTC on the 24th is 06:30 on the 25th in Vietnam.
	late := time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		n    nhacviec.Notice
		want string
	}{
		{nhacviec.Notice{Kind: nhacviec.KindReminder, Slot: "before:2026-11-24", Task: task, At: time.Date(2026, 11, 24, 8, 0, 0, 0, loc)}, "2026-11-24/reminder:12:before:2026-11-24"},
		{nhacviec.Notice{Kind: nhacviec.KindOverdue, Slot: "202611251700", Task: task, At: time.Date(2026, 11, 25, 17, 0, 0, 0, loc)}, "2026-11-25/overdue:12:202611251700"},
		{nhacviec.Notice{Kind: nhacviec.KindNudge, Slot: "2026-11-25", Task: task, At: late}, "2026-11-25/nudge:12:2026-11-25"},
		{nhacviec.Notice{Kind: nhacviec.KindDigest, Slot: "2026-11-26", Chat: &nhacviec.Chat{ID: 4}, At: time.Date(2026, 11, 26, 8, 0, 0, 0, loc)}, "2026-11-26/digest:4:2026-11-26"},
	} {
		if got := noticeKey(c.n, loc); got != c.want {
			t.Errorf("noticeKey = %q, want %q", got, c.want)
		}
	}
}
