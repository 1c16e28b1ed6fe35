// Package bot is the transport-agnostic conversation core of nhacviec: it
// parses what people say, checks who may do what, changes the store and
// writes the replies to the outbox; its Sender delivers them.
package bot

import (
	"context"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// User is a person as a transport names them.
type User struct {
	ID       string // the transport's user id
	Username string // without "@", may be empty
	Name     string // display name
}

// Update is one thing that happened in a chat, as an adapter hands it to
// the core.
type Update struct {
	Transport string
	// ID is the transport's update id. When non-zero the core stores ID+1
	// as the next offset in the same transaction as the update's effect.
	ID int64
	// ClaimMessage is set by transports whose updates carry no increasing
	// id (Zalo): the core claims (Transport, MessageID) instead
	// (Tx.ClaimMessage), in the same transaction as the update's effect,
	// so a message delivered again is not applied twice.
	ClaimMessage bool
	ChatID       string // the transport's chat id
	ChatKind     nhacviec.ChatKind
	ChatTitle    string
	// From is nil when the sender is not a person (a channel, an anonymous
	// group admin, the service account): such updates are not acted on.
	From      *User
	MessageID string
	Text      string
	// Date is when the person sent the message, as the platform says
	// (zero: not known). A number typed before the bot asked its latest
	// question is not taken for an answer to it (choices.go).
	Date time.Time
	// ReplyTo is the id of the message this one replies to, if any.
	ReplyTo  string
	Callback *Callback
	// Mentions are the people named in Text without a username (Telegram
	// text_mention), so commands can address them.
	Mentions []Mention
	// MigratedTo is set when the group became a supergroup with this id.
	MigratedTo string
	// BotRemoved is set when the bot was removed from the group.
	BotRemoved bool
	// Document is the file sent with a command that reads one (or the
	// file its message replies to): WantsDocument says which.
	Document *Document
}

// Mention is a person named in a message by their display name.
type Mention struct {
	Text string // the words of the message that name them
	User User
}

// Callback is a press of an inline button.
type Callback struct {
	ID        string
	Data      string // from the client: never trusted
	MessageID string // the message that carried the button
}

// Transport delivers outbox messages: it sends, answers button presses and
// edits, according to the message's kind, and returns the transport's id
// of the message it sent (or "" when there is none). The sender cuts a
// long text into parts and merges short ones by the transport's Limits:
// Send gets one message's worth.
type Transport interface {
	Send(ctx context.Context, m *nhacviec.Outgoing) (string, error)
	Limits() Limits
}

// ChatLimiter is a transport whose chats differ in what a message may
// carry: the console demo, where one person's chat has no buttons as on
// Zalo. The sender asks it, not Limits, about each chat.
type ChatLimiter interface {
	ChatLimits(chatID string) Limits
}

// LimitsOf is what a message to chat (the transport's id) may carry.
func LimitsOf(tr Transport, chatID string) Limits {
	if cl, ok := tr.(ChatLimiter); ok {
		return cl.ChatLimits(chatID)
	}
	return tr.Limits()
}

// Limits are what one message of a transport may carry.
type Limits struct {
	// MaxText is the longest text of one message, as Length counts it
	// (nil: characters).
	MaxText int
	Length  func(string) int
	// MaxButtons is how many buttons one message may carry (0: none).
	MaxButtons int
}
