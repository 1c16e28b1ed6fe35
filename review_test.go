package nhacviec_test

import (
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// A recurring task's next occurrence needs review as it did, and starts
// with nothing of the last one's review or close.
func TestNextKeepsOnlyTheNeedOfReview(t *testing.T) {
	now := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	done := &nhacviec.Task{ID: 7, Title: "Báo cáo tháng", Recur: "hàng tháng", Status: nhacviec.StatusDone,
		ReviewState: nhacviec.ReviewState{NeedsReview: true, SubmittedAt: now, Returns: 2, FinishedAt: now, LateDays: 3}}
	next := done.Next(now.AddDate(0, 1, 0))
	if want := (nhacviec.ReviewState{NeedsReview: true}); next.ReviewState != want {
		t.Fatalf("next occurrence's review state = %+v, want %+v", next.ReviewState, want)
	}
}

// A task waiting for review is open but not overdue: nobody chases it.
func TestSubmittedTaskIsNotOverdue(t *testing.T) {
	deadline := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	task := &nhacviec.Task{Status: nhacviec.StatusOpen, Deadline: deadline}
	after := deadline.Add(24 * time.Hour)
	if !task.Overdue(after) {
		t.Fatal("an open task past its deadline is not overdue")
	}
	task.SubmittedAt = deadline.Add(-time.Hour)
	if task.Overdue(after) || !task.Open() || !task.Submitted() {
		t.Fatalf("a submitted task: overdue %v, open %v, submitted %v", task.Overdue(after), task.Open(), task.Submitted())
	}
}
