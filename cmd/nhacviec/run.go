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
	"github.com/nhacviec/nhacviec/bot/zalo"
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
	zaloPace := bot.Pace{Rate: cmp.Or(cfg.ZaloSendRate, defaultZaloRate)}
	if cfg.NoChatPace {
		a.sender.PrivatePerSecond, a.sender.GroupPerMinute = 1e6, 1e9
		zaloPace.PrivatePerSecond, zaloPace.GroupPerMinute = 1e6, 1e9
	}
	a.sender.Paces = map[string]bot.Pace{zalo.Transport: zaloPace}
	admins := map[string]bool{}
	for _, k := range cfg.Admins {
		admins[k] = true
	}
	noButtons := func(transport, chat string) bool { // their buttons are numbered choices
		tr, ok := transports[transport]
		return ok && bot.LimitsOf(tr, chat).MaxButtons == 0
	}
	a.bot = &bot.Bot{Store: db, Calendar: cal, Log: log.With().Str("component", "bot").Logger(), Username: username,
		Wake: a.sender.Wake, Admins: admins, NoButtons: noButtons, Transports: transports}
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
	if cfg.TelegramToken == "" && cfg.ZaloToken == "" {
		return usageError{"no bot token: set NHACVIEC_TELEGRAM_TOKEN or NHACVIEC_ZALO_TOKEN (or both; or their _FILE); to try nhacviec without one, run: nhacviec demo"}
	}
	if cfg.TelegramToken == "" && cfg.WebhookURL != "" {
		return usageError{"NHACVIEC_WEBHOOK_URL is Telegram's webhook, and no Telegram token is set; for Zalo use NHACVIEC_ZALO_WEBHOOK_URL"}
	}
	if cfg.ZaloToken == "" && cfg.ZaloWebhookURL != "" {
		return usageError{"NHACVIEC_ZALO_WEBHOOK_URL is set but NHACVIEC_ZALO_TOKEN is not"}
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
	// One store, one outbox, one sender; each transport its adapter.
	transports := map[string]bot.Transport{}
	var tg *telegram.Telegram
	var username string
	if cfg.TelegramToken != "" {
		if tg, err = telegram.New(telegram.Config{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL,
			Log: log.With().Str("component", "telegram").Logger(), PollTimeout: pollTimeout, Sends: cfg.SendWorkers}); err != nil {
			return err
		}
		transports[telegram.Transport], username = tg, tg.Username()
	}
	now := cfg.now()
	// Files a transport cannot send (the export and charts on Zalo) are
	// offered as one-time links under NHACVIEC_PUBLIC_URL.
	files, err := newDownloads(db, cfg.PublicURL, now)
	if err != nil {
		return err
	}
	files.log = log.With().Str("component", "downloads").Logger()
	var zl *zalo.Zalo
	if cfg.ZaloToken != "" {
		zc := zalo.Config{Token: cfg.ZaloToken, APIURL: cfg.ZaloAPIURL,
			Log: log.With().Str("component", "zalo").Logger(), PollTimeout: pollTimeout, Sends: cfg.SendWorkers}
		if cfg.PublicURL != "" {
			zc.Publish = files.Publish // otherwise the person is told where to get the file
		}
		if zl, err = zalo.New(ctx, zc); err != nil {
			return err
		}
		transports[zalo.Transport] = zl
		log.Info().Str("zalo_bot", zl.Name()).Bool("can_join_groups", zl.CanJoinGroups()).Msg("Zalo bot connected")
	}
	a, err := newApp(ctx, cfg, db, log, now, username, transports)
	if err != nil {
		return err
	}
	if tg != nil {
		if err := tg.SetCommands(ctx); err != nil {
			log.Warn().Err(err).Msg("setMyCommands failed; the command menu may be out of date")
		}
	}
	log.Info().Str("bot", username).Bool("telegram", tg != nil).Bool("zalo", zl != nil).Str("db", cfg.DB).Str("version", version()).Msg("nhacviec started")

	// The sender outlives the signal: it stops taking new messages when
	// ctx ends but finishes what is in flight.
	// While another instance polls the token, it plans; this one must not.
	if tg != nil {
		tg.OnConflict = func(conflict bool) {
			if conflict {
				a.scheduler.Pause()
			} else {
				a.scheduler.Resume()
			}
		}
	}
	routes := map[string]http.Handler{}
	if tg != nil && cfg.WebhookURL != "" {
		u, _ := url.Parse(cfg.WebhookURL) // checked in config
		routes[cmp.Or(u.Path, "/")] = tg.WebhookHandler(a.bot, cfg.WebhookSecret)
	}
	files.addRoutes(routes)
	if cfg.PublicURL != "" {
		log.Info().Str("url", cfg.PublicURL).Msg("offering files at download links")
	}
	if zl != nil && cfg.ZaloWebhookURL != "" {
		u, _ := url.Parse(cfg.ZaloWebhookURL) // checked in config
		routes[cmp.Or(u.Path, "/")] = zl.WebhookHandler(a.bot, cfg.ZaloWebhookSecret)
	}
	var srv *http.Server
	if ln != nil {
		health := &healthCheck{lastRun: a.scheduler.LastRun, probe: db.Ping,
			pollStale: 2*pollTimeout + pollGrace, started: time.Now(), now: time.Now}
		// In webhook mode the platform calls us; a quiet hour is not a fault.
		if tg != nil && cfg.WebhookURL == "" {
			health.lastPoll = tg.LastPoll
		}
		if zl != nil && cfg.ZaloWebhookURL == "" {
			health.zaloPoll = zl.LastPoll
		}
		srv = newHTTPServer(httpHandler(health, a.metrics.reg, routes))
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error().Err(err).Msg("health and metrics server stopped")
			}
		}()
		log.Info().Str("addr", ln.Addr().String()).Msg("serving /healthz and /metrics")
	}
	if tg != nil && cfg.WebhookURL != "" {
		// Updates come to the HTTP server; Telegram keeps them while we
		// are down and delivers each until it is answered 200.
		if err := tg.SetWebhook(ctx, cfg.WebhookURL, cfg.WebhookSecret); err != nil {
			return fmt.Errorf("setWebhook: %w", err)
		}
		log.Info().Str("url", cfg.WebhookURL).Msg("receiving updates by webhook")
	}
	if zl != nil && cfg.ZaloWebhookURL != "" {
		if err := zl.SetWebhook(ctx, cfg.ZaloWebhookURL, cfg.ZaloWebhookSecret); err != nil {
			return fmt.Errorf("zalo setWebhook: %w", err)
		}
		log.Info().Str("url", cfg.ZaloWebhookURL).Msg("receiving Zalo updates by webhook")
	}
	var wg sync.WaitGroup
	// Updates kept while the bot was down go first: a "xong" among them
	// must close its task before the catch-up pass chases it, and before
	// the sender sends what was planned for it ahead (the morning's
	// reminders are planned from 03:00). Answers to people still go.
	release := func() {}
	if tg != nil && cfg.WebhookURL == "" {
		release = a.sender.Hold()
	}
	wg.Go(func() { a.sender.Run(ctx) })
	if tg != nil && cfg.WebhookURL == "" {
		wg.Go(func() { tg.Run(ctx, a.bot) })
	}
	if zl != nil && cfg.ZaloWebhookURL == "" {
		wg.Go(func() { zl.Run(ctx, a.bot) })
	}
	if tg != nil && cfg.WebhookURL == "" {
		select {
		case <-tg.CaughtUp():
		case <-ctx.Done():
		case <-time.After(catchUpWait):
			log.Warn().Msg("still handling the updates kept while the bot was down; starting the scheduler anyway")
		}
	}
	release()
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
