package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
)

// metrics are the Prometheus metrics of one app, in a registry of their
// own: the global one would make a second app in the same process (tests)
// panic on duplicate registration.
type metrics struct {
	reg           *prometheus.Registry
	updates       *prometheus.CounterVec
	updateSeconds *prometheus.HistogramVec
	sent          *prometheus.CounterVec
	rateLimited   *prometheus.CounterVec
	lateness      *prometheus.HistogramVec
}

// outboxStats is the store's side of the outbox gauges.
type outboxStats interface {
	OutboxStats(ctx context.Context) (depth int, oldest time.Time, err error)
}

func newMetrics(outbox outboxStats, now func() time.Time, log zerolog.Logger) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nhacviec_updates_total",
			Help: "Updates handled, by command (none: not a command) and outcome (ok or an error code).",
		}, []string{"command", "outcome"}),
		updateSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "nhacviec_update_duration_seconds",
			Help:    "Time to handle one update, its transaction included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"command"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nhacviec_messages_sent_total",
			Help: "Send attempts, by transport, message kind and result (sent, rate_limited, retry, failed).",
		}, []string{"transport", "kind", "result"}),
		// Named for what happened, not for Telegram: each transport has
		// its own "slow down" answer (Telegram's and Zalo's are 429).
		// It was nhacviec_telegram_429_total; no dashboard in the
		// repository used that name, so it is not kept (README).
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nhacviec_rate_limited_total",
			Help: "Sends the transport's API refused as too many (HTTP 429), by transport.",
		}, []string{"transport"}),
		// Lateness spans seconds (a busy fan-out) to days (catch-up after
		// downtime), hence the wide buckets.
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "nhacviec_reminder_lateness_seconds",
			Help:    "How long after it became due a reminder, overdue notice, nudge or digest was sent.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 900, 3600, 3 * 3600, 12 * 3600, 86400, 7 * 86400},
		}, []string{"kind"}),
	}
	m.reg.MustRegister(m.updates, m.updateSeconds, m.sent, m.rateLimited, m.lateness,
		&outboxCollector{outbox: outbox, now: now, log: log},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// commandLabels are the values the command label may take: a fixed set,
// so that nothing people type can add series.
var commandLabels = func() map[string]bool {
	l := map[string]bool{"button": true, bot.CommandUnknown: true}
	for _, c := range bot.Commands {
		l[c.Name] = true
	}
	return l
}()

// observeUpdate is bot.Bot.Observe.
func (m *metrics) observeUpdate(command, outcome string, took time.Duration) {
	switch {
	case command == "":
		command = "none"
	case !commandLabels[command]:
		command = bot.CommandUnknown
	}
	m.updates.WithLabelValues(command, outcome).Inc()
	m.updateSeconds.WithLabelValues(command).Observe(took.Seconds())
}

// observeSend is bot.Sender.Observe.
func (m *metrics) observeSend(msg *nhacviec.Outgoing, result string, late time.Duration) {
	m.sent.WithLabelValues(msg.Transport, string(msg.Kind), result).Inc()
	if result == "rate_limited" {
		m.rateLimited.WithLabelValues(msg.Transport).Inc()
	}
	if result == "sent" {
		switch msg.Kind {
		case nhacviec.KindReminder, nhacviec.KindOverdue, nhacviec.KindNudge, nhacviec.KindDigest:
			m.lateness.WithLabelValues(string(msg.Kind)).Observe(max(0, late.Seconds()))
		}
	}
}

// outboxCollector reads the outbox at scrape time, with one query for
// both gauges.
type outboxCollector struct {
	outbox outboxStats
	now    func() time.Time
	log    zerolog.Logger
}

var (
	outboxDepthDesc = prometheus.NewDesc("nhacviec_outbox_depth",
		"Messages waiting in the outbox (including those held for working hours).", nil, nil)
	outboxOldestDesc = prometheus.NewDesc("nhacviec_outbox_oldest_age_seconds",
		"How long the earliest waiting message has been due (0 when none is due yet).", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDepthDesc
	ch <- outboxOldestDesc
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	depth, oldest, err := c.outbox.OutboxStats(ctx)
	if err != nil {
		c.log.Warn().Err(err).Msg("metrics: outbox stats failed")
		ch <- prometheus.NewInvalidMetric(outboxDepthDesc, err)
		ch <- prometheus.NewInvalidMetric(outboxOldestDesc, err)
		return
	}
	var age float64
	if !oldest.IsZero() {
		age = max(0, c.now().Sub(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(outboxDepthDesc, prometheus.GaugeValue, float64(depth))
	ch <- prometheus.MustNewConstMetric(outboxOldestDesc, prometheus.GaugeValue, age)
}
