package main

// Fault injection with the real binary (issue 5, "Done when"): the
// nhacviec program is built once, run against the fake Bot API
// (telegramtest) on loopback, killed with SIGKILL at random moments under
// load, throttled with 429s during a fan-out, and fed broken network
// answers while its stderr is searched for the token.
//
// The short version runs in CI with `go test -race ./...`. The long
// version (more kills, more people, a 1,000-recipient fan-out at the
// default 25 messages/s) runs on demand:
//
//	NHACVIEC_FAULT_LONG=1 go test -race -run Fault -v -timeout 30m ./cmd/nhacviec/
//
// NHACVIEC_FAULT_SEED=N replays the random choices (kill moments, command
// order) of an earlier run; every run logs its seed. NHACVIEC_FAULT_LOGS=DIR
// keeps the binary's stderr of a failed test in DIR.
//
// The in-process part of the suite (downtime catch-up, with the harness's
// clock) is in fault_test.go; kill -9 with Telegram and Zalo in one
// process, in fault_mixed_test.go. Run the whole suite with
//
//	go test -race -run Fault -v ./cmd/nhacviec/

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/store"
)

// faultLong reports whether the long version was asked for.
func faultLong() bool { return os.Getenv("NHACVIEC_FAULT_LONG") == "1" }

// faultRand returns the run's random source and logs its seed.
func faultRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("NHACVIEC_FAULT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("NHACVIEC_FAULT_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with NHACVIEC_FAULT_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// ---- the binary ----

var builtBinary struct {
	once sync.Once
	path string
	err  error
}

// nhacviecBinary builds ./cmd/nhacviec once per test process
// (CGO_ENABLED=0, as the release build: CI's static build has filled the
// build cache, so this is mostly a link). The binary lives in a per-user
// directory under the system temp dir, named after this process; binaries
// of test processes that are gone are removed, so runs leave at most one
// behind each.
func nhacviecBinary(t *testing.T) string {
	t.Helper()
	builtBinary.once.Do(func() {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("nhacviec-faulttest-%d", os.Getuid()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			builtBinary.err = err
			return
		}
		removeStaleBinaries(dir)
		path := filepath.Join(dir, fmt.Sprintf("nhacviec-%d", os.Getpid()))
		cmd := exec.Command("go", "build", "-o", path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			builtBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		builtBinary.path = path
	})
	if builtBinary.err != nil {
		t.Fatal(builtBinary.err)
	}
	return builtBinary.path
}

func removeStaleBinaries(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		pid, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "nhacviec-"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// freeAddr returns a loopback address nobody listens on, for
// NHACVIEC_HTTP_ADDR: parallel runs must not fight over the default
// 127.0.0.1:8080.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// deployment is one installation of the bot: a database file, a token,
// a Bot API URL and the bot's clock, run as the real binary as many
// times as a test likes, one process at a time.
type deployment struct {
	t      *testing.T
	bin    string
	token  string
	apiURL string
	db     string
	http   string
	admins string
	rate   string
	extra  []string // more environment, e.g. a second transport's
	// The bot's clock is base at t0 and runs at the real pace; shift
	// moves it forward (downtime). Every start continues it.
	base  time.Time
	t0    time.Time
	shift time.Duration
	logs  syncBuffer // stderr of every process, in order
	proc  *botProcess
}

func newDeployment(t *testing.T, token, apiURL string, base time.Time) *deployment {
	t.Helper()
	d := &deployment{t: t, bin: nhacviecBinary(t), token: token, apiURL: apiURL,
		db: filepath.Join(t.TempDir(), "nhacviec.db"), http: freeAddr(t), base: base, t0: time.Now(), rate: "1000"}
	t.Cleanup(func() {
		if d.proc != nil {
			d.proc.kill()
		}
		// NHACVIEC_FAULT_LOGS=DIR keeps the processes' stderr of failed
		// tests.
		if dir := os.Getenv("NHACVIEC_FAULT_LOGS"); dir != "" && t.Failed() {
			name := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".log")
			if err := os.WriteFile(name, []byte(d.logs.String()), 0o644); err == nil {
				t.Logf("the processes' stderr is in %s", name)
			}
		}
	})
	return d
}

// botNow is the bot's clock now.
func (d *deployment) botNow() time.Time { return d.base.Add(time.Since(d.t0) + d.shift) }

func (d *deployment) env() []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"NHACVIEC_TELEGRAM_TOKEN=" + d.token,
		"NHACVIEC_TELEGRAM_API_URL=" + d.apiURL,
		"NHACVIEC_DB=" + d.db,
		"NHACVIEC_HTTP_ADDR=" + d.http,
		"NHACVIEC_CLOCK=" + d.botNow().Format(time.RFC3339Nano),
		"NHACVIEC_LOG_LEVEL=debug",
		"NHACVIEC_SEND_RATE=" + d.rate,
		"NHACVIEC_ADMINS=" + d.admins,
	}, d.extra...)
}

// start runs the binary; the previous process must have ended.
func (d *deployment) start() *botProcess {
	d.t.Helper()
	if d.proc != nil && !d.proc.exited() {
		d.t.Fatal("start: the previous process still runs")
	}
	fmt.Fprintf(&d.logs, "=== start at bot time %s\n", d.botNow().Format(time.RFC3339))
	cmd := exec.Command(d.bin, "run")
	cmd.Env = d.env()
	cmd.Stdout = &d.logs
	cmd.Stderr = &d.logs
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	p := &botProcess{cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	d.proc = p
	return p
}

// tail is the end of the logs, for failure messages.
func (d *deployment) tail() string {
	s := d.logs.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

// botProcess is one run of the binary.
type botProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func (p *botProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *botProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// stop sends SIGTERM and waits up to timeout for a clean exit; it kills
// the process after that and reports the exit error.
func (p *botProcess) stop(timeout time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.kill()
		return fmt.Errorf("no exit within %v of SIGTERM", timeout)
	}
}

// wait waits up to timeout for the process to end by itself and reports
// whether it did, and how.
func (p *botProcess) wait(timeout time.Duration) (ended bool, err error) {
	select {
	case <-p.done:
		return true, p.err
	case <-time.After(timeout):
		return false, nil
	}
}

// ---- seeding a database ----

type seedTask struct {
	Title              string
	Assigner, Assignee int64 // Telegram user ids
	Deadline, Created  time.Time
}

// seedStore writes what an earlier life of the deployment would have
// left: the group, people who opened a private chat with the bot, and
// open tasks assigned in the group, due to be planned at once. It returns
// the tasks' ids, in order.
func seedStore(t *testing.T, path string, now time.Time, group tgbotapi.Chat, people []tgbotapi.User, tasks []seedTask) []int64 {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	var ids []int64
	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		g := &nhacviec.Chat{Transport: telegram.Transport, ExternalID: strconv.FormatInt(group.ID, 10), Kind: nhacviec.ChatGroup, Title: group.Title}
		if err := tx.EnsureChat(g); err != nil {
			return err
		}
		person := map[int64]int64{}
		for _, u := range people {
			c := &nhacviec.Chat{Transport: telegram.Transport, ExternalID: strconv.FormatInt(u.ID, 10), Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			p := &nhacviec.Person{Transport: telegram.Transport, ExternalID: strconv.FormatInt(u.ID, 10), Username: u.UserName,
				DisplayName: u.FirstName, PrivateChatID: c.ID}
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			person[u.ID] = p.ID
		}
		for _, st := range tasks {
			task := &nhacviec.Task{Title: st.Title, AssignerID: person[st.Assigner], AssigneeID: person[st.Assignee], ChatID: g.ID,
				Deadline: st.Deadline, Status: nhacviec.StatusOpen, CreatedAt: st.Created, NextPlanAt: now.Add(-time.Minute)}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			ids = append(ids, task.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// outboxRow is one outbox row as the database holds it after the run.
type outboxRow struct {
	ID        int64
	Key       string
	Kind      string
	TaskID    int64
	Text      string
	ReplyTo   string
	State     string
	LastError string
	NotBefore time.Time
	Chat      int64 // Telegram chat id
}

// readOutbox reads every outbox row. The process must have exited: the
// database is opened with store.Open (and its lock) first.
func readOutbox(t *testing.T, path string) []outboxRow {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("store.Open after the run: %v", err)
	}
	db.Close()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT o.id, COALESCE(o.key, ''), o.kind, COALESCE(o.task_id, 0), o.text, o.reply_to,
			o.state, o.last_error, o.not_before, c.external_id
		FROM outbox o JOIN chats c ON c.id = o.chat_id ORDER BY o.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		var nb int64
		var ext string
		if err := rows.Scan(&r.ID, &r.Key, &r.Kind, &r.TaskID, &r.Text, &r.ReplyTo, &r.State, &r.LastError, &nb, &ext); err != nil {
			t.Fatal(err)
		}
		r.NotBefore = time.UnixMilli(nb)
		r.Chat, _ = strconv.ParseInt(ext, 10, 64)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedTask is a task with its history's count of "done" entries.
type storedTask struct {
	*nhacviec.Task
	DoneEvents int
	Assignee   string // Telegram user id
}

func readTasks(t *testing.T, path string) []storedTask {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("store.Open after the run: %v", err)
	}
	defer db.Close()
	var out []storedTask
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		all, err := tx.FindTasks(nhacviec.TaskFilter{})
		if err != nil {
			return err
		}
		for _, task := range all {
			evs, err := tx.Events(task.ID)
			if err != nil {
				return err
			}
			st := storedTask{Task: task}
			for _, e := range evs {
				if e.Kind == nhacviec.EventDone {
					st.DoneEvents++
				}
			}
			p, err := tx.Person(task.AssigneeID)
			if err != nil {
				return err
			}
			st.Assignee = p.ExternalID
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ---- 1. crash safety ----

// command is one update the load generator gave the fake server.
type command struct {
	Kind    string // giao, xong, reply, viec
	Update  int
	Chat    int64
	Msg     int // the user's message id in Chat
	Title   string
	Task    int64 // xong, reply: the task meant
	ReplyTo int   // reply: the bot message answered
}

var taskRef = regexp.MustCompile(`việc #(\d+)`)

// TestFaultCrashKill9 runs the binary under load and kills it with
// SIGKILL at random moments, restarting it on the same database each
// time, then checks the invariants of docs/ARCHITECTURE.md ("Updates",
// "Messages") from the fake server's records and the database: no
// acknowledged command lost or applied twice, no reminder lost, no message
// sent twice except at most one per kill.
func TestFaultCrashKill9(t *testing.T) {
	scale := struct {
		kills, assignees, tasks, giao, xong, reply, viec int
		spread                                           time.Duration
		minUp, maxUp                                     time.Duration
	}{12, 30, 90, 40, 15, 12, 10, 8 * time.Second, 200 * time.Millisecond, 1800 * time.Millisecond}
	if faultLong() {
		scale.kills, scale.assignees, scale.tasks = 60, 120, 600
		scale.giao, scale.xong, scale.reply, scale.viec = 300, 100, 80, 60
		scale.spread, scale.minUp, scale.maxUp = 60*time.Second, 100*time.Millisecond, 2500*time.Millisecond
	}
	rng := faultRand(t)
	start := time.Now()

	const token = "424242:CRASH-secret-token"
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	srv.SetRequireStart(false)            // the seeded people opened their private chats long ago
	srv.SetLatency(15 * time.Millisecond) // widen the window in which a send is in flight
	group := srv.Group(42, "Phòng Tổng hợp")
	// The sender keeps Telegram's pace (about 1 message a second in a
	// private chat, 20 a minute in a group), so the load is spread over
	// many chats: five assigners who mostly assign from their private
	// chat, and many assignees.
	var assigners []tgbotapi.User
	for i := 0; i < 5; i++ {
		assigners = append(assigners, srv.User(int64(101+i), fmt.Sprintf("lanhdao%d", i+1), fmt.Sprintf("Lãnh đạo %d", i+1)))
	}
	var assignees []tgbotapi.User
	for i := 0; i < scale.assignees; i++ {
		assignees = append(assignees, srv.User(int64(201+i), fmt.Sprintf("nv%03d", i+1), fmt.Sprintf("Nhân viên %d", i+1)))
	}
	people := append(append([]tgbotapi.User{}, assigners...), assignees...)
	for _, u := range people {
		srv.PrivateChat(u)
	}

	base := monday0900
	d := newDeployment(t, token, srv.URL(), base)
	d.admins = "tg:101,tg:102,tg:103,tg:104,tg:105"
	// Tasks assigned last week, due one after another a few seconds into
	// the run: each has today's reminder (due at once, late) and, at its
	// deadline, an overdue notice to the assignee and, for one in five
	// assigned by a leader, to that leader.
	var seeds []seedTask
	first := base.Add(5 * time.Second)
	for i := 0; i < scale.tasks; i++ {
		who := assignees[i%len(assignees)].ID
		by := who
		if i%5 == 0 {
			by = assigners[(i/5)%len(assigners)].ID
		}
		seeds = append(seeds, seedTask{Title: fmt.Sprintf("Việc cũ %03d", i+1), Assigner: by, Assignee: who,
			Deadline: first.Add(time.Duration(i) * scale.spread / time.Duration(scale.tasks)), Created: base.AddDate(0, 0, -7)})
	}
	ids := seedStore(t, d.db, base, group, people, seeds)
	lastDeadline := seeds[len(seeds)-1].Deadline
	seedOf := map[int64]seedTask{}
	for i, id := range ids {
		seedOf[id] = seeds[i]
	}

	// The load: commands in random order, spread over the kill loop.
	var kinds []string
	for k, n := range map[string]int{"giao": scale.giao, "xong": scale.xong, "reply": scale.reply, "viec": scale.viec} {
		for i := 0; i < n; i++ {
			kinds = append(kinds, k)
		}
	}
	sort.Strings(kinds)
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	targets := append([]int64(nil), ids...)
	rng.Shuffle(len(targets), func(i, j int) { targets[i], targets[j] = targets[j], targets[i] })
	targeted := map[int64]bool{}
	nextTarget := func() int64 {
		for len(targets) > 0 {
			id := targets[0]
			targets = targets[1:]
			if !targeted[id] {
				targeted[id] = true
				return id
			}
		}
		return 0
	}
	userByID := map[int64]tgbotapi.User{}
	for _, u := range people {
		userByID[u.ID] = u
	}
	genRng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())) // the generator's own: rand.Rand is not safe for concurrent use
	var cmdMu sync.Mutex
	var cmds []command
	issue := func(kind string, n int) {
		var c command
		switch kind {
		case "giao":
			from := assigners[genRng.IntN(len(assigners))]
			to := assignees[genRng.IntN(len(assignees))]
			chat := srv.PrivateChat(from)
			if genRng.IntN(6) == 0 {
				chat = group
			}
			c = command{Kind: kind, Chat: chat.ID, Title: fmt.Sprintf("Việc mới %03d", n)}
			c.Update = srv.UserSays(chat, from, fmt.Sprintf("/giao @%s %s hạn mai", to.UserName, c.Title))
		case "reply":
			// "xong" in answer to today's reminder of a task not yet
			// meant, read for half a second at least, as a person would.
			for _, s := range srv.Sent() {
				m := taskRef.FindStringSubmatch(s.Plain)
				if m == nil || !strings.Contains(s.Plain, "Hôm nay đến hạn") || time.Since(s.At) < 500*time.Millisecond ||
					len(taskRef.FindAllString(s.Plain, 2)) > 1 { // merged: "xong" to it asks which
					continue
				}
				id, _ := strconv.ParseInt(m[1], 10, 64)
				if targeted[id] || seedOf[id].Assignee != s.ChatID {
					continue
				}
				targeted[id] = true
				u := userByID[s.ChatID]
				c = command{Kind: kind, Chat: u.ID, Task: id, ReplyTo: s.MessageID}
				c.Update = srv.UserReplies(srv.PrivateChat(u), u, "xong", s.MessageID)
				break
			}
			if c.Update != 0 {
				break
			}
			kind = "xong" // nothing to answer yet
			fallthrough
		case "xong":
			id := nextTarget()
			if id == 0 {
				return
			}
			u := userByID[seedOf[id].Assignee]
			c = command{Kind: kind, Chat: u.ID, Task: id}
			c.Update = srv.UserSays(srv.PrivateChat(u), u, fmt.Sprintf("/xong %d", id))
		case "viec":
			u := assignees[genRng.IntN(len(assignees))]
			c = command{Kind: kind, Chat: u.ID}
			c.Update = srv.UserSays(srv.PrivateChat(u), u, "/viec")
		}
		c.Msg = srv.MessageOf(c.Update)
		cmdMu.Lock()
		cmds = append(cmds, c)
		cmdMu.Unlock()
	}
	// The generator spreads the commands over the expected length of the
	// kill loop; what is left when the loop ends goes at once.
	loopLen := time.Duration(scale.kills) * (scale.minUp + scale.maxUp) / 2
	interval := loopLen / time.Duration(len(kinds)+1)
	stopGen := make(chan struct{})
	genDone := make(chan struct{})
	go func() {
		defer close(genDone)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i, k := range kinds {
			select {
			case <-tick.C:
			case <-stopGen:
			}
			issue(k, i+1)
		}
	}()

	// The kill loop.
	var kills []time.Time
	for k := 0; k < scale.kills; k++ {
		p := d.start()
		if k == 0 {
			// Today's reminders are planned by the first pass, in one
			// transaction: once one is out, all are planned.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			_, err := srv.WaitSent(ctx, func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Hôm nay đến hạn") })
			cancel()
			if err != nil {
				t.Fatalf("the first run sent no reminder: %v\n%s", err, d.tail())
			}
		}
		up := scale.minUp + time.Duration(rng.Int64N(int64(scale.maxUp-scale.minUp)))
		if ended, err := p.wait(up); ended {
			t.Fatalf("run %d ended by itself before its kill: %v\n%s", k+1, err, d.tail())
		}
		kills = append(kills, time.Now())
		p.kill()
	}
	close(stopGen)
	<-genDone

	// The last run: after every deadline, so that its first pass plans
	// every overdue notice; it settles, then stops cleanly.
	if now := d.botNow(); now.Before(lastDeadline.Add(time.Second)) {
		d.shift += lastDeadline.Add(time.Second).Sub(now) // downtime instead of a sleep
	}
	p := d.start()
	settled := waitSettled(srv, 90*time.Second, func() bool {
		if n, err := pendingDue(d.db, d.botNow()); err != nil || n > 0 {
			return false
		}
		sent := srv.Sent()
		for _, id := range ids {
			if !sentHas(sent, seedOf[id].Assignee, fmt.Sprintf("Việc #%d đã quá hạn", id)) && !sentHas(sent, 0, fmt.Sprintf("Đã xong việc #%d:", id)) {
				return false
			}
		}
		return true
	})
	if err := p.stop(15 * time.Second); err != nil {
		t.Errorf("the last run did not stop cleanly: %v", err)
	}
	if !settled {
		n, err := pendingDue(d.db, d.botNow())
		t.Errorf("the bot did not settle within 90 s: %d updates pending, %d outbox rows due (%v)", srv.Pending(), n, err)
	}

	// ---- what happened ----
	sent := srv.Sent()
	rows := readOutbox(t, d.db)
	tasks := readTasks(t, d.db)
	byTitle := map[string][]storedTask{}
	byID := map[int64]storedTask{}
	for _, st := range tasks {
		byTitle[st.Title] = append(byTitle[st.Title], st)
		byID[st.ID] = st
	}
	type chatMsg struct {
		chat int64
		msg  string
	}
	replyRows := map[chatMsg]int{}
	replyTexts := map[chatMsg][]string{}
	for _, r := range rows {
		if r.Kind == string(nhacviec.KindReply) && r.ReplyTo != "" {
			replyRows[chatMsg{r.Chat, r.ReplyTo}]++
			replyTexts[chatMsg{r.Chat, r.ReplyTo}] = append(replyTexts[chatMsg{r.Chat, r.ReplyTo}], r.Text)
		}
	}
	// A command's answer went out as a reply to it, or merged with other
	// waiting messages of its chat into one that replies to none.
	repliesTo := func(c command) []telegramtest.Sent {
		var out []telegramtest.Sent
		for _, s := range sent {
			if s.Method != "sendMessage" || s.ChatID != c.Chat {
				continue
			}
			if s.ReplyTo == c.Msg {
				out = append(out, s)
				continue
			}
			for _, text := range replyTexts[chatMsg{c.Chat, strconv.Itoa(c.Msg)}] {
				if s.ReplyTo == 0 && strings.Contains(s.Text, text) {
					out = append(out, s)
					break
				}
			}
		}
		return out
	}

	// Duplicate sends: the same text with the same reply target in the
	// same chat, each copy after the first charged to the last kill
	// before it.
	type sendKey struct {
		chat    int64
		text    string
		replyTo int
	}
	copies := map[sendKey][]telegramtest.Sent{}
	for _, s := range sent {
		if s.Method == "sendMessage" {
			k := sendKey{s.ChatID, s.Text, s.ReplyTo}
			copies[k] = append(copies[k], s)
		}
	}
	perKill := make([]int, len(kills))
	dups := 0
	type chatMsgID struct {
		chat int64
		id   int
	}
	firstCopies := map[chatMsgID]bool{}
	var dupLines []string
	for _, cs := range copies {
		for i, s := range cs[1:] {
			dups++
			firstCopies[chatMsgID{cs[i].ChatID, cs[i].MessageID}] = true
			k := sort.Search(len(kills), func(j int) bool { return !kills[j].Before(s.At) }) - 1
			// The fake may serve a request a little after the sender
			// died (it waits SetLatency before serving): still in flight.
			if k < 0 || cs[i].At.After(kills[k].Add(100*time.Millisecond)) {
				t.Errorf("sent twice with no kill in between: chat %d: %q", s.ChatID, s.Plain)
				continue
			}
			perKill[k]++
			line, _, _ := strings.Cut(s.Plain, "\n")
			dupLines = append(dupLines, fmt.Sprintf("kill %2d: chat %d, copies at kill%s and kill%s: %.60q",
				k+1, s.ChatID, signed(cs[i].At.Sub(kills[k])), signed(s.At.Sub(kills[k])), line))
		}
	}
	sort.Strings(dupLines)
	maxPerKill, killsWithDup := 0, 0
	for _, n := range perKill {
		maxPerKill = max(maxPerKill, n)
		if n > 0 {
			killsWithDup++
		}
	}

	// Commands: each applied once, none lost.
	lost, twice, ignoredReplies := 0, 0, 0
	count := map[string]int{}
	for _, c := range cmds {
		count[c.Kind]++
		if n := replyRows[chatMsg{c.Chat, strconv.Itoa(c.Msg)}]; n > 1 {
			twice++
			t.Errorf("%s (update %d): %d replies stored", c.Kind, c.Update, n)
		}
		replies := repliesTo(c)
		switch c.Kind {
		case "giao":
			got := byTitle[c.Title]
			switch {
			case len(got) == 0:
				lost++
				t.Errorf("lost: /giao of %q (update %d) made no task", c.Title, c.Update)
			case len(got) > 1:
				twice++
				t.Errorf("applied twice: /giao of %q (update %d) made %d tasks", c.Title, c.Update, len(got))
			case len(replies) == 0 || !strings.Contains(replies[0].Plain, fmt.Sprintf("Đã giao việc #%d ", got[0].ID)):
				lost++
				t.Errorf("/giao of %q (update %d): no confirmation delivered (%d replies)", c.Title, c.Update, len(replies))
			}
		case "xong", "reply":
			st := byID[c.Task]
			if st.Task == nil {
				t.Fatalf("task %d is gone", c.Task)
			}
			if c.Kind == "reply" && st.Status == nhacviec.StatusOpen && len(replies) == 0 && firstCopies[chatMsgID{c.Chat, c.ReplyTo}] {
				// The reminder answered went out twice (in flight at a
				// kill); the bot knows only the later copy's id, so the
				// "xong" to the first copy reads as a reply to
				// something else.
				ignoredReplies++
				continue
			}
			switch {
			case st.Status != nhacviec.StatusDone:
				lost++
				t.Errorf("lost: %s of task %d (update %d): status %s", c.Kind, c.Task, c.Update, st.Status)
			case st.DoneEvents != 1:
				twice++
				t.Errorf("%s of task %d (update %d): %d done entries in its history", c.Kind, c.Task, c.Update, st.DoneEvents)
			case len(replies) == 0 || !strings.Contains(replies[0].Plain, fmt.Sprintf("Đã xong việc #%d", c.Task)):
				lost++
				t.Errorf("%s of task %d (update %d): no confirmation delivered", c.Kind, c.Task, c.Update)
			}
		case "viec":
			if len(replies) == 0 {
				lost++
				t.Errorf("lost: /viec (update %d) got no answer", c.Update)
			}
		}
	}
	if srv.Pending() != 0 {
		t.Errorf("%d updates never confirmed", srv.Pending())
	}
	for title, got := range byTitle {
		if len(got) > 1 {
			t.Errorf("%d tasks titled %q", len(got), title)
		}
	}

	// Reminders: every planned row sent or legitimately dropped, and what
	// was marked sent reached the API.
	states := map[string]int{}
	lostRows := 0
	finalBot := d.botNow()
	for _, r := range rows {
		states[r.State]++
		switch r.State {
		case "sent":
			if r.Kind == string(nhacviec.KindAnswer) || r.Kind == string(nhacviec.KindEdit) || len(r.Text) > 3000 {
				continue
			}
			if !sentHasText(sent, r.Chat, r.Text) {
				lostRows++
				t.Errorf("outbox %d (%s %s) is marked sent but never reached chat %d", r.ID, r.Kind, r.Key, r.Chat)
			}
		case "dropped":
			if r.Kind == string(nhacviec.KindReminder) && r.LastError == "deadline passed" {
				continue // held up past its deadline by the kills: the overdue notice says it
			}
			if st := byID[r.TaskID]; !nhacviec.MessageKind(r.Kind).Chasing() || st.Task == nil || st.Status == nhacviec.StatusOpen {
				lostRows++
				t.Errorf("outbox %d (%s %s) dropped (%s) though its task is open", r.ID, r.Kind, r.Key, r.LastError)
			}
		case "pending":
			if !r.NotBefore.After(finalBot) {
				lostRows++
				t.Errorf("outbox %d (%s %s) still pending, due %s", r.ID, r.Kind, r.Key, r.NotBefore.In(hcm).Format(time.TimeOnly))
			}
		default:
			lostRows++
			t.Errorf("outbox %d (%s %s) %s: %s", r.ID, r.Kind, r.Key, r.State, r.LastError)
		}
	}
	// Every seeded task still open had today's reminder and both overdue
	// notices delivered; the reminder may instead have been dropped, when
	// the kills held it up past the task's deadline.
	late := lateReminders(rows)
	for _, id := range ids {
		st := byID[id]
		if st.Status != nhacviec.StatusOpen {
			continue
		}
		s := seedOf[id]
		type want struct {
			chat int64
			text string
		}
		wants := []want{{s.Assignee, fmt.Sprintf("Việc #%d đã quá hạn", id)}}
		if !late[id] {
			wants = append(wants, want{s.Assignee, fmt.Sprintf("Hôm nay đến hạn việc #%d:", id)})
		}
		if s.Assigner != s.Assignee {
			wants = append(wants, want{s.Assigner, fmt.Sprintf("Việc #%d đã quá hạn", id)})
		}
		for _, want := range wants {
			if !sentHas(sent, want.chat, want.text) {
				lostRows++
				t.Errorf("lost: %q never reached chat %d", want.text, want.chat)
			}
		}
	}
	digests := 0
	for _, s := range sent {
		if s.ChatID == group.ID && strings.Contains(s.Plain, "Điểm việc sáng") {
			digests++
		}
	}
	if digests == 0 {
		t.Error("the morning digest never reached the group")
	}

	t.Logf("crash safety: %d kills survived (SIGKILL after %v–%v up), %d runs, bot time %s → %s, took %v",
		len(kills), scale.minUp, scale.maxUp, len(kills)+1, base.Format("15:04:05"), finalBot.In(hcm).Format("15:04:05"), time.Since(start).Round(time.Second))
	t.Logf("crash safety: %d commands (giao %d, xong %d, reply xong %d, viec %d): %d lost, %d applied twice",
		len(cmds), count["giao"], count["xong"], count["reply"], count["viec"], lost, twice)
	t.Logf("crash safety: outbox %d rows: %d sent, %d dropped (task closed), %d failed, %d pending; %d lost",
		len(rows), states["sent"], states["dropped"], states["failed"], states["pending"], lostRows)
	t.Logf("crash safety: %d messages delivered, %d duplicate sends over %d kills (%.2f per kill; %d kills caused any, max %d at one kill; per kill %v)",
		countMethod(sent, "sendMessage"), dups, len(kills), float64(dups)/float64(len(kills)), killsWithDup, maxPerKill, perKill)
	if ignoredReplies > 0 {
		t.Logf("crash safety: %d \"xong\" replies to the first copy of a doubled reminder were not recognised", ignoredReplies)
	}
	if len(dupLines) > 0 {
		t.Logf("crash safety: the duplicate sends:\n%s", strings.Join(dupLines, "\n"))
	}
	// A kill can repeat only the messages in flight: at most the
	// sender's workers (bot.DefaultWorkers).
	if maxPerKill > bot.DefaultWorkers {
		t.Errorf("%d messages sent twice around one kill (at most %d, the sends in flight); per kill: %v", maxPerKill, bot.DefaultWorkers, perKill)
	}
}

// signed formats d with its sign, to the millisecond: +14ms, -2ms.
func signed(d time.Duration) string {
	d = d.Round(time.Millisecond)
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

// waitSettled waits until no update is pending, done() holds and nothing
// new was sent for a second; it gives up after limit.
func waitSettled(srv *telegramtest.Server, limit time.Duration, done func() bool) bool {
	deadline := time.Now().Add(limit)
	last, since := -1, time.Now()
	for time.Now().Before(deadline) {
		n := len(srv.Sent())
		if n != last {
			last, since = n, time.Now()
		}
		if srv.Pending() == 0 && time.Since(since) > time.Second && done() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// pendingDue counts the outbox rows due at now and not sent yet, and
// those waiting to be tried again (a send failed: their time is moved on
// by the backoff, and a settle that skipped them stopped the bot before
// the retry). It reads the database beside the running bot (WAL allows a
// reader in another process; the single-instance lock is a separate
// file).
func pendingDue(path string, now time.Time) (int, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.QueryRow(`SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND (not_before <= ? OR attempts > 0)`, now.UnixMilli()).Scan(&n)
	return n, err
}

// sentHas reports whether a message whose shown text contains s reached
// chat (any chat when 0).
func sentHas(sent []telegramtest.Sent, chat int64, s string) bool {
	for _, m := range sent {
		if (chat == 0 || m.ChatID == chat) && m.Method == "sendMessage" && strings.Contains(m.Plain, s) {
			return true
		}
	}
	return false
}

// sentHasText reports whether text, exactly as the bot sends it, reached
// chat.
// doneHint is the last line of a reminder (bot's textDoneHint).
const doneHint = "Xong thì bấm ✅ hoặc trả lời \"xong\"."

func sentHasText(sent []telegramtest.Sent, chat int64, text string) bool {
	for _, m := range sent {
		// Contains: the message may have gone out merged with others,
		// which say the reminders' last line once for all.
		if m.ChatID == chat && m.Method == "sendMessage" && strings.Contains(m.Text, strings.TrimSuffix(text, "\n"+doneHint)) {
			return true
		}
	}
	return false
}

func countMethod(sent []telegramtest.Sent, method string) int {
	n := 0
	for _, s := range sent {
		if s.Method == method {
			n++
		}
	}
	return n
}

// ---- 3. 429 during a fan-out ----

// apiCall is one request as the recording proxy saw it.
type apiCall struct {
	Method     string
	Chat       string // chat_id of a send
	Arrived    time.Time
	Answered   time.Time
	Status     int
	RetryAfter time.Duration
}

// end is when the retry_after of a 429 runs out.
func (c apiCall) end() time.Time { return c.Answered.Add(c.RetryAfter) }

// recorder is a reverse proxy in front of the fake server that records
// when each request arrived, for which chat, and what it got, so that a
// test can tell whether the bot waited out every 429.
type recorder struct {
	mu    sync.Mutex
	calls []*apiCall
	srv   *httptest.Server
}

type callKey struct{}

func newRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a long poll cut off when the bot stops
	proxy.ModifyResponse = func(resp *http.Response) error {
		call := resp.Request.Context().Value(callKey{}).(*apiCall)
		call.Answered, call.Status = time.Now(), resp.StatusCode
		if resp.StatusCode == http.StatusTooManyRequests {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			var v struct {
				Parameters struct {
					RetryAfter int `json:"retry_after"`
				} `json:"parameters"`
			}
			_ = json.Unmarshal(body, &v)
			call.RetryAfter = time.Duration(v.Parameters.RetryAfter) * time.Second
		}
		r.mu.Lock()
		r.calls = append(r.calls, call)
		r.mu.Unlock()
		return nil
	}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		call := &apiCall{Arrived: time.Now(), Method: req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]}
		if body, err := io.ReadAll(req.Body); err == nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
			if v, err := url.ParseQuery(string(body)); err == nil {
				call.Chat = v.Get("chat_id")
			}
		}
		proxy.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), callKey{}, call)))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// Calls returns the answered calls in the order they were answered.
func (r *recorder) Calls() []apiCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]apiCall, len(r.calls))
	for i, c := range r.calls {
		out[i] = *c
	}
	return out
}

// sendMethods are the calls Telegram's flood limits count.
var sendMethods = map[string]bool{"sendMessage": true, "sendDocument": true, "editMessageText": true,
	"editMessageReplyMarkup": true}

// retryAfterCheck holds what the bot did after the 429s of a run.
type retryAfterCheck struct {
	tooMany int
	// A 429 holds its chat: sends to that chat before its retry_after
	// ran out.
	sameChat int
	// 429s for two chats within a second mean the bot as a whole is over
	// the limit and every send waits (bot.Sender.rateLimited): sends to
	// any chat before the later one's retry_after ran out.
	flood, floods int
	// Sends to other chats during a lone 429's retry_after: allowed by
	// the sender's design (a lone 429 holds only its chat), counted for
	// the record.
	otherChats int
	worst      time.Duration
}

// checkRetryAfter compares every send with every 429 before it. A send
// that arrived within grace of a 429's answer was already on its way.
func checkRetryAfter(calls []apiCall, grace time.Duration) retryAfterCheck {
	var r retryAfterCheck
	var prev *apiCall
	inside := func(c apiCall, s apiCall) bool {
		return sendMethods[s.Method] && s.Arrived.After(c.Answered.Add(grace)) && s.Arrived.Before(c.end())
	}
	for i, c := range calls {
		if c.Status != http.StatusTooManyRequests {
			continue
		}
		r.tooMany++
		flood := prev != nil && prev.Chat != c.Chat && c.Answered.Sub(prev.Answered) < time.Second
		if flood {
			r.floods++
		}
		for _, s := range calls {
			if !inside(c, s) {
				continue
			}
			switch {
			case s.Chat == c.Chat:
				r.sameChat++
			case flood:
				r.flood++
			default:
				r.otherChats++
				continue
			}
			r.worst = max(r.worst, c.end().Sub(s.Arrived))
		}
		prev = &calls[i]
	}
	return r
}

// TestFaultFanOut429 plans one reminder for each of many people at once
// (today's reminder of a task each) while the fake enforces Telegram's
// flood limits and injects extra 429s, and checks that every person gets
// the reminder exactly once and that retry_after is waited out: no send
// to a 429's chat before its retry_after ran out, and none at all while
// the whole flow is over the limit (429s for two chats within a second).
//
// Short version: 200 people, the bot at 60 messages/s against a global
// limit of 50/s (so the limit is hit for real), two injected 429s. Long
// version: 1,000 people at the default 25 messages/s against Telegram's
// 30/s (40 s), five injected 429s.
func TestFaultFanOut429(t *testing.T) {
	n, rate, global, forced := 200, "60", 50, []int{1, 2}
	if faultLong() {
		n, rate, global, forced = 1000, "", 30, []int{1, 2, 1, 3, 1}
	}
	const token = "515151:FANOUT-secret-token"
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	srv.SetRequireStart(false)
	group := srv.Group(7, "Văn phòng Sở")
	var people []tgbotapi.User
	var seeds []seedTask
	for i := 0; i < n; i++ {
		u := srv.User(int64(10001+i), fmt.Sprintf("cv%04d", i+1), fmt.Sprintf("Chuyên viên %d", i+1))
		srv.PrivateChat(u)
		people = append(people, u)
		// Self-assigned, so that the reminder goes to this person only.
		seeds = append(seeds, seedTask{Title: fmt.Sprintf("Báo cáo tháng %04d", i+1), Assigner: u.ID, Assignee: u.ID,
			Deadline: time.Date(2026, 11, 23, 17, 0, 0, 0, hcm), Created: monday0900.AddDate(0, 0, -7)})
	}
	rec := newRecorder(t, srv.URL())
	d := newDeployment(t, token, rec.srv.URL, monday0900)
	d.rate = rate // "": the default, 25/s
	seedStore(t, d.db, monday0900, group, people, seeds)
	srv.EnforceLimits(telegramtest.Limits{Global: global, PerChat: 1, PerGroupPerMinute: 20})

	start := time.Now()
	p := d.start()
	// Inject the extra 429s as the fan-out goes: at 1/(k+1), 2/(k+1)… of it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n)*time.Second/10+120*time.Second)
	defer cancel()
	isReminder := func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Hôm nay đến hạn") }
	for i, ra := range forced {
		at := (i + 1) * n / (len(forced) + 1)
		if _, err := srv.WaitCount(ctx, at, isReminder); err != nil {
			t.Fatalf("fan-out stalled: %v\n%s", err, d.tail())
		}
		srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 429, RetryAfter: ra})
	}
	if _, err := srv.WaitCount(ctx, n, isReminder); err != nil {
		t.Fatalf("fan-out incomplete: %v\n%s", err, d.tail())
	}
	took := time.Since(start)
	// The group's digest may be waiting out an injected 429 (≤ 2 s).
	waitSettled(srv, 10*time.Second, func() bool {
		n, err := pendingDue(d.db, d.botNow().Add(3*time.Second))
		return err == nil && n == 0
	})
	if err := p.stop(15 * time.Second); err != nil {
		t.Errorf("did not stop cleanly: %v", err)
	}

	// Exactly once each.
	per := map[int64]int{}
	for _, s := range srv.Sent() {
		if isReminder(s) {
			per[s.ChatID]++
		}
	}
	missing, doubled := 0, 0
	for _, u := range people {
		switch per[u.ID] {
		case 1:
		case 0:
			missing++
		default:
			doubled++
		}
	}
	if missing+doubled > 0 || len(per) != n {
		t.Errorf("of %d people, %d got no reminder and %d got it more than once", n, missing, doubled)
	}
	for _, r := range readOutbox(t, d.db) {
		if r.State != "sent" {
			t.Errorf("outbox %d (%s) is %s: %s", r.ID, r.Key, r.State, r.LastError)
		}
	}

	// retry_after waited out.
	const grace = 50 * time.Millisecond
	calls := rec.Calls()
	sends := 0
	for _, c := range calls {
		if sendMethods[c.Method] {
			sends++
		}
	}
	chk := checkRetryAfter(calls, grace)
	st := srv.Stats()
	t.Logf("fan-out: %d recipients, bot at %s msg/s, fake limits %d/s overall, 1/s per chat, 20/min per group; %d injected 429s (retry_after %v s)",
		n, orDefault(d.rate, "25 (default)"), global, len(forced), forced)
	t.Logf("fan-out: %d reminders delivered in %v (%.1f/s), %d send requests, %d 429s received (fake counted %d), %d missing, %d doubled",
		len(per), took.Round(10*time.Millisecond), float64(len(per))/took.Seconds(), sends, chk.tooMany, st.TooMany, missing, doubled)
	t.Logf("fan-out: sends inside a retry_after (more than %v after the 429): %d to the limited chat, %d to any chat during %d floods (429s for two chats within 1 s); %d to other chats after a lone 429 (allowed: it holds only its chat)",
		grace, chk.sameChat, chk.flood, chk.floods, chk.otherChats)
	if chk.tooMany < len(forced) {
		t.Errorf("%d 429s seen, want at least the %d injected", chk.tooMany, len(forced))
	}
	if v := chk.sameChat + chk.flood; v > 0 {
		t.Errorf("retry_after ignored: %d sends arrived within the retry_after of a 429 (%d to the limited chat, %d during a flood; worst %v before its end)",
			v, chk.sameChat, chk.flood, chk.worst.Round(time.Millisecond))
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ---- 4. the token under network faults ----

// TestFaultTokenNeverLogged feeds the binary dropped connections, nginx
// 502 pages and 401s (at start, while polling and while sending) and
// checks that neither the token nor its secret half appears anywhere in
// its stderr (debug logs and exit errors).
func TestFaultTokenNeverLogged(t *testing.T) {
	const token = "987654321:AAF-fault-SECRET-never-logged"
	secret := token[strings.Index(token, ":")+1:]
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	d := newDeployment(t, token, srv.URL(), monday0900)
	d.rate = "100"

	// At start: getMe fails; the program must exit with a clear error.
	for _, f := range []telegramtest.Fault{{Code: 0}, {Code: 502, Description: "html"}, {Code: 401}} {
		srv.FailNext("getMe", 1, f)
		p := d.start()
		ended, err := p.wait(15 * time.Second)
		if !ended {
			p.kill()
			t.Fatalf("getMe fault %d: the program kept running", f.Code)
		}
		if err == nil {
			t.Errorf("getMe fault %d: exit status 0", f.Code)
		}
	}
	startErrs := strings.Count(d.logs.String(), "nhacviec: ")

	// Running: the start-up calls and polling fail once each.
	srv.FailNext("setMyCommands", 1, telegramtest.Fault{Code: 0})
	srv.FailNext("deleteWebhook", 1, telegramtest.Fault{Code: 502, Description: "html"})
	srv.FailNext("getUpdates", 1, telegramtest.Fault{Code: 0})
	p := d.start()
	an := srv.User(7, "an", "An")
	chat := srv.PrivateChat(an)
	ask := func(text string) {
		t.Helper()
		id := srv.UserSays(chat, an, text)
		msg := srv.MessageOf(id)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := srv.WaitSent(ctx, func(s telegramtest.Sent) bool { return s.ChatID == chat.ID && s.ReplyTo == msg }); err != nil {
			t.Fatalf("no answer to %q: %v\n%s", text, err, d.tail())
		}
	}
	ask("/start")
	srv.FailNext("getUpdates", 1, telegramtest.Fault{Code: 502, Description: "html"})
	srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 502, Description: "html"})
	ask("/viec")
	srv.FailNext("getUpdates", 1, telegramtest.Fault{Code: 401})
	ask("/viec")
	srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 0})
	ask("/huongdan")
	// A 401 on a send is not retried: that message is given up.
	srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 401})
	srv.UserSays(chat, an, "/viec")
	ask("/huongdan")
	if err := p.stop(15 * time.Second); err != nil {
		t.Errorf("did not stop cleanly: %v", err)
	}

	st := srv.Stats()
	logs := d.logs.String()
	warnings := strings.Count(logs, `"level":"warn"`) + strings.Count(logs, `"level":"error"`)
	t.Logf("token: faults served: %d dropped connections, %d 502 pages, %d 401s; %d start-up errors, %d warn/error log lines, %d bytes of logs",
		st.Errors[0], st.Errors[502], st.Errors[401], startErrs, warnings, len(logs))
	if st.Errors[0] < 3 || st.Errors[502] < 3 || st.Errors[401] < 3 {
		t.Errorf("not every fault was served: %v", st.Errors)
	}
	if startErrs < 3 || warnings < 5 {
		t.Errorf("the faults were not reported: %d start-up errors, %d warnings\n%s", startErrs, warnings, d.tail())
	}
	for _, s := range []string{token, secret, url.PathEscape(token), url.QueryEscape(token)} {
		if i := strings.Index(logs, s); i >= 0 {
			line := logs[strings.LastIndex(logs[:i], "\n")+1:]
			if j := strings.Index(line, "\n"); j >= 0 {
				line = line[:j]
			}
			t.Errorf("the token appears in the output: %s", line)
		}
	}
}

// ---- one instance per database, across kill -9 ----

// TestFaultSecondInstanceRefused starts a second binary, with the same
// configuration, beside a running one: it must refuse at once with a
// clear message and leave the first one working. After the first is
// killed with SIGKILL, the lock is gone with it and a new one starts.
func TestFaultSecondInstanceRefused(t *testing.T) {
	const token = "616161:LOCK-secret-token"
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	d := newDeployment(t, token, srv.URL(), monday0900)
	an := srv.User(7, "an", "An")
	chat := srv.PrivateChat(an)
	ask := func(text string) {
		t.Helper()
		msg := srv.MessageOf(srv.UserSays(chat, an, text))
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if _, err := srv.WaitSent(ctx, func(s telegramtest.Sent) bool { return s.ChatID == chat.ID && s.ReplyTo == msg }); err != nil {
			t.Fatalf("no answer to %q: %v\n%s", text, err, d.tail())
		}
	}
	first := d.start()
	ask("/start")

	var second syncBuffer
	cmd := exec.Command(d.bin, "run")
	cmd.Env, cmd.Stdout, cmd.Stderr = d.env(), &second, &second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("the second instance exited with status 0")
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("the second instance kept running")
	}
	if want := "another nhacviec is already running on " + d.db; !strings.Contains(second.String(), want) {
		t.Errorf("the second instance said %q, want %q", strings.TrimSpace(second.String()), want)
	}
	if first.exited() {
		t.Fatalf("the first instance died\n%s", d.tail())
	}
	ask("/viec") // the first still answers

	first.kill()
	d.start()
	ask("/huongdan") // the lock went with the killed process
	t.Logf("second instance: refused with %q; after kill -9 of the first, a new instance started and answered",
		strings.TrimSpace(second.String()))
}

// lateReminders are the tasks whose reminder was dropped because their
// deadline passed before it could go (store.DB.Due): the overdue notice
// tells the rest, and a reminder after the deadline would be wrong.
func lateReminders(rows []outboxRow) map[int64]bool {
	out := map[int64]bool{}
	for _, r := range rows {
		if r.State == "dropped" && r.Kind == string(nhacviec.KindReminder) && r.LastError == "deadline passed" {
			out[r.TaskID] = true
		}
	}
	return out
}
