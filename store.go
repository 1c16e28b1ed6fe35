package nhacviec

import (
	"context"
	"time"
)

// Store is the persistent state of the bot. Every change and the messages
// it causes are written in one transaction (docs/ARCHITECTURE.md,
// "Invariants").
type Store interface {
	// Update runs fn in one write transaction; fn's error rolls it back.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction; writes through it fail.
	View(ctx context.Context, fn func(Tx) error) error
	Outbox
}

// Tx is what one transaction can read and change: the areas below, one
// interface each. A function that needs one area alone takes that area.
//
// Errors: the codes a method's comment names are *Error values (see
// ErrorCode) that a caller may act on, e.g. ENotFound. Any other error is
// the storage's, which ErrorCode reports as EInternal; so is a write
// through a View transaction. No method returns sql.ErrNoRows or another
// sentinel of the driver.
type Tx interface {
	// Now is the store's clock, the same for the whole transaction.
	Now() time.Time
	// Savepoint runs fn so that, if fn fails, its writes are undone while
	// the transaction's earlier ones stay: several updates can share one
	// commit and still fail one by one. It returns fn's error, or the
	// storage's.
	Savepoint(fn func() error) error

	UpdateTx
	ChatTx
	TaskTx
	OrgTx
	OutboxTx
	PlanTx
	CalendarTx
	FollowUpTx
	LadderTx
	ReviewTx
	SettingsTx
	PersonSettingsTx
	CoordinatorTx
	LinkTx
}

// UpdateTx records which of a transport's updates were applied: the
// offset commits with the update's effects, so that an acknowledged
// update is neither lost nor applied twice.
type UpdateTx interface {
	// Offset returns the next update offset stored for source (e.g.
	// "telegram"), 0 if none.
	Offset(source string) (int64, error)
	// ClaimUpdate stores id+1 as source's offset and reports true, or,
	// when update id was applied already (the offset is past it), changes
	// nothing and reports false.
	ClaimUpdate(source string, id int64) (bool, error)
	// ClaimMessage records that source's message messageID was applied
	// and reports true, or, when it was claimed already, changes nothing
	// and reports false: for transports whose updates have no increasing
	// id (Zalo), so that a message delivered again is not applied twice.
	ClaimMessage(source, messageID string) (bool, error)
}

// ChatTx is the chats the bot is in and the people who talk to it, both
// known by their transport's ids.
type ChatTx interface {
	// EnsureChat inserts or refreshes c by (Transport, ExternalID): a
	// non-empty title is updated and the chat is active again. It sets
	// c.ID, c.Active and c.UnitID to the stored values.
	EnsureChat(c *Chat) error
	// Chat returns the chat with this id: ENotFound if none.
	Chat(id int64) (*Chat, error)
	// EnsurePerson inserts or refreshes p by (Transport, ExternalID): the
	// username and display name are updated, a non-zero PrivateChatID is
	// kept. It sets p.ID and p.PrivateChatID to the stored values: for an
	// account linked to another person (LinkTx), p.ID is that person's
	// and p.PrivateChatID the account's own; p.Linked is set, and a
	// private message records that the person used this app last. A
	// username belongs to one person at a time: whoever held it before
	// loses it.
	EnsurePerson(p *Person) error
	// Person returns the person with this id (for an account linked to
	// another person, that person): ENotFound if none.
	Person(id int64) (*Person, error)
	// PersonByUsername finds a person by username ("@" optional),
	// case-insensitively, on a transport ("": any, the oldest account
	// first): ENotFound if nobody has it. An account linked to another
	// person finds that person.
	PersonByUsername(transport, username string) (*Person, error)
	// MigrateChat follows a group upgraded to a supergroup: the chat known
	// as oldExternalID is from now on newExternalID, with its tasks and
	// messages (a row already made for the new id is merged into it). An
	// unknown oldExternalID changes nothing.
	MigrateChat(transport, oldExternalID, newExternalID string) error
	// DeactivateChat records that the bot is no longer in a group; an
	// unknown id changes nothing.
	DeactivateChat(chatID int64) error
	// Unreachable records that the person whose private chat this is
	// blocked the bot or never started it: private messages stop until
	// they write to the bot again. It returns that person, or nil when no
	// person has this private chat (any more).
	Unreachable(privateChatID int64) (*Person, error)
	// SeenIn records that a person spoke in a group (again: no change);
	// Seen reports whether they did.
	SeenIn(chatID, personID int64) error
	Seen(chatID, personID int64) (bool, error)
}

// TaskTx is the tasks, their history, the bot messages about them and
// the drafts of assignments waiting for a choice.
type TaskTx interface {
	// CreateTask stores a new task and sets t.ID; a zero CreatedAt is the
	// transaction's time, and an open task with a zero NextPlanAt is
	// planned from then on.
	CreateTask(t *Task) error
	// CreateOccurrence creates the next occurrence of a recurring task, as
	// CreateTask, unless that series already has one with the same
	// deadline; it reports whether it did.
	CreateOccurrence(t *Task) (bool, error)
	// Task returns the task with this id: ENotFound if none.
	Task(id int64) (*Task, error)
	// SaveTask writes the mutable fields: status, deadline, closed time,
	// next planning time, unit, title, expected result, source and marks.
	// ENotFound if the task does not exist.
	SaveTask(t *Task) error
	// FindTasks returns the tasks f selects.
	FindTasks(f TaskFilter) ([]*Task, error)
	// FindTaskKeys selects as FindTasks does, in the same order, but
	// returns only what listings sort, group and count tasks by, read
	// from indexes alone (but for KeyTask and Search, which read the
	// rows the indexes select): a long listing loads in full only the
	// tasks it shows.
	FindTaskKeys(f TaskFilter) ([]TaskKey, error)
	// ReplanOpen asks the scheduler to look at every open task again at
	// at, e.g. after the calendar changed.
	ReplanOpen(at time.Time) error
	// AddEvent appends e to its task's history and sets e.ID; a zero At
	// is the transaction's time.
	AddEvent(e *TaskEvent) error
	// Events returns a task's history, oldest first; none for an unknown
	// task.
	Events(taskID int64) ([]*TaskEvent, error)
	// TasksOfMessage returns the tasks a sent bot message was about,
	// lowest id first: none, one, or several when the sender merged
	// several messages into one.
	TasksOfMessage(chatID int64, messageID string) ([]int64, error)
	// SaveDraft stores d and sets d.ID. Draft loads one: ENotFound if
	// none (used or never made). DeleteDraft removes one; an unknown id
	// changes nothing.
	SaveDraft(d *Draft) error
	Draft(id int64) (*Draft, error)
	DeleteDraft(id int64) error
	// DraftsOf returns the drafts a person made in a chat, newest first.
	DraftsOf(chatID, personID int64) ([]*Draft, error)
}

// OrgTx is the organisation: the tree of units, who holds which role
// where, the invitations to join a unit and the groups bound to units.
// Administrators are not stored: they come from configuration.
type OrgTx interface {
	// Units returns every unit, by id.
	Units() ([]*Unit, error)
	// CreateUnit stores u and sets u.ID.
	CreateUnit(u *Unit) error
	// SaveUnit writes u's name and parent; an unknown id changes nothing.
	SaveUnit(u *Unit) error
	// DeleteUnit removes a unit with its roles and invites; its groups
	// and tasks no longer belong to a unit.
	DeleteUnit(id int64) error
	// Roles lists a person's roles; UnitRoles a unit's people.
	Roles(personID int64) ([]Membership, error)
	UnitRoles(unitID int64) ([]Membership, error)
	// Grant adds a role (no change if held); Revoke removes it and
	// reports whether it was held.
	Grant(m Membership) error
	Revoke(m Membership) (bool, error)
	// CreateInvite stores i. Invite loads one by code: ENotFound if
	// none. SaveInvite writes its uses and revoked flag.
	CreateInvite(i *Invite) error
	Invite(code string) (*Invite, error)
	SaveInvite(i *Invite) error
	// BindChat binds a group to a unit (0 unbinds); GroupOfUnit finds the
	// active group bound to a unit, or nil.
	BindChat(chatID, unitID int64) error
	GroupOfUnit(unitID int64) (*Chat, error)
}

// OutboxTx writes messages to the outbox, in the transaction of the
// change that causes them; the sender (Outbox) delivers them.
type OutboxTx interface {
	// Enqueue adds m to the outbox and sets m.ID. A message whose Key is
	// already present is not added again and Enqueue returns false.
	Enqueue(m *Message) (bool, error)
	// DropChasing drops the unsent reminders of a task that was closed.
	DropChasing(taskID int64) error
	// Unplan drops the unsent reminders, overdue notices and nudges of a
	// task whose deadline moved. Like DropChasing, it frees their keys:
	// the new deadline's notices are planned afresh, also one whose key
	// is the same as a dropped one's (a reminder on the same day).
	Unplan(taskID int64) error
	// Question returns the last question the bot asked in a chat whose
	// transport has no buttons (Outbox.MarkAsked), nil if none.
	Question(chatID int64) (*Question, error)
}

// PlanTx is what the scheduler's pass reads and writes, each for a whole
// chunk of tasks at once: with a statement per task and per message, the
// 08:00 pass at a million tasks spent most of its time in database/sql
// and the driver, not in SQLite.
type PlanTx interface {
	// TasksToPlan returns up to limit open tasks whose NextPlanAt is due
	// at now, the longest due first.
	TasksToPlan(now time.Time, limit int) ([]*Task, error)
	// SetNextPlans sets when the scheduler next looks at each task: task
	// ids[i] at at[i] (the zero time: never); the ids are distinct.
	// ENotFound if one of them does not exist.
	SetNextPlans(ids []int64, at []time.Time) error
	// PlannedKeys returns which of the notice keys already have messages
	// (a message's key is its notice's key, a colon and the chat).
	PlannedKeys(keys []string) (map[string]bool, error)
	// EnqueueAll is Enqueue for many messages: those whose Key is already
	// present are skipped, the others added. It returns how many were
	// added; unlike Enqueue it does not set the messages' IDs, and it
	// refuses a message with a recipe (Attach), whose row needs the id.
	EnqueueAll(msgs []*Message) (int, error)
	// People returns the people with these ids, by id; unknown ids are
	// left out.
	People(ids []int64) (map[int64]*Person, error)
	// GroupsWithOpenTasks returns the active group chats in which open
	// tasks were assigned, and the active groups bound to a unit: those
	// that get a morning digest.
	GroupsWithOpenTasks() ([]*Chat, error)
}

// CalendarTx is the stored changes to the working-day calendar: the
// government's yearly swaps of days off and make-up days.
type CalendarTx interface {
	// Overrides returns every override, by day.
	Overrides() ([]DayOverride, error)
	// SetOverride adds or replaces the override of o.Day.
	SetOverride(o DayOverride) error
	// DeleteOverride removes the override of day; it reports whether there
	// was one.
	DeleteOverride(day string) (bool, error)
}

// FollowUpTx is what the lead reports back on a task: requests to extend
// its deadline with their decisions, and progress notes. Both are kept
// whole, never rewritten once decided or written.
type FollowUpTx interface {
	// AskExtension stores e as a pending request and sets e.ID, e.State
	// and a zero e.AskedAt (the transaction's time). EConflict if the
	// task has a pending request already.
	AskExtension(e *Extension) error
	// Extension returns the request with this id: ENotFound if none.
	Extension(id int64) (*Extension, error)
	// PendingExtension returns the task's pending request, or nil.
	PendingExtension(taskID int64) (*Extension, error)
	// DecideExtension records the end of the pending request e: its
	// State (approved, refused or lapsed), DeciderID, Answer and a zero
	// DecidedAt (the transaction's time). EConflict if it is no longer
	// pending, ENotFound if it does not exist.
	DecideExtension(e *Extension) error
	// Extensions returns a task's requests, oldest first.
	Extensions(taskID int64) ([]*Extension, error)
	// AddProgress stores a progress note and sets p.ID; a zero At is the
	// transaction's time.
	AddProgress(p *Progress) error
	// ProgressNotes returns a task's progress notes, oldest first.
	ProgressNotes(taskID int64) ([]*Progress, error)
}

// TaskFilter selects tasks. Zero fields do not filter. Results are
// ordered by deadline, soonest first.
type TaskFilter struct {
	Status     Status
	AssigneeID int64
	InvolvedID int64 // assigner or assignee
	// ChatID and UnitIDs select the tasks assigned in a chat or belonging
	// to one of the units; when both are set a task matching either (or
	// InvolvedID) is selected.
	ChatID         int64
	UnitIDs        []int64
	DeadlineBefore time.Time // deadline < DeadlineBefore
	DeadlineFrom   time.Time // deadline >= DeadlineFrom
	// IDs, when not empty, selects only these tasks.
	IDs []int64
	// KeyTask, when true, selects only key tasks (trọng tâm).
	KeyTask bool
	// ExcludeSubmitted leaves out the tasks waiting for review (chờ
	// duyệt): they are not chased, nor listed as overdue or coming due.
	ExcludeSubmitted bool
	// Search, when not blank, selects the tasks whose title or source
	// document contains every word of it, compared without case or
	// diacritics: "1365/vp-nl", "ke hoach CCHC".
	Search string
	Limit  int
}

// TaskKey is a task as FindTaskKeys returns it.
type TaskKey struct {
	ID, AssigneeID, UnitID int64
	Deadline               time.Time
}

// Outbox is the sender's view of the store.
type Outbox interface {
	// Due returns up to limit messages that may be sent at now: answers
	// to people (replies, notices, button answers, edits, menus) first,
	// then reminders and digests, oldest first within each, at most a
	// few per chat so that one busy chat cannot fill a batch. Chasing
	// messages of tasks no longer open are dropped instead of returned.
	Due(ctx context.Context, now time.Time, limit int) ([]*Outgoing, error)
	// NextDue returns when the earliest pending message that is not yet
	// due at after becomes due. (Messages due already but held back, by
	// a chat's pace or an earlier message's retry, are not its concern:
	// waiting for them is the sender's.)
	NextDue(ctx context.Context, after time.Time) (time.Time, bool, error)
	// MarkSent records that the transport accepted message id as
	// externalID, and remembers which task that message is about.
	// Messages merged into one are each marked with the same externalID.
	MarkSent(ctx context.Context, id int64, externalID string, at time.Time) error
	// MarkAsked is MarkSent for a message whose buttons a transport
	// without buttons showed as numbered choices: in the same commit it
	// records them as the chat's question, replacing the one before
	// (choices[i] is the data of the button number i+1 stands for).
	MarkAsked(ctx context.Context, id int64, externalID string, at time.Time, choices []string) error
	// MarkParts records that the first parts of a message sent in parts
	// were accepted, so that they are not sent again (Outgoing.PartsSent).
	MarkParts(ctx context.Context, id int64, parts int) error
	// Retry puts the message back to be tried again at at.
	Retry(ctx context.Context, id int64, at time.Time, reason string) error
	// GiveUp marks the message as failed for good.
	GiveUp(ctx context.Context, id int64, reason string) error
}

// Notice is a moment the scheduler found due: a reminder, an overdue
// notice, a daily nudge or a group's morning digest.
type Notice struct {
	Kind MessageKind
	Slot string // distinguishes notices of one kind, e.g. "before", "due"
	Task *Task  // nil for a digest
	Chat *Chat  // the group, for a digest
	// Unit is the unit of a digest said privately to its members, for
	// a unit bound to no group (Chat is nil then).
	Unit *Unit
	// Part is the coordinator's part of Task the notice is about, nil
	// for the lead's own notices.
	Part *Coordinator
	At   time.Time
	// To and Escalated are an escalation's (KindEscalation): whom it
	// reports to, and the overdue tasks it reports, longest overdue
	// first (their keys: the composer reads those it shows).
	To        *Person
	Escalated []TaskKey
}

// Composer turns a notice into the messages that say it. The bot core
// implements it (it owns the texts); the scheduler calls it inside its
// transaction and sets the messages' keys and send times.
type Composer interface {
	Compose(tx Tx, n Notice) ([]*Message, error)
}
