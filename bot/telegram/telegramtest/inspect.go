package telegramtest

import (
	"context"
	"fmt"
	"maps"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Sent returns the successful sends and edits so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the successful sends and edits into chatID, in order.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, x := range s.sent {
		if x.ChatID == chatID {
			out = append(out, x)
		}
	}
	return out
}

// WaitSent blocks until a successful send matching pred exists (one already
// recorded counts) and returns the first such, or fails when ctx ends. A
// nil pred matches anything.
func (s *Server) WaitSent(ctx context.Context, pred func(Sent) bool) (Sent, error) {
	got, err := s.WaitCount(ctx, 1, pred)
	if err != nil {
		return Sent{}, err
	}
	return got[0], nil
}

// WaitCount blocks until n successful sends match pred and returns the
// first n of them, or fails when ctx ends. A nil pred matches anything.
func (s *Server) WaitCount(ctx context.Context, n int, pred func(Sent) bool) ([]Sent, error) {
	for {
		s.mu.Lock()
		var got []Sent
		for _, x := range s.sent {
			if pred == nil || pred(x) {
				got = append(got, x)
				if len(got) == n {
					break
				}
			}
		}
		total := len(s.sent)
		wake := s.sentWake
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return got, fmt.Errorf("telegramtest: %d of %d wanted sends matched among %d sends: %w", len(got), n, total, ctx.Err())
		}
	}
}

// Message returns the current state of a message in a chat (after edits),
// as the server stores it.
func (s *Server) Message(chatID int64, messageID int) (tgbotapi.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.chats[chatID]
	if !ok {
		return tgbotapi.Message{}, false
	}
	m, ok := cs.msgs[messageID]
	if !ok {
		return tgbotapi.Message{}, false
	}
	return *m, true
}

// CallbackAnswers returns the successful answerCallbackQuery calls, in
// order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}

// Unanswered returns the callback query ids not answered yet.
func (s *Server) Unanswered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id := range s.callbacks {
		out = append(out, id)
	}
	return out
}

// Commands returns the setMyCommands and deleteMyCommands calls, in order.
func (s *Server) Commands() []CommandSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CommandSet(nil), s.commands...)
}

// Stats returns a copy of the request counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Requests: maps.Clone(s.stats.Requests), TooMany: s.stats.TooMany, Errors: maps.Clone(s.stats.Errors), Conns: s.stats.Conns}
}
