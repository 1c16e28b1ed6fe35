package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/scheduler"
	"github.com/nhacviec/nhacviec/store"
)

// runState is scenario 3: an organisation of 20 units of 500 people
// with 100k or 1M tasks stored. In process: scheduler passes (RunOnce)
// on the database. With the binary: start-up time, /quahan of a unit's
// head (pace off, as in scenario 1), RSS.
func runState(ctx context.Context, o *options) error {
	units, perUnit := 20, 500
	if o.quick {
		units, perUnit = 4, 50
	}
	fmt.Printf("\n== 3. state size: %d units × %d people; %d run(s) of each measurement\n", units, perUnit, o.runs)
	for _, n := range o.tasks {
		if err := stateOnce(ctx, o, n, units, perUnit); err != nil {
			return fmt.Errorf("%d tasks: %w", n, err)
		}
	}
	return nil
}

func stateOnce(ctx context.Context, o *options, n, units, perUnit int) error {
	dir, cleanup, err := o.tempDir("state")
	if err != nil {
		return err
	}
	defer cleanup()
	db := filepath.Join(dir, "nhacviec.db")
	srv := telegramtest.New(token)
	defer srv.Close()
	start := time.Now()
	if o.stateDB != "" {
		// A database seeded by an earlier run (-keep): the organisation
		// is seeded again elsewhere only to learn its ids.
		if err := copyFile(o.stateDB, db); err != nil {
			return err
		}
		if _, err := os.Stat(o.stateDB + "-wal"); err == nil {
			return fmt.Errorf("%s has a -wal file: not a database the seed closed", o.stateDB)
		}
	}
	orgDB := db
	if o.stateDB != "" || o.cache != "" {
		orgDB = filepath.Join(dir, "org.db")
	}
	org, err := seedOrg(ctx, orgDB, srv, units, perUnit)
	if err != nil {
		return err
	}
	if o.stateDB == "" {
		// As -state-db, with the copy kept by an earlier run in -cache.
		err := seedCached(ctx, o, orgDB, db, fmt.Sprintf("state-%dx%d-tasks%d", units, perUnit, n), func() error {
			return seedBulk(ctx, db, org.people, n, seedOpts{}, func(s string) {
				if o.verbose {
					fmt.Println("  seeded", s)
				}
			})
		})
		if err != nil {
			return err
		}
	}
	size, err := fileSize(db)
	if err != nil {
		return err
	}
	fmt.Printf("  %d tasks: seeded in %s; database %s\n", n, since(start), mb(size))

	// The scheduler, in process: the minute's pass at 09:00 (everything
	// planned this morning already), and the 08:00 pass (on a copy).
	steady, err := steadyPasses(ctx, o, db, n)
	if err != nil {
		return err
	}
	fmt.Printf("    RunOnce at 09:00 (the pass of every minute): %s\n", spread(steady, ms))
	// The morning's notices are planned ahead from 03:00 (the scheduler's
	// AheadFrom): the night's pass does the work, the 08:00 pass finds it
	// done. Without the night's pass (the bot was down) the 08:00 pass
	// does it all, as before.
	var night, nightCPU, morning, ahead, aheadCPU []time.Duration
	planned, plannedAhead, left := 0, 0, 0
	for r := range o.runs {
		p, err := morningPass(ctx, o, db, n, r == 0, false)
		if err != nil {
			return err
		}
		ahead, aheadCPU, planned = append(ahead, p.wall), append(aheadCPU, p.cpu), p.planned
		if p, err = morningPass(ctx, o, db, n, r == 0, true); err != nil {
			return err
		}
		night, nightCPU, plannedAhead = append(night, p.night.wall), append(nightCPU, p.night.cpu), p.night.planned
		morning, left = append(morning, p.wall), p.planned
	}
	fmt.Printf("    RunOnce at 03:00, the night's pass (plans the morning's %d messages: nudges, reminders): %s; CPU %s\n",
		plannedAhead, spread(night, ms), spread(nightCPU, ms))
	fmt.Printf("    RunOnce at 08:00 after it (plans %d): %s\n", left, spread(morning, ms))
	// The CPU it took, less disturbed than the time when other work
	// shares the machine.
	fmt.Printf("    RunOnce at 08:00 without the night's pass (plans %d messages): %s; CPU (user + system) %s\n",
		planned, spread(ahead, ms), spread(aheadCPU, ms))
	first, next, reported, err := ladderPasses(ctx, db)
	if err != nil {
		return err
	}
	fmt.Printf("    RunOnce at 07:30, the escalation ladder: its first run (records %d escalations) %s; the next morning's %s\n", reported, ms(first), ms(next))

	// The bot.
	if o.quahan <= 0 {
		return nil
	}
	var starts, p50s, p99s, alls []time.Duration
	var hwms, rsss []int64
	listedAll := 0
	for r := range o.runs {
		res, err := quahanOnce(ctx, o, srv, db, org, dir, r)
		if err != nil {
			return err
		}
		starts, p50s, p99s, alls = append(starts, res.startup), append(p50s, res.p50), append(p99s, res.p99), append(alls, res.all)
		listedAll = res.listedAll
		hwms, rsss = append(hwms, res.hwm), append(rsss, res.rss)
		if o.verbose || o.runs == 1 {
			fmt.Printf("    run %d: start-up %s, /quahan p50 %s p99 %s (%d tasks listed), RSS peak %s, RSS %s\n",
				r+1, ms(res.startup), ms(res.p50), ms(res.p99), res.listed, mb(res.hwm), mb(res.rss))
		}
	}
	fmt.Printf("    start-up to the first getUpdates: %s\n", spread(starts, ms))
	fmt.Printf("    /quahan of a unit head (%d people): p50 %s, p99 %s\n", perUnit, spread(p50s, ms), spread(p99s, ms))
	fmt.Printf("    /quahan of an admin (the whole organisation, %d overdue tasks): p50 %s\n", listedAll, spread(alls, ms))
	fmt.Printf("    RSS peak (VmHWM): %s; RSS at the end: %s\n", spread(hwms, mb), spread(rsss, mb))
	return nil
}

func fileSize(path string) (int64, error) {
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		st, err := os.Stat(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return 0, err
		}
		total += st.Size()
	}
	return total, nil
}

// wired is the scheduler over the store with the bot core composing, as
// cmd/nhacviec wires them.
func wired(ctx context.Context, path string, now time.Time) (*store.DB, *scheduler.Scheduler, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	db.Now = func() time.Time { return now }
	cal := calendar.New(calendar.Config{Location: hcm})
	b := &bot.Bot{Store: db, Calendar: cal, Log: zerolog.Nop(), Username: telegramtest.BotUsername}
	return db, &scheduler.Scheduler{Store: db, Composer: b, Calendar: cal, Log: zerolog.Nop()}, nil
}

// steadyPasses times the scheduler's pass at 09:00, 09:01, … on the
// seeded database (which it does not change: all is planned).
func steadyPasses(ctx context.Context, o *options, path string, n int) ([]time.Duration, error) {
	db, s, err := wired(ctx, path, monday0900)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	stop := func() {}
	if o.profile != "" {
		stop, err = profile(o, fmt.Sprintf("runonce-steady-%d", n))
		if err != nil {
			return nil, err
		}
	}
	defer stop()
	var out []time.Duration
	passes := max(o.runs, 5)
	if o.profile != "" {
		passes = 200 // enough samples for the profile
	}
	for i := range passes {
		now := monday0900.Add(time.Duration(i) * time.Minute)
		db.Now = func() time.Time { return now }
		t0 := time.Now()
		w, err := s.RunOnce(ctx, now)
		if err != nil {
			return nil, err
		}
		if w != 0 {
			return nil, fmt.Errorf("the pass at %s planned %d messages; the seed should leave nothing to plan", now.Format("15:04"), w)
		}
		out = append(out, time.Since(t0))
	}
	return out, nil
}

// passTime is one timed scheduler pass.
type passTime struct {
	wall, cpu time.Duration
	planned   int
}

// morningResult is the 08:00 pass, and the night's before it if any.
type morningResult struct {
	passTime
	night passTime
}

// morningPass times the 08:00 pass on a copy of the seeded database in
// which the tasks due for it (overdue ones, due today or tomorrow) are
// waiting for it, as they were before this morning's pass; with night,
// the night's pass at 03:00 runs (timed) before it.
func morningPass(ctx context.Context, o *options, path string, n int, prof, night bool) (res morningResult, err error) {
	cp := path + ".morning"
	if err := copyFile(path, cp); err != nil {
		return res, err
	}
	defer os.Remove(cp)
	defer os.Remove(cp + "-wal")
	defer os.Remove(cp + "-shm")
	defer os.Remove(cp + ".lock")
	db, sched, err := wired(ctx, cp, monday0800)
	if err != nil {
		return res, err
	}
	defer db.Close()
	twoDays := monday0800.AddDate(0, 0, 2)
	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		tasks, err := tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: twoDays})
		if err != nil {
			return err
		}
		for _, t := range tasks {
			t.NextPlanAt = monday0800
			if err := tx.SaveTask(t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	timed := func(at time.Time, name string) (p passTime, err error) {
		stop := func() {}
		if prof && o.profile != "" {
			if stop, err = profile(o, fmt.Sprintf("runonce-%s-%d", name, n)); err != nil {
				return p, err
			}
		}
		t0, c0 := time.Now(), processCPU()
		p.planned, err = sched.RunOnce(ctx, at)
		p.wall, p.cpu = time.Since(t0), processCPU()-c0
		stop()
		return p, err
	}
	if night {
		if res.night, err = timed(monday0800.Add(-5*time.Hour), "night"); err != nil {
			return res, err
		}
		res.passTime, err = timed(monday0800, "morning-after-night")
		return res, err
	}
	res.passTime, err = timed(monday0800, "morning")
	return res, err
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On disk before the bot starts: its first checkpoint's fsync would
	// otherwise write out the whole copy.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// profile starts a CPU profile of this process; the returned function
// stops it and writes the allocation profile.
func profile(o *options, name string) (func(), error) {
	cpu, err := os.Create(filepath.Join(o.profile, name+".cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		cpu.Close()
		if f, err := os.Create(filepath.Join(o.profile, name+".allocs.pprof")); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
		fmt.Printf("    profiles: %s\n", filepath.Join(o.profile, name+".{cpu,allocs}.pprof"))
	}, nil
}

type quahanResult struct {
	startup, p50, p99 time.Duration
	hwm, rss          int64
	listed            int
	// The admin's /quahan over the whole organisation: p50, tasks.
	all       time.Duration
	listedAll int
}

// quahanOnce starts the bot on the seeded database and has the units'
// heads ask /quahan in private, one at a time.
func quahanOnce(ctx context.Context, o *options, srv *telegramtest.Server, db string, org *org, dir string, run int) (res quahanResult, err error) {
	// A fresh fake per start, so that FirstCall is this start's.
	srv = telegramtest.New(token)
	defer srv.Close()
	srv.SetRequireStart(false)
	// Above any offset an earlier start stored in this database.
	srv.JumpUpdateID(int(time.Now().UnixMilli()))
	for _, u := range org.units {
		srv.Group(u.chat.ID, u.chat.Title)
	}
	admin := org.people[1] // a member of the first unit, made an admin: the whole organisation's view
	env := botEnv(srv, db, "NHACVIEC_CLOCK="+monday0900.Format(time.RFC3339), "NHACVIEC_SEND_RATE=100000", "NHACVIEC_CHAT_PACE=off",
		"NHACVIEC_SEND_WORKERS="+strconv.Itoa(o.workers), "NHACVIEC_ADMINS="+strconv.FormatInt(admin.user.ID, 10),
		"NHACVIEC_OUTBOX_KEEP_DAYS=0", "NHACVIEC_REPLIES_KEEP_DAYS=0") // the seeded history stays while measured
	if run == 0 && o.profile != "" {
		name := fmt.Sprintf("quahan-%d", len(org.people))
		cpu, _ := filepath.Abs(filepath.Join(o.profile, name+".cpu.pprof"))
		mem, _ := filepath.Abs(filepath.Join(o.profile, name+".allocs.pprof"))
		env = append(env, "NHACVIEC_CPUPROFILE="+cpu, "NHACVIEC_MEMPROFILE="+mem)
		defer fmt.Printf("    profiles: %s\n", filepath.Join(o.profile, name+".{cpu,allocs}.pprof"))
	}
	p, err := startBot(o.bin, env, filepath.Join(dir, fmt.Sprintf("bot-%d.log", run)))
	if err != nil {
		return res, err
	}
	defer p.kill()
	if res.startup, err = waitPoll(ctx, srv, p, 30*time.Second); err != nil {
		return res, err
	}
	tr := newTracker(srv, db)
	ask := func(who *person) (time.Duration, int, error) {
		id := srv.UserSays(who.chat(), who.user, "/quahan")
		u := upd{id: id, chat: who.user.ID, msg: srv.MessageOf(id), kind: "quahan"}
		var s telegramtest.Sent
		if err := tr.wait(ctx, p, 30*time.Second, "the reply to /quahan", func() bool {
			var ok bool
			s, ok = tr.reply(u)
			return ok
		}); err != nil {
			return 0, 0, err
		}
		if !strings.HasPrefix(s.Plain, "⚠️ Việc quá hạn") {
			return 0, 0, fmt.Errorf("/quahan answered %q", s.Plain)
		}
		var listed int
		fmt.Sscanf(strings.TrimPrefix(s.Plain, "⚠️ Việc quá hạn ("), "%d", &listed)
		at, _ := srv.FetchedAt(id)
		return s.At.Sub(at), listed, nil
	}
	var lat []time.Duration
	for i := range o.quahan {
		d, n, err := ask(org.units[i%len(org.units)].head)
		if err != nil {
			return res, err
		}
		lat, res.listed = append(lat, d), n
	}
	var all []time.Duration
	for range max(1, o.quahan/10) {
		d, n, err := ask(admin)
		if err != nil {
			return res, err
		}
		all, res.listedAll = append(all, d), n
	}
	res.all = pct(all, 50)
	if res.hwm, res.rss, err = p.memory(); err != nil {
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
	res.p50, res.p99 = pct(lat, 50), pct(lat, 99)
	if f := os.Getenv("NVLOAD_DUMP"); f != "" {
		var b strings.Builder
		for _, d := range lat {
			fmt.Fprintf(&b, "%d\n", d.Microseconds())
		}
		os.WriteFile(f, []byte(b.String()), 0o644)
	}
	return res, nil
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedCached fills db, whose organisation orgDB holds (the same file
// without -cache), by seed, or from the copy an earlier run kept in
// -cache under name and the schema's version, keeping a copy there
// after seeding.
func seedCached(ctx context.Context, o *options, orgDB, db, name string, seed func() error) error {
	if o.cache == "" {
		return seed()
	}
	v, err := schemaID(ctx, orgDB)
	if err != nil {
		return err
	}
	cached := filepath.Join(o.cache, fmt.Sprintf("%s-schema%s.db", name, v))
	if _, err := os.Stat(cached); err == nil {
		return copyFile(cached, db)
	}
	if err := os.Rename(orgDB, db); err != nil {
		return err
	}
	if err := seed(); err != nil {
		return err
	}
	if err := copyFile(db, cached+".tmp"); err != nil {
		return err
	}
	return os.Rename(cached+".tmp", cached)
}
