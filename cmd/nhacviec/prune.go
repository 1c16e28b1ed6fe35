package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/nhacviec/nhacviec/store"
)

// pruneEvery is how often the messages older than their retention are
// deleted (NHACVIEC_OUTBOX_KEEP_DAYS, NHACVIEC_REPLIES_KEEP_DAYS), and the
// download links that ended.
const pruneEvery = 10 * time.Minute

// prune deletes what is older than r at once and then at every tick,
// until ctx ends. Each batch holds the writer a few milliseconds; the
// commands waiting for it go between batches.
func prune(ctx context.Context, db *store.DB, r store.Retention, now func() time.Time, tick <-chan time.Time, log zerolog.Logger) {
	if r.Outbox <= 0 && r.Replies <= 0 && r.Seen <= 0 && !r.Downloads {
		return
	}
	for {
		start := time.Now()
		p, err := db.Prune(ctx, now(), r)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error().Err(err).Msg("pruning old messages failed; trying again later")
		case p.Outbox > 0 || p.Replies > 0 || p.Seen > 0 || p.Downloads > 0:
			log.Info().Int("outbox", p.Outbox).Int("replies", p.Replies).Int("seen", p.Seen).Int("downloads", p.Downloads).Int("batches", p.Batches).
				Dur("longest", p.Longest).Dur("took", time.Since(start)).Msg("pruned old messages")
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}
