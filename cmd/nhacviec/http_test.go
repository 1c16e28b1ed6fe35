package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// fakeHealth is a health check whose heartbeats and probe a test sets.
type fakeHealth struct {
	now, started, poll, run time.Time
	probeErr                error
}

func (f *fakeHealth) check() *healthCheck {
	return &healthCheck{
		lastPoll:  func() time.Time { return f.poll },
		lastRun:   func() time.Time { return f.run },
		probe:     func(context.Context) error { return f.probeErr },
		pollStale: 2*pollTimeout + pollGrace,
		started:   f.started,
		now:       func() time.Time { return f.now },
	}
}

func getHealth(t *testing.T, h http.Handler) (int, healthReport) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	var r healthReport
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("/healthz body %q: %v", rec.Body.String(), err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	return rec.Code, r
}

func TestHealthz(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	fresh := func() *fakeHealth {
		return &fakeHealth{now: t0, started: t0.Add(-time.Hour), poll: t0.Add(-5 * time.Second), run: t0.Add(-40 * time.Second)}
	}
	for _, c := range []struct {
		name    string
		change  func(*fakeHealth)
		code    int
		problem string
	}{
		{"fresh", func(*fakeHealth) {}, 200, ""},
		{"poll just within 2×timeout+30 s", func(f *fakeHealth) { f.poll = t0.Add(-90 * time.Second) }, 200, ""},
		{"poll stale", func(f *fakeHealth) { f.poll = t0.Add(-91 * time.Second) }, 503, "last good getUpdates 1m31s ago"},
		{"no poll yet, just started", func(f *fakeHealth) { f.poll, f.started = time.Time{}, t0.Add(-59*time.Second) }, 200, ""},
		{"no poll 60 s after start", func(f *fakeHealth) { f.poll, f.started = time.Time{}, t0.Add(-61*time.Second) }, 503, "no good getUpdates in 1m1s since start"},
		{"scheduler stale", func(f *fakeHealth) { f.run = t0.Add(-3*time.Minute - time.Second) }, 503, "last scheduler pass 3m1s ago"},
		{"no scheduler pass 3 min after start", func(f *fakeHealth) { f.run = time.Time{} }, 503, "no scheduler pass"},
		{"database cannot write", func(f *fakeHealth) { f.probeErr = errors.New("disk I/O error") }, 503, "database write failed: disk I/O error"},
	} {
		f := fresh()
		c.change(f)
		code, r := getHealth(t, f.check())
		if code != c.code {
			t.Errorf("%s: status %d, want %d (%+v)", c.name, code, c.code, r)
			continue
		}
		if (r.Status == "ok") != (c.code == 200) || r.DBOK != (f.probeErr == nil) {
			t.Errorf("%s: report %+v", c.name, r)
		}
		if c.problem != "" && !strings.Contains(strings.Join(r.Problems, "; "), c.problem) {
			t.Errorf("%s: problems %q, want %q", c.name, r.Problems, c.problem)
		}
	}
	_, r := getHealth(t, fresh().check())
	if r.LastPollAgeS == nil || *r.LastPollAgeS != 5 || r.SchedulerAgeS == nil || *r.SchedulerAgeS != 40 {
		t.Errorf("ages: %+v", r)
	}
	f := fresh()
	f.poll = time.Time{}
	f.started = t0
	if _, r := getHealth(t, f.check()); r.LastPollAgeS != nil {
		t.Errorf("age of a poll that never happened: %v, want null", *r.LastPollAgeS)
	}
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// One command, one 429, one reminder through the real app: /metrics shows
// them all.
func TestMetricsAfterTraffic(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	h.srv.FailNext("sendMessage", 1, telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	h.say(h.group, h.lead, "/giao @an Báo cáo tuần hạn 25/11")
	h.settle()
	h.tick(at(24, 8, 0)) // the reminder the day before
	h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.an.ID && strings.Contains(s.Plain, "Nhắc việc #1")
	})
	h.settle()

	handler := httpHandler(http.NotFoundHandler(), h.app.metrics.reg, nil)
	body := scrape(t, handler)
	for _, want := range []string{
		`nhacviec_updates_total{command="giao",outcome="ok"} 1`,
		`nhacviec_update_duration_seconds_count{command="giao"} 1`,
		`nhacviec_messages_sent_total{kind="reply",result="sent",transport="telegram"}`,
		`nhacviec_messages_sent_total{kind="reminder",result="sent",transport="telegram"} 1`,
		`nhacviec_rate_limited_total{transport="telegram"} 1`,
		`nhacviec_reminder_lateness_seconds_count{kind="reminder"} 1`,
		`nhacviec_outbox_depth `,
		`nhacviec_outbox_oldest_age_seconds `,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Which message met the 429 depends on which worker sent first.
	if !regexp.MustCompile(`nhacviec_messages_sent_total\{kind="(reply|notice)",result="rate_limited",transport="telegram"\} 1\n`).MatchString(body) {
		t.Errorf("/metrics lacks the rate-limited send")
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepLines(body, "nhacviec_"))
	}
}

// Whatever people type, the command label takes only the known commands'
// names and "unknown": a label per typed name would grow the series
// without bound.
func TestMetricsCommandLabelsStayBounded(t *testing.T) {
	h := newHarness(t)
	h.hello(h.an)
	dm := h.srv.PrivateChat(h.an)
	const typed = 40
	for i := range typed {
		h.srv.UserSays(dm, h.an, fmt.Sprintf("/lenh%d", i))
	}
	h.srv.UserSays(dm, h.an, "/viec")
	h.srv.UserSays(dm, h.an, "/tasks") // an alias counts as its command
	h.settle()
	body := scrape(t, httpHandler(http.NotFoundHandler(), h.app.metrics.reg, nil))
	known := map[string]bool{"none": true, "button": true, "unknown": true}
	for _, c := range bot.Commands {
		known[c.Name] = true
	}
	labels := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^nhacviec_update(?:s_total|_duration_seconds_count)\{command="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		labels[m[1]] = true
		if !known[m[1]] {
			t.Errorf("command label %q is not a known command", m[1])
		}
	}
	if len(labels) > 3 { // start and viec (hello's and ours), unknown
		t.Errorf("%d command labels after %d unknown commands: %v", len(labels), typed, labels)
	}
	for _, want := range []string{
		fmt.Sprintf(`nhacviec_updates_total{command="unknown",outcome="invalid"} %d`, typed),
		`nhacviec_updates_total{command="viec",outcome="ok"} 5`, // hello's 3 in the group
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, grepLines(body, "nhacviec_updates_total"))
		}
	}
}

func grepLines(s, substr string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) && !strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// The outbox gauges follow the outbox.
func TestOutboxGauges(t *testing.T) {
	h := newHarness(t)
	h.hello(h.an)
	handler := httpHandler(http.NotFoundHandler(), h.app.metrics.reg, nil)
	if body := scrape(t, handler); !strings.Contains(body, "nhacviec_outbox_depth 0\n") || !strings.Contains(body, "nhacviec_outbox_oldest_age_seconds 0\n") {
		t.Fatalf("empty outbox:\n%s", grepLines(body, "outbox"))
	}
	// Every send fails for a while: the reply waits in the outbox.
	h.srv.FailNext("sendMessage", 1000, telegramtest.Fault{Code: 502, Description: "html"})
	h.srv.UserSays(h.srv.PrivateChat(h.an), h.an, "/viec")
	deadline := time.Now().Add(5 * time.Second)
	for {
		body := scrape(t, handler)
		if strings.Contains(body, "nhacviec_outbox_depth 1\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the waiting reply does not show:\n%s", grepLines(body, "outbox"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type fakeOutbox struct {
	depth  int
	oldest time.Time
	err    error
}

func (f fakeOutbox) OutboxStats(context.Context) (int, time.Time, error) {
	return f.depth, f.oldest, f.err
}

// The oldest age counts from when the earliest message became due; one
// held for later is not late; a failing query spoils only its own gauges.
func TestOutboxGaugeValues(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, c := range []struct {
		outbox fakeOutbox
		want   []string
	}{
		{fakeOutbox{depth: 3, oldest: now.Add(-90 * time.Second)}, []string{"nhacviec_outbox_depth 3\n", "nhacviec_outbox_oldest_age_seconds 90\n"}},
		{fakeOutbox{depth: 1, oldest: now.Add(time.Hour)}, []string{"nhacviec_outbox_depth 1\n", "nhacviec_outbox_oldest_age_seconds 0\n"}},
		{fakeOutbox{err: errors.New("database is locked")}, []string{"go_goroutines "}},
	} {
		m := newMetrics(c.outbox, clock, zerolog.Nop())
		body := scrape(t, httpHandler(http.NotFoundHandler(), m.reg, nil))
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%+v: /metrics lacks %q:\n%s", c.outbox, w, grepLines(body, "nhacviec_"))
			}
		}
		if c.outbox.err != nil && strings.Contains(body, "nhacviec_outbox_depth") {
			t.Errorf("a failed query still reports a depth")
		}
	}
}

// unusedLoopbackAddr is a loopback address nobody listens on right now.
func unusedLoopbackAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// The real run path serves /healthz and /metrics on NHACVIEC_HTTP_ADDR,
// and stops serving on shutdown.
func TestRunServesHealthAndMetrics(t *testing.T) {
	srv := telegramtest.New(testToken)
	defer srv.Close()
	addr := unusedLoopbackAddr(t)
	var logs syncBuffer
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &logs, Getenv: env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":   testToken,
		"NHACVIEC_TELEGRAM_API_URL": srv.URL(),
		"NHACVIEC_DB":               filepath.Join(t.TempDir(), "run.db"),
		"NHACVIEC_HTTP_ADDR":        addr,
	})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	defer func() { cancel(); <-done }()
	an := srv.User(7, "an", "An")
	srv.UserSays(srv.PrivateChat(an), an, "/start")
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if _, err := srv.WaitSent(wctx, func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Chào An") }); err != nil {
		t.Fatalf("no welcome: %v", err)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/healthz")
	var r healthReport
	if err := json.Unmarshal([]byte(body), &r); err != nil || code != 200 || r.Status != "ok" || !r.DBOK ||
		r.LastPollAgeS == nil || r.SchedulerAgeS == nil {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, `nhacviec_updates_total{command="start",outcome="ok"} 1`) {
		t.Fatalf("/metrics: %d\n%s", code, grepLines(body, "nhacviec_"))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	done <- nil // for the deferred receive
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
	if strings.Contains(logs.String(), testToken) {
		t.Fatal("the token appears in the logs")
	}
}

func TestHTTPBindFailureIsOneClearLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":   testToken,
		"NHACVIEC_TELEGRAM_API_URL": "http://127.0.0.1:1", // never reached
		"NHACVIEC_DB":               filepath.Join(t.TempDir(), "run.db"),
		"NHACVIEC_HTTP_ADDR":        addr,
	})}
	err = m.Run(context.Background(), nil)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), addr) ||
		!strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), "NHACVIEC_HTTP_ADDR") {
		t.Fatalf("err = %v", err)
	}
}

func TestHTTPAddrOff(t *testing.T) {
	for _, v := range []string{"off"} {
		m := &Main{Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{"NHACVIEC_HTTP_ADDR": v})}
		cfg, err := m.config("run", nil)
		if err != nil || cfg.HTTPAddr != "" {
			t.Fatalf("NHACVIEC_HTTP_ADDR=%q: %q %v", v, cfg.HTTPAddr, err)
		}
	}
	m := &Main{Stderr: &bytes.Buffer{}, Getenv: env(nil)}
	if cfg, _ := m.config("run", []string{"-http-addr", ""}); cfg.HTTPAddr != "" {
		t.Fatalf("-http-addr '': %q", cfg.HTTPAddr)
	}
	if cfg, _ := m.config("run", nil); cfg.HTTPAddr != "127.0.0.1:8080" {
		t.Fatalf("default: %q", cfg.HTTPAddr)
	}
	t.Setenv("NHACVIEC_HTTP_ADDR", "")
	if v := getenv("NHACVIEC_HTTP_ADDR"); v != "off" {
		t.Fatalf("set but empty: %q, want off", v)
	}
}
