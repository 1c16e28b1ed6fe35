package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

var ctx = context.Background()

func mustOpen(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func update(t *testing.T, db *store.DB, fn func(nhacviec.Tx) error) {
	t.Helper()
	if err := db.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db", "nhacviec.db") // directory is created
	db := mustOpen(t, path)
	update(t, db, func(tx nhacviec.Tx) error { _, err := tx.ClaimUpdate("telegram", 41); return err })
	db.Close()
	db = mustOpen(t, path)
	err := db.View(ctx, func(tx nhacviec.Tx) error {
		off, err := tx.Offset("telegram")
		if off != 42 {
			t.Errorf("offset after reopen = %d, want 42", off)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestViewIsReadOnly(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	err := db.View(ctx, func(tx nhacviec.Tx) error { _, err := tx.ClaimUpdate("telegram", 1); return err })
	if err == nil {
		t.Fatal("a write in View succeeded")
	}
}

// Ping commits a write, leaves no row behind, and fails where a command
// could not write: a read-only database, a writer held past the deadline.
func TestPingWrites(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	// data_version changes for a connection when another one commits a
	// change to the file; a transaction without a write changes nothing.
	other, err := sql.Open("sqlite", "file:"+db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	version := func() (v int) {
		if err := other.QueryRow("PRAGMA data_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := version()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping of a good database: %v", err)
	}
	if version() == before {
		t.Error("ping committed no write")
	}
	var rows int
	if err := other.QueryRow("SELECT count(*) FROM offsets").Scan(&rows); err != nil || rows != 0 {
		t.Errorf("ping left %d offsets (%v)", rows, err)
	}

	ro, err := store.OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Ping(ctx); err == nil {
		t.Error("ping of a read-only database succeeded")
	}

	held, release := make(chan struct{}), make(chan struct{})
	go db.Update(ctx, func(nhacviec.Tx) error {
		close(held)
		<-release
		return nil
	})
	<-held
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err = db.Ping(short)
	close(release)
	if err == nil {
		t.Error("ping succeeded while the writer was held")
	}
}

func TestFailedUpdateStoresNothing(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx nhacviec.Tx) error {
		if _, err := tx.ClaimUpdate("telegram", 6); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	db.View(ctx, func(tx nhacviec.Tx) error {
		if off, _ := tx.Offset("telegram"); off != 0 {
			t.Errorf("offset of a rolled-back transaction was stored: %d", off)
		}
		return nil
	})
}

func TestUsernameMovesToItsNewOwner(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	update(t, db, func(tx nhacviec.Tx) error {
		old := &nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "An", DisplayName: "An cũ"}
		if err := tx.EnsurePerson(old); err != nil {
			return err
		}
		p, err := tx.PersonByUsername("telegram", "@an")
		if err != nil || p.ID != old.ID {
			t.Fatalf("lookup by username, case-insensitive: %v %v", p, err)
		}
		// Someone else now holds @an.
		now := &nhacviec.Person{Transport: "telegram", ExternalID: "2", Username: "an", DisplayName: "An mới"}
		if err := tx.EnsurePerson(now); err != nil {
			return err
		}
		p, err = tx.PersonByUsername("telegram", "an")
		if err != nil || p.ExternalID != "2" {
			t.Fatalf("@an resolves to %v %v, want the new owner", p, err)
		}
		return nil
	})
}

func TestPrivateChatIsKept(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	update(t, db, func(tx nhacviec.Tx) error {
		dm := &nhacviec.Chat{Transport: "telegram", ExternalID: "1", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(dm); err != nil {
			return err
		}
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "1", PrivateChatID: dm.ID}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		// Seen later in a group: the private chat is not forgotten.
		again := &nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "an"}
		if err := tx.EnsurePerson(again); err != nil {
			return err
		}
		if again.PrivateChatID != dm.ID {
			t.Errorf("private chat = %d, want %d", again.PrivateChatID, dm.ID)
		}
		return nil
	})
}

func TestOutboxKeysOrderAndTaskOfMessage(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	var chatA, chatB, taskID int64
	update(t, db, func(tx nhacviec.Tx) error {
		a := &nhacviec.Chat{Transport: "telegram", ExternalID: "10", Kind: nhacviec.ChatGroup}
		b := &nhacviec.Chat{Transport: "telegram", ExternalID: "20", Kind: nhacviec.ChatGroup}
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "1"}
		for _, err := range []error{tx.EnsureChat(a), tx.EnsureChat(b), tx.EnsurePerson(p)} {
			if err != nil {
				return err
			}
		}
		chatA, chatB = a.ID, b.ID
		task := &nhacviec.Task{Title: "x", AssignerID: p.ID, AssigneeID: p.ID, ChatID: a.ID, Deadline: now.Add(time.Hour), Status: nhacviec.StatusOpen}
		if err := tx.CreateTask(task); err != nil {
			return err
		}
		taskID = task.ID
		for i, m := range []*nhacviec.Message{
			{Key: "k:1", ChatID: a.ID, Kind: nhacviec.KindReminder, TaskID: task.ID, Text: "a1"},
			{ChatID: a.ID, Kind: nhacviec.KindReply, Text: "a2"},
			{ChatID: b.ID, Kind: nhacviec.KindReply, Text: "b1"},
		} {
			if ok, err := tx.Enqueue(m); err != nil || !ok {
				t.Fatalf("enqueue %d: %v %v", i, ok, err)
			}
		}
		if ok, err := tx.Enqueue(&nhacviec.Message{Key: "k:1", ChatID: a.ID, Kind: nhacviec.KindReminder, Text: "dup"}); err != nil || ok {
			t.Fatalf("a duplicate key was enqueued: %v %v", ok, err)
		}
		if planned, err := tx.PlannedKeys([]string{"k", "k:"}); err != nil || !planned["k"] {
			t.Fatalf("PlannedKeys(k) = %v %v", planned, err)
		} else if planned["k:"] {
			t.Fatal("PlannedKeys matched a key that is only a prefix")
		}
		return nil
	})
	// The replies first (answers to people go before reminders), each
	// kind in its order.
	due, err := db.Due(ctx, now, 10)
	if err != nil || strings.Join(texts(due), " ") != "a2 b1 a1" {
		t.Fatalf("due = %v, %v", texts(due), err)
	}
	a1, a2 := due[2], due[0]
	// a1 fails and waits: a2, written after it in its chat, must wait
	// behind it; b1 goes on.
	if err := db.Retry(ctx, a1.ID, now.Add(time.Minute), "503"); err != nil {
		t.Fatal(err)
	}
	due, _ = db.Due(ctx, now, 10)
	if len(due) != 1 || due[0].ChatID != chatB {
		t.Fatalf("while a1 waits, due = %v", texts(due))
	}
	due, _ = db.Due(ctx, now.Add(time.Minute), 10)
	if strings.Join(texts(due), " ") != "a2 b1 a1" {
		t.Fatalf("after the wait, due = %v", texts(due))
	}
	if err := db.MarkSent(ctx, a1.ID, "555", now); err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx nhacviec.Tx) error {
		if ids, _ := tx.TasksOfMessage(chatA, "555"); len(ids) != 1 || ids[0] != taskID {
			t.Errorf("TasksOfMessage = %v, want [%d]", ids, taskID)
		}
		return nil
	})
	if err := db.GiveUp(ctx, a2.ID, "400"); err != nil {
		t.Fatal(err)
	}
	due, _ = db.Due(ctx, now.Add(time.Minute), 10)
	if len(due) != 1 || due[0].Text != "b1" {
		t.Fatalf("after sent and given up, due = %v", texts(due))
	}
}

func texts(ms []*nhacviec.Outgoing) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

// Parallel senders' marks share commits; each caller must still learn
// that its own mark is stored, and every message must end up sent with
// its reply lookup, none twice.
func TestMarkSentConcurrent(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	const n = 400
	var chat, taskID int64
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "10", Kind: nhacviec.ChatGroup}
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "1"}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		task := &nhacviec.Task{Title: "x", AssignerID: p.ID, AssigneeID: p.ID, ChatID: c.ID, Deadline: now.Add(time.Hour), Status: nhacviec.StatusOpen}
		if err := tx.CreateTask(task); err != nil {
			return err
		}
		chat, taskID = c.ID, task.ID
		for i := range n {
			if _, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReply, TaskID: task.ID, Text: strconv.Itoa(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	due, err := db.Due(ctx, now, n)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for len(due) > 0 { // Due hands out a few per chat at a time
		for _, m := range due {
			ids = append(ids, m.ID)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(due))
		for _, m := range due {
			wg.Go(func() { errs <- db.MarkSent(ctx, m.ID, "ext"+strconv.FormatInt(m.ID, 10), now) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if due, err = db.Due(ctx, now, n); err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) != n {
		t.Fatalf("%d messages went through Due, want %d", len(ids), n)
	}
	// Many at once, beyond Due's per-chat share: long queues per commit.
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := db.MarkSent(ctx, id, "again", now); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	db.View(ctx, func(tx nhacviec.Tx) error {
		for _, id := range ids {
			if got, _ := tx.TasksOfMessage(chat, "ext"+strconv.FormatInt(id, 10)); len(got) != 1 || got[0] != taskID {
				t.Fatalf("message %d: TasksOfMessage = %v, want [%d]", id, got, taskID)
			}
		}
		// A mark of a message already sent changes nothing.
		if got, _ := tx.TasksOfMessage(chat, "again"); len(got) != 0 {
			t.Errorf("a second mark of sent messages rewrote them")
		}
		return nil
	})
}

// Marks that arrive while another write transaction is under way (a
// command's) are written by it, not by transactions of their own; each
// caller returns only once that transaction committed.
func TestMarkSentRidesAlongWithAnOpenTransaction(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	const n = 8
	update(t, db, func(tx nhacviec.Tx) error {
		for i := range n { // a chat each: Due hands a chat out a few at a time
			c := &nhacviec.Chat{Transport: "telegram", ExternalID: strconv.Itoa(10 + i), Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			if _, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReply, Text: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	due, err := db.Due(ctx, now, n)
	if err != nil || len(due) != n {
		t.Fatalf("Due: %d messages, %v", len(due), err)
	}
	alone := store.MarksAlone(db)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	committed := make(chan struct{})
	update(t, db, func(tx nhacviec.Tx) error {
		for _, m := range due {
			wg.Go(func() {
				err := db.MarkSent(ctx, m.ID, "", now)
				select {
				case <-committed:
				default:
					err = fmt.Errorf("mark %d returned before its commit", m.ID)
				}
				errs <- err
			})
		}
		for deadline := time.Now().Add(5 * time.Second); store.MarksQueued(db) < n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				return fmt.Errorf("%d of %d marks queued", store.MarksQueued(db), n)
			}
		}
		close(committed) // a moment early: the commit follows fn
		return nil
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := store.MarksAlone(db) - alone; got != 0 {
		t.Errorf("%d of %d marks waited for a transaction of their own", got, n)
	}
	if left, err := db.Due(ctx, now, n); err != nil || len(left) != 0 {
		t.Errorf("after the marks, Due still hands out %d messages (%v)", len(left), err)
	}
}

// A known chat or person seen again costs one read when nothing changed,
// and is rewritten when something did; an update is claimed once.
func TestEnsureRefreshesWhatChangedAndClaimUpdate(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	update(t, db, func(tx nhacviec.Tx) error {
		g := &nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup, Title: "Phòng A"}
		if err := tx.EnsureChat(g); err != nil {
			return err
		}
		title := func() string {
			c, err := tx.Chat(g.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Title
		}
		for _, c := range []struct{ give, want string }{{"", "Phòng A"}, {"Phòng A", "Phòng A"}, {"Phòng B", "Phòng B"}} {
			again := &nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup, Title: c.give}
			if err := tx.EnsureChat(again); err != nil {
				return err
			}
			if again.ID != g.ID || !again.Active || title() != c.want {
				t.Errorf("seen again as %q: id %d (want %d), title %q (want %q)", c.give, again.ID, g.ID, title(), c.want)
			}
		}
		if err := tx.DeactivateChat(g.ID); err != nil {
			return err
		}
		again := &nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(again); err != nil {
			return err
		}
		if c, _ := tx.Chat(g.ID); c == nil || !c.Active {
			t.Errorf("a chat that wrote again after the bot left stays inactive: %+v", c)
		}

		dm1 := &nhacviec.Chat{Transport: "telegram", ExternalID: "7", Kind: nhacviec.ChatPrivate}
		dm2 := &nhacviec.Chat{Transport: "telegram", ExternalID: "8", Kind: nhacviec.ChatPrivate}
		if err := errors.Join(tx.EnsureChat(dm1), tx.EnsureChat(dm2)); err != nil {
			return err
		}
		p := &nhacviec.Person{Transport: "telegram", ExternalID: "7", Username: "an", DisplayName: "An"}
		if err := tx.EnsurePerson(p); err != nil {
			return err
		}
		for _, c := range []struct {
			give nhacviec.Person
			want nhacviec.Person // Username, DisplayName, PrivateChatID
		}{
			{nhacviec.Person{Username: "an", DisplayName: "An"}, nhacviec.Person{Username: "an", DisplayName: "An"}},
			{nhacviec.Person{Username: "an", DisplayName: "Nguyễn An"}, nhacviec.Person{Username: "an", DisplayName: "Nguyễn An"}},
			{nhacviec.Person{Username: "an2", DisplayName: "Nguyễn An", PrivateChatID: dm1.ID}, nhacviec.Person{Username: "an2", DisplayName: "Nguyễn An", PrivateChatID: dm1.ID}},
			{nhacviec.Person{Username: "an2", DisplayName: "Nguyễn An"}, nhacviec.Person{Username: "an2", DisplayName: "Nguyễn An", PrivateChatID: dm1.ID}},
			{nhacviec.Person{Username: "an2", DisplayName: "Nguyễn An", PrivateChatID: dm2.ID}, nhacviec.Person{Username: "an2", DisplayName: "Nguyễn An", PrivateChatID: dm2.ID}},
		} {
			again := c.give
			again.Transport, again.ExternalID = "telegram", "7"
			if err := tx.EnsurePerson(&again); err != nil {
				return err
			}
			got, err := tx.Person(p.ID)
			if err != nil {
				return err
			}
			if again.ID != p.ID || again.PrivateChatID != c.want.PrivateChatID || got.Username != c.want.Username ||
				got.DisplayName != c.want.DisplayName || got.PrivateChatID != c.want.PrivateChatID {
				t.Errorf("seen as %+v: stored %+v (returned id %d, private %d), want %+v", c.give, got, again.ID, again.PrivateChatID, c.want)
			}
		}

		for _, c := range []struct {
			id    int64
			fresh bool
			next  int64
		}{{5, true, 6}, {5, false, 6}, {3, false, 6}, {6, true, 7}, {9, true, 10}, {8, false, 10}} {
			fresh, err := tx.ClaimUpdate("telegram", c.id)
			if err != nil {
				return err
			}
			next, _ := tx.Offset("telegram")
			if fresh != c.fresh || next != c.next {
				t.Errorf("ClaimUpdate(%d) = %v, offset %d; want %v, %d", c.id, fresh, next, c.fresh, c.next)
			}
		}
		return nil
	})
}

// Answers to people go before the reminders and digests waiting their
// turn, even in a chat where a reminder was queued first; each kind
// keeps its order.
func TestDueHandsOutAnswersFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	update(t, db, func(tx nhacviec.Tx) error {
		var chats []int64
		for i := range 6 {
			c := &nhacviec.Chat{Transport: "telegram", ExternalID: strconv.Itoa(100 + i), Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			chats = append(chats, c.ID)
		}
		for i, c := range chats { // the morning's reminders
			if _, err := tx.Enqueue(&nhacviec.Message{ChatID: c, Kind: nhacviec.KindReminder, Text: "r" + strconv.Itoa(i)}); err != nil {
				return err
			}
		}
		for _, m := range []*nhacviec.Message{
			{ChatID: chats[0], Kind: nhacviec.KindReply, Text: "reply0"}, // behind r0 in its chat
			{ChatID: chats[5], Kind: nhacviec.KindDigest, Text: "digest5"},
			{ChatID: chats[3], Kind: nhacviec.KindNotice, Text: "notice3"},
		} {
			if _, err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	due, err := db.Due(ctx, now, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(texts(due), " "), "reply0 notice3 r0 r1"; got != want {
		t.Errorf("Due(4) = %s, want %s", got, want)
	}
	due, _ = db.Due(ctx, now, 20)
	if got, want := strings.Join(texts(due), " "), "reply0 notice3 r0 r1 r2 r3 r4 r5 digest5"; got != want {
		t.Errorf("Due(20) = %s, want %s", got, want)
	}

	// The answers are found through their own index, not by reading
	// every pending message: its WHERE must match Due's filter exactly,
	// or SQLite cannot use it (and Due, which names it, fails).
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`EXPLAIN QUERY PLAN SELECT id, ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY id)
		FROM outbox INDEXED BY outbox_urgent WHERE state = 'pending' AND not_before <= ? AND kind IN (`+store.UrgentKinds+`)`, now.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "outbox_urgent") {
		t.Errorf("the answers' query does not use outbox_urgent: %s", p)
	}
}

// A transaction that may be cancelled does not carry the waiting marks:
// cancelled, it would roll them back and the messages would go out again.
func TestMarkSentDoesNotRideACancellableTransaction(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "10", Kind: nhacviec.ChatPrivate}
		if err := tx.EnsureChat(c); err != nil {
			return err
		}
		_, err := tx.Enqueue(&nhacviec.Message{ChatID: c.ID, Kind: nhacviec.KindReply, Text: "x"})
		return err
	})
	due, err := db.Due(ctx, now, 1)
	if err != nil || len(due) != 1 {
		t.Fatalf("Due: %d, %v", len(due), err)
	}
	alone := store.MarksAlone(db)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	err = db.Update(cctx, func(tx nhacviec.Tx) error {
		go func() { done <- db.MarkSent(ctx, due[0].ID, "", now) }()
		for deadline := time.Now().Add(5 * time.Second); store.MarksQueued(db) < 1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				return errors.New("the mark was not queued")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := store.MarksAlone(db) - alone; got != 1 {
		t.Errorf("%d marks written by their own transaction, want 1: the cancellable one took it", got)
	}
	if left, _ := db.Due(ctx, now, 1); len(left) != 0 {
		t.Errorf("the message is still pending after its mark")
	}
}

// A batch never cuts a chat's waiting messages apart (the sender merges
// them into one): the chat that would be cut is left whole for the next
// batch, unless it is the batch's only chat.
func TestDueKeepsAChatWhole(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	update(t, db, func(tx nhacviec.Tx) error {
		var chats []int64
		for i := range 3 {
			c := &nhacviec.Chat{Transport: "telegram", ExternalID: strconv.Itoa(100 + i), Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			chats = append(chats, c.ID)
		}
		// Written interleaved, as a planning pass writes them.
		for i := range 3 {
			for c, chat := range chats {
				if _, err := tx.Enqueue(&nhacviec.Message{ChatID: chat, Kind: nhacviec.KindReminder, Text: fmt.Sprintf("c%d.%d", c, i)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for _, c := range []struct {
		limit int
		want  string
	}{
		{9, "c0.0 c0.1 c0.2 c1.0 c1.1 c1.2 c2.0 c2.1 c2.2"},
		{7, "c0.0 c0.1 c0.2 c1.0 c1.1 c1.2"},
		{5, "c0.0 c0.1 c0.2"},
		{2, "c0.0 c0.1"},
	} {
		due, err := db.Due(ctx, now, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(texts(due), " "); got != c.want {
			t.Errorf("Due(%d) = %s, want %s", c.limit, got, c.want)
		}
	}
}

// A private chat keeps its owner: Unreachable names them on every refused
// message, not only the first, and the migration that added the owner
// finds it for people already marked unreachable.
func TestUnreachableNamesTheChatOwnerEveryTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	var people []*nhacviec.Person
	update(t, db, func(tx nhacviec.Tx) error {
		// The third person's chat id is not their id: only their
		// private_chat_id tells the migration whose chat it is.
		for _, ids := range [][2]string{{"1", "1"}, {"2", "2"}, {"3", "30"}} {
			c := &nhacviec.Chat{Transport: "telegram", ExternalID: ids[1], Kind: nhacviec.ChatPrivate}
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
			p := &nhacviec.Person{Transport: "telegram", ExternalID: ids[0], Username: "u" + ids[0], PrivateChatID: c.ID}
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
			people = append(people, p)
		}
		return nil
	})
	chats := []int64{people[0].PrivateChatID, people[1].PrivateChatID, people[2].PrivateChatID}
	for i := range 2 {
		update(t, db, func(tx nhacviec.Tx) error {
			p, err := tx.Unreachable(chats[0])
			if err != nil {
				return err
			}
			if p == nil || p.ID != people[0].ID || p.PrivateChatID != 0 {
				t.Errorf("refusal %d: Unreachable = %+v, want person %d without a private chat", i+1, p, people[0].ID)
			}
			return nil
		})
	}
	db.Close()
}

// Migration 0008 finds the owner of every private chat: from the person's
// private_chat_id, or, for someone already marked unreachable (whose
// private_chat_id was cleared), from the chat's id, which on Telegram and
// the console is the person's.
func TestMigration0008FindsTheChatOwners(t *testing.T) {
	// A database as the builds before 0008 left it: people 1 and 2 were
	// refused and lost their private_chat_id; person 3's chat id (30) is
	// not their id, only their private_chat_id says whose it is.
	path := filepath.Join(t.TempDir(), "x.db")
	if err := store.CreateAt(ctx, path, 7); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, created_at) VALUES (1, 'telegram', '1', 'private', 0), (2, 'telegram', '2', 'private', 0), (3, 'telegram', '30', 'private', 0)`,
		`INSERT INTO people (id, transport, external_id, username, private_chat_id, created_at, updated_at) VALUES
			(1, 'telegram', '1', 'u1', NULL, 0, 0), (2, 'telegram', '2', 'u2', NULL, 0, 0), (3, 'telegram', '3', 'u3', 3, 0, 0)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db := mustOpen(t, path)
	update(t, db, func(tx nhacviec.Tx) error {
		for chat, want := range []int64{1, 2, 3} {
			p, err := tx.Unreachable(int64(chat + 1))
			if err != nil {
				return err
			}
			if p == nil || p.ID != want {
				t.Errorf("after the migration, the owner of chat %d = %+v, want person %d", chat+1, p, want)
			}
		}
		return nil
	})
}

// Every method of a transaction says which store operation failed and
// keeps the driver's error for errors.Is: here a cancelled context makes
// every statement fail.
func TestTxErrorsSayWhatFailed(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	calls := map[string]func(tx nhacviec.Tx) error{
		"Offset":      func(tx nhacviec.Tx) error { _, err := tx.Offset("telegram"); return err },
		"ClaimUpdate": func(tx nhacviec.Tx) error { _, err := tx.ClaimUpdate("telegram", 1); return err },
		"EnsureChat": func(tx nhacviec.Tx) error {
			return tx.EnsureChat(&nhacviec.Chat{Transport: "telegram", ExternalID: "1"})
		},
		"Chat": func(tx nhacviec.Tx) error { _, err := tx.Chat(1); return err },
		"EnsurePerson": func(tx nhacviec.Tx) error {
			return tx.EnsurePerson(&nhacviec.Person{Transport: "telegram", ExternalID: "1"})
		},
		"Person":           func(tx nhacviec.Tx) error { _, err := tx.Person(1); return err },
		"PersonByUsername": func(tx nhacviec.Tx) error { _, err := tx.PersonByUsername("telegram", "an"); return err },
		"CreateTask": func(tx nhacviec.Tx) error {
			return tx.CreateTask(&nhacviec.Task{Title: "x", Status: nhacviec.StatusOpen})
		},
		"CreateOccurrence": func(tx nhacviec.Tx) error { _, err := tx.CreateOccurrence(&nhacviec.Task{Title: "x"}); return err },
		"ReplanOpen":       func(tx nhacviec.Tx) error { return tx.ReplanOpen(now) },
		"Task":             func(tx nhacviec.Tx) error { _, err := tx.Task(1); return err },
		"SaveTask":         func(tx nhacviec.Tx) error { return tx.SaveTask(&nhacviec.Task{ID: 1}) },
		"SetNextPlans":     func(tx nhacviec.Tx) error { return tx.SetNextPlans([]int64{1}, []time.Time{now}) },
		"FindTasks":        func(tx nhacviec.Tx) error { _, err := tx.FindTasks(nhacviec.TaskFilter{}); return err },
		"FindTaskKeys":     func(tx nhacviec.Tx) error { _, err := tx.FindTaskKeys(nhacviec.TaskFilter{}); return err },
		"AddEvent":         func(tx nhacviec.Tx) error { return tx.AddEvent(&nhacviec.TaskEvent{TaskID: 1}) },
		"Events":           func(tx nhacviec.Tx) error { _, err := tx.Events(1); return err },
		"TasksOfMessage":   func(tx nhacviec.Tx) error { _, err := tx.TasksOfMessage(1, "1"); return err },
		"Enqueue":          func(tx nhacviec.Tx) error { _, err := tx.Enqueue(&nhacviec.Message{ChatID: 1}); return err },
		"PlannedKeys":      func(tx nhacviec.Tx) error { _, err := tx.PlannedKeys([]string{"k"}); return err },
		"EnqueueAll":       func(tx nhacviec.Tx) error { _, err := tx.EnqueueAll([]*nhacviec.Message{{ChatID: 1}}); return err },
		"People":           func(tx nhacviec.Tx) error { _, err := tx.People([]int64{1}); return err },
		"DropChasing":      func(tx nhacviec.Tx) error { return tx.DropChasing(1) },
		"Unplan":           func(tx nhacviec.Tx) error { return tx.Unplan(1) },
		"AskExtension":     func(tx nhacviec.Tx) error { return tx.AskExtension(&nhacviec.Extension{TaskID: 1}) },
		"Extension":        func(tx nhacviec.Tx) error { _, err := tx.Extension(1); return err },
		"PendingExtension": func(tx nhacviec.Tx) error { _, err := tx.PendingExtension(1); return err },
		"DecideExtension": func(tx nhacviec.Tx) error {
			return tx.DecideExtension(&nhacviec.Extension{ID: 1, State: nhacviec.ExtensionApproved})
		},
		"Extensions":     func(tx nhacviec.Tx) error { _, err := tx.Extensions(1); return err },
		"AddProgress":    func(tx nhacviec.Tx) error { return tx.AddProgress(&nhacviec.Progress{TaskID: 1}) },
		"ProgressNotes":  func(tx nhacviec.Tx) error { _, err := tx.ProgressNotes(1); return err },
		"Overrides":      func(tx nhacviec.Tx) error { _, err := tx.Overrides(); return err },
		"SetOverride":    func(tx nhacviec.Tx) error { return tx.SetOverride(nhacviec.DayOverride{Day: "2026-11-23"}) },
		"DeleteOverride": func(tx nhacviec.Tx) error { _, err := tx.DeleteOverride("2026-11-23"); return err },
		"SaveDraft":      func(tx nhacviec.Tx) error { return tx.SaveDraft(&nhacviec.Draft{}) },
		"Draft":          func(tx nhacviec.Tx) error { _, err := tx.Draft(1); return err },
		"DeleteDraft":    func(tx nhacviec.Tx) error { return tx.DeleteDraft(1) },
		"TasksToPlan":    func(tx nhacviec.Tx) error { _, err := tx.TasksToPlan(now, 10); return err },
		"MigrateChat":    func(tx nhacviec.Tx) error { return tx.MigrateChat("telegram", "1", "2") },
		"DeactivateChat": func(tx nhacviec.Tx) error { return tx.DeactivateChat(1) },
		"Unreachable":    func(tx nhacviec.Tx) error { _, err := tx.Unreachable(1); return err },
		"Units":          func(tx nhacviec.Tx) error { _, err := tx.Units(); return err },
		"CreateUnit":     func(tx nhacviec.Tx) error { return tx.CreateUnit(&nhacviec.Unit{Name: "x"}) },
		"SaveUnit":       func(tx nhacviec.Tx) error { return tx.SaveUnit(&nhacviec.Unit{ID: 1}) },
		"DeleteUnit":     func(tx nhacviec.Tx) error { return tx.DeleteUnit(1) },
		"Roles":          func(tx nhacviec.Tx) error { _, err := tx.Roles(1); return err },
		"UnitRoles":      func(tx nhacviec.Tx) error { _, err := tx.UnitRoles(1); return err },
		"Grant":          func(tx nhacviec.Tx) error { return tx.Grant(nhacviec.Membership{}) },
		"Revoke":         func(tx nhacviec.Tx) error { _, err := tx.Revoke(nhacviec.Membership{}); return err },
		"CreateInvite":   func(tx nhacviec.Tx) error { return tx.CreateInvite(&nhacviec.Invite{Code: "x"}) },
		"Invite":         func(tx nhacviec.Tx) error { _, err := tx.Invite("x"); return err },
		"SaveInvite":     func(tx nhacviec.Tx) error { return tx.SaveInvite(&nhacviec.Invite{Code: "x"}) },
		"BindChat":       func(tx nhacviec.Tx) error { return tx.BindChat(1, 1) },
		"GroupOfUnit":    func(tx nhacviec.Tx) error { _, err := tx.GroupOfUnit(1); return err },
		"SeenIn":         func(tx nhacviec.Tx) error { return tx.SeenIn(1, 1) },
		"Seen":           func(tx nhacviec.Tx) error { _, err := tx.Seen(1, 1); return err },
		"GroupsWithOpenTasks": func(tx nhacviec.Tx) error {
			_, err := tx.GroupsWithOpenTasks()
			return err
		},
	}
	cctx, cancel := context.WithCancel(ctx)
	db.Update(cctx, func(tx nhacviec.Tx) error {
		cancel()
		for name, call := range calls {
			err := call(tx)
			if err == nil || !strings.HasPrefix(err.Error(), "store: ") || !errors.Is(err, context.Canceled) {
				t.Errorf("%s: err = %v, want \"store: …\" wrapping context.Canceled", name, err)
			}
		}
		return nil
	})
}
