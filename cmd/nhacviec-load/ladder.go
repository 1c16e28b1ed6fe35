package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// The escalation ladder runs from 07:30 on working mornings
// (scheduler/ladder.go), before the 08:00 pass: the seed says it ran
// this morning, so that the passes measured plan what they did before it
// existed, and ladderPasses measures it apart.

// ladderRan writes this morning's runs of the ladder as done at 07:30,
// so that no pass runs them (slots as scheduler/ladder.go names them).
func ladderRan(ctx context.Context, conn *sql.Conn) error {
	year, week := monday0900.ISOWeek()
	at := monday0900.Add(-90 * time.Minute).UnixMilli()
	_, err := conn.ExecContext(ctx, `INSERT INTO ladder_runs (slot, at) VALUES (?, ?), (?, ?)`,
		"head:"+monday0900.Format("2006-01-02"), at, fmt.Sprintf("leaders:%d-W%02d", year, week), at)
	return err
}

// ladderPasses times, on a copy of the seeded database, the ladder's
// first run (Monday 07:30: every task overdue 2 working days or more is
// reported to its head, 5 or more to the leaders, as on the first morning
// after an upgrade) and, on the same open database, its run of the next
// morning (the overdue tasks are read again; only those that crossed a
// threshold overnight are new).
// It returns both durations and how many escalations (task and level)
// the first one recorded.
func ladderPasses(ctx context.Context, path string) (first, next time.Duration, reported int, err error) {
	cp := path + ".ladder"
	if err := copyFile(path, cp); err != nil {
		return 0, 0, 0, err
	}
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		defer os.Remove(cp + suffix)
	}
	// As before the ladder existed: it never ran. Tuesday's digests went
	// out, so that the pass of Tuesday 07:30 is the ladder's alone.
	monday0730 := monday0900.Add(-90 * time.Minute)
	if err := rawExec(ctx, cp, func(c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, `DELETE FROM ladder_runs`); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `INSERT INTO outbox (key, chat_id, kind, text, html, not_before, created_at, state, attempts, sent_at)
			SELECT '2026-11-24/digest:' || id || ':2026-11-24:' || id, id, 'digest', '☀️ Điểm việc sáng', 1, ?1, ?1, 'sent', 1, ?1
			FROM chats WHERE kind = 'group'`, monday0730.AddDate(0, 0, 1).UnixMilli())
		return err
	}); err != nil {
		return 0, 0, 0, err
	}
	db, s, err := wired(ctx, cp, monday0730)
	if err != nil {
		return 0, 0, 0, err
	}
	defer db.Close()
	for i, now := range []time.Time{monday0730, monday0730.AddDate(0, 0, 1)} {
		db.Now = func() time.Time { return now }
		if i == 1 {
			// Tuesday's night pass (03:00) plans the morning's notices,
			// as the bot does: the 07:30 pass timed is the ladder's.
			night := monday0730.AddDate(0, 0, 1).Add(-270 * time.Minute)
			if _, err := s.RunOnce(ctx, night); err != nil {
				return 0, 0, 0, err
			}
		}
		t0 := time.Now()
		if _, err := s.RunOnce(ctx, now); err != nil {
			return 0, 0, 0, err
		}
		if i == 0 {
			first = time.Since(t0)
			err = db.View(ctx, func(tx nhacviec.Tx) error {
				// Every open overdue task's escalations, from the index.
				keys, err := tx.FindTaskKeys(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: now})
				for _, k := range keys {
					es, e := tx.Escalations(k.ID)
					reported, err = reported+len(es), errors.Join(err, e)
				}
				return err
			})
			if err != nil {
				return 0, 0, 0, err
			}
		} else {
			next = time.Since(t0)
		}
	}
	return first, next, reported, nil
}
