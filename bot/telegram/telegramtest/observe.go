package telegramtest

import "time"

// Observation helpers for the load tool and timing tests.

// HoldUpdates makes getUpdates answer as if no update were pending while
// on (a long poll keeps waiting), so that a test can queue many updates
// and release them at once; turning it off wakes the poll in flight.
func (s *Server) HoldUpdates(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = on
	if !on {
		close(s.updWake)
		s.updWake = make(chan struct{})
	}
}

// FetchedAt is when a getUpdates answer first carried update updateID
// (the moment the answer was made); false if none has yet.
func (s *Server) FetchedAt(updateID int) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.fetched[updateID]
	return t, ok
}

// FirstCall is when the first request for method (e.g. "getUpdates")
// arrived; false if none has.
func (s *Server) FirstCall(method string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.firstCall[method]
	return t, ok
}

// SentCount is len(Sent()) without the copy.
func (s *Server) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// SentSince returns the successful sends and edits from index i on (i
// counts from 0, as in Sent()), so a caller can follow them as they come.
func (s *Server) SentSince(i int) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.sent) {
		return nil
	}
	return append([]Sent(nil), s.sent[max(0, i):]...)
}
