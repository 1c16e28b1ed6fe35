package main

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"
)

func numCPU() int       { return runtime.NumCPU() }
func goVersion() string { return runtime.Version() }

// pct is the p-th percentile (0–100) of xs by the nearest-rank method.
func pct[T int64 | float64 | time.Duration](xs []T, p float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}

func median[T int64 | float64 | time.Duration](xs []T) T { return pct(xs, 50) }

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f ms", float64(d)/1e6)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

// spread formats a median with the range of the runs.
func spread[T int64 | float64 | time.Duration](xs []T, f func(T) string) string {
	if len(xs) == 1 {
		return f(xs[0])
	}
	return fmt.Sprintf("%s (runs: %s – %s)", f(median(xs)), f(slices.Min(xs)), f(slices.Max(xs)))
}
