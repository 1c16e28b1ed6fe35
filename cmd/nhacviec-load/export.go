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

// runExport is scenario 7 (issue 13): the bot process's memory while it
// makes `/xuat năm` of about 100,000 tasks, and the latency of other
// people's commands (/viec, offered at -export-rate a second) while the
// export is made, against the same commands without it. An organisation
// of 40 units of 50 people (2,000) with -export-tasks tasks of history
// (seedBulk: spread over two years, so a year holds a little under half).
func runExport(ctx context.Context, o *options) error {
	units, perUnit, n := 40, 50, o.exportTasks
	if o.quick {
		units, perUnit, n = 4, 25, 8000
	}
	fmt.Printf("\n== 7. /xuat năm: %d units × %d people, %d tasks of history; /viec at %g/s from others; %d run(s)\n",
		units, perUnit, n, o.exportRate, o.runs)
	dir, cleanup, err := o.tempDir("export")
	if err != nil {
		return err
	}
	defer cleanup()
	db := filepath.Join(dir, "nhacviec.db")
	srv := telegramtest.New(token)
	defer srv.Close()
	start := time.Now()
	orgDB := db
	if o.cache != "" {
		orgDB = filepath.Join(dir, "org.db")
	}
	org, err := seedOrg(ctx, orgDB, srv, units, perUnit)
	if err != nil {
		return err
	}
	err = seedCached(ctx, o, orgDB, db, fmt.Sprintf("export-%dx%d-tasks%d", units, perUnit, n), func() error {
		return seedBulk(ctx, db, org.people, n, seedOpts{}, nil)
	})
	if err != nil {
		return err
	}
	fmt.Printf("  seeded in %s\n", since(start))
	var took, baseP50, baseP99, p50, p99 []time.Duration
	var hwmBase, hwm []int64
	var ratios []float64
	for r := range o.runs {
		res, err := exportOnce(ctx, o, db, org, dir, r)
		if err != nil {
			return err
		}
		took, hwmBase, hwm = append(took, res.took), append(hwmBase, res.hwmBase), append(hwm, res.hwm)
		baseP50, baseP99 = append(baseP50, res.base50), append(baseP99, res.base99)
		p50, p99 = append(p50, res.p50), append(p99, res.p99)
		ratios = append(ratios, float64(res.p99)/float64(max(res.base99, time.Microsecond)))
		if o.verbose || o.runs == 1 {
			fmt.Printf("    run %d: /xuat năm of %d tasks, %s file: %s; RSS peak %s (before it %s); /viec without p50 %s p99 %s (%d), during p50 %s p99 %s (%d)\n",
				r+1, res.tasks, mb(res.size), ms(res.took), mb(res.hwm), mb(res.hwmBase), ms(res.base50), ms(res.base99), res.nBase, ms(res.p50), ms(res.p99), res.nDuring)
		}
	}
	fmt.Printf("    /xuat năm, command fetched → document accepted: %s\n", spread(took, ms))
	fmt.Printf("    bot RSS peak (VmHWM) after the export: %s; before it (start-up and the commands alone): %s\n", spread(hwm, mb), spread(hwmBase, mb))
	fmt.Printf("    /viec of others without an export: p50 %s, p99 %s\n", spread(baseP50, ms), spread(baseP99, ms))
	fmt.Printf("    /viec of others during the export: p50 %s, p99 %s; p99 during / without: %s\n", spread(p50, ms), spread(p99, ms),
		spread(ratios, func(x float64) string { return fmt.Sprintf("%.2f×", x) }))
	return nil
}

type exportResult struct {
	took           time.Duration
	tasks          int
	size           int64
	hwmBase, hwm   int64
	base50, base99 time.Duration
	p50, p99       time.Duration
	nBase, nDuring int
}

// exportOnce starts the bot on the seeded database; people send /viec at
// the export rate for -export-window (the baseline); then an admin asks
// /xuat năm and the others go on until the document is accepted.
func exportOnce(ctx context.Context, o *options, db string, org *org, dir string, run int) (res exportResult, err error) {
	srv := telegramtest.New(token)
	defer srv.Close()
	srv.SetRequireStart(false)
	srv.JumpUpdateID(int(time.Now().UnixMilli()))
	for _, u := range org.units {
		srv.Group(u.chat.ID, u.chat.Title)
	}
	admin := org.people[1]
	env := botEnv(srv, db, "NHACVIEC_CLOCK="+monday0900.Format(time.RFC3339), "NHACVIEC_SEND_RATE=100000", "NHACVIEC_CHAT_PACE=off",
		"NHACVIEC_SEND_WORKERS="+strconv.Itoa(o.workers), "NHACVIEC_ADMINS="+strconv.FormatInt(admin.user.ID, 10),
		"NHACVIEC_OUTBOX_KEEP_DAYS=0", "NHACVIEC_REPLIES_KEEP_DAYS=0")
	env = append(env, o.botEnv...)
	if run == 0 && o.profile != "" {
		cpu, _ := filepath.Abs(filepath.Join(o.profile, "export.cpu.pprof"))
		mem, _ := filepath.Abs(filepath.Join(o.profile, "export.allocs.pprof"))
		env = append(env, "NHACVIEC_CPUPROFILE="+cpu, "NHACVIEC_MEMPROFILE="+mem)
		defer fmt.Printf("    profiles: %s\n", filepath.Join(o.profile, "export.{cpu,allocs}.pprof"))
	}
	p, err := startBot(o.bin, env, filepath.Join(dir, fmt.Sprintf("bot-%d.log", run)))
	if err != nil {
		return res, err
	}
	defer p.kill()
	if _, err = waitPoll(ctx, srv, p, 30*time.Second); err != nil {
		return res, err
	}
	tr := newTracker(srv, db)
	var others []*person
	for _, q := range org.people {
		if q != admin {
			others = append(others, q)
		}
	}
	next := 0
	// load offers /viec at the rate until done says stop, and returns the
	// latencies, update fetched → reply accepted.
	load := func(done func() bool) ([]time.Duration, error) {
		interval := time.Duration(float64(time.Second) / o.exportRate)
		var sent []upd
		due := time.Now()
		for !done() {
			if now := time.Now(); !now.Before(due) {
				who := others[next%len(others)]
				next++
				id := srv.UserSays(who.chat(), who.user, "/viec")
				sent = append(sent, upd{id: id, chat: who.user.ID, msg: srv.MessageOf(id), kind: "viec"})
				due = due.Add(interval)
			}
			tr.poll()
			if err := p.alive(); err != nil {
				return nil, err
			}
			if err := sleep(ctx, time.Millisecond); err != nil {
				return nil, err
			}
		}
		var lat []time.Duration
		for _, u := range sent {
			var s telegramtest.Sent
			if err := tr.wait(ctx, p, 60*time.Second, "the reply to /viec", func() bool {
				var ok bool
				s, ok = tr.reply(u)
				return ok
			}); err != nil {
				return nil, err
			}
			at, _ := srv.FetchedAt(u.id)
			lat = append(lat, s.At.Sub(at))
		}
		return lat, nil
	}
	end := time.Now().Add(o.exportWindow)
	base, err := load(func() bool { return time.Now().After(end) })
	if err != nil {
		return res, err
	}
	if res.hwmBase, _, err = p.memory(); err != nil {
		return res, err
	}
	id := srv.UserSays(admin.chat(), admin.user, "/xuat năm")
	var doc telegramtest.Sent
	found := false
	during, err := load(func() bool {
		for _, s := range tr.sent {
			if s.ChatID == admin.user.ID && (s.Method == "sendDocument" || strings.Contains(s.Plain, "quá giới hạn")) {
				doc, found = s, true
			}
		}
		return found
	})
	if err != nil {
		return res, err
	}
	if doc.Method != "sendDocument" {
		return res, fmt.Errorf("/xuat năm answered %q", doc.Plain)
	}
	at, _ := srv.FetchedAt(id)
	res.took, res.size = doc.At.Sub(at), int64(len(doc.File))
	if i := strings.LastIndex(doc.Plain, "("); i >= 0 {
		fmt.Sscanf(doc.Plain[i+1:], "%d", &res.tasks)
	}
	if res.hwm, _, err = p.memory(); err != nil {
		return res, err
	}
	if err := p.stop(); err != nil {
		return res, err
	}
	if err := apiErrors(srv, false); err != nil {
		return res, err
	}
	if probs := p.logProblems(); len(probs) > 0 {
		return res, fmt.Errorf("the bot logged %d warnings or errors, e.g.\n%s", len(probs), strings.Join(probs[:min(5, len(probs))], "\n"))
	}
	res.base50, res.base99, res.nBase = pct(base, 50), pct(base, 99), len(base)
	res.p50, res.p99, res.nDuring = pct(during, 50), pct(during, 99), len(during)
	return res, nil
}
