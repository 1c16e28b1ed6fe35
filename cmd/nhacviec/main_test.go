package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestMissingTokenIsOneClearLine(t *testing.T) {
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: env(nil)}
	err := m.Run(context.Background(), []string{"run", "-db", filepath.Join(t.TempDir(), "x.db")})
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "NHACVIEC_TELEGRAM_TOKEN") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenFromFileAndFlagsOverEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	os.WriteFile(path, []byte("123:abc\n"), 0o600)
	m := &Main{Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{"NHACVIEC_TELEGRAM_TOKEN_FILE": path, "NHACVIEC_DB": "/env.db", "NHACVIEC_SEND_RATE": "30"})}
	cfg, err := m.config("run", []string{"-db", "/flag.db"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TelegramToken != "123:abc" || cfg.DB != "/flag.db" || cfg.SendRate != 30 {
		t.Fatalf("config = %+v", cfg)
	}
	if _, err := m.config("run", []string{"-timezone", "Mars/Olympus"}); err == nil {
		t.Fatal("an unknown time zone was accepted")
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out, Getenv: env(nil)}
	if err := m.Run(context.Background(), []string{"version"}); err != nil || !strings.HasPrefix(out.String(), "nhacviec ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
}

// The real run path: configuration from the environment, a fake Bot API,
// a command answered, and a clean stop on cancel well within 10 s.
func TestRunAnswersAndStopsOnSignal(t *testing.T) {
	srv := telegramtest.New(testToken)
	defer srv.Close()
	var logs syncBuffer
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &logs, Getenv: env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":   testToken,
		"NHACVIEC_TELEGRAM_API_URL": srv.URL(),
		"NHACVIEC_DB":               filepath.Join(t.TempDir(), "run.db"),
		"NHACVIEC_LOG_LEVEL":        "debug",
		"NHACVIEC_HTTP_ADDR":        "127.0.0.1:0", // any free port: 8080 may be taken
	})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	an := srv.User(7, "an", "An")
	srv.UserSays(srv.PrivateChat(an), an, "/start")
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if _, err := srv.WaitSent(wctx, func(s telegramtest.Sent) bool { return strings.Contains(s.Plain, "Chào An") }); err != nil {
		t.Fatalf("no welcome: %v", err)
	}
	if len(srv.Commands()) == 0 {
		t.Error("the command menu was not set")
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop within 10 s")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stopping took %v", d)
	}
	if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), "TEST-token") {
		t.Fatal("the token appears in the logs")
	}
}
