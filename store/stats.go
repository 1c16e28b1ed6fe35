package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxStats returns how many messages wait in the outbox and the
// earliest not-before time among them (zero when none wait). Metrics read
// it at scrape time; a message held for working hours counts in depth but
// is not late until its time comes.
func (db *DB) OutboxStats(ctx context.Context) (depth int, oldest time.Time, err error) {
	var first sql.NullInt64
	err = db.readQueryRow(ctx, `SELECT COUNT(*), MIN(not_before) FROM outbox WHERE state = 'pending'`).Scan(&depth, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	return depth, fromNullMS(first), nil
}
