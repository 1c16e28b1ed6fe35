package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// `nhacviec backup FILE` beside a running bot that is taking commands:
// the copy opens and holds at least what was committed before it began.
func TestBackupWhileTheBotRuns(t *testing.T) {
	h := newHarness(t)
	h.hello(h.lead, h.an)
	h.say(h.group, h.lead, "/giao @an Việc 0 hạn 25/11")
	before := h.count()
	stop := make(chan struct{})
	sent := make(chan int)
	go func() { // commands keep arriving during the backups
		n := 0
		for {
			select {
			case <-stop:
				sent <- n
				return
			default:
			}
			n++
			h.srv.UserSays(h.group, h.lead, fmt.Sprintf("/giao @an Việc %d hạn 25/11", n))
			time.Sleep(5 * time.Millisecond) // about as fast as the bot handles them
		}
	}()
	dir := t.TempDir()
	var copies []string
	for i := range 3 {
		dest := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{"NHACVIEC_DB": h.db.Path()})}
		if err := m.Run(context.Background(), []string{"backup", dest}); err != nil {
			t.Fatalf("backup while the bot runs: %v", err)
		}
		if !strings.HasPrefix(out.String(), "backed up "+h.db.Path()+" to "+dest) {
			t.Errorf("output %q", out.String())
		}
		copies = append(copies, dest)
	}
	close(stop)
	if n := <-sent; n == 0 {
		t.Fatal("no command arrived during the backups")
	}
	h.settle()
	for _, c := range copies {
		db, err := store.Open(context.Background(), c)
		if err != nil {
			t.Fatalf("the copy does not open: %v", err)
		}
		var tasks []*nhacviec.Task
		err = db.View(context.Background(), func(tx nhacviec.Tx) error {
			var err error
			tasks, err = tx.FindTasks(nhacviec.TaskFilter{})
			return err
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) < before || tasks[0].Title != "Việc 0" {
			t.Errorf("%s: %d tasks, want ≥ %d starting with Việc 0", c, len(tasks), before)
		}
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nhacviec.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	dest := filepath.Join(dir, "old.db")
	os.WriteFile(dest, []byte("last night's backup"), 0o600)
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{"NHACVIEC_DB": path})}
	err = m.Run(context.Background(), []string{"backup", dest})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), dest+" already exists") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "last night's backup" {
		t.Fatal("the existing file was overwritten")
	}
}

func TestBackupUsageAndMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{"NHACVIEC_DB": filepath.Join(dir, "none.db")})}
	var u usageError
	if err := m.Run(context.Background(), []string{"backup"}); !errors.As(err, &u) || !strings.Contains(err.Error(), "nhacviec backup") {
		t.Fatalf("no FILE: %v", err)
	}
	if err := m.Run(context.Background(), []string{"backup", "a.db", "b.db"}); !errors.As(err, &u) {
		t.Fatalf("two FILEs: %v", err)
	}
	err := m.Run(context.Background(), []string{"backup", filepath.Join(dir, "x.db")})
	if err == nil || !strings.Contains(err.Error(), "no database at "+filepath.Join(dir, "none.db")) {
		t.Fatalf("missing database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Fatal("backup created the database it was to copy")
	}
	// -db after the subcommand works as for the other subcommands.
	if err := m.Run(context.Background(), []string{"run", "extra"}); !errors.As(err, &u) {
		t.Fatalf("run with an argument: %v", err)
	}
}

// A second `nhacviec run` on the database of a running one refuses to
// start, in one line that names the database.
func TestSecondInstanceRefusesToStart(t *testing.T) {
	h := newHarness(t) // holds the database, as a running bot does
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":   testToken,
		"NHACVIEC_TELEGRAM_API_URL": h.srv.URL(),
		"NHACVIEC_DB":               h.db.Path(),
		"NHACVIEC_HTTP_ADDR":        "off",
	})}
	err := m.Run(context.Background(), nil)
	if !errors.Is(err, store.ErrLocked) || err.Error() != "another nhacviec is already running on "+h.db.Path() {
		t.Fatalf("err = %v", err)
	}
}
