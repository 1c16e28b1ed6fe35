// Package nhacviec holds the domain of the nhacviec bot: tasks, the people
// and chats they belong to, the outbox of messages, and the interfaces
// through which the bot core, the scheduler and the store meet.
//
// It knows no SQL, no Telegram and no cron; docs/ARCHITECTURE.md shows
// how the packages fit together.
package nhacviec

import (
	"fmt"
	"time"
)

// Status is the state of a task.
type Status string

// Task states.
const (
	StatusOpen      Status = "open"
	StatusDone      Status = "done"
	StatusCancelled Status = "cancelled"
)

// ChatKind tells a private chat from a group.
type ChatKind string

// Chat kinds.
const (
	ChatPrivate ChatKind = "private"
	ChatGroup   ChatKind = "group"
)

// Chat is a conversation the bot takes part in, on one transport.
type Chat struct {
	ID         int64 // internal id
	Transport  string
	ExternalID string // the transport's chat id, e.g. "-100123" on Telegram
	Kind       ChatKind
	Title      string
	Active     bool  // false once the bot was removed from it
	UnitID     int64 // the unit a group is bound to, 0 if none
}

// Person is someone who has talked to the bot.
type Person struct {
	ID          int64 // internal id
	Transport   string
	ExternalID  string // the transport's user id
	Username    string // without "@", may be empty
	DisplayName string
	// PrivateChatID is the internal id of this person's private chat with
	// the bot, or 0 if they never opened one: then the bot cannot message
	// them first. For a person with accounts in several apps (Linked) it
	// is the private chat of the app they chose (Channel) or, if none, of
	// the app they last wrote to the bot from in private.
	PrivateChatID int64
	// Linked is set when the person has accounts in several apps
	// (/lienket); Channel is the transport they chose to be written to
	// ("" : the app they used last).
	Linked  bool
	Channel string
}

// Mention is how a person is named in a message: @username when they have
// one, their display name otherwise.
func (p *Person) Mention() string {
	if p.Username != "" {
		return "@" + p.Username
	}
	return p.DisplayName
}

// Task is one piece of assigned work.
type Task struct {
	ID         int64
	Title      string
	AssignerID int64
	AssigneeID int64
	ChatID     int64 // the chat where it was assigned
	Deadline   time.Time
	Status     Status
	CreatedAt  time.Time
	ClosedAt   time.Time // zero while open
	// NextPlanAt is when the scheduler should next look at this task; the
	// scheduler owns it. Zero means "never again".
	NextPlanAt time.Time
	// Recur is the recurrence phrase ("trước ngày 20 hàng tháng") of a
	// recurring task, "" otherwise. All occurrences share SeriesID.
	Recur    string
	SeriesID int64
	// UnitID is the unit the task belongs to (the bound group's, or the
	// assignee's), 0 if none: it decides which heads see it.
	UnitID int64
	// Result is the expected result (kết quả, sản phẩm) as the assigner
	// typed it, e.g. "Kế hoạch trình Giám đốc ký"; "" when not said.
	Result string
	// Source is the document the task comes from (nguồn giao: number and
	// symbol, date, issuing body, summary, as NĐ 30/2020 Art. 8 lists
	// them), as the assigner typed it; "" when not said. SourceNumber is
	// the number/symbol found in it ("1365/VP-NL"), "" when none was.
	Source       string
	SourceNumber string
	// KeyTask marks a key task (nhiệm vụ trọng tâm) and Urgent an urgent
	// one (khẩn): lists mark them, and the digest puts them first.
	KeyTask bool
	Urgent  bool
	// Review: review.go (NeedsReview, SubmittedAt, Returns, FinishedAt,
	// LateDays).
	ReviewState
}

// Next returns the next occurrence of a recurring task, due at deadline.
func (t *Task) Next(deadline time.Time) *Task {
	series := t.SeriesID
	if series == 0 {
		series = t.ID
	}
	return &Task{Title: t.Title, AssignerID: t.AssignerID, AssigneeID: t.AssigneeID, ChatID: t.ChatID,
		Deadline: deadline, Status: StatusOpen, Recur: t.Recur, SeriesID: series, UnitID: t.UnitID,
		Result: t.Result, Source: t.Source, SourceNumber: t.SourceNumber, KeyTask: t.KeyTask, Urgent: t.Urgent,
		ReviewState: ReviewState{NeedsReview: t.NeedsReview}}
}

// Recurrences computes the deadlines of recurring tasks; the calendar
// (calendar.Calendar) does.
type Recurrences interface {
	// NextDeadline returns the deadline that follows after for the
	// recurrence phrase recur ("trước ngày 20 hàng tháng").
	NextDeadline(recur string, after time.Time) (time.Time, error)
}

// CreateNextOccurrence creates the occurrence of the recurring task t that
// follows it, due at the recurrence's next deadline after t's, and records
// its creation in its history as done by actorID (0: the bot itself).
// Either of two moments creates it, whichever comes first: the scheduler
// when t falls due, the bot when t is finished before; the series' unique
// deadlines make it once only. It returns the new task, or nil when t
// does not recur or the occurrence exists already. A recurrence the
// calendar cannot read is EInvalid, and nothing is written.
func CreateNextOccurrence(tx TaskTx, cal Recurrences, t *Task, actorID int64) (*Task, error) {
	if t.Recur == "" {
		return nil, nil
	}
	at, err := cal.NextDeadline(t.Recur, t.Deadline)
	if err != nil {
		return nil, Errorf(EInvalid, "Việc #%d không có kỳ tiếp theo: %v", t.ID, err)
	}
	next := t.Next(at)
	if created, err := tx.CreateOccurrence(next); err != nil || !created {
		return nil, err
	}
	err = tx.AddEvent(&TaskEvent{TaskID: next.ID, ActorID: actorID, Kind: EventCreated,
		Note: fmt.Sprintf("kỳ tiếp theo của #%d", t.ID)})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// DayOverride is one of the government's yearly swaps of the working-day
// calendar: an extra day off, or a Saturday worked in exchange (làm bù).
type DayOverride struct {
	Day     string // YYYY-MM-DD in the organisation's zone
	Working bool
	Reason  string
	By      int64 // who added it, 0 for the configuration file
}

// Draft is a command waiting for its author to choose among buttons,
// e.g. an assignment whose deadline could be read two ways.
type Draft struct {
	ID        int64
	ChatID    int64
	PersonID  int64
	Kind      string
	Payload   string // JSON, owned by the bot
	CreatedAt time.Time
}

// Open reports whether the task still awaits work.
func (t *Task) Open() bool { return t.Status == StatusOpen }

// Overdue reports whether the task is open past its deadline at now, and
// not waiting for review: a submitted task is no longer chased.
func (t *Task) Overdue(now time.Time) bool {
	return t.Open() && !t.Submitted() && !now.Before(t.Deadline)
}

// EventKind names an entry of a task's history.
type EventKind string

// Task history entries. The history is only ever appended to: a later
// entry never rewrites an earlier one, so the statistics read what
// happened, in order.
const (
	// EventCreated: the task was assigned (or its next occurrence made);
	// the note says to whom and the deadline it was given.
	EventCreated EventKind = "created"
	// EventDone: the task was finished.
	EventDone EventKind = "done"
	// EventCancelled: the task was cancelled.
	EventCancelled EventKind = "cancelled"
	// A mark set or taken off (Note: which, e.g. "⭐ trọng tâm").
	EventFlagged   EventKind = "flagged"
	EventUnflagged EventKind = "unflagged"
	// EventFieldSet: a field was written after the task was assigned (a
	// button under it); the note is its line, "văn bản: …", and the value
	// it replaced, if any.
	EventFieldSet EventKind = "field_set"
	// EventExtensionAsked: the lead asked to move the deadline (xin gia
	// hạn); the note says from which deadline, to which, and why. The
	// request itself is an Extension.
	EventExtensionAsked EventKind = "extension_asked"
	// EventExtensionApproved: the reviewer agreed (đồng ý gia hạn); the
	// note says the new deadline and the one it replaced, which stays in
	// the history.
	EventExtensionApproved EventKind = "extension_approved"
	// EventExtensionRefused: the reviewer did not agree; the note is
	// their reason, if they gave one.
	EventExtensionRefused EventKind = "extension_refused"
	// EventProgress: someone involved in the task reported on it (báo
	// cáo tiến độ); the note is the percentage, if any, and their words.
	// The note itself is a Progress.
	EventProgress EventKind = "progress"
)

// ExtensionState is where a request to extend a deadline stands.
type ExtensionState string

// Extension states. A task has at most one pending request at a time.
const (
	ExtensionPending  ExtensionState = "pending"  // waiting for the reviewer
	ExtensionApproved ExtensionState = "approved" // the deadline moved to To
	ExtensionRefused  ExtensionState = "refused"  // the deadline stayed
	// ExtensionLapsed: the task was closed before anyone decided.
	ExtensionLapsed ExtensionState = "lapsed"
)

// Extension is a request to move an open task's deadline (xin gia hạn)
// and its decision. Requests are never deleted or rewritten once decided:
// they are the record of who asked what, and who said what.
type Extension struct {
	ID         int64
	TaskID     int64
	AskerID    int64
	ReviewerID int64     // who is asked to decide
	From       time.Time // the deadline in force when asked
	To         time.Time // the deadline asked for
	Reason     string
	State      ExtensionState
	DeciderID  int64  // who decided; 0 while pending, and when lapsed
	Answer     string // the decider's reason, may be empty
	AskedAt    time.Time
	DecidedAt  time.Time // zero while pending
}

// NoPercent is Progress.Percent of a note that gives none.
const NoPercent = -1

// Progress is a progress note on a task (báo cáo tiến độ): from its
// assignee, or its assigner, with a percentage done or not.
type Progress struct {
	ID       int64
	TaskID   int64
	PersonID int64
	Percent  int // 0–100, or NoPercent
	Note     string
	At       time.Time
}

// MoveDeadline puts a new deadline in force on the open task t (an
// approved extension): the scheduler looks at t again at now and plans
// its reminders from the new deadline, and those planned for the old one
// and not sent yet are dropped. The old deadline is the caller's to keep
// in the history.
func MoveDeadline(tx interface {
	TaskTx
	OutboxTx
}, t *Task, to, now time.Time) error {
	t.Deadline, t.NextPlanAt = to, now
	if err := tx.SaveTask(t); err != nil {
		return err
	}
	return tx.Unplan(t.ID)
}

// TaskEvent is one line of a task's history: who did what, when.
type TaskEvent struct {
	ID      int64
	TaskID  int64
	ActorID int64 // 0 for the bot itself
	Kind    EventKind
	Note    string
	At      time.Time
}

// MessageKind says why a message is in the outbox. The sender treats some
// kinds specially: answers go to a button press, edits change a message,
// and reminder kinds are dropped when their task is no longer open.
type MessageKind string

// Outbox message kinds.
const (
	KindReply    MessageKind = "reply"    // answer to a command
	KindNotice   MessageKind = "notice"   // a word to someone other than the actor
	KindReminder MessageKind = "reminder" // before / on the deadline
	KindOverdue  MessageKind = "overdue"  // the deadline passed
	KindNudge    MessageKind = "nudge"    // daily while overdue
	KindDigest   MessageKind = "digest"   // the morning digest in a group
	KindAnswer   MessageKind = "answer"   // answerCallbackQuery
	KindEdit     MessageKind = "edit"     // edit an earlier bot message
	KindMenu     MessageKind = "menu"     // set a private chat's command menu; Text names it
)

// Chasing reports whether messages of this kind only make sense while
// their task is open.
func (k MessageKind) Chasing() bool {
	return k == KindReminder || k == KindOverdue || k == KindNudge
}

// Button is an inline button under a message.
type Button struct {
	Text string
	Data string // ≤ 64 bytes; forgeable by the client, never trusted
}

// Message is an outbox row: something the bot will say. It is written in
// the same transaction as the change that caused it and sent later.
type Message struct {
	ID     int64
	Key    string // unique planning key, "" for one-off replies
	ChatID int64  // internal chat id
	Kind   MessageKind
	TaskID int64 // the task it is about, 0 if none
	Text   string
	// HTML is true when Text is HTML (user text inside is escaped).
	HTML      bool
	Buttons   [][]Button
	ReplyTo   string // transport message id to reply to
	Callback  string // callback query id, for KindAnswer
	EditOf    string // transport message id to edit, for KindEdit
	NotBefore time.Time
	CreatedAt time.Time
	// Attach is the recipe of what the message carries, made when it is
	// sent (a table, a chart, an export; file.go), "" for a message
	// written whole. Written by Enqueue only.
	Attach string
}

// Question is the last message with choices the bot sent to a chat
// whose transport has no buttons: the choices are the data of its
// buttons, in order, which a reply with a number (1 for the first)
// presses.
type Question struct {
	ChatID    int64
	MessageID string // the transport's id of the message that asked
	Choices   []string
	AskedAt   time.Time
}

// Outgoing is a due outbox message with what the transport needs to send
// it.
type Outgoing struct {
	Message
	Transport      string
	ChatExternalID string
	ChatKind       ChatKind
	Attempts       int
	// PartsSent is how many parts of a text too long for one message
	// the transport already accepted: sending goes on after them.
	PartsSent int
	// File is the document or photo of a KindDocument or KindPhoto
	// message, made from Attach just before it is sent; never stored.
	File *File
}

// Role is what a person may do in a unit. Administrators are not a role
// stored here: they come from configuration only.
type Role string

// Roles (docs/ARCHITECTURE.md, "Permissions").
const (
	RoleLeader  Role = "leader"  // lãnh đạo: assigns to anyone, sees everything
	RoleHead    Role = "head"    // trưởng đơn vị: assigns within the unit's subtree, sees it
	RoleMember  Role = "member"  // chuyên viên: own tasks
	RoleMonitor Role = "monitor" // theo dõi: reads the whole organisation
)

// Unit is a node of the organisation: the Sở, a phòng, a tổ.
type Unit struct {
	ID       int64
	Name     string
	ParentID int64 // 0 for a root
}

// Membership is one role of one person in one unit.
type Membership struct {
	PersonID int64
	UnitID   int64
	Role     Role
}

// Invite is a code that joins a unit as a member through a deep link.
type Invite struct {
	Code      string
	UnitID    int64
	CreatedBy int64
	ExpiresAt time.Time
	MaxUses   int
	Uses      int
	Revoked   bool
}
