package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// runLateness is scenario 4: N reminders due at 08:00 the same morning,
// the fake enforcing Telegram's limits, the bot with its defaults; how
// late each goes out after it fell due.
func runLateness(ctx context.Context, o *options) error {
	if o.reminder <= 0 {
		return nil
	}
	fmt.Printf("\n== 4. reminder lateness: %d reminders due at 08:00 (units of 50; the digests went out before); fake limits %+v, answers delayed %s; bot defaults (NHACVIEC_SEND_RATE=25), NHACVIEC_SEND_WORKERS=%d; %d run(s)\n",
		o.reminder, telegramLimits, o.latency, o.workers, o.runs)
	var p50s, p99s, maxs []time.Duration
	for r := range o.runs {
		lat, err := latenessOnce(ctx, o)
		if err != nil {
			return err
		}
		p50s, p99s, maxs = append(p50s, pct(lat, 50)), append(p99s, pct(lat, 99)), append(maxs, pct(lat, 100))
		if o.verbose || o.runs == 1 {
			fmt.Printf("  run %d: p50 %s, p99 %s, last %s\n", r+1, ms(pct(lat, 50)), ms(pct(lat, 99)), ms(pct(lat, 100)))
		}
	}
	floor := func(q float64) time.Duration {
		return time.Duration(q * float64(o.reminder) / 25 * float64(time.Second))
	}
	fmt.Printf("  lateness p50: %s (floor at 25/s: %s)\n", spread(p50s, ms), ms(floor(0.5)))
	fmt.Printf("  lateness p99: %s (floor at 25/s: %s)\n", spread(p99s, ms), ms(floor(0.99)))
	fmt.Printf("  last:         %s (floor at 25/s: %s)\n", spread(maxs, ms), ms(floor(1)))
	return nil
}

// latenessOnce starts the bot a few seconds before a minute boundary B
// with its clock set so that it reads 08:00:00.25 at B; the scheduler's
// pass at B (cron runs on the real clock's minutes) finds the reminders
// due. Lateness is counted from B, when the bot's clock passed 08:00
// (give or take its start-up, well under the 0.25 s).
func latenessOnce(ctx context.Context, o *options) ([]time.Duration, error) {
	dir, cleanup, err := o.tempDir("lateness")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	db := filepath.Join(dir, "nhacviec.db")
	srv := telegramtest.New(token)
	defer srv.Close()
	org, err := seedOrg(ctx, db, srv, max(1, o.reminder/50), min(o.reminder, 50))
	if err != nil {
		return nil, err
	}
	if err := seedDue(ctx, db, org); err != nil {
		return nil, err
	}
	srv.EnforceLimits(telegramLimits)
	srv.SetLatency(o.latency)
	launch := time.Now()
	boundary := launch.Truncate(time.Minute).Add(time.Minute)
	if boundary.Sub(launch) < 10*time.Second {
		boundary = boundary.Add(time.Minute)
	}
	clock := monday0800.Add(250 * time.Millisecond).Add(-boundary.Sub(launch))
	p, err := startBot(o.bin, botEnv(srv, db, "NHACVIEC_CLOCK="+clock.Format(time.RFC3339Nano), "NHACVIEC_SEND_WORKERS="+strconv.Itoa(o.workers)), filepath.Join(dir, "bot.log"))
	if err != nil {
		return nil, err
	}
	defer p.kill()
	tr := newTracker(srv, db)
	got := map[int64]time.Time{}
	seen := 0
	timeout := time.Until(boundary) + time.Duration(float64(o.reminder)/25*2*float64(time.Second)) + time.Minute
	err = tr.wait(ctx, p, timeout, "every reminder", func() bool {
		for _, s := range tr.sent[seen:] {
			if s.ChatID > 0 {
				if !strings.HasPrefix(s.Plain, "⏰ Hôm nay đến hạn việc") {
					err = fmt.Errorf("unexpected private message %q", s.Plain)
					return true
				}
				if s.At.Before(boundary) {
					err = fmt.Errorf("a reminder went out %s before 08:00 on the bot's clock", ms(boundary.Sub(s.At)))
					return true
				}
				got[s.ChatID] = s.At
			}
		}
		seen = len(tr.sent)
		return len(got) >= len(org.people)
	})
	if err != nil {
		return nil, fmt.Errorf("%w (%d of %d reminders)", err, len(got), len(org.people))
	}
	if err := p.stop(); err != nil {
		return nil, err
	}
	if err := apiErrors(srv, true); err != nil {
		return nil, err
	}
	if st := srv.Stats(); st.TooMany > 0 {
		fmt.Printf("  (%s × 429)\n", strconv.Itoa(st.TooMany))
	}
	if probs := p.logProblems("rate limited by the API"); len(probs) > 0 {
		return nil, fmt.Errorf("the bot logged %d warnings or errors, e.g.\n%s", len(probs), strings.Join(probs[:min(5, len(probs))], "\n"))
	}
	var lat []time.Duration
	for _, at := range got {
		lat = append(lat, at.Sub(boundary))
	}
	return lat, nil
}
