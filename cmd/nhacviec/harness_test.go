package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/bot/zalo"
	"github.com/nhacviec/nhacviec/bot/zalo/zalotest"
	"github.com/nhacviec/nhacviec/store"
)

const testToken = "123456:TEST-token-never-logged"

// testClock is the wired app's clock: it runs at the real pace from the
// time a test sets, so tests jump to a deadline instead of sleeping, and
// short real waits (a retry_after) still pass.
type testClock struct {
	mu    sync.Mutex
	t     time.Time
	setAt time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.Add(time.Since(c.setAt))
}

// Set makes the clock show t now.
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t, c.setAt = t, time.Now(); c.mu.Unlock() }

// harness is the real app (store on a file, core, sender, Telegram
// adapter with the real client library) against a fake Bot API server.
type harness struct {
	t     *testing.T
	srv   *telegramtest.Server
	app   *app
	clock *testClock
	db    *store.DB
	group tgbotapi.Chat
	lead  tgbotapi.User
	an    tgbotapi.User
	binh  tgbotapi.User
	stop  func()
	logs  syncBuffer // everything the app logged, at debug level
	paced bool       // keep Telegram's per-chat limits (most tests lift them)
	rate  float64    // NHACVIEC_SEND_RATE (default: 1000, no limit to speak of)
	// zsrv, when set (withZalo), is the fake Zalo Bot API: the app runs
	// both transports, and zalo:z-chi is an administrator.
	zsrv *zalotest.Server
	// maxFile is bot.Bot.MaxFileBytes (0: Telegram's 50 MB).
	maxFile int
	// extra are transports wired beside Telegram's, by name (link_test.go:
	// a Zalo side whose updates go to Bot.Handle).
	extra map[string]bot.Transport
}

const zaloTestToken = "9876543210:ZALO-token-never-logged"

// withZalo runs the Zalo transport too, against a fake Zalo Bot API.
func withZalo(h *harness) {
	h.zsrv = zalotest.New(zaloTestToken)
	h.zsrv.SetMaxPoll(200 * time.Millisecond) // 408s often
	h.t.Cleanup(h.zsrv.Close)
}

// paced makes the harness keep Telegram's per-chat limits.
func paced(h *harness) { h.paced = true }

// sendRate sets the sender's overall rate.
func sendRate(r float64) func(*harness) { return func(h *harness) { h.rate = r } }

// maxFile sets the largest export the bot sends (bot.Bot.MaxFileBytes).
func maxFile(n int) func(*harness) { return func(h *harness) { h.maxFile = n } }

// syncBuffer is a bytes.Buffer safe for the app's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// monday0900 is a working Monday morning in Hanoi time.
var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")
var monday0900 = time.Date(2026, 11, 23, 9, 0, 0, 0, hcm)

func newHarness(t *testing.T, opts ...func(*harness)) *harness {
	t.Helper()
	srv := telegramtest.New(testToken)
	t.Cleanup(srv.Close)
	h := &harness{t: t, srv: srv, clock: &testClock{}}
	for _, o := range opts {
		o(h)
	}
	h.clock.Set(monday0900)
	h.start(filepath.Join(t.TempDir(), "nhacviec.db"))
	h.group = srv.Group(42, "Phòng Tổng hợp")
	h.lead = srv.User(101, "lead", "Lãnh")
	h.an = srv.User(102, "an", "An")
	h.binh = srv.User(103, "binh", "Bình")
	return h
}

// start wires and runs the app on the database at path.
func (h *harness) start(path string) {
	t := h.t
	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	log := zerolog.New(&h.logs).Level(zerolog.DebugLevel)
	tg, err := telegram.New(telegram.Config{Token: testToken, APIURL: h.srv.URL(), Log: log, PollTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Timezone: "Asia/Ho_Chi_Minh", SendRate: 1000, Admins: []string{"telegram:101"}} // lead
	if h.rate > 0 {
		cfg.SendRate = h.rate
	}
	transports := map[string]bot.Transport{telegram.Transport: tg}
	var zl *zalo.Zalo
	if h.zsrv != nil {
		if zl, err = zalo.New(ctx, zalo.Config{Token: zaloTestToken, APIURL: h.zsrv.URL(), Log: log, PollTimeout: time.Second}); err != nil {
			t.Fatal(err)
		}
		transports[zalo.Transport] = zl
		cfg.Admins = append(cfg.Admins, "zalo:z-chi")
		cfg.ZaloSendRate = 1000
	}
	h.db = db
	for name, tr := range h.extra {
		transports[name] = tr
	}
	h.app, err = newApp(ctx, cfg, db, log, h.clock.Now, tg.Username(), transports)
	if err != nil {
		t.Fatal(err)
	}
	h.app.bot.MaxFileBytes = h.maxFile
	if !h.paced {
		h.app.sender.PrivatePerSecond, h.app.sender.GroupPerMinute = 1000, 60000
		if zl != nil {
			h.app.sender.Paces[zalo.Transport] = bot.Pace{Rate: 1000, PrivatePerSecond: 1000, GroupPerMinute: 60000}
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	release := h.app.sender.Hold() // as run does: the kept updates first
	go func() { defer wg.Done(); h.app.sender.Run(ctx) }()
	go func() { defer wg.Done(); tg.Run(ctx, h.app.bot) }()
	if zl != nil {
		wg.Add(1)
		go func() { defer wg.Done(); zl.Run(ctx, h.app.bot) }()
	}
	select {
	case <-tg.CaughtUp():
	case <-time.After(10 * time.Second):
		t.Fatal("the updates kept while the bot was down were not handled")
	}
	release()
	stopped := false
	h.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		wg.Wait()
		db.Close()
	}
	t.Cleanup(h.stop)
}

// restart stops the app and starts it again on the same database.
func (h *harness) restart() {
	path := h.db.Path()
	h.stop()
	h.start(path)
}

// hello makes the people known to the bot: everyone speaks in the group,
// and those listed open a private chat with /start.
func (h *harness) hello(private ...tgbotapi.User) {
	for _, u := range []tgbotapi.User{h.lead, h.an, h.binh} {
		h.srv.UserSays(h.group, u, "/viec")
	}
	for _, u := range private {
		h.srv.UserSays(h.srv.PrivateChat(u), u, "/start")
	}
	h.settle()
}

// say sends text as from in chat and returns the bot's reply to it.
func (h *harness) say(chat tgbotapi.Chat, from tgbotapi.User, text string) telegramtest.Sent {
	h.t.Helper()
	return h.reply(chat, from, text, 0)
}

// reply sends a reply to message replyTo (0: not a reply) and returns the
// bot's reply to it.
func (h *harness) reply(chat tgbotapi.Chat, from tgbotapi.User, text string, replyTo int) telegramtest.Sent {
	h.t.Helper()
	var id int
	// What the reply answers must be on record (sent and remembered) first,
	// as it is for a person who reads it before answering.
	h.settle()
	if replyTo == 0 {
		id = h.srv.UserSays(chat, from, text)
	} else {
		id = h.srv.UserReplies(chat, from, text, replyTo)
	}
	msg := h.srv.MessageOf(id)
	return h.wait(func(s telegramtest.Sent) bool { return s.ChatID == chat.ID && s.ReplyTo == msg })
}

// wait returns the first sent message matching pred, failing after 5 s.
func (h *harness) wait(pred func(telegramtest.Sent) bool) telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := h.srv.WaitSent(ctx, pred)
	if err != nil {
		h.t.Fatalf("no matching message from the bot: %v\nsent so far:\n%s", err, h.dump())
	}
	return s
}

// settle waits until every update was handled and the outbox is empty.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if h.srv.Pending() == 0 && (h.zsrv == nil || h.zsrv.Pending() == 0) && h.outboxEmpty() {
			return
		}
		// The test's clock may have moved past a message planned ahead
		// (clock.Set): the sender, asleep until its time by the wall
		// clock, is told.
		h.app.sender.Wake()
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatalf("bot did not settle: %d updates pending\n%s", h.srv.Pending(), h.dump())
}

func (h *harness) outboxEmpty() bool {
	_, pending, err := h.db.NextDue(context.Background(), time.Time{})
	if err != nil {
		h.t.Fatal(err)
	}
	if !pending {
		return true
	}
	due, err := h.db.Due(context.Background(), h.clock.Now(), 1)
	if err != nil {
		h.t.Fatal(err)
	}
	return len(due) == 0 // what is left waits for a later time
}

// tick runs the scheduler at now and waits for what it planned to be sent.
func (h *harness) tick(now time.Time) {
	h.t.Helper()
	h.clock.Set(now)
	if _, err := h.app.scheduler.RunOnce(context.Background(), now); err != nil {
		h.t.Fatal(err)
	}
	h.app.sender.Wake()
	h.settle()
}

func (h *harness) dump() string {
	var b strings.Builder
	for _, s := range h.srv.Sent() {
		b.WriteString("  → " + s.Method + " " + formatChat(s.ChatID) + ": " + strings.ReplaceAll(s.Plain, "\n", " | ") + "\n")
	}
	return b.String()
}

func formatChat(id int64) string { return strconv.FormatInt(id, 10) }

// task reads a task straight from the store.
func (h *harness) task(id int64) *nhacviec.Task {
	h.t.Helper()
	var task *nhacviec.Task
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		task, err = tx.Task(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return task
}

// count returns how many tasks are stored.
func (h *harness) count() int {
	h.t.Helper()
	var n int
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		all, err := tx.FindTasks(nhacviec.TaskFilter{})
		n = len(all)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}
