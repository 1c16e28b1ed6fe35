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
	clock := console.NewClock(demoStart(time.Now().In(loc)))
	s := &console.Session{
		Clock:   clock,
		GroupID: "-100",
		Group:   "Phòng Tổng hợp",
		Out:     m.Stdout,
		People: []console.Person{
			{Name: "lead", FullName: "Trần Văn Lãnh (trưởng phòng)", ID: "1"},
			{Name: "an", FullName: "Nguyễn Văn An", ID: "2"},
			{Name: "binh", FullName: "Lê Thị Bình", ID: "3"},
			{Name: "cuong", FullName: "Phạm Văn Cường (trưởng phòng Kế hoạch - Tài chính)", ID: "4"},
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
	fmt.Fprintln(m.Stdout, "nhacviec — bản thử trên màn hình (binh chưa mở chat riêng với bot).")
	return s.Run(ctx, m.Stdin)
}

// demoStart is 09:00 today, or on the next weekday if today is a weekend,
// so that the first steps happen in working hours.
func demoStart(now time.Time) time.Time {
	d := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, now.Location())
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
