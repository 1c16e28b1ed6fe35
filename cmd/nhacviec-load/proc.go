package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

const token = "424242:LOAD-test-token"

// botProc is the real nhacviec binary, running.
type botProc struct {
	cmd     *exec.Cmd
	started time.Time
	logPath string
	done    chan struct{}
	err     error
}

// botEnv is the environment of a bot under load: the fake API, a
// database in the run's directory, no HTTP server, info logs to a file.
func botEnv(srv *telegramtest.Server, db string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NHACVIEC_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"NHACVIEC_TELEGRAM_TOKEN="+token,
		"NHACVIEC_TELEGRAM_API_URL="+srv.URL(),
		"NHACVIEC_DB="+db,
		"NHACVIEC_HTTP_ADDR=off",
		"NHACVIEC_LOG_LEVEL=info",
	)
	return append(env, extra...)
}

// startBot starts the binary with env, its output going to log.
func startBot(bin string, env []string, log string) (*botProc, error) {
	f, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	p := &botProc{cmd: cmd, logPath: log, done: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// alive fails when the process has exited.
func (p *botProc) alive() error {
	select {
	case <-p.done:
		return fmt.Errorf("the bot exited: %v\n%s", p.err, p.tail())
	default:
		return nil
	}
}

// stop sends SIGTERM and waits; the bot must stop cleanly within 15 s.
func (p *botProc) stop() error {
	select {
	case <-p.done:
		return fmt.Errorf("the bot had exited: %v\n%s", p.err, p.tail())
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("the bot did not stop within 15 s of SIGTERM\n%s", p.tail())
	}
	if p.err != nil {
		return fmt.Errorf("the bot stopped with %v\n%s", p.err, p.tail())
	}
	return nil
}

// kill ends the process whatever its state (cleanup after a failure).
func (p *botProc) kill() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// memory reads the process's peak and current resident set (bytes).
func (p *botProc) memory() (hwm, rss int64, err error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmHWM:":
			hwm = kb << 10
		case "VmRSS:":
			rss = kb << 10
		}
	}
	if hwm == 0 {
		return 0, 0, errors.New("no VmHWM in /proc/<pid>/status")
	}
	return hwm, rss, nil
}

// cpu is the CPU time the process has used so far (user + system).
func (p *botProc) cpu() time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// selfCPU is the CPU time this process (the load and the fake server)
// has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tail is the end of the bot's log, for error messages.
func (p *botProc) tail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// logProblems returns the bot's log lines at warn level or above, except
// those matching an allowed substring.
func (p *botProc) logProblems(allowed ...string) []string {
	b, _ := os.ReadFile(p.logPath)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, `"level":"warn"`) && !strings.Contains(l, `"level":"error"`) &&
			!strings.Contains(l, `"level":"fatal"`) && !strings.Contains(l, `"level":"panic"`) &&
			!strings.HasPrefix(l, "panic") {
			continue
		}
		ok := false
		for _, a := range allowed {
			if strings.Contains(l, a) {
				ok = true
			}
		}
		if !ok {
			out = append(out, l)
		}
	}
	return out
}

// waitPoll waits for the bot's first getUpdates and returns the start-up
// time: from starting the process to that request's arrival.
func waitPoll(ctx context.Context, srv *telegramtest.Server, p *botProc, timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	for {
		if t, ok := srv.FirstCall("getUpdates"); ok {
			return t.Sub(p.started), nil
		}
		if err := p.alive(); err != nil {
			return 0, err
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("no getUpdates within %s\n%s", timeout, p.tail())
		}
		if err := sleep(ctx, time.Millisecond); err != nil {
			return 0, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
