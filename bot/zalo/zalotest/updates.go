package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// event builds an update as Zalo sends it
// (https://docs.zaloplatforms.com/docs/BOT/webhook: event_name and
// message{from{id, display_name, is_bot}, chat{id, chat_type},
// message_id, date, text}).
func (s *Server) event(name string, from User, chat Chat, fields map[string]any) string {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("in%016x", s.seq)
	s.mu.Unlock()
	kind := "PRIVATE"
	if chat.Group {
		kind = "GROUP"
	}
	msg := map[string]any{
		"message_id": id, "date": time.Now().UnixMilli(),
		"chat": map[string]any{"id": chat.ID, "chat_type": kind},
		"from": map[string]any{"id": from.ID, "display_name": from.DisplayName, "is_bot": false},
	}
	for k, v := range fields {
		msg[k] = v
	}
	raw, _ := json.Marshal(map[string]any{"event_name": name, "message": msg})
	s.mu.Lock()
	s.all = append(s.all, raw)
	s.mu.Unlock()
	s.push(raw)
	return id
}

func (s *Server) push(raw json.RawMessage) {
	s.mu.Lock()
	s.queue = append(s.queue, raw)
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default:
	}
}

// Text has from write text in chat; it returns the message id.
func (s *Server) Text(from User, chat Chat, text string) string {
	return s.event("message.text.received", from, chat, map[string]any{"text": text})
}

// Image has from send a photo with a caption.
func (s *Server) Image(from User, chat Chat, caption string) string {
	return s.event("message.image.received", from, chat, map[string]any{"photo": "https://example.invalid/p.jpg", "caption": caption})
}

// Sticker has from send a sticker.
func (s *Server) Sticker(from User, chat Chat) string {
	return s.event("message.sticker.received", from, chat, map[string]any{"sticker": "abc"})
}

// Unsupported is what Zalo sends instead of content it withholds.
func (s *Server) Unsupported(from User, chat Chat) string {
	return s.event("message.unsupported.received", from, chat, nil)
}

// Again queues the update of message id once more, as a webhook retried
// or a platform that delivers twice would.
func (s *Server) Again(messageID string) bool {
	s.mu.Lock()
	var found json.RawMessage
	for _, raw := range s.all {
		if bytes.Contains(raw, []byte(strconv.Quote(messageID))) {
			found = raw
		}
	}
	s.mu.Unlock()
	if found == nil {
		return false
	}
	s.push(found)
	return true
}

// getUpdates returns the oldest update and forgets it (Zalo has no
// offset: what it returned is not offered again), or 408 once the
// timeout passed with nothing.
func (s *Server) getUpdates(ctx context.Context, timeout string) (any, *Fault) {
	wait := 30 * time.Second
	if n, err := strconv.Atoi(timeout); err == nil && n >= 0 {
		wait = time.Duration(n) * time.Second
	}
	s.mu.Lock()
	wait = min(wait, s.maxPoll)
	hooked := s.webhook != ""
	s.mu.Unlock()
	if hooked {
		return nil, &Fault{Code: 400, Description: "Bad Request: webhook is set; call deleteWebhook to use getUpdates"}
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			raw := s.queue[0]
			s.queue = s.queue[1:]
			more := len(s.queue) > 0
			s.mu.Unlock()
			if more {
				select {
				case s.arrived <- struct{}{}:
				default:
				}
			}
			return raw, nil
		}
		s.mu.Unlock()
		select {
		case <-s.arrived:
		case <-ctx.Done():
			return nil, &Fault{Code: 0}
		case <-timer.C:
			s.mu.Lock()
			s.stats.Polls408++
			s.mu.Unlock()
			return nil, &Fault{Code: 408, Description: "Request timeout"}
		}
	}
}

func (s *Server) setWebhook(url, secret string) *Fault {
	if url == "" || len(secret) < 8 || len(secret) > 256 {
		return &Fault{Code: 400, Description: "Bad Request: url and a secret_token of 8-256 characters are required"}
	}
	s.deleteWebhook()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook, s.secret = url, secret
	s.stopHook, s.hookDone = make(chan struct{}), make(chan struct{})
	go s.deliver(url, secret, s.stopHook, s.hookDone)
	return nil
}

func (s *Server) deleteWebhook() {
	s.mu.Lock()
	stop, done := s.stopHook, s.hookDone
	s.stopHook, s.webhook, s.secret = nil, "", ""
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// deliver POSTs the queued updates to the webhook one at a time, each
// with the secret header, until it is answered 200; a refused delivery
// is tried again after a short wait. (Zalo does not document its
// retries; the fake retries so that tests see what an answer other than
// 200 leads to at worst: the same update again.)
func (s *Server) deliver(url, secret string, stop, done chan struct{}) {
	defer close(done)
	c := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		var raw json.RawMessage
		if len(s.queue) > 0 {
			raw = s.queue[0]
		}
		s.mu.Unlock()
		if raw == nil {
			select {
			case <-stop:
				return
			case <-s.arrived:
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		body, _ := json.Marshal(map[string]any{"ok": true, "result": raw})
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Bot-Api-Secret-Token", secret)
		resp, err := c.Do(req)
		ok := err == nil && resp.StatusCode == http.StatusOK
		if resp != nil {
			resp.Body.Close()
		}
		if ok {
			s.mu.Lock()
			if len(s.queue) > 0 && bytes.Equal(s.queue[0], raw) {
				s.queue = s.queue[1:]
			}
			s.delivered++
			s.mu.Unlock()
			continue
		}
		select {
		case <-stop:
			return
		case <-time.After(s.redeliver):
		}
	}
}

// Delivered is how many webhook deliveries were answered 200.
func (s *Server) Delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered
}
