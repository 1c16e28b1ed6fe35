package nhacviec

import "time"

// Review (duyệt): a task that needs review is not done when its lead says
// "xong". The report is submitted to the reviewer (chờ duyệt), who
// approves it (the task is done) or returns it with a reason (the task is
// open again, with its deadline). While submitted, a task keeps the
// status open: SubmittedAt says it waits. Every submission and its
// decision is a Review, kept whole.

// ReviewState is what a task records of its review and of how it ended.
type ReviewState struct {
	// NeedsReview: "xong" submits the task to its reviewer instead of
	// closing it. Set by the assigner (a "duyệt" line, the 🔍 button)
	// or by the setting of the task's unit (SettingReview).
	NeedsReview bool
	// SubmittedAt is when the task was submitted for review; zero unless
	// it waits for a decision now.
	SubmittedAt time.Time
	// Returns counts the times the task was returned (trả lại).
	Returns int
	// FinishedAt is the time that decides the task's timeliness: of the
	// submission finally approved, or of "xong" for a task without
	// review. Zero unless done (and for tasks done before it was kept).
	FinishedAt time.Time
	// LateDays is how many working days after its deadline in force the
	// task was finished, 0 when on time; NoLateDays when that is not
	// known (a task finished late before it was kept). Meaningful only
	// with FinishedAt.
	LateDays int
}

// NoLateDays is ReviewState.LateDays of a task whose lateness is unknown.
const NoLateDays = -1

// Submitted reports whether the task waits for its reviewer's decision.
func (s *ReviewState) Submitted() bool { return !s.SubmittedAt.IsZero() }

// ReviewDecision is how a submission ended.
type ReviewDecision string

// Review decisions. A submission without one is waiting.
const (
	ReviewApproved ReviewDecision = "approved" // duyệt: the task is done
	ReviewReturned ReviewDecision = "returned" // trả lại: the task is open again
	// ReviewLapsed: the task was closed otherwise (cancelled) while it
	// waited; nobody decides any more.
	ReviewLapsed ReviewDecision = "lapsed"
)

// Review is one submission of a task for review and its decision:
// submitted_at to decided_at is how long the reviewer held it.
type Review struct {
	ID          int64
	TaskID      int64
	SubmitterID int64
	ReviewerID  int64  // who is asked to decide
	Note        string // the submitter's words on the result, may be empty
	SubmittedAt time.Time
	Decision    ReviewDecision // "" while waiting
	DeciderID   int64          // 0 while waiting, and when lapsed
	Reason      string         // the reason of a return, the note of an approval
	DecidedAt   time.Time      // zero while waiting
}

// Task history entries of review.
const (
	// EventSubmitted: the lead reported the task done and it waits for
	// review; the note is the lead's words on the result.
	EventSubmitted EventKind = "submitted"
	// EventApproved: the reviewer accepted the result; the task is done.
	EventApproved EventKind = "approved"
	// EventReturned: the reviewer returned it; the note is the reason.
	EventReturned EventKind = "returned"
)

// SlotReview starts the Notice.Slot of a reminder to the reviewer of a
// submitted task (Kind KindReminder): the scheduler plans it, the
// composer says it.
const SlotReview = "review"

// Unit settings.
const (
	// SettingReview: "on" makes every task assigned in the unit (and the
	// units below it that do not say otherwise) need review.
	SettingReview = "review"
	SettingOn     = "on"
	SettingOff    = "off"
)

// ReviewTx is the submissions of tasks for review and their decisions.
type ReviewTx interface {
	// SubmitReview stores r as waiting and sets r.ID and a zero
	// r.SubmittedAt (the transaction's time). EConflict if the task has
	// a submission waiting already.
	SubmitReview(r *Review) error
	// Review returns the submission with this id: ENotFound if none.
	Review(id int64) (*Review, error)
	// PendingReview returns the task's submission waiting, or nil.
	PendingReview(taskID int64) (*Review, error)
	// DecideReview records the end of the waiting submission r: its
	// Decision, DeciderID, Reason and a zero DecidedAt (the transaction's
	// time). EConflict if it was decided already, ENotFound if it does
	// not exist.
	DecideReview(r *Review) error
	// Reviews returns a task's submissions, oldest first.
	Reviews(taskID int64) ([]*Review, error)
	// WaitingFor returns the submissions waiting for reviewerID, oldest
	// first, at most limit.
	WaitingFor(reviewerID int64, limit int) ([]*Review, error)
}

// SettingsTx is the units' settings: a value by unit and name.
type SettingsTx interface {
	// UnitSettings returns the units that have a value for name, by
	// unit (organisations have tens of units, and few set anything).
	UnitSettings(name string) (map[int64]string, error)
	// SetUnitSetting sets unit's value for name, by person by.
	SetUnitSetting(unitID int64, name, value string, by int64) error
}
