package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Download is a file offered at a secret link, for a transport that
// cannot send documents (Zalo): the link is its token.
//
// A link allows Uses fetches until Expires, and its first fetch brings
// Expires forward to that fetch plus Grace. A strict single fetch would
// fail real people: a phone's in-app browser that meets a file often
// hands its address to the download manager, which fetches it again,
// and a download cut off by the network is tried again. The caller
// chooses the numbers (cmd/nhacviec: a few fetches within minutes of the
// first).
type Download struct {
	Token   string // set by PutDownload: crypto/rand.Text, 26 characters A–Z 2–7 (130 bits)
	Name    string // the file name the person sees, e.g. "thongke-2026-11.xlsx"
	MIME    string // its media type, e.g. "image/png"
	Size    int64  // bytes; set by PutDownload
	Created time.Time
	Expires time.Time
	Uses    int           // fetches left
	Grace   time.Duration // how long the link lives after its first fetch
	Taken   time.Time     // the first fetch; zero before it

	id int64
}

// MaxDownloadSize is the largest file PutDownload keeps.
const MaxDownloadSize = 64 << 20

// downloadPart is the size of the parts a file is kept in: SQLite reads
// a value whole (modernc.org/sqlite has no incremental BLOB I/O), so a
// fetch holds one part at a time, not the file, and a slow download
// holds no read transaction between parts.
const downloadPart = 1 << 20

// DownloadKeep is how long Prune keeps a link after it ended: a
// download under way finishes, and a used link is still told apart from
// an unknown one for that long.
const DownloadKeep = time.Hour

// Refusals of a link that exists, as TakeDownload and Download return
// them (errors.Is; nhacviec.ErrorCode EConflict).
var (
	ErrDownloadTaken   = nhacviec.Errorf(nhacviec.EConflict, "download taken already")
	ErrDownloadExpired = nhacviec.Errorf(nhacviec.EConflict, "download expired")
)

// PutDownload keeps body under a new random token, for d.Uses fetches
// until d.Expires (d.Name, d.MIME, d.Created, d.Expires, d.Uses and
// d.Grace set by the caller), and sets d.Token and d.Size. EInvalid if
// the name is empty, too long or not a plain file name, the media type
// malformed, the file empty or larger than MaxDownloadSize, Uses below
// 1, or Expires not after Created.
//
// The file is written a few parts per transaction, so that the writer
// is held for milliseconds at a time, not for the whole file: the link
// is unknown until PutDownload returns, so nobody meets it half
// written, and one left half written by a crash is pruned when it ends.
func (db *DB) PutDownload(ctx context.Context, d *Download, body []byte) error {
	if err := checkDownload(d, len(body)); err != nil {
		return err
	}
	token, id := rand.Text(), int64(0)
	err := db.run(ctx, db.write, false, func(ntx nhacviec.Tx) error {
		return ntx.(*tx).queryRow(`INSERT INTO downloads (token, name, mime, size, created_at, expires_at, uses, grace_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			token, d.Name, d.MIME, len(body), ms(d.Created), ms(d.Expires), d.Uses, d.Grace.Milliseconds()).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("store: put download: %w", err)
	}
	parts := (len(body) + downloadPart - 1) / downloadPart
	for first := 0; first < parts; first += putDownloadParts {
		err := db.run(ctx, db.write, false, func(ntx nhacviec.Tx) error {
			t := ntx.(*tx)
			for seq := first; seq < min(parts, first+putDownloadParts); seq++ {
				part := body[seq*downloadPart : min(len(body), (seq+1)*downloadPart)]
				if _, err := t.exec(`INSERT INTO download_parts (download_id, seq, body) VALUES (?, ?, ?)`, id, seq, part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			// Best effort: what is left is pruned when the link ends.
			db.writeExec(context.WithoutCancel(ctx), `DELETE FROM downloads WHERE id = ?`, id)
			return fmt.Errorf("store: put download: %w", err)
		}
	}
	d.Token, d.Size, d.id = token, int64(len(body)), id
	return nil
}

// putDownloadParts is how many parts one transaction of PutDownload
// writes: 2 MiB, a few milliseconds of the writer.
const putDownloadParts = 2

func checkDownload(d *Download, size int) error {
	switch {
	case d.Name == "" || len(d.Name) > 200 || !utf8.ValidString(d.Name) ||
		strings.ContainsAny(d.Name, `/\`) || strings.IndexFunc(d.Name, unicode.IsControl) >= 0:
		return nhacviec.Errorf(nhacviec.EInvalid, "download name %q: want a plain file name", d.Name)
	case size == 0 || size > MaxDownloadSize:
		return nhacviec.Errorf(nhacviec.EInvalid, "download of %d bytes: want 1 to %d", size, MaxDownloadSize)
	case d.Uses < 1:
		return nhacviec.Errorf(nhacviec.EInvalid, "download with %d uses", d.Uses)
	case !d.Expires.After(d.Created):
		return nhacviec.Errorf(nhacviec.EInvalid, "download expiring at %v, not after its creation %v", d.Expires, d.Created)
	}
	if _, _, err := mime.ParseMediaType(d.MIME); err != nil {
		return nhacviec.Errorf(nhacviec.EInvalid, "download media type %q: %v", d.MIME, err)
	}
	return nil
}

const downloadColumns = `id, token, name, mime, size, created_at, expires_at, uses, grace_ms, taken_at`

func scanDownload(row interface{ Scan(...any) error }) (*Download, error) {
	var d Download
	var created, expires, grace int64
	var taken sql.NullInt64
	if err := row.Scan(&d.id, &d.Token, &d.Name, &d.MIME, &d.Size, &created, &expires, &d.Uses, &grace, &taken); err != nil {
		return nil, err
	}
	d.Created, d.Expires, d.Grace, d.Taken = fromMS(created), fromMS(expires), time.Duration(grace)*time.Millisecond, fromNullMS(taken)
	return &d, nil
}

// refusal is why the stored link d cannot be fetched at now, or nil.
func (d *Download) refusal(now time.Time) error {
	switch {
	case d.Uses <= 0, !d.Taken.IsZero() && !now.Before(d.Expires):
		return ErrDownloadTaken
	case !now.Before(d.Expires):
		return ErrDownloadExpired
	}
	return nil
}

var errNoDownload = nhacviec.Errorf(nhacviec.ENotFound, "download not found")

// Download returns the link of token as it stands, without fetching it
// (a HEAD request, the page before the download). ENotFound if there is
// no such link (or it was pruned), EConflict if it can no longer be
// fetched: ErrDownloadTaken once its fetches are spent or the time after
// the first is over, ErrDownloadExpired if it ended unused.
func (db *DB) Download(ctx context.Context, token string, now time.Time) (*Download, error) {
	d, err := scanDownload(db.readQueryRow(ctx, `SELECT `+downloadColumns+` FROM downloads WHERE token = ?`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDownload
	}
	if err != nil {
		return nil, fmt.Errorf("store: read download: %w", err)
	}
	if err := d.refusal(now); err != nil {
		return d, err
	}
	return d, nil
}

// TakeDownload spends one fetch of token's link at now, atomically: of
// two fetches for its last use, one is refused. The first fetch brings
// the link's end forward to now + Grace. It returns the link as it
// stands after the fetch; DownloadBody writes the file. Its refusals are
// Download's (ENotFound, EConflict: ErrDownloadTaken,
// ErrDownloadExpired), with the link as it stands.
func (db *DB) TakeDownload(ctx context.Context, token string, now time.Time) (*Download, error) {
	var d *Download
	var refused error
	err := db.run(ctx, db.write, false, func(ntx nhacviec.Tx) error {
		t := ntx.(*tx)
		// SET reads the row as it was: taken_at IS NULL means this is
		// the first fetch.
		var err error
		d, err = scanDownload(t.queryRow(`UPDATE downloads SET uses = uses - 1,
				expires_at = CASE WHEN taken_at IS NULL THEN min(expires_at, ?1 + grace_ms) ELSE expires_at END,
				taken_at = coalesce(taken_at, ?1)
			WHERE token = ?2 AND uses > 0 AND expires_at > ?1
			RETURNING `+downloadColumns, ms(now), token))
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		d, err = scanDownload(t.queryRow(`SELECT `+downloadColumns+` FROM downloads WHERE token = ?`, token))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refused = errNoDownload
			return nil
		case err != nil:
			return err
		}
		refused = d.refusal(now)
		if refused == nil { // a clock that went back: the row said no, so no
			refused = ErrDownloadExpired
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: take download: %w", err)
	}
	if refused == errNoDownload {
		return nil, refused
	}
	return d, refused
}

// DownloadBody writes the file of d (as TakeDownload returned it) to w,
// a part at a time, each read on a reader connection of its own: a slow
// download holds no transaction. ENotFound if the link was pruned
// meanwhile (only DownloadKeep after it ended).
func (db *DB) DownloadBody(ctx context.Context, d *Download, w io.Writer) error {
	var sent int64
	for seq := 0; sent < d.Size; seq++ {
		var part []byte
		err := db.readQueryRow(ctx, `SELECT body FROM download_parts WHERE download_id = ? AND seq = ?`, d.id, seq).Scan(&part)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoDownload
		}
		if err != nil {
			return fmt.Errorf("store: read download: %w", err)
		}
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("store: write download: %w", err)
		}
		sent += int64(len(part))
	}
	return nil
}

// pruneDownloadParts is how many parts (of at most 1 MiB) one pruning
// transaction deletes: freeing a part reads each of its pages, so a few
// MB per transaction keep the writer's hold to milliseconds.
const pruneDownloadParts = 8

// PruneDownloads deletes the links that ended more than DownloadKeep
// before now (whether fetched or not), a few MB per transaction, until
// none is left or ctx ends; it returns how many links it deleted. Meant
// to run off the hot path, now and then.
func (db *DB) PruneDownloads(ctx context.Context, now time.Time) (int, error) {
	before := ms(now.Add(-DownloadKeep))
	// The files first, a few parts at a time; a link without its parts
	// has ended, and is refused as such.
	var out Pruned
	if _, err := db.pruneByTime(ctx, &out, pruneDownloadParts, before, `DELETE FROM download_parts WHERE rowid IN (
		SELECT p.rowid FROM downloads d JOIN download_parts p ON p.download_id = d.id
		WHERE d.expires_at < ? LIMIT ?)`); err != nil {
		return 0, fmt.Errorf("store: prune downloads: %w", err)
	}
	n, err := db.pruneByTime(ctx, &out, DefaultPruneBatch, before, `DELETE FROM downloads WHERE id IN (
		SELECT id FROM downloads WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`)
	if err != nil {
		return n, fmt.Errorf("store: prune downloads: %w", err)
	}
	return n, nil
}
