// Command nhacviec-load runs the real nhacviec bot (the binary built from
// ./cmd/nhacviec) against the fake Bot API server of
// bot/telegram/telegramtest on loopback, and measures it. BENCHMARKS.md
// has the numbers and the commands that reproduce each.
//
//	go run ./cmd/nhacviec-load -scenario commands      # 1: 10,000 mixed commands
//	go run ./cmd/nhacviec-load -scenario commands -registered 10000 -history 1000000 -cache DIR
//	                                                   # 1 after a year; seeded once into DIR
//	go run ./cmd/nhacviec-load -scenario fanout        # 2: digests + reminders, Telegram's limits
//	go run ./cmd/nhacviec-load -scenario state         # 3: 100k and 1M tasks
//	go run ./cmd/nhacviec-load -scenario lateness      # 4: 1,000 reminders due the same minute
//	go run ./cmd/nhacviec-load -scenario export        # 7: RSS during /xuat năm of ~100k tasks, others' p99
//	go run ./cmd/nhacviec-load -scenario mixed -zalo 0.5
//	                                                   # 8: commands, half the people on Zalo (one bot, both apps)
//	go run ./cmd/nhacviec-load -quick                  # every scenario, small; for CI
//
// It fails (exit status 1) when the bot misbehaves: a command without a
// reply, an internal error, an API error other than the 429s a scenario
// expects, the bot not stopping cleanly. It never fails on a number.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/bot"
)

type options struct {
	bin      string
	runs     int
	quick    bool
	keep     bool
	profile  string
	verbose  bool
	commands int
	people   int
	groups   int
	fanout   []int
	rates    []float64
	tasks    []int
	quahan   int
	reminder int
	work     string
	stateDB  string
	workers  int
	latency  time.Duration
	probe    time.Duration
	offer    float64
	zalo     float64 // mixed: the share of the people and commands on Zalo
	// commands: everyone registered (the idle ones in units of their
	// own) and the tasks of history.
	registered int
	history    int
	cache      string
	// export (scenario 7): the tasks seeded, the rate of the others'
	// commands, and how long they are measured without an export.
	exportTasks  int
	exportRate   float64
	exportWindow time.Duration
	botEnv       []string // more of the bot's environment, e.g. GOMEMLIMIT=150MiB
}

func main() {
	var o options
	var scenarios, fanout, rates, tasks string
	flag.StringVar(&scenarios, "scenario", "commands", "comma-separated: commands, fanout, state, lateness, export, mixed, or all")
	flag.StringVar(&o.bin, "bin", "", "the nhacviec binary (default: go build ./cmd/nhacviec into a temporary directory)")
	flag.IntVar(&o.runs, "runs", 5, "repetitions of each measurement (the median is reported)")
	flag.BoolVar(&o.quick, "quick", false, "small sizes, one run of each scenario (CI)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directories (databases, bot logs)")
	flag.StringVar(&o.profile, "profile", "", "write CPU and allocation profiles into this directory (commands: the bot process; state: RunOnce)")
	flag.BoolVar(&o.verbose, "v", false, "print each run's numbers")
	flag.IntVar(&o.commands, "commands", 10000, "commands: how many mixed commands are measured")
	flag.IntVar(&o.people, "people", 1000, "commands: how many people")
	flag.IntVar(&o.groups, "groups", 50, "commands: how many groups (one unit each)")
	flag.Float64Var(&o.offer, "offer", 0, "commands: offer the commands at this many a second instead of all at once")
	flag.Float64Var(&o.zalo, "zalo", 0.5, "mixed: the share (0–1) of the people and of the commands on Zalo; the rest on Telegram")
	flag.IntVar(&o.registered, "registered", 0, "commands: people registered in all; those beyond -people send nothing (units of 50 of their own)")
	flag.IntVar(&o.history, "history", 0, "commands: tasks of history seeded first (as -scenario state seeds them; the -people hold closed ones only), e.g. 1000000 for a year")
	flag.StringVar(&o.cache, "cache", "", "commands, state: keep each seeded database in this directory and start later runs from a copy (one per sizes and schema version)")
	flag.IntVar(&o.workers, "workers", 0, "NHACVIEC_SEND_WORKERS for every scenario (0: the bot's default)")
	flag.DurationVar(&o.latency, "api-latency", 0, "fanout, lateness: the fake answers every call this much later (a real Bot API is 50–300 ms away)")
	flag.DurationVar(&o.probe, "probe", 0, "fanout: while the messages go out, someone sends /viec this often; their replies' latency is reported (0: none)")
	flag.StringVar(&fanout, "fanout", "1000,5000,10000", "fanout: people sizes")
	flag.StringVar(&rates, "rates", "25,30", "fanout: NHACVIEC_SEND_RATE values")
	flag.StringVar(&tasks, "tasks", "100000,1000000", "state: task counts")
	flag.IntVar(&o.quahan, "quahan", 500, "state: /quahan commands measured per run (0: the scheduler passes only, no bot)")
	flag.IntVar(&o.reminder, "reminders", 1000, "lateness: reminders due the same minute")
	flag.StringVar(&o.work, "dir", "", "where temporary directories go (default: the system's)")
	flag.StringVar(&o.stateDB, "state-db", "", "state: start from a copy of this database, seeded by an earlier run with -keep and the same -tasks (saves the seeding)")
	flag.IntVar(&o.exportTasks, "export-tasks", 220000, "export: tasks of history seeded (over two years; /xuat năm counts a little under half)")
	flag.Float64Var(&o.exportRate, "export-rate", 20, "export: /viec commands a second from other people, with and without the export")
	flag.DurationVar(&o.exportWindow, "export-window", 10*time.Second, "export: how long the commands are measured without an export")
	flag.Func("bot-env", "export: KEY=VALUE added to the bot's environment (repeatable), e.g. GOMEMLIMIT=150MiB", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("want KEY=VALUE, got %q", v)
		}
		o.botEnv = append(o.botEnv, v)
		return nil
	})
	flag.Parse()

	var err error
	if o.fanout, err = ints(fanout); err == nil {
		if o.tasks, err = ints(tasks); err == nil {
			o.rates, err = floats(rates)
		}
	}
	if err != nil {
		fatal(err)
	}
	if o.zalo < 0 || o.zalo > 1 {
		fatal(fmt.Errorf("-zalo %g: want a share between 0 and 1", o.zalo))
	}
	if o.workers <= 0 {
		o.workers = bot.DefaultWorkers
	}
	if o.quick {
		o.runs, o.commands, o.people, o.groups, o.registered, o.history = 1, 1000, 100, 5, 300, 4000
		o.fanout, o.rates, o.tasks, o.quahan, o.reminder = []int{100}, []float64{30}, []int{10000}, 20, 0
		o.exportWindow = 2 * time.Second
	}
	list := strings.Split(scenarios, ",")
	if o.quick || scenarios == "all" {
		list = []string{"commands", "fanout", "state", "export", "mixed", "lateness"}
		if o.quick {
			list = list[:5] // lateness waits for a minute boundary
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.bin == "" {
		o.bin, err = build(ctx, o.work)
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(filepath.Dir(o.bin))
	}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			fatal(err)
		}
	}
	fmt.Printf("machine: %s\n", machine())
	for _, s := range list {
		var err error
		switch strings.TrimSpace(s) {
		case "commands":
			err = runCommands(ctx, &o)
		case "fanout":
			err = runFanout(ctx, &o)
		case "state":
			err = runState(ctx, &o)
		case "lateness":
			err = runLateness(ctx, &o)
		case "export":
			err = runExport(ctx, &o)
		case "mixed":
			err = runMixed(ctx, &o)
		default:
			err = fmt.Errorf("unknown scenario %q", s)
		}
		if err != nil {
			fatal(fmt.Errorf("%s: %w", s, err))
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "nhacviec-load:", err)
	os.Exit(1)
}

// build compiles ./cmd/nhacviec as it ships (CGO_ENABLED=0, as the Docker
// image and CI build it).
func build(ctx context.Context, dir string) (string, error) {
	tmp, err := os.MkdirTemp(dir, "nhacviec-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(tmp, "nhacviec")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/nhacviec")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("go build ./cmd/nhacviec (run from the module root): %w", err)
	}
	return bin, nil
}

func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	return fmt.Sprintf("%d × %s%s, %s", numCPU(), model, mem, goVersion())
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// tempDir makes a run's directory; it is removed at cleanup unless -keep.
func (o *options) tempDir(name string) (string, func(), error) {
	dir, err := os.MkdirTemp(o.work, "nhacviec-load-"+name+"-")
	if err != nil {
		return "", nil, err
	}
	return dir, func() {
		if o.keep {
			fmt.Printf("  (kept %s)\n", dir)
			return
		}
		os.RemoveAll(dir)
	}, nil
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
