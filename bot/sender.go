package bot

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
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
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// Sender drains the outbox: it sends each due message through its chat's
// transport and marks it sent only once the transport accepted it.
type Sender struct {
	Outbox     nhacviec.Outbox
	Transports map[string]Transport
	Log        zerolog.Logger
	Now        func() time.Time
	// Rate is the overall number of messages per second (default 25).
	Rate float64
	// Workers send in parallel; a chat's messages always go through the
	// same worker, in order (default 8).
	Workers int
	// Observe, if set, is told of every send attempt's result: "sent",
	// "rate_limited", "retry" or "failed", and for a sent message how late
	// it went out after it became due.
	Observe func(m *nhacviec.Outgoing, result string, late time.Duration)

	once   sync.Once
	wake   chan struct{}
	global *rate.Limiter
	mu     sync.Mutex
	paused time.Time // the API asked all sends to wait until then
}

const (
	batchSize  = 200
	maxBackoff = 5 * time.Minute
	sendTimout = 15 * time.Second
)

func (s *Sender) init() {
	s.once.Do(func() {
		s.wake = make(chan struct{}, 1)
		if s.Rate <= 0 {
			s.Rate = 25
		}
		if s.Workers <= 0 {
			s.Workers = 8
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		s.global = rate.NewLimiter(rate.Limit(s.Rate), max(1, int(s.Rate/5)))
	})
}

// Wake makes a running sender look at the outbox now.
func (s *Sender) Wake() {
	s.init()
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
			wait = min(wait, max(10*time.Millisecond, next.Sub(s.Now())))
		}
		timer := time.NewTimer(wait)
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
// tried. ctx ending stops new sends; started ones complete.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	s.init()
	if wait := time.Until(s.pausedUntil()); wait > 0 {
		return 0, nil
	}
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
	for _, lane := range lanes {
		if len(lane) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.sendLane(ctx, lane)
		}()
	}
	wg.Wait()
	return len(due), nil
}

// sendLane sends a lane's messages in order; after a failure that will be
// retried, the rest of that chat's messages wait so order is kept.
func (s *Sender) sendLane(ctx context.Context, lane []*nhacviec.Outgoing) {
	held := map[int64]bool{}
	for _, m := range lane {
		if ctx.Err() != nil || time.Until(s.pausedUntil()) > 0 {
			return
		}
		if held[m.ChatID] {
			continue
		}
		if err := s.global.Wait(ctx); err != nil {
			return
		}
		if !s.send(ctx, m) {
			held[m.ChatID] = true
		}
	}
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
	switch {
	case errors.As(err, &se) && se.RetryAfter > 0:
		s.pause(time.Now().Add(se.RetryAfter))
		log.Warn().Dur("retry_after", se.RetryAfter).Msg("rate limited by the API")
		s.record(log, s.Outbox.Retry(bg, m.ID, now.Add(se.RetryAfter), err.Error()))
		s.observe(m, "rate_limited", 0)
		return false
	case errors.As(err, &se) && se.Temporary:
		wait := backoff(m.Attempts)
		log.Warn().Err(err).Int("attempt", m.Attempts+1).Dur("retry_in", wait).Msg("send failed; will retry")
		s.record(log, s.Outbox.Retry(bg, m.ID, now.Add(wait), err.Error()))
		s.observe(m, "retry", 0)
		return false
	}
	log.Warn().Err(err).Msg("send refused; giving up")
	s.record(log, s.Outbox.GiveUp(bg, m.ID, err.Error()))
	s.observe(m, "failed", 0)
	return true
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

func (s *Sender) pause(until time.Time) {
	s.mu.Lock()
	if until.After(s.paused) {
		s.paused = until
	}
	s.mu.Unlock()
}

func (s *Sender) pausedUntil() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// backoff is exponential with full jitter, capped: 1 s, 2 s, 4 s … 5 min.
func backoff(attempts int) time.Duration {
	d := maxBackoff
	if attempts < 9 {
		d = min(maxBackoff, time.Second<<attempts)
	}
	return d/2 + rand.N(d/2+1)
}
