package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// Units reads the unit tree once while it does not change: a command
// reads the whole tree, and each read cost as much more as there were
// units. What a transaction sees is still what it would have read: its
// own changes, another's committed ones, not a rolled-back one's.
func TestUnitsAreKeptUntilTheyChange(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	var reads atomic.Int32
	store.TraceSQL(func(query string, _ []any) {
		if strings.Contains(query, "FROM units ORDER BY id") {
			reads.Add(1)
		}
	})
	defer store.TraceSQL(nil)
	names := func(tx nhacviec.Tx) string {
		t.Helper()
		units, err := tx.Units()
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, u := range units {
			s = append(s, u.Name)
		}
		return strings.Join(s, ",")
	}
	view := func() (got string) {
		t.Helper()
		db.View(ctx, func(tx nhacviec.Tx) error { got = names(tx); return nil })
		return got
	}
	a := &nhacviec.Unit{Name: "A"}
	update(t, db, func(tx nhacviec.Tx) error {
		if err := tx.CreateUnit(a); err != nil {
			return err
		}
		if got := names(tx); got != "A" {
			t.Errorf("in the transaction that created A: %q", got)
		}
		return nil
	})
	if got := view() + " " + view(); got != "A A" {
		t.Errorf("after A: %q", got)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads of the units for two transactions after a change, want 2 (then kept)", n)
	}
	// A caller changing what it got changes nothing kept.
	db.View(ctx, func(tx nhacviec.Tx) error {
		units, _ := tx.Units()
		units[0].Name = "mutated"
		return nil
	})
	// A change rolled back is not kept; one committed is seen.
	boom := errors.New("boom")
	db.Update(ctx, func(tx nhacviec.Tx) error {
		b := &nhacviec.Unit{Name: "B"}
		if err := tx.CreateUnit(b); err != nil {
			return err
		}
		if got := names(tx); got != "A,B" {
			t.Errorf("in the transaction that created B: %q", got)
		}
		return boom
	})
	if got := view(); got != "A" {
		t.Errorf("after a rolled-back B: %q", got)
	}
	update(t, db, func(tx nhacviec.Tx) error {
		a.Name = "A2"
		return tx.SaveUnit(a)
	})
	if got := view(); got != "A2" {
		t.Errorf("after A was renamed: %q", got)
	}
	update(t, db, func(tx nhacviec.Tx) error { return tx.DeleteUnit(a.ID) })
	if got := view(); got != "" {
		t.Errorf("after A was deleted: %q", got)
	}
}
