package telegramtest

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ---- chat resolution ----

// chatLocked finds the chat a chat_id names. forSend adds the checks that
// only apply to sending into the chat (blocked, not started, bot left).
func (s *Server) chatLocked(raw string, forSend bool) (*chatState, *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		if !strings.HasPrefix(raw, "@") {
			return nil, badRequest("chat not found")
		}
		cid, ok := s.usernames[strings.ToLower(raw[1:])]
		if !ok {
			return nil, badRequest("chat not found")
		}
		id = cid
	}
	if to, ok := s.migrated[id]; ok {
		e := badRequest("group chat was upgraded to a supergroup chat")
		e.params = &tgbotapi.ResponseParameters{MigrateToChatID: to}
		return nil, e
	}
	cs, ok := s.chats[id]
	if !ok {
		u, known := s.users[id]
		if !known {
			return nil, badRequest("chat not found")
		}
		cs = s.registerChat(tgbotapi.Chat{ID: id, Type: "private", UserName: u.UserName, FirstName: u.FirstName, LastName: u.LastName})
	}
	if !forSend {
		return cs, nil
	}
	if cs.chat.Type == "private" {
		if s.blocked[id] {
			return nil, forbidden("bot was blocked by the user")
		}
		if s.notStarted[id] || (s.requireStart && !s.started[id]) {
			return nil, forbidden("bot can't initiate conversation with a user")
		}
	} else if d, ok := s.left[id]; ok {
		return nil, forbidden(d)
	}
	return cs, nil
}

// ---- text and markup validation ----

// renderText turns the text a bot sent into what Telegram shows: parse mode
// applied, whitespace trimmed. Length is counted in UTF-16 code units after
// parsing, as Telegram does.
func renderText(text, parseMode, entitiesJSON string, max int, tooLong string) (string, []tgbotapi.MessageEntity, *apiError) {
	if !utf8Valid(text) {
		return "", nil, badRequest("strings must be encoded in UTF-8")
	}
	var plain string
	var ents []tgbotapi.MessageEntity
	tags := false
	switch strings.ToLower(parseMode) {
	case "":
		plain = text
		if entitiesJSON != "" && entitiesJSON != "null" {
			if err := json.Unmarshal([]byte(entitiesJSON), &ents); err != nil {
				return "", nil, badRequest("can't parse entities JSON object")
			}
		}
	case "html":
		var err error
		plain, ents, tags, err = parseHTML(text)
		if err != nil {
			return "", nil, badRequest("can't parse entities: " + err.Error())
		}
	case "markdown", "markdownv2":
		// Not validated: the fake only checks HTML.
		plain = text
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	plain, ents = trimEntities(plain, ents)
	if plain == "" {
		if tags {
			return "", nil, badRequest("text must be non-empty")
		}
		return "", nil, badRequest("message text is empty")
	}
	if utf16Count(plain) > max {
		return "", nil, badRequest(tooLong)
	}
	return plain, ents, nil
}

var buttonActions = []string{"url", "login_url", "callback_data", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game",
	"pay", "web_app", "copy_text"}

// parseMarkup validates reply_markup. It returns the inline keyboard (nil
// when absent, empty or not inline).
func parseMarkup(raw string) (*tgbotapi.InlineKeyboardMarkup, *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var probe struct {
		InlineKeyboard *[][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &probe); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if probe.InlineKeyboard == nil {
		return nil, nil // reply keyboard, remove_keyboard, force_reply
	}
	for _, row := range *probe.InlineKeyboard {
		for _, b := range row {
			var text string
			if t, ok := b["text"]; !ok || json.Unmarshal(t, &text) != nil || text == "" {
				return nil, badRequest("BUTTON_TEXT_INVALID")
			}
			if cd, ok := b["callback_data"]; ok {
				var d string
				if json.Unmarshal(cd, &d) != nil || len(d) == 0 || len(d) > 64 {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
			}
			if u, ok := b["url"]; ok {
				var v string
				if json.Unmarshal(u, &v) != nil || v == "" {
					return nil, badRequest("BUTTON_URL_INVALID")
				}
			}
			action := false
			for _, a := range buttonActions {
				if _, ok := b[a]; ok {
					action = true
				}
			}
			if !action {
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
		}
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, badRequest("can't parse inline keyboard button: " + err.Error())
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, nil
	}
	return &kb, nil
}

// ---- sending ----

func (s *Server) sendMessage(p params) (any, *apiError) {
	plain, ents, e := renderText(p.str("text"), p.str("parse_mode"), p.str("entities"), 4096, "message is too long")
	if e != nil {
		return nil, e
	}
	kb, e := parseMarkup(p.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, reply, now, e := s.sendTargetLocked(p)
	if e != nil {
		return nil, e
	}
	m := s.newBotMessageLocked(cs, now)
	m.Text, m.Entities, m.ReplyMarkup, m.ReplyToMessage = plain, ents, kb, reply
	s.recordLocked(Sent{
		MessageID: m.MessageID, ChatID: cs.chat.ID, Text: p.str("text"), Plain: plain,
		ParseMode: p.str("parse_mode"), Markup: kb, ReplyTo: replyID(reply), At: now, Method: "sendMessage",
	})
	return m, nil
}

func replyID(m *tgbotapi.Message) int {
	if m == nil {
		return 0
	}
	return m.MessageID
}

// sendTargetLocked is what every send checks first, as Telegram does:
// the chat (it exists, the bot may write there), the message replied to,
// and the rate limits; it returns the chat, the message replied to (nil
// for none) and the time of the send.
func (s *Server) sendTargetLocked(p params) (*chatState, *tgbotapi.Message, time.Time, *apiError) {
	cs, e := s.chatLocked(p.str("chat_id"), true)
	if e != nil {
		return nil, nil, time.Time{}, e
	}
	reply, e := s.replyLocked(cs, p)
	if e != nil {
		return nil, nil, time.Time{}, e
	}
	now := time.Now()
	if e := s.rateLocked(cs.chat, now); e != nil {
		return nil, nil, time.Time{}, e
	}
	return cs, reply, now, nil
}

func (s *Server) replyLocked(cs *chatState, p params) (*tgbotapi.Message, *apiError) {
	id, e := atoiParam(p, "reply_to_message_id", 0)
	if e != nil || id == 0 {
		return nil, e
	}
	if m, ok := cs.msgs[id]; ok {
		return stripReply(m), nil
	}
	if p.str("allow_sending_without_reply") == "true" {
		return nil, nil
	}
	return nil, badRequest("message to be replied not found")
}

func (s *Server) newBotMessageLocked(cs *chatState, now time.Time) *tgbotapi.Message {
	cs.lastID++
	bot := s.bot
	c := cs.chat
	m := &tgbotapi.Message{MessageID: cs.lastID, From: &bot, Chat: &c, Date: int(now.Unix())}
	cs.msgs[m.MessageID] = m
	return m
}

func (s *Server) recordLocked(x Sent) {
	s.sent = append(s.sent, x)
	close(s.sentWake)
	s.sentWake = make(chan struct{})
}

func (s *Server) sendDocument(p params) (any, *apiError) {
	var caption string
	var ents []tgbotapi.MessageEntity
	if c := p.str("caption"); c != "" {
		var e *apiError
		caption, ents, e = renderText(c, p.str("parse_mode"), p.str("caption_entities"), 1024, "message caption is too long")
		if e != nil {
			return nil, e
		}
	}
	kb, e := parseMarkup(p.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	doc := &tgbotapi.Document{}
	var data []byte
	if fhs := p.files["document"]; len(fhs) > 0 {
		fh := fhs[0]
		f, err := fh.Open()
		if err != nil {
			return nil, badRequest("failed to read the document")
		}
		data, err = io.ReadAll(f)
		_ = f.Close()
		if err != nil {
			return nil, badRequest("failed to read the document")
		}
		if len(data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		if len(data) > 50<<20 {
			return nil, &apiError{code: 413, desc: "Request Entity Too Large"}
		}
		doc.FileName = fh.Filename
		doc.MimeType = fh.Header.Get("Content-Type")
		doc.FileSize = len(data)
	} else if ref := p.str("document"); ref != "" {
		if strings.HasPrefix(ref, "attach://") {
			return nil, badRequest("there is no document in the request")
		}
		doc.FileID = ref
	} else {
		return nil, badRequest("there is no document in the request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, reply, now, e := s.sendTargetLocked(p)
	if e != nil {
		return nil, e
	}
	if doc.FileID == "" {
		s.seq++
		doc.FileID = "BQACAgIAAxkDAAI" + strconv.FormatInt(s.seq, 36)
		doc.FileUniqueID = "AgAD" + strconv.FormatInt(s.seq, 36)
	}
	m := s.newBotMessageLocked(cs, now)
	m.Document, m.Caption, m.CaptionEntities, m.ReplyMarkup, m.ReplyToMessage = doc, caption, ents, kb, reply
	s.recordLocked(Sent{
		MessageID: m.MessageID, ChatID: cs.chat.ID, Plain: caption, ParseMode: p.str("parse_mode"),
		Markup: kb, ReplyTo: replyID(reply), At: now, Method: "sendDocument",
		FileName: doc.FileName, FileSize: doc.FileSize, File: data, Caption: p.str("caption"),
	})
	return m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessage(p params, withText bool) (any, *apiError) {
	if p.str("inline_message_id") != "" {
		return nil, badRequest("MESSAGE_ID_INVALID")
	}
	var plain string
	var ents []tgbotapi.MessageEntity
	if withText {
		var e *apiError
		plain, ents, e = renderText(p.str("text"), p.str("parse_mode"), p.str("entities"), 4096, "MESSAGE_TOO_LONG")
		if e != nil {
			return nil, e
		}
	}
	kb, e := parseMarkup(p.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatLocked(p.str("chat_id"), true)
	if e != nil {
		return nil, e
	}
	id, e := atoiParam(p, "message_id", 0)
	if e != nil {
		return nil, e
	}
	if id == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	old, ok := cs.msgs[id]
	if !ok {
		return nil, badRequest("message to edit not found")
	}
	if old.From == nil || old.From.ID != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	if withText && old.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	m := *old
	if withText {
		m.Text, m.Entities = plain, ents
	}
	m.ReplyMarkup = kb
	if m.Text == old.Text && m.Caption == old.Caption && reflect.DeepEqual(norm(m.Entities), norm(old.Entities)) && sameMarkup(m.ReplyMarkup, old.ReplyMarkup) {
		return nil, badRequest(notModified)
	}
	now := time.Now()
	if e := s.rateLocked(cs.chat, now); e != nil {
		return nil, e
	}
	m.EditDate = int(now.Unix())
	cs.msgs[id] = &m
	x := Sent{MessageID: id, ChatID: cs.chat.ID, Markup: kb, At: now, ParseMode: p.str("parse_mode")}
	if withText {
		x.Method, x.Text, x.Plain = "editMessageText", p.str("text"), plain
	} else {
		x.Method = "editMessageReplyMarkup"
	}
	s.recordLocked(x)
	return &m, nil
}

func norm(e []tgbotapi.MessageEntity) []tgbotapi.MessageEntity {
	if len(e) == 0 {
		return nil
	}
	return e
}

func sameMarkup(a, b *tgbotapi.InlineKeyboardMarkup) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func (s *Server) deleteMessage(p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatLocked(p.str("chat_id"), false)
	if e != nil {
		return nil, e
	}
	id, e := atoiParam(p, "message_id", 0)
	if e != nil {
		return nil, e
	}
	if _, ok := cs.msgs[id]; !ok || id == 0 {
		return nil, badRequest("message to delete not found")
	}
	delete(cs.msgs, id)
	s.recordLocked(Sent{MessageID: id, ChatID: cs.chat.ID, At: time.Now(), Method: "deleteMessage"})
	return true, nil
}

func (s *Server) sendChatAction(p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.chatLocked(p.str("chat_id"), true); e != nil {
		return nil, e
	}
	return true, nil
}

// ---- callbacks, commands, chats, webhooks ----

func (s *Server) answerCallbackQuery(p params) (any, *apiError) {
	id := p.str("callback_query_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callbacks[id] {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Count(p.str("text")) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	delete(s.callbacks, id)
	s.answers = append(s.answers, CallbackAnswer{ID: id, Text: p.str("text"), ShowAlert: p.str("show_alert") == "true", URL: p.str("url")})
	return true, nil
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func scopeKey(scope json.RawMessage, lang string) string {
	var sc tgbotapi.BotCommandScope
	if len(scope) > 0 {
		_ = json.Unmarshal(scope, &sc)
	}
	if sc.Type == "" {
		sc.Type = "default"
	}
	b, _ := json.Marshal(sc)
	return string(b) + "|" + lang
}

func scopeParam(p params) (json.RawMessage, *apiError) {
	raw := strings.TrimSpace(p.str("scope"))
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var sc tgbotapi.BotCommandScope
	if json.Unmarshal([]byte(raw), &sc) != nil || sc.Type == "" {
		return nil, badRequest("can't parse BotCommandScope JSON object")
	}
	return json.RawMessage(raw), nil
}

func (s *Server) setMyCommands(p params) (any, *apiError) {
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		if !commandRE.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Count(c.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	scope, e := scopeParam(p)
	if e != nil {
		return nil, e
	}
	lang := p.str("language_code")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = append(s.commands, CommandSet{Commands: cmds, Scope: scope, Language: lang})
	s.currentCmds[scopeKey(scope, lang)] = cmds
	return true, nil
}

func (s *Server) deleteMyCommands(p params) (any, *apiError) {
	scope, e := scopeParam(p)
	if e != nil {
		return nil, e
	}
	lang := p.str("language_code")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = append(s.commands, CommandSet{Scope: scope, Language: lang, Deleted: true})
	delete(s.currentCmds, scopeKey(scope, lang))
	return true, nil
}

func (s *Server) getMyCommands(p params) (any, *apiError) {
	scope, e := scopeParam(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := s.currentCmds[scopeKey(scope, p.str("language_code"))]
	if cmds == nil {
		cmds = []tgbotapi.BotCommand{}
	}
	return cmds, nil
}

func (s *Server) getChat(p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatLocked(p.str("chat_id"), false)
	if e != nil {
		return nil, e
	}
	if d, ok := s.left[cs.chat.ID]; ok {
		return nil, forbidden(d)
	}
	return cs.chat, nil
}

func (s *Server) getChatMember(p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatLocked(p.str("chat_id"), false)
	if e != nil {
		return nil, e
	}
	uid, err := strconv.ParseInt(strings.TrimSpace(p.str("user_id")), 10, 64)
	if err != nil || uid == 0 {
		return nil, badRequest("invalid user_id specified")
	}
	var u tgbotapi.User
	if uid == s.bot.ID {
		u = s.bot
	} else if known, ok := s.users[uid]; ok {
		u = known
	} else {
		return nil, badRequest("user not found")
	}
	status := s.members[cs.chat.ID][uid]
	if status == "" {
		switch {
		case cs.chat.Type == "private":
			status = "member"
		case uid == s.bot.ID:
			status = "member"
			if _, gone := s.left[cs.chat.ID]; gone {
				status = "left"
			}
		case s.spokeLocked(cs, uid):
			status = "member"
		default:
			status = "left"
		}
	}
	return tgbotapi.ChatMember{User: &u, Status: status}, nil
}

func (s *Server) spokeLocked(cs *chatState, uid int64) bool {
	for _, m := range cs.msgs {
		if m.From != nil && m.From.ID == uid {
			return true
		}
	}
	return false
}

func (s *Server) leaveChat(p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatLocked(p.str("chat_id"), false)
	if e != nil {
		return nil, e
	}
	if cs.chat.Type == "private" {
		return nil, badRequest("chat member status can't be changed in private chats")
	}
	if d, ok := s.left[cs.chat.ID]; ok {
		return nil, forbidden(d)
	}
	s.left[cs.chat.ID] = notMemberDesc(cs.chat.Type)
	return true, nil
}

func (s *Server) setWebhook(p params) (any, *apiError) {
	u := strings.TrimSpace(p.str("url"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.str("drop_pending_updates") == "true" {
		s.dropPendingLocked()
	}
	if u == "" {
		was := s.webhookURL != ""
		s.webhookURL, s.webhookSecret = "", ""
		if was {
			return okDesc{true, "Webhook was deleted"}, nil
		}
		return okDesc{true, "Webhook is already deleted"}, nil
	}
	if !strings.HasPrefix(u, "https://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if s.poll != nil { // a webhook ends long polling
		close(s.poll.kicked)
		s.poll = nil
	}
	s.webhookURL, s.webhookSecret = u, p.str("secret_token")
	return okDesc{true, "Webhook was set"}, nil
}

func (s *Server) dropPendingLocked() {
	if n := len(s.updates); n > 0 {
		if c := s.updates[n-1].UpdateID + 1; c > s.confirmed {
			s.confirmed = c
		}
	}
	s.updates = nil
}

func (s *Server) deleteWebhook(p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.str("drop_pending_updates") == "true" {
		s.dropPendingLocked()
	}
	was := s.webhookURL != ""
	s.webhookURL, s.webhookSecret = "", ""
	if was {
		return okDesc{true, "Webhook was deleted"}, nil
	}
	return okDesc{true, "Webhook is already deleted"}, nil
}

func (s *Server) getWebhookInfo() (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tgbotapi.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.updates)}, nil
}
