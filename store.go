package nhacviec

import (
	"context"
	"time"
)

// Store is the persistent state of the bot. Every change and the messages
// it causes are written in one transaction (DESIGN.md §4.1–4.2).
type Store interface {
	// Update runs fn in one write transaction; fn's error rolls it back.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction; writes through it fail.
	View(ctx context.Context, fn func(Tx) error) error
	Outbox
}

// Tx is what one transaction can read and change.
type Tx interface {
	// Now is the store's clock, the same for the whole transaction.
	Now() time.Time
	// Savepoint runs fn so that, if fn fails, its writes are undone while
	// the transaction's earlier ones stay: several updates can share one
	// commit and still fail one by one.
	Savepoint(fn func() error) error

	// Offset returns the next update offset stored for source (e.g.
	// "telegram"), 0 if none. SetOffset stores it with the transaction's
	// other effects, so an update is confirmed only once it is applied.
	Offset(source string) (int64, error)
	SetOffset(source string, offset int64) error
	// ClaimUpdate stores id+1 as source's offset and reports true, or,
	// when update id was applied already (the offset is past it), changes
	// nothing and reports false.
	ClaimUpdate(source string, id int64) (bool, error)

	// EnsureChat inserts or refreshes c by (Transport, ExternalID) and sets
	// c.ID.
	EnsureChat(c *Chat) error
	Chat(id int64) (*Chat, error)
	// EnsurePerson inserts or refreshes p by (Transport, ExternalID): the
	// username and display name are updated, a non-zero PrivateChatID is
	// kept. It sets p.ID and p.PrivateChatID to the stored values.
	EnsurePerson(p *Person) error
	Person(id int64) (*Person, error)
	// PersonByUsername finds a person by username, case-insensitively.
	PersonByUsername(transport, username string) (*Person, error)

	CreateTask(t *Task) error
	// CreateOccurrence creates the next occurrence of a recurring task
	// unless that series already has one with the same deadline; it
	// reports whether it did.
	CreateOccurrence(t *Task) (bool, error)
	// ReplanOpen asks the scheduler to look at every open task again at
	// at, e.g. after the calendar changed.
	ReplanOpen(at time.Time) error
	Task(id int64) (*Task, error)
	// SaveTask writes the mutable fields: status, deadline, closed time and
	// the next planning time.
	SaveTask(t *Task) error
	// SetNextPlan sets only when the scheduler next looks at task id (the
	// zero time: never). Cheaper than SaveTask, whose other columns are
	// indexed: the scheduler's pass writes it for every task it plans.
	SetNextPlan(id int64, at time.Time) error
	FindTasks(f TaskFilter) ([]*Task, error)
	// FindTaskKeys selects as FindTasks does, in the same order, but
	// returns only what listings sort, group and count tasks by, read
	// from indexes alone: a long listing loads in full only the tasks it
	// shows.
	FindTaskKeys(f TaskFilter) ([]TaskKey, error)
	AddEvent(e *TaskEvent) error
	Events(taskID int64) ([]*TaskEvent, error)
	// TasksOfMessage returns the tasks a sent bot message was about,
	// lowest id first: none, one, or several when the message said
	// several messages merged into one.
	TasksOfMessage(chatID int64, messageID string) ([]int64, error)

	// Enqueue adds m to the outbox. A message whose Key is already present
	// is not added again and Enqueue returns false.
	Enqueue(m *Message) (bool, error)
	// Planned reports whether messages were already planned under key: a
	// message's key is its notice's key, a colon and the chat.
	Planned(key string) (bool, error)
	// DropChasing drops the unsent reminders of a task that was closed.
	DropChasing(taskID int64) error

	Overrides() ([]DayOverride, error)
	// SetOverride adds or replaces the override of o.Day.
	SetOverride(o DayOverride) error
	// DeleteOverride removes the override of day; it reports whether there
	// was one.
	DeleteOverride(day string) (bool, error)

	// SaveDraft stores d and sets d.ID; Draft loads one; DeleteDraft
	// removes it.
	SaveDraft(d *Draft) error
	Draft(id int64) (*Draft, error)
	DeleteDraft(id int64) error

	// TasksToPlan returns open tasks whose NextPlanAt is due at now.
	TasksToPlan(now time.Time, limit int) ([]*Task, error)
	// MigrateChat follows a group upgraded to a supergroup: the chat known
	// as oldExternalID is from now on newExternalID, with its tasks and
	// messages (a row already made for the new id is merged into it).
	MigrateChat(transport, oldExternalID, newExternalID string) error
	// DeactivateChat records that the bot is no longer in a group.
	DeactivateChat(chatID int64) error
	// Unreachable records that the person whose private chat this is
	// blocked the bot or never started it: private messages stop until
	// they write to the bot again. It returns that person, or nil.
	Unreachable(privateChatID int64) (*Person, error)

	// The organisation.
	Units() ([]*Unit, error)
	CreateUnit(u *Unit) error
	SaveUnit(u *Unit) error // name and parent
	DeleteUnit(id int64) error
	// Roles lists a person's roles; UnitRoles a unit's people.
	Roles(personID int64) ([]Membership, error)
	UnitRoles(unitID int64) ([]Membership, error)
	// Grant adds a role (no-op if held); Revoke removes it and reports
	// whether it was held.
	Grant(m Membership) error
	Revoke(m Membership) (bool, error)
	CreateInvite(i *Invite) error
	Invite(code string) (*Invite, error)
	SaveInvite(i *Invite) error // uses and revoked
	// BindChat binds a group to a unit (0 unbinds); GroupOfUnit finds the
	// active group bound to a unit, or nil.
	BindChat(chatID, unitID int64) error
	GroupOfUnit(unitID int64) (*Chat, error)
	// SeenIn records that a person spoke in a group; SeenTogether reports
	// whether both were seen there.
	SeenIn(chatID, personID int64) error
	Seen(chatID, personID int64) (bool, error)

	// GroupsWithOpenTasks returns the active group chats in which open
	// tasks were assigned, and the active groups bound to a unit.
	GroupsWithOpenTasks() ([]*Chat, error)
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
	IDs   []int64
	Limit int
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
	At   time.Time
}

// Composer turns a notice into the messages that say it. The bot core
// implements it (it owns the texts); the scheduler calls it inside its
// transaction and sets the messages' keys and send times.
type Composer interface {
	Compose(tx Tx, n Notice) ([]*Message, error)
}
