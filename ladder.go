package nhacviec

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Changes to a task after it was given (/sua, /chuyen), the escalation
// ladder that reports long-overdue tasks up the organisation, and the
// causes the lead gives for being late.

// More task history entries (see EventKind).
const (
	// EventDeadlineChanged: someone who manages the task moved its
	// deadline (/sua 12 hạn …); the note says the new deadline, the old
	// one and why. The deadline it was given first is kept on the task
	// (LadderTx.OriginalDeadline).
	EventDeadlineChanged EventKind = "deadline_changed"
	// EventEdited: the title, the expected result or the source document
	// was changed; the note says which, and the old and new values.
	EventEdited EventKind = "edited"
	// EventHandedOver: the lead changed (/chuyen); the note says from
	// whom, to whom and why.
	EventHandedOver EventKind = "handed_over"
	// EventOverdueCause: the lead said why the task is late; the note is
	// the cause as said. The cause itself is an OverdueCause.
	EventOverdueCause EventKind = "overdue_cause"
)

// KindEscalation is an escalation report (Notice.Escalated): the morning
// list of overdue tasks to a unit's head, or the weekly one to the
// leaders and monitors.
const KindEscalation MessageKind = "escalation"

// Escalation levels: who is told of a task overdue for long.
const (
	// EscalateHead: the head of the lead's unit, in a list every working
	// morning, once the task is overdue for LadderSetting.HeadDays
	// working days.
	EscalateHead = 1
	// EscalateLeaders: the leaders and monitors above the lead's unit,
	// in a list on the first working day of the week, once the task is
	// overdue for LadderSetting.LeaderDays working days.
	EscalateLeaders = 2
)

// The ladder's thresholds when a unit sets none.
const (
	DefaultHeadDays   = 2
	DefaultLeaderDays = 5
)

// SettingLadder is the unit setting (SettingsTx) of the escalation
// ladder: LadderSetting.Value, e.g. "2 5" or "off 2 5".
const SettingLadder = "ladder"

// LadderSetting is a unit's escalation thresholds, in whole working days
// overdue (/caidat leothang 2 5), or the ladder turned off there. A unit
// without a setting of its own follows the nearest unit above that has
// one, else the defaults.
type LadderSetting struct {
	HeadDays   int
	LeaderDays int
	Off        bool
}

// DefaultLadder is the setting of a unit that sets none, nor any above.
var DefaultLadder = LadderSetting{HeadDays: DefaultHeadDays, LeaderDays: DefaultLeaderDays}

// Value is s as a unit setting stores it: "2 5", or "off 2 5" (turned
// on again, the numbers are kept).
func (s LadderSetting) Value() string {
	v := fmt.Sprintf("%d %d", s.HeadDays, s.LeaderDays)
	if s.Off {
		return SettingOff + " " + v
	}
	return v
}

// ParseLadderSetting reads a setting's Value; ok is false for anything
// else (a value written by hand, or by a later version).
func ParseLadderSetting(v string) (s LadderSetting, ok bool) {
	f := strings.Fields(v)
	if len(f) == 3 && f[0] == SettingOff {
		s.Off, f = true, f[1:]
	}
	if len(f) != 2 {
		return LadderSetting{}, false
	}
	h, err1 := strconv.Atoi(f[0])
	l, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || h < 1 || l <= h {
		return LadderSetting{}, false
	}
	s.HeadDays, s.LeaderDays = h, l
	return s, true
}

// Days returns the threshold of level (EscalateHead, EscalateLeaders).
func (s LadderSetting) Days(level int) int {
	if level == EscalateLeaders {
		return s.LeaderDays
	}
	return s.HeadDays
}

// Escalation records that a task was reported at a level; a task is
// reported once per level, however long it stays overdue.
type Escalation struct {
	TaskID   int64
	Level    int
	UnitID   int64     // the task's unit then
	Deadline time.Time // the deadline in force then
	At       time.Time
}

// CauseKind is why a task is late, as the lead picks it.
type CauseKind string

// The causes offered to the lead. The first three are the objective
// (khách quan) causes that agencies' reports count apart; anything else
// the lead writes in (Khác) counts as subjective (chủ quan).
const (
	CauseWaiting  CauseKind = "waiting"  // chờ ý kiến, hồ sơ của đơn vị khác
	CauseWorkload CauseKind = "workload" // khối lượng lớn, phức tạp
	CauseShort    CauseKind = "short"    // thời hạn giao quá ngắn
	CauseOther    CauseKind = "other"    // khác: the lead's own words
)

// Valid reports whether k is one of the causes.
func (k CauseKind) Valid() bool {
	switch k {
	case CauseWaiting, CauseWorkload, CauseShort, CauseOther:
		return true
	}
	return false
}

// Objective reports whether k is an objective cause (khách quan).
func (k CauseKind) Objective() bool { return k.Valid() && k != CauseOther }

// OverdueCause is the lead's answer to "why is it late": given once per
// task, kept as given. Note is the lead's words, if any; a CauseOther
// picked without them may have them filled in once.
type OverdueCause struct {
	TaskID   int64
	PersonID int64
	Cause    CauseKind
	Note     string
	Deadline time.Time // the deadline in force when it was given
	At       time.Time
}

// LadderTx is what the changes to a task, the escalation ladder and the
// overdue causes store. (The ladder's settings are unit settings,
// SettingsTx, named SettingLadder.)
type LadderTx interface {
	// OriginalDeadline returns the deadline task id was given when it was
	// created, whatever moved it since (extensions, /sua): ENotFound if
	// the task does not exist.
	OriginalDeadline(taskID int64) (time.Time, error)
	// SetAssignee makes personID the task's lead (/chuyen). ENotFound if
	// the task does not exist.
	SetAssignee(taskID, personID int64) error

	// ClaimLadder records that the ladder's run named slot (a level and
	// a day or week) is done, and reports true; false, changing nothing,
	// when it was done already.
	ClaimLadder(slot string) (bool, error)
	// EscalationCandidates returns the keys of the open tasks of a unit
	// whose deadline is before before and that were not reported at
	// level yet, longest overdue first, but for those waiting for review
	// (not chased while they wait); read from an index of the open
	// tasks, not from every task.
	EscalationCandidates(level int, before time.Time) ([]TaskKey, error)
	// AddEscalations records escalations; one recorded already (same
	// task and level) stays as it was. A zero At is the transaction's
	// time.
	AddEscalations(es []Escalation) error
	// Escalations returns a task's escalations, by level.
	Escalations(taskID int64) ([]Escalation, error)

	// SetOverdueCause stores the lead's cause c and sets a zero c.At to
	// the transaction's time. EConflict if the task has a cause already.
	SetOverdueCause(c *OverdueCause) error
	// SetCauseNote fills in the words of a CauseOther given without any:
	// EConflict if the task has no such cause, or its words already.
	SetCauseNote(taskID int64, note string) error
	// OverdueCause returns the task's cause, or nil.
	OverdueCause(taskID int64) (*OverdueCause, error)
}
