package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
)

// The sender alone, against an outbox in memory and a transport that
// records its calls, on a clock the test steps: parts, merging, pacing,
// 429s, refusals and idling.

// memOutbox is an nhacviec.Outbox in memory with the store's semantics:
// a chat's messages together (chats by their oldest message), a chat whose
// earlier message waits for a retry skipped.
type memOutbox struct {
	mu       sync.Mutex
	rows     []*memRow
	dueCalls int
	nextID   int64
	start    time.Time // the default NotBefore
}

type memRow struct {
	m     nhacviec.Outgoing
	state string // pending, sent, failed
	ext   string
	asked []string // the choices recorded with its mark (MarkAsked)
}

func (o *memOutbox) add(m nhacviec.Outgoing) *nhacviec.Outgoing {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.nextID++
	m.ID = o.nextID
	if m.Transport == "" {
		m.Transport = "fake"
	}
	if m.ChatKind == "" {
		m.ChatKind = nhacviec.ChatPrivate
	}
	if m.Kind == "" {
		m.Kind = nhacviec.KindReminder
	}
	if m.NotBefore.IsZero() {
		m.NotBefore = o.start
	}
	m.HTML = true
	o.rows = append(o.rows, &memRow{m: m, state: "pending"})
	return &m
}

func (o *memOutbox) Due(_ context.Context, now time.Time, limit int) ([]*nhacviec.Outgoing, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dueCalls++
	var chats []int64
	byChat := map[int64][]*nhacviec.Outgoing{}
	blocked := map[int64]bool{}
	for _, r := range o.rows {
		if r.state != "pending" || blocked[r.m.ChatID] {
			continue
		}
		if r.m.NotBefore.After(now) {
			if r.m.Attempts > 0 {
				blocked[r.m.ChatID] = true // order: nothing passes a retry
			}
			continue
		}
		if _, ok := byChat[r.m.ChatID]; !ok {
			chats = append(chats, r.m.ChatID)
		}
		m := r.m
		byChat[r.m.ChatID] = append(byChat[r.m.ChatID], &m)
	}
	var out []*nhacviec.Outgoing
	for _, c := range chats {
		if !blocked[c] {
			out = append(out, byChat[c]...)
		}
	}
	return out[:min(len(out), limit)], nil
}

func (o *memOutbox) NextDue(_ context.Context, after time.Time) (time.Time, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var next time.Time
	for _, r := range o.rows {
		if r.state == "pending" && r.m.NotBefore.After(after) && (next.IsZero() || r.m.NotBefore.Before(next)) {
			next = r.m.NotBefore
		}
	}
	return next, !next.IsZero(), nil
}

func (o *memOutbox) row(id int64) *memRow {
	for _, r := range o.rows {
		if r.m.ID == id {
			return r
		}
	}
	panic(fmt.Sprintf("no row %d", id))
}

func (o *memOutbox) MarkSent(_ context.Context, id int64, ext string, _ time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.row(id)
	if r.state != "pending" {
		return fmt.Errorf("row %d marked sent while %s", id, r.state)
	}
	r.state, r.ext = "sent", ext
	return nil
}

func (o *memOutbox) MarkAsked(ctx context.Context, id int64, ext string, at time.Time, choices []string) error {
	if err := o.MarkSent(ctx, id, ext, at); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.row(id).asked = choices
	return nil
}

func (o *memOutbox) MarkParts(_ context.Context, id int64, parts int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.row(id).m.PartsSent = parts
	return nil
}

func (o *memOutbox) Retry(_ context.Context, id int64, at time.Time, _ string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.row(id)
	r.m.Attempts++
	r.m.NotBefore = at
	return nil
}

func (o *memOutbox) GiveUp(_ context.Context, id int64, _ string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.row(id)
	r.m.Attempts++
	r.state = "failed"
	return nil
}

func (o *memOutbox) states() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := map[string]int{}
	for _, r := range o.rows {
		n[r.state]++
	}
	return n
}

// fakeTransport records every call; fail, if set, decides the n-th
// call's fate (counted from 1).
type fakeTransport struct {
	mu    sync.Mutex
	calls []nhacviec.Outgoing
	fail  func(n int, m *nhacviec.Outgoing) error
	lim   Limits
}

func (f *fakeTransport) Send(_ context.Context, m *nhacviec.Outgoing) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, *m)
	if f.fail != nil {
		if err := f.fail(len(f.calls), m); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("ext%d", len(f.calls)), nil
}

func (f *fakeTransport) Limits() Limits { return f.lim }

func (f *fakeTransport) sent() []nhacviec.Outgoing {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// wallClock is the sender's pacing clock, stepped by the test.
type wallClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *wallClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *wallClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newTestSender(t *testing.T, lim Limits) (*Sender, *memOutbox, *fakeTransport, *wallClock) {
	t.Helper()
	clock := &wallClock{t: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)}
	out := &memOutbox{start: clock.t}
	tr := &fakeTransport{lim: lim}
	s := &Sender{Outbox: out, Transports: map[string]Transport{"fake": tr}, Log: zerolog.Nop(),
		Rate: 10000, Now: clock.now, wall: clock.now}
	return s, out, tr, clock
}

var telegramLimits = Limits{MaxText: 4096, MaxButtons: 100}

// lines makes a text of n lines of about 100 characters each.
func lines(tag string, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s dòng %03d %s", tag, i, strings.Repeat("x", 88))
	}
	return b.String()
}

func drain(t *testing.T, s *Sender) int {
	t.Helper()
	n, err := s.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A long message goes in parts, each taking its own turn of the chat's
// pace; a 429 on a later part sends none of the accepted parts again
// (it did: a 5-part reply went out 10 times in 8 s and was never marked
// sent), and the message is marked sent once, after its last part.
func TestSenderPartsResumeAfter429(t *testing.T) {
	s, out, tr, clock := newTestSender(t, telegramLimits)
	text := lines("p", 200) // ~20,000 characters: 5 parts of ≤ 4,096
	m := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: text, ReplyTo: "77",
		Buttons: [][]nhacviec.Button{{{Text: "x", Data: "pick:1:1"}}}}})
	parts := Split(text, 4096, nil)
	if len(parts) != 5 {
		t.Fatalf("%d parts, want 5", len(parts))
	}
	tr.fail = func(n int, _ *nhacviec.Outgoing) error {
		if n == 3 {
			return &SendError{Err: errors.New("429"), RetryAfter: 2 * time.Second}
		}
		return nil
	}
	drain(t, s) // parts 1, 2; the 3rd draws a 429
	if got := out.row(m.ID).m.PartsSent; got != 2 {
		t.Fatalf("after the 429, %d parts recorded as sent, want 2", got)
	}
	drain(t, s) // the chat waits out retry_after: nothing goes
	if n := len(tr.sent()); n != 3 {
		t.Fatalf("%d calls before retry_after passed, want 3", n)
	}
	for range 10 {
		clock.add(time.Second)
		drain(t, s)
	}
	calls := tr.sent()
	var texts []string
	for i, c := range calls {
		if i == 2 {
			continue // the refused one
		}
		texts = append(texts, c.Text)
	}
	if !slices.Equal(texts, parts) {
		t.Fatalf("parts sent: %d, want each of the 5 once, in order", len(texts))
	}
	for i, c := range calls {
		if (c.ReplyTo != "") != (i == 0) || (len(c.Buttons) > 0) != (i == len(calls)-1) {
			t.Errorf("call %d: reply_to %q, %d button rows: the reply goes on the first part, the buttons under the last", i, c.ReplyTo, len(c.Buttons))
		}
	}
	if r := out.row(m.ID); r.state != "sent" || r.ext != "ext6" {
		t.Fatalf("message %s as %q, want sent as the last part's id ext6", r.state, r.ext)
	}
}

// Each part takes a turn of the chat's pace: a private chat bursts 3 and
// then goes at 1 a second, whatever the parts belong to.
func TestSenderPacesEachPart(t *testing.T) {
	s, out, tr, clock := newTestSender(t, telegramLimits)
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: lines("p", 200)}})
	drain(t, s)
	if n := len(tr.sent()); n != 3 {
		t.Fatalf("%d parts at once, want the burst of 3", n)
	}
	clock.add(999 * time.Millisecond)
	drain(t, s)
	if n := len(tr.sent()); n != 3 {
		t.Fatalf("%d parts within a second of the burst, want 3", n)
	}
	clock.add(time.Millisecond)
	drain(t, s)
	if n := len(tr.sent()); n != 4 {
		t.Fatalf("%d parts a second after the burst, want 4", n)
	}
}

// A chat's waiting messages go out as one: their texts in order under a
// count, a ✅ per task labelled with its id, each message marked sent
// with the merged message's id.
func TestSenderMergesAChatsBacklog(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	var ids []int64
	for i := 1; i <= 5; i++ {
		m := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindOverdue, TaskID: int64(i),
			Text: fmt.Sprintf("⚠️ Việc #%d đã quá hạn", i), Buttons: doneButton(&nhacviec.Task{ID: int64(i)})}})
		ids = append(ids, m.ID)
	}
	other := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 2, Kind: nhacviec.KindOverdue, Text: "⚠️ Việc #9 đã quá hạn"}})
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 2 {
		t.Fatalf("%d sends, want 2 (one a chat)", len(calls))
	}
	var merged nhacviec.Outgoing
	for _, c := range calls {
		if c.ChatID == 1 {
			merged = c
		}
	}
	if !strings.HasPrefix(merged.Text, "⚠️ <b>5 việc quá hạn</b>") {
		t.Errorf("merged text does not start with the count: %q", merged.Text)
	}
	last := -1
	for i := 1; i <= 5; i++ {
		at := strings.Index(merged.Text, fmt.Sprintf("Việc #%d đã", i))
		if at <= last {
			t.Fatalf("message %d missing or out of order in %q", i, merged.Text)
		}
		last = at
	}
	var labels []string
	for _, row := range merged.Buttons {
		if len(row) > 3 {
			t.Errorf("a row of %d buttons, want at most 3", len(row))
		}
		for _, b := range row {
			labels = append(labels, b.Text+"="+b.Data)
		}
	}
	if got := strings.Join(labels, " "); got != "✅ #1=done:1 ✅ #2=done:2 ✅ #3=done:3 ✅ #4=done:4 ✅ #5=done:5" {
		t.Errorf("buttons: %s", got)
	}
	for _, id := range append(ids, other.ID) {
		if r := out.row(id); r.state != "sent" {
			t.Errorf("message %d %s", id, r.state)
		}
	}
	ext := out.row(ids[0]).ext
	for _, id := range ids {
		if out.row(id).ext != ext {
			t.Errorf("merged messages marked with different ids")
		}
	}
}

// Merging keeps to the transport's length: what does not fit goes in the
// next message; a message with other buttons is never merged, and the
// chat's order holds across it.
func TestSenderMergeKeepsLimitsAndOrder(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	long := strings.Repeat("a", 2000)
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindNotice, Text: "1" + long}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindNotice, Text: "2" + long}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindNotice, Text: "3" + long}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: "choose",
		Buttons: [][]nhacviec.Button{{{Text: "A", Data: "pick:1:1"}, {Text: "B", Data: "pick:1:2"}}}}})
	drain(t, s)
	calls := tr.sent()
	var shape []string
	for _, c := range calls {
		if len(c.Text) > 4096 {
			t.Errorf("a send of %d characters", len(c.Text))
		}
		var heads []string
		for _, part := range strings.Split(c.Text, mergedSeparator) {
			heads = append(heads, part[:1])
		}
		shape = append(shape, strings.Join(heads, "+"))
	}
	if got := strings.Join(shape, " "); got != "1+2 3 c" {
		t.Fatalf("sends: %s, want 1+2 3 c", got)
	}
}

// Past the keyboard's limit the tasks keep their ✅ up to it, and the
// message says how to finish the others.
func TestSenderMergedButtonsAreCapped(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	for i := 1; i <= 30; i++ {
		out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, TaskID: int64(i), Text: fmt.Sprintf("#%d", i),
			Buttons: doneButton(&nhacviec.Task{ID: int64(i)})}})
	}
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 1 {
		t.Fatalf("%d sends, want 1", len(calls))
	}
	n := 0
	for _, row := range calls[0].Buttons {
		n += len(row)
	}
	if n != maxMergedButtons || !strings.Contains(calls[0].Text, "/xong mã_việc") {
		t.Fatalf("%d buttons (want %d) and the hint %v", n, maxMergedButtons, strings.Contains(calls[0].Text, "/xong"))
	}
}

// A merged send that fails is retried as a whole (429, 5xx); refused for
// what it says (400), its messages go one by one, so that only the bad
// one is given up; refused by the chat (403), each message is reported.
func TestSenderMergedFailures(t *testing.T) {
	t.Run("429", func(t *testing.T) {
		s, out, tr, clock := newTestSender(t, telegramLimits)
		for i := range 3 {
			out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Text: fmt.Sprint("m", i)}})
		}
		tr.fail = func(n int, _ *nhacviec.Outgoing) error {
			if n == 1 {
				return &SendError{Err: errors.New("429"), RetryAfter: time.Second}
			}
			return nil
		}
		drain(t, s)
		if st := out.states(); st["pending"] != 3 {
			t.Fatalf("after a 429: %v, want all 3 pending", st)
		}
		clock.add(time.Second)
		drain(t, s)
		calls := tr.sent()
		if len(calls) != 2 || calls[1].Text != calls[0].Text {
			t.Fatalf("the retry was not the same merged message: %d calls", len(calls))
		}
		if st := out.states(); st["sent"] != 3 {
			t.Fatalf("after the retry: %v", st)
		}
	})
	t.Run("400", func(t *testing.T) {
		s, out, tr, clock := newTestSender(t, telegramLimits)
		for _, text := range []string{"good1", "bad", "good2"} {
			out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Text: text}})
		}
		tr.fail = func(_ int, m *nhacviec.Outgoing) error {
			if strings.Contains(m.Text, "bad") {
				return errors.New("400 can't parse entities")
			}
			return nil
		}
		for range 3 {
			drain(t, s)
			clock.add(time.Second)
		}
		if st := out.states(); st["sent"] != 2 || st["failed"] != 1 {
			t.Fatalf("%v, want the two good ones sent and the bad one given up", st)
		}
		if r := out.row(2); r.state != "failed" {
			t.Fatalf("the bad one is %s", r.state)
		}
	})
	t.Run("403", func(t *testing.T) {
		s, out, tr, _ := newTestSender(t, telegramLimits)
		ev := &chatEvents{}
		s.Chats = ev
		for i := range 3 {
			out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, TaskID: int64(i + 1), Text: fmt.Sprint("m", i)}})
		}
		tr.fail = func(int, *nhacviec.Outgoing) error { return &SendError{Err: errors.New("403"), Forbidden: true} }
		drain(t, s)
		if got := ev.unreachable; !slices.Equal(got, []int64{1, 2, 3}) {
			t.Fatalf("reported unreachable: %v, want each of the 3 messages", got)
		}
		if st := out.states(); st["failed"] != 3 {
			t.Fatalf("%v", st)
		}
	})
}

type chatEvents struct{ unreachable []int64 }

func (e *chatEvents) Unreachable(_ context.Context, m *nhacviec.Outgoing, _ string) error {
	e.unreachable = append(e.unreachable, m.ID)
	return nil
}

func (e *chatEvents) Migrated(context.Context, *nhacviec.Outgoing, string) error { return nil }

// While the only due messages wait (a chat's pace, a 429 that holds a
// chat's order), Run sleeps until they may go instead of asking the
// outbox again and again (it did, about 90 times a second).
func TestSenderDoesNotBusyWait(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	first := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: "a",
		Buttons: [][]nhacviec.Button{{{Text: "A", Data: "pick:1:1"}}}}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: "b"}})
	tr.fail = func(n int, _ *nhacviec.Outgoing) error {
		return &SendError{Err: errors.New("429"), RetryAfter: time.Hour}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	<-done
	out.mu.Lock()
	calls := out.dueCalls
	out.mu.Unlock()
	if calls > 3 {
		t.Fatalf("Due called %d times in 300 ms while the only chat waited an hour", calls)
	}
	if n := len(tr.sent()); n != 1 {
		t.Fatalf("%d sends, want the one that drew the 429", n)
	}
	if r := out.row(first.ID); r.m.Attempts != 1 {
		t.Fatalf("attempts %d", r.m.Attempts)
	}
}

// Nor while a chat waits for its pace: four messages that cannot be
// merged, in a private chat that bursts 3.
func TestSenderDoesNotBusyWaitForAChatsPace(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	for i := range 4 {
		out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: fmt.Sprint("m", i),
			Buttons: [][]nhacviec.Button{{{Text: "A", Data: fmt.Sprintf("pick:%d:1", i)}}}}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	time.Sleep(300 * time.Millisecond) // the wall clock stands still: the 4th waits for ever
	cancel()
	<-done
	out.mu.Lock()
	calls := out.dueCalls
	out.mu.Unlock()
	if n := len(tr.sent()); n != 3 {
		t.Fatalf("%d sends, want the burst of 3", n)
	}
	if calls > 4 {
		t.Fatalf("Due called %d times in 300 ms while the chat waited its turn", calls)
	}
}

// A message that draws 429 after 429 is given up in the end rather than
// tried for ever.
func TestSender429IsBounded(t *testing.T) {
	s, out, tr, clock := newTestSender(t, telegramLimits)
	m := out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Text: "x"}})
	tr.fail = func(int, *nhacviec.Outgoing) error {
		return &SendError{Err: errors.New("429"), RetryAfter: time.Second}
	}
	for range 3 * maxRateLimited {
		clock.add(2 * time.Second)
		drain(t, s)
	}
	if r := out.row(m.ID); r.state != "failed" || len(tr.sent()) != maxRateLimited {
		t.Fatalf("after %d 429s: %s", len(tr.sent()), r.state)
	}
}

// While a planning pass holds the sender, answers to people still go and
// the pass's reminders wait for the whole pass, to go out merged.
func TestSenderHoldKeepsRemindersForTheWholePass(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	release := s.Hold()
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReminder, Text: "r1"}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 2, Kind: nhacviec.KindReply, Text: "answer"}})
	drain(t, s)
	if calls := tr.sent(); len(calls) != 1 || calls[0].Text != "answer" {
		t.Fatalf("while held: %d sends", len(calls))
	}
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReminder, Text: "r2"}}) // a later chunk
	release()
	release() // twice is once
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 2 || !strings.Contains(calls[1].Text, "r1") || !strings.Contains(calls[1].Text, "r2") {
		t.Fatalf("after release: %d sends, want r1 and r2 in one", len(calls))
	}
	if s.holds.Load() != 0 {
		t.Fatalf("holds %d after release", s.holds.Load())
	}
}

// Chasing notices too many to say in full go as one message all the
// same: the first line of each, as many as fit, and how many more.
func TestSenderListsManyNoticesInShort(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	for i := 1; i <= 200; i++ {
		out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindOverdue, TaskID: int64(i),
			Text: fmt.Sprintf("⚠️ Việc #%d đã quá hạn: <b>Báo cáo số %d</b> — @an\nHạn: 17:00 Thứ Năm 03/12/2026", i, i)}})
	}
	drain(t, s)
	calls := tr.sent()
	if len(calls) != 1 {
		t.Fatalf("%d sends, want 1", len(calls))
	}
	text := calls[0].Text
	if len([]rune(text)) > 4096 || !strings.HasPrefix(text, "⚠️ <b>200 việc quá hạn</b>") || strings.Contains(text, "Hạn: 17:00") {
		t.Fatalf("not a short list under the count (%d characters): %.200q", len([]rune(text)), text)
	}
	listed := strings.Count(text, "đã quá hạn: ")
	if want := fmt.Sprintf("… và %d việc khác", 200-listed); listed < 30 || !strings.Contains(text, want) {
		t.Fatalf("%d listed, and %q missing", listed, want)
	}
	if st := out.states(); st["sent"] != 200 {
		t.Fatalf("%v", st)
	}
}

// The reminders' hint is said once, at the end; another line the merged
// messages share (the same deadline) stays with each.
func TestSenderMergedFooterOnce(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	for i := 1; i <= 3; i++ {
		out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Text: fmt.Sprintf("⏰ Việc #%d\n", i) + textDoneHint}})
	}
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 2, Text: "a\nHạn: mai"}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 2, Text: "b\nHạn: mai"}})
	drain(t, s)
	for _, c := range tr.sent() {
		switch c.ChatID {
		case 1:
			if strings.Count(c.Text, "Xong thì bấm") != 1 || !strings.HasSuffix(c.Text, "\n\n"+textDoneHint) {
				t.Errorf("footer not said once at the end: %q", c.Text)
			}
		case 2:
			if strings.Count(c.Text, "Hạn: mai") != 2 {
				t.Errorf("a shared deadline line was taken off: %q", c.Text)
			}
		}
	}
}

// Each transport keeps its own pace: Zalo's chats go at Zalo's pace and
// Telegram's at Telegram's, and a 429 of Zalo in two chats holds back
// Zalo's messages only.
func TestSenderPacesEachTransport(t *testing.T) {
	s, out, tg, clock := newTestSender(t, Limits{MaxText: 150})
	z := &fakeTransport{lim: Limits{MaxText: 150}}
	s.Transports["zalo"] = z
	s.Paces = map[string]Pace{"zalo": {Rate: 10000, PrivatePerSecond: 0.5}}
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: lines("t", 10)}})
	out.add(nhacviec.Outgoing{Transport: "zalo", Message: nhacviec.Message{ChatID: 2, Kind: nhacviec.KindReply, Text: lines("z", 10)}})
	drain(t, s)
	if len(tg.sent()) != 3 || len(z.sent()) != 3 {
		t.Fatalf("bursts: telegram %d, zalo %d; want 3 each", len(tg.sent()), len(z.sent()))
	}
	clock.add(time.Second)
	drain(t, s)
	if len(tg.sent()) != 4 || len(z.sent()) != 3 {
		t.Fatalf("a second on: telegram %d (1/s), zalo %d (1 per 2 s)", len(tg.sent()), len(z.sent()))
	}
	clock.add(time.Second)
	drain(t, s)
	if len(tg.sent()) != 5 || len(z.sent()) != 4 {
		t.Fatalf("two seconds on: telegram %d, zalo %d", len(tg.sent()), len(z.sent()))
	}

	// Two Zalo chats limited within a second: all of Zalo waits, not Telegram.
	s2, out2, tg2, clock2 := newTestSender(t, telegramLimits)
	z2 := &fakeTransport{lim: telegramLimits, fail: func(int, *nhacviec.Outgoing) error {
		return &SendError{Err: errors.New("429"), RetryAfter: 30 * time.Second}
	}}
	s2.Transports["zalo"] = z2
	s2.Workers = 1 // one lane: Zalo's pause must not stop the lane's Telegram chat
	for chat := int64(10); chat < 13; chat++ {
		out2.add(nhacviec.Outgoing{Transport: "zalo", Message: nhacviec.Message{ChatID: chat, Kind: nhacviec.KindReply, Text: "z"}})
	}
	out2.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 20, Kind: nhacviec.KindReply, Text: "t"}})
	drain(t, s2)
	if len(z2.sent()) != 2 || len(tg2.sent()) != 1 {
		t.Fatalf("zalo tried %d (want 2: then paused), telegram sent %d (want 1)", len(z2.sent()), len(tg2.sent()))
	}
	out2.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 21, Kind: nhacviec.KindReply, Text: "t2"}})
	clock2.add(time.Second)
	drain(t, s2)
	if len(z2.sent()) != 2 || len(tg2.sent()) != 2 {
		t.Fatalf("during Zalo's pause: zalo %d, telegram %d", len(z2.sent()), len(tg2.sent()))
	}
}

// A message whose content is made when sent (an export) is made aside
// from the batch: while it is being made, other chats' answers go out,
// and its own chat's later message waits behind it; a second chat's
// export waits for the slot. Once made, both go, in their order.
func TestSenderMakesExportsAside(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	started, release := make(chan int64, 2), make(chan struct{})
	s.Render = func(ctx context.Context, m *nhacviec.Outgoing) error {
		started <- m.ChatID
		<-release
		m.Text = "made " + m.Attach
		return nil
	}
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindDocument, Attach: "xlsx"}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindReply, Text: "after the export"}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 3, Kind: nhacviec.KindDocument, Attach: "second"}})
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 2, Kind: nhacviec.KindReply, Text: "answer"}})
	// Run's drain, which does not wait for what it sends aside.
	aside := func() {
		if _, err := s.drain(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	aside()
	if chat := <-started; chat != 1 {
		t.Fatalf("made first: chat %d", chat)
	}
	aside() // chat 1 aside, chat 3 waiting for the slot: nothing more
	if calls := tr.sent(); len(calls) != 1 || calls[0].Text != "answer" {
		t.Fatalf("while the export is made: %+v", calls)
	}
	select {
	case chat := <-started:
		t.Fatalf("chat %d's export made alongside", chat)
	default:
	}
	release <- struct{}{}
	s.renders.Wait()
	aside() // the second export, now that the slot is free
	if chat := <-started; chat != 3 {
		t.Fatalf("made second: chat %d", chat)
	}
	release <- struct{}{}
	s.renders.Wait()
	var texts []string
	for _, c := range tr.sent() {
		texts = append(texts, fmt.Sprint(c.ChatID, ":", c.Text))
	}
	want := []string{"2:answer", "1:made xlsx", "1:after the export", "3:made second"}
	if !slices.Equal(texts, want) {
		t.Fatalf("sent %q, want %q", texts, want)
	}
}

// A batch whose read of the outbox began before an export sent aside was
// marked, and whose turn came after, still holds the export: it must not
// send it again. Its chat is freed only by a batch that reads after the
// marks.
func TestSenderAsideNotSentTwiceByAStaleBatch(t *testing.T) {
	s, out, tr, _ := newTestSender(t, telegramLimits)
	release := make(chan struct{})
	s.Render = func(ctx context.Context, m *nhacviec.Outgoing) error {
		<-release
		m.Text = "made " + m.Attach
		return nil
	}
	out.add(nhacviec.Outgoing{Message: nhacviec.Message{ChatID: 1, Kind: nhacviec.KindDocument, Attach: "xlsx"}})
	if _, err := s.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	stale, err := out.Due(context.Background(), s.Now(), batchSize) // a batch's read, before the mark
	if err != nil || len(stale) != 1 {
		t.Fatalf("the stale read: %d messages, %v", len(stale), err)
	}
	close(release)
	s.renders.Wait() // sent and marked
	if rest, n := s.aside(context.Background(), stale); len(rest) != 0 || n != 0 {
		t.Fatalf("the stale batch would send it again: rest %d, aside %d", len(rest), n)
	}
	s.renders.Wait()
	if _, err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls := tr.sent(); len(calls) != 1 || calls[0].Text != "made xlsx" {
		t.Fatalf("sent %+v, want the export once", calls)
	}
}
