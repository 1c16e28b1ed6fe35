package nhacviec

import "time"

// Coordinator is one coordinator's part of a task (phối hợp): a person,
// or a unit answered for by its head, who contributes to the lead's work
// by a deadline of its own. Each part is reminded, chased and finished on
// its own; the lead's "xong" still closes the task, and a part not
// delivered by then stays undelivered in the record.
type Coordinator struct {
	ID       int64
	TaskID   int64
	PersonID int64 // the coordinating person; 0 for a unit
	UnitID   int64 // the coordinating unit; 0 for a person
	// AssignedID is the person a unit's head handed the unit's part to,
	// 0 while the head holds it (and always for a person's part).
	AssignedID int64
	Deadline   time.Time
	CreatedAt  time.Time
	// DoneAt is when the part was delivered (zero while it is not), and
	// DoneBy who said so. LateDays is how many working days after its
	// Deadline it was delivered, 0 on time: what the statistics count.
	DoneAt   time.Time
	DoneBy   int64
	LateDays int
	// NextPlanAt is when the scheduler next looks at this part (zero:
	// never again); the scheduler owns it.
	NextPlanAt time.Time
}

// Done reports whether the part was delivered.
func (c *Coordinator) Done() bool { return !c.DoneAt.IsZero() }

// Task history entries about coordinators' parts; the note names the
// part ("@binh", "Phòng Kế hoạch - Tài chính").
const (
	// EventCoordinatorAdded: a coordinator was given a part, with the
	// part's deadline.
	EventCoordinatorAdded EventKind = "coordinator_added"
	// EventCoordinatorHanded: a unit's head handed the unit's part to
	// one of their people.
	EventCoordinatorHanded EventKind = "coordinator_handed"
	// EventCoordinatorDone: a part was delivered, on time or late by N
	// working days.
	EventCoordinatorDone EventKind = "coordinator_done"
)

// CoordinatorTx is the coordinators' parts of tasks (phối hợp).
type CoordinatorTx interface {
	// AddCoordinator stores a part and sets c.ID; a zero CreatedAt is the
	// transaction's time, and a part not done is planned from then on
	// (NextPlanAt, when zero). EConflict if the task has that person, or
	// that unit, as a coordinator already.
	AddCoordinator(c *Coordinator) error
	// Coordinators returns a task's parts in the order they were added;
	// none for an unknown task.
	Coordinators(taskID int64) ([]*Coordinator, error)
	// Coordinator returns the part with this id: ENotFound if none.
	Coordinator(id int64) (*Coordinator, error)
	// FinishCoordinator records that part c was delivered: its DoneAt
	// (zero: the transaction's time), DoneBy and LateDays. The part is
	// no longer planned, and its reminders not sent yet are dropped.
	// EConflict if it was delivered already, ENotFound if it does not
	// exist.
	FinishCoordinator(c *Coordinator) error
	// HandCoordinator records that a unit's part is from now on answered
	// by personID. ENotFound if no such part.
	HandCoordinator(id, personID int64) error
	// OpenCoordinations returns the parts not delivered yet, of open
	// tasks, that a person answers for: their own, those handed to them,
	// and those of the units in heads not handed to anyone; soonest
	// deadline first.
	OpenCoordinations(personID int64, heads []int64) ([]*Coordinator, error)
	// CoordinatorsToPlan returns up to limit parts whose NextPlanAt is due
	// at now, the longest due first.
	CoordinatorsToPlan(now time.Time, limit int) ([]*Coordinator, error)
	// SetCoordinatorPlans sets when the scheduler next looks at each part:
	// part ids[i] at at[i] (the zero time: never).
	SetCoordinatorPlans(ids []int64, at []time.Time) error
}
