package bot

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	nhacviec "github.com/nhacviec/nhacviec"
)

// SendError is how a transport says why a send failed, so the sender can
// decide between waiting, retrying and giving up.
type SendError struct {
	Err error
	// RetryAfter is set when the API asked us to slow down (HTTP 429).
	RetryAfter time.Duration
	// Temporary is set for 5xx answers and network errors: try again.
	Temporary bool
	// Forbidden is set when the chat cannot be written to: the person
	// blocked the bot or never started it, or the bot left the group.
	Forbidden bool
	// MigratedTo is the new chat id of a group upgraded to a supergroup.
	MigratedTo string
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// ChatEvents is what the sender reports about chats to the core, which
// decides what they mean for people and tasks.
type ChatEvents interface {
	// Unreachable: m could not be delivered because its chat refuses the
	// bot (HTTP 403).
	Unreachable(ctx context.Context, m *nhacviec.Outgoing, reason string) error
	// Migrated: m's chat is now the supergroup newChatID.
	Migrated(ctx context.Context, m *nhacviec.Outgoing, newChatID string) error
}

// Sender drains the outbox: it sends each due message through its chat's
// transport and marks it sent only once the transport accepted it. It
// keeps to Telegram's limits: an overall rate, about one message a second
// in a private chat (short bursts allowed) and 20 a minute in a group; a
// chat's messages go out in order, but for answers to people, which go
// before the reminders and digests waiting for their turn (Outbox.Due).
type Sender struct {
	Outbox     nhacviec.Outbox
	Transports map[string]Transport
	Chats      ChatEvents // may be nil: then refused chats are only logged
	Log        zerolog.Logger
	Now        func() time.Time
	// Rate is the overall number of messages per second (default 25).
	Rate float64
	// PrivatePerSecond and GroupPerMinute pace each chat (defaults: 1 with
	// a burst of 3, and 20): Telegram's limits.
	PrivatePerSecond float64
	GroupPerMinute   int
	// Workers send in parallel (default DefaultWorkers); a chat's
	// messages always go through the same worker, in order. A crash can
	// repeat at most the Workers messages in flight.
	Workers int
	// Observe, if set, is told of every send attempt's result: "sent",
	// "rate_limited", "retry" or "failed", and for a sent message how late
	// it went out after it became due.
	Observe func(m *nhacviec.Outgoing, result string, late time.Duration)

	once    sync.Once
	wake    chan struct{}
	fresh   atomic.Bool // Wake was called since the batch under way began
	global  *rate.Limiter
	mu      sync.Mutex
	paused  time.Time               // all sends wait until then (429 across chats)
	held    map[int64]time.Time     // a chat waits until then (429, its own limit)
	chats   map[int64]*rate.Limiter // per-chat pace
	used    map[int64]time.Time     // when a chat's limiter was last used
	last429 struct {
		chat int64
		at   time.Time
	}
}

// DefaultWorkers is the sender's default number of messages in flight.
// Each send waits for the API's answer, and the Bot API is 50–300 ms away
// from Vietnam: keeping Rate (25/s) needs Rate × round trip in flight, 6
// at 250 ms. With one, a morning fan-out to 1,000 people took 55% longer
// than its floor at only 60 ms (BENCHMARKS.md).
const DefaultWorkers = 8

const (
	// batchSize: a batch ends when its slowest send is answered, and the
	// next begins with Due: a round trip and a query lost per batch, 4 %
	// of a fan-out at 250 ms with batches of 200 (8 s at 25/s), 1.5 % with
	// 500 (BENCHMARKS.md). Messages written meanwhile that must go first
	// do not wait for the batch (yieldAfter).
	batchSize = 500
	// yieldAfter: a batch under way for this long makes way for messages
	// written since it began (Wake), which Due may put first: a reply
	// must not wait for a batch of reminders, 20 s at Telegram's rate.
	yieldAfter = time.Second
	maxBackoff = 5 * time.Minute
	sendTimout = 15 * time.Second
	// A private chat may burst 3 messages; a group 5, then its pace is
	// (GroupPerMinute − 5) a minute, so that no 60-second window holds more
	// than GroupPerMinute (burst + rate × 60 s).
	privateBurst = 3
	groupBurst   = 5
	// globalMargin is the share of Rate the sender uses (BENCHMARKS.md:
	// at Rate 30 a full-rate limiter drew 429s from a fake that counts as
	// Telegram does).
	globalMargin = 0.98
)

func (s *Sender) init() {
	s.once.Do(func() {
		s.wake = make(chan struct{}, 1)
		if s.Rate <= 0 {
			s.Rate = 25
		}
		if s.Workers <= 0 {
			s.Workers = DefaultWorkers
		}
		if s.PrivatePerSecond <= 0 {
			s.PrivatePerSecond = 1
		}
		if s.GroupPerMinute <= groupBurst {
			s.GroupPerMinute = 20
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		// Telegram counts messages per second: no burst (a burst of b at
		// rate R puts b+R into one second), and a little under Rate, so
		// that the jitter between taking a turn here and the request
		// reaching the API cannot put Rate+1 into one second either.
		s.global = rate.NewLimiter(rate.Limit(s.Rate*globalMargin), 1)
		s.held, s.chats, s.used = map[int64]time.Time{}, map[int64]*rate.Limiter{}, map[int64]time.Time{}
	})
}

// Wake makes a running sender look at the outbox now; a batch under way
// for a while makes way for what was written (yieldAfter).
func (s *Sender) Wake() {
	s.init()
	s.fresh.Store(true)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx is done. Sends already under way when ctx ends are
// finished, not cut off.
func (s *Sender) Run(ctx context.Context) error {
	s.init()
	for ctx.Err() == nil {
		n, err := s.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error().Err(err).Msg("outbox drain failed")
		}
		if n > 0 && err == nil {
			continue
		}
		wait := 30 * time.Second
		if next, ok, err := s.Outbox.NextDue(ctx); err == nil && ok {
			wait = min(wait, next.Sub(s.Now()))
		}
		if free, ok := s.nextFree(); ok {
			wait = min(wait, time.Until(free))
		}
		timer := time.NewTimer(max(10*time.Millisecond, wait))
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
	return nil
}

// Drain sends the messages due now, one batch, and returns how many it
// tried; messages of chats that must wait are left for later. ctx ending
// stops new sends; started ones complete.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	s.init()
	if time.Until(s.pausedUntil()) > 0 {
		return 0, nil
	}
	start := time.Now()
	s.fresh.Store(false) // what is written from now on, this Due sees or a later one
	due, err := s.Outbox.Due(ctx, s.Now(), batchSize)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	lanes := make([][]*nhacviec.Outgoing, s.Workers)
	for _, m := range due {
		i := int(uint64(m.ChatID) % uint64(s.Workers))
		lanes[i] = append(lanes[i], m)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	tried := 0
	for _, lane := range lanes {
		if len(lane) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := s.sendLane(ctx, lane, start)
			mu.Lock()
			tried += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	s.forget()
	return tried, nil
}

// sendLane sends a lane's messages in order and returns how many it
// tried. A chat that must wait (its pace, a 429, a retry) keeps the rest
// of its messages back, so a chat's order holds.
func (s *Sender) sendLane(ctx context.Context, lane []*nhacviec.Outgoing, start time.Time) int {
	stopped := map[int64]bool{}
	tried := 0
	for _, m := range lane {
		if ctx.Err() != nil || stopped[m.ChatID] {
			continue
		}
		if s.fresh.Load() && time.Since(start) >= yieldAfter {
			break // the rest stays pending for the next batch
		}
		if err := s.global.Wait(ctx); err != nil {
			break
		}
		// Checked after the wait: a 429 may have paused the flow or held
		// this chat meanwhile, and retry_after is never to be ignored.
		if time.Until(s.pausedUntil()) > 0 {
			break
		}
		if !s.ready(m) {
			stopped[m.ChatID] = true
			continue
		}
		tried++
		if !s.send(ctx, m) {
			stopped[m.ChatID] = true
		}
	}
	return tried
}

// ready reports whether m's chat may be sent to now, and if so takes its
// turn; if not, the chat is held until its next turn.
func (s *Sender) ready(m *nhacviec.Outgoing) bool {
	if m.Kind == nhacviec.KindAnswer || m.Kind == nhacviec.KindMenu {
		return true // not a message in the chat: no chat limit applies
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if until, ok := s.held[m.ChatID]; ok {
		if now.Before(until) {
			return false
		}
		delete(s.held, m.ChatID)
	}
	lim, ok := s.chats[m.ChatID]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(s.PrivatePerSecond), privateBurst)
		if m.ChatKind == nhacviec.ChatGroup {
			lim = rate.NewLimiter(rate.Limit(float64(s.GroupPerMinute-groupBurst)/60), groupBurst)
		}
		s.chats[m.ChatID] = lim
	}
	s.used[m.ChatID] = now
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		s.held[m.ChatID] = now.Add(d)
		return false
	}
	return true
}

// send delivers one message and records the outcome; it reports whether
// the chat may go on with its next message.
func (s *Sender) send(ctx context.Context, m *nhacviec.Outgoing) bool {
	// An accepted send must be recorded even when shutdown began meanwhile.
	bg := context.WithoutCancel(ctx)
	log := s.Log.With().Int64("outbox_id", m.ID).Str("kind", string(m.Kind)).Int64("chat", m.ChatID).Logger()
	tr, ok := s.Transports[m.Transport]
	if !ok {
		log.Error().Str("transport", m.Transport).Msg("no transport for message; giving up")
		s.record(log, s.Outbox.GiveUp(bg, m.ID, "no transport "+m.Transport))
		return true
	}
	sctx, cancel := context.WithTimeout(bg, sendTimout)
	ext, err := tr.Send(sctx, m)
	cancel()
	now := s.Now()
	if err == nil {
		s.record(log, s.Outbox.MarkSent(bg, m.ID, ext, now))
		log.Debug().Dur("late", now.Sub(m.NotBefore)).Msg("sent")
		s.observe(m, "sent", now.Sub(m.NotBefore))
		return true
	}
	var se *SendError
	errors.As(err, &se)
	switch {
	case se != nil && se.RetryAfter > 0:
		s.rateLimited(m.ChatID, se.RetryAfter)
		log.Warn().Dur("retry_after", se.RetryAfter).Msg("rate limited by the API")
		s.record(log, s.Outbox.Retry(bg, m.ID, now.Add(se.RetryAfter), err.Error()))
		s.observe(m, "rate_limited", 0)
		return false
	case se != nil && se.Temporary:
		wait := backoff(m.Attempts)
		log.Warn().Err(err).Int("attempt", m.Attempts+1).Dur("retry_in", wait).Msg("send failed; will retry")
		s.record(log, s.Outbox.Retry(bg, m.ID, now.Add(wait), err.Error()))
		s.observe(m, "retry", 0)
		return false
	case se != nil && se.MigratedTo != "" && s.Chats != nil:
		log.Info().Str("new_chat", se.MigratedTo).Msg("group became a supergroup; following it")
		s.record(log, s.Chats.Migrated(bg, m, se.MigratedTo))
		s.record(log, s.Outbox.Retry(bg, m.ID, now, err.Error())) // again, to the new id
		s.observe(m, "retry", 0)
		return false
	case se != nil && se.Forbidden && s.Chats != nil:
		log.Warn().Err(err).Msg("chat refuses the bot")
		s.record(log, s.Chats.Unreachable(bg, m, err.Error()))
	default:
		log.Warn().Err(err).Msg("send refused; giving up")
	}
	s.record(log, s.Outbox.GiveUp(bg, m.ID, err.Error()))
	s.observe(m, "failed", 0)
	return true
}

// rateLimited honours a 429: the chat waits retry_after; a second chat
// limited within a second means the bot as a whole is over the limit, and
// everything waits.
func (s *Sender) rateLimited(chat int64, after time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	until := now.Add(after)
	if until.After(s.held[chat]) {
		s.held[chat] = until
	}
	if s.last429.chat != chat && now.Sub(s.last429.at) < time.Second && until.After(s.paused) {
		s.paused = until
	}
	s.last429.chat, s.last429.at = chat, now
}

func (s *Sender) observe(m *nhacviec.Outgoing, result string, late time.Duration) {
	if s.Observe != nil {
		s.Observe(m, result, late)
	}
}

func (s *Sender) record(log zerolog.Logger, err error) {
	if err != nil {
		log.Error().Err(err).Msg("outbox update failed")
	}
}

func (s *Sender) pausedUntil() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// nextFree is the earliest moment the paused flow or a held chat may
// send again; holds that have ended are dropped.
func (s *Sender) nextFree() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.paused.After(now) {
		return s.paused, true
	}
	var next time.Time
	for id, t := range s.held {
		if !t.After(now) {
			delete(s.held, id)
		} else if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next, !next.IsZero()
}

// forget drops the pace of chats quiet for ten minutes: their limiters are
// full again anyway, and the maps must not grow with every chat ever seen.
func (s *Sender) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cutoff := time.Now().Add(-10 * time.Minute)
	for id, t := range s.used {
		if t.Before(cutoff) {
			delete(s.used, id)
			delete(s.chats, id)
		}
	}
}

// backoff is exponential with full jitter, capped: 1 s, 2 s, 4 s … 5 min.
func backoff(attempts int) time.Duration {
	d := maxBackoff
	if attempts < 9 {
		d = min(maxBackoff, time.Second<<attempts)
	}
	return d/2 + rand.N(d/2+1)
}
