package main

// End-to-end tests of coordinators (phối hợp): given on /giao's lines or
// in the one-line "chủ trì, … phối hợp:" form, told, reminded and chased
// by their part's own deadline, finishing their part (not the task), a
// unit's head handing the unit's part on, /chitiet and /viec, bad input
// and forged buttons, through the real client and the fake Bot API.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

func dec(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, hcm) }

// coordFixture is the harness with a second unit, Phòng Kế hoạch - Tài
// chính (unit 1): its head cuong and its member dung; em belongs nowhere.
type coordFixture struct {
	*harness
	cuong, dung, em tgbotapi.User
}

func newCoordH(t *testing.T) *coordFixture {
	t.Helper()
	h := &coordFixture{harness: newH(t)}
	h.cuong, h.dung, h.em = h.srv.User(104, "cuong", "Cường"), h.srv.User(105, "dung", "Dũng"), h.srv.User(106, "em", "Em")
	h.hello(h.lead, h.an, h.binh)
	for _, u := range []tgbotapi.User{h.cuong, h.dung, h.em} {
		h.srv.UserSays(h.private(u), u, "/start")
	}
	h.settle()
	for _, cmd := range []string{"/donvi them Phòng Kế hoạch - Tài chính", "/bonhiem @cuong truong 1", "/bonhiem @dung thanhvien 1"} {
		if r := h.say(h.private(h.lead), h.lead, cmd); !strings.Contains(r.Plain, "Đã") {
			t.Fatalf("%s: %q", cmd, r.Plain)
		}
	}
	return h
}

// parts reads a task's parts straight from the store.
func (h *harness) parts(id int64) []*nhacviec.Coordinator {
	h.t.Helper()
	var out []*nhacviec.Coordinator
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		var err error
		out, err = tx.Coordinators(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// toUser waits for a message to u containing every one of subs.
func (h *harness) toUser(u tgbotapi.User, subs ...string) telegramtest.Sent {
	h.t.Helper()
	return h.wait(func(s telegramtest.Sent) bool {
		if s.ChatID != u.ID {
			return false
		}
		for _, sub := range subs {
			if !strings.Contains(s.Plain, sub) {
				return false
			}
		}
		return true
	})
}

const coordAssign = `/giao @an Xây dựng kế hoạch CCHC năm 2027 hạn 4/12
phối hợp: @binh hạn 1/12, Phòng Kế hoạch - Tài chính
kết quả: Kế hoạch trình Giám đốc ký`

// The whole life of a task with a person and a unit coordinating: the
// confirmation, each told privately, the head handing the unit's part
// on, reminders and the overdue notice by each part's deadline, each
// finishing their part (the lead told, the task still open), /chitiet,
// /viec, and the lead's "xong" closing the task.
func TestCoordinatorsEndToEnd(t *testing.T) {
	h := newCoordH(t)
	r, id := h.assign(h.group, h.lead, coordAssign)
	want := fmt.Sprintf("📌 Đã giao việc #%d cho @an\nXây dựng kế hoạch CCHC năm 2027\nHạn: 17:00 Thứ Sáu 04/12/2026\n"+
		"🎯 Kết quả: Kế hoạch trình Giám đốc ký\n"+
		"🤝 Phối hợp:\n• @binh — hạn 17:00 Thứ Ba 01/12/2026\n"+
		"• Phòng Kế hoạch - Tài chính — hạn 17:00 Thứ Tư 02/12/2026 (mặc định: 2 ngày làm việc trước hạn chủ trì)", id)
	if r.Plain != want {
		t.Fatalf("confirmation:\n%s\nwant:\n%s", r.Plain, want)
	}
	parts := h.parts(id)
	if len(parts) != 2 || parts[0].PersonID == 0 || !parts[0].Deadline.Equal(dec(1, 17, 0)) ||
		parts[1].UnitID != 1 || !parts[1].Deadline.Equal(dec(2, 17, 0)) || parts[0].Done() || parts[1].Done() {
		t.Fatalf("stored parts: %+v %+v", parts[0], parts[1])
	}
	unitPart := parts[1]
	// The lead knows who coordinates; each coordinator is told their part.
	contains(t, h.notice(h.an, id), "🤝 Phối hợp:", "• @binh — hạn 17:00 Thứ Ba 01/12/2026", "• Phòng Kế hoạch - Tài chính")
	b := h.toUser(h.binh, fmt.Sprintf("@lead giao bạn phối hợp việc #%d", id))
	contains(t, b, "Xây dựng kế hoạch CCHC năm 2027", "Chủ trì: @an", "Hạn phần phối hợp của bạn: 17:00 Thứ Ba 01/12/2026",
		"Hạn của việc: 17:00 Thứ Sáu 04/12/2026", "🎯 Kết quả: Kế hoạch trình Giám đốc ký", "bấm ✅")
	if got := buttonData(b); len(got) != 1 || got[0] != fmt.Sprintf("done:%d", id) {
		t.Fatalf("binh's buttons: %v", got)
	}
	c := h.toUser(h.cuong, fmt.Sprintf("giao Phòng Kế hoạch - Tài chính (đơn vị bạn phụ trách) phối hợp việc #%d", id))
	contains(t, c, "Chủ trì: @an", "Hạn phần phối hợp: 17:00 Thứ Tư 02/12/2026", fmt.Sprintf("/phoihop %d @tên", id))
	if got := strings.Join(buttonData(c), " "); got != fmt.Sprintf("done:%d hand:%d", id, unitPart.ID) {
		t.Fatalf("the head's buttons: %s", got)
	}
	if got := buttonsOf(c.Markup); got != "✅ Xong 👤 Giao cho…" {
		t.Fatalf("the head's buttons read %q", got)
	}
	if got := h.eventKinds(id); strings.Join(got, " ") != "created coordinator_added coordinator_added" {
		t.Fatalf("history: %v", got)
	}

	// Coordinators read the task; dung (not yet given it) and em do not.
	contains(t, h.say(h.private(h.binh), h.binh, fmt.Sprintf("/chitiet %d", id)), "Xây dựng kế hoạch CCHC", "🤝 Phối hợp:")
	contains(t, h.say(h.private(h.cuong), h.cuong, fmt.Sprintf("/chitiet %d", id)), "Xây dựng kế hoạch CCHC")
	for _, u := range []tgbotapi.User{h.dung, h.em} {
		r := h.say(h.private(u), u, fmt.Sprintf("/chitiet %d", id))
		contains(t, r, fmt.Sprintf("Không tìm thấy việc #%d", id))
		lacks(t, r, "Xây dựng")
	}
	// /viec: the parts, marked, with their deadlines.
	r = h.say(h.private(h.binh), h.binh, "/viec")
	contains(t, r, "🤝 Phối hợp (1)", fmt.Sprintf("#%d Xây dựng kế hoạch CCHC năm 2027 — phối hợp, chủ trì @an — hạn 17:00 Thứ Ba 01/12/2026 (còn 8 ngày)", id))
	lacks(t, r, "không có việc")
	r = h.say(h.private(h.cuong), h.cuong, "/viec")
	contains(t, r, "phối hợp cho Phòng Kế hoạch - Tài chính, chủ trì @an — hạn 17:00 Thứ Tư 02/12/2026")

	// The head hands the unit's part to dung with the buttons.
	a := h.press(h.private(h.cuong), h.cuong, c.MessageID, fmt.Sprintf("hand:%d", unitPart.ID))
	list := h.toUser(h.cuong, "Giao phần phối hợp của Phòng Kế hoạch - Tài chính")
	var toDung string
	for _, d := range buttonData(list) {
		if strings.HasSuffix(d, fmt.Sprintf(":%d", h.personID(h.dung))) {
			toDung = d
		}
	}
	if toDung == "" || strings.Contains(buttonsOf(list.Markup), "@an") {
		t.Fatalf("people offered: %q (%v); answer %q", buttonsOf(list.Markup), buttonData(list), a.Text)
	}
	a = h.press(h.private(h.cuong), h.cuong, list.MessageID, toDung)
	if !strings.Contains(a.Text, fmt.Sprintf("Đã giao phần phối hợp việc #%d của Phòng Kế hoạch - Tài chính cho @dung", id)) {
		t.Fatalf("answer to the choice: %q", a.Text)
	}
	d := h.toUser(h.dung, fmt.Sprintf("@cuong giao bạn phần phối hợp của Phòng Kế hoạch - Tài chính, việc #%d", id))
	contains(t, d, "Chủ trì: @an", "Hạn phần phối hợp: 17:00 Thứ Tư 02/12/2026")
	if got := buttonData(d); len(got) != 1 || got[0] != fmt.Sprintf("done:%d", id) {
		t.Fatalf("dung's buttons: %v", got)
	}
	if p := h.parts(id)[1]; p.AssignedID != h.personID(h.dung) {
		t.Fatalf("handed part: %+v", p)
	}
	contains(t, h.say(h.private(h.dung), h.dung, fmt.Sprintf("/chitiet %d", id)), "Phòng Kế hoạch - Tài chính (@dung)")

	// Reminders by each part's deadline: binh's the day before 1/12,
	// dung's the day before 2/12 (binh's due-day one the same morning).
	h.tick(at(30, 8, 0))
	rb := h.toUser(h.binh, fmt.Sprintf("⏰ Nhắc phần phối hợp việc #%d", id))
	contains(t, rb, "— @binh", "Chủ trì: @an", "Hạn phần phối hợp: 17:00 Thứ Ba 01/12/2026 (ngày làm việc tới)")
	if h.countTo(h.dung.ID, "Nhắc phần phối hợp") != 0 || h.countTo(h.an.ID, "Nhắc") != 0 {
		t.Fatalf("reminded too early:\n%s", h.dump())
	}
	h.tick(dec(1, 8, 0))
	today := h.toUser(h.binh, fmt.Sprintf("⏰ Hôm nay đến hạn phần phối hợp việc #%d", id))
	h.toUser(h.dung, fmt.Sprintf("⏰ Nhắc phần phối hợp việc #%d", id), "Phòng Kế hoạch - Tài chính (@dung)")
	if h.countTo(h.cuong.ID, "Nhắc phần phối hợp") != 0 {
		t.Fatal("the head was reminded of a part handed on")
	}
	// binh replies "xong" to the reminder: their part only.
	h.clock.Set(dec(1, 10, 0))
	r = h.replyTo(h.private(h.binh), h.binh, "xong", today.MessageID)
	contains(t, r, fmt.Sprintf("✅ Đã xong phần phối hợp việc #%d: Xây dựng kế hoạch CCHC năm 2027", id))
	lacks(t, r, "trễ")
	h.toUser(h.an, fmt.Sprintf("🤝 @binh đã xong phần phối hợp việc #%d: Xây dựng kế hoạch CCHC năm 2027", id))
	if task := h.task(id); !task.Open() {
		t.Fatal("a coordinator's xong closed the task")
	}
	if p := h.parts(id)[0]; !p.DoneAt.Equal(dec(1, 10, 0)) && p.DoneAt.Sub(dec(1, 10, 0)) > time.Minute || p.LateDays != 0 || p.DoneBy != h.personID(h.binh) {
		t.Fatalf("binh's part: %+v", p)
	}
	contains(t, h.say(h.private(h.binh), h.binh, fmt.Sprintf("/xong %d", id)), "đã báo xong lúc")
	contains(t, h.say(h.private(h.binh), h.binh, "/xong"), "Bạn muốn báo xong việc nào?") // nothing left to deliver

	// dung misses 2/12 17:00: overdue to dung and to the lead, not to binh.
	h.tick(dec(2, 17, 0))
	h.toUser(h.dung, fmt.Sprintf("⚠️ Phần phối hợp việc #%d đã quá hạn", id), "Phòng Kế hoạch - Tài chính (@dung)")
	h.toUser(h.an, fmt.Sprintf("⚠️ Phần phối hợp việc #%d đã quá hạn", id))
	if h.countTo(h.binh.ID, "đã quá hạn")+h.countTo(h.binh.ID, "vẫn chưa xong") != 0 {
		t.Fatalf("binh was chased after delivering:\n%s", h.sentTo(h.binh.ID))
	}
	h.tick(dec(3, 8, 0))
	nudge := h.toUser(h.dung, fmt.Sprintf("⚠️ Phần phối hợp việc #%d vẫn chưa xong", id))
	contains(t, nudge, "quá hạn")
	// dung presses ✅ on the nudge: late by 1 working day.
	h.clock.Set(dec(3, 9, 0))
	a = h.press(h.private(h.dung), h.dung, nudge.MessageID, fmt.Sprintf("done:%d", id))
	if !strings.Contains(a.Text, fmt.Sprintf("Đã xong phần phối hợp việc #%d", id)) || !strings.Contains(a.Text, "trễ 1 ngày làm việc") {
		t.Fatalf("answer to dung's ✅: %q", a.Text)
	}
	h.toUser(h.an, fmt.Sprintf("🤝 @dung (Phòng Kế hoạch - Tài chính) đã xong phần phối hợp việc #%d", id), "(trễ 1 ngày làm việc)")
	if p := h.parts(id)[1]; p.LateDays != 1 || p.DoneBy != h.personID(h.dung) {
		t.Fatalf("dung's part: %+v", p)
	}
	h.tick(dec(4, 8, 0))
	if n := h.countTo(h.dung.ID, "vẫn chưa xong"); n != 1 {
		t.Fatalf("dung was nudged %d times, want once (before delivering)", n)
	}

	// The lead sees who delivered, and when.
	det := h.say(h.private(h.an), h.an, fmt.Sprintf("/chitiet %d", id))
	contains(t, det, "🤝 Phối hợp:",
		"• @binh — hạn 17:00 Thứ Ba 01/12/2026: ✅ xong 10:00 01/12/2026 (đúng hạn)",
		"• Phòng Kế hoạch - Tài chính (@dung) — hạn 17:00 Thứ Tư 02/12/2026: ✅ xong 09:00 03/12/2026 (trễ 1 ngày làm việc)",
		"@lead giao phối hợp: @binh, hạn 17:00 Thứ Ba 01/12/2026",
		"@cuong giao lại phần phối hợp: phần của Phòng Kế hoạch - Tài chính giao cho @dung",
		"@binh xong phần phối hợp: @binh, đúng hạn",
		"@dung xong phần phối hợp: Phòng Kế hoạch - Tài chính (@dung), trễ 1 ngày làm việc")
	// The lead's xong closes the task.
	contains(t, h.say(h.private(h.an), h.an, fmt.Sprintf("/xong %d", id)), fmt.Sprintf("Đã xong việc #%d", id))
	if h.task(id).Open() {
		t.Fatal("the lead's xong did not close the task")
	}
	contains(t, h.say(h.private(h.dung), h.dung, fmt.Sprintf("/xong %d", id)), fmt.Sprintf("Việc #%d đã xong rồi", id))
}

// personID is the stored id of a Telegram user.
func (h *harness) personID(u tgbotapi.User) int64 {
	h.t.Helper()
	var id int64
	err := h.db.View(context.Background(), func(tx nhacviec.Tx) error {
		p, err := tx.PersonByUsername("telegram", u.UserName)
		if err == nil {
			id = p.ID
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// The one-line form of the directives, "@an chủ trì, @binh phối hợp:
// …": an leads, binh coordinates, the title is what follows; the default
// deadline is 2 working days before the lead's, or less when that is
// gone by; a title that merely begins with "Chủ trì" stays a title.
func TestCoordinatorsOneLineAndDefaultDeadline(t *testing.T) {
	h := newCoordH(t)
	r, id := h.assign(h.group, h.lead, "/giao @an chủ trì, @binh phối hợp: Xây dựng kế hoạch CCHC năm 2027 hạn 18/12")
	contains(t, r, fmt.Sprintf("Đã giao việc #%d cho @an\nXây dựng kế hoạch CCHC năm 2027\nHạn: 17:00 Thứ Sáu 18/12/2026", id),
		"• @binh — hạn 17:00 Thứ Tư 16/12/2026 (mặc định: 2 ngày làm việc trước hạn chủ trì)")
	if task := h.task(id); task.Title != "Xây dựng kế hoạch CCHC năm 2027" || task.AssigneeID != h.personID(h.an) {
		t.Fatalf("task = %+v", task)
	}
	if p := h.parts(id); len(p) != 1 || p[0].PersonID != h.personID(h.binh) || !p[0].Deadline.Equal(dec(16, 17, 0)) {
		t.Fatalf("parts = %+v", p)
	}
	h.toUser(h.binh, fmt.Sprintf("giao bạn phối hợp việc #%d", id), "Hạn phần phối hợp của bạn: 17:00 Thứ Tư 16/12/2026")

	// Several, with a unit and a deadline of its own, without diacritics.
	r, id = h.assign(h.group, h.lead, "/giao @an chu tri, @binh, Phong Ke hoach - Tai chinh han 15/12 phoi hop: Bao cao han 18/12")
	contains(t, r, "Bao cao\n", "• @binh — hạn 17:00 Thứ Tư 16/12/2026 (mặc định", "• Phòng Kế hoạch - Tài chính — hạn 17:00 Thứ Ba 15/12/2026")
	if p := h.parts(id); len(p) != 2 || p[1].UnitID != 1 {
		t.Fatalf("parts = %+v", p)
	}

	// Due tomorrow: 2 working days before is gone by, 1 is today 17:00;
	// due at 10:00 today, the part is due with the lead.
	r, _ = h.assign(h.group, h.lead, "/giao @an Báo cáo gấp hạn mai\nphối hợp: @binh")
	contains(t, r, "• @binh — hạn 17:00 Thứ Hai 23/11/2026 (mặc định: 1 ngày làm việc trước hạn chủ trì)")
	r, _ = h.assign(h.group, h.lead, "/giao @an Báo cáo rất gấp hạn 16h hôm nay\nphối hợp: @binh")
	contains(t, r, "• @binh — hạn 16:00 Thứ Hai 23/11/2026 (mặc định: hạn chủ trì quá gần, cùng hạn chủ trì)")

	// Titles that begin with the words are titles.
	for _, title := range []string{"Chủ trì hội nghị tổng kết", "Chủ trì, phối hợp tổ chức hội nghị"} {
		r, id = h.assign(h.group, h.lead, "/giao @an "+title+" hạn 18/12")
		lacks(t, r, "Phối hợp:")
		if got := h.task(id).Title; got != title || len(h.parts(id)) != 0 {
			t.Fatalf("title %q, %d parts", got, len(h.parts(id)))
		}
	}
	// A draft (an ambiguous deadline) keeps its coordinators.
	ask := h.say(h.group, h.lead, "/giao @an Đề án hạn 20\nphối hợp: @binh hạn 15/12")
	contains(t, ask, "có thể hiểu theo nhiều cách")
	data := buttonData(ask)
	h.press(h.group, h.lead, ask.MessageID, data[len(data)-1])
	made := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.group.ID && strings.Contains(s.Plain, "Đề án") && strings.Contains(s.Plain, "Đã giao")
	})
	contains(t, made, "🤝 Phối hợp:", "• @binh — hạn 17:00 Thứ Ba 15/12/2026")
}

// Bad input gets a Vietnamese answer with an example, and nothing is
// created: unknown person or unit, a part due after the lead, the lead
// as a coordinator, someone twice, too many, a unit nobody heads, a
// deadline not understood or gone by, coordinators said twice, and a
// recurring task.
func TestCoordinatorsBadInput(t *testing.T) {
	h := newCoordH(t)
	h.say(h.private(h.lead), h.lead, "/donvi them Tổ Văn thư")
	many := "@binh"
	for i := range 10 {
		many += fmt.Sprintf(", @x%d", i)
	}
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"unknown person", "/giao @an Báo cáo hạn 4/12\nphối hợp: @nobody", []string{`Tôi chưa biết người hay đơn vị "@nobody"`, "/start"}},
		{"unknown unit", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh, Phòng Không Có", []string{`"Phòng Không Có"`, "tên như trong /donvi"}},
		{"after the lead", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh hạn 10/12",
			[]string{"Hạn phối hợp của @binh (17:00 Thứ Năm 10/12/2026) sau hạn của người chủ trì (17:00 Thứ Sáu 04/12/2026)"}},
		{"after the lead, one line", "/giao @an chủ trì, @binh hạn 10/12 phối hợp: Báo cáo hạn 4/12", []string{"sau hạn của người chủ trì"}},
		{"the lead", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh, @an", []string{"@an đã là người chủ trì"}},
		{"twice", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh, Phòng Kế hoạch - Tài chính, @BINH", []string{`"@binh" được ghi phối hợp hai lần`}},
		{"unit twice", "/giao @an Báo cáo hạn 4/12\nphối hợp: Phòng Kế hoạch - Tài chính, phong ke hoach - tai chinh", []string{"hai lần"}},
		{"too many", "/giao @an Báo cáo hạn 4/12\nphối hợp: " + many, []string{"tối đa 10 (bạn ghi 11)"}},
		{"no head", "/giao @an Báo cáo hạn 4/12\nphối hợp: Tổ Văn thư", []string{"Tổ Văn thư chưa có trưởng đơn vị"}},
		{"bad deadline", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh hạn abc", []string{"Hạn phối hợp của @binh:"}},
		{"deadline gone by", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh hạn hôm qua", []string{"Hạn phối hợp của @binh:", "đã qua"}},
		{"deadline without a date", "/giao @an Báo cáo hạn 4/12\nphối hợp: @binh hạn", []string{`sau chữ "hạn" hãy ghi thời hạn`}},
		{"empty", "/giao @an Báo cáo hạn 4/12\nphối hợp:", []string{`Dòng "phối hợp:" còn trống`}},
		{"line and first line", "/giao @an chủ trì, @binh phối hợp: Báo cáo hạn 4/12\nphối hợp: @cuong", []string{"Người phối hợp ghi hai lần"}},
		{"recurring", "/giao @an Báo cáo tháng hạn trước ngày 20 hàng tháng\nphối hợp: @binh", []string{"Việc lặp lại", "chưa ghi được người phối hợp"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer h.as(t)()
			before := h.count()
			r := h.say(h.group, h.lead, c.text)
			contains(t, r, c.want...)
			lacks(t, r, "Đã giao")
			hasExample(t, r)
			if h.count() != before {
				t.Fatal("a task was created")
			}
		})
	}
	h.settle()
	if got := h.sentTo(h.binh.ID); strings.Contains(got, "phối hợp việc") {
		t.Fatalf("binh was told of a refused assignment:\n%s", got)
	}
}

// A unit's head hands the part on by command too; who may not, and
// forged or stale buttons, change nothing and get a clear answer.
func TestHandingAPartOn(t *testing.T) {
	h := newCoordH(t)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo tài chính hạn 4/12\nphối hợp: Phòng Kế hoạch - Tài chính")
	part := h.parts(id)[0]
	head := h.private(h.cuong)
	c := h.toUser(h.cuong, fmt.Sprintf("phối hợp việc #%d", id))
	hand := fmt.Sprintf("hand:%d", part.ID)

	// Bad commands.
	for _, cc := range []struct {
		who       tgbotapi.User
		text      string
		want      string
		noExample bool
	}{
		{h.cuong, "/phoihop", "Cách giao phần phối hợp", false},
		{h.cuong, "/phoihop abc", `Mã việc "abc" không hợp lệ`, false},
		{h.cuong, fmt.Sprintf("/phoihop %d @nobody", id), "Tôi chưa biết @nobody", false},
		{h.cuong, fmt.Sprintf("/phoihop %d @binh", id), "@binh không thuộc Phòng Kế hoạch - Tài chính", false},
		{h.cuong, fmt.Sprintf("/phoihop %d @an", id), fmt.Sprintf("@an là người chủ trì việc #%d", id), false},
		{h.dung, fmt.Sprintf("/phoihop %d @dung", id), fmt.Sprintf("Không tìm thấy việc #%d", id), false},
		{h.em, fmt.Sprintf("/phoihop %d @dung", id), fmt.Sprintf("Không tìm thấy việc #%d", id), false},
	} {
		r := h.say(h.private(cc.who), cc.who, cc.text)
		contains(t, r, cc.want)
		hasExample(t, r)
	}
	// Forged and foreign presses.
	for _, p := range []struct {
		who  tgbotapi.User
		data string
		want string
	}{
		{h.em, hand, "Nút này không còn dùng được"},
		{h.cuong, "hand:999", "Nút này không còn dùng được"},
		{h.cuong, fmt.Sprintf("hand:%d:999", part.ID), "Nút này không còn dùng được"},
		{h.cuong, fmt.Sprintf("hand:%d:abc", part.ID), "Nút này không còn dùng được"},
		{h.cuong, fmt.Sprintf("hand:%d:%d", part.ID, h.personID(h.binh)), "không thuộc"},
		{h.an, hand, "Chỉ trưởng đơn vị"},
		{h.lead, hand, "Chỉ trưởng đơn vị"},
	} {
		a := h.press(h.private(p.who), p.who, c.MessageID, p.data)
		if !strings.Contains(a.Text, p.want) {
			t.Fatalf("%s pressed %s: %q, want %q", p.who.UserName, p.data, a.Text, p.want)
		}
	}
	if h.parts(id)[0].AssignedID != 0 {
		t.Fatal("a refused press handed the part")
	}
	// By command, to dung; again: said so, nothing changes.
	contains(t, h.say(head, h.cuong, fmt.Sprintf("/phoihop %d @dung", id)), "Đã giao phần phối hợp", "cho @dung")
	h.toUser(h.dung, fmt.Sprintf("giao bạn phần phối hợp của Phòng Kế hoạch - Tài chính, việc #%d", id))
	contains(t, h.say(head, h.cuong, fmt.Sprintf("/phoihop %d @dung", id)), "đã giao cho @dung rồi")
	if n := len(h.events(id)); n != 3 {
		t.Fatalf("%d events, want created, added, handed", n)
	}
	// /phoihop 12 alone offers the people; the head may take it back.
	list := h.say(head, h.cuong, fmt.Sprintf("/phoihop %d", id))
	contains(t, list, "cho ai?")
	if buttonsOf(list.Markup) == "" {
		t.Fatal("no people offered")
	}
	// The head answers for the unit's part whoever holds it: their ✅.
	a := h.press(head, h.cuong, c.MessageID, fmt.Sprintf("done:%d", id))
	if !strings.Contains(a.Text, "Đã xong phần phối hợp") {
		t.Fatalf("the head's ✅: %q", a.Text)
	}
	h.toUser(h.an, "🤝 @cuong (Phòng Kế hoạch - Tài chính) đã xong phần phối hợp")
	// Stale: done parts are handed no more; ✅ again says so.
	a = h.press(head, h.cuong, list.MessageID, buttonData(list)[0])
	if !strings.Contains(a.Text, "đã báo xong lúc") {
		t.Fatalf("handing a delivered part: %q", a.Text)
	}
	a = h.press(head, h.cuong, c.MessageID, fmt.Sprintf("done:%d", id))
	if !strings.Contains(a.Text, "đã báo xong lúc") || h.task(id).Status != nhacviec.StatusOpen {
		t.Fatalf("✅ again: %q", a.Text)
	}
	if n := len(h.events(id)); n != 4 {
		t.Fatalf("%d events after stale presses, want 4", n)
	}
}

// A coordinator's reminders are chasing notices: with their own tasks'
// they go out as one merged message, a ✅ each; "xong" replied to it asks
// which, and finishes the part chosen.
func TestPartRemindersMerge(t *testing.T) {
	h := newCoordH(t)
	_, own := h.assign(h.group, h.lead, "/giao @binh Việc của Bình hạn 25/11")
	_, other := h.assign(h.group, h.lead, "/giao @an Việc của An hạn 27/11\nphối hợp: @binh hạn 25/11")
	h.settle()
	h.tick(at(24, 8, 0))
	m := h.toUser(h.binh, "2 việc sắp đến hạn")
	contains(t, m, fmt.Sprintf("Nhắc việc #%d", own), fmt.Sprintf("Nhắc phần phối hợp việc #%d", other))
	if got := strings.Join(buttonData(m), " "); got != fmt.Sprintf("done:%d done:%d", own, other) {
		t.Fatalf("merged buttons: %s", got)
	}
	r := h.replyTo(h.private(h.binh), h.binh, "xong", m.MessageID)
	contains(t, r, "Tin này nói về 2 việc của bạn")
	a := h.press(h.private(h.binh), h.binh, r.MessageID, fmt.Sprintf("done:%d", other))
	if !strings.Contains(a.Text, fmt.Sprintf("Đã xong phần phối hợp việc #%d", other)) {
		t.Fatalf("answer: %q", a.Text)
	}
	if !h.task(own).Open() || !h.task(other).Open() || !h.parts(other)[0].Done() {
		t.Fatal("the wrong thing was finished")
	}
}

// Coordinators are in the help: the line, the one-line form, and
// /phoihop for heads.
func TestCoordinatorsInHelp(t *testing.T) {
	h := newCoordH(t)
	contains(t, h.say(h.private(h.an), h.an, "/huongdan"), "phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính",
		"/giao @an chủ trì, @binh phối hợp:", "Người phối hợp: /xong 12")
	contains(t, h.say(h.private(h.cuong), h.cuong, "/huongdan"), "/phoihop 12 @binh")
}

// The demo shows coordinators: a person and a unit on a phối hợp line,
// the unit's head told with its two buttons, handing on and finishing
// the part from there, /chitiet, and the one-line form.
func TestDemoCoordinators(t *testing.T) {
	assign := "lead> /giao @an Dự thảo quy chế hạn 5 ngày làm việc | phối hợp: @binh hạn 2 ngày làm việc, Phòng Kế hoạch - Tài chính"
	got := runDemo(t, assign, ":thoat")
	m := regexp.MustCompile(`\[(\d+)\] bot → riêng cuong:\n\s+🤝 @lead giao Phòng Kế hoạch - Tài chính \(đơn vị bạn phụ trách\) phối hợp việc #1`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("the unit's head was not told:\n%s", got)
	}
	for _, want := range []string{"🤝 Phối hợp:", "• @binh — hạn", "• Phòng Kế hoạch - Tài chính — hạn",
		"(mặc định: 2 ngày làm việc trước hạn chủ trì)", "👤 Giao cho…", "@binh chưa mở chat riêng"} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	got = runDemo(t, assign, "cuong>> ["+m[1]+".2]", "cuong>> ["+m[1]+".1]", "an>> /chitiet 1", "cuong>> /viec",
		"lead> /giao @an chủ trì, @binh phối hợp: Báo cáo sơ kết hạn 10 ngày làm việc", "cuong>> /phoihop", ":thoat")
	for _, want := range []string{
		"Giao phần phối hợp của Phòng Kế hoạch - Tài chính, việc #1, cho ai?", "[@cuong]", // its only member
		"✅ Đã xong phần phối hợp việc #1: Dự thảo quy chế",
		"🤝 @cuong (Phòng Kế hoạch - Tài chính) đã xong phần phối hợp việc #1",
		"• Phòng Kế hoạch - Tài chính — hạn", "(đúng hạn)", "@cuong xong phần phối hợp",
		"Đã giao việc #2 cho @an\n    Báo cáo sơ kết",
		"Cách giao phần phối hợp của đơn vị",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// A coordinator pressing ✅ under the group's confirmation finishes their
// part and leaves the keyboard: the ✅ is the lead's too, and the task is
// open. Pressed in their private chat, their own notice loses its ✅.
func TestPartDoneInGroupKeepsTheLeadsButton(t *testing.T) {
	h := newCoordH(t)
	c, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 4/12\nphối hợp: @binh, @cuong")
	a := h.press(h.group, h.binh, c.MessageID, fmt.Sprintf("done:%d", id))
	if !strings.Contains(a.Text, fmt.Sprintf("Đã xong phần phối hợp việc #%d", id)) {
		t.Fatalf("binh's ✅ in the group: %q", a.Text)
	}
	n := h.toUser(h.cuong, fmt.Sprintf("giao bạn phối hợp việc #%d", id))
	a = h.press(h.private(h.cuong), h.cuong, n.MessageID, fmt.Sprintf("done:%d", id))
	if !strings.Contains(a.Text, "Đã xong phần phối hợp") {
		t.Fatalf("cuong's ✅: %q", a.Text)
	}
	h.wait(func(s telegramtest.Sent) bool {
		return s.Method == "editMessageReplyMarkup" && s.ChatID == h.cuong.ID && s.MessageID == n.MessageID && s.Markup == nil
	})
	for _, s := range h.srv.Sent() {
		if s.Method == "editMessageReplyMarkup" && s.ChatID == h.group.ID {
			t.Fatalf("the group's confirmation lost its keyboard: %+v", s)
		}
	}
	// The lead still finishes the task from it.
	a = h.press(h.group, h.an, c.MessageID, fmt.Sprintf("done:%d", id))
	if !strings.Contains(a.Text, fmt.Sprintf("Đã xong việc #%d", id)) || h.task(id).Open() {
		t.Fatalf("the lead's ✅: %q", a.Text)
	}
}

// /xong without an id, from a coordinator who leads no open task: their
// one part; with two parts, which one is asked.
func TestDoneWithoutIDFinishesTheOnlyPart(t *testing.T) {
	h := newCoordH(t)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 4/12\nphối hợp: @binh")
	contains(t, h.say(h.private(h.binh), h.binh, "/xong"), fmt.Sprintf("Đã xong phần phối hợp việc #%d", id))
	if !h.parts(id)[0].Done() || !h.task(id).Open() {
		t.Fatal("/xong did not finish binh's part alone")
	}
	h.assign(h.group, h.lead, "/giao @an Báo cáo năm hạn 4/12\nphối hợp: @cuong")
	h.assign(h.group, h.lead, "/giao @an Báo cáo tháng hạn 4/12\nphối hợp: @cuong")
	r := h.say(h.private(h.cuong), h.cuong, "/xong")
	contains(t, r, "Bạn muốn báo xong việc nào?")
	hasExample(t, r)
}

// A coordinator reports progress on their part as the lead does: by
// /tiendo, or by free text replied to their notice; it reaches the
// assigner once and is in /chitiet. Someone with no part is refused.
func TestCoordinatorReportsProgress(t *testing.T) {
	h := newCoordH(t)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 4/12\nphối hợp: @binh")
	notice := h.wait(func(s telegramtest.Sent) bool {
		return s.ChatID == h.binh.ID && strings.Contains(s.Plain, fmt.Sprintf("phối hợp việc #%d", id))
	})
	contains(t, h.say(h.private(h.binh), h.binh, fmt.Sprintf("/tiendo %d 40%% đã gửi số liệu phần 1", id)), fmt.Sprintf("Đã ghi tiến độ việc #%d: 40%%", id))
	r := h.reply(h.private(h.binh), h.binh, "đang tổng hợp số liệu quý III", notice.MessageID)
	contains(t, r, fmt.Sprintf("Đã ghi tiến độ việc #%d", id))
	h.settle()
	told := 0
	for _, s := range h.srv.SentTo(h.lead.ID) {
		told += strings.Count(s.Plain, fmt.Sprintf("Tiến độ việc #%d", id))
	}
	if told != 2 {
		t.Errorf("the assigner was told of binh's 2 notes %d times\n%s", told, h.dump())
	}
	contains(t, h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id)), "@binh báo tiến độ: 40% — đã gửi số liệu phần 1",
		"@binh báo tiến độ: đang tổng hợp số liệu quý III")
	r = h.say(h.private(h.dung), h.dung, fmt.Sprintf("/tiendo %d 50%% xong", id))
	if strings.Contains(r.Plain, "Đã ghi tiến độ") {
		t.Fatalf("someone with no part reported progress: %q", r.Plain)
	}
}

// Cancelling a task tells those whose part was still to deliver, and not
// those who had delivered theirs.
func TestCancelTellsTheCoordinators(t *testing.T) {
	h := newCoordH(t)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo cáo quý hạn 4/12\nphối hợp: @binh, @dung, Phòng Kế hoạch - Tài chính")
	contains(t, h.say(h.private(h.dung), h.dung, fmt.Sprintf("/xong %d", id)), "Đã xong phần phối hợp")
	contains(t, h.say(h.private(h.lead), h.lead, fmt.Sprintf("/huy %d", id)), fmt.Sprintf("Đã hủy việc #%d", id))
	h.settle()
	count := func(u tgbotapi.User) int {
		n := 0
		for _, s := range h.srv.SentTo(u.ID) {
			if strings.Contains(s.Plain, fmt.Sprintf("đã hủy việc #%d", id)) && strings.Contains(s.Plain, "Phần phối hợp của bạn không cần làm nữa") {
				n++
			}
		}
		return n
	}
	if count(h.binh) != 1 || count(h.cuong) != 1 || count(h.dung) != 0 {
		t.Errorf("told of the cancellation: binh %d, cuong (the unit's head) %d, dung (delivered) %d; want 1, 1, 0\n%s",
			count(h.binh), count(h.cuong), count(h.dung), h.dump())
	}
}
