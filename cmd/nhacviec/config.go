package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/store"
)

// Config is the program's configuration: every setting is an environment
// variable and a flag; a flag wins.
type Config struct {
	TelegramToken  string
	TelegramAPIURL string
	ZaloToken      string
	ZaloAPIURL     string
	DB             string
	Timezone       string
	Admins         []string
	HTTPAddr       string
	// WebhookURL, when set, has Telegram push updates to this HTTPS URL
	// (served on HTTPAddr at its path) instead of getUpdates; WebhookSecret
	// is the secret token Telegram sends with each.
	WebhookURL    string
	WebhookSecret string
	// PublicURL, when set, is the address at which a reverse proxy
	// forwards …/tai/ to HTTPAddr: files a transport cannot send (the
	// Excel export and charts on Zalo) are offered there as links.
	PublicURL string
	// ZaloWebhookURL, when set, has Zalo push updates to this HTTPS URL
	// (served on HTTPAddr at its path) instead of getUpdates, each with
	// ZaloWebhookSecret in the X-Bot-Api-Secret-Token header.
	ZaloWebhookURL    string
	ZaloWebhookSecret string
	HolidaysFile      string
	SendRate          float64
	// ZaloSendRate is the sender's overall rate for Zalo, messages per
	// second (defaultZaloRate).
	ZaloSendRate float64
	// NoChatPace lifts the sender's per-chat pace (1 message a second in
	// a private chat, 20 a minute in a group): a benchmark knob
	// (NHACVIEC_CHAT_PACE=off), for a fake Bot API without limits only.
	NoChatPace bool
	// SendWorkers is how many messages the sender has in flight at once
	// (bot.Sender.Workers, default 8): a crash may repeat up to that many;
	// fewer cap the rate over a slow link (BENCHMARKS.md).
	SendWorkers int
	LogLevel    string
	LogFormat   string
	// ClockStart, for tests and rehearsals only: the bot's clock starts at
	// this time and runs at the real pace.
	ClockStart time.Time
	// Script, for the demo: a file of lines to type; the demo prints them
	// with its answers, a transcript.
	Script string
	// Args are the arguments after the flags: backup's FILE; other
	// subcommands take none.
	Args []string

	// OutboxKeepDays is how many days sent, dropped and failed messages
	// are kept, RepliesKeepDays how many the ids of delivered messages
	// (a reply "xong" to an older one is not matched to its task); 0
	// keeps them for ever.
	OutboxKeepDays, RepliesKeepDays int
}

// seenKeep is how long the ids of applied Zalo messages are kept: far
// longer than any redelivery (a webhook retried, a poll after a crash)
// can come, short enough that the table stays small.
const seenKeep = 7 * 24 * time.Hour

// retention is what the pruning loop keeps.
func (c *Config) retention() store.Retention {
	r := store.Retention{Outbox: time.Duration(c.OutboxKeepDays) * 24 * time.Hour, Replies: time.Duration(c.RepliesKeepDays) * 24 * time.Hour}
	if c.ZaloToken != "" {
		r.Seen = seenKeep
	}
	r.Downloads = c.PublicURL != ""
	return r
}

// now returns the bot's clock: the real one, or one shifted to start at
// ClockStart.
func (c *Config) now() func() time.Time {
	if c.ClockStart.IsZero() {
		return time.Now
	}
	shift := time.Until(c.ClockStart)
	return func() time.Time { return time.Now().Add(shift) }
}

func (m *Main) config(sub string, args []string) (*Config, error) {
	env := func(name, def string) string {
		if v := m.Getenv(name); v != "" {
			return v
		}
		return def
	}
	cfg := &Config{}
	fs := flag.NewFlagSet("nhacviec "+sub, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&cfg.TelegramToken, "telegram-token", "", "Telegram bot token (env NHACVIEC_TELEGRAM_TOKEN, or a file in NHACVIEC_TELEGRAM_TOKEN_FILE)")
	fs.StringVar(&cfg.TelegramAPIURL, "telegram-api-url", env("NHACVIEC_TELEGRAM_API_URL", "https://api.telegram.org"), "Bot API base URL (env NHACVIEC_TELEGRAM_API_URL)")
	fs.StringVar(&cfg.ZaloToken, "zalo-token", "", "Zalo Bot token (env NHACVIEC_ZALO_TOKEN or NHACVIEC_ZALO_TOKEN_FILE)")
	fs.StringVar(&cfg.ZaloAPIURL, "zalo-api-url", env("NHACVIEC_ZALO_API_URL", "https://bot-api.zaloplatforms.com"), "Zalo Bot API base URL (env NHACVIEC_ZALO_API_URL)")
	fs.StringVar(&cfg.DB, "db", env("NHACVIEC_DB", "./data/nhacviec.db"), "SQLite database file (env NHACVIEC_DB)")
	fs.StringVar(&cfg.Timezone, "timezone", env("NHACVIEC_TIMEZONE", "Asia/Ho_Chi_Minh"), "the organisation's time zone (env NHACVIEC_TIMEZONE)")
	admins := fs.String("admins", env("NHACVIEC_ADMINS", ""), "bootstrap admins, e.g. tg:123456,zalo:abc (env NHACVIEC_ADMINS)")
	fs.StringVar(&cfg.HolidaysFile, "holidays-file", env("NHACVIEC_HOLIDAYS_FILE", ""), "a file of yearly day-off swaps loaded at start (env NHACVIEC_HOLIDAYS_FILE)")
	fs.StringVar(&cfg.WebhookURL, "webhook-url", env("NHACVIEC_WEBHOOK_URL", ""), "HTTPS URL for Telegram to deliver updates to, instead of polling (env NHACVIEC_WEBHOOK_URL)")
	fs.StringVar(&cfg.PublicURL, "public-url", env("NHACVIEC_PUBLIC_URL", ""), "http(s) URL forwarded to the HTTP address, at which files are offered as one-time links on Zalo (env NHACVIEC_PUBLIC_URL)")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", env("NHACVIEC_HTTP_ADDR", "127.0.0.1:8080"), "address for /healthz and /metrics; empty or off: none (env NHACVIEC_HTTP_ADDR)")
	rate := fs.Float64("send-rate", 25, "messages per second overall (env NHACVIEC_SEND_RATE)")
	zaloRate := fs.Float64("zalo-send-rate", defaultZaloRate, "messages per second overall to Zalo (env NHACVIEC_ZALO_SEND_RATE)")
	fs.StringVar(&cfg.ZaloWebhookURL, "zalo-webhook-url", env("NHACVIEC_ZALO_WEBHOOK_URL", ""), "HTTPS URL for Zalo to deliver updates to, instead of polling (env NHACVIEC_ZALO_WEBHOOK_URL)")
	chatPace := fs.String("chat-pace", env("NHACVIEC_CHAT_PACE", "on"), "for benchmarks: off lifts the per-chat pace (env NHACVIEC_CHAT_PACE)")
	workers := fs.String("send-workers", env("NHACVIEC_SEND_WORKERS", strconv.Itoa(bot.DefaultWorkers)), "messages in flight at once; a crash may repeat up to this many (env NHACVIEC_SEND_WORKERS)")
	outboxDays := fs.String("outbox-keep-days", env("NHACVIEC_OUTBOX_KEEP_DAYS", "30"), "days sent messages are kept; 0: for ever (env NHACVIEC_OUTBOX_KEEP_DAYS)")
	repliesDays := fs.String("replies-keep-days", env("NHACVIEC_REPLIES_KEEP_DAYS", "90"), "days a reply to a bot message still finds its task; 0: for ever (env NHACVIEC_REPLIES_KEEP_DAYS)")
	fs.StringVar(&cfg.LogLevel, "log-level", env("NHACVIEC_LOG_LEVEL", "info"), "debug, info, warn or error (env NHACVIEC_LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", env("NHACVIEC_LOG_FORMAT", "json"), "json or console (env NHACVIEC_LOG_FORMAT)")
	fs.StringVar(&cfg.Script, "script", "", "demo: type the lines of this file, one per input, and print the transcript")
	clock := fs.String("clock", env("NHACVIEC_CLOCK", ""), "for tests: start the bot's clock at this RFC 3339 time (env NHACVIEC_CLOCK); the demo's starts there instead of 09:00 Monday 23/11/2026")
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err.Error()}
	}
	if cfg.Args = fs.Args(); len(cfg.Args) > 0 && sub != "backup" {
		return nil, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if cfg.Script != "" && sub != "demo" {
		return nil, usageError{"-script is for the demo: nhacviec demo -script FILE"}
	}
	if cfg.HTTPAddr == "off" {
		cfg.HTTPAddr = ""
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	if !set["telegram-token"] {
		if cfg.TelegramToken, err = m.secret("NHACVIEC_TELEGRAM_TOKEN"); err != nil {
			return nil, err
		}
	}
	if !set["zalo-token"] {
		if cfg.ZaloToken, err = m.secret("NHACVIEC_ZALO_TOKEN"); err != nil {
			return nil, err
		}
	}
	if cfg.WebhookURL != "" {
		if err := cfg.checkWebhook(m); err != nil {
			return nil, err
		}
	}
	if cfg.PublicURL != "" {
		if _, err := parsePublicURL(cfg.PublicURL); err != nil {
			return nil, err
		}
		if cfg.HTTPAddr == "" {
			return nil, usageError{"NHACVIEC_PUBLIC_URL needs NHACVIEC_HTTP_ADDR: the address behind the proxy that serves the download links"}
		}
	}
	if !set["send-rate"] {
		if v := m.Getenv("NHACVIEC_SEND_RATE"); v != "" {
			if *rate, err = strconv.ParseFloat(v, 64); err != nil {
				return nil, usageError{fmt.Sprintf("NHACVIEC_SEND_RATE=%q is not a number", v)}
			}
		}
	}
	if !set["zalo-send-rate"] {
		if v := m.Getenv("NHACVIEC_ZALO_SEND_RATE"); v != "" {
			if *zaloRate, err = strconv.ParseFloat(v, 64); err != nil {
				return nil, usageError{fmt.Sprintf("NHACVIEC_ZALO_SEND_RATE=%q is not a number", v)}
			}
		}
	}
	if *rate <= 0 || *zaloRate <= 0 {
		return nil, usageError{"the send rate must be above 0"}
	}
	cfg.SendRate, cfg.ZaloSendRate = *rate, *zaloRate
	if cfg.ZaloWebhookURL != "" {
		if err := cfg.checkZaloWebhook(m); err != nil {
			return nil, err
		}
	}
	if cfg.SendWorkers, err = strconv.Atoi(*workers); err != nil || cfg.SendWorkers < 1 || cfg.SendWorkers > 64 {
		return nil, usageError{fmt.Sprintf("NHACVIEC_SEND_WORKERS=%q: want a number from 1 to 64", *workers)}
	}
	for _, d := range []struct {
		name string
		arg  *string
		to   *int
	}{{"NHACVIEC_OUTBOX_KEEP_DAYS", outboxDays, &cfg.OutboxKeepDays}, {"NHACVIEC_REPLIES_KEEP_DAYS", repliesDays, &cfg.RepliesKeepDays}} {
		if *d.to, err = strconv.Atoi(*d.arg); err != nil || *d.to < 0 {
			return nil, usageError{fmt.Sprintf("%s=%q: want a number of days (0: keep for ever)", d.name, *d.arg)}
		}
	}
	switch *chatPace {
	case "on", "":
	case "off":
		cfg.NoChatPace = true
	default:
		return nil, usageError{fmt.Sprintf("NHACVIEC_CHAT_PACE=%q: use on or off", *chatPace)}
	}
	for _, a := range strings.Split(*admins, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		key, err := adminKey(a)
		if err != nil {
			return nil, err
		}
		cfg.Admins = append(cfg.Admins, key)
	}
	if *clock != "" {
		if cfg.ClockStart, err = time.Parse(time.RFC3339, *clock); err != nil {
			return nil, usageError{fmt.Sprintf("NHACVIEC_CLOCK=%q: want an RFC 3339 time such as 2026-11-23T09:00:00+07:00", *clock)}
		}
	}
	if _, err := time.LoadLocation(cfg.Timezone); err != nil {
		return nil, usageError{fmt.Sprintf("unknown time zone %q", cfg.Timezone)}
	}
	return cfg, nil
}

// webhookSecret is what Telegram accepts as a secret_token.
var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{16,256}$`)

// checkWebhook validates webhook mode: an HTTPS URL, a secret token from
// NHACVIEC_WEBHOOK_SECRET (or _FILE), and an address to serve it on.
func (c *Config) checkWebhook(m *Main) error {
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return usageError{fmt.Sprintf("NHACVIEC_WEBHOOK_URL=%q: want an https:// URL Telegram can reach, e.g. https://nhacviec.example.gov.vn/telegram", c.WebhookURL)}
	}
	if c.WebhookSecret, err = m.secret("NHACVIEC_WEBHOOK_SECRET"); err != nil {
		return err
	}
	if !webhookSecret.MatchString(c.WebhookSecret) {
		return usageError{"webhook mode needs NHACVIEC_WEBHOOK_SECRET (or _FILE): 16 to 256 characters of A-Z a-z 0-9 _ -"}
	}
	if c.HTTPAddr == "" {
		return usageError{"webhook mode needs NHACVIEC_HTTP_ADDR: the address behind the HTTPS proxy that receives Telegram's requests"}
	}
	return nil
}

// defaultZaloRate is the sender's overall rate for Zalo when
// NHACVIEC_ZALO_SEND_RATE is not set. Zalo publishes no rate limits for
// bots (only a 429 "quota exceeded" answer), so the default is well
// under Telegram's 25 a second: 5 a second still sends a morning's
// reminders to 1,000 people in under 4 minutes, and a 429 costs every
// Zalo chat half a minute (bot/zalo: classify), so going slower costs
// less than finding the limit the hard way. Raise it once a department
// has watched nhacviec_rate_limited_total{transport="zalo"} stay at 0.
const defaultZaloRate = 5

// checkZaloWebhook validates Zalo's webhook mode, as checkWebhook does
// Telegram's.
func (c *Config) checkZaloWebhook(m *Main) error {
	u, err := url.Parse(c.ZaloWebhookURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return usageError{fmt.Sprintf("NHACVIEC_ZALO_WEBHOOK_URL=%q: want an https:// URL Zalo can reach, e.g. https://nhacviec.example.gov.vn/zalo", c.ZaloWebhookURL)}
	}
	if c.ZaloWebhookSecret, err = m.secret("NHACVIEC_ZALO_WEBHOOK_SECRET"); err != nil {
		return err
	}
	if !webhookSecret.MatchString(c.ZaloWebhookSecret) {
		return usageError{"Zalo webhook mode needs NHACVIEC_ZALO_WEBHOOK_SECRET (or _FILE): 16 to 256 characters of A-Z a-z 0-9 _ -"}
	}
	if c.HTTPAddr == "" {
		return usageError{"Zalo webhook mode needs NHACVIEC_HTTP_ADDR: the address behind the HTTPS proxy that receives Zalo's requests"}
	}
	if c.WebhookURL != "" {
		if tg, _ := url.Parse(c.WebhookURL); tg != nil && tg.Path == u.Path {
			return usageError{"NHACVIEC_WEBHOOK_URL and NHACVIEC_ZALO_WEBHOOK_URL need different paths, e.g. /telegram and /zalo"}
		}
	}
	return nil
}

// adminKey turns "tg:123", "telegram:123", "123" or "zalo:abc" into the
// bot's "transport:id" form.
func adminKey(s string) (string, error) {
	transport, id, found := strings.Cut(s, ":")
	if !found {
		transport, id = "tg", s
	}
	switch transport {
	case "tg", "telegram":
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return "", usageError{fmt.Sprintf("NHACVIEC_ADMINS: %q is not a Telegram user id (a number, e.g. tg:123456)", s)}
		}
		return "telegram:" + id, nil
	case "zalo":
		if id == "" {
			return "", usageError{fmt.Sprintf("NHACVIEC_ADMINS: %q has no Zalo user id", s)}
		}
		return "zalo:" + id, nil
	}
	return "", usageError{fmt.Sprintf("NHACVIEC_ADMINS: %q: use tg:ID or zalo:ID", s)}
}

// secret reads NAME, or the file named by NAME_FILE (Docker and systemd
// secrets), trimmed.
func (m *Main) secret(name string) (string, error) {
	if v := m.Getenv(name); v != "" {
		return strings.TrimSpace(v), nil
	}
	path := m.Getenv(name + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", usageError{fmt.Sprintf("%s_FILE: %v", name, err)}
	}
	return strings.TrimSpace(string(b)), nil
}

func (c *Config) logger(w io.Writer) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(strings.ToLower(c.LogLevel))
	if err != nil || c.LogLevel == "" {
		return zerolog.Nop(), usageError{fmt.Sprintf("unknown log level %q; use debug, info, warn or error", c.LogLevel)}
	}
	switch c.LogFormat {
	case "json":
	case "console", "text":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.DateTime}
	default:
		return zerolog.Nop(), usageError{fmt.Sprintf("unknown log format %q; use json or console", c.LogFormat)}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

// version is set at build time with -ldflags "-X main.buildVersion=…";
// otherwise the module version or VCS revision is used.
var buildVersion string

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
	}
	return "dev"
}
