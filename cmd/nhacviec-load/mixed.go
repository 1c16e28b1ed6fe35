package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/bot/zalo"
	"github.com/nhacviec/nhacviec/bot/zalo/zalotest"
)

const zaloToken = "4343434343434343:LOAD-zalo-token"

// The mix of the mixed scenario, in percent, on each app.
var mixedMix = []share{{"giao", 30}, {"xong", 30}, {"viec", 40}}

// mixedWant is how the reply to each kind begins (one of).
var mixedWant = map[string][]string{"giao": {"📌 Đã giao việc"}, "xong": {"✅ Đã xong việc"},
	"viec": {"Việc của bạn", "Bạn không có việc nào đang mở"}}

func wanted(kind, text string) bool {
	for _, w := range mixedWant[kind] {
		if strings.HasPrefix(text, w) {
			return true
		}
	}
	return false
}

// zaloPerson is someone on Zalo in the mixed scenario.
type zaloPerson struct {
	user zalotest.User
	unit *unit
	head bool
	task int64 // a task of theirs, open, for /xong
}

// zaloCmd is one command sent on Zalo.
type zaloCmd struct {
	kind string
	from *zaloPerson
	msg  string // Zalo's message id
	nth  int    // the how-manieth command of its sender (its reply is the nth in the chat)
}

// runMixed is the mixed scenario: the commands scenario's burst with a
// share of the people (-zalo) on Zalo, one process serving both apps
// (both tokens), each against its fake. Telegram's commands are taken in
// getUpdates batches of 100, Zalo's one per getUpdates (Zalo returns one
// update per call): each transport's rate and latency are reported.
func runMixed(ctx context.Context, o *options) error {
	if o.quick { // CI: small, beside the commands scenario's 1,000
		q := *o
		q.commands, q.people, q.groups = 200, 100, 5
		o = &q
	}
	zCmds := int(float64(o.commands)*o.zalo + 0.5)
	fmt.Printf("\n== 8. mixed: %d commands (%s on each app), %d on Telegram and %d on Zalo (-zalo %g), from %d people in %d units, queued at once; one bot with both tokens; fake limits off, NHACVIEC_CHAT_PACE=off, NHACVIEC_SEND_RATE=NHACVIEC_ZALO_SEND_RATE=100000, NHACVIEC_SEND_WORKERS=%d; %d run(s)\n",
		o.commands, mixText(mixedMix), o.commands-zCmds, zCmds, o.zalo, o.people, o.groups, o.workers, o.runs)
	type nums struct{ rate, p50, p99 []float64 }
	all := map[string]*nums{"telegram": {}, "zalo": {}, "both": {}}
	for r := range o.runs {
		res, err := mixedOnce(ctx, o)
		if err != nil {
			return err
		}
		for k, v := range res {
			all[k].rate = append(all[k].rate, v.perSecond)
			all[k].p50 = append(all[k].p50, float64(v.p50))
			all[k].p99 = append(all[k].p99, float64(v.p99))
		}
		if o.verbose || o.runs == 1 {
			for _, k := range []string{"telegram", "zalo", "both"} {
				if v, ok := res[k]; ok {
					fmt.Printf("  run %d, %-9s %5d commands: %.0f commands/s, p50 %s, p99 %s\n", r+1, k+":", v.n, v.perSecond, ms(v.p50), ms(v.p99))
				}
			}
		}
	}
	perSec := func(f float64) string { return fmt.Sprintf("%.0f", f) }
	dur := func(f float64) string { return ms(time.Duration(f)) }
	for _, k := range []string{"telegram", "zalo", "both"} {
		n := all[k]
		if len(n.rate) == 0 {
			continue
		}
		fmt.Printf("  %-9s commands/s %s, latency p50 %s, p99 %s\n", k+":", spread(n.rate, perSec), spread(n.p50, dur), spread(n.p99, dur))
	}
	return nil
}

type mixedResult struct {
	n         int
	perSecond float64
	p50, p99  time.Duration
}

// zaloFetches is a reverse proxy in front of the Zalo fake that notes
// when each update was handed to the bot (getUpdates' answer), as
// telegramtest's FetchedAt does for Telegram.
type zaloFetches struct {
	mu    sync.Mutex
	at    map[string]time.Time
	polls int
	srv   *httptest.Server
}

var zaloMessageID = regexp.MustCompile(`"message_id":"([^"]+)"`)

func newZaloFetches(target string) (*zaloFetches, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	f := &zaloFetches{at: map[string]time.Time{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a long poll cut off when the bot stops
	proxy.ModifyResponse = func(resp *http.Response) error {
		if !strings.HasSuffix(resp.Request.URL.Path, "/getUpdates") || resp.StatusCode != http.StatusOK {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		now := time.Now()
		f.mu.Lock()
		for _, m := range zaloMessageID.FindAllSubmatch(body, -1) {
			f.at[string(m[1])] = now
		}
		f.mu.Unlock()
		return err
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getUpdates") {
			f.mu.Lock()
			f.polls++
			f.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	return f, nil
}

func (f *zaloFetches) fetchedAt(id string) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.at[id]
	return t, ok
}

func (f *zaloFetches) polled() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.polls > 0
}

// zaloReplies reads the replies in one Zalo chat, in order: the bot
// sends a chat's messages in order, and several waiting ones merged into
// one, separated by a rule.
func zaloReplies(sent []zalotest.Sent) (texts []string, at []time.Time) {
	for _, s := range sent {
		for _, piece := range strings.Split(s.Text, "┈┈┈┈┈┈┈┈") {
			piece = strings.TrimSpace(piece)
			for kind := range mixedWant {
				if wanted(kind, piece) || strings.Contains(piece, textInternalError) {
					texts, at = append(texts, piece), append(at, s.At)
					break
				}
			}
		}
	}
	return texts, at
}

func mixedOnce(ctx context.Context, o *options) (map[string]mixedResult, error) {
	dir, cleanup, err := o.tempDir("mixed")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	srv := telegramtest.New(token)
	defer srv.Close()
	zsrv := zalotest.New(zaloToken)
	defer zsrv.Close()
	fetches, err := newZaloFetches(zsrv.URL())
	if err != nil {
		return nil, err
	}
	defer fetches.srv.Close()

	zCmds := int(float64(o.commands)*o.zalo + 0.5)
	tgCmds := o.commands - zCmds
	// People: Telegram's as the commands scenario seeds them (a head and
	// members in each unit, the unit's group bound); Zalo's in the same
	// units, each sending one command (so the nth reply in their chat is
	// their command's). Zalo's heads assign to Zalo people who send
	// nothing: Zalo accounts have no username, so these are given one in
	// the store, which an update of theirs would clear.
	zPeople := int(float64(o.people)*o.zalo + 0.5)
	perUnit := max(2, (o.people-zPeople)/o.groups)
	db := filepath.Join(dir, "nhacviec.db")
	org, err := seedOrg(ctx, db, srv, o.groups, perUnit)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(3, 4))
	total := 0
	for _, m := range mixedMix {
		total += m.weight
	}
	pick := func() string {
		r := rng.IntN(total)
		for _, m := range mixedMix {
			if r < m.weight {
				return m.kind
			}
			r -= m.weight
		}
		return "viec"
	}
	var zKinds, tgKinds []string
	for range zCmds {
		zKinds = append(zKinds, pick())
	}
	for range tgCmds {
		tgKinds = append(tgKinds, pick())
	}
	writers := max(zPeople, 1)
	if zCmds == 0 {
		writers = 0
	}
	var zWriters []*zaloPerson
	receivers := map[int64][]string{} // unit → usernames of its Zalo people who send nothing
	tgTasks := map[*person][]int64{}
	err = update(ctx, db, monday0900, func(tx nhacviec.Tx) error {
		addZalo := func(id, username, name string, u *unit, role nhacviec.Role) (int64, error) {
			c := &nhacviec.Chat{Transport: zalo.Transport, ExternalID: id, Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return 0, err
			}
			p := &nhacviec.Person{Transport: zalo.Transport, ExternalID: id, Username: username, DisplayName: name, PrivateChatID: c.ID}
			if err := tx.EnsurePerson(p); err != nil {
				return 0, err
			}
			return p.ID, tx.Grant(nhacviec.Membership{PersonID: p.ID, UnitID: u.id, Role: role})
		}
		task := func(title string, assignee int64, u *unit) (int64, error) {
			deadline := time.Date(2026, 11, 27, 17, 0, 0, 0, hcm)
			t := &nhacviec.Task{Title: title, AssignerID: u.head.id, AssigneeID: assignee, ChatID: u.group, UnitID: u.id,
				Deadline: deadline, Status: nhacviec.StatusOpen, CreatedAt: monday0900.AddDate(0, 0, -3), NextPlanAt: monday0900.Add(23 * time.Hour)}
			err := tx.CreateTask(t)
			return t.ID, err
		}
		for i, u := range org.units {
			for k := range 2 {
				name := fmt.Sprintf("zr%03d%d", i, k)
				if _, err := addZalo(name, name, fmt.Sprintf("Cán bộ Zalo %d-%d", i, k), u, nhacviec.RoleMember); err != nil {
					return err
				}
				receivers[u.id] = append(receivers[u.id], name)
			}
		}
		for i := range writers {
			u := org.units[i%len(org.units)]
			zp := &zaloPerson{user: zalotest.User{ID: fmt.Sprintf("zw%05d", i), DisplayName: fmt.Sprintf("Chuyên viên Zalo %d", i)}, unit: u}
			// The writer's command decides their role: those who assign
			// head their unit.
			zp.head = i < len(zKinds) && zKinds[i] == "giao"
			role := nhacviec.RoleMember
			if zp.head {
				role = nhacviec.RoleHead
			}
			id, err := addZalo(zp.user.ID, "", zp.user.DisplayName, u, role)
			if err != nil {
				return err
			}
			if zp.task, err = task(fmt.Sprintf("Tổng hợp số liệu Zalo %d", i), id, u); err != nil {
				return err
			}
			zWriters = append(zWriters, zp)
		}
		// Telegram's members get tasks to finish with /xong, one each
		// per /xong to come.
		xongs := 0
		for _, k := range tgKinds {
			if k == "xong" {
				xongs++
			}
		}
		for i := range xongs {
			u := org.units[i%len(org.units)]
			who := u.staff[1+(i/len(org.units))%(len(u.staff)-1)]
			id, err := task(fmt.Sprintf("Tổng hợp số liệu Telegram %d", i), who.id, u)
			if err != nil {
				return err
			}
			tgTasks[who] = append(tgTasks[who], id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	env := botEnv(srv, db, "NHACVIEC_CLOCK="+monday0900.Format(time.RFC3339), "NHACVIEC_SEND_RATE=100000", "NHACVIEC_CHAT_PACE=off",
		"NHACVIEC_SEND_WORKERS="+strconv.Itoa(o.workers), "NHACVIEC_OUTBOX_KEEP_DAYS=0", "NHACVIEC_REPLIES_KEEP_DAYS=0",
		"NHACVIEC_ZALO_TOKEN="+zaloToken, "NHACVIEC_ZALO_API_URL="+fetches.srv.URL, "NHACVIEC_ZALO_SEND_RATE=100000")
	p, err := startBot(o.bin, env, filepath.Join(dir, "bot.log"))
	if err != nil {
		return nil, err
	}
	defer p.kill()
	if _, err := waitPoll(ctx, srv, p, 10*time.Second); err != nil {
		return nil, err
	}
	tr := newTracker(srv, db)
	// Whatever the start-up pass sends (morning digests of the groups
	// with something to say) goes first: until nothing was sent for half
	// a second.
	quiet, n := time.Now(), -1
	if err := tr.wait(ctx, p, 30*time.Second, "Zalo's first poll and a quiet start", func() bool {
		if m := len(tr.sent) + len(zsrv.Sent()); m != n {
			quiet, n = time.Now(), m
		}
		return fetches.polled() && time.Since(quiet) > 500*time.Millisecond
	}); err != nil {
		return nil, err
	}
	zBefore := len(zsrv.Sent())

	// The burst: Telegram's held, then Zalo's queued, then Telegram's
	// released.
	var ups []upd
	srv.HoldUpdates(true)
	for i, kind := range tgKinds {
		var chat = org.people[0].chat()
		var id int
		switch kind {
		case "giao":
			u := org.units[rng.IntN(len(org.units))]
			who := u.staff[1+rng.IntN(len(u.staff)-1)]
			chat = u.chat
			id = srv.UserSays(chat, u.head.user, fmt.Sprintf("/giao @%s Rà soát hồ sơ đợt %d hạn mai", who.user.UserName, i))
		case "xong":
			var who *person
			for _, q := range org.people {
				if len(tgTasks[q]) > 0 {
					who = q
					break
				}
			}
			t := tgTasks[who][0]
			tgTasks[who] = tgTasks[who][1:]
			chat = who.chat()
			id = srv.UserSays(chat, who.user, fmt.Sprintf("/xong %d", t))
		case "viec":
			who := org.people[rng.IntN(len(org.people))]
			chat = who.chat()
			id = srv.UserSays(chat, who.user, "/viec")
		}
		ups = append(ups, upd{id: id, chat: chat.ID, msg: srv.MessageOf(id), kind: kind})
	}
	var zups []zaloCmd
	nth := map[*zaloPerson]int{}
	for i, kind := range zKinds {
		zp := zWriters[i%len(zWriters)]
		if zp.head != (kind == "giao") {
			kind = "viec" // a writer sending a second command: no assigning without heading, no second /xong
			if zp.head {
				kind = "giao"
			}
		}
		if kind == "xong" && nth[zp] > 0 {
			kind = "viec"
		}
		var text string
		switch kind {
		case "giao":
			rs := receivers[zp.unit.id]
			text = fmt.Sprintf("/giao @%s Rà soát hồ sơ Zalo đợt %d hạn mai", rs[i%len(rs)], i)
		case "xong":
			text = fmt.Sprintf("/xong %d", zp.task)
		case "viec":
			text = "/viec"
		}
		zups = append(zups, zaloCmd{kind: kind, from: zp, nth: nth[zp], msg: zsrv.Text(zp.user, zalotest.Private(zp.user), text)})
		nth[zp]++
	}
	srv.HoldUpdates(false)

	// Until every command has its reply.
	zGot := 0
	zReplies := map[string][]string{}
	zAt := map[string][]time.Time{}
	got := 0
	err = tr.wait(ctx, p, 10*time.Minute, "the replies", func() bool {
		for got < len(ups) {
			if _, ok := tr.reply(ups[got]); !ok {
				return false
			}
			got++
		}
		if zGot < len(zups) {
			sent := zsrv.Sent()[zBefore:]
			byChat := map[string][]zalotest.Sent{}
			for _, s := range sent {
				byChat[s.ChatID] = append(byChat[s.ChatID], s)
			}
			for zGot < len(zups) {
				c := zups[zGot]
				id := c.from.user.ID
				if len(zReplies[id]) <= c.nth {
					zReplies[id], zAt[id] = zaloReplies(byChat[id])
				}
				if len(zReplies[id]) <= c.nth {
					return false
				}
				zGot++
			}
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("%w (Telegram: %d of %d answered; Zalo: %d of %d)", err, got, len(ups), zGot, len(zups))
	}
	if err := p.stop(); err != nil {
		return nil, err
	}

	// The numbers, and what the bot said.
	out := map[string]mixedResult{}
	var wrong []string
	var lat, zlat, tlat []time.Duration
	var first, last, tFirst, tLast, zFirst, zLast time.Time
	span := func(f, l *time.Time, a, b time.Time) {
		if f.IsZero() || a.Before(*f) {
			*f = a
		}
		if b.After(*l) {
			*l = b
		}
	}
	for _, u := range ups {
		s, _ := tr.reply(u)
		at, ok := srv.FetchedAt(u.id)
		if !ok {
			return nil, fmt.Errorf("Telegram update %d answered but never fetched", u.id)
		}
		span(&tFirst, &tLast, at, s.At)
		span(&first, &last, at, s.At)
		tlat = append(tlat, s.At.Sub(at))
		if !wanted(u.kind, s.Plain) {
			wrong = append(wrong, fmt.Sprintf("Telegram %s → %q", u.kind, s.Plain))
		}
	}
	for _, c := range zups {
		id := c.from.user.ID
		text, sentAt := zReplies[id][c.nth], zAt[id][c.nth]
		at, ok := fetches.fetchedAt(c.msg)
		if !ok {
			return nil, fmt.Errorf("Zalo message %s answered but never fetched", c.msg)
		}
		span(&zFirst, &zLast, at, sentAt)
		span(&first, &last, at, sentAt)
		zlat = append(zlat, sentAt.Sub(at))
		if !wanted(c.kind, text) {
			wrong = append(wrong, fmt.Sprintf("Zalo %s → %q", c.kind, text))
		}
	}
	if len(wrong) > 0 {
		return nil, fmt.Errorf("%d unexpected replies, e.g. %s", len(wrong), strings.Join(wrong[:min(5, len(wrong))], "; "))
	}
	if err := apiErrors(srv, false); err != nil {
		return nil, err
	}
	if st := zsrv.Stats(); len(st.Errors) > 0 {
		var bad []string
		for code, n := range st.Errors {
			if code != 0 { // 0: the last long poll, cut off as the bot stopped
				bad = append(bad, fmt.Sprintf("%d × HTTP %d", n, code))
			}
		}
		slices.Sort(bad)
		if len(bad) > 0 {
			return nil, fmt.Errorf("the fake Zalo API answered errors: %s", strings.Join(bad, ", "))
		}
	}
	if probs := p.logProblems(); len(probs) > 0 {
		return nil, fmt.Errorf("the bot logged %d warnings or errors, e.g.\n%s", len(probs), strings.Join(probs[:min(5, len(probs))], "\n"))
	}
	res := func(l []time.Duration, f, e time.Time) mixedResult {
		return mixedResult{n: len(l), perSecond: float64(len(l)) / e.Sub(f).Seconds(), p50: pct(l, 50), p99: pct(l, 99)}
	}
	if len(tlat) > 0 {
		out["telegram"] = res(tlat, tFirst, tLast)
	}
	if len(zlat) > 0 {
		out["zalo"] = res(zlat, zFirst, zLast)
	}
	lat = append(append(lat, tlat...), zlat...)
	out["both"] = res(lat, first, last)
	return out, nil
}
