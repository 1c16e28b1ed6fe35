package store

import (
	"context"
	"fmt"
	"math"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Retention is how long Prune keeps what only history needs.
type Retention struct {
	// Outbox is how long sent, dropped and failed messages are kept,
	// from when they were written; 0 keeps them for ever.
	Outbox time.Duration
	// Replies is how long the ids of delivered messages are kept, from
	// when they were sent: a reply ("xong") to an older message is not
	// matched to its task. 0 keeps them for ever.
	Replies time.Duration
	// Seen is how long the ids of applied messages of transports without
	// update offsets (Zalo) are kept (ClaimMessage): a message delivered
	// again after that would be applied again. 0 keeps them for ever.
	Seen time.Duration
	// Downloads prunes the download links that ended (PruneDownloads).
	Downloads bool
	// Batch is the most rows one transaction deletes (default
	// DefaultPruneBatch).
	Batch int
}

// DefaultPruneBatch keeps each pruning transaction to a few milliseconds
// of the single writer, so that commands waiting for it hardly notice.
const DefaultPruneBatch = 500

// Pruned is what a Prune removed.
type Pruned struct {
	Outbox, Replies int           // rows deleted
	Seen            int           // message ids forgotten
	Downloads       int           // download links deleted
	Batches         int           // transactions that deleted some
	Longest         time.Duration // the longest of them: how long the writer was held at most
}

// Prune deletes what is older than r allows, in transactions of at most
// r.Batch rows each, until nothing is left to delete or ctx ends. It is
// meant to run off the hot path, now and then.
//
// It never deletes a pending message, nor a planned message (one with a
// key) whose task is still open: the scheduler plans an open task's
// notices again at every look at it and skips those whose key is
// present, and an overdue task's overdue notice is among them every
// working morning until the task is closed; without its row it would go
// out again (TestPruningNeverReplans). Once a task is closed it is never
// planned again. The keys without a task are a digest's, keyed by its
// day, which is never planned after that day, and an "unreachable"
// notice's, which tells a head once per refusal: a new refusal after the
// retention tells them again.
func (db *DB) Prune(ctx context.Context, now time.Time, r Retention) (Pruned, error) {
	var out Pruned
	batch := r.Batch
	if batch <= 0 {
		batch = DefaultPruneBatch
	}
	if r.Outbox > 0 {
		// The walk goes on from the last row deleted, so that the rows
		// kept are passed over once, not at every batch.
		before, after, afterID := ms(now.Add(-r.Outbox)), int64(math.MinInt64), int64(0)
		for {
			var n int
			start := time.Now()
			err := db.run(ctx, db.write, false, func(ntx nhacviec.Tx) error {
				t := ntx.(*tx)
				rows, err := t.query(`DELETE FROM outbox WHERE id IN (
					SELECT o.id FROM outbox o LEFT JOIN tasks t ON t.id = o.task_id
					WHERE o.state <> 'pending' AND o.created_at < ? AND (o.created_at, o.id) > (?, ?)
						AND (o.key IS NULL OR t.status IS NOT 'open')
					ORDER BY o.created_at, o.id LIMIT ?)
					RETURNING created_at, id`, before, after, afterID, batch)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var at, id int64
					if err := rows.Scan(&at, &id); err != nil {
						return err
					}
					if at > after || at == after && id > afterID {
						after, afterID = at, id
					}
					n++
				}
				return rows.Err()
			})
			if err != nil {
				return out, fmt.Errorf("store: prune outbox: %w", err)
			}
			if n > 0 {
				out.Outbox += n
				out.Batches++
				out.Longest = max(out.Longest, time.Since(start))
			}
			if n < batch {
				break
			}
		}
	}
	// Oldest first, up to the batch's last time (ties there go too: a
	// batch may be a little larger). One bound only: given two, SQLite
	// walks the index up to the looser one.
	if r.Replies > 0 {
		n, err := db.pruneByTime(ctx, &out, batch, ms(now.Add(-r.Replies)), `DELETE FROM bot_messages WHERE sent_at <= (
			SELECT MAX(sent_at) FROM (SELECT sent_at FROM bot_messages WHERE sent_at < ? ORDER BY sent_at LIMIT ?))`)
		out.Replies += n
		if err != nil {
			return out, fmt.Errorf("store: prune replies: %w", err)
		}
	}
	if r.Downloads {
		n, err := db.PruneDownloads(ctx, now)
		out.Downloads += n
		if err != nil {
			return out, err
		}
	}
	if r.Seen > 0 {
		n, err := db.pruneByTime(ctx, &out, batch, ms(now.Add(-r.Seen)), `DELETE FROM seen_messages WHERE seen_at <= (
			SELECT MAX(seen_at) FROM (SELECT seen_at FROM seen_messages WHERE seen_at < ? ORDER BY seen_at LIMIT ?))`)
		out.Seen += n
		if err != nil {
			return out, fmt.Errorf("store: prune seen messages: %w", err)
		}
	}
	return out, nil
}

// pruneByTime runs del (bound to before and batch) in a transaction of
// its own until a run deletes fewer than batch rows, counting the
// batches and the longest in out, and returns the rows deleted.
func (db *DB) pruneByTime(ctx context.Context, out *Pruned, batch int, before int64, del string) (int, error) {
	deleted := 0
	for {
		var n int64
		start := time.Now()
		err := db.run(ctx, db.write, false, func(ntx nhacviec.Tx) error {
			res, err := ntx.(*tx).exec(del, before, batch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return deleted, err
		}
		if n > 0 {
			deleted += int(n)
			out.Batches++
			out.Longest = max(out.Longest, time.Since(start))
		}
		if n < int64(batch) {
			return deleted, nil
		}
	}
}
