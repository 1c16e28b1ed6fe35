package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// telegramLimits are the flood limits the fake enforces in scenarios 2
// and 4: Telegram's published ones.
var telegramLimits = telegramtest.Limits{Global: 30, PerChat: 1, PerGroupPerMinute: 20}

// monday0800 is when the reminders of scenario 2 fall due.
var monday0800 = time.Date(2026, 11, 23, 8, 0, 0, 0, hcm)

type fanoutResult struct {
	messages  int
	span      time.Duration // first message accepted → last
	fromStart time.Duration // process start → last message accepted
	tooMany   int
	probes    []time.Duration // -probe: each /viec's update fetched → reply accepted
}

// runFanout is scenario 2: at 08:00 on a working day each of N people
// has a task due that day (one reminder each) and every unit's group its
// morning digest; the fake enforces Telegram's limits and the bot runs
// with its defaults but for NHACVIEC_SEND_RATE.
func runFanout(ctx context.Context, o *options) error {
	fmt.Printf("\n== 2. fan-out: at 08:00 a reminder to each of N people (units of 50) and each unit group's digest; fake limits %+v, answers delayed %s; bot defaults (per-chat pace on), NHACVIEC_SEND_WORKERS=%d; %d run(s)\n", telegramLimits, o.latency, o.workers, o.runs)
	for _, n := range o.fanout {
		for _, rate := range o.rates {
			var spans, starts []time.Duration
			var ratios []float64
			var tooMany []int64
			var probes []time.Duration
			msgs := 0
			for r := range o.runs {
				res, err := fanoutOnce(ctx, o, n, rate)
				if err != nil {
					return fmt.Errorf("N=%d R=%g: %w", n, rate, err)
				}
				floor := time.Duration(float64(res.messages) / rate * float64(time.Second))
				spans, starts = append(spans, res.span), append(starts, res.fromStart)
				ratios, tooMany = append(ratios, float64(res.span)/float64(floor)), append(tooMany, int64(res.tooMany))
				msgs = res.messages
				probes = append(probes, res.probes...)
				if o.verbose || o.runs == 1 {
					fmt.Printf("  N=%d R=%g run %d: %d messages, first→last %s (floor %s, %+.1f%%), start→last %s, %d × 429\n",
						n, rate, r+1, res.messages, ms(res.span), ms(floor), 100*(float64(res.span)/float64(floor)-1), ms(res.fromStart), res.tooMany)
					if len(res.probes) > 0 {
						fmt.Printf("    /viec sent meanwhile (%d): reply p50 %s, p99 %s, max %s\n", len(res.probes),
							ms(pct(res.probes, 50)), ms(pct(res.probes, 99)), ms(pct(res.probes, 100)))
					}
				}
			}
			floor := time.Duration(float64(msgs) / rate * float64(time.Second))
			fmt.Printf("  N=%-6d R=%-3g %6d messages: first→last %s, floor N/R %s → %s over; start→last %s; 429s: %s\n",
				n, rate, msgs, spread(spans, ms), ms(floor), spread(ratios, func(f float64) string { return fmt.Sprintf("%+.1f%%", 100*(f-1)) }),
				spread(starts, ms), spread(tooMany, func(v int64) string { return strconv.FormatInt(v, 10) }))
			if len(probes) > 0 {
				fmt.Printf("    /viec every %s while they go out (%d in all): update fetched → reply accepted p50 %s, p99 %s, max %s\n",
					o.probe, len(probes), ms(pct(probes, 50)), ms(pct(probes, 99)), ms(pct(probes, 100)))
			}
		}
	}
	return nil
}

// seedDue gives every person one open task due today at 17:00, assigned
// on the previous working day by their head in the unit's group, with
// the scheduler to look at it at 08:00 today.
func seedDue(ctx context.Context, db string, org *org) error {
	created := time.Date(2026, 11, 20, 10, 0, 0, 0, hcm) // Friday
	return update(ctx, db, created, func(tx nhacviec.Tx) error {
		for i, p := range org.people {
			t := &nhacviec.Task{Title: fmt.Sprintf("Báo cáo số liệu tuần số %d", i), AssignerID: p.unit.head.id, AssigneeID: p.id,
				ChatID: p.unit.group, UnitID: p.unit.id, Deadline: time.Date(2026, 11, 23, 17, 0, 0, 0, hcm),
				Status: nhacviec.StatusOpen, CreatedAt: created, NextPlanAt: monday0800}
			if err := tx.CreateTask(t); err != nil {
				return err
			}
		}
		return nil
	})
}

func fanoutOnce(ctx context.Context, o *options, n int, rate float64) (res fanoutResult, err error) {
	dir, cleanup, err := o.tempDir("fanout")
	if err != nil {
		return res, err
	}
	defer cleanup()
	db := filepath.Join(dir, "nhacviec.db")
	srv := telegramtest.New(token)
	defer srv.Close()
	org, err := seedOrg(ctx, db, srv, max(1, n/50), min(n, 50))
	if err != nil {
		return res, err
	}
	if err := seedDue(ctx, db, org); err != nil {
		return res, err
	}
	srv.EnforceLimits(telegramLimits)
	srv.SetLatency(o.latency)
	p, err := startBot(o.bin, botEnv(srv, db, "NHACVIEC_CLOCK="+monday0800.Format(time.RFC3339),
		"NHACVIEC_SEND_RATE="+strconv.FormatFloat(rate, 'f', -1, 64), "NHACVIEC_SEND_WORKERS="+strconv.Itoa(o.workers)), filepath.Join(dir, "bot.log"))
	if err != nil {
		return res, err
	}
	defer p.kill()
	tr := newTracker(srv, db)
	got := map[int64]bool{}
	seen := 0
	want := len(org.people) + len(org.units)
	timeout := time.Duration(float64(want)/rate*1.5*float64(time.Second)) + time.Minute
	// -probe: people ask /viec while the messages go out; their replies
	// are not part of the fan-out.
	var probes []upd
	probed := map[chatMsg]bool{}
	var lastProbe time.Time
	probe := func() {
		if o.probe <= 0 || len(tr.sent) == 0 || time.Since(lastProbe) < o.probe {
			return
		}
		who := org.people[len(org.people)-1-len(probes)%len(org.people)]
		id := srv.UserSays(who.chat(), who.user, "/viec")
		u := upd{id: id, chat: who.user.ID, msg: srv.MessageOf(id), kind: "viec"}
		probes, probed[chatMsg{u.chat, u.msg}], lastProbe = append(probes, u), true, time.Now()
	}
	fanned := func(s telegramtest.Sent) bool { return !probed[chatMsg{s.ChatID, s.ReplyTo}] }
	err = tr.wait(ctx, p, timeout, "every reminder and digest", func() bool {
		for _, s := range tr.sent[seen:] {
			if fanned(s) {
				got[s.ChatID] = true
			}
		}
		seen = len(tr.sent)
		if len(got) >= want {
			return true
		}
		probe()
		return false
	})
	if err != nil {
		return res, fmt.Errorf("%w (%d of %d chats reached)", err, len(got), want)
	}
	err = tr.wait(ctx, p, 30*time.Second, "the replies to /viec sent during the fan-out", func() bool {
		for _, u := range probes {
			if _, ok := tr.reply(u); !ok {
				return false
			}
		}
		return true
	})
	if err != nil {
		return res, err
	}
	// A digest too long for one message goes in parts: wait for quiet.
	for n := len(tr.sent); ; n = len(tr.sent) {
		if err := sleep(ctx, 2*time.Second); err != nil {
			return res, err
		}
		if tr.poll(); len(tr.sent) == n {
			break
		}
	}
	for _, u := range probes {
		s, ok := tr.reply(u)
		if !ok {
			return res, fmt.Errorf("no reply to /viec (update %d) sent during the fan-out", u.id)
		}
		at, _ := srv.FetchedAt(u.id)
		res.probes = append(res.probes, s.At.Sub(at))
	}
	if err := p.stop(); err != nil {
		return res, err
	}
	var sent []telegramtest.Sent
	for _, s := range tr.sent {
		if fanned(s) {
			sent = append(sent, s)
		}
	}
	first, last := sent[0].At, sent[0].At
	for _, s := range sent {
		if s.At.Before(first) {
			first = s.At
		}
		if s.At.After(last) {
			last = s.At
		}
		if s.ChatID > 0 && !strings.HasPrefix(s.Plain, "⏰ Hôm nay đến hạn việc") {
			return res, fmt.Errorf("unexpected private message %q", s.Plain)
		}
	}
	res.messages, res.span, res.fromStart = len(sent), last.Sub(first), last.Sub(p.started)
	res.tooMany = srv.Stats().TooMany
	if err := apiErrors(srv, true); err != nil {
		return res, err
	}
	if probs := p.logProblems("rate limited by the API"); len(probs) > 0 {
		return res, fmt.Errorf("the bot logged %d warnings or errors, e.g.\n%s", len(probs), strings.Join(probs[:min(5, len(probs))], "\n"))
	}
	return res, nil
}
