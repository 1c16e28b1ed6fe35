package store_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/report"
)

// TestStatsSpeed measures the statistics on a seeded organisation of
// 2,000 people in 60 units with 1,000,000 tasks over 2025–2026
// (BENCHMARKS.md §7). It runs only when NHACVIEC_STATS_BENCH is set (the
// seeding takes a minute):
//
//	NHACVIEC_STATS_BENCH=1 go test -count=1 -run TestStatsSpeed -v ./store/
func TestStatsSpeed(t *testing.T) {
	if os.Getenv("NHACVIEC_STATS_BENCH") == "" {
		t.Skip("NHACVIEC_STATS_BENCH not set")
	}
	const people, units, tasks = 2000, 60, 1_000_000
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	// NHACVIEC_STATS_DB keeps the seeded database there, and reuses it.
	path := os.Getenv("NHACVIEC_STATS_DB")
	if path == "" {
		path = filepath.Join(t.TempDir(), "x.db")
	}
	if _, err := os.Stat(path); err != nil {
		seedStats(t, path, loc, people, units, tasks)
	}
	statsSpeed(t, path, loc)
}

func seedStats(t *testing.T, path string, loc *time.Location, people, units, tasks int) {
	db := mustOpen(t, path)
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	from := time.Date(2025, 1, 1, 8, 0, 0, 0, loc).UnixMilli()
	span := time.Date(2026, 12, 1, 0, 0, 0, 0, loc).UnixMilli() - from
	// Unit 1 is the Sở, 2–60 its departments; person p is in unit 2 + p % 59.
	stmts := []string{
		`PRAGMA journal_mode = WAL`, `PRAGMA synchronous = OFF`,
		`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-1', 'group', 'Sở', 0)`,
		`INSERT INTO units (id, name, parent_id, created_at) VALUES (1, 'Sở Nội vụ', NULL, 0)`,
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO units (id, name, parent_id, created_at) SELECT i, 'Phòng ' || i, 1, 0 FROM n`, units),
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO people (id, transport, external_id, username, display_name, created_at, updated_at)
			SELECT i, 'telegram', i, 'u' || i, 'Người ' || i, 0, 0 FROM n`, people),
		fmt.Sprintf(`INSERT INTO roles (person_id, unit_id, role, created_at) SELECT id, 2 + id %% %d, 'member', 0 FROM people`, units-1),
		// Tasks: created over the span, due 1–20 days later; 90 %% done
		// (most on time), 4 %% cancelled, the rest open.
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[1]d),
			r AS (SELECT i, %[2]d + i * (%[3]d / %[1]d) AS created, 1 + abs(random()) %% %[4]d AS who, abs(random()) %% 100 AS fate FROM n)
			INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at, unit_id)
			SELECT i, 'Việc số ' || i, 1, who, 1, created + (1 + i %% 20) * 86400000,
				CASE WHEN fate < 90 THEN 'done' WHEN fate < 94 THEN 'cancelled' ELSE 'open' END,
				created,
				CASE WHEN fate < 70 THEN created + (i %% 20) * 86400000 WHEN fate < 94 THEN created + (3 + i %% 30) * 86400000 END,
				2 + who %% %[5]d
			FROM r`, tasks, from, span, people, units-1),
	}
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.80s: %v", q, err)
		}
	}
	raw.Exec(`ANALYZE`)
	raw.Close()
	t.Logf("seeded %d tasks of %d people in %d units in %v", tasks, people, units, time.Since(start).Round(time.Second))
}

func statsSpeed(t *testing.T, path string, loc *time.Location) {
	db := mustOpen(t, path)
	var err error
	cal := calendar.New(calendar.Config{Location: loc})
	var tree []*nhacviec.Unit
	if err := db.View(ctx, func(tx nhacviec.Tx) error { tree, err = tx.Units(); return err }); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	year, err := report.ParsePeriod("năm", now, loc)
	if err != nil {
		t.Fatal(err)
	}
	measure := func(name string, q report.Query) *report.Figures {
		var best time.Duration
		var fg *report.Figures
		for range 3 {
			start := time.Now()
			c := report.NewCounter(year, now, cal, tree, false)
			if err := db.Facts(ctx, q, func(f *report.Fact) error { c.Add(f); return nil }); err != nil {
				t.Fatal(err)
			}
			fg = c.Figures()
			es := report.Entries(fg.Units, []int64{2, 3, 4, 5, 6, 7, 8, 9, 10}, func(id int64) string { return strconv.FormatInt(id, 10) }, false)
			report.WorstFirst(es)
			_ = report.Table(es, &fg.Total.Lead, 15)
			if d := time.Since(start); best == 0 || d < best {
				best = d
			}
		}
		t.Logf("%s: %d facts counted, best of 3: %v", name, fg.Total.Lead.Total(), best.Round(time.Millisecond))
		return fg
	}
	// The export of 100,000 tasks: the facts of 14 units for the year,
	// first: the process's peak memory is the export's.
	q := report.Query{From: year.From, At: year.End(now), Units: []int64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, Detail: true}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	c := report.NewCounter(year, now, cal, tree, true)
	if err := db.Facts(ctx, q, func(f *report.Fact) error { c.Add(f); return nil }); err != nil {
		t.Fatal(err)
	}
	fg := c.Figures()
	name := func(id int64) string { return "Người " + strconv.FormatInt(id, 10) }
	var ids []int64
	for id := range fg.People {
		ids = append(ids, id)
	}
	b := &report.Book{Org: "Sở Nội vụ", Figures: fg, UnitName: name, PersonName: name, PersonUnit: name,
		Units: report.Entries(fg.Units, q.Units, name, false), People: report.Entries(fg.People, ids, name, false)}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, b); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("/xuat năm of %d tasks: %v, %.1f MB file, Go heap peak ~%d MB (HeapSys), %d MB allocated in all; process peak RSS %s",
		len(fg.Rows), took.Round(time.Millisecond), float64(buf.Len())/(1<<20), after.HeapSys>>20,
		(after.TotalAlloc-before.TotalAlloc)>>20, peakRSS())

	fg, b, buf = nil, nil, bytes.Buffer{}
	q = report.Query{From: year.From, At: year.End(now)}
	measure("/thongke năm, the whole organisation", q)
	q.Units = []int64{7}
	measure("/thongke năm, one unit", q)
}

// peakRSS is the process's peak resident set (VmHWM), as Linux reports it.
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
