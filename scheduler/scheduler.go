// Package scheduler plans what the bot says on its own: reminders before
// a deadline, the overdue notice, daily nudges while overdue and each
// group's morning digest. A pass is RunOnce(ctx, now); cron calls it every
// minute, tests call it with the time they need.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Scheduler plans notices into the outbox through the store. Every notice
// has a unique key per (task, kind, slot), so overlapping passes, restarts
// and catch-up never plan one twice.
type Scheduler struct {
	Store    nhacviec.Store
	Composer nhacviec.Composer
	Calendar *calendar.Calendar
	Log      zerolog.Logger
	// RemindAt is when personal reminders and nudges go out on a working
	// morning (default 08:00).
	RemindAt calendar.Clock
	// DigestAt is the morning digest's time (default 07:30); a digest
	// missed while the bot was down is still sent until DigestUntil
	// (default 12:00).
	DigestAt, DigestUntil calendar.Clock
	// AheadFrom is when, on each day, the passes begin to plan that
	// morning's reminders and nudges (those of RemindAt) ahead of time
	// (default 03:00): they are written while nobody waits for the
	// store's one writer, and at RemindAt the sender has them ready,
	// one message per person, instead of a pass of a second at a
	// million tasks holding the writer at the busiest minute of the day
	// (BENCHMARKS.md §6). What changes meanwhile is kept: a task closed
	// before they go has them dropped, a moved deadline or a new lead
	// plans them afresh (Tx.Unplan). AheadFrom at or after RemindAt
	// plans nothing ahead.
	AheadFrom calendar.Clock
	// Planned is called after a pass wrote messages, to wake the sender.
	Planned func()
	// Hold, if set, is called as a pass begins and the function it
	// returns as the pass ends: the sender keeps what the pass writes
	// until the whole pass is written, so that a person's notices of one
	// pass, written by different chunks, go out as one message.
	Hold func() (release func())
	// Chunk is how many tasks one transaction plans (default 250).
	Chunk int

	lastRun atomic.Int64 // Unix ms of the last pass that completed
	paused  atomic.Bool
	ladder  ladderState // the escalation runs found done (ladder.go)
	runs    ladderState // the monthly reports and chases found done (monthly.go, chase.go)
	duties  dutyKinds   // which recurrences make report duties (chase.go)
}

// LastRun is when the last pass completed (zero before the first): the
// scheduler's heartbeat for health checks.
func (s *Scheduler) LastRun() time.Time {
	if ms := s.lastRun.Load(); ms != 0 {
		return time.UnixMilli(ms)
	}
	return time.Time{}
}

// Pause stops planning on this instance (passes are skipped), e.g. when
// another instance is found polling the same bot; Resume undoes it.
func (s *Scheduler) Pause()  { s.paused.Store(true) }
func (s *Scheduler) Resume() { s.paused.Store(false) }

// defaultChunk bounds the tasks planned in one transaction: a pass plans
// chunk after chunk, each committing its messages with its tasks' next
// planning times, so that commands waiting for the single writer wait
// for a chunk (a few ms), not the whole pass. A pass cut short between
// chunks (a crash, ctx ended) leaves the rest due: the next pass plans
// it, and the notice keys keep it from planning anything twice.
const defaultChunk = 250

func (s *Scheduler) defaults() {
	if s.RemindAt == (calendar.Clock{}) {
		s.RemindAt = calendar.Clock{Hour: 8}
	}
	if s.DigestAt == (calendar.Clock{}) {
		s.DigestAt = calendar.Clock{Hour: 7, Minute: 30}
	}
	if s.AheadFrom == (calendar.Clock{}) {
		s.AheadFrom = calendar.Clock{Hour: 3}
	}
	if s.DigestUntil == (calendar.Clock{}) {
		s.DigestUntil = calendar.Clock{Hour: 12}
	}
	if s.Chunk <= 0 {
		s.Chunk = defaultChunk
	}
}

// RunOnce does one planning pass at now and returns how many messages it
// wrote to the outbox. On error, the chunks committed before it stay
// (with their count); the next pass does the rest.
func (s *Scheduler) RunOnce(ctx context.Context, now time.Time) (int, error) {
	s.defaults()
	now = now.In(s.Calendar.Location())
	if s.Hold != nil {
		defer s.Hold()()
	}
	written, chunks := 0, 0
	var longest time.Duration // the longest hold of the writer
	var err error
	upTo := s.horizon(now)
	for more := true; more && err == nil; chunks++ {
		start := time.Now()
		var n int
		n, more, err = s.planTasks(ctx, now, upTo)
		longest = max(longest, time.Since(start))
		written += n
	}
	for more := true; more && err == nil; chunks++ { // coordinators' parts (parts.go)
		start := time.Now()
		var n int
		n, more, err = s.planParts(ctx, now, upTo)
		longest = max(longest, time.Since(start))
		written += n
	}
	// The day's own plans run whatever the tasks' did: a task whose
	// notices cannot be composed must not cost everyone the morning
	// digest or the month's report, which have only their day.
	for _, plan := range []func(context.Context, time.Time) (int, error){s.planDigests, s.planLadder, s.planMonthly, s.planChase} {
		start := time.Now()
		n, perr := plan(ctx, now)
		longest = max(longest, time.Since(start))
		written += n
		err = errors.Join(err, perr)
	}
	if written > 0 {
		s.Log.Debug().Int("planned", written).Int("chunks", chunks).Dur("longest", longest).Msg("scheduler: planned")
		if s.Planned != nil {
			s.Planned()
		}
	}
	return written, err
}

// horizon is the time up to which a pass at now plans tasks' notices:
// now, or this morning's RemindAt from AheadFrom on. The notices are
// the ones a pass at that time would plan, and each goes out at its own
// time (compose), not before.
func (s *Scheduler) horizon(now time.Time) time.Time {
	morning := s.Calendar.At(now, s.RemindAt)
	if now.Before(morning) && !now.Before(s.Calendar.At(now, s.AheadFrom)) {
		return morning
	}
	return now
}

// taskPlan is a task of a chunk with its notices due now, their keys and
// when it is next looked at.
type taskPlan struct {
	task    *nhacviec.Task
	notices []nhacviec.Notice
	keys    []string
	next    time.Time
}

// planTasks plans the next chunk of the tasks due by upTo (the pass's
// horizon) in one transaction and reports whether more may be due. Its statements work on the whole
// chunk (nhacviec.PlanTx): one per step, not one per task.
func (s *Scheduler) planTasks(ctx context.Context, now, upTo time.Time) (written int, more bool, err error) {
	err = s.Store.Update(ctx, func(tx nhacviec.Tx) error {
		tasks, err := tx.TasksToPlan(upTo, s.Chunk)
		if err != nil {
			return err
		}
		more = len(tasks) == s.Chunk
		c := newChunk(tx)
		plans := make([]taskPlan, len(tasks))
		var keys []string
		for i, t := range tasks {
			p := &plans[i]
			p.task = t
			p.notices, p.next = s.plan(t, upTo)
			for _, n := range p.notices {
				p.keys = append(p.keys, noticeKey(n, s.Calendar.Location()))
			}
			keys = append(keys, p.keys...)
		}
		planned, err := c.PlannedKeys(keys)
		if err != nil {
			return err
		}
		// The people the messages go to, in one query; the composer
		// finds them through c.Person.
		var people []int64
		for _, p := range plans {
			for _, k := range p.keys {
				if !planned[k] {
					people = append(people, p.task.AssigneeID, p.task.AssignerID)
					break
				}
			}
		}
		if err := c.prefetch(people); err != nil {
			return err
		}
		var msgs []*nhacviec.Message
		for _, p := range plans {
			for i, n := range p.notices {
				if planned[p.keys[i]] {
					continue
				}
				if msgs, err = s.compose(c, n, p.keys[i], now, msgs); err != nil {
					return fmt.Errorf("scheduler: task %d: %w", p.task.ID, err)
				}
			}
		}
		if written, err = c.EnqueueAll(msgs); err != nil {
			return err
		}
		ids, next := make([]int64, len(plans)), make([]time.Time, len(plans))
		for i, p := range plans {
			t := p.task
			if t.Recur != "" && !upTo.Before(t.Deadline) {
				if err := s.nextOccurrence(tx, t); err != nil {
					return fmt.Errorf("scheduler: task %d: %w", t.ID, err)
				}
			}
			t.NextPlanAt = p.next
			ids[i], next[i] = t.ID, p.next
		}
		return c.SetNextPlans(ids, next)
	})
	if err != nil {
		written = 0 // rolled back
	}
	return written, more, err
}

// nextOccurrence creates the next occurrence of a recurring task once the
// current one falls due (unless the bot did, when it was finished).
func (s *Scheduler) nextOccurrence(tx nhacviec.TaskTx, t *nhacviec.Task) error {
	_, err := nhacviec.CreateNextOccurrence(tx, s.Calendar, t, 0)
	if nhacviec.ErrorCode(err) == nhacviec.EInvalid {
		s.Log.Warn().Err(err).Int64("task", t.ID).Msg("recurrence not understood; no next occurrence")
		return nil
	}
	return err
}

// compose composes notice n (whose key is key) and appends its messages
// to msgs, each under its key.
func (s *Scheduler) compose(tx nhacviec.Tx, n nhacviec.Notice, key string, now time.Time, msgs []*nhacviec.Message) ([]*nhacviec.Message, error) {
	out, err := s.Composer.Compose(tx, n)
	if err != nil {
		return msgs, err
	}
	// Nobody is nagged outside working hours or on a day off.
	notBefore := s.Calendar.InWorkingHours(later(n.At, now))
	for _, m := range out {
		m.Key = key + ":" + strconv.FormatInt(m.ChatID, 10)
		m.NotBefore = notBefore
	}
	return append(msgs, out...), nil
}

// noticeKey names a notice's slot; its messages' keys add the chat. The
// key prefix is what Tx.PlannedKeys looks for. It starts with the day of
// the slot, in the calendar's zone, so that a pass's keys sit together in
// the outbox's index on key rather than one index page each, by task,
// among a year's keys (store/migrations/0015_plan_keys.sql).
func noticeKey(n nhacviec.Notice, loc *time.Location) string {
	d := day(n.At.In(loc))
	if n.Kind == nhacviec.KindDigest && n.Unit != nil {
		return fmt.Sprintf("%s/digest:u%d:%s", d, n.Unit.ID, n.Slot)
	}
	if n.Kind == nhacviec.KindDigest {
		return fmt.Sprintf("%s/digest:%d:%s", d, n.Chat.ID, n.Slot)
	}
	return fmt.Sprintf("%s/%s:%d:%s", d, n.Kind, n.Task.ID, n.Slot)
}

// plan returns t's notices that are due at now and still worth sending,
// and when t next needs a look.
//
//   - "before3": for a recurring report duty (chase.go), three working
//     days before the deadline's day, at RemindAt;
//   - "before": the working day before the deadline's day, at RemindAt;
//   - "due": the deadline's own morning, if the deadline is after RemindAt;
//   - overdue: at the deadline, to assignee and assigner;
//   - nudge: every working morning after the deadline's day while open.
//
// A reminder missed while the bot was down is sent late only while the
// deadline is still ahead, and only the most recent one; a missed nudge
// is replaced by today's.
//
// A task waiting for review has none of these: planReview.
func (s *Scheduler) plan(t *nhacviec.Task, now time.Time) ([]nhacviec.Notice, time.Time) {
	if t.Submitted() {
		return s.planReview(t, now) // the reviewer is chased, not the lead
	}
	cal := s.Calendar
	deadline := t.Deadline.In(cal.Location())
	var slots []nhacviec.Notice
	if s.reportDuty(t) { // chase.go
		if before3 := cal.At(cal.AddWorkingDays(deadline, -3), s.RemindAt); before3.After(t.CreatedAt) {
			slots = append(slots, nhacviec.Notice{Kind: nhacviec.KindReminder, Slot: nhacviec.SlotBefore3 + ":" + day(before3), Task: t, At: before3})
		}
	}
	if before := cal.At(cal.PrevWorkingDay(deadline), s.RemindAt); before.After(t.CreatedAt) {
		slots = append(slots, nhacviec.Notice{Kind: nhacviec.KindReminder, Slot: "before:" + day(before), Task: t, At: before})
	}
	if morning := cal.At(deadline, s.RemindAt); morning.Before(deadline) && morning.After(t.CreatedAt) && cal.IsWorkingDay(deadline) {
		slots = append(slots, nhacviec.Notice{Kind: nhacviec.KindReminder, Slot: "due:" + day(morning), Task: t, At: morning})
	}
	var due []nhacviec.Notice
	if now.Before(deadline) {
		var next time.Time
		for _, n := range slots {
			if !n.At.After(now) {
				due = []nhacviec.Notice{n} // only the latest one that passed
			} else if next.IsZero() {
				next = n.At
			}
		}
		if next.IsZero() {
			next = deadline
		}
		return due, next
	}
	due = append(due, nhacviec.Notice{Kind: nhacviec.KindOverdue, Slot: deadline.Format("200601021504"), Task: t, At: deadline})
	// Today's nudge, if today is a working day after the deadline's and its
	// time has come.
	if cal.IsWorkingDay(now) && day(now) > day(deadline) {
		if at := cal.At(now, s.RemindAt); !now.Before(at) {
			due = append(due, nhacviec.Notice{Kind: nhacviec.KindNudge, Slot: day(at), Task: t, At: at})
		}
	}
	return due, s.nextNudge(deadline, now)
}

// nextNudge is the first working morning after now that comes after the
// deadline's day.
func (s *Scheduler) nextNudge(deadline, now time.Time) time.Time {
	cal := s.Calendar
	d := now
	if !cal.IsWorkingDay(d) || day(d) <= day(deadline) || !now.Before(cal.At(d, s.RemindAt)) {
		d = cal.NextWorkingDay(later(now, deadline))
	}
	return cal.At(d, s.RemindAt)
}

// planDigests plans today's morning digest in every group with open tasks,
// and for each unit bound to no group, to its members privately, from
// DigestAt until DigestUntil on working days.
func (s *Scheduler) planDigests(ctx context.Context, now time.Time) (int, error) {
	cal := s.Calendar
	at := cal.At(now, s.DigestAt)
	if !cal.IsWorkingDay(now) || now.Before(at) || !now.Before(cal.At(now, s.DigestUntil)) {
		return 0, nil
	}
	written := 0
	err := s.Store.Update(ctx, func(tx nhacviec.Tx) error {
		groups, err := tx.GroupsWithOpenTasks()
		if err != nil {
			return err
		}
		c := newChunk(tx)
		var notices []nhacviec.Notice
		for _, g := range groups {
			notices = append(notices, nhacviec.Notice{Kind: nhacviec.KindDigest, Slot: day(at), Chat: g, At: later(at, now)})
		}
		// A unit bound to no group (a department on an app whose bot
		// cannot join groups) has its digest said to each member
		// privately.
		units, err := tx.Units()
		if err != nil {
			return err
		}
		for _, u := range units {
			g, err := tx.GroupOfUnit(u.ID)
			if err != nil {
				return err
			}
			if g == nil {
				notices = append(notices, nhacviec.Notice{Kind: nhacviec.KindDigest, Slot: day(at), Unit: u, At: later(at, now)})
			}
		}
		keys := make([]string, len(notices))
		for i, n := range notices {
			keys[i] = noticeKey(n, cal.Location())
		}
		planned, err := c.PlannedKeys(keys)
		if err != nil {
			return err
		}
		var msgs []*nhacviec.Message
		for i, n := range notices {
			if planned[keys[i]] {
				continue
			}
			if msgs, err = s.compose(c, n, keys[i], now, msgs); err != nil {
				return fmt.Errorf("scheduler: digest %s: %w", keys[i], err)
			}
		}
		written, err = c.EnqueueAll(msgs)
		return err
	})
	if err != nil {
		written = 0 // rolled back
	}
	return written, err
}

func day(t time.Time) string { return t.Format("2006-01-02") }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Start runs a pass now (to catch up after downtime) and then every
// minute in the calendar's zone, until ctx ends. The returned function
// waits for a running pass to finish.
func (s *Scheduler) Start(ctx context.Context, now func() time.Time) (wait func()) {
	logger := cronLogger{s.Log}
	c := cron.New(cron.WithLocation(s.Calendar.Location()), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	pass := func() {
		if s.paused.Load() {
			return
		}
		start := time.Now()
		n, err := s.RunOnce(ctx, now())
		if err != nil && ctx.Err() == nil {
			s.Log.Error().Err(err).Msg("scheduler pass failed")
			return
		}
		s.lastRun.Store(time.Now().UnixMilli())
		if n > 0 {
			s.Log.Info().Int("planned", n).Dur("took", time.Since(start)).Msg("scheduler pass")
		}
	}
	c.AddFunc("* * * * *", pass)
	pass()
	c.Start()
	done := make(chan struct{})
	go func() {
		<-ctx.Done()
		<-c.Stop().Done()
		close(done)
	}()
	return func() { <-done }
}

// cronLogger routes robfig/cron's logging to zerolog.
type cronLogger struct{ log zerolog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	l.log.Debug().Fields(kv).Msg("cron: " + msg)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error().Err(err).Fields(kv).Msg("cron: " + msg)
}
