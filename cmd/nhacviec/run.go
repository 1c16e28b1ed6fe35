package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/scheduler"
	"github.com/nhacviec/nhacviec/store"
)

// catchUpWait bounds how long the scheduler waits for the updates that
// Telegram kept while the bot was down.
const catchUpWait = 30 * time.Second

// shutdownGrace bounds how long in-flight work may take after a signal.
const shutdownGrace = 10 * time.Second

// pollTimeout is getUpdates' long-poll timeout; /healthz derives from it
// how old the last good poll may be.
const pollTimeout = 30 * time.Second

// app is the wired core: the bot, its sender and its scheduler over one
// store.
type app struct {
	db        *store.DB
	cal       *calendar.Calendar
	bot       *bot.Bot
	sender    *bot.Sender
	scheduler *scheduler.Scheduler
	metrics   *metrics
}

func newApp(ctx context.Context, cfg *Config, db *store.DB, log zerolog.Logger, now func() time.Time, username string, transports map[string]bot.Transport) (*app, error) {
	loc, _ := time.LoadLocation(cfg.Timezone) // checked in config
	cal := calendar.New(calendar.Config{Location: loc})
	db.Now = now
	if err := loadOverrides(ctx, db, cal, cfg.HolidaysFile); err != nil {
		return nil, err
	}
	a := &app{db: db, cal: cal}
	a.sender = &bot.Sender{Outbox: db, Transports: transports, Log: log.With().Str("component", "sender").Logger(), Now: now, Rate: cfg.SendRate}
	a.sender.Workers = cfg.SendWorkers
	if cfg.NoChatPace {
		a.sender.PrivatePerSecond, a.sender.GroupPerMinute = 1e6, 1e9
	}
	admins := map[string]bool{}
	for _, k := range cfg.Admins {
		admins[k] = true
	}
	a.bot = &bot.Bot{Store: db, Calendar: cal, Log: log.With().Str("component", "bot").Logger(), Username: username,
		Wake: a.sender.Wake, Admins: admins, Transports: transports}
	a.sender.Chats = a.bot
	a.bot.Reports, a.sender.Render = db, a.bot.Render
	a.scheduler = &scheduler.Scheduler{Store: db, Composer: a.bot, Calendar: cal,
		Log: log.With().Str("component", "scheduler").Logger(), Planned: a.sender.Wake, Hold: a.sender.Hold}
	// The hooks are set here, before any goroutine runs, so that setting
	// them is no data race.
	a.metrics = newMetrics(db, now, log.With().Str("component", "metrics").Logger())
	a.bot.Observe = a.metrics.observeUpdate
	a.sender.Observe = a.metrics.observeSend
	return a, nil
}

// loadOverrides stores the day-off swaps of the configured file (if any)
// and loads every stored swap into the calendar.
func loadOverrides(ctx context.Context, db *store.DB, cal *calendar.Calendar, file string) error {
	var fromFile []nhacviec.DayOverride
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("holidays file: %w", err)
		}
		fromFile, err = calendar.ReadOverrides(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("holidays file %s: %w", file, err)
		}
	}
	var all []nhacviec.DayOverride
	err := db.Update(ctx, func(tx nhacviec.Tx) error {
		for _, o := range fromFile {
			if err := tx.SetOverride(o); err != nil {
				return err
			}
		}
		if len(fromFile) > 0 {
			if err := tx.ReplanOpen(tx.Now()); err != nil {
				return err
			}
		}
		var err error
		all, err = tx.Overrides()
		return err
	})
	if err != nil {
		return err
	}
	return cal.SetDayOverrides(all)
}

func (m *Main) run(ctx context.Context, cfg *Config) error {
	log, err := cfg.logger(m.Stderr)
	if err != nil {
		return err
	}
	if cfg.TelegramToken == "" {
		if cfg.ZaloToken != "" {
			return usageError{"the Zalo transport is not available yet; set NHACVIEC_TELEGRAM_TOKEN"}
		}
		return usageError{"no bot token: set NHACVIEC_TELEGRAM_TOKEN (or NHACVIEC_TELEGRAM_TOKEN_FILE); to try nhacviec without one, run: nhacviec demo"}
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	// Bound after the lock, so that a second instance reports the lock,
	// not the busy port.
	var ln net.Listener
	if cfg.HTTPAddr != "" {
		if ln, err = listenHTTP(cfg.HTTPAddr); err != nil {
			return err
		}
		defer ln.Close()
	}
	tg, err := telegram.New(telegram.Config{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL,
		Log: log.With().Str("component", "telegram").Logger(), PollTimeout: pollTimeout, Sends: cfg.SendWorkers})
	if err != nil {
		return err
	}
	now := cfg.now()
	a, err := newApp(ctx, cfg, db, log, now, tg.Username(), map[string]bot.Transport{telegram.Transport: tg})
	if err != nil {
		return err
	}
	if err := tg.SetCommands(ctx); err != nil {
		log.Warn().Err(err).Msg("setMyCommands failed; the command menu may be out of date")
	}
	log.Info().Str("bot", tg.Username()).Str("db", cfg.DB).Str("version", version()).Msg("nhacviec started")

	// The sender outlives the signal: it stops taking new messages when
	// ctx ends but finishes what is in flight.
	// While another instance polls the token, it plans; this one must not.
	tg.OnConflict = func(conflict bool) {
		if conflict {
			a.scheduler.Pause()
		} else {
			a.scheduler.Resume()
		}
	}
	routes := map[string]http.Handler{}
	if cfg.WebhookURL != "" {
		u, _ := url.Parse(cfg.WebhookURL) // checked in config
		routes[cmp.Or(u.Path, "/")] = tg.WebhookHandler(a.bot, cfg.WebhookSecret)
	}
	var srv *http.Server
	if ln != nil {
		health := &healthCheck{lastPoll: tg.LastPoll, lastRun: a.scheduler.LastRun, probe: db.Ping,
			pollStale: 2*pollTimeout + pollGrace, started: time.Now(), now: time.Now}
		if cfg.WebhookURL != "" {
			health.lastPoll = nil // Telegram calls us; a quiet hour is not a fault
		}
		srv = newHTTPServer(httpHandler(health, a.metrics.reg, routes))
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error().Err(err).Msg("health and metrics server stopped")
			}
		}()
		log.Info().Str("addr", ln.Addr().String()).Msg("serving /healthz and /metrics")
	}
	if cfg.WebhookURL != "" {
		// Updates come to the HTTP server; Telegram keeps them while we
		// are down and delivers each until it is answered 200.
		if err := tg.SetWebhook(ctx, cfg.WebhookURL, cfg.WebhookSecret); err != nil {
			return fmt.Errorf("setWebhook: %w", err)
		}
		log.Info().Str("url", cfg.WebhookURL).Msg("receiving updates by webhook")
	}
	var wg sync.WaitGroup
	wg.Go(func() { a.sender.Run(ctx) })
	if cfg.WebhookURL == "" {
		wg.Go(func() { tg.Run(ctx, a.bot) })
	}
	if cfg.WebhookURL == "" {
		// Updates kept while the bot was down go first: a "xong" among them
		// must close its task before the catch-up pass chases it.
		select {
		case <-tg.CaughtUp():
		case <-ctx.Done():
		case <-time.After(catchUpWait):
			log.Warn().Msg("still handling the updates kept while the bot was down; starting the scheduler anyway")
		}
	}
	waitScheduler := a.scheduler.Start(ctx, now)
	pruneTick := time.NewTicker(pruneEvery)
	defer pruneTick.Stop()
	wg.Go(func() {
		prune(ctx, db, cfg.retention(), now, pruneTick.C, log.With().Str("component", "prune").Logger())
	})
	<-ctx.Done()
	log.Info().Msg("shutting down")
	deadline := time.Now().Add(shutdownGrace)
	done := make(chan struct{})
	go func() {
		var stopping sync.WaitGroup
		if srv != nil {
			// In parallel with the rest: a scrape under way is let finish.
			stopping.Go(func() {
				sctx, cancel := context.WithDeadline(context.Background(), deadline)
				defer cancel()
				if err := srv.Shutdown(sctx); err != nil {
					srv.Close()
				}
			})
		}
		wg.Wait()
		waitScheduler()
		stopping.Wait()
		close(done)
	}()
	select {
	case <-done:
		log.Info().Msg("stopped")
		return nil
	case <-time.After(time.Until(deadline)):
		return errors.New("shutdown took longer than 10 s; stopped anyway")
	}
}
