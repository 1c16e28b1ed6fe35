package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health thresholds. A poll answers at least every poll timeout, so two
// timeouts and a margin without one means polling is stuck; the scheduler
// passes every minute, so three minutes without one means it is stuck or
// paused (another instance polls the token).
const (
	pollGrace      = 30 * time.Second
	firstPollGrace = 60 * time.Second
	schedulerStale = 3 * time.Minute
	probeTimeout   = 5 * time.Second
)

// healthCheck answers /healthz. Its inputs are functions so that tests
// can make any of them stale without waiting.
type healthCheck struct {
	lastPoll func() time.Time // last good getUpdates; zero: none yet
	// zaloPoll is Zalo's heartbeat (a getUpdates answered, its 408
	// included); nil without Zalo, or in Zalo's webhook mode.
	zaloPoll func() time.Time
	lastRun  func() time.Time // last completed scheduler pass; zero: none yet
	// probe writes to the database (store.DB.Ping): a database that
	// reads but cannot write cannot keep the bot's promises.
	probe func(context.Context) error
	// pollStale is how old the last poll may be: 2×poll timeout + 30 s.
	pollStale time.Duration
	started   time.Time
	// now is the real clock: heartbeats are stamped with it, whatever the
	// bot's own clock says.
	now func() time.Time
}

// healthReport is /healthz's JSON. An age is null while its heartbeat has
// not beaten yet.
type healthReport struct {
	Status        string   `json:"status"` // "ok" or "fail"
	LastPollAgeS  *float64 `json:"last_poll_age_s"`
	ZaloPollAgeS  *float64 `json:"zalo_poll_age_s,omitempty"`
	SchedulerAgeS *float64 `json:"scheduler_age_s"`
	DBOK          bool     `json:"db_ok"`
	Problems      []string `json:"problems,omitempty"`
}

func (h *healthCheck) check(ctx context.Context) healthReport {
	now := h.now()
	r := healthReport{Status: "ok"}
	// age reports a heartbeat's age and whether it is stale; before the
	// first beat the clock runs from the start, with grace.
	age := func(last time.Time, limit, first time.Duration, what string) *float64 {
		if last.IsZero() {
			if now.Sub(h.started) > first {
				r.Problems = append(r.Problems, fmt.Sprintf("no %s in %s since start", what, now.Sub(h.started).Round(time.Second)))
			}
			return nil
		}
		d := now.Sub(last)
		if d > limit {
			r.Problems = append(r.Problems, fmt.Sprintf("last %s %s ago", what, d.Round(time.Second)))
		}
		s := math.Round(max(0, d.Seconds())*10) / 10
		return &s
	}
	if h.lastPoll != nil { // nil in webhook mode: Telegram calls us, there is no poll to watch
		r.LastPollAgeS = age(h.lastPoll(), h.pollStale, firstPollGrace, "good getUpdates")
	}
	if h.zaloPoll != nil {
		r.ZaloPollAgeS = age(h.zaloPoll(), h.pollStale, firstPollGrace, "good Zalo getUpdates")
	}
	r.SchedulerAgeS = age(h.lastRun(), schedulerStale, schedulerStale, "scheduler pass")
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if err := h.probe(pctx); err != nil {
		r.Problems = append(r.Problems, "database write failed: "+err.Error())
	} else {
		r.DBOK = true
	}
	if len(r.Problems) > 0 {
		r.Status = "fail"
	}
	return r
}

func (h *healthCheck) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r := h.check(req.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if r.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(r)
}

// httpHandler serves /healthz and /metrics, and the webhook when there
// is one (path → handler).
func httpHandler(health http.Handler, reg *prometheus.Registry, routes map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.Handle(path, h)
	}
	mux.Handle("/healthz", health)
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		// The outbox gauges may fail alone; serve the rest.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg,
	}))
	return mux
}

// listenHTTP binds the health and metrics address, with an error that
// says what to do about it in one line.
func listenHTTP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		reason := err
		var op *net.OpError
		if errors.As(err, &op) {
			reason = op.Err // "bind: address already in use", without the repetition
		}
		return nil, fmt.Errorf("cannot serve /healthz and /metrics on %s: %v (set NHACVIEC_HTTP_ADDR to another address, or to off)", addr, reason)
	}
	return ln, nil
}

// newHTTPServer is the server for ln; Serve it and Shutdown it.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
	}
}
