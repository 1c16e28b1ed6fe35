// Package store keeps nhacviec's state in SQLite (modernc.org/sqlite, pure
// Go): one writer connection, a pool of readers, embedded migrations.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the SQLite store. It implements nhacviec.Store.
type DB struct {
	// Now is the store's clock; tests and the demo replace it.
	Now func() time.Time

	path   string
	write  *sql.DB // exactly one connection: SQLite has one writer anyway
	read   *sql.DB
	unlock func() error // releases the single-instance lock; nil when none
	// Prepared statements of each pool (stmt.go).
	wstmts, rstmts *stmtCache
	checkpoints    func() error // stops the background checkpoints; nil when none
	marks          marks        // MarkSent's group commit (outbox.go)
	units          unitsCache   // the unit tree as last read (org.go)
}

var _ nhacviec.Store = (*DB)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date. It holds an exclusive lock on the database until
// Close: while one DB is open, a second Open of the same path, in this
// process or another, fails with a *LockedError (errors.Is ErrLocked).
func Open(ctx context.Context, path string) (db *DB, err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory: %w", err)
		}
	}
	// Locked before SQLite touches the file, so a second instance does
	// not even run the migrations.
	unlock, err := lock(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	// synchronous=NORMAL in WAL mode loses no committed transaction when
	// the process dies; only a power cut can lose the last ones.
	pragmas := []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "temp_store(MEMORY)"}
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("_txlock", "immediate")
	// The WAL is copied back into the database file in the background
	// (checkpoints), not by whichever commit crosses SQLite's 1000-page
	// mark: that commit's command waited for the copy and its fsync.
	wq.Add("_pragma", "wal_autocheckpoint(0)")
	// The writer keeps 4 MB of pages (SQLite's default is 2 MB): a chunk
	// of the 08:00 pass reads 250 tasks scattered over the table, then
	// checks each message's task and chat (foreign keys) and moves each
	// task's plan; with 2 MB those pages were read again from the file.
	// (8 MB cost 9 MB more memory under a burst of commands.)
	wq.Add("_pragma", "cache_size(-4096)")
	write, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db = &DB{Now: time.Now, path: path, write: write, unlock: unlock}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	q.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	db.read = read
	db.wstmts, db.rstmts = newStmtCache(write), newStmtCache(read)
	ckq := url.Values{}
	for _, p := range pragmas {
		ckq.Add("_pragma", p)
	}
	ck, err := sql.Open("sqlite", "file:"+path+"?"+ckq.Encode())
	if err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("store: open checkpointer: %w", err)
	}
	ck.SetMaxOpenConns(1)
	db.checkpoints = startCheckpoints(ck)
	return db, nil
}

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = time.Second

// startCheckpoints copies the WAL back into the database every
// checkpointEvery on a connection of its own (a PASSIVE checkpoint: it
// never blocks the writer or the readers; what it cannot copy yet waits
// for the next). The returned function stops it and closes the
// connection; SQLite checkpoints once more when the last connection
// closes.
func startCheckpoints(conn *sql.DB) (stop func() error) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				// Errors (a busy database, a full disk) are retried at
				// the next tick; the commands meet them on their own.
				_, _ = conn.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return func() error {
		close(done)
		<-stopped
		return conn.Close()
	}
}

// OpenReadOnly opens an existing database for reading only, without the
// single-instance lock and without migrating it: it is how `nhacviec
// backup` reads the database of a running bot. SQLite opens the file
// read-only (mode=ro, stronger than query_only, which would also forbid
// VACUUM INTO); Update fails.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	// SQLite would create a missing file; a typo in the path must not
	// back up an empty database.
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	conn, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	conn.SetMaxOpenConns(2)
	// Reading the schema version checks that this is an SQLite database
	// at all ("file is not a database").
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	stmts := newStmtCache(conn)
	return &DB{Now: time.Now, path: path, write: conn, read: conn, wstmts: stmts, rstmts: stmts}, nil
}

// Close closes the database and releases its lock.
func (db *DB) Close() error {
	var err error
	if db.checkpoints != nil {
		err = db.checkpoints()
		db.checkpoints = nil
	}
	err = errors.Join(err, db.wstmts.close())
	if db.rstmts != db.wstmts {
		err = errors.Join(err, db.rstmts.close())
	}
	err = errors.Join(err, db.read.Close())
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	// Released only after SQLite closed (and checkpointed) the file, so
	// the next instance finds it quiet.
	if db.unlock != nil {
		err = errors.Join(err, db.unlock())
		db.unlock = nil
	}
	return err
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

func (db *DB) migrate(ctx context.Context) error { return db.migrateTo(ctx, math.MaxInt) }

// migrateTo applies the migrations up to number last (tests start from
// an older schema with it).
func (db *DB) migrateTo(ctx context.Context, last int) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var version int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with its number", name)
		}
		if n <= version || n > last {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		version = n
	}
	return nil
}

// Update runs fn in one write transaction.
func (db *DB) Update(ctx context.Context, fn func(nhacviec.Tx) error) error {
	return db.run(ctx, db.write, false, fn)
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(nhacviec.Tx) error) error {
	return db.run(ctx, db.read, true, fn)
}

// Ping checks that the database can be written now, as the health check
// needs: it waits for the writer as a command would, and commits a write
// that changes nothing (the file header's application id, rewritten as
// it is), so that it also fails when writes no longer reach the file: a
// read-only database or mount, a failing disk. A transaction with no
// write would commit without touching the file.
func (db *DB) Ping(ctx context.Context) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	defer sqlTx.Rollback()
	var id int32
	if err := sqlTx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if _, err := sqlTx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", id)); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Savepoint runs fn inside an SQL savepoint: fn's error rolls back what
// fn wrote, and only that. Its statements are prepared once, like the
// others: every update and every sent mark runs two.
func (t *tx) Savepoint(fn func() error) (err error) {
	if t.readonly {
		return fn()
	}
	if _, err := t.exec("SAVEPOINT sp"); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			t.exec("ROLLBACK TO sp")
			t.exec("RELEASE sp")
			panic(p)
		}
	}()
	if err = fn(); err != nil {
		if _, rerr := t.exec("ROLLBACK TO sp"); rerr != nil {
			return fmt.Errorf("store: rollback to savepoint: %w (after: %v)", rerr, err)
		}
	}
	// RELEASE after ROLLBACK TO closes the savepoint; after success it
	// keeps fn's writes in the transaction.
	if _, rerr := t.exec("RELEASE sp"); rerr != nil && err == nil {
		return fmt.Errorf("store: release savepoint: %w", rerr)
	}
	return err
}

// run runs fn in a transaction on conn; a write transaction that cannot
// be cancelled also writes the sent marks waiting for a commit
// (outbox.go). A nil fn writes only those.
func (db *DB) run(ctx context.Context, conn *sql.DB, readonly bool, fn func(nhacviec.Tx) error) (err error) {
	stmts := db.wstmts
	if readonly {
		stmts = db.rstmts
	}
	sqlTx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: readonly})
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	// Once the transaction let go of its connection, the queries it ran
	// for the first time are prepared for the next ones.
	defer stmts.prepareWanted(ctx)
	t := &tx{Tx: sqlTx, ctx: ctx, now: db.Now(), readonly: readonly, stmts: stmts, units: &db.units}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
	}()
	if fn != nil {
		if err := fn(t); err != nil {
			sqlTx.Rollback()
			return err
		}
	}
	// The sent marks waiting for a commit ride along with this one, if it
	// cannot be cancelled: a cancelled transaction rolls back, and a sent
	// message whose mark is lost goes out again.
	var marked []*mark
	if !readonly && ctx.Done() == nil {
		marked = db.marks.write(t, fn == nil)
	}
	err = sqlTx.Commit()
	if err != nil {
		err = fmt.Errorf("store: commit: %w", err)
	}
	for _, r := range marked {
		r.done <- cmp.Or(err, r.err)
	}
	return err
}

// ms converts a time to the stored form; the zero time is stored as NULL
// where the column allows it (see nullMS).
func ms(t time.Time) int64 { return t.UnixMilli() }

func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromMS(v int64) time.Time { return time.UnixMilli(v) }

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}

func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}
