package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/console"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/store"
)

var demoTitles = []string{
	"Báo cáo tình hình thực hiện nhiệm vụ tháng", "Tổng hợp ý kiến góp ý dự thảo quy chế", "Rà soát thủ tục hành chính",
	"Kế hoạch cải cách hành chính", "Báo cáo kết quả chuyển đổi số", "Dự thảo tờ trình Giám đốc",
	"Tổng hợp số liệu thi đua khen thưởng", "Báo cáo công tác phòng, chống tham nhũng", "Rà soát văn bản quy phạm pháp luật",
	"Chuẩn bị nội dung họp giao ban", "Báo cáo tiến độ Đề án 06", "Kiểm tra công tác văn thư lưu trữ",
}

// seedDemoHistory writes six months of finished and unfinished work of
// the demo's people before now, straight into the store (no messages, no
// reminders: it is the past): on time, late, overdue, extended, key
// tasks. Its tasks take the numbers after those given so far.
func seedDemoHistory(ctx context.Context, db *store.DB, cal *calendar.Calendar, now time.Time, out io.Writer) error {
	rng := rand.New(rand.NewPCG(2026, 11))
	loc := cal.Location()
	n := 0
	err := db.Update(ctx, func(tx nhacviec.Tx) error {
		lead, err := tx.PersonByUsername(console.Transport, "lead")
		if err != nil {
			return err
		}
		var staff []*nhacviec.Person
		for _, name := range []string{"an", "binh", "lead"} {
			p, err := tx.PersonByUsername(console.Transport, name)
			if err != nil {
				return err
			}
			staff = append(staff, p)
		}
		chat := &nhacviec.Chat{Transport: console.Transport, ExternalID: "-100", Kind: nhacviec.ChatGroup}
		if err := tx.EnsureChat(chat); err != nil {
			return err
		}
		// an does well, binh is often late, lead in between.
		lateOdds := []float64{0.1, 0.45, 0.25}
		start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -6, 0)
		for day := start; day.Before(now.AddDate(0, 0, -1)); day = day.AddDate(0, 0, 1) {
			if !cal.IsWorkingDay(day) || rng.IntN(3) != 0 {
				continue
			}
			i := rng.IntN(len(staff))
			who := staff[i]
			created := time.Date(day.Year(), day.Month(), day.Day(), 8+rng.IntN(3), rng.IntN(60), 0, 0, loc)
			deadline := cal.EndOfDay(cal.AddWorkingDays(created, 3+rng.IntN(8)))
			t := &nhacviec.Task{Title: demoTitles[rng.IntN(len(demoTitles))], AssignerID: lead.ID, AssigneeID: who.ID,
				ChatID: chat.ID, UnitID: chat.UnitID, Deadline: deadline, Status: nhacviec.StatusOpen, CreatedAt: created,
				KeyTask: rng.IntN(5) == 0}
			if err := tx.CreateTask(t); err != nil {
				return err
			}
			n++
			var finish time.Time
			switch r := rng.Float64(); {
			case r < lateOdds[i]:
				finish = cal.EndOfDay(cal.AddWorkingDays(deadline, 1+rng.IntN(4))).Add(-time.Duration(rng.IntN(300)) * time.Minute)
			case r < 0.93:
				finish = deadline.Add(-time.Duration(rng.IntN(48*60)) * time.Minute)
				if finish.Before(created) {
					finish = deadline
				}
			default:
				finish = time.Time{} // never finished
			}
			if rng.IntN(8) == 0 { // extended once, by 3 working days
				to := cal.EndOfDay(cal.AddWorkingDays(deadline, 3))
				e := &nhacviec.Extension{TaskID: t.ID, AskerID: who.ID, ReviewerID: lead.ID, From: deadline, To: to, Reason: "chờ số liệu của đơn vị khác"}
				if err := tx.AskExtension(e); err != nil {
					return err
				}
				e.State, e.DeciderID = nhacviec.ExtensionApproved, lead.ID
				if err := tx.DecideExtension(e); err != nil {
					return err
				}
				t.Deadline = to
			}
			if !finish.IsZero() && finish.Before(now) {
				t.Status, t.ClosedAt = nhacviec.StatusDone, finish
			}
			t.NextPlanAt = time.Time{} // the past is not chased again
			if err := tx.SaveTask(t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: history: %w", err)
	}
	fmt.Fprintf(out, "Đã tạo %d việc từ %s đến hôm qua (đúng hạn, trễ hạn, quá hạn, gia hạn). Thử: lead>> /thongke quý trước\n",
		n, time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -6, 0).Format("01/2006"))
	return nil
}
