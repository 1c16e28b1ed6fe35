package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/bot/zalo"
	"github.com/nhacviec/nhacviec/bot/zalo/zalotest"
)

var (
	zChi  = zalotest.User{ID: "z-chi", DisplayName: "Trần Thị Chi"}
	zDung = zalotest.User{ID: "z-dung", DisplayName: "Lê Văn Dũng"}
)

// zaloReplies waits for n messages to the Zalo chat and returns their
// texts.
func (h *harness) zaloReplies(chat string, n int) []string {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := h.zsrv.WaitCount(ctx, n, func(s zalotest.Sent) bool { return s.ChatID == chat })
	if err != nil {
		h.t.Fatalf("%v; to %s so far: %q", err, chat, h.zsrv.TextsTo(chat))
	}
	var out []string
	for _, s := range got {
		out = append(out, s.Text+s.Caption)
	}
	return out
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// One process, both apps: people on Zalo start the bot, one assigns a
// task to another and both read plain text on Zalo, while Telegram keeps
// working beside it.
func TestZaloStartAndAssign(t *testing.T) {
	h := newHarness(t, withZalo)
	h.hello(h.an)
	h.zsrv.Text(zChi, zalotest.Private(zChi), "/start")
	got := h.zaloReplies(zChi.ID, 1)
	if !strings.HasPrefix(got[0], "Chào Trần Thị Chi!") || strings.ContainsAny(got[0], "<>") || strings.Contains(got[0], "&lt;") {
		t.Fatalf("welcome on Zalo: %q", got[0])
	}
	h.zsrv.Text(zDung, zalotest.Private(zDung), "/start")
	h.zaloReplies(zDung.ID, 1)
	// Zalo accounts have no username; addressing them by name is built
	// elsewhere. Here Dũng is given one in the store, so that /giao can
	// name him.
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		return tx.EnsurePerson(&nhacviec.Person{Transport: zalo.Transport, ExternalID: zDung.ID, Username: "dung", DisplayName: zDung.DisplayName})
	})
	if err != nil {
		t.Fatal(err)
	}
	h.zsrv.Text(zChi, zalotest.Private(zChi), "/giao @dung Báo cáo quý IV hạn 20/12")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	reply, err := h.zsrv.WaitSent(ctx, func(s zalotest.Sent) bool {
		return s.ChatID == zChi.ID && strings.Contains(s.Text, "Báo cáo quý IV")
	})
	if err != nil || strings.Contains(reply.Text, "<b>") {
		t.Fatalf("the reply to /giao on Zalo: %q %v; sent %q", reply.Text, err, h.zsrv.TextsTo(zChi.ID))
	}
	notice, err := h.zsrv.WaitSent(ctx, func(s zalotest.Sent) bool {
		return s.ChatID == zDung.ID && strings.Contains(s.Text, "Báo cáo quý IV")
	})
	if err != nil || strings.Contains(notice.Text, "<b>") {
		t.Fatalf("Dũng's notice: %q %v", notice.Text, err)
	}
	if task := h.task(1); task.Title != "Báo cáo quý IV" {
		t.Errorf("task %+v", task)
	}
	for _, p := range h.zsrv.Sent() { // an admin's welcome with help is long: parts
		if units(p.Text) > zalo.MaxText {
			t.Errorf("a part of %d characters", units(p.Text))
		}
	}
	// Telegram, beside it, still answers.
	h.say(h.srv.PrivateChat(h.an), h.an, "/viec")
	h.settle()
	if strings.Contains(h.logs.String(), zaloTestToken) {
		t.Error("the Zalo token is in the logs")
	}
}

// A list longer than a Zalo message arrives in parts of at most 2,000
// characters, cut between lines.
func TestZaloLongListIsSplitOnLines(t *testing.T) {
	h := newHarness(t, withZalo)
	h.zsrv.Text(zDung, zalotest.Private(zDung), "/start")
	h.zaloReplies(zDung.ID, 1)
	var titles []string
	err := h.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		me := &nhacviec.Person{Transport: zalo.Transport, ExternalID: zDung.ID, DisplayName: zDung.DisplayName}
		if err := tx.EnsurePerson(me); err != nil {
			return err
		}
		for i := range 40 {
			title := fmt.Sprintf("Rà soát hồ sơ thủ tục hành chính số %02d của đơn vị trực thuộc Sở", i)
			titles = append(titles, title)
			if err := tx.CreateTask(&nhacviec.Task{Title: title, AssignerID: me.ID, AssigneeID: me.ID, ChatID: me.PrivateChatID,
				Deadline: monday0900.Add(time.Duration(48+i) * time.Hour), Status: nhacviec.StatusOpen}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.zsrv.Text(zDung, zalotest.Private(zDung), "/viec")
	// The answer is over 3,000 characters: at least two parts.
	h.zaloReplies(zDung.ID, 3)
	time.Sleep(300 * time.Millisecond) // the last parts
	parts := h.zsrv.TextsTo(zDung.ID)[1:]
	total := 0
	for i, p := range parts {
		total += units(p)
		if units(p) > zalo.MaxText {
			t.Errorf("part %d: %d characters", i, units(p))
		}
		if strings.HasPrefix(p, "\n") || strings.HasSuffix(p, " ") {
			t.Errorf("part %d cut mid-line: %q…", i, p[:min(len(p), 40)])
		}
	}
	if total < 3000 || len(parts) < 2 {
		t.Fatalf("%d parts, %d characters", len(parts), total)
	}
	all := strings.Join(parts, "\n")
	for _, title := range titles {
		if !strings.Contains(all, title) {
			t.Errorf("%q is missing or cut", title)
		}
	}
}

// A burst on Zalo with 408s between polls, 5xx on getUpdates and
// sendMessage, and messages delivered twice: every person gets one
// answer, none lost, none doubled.
func TestZaloBurstWithFaultsLosesAndDoublesNothing(t *testing.T) {
	h := newHarness(t, withZalo)
	h.zsrv.FailNext("getUpdates", 1, zalotest.Fault{Code: 502})
	h.zsrv.FailNext("sendMessage", 5, zalotest.Fault{Code: 500})
	const n = 30
	var people []zalotest.User
	for i := range n {
		u := zalotest.User{ID: fmt.Sprintf("z-%03d", i), DisplayName: fmt.Sprintf("Người %d", i)}
		people = append(people, u)
		id := h.zsrv.Text(u, zalotest.Private(u), "/start")
		if i%5 == 0 {
			h.zsrv.Again(id) // Zalo delivers it twice
		}
	}
	for _, u := range people {
		h.zaloReplies(u.ID, 1)
	}
	h.settle()
	time.Sleep(500 * time.Millisecond) // room for a double to show
	for _, u := range people {
		// The welcome may come in parts; it comes once.
		welcomes := 0
		for _, text := range h.zsrv.TextsTo(u.ID) {
			if strings.HasPrefix(text, "Chào "+u.DisplayName+"!") {
				welcomes++
			}
		}
		if welcomes != 1 {
			t.Errorf("%s welcomed %d times: %q", u.ID, welcomes, h.zsrv.TextsTo(u.ID))
		}
	}
	st := h.zsrv.Stats()
	if st.Errors[500] != 5 || st.Errors[502] != 1 || st.Polls408 == 0 {
		t.Errorf("faults served: %v", st.Errors)
	}
	if strings.Contains(h.logs.String(), zaloTestToken) {
		t.Error("the Zalo token is in the logs")
	}
}

// The real run path with only a Zalo token (it refused to start before),
// and with both: each app's person is answered by its own transport.
func TestRunWithZalo(t *testing.T) {
	for _, both := range []bool{false, true} {
		zsrv := zalotest.New(zaloTestToken)
		defer zsrv.Close()
		zsrv.SetMaxPoll(100 * time.Millisecond)
		vars := map[string]string{
			"NHACVIEC_ZALO_TOKEN":   zaloTestToken,
			"NHACVIEC_ZALO_API_URL": zsrv.URL(),
			"NHACVIEC_DB":           filepath.Join(t.TempDir(), "run.db"),
			"NHACVIEC_LOG_LEVEL":    "debug",
			"NHACVIEC_HTTP_ADDR":    "off",
		}
		var tsrv *telegramtest.Server
		if both {
			tsrv = telegramtest.New(testToken)
			defer tsrv.Close()
			vars["NHACVIEC_TELEGRAM_TOKEN"], vars["NHACVIEC_TELEGRAM_API_URL"] = testToken, tsrv.URL()
		}
		var logs syncBuffer
		m := &Main{Stdout: &bytes.Buffer{}, Stderr: &logs, Getenv: env(vars)}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx, []string{"run"}) }()
		wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
		zsrv.Text(zChi, zalotest.Private(zChi), "/start")
		if _, err := zsrv.WaitSent(wctx, func(s zalotest.Sent) bool { return strings.HasPrefix(s.Text, "Chào Trần Thị Chi!") }); err != nil {
			t.Fatalf("both %v: no welcome on Zalo: %v\n%s", both, err, logs.String())
		}
		if both {
			an := tsrv.User(7, "an", "An")
			tsrv.UserSays(tsrv.PrivateChat(an), an, "/start")
			if _, err := tsrv.WaitSent(wctx, func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Chào An") }); err != nil {
				t.Fatalf("no welcome on Telegram: %v", err)
			}
			if len(zsrv.SentTo("7")) != 0 {
				t.Error("a Telegram answer went to Zalo")
			}
		}
		wcancel()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("both %v: run: %v", both, err)
		}
		if strings.Contains(logs.String(), zaloTestToken) || strings.Contains(logs.String(), "ZALO-token") || strings.Contains(logs.String(), "TEST-token") {
			t.Fatalf("both %v: a token appears in the logs", both)
		}
	}
}

// /healthz watches Zalo's polling too.
func TestHealthzWatchesZalo(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	f := &fakeHealth{now: t0, started: t0.Add(-time.Hour), poll: t0.Add(-5 * time.Second), run: t0.Add(-40 * time.Second)}
	h := f.check()
	zalo := t0.Add(-5 * time.Second)
	h.zaloPoll = func() time.Time { return zalo }
	if code, r := getHealth(t, h); code != 200 || r.ZaloPollAgeS == nil || *r.ZaloPollAgeS != 5 {
		t.Fatalf("fresh: %d %+v", code, r)
	}
	zalo = t0.Add(-2 * time.Minute)
	if code, r := getHealth(t, h); code != 503 || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "Zalo") {
		t.Fatalf("stale Zalo poll: %d %+v", code, r)
	}
}
