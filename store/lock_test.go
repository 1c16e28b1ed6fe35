package store_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/store"
)

func skipWithoutFlock(t *testing.T) {
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd", "solaris", "illumos", "android", "ios":
	default:
		t.Skip("no flock on " + runtime.GOOS + ": the lock is a no-op there")
	}
}

func TestSecondOpenInProcessIsRefused(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	db := mustOpen(t, path)
	_, err := store.Open(ctx, path)
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Open: err = %v, want ErrLocked", err)
	}
	if want := "another nhacviec is already running on " + path; err.Error() != want {
		t.Fatalf("error text %q, want %q", err, want)
	}
	// A read-only opener (the backup command) is not kept out.
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly while locked: %v", err)
	}
	ro.Close()
	// Close releases the lock: the next instance starts.
	db.Close()
	again, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

// A failed Open (here: not a database) must not leave the lock held.
func TestFailedOpenReleasesLock(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(ctx, path); err == nil || errors.Is(err, store.ErrLocked) {
		t.Fatalf("Open of a non-database: err = %v", err)
	}
	os.Remove(path)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after a failed Open: %v", err)
	}
	db.Close()
}

// lockHelperEnv makes the test binary, run again as a child, act as a
// second nhacviec process (see TestLockHelperProcess).
const lockHelperEnv = "NHACVIEC_TEST_LOCK_HELPER"

// TestLockHelperProcess is not a test on its own: run as a child with
// lockHelperEnv set to a database path, it opens the database and says
// "locked" (then holds it until its stdin closes) or "error: …".
func TestLockHelperProcess(t *testing.T) {
	path := os.Getenv(lockHelperEnv)
	if path == "" {
		t.Skip("helper process for the lock tests")
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		fmt.Printf("error: locked=%v %v\n", errors.Is(err, store.ErrLocked), err)
		os.Exit(0)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	db.Close()
	os.Exit(0)
}

// child starts the test binary as a second process opening path and
// returns its first line of output.
func child(t *testing.T, path string) (cmd *exec.Cmd, stdin io.WriteCloser, first string) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper process said nothing: %v", err)
	}
	return cmd, stdin, strings.TrimSpace(line)
}

func TestSecondProcessIsRefused(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	db := mustOpen(t, path)
	_, _, got := child(t, path)
	if want := "error: locked=true another nhacviec is already running on " + path; got != want {
		t.Fatalf("second process: %q, want %q", got, want)
	}
	db.Close()
	_, stdin, got := child(t, path)
	if got != "locked" {
		t.Fatalf("process after Close: %q", got)
	}
	stdin.Close()
}

func TestLockOfAnotherProcessKeepsUsOutUntilItDies(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "nhacviec.db")
	cmd, _, got := child(t, path)
	if got != "locked" {
		t.Fatalf("helper: %q", got)
	}
	if _, err := store.Open(ctx, path); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("Open while another process holds it: %v", err)
	}
	// kill -9: the kernel drops the lock with the process; no stale lock.
	cmd.Process.Kill()
	cmd.Wait()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after the holder was killed: %v", err)
	}
	db.Close()
}
