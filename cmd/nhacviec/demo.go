package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/console"
	"github.com/nhacviec/nhacviec/store"
)

// demo runs a console chat with a seeded demo group in a temporary
// database: a head of unit and two staff, one of whom has not opened a
// private chat with the bot.
func (m *Main) demo(ctx context.Context, cfg *Config) error {
	dir, err := os.MkdirTemp("", "nhacviec-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	loc, _ := time.LoadLocation(cfg.Timezone)
	start := demoStart(loc)
	if !cfg.ClockStart.IsZero() {
		start = cfg.ClockStart.In(loc)
	}
	in := m.Stdin
	if cfg.Script != "" {
		f, err := os.Open(cfg.Script)
		if err != nil {
			return usageError{fmt.Sprintf("demo: %v", err)}
		}
		defer f.Close()
		in = f
	}
	clock := console.NewClock(start)
	s := &console.Session{
		Clock:   clock,
		GroupID: "-100",
		Group:   "Phòng Tổng hợp",
		Out:     m.Stdout,
		Echo:    cfg.Script != "",
		People: []console.Person{
			{Name: "lead", FullName: "Trần Văn Lãnh (trưởng phòng)", ID: "1"},
			{Name: "an", FullName: "Nguyễn Văn An", ID: "2"},
			{Name: "binh", FullName: "Lê Thị Bình", ID: "3"},
			{Name: "cuong", FullName: "Phạm Văn Cường (trưởng phòng Kế hoạch - Tài chính)", ID: "4"},
			// chi's private chat has no buttons, as on Zalo: numbered
			// choices instead (not seeded: she starts with /start).
			{Name: "chi", FullName: "Đỗ Thị Chi", ID: "5", NoButtons: true},
		},
	}
	// Errors only: the demo's screen is the chat.
	log := zerolog.New(m.Stderr).Level(zerolog.ErrorLevel)
	cfg.Admins = append(cfg.Admins, bot.AdminKey(console.Transport, "1")) // lead
	a, err := newApp(ctx, cfg, db, log, clock.Now, "nhacviec_bot", map[string]bot.Transport{console.Transport: s})
	if err != nil {
		return err
	}
	// A terminal has no flood limits; one worker keeps the printed order.
	a.sender.Rate, a.sender.Workers = 1000, 1
	a.sender.PrivatePerSecond, a.sender.GroupPerMinute = 1000, 60000
	s.Bot, s.Calendar, s.Drain = a.bot, a.cal, a.sender.Drain
	s.Tick = func(ctx context.Context, now time.Time) error {
		_, err := a.scheduler.RunOnce(ctx, now)
		return err
	}
	// The group is Phòng Tổng hợp's, lead its head (and the demo's admin);
	// cuong heads Phòng Kế hoạch - Tài chính, a unit to coordinate with.
	setup := []string{"lead>> /donvi them Phòng Tổng hợp", "lead>> /bonhiem @lead truong 1",
		"lead>> /bonhiem @an thanhvien 1", "lead>> /bonhiem @binh thanhvien 1", "lead> /ganhom 1",
		"lead>> /donvi them Phòng Kế hoạch - Tài chính", "lead>> /bonhiem @cuong truong 2"}
	if err := s.Seed(ctx, map[string]bool{"lead": true, "an": true, "cuong": true}, setup...); err != nil {
		return fmt.Errorf("demo: seed: %w", err)
	}
	s.Extra = map[string]func(context.Context) error{":lichsu": func(ctx context.Context) error {
		return seedDemoHistory(ctx, db, a.cal, clock.Now(), m.Stdout)
	}}
	fmt.Fprintln(m.Stdout, "nhacviec — bản thử trên màn hình (binh chưa mở chat riêng với bot; chat riêng của chi không có nút, như Zalo).")
	return s.Run(ctx, in)
}

// demoStart is when the demo's clock starts unless -clock says otherwise:
// always the same working Monday morning, so that the README's and the
// guide's walkthroughs (dates, reminders, message numbers) are what the
// demo prints on any day it is run.
func demoStart(loc *time.Location) time.Time {
	return time.Date(2026, time.November, 23, 9, 0, 0, 0, loc)
}
