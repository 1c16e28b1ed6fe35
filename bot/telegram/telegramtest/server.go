// Package telegramtest is a fake Telegram Bot API server for end-to-end
// tests, the load tool and fault tests.
//
// It runs on net/http/httptest and speaks the real Bot API JSON, so the bot
// under test uses the real client library
// (github.com/go-telegram-bot-api/telegram-bot-api/v5) pointed at
// Server.Endpoint(). It keeps Telegram's observable rules: getUpdates offset
// confirmation and long polling, the 409 conflict between two pollers,
// per-chat message ids, HTML parse-mode validation, callback queries that
// must be answered once, "bot can't initiate conversation" for users who
// never wrote to the bot, group migration, and (on demand) flood limits.
//
// The package does not import "testing": the load tool links it into a
// binary. Everything on Server is safe for concurrent use.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Bot identity served by getMe.
const (
	BotID        int64 = 1000000
	BotUsername        = "nhacviec_bot"
	BotFirstName       = "Nhắc việc"
)

// Server is a fake Telegram Bot API server. Create it with New and stop it
// with Close.
type Server struct {
	token string
	hs    *httptest.Server
	bot   tgbotapi.User

	closeOnce sync.Once
	closed    chan struct{}

	mu sync.Mutex

	uploads map[string][]byte // file id → what a user sent (files.go)

	// updates
	updates       []tgbotapi.Update // not yet confirmed, in update_id order
	messageOf     map[int]int       // update id → message id
	nextUpdateID  int
	updWake       chan struct{} // closed and replaced when an update is added
	confirmed     int
	poll          *pollState // the getUpdates long poll in flight, if any
	forceConflict bool
	allowed       map[string]bool // nil: Telegram's default set
	privacy       bool

	// chats and people
	chats        map[int64]*chatState
	usernames    map[string]int64
	users        map[int64]tgbotapi.User
	started      map[int64]bool
	notStarted   map[int64]bool
	blocked      map[int64]bool
	requireStart bool
	migrated     map[int64]int64
	left         map[int64]string           // chat id -> 403 description
	members      map[int64]map[int64]string // chat id -> user id -> status

	// behaviour
	faults  []*faultRule
	latency time.Duration
	limits  *Limits
	rate    rateState

	// records
	sent          []Sent
	sentWake      chan struct{}
	callbacks     map[string]bool // unanswered callback query ids
	answers       []CallbackAnswer
	commands      []CommandSet
	currentCmds   map[string][]tgbotapi.BotCommand
	webhookURL    string
	webhookSecret string
	stats         Stats
	seq           int64 // callback ids, file ids

	// observation (observe.go)
	hold      bool                 // getUpdates answers as if nothing were pending
	fetched   map[int]time.Time    // update id → first getUpdates answer carrying it
	firstCall map[string]time.Time // method → arrival of its first request
}

type chatState struct {
	chat   tgbotapi.Chat
	lastID int
	msgs   map[int]*tgbotapi.Message
}

type pollState struct {
	kicked chan struct{}
}

// Sent is one successful call that changed what a chat shows: a
// sendMessage, sendDocument, editMessageText, editMessageReplyMarkup or
// deleteMessage.
type Sent struct {
	MessageID int
	ChatID    int64
	// Text is the text exactly as the bot sent it (HTML tags and entities
	// included). Empty for sendDocument, editMessageReplyMarkup and
	// deleteMessage.
	Text string
	// Plain is the text as Telegram shows it: tags removed, entities
	// decoded, surrounding whitespace trimmed (the caption for documents).
	Plain     string
	ParseMode string
	// Markup is the inline keyboard the message carries after the call
	// (nil when none; reply keyboards are not recorded here).
	Markup  *tgbotapi.InlineKeyboardMarkup
	ReplyTo int
	At      time.Time
	// Method is the Bot API method: sendMessage, sendDocument, sendPhoto,
	// editMessageText, editMessageReplyMarkup or deleteMessage.
	Method   string
	FileName string
	FileSize int
	// File is the uploaded document's content (nil when the document was
	// given as a file_id or URL).
	File    []byte
	Caption string
}

// CallbackAnswer records one successful answerCallbackQuery.
type CallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
	URL       string
}

// CommandSet records one setMyCommands or deleteMyCommands call.
type CommandSet struct {
	Commands []tgbotapi.BotCommand
	Scope    json.RawMessage // nil when no scope was given (default scope)
	Language string
	Deleted  bool // true for deleteMyCommands
}

// Stats counts the requests the server has answered.
type Stats struct {
	Requests map[string]int // by method name, every request including failures
	TooMany  int            // 429 answers (rate limits and injected faults)
	Errors   map[int]int    // error answers by HTTP code; 0 = connection closed by a Code 0 fault
	Conns    int            // connections the clients opened
}

// New starts a fake Bot API server that accepts the given bot token. The bot
// is user 1000000, @nhacviec_bot, "Nhắc việc".
func New(token string) *Server {
	s := &Server{
		token: token,
		bot: tgbotapi.User{
			ID:            BotID,
			IsBot:         true,
			FirstName:     BotFirstName,
			UserName:      BotUsername,
			CanJoinGroups: true,
		},
		closed:       make(chan struct{}),
		nextUpdateID: 1,
		updWake:      make(chan struct{}),
		chats:        map[int64]*chatState{},
		usernames:    map[string]int64{},
		users:        map[int64]tgbotapi.User{},
		started:      map[int64]bool{},
		notStarted:   map[int64]bool{},
		blocked:      map[int64]bool{},
		requireStart: true,
		migrated:     map[int64]int64{},
		left:         map[int64]string{},
		members:      map[int64]map[int64]string{},
		sentWake:     make(chan struct{}),
		callbacks:    map[string]bool{},
		currentCmds:  map[string][]tgbotapi.BotCommand{},
		stats:        Stats{Requests: map[string]int{}, Errors: map[int]int{}},
		fetched:      map[int]time.Time{},
		firstCall:    map[string]time.Time{},
		seq:          4300000000000000000,
	}
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.hs.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.stats.Conns++
			s.mu.Unlock()
		}
	}
	s.hs.Start()
	return s
}

// Close stops the server. Long polls in flight return at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.hs.Close()
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.hs.URL }

// Endpoint is URL() + "/bot%s/%s", the format
// tgbotapi.NewBotAPIWithAPIEndpoint expects.
func (s *Server) Endpoint() string { return s.hs.URL + "/bot%s/%s" }

// BotUser is the bot's own user, as getMe returns it.
func (s *Server) BotUser() tgbotapi.User { return s.bot }

// ---- HTTP plumbing ----

type apiError struct {
	code   int
	desc   string
	params *tgbotapi.ResponseParameters
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }
func forbidden(desc string) *apiError  { return &apiError{code: 403, desc: "Forbidden: " + desc} }

type response struct {
	Ok          bool                         `json:"ok"`
	Result      any                          `json:"result,omitempty"`
	ErrorCode   int                          `json:"error_code,omitempty"`
	Description string                       `json:"description,omitempty"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters,omitempty"`
}

// okDesc is a successful result that also carries a description, as
// setWebhook and deleteWebhook answer.
type okDesc struct {
	result any
	desc   string
}

var methodNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"getMe", "getUpdates", "deleteWebhook", "setWebhook", "getWebhookInfo",
		"sendMessage", "editMessageText", "editMessageReplyMarkup",
		"answerCallbackQuery", "setMyCommands", "deleteMyCommands", "getMyCommands",
		"getChat", "getChatMember", "getFile", "sendDocument", "sendPhoto", "leaveChat", "sendChatAction",
		"deleteMessage", "logOut", "close",
	} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/bot") {
		s.serveFile(w, r) // a file's download (files.go)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		s.writeErr(w, &apiError{code: 404, desc: "Not Found"})
		return
	}
	if token != s.token {
		s.count("")
		s.writeErr(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	method, known := methodNames[strings.ToLower(name)]
	if !known {
		method = name
	}
	s.count(method)

	s.mu.Lock()
	lat := s.latency
	s.mu.Unlock()
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.closed:
			t.Stop()
		}
	}

	if f, ok := s.takeFault(method); ok {
		s.serveFault(w, f)
		return
	}
	if !known {
		s.writeErr(w, &apiError{code: 404, desc: "Not Found"})
		return
	}
	p, err := parseParams(r)
	if err != nil {
		s.writeErr(w, badRequest("invalid request: "+err.Error()))
		return
	}
	result, aerr := s.dispatch(r, method, p)
	if aerr != nil {
		s.writeErr(w, aerr)
		return
	}
	resp := response{Ok: true, Result: result}
	if od, ok := result.(okDesc); ok {
		resp.Result, resp.Description = od.result, od.desc
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) dispatch(r *http.Request, method string, p params) (any, *apiError) {
	switch method {
	case "getMe":
		return s.bot, nil
	case "logOut", "close":
		return true, nil
	case "getUpdates":
		return s.getUpdates(r, p)
	case "setWebhook":
		return s.setWebhook(p)
	case "deleteWebhook":
		return s.deleteWebhook(p)
	case "getWebhookInfo":
		return s.getWebhookInfo()
	case "sendMessage":
		return s.sendMessage(p)
	case "sendDocument":
		return s.sendDocument(p)
	case "sendPhoto":
		return s.sendPhoto(p)
	case "getFile":
		return s.getFile(p)
	case "editMessageText":
		return s.editMessage(p, true)
	case "editMessageReplyMarkup":
		return s.editMessage(p, false)
	case "deleteMessage":
		return s.deleteMessage(p)
	case "answerCallbackQuery":
		return s.answerCallbackQuery(p)
	case "setMyCommands":
		return s.setMyCommands(p)
	case "deleteMyCommands":
		return s.deleteMyCommands(p)
	case "getMyCommands":
		return s.getMyCommands(p)
	case "getChat":
		return s.getChat(p)
	case "getChatMember":
		return s.getChatMember(p)
	case "leaveChat":
		return s.leaveChat(p)
	case "sendChatAction":
		return s.sendChatAction(p)
	}
	return nil, &apiError{code: 404, desc: "Not Found"}
}

func (s *Server) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method != "" {
		s.stats.Requests[method]++
		if _, ok := s.firstCall[method]; !ok {
			s.firstCall[method] = time.Now()
		}
	}
}

func (s *Server) writeErr(w http.ResponseWriter, e *apiError) {
	s.mu.Lock()
	s.stats.Errors[e.code]++
	if e.code == 429 {
		s.stats.TooMany++
	}
	s.mu.Unlock()
	writeJSON(w, e.code, response{Ok: false, ErrorCode: e.code, Description: e.desc, Parameters: e.params})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = 500
		b = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: ` + strings.ReplaceAll(err.Error(), `"`, `'`) + `"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// params holds a request's parameters, whatever the encoding (query string,
// form, multipart or JSON body), as Telegram accepts all of them.
type params struct {
	v     url.Values
	files map[string][]*multipart.FileHeader
}

func (p params) str(k string) string { return p.v.Get(k) }

func parseParams(r *http.Request) (params, error) {
	p := params{v: url.Values{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return p, err
		}
		p.v = r.Form
		p.files = r.MultipartForm.File
	case "application/json":
		_ = r.ParseForm() // query string
		p.v = r.Form
		var m map[string]json.RawMessage
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return p, err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &m); err != nil {
				return p, err
			}
		}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				p.v.Set(k, str)
			} else {
				p.v.Set(k, string(raw))
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return p, err
		}
		p.v = r.Form
	}
	return p, nil
}

// ---- fault injection ----

// Fault is an error answer to inject with FailNext.
//
// Code 0 closes the connection without answering (the client sees a
// network error). Description "html" answers with status Code and an
// nginx-style HTML page instead of JSON, as Telegram's front end does when
// the API behind it is down (e.g. Fault{Code: 502, Description: "html"}). Otherwise the answer is the usual
// JSON error; an empty Description gets Telegram's text for the code (for
// 429: "Too Many Requests: retry after N"). RetryAfter and MigrateTo fill
// parameters.retry_after and parameters.migrate_to_chat_id.
type Fault struct {
	Code        int
	Description string
	RetryAfter  int
	MigrateTo   int64
}

type faultRule struct {
	method string // lower case; "" = any
	n      int
	f      Fault
}

// FailNext makes the next n calls of method (any method when method is "")
// answer f instead of being served. Calls that fail this way have no
// effect. Rules queue up: a call uses the oldest rule that matches it.
func (s *Server) FailNext(method string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{method: strings.ToLower(method), n: n, f: f})
}

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lm := strings.ToLower(method)
	for i, r := range s.faults {
		if r.method == "" || r.method == lm {
			r.n--
			if r.n <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return r.f, true
		}
	}
	return Fault{}, false
}

func (s *Server) serveFault(w http.ResponseWriter, f Fault) {
	if f.Code == 0 {
		s.mu.Lock()
		s.stats.Errors[0]++
		s.mu.Unlock()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if f.Description == "html" {
		s.mu.Lock()
		s.stats.Errors[f.Code]++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		txt := fmt.Sprintf("%d %s", f.Code, http.StatusText(f.Code))
		_, _ = fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n", txt, txt)
		return
	}
	e := &apiError{code: f.Code, desc: f.Description}
	if e.desc == "" {
		switch f.Code {
		case 400:
			e.desc = "Bad Request"
		case 401:
			e.desc = "Unauthorized"
		case 403:
			e.desc = "Forbidden"
		case 404:
			e.desc = "Not Found"
		case 409:
			e.desc = "Conflict"
		case 429:
			e.desc = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		default:
			e.desc = http.StatusText(f.Code)
		}
	}
	if f.RetryAfter != 0 || f.MigrateTo != 0 {
		e.params = &tgbotapi.ResponseParameters{RetryAfter: f.RetryAfter, MigrateToChatID: f.MigrateTo}
	}
	s.writeErr(w, e)
}

// SetLatency delays every answer by d (before the request is served).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetConflict makes every getUpdates answer 409 Conflict while on.
func (s *Server) SetConflict(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forceConflict = on
}

// Block makes private sends to userID answer 403 "Forbidden: bot was
// blocked by the user" (until the user writes to the bot again).
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}

// NotStarted makes private sends to userID answer 403 "Forbidden: bot
// can't initiate conversation with a user" until the user writes to the bot
// in private, whatever SetRequireStart says.
func (s *Server) NotStarted(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notStarted[userID] = true
	delete(s.started, userID)
}

// SetRequireStart chooses whether a private chat needs the user to have
// written to the bot first (UserSays/UserReplies/AddUpdate with a message in
// that private chat) before the bot may send there. Default true, as on
// Telegram.
func (s *Server) SetRequireStart(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requireStart = on
}

// SetPrivacyMode turns the bot's group privacy mode on or off (default off,
// so that tests see every group message). When on, group messages made with
// UserSays/UserReplies are delivered only when they hold a /command, mention
// @nhacviec_bot, or reply to one of the bot's messages; the others are not
// queued and those calls return 0.
func (s *Server) SetPrivacyMode(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privacy = on
}

// Migrate marks oldChatID as upgraded to the supergroup newChatID: every
// call naming oldChatID answers 400 "Bad Request: group chat was upgraded to
// a supergroup chat" with parameters.migrate_to_chat_id = newChatID. The
// supergroup is created if unknown. The service messages are not queued;
// add them with AddUpdate if the test wants them.
func (s *Server) Migrate(oldChatID, newChatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.migrated[oldChatID] = newChatID
	if _, ok := s.chats[newChatID]; !ok {
		c := tgbotapi.Chat{ID: newChatID, Type: "supergroup"}
		if old, ok := s.chats[oldChatID]; ok {
			c.Title = old.chat.Title
		}
		s.registerChat(c)
	}
}

// SetMemberStatus sets what getChatMember answers for userID in chatID
// ("creator", "administrator", "member", "restricted", "left", "kicked").
// Use BotID for the bot itself.
func (s *Server) SetMemberStatus(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members[chatID] == nil {
		s.members[chatID] = map[int64]string{}
	}
	s.members[chatID][userID] = status
}

// Webhook returns the URL and secret token of the last setWebhook (empty
// when no webhook is set).
func (s *Server) Webhook() (url, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}
