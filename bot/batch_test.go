package bot_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/store"
)

// failingStore fails every message written in reply to one message id, as
// a full disk would: neither the update nor its apology can be stored.
type failingStore struct {
	*store.DB
	replyTo string
	times   *int // how many writes fail; nil: all
}

func (s failingStore) Update(ctx context.Context, fn func(nhacviec.Tx) error) error {
	return s.DB.Update(ctx, func(tx nhacviec.Tx) error { return fn(failingTx{tx, s}) })
}

type failingTx struct {
	nhacviec.Tx
	s failingStore
}

func (t failingTx) Enqueue(m *nhacviec.Message) (bool, error) {
	if m.ReplyTo == t.s.replyTo && (t.s.times == nil || *t.s.times > 0) {
		if t.s.times != nil {
			*t.s.times--
		}
		return false, errors.New("disk I/O error")
	}
	return t.Tx.Enqueue(m)
}

func batchSetup(t *testing.T) (*store.DB, *bot.Bot, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "batch.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc) // a Monday
	db.Now = func() time.Time { return now }
	b := &bot.Bot{Store: db, Calendar: calendar.New(calendar.Config{Location: loc}), Log: zerolog.Nop(), Username: "nhacviec_bot",
		BatchWindow: time.Hour} // one transaction per batch, however slow the machine
	return db, b, path
}

func groupUpdate(id int64, from, text string) bot.Update {
	return bot.Update{Transport: "telegram", ID: id, ChatID: "-100", ChatKind: nhacviec.ChatGroup, ChatTitle: "Phòng Tổng hợp",
		From: &bot.User{ID: from, Username: from, Name: from}, MessageID: "m" + strconv.FormatInt(id, 10), Text: text}
}

func count(t *testing.T, path, query string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// One commit for several updates must not weaken Handle's promises: a
// mistake undoes only its own update, and the offset covers them all.
func TestHandleBatchUndoesOnlyTheFailedUpdate(t *testing.T) {
	for _, w := range []time.Duration{time.Hour, time.Nanosecond} {
		t.Run("window "+w.String(), func(t *testing.T) { testHandleBatch(t, w) })
	}
}

// testHandleBatch: with window 1ns every update has a commit of its own.
func testHandleBatch(t *testing.T, window time.Duration) {
	_, b, path := batchSetup(t)
	b.BatchWindow = window
	ctx := context.Background()
	us := []bot.Update{
		groupUpdate(10, "binh", "chào cả phòng"),
		groupUpdate(11, "lead", "/giao @binh Báo cáo tuần hạn mai"),
		groupUpdate(12, "lead", "/giao @binh hạn mai"), // no task text: refused
		groupUpdate(13, "binh", "/viec"),
	}
	if err := b.HandleBatch(ctx, us); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, `SELECT count(*) FROM tasks`); n != 1 {
		t.Errorf("%d tasks stored, want the one of update 11", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'm11' AND text LIKE '%Đã giao việc #1%'`); n != 1 {
		t.Errorf("%d confirmations of the task, want 1", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'm12'`); n != 1 ||
		count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'm12' AND text LIKE 'Thiếu nội dung%Ví dụ%'`) != 1 {
		t.Errorf("%d replies to the refused /giao, want 1 saying what is missing, with an example", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'm13' AND text LIKE '%#1 Báo cáo tuần%'`); n != 1 {
		t.Errorf("%d /viec replies listing the task of the same batch, want 1", n)
	}
	off, err := b.Offset(ctx, "telegram")
	if err != nil || off != 14 {
		t.Errorf("offset %d (%v), want 14", off, err)
	}
	// Offered again (a poll after a crash), nothing is applied twice.
	if err := b.HandleBatch(ctx, us); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, `SELECT count(*) FROM tasks`); n != 1 {
		t.Errorf("after the same batch again: %d tasks, want 1", n)
	}
}

// When even the apology cannot be stored, the batch's transaction fails
// whole: nothing of it is kept, the offset stays, and the updates applied
// later (the store healthy again) count once.
func TestHandleBatchStoreFailureKeepsNothing(t *testing.T) {
	db, b, path := batchSetup(t)
	ctx := context.Background()
	us := []bot.Update{
		groupUpdate(20, "binh", "chào cả phòng"),
		groupUpdate(21, "lead", "/giao @binh Báo cáo tuần hạn mai"),
		groupUpdate(22, "binh", "/viec"),
	}
	b.Store = failingStore{DB: db, replyTo: "m22"}
	err := b.HandleBatch(ctx, us)
	if err == nil || !strings.Contains(err.Error(), "disk I/O error") {
		t.Fatalf("HandleBatch = %v, want the store's error", err)
	}
	if n := count(t, path, `SELECT count(*) FROM tasks`); n != 0 {
		t.Errorf("%d tasks kept from a failed batch, want 0", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d outbox rows kept from a failed batch, want 0", n)
	}
	if off, _ := b.Offset(ctx, "telegram"); off != 0 {
		t.Errorf("offset %d after a failed batch, want 0 (offered again)", off)
	}
	b.Store = db
	if err := b.HandleBatch(ctx, us); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, `SELECT count(*) FROM tasks`); n != 1 {
		t.Errorf("%d tasks after the retry, want 1", n)
	}
	if off, _ := b.Offset(ctx, "telegram"); off != 23 {
		t.Errorf("offset %d after the retry, want 23", off)
	}
}

// An internal error halfway through an update (its task written, its
// reply not) undoes that update's writes, not its neighbours', and the
// person gets the apology.
func TestHandleBatchInternalErrorUndoesHalfWrittenUpdate(t *testing.T) {
	db, b, path := batchSetup(t)
	ctx := context.Background()
	once := 1
	b.Store = failingStore{DB: db, replyTo: "m31", times: &once}
	us := []bot.Update{
		groupUpdate(30, "binh", "chào cả phòng"),
		groupUpdate(31, "lead", "/giao @binh Báo cáo tuần hạn mai"),
		groupUpdate(32, "lead", "/giao @binh Kế hoạch tháng hạn mai"),
	}
	if err := b.HandleBatch(ctx, us); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, `SELECT count(*) FROM tasks`); n != 1 ||
		count(t, path, `SELECT count(*) FROM tasks WHERE title = 'Kế hoạch tháng'`) != 1 {
		t.Errorf("%d tasks stored, want only update 32's (update 31's rolled back)", n)
	}
	if n := count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'm31'`); n != 1 ||
		count(t, path, `SELECT count(*) FROM outbox WHERE reply_to = 'm31' AND text LIKE '%Đã giao%'`) != 0 {
		t.Errorf("%d replies to update 31, want 1: the apology", n)
	}
	if off, _ := b.Offset(ctx, "telegram"); off != 33 {
		t.Errorf("offset %d, want 33", off)
	}
}
