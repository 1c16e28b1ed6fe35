package report

import (
	_ "embed"
	"fmt"
	"strconv"
	"sync"

	"github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"
	"golang.org/x/text/unicode/norm"
)

// The chart's font: Be Vietnam Pro (SIL Open Font License 1.1, fonts/OFL.txt),
// drawn for Vietnamese: every letter with every tone mark has a glyph of
// its own (TestFontCoversVietnamese). The charts library's own fonts
// lack some, and a missing glyph is drawn as an empty box.
//
//go:embed fonts/BeVietnamPro-Regular.ttf
var fontTTF []byte

var (
	fontOnce sync.Once
	font     *truetype.Font
	fontErr  error
)

// Font returns the embedded chart font.
func Font() (*truetype.Font, error) {
	fontOnce.Do(func() { font, fontErr = truetype.Parse(fontTTF) })
	return font, fontErr
}

// Chart sizes: the width, and the height of a chart of n entries.
const (
	ChartWidth   = 800
	chartTop     = 110 // title and legend
	chartBottom  = 50  // the value axis
	chartPerLine = 34
)

// ChartHeight is the height in pixels of the chart of n entries.
func ChartHeight(n int) int { return chartTop + chartBottom + chartPerLine*max(n, 1) }

// The states' colours: green, amber, red as the agencies' dashboards use.
var stateColors = []charts.Color{
	{R: 46, G: 160, B: 67, A: 255},
	{R: 240, G: 160, B: 32, A: 255},
	{R: 214, G: 48, B: 49, A: 255},
}

// ChartPNG draws es (in their order, top first) as horizontal stacked
// bars of done on time, done late and overdue, with the title and the
// subtitle (the period, the time of the figures) on top, ChartWidth ×
// ChartHeight(len(es)) pixels. Names are cut to 28 characters.
func ChartPNG(title, subtitle string, es []Entry) ([]byte, error) {
	f, err := Font()
	if err != nil {
		return nil, fmt.Errorf("report: chart font: %w", err)
	}
	n := len(es)
	labels := make([]string, n)
	vals := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	// The library draws the first category at the bottom: reverse, so
	// the worst stands on top.
	for i, e := range es {
		j := n - 1 - i
		labels[j] = clipRunes(norm.NFC.String(e.Name), 28)
		vals[0][j] = float64(e.Tally.States[StateOnTime])
		vals[1][j] = float64(e.Tally.States[StateLate])
		vals[2][j] = float64(e.Tally.States[StateOverdue])
	}
	if n == 0 {
		labels = []string{"(không có số liệu)"}
		vals = [3][]float64{{0}, {0}, {0}}
	}
	opt := charts.NewBarChartOptionWithData(vals[:])
	opt.Horizontal = true
	opt.StackSeries = charts.Ptr(true)
	opt.Theme = charts.GetTheme(charts.ThemeLight).WithSeriesColors(stateColors)
	opt.Title = charts.TitleOption{Text: norm.NFC.String(title + "\n" + subtitle), FontStyle: charts.FontStyle{Font: f, FontSize: 14}}
	opt.Legend = charts.LegendOption{SeriesNames: []string{"Hoàn thành đúng hạn", "Hoàn thành trễ hạn", "Quá hạn chưa hoàn thành"},
		Offset: charts.OffsetStr{Top: "52"}, FontStyle: charts.FontStyle{Font: f, FontSize: 11}}
	opt.Padding = charts.Box{Top: 20, Left: 20, Right: 40, Bottom: 10}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels, LabelFontStyle: charts.FontStyle{Font: f, FontSize: 11}}
	// Whole numbers on the value axis, in whole steps.
	top := 0.0
	for i := range labels {
		top = max(top, vals[0][i]+vals[1][i]+vals[2][i])
	}
	step := niceStep(top)
	steps := max(1, int((top+step-1)/step))
	opt.ValueAxis = []charts.ValueAxisOption{{LabelFontStyle: charts.FontStyle{Font: f, FontSize: 10}, Min: charts.Ptr(0.0),
		Max: charts.Ptr(step * float64(steps)), LabelCount: steps + 1, PreferNiceIntervals: charts.Ptr(false),
		ValueFormatter: func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }}}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: ChartWidth,
		Height: ChartHeight(n), Font: f})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("report: draw chart: %w", err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("report: encode chart: %w", err)
	}
	return b, nil
}

// niceStep is a whole step of 1, 2 or 5 times a power of ten that cuts
// [0, top] into at most 8 steps.
func niceStep(top float64) float64 {
	for p := 1.0; ; p *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if top <= 8*m*p {
				return m * p
			}
		}
	}
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
