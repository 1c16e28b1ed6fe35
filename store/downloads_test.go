package store_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"errors"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func putDownload(t *testing.T, db *store.DB, uses int, grace time.Duration, body []byte) *store.Download {
	t.Helper()
	d := &store.Download{Name: "thongke-2026-11.xlsx", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Created: t0, Expires: t0.Add(24 * time.Hour), Uses: uses, Grace: grace}
	if err := db.PutDownload(ctx, d, body); err != nil {
		t.Fatal(err)
	}
	return d
}

func body(t *testing.T, db *store.DB, d *store.Download) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := db.DownloadBody(ctx, d, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A one-use link is taken once: the second fetch is refused as taken,
// before and after its end; the token is random, URL-safe and 130 bits.
func TestDownloadTakenOnce(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	d := putDownload(t, db, 1, 5*time.Minute, []byte("PK tệp"))
	if !regexp.MustCompile(`^[A-Z2-7]{26}$`).MatchString(d.Token) || d.Size != int64(len("PK tệp")) {
		t.Fatalf("token %q, size %d", d.Token, d.Size)
	}
	if other := putDownload(t, db, 1, 0, []byte("x")); other.Token == d.Token {
		t.Fatal("two links, one token")
	}
	// Looking does not take.
	for range 2 {
		if got, err := db.Download(ctx, d.Token, t0.Add(time.Hour)); err != nil || got.Uses != 1 || !got.Taken.IsZero() {
			t.Fatalf("Download: %+v, %v", got, err)
		}
	}
	got, err := db.TakeDownload(ctx, d.Token, t0.Add(time.Hour))
	if err != nil || got.Name != d.Name || got.MIME != d.MIME || got.Uses != 0 || !got.Taken.Equal(t0.Add(time.Hour)) {
		t.Fatalf("TakeDownload: %+v, %v", got, err)
	}
	if b := body(t, db, got); string(b) != "PK tệp" {
		t.Errorf("body %q", b)
	}
	for _, at := range []time.Duration{time.Hour, 2 * time.Hour, 30 * time.Hour} {
		if _, err := db.TakeDownload(ctx, d.Token, t0.Add(at)); !errors.Is(err, store.ErrDownloadTaken) || nhacviec.ErrorCode(err) != nhacviec.EConflict {
			t.Errorf("second take at +%v: %v, want taken (conflict)", at, err)
		}
		if _, err := db.Download(ctx, d.Token, t0.Add(at)); !errors.Is(err, store.ErrDownloadTaken) {
			t.Errorf("look after the take at +%v: %v", at, err)
		}
	}
	for _, tok := range []string{"", "AAAAAAAAAAAAAAAAAAAAAAAAAA", strings.ToLower(d.Token)} {
		if _, err := db.TakeDownload(ctx, tok, t0); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
			t.Errorf("take %q: %v, want not found", tok, err)
		}
	}
}

// A link not fetched before its end is refused as expired; one with
// a few fetches allows them within its grace after the first, and no
// more.
func TestDownloadExpiresAndGrace(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	unused := putDownload(t, db, 1, 0, []byte("x"))
	if _, err := db.TakeDownload(ctx, unused.Token, t0.Add(24*time.Hour)); !errors.Is(err, store.ErrDownloadExpired) {
		t.Errorf("take at the end: %v, want expired", err)
	}
	if _, err := db.Download(ctx, unused.Token, t0.Add(25*time.Hour)); !errors.Is(err, store.ErrDownloadExpired) {
		t.Errorf("look after the end: %v, want expired", err)
	}
	if got, err := db.TakeDownload(ctx, unused.Token, t0.Add(24*time.Hour-time.Millisecond)); err != nil || got.Uses != 0 {
		t.Errorf("take just before the end: %+v, %v", got, err)
	}

	few := putDownload(t, db, 3, 5*time.Minute, []byte("y"))
	first := t0.Add(23*time.Hour + 58*time.Minute)
	got, err := db.TakeDownload(ctx, few.Token, first)
	if err != nil || got.Uses != 2 || !got.Expires.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("first fetch 2 minutes before the end: %+v, %v; the end stays", got, err)
	}
	if _, err := db.TakeDownload(ctx, few.Token, t0.Add(24*time.Hour)); !errors.Is(err, store.ErrDownloadTaken) {
		t.Errorf("after the end, once fetched: %v, want taken", err)
	}

	few = putDownload(t, db, 3, 5*time.Minute, []byte("z"))
	first = t0.Add(time.Hour)
	if got, err := db.TakeDownload(ctx, few.Token, first); err != nil || !got.Expires.Equal(first.Add(5*time.Minute)) {
		t.Fatalf("first fetch: %+v, %v; want the end at +5 min", got, err)
	}
	if got, err := db.TakeDownload(ctx, few.Token, first.Add(4*time.Minute)); err != nil || got.Uses != 1 || !got.Taken.Equal(first) {
		t.Fatalf("second fetch within the grace: %+v, %v", got, err)
	}
	if _, err := db.TakeDownload(ctx, few.Token, first.Add(5*time.Minute)); !errors.Is(err, store.ErrDownloadTaken) {
		t.Errorf("after the grace: %v, want taken", err)
	}
	few = putDownload(t, db, 2, 5*time.Minute, []byte("w"))
	for i, want := range []error{nil, nil, store.ErrDownloadTaken} {
		if _, err := db.TakeDownload(ctx, few.Token, first.Add(time.Duration(i)*time.Second)); !errors.Is(err, want) {
			t.Errorf("fetch %d of 2: %v, want %v", i+1, err, want)
		}
	}
}

// Of many fetches at once for a link's last use, exactly one gets it.
func TestDownloadTakeIsAtomic(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	d := putDownload(t, db, 2, time.Minute, []byte("x"))
	var mu sync.Mutex
	var ok, taken int
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := db.TakeDownload(ctx, d.Token, t0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrDownloadTaken):
				taken++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok != 2 || taken != 6 {
		t.Errorf("%d fetches served, %d refused; want 2 and 6", ok, taken)
	}
}

// What PutDownload refuses, and nothing of it is kept.
func TestPutDownloadRefuses(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	good := func() *store.Download {
		return &store.Download{Name: "a.png", MIME: "image/png", Created: t0, Expires: t0.Add(time.Hour), Uses: 1}
	}
	for _, c := range []struct {
		name   string
		change func(*store.Download)
		body   []byte
	}{
		{"no name", func(d *store.Download) { d.Name = "" }, []byte("x")},
		{"a path", func(d *store.Download) { d.Name = "../a.png" }, []byte("x")},
		{"a control character", func(d *store.Download) { d.Name = "a\r\n.png" }, []byte("x")},
		{"a bad media type", func(d *store.Download) { d.MIME = "image/png; x" }, []byte("x")},
		{"no uses", func(d *store.Download) { d.Uses = 0 }, []byte("x")},
		{"ends before it starts", func(d *store.Download) { d.Expires = t0 }, []byte("x")},
		{"empty", func(*store.Download) {}, nil},
		{"too large", func(*store.Download) {}, make([]byte, store.MaxDownloadSize+1)},
	} {
		d := good()
		c.change(d)
		if err := db.PutDownload(ctx, d, c.body); nhacviec.ErrorCode(err) != nhacviec.EInvalid || d.Token != "" {
			t.Errorf("%s: %v, token %q; want invalid", c.name, err, d.Token)
		}
	}
	if err := db.PutDownload(ctx, good(), []byte("x")); err != nil {
		t.Errorf("the good one: %v", err)
	}
}

// Pruning deletes the links an hour after they ended, fetched or not,
// with their files, a few parts per transaction; it keeps the others.
func TestPruneDownloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	big := bytes.Repeat([]byte("0123456789abcdef"), 20<<16) // 20 MiB: 20 parts, 3 transactions
	ended := putDownload(t, db, 1, 0, big)
	taken := putDownload(t, db, 3, 5*time.Minute, []byte("taken"))
	if _, err := db.TakeDownload(ctx, taken.Token, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	live := putDownload(t, db, 1, 0, []byte("live")) // ends at +24 h, as ended does
	if _, err := db.Download(ctx, live.Token, t0); err != nil {
		t.Fatal(err)
	}
	later := &store.Download{Name: "b.png", MIME: "image/png", Created: t0, Expires: t0.Add(48 * time.Hour), Uses: 1}
	if err := db.PutDownload(ctx, later, []byte("later")); err != nil {
		t.Fatal(err)
	}

	// An hour after the taken one's grace: it goes, the unused one
	// (ended at +24 h) stays until +25 h.
	if n, err := db.PruneDownloads(ctx, t0.Add(2*time.Hour+5*time.Minute+time.Millisecond)); err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want the taken one", n, err)
	}
	if _, err := db.Download(ctx, taken.Token, t0.Add(3*time.Hour)); nhacviec.ErrorCode(err) != nhacviec.ENotFound {
		t.Errorf("the taken link after pruning: %v, want not found", err)
	}
	if _, err := db.Download(ctx, ended.Token, t0.Add(24*time.Hour)); !errors.Is(err, store.ErrDownloadExpired) {
		t.Errorf("the ended link within the hour: %v, want expired", err)
	}
	if n, err := db.PruneDownloads(ctx, t0.Add(25*time.Hour+time.Millisecond)); err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want the ended one and the first live one", n, err)
	}
	if n, err := db.PruneDownloads(ctx, t0.Add(25*time.Hour+time.Millisecond)); err != nil || n != 0 {
		t.Fatalf("pruned %d again (%v)", n, err)
	}
	got, err := db.Download(ctx, later.Token, t0.Add(25*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, db, got); string(b) != "later" {
		t.Errorf("the kept link's file: %q", b)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var parts int
	if err := raw.QueryRow(`SELECT count(*) FROM download_parts`).Scan(&parts); err != nil || parts != 1 {
		t.Errorf("%d parts left (%v), want the kept link's one", parts, err)
	}
}

// A file of 20 MB goes in and out whole, in parts, and reading it does
// not hold the file in memory: the live heap grows by about a part.
func TestDownloadOf20MB(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	big := make([]byte, 20<<20+12345)
	for i := range big {
		big[i] = byte(i * 7919 >> 8)
	}
	// Meanwhile a small write (a command's, say) waits for the writer
	// at most a few parts' time, not the file's.
	stop := make(chan struct{})
	var longest time.Duration
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			if err := db.Ping(ctx); err != nil {
				t.Error(err)
				return
			}
			longest = max(longest, time.Since(start))
		}
	})
	start := time.Now()
	d := putDownload(t, db, 1, 0, big)
	took := time.Since(start)
	close(stop)
	wg.Wait()
	t.Logf("PutDownload of %d MB: %v; a small write meanwhile waited at most %v", len(big)>>20, took, longest)
	got, err := db.TakeDownload(ctx, d.Token, t0)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	counter := &peakHeap{Hash: h}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	counter.base = ms.HeapAlloc
	start = time.Now()
	if err := db.DownloadBody(ctx, got, counter); err != nil {
		t.Fatal(err)
	}
	t.Logf("DownloadBody: %v; live heap grew by at most %d KB while reading", time.Since(start), (counter.peak-counter.base)>>10)
	if want := sha256.Sum256(big); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Error("the file read back differs")
	}
	if counter.peak-counter.base > 8<<20 {
		t.Errorf("reading 20 MB grew the heap by %d MB; want a few parts at most", (counter.peak-counter.base)>>20)
	}
}

// peakHeap hashes what it is given and notes the live heap at each part
// (after a collection: the parts already written are garbage).
type peakHeap struct {
	Hash interface{ Write([]byte) (int, error) }
	base uint64
	peak uint64
}

func (p *peakHeap) Write(b []byte) (int, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.peak = max(p.peak, ms.HeapAlloc)
	return p.Hash.Write(b)
}

// A database of the schema before the links (made by migration 20 at
// the latest) opens, migrates and keeps its rows; the links work in it.
func TestDownloadsMigrationKeepsRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.CreateAt(ctx, path, 20); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000
	for _, q := range []string{
		`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-42', 'group', 'Phòng', 1795500000000)`,
		`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', 1795500000000, 1795500000000)`,
		`INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at) VALUES (1, 'Báo cáo', 1, 1, 1, 1795500001000, 'open', 1795500000000)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()
	db := mustOpen(t, path)
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		task, err := tx.Task(1)
		if err != nil {
			return err
		}
		if task.Title != "Báo cáo" || !task.Deadline.Equal(time.UnixMilli(at+1000)) {
			t.Errorf("the task after the migration: %+v", task)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d := putDownload(t, db, 1, 0, []byte("x"))
	if _, err := db.TakeDownload(ctx, d.Token, t0); err != nil {
		t.Fatal(err)
	}
}
