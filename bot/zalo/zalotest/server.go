// Package zalotest is a fake Zalo Bot API server for tests and the load
// tool: getMe, getUpdates (one update per call, forgotten once returned,
// 408 when nothing came within the timeout), setWebhook / deleteWebhook /
// getWebhookInfo (deliveries with the secret header, retried until
// answered 200), sendMessage (1–2,000 characters, as Zalo refuses longer
// texts), sendPhoto and sendChatAction, with injectable faults and a
// record of everything sent.
package zalotest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// BotID is the fake bot's Zalo id.
const BotID = "bot0000000000000001"

// MaxText is the longest text sendMessage and a photo's caption take.
const MaxText = 2000

// User is a Zalo account as the fake's events name it.
type User struct {
	ID          string
	DisplayName string
}

// Chat is a conversation: a private chat has its person's id.
type Chat struct {
	ID    string
	Group bool
}

// Private is the private chat with u.
func Private(u User) Chat { return Chat{ID: u.ID} }

// Sent is a message the bot sent.
type Sent struct {
	Method    string // sendMessage or sendPhoto
	ChatID    string
	Text      string // sendMessage's text
	Photo     string // sendPhoto's URL
	Caption   string
	MessageID string
	At        time.Time
}

// Fault is an error answer to inject. Code 0 closes the connection
// without an answer.
type Fault struct {
	Code        int
	Description string
}

// Stats counts what the server answered.
type Stats struct {
	Requests map[string]int // by method, failures included
	Errors   map[int]int    // error answers by code; 0 = connection closed
	Polls408 int            // getUpdates that timed out with nothing
}

// Server is the fake API.
type Server struct {
	token string
	hs    *httptest.Server

	mu            sync.Mutex
	canJoinGroups bool
	maxPoll       time.Duration
	queue         []json.RawMessage // updates not yet returned or delivered
	all           []json.RawMessage // every update made, for Again
	arrived       chan struct{}     // signalled when queue grows
	seq           int
	sent          []Sent
	changed       chan struct{} // closed and renewed when sent grows
	faults        map[string][]Fault
	stats         Stats
	webhook       string
	secret        string
	redeliver     time.Duration
	stopHook      chan struct{}
	hookDone      chan struct{}
	delivered     int
}

// New starts a fake for token.
func New(token string) *Server {
	s := &Server{token: token, maxPoll: 30 * time.Second, arrived: make(chan struct{}, 1), changed: make(chan struct{}),
		faults: map[string][]Fault{}, stats: Stats{Requests: map[string]int{}, Errors: map[int]int{}}, redeliver: 50 * time.Millisecond}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base to give the adapter (Config.APIURL).
func (s *Server) URL() string { return s.hs.URL }

// Close stops the server (and the webhook's deliveries).
func (s *Server) Close() {
	s.mu.Lock()
	stop, done := s.stopHook, s.hookDone
	s.stopHook = nil
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// SetCanJoinGroups sets getMe's can_join_groups.
func (s *Server) SetCanJoinGroups(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.canJoinGroups = on
}

// SetMaxPoll caps how long getUpdates waits, whatever timeout the client
// asked for, so that tests see 408s quickly.
func (s *Server) SetMaxPoll(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxPoll = d
}

// FailNext makes the next n calls of method (or "*" for any) answer f.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range []string{method, "*"} {
		if q := s.faults[k]; len(q) > 0 {
			s.faults[k] = q[1:]
			return q[0], true
		}
	}
	return Fault{}, false
}

type answer struct {
	OK          bool   `json:"ok"`
	Result      any    `json:"result,omitempty"`
	ErrorCode   int    `json:"error_code,omitempty"`
	Description string `json:"description,omitempty"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + s.token + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		s.fail(w, Fault{Code: 401, Description: "Unauthorized"})
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	s.mu.Lock()
	s.stats.Requests[method]++
	s.mu.Unlock()
	if f, ok := s.takeFault(method); ok {
		s.fail(w, f)
		return
	}
	var p map[string]any
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			s.fail(w, Fault{Code: 400, Description: "Bad Request: body is not JSON"})
			return
		}
	}
	str := func(k string) string {
		switch v := p[k].(type) {
		case string:
			return v
		case float64:
			return fmt.Sprint(v)
		}
		return ""
	}
	var result any
	var f *Fault
	switch method {
	case "getMe":
		s.mu.Lock()
		result = map[string]any{"id": BotID, "account_name": "Bot Nhắc việc", "account_type": "BASIC", "can_join_groups": s.canJoinGroups}
		s.mu.Unlock()
	case "getUpdates":
		result, f = s.getUpdates(r.Context(), str("timeout"))
	case "setWebhook":
		f = s.setWebhook(str("url"), str("secret_token"))
		result = map[string]any{"url": str("url"), "updated_at": time.Now().UnixMilli()}
	case "deleteWebhook":
		s.deleteWebhook()
		result = map[string]any{"url": "", "updated_at": time.Now().UnixMilli()}
	case "getWebhookInfo":
		s.mu.Lock()
		result = map[string]any{"url": s.webhook, "updated_at": time.Now().UnixMilli()}
		s.mu.Unlock()
	case "sendMessage":
		result, f = s.record(Sent{Method: method, ChatID: str("chat_id"), Text: str("text")}, str("text"), true)
	case "sendPhoto":
		if str("photo") == "" {
			f = &Fault{Code: 400, Description: "Bad Request: photo is required"}
			break
		}
		result, f = s.record(Sent{Method: method, ChatID: str("chat_id"), Photo: str("photo"), Caption: str("caption")}, str("caption"), false)
	case "sendChatAction":
		result = true
	default:
		f = &Fault{Code: 404, Description: "Not Found: no method " + method}
	}
	if f != nil {
		s.fail(w, *f)
		return
	}
	writeJSON(w, http.StatusOK, answer{OK: true, Result: result})
}

func (s *Server) fail(w http.ResponseWriter, f Fault) {
	s.mu.Lock()
	s.stats.Errors[f.Code]++
	s.mu.Unlock()
	if f.Code == 0 {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		f.Code = 502
	}
	if f.Description == "" {
		f.Description = http.StatusText(f.Code)
	}
	writeJSON(w, f.Code, answer{ErrorCode: f.Code, Description: f.Description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// record checks a send as Zalo does and records it.
func (s *Server) record(m Sent, text string, required bool) (any, *Fault) {
	if m.ChatID == "" {
		return nil, &Fault{Code: 400, Description: "Bad Request: chat_id is required"}
	}
	n := units(text)
	if (required || text != "") && (n < 1 || n > MaxText) {
		return nil, &Fault{Code: 400, Description: fmt.Sprintf("Bad Request: text must be 1-%d characters, got %d", MaxText, n)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	m.MessageID = fmt.Sprintf("out%08d", s.seq)
	m.At = time.Now()
	s.sent = append(s.sent, m)
	close(s.changed)
	s.changed = make(chan struct{})
	return map[string]any{"message_id": m.MessageID, "date": m.At.UnixMilli()}, nil
}

// Sent is everything sent so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo is what was sent to one chat, in order.
func (s *Server) SentTo(chatID string) []Sent {
	var out []Sent
	for _, m := range s.Sent() {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// TextsTo is the texts (and captions) sent to one chat, in order.
func (s *Server) TextsTo(chatID string) []string {
	var out []string
	for _, m := range s.SentTo(chatID) {
		out = append(out, m.Text+m.Caption)
	}
	return out
}

// WaitCount waits until at least n sent messages satisfy pred (nil: any)
// and returns them.
func (s *Server) WaitCount(ctx context.Context, n int, pred func(Sent) bool) ([]Sent, error) {
	for {
		s.mu.Lock()
		var got []Sent
		for _, m := range s.sent {
			if pred == nil || pred(m) {
				got = append(got, m)
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, fmt.Errorf("zalotest: %d of %d messages: %w", len(got), n, ctx.Err())
		case <-ch:
		}
	}
}

// WaitSent waits for a sent message that satisfies pred.
func (s *Server) WaitSent(ctx context.Context, pred func(Sent) bool) (Sent, error) {
	got, err := s.WaitCount(ctx, 1, pred)
	if err != nil {
		return Sent{}, err
	}
	return got[0], nil
}

// Stats is a copy of the counts.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Requests: map[string]int{}, Errors: map[int]int{}, Polls408: s.stats.Polls408}
	for k, v := range s.stats.Requests {
		out.Requests[k] = v
	}
	for k, v := range s.stats.Errors {
		out.Errors[k] = v
	}
	return out
}

// Pending is how many updates wait to be polled or delivered.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}
