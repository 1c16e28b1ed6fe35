package bot

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
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

// Pace is how fast the sender may send through one transport: an overall
// rate, and each chat's pace. Zero fields take the Sender's own (Rate,
// PrivatePerSecond, GroupPerMinute: Telegram's limits).
type Pace struct {
	// Rate is the transport's overall number of messages per second.
	Rate float64
	// PrivatePerSecond paces each private chat (bursts of 3);
	// GroupPerMinute each group (bursts of 5).
	PrivatePerSecond float64
	GroupPerMinute   int
}

// Sender drains the outbox: it sends each due message through its chat's
// transport and marks it sent only once the transport accepted it. It
// keeps to each transport's limits (Paces; Telegram's by default): an
// overall rate, about one message a second in a private chat (short
// bursts allowed) and 20 a minute in a group; a chat's messages go out in
// order, but for answers to people, which go before the reminders and
// digests waiting for their turn (Outbox.Due).
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
	// Paces are the limits of transports other than Telegram's, by
	// transport name; a transport without one gets the fields above. A
	// 429 of one transport holds back none of another's messages.
	Paces map[string]Pace
	// Workers send in parallel (default DefaultWorkers); a chat's
	// messages always go through the same worker, in order. A crash can
	// repeat at most the Workers messages in flight.
	Workers int
	// Render makes what a message with a recipe (Attach) carries, its
	// text or file, just before it is sent (bot.Bot.Render). Its
	// *nhacviec.Error gives the message up; another error retries it.
	Render func(ctx context.Context, m *nhacviec.Outgoing) error
	// Observe, if set, is told of every send attempt's result: "sent",
	// "rate_limited", "retry" or "failed", and for a sent message how late
	// it went out after it became due.
	Observe func(m *nhacviec.Outgoing, result string, late time.Duration)

	holds atomic.Int32 // planning passes under way (Hold)
	once  sync.Once
	wake  chan struct{}
	fresh atomic.Bool // Wake was called since the batch under way began
	mu    sync.Mutex
	flows map[string]*flow        // by transport: its overall rate and its 429s
	held  map[int64]time.Time     // a chat waits until then (429, its own limit)
	chats map[int64]*rate.Limiter // per-chat pace
	alone map[int64]bool          // messages not to merge: a merged send with them was refused
	// wall paces sends (time.Now); tests set it to step time instead of
	// sleeping. Not Now: the bot's clock may be set for a rehearsal.
	wall func() time.Time
	used map[int64]time.Time // when a chat's limiter was last used
	// Chats whose messages go aside while a recipe is made (aside):
	// rendering holds them, slots bound how many at once, renders is
	// what Run waits for as it ends. A chat whose messages were tried
	// goes to asideDone, and is freed by the next batch before it reads
	// the outbox: a batch whose read began before the marks were
	// committed still holds those messages, and must not send them again.
	rendering map[int64]bool
	asideDone map[int64]bool
	slots     chan struct{}
	renders   sync.WaitGroup
}

// flow is one transport's side of the sender: its pace, its overall
// limiter, and the 429s that hold all its sends back.
type flow struct {
	pace    Pace
	global  *rate.Limiter
	paused  time.Time // all the transport's sends wait until then (429 across chats)
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
	// maxAttempts bounds the tries of a message that keeps failing with
	// 5xx or network errors: with backoff capped at 5 minutes, about
	// 3 hours.
	maxAttempts = 40
	// maxRateLimited bounds the 429s one message may draw: honouring
	// retry_after, a message sent this often without getting through is
	// stuck in a loop, not waiting its turn.
	maxRateLimited = 20
	// idleMin and idleMax bound Run's wait when there is nothing to send.
	idleMin = 10 * time.Millisecond
	idleMax = 30 * time.Second
	// A private chat may burst 3 messages; a group 5, then its pace is
	// (GroupPerMinute − 5) a minute, so that no 60-second window holds more
	// than GroupPerMinute (burst + rate × 60 s).
	privateBurst = 3
	groupBurst   = 5
	// globalMargin is the share of Rate the sender uses (BENCHMARKS.md:
	// at Rate 30 a full-rate limiter drew 429s from a fake that counts as
	// Telegram does).
	globalMargin = 0.98
	// renderSlots bounds the messages with recipes made at once, aside
	// from the batches: an export of a year of a whole organisation
	// holds ~150 MB while it is made, and two would pass the bot's
	// memory budget (BENCHMARKS.md §7); another waits its turn, seconds.
	renderSlots = 1
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
		if s.wall == nil {
			s.wall = time.Now
		}
		s.flows = map[string]*flow{}
		s.held, s.chats, s.used = map[int64]time.Time{}, map[int64]*rate.Limiter{}, map[int64]time.Time{}
		s.alone = map[int64]bool{}
		s.rendering, s.asideDone, s.slots = map[int64]bool{}, map[int64]bool{}, make(chan struct{}, renderSlots)
	})
}

// flow returns transport's flow, made on first use; s.mu is held.
func (s *Sender) flow(transport string) *flow {
	f, ok := s.flows[transport]
	if ok {
		return f
	}
	p := s.Paces[transport]
	if p.Rate <= 0 {
		p.Rate = s.Rate
	}
	if p.PrivatePerSecond <= 0 {
		p.PrivatePerSecond = s.PrivatePerSecond
	}
	if p.GroupPerMinute <= groupBurst {
		p.GroupPerMinute = s.GroupPerMinute
	}
	// Telegram counts messages per second: no burst (a burst of b at
	// rate R puts b+R into one second), and a little under Rate, so
	// that the jitter between taking a turn here and the request
	// reaching the API cannot put Rate+1 into one second either.
	f = &flow{pace: p, global: rate.NewLimiter(rate.Limit(p.Rate*globalMargin), 1)}
	s.flows[transport] = f
	return f
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

// Hold keeps the reminders and digests back (answers to people still go)
// until the returned release is called: the scheduler holds the sender
// while a planning pass writes, chunk after chunk, so that one person's
// notices of the pass go out together, merged, not as the chunks commit.
func (s *Sender) Hold() (release func()) {
	s.init()
	s.holds.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.holds.Add(-1)
			s.Wake()
		})
	}
}

// Run sends until ctx is done. Sends already under way when ctx ends are
// finished, not cut off.
func (s *Sender) Run(ctx context.Context) error {
	s.init()
	for ctx.Err() == nil {
		n, err := s.drain(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error().Err(err).Msg("outbox drain failed")
		}
		if n > 0 && err == nil {
			continue
		}
		timer := time.NewTimer(s.idle(ctx))
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
	s.renders.Wait()
	return nil
}

// idle is how long Run waits when a drain sent nothing: until the next
// message falls due or a held chat may send again, or something is
// written (Wake). Messages due already but held back are not a reason to
// look again before their chat is free: that was a loop of about 90
// drains a second while a chat waited out a 429.
func (s *Sender) idle(ctx context.Context) time.Duration {
	wait := idleMax
	if next, ok, err := s.Outbox.NextDue(ctx, s.Now()); err == nil && ok {
		wait = min(wait, next.Sub(s.Now()))
	}
	if free, ok := s.nextFree(); ok {
		wait = min(wait, free.Sub(s.wall()))
	}
	return max(idleMin, wait)
}

// Drain sends the messages due now, one batch, and returns how many it
// tried; messages of chats that must wait are left for later. ctx ending
// stops new sends; started ones complete. Unlike Run's batches, it
// returns only once the messages with recipes it took are sent too (the
// console and tests read what was sent when it returns).
func (s *Sender) Drain(ctx context.Context) (int, error) {
	n, err := s.drain(ctx)
	s.renders.Wait()
	return n, err
}

// drain is Drain without waiting for the messages with recipes, which
// it sends aside (aside).
func (s *Sender) drain(ctx context.Context) (int, error) {
	s.init()
	start := s.wall()
	s.fresh.Store(false) // what is written from now on, this Due sees or a later one
	s.mu.Lock()
	for chat := range s.asideDone { // their marks are committed: this Due sees them
		delete(s.rendering, chat)
	}
	clear(s.asideDone)
	s.mu.Unlock()
	due, err := s.Outbox.Due(ctx, s.Now(), batchSize)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	due, aside := s.aside(ctx, due)
	lanes := make([][]*nhacviec.Outgoing, s.Workers)
	for _, m := range due {
		i := int(uint64(m.ChatID) % uint64(s.Workers))
		lanes[i] = append(lanes[i], m)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	tried := aside
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

// aside takes out of a batch the chats with a message whose content is
// made when sent (Attach: a table, a chart, an export, which takes up to
// seconds), and sends each such chat's messages, in order, in a
// goroutine of its own: a batch ends when its slowest send does, and
// other people's answers must not wait for an export. A chat stays aside
// (its later messages wait, so its order holds) until its messages were
// tried; at most renderSlots chats at once, the others left for a later
// batch. It returns the rest of the batch and how many messages it took.
func (s *Sender) aside(ctx context.Context, due []*nhacviec.Outgoing) (rest []*nhacviec.Outgoing, n int) {
	holding := s.holds.Load() > 0
	s.mu.Lock()
	recipe := map[int64]bool{}
	for _, m := range due {
		if m.Attach != "" && !(holding && held(m)) {
			recipe[m.ChatID] = true
		}
	}
	var order []int64
	byChat := map[int64][]*nhacviec.Outgoing{}
	for _, m := range due {
		switch {
		case s.rendering[m.ChatID]:
			// Aside already: after what is being made.
		case recipe[m.ChatID]:
			if _, ok := byChat[m.ChatID]; !ok {
				order = append(order, m.ChatID)
			}
			byChat[m.ChatID] = append(byChat[m.ChatID], m)
		default:
			rest = append(rest, m)
		}
	}
	var start [][]*nhacviec.Outgoing
	for _, chat := range order {
		select {
		case s.slots <- struct{}{}:
		default:
			continue // every slot taken: a later batch
		}
		s.rendering[chat] = true
		start = append(start, byChat[chat])
		n += len(byChat[chat])
	}
	s.mu.Unlock()
	for _, msgs := range start {
		s.renders.Add(1)
		go func() {
			defer func() {
				s.mu.Lock()
				s.asideDone[msgs[0].ChatID] = true
				s.mu.Unlock()
				<-s.slots
				s.renders.Done()
				s.Wake() // its chat's later messages, and the chats waiting for a slot
			}()
			s.sendLane(ctx, msgs, s.wall())
		}()
	}
	return rest, n
}

// held reports whether m waits while a planning pass writes (Hold):
// reminders and digests, and a planned message with a recipe (the
// monthly report's chart and file), which follows its table.
func held(m *nhacviec.Outgoing) bool {
	return !urgent(m.Kind) || (m.Key != "" && m.Attach != "")
}

// sendLane sends a lane's messages chat by chat, each chat's in order,
// and returns how many it tried. A chat's waiting messages go out merged
// (merge); a chat that must wait (its pace, a 429, a retry) keeps the
// rest of its messages back, so a chat's order holds.
func (s *Sender) sendLane(ctx context.Context, lane []*nhacviec.Outgoing, start time.Time) int {
	tried := 0
	if s.holds.Load() > 0 {
		lane = slices.DeleteFunc(slices.Clone(lane), held)
	}
	for _, msgs := range byChat(lane) {
		for len(msgs) > 0 {
			if ctx.Err() != nil {
				return tried
			}
			if s.pausedUntil(msgs[0].Transport).After(s.wall()) {
				break // this transport waits out a 429; the lane's other chats may not
			}
			if s.fresh.Load() && s.wall().Sub(start) >= yieldAfter {
				return tried // the rest stays pending for the next batch
			}
			tr, ok := s.Transports[msgs[0].Transport]
			if !ok {
				s.noTransport(ctx, msgs[0])
				tried++
				msgs = msgs[1:]
				continue
			}
			lim := LimitsOf(tr, msgs[0].ChatExternalID)
			if msgs[0].Kind == nhacviec.KindEdit && lim.MaxButtons == 0 {
				// Edits change buttons; a message without buttons has
				// none to change (its choices stay: each number's press
				// is checked again when typed).
				s.sent(msgs[:1], "", nil)
				msgs = msgs[1:]
				continue
			}
			group := s.merge(msgs, lim)
			var calls int
			var goOn bool
			if len(group) == 1 {
				calls, goOn = s.sendParts(ctx, tr, group[0])
			} else {
				calls, goOn = s.sendMerged(ctx, tr, group)
			}
			if calls > 0 {
				// Only sends made count: a chat that waits its turn must
				// not make Run look again at once (it looked ~90 times a
				// second).
				tried += len(group)
			}
			if !goOn {
				break
			}
			msgs = msgs[len(group):]
		}
	}
	return tried
}

// urgent reports whether messages of kind answer people, as opposed to
// the reminders and digests the scheduler plans.
func urgent(k nhacviec.MessageKind) bool {
	return !k.Chasing() && k != nhacviec.KindDigest && k != nhacviec.KindEscalation &&
		k != nhacviec.KindMonthly && k != nhacviec.KindChase
}

// byChat groups a lane's messages by chat, chats in the order of their
// first message, each chat's messages in their order.
func byChat(lane []*nhacviec.Outgoing) [][]*nhacviec.Outgoing {
	at := map[int64]int{}
	var out [][]*nhacviec.Outgoing
	for _, m := range lane {
		i, ok := at[m.ChatID]
		if !ok {
			i = len(out)
			at[m.ChatID] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], m)
	}
	return out
}

// turn waits for m's chat's turn and then the overall rate's, and reports
// whether m may go now. The chat comes first: a chat held by its pace or
// a 429 must not spend the overall rate on a send it will not make.
func (s *Sender) turn(ctx context.Context, m *nhacviec.Outgoing) bool {
	if !s.ready(m) {
		return false
	}
	s.mu.Lock()
	global := s.flow(m.Transport).global
	s.mu.Unlock()
	if err := global.Wait(ctx); err != nil {
		return false
	}
	// Checked after the wait: a 429 may have paused the flow meanwhile,
	// and retry_after is never to be ignored.
	return !s.pausedUntil(m.Transport).After(s.wall())
}

// sendParts sends one message, in as many parts as the transport's
// limits make of its text (each part takes its own turn), going on after
// the parts accepted before; it returns how many calls it made and
// whether the chat may go on.
func (s *Sender) sendParts(ctx context.Context, tr Transport, m *nhacviec.Outgoing) (calls int, goOn bool) {
	if m.Attach != "" {
		if ok, goOn := s.render(ctx, m); !ok {
			return 0, goOn
		}
	}
	lim := LimitsOf(tr, m.ChatExternalID)
	shown, asked := asking(m, lim) // without buttons: numbered choices
	parts := []string{shown.Text}
	if hasText(m.Kind) && m.File == nil { // a file's caption goes whole
		parts = Split(shown.Text, lim.MaxText, lim.Length)
	}
	for i := min(m.PartsSent, len(parts)-1); i < len(parts); i++ {
		if !s.turn(ctx, m) {
			return calls, false
		}
		calls++
		part := *shown
		part.Text = parts[i]
		if i > 0 {
			part.ReplyTo = "" // the reply goes on the first part
		}
		if i < len(parts)-1 {
			part.Buttons = nil // the buttons under the last
		}
		ext, err := s.attempt(ctx, tr, &part)
		if err != nil {
			return calls, s.failed(ctx, []*nhacviec.Outgoing{m}, err)
		}
		if i < len(parts)-1 {
			// Recorded before the next part goes: a 429 or a crash
			// from here on resends none of the accepted parts.
			s.record(s.Outbox.MarkParts(context.WithoutCancel(ctx), m.ID, i+1), m)
			m.PartsSent = i + 1
			continue
		}
		s.sent([]*nhacviec.Outgoing{m}, ext, asked)
	}
	return calls, true
}

// sendMerged sends a chat's waiting messages as one; it returns how many
// calls it made and whether the chat may go on.
func (s *Sender) sendMerged(ctx context.Context, tr Transport, group []*nhacviec.Outgoing) (calls int, goOn bool) {
	lim := LimitsOf(tr, group[0].ChatExternalID)
	m, asked := asking(merged(group, lim), lim)
	if !s.turn(ctx, m) {
		return 0, false
	}
	ext, err := s.attempt(ctx, tr, m)
	if err != nil {
		return 1, s.failed(ctx, group, err)
	}
	s.sent(group, ext, asked)
	return 1, true
}

// attempt makes one call of the transport.
func (s *Sender) attempt(ctx context.Context, tr Transport, m *nhacviec.Outgoing) (string, error) {
	// An accepted send must be recorded even when shutdown began meanwhile.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimout)
	defer cancel()
	return tr.Send(sctx, m)
}

// sent records that the transport accepted group (one message, or
// several merged into one) as ext; asked are the numbered choices it
// showed instead of buttons, recorded with the last message's mark as
// the chat's question.
func (s *Sender) sent(group []*nhacviec.Outgoing, ext string, asked []string) {
	now := s.Now()
	for i, m := range group {
		if asked != nil && i == len(group)-1 {
			s.record(s.Outbox.MarkAsked(context.Background(), m.ID, ext, now, asked), m)
			s.observe(m, "sent", now.Sub(m.NotBefore))
			continue
		}
		s.record(s.Outbox.MarkSent(context.Background(), m.ID, ext, now), m)
		s.observe(m, "sent", now.Sub(m.NotBefore))
	}
	s.Log.Debug().Int64("outbox_id", group[0].ID).Int("merged", len(group)).Int64("chat", group[0].ChatID).Msg("sent")
	if len(group) == 1 {
		s.mu.Lock()
		delete(s.alone, group[0].ID)
		s.mu.Unlock()
	}
}

// failed records a failed send of group (one message, or several merged
// into one, which fare alike: retried, or given up, as a whole) and
// reports whether the chat may go on.
func (s *Sender) failed(ctx context.Context, group []*nhacviec.Outgoing, err error) bool {
	bg := context.WithoutCancel(ctx)
	first := group[0]
	log := s.Log.With().Int64("outbox_id", first.ID).Int("merged", len(group)).Str("kind", string(first.Kind)).Int64("chat", first.ChatID).Logger()
	now := s.Now()
	retry := func(at time.Time, result string) {
		for _, m := range group {
			s.record(s.Outbox.Retry(bg, m.ID, at, err.Error()), m)
			s.observe(m, result, 0)
		}
	}
	var se *SendError
	errors.As(err, &se)
	switch {
	case se != nil && se.RetryAfter > 0 && first.Attempts+1 < maxRateLimited:
		s.rateLimited(first.Transport, first.ChatID, se.RetryAfter)
		log.Warn().Dur("retry_after", se.RetryAfter).Msg("rate limited by the API")
		retry(now.Add(se.RetryAfter), "rate_limited")
		return false
	case se != nil && se.Temporary && first.Attempts+1 < maxAttempts:
		wait := backoff(first.Attempts)
		log.Warn().Err(err).Int("attempt", first.Attempts+1).Dur("retry_in", wait).Msg("send failed; will retry")
		retry(now.Add(wait), "retry")
		return false
	case se != nil && se.MigratedTo != "" && s.Chats != nil:
		log.Info().Str("new_chat", se.MigratedTo).Msg("group became a supergroup; following it")
		s.record(s.Chats.Migrated(bg, first, se.MigratedTo), first)
		retry(now, "retry") // again, to the new id
		return false
	case se != nil && se.Forbidden && s.Chats != nil:
		log.Warn().Err(err).Msg("chat refuses the bot")
		for _, m := range group {
			s.record(s.Chats.Unreachable(bg, m, err.Error()), m)
		}
	case se != nil && (se.RetryAfter > 0 || se.Temporary):
		log.Error().Err(err).Int("attempts", first.Attempts+1).Msg("send failed too often; giving up")
	case len(group) > 1:
		// Refused for what it says (a 400): one of the merged messages
		// is at fault, not the others. Each goes alone next, to fare
		// as it deserves.
		log.Warn().Err(err).Msg("merged send refused; sending its messages one by one")
		s.mu.Lock()
		for _, m := range group {
			s.alone[m.ID] = true
		}
		s.mu.Unlock()
		return false
	default:
		log.Warn().Err(err).Msg("send refused; giving up")
	}
	for _, m := range group {
		s.record(s.Outbox.GiveUp(bg, m.ID, err.Error()), m)
		s.observe(m, "failed", 0)
	}
	s.mu.Lock()
	delete(s.alone, first.ID)
	s.mu.Unlock()
	return true
}

func (s *Sender) noTransport(ctx context.Context, m *nhacviec.Outgoing) {
	s.Log.Error().Int64("outbox_id", m.ID).Str("transport", m.Transport).Msg("no transport for message; giving up")
	s.record(s.Outbox.GiveUp(context.WithoutCancel(ctx), m.ID, "no transport "+m.Transport), m)
	s.observe(m, "failed", 0)
}

// ready reports whether m's chat may be sent to now, and if so takes its
// turn; if not, the chat is held until its next turn.
func (s *Sender) ready(m *nhacviec.Outgoing) bool {
	if m.Kind == nhacviec.KindAnswer || m.Kind == nhacviec.KindMenu {
		return true // not a message in the chat: no chat limit applies
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.wall()
	if until, ok := s.held[m.ChatID]; ok {
		if now.Before(until) {
			return false
		}
		delete(s.held, m.ChatID)
	}
	lim, ok := s.chats[m.ChatID]
	if !ok {
		p := s.flow(m.Transport).pace
		lim = rate.NewLimiter(rate.Limit(p.PrivatePerSecond), privateBurst)
		if m.ChatKind == nhacviec.ChatGroup {
			lim = rate.NewLimiter(rate.Limit(float64(p.GroupPerMinute-groupBurst)/60), groupBurst)
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

// rateLimited honours a 429: the chat waits retry_after; a second chat
// of the same transport limited within a second means the bot as a whole
// is over that transport's limit, and all its sends wait.
func (s *Sender) rateLimited(transport string, chat int64, after time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.wall()
	until := now.Add(after)
	if until.After(s.held[chat]) {
		s.held[chat] = until
	}
	f := s.flow(transport)
	if f.last429.chat != chat && now.Sub(f.last429.at) < time.Second && until.After(f.paused) {
		f.paused = until
	}
	f.last429.chat, f.last429.at = chat, now
}

func (s *Sender) observe(m *nhacviec.Outgoing, result string, late time.Duration) {
	if s.Observe != nil {
		s.Observe(m, result, late)
	}
}

func (s *Sender) record(err error, m *nhacviec.Outgoing) {
	if err != nil {
		s.Log.Error().Err(err).Int64("outbox_id", m.ID).Msg("outbox update failed")
	}
}

func (s *Sender) pausedUntil(transport string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.flows[transport]; ok {
		return f.paused
	}
	return time.Time{}
}

// nextFree is the earliest moment the paused flow or a held chat may
// send again; holds that have ended are dropped.
func (s *Sender) nextFree() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.wall()
	var next time.Time
	for _, f := range s.flows {
		if f.paused.After(now) && (next.IsZero() || f.paused.Before(next)) {
			next = f.paused
		}
	}
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
	cutoff := s.wall().Add(-10 * time.Minute)
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
