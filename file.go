package nhacviec

import "errors"

// Messages that carry a file. Their content is made when they are sent,
// from the message's Attach recipe (the bot's), not when they are
// written: an export of a year takes seconds, and the transaction that
// writes the message must not hold the store's one writer that long. A
// crash between making the file and sending it makes it again: the
// message is still pending, as any other.
const (
	// KindDocument is a file sent as a document (an .xlsx); Text is its
	// caption.
	KindDocument MessageKind = "document"
	// KindPhoto is an image sent as a photo (a chart); Text is its
	// caption.
	KindPhoto MessageKind = "photo"
)

// File is what a document or photo message carries.
type File struct {
	Name string // file name shown to the recipient, e.g. "thongke-2026-11.xlsx"
	Data []byte
}

// ErrNoPublicURL is what publishing a file as a link returns when the
// bot has no public address to serve it at (NHACVIEC_PUBLIC_URL unset):
// a transport that cannot send files (Zalo) then tells the person where
// else to get it.
var ErrNoPublicURL = errors.New("nhacviec: no public URL to offer files at (NHACVIEC_PUBLIC_URL)")
