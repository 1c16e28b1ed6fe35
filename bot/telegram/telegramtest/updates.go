package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ---- people and chats ----

// User makes a (human) user and makes it known to the server, so that its
// private chat exists (sends to it still need the user to have started the
// bot, see SetRequireStart).
func (s *Server) User(id int64, username, firstName string) tgbotapi.User {
	u := tgbotapi.User{ID: id, UserName: username, FirstName: firstName}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerUser(u)
	return u
}

// PrivateChat is the private chat between the bot and user (id = user id,
// type "private"). It registers both.
func (s *Server) PrivateChat(user tgbotapi.User) tgbotapi.Chat {
	c := tgbotapi.Chat{ID: user.ID, Type: "private", UserName: user.UserName, FirstName: user.FirstName, LastName: user.LastName}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerUser(user)
	s.registerChat(c)
	return c
}

// Group makes a basic group the bot is a member of. Its id is negative:
// Group(42, ...) has id -42; a negative id is used as given.
func (s *Server) Group(id int64, title string) tgbotapi.Chat {
	if id > 0 {
		id = -id
	}
	c := tgbotapi.Chat{ID: id, Type: "group", Title: title}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerChat(c)
	return c
}

// Supergroup makes a supergroup the bot is a member of. A positive id n
// becomes -(1000000000000+n), Telegram's "-100…" form (42 → -1000000000042);
// a negative id is used as given.
func (s *Server) Supergroup(id int64, title string) tgbotapi.Chat {
	if id > 0 {
		id = -(1000000000000 + id)
	}
	c := tgbotapi.Chat{ID: id, Type: "supergroup", Title: title}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerChat(c)
	return c
}

func (s *Server) registerUser(u tgbotapi.User) {
	if u.ID == 0 || u.ID == s.bot.ID {
		return
	}
	s.users[u.ID] = u
}

func (s *Server) registerChat(c tgbotapi.Chat) *chatState {
	cs, ok := s.chats[c.ID]
	if !ok {
		cs = &chatState{chat: c, msgs: map[int]*tgbotapi.Message{}}
		s.chats[c.ID] = cs
	} else if c.Type != "" {
		cs.chat = c
	}
	if c.UserName != "" && c.Type != "private" {
		s.usernames[strings.ToLower(c.UserName)] = c.ID
	}
	return cs
}

// ---- feeding updates ----

// UserSays queues a text message from `from` in chat and returns its
// update_id. The message gets the chat's next message id and entities like
// Telegram's: bot_command for /cmd (or /cmd@bot) at a word start, mention
// for @username. A message in from's private chat marks the bot as started
// (and unblocked) by that user.
func (s *Server) UserSays(chat tgbotapi.Chat, from tgbotapi.User, text string) (updateID int) {
	return s.userMessage(chat, from, text, 0)
}

// UserReplies is UserSays with reply_to_message set to the stored message
// replyTo of that chat (the full object, as Telegram sends it).
func (s *Server) UserReplies(chat tgbotapi.Chat, from tgbotapi.User, text string, replyTo int) int {
	return s.userMessage(chat, from, text, replyTo)
}

func (s *Server) userMessage(chat tgbotapi.Chat, from tgbotapi.User, text string, replyTo int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerUser(from)
	cs := s.registerChat(chat)
	f := from
	c := cs.chat
	m := &tgbotapi.Message{
		From:     &f,
		Chat:     &c,
		Date:     int(time.Now().Unix()),
		Text:     text,
		Entities: autoEntities(text),
	}
	if replyTo != 0 {
		if orig, ok := cs.msgs[replyTo]; ok {
			m.ReplyToMessage = stripReply(orig)
		} else {
			m.ReplyToMessage = &tgbotapi.Message{MessageID: replyTo, Chat: &c, Date: m.Date}
		}
	}
	if s.privacy && (c.Type == "group" || c.Type == "supergroup") && !s.visibleInPrivacy(m) {
		// The bot does not see it, but it still takes a message id.
		cs.lastID++
		m.MessageID = cs.lastID
		cs.msgs[m.MessageID] = m
		return 0
	}
	return s.addUpdateLocked(tgbotapi.Update{Message: m})
}

// stripReply copies a message for use as reply_to_message: Telegram does not
// nest a second level.
func stripReply(m *tgbotapi.Message) *tgbotapi.Message {
	c := *m
	c.ReplyToMessage = nil
	return &c
}

func (s *Server) visibleInPrivacy(m *tgbotapi.Message) bool {
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == s.bot.ID {
		return true
	}
	for _, e := range m.Entities {
		if e.Type == "bot_command" {
			return true
		}
		if e.Type == "mention" && strings.EqualFold(utf16Slice(m.Text, e.Offset+1, e.Length-1), s.bot.UserName) {
			return true
		}
	}
	return false
}

// PressButton queues a callback_query as if from pressed an inline button
// with callback data `data` under message messageID of chat (the data is
// not checked against the keyboard: clients can send anything). It returns
// the update_id and the callback query id the bot must answer.
func (s *Server) PressButton(chat tgbotapi.Chat, from tgbotapi.User, messageID int, data string) (updateID int, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerUser(from)
	cs := s.registerChat(chat)
	f := from
	var msg *tgbotapi.Message
	if m, ok := cs.msgs[messageID]; ok {
		msg = m
	} else {
		c := cs.chat
		msg = &tgbotapi.Message{MessageID: messageID, Chat: &c, Date: int(time.Now().Unix())}
	}
	s.seq++
	callbackID = strconv.FormatInt(s.seq, 10)
	cq := &tgbotapi.CallbackQuery{
		ID:           callbackID,
		From:         &f,
		Message:      msg,
		ChatInstance: strconv.FormatInt(-cs.chat.ID*7+3, 10),
		Data:         data,
	}
	return s.addUpdateLocked(tgbotapi.Update{CallbackQuery: cq}), callbackID
}

// AddUpdate queues a raw update (my_chat_member, migrations, sender_chat,
// edited messages...) and returns its update_id; UpdateID is assigned when
// zero. Chats and users in it become known; a message with MessageID 0 gets
// the chat's next message id; a callback query's id (assigned when empty)
// becomes answerable; a my_chat_member about the bot updates whether the bot
// may still send there (left/kicked, or blocked for a private chat).
func (s *Server) AddUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUpdateLocked(u)
}

func (s *Server) addUpdateLocked(u tgbotapi.Update) int {
	for _, m := range []*tgbotapi.Message{u.Message, u.EditedMessage, u.ChannelPost, u.EditedChannelPost} {
		if m == nil || m.Chat == nil {
			continue
		}
		if m.From != nil {
			s.registerUser(*m.From)
		}
		cs := s.registerChat(*m.Chat)
		if m == u.Message || m == u.ChannelPost {
			if m.MessageID == 0 {
				cs.lastID++
				m.MessageID = cs.lastID
			} else if m.MessageID > cs.lastID {
				cs.lastID = m.MessageID
			}
			cs.msgs[m.MessageID] = m
		} else if m.MessageID != 0 {
			cs.msgs[m.MessageID] = m
		}
		if m.Chat.Type == "private" && m.From != nil && m.From.ID == m.Chat.ID {
			s.started[m.From.ID] = true
			delete(s.notStarted, m.From.ID)
			delete(s.blocked, m.From.ID)
		}
		if m.MigrateToChatID != 0 {
			s.migrated[m.Chat.ID] = m.MigrateToChatID
		}
	}
	if cq := u.CallbackQuery; cq != nil {
		if cq.From != nil {
			s.registerUser(*cq.From)
		}
		if cq.ID == "" {
			s.seq++
			cq.ID = strconv.FormatInt(s.seq, 10)
		}
		s.callbacks[cq.ID] = true
	}
	if mcm := u.MyChatMember; mcm != nil {
		s.registerUser(mcm.From)
		s.registerChat(mcm.Chat)
		if mcm.NewChatMember.User != nil && mcm.NewChatMember.User.ID == s.bot.ID {
			st := mcm.NewChatMember.Status
			id := mcm.Chat.ID
			if mcm.Chat.Type == "private" {
				if st == "kicked" {
					s.blocked[id] = true
				} else {
					delete(s.blocked, id)
				}
			} else {
				switch st {
				case "left":
					s.left[id] = notMemberDesc(mcm.Chat.Type)
				case "kicked":
					s.left[id] = "bot was kicked from the " + chatWord(mcm.Chat.Type) + " chat"
				default:
					delete(s.left, id)
				}
			}
		}
	}
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdateID
	}
	if u.UpdateID >= s.nextUpdateID {
		s.nextUpdateID = u.UpdateID + 1
	}
	s.updates = append(s.updates, u)
	if u.Message != nil {
		if s.messageOf == nil {
			s.messageOf = map[int]int{}
		}
		s.messageOf[u.UpdateID] = u.Message.MessageID
	}
	close(s.updWake)
	s.updWake = make(chan struct{})
	return u.UpdateID
}

// MessageOf returns the message id of the message carried by update
// updateID (0 if it carried none), so a test can find the bot's reply.
func (s *Server) MessageOf(updateID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messageOf[updateID]
}

func chatWord(typ string) string {
	if typ == "supergroup" {
		return "supergroup"
	}
	if typ == "channel" {
		return "channel"
	}
	return "group"
}

func notMemberDesc(typ string) string {
	return "bot is not a member of the " + chatWord(typ) + " chat"
}

// JumpUpdateID makes the next update get id next, like Telegram's random
// jump after a week without updates. Ids are taken literally: a jump below
// the bot's confirmed offset makes those updates confirmed on arrival, as
// offset semantics say.
func (s *Server) JumpUpdateID(next int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdateID = next
}

// ConfirmedOffset is the highest offset a getUpdates call has confirmed.
func (s *Server) ConfirmedOffset() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// Pending is the number of updates not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// ---- getUpdates ----

const conflictDesc = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

func updateType(u *tgbotapi.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.ChannelPost != nil:
		return "channel_post"
	case u.EditedChannelPost != nil:
		return "edited_channel_post"
	case u.InlineQuery != nil:
		return "inline_query"
	case u.ChosenInlineResult != nil:
		return "chosen_inline_result"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.ShippingQuery != nil:
		return "shipping_query"
	case u.PreCheckoutQuery != nil:
		return "pre_checkout_query"
	case u.Poll != nil:
		return "poll"
	case u.PollAnswer != nil:
		return "poll_answer"
	case u.MyChatMember != nil:
		return "my_chat_member"
	case u.ChatMember != nil:
		return "chat_member"
	case u.ChatJoinRequest != nil:
		return "chat_join_request"
	}
	return ""
}

func (s *Server) allowedLocked(u *tgbotapi.Update) bool {
	t := updateType(u)
	if s.allowed == nil {
		return t != "chat_member"
	}
	return s.allowed[t]
}

// collectLocked drops updates the current allowed_updates excludes and
// returns up to limit of the rest.
func (s *Server) collectLocked(limit int) []json.RawMessage {
	keep := s.updates[:0]
	for i := range s.updates {
		if s.allowedLocked(&s.updates[i]) {
			keep = append(keep, s.updates[i])
		}
	}
	for i := len(keep); i < len(s.updates); i++ {
		s.updates[i] = tgbotapi.Update{}
	}
	s.updates = keep
	if s.hold {
		return nil
	}
	n := min(limit, len(s.updates))
	out := make([]json.RawMessage, 0, n)
	now := time.Now()
	for i := 0; i < n; i++ {
		out = append(out, encodeUpdate(&s.updates[i]))
		if _, ok := s.fetched[s.updates[i].UpdateID]; !ok {
			s.fetched[s.updates[i].UpdateID] = now
		}
	}
	return out
}

// encodeUpdate marshals an update without the null fields the library's
// struct would emit (my_chat_member, chat_member...), as Telegram does.
func encodeUpdate(u *tgbotapi.Update) json.RawMessage {
	b, _ := json.Marshal(u)
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	for k, v := range m {
		if string(v) == "null" {
			delete(m, k)
		}
	}
	out, _ := json.Marshal(m)
	return out
}

func (s *Server) getUpdates(r *http.Request, p params) (any, *apiError) {
	offset, e := atoiParam(p, "offset", 0)
	if e != nil {
		return nil, e
	}
	limit, e := atoiParam(p, "limit", 100)
	if e != nil {
		return nil, e
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, e := atoiParam(p, "timeout", 0)
	if e != nil {
		return nil, e
	}
	var allowed []string
	setAllowed := false
	if raw := strings.TrimSpace(p.str("allowed_updates")); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates JSON object")
		}
		setAllowed = true
	}

	s.mu.Lock()
	if s.forceConflict {
		s.mu.Unlock()
		return nil, &apiError{code: 409, desc: conflictDesc}
	}
	if s.webhookURL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	// A new poll terminates the one in flight, which answers 409.
	if s.poll != nil {
		close(s.poll.kicked)
		s.poll = nil
	}
	if setAllowed {
		if len(allowed) == 0 {
			s.allowed = nil
		} else {
			s.allowed = map[string]bool{}
			for _, a := range allowed {
				s.allowed[a] = true
			}
		}
	}
	switch {
	case offset > 0:
		i := 0
		for i < len(s.updates) && s.updates[i].UpdateID < offset {
			i++
		}
		s.updates = append([]tgbotapi.Update(nil), s.updates[i:]...)
		if offset > s.confirmed {
			s.confirmed = offset
		}
	case offset < 0:
		if keep := -offset; keep < len(s.updates) {
			drop := len(s.updates) - keep
			if c := s.updates[drop-1].UpdateID + 1; c > s.confirmed {
				s.confirmed = c
			}
			s.updates = append([]tgbotapi.Update(nil), s.updates[drop:]...)
		}
	}
	res := s.collectLocked(limit)
	if len(res) > 0 || timeout <= 0 {
		s.mu.Unlock()
		return res, nil
	}
	me := &pollState{kicked: make(chan struct{})}
	s.poll = me
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for {
		wake := s.updWake
		s.mu.Unlock()
		done := false
		select {
		case <-wake:
		case <-me.kicked:
		case <-timer.C:
			done = true
		case <-r.Context().Done():
			done = true
		case <-s.closed:
			done = true
		}
		s.mu.Lock()
		if s.poll != me {
			s.mu.Unlock()
			return nil, &apiError{code: 409, desc: conflictDesc}
		}
		res = s.collectLocked(limit)
		if len(res) > 0 || done {
			s.poll = nil
			s.mu.Unlock()
			return res, nil
		}
	}
}

func atoiParam(p params, k string, def int) (int, *apiError) {
	v := strings.TrimSpace(p.str(k))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("invalid " + k + " specified")
	}
	return n, nil
}

// ---- entities of user messages ----

func isWordChar(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isNameChar(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// autoEntities finds bot_command and mention entities like Telegram does
// for user messages. Offsets and lengths are in UTF-16 code units.
func autoEntities(text string) []tgbotapi.MessageEntity {
	var out []tgbotapi.MessageEntity
	runes := []rune(text)
	u16 := make([]int, len(runes)+1) // UTF-16 offset of each rune
	for i, r := range runes {
		u16[i+1] = u16[i] + utf16Len(r)
	}
	for i := 0; i < len(runes); i++ {
		if i > 0 && (isWordChar(runes[i-1]) || runes[i-1] == '/' || runes[i-1] == '@') {
			continue
		}
		switch runes[i] {
		case '/':
			j := i + 1
			for j < len(runes) && isNameChar(runes[j]) && j-i <= 64 {
				j++
			}
			if j == i+1 {
				continue
			}
			if j < len(runes) && runes[j] == '@' {
				k := j + 1
				for k < len(runes) && isNameChar(runes[k]) {
					k++
				}
				if k-j-1 >= 3 {
					j = k
				}
			}
			out = append(out, tgbotapi.MessageEntity{Type: "bot_command", Offset: u16[i], Length: u16[j] - u16[i]})
			i = j - 1
		case '@':
			j := i + 1
			for j < len(runes) && isNameChar(runes[j]) {
				j++
			}
			if n := j - i - 1; n >= 5 && n <= 32 {
				out = append(out, tgbotapi.MessageEntity{Type: "mention", Offset: u16[i], Length: u16[j] - u16[i]})
			}
			i = j - 1
		}
	}
	return out
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

func utf16Count(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}

// utf16Slice returns the substring at UTF-16 offset off with UTF-16 length n.
func utf16Slice(s string, off, n int) string {
	pos, start := 0, -1
	for i, r := range s {
		if pos == off {
			start = i
		}
		if start >= 0 && pos == off+n {
			return s[start:i]
		}
		pos += utf16Len(r)
	}
	if start >= 0 && pos == off+n {
		return s[start:]
	}
	return ""
}
