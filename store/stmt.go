package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
)

// stmtCache keeps a pool's queries prepared. Parsing and planning a
// statement on every call was a sixth of the bot's CPU under load
// (BENCHMARKS.md); a prepared *sql.Stmt stays prepared on each connection
// that ran it, and a transaction reuses it through Tx.StmtContext.
//
// A query is prepared on the pool, which needs a free connection: the
// writer has only one, held by the transaction that first runs the query.
// So a query seen for the first time inside a transaction runs unprepared
// and is prepared once that transaction has ended (prepareWanted).
type stmtCache struct {
	pool *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	want map[string]bool
}

// maxStmts bounds the cache: task filters build their queries, but the
// shapes repeat; past the bound queries simply run unprepared.
const maxStmts = 256

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}, want: map[string]bool{}}
}

// get returns query's prepared statement, or nil after noting that it is
// wanted.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.m[query]
	if s == nil && len(c.m)+len(c.want) < maxStmts {
		c.want[query] = true
	}
	return s
}

// prepared returns query's prepared statement, preparing it now if
// needed; only for callers that hold no connection of the pool. nil
// means the query must run unprepared (and will report its own error).
func (c *stmtCache) prepared(ctx context.Context, query string) *sql.Stmt {
	if s := c.get(query); s != nil {
		return s
	}
	c.prepareWanted(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// prepareWanted prepares the queries noted by get; it must be called
// while the caller holds no connection of the pool.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	if len(c.want) == 0 {
		c.mu.Unlock()
		return
	}
	var queries []string
	for q := range c.want {
		queries = append(queries, q)
	}
	clear(c.want)
	c.mu.Unlock()
	for _, q := range queries {
		s, err := c.pool.PrepareContext(context.WithoutCancel(ctx), q)
		if err != nil {
			continue // it goes on running unprepared and reports its error there
		}
		c.mu.Lock()
		if _, ok := c.m[q]; ok || len(c.m) >= maxStmts {
			s.Close()
		} else {
			c.m[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, s := range c.m {
		err = errors.Join(err, s.Close())
		delete(c.m, q)
	}
	return err
}

// traceHook, when set (by tests), sees every statement the helpers
// below run, with its arguments: TestHotStatementsUseIndexes explains
// the statements the store really runs, not copies of them.
var traceHook atomic.Pointer[func(query string, args []any)]

func trace(query string, args []any) {
	if f := traceHook.Load(); f != nil {
		(*f)(query, args)
	}
}

// Helpers for statements outside a transaction.

func (db *DB) writeExec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	trace(query, args)
	if s := db.wstmts.prepared(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return db.write.ExecContext(ctx, query, args...)
}

func (db *DB) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	trace(query, args)
	if s := db.rstmts.prepared(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, query, args...)
}

func (db *DB) readQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	trace(query, args)
	if s := db.rstmts.prepared(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, query, args...)
}

// Helpers for statements in a transaction.

func (t *tx) stmt(query string) *sql.Stmt {
	if s := t.stmts.get(query); s != nil {
		return t.Tx.StmtContext(t.ctx, s)
	}
	return nil
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	trace(query, args)
	if t.readonly {
		return nil, errReadOnly
	}
	if s := t.stmt(query); s != nil {
		return s.ExecContext(t.ctx, args...)
	}
	return t.ExecContext(t.ctx, query, args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	trace(query, args)
	if s := t.stmt(query); s != nil {
		return s.QueryContext(t.ctx, args...)
	}
	return t.QueryContext(t.ctx, query, args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	trace(query, args)
	if s := t.stmt(query); s != nil {
		return s.QueryRowContext(t.ctx, args...)
	}
	return t.QueryRowContext(t.ctx, query, args...)
}
