package telegramtest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const token = "123456:TEST-token"

func setup(t *testing.T) (*Server, *tgbotapi.BotAPI) {
	t.Helper()
	s := New(token)
	t.Cleanup(s.Close)
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, s.Endpoint())
	if err != nil {
		t.Fatalf("NewBotAPIWithAPIEndpoint: %v", err)
	}
	return s, bot
}

func apiErr(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *tgbotapi.Error, got %T %v", err, err)
	}
	return e
}

// startedUser makes a user who has written /start to the bot.
func startedUser(s *Server, id int64) (tgbotapi.User, tgbotapi.Chat) {
	u := s.User(id, "user"+string(rune('a'+id%26))+"xyz", "Lan")
	c := s.PrivateChat(u)
	s.UserSays(c, u, "/start")
	return u, c
}

func TestGetMeAndToken(t *testing.T) {
	s, bot := setup(t)
	if bot.Self.ID != 1000000 || bot.Self.UserName != "nhacviec_bot" || bot.Self.FirstName != "Nhắc việc" || !bot.Self.IsBot {
		t.Fatalf("getMe = %+v", bot.Self)
	}
	if s.BotUser() != bot.Self {
		t.Fatalf("BotUser %+v != %+v", s.BotUser(), bot.Self)
	}
	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("999:wrong", s.Endpoint())
	if e := apiErr(t, err); e.Code != 401 || e.Message != "Unauthorized" {
		t.Fatalf("wrong token: %+v", e)
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatalf("deleteWebhook: %v", err)
	}
}

func TestOffsetSemantics(t *testing.T) {
	s, bot := setup(t)
	u := s.User(7, "lan_nguyen", "Lan")
	c := s.PrivateChat(u)
	id1 := s.UserSays(c, u, "/start")
	id2 := s.UserSays(c, u, "xin chào")
	if id2 != id1+1 {
		t.Fatalf("ids %d %d", id1, id2)
	}
	for range 2 { // re-delivered until confirmed
		ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
		if err != nil || len(ups) != 2 || ups[0].UpdateID != id1 || ups[1].UpdateID != id2 {
			t.Fatalf("getUpdates = %+v, %v", ups, err)
		}
		if !ups[0].Message.IsCommand() || ups[0].Message.Command() != "start" {
			t.Fatalf("no bot_command entity: %+v", ups[0].Message.Entities)
		}
		if ups[1].Message.MessageID != ups[0].Message.MessageID+1 {
			t.Fatalf("message ids %d %d", ups[0].Message.MessageID, ups[1].Message.MessageID)
		}
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id1 + 1})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id2 {
		t.Fatalf("offset id1+1: %+v, %v", ups, err)
	}
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 0})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id2 {
		t.Fatalf("confirmed update came back: %+v, %v", ups, err)
	}
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id2 + 1})
	if err != nil || len(ups) != 0 {
		t.Fatalf("after confirming all: %+v, %v", ups, err)
	}
	if s.Pending() != 0 || s.ConfirmedOffset() != id2+1 {
		t.Fatalf("pending %d confirmed %d", s.Pending(), s.ConfirmedOffset())
	}
	// limit, and the random jump
	s.JumpUpdateID(5000)
	for range 3 {
		s.UserSays(c, u, "x")
	}
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id2 + 1, Limit: 2})
	if err != nil || len(ups) != 2 || ups[0].UpdateID != 5000 || ups[1].UpdateID != 5001 {
		t.Fatalf("limit/jump: %+v, %v", ups, err)
	}
}

func TestAllowedUpdates(t *testing.T) {
	s, bot := setup(t)
	g := s.Group(5, "Nhóm")
	u := s.User(8, "binh_tran", "Bình")
	s.AddUpdate(tgbotapi.Update{ChatMember: &tgbotapi.ChatMemberUpdated{Chat: g, From: u}})
	mid := s.UserSays(g, u, "hi @nhacviec_bot")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != mid {
		t.Fatalf("chat_member should be filtered by default: %+v %v", ups, err)
	}
	if e := ups[0].Message.Entities; len(e) != 1 || e[0].Type != "mention" || e[0].Offset != 3 || e[0].Length != 13 {
		t.Fatalf("mention entity: %+v", e)
	}
	s.UserSays(g, u, "a")
	s.PressButton(g, u, 1, "x")
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: mid + 1, AllowedUpdates: []string{"callback_query"}})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("allowed callback_query: %+v %v", ups, err)
	}
}

func TestLongPoll(t *testing.T) {
	s, bot := setup(t)
	u := s.User(9, "chi_le", "Chi")
	c := s.PrivateChat(u)
	start := time.Now()
	go func() {
		time.Sleep(150 * time.Millisecond)
		s.UserSays(c, u, "/start")
	}()
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
	if err != nil || len(ups) != 1 {
		t.Fatalf("long poll: %+v %v", ups, err)
	}
	if d := time.Since(start); d > 3*time.Second || d < 100*time.Millisecond {
		t.Fatalf("long poll took %v", d)
	}
	start = time.Now()
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Timeout: 1})
	if err != nil || len(ups) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty poll: %+v %v after %v", ups, err, time.Since(start))
	}
}

func TestConflict(t *testing.T) {
	s, bot := setup(t)
	other, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
		done <- err
	}()
	deadline := time.Now().Add(3 * time.Second)
	for {
		s.mu.Lock()
		inFlight := s.poll != nil
		s.mu.Unlock()
		if inFlight {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first poll never arrived")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := other.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatalf("newer poll: %v", err)
	}
	select {
	case err := <-done:
		if e := apiErr(t, err); e.Code != 409 || !strings.Contains(e.Message, "terminated by other getUpdates request") {
			t.Fatalf("older poll: %+v", e)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("older poll was not terminated")
	}
	s.SetConflict(true)
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	if e := apiErr(t, err); e.Code != 409 {
		t.Fatalf("SetConflict: %+v", e)
	}
}

func TestSendMessageValidation(t *testing.T) {
	s, bot := setup(t)
	_, c := startedUser(s, 11)

	msg := tgbotapi.NewMessage(c.ID, "  &lt;b&gt; <b>đậm</b> &amp; 5 > 3 & ok  ")
	msg.ParseMode = tgbotapi.ModeHTML
	m, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("escaped HTML: %v", err)
	}
	if m.Text != "<b> đậm & 5 > 3 & ok" || len(m.Entities) != 1 || m.Entities[0].Type != "bold" || m.Entities[0].Offset != 4 || m.Entities[0].Length != 3 {
		t.Fatalf("rendered %q %+v", m.Text, m.Entities)
	}
	if m.Chat.ID != c.ID || m.From.ID != BotID || m.MessageID != 2 {
		t.Fatalf("message %+v", m)
	}

	bad := map[string]string{
		"<b>x":                    "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
		"a <x> b":                 "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 2",
		"<b>x</i>":                "Bad Request: can't parse entities: Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\"",
		"x </b>":                  "Bad Request: can't parse entities: Unexpected end tag at byte offset 2",
		"5 <3":                    "Bad Request: can't parse entities: Unclosed start tag at byte offset 2",
		"<b></b>":                 "Bad Request: text must be non-empty",
		"<span>x</span>":          "Bad Request: can't parse entities: Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
		strings.Repeat("a", 4097): "Bad Request: message is too long",
	}
	for text, want := range bad {
		msg := tgbotapi.NewMessage(c.ID, text)
		msg.ParseMode = tgbotapi.ModeHTML
		_, err := bot.Send(msg)
		if e := apiErr(t, err); e.Code != 400 || e.Message != want {
			t.Errorf("%.20q: got %d %q, want %q", text, e.Code, e.Message, want)
		}
	}
	if _, err := bot.Send(tgbotapi.NewMessage(c.ID, strings.Repeat("😀", 2048))); err != nil {
		t.Errorf("4096 UTF-16 units should pass: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewMessage(c.ID, strings.Repeat("😀", 2049)))
	if e := apiErr(t, err); e.Message != "Bad Request: message is too long" {
		t.Errorf("emoji too long: %v", e)
	}
	_, err = bot.Send(tgbotapi.NewMessage(c.ID, "   "))
	if e := apiErr(t, err); e.Message != "Bad Request: message text is empty" {
		t.Errorf("empty: %v", e)
	}
	_, err = bot.Send(tgbotapi.NewMessage(424242, "x"))
	if e := apiErr(t, err); e.Code != 400 || e.Message != "Bad Request: chat not found" {
		t.Errorf("unknown chat: %v", e)
	}
	// A user who never wrote to the bot.
	stranger := s.User(12, "stranger", "Ai")
	_, err = bot.Send(tgbotapi.NewMessage(stranger.ID, "x"))
	if e := apiErr(t, err); e.Code != 403 || e.Message != "Forbidden: bot can't initiate conversation with a user" {
		t.Errorf("not started: %v", e)
	}
	s.SetRequireStart(false)
	if _, err := bot.Send(tgbotapi.NewMessage(stranger.ID, "x")); err != nil {
		t.Errorf("SetRequireStart(false): %v", err)
	}
	s.NotStarted(stranger.ID)
	if _, err := bot.Send(tgbotapi.NewMessage(stranger.ID, "x")); err == nil {
		t.Errorf("NotStarted ignored")
	}
	if got := len(s.SentTo(c.ID)); got != 2 {
		t.Errorf("SentTo = %d sends, want 2", got)
	}
}

func TestButtonsEditsAndCallbacks(t *testing.T) {
	s, bot := setup(t)
	u, c := startedUser(s, 21)

	msg := tgbotapi.NewMessage(c.ID, "Việc: nộp báo cáo")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Xong", "done:1")))
	m, err := bot.Send(msg)
	if err != nil || m.ReplyMarkup == nil {
		t.Fatalf("send with keyboard: %v %+v", err, m)
	}

	long := tgbotapi.NewMessage(c.ID, "x")
	long.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("A", strings.Repeat("d", 65))))
	_, err = bot.Send(long)
	if e := apiErr(t, err); e.Message != "Bad Request: BUTTON_DATA_INVALID" {
		t.Fatalf("65-byte data: %v", e)
	}

	upd, cbID := s.PressButton(c, u, m.MessageID, "done:1")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: upd})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery.ID != cbID || ups[0].CallbackQuery.Message.MessageID != m.MessageID {
		t.Fatalf("callback update: %+v %v", ups, err)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(cbID, "Đã xong")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	_, err = bot.Request(tgbotapi.NewCallback(cbID, "again"))
	if e := apiErr(t, err); !strings.HasPrefix(e.Message, "Bad Request: query is too old") {
		t.Fatalf("second answer: %v", e)
	}
	if a := s.CallbackAnswers(); len(a) != 1 || a[0].ID != cbID || a[0].Text != "Đã xong" {
		t.Fatalf("answers %+v", a)
	}

	// editMessageText without reply_markup drops the keyboard, like Telegram.
	edited, err := bot.Send(tgbotapi.NewEditMessageText(c.ID, m.MessageID, "Việc: nộp báo cáo ✅"))
	if err != nil || edited.ReplyMarkup != nil || edited.EditDate == 0 {
		t.Fatalf("edit: %v %+v", err, edited)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageText(c.ID, m.MessageID, "Việc: nộp báo cáo ✅"))
	if e := apiErr(t, err); !strings.HasPrefix(e.Message, "Bad Request: message is not modified") {
		t.Fatalf("same edit: %v", e)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(c.ID, 999, tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("A", "a")))))
	if e := apiErr(t, err); e.Message != "Bad Request: message to edit not found" {
		t.Fatalf("edit missing: %v", e)
	}
	sent := s.SentTo(c.ID)
	if len(sent) != 2 || sent[1].Method != "editMessageText" || sent[1].MessageID != m.MessageID {
		t.Fatalf("sent %+v", sent)
	}

	// A reply carries the full original message.
	rid := s.UserReplies(c, u, "ok", m.MessageID)
	ups, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: rid})
	if r := ups[0].Message.ReplyToMessage; r == nil || r.Text != "Việc: nộp báo cáo ✅" || r.From.ID != BotID {
		t.Fatalf("reply_to_message %+v", r)
	}
}

func TestCommandsAndDocument(t *testing.T) {
	s, bot := setup(t)
	_, c := startedUser(s, 31)
	cmds := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeAllPrivateChats(), "vi",
		tgbotapi.BotCommand{Command: "add", Description: "Thêm việc"})
	if _, err := bot.Request(cmds); err != nil {
		t.Fatalf("setMyCommands: %v", err)
	}
	got := s.Commands()
	if len(got) != 1 || got[0].Commands[0].Command != "add" || got[0].Language != "vi" || !strings.Contains(string(got[0].Scope), "all_private_chats") {
		t.Fatalf("commands %+v", got)
	}
	_, err := bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad-One", Description: "x"}))
	if e := apiErr(t, err); e.Message != "Bad Request: BOT_COMMAND_INVALID" {
		t.Fatalf("bad command: %v", e)
	}

	doc := tgbotapi.NewDocument(c.ID, tgbotapi.FileBytes{Name: "viec.csv", Bytes: []byte("a,b\n1,2\n")})
	doc.Caption = "<b>Xuất</b>"
	doc.ParseMode = tgbotapi.ModeHTML
	m, err := bot.Send(doc)
	if err != nil || m.Document == nil || m.Document.FileName != "viec.csv" || m.Caption != "Xuất" {
		t.Fatalf("sendDocument: %v %+v", err, m)
	}
	last := s.Sent()[len(s.Sent())-1]
	if last.Method != "sendDocument" || last.FileName != "viec.csv" || last.FileSize != 8 || string(last.File) != "a,b\n1,2\n" || last.Caption != "<b>Xuất</b>" {
		t.Fatalf("recorded %+v", last)
	}
}

func TestFaults(t *testing.T) {
	s, bot := setup(t)
	_, c := startedUser(s, 41)

	s.FailNext("sendMessage", 1, Fault{Code: 429, RetryAfter: 7})
	_, err := bot.Send(tgbotapi.NewMessage(c.ID, "x"))
	if e := apiErr(t, err); e.Code != 429 || e.RetryAfter != 7 || e.Message != "Too Many Requests: retry after 7" {
		t.Fatalf("429: %+v", e)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(c.ID, "x")); err != nil {
		t.Fatalf("after fault: %v", err)
	}

	s.FailNext("", 1, Fault{Code: 0})
	_, err = bot.Send(tgbotapi.NewMessage(c.ID, "x"))
	var te *tgbotapi.Error
	if err == nil || errors.As(err, &te) {
		t.Fatalf("network fault: %v", err)
	}
	s.FailNext("sendMessage", 1, Fault{Code: 502, Description: "html"})
	if _, err = bot.Send(tgbotapi.NewMessage(c.ID, "x")); err == nil {
		t.Fatal("html fault: no error")
	}
	s.FailNext("getUpdates", 1, Fault{Code: 500})
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	if e := apiErr(t, err); e.Code != 500 || e.Message != "Internal Server Error" {
		t.Fatalf("500: %+v", e)
	}

	g := s.Group(42, "Nhóm cũ")
	s.Migrate(g.ID, -1000000000042)
	_, err = bot.Send(tgbotapi.NewMessage(g.ID, "x"))
	if e := apiErr(t, err); e.Code != 400 || e.MigrateToChatID != -1000000000042 || e.Message != "Bad Request: group chat was upgraded to a supergroup chat" {
		t.Fatalf("migrate: %+v", e)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(-1000000000042, "x")); err != nil {
		t.Fatalf("send to supergroup: %v", err)
	}

	s.Block(41)
	_, err = bot.Send(tgbotapi.NewMessage(c.ID, "x"))
	if e := apiErr(t, err); e.Code != 403 || e.Message != "Forbidden: bot was blocked by the user" {
		t.Fatalf("block: %+v", e)
	}
	st := s.Stats()
	if st.TooMany != 1 || st.Errors[403] != 1 || st.Requests["sendMessage"] < 6 {
		t.Fatalf("stats %+v", st)
	}

	s.SetLatency(100 * time.Millisecond)
	start := time.Now()
	if _, err := bot.GetMe(); err != nil || time.Since(start) < 100*time.Millisecond {
		t.Fatalf("latency: %v %v", err, time.Since(start))
	}
}

func TestRateLimits(t *testing.T) {
	s, bot := setup(t)
	_, c := startedUser(s, 51)

	s.EnforceLimits(Limits{PerChat: 10, PerChatBurst: 1})
	for i := range 5 { // paced under the limit
		if _, err := bot.Send(tgbotapi.NewMessage(c.ID, "x")); err != nil {
			t.Fatalf("paced send %d: %v", i, err)
		}
		time.Sleep(130 * time.Millisecond)
	}
	if s.Stats().TooMany != 0 {
		t.Fatal("429 while paced")
	}
	var tooMany int
	for range 5 {
		_, err := bot.Send(tgbotapi.NewMessage(c.ID, "x"))
		if err != nil {
			if e := apiErr(t, err); e.Code != 429 || e.RetryAfter < 1 {
				t.Fatalf("burst: %+v", e)
			}
			tooMany++
		}
	}
	if tooMany == 0 || s.Stats().TooMany != tooMany {
		t.Fatalf("tooMany %d, stats %d", tooMany, s.Stats().TooMany)
	}

	s.EnforceLimits(Limits{Global: 5})
	var rejected int
	for i := range 10 {
		_, cc := startedUser(s, int64(100+i))
		if _, err := bot.Send(tgbotapi.NewMessage(cc.ID, "x")); err != nil {
			rejected++
		}
	}
	if rejected < 5 {
		t.Fatalf("global limit: %d rejected", rejected)
	}

	s.EnforceLimits(Limits{PerGroupPerMinute: 3})
	g := s.Group(77, "Nhóm")
	for i := range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(g.ID, "x")); err != nil {
			t.Fatalf("group send %d: %v", i, err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(g.ID, "x"))
	if e := apiErr(t, err); e.Code != 429 || e.RetryAfter < 55 || e.RetryAfter > 60 {
		t.Fatalf("group limit: %+v", e)
	}
}

func TestWaitSent(t *testing.T) {
	s, bot := setup(t)
	_, c := startedUser(s, 61)
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = bot.Send(tgbotapi.NewMessage(c.ID, "một"))
		_, _ = bot.Send(tgbotapi.NewMessage(c.ID, "hai"))
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	x, err := s.WaitSent(ctx, func(x Sent) bool { return x.Text == "hai" })
	if err != nil || x.ChatID != c.ID {
		t.Fatalf("WaitSent: %+v %v", x, err)
	}
	all, err := s.WaitCount(ctx, 2, nil)
	if err != nil || all[0].Text != "một" {
		t.Fatalf("WaitCount: %+v %v", all, err)
	}
	wg.Wait()
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := s.WaitSent(short, func(x Sent) bool { return x.Text == "ba" }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitSent timeout: %v", err)
	}
}

func TestGroupCommandAndPrivacy(t *testing.T) {
	s, bot := setup(t)
	g := s.Supergroup(9, "Đội")
	u := s.User(71, "hoa_pham", "Hoa")
	s.SetPrivacyMode(true)
	if id := s.UserSays(g, u, "chuyện phiếm"); id != 0 {
		t.Fatalf("privacy mode delivered chatter as %d", id)
	}
	id := s.UserSays(g, u, "/add@nhacviec_bot họp 9h")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id {
		t.Fatalf("updates %+v %v", ups, err)
	}
	m := ups[0].Message
	if m.Command() != "add" || m.CommandArguments() != "họp 9h" || m.Chat.ID != -1000000000009 || m.MessageID != 2 {
		t.Fatalf("command %q args %q chat %d id %d", m.Command(), m.CommandArguments(), m.Chat.ID, m.MessageID)
	}
	cm, err := bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: g.ID, UserID: u.ID}})
	if err != nil || cm.Status != "member" {
		t.Fatalf("getChatMember %+v %v", cm, err)
	}
	if _, err := bot.Request(tgbotapi.LeaveChatConfig{ChatID: g.ID}); err != nil {
		t.Fatalf("leaveChat: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewMessage(g.ID, "x"))
	if e := apiErr(t, err); e.Code != 403 || e.Message != "Forbidden: bot is not a member of the supergroup chat" {
		t.Fatalf("after leave: %+v", e)
	}
}

func TestCloseEndsLongPoll(t *testing.T) {
	s := New(token)
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		_, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		close(done)
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	s.Close()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("long poll survived Close")
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("Close took %v", time.Since(start))
	}
}
