package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// The bot's clock in every scenario but fan-out and lateness: a working
// Monday morning.
var (
	hcm, _     = time.LoadLocation("Asia/Ho_Chi_Minh")
	monday0900 = time.Date(2026, 11, 23, 9, 0, 0, 0, hcm)
)

const textInternalError = "Xin lỗi, hệ thống đang gặp sự cố"

// The mix of scenario 1, in percent.
// share is a kind of command and its weight in a burst.
type share struct {
	kind   string
	weight int
}

var mix = []share{{"giao", 25}, {"xong", 20}, {"reply-xong", 15}, {"viec", 25}, {"quahan", 15}}

type commandsResult struct {
	perSecond float64
	p50, p99  time.Duration
	byKind    map[string][]time.Duration
	startup   time.Duration
	hwm, rss  int64
	// CPU used during the measured commands, in cores: the bot's, and
	// the load tool's with the fake server in it.
	botCores, loadCores float64
	// How fast the bot took the commands in (getUpdates): its handling
	// rate, the replies aside.
	fetchedPerSecond float64
}

// runCommands is scenario 1: mixed commands from many people in many
// groups, queued at once so that the bot takes them in getUpdates
// batches of 100 as fast as it can; the fake enforces no limits and the
// bot's own pace is off (NHACVIEC_CHAT_PACE=off, NHACVIEC_SEND_RATE=100000).
func runCommands(ctx context.Context, o *options) error {
	how := "queued at once, taken in getUpdates batches of 100"
	if o.offer > 0 {
		how = fmt.Sprintf("offered at %g/s", o.offer)
	}
	history := ""
	if o.registered > o.people || o.history > 0 {
		history = fmt.Sprintf(" (%d people registered, %d tasks of history; retention off: NHACVIEC_OUTBOX_KEEP_DAYS=0, NHACVIEC_REPLIES_KEEP_DAYS=0)", max(o.registered, o.people), o.history)
	}
	fmt.Printf("\n== 1. commands: %d mixed commands (%s) from %d people in %d groups%s, %s; fake limits off, NHACVIEC_CHAT_PACE=off, NHACVIEC_SEND_RATE=100000, NHACVIEC_SEND_WORKERS=%d; %d run(s)\n",
		o.commands, mixText(mix), o.people, o.groups, history, how, o.workers, o.runs)
	var rates, intake, botCores, loadCores []float64
	var p50s, p99s, starts []time.Duration
	var hwms []int64
	kinds := map[string][]time.Duration{}
	for r := range o.runs {
		res, err := commandsOnce(ctx, o, r == 0 && o.profile != "")
		if err != nil {
			return err
		}
		rates, p50s, p99s, starts, hwms = append(rates, res.perSecond), append(p50s, res.p50), append(p99s, res.p99), append(starts, res.startup), append(hwms, res.hwm)
		intake, botCores, loadCores = append(intake, res.fetchedPerSecond), append(botCores, res.botCores), append(loadCores, res.loadCores)
		for k, v := range res.byKind {
			kinds[k] = append(kinds[k], pct(v, 99))
		}
		if o.verbose || o.runs == 1 {
			fmt.Printf("  run %d: %.0f commands/s (taken in at %.0f/s), p50 %s, p99 %s, start-up %s, RSS peak %s; CPU: bot %.2f cores, load tool and fake %.2f\n",
				r+1, res.perSecond, res.fetchedPerSecond, ms(res.p50), ms(res.p99), ms(res.startup), mb(res.hwm), res.botCores, res.loadCores)
		}
	}
	perSec := func(f float64) string { return fmt.Sprintf("%.0f", f) }
	fmt.Printf("  commands/s:        %s (replies accepted; the bot took the updates in at %s/s)\n", spread(rates, perSec), perSec(median(intake)))
	fmt.Printf("  latency p50:       %s\n", spread(p50s, ms))
	fmt.Printf("  latency p99:       %s\n", spread(p99s, ms))
	for _, m := range mix {
		fmt.Printf("    p99 %-11s %s\n", m.kind+":", ms(median(kinds[m.kind])))
	}
	fmt.Printf("  start-up:          %s\n", spread(starts, ms))
	fmt.Printf("  RSS peak (VmHWM):  %s\n", spread(hwms, mb))
	fmt.Printf("  CPU while measured: bot %.2f cores, load tool with the fake %.2f cores (of %d)\n", median(botCores), median(loadCores), numCPU())
	return nil
}

// mixText says a burst's shares: "25% giao, 20% xong, …".
func mixText(mix []share) string {
	var parts []string
	for _, m := range mix {
		parts = append(parts, fmt.Sprintf("%d%% %s", m.weight, m.kind))
	}
	return strings.Join(parts, ", ")
}

// warmTask is a task the warm-up assigned, for the measured commands to
// finish.
type warmTask struct {
	id       int64
	assignee *person
	inGroup  int // the bot's message about it in the unit's group
	inPriv   int // the bot's notice about it in the assignee's private chat
}

var taskRef = regexp.MustCompile(`#(\d+)`)

// noticeRef finds the task of each assignment notice in a message.
var noticeRef = regexp.MustCompile(`giao cho bạn việc #(\d+)`)

func commandsOnce(ctx context.Context, o *options, profile bool) (res commandsResult, err error) {
	dir, cleanup, err := o.tempDir("commands")
	if err != nil {
		return res, err
	}
	defer cleanup()
	srv := telegramtest.New(token)
	defer srv.Close()
	db, org, err := commandsDB(ctx, o, dir, srv)
	if err != nil {
		return res, err
	}

	// Retention off: the tables keep the size under test while measured
	// (builds before it ignore the variables).
	env := botEnv(srv, db, "NHACVIEC_CLOCK="+monday0900.Format(time.RFC3339), "NHACVIEC_SEND_RATE=100000", "NHACVIEC_CHAT_PACE=off",
		"NHACVIEC_SEND_WORKERS="+strconv.Itoa(o.workers), "NHACVIEC_OUTBOX_KEEP_DAYS=0", "NHACVIEC_REPLIES_KEEP_DAYS=0")
	if profile {
		cpu, _ := filepath.Abs(filepath.Join(o.profile, "commands.cpu.pprof"))
		mem, _ := filepath.Abs(filepath.Join(o.profile, "commands.allocs.pprof"))
		env = append(env, "NHACVIEC_CPUPROFILE="+cpu, "NHACVIEC_MEMPROFILE="+mem)
	}
	p, err := startBot(o.bin, env, filepath.Join(dir, "bot.log"))
	if err != nil {
		return res, err
	}
	defer p.kill()
	if res.startup, err = waitPoll(ctx, srv, p, 10*time.Second); err != nil {
		return res, err
	}
	tr := newTracker(srv, db)
	// The start-up pass plans each group's digest (09:00 is within the
	// digest's hours); let it go out first.
	if err := tr.wait(ctx, p, 30*time.Second, "the morning digests", func() bool { return len(tr.sent) >= len(org.units) }); err != nil {
		return res, err
	}

	// Warm-up (not measured): the heads assign the tasks the measured
	// commands will finish.
	rng := rand.New(rand.NewPCG(1, 2))
	warm := o.commands * 2 / 5
	var giao []upd
	srv.HoldUpdates(true)
	for i := range warm {
		u := org.units[i%len(org.units)]
		who := u.staff[1+(i/len(org.units))%(len(u.staff)-1)]
		text := fmt.Sprintf("/giao @%s Chuẩn bị báo cáo chuyên đề số %d hạn 30/11", who.user.UserName, i)
		id := srv.UserSays(u.chat, u.head.user, text)
		giao = append(giao, upd{id: id, chat: u.chat.ID, msg: srv.MessageOf(id), kind: "giao"})
	}
	srv.HoldUpdates(false)
	var tasks []*warmTask
	byID := map[int64]*warmTask{}
	err = tr.wait(ctx, p, 5*time.Minute, "the warm-up's replies", func() bool {
		for len(tasks) < len(giao) {
			s, ok := tr.reply(giao[len(tasks)])
			if !ok {
				return false
			}
			m := taskRef.FindStringSubmatch(s.Plain)
			if m == nil || !strings.HasPrefix(s.Plain, "📌 Đã giao việc") {
				err = fmt.Errorf("warm-up /giao answered %q", s.Plain)
				return true
			}
			id, _ := strconv.ParseInt(m[1], 10, 64)
			u := org.units[len(tasks)%len(org.units)]
			who := u.staff[1+(len(tasks)/len(org.units))%(len(u.staff)-1)]
			t := &warmTask{id: id, assignee: who}
			if tr.single(s) {
				t.inGroup = s.MessageID // "xong" replied to it means this task
			}
			tasks = append(tasks, t)
			byID[id] = t
		}
		return true
	})
	if err != nil {
		return res, err
	}
	// ... and the private notices about them (to reply "xong" to).
	// A notice merged with others (the bot sends a chat's waiting messages
	// as one) is no message to reply "xong" to: that asks which task.
	noticed := map[int64]bool{}
	err = tr.wait(ctx, p, time.Minute, "the warm-up's notices", func() bool {
		for _, s := range tr.sent {
			if s.ChatID <= 0 || !strings.Contains(s.Plain, "giao cho bạn việc") {
				continue
			}
			refs := noticeRef.FindAllStringSubmatch(s.Plain, -1)
			for _, m := range refs {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				if t := byID[id]; t != nil && !noticed[id] {
					noticed[id] = true
					if len(refs) == 1 {
						t.inPriv = s.MessageID
					}
				}
			}
		}
		return len(noticed) == len(tasks)
	})
	if err != nil {
		return res, err
	}
	rng.Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })

	// The measured commands.
	phrases := []string{"30/11", "mai", "thứ 6", "17h 27/11", "5 ngày làm việc", "cuối tháng", "ngày kia", "2026-12-15"}
	doneWords := []string{"xong", "Xong rồi", "done", "hoàn thành", "đã xong"}
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	var ups []upd
	// All at once (held, then released: the bot takes them in batches of
	// 100 as fast as it can), or, with -offer, at a steady rate.
	botCPU0, selfCPU0, wall0 := p.cpu(), selfCPU(), time.Now()
	if o.offer <= 0 {
		srv.HoldUpdates(true)
	}
	for i := range o.commands {
		if o.offer > 0 {
			if err := sleep(ctx, time.Until(wall0.Add(time.Duration(float64(i)/o.offer*float64(time.Second))))); err != nil {
				return res, err
			}
		}
		kind := ""
		for r, m := rng.IntN(total), 0; kind == ""; m++ {
			if r < mix[m].weight {
				kind = mix[m].kind
			}
			r -= mix[m].weight
		}
		if (kind == "xong" || kind == "reply-xong") && len(tasks) == 0 {
			kind = "viec"
		}
		var chat = org.people[0].chat()
		var id int
		switch kind {
		case "giao":
			u := org.units[rng.IntN(len(org.units))]
			who := u.staff[1+rng.IntN(len(u.staff)-1)]
			chat = u.chat
			id = srv.UserSays(chat, u.head.user, fmt.Sprintf("/giao @%s Rà soát hồ sơ thủ tục hành chính đợt %d hạn %s", who.user.UserName, i, phrases[i%len(phrases)]))
		case "xong", "reply-xong":
			t := tasks[len(tasks)-1]
			tasks = tasks[:len(tasks)-1]
			who := t.assignee
			inGroup := rng.IntN(2) == 0
			chat = who.chat()
			if inGroup {
				chat = who.unit.chat
			}
			if kind == "reply-xong" && t.inGroup == 0 && t.inPriv == 0 {
				kind = "xong" // its messages were merged with others'
			}
			if kind == "reply-xong" && (inGroup && t.inGroup == 0 || !inGroup && t.inPriv == 0) {
				inGroup = !inGroup // reply to the message that went alone
				chat = who.chat()
				if inGroup {
					chat = who.unit.chat
				}
			}
			switch {
			case kind == "xong" && inGroup:
				id = srv.UserSays(chat, who.user, fmt.Sprintf("/xong %d", t.id))
			case kind == "xong":
				id = srv.UserSays(chat, who.user, fmt.Sprintf("/xong #%d", t.id))
			case inGroup:
				id = srv.UserReplies(chat, who.user, doneWords[i%len(doneWords)], t.inGroup)
			default:
				id = srv.UserReplies(chat, who.user, doneWords[i%len(doneWords)], t.inPriv)
			}
		case "viec":
			who := org.people[rng.IntN(len(org.people))]
			chat = who.chat()
			if rng.IntN(10) < 3 {
				chat = who.unit.chat
			}
			id = srv.UserSays(chat, who.user, "/viec")
		case "quahan":
			if rng.IntN(2) == 0 {
				u := org.units[rng.IntN(len(org.units))]
				chat = u.head.chat()
				id = srv.UserSays(chat, u.head.user, "/quahan")
			} else {
				who := org.people[rng.IntN(len(org.people))]
				chat = who.unit.chat
				id = srv.UserSays(chat, who.user, "/quahan")
			}
		}
		ups = append(ups, upd{id: id, chat: chat.ID, msg: srv.MessageOf(id), kind: kind})
	}
	if o.offer <= 0 {
		botCPU0, selfCPU0, wall0 = p.cpu(), selfCPU(), time.Now()
		srv.HoldUpdates(false)
	}
	got := 0
	err = tr.wait(ctx, p, 10*time.Minute, "the replies to the measured commands", func() bool {
		for got < len(ups) {
			if _, ok := tr.reply(ups[got]); !ok {
				return false
			}
			got++
		}
		return true
	})
	if err != nil {
		u := ups[got]
		return res, fmt.Errorf("%w (%d of %d answered; the first unanswered: update %d, %s in chat %d)", err, got, len(ups), u.id, u.kind, u.chat)
	}
	wall := time.Since(wall0)
	res.botCores, res.loadCores = float64(p.cpu()-botCPU0)/float64(wall), float64(selfCPU()-selfCPU0)/float64(wall)
	if res.hwm, res.rss, err = p.memory(); err != nil {
		return res, err
	}
	if err := p.stop(); err != nil {
		return res, err
	}

	// The numbers, and what the bot said.
	var first, last time.Time
	var lat []time.Duration
	res.byKind = map[string][]time.Duration{}
	var wrong []string
	for _, u := range ups {
		s, _ := tr.reply(u)
		at, ok := srv.FetchedAt(u.id)
		if !ok {
			return res, fmt.Errorf("update %d answered but never fetched", u.id)
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if s.At.After(last) {
			last = s.At
		}
		d := s.At.Sub(at)
		lat = append(lat, d)
		res.byKind[u.kind] = append(res.byKind[u.kind], d)
		want := map[string]string{"giao": "📌 Đã giao việc", "xong": "✅ Đã xong việc", "reply-xong": "✅ Đã xong việc",
			"viec": "Việc của bạn", "quahan": "⚠️ Việc quá hạn"}[u.kind]
		if strings.Contains(s.Plain, textInternalError) || !strings.HasPrefix(s.Plain, want) {
			wrong = append(wrong, fmt.Sprintf("%s → %q", u.kind, s.Plain))
		}
	}
	if len(wrong) > 0 {
		return res, fmt.Errorf("%d unexpected replies, e.g. %s", len(wrong), strings.Join(wrong[:min(5, len(wrong))], "; "))
	}
	if err := apiErrors(srv, false); err != nil {
		return res, err
	}
	if probs := p.logProblems(); len(probs) > 0 {
		return res, fmt.Errorf("the bot logged %d warnings or errors, e.g.\n%s", len(probs), strings.Join(probs[:min(5, len(probs))], "\n"))
	}
	res.perSecond = float64(len(ups)) / last.Sub(first).Seconds()
	lastFetch := first
	for _, u := range ups {
		if at, _ := srv.FetchedAt(u.id); at.After(lastFetch) {
			lastFetch = at
		}
	}
	res.fetchedPerSecond = float64(len(ups)) / lastFetch.Sub(first).Seconds()
	res.p50, res.p99 = pct(lat, 50), pct(lat, 99)
	if profile {
		fmt.Printf("  profiles: %s, %s\n", filepath.Join(o.profile, "commands.cpu.pprof"), filepath.Join(o.profile, "commands.allocs.pprof"))
	}
	return res, nil
}

// apiErrors fails when the fake answered the bot with an error: any at
// all, or, when limited, any but 429.
func apiErrors(srv *telegramtest.Server, limited bool) error {
	st := srv.Stats()
	var bad []string
	for code, n := range st.Errors {
		if code == 429 && limited {
			continue
		}
		bad = append(bad, fmt.Sprintf("%d × HTTP %d", n, code))
	}
	slices.Sort(bad)
	if len(bad) > 0 {
		return fmt.Errorf("the fake Bot API answered errors: %s", strings.Join(bad, ", "))
	}
	return nil
}

// commandsDB makes a run's database: the organisation with its idle
// people (-registered), the history (-history) and two overdue tasks per
// active person; with -cache, from a copy of the one an earlier run
// made with the same sizes and schema.
func commandsDB(ctx context.Context, o *options, dir string, srv *telegramtest.Server) (string, *org, error) {
	db := filepath.Join(dir, "nhacviec.db")
	perUnit := max(2, o.people/o.groups)
	idle := max(0, o.registered-o.groups*perUnit)
	orgDB := db
	if o.cache != "" {
		orgDB = filepath.Join(dir, "org.db")
	}
	start := time.Now()
	org, err := seedOrgWith(ctx, orgDB, srv, o.groups, perUnit, idle)
	if err != nil {
		return "", nil, err
	}
	var cached string
	if o.cache != "" {
		v, err := schemaID(ctx, orgDB)
		if err != nil {
			return "", nil, err
		}
		cached = filepath.Join(o.cache, fmt.Sprintf("commands-%dx%d-idle%d-history%d-schema%s.db", o.groups, perUnit, idle, o.history, v))
		if _, err := os.Stat(cached); err == nil {
			return db, org, copyFile(cached, db)
		}
		if err := os.Rename(orgDB, db); err != nil {
			return "", nil, err
		}
	}
	if o.history > 0 {
		err := seedBulk(ctx, db, org.all(), o.history, seedOpts{closedOnly: len(org.people), noDigests: true}, func(s string) {
			if o.verbose {
				fmt.Println("  seeded", s)
			}
		})
		if err != nil {
			return "", nil, err
		}
	}
	// The idle units' digests went out this morning: the start-up pass
	// plans the active groups' only.
	var idleGroups []int64
	for _, u := range org.idleUnits {
		idleGroups = append(idleGroups, u.group)
	}
	if err := rawExec(ctx, db, func(c *sql.Conn) error { return sentDigests(ctx, c, idleGroups) }); err != nil {
		return "", nil, err
	}
	// Two overdue tasks each, so that /quahan has something to list.
	err = update(ctx, db, monday0900, func(tx nhacviec.Tx) error {
		for i, p := range org.people {
			for k := range 2 {
				deadline := time.Date(2026, 11, 12+(i+k)%10, 17, 0, 0, 0, hcm)
				t := &nhacviec.Task{Title: fmt.Sprintf("Việc tồn đọng %d-%d", i, k), AssignerID: p.unit.head.id, AssigneeID: p.id,
					ChatID: p.unit.group, UnitID: p.unit.id, Deadline: deadline, Status: nhacviec.StatusOpen,
					CreatedAt: deadline.AddDate(0, 0, -7), NextPlanAt: monday0900.Add(23 * time.Hour)}
				if err := tx.CreateTask(t); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	if cached != "" {
		if _, err := os.Stat(db + "-wal"); err == nil {
			return "", nil, fmt.Errorf("%s has a -wal file after seeding", db)
		}
		tmp := cached + ".tmp"
		if err := copyFile(db, tmp); err != nil {
			return "", nil, err
		}
		if err := os.Rename(tmp, cached); err != nil {
			return "", nil, err
		}
		if o.verbose {
			fmt.Printf("  seeded in %s; kept as %s\n", since(start), cached)
		}
	}
	return db, org, nil
}
