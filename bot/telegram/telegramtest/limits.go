package telegramtest

import (
	"fmt"
	"math"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Limits are flood limits to enforce on sends (sendMessage, sendDocument,
// editMessageText, editMessageReplyMarkup). A zero field means no limit of
// that kind.
type Limits struct {
	// Global is the most sends per second over all chats (Telegram: about
	// 30), counted in a sliding one-second window.
	Global int
	// PerChat is the steady rate of sends per second into one chat
	// (Telegram: about 1), as a token bucket of PerChatBurst tokens. It
	// applies to every chat, groups included.
	PerChat float64
	// PerChatBurst is the bucket size for PerChat (default 3 when 0: short
	// bursts are tolerated).
	PerChatBurst int
	// PerGroupPerMinute is the most sends per minute into one group or
	// supergroup (Telegram: 20), in a sliding 60-second window.
	PerGroupPerMinute int
}

type bucket struct {
	tokens float64
	last   time.Time
}

type rateState struct {
	global []time.Time
	chat   map[int64]*bucket
	group  map[int64][]time.Time
}

// EnforceLimits turns flood limits on (all zero: off, the default). A send
// over a limit answers 429 "Too Many Requests: retry after N" with
// parameters.retry_after = N, the whole seconds (at least 1) until the send
// would be allowed; it has no other effect. Stats().TooMany counts them.
// Calling EnforceLimits resets the counters.
func (s *Server) EnforceLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l == (Limits{}) {
		s.limits = nil
	} else {
		if l.PerChatBurst <= 0 {
			l.PerChatBurst = 3
		}
		s.limits = &l
	}
	s.rate = rateState{chat: map[int64]*bucket{}, group: map[int64][]time.Time{}}
}

func prune(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

// rateLocked checks the limits for one send into chat at now and, when
// allowed, counts it.
func (s *Server) rateLocked(chat tgbotapi.Chat, now time.Time) *apiError {
	l := s.limits
	if l == nil {
		return nil
	}
	r := &s.rate
	var wait time.Duration
	if l.Global > 0 {
		r.global = prune(r.global, now.Add(-time.Second))
		if len(r.global) >= l.Global {
			wait = max(wait, r.global[len(r.global)-l.Global].Add(time.Second).Sub(now))
		}
	}
	var b *bucket
	if l.PerChat > 0 {
		b = r.chat[chat.ID]
		burst := float64(l.PerChatBurst)
		if b == nil {
			b = &bucket{tokens: burst, last: now}
			r.chat[chat.ID] = b
		}
		b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*l.PerChat)
		b.last = now
		if b.tokens < 1 {
			wait = max(wait, time.Duration((1-b.tokens)/l.PerChat*float64(time.Second)))
		}
	}
	isGroup := chat.Type == "group" || chat.Type == "supergroup"
	if l.PerGroupPerMinute > 0 && isGroup {
		g := prune(r.group[chat.ID], now.Add(-time.Minute))
		r.group[chat.ID] = g
		if len(g) >= l.PerGroupPerMinute {
			wait = max(wait, g[len(g)-l.PerGroupPerMinute].Add(time.Minute).Sub(now))
		}
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		return &apiError{
			code:   429,
			desc:   fmt.Sprintf("Too Many Requests: retry after %d", secs),
			params: &tgbotapi.ResponseParameters{RetryAfter: secs},
		}
	}
	if l.Global > 0 {
		r.global = append(r.global, now)
	}
	if b != nil {
		b.tokens--
	}
	if l.PerGroupPerMinute > 0 && isGroup {
		r.group[chat.ID] = append(r.group[chat.ID], now)
	}
	return nil
}
