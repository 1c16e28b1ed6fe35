package nhacviec

import "time"

// LinkCode is a one-time code that joins the account that types it to
// the person who asked for it in another app (/lienket).
type LinkCode struct {
	Code      string
	PersonID  int64
	Transport string // the app the code was given in
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
}

// LinkTx is one person's accounts across transports: the codes that link
// them, the linking itself, and where the person is written to.
type LinkTx interface {
	// CreateLinkCode stores a new code; EConflict if the code exists.
	CreateLinkCode(c *LinkCode) error
	// LinkCode loads a code: ENotFound if none.
	LinkCode(code string) (*LinkCode, error)
	// UseLinkCode marks a code used (now) by person by; EConflict if it
	// was used already.
	UseLinkCode(code string, by int64) error
	// LinkPeople makes the people keep and merge one: merge's accounts
	// point to keep, and everything that named merge (tasks, roles,
	// history, parts, reviews…) names keep, in this transaction. A
	// role or group membership both held is kept once; a coordinator's
	// part both held on one task stays merge's (the row is kept, and
	// merge's account too). EInvalid if they are the same person or
	// merge is itself an account linked to someone.
	LinkPeople(keep, merge int64) error
	// Accounts returns a person's accounts, the person's own row first,
	// each with its transport's ids, names and own private chat.
	Accounts(personID int64) ([]*Person, error)
	// SetChannel sets the transport a person is written to ("" : the
	// app they used last).
	SetChannel(personID int64, transport string) error
	// Directory returns the people who may be named in chatID by their
	// display name: those holding a role and those seen in that chat,
	// one entry per account (a linked account's entry has its person's
	// ID and its own names), by ID.
	Directory(chatID int64) ([]*Person, error)
}
