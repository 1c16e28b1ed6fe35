// Command nhacviec runs the nhacviec bot.
//
//	nhacviec [run]         run the bot (needs NHACVIEC_TELEGRAM_TOKEN)
//	nhacviec demo          a console chat with a demo group, no token needed
//	                       (-script FILE: type FILE's lines, print the transcript)
//	nhacviec backup FILE   copy the database to FILE, also while the bot runs
//	nhacviec version       print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the organisation's zone works on hosts without tzdata
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfiles := startProfiles()
	err := (&Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: getenv}).Run(ctx, os.Args[1:])
	stop()
	stopProfiles()
	if err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintln(os.Stderr, "nhacviec:", err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "nhacviec:", err)
		os.Exit(1)
	}
}

// getenv is os.Getenv, except that NHACVIEC_HTTP_ADDR set but empty
// means "no HTTP server" (as in systemd's Environment=NHACVIEC_HTTP_ADDR=)
// rather than the default address.
func getenv(name string) string {
	v, ok := os.LookupEnv(name)
	if name == "NHACVIEC_HTTP_ADDR" && ok && v == "" {
		return "off"
	}
	return v
}

// Main is the program, with its surroundings as fields so tests can run
// it in-process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// usageError is a mistake in how the program was started: one line, no
// stack, exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Run runs the subcommand named by args[0] (default "run").
func (m *Main) Run(ctx context.Context, args []string) error {
	sub := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	cfg, err := m.config(sub, args)
	if err != nil {
		return err
	}
	switch sub {
	case "run":
		return m.run(ctx, cfg)
	case "demo":
		return m.demo(ctx, cfg)
	case "backup":
		return m.backup(ctx, cfg)
	case "version":
		fmt.Fprintln(m.Stdout, "nhacviec", version())
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q; use run, demo, backup or version", sub)}
}
