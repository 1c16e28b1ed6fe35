package report

import (
	"context"
	"time"
)

// Query selects the Facts a period needs: those closed from From on (in
// the period, or after it and so open at its end) and those open now that
// were created before At. Compute places each.
type Query struct {
	From, At time.Time
	// Units and People scope the tasks: those of these units, and those
	// these people lead; both empty: every task.
	Units  []int64
	People []int64
	// Detail also reads what the export's detail shows: titles, source
	// documents, extensions asked and granted, the deadline first given.
	Detail bool
}

// Source gives the Facts of a query: the store. It calls each with
// every Fact q selects, in no order, and stops at each's first error; f
// is reused between calls (Counter.Add copies what it keeps).
type Source interface {
	Facts(ctx context.Context, q Query, each func(f *Fact) error) error
}

// Collect returns the Facts of q as a slice.
func Collect(ctx context.Context, src Source, q Query) ([]Fact, error) {
	var out []Fact
	err := src.Facts(ctx, q, func(f *Fact) error {
		out = append(out, *f)
		return nil
	})
	return out, err
}
