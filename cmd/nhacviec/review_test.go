package main

// End-to-end tests of review (duyệt) and return (trả lại), the unit
// setting that asks for review, the reviewer's reminders and the
// timeliness recorded at close, through the real client and the fake
// Bot API.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// submission returns the latest submission of task id that u was asked
// to decide, privately.
func (h *harness) submission(u tgbotapi.User, id int64) telegramtest.Sent {
	h.t.Helper()
	h.settle()
	want := fmt.Sprintf("báo xong việc #%d, chờ bạn duyệt", id)
	sent := h.srv.SentTo(u.ID)
	for i := len(sent) - 1; i >= 0; i-- {
		if strings.Contains(sent[i].Plain, want) {
			return sent[i]
		}
	}
	h.t.Fatalf("@%s was never asked to review #%d:\n%s", u.UserName, id, h.dump())
	return telegramtest.Sent{}
}

// about reports whether got is want, or a little after it: the test
// clock runs on from the time a test sets.
func about(got, want time.Time) bool {
	d := got.Sub(want)
	return d >= 0 && d < time.Minute
}

// reviews reads a task's submissions straight from the store.
func (h *harness) reviews(id int64) []*nhacviec.Review {
	h.t.Helper()
	var out []*nhacviec.Review
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		out, err = tx.Reviews(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// A task that needs review goes submit → return → return (the head and
// the monitor told) → submit → approve. It is not chased while it waits,
// its reviewer is reminded instead, and its timeliness is that of the
// last submission: late by 2 working days. Every step is in the history;
// stale buttons change nothing.
func TestReviewSubmitReturnReturnApprove(t *testing.T) {
	o := newOrg(t)
	h := o.h
	leader, lead := h.private(o.leader), h.private(o.memberA)
	r, id := h.assign(leader, o.leader, "/giao @membera Dự thảo kế hoạch CCHC hạn 25/11\nduyệt") // Wednesday 17:00
	contains(t, r, "🔍 Cần duyệt: báo xong thì người giao duyệt rồi mới hoàn thành")
	if !h.task(id).NeedsReview {
		t.Fatal("the duyệt line was not stored")
	}
	notice := h.notice(o.memberA, id)
	contains(t, notice, "🔍 Cần duyệt")

	// Submitted on Tuesday by a reply with a note: on time so far.
	h.clock.Set(at(24, 10, 0))
	s := h.replyTo(lead, o.memberA, "xong, đã gửi dự thảo qua email", notice.MessageID)
	contains(t, s, fmt.Sprintf("Đã gửi @leader duyệt việc #%d: Dự thảo kế hoạch CCHC (nộp đúng hạn)", id))
	sub1 := h.submission(o.leader, id)
	contains(t, sub1, "@membera báo xong việc", "Dự thảo kế hoạch CCHC", "Hạn: 17:00 Thứ Tư 25/11/2026 (nộp đúng hạn)",
		"📝 đã gửi dự thảo qua email", fmt.Sprintf("/duyet %d", id), fmt.Sprintf("/tralai %d LÝ_DO", id))
	if got := buttonsOf(sub1.Markup); got != "✅ Duyệt ↩️ Trả lại" {
		t.Fatalf("submission buttons: %q", got)
	}
	if task := h.task(id); task.Status != nhacviec.StatusOpen || !about(task.SubmittedAt, at(24, 10, 0)) {
		t.Fatalf("after the submission: %+v", task)
	}
	contains(t, h.say(lead, o.memberA, "/viec"), "Dự thảo kế hoạch CCHC — 17:00 Thứ Tư 25/11/2026 (chờ duyệt)")
	contains(t, h.say(lead, o.memberA, fmt.Sprintf("/xong %d", id)), "đã báo xong lúc 10:00 Thứ Ba 24/11/2026, đang chờ @leader duyệt")

	// ↩️ asks for the reason; the return by command gives it.
	a := h.press(leader, o.leader, sub1.MessageID, buttonData(sub1)[1])
	if !strings.Contains(a.Text, "cần nêu lý do") || h.task(id).Returns != 0 || !h.task(id).Submitted() {
		t.Fatalf("↩️ without a reason: %q, %+v", a.Text, h.task(id).ReviewState)
	}
	h.clock.Set(at(24, 11, 0))
	contains(t, h.say(leader, o.leader, fmt.Sprintf("/tralai %d thiếu số liệu quý III", id)),
		fmt.Sprintf("Đã trả lại việc #%d cho @membera (lần 1)", id))
	told := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.memberA.ID && strings.Contains(s.Plain, fmt.Sprintf("@leader trả lại việc #%d", id))
	})
	contains(t, told, "Lý do: thiếu số liệu quý III", "Hạn: 17:00 Thứ Tư 25/11/2026 (hạn ngày mai)")
	if task := h.task(id); task.Submitted() || task.Returns != 1 || task.Status != nhacviec.StatusOpen {
		t.Fatalf("after the return: %+v", task)
	}
	if h.countTo(o.headA.ID, "bị trả lại") != 0 || h.countTo(o.monitor.ID, "bị trả lại") != 0 {
		t.Fatal("the first return was reported")
	}
	// The first submission's buttons are stale now.
	for _, data := range buttonData(sub1) {
		a := h.press(leader, o.leader, sub1.MessageID, data)
		if !strings.Contains(a.Text, "đã bị trả lại") {
			t.Fatalf("%s after the return: %q", data, a.Text)
		}
	}

	// Submitted again by command; returned by a reply: the head of the
	// lead's unit and the organisation's monitor are told.
	h.clock.Set(at(25, 9, 0))
	contains(t, h.say(lead, o.memberA, fmt.Sprintf("/xong %d đã bổ sung số liệu", id)), "Đã gửi @leader duyệt")
	sub2 := h.submission(o.leader, id)
	contains(t, sub2, "📝 đã bổ sung số liệu")
	h.clock.Set(at(25, 10, 0))
	back := h.replyTo(leader, o.leader, "Trả lại vì sai mẫu biểu theo Thông tư 01", sub2.MessageID)
	contains(t, back, fmt.Sprintf("Đã trả lại việc #%d cho @membera (lần 2)", id), "Đã báo @heada, @monitor")
	for _, u := range []tgbotapi.User{o.headA, o.monitor} {
		contains(t, h.wait(func(s telegramtest.Sent) bool {
			return s.ChatID == u.ID && strings.Contains(s.Plain, fmt.Sprintf("Việc #%d bị trả lại lần thứ 2", id))
		}), "Dự thảo kế hoạch CCHC", "Người thực hiện: @membera — người duyệt: @leader", "Lý do lần này: sai mẫu biểu theo Thông tư 01")
	}
	if h.countTo(o.headB.ID, "bị trả lại") != 0 || h.countTo(o.memberA1.ID, "bị trả lại") != 0 {
		t.Fatal("someone outside the task's unit was told")
	}

	// Overdue from Wednesday 17:00 while the lead holds it: chased.
	h.tick(at(25, 17, 0))
	if h.countTo(o.memberA.ID, fmt.Sprintf("Việc #%d đã quá hạn", id)) != 1 {
		t.Fatalf("the returned task was not chased:\n%s", h.dump())
	}
	// Submitted a third time on Friday, by ✅ under the return notice:
	// late by 2 working days (Thursday, Friday).
	h.clock.Set(at(27, 10, 0))
	returned := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.memberA.ID && strings.Contains(s.Plain, "sai mẫu biểu")
	})
	a = h.press(lead, o.memberA, returned.MessageID, buttonData(returned)[0])
	if !strings.Contains(a.Text, "Đã gửi @leader duyệt") || !strings.Contains(a.Text, "nộp trễ 2 ngày làm việc") {
		t.Fatalf("✅ under the return notice: %q", a.Text)
	}
	sub3 := h.submission(o.leader, id)

	// While it waits: no nudge for the lead, not in /quahan; the reviewer
	// is reminded 1 working day later (Monday 10:00), then each morning.
	nudges := h.countTo(o.memberA.ID, fmt.Sprintf("Việc #%d vẫn chưa xong", id))
	h.tick(at(30, 8, 0))
	if got := h.countTo(o.memberA.ID, fmt.Sprintf("Việc #%d vẫn chưa xong", id)); got != nudges {
		t.Fatalf("the submitted task was nudged on Monday (%d → %d)", nudges, got)
	}
	lacks(t, h.say(leader, o.leader, "/quahan"), "Dự thảo kế hoạch CCHC")
	if h.countTo(o.leader.ID, fmt.Sprintf("Nhắc duyệt việc #%d", id)) != 0 {
		t.Fatal("the reviewer was reminded before 1 working day")
	}
	h.tick(at(30, 10, 0))
	remind := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.leader.ID && strings.Contains(s.Plain, fmt.Sprintf("Nhắc duyệt việc #%d", id))
	})
	contains(t, remind, "@membera báo xong lúc 10:00 Thứ Sáu 27/11/2026, đã chờ 1 ngày làm việc")
	if got := buttonsOf(remind.Markup); got != "✅ Duyệt ↩️ Trả lại" {
		t.Fatalf("reminder buttons: %q", got)
	}
	h.tick(at(30, 10, 30))
	if n := h.countTo(o.leader.ID, fmt.Sprintf("Nhắc duyệt việc #%d", id)); n != 1 {
		t.Fatalf("the reviewer was reminded %d times on Monday", n)
	}

	// Approved on Monday with the reminder's ✅: done, late by 2 working
	// days counted from Friday's submission, not from Monday.
	h.clock.Set(at(30, 11, 0))
	a = h.press(leader, o.leader, remind.MessageID, buttonData(remind)[0])
	if !strings.Contains(a.Text, fmt.Sprintf("Đã duyệt việc #%d", id)) || !strings.Contains(a.Text, "hoàn thành trễ 2 ngày làm việc") {
		t.Fatalf("✅ Duyệt: %q", a.Text)
	}
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.memberA.ID && strings.Contains(s.Plain, fmt.Sprintf("@leader đã duyệt việc #%d", id))
	}), "Hoàn thành trễ 2 ngày làm việc (báo xong 10:00 Thứ Sáu 27/11/2026)")
	task := h.task(id)
	if task.Status != nhacviec.StatusDone || !about(task.ClosedAt, at(30, 11, 0)) || !about(task.FinishedAt, at(27, 10, 0)) ||
		task.LateDays != 2 || task.Returns != 2 || task.Submitted() {
		t.Fatalf("after the approval: %+v", task)
	}
	// Every button since: nothing changes.
	for _, c := range []struct {
		msg  telegramtest.Sent
		want string
	}{{sub3, "đã được duyệt rồi"}, {remind, "đã được duyệt rồi"}, {sub2, "đã bị trả lại"}} {
		for _, data := range buttonData(c.msg) {
			if a := h.press(leader, o.leader, c.msg.MessageID, data); !strings.Contains(a.Text, c.want) {
				t.Fatalf("%s after the approval: %q, want %q", data, a.Text, c.want)
			}
		}
	}
	contains(t, h.say(leader, o.leader, fmt.Sprintf("/tralai %d vẫn thiếu", id)), "đã được duyệt rồi (lúc 11:00 Thứ Hai 30/11/2026)")
	contains(t, h.say(leader, o.leader, fmt.Sprintf("/duyet %d", id)), "đã được duyệt rồi")
	h.tick(at(31, 8, 0))
	if n := h.countTo(o.leader.ID, fmt.Sprintf("Nhắc duyệt việc #%d", id)); n != 1 {
		t.Fatalf("the reviewer was reminded after the approval (%d)", n)
	}
	if after := h.task(id); after.Status != nhacviec.StatusDone || after.Returns != 2 || after.LateDays != 2 {
		t.Fatalf("stale presses changed the task: %+v", after)
	}

	if got := strings.Join(h.eventKinds(id), ","); got != "created,submitted,returned,submitted,returned,submitted,approved" {
		t.Fatalf("history = %s", got)
	}
	rs := h.reviews(id)
	if len(rs) != 3 || rs[0].Decision != nhacviec.ReviewReturned || rs[0].Reason != "thiếu số liệu quý III" ||
		rs[0].Note != "đã gửi dự thảo qua email" || !about(rs[0].DecidedAt, at(24, 11, 0)) ||
		rs[1].Reason != "sai mẫu biểu theo Thông tư 01" || rs[2].Decision != nhacviec.ReviewApproved ||
		!about(rs[2].SubmittedAt, at(27, 10, 0)) || !about(rs[2].DecidedAt, at(30, 11, 0)) {
		t.Fatalf("submissions kept: %+v %+v %+v", rs[0], rs[1], rs[2])
	}
	d := h.say(leader, o.leader, fmt.Sprintf("/chitiet %d", id))
	contains(t, d, "Tình trạng: xong", "⏱ Hoàn thành trễ 2 ngày làm việc (báo xong 10:00 Thứ Sáu 27/11/2026)", "↩️ Bị trả lại 2 lần",
		"10:00 24/11/2026 @membera báo xong, gửi duyệt: đã gửi dự thảo qua email",
		"11:00 24/11/2026 @leader trả lại: thiếu số liệu quý III",
		"10:00 25/11/2026 @leader trả lại: sai mẫu biểu theo Thông tư 01",
		"11:00 30/11/2026 @leader duyệt, hoàn thành")
	if len(buttonData(d)) != 0 {
		t.Fatalf("a done task's detail offers %v", buttonData(d))
	}
}

// The review line's alternatives: the 🔍 button under the confirmation,
// and the unit's setting (/caidat duyet bat), which the units below
// follow; heads of the unit and admins change it, others may not.
func TestReviewSettingAndButton(t *testing.T) {
	o := newOrg(t)
	h := o.h
	headA, memberA := h.private(o.headA), h.private(o.memberA)
	for _, c := range []struct {
		who  tgbotapi.User
		text string
		want string
	}{
		{o.memberA, "/caidat duyet bat", "Chỉ trưởng đơn vị hoặc quản trị viên mới đổi cài đặt của Phòng A"},
		{o.headB, "/caidat duyet bat Phòng A", "Chỉ trưởng đơn vị hoặc quản trị viên"},
		{o.headA, "/caidat duyet", "Bật hay tắt?"},
		{o.headA, "/caidat duyet maybe", "Không hiểu \"maybe\""},
		{o.headA, "/caidat duyet bat Phòng Z", "Không tìm thấy đơn vị"},
		{o.headA, "/caidat Phòng Z", "Không tìm thấy đơn vị"},
	} {
		t.Run(c.text, func(t *testing.T) {
			defer h.as(t)()
			r := h.say(h.private(c.who), c.who, c.text)
			contains(t, r, c.want)
			hasExample(t, r)
		})
	}
	contains(t, h.say(memberA, o.memberA, "/caidat"), "Cài đặt của Sở KHCN › Phòng A", "Duyệt kết quả: tắt (mặc định)")
	contains(t, h.say(headA, o.headA, "/caidat duyet bat"), "Sở KHCN › Phòng A: đã bật duyệt kết quả")
	contains(t, h.say(h.private(o.leader), o.leader, "/caidat Tổ A1"), "Duyệt kết quả: bật (mọi việc giao cần duyệt) (theo cài đặt của Sở KHCN › Phòng A)")
	// Tasks assigned since, in Phòng A and the Tổ below it, need review;
	// Phòng B's do not, nor the one a head gives himself.
	r, inA1 := h.assign(headA, o.headA, "/giao @membera1 Tổng hợp ý kiến hạn 27/11")
	contains(t, r, "🔍 Cần duyệt")
	_, inB := h.assign(h.private(o.headB), o.headB, "/giao @memberb Báo cáo tuần hạn 27/11")
	_, own := h.assign(headA, o.headA, "/giao @heada Việc của tôi hạn 27/11")
	if !h.task(inA1).NeedsReview || h.task(inB).NeedsReview || h.task(own).NeedsReview || h.task(o.taskA1).NeedsReview {
		t.Fatal("the setting applied to the wrong tasks")
	}
	contains(t, h.say(h.private(o.memberA1), o.memberA1, fmt.Sprintf("/xong %d", inA1)), "Đã gửi @heada duyệt")
	contains(t, h.say(h.private(o.memberA1), o.memberA1, fmt.Sprintf("/xong %d", o.taskA1)), "Đã xong việc", "hoàn thành đúng hạn")
	contains(t, h.say(headA, o.headA, "/caidat duyet tat"), "đã tắt duyệt kết quả")
	if _, id := h.assign(headA, o.headA, "/giao @membera Việc sau khi tắt hạn 27/11"); h.task(id).NeedsReview {
		t.Fatal("the setting turned off still asks for review")
	}

	// Phòng B's task: its assigner presses 🔍 on the confirmation.
	conf := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.headB.ID && strings.Contains(s.Plain, fmt.Sprintf("Đã giao việc #%d", inB))
	})
	old := h.say(h.private(o.headB), o.headB, fmt.Sprintf("/chitiet %d", inB)) // a keyboard left behind
	rev := fmt.Sprintf("rev:%d:1", inB)
	if got := buttonData(conf); len(got) != 4 || got[3] != rev {
		t.Fatalf("confirmation buttons %v", got)
	}
	if a := h.press(h.private(o.memberB), o.memberB, lastBotMessage(h, h.private(o.memberB)), rev); !strings.Contains(a.Text, "Chỉ người giao việc") {
		t.Fatalf("the assignee's 🔍: %q", a.Text)
	}
	if a := h.press(headA, o.headA, lastBotMessage(h, headA), rev); !strings.Contains(a.Text, fmt.Sprintf("Không tìm thấy việc #%d", inB)) {
		t.Fatalf("another unit's head's 🔍: %q", a.Text)
	}
	if h.task(inB).NeedsReview {
		t.Fatal("a refused 🔍 changed the task")
	}
	a := h.press(h.private(o.headB), o.headB, conf.MessageID, rev)
	if a.Text != fmt.Sprintf("Việc #%d: cần duyệt. Khi người thực hiện báo xong, người giao duyệt rồi mới hoàn thành.", inB) || !h.task(inB).NeedsReview {
		t.Fatalf("🔍: %q", a.Text)
	}
	edit := h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.MessageID == conf.MessageID
	})
	if got := buttonsOf(edit.Markup); got != "✅ Xong ⭐ Trọng tâm ⚡ Khẩn ✖ Không duyệt" {
		t.Fatalf("keyboard after 🔍: %q", got)
	}
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.memberB.ID && strings.Contains(s.Plain, fmt.Sprintf("@headb đặt việc #%d cần duyệt", inB))
	}), "Báo cáo tuần")
	if a := h.press(h.private(o.headB), o.headB, old.MessageID, rev); !strings.Contains(a.Text, "đã cần duyệt rồi") {
		t.Fatalf("🔍 on the older keyboard: %q", a.Text)
	}
	if edit := h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.MessageID == old.MessageID
	}); buttonsOf(edit.Markup) != "✅ Xong ⭐ Trọng tâm ⚡ Khẩn ✖ Không duyệt" {
		t.Fatalf("the older keyboard after its stale 🔍: %q", buttonsOf(edit.Markup))
	}
	if got := strings.Join(h.eventKinds(inB), ","); got != "created,flagged" {
		t.Fatalf("history = %s", got)
	}
	// Submitted, it cannot be switched off until decided.
	contains(t, h.say(h.private(o.memberB), o.memberB, fmt.Sprintf("/xong %d", inB)), "Đã gửi @headb duyệt")
	if a := h.press(h.private(o.headB), o.headB, conf.MessageID, fmt.Sprintf("rev:%d:0", inB)); !strings.Contains(a.Text, "đang chờ duyệt") {
		t.Fatalf("🔍 off while submitted: %q", a.Text)
	}
	// /duyet alone lists what waits.
	w := h.say(h.private(o.headB), o.headB, "/duyet")
	contains(t, w, "Việc chờ bạn duyệt (1)", fmt.Sprintf("#%d Báo cáo tuần — @memberb", inB))
	contains(t, h.say(h.private(o.leader), o.leader, "/duyet"), "Không có việc nào chờ bạn duyệt")
	contains(t, h.say(h.private(o.headB), o.headB, fmt.Sprintf("/duyet %d tốt", inB)), fmt.Sprintf("Đã duyệt việc #%d: Báo cáo tuần — hoàn thành đúng hạn", inB))
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == o.memberB.ID && strings.Contains(s.Plain, fmt.Sprintf("@headb đã duyệt việc #%d", inB))
	}), "Hoàn thành đúng hạn", "Ý kiến: tốt")
}

// Forged and stale review buttons and commands: a clear answer, nothing
// changes, nothing of the task shown to those who may not see it.
func TestReviewForgedAndStale(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an, h.binh)
	_, id := h.assign(h.group, h.lead, "/giao @an Việc bí mật của An hạn 25/11\nduyệt")
	an, lead, binh := h.private(h.an), h.private(h.lead), h.private(h.binh)
	contains(t, h.say(lead, h.lead, fmt.Sprintf("/duyet %d", id)), "chưa được báo xong nên chưa có gì để duyệt")
	h.say(an, h.an, fmt.Sprintf("/xong %d", id))
	sub := h.submission(h.lead, id)
	rid := h.reviews(id)[0].ID
	check := func(name string) {
		t.Helper()
		task := h.task(id)
		if rs := h.reviews(id); len(rs) != 1 || rs[0].Decision != "" || !task.Submitted() || task.Status != nhacviec.StatusOpen || task.Returns != 0 {
			t.Fatalf("%s changed something: %+v %+v", name, task.ReviewState, rs)
		}
	}
	for _, c := range []struct {
		who  tgbotapi.User
		data string
		want string
	}{
		{h.binh, fmt.Sprintf("rv:%d:y", rid), "không còn dùng được"},
		{h.binh, fmt.Sprintf("rv:%d:n", rid), "không còn dùng được"},
		{h.an, fmt.Sprintf("rv:%d:y", rid), "Chỉ @lead mới duyệt hoặc trả lại"},
		{h.an, fmt.Sprintf("done:%d", id), "đang chờ @lead duyệt"},
		{h.binh, fmt.Sprintf("done:%d", id), fmt.Sprintf("Không tìm thấy việc #%d", id)},
		{h.lead, "rv:999:y", "không còn dùng được"},
		{h.lead, fmt.Sprintf("rv:%d:x", rid), "không còn dùng được"},
		{h.lead, fmt.Sprintf("rv:%d", rid), "không còn dùng được"},
		{h.lead, "rv:abc:y", "không còn dùng được"},
		{h.lead, fmt.Sprintf("rv:%d:n", rid), "cần nêu lý do"},
		{h.lead, fmt.Sprintf("rev:%d:0", id), "đang chờ duyệt"},
		{h.lead, fmt.Sprintf("rev:%d:2", id), "không còn dùng được"},
		{h.binh, fmt.Sprintf("rev:%d:0", id), fmt.Sprintf("Không tìm thấy việc #%d", id)},
	} {
		t.Run(c.who.UserName+" "+c.data, func(t *testing.T) {
			defer h.as(t)()
			a := h.press(h.private(c.who), c.who, lastBotMessage(h, h.private(c.who)), c.data)
			if !strings.Contains(a.Text, c.want) || (c.who.ID == h.binh.ID && strings.Contains(a.Text, "Việc bí mật")) {
				t.Fatalf("answer = %q, want %q", a.Text, c.want)
			}
			check(c.data)
		})
	}
	for _, c := range []struct {
		chat tgbotapi.Chat
		who  tgbotapi.User
		text string
		want string
	}{
		{an, h.an, fmt.Sprintf("/duyet %d", id), "Chỉ @lead mới duyệt hoặc trả lại việc"},
		{an, h.an, fmt.Sprintf("/tralai %d tự trả lại", id), "Chỉ @lead mới duyệt"},
		{binh, h.binh, fmt.Sprintf("/duyet %d", id), fmt.Sprintf("Không tìm thấy việc #%d", id)},
		{lead, h.lead, fmt.Sprintf("/tralai %d", id), "cần nêu lý do"},
		{lead, h.lead, "/tralai", "Cách trả lại"},
		{lead, h.lead, "/tralai abc thiếu", "Mã việc \"abc\" không hợp lệ"},
		{lead, h.lead, "/duyet abc", "Mã việc \"abc\" không hợp lệ"},
		{lead, h.lead, fmt.Sprintf("/tralai %d %s", id, strings.Repeat("lý do dài ", 120)), "dài quá: tối đa 1000 ký tự"},
		{lead, h.lead, "/duyet 999", "Không tìm thấy việc #999"},
	} {
		t.Run(c.text[:min(len(c.text), 30)], func(t *testing.T) {
			defer h.as(t)()
			r := h.say(c.chat, c.who, c.text)
			contains(t, r, c.want)
			if c.who.ID == h.binh.ID {
				lacks(t, r, "Việc bí mật")
			}
			if c.who.ID == h.lead.ID && !strings.Contains(c.text, "999") {
				hasExample(t, r)
			}
			check(c.text)
		})
	}
	// binh's answers read exactly as for a task that does not exist.
	theirs := h.say(binh, h.binh, fmt.Sprintf("/duyet %d", id)).Plain
	none := h.say(binh, h.binh, "/duyet 999").Plain
	if strings.Replace(theirs, fmt.Sprintf("#%d", id), "#999", 1) != none {
		t.Fatalf("an outsider's /duyet answered differently:\n%q\n%q", theirs, none)
	}
	// "duyệt" replied by someone who is not the reviewer.
	contains(t, h.replyTo(an, h.an, "duyệt", h.notice(h.an, id).MessageID), "Chỉ @lead mới duyệt")
	check("a reply by the assignee")
	if got := h.sentTo(h.binh.ID); strings.Contains(got, "Việc bí mật") {
		t.Fatalf("binh saw the title:\n%s", got)
	}

	// Cancelled while it waits: the submission lapses, its buttons say so.
	contains(t, h.say(h.group, h.lead, fmt.Sprintf("/huy %d", id)), "Đã hủy việc")
	for _, data := range buttonData(sub) {
		if a := h.press(lead, h.lead, sub.MessageID, data); !strings.Contains(a.Text, "đã bị hủy: không còn gì để duyệt") {
			t.Fatalf("%s after the cancel: %q", data, a.Text)
		}
	}
	if rs := h.reviews(id); len(rs) != 1 || rs[0].Decision != nhacviec.ReviewLapsed {
		t.Fatalf("after the cancel: %+v", rs[0])
	}
	if task := h.task(id); task.Status != nhacviec.StatusCancelled || task.Submitted() || !task.FinishedAt.IsZero() {
		t.Fatalf("cancelled task: %+v", task)
	}
	contains(t, h.say(lead, h.lead, fmt.Sprintf("/duyet %d", id)), "đã bị hủy rồi")
	if got := strings.Join(h.eventKinds(id), ","); got != "created,submitted,cancelled" {
		t.Fatalf("history = %s", got)
	}
}

// A task without review records its timeliness at "xong" too, and says
// it; a note given with "xong" reaches the assigner and the history.
func TestDoneRecordsTimeliness(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, early := h.assign(h.group, h.lead, "/giao @an Báo cáo sớm hạn 25/11")
	_, late := h.assign(h.group, h.lead, "/giao @an Báo cáo muộn hạn hôm nay")
	h.clock.Set(at(24, 9, 0))
	r := h.say(h.private(h.an), h.an, fmt.Sprintf("/xong %d, gửi qua hộp thư công vụ", early))
	contains(t, r, "Đã xong việc #1: Báo cáo sớm — hoàn thành đúng hạn")
	contains(t, h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.lead.ID && strings.Contains(s.Plain, "@an đã báo xong việc #1")
	}), "hoàn thành đúng hạn", "📝 gửi qua hộp thư công vụ")
	h.clock.Set(at(26, 9, 0)) // Monday's deadline, Thursday: 3 working days
	n := h.notice(h.an, late)
	contains(t, h.replyTo(h.private(h.an), h.an, "Xong: đã nộp bản giấy", n.MessageID), "hoàn thành trễ 3 ngày làm việc")
	for _, c := range []struct {
		id       int64
		finished time.Time
		late     int
	}{{early, at(24, 9, 0), 0}, {late, at(26, 9, 0), 3}} {
		if task := h.task(c.id); !about(task.FinishedAt, c.finished) || task.LateDays != c.late || task.NeedsReview {
			t.Fatalf("task %d: %+v", c.id, task.ReviewState)
		}
	}
	d := h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", late))
	contains(t, d, "⏱ Hoàn thành trễ 3 ngày làm việc (báo xong 09:00 Thứ Năm 26/11/2026)", "@an báo xong: đã nộp bản giấy")
	lacks(t, d, "Bị trả lại")
}

// The commands are listed: the help of every role, the Telegram menu.
func TestReviewInHelpAndMenu(t *testing.T) {
	o := newOrg(t)
	h := o.h
	r := h.say(h.private(o.memberA), o.memberA, "/huongdan")
	contains(t, r, "/duyet 12", "/tralai 12 LÝ_DO", "xong, đã gửi dự thảo qua email", "/approve", "/return", "🔍 Cần duyệt")
	lacks(t, r, "/caidat")
	contains(t, h.say(h.private(o.headA), o.headA, "/huongdan"), "/caidat duyet bat")
	found := map[string]bool{}
	for _, set := range h.srv.Commands() {
		for _, c := range set.Commands {
			found[c.Command] = true
		}
	}
	if !found["duyet"] || !found["tralai"] || !found["caidat"] {
		t.Fatalf("menu commands: %v", found)
	}
}

// The console demo: a task with review, returned once, then approved;
// the unit's setting; the task's detail.
func TestDemoReview(t *testing.T) {
	got := runDemo(t,
		`lead> /giao @an Dự thảo kế hoạch CCHC hạn thứ 6 tuần sau | duyệt`,
		"an>> /xong 1 đã gửi dự thảo qua email",
		"lead>> /tralai 1 thiếu số liệu quý III",
		"an>> /xong 1 đã bổ sung số liệu",
		"lead>> /duyet 1",
		"lead>> /chitiet 1",
		"lead>> /caidat duyet bat",
		"lead> /giao @binh Báo cáo tuần hạn mai",
		":thoat")
	for _, want := range []string{
		"🔍 Cần duyệt",
		"@an báo xong việc #1, chờ bạn duyệt",
		"✅ Duyệt] [", "↩️ Trả lại]",
		"Đã trả lại việc #1 cho @an (lần 1)",
		"@lead trả lại việc #1",
		"Đã duyệt việc #1",
		"@lead đã duyệt việc #1",
		"⏱ Hoàn thành đúng hạn",
		"↩️ Bị trả lại 1 lần",
		"đã bật duyệt kết quả",
		"Đã giao việc #2 cho @binh",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if i := strings.LastIndex(got, "Đã giao việc #2"); i < 0 || !strings.Contains(got[i:], "🔍 Cần duyệt") {
		t.Error("the demo's task after /caidat duyet bat does not need review")
	}
	if t.Failed() {
		t.Log(got)
	}
}
