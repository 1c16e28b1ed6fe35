package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// A task overdue for months, in a group: every working morning its nudge
// and the group's digest, the overdue notice once; meanwhile the store
// prunes what is older than 30 days, several times a day. Pruning never
// lets the scheduler plan a notice again.
func TestPruningNeverReplans(t *testing.T) {
	f := newFixture(t)
	clock := at(23, 9, 0)
	f.db.Now = func() time.Time { return clock }
	f.addTaskIn(f.group, at(23, 9, 0), at(25, 17, 0))
	r := store.Retention{Outbox: 30 * 24 * time.Hour, Replies: 90 * 24 * time.Hour}
	sent := map[string]int{}
	pruned := 0
	for d := range 100 {
		for _, hm := range [][2]int{{7, 30}, {8, 0}, {8, 1}, {11, 0}, {17, 0}, {17, 1}} {
			clock = time.Date(2026, 11, 24+d, hm[0], hm[1], 0, 0, hcm)
			f.run(clock)
			for _, text := range f.sendAll(clock) {
				sent[text]++
			}
			p, err := f.db.Prune(context.Background(), clock, r)
			if err != nil {
				t.Fatal(err)
			}
			pruned += p.Outbox
		}
	}
	kinds := map[string]int{}
	for text, n := range sent {
		kinds[strings.Fields(text)[0]]++
		if n != 1 {
			t.Errorf("%q went out %d times", text, n)
		}
	}
	if kinds["overdue"] != 1 || kinds["nudge"] < 60 || kinds["digest"] < 60 {
		t.Errorf("sent %v; want the overdue notice once, a nudge and a digest every working day", kinds)
	}
	if pruned < 30 {
		t.Errorf("%d messages pruned: too few to prove anything", pruned)
	}
}
