package bot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// The guided /giao: "/giao" alone in a private chat walks through the
// fields with buttons, for those who do not type the one-line form:
//
//	person   → a button per person the caller may assign to (paged), or
//	           @username, or a name, typed
//	title    → typed (a "hạn …" at its end, or lines after it, are read
//	           as /giao reads them)
//	deadline → a button per usual deadline (today, tomorrow, this Friday,
//	           …), or a phrase typed
//	more     → ⭐, ⚡, 📄, 🎯 (📄 and 🎯 ask for their value: step value),
//	           or field lines typed; then "✅ Xong, giao việc"
//
// and ✖ Hủy at every step. Each step is a draft of kind draftGuide that
// waits for the caller's next message (wait.go); a new step is a new
// draft, so that the buttons of an earlier step are stale. The task is
// made by createTask from an assignment, as /giao makes it, after the
// same checks of each part.

// guide is the guided /giao between two steps.
type guide struct {
	waitToken
	Step string `json:"step"`
	// A is the task so far; at step person, A.People are the people
	// offered; at step deadline, A.Candidates (and A.Moved) the deadlines
	// offered, Options their labels.
	A       assignment `json:"a"`
	Options []string   `json:"options,omitempty"`
	Page    int        `json:"page,omitempty"`
	Field   int        `json:"field,omitempty"` // step value: the lineKind typed
	At      int64      `json:"at,omitempty"`    // the deadline chosen, Unix seconds
	Moved   string     `json:"moved,omitempty"` // movedNote of At
}

// The steps of the guided /giao.
const (
	stepPerson   = "person"
	stepTitle    = "title"
	stepDeadline = "deadline"
	stepMore     = "more"
	stepValue    = "value"
)

// guidePage is how many people a page of step person offers (two a
// row); maxGuidePeople bounds them all: the others are typed.
const (
	guidePage      = 8
	maxGuidePeople = 200
)

// quickDeadlines are the deadlines step deadline offers as buttons: a
// label and the phrase the calendar reads for it.
var quickDeadlines = [][2]string{
	{"Hôm nay", "hôm nay"},
	{"Ngày mai", "mai"},
	{"Thứ Sáu tuần này", "thứ 6 này"},
	{"Thứ Sáu tuần sau", "thứ 6 tuần sau"},
	{"Cuối tháng", "cuối tháng"},
}

// startGuide begins the guided /giao: who is it for?
func (c *conv) startGuide() error {
	people, err := c.assignablePeople()
	if err != nil {
		return err
	}
	g := guide{Step: stepPerson}
	g.A.People = people
	return c.showGuide(g, "")
}

// assignablePeople lists the people the caller may give work to from a
// private chat: anyone's for leaders and admins, the people of the units
// they head for heads; themself last.
func (c *conv) assignablePeople() ([]int64, error) {
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	units := st.headScope()
	if st.leads() {
		units = units[:0]
		for id := range st.tree.units {
			units = append(units, id)
		}
		slices.Sort(units)
	}
	seen := map[int64]bool{c.me.ID: true}
	var ids []int64
	for _, u := range units {
		roles, err := c.tx.UnitRoles(u)
		if err != nil {
			return nil, err
		}
		for _, m := range roles {
			if !seen[m.PersonID] && len(ids) < maxGuidePeople-1 {
				seen[m.PersonID] = true
				ids = append(ids, m.PersonID)
			}
		}
	}
	return append(ids, c.me.ID), nil
}

// showGuide stores g as the step waiting and says it; note comes first
// (why the step is asked again). A step reached by a button takes the
// buttons off the message pressed.
func (c *conv) showGuide(g guide, note string) error {
	if g.Step == stepDeadline && len(g.A.Candidates) == 0 {
		c.quickDeadlines(&g)
	}
	d, err := c.wait(draftGuide, &g)
	if err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	text, rows, err := c.guideStep(d, g)
	if err != nil {
		return err
	}
	if note != "" {
		text = note + "\n\n" + text
	}
	return c.reply(&nhacviec.Message{Text: text, Buttons: rows})
}

// guideStep is what step g.Step says, and its buttons (those of draft d).
func (c *conv) guideStep(d *nhacviec.Draft, g guide) (string, [][]nhacviec.Button, error) {
	button := func(text, choice string) nhacviec.Button { return waitButtonOf(d, g.Token, text, choice) }
	cancel := []nhacviec.Button{button("✖ Hủy", choiceCancel)}
	who := ""
	if g.A.AssigneeID != 0 {
		p, err := c.person(g.A.AssigneeID)
		if err != nil {
			return "", nil, err
		}
		who = c.personName(p)
	}
	switch g.Step {
	case stepPerson:
		rows, err := c.peopleRows(g, button)
		return textGuidePerson, append(rows, cancel), err
	case stepTitle:
		return fmt.Sprintf(textGuideTitle, esc(who)), [][]nhacviec.Button{cancel}, nil
	case stepDeadline:
		var rows [][]nhacviec.Button
		for i, label := range g.Options {
			rows = append(rows, []nhacviec.Button{button(label, "d"+strconv.Itoa(i))})
		}
		return fmt.Sprintf(textGuideDeadline, esc(who), esc(g.A.Title)), append(rows, cancel), nil
	case stepValue:
		kind := lineKind(g.Field)
		return fieldPrompt(kind), [][]nhacviec.Button{{button("◀ Quay lại", "back"), button("✖ Hủy", choiceCancel)}}, nil
	}
	// stepMore: the task as it will be made, and what may be added.
	t := &nhacviec.Task{Title: g.A.Title, Result: g.A.Result, Source: g.A.Source, KeyTask: g.A.KeyTask, Urgent: g.A.Urgent}
	due := c.deadlineAt(time.Unix(g.At, 0)) + c.movedText(g.Moved)
	if g.A.Recur != "" {
		due += fmt.Sprintf(textRecurs, esc(g.A.Recur))
	}
	text := fmt.Sprintf(textGuideMore, esc(who), marks(t), esc(t.Title), due) + fieldLines(t) + "\n\n" + textGuideMoreHint
	key, urgent := markButton(0, actionKey, t.KeyTask), markButton(0, actionUrgent, t.Urgent)
	rows := [][]nhacviec.Button{
		{button(key.Text, "key"), button(urgent.Text, "urg")},
		{button(fieldButtonLabel(lineSource), "src"), button(fieldButtonLabel(lineResult), "res")},
		{button("✅ Xong, giao việc", "ok")},
		cancel,
	}
	return text, rows, nil
}

// personName is how a button names a person: their name, which people
// know better than a username.
func (c *conv) personName(p *nhacviec.Person) string {
	if p.ID == c.me.ID {
		return "bản thân bạn"
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Mention()
}

// peopleRows are the buttons of step person's page g.Page: two people a
// row, then the way to the other pages.
func (c *conv) peopleRows(g guide, button func(text, choice string) nhacviec.Button) ([][]nhacviec.Button, error) {
	n := len(g.A.People)
	pages := (n + guidePage - 1) / guidePage
	page := min(max(g.Page, 0), max(pages-1, 0))
	var rows [][]nhacviec.Button
	from, to := page*guidePage, min(n, (page+1)*guidePage)
	named := map[string]int{} // namesakes are told apart by username
	for _, id := range g.A.People {
		p, err := c.person(id)
		if err != nil {
			return nil, err
		}
		named[c.personName(p)]++
	}
	for i := from; i < to; i++ {
		p, err := c.person(g.A.People[i])
		if err != nil {
			return nil, err
		}
		label := c.personName(p)
		if named[label] > 1 && p.Username != "" {
			label += " (@" + p.Username + ")"
		}
		if p.ID == c.me.ID {
			label = "🙋 Tự giao cho mình"
		}
		b := button(label, "p"+strconv.Itoa(i))
		if (i-from)%2 == 0 {
			rows = append(rows, []nhacviec.Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	if pages > 1 {
		var nav []nhacviec.Button
		if page > 0 {
			nav = append(nav, button("◀ Trước", "n"+strconv.Itoa(page-1)))
		}
		if page < pages-1 {
			nav = append(nav, button(fmt.Sprintf("Sau ▶ (%d/%d)", page+2, pages), "n"+strconv.Itoa(page+1)))
		}
		rows = append(rows, nav)
	}
	return rows, nil
}

// quickDeadlines offers the usual deadlines that are still ahead, each
// once.
func (c *conv) quickDeadlines(g *guide) {
	g.A.Candidates, g.A.Moved, g.Options = nil, nil, nil
	moved := false
	for _, q := range quickDeadlines {
		dl, err := c.Calendar.Parse(q[1], c.now)
		if err != nil || len(dl.Candidates) > 0 || slices.Contains(g.A.Candidates, dl.At.Unix()) {
			continue
		}
		at := dl.At.In(c.Calendar.Location())
		g.A.Candidates = append(g.A.Candidates, dl.At.Unix())
		g.A.Moved = append(g.A.Moved, movedNote(dl))
		g.Options = append(g.Options, fmt.Sprintf("%s — %s %s", q[0], calendar.WeekdayName(at.Weekday()), at.Format("02/01")))
		moved = moved || dl.Moved != nil
	}
	if !moved {
		g.A.Moved = nil
	}
}

// guideButton handles a press of a button of the guided /giao's step d.
func (c *conv) guideButton(d *nhacviec.Draft, choice string) error {
	var g guide
	if err := json.Unmarshal([]byte(d.Payload), &g); err != nil {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	stale := nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	i, numbered := -1, false
	if len(choice) > 1 {
		n, err := strconv.Atoi(choice[1:])
		i, numbered = n, err == nil && n >= 0
	}
	switch {
	case g.Step == stepPerson && numbered && choice[0] == 'p':
		if i >= len(g.A.People) {
			return stale
		}
		p, err := c.person(g.A.People[i])
		if err != nil {
			return err
		}
		return c.guidePerson(g, p)
	case g.Step == stepPerson && numbered && choice[0] == 'n':
		return c.guidePage(g, i)
	case g.Step == stepDeadline && numbered && choice[0] == 'd':
		if i >= len(g.A.Candidates) {
			return stale
		}
		at := time.Unix(g.A.Candidates[i], 0)
		if !at.After(c.now) {
			return c.showGuide(g, textGuidePast) // offered afresh
		}
		g.At, g.Moved = g.A.Candidates[i], ""
		if i < len(g.A.Moved) {
			g.Moved = g.A.Moved[i]
		}
		g.Step, g.A.Candidates, g.A.Moved, g.Options = stepMore, nil, nil, nil
		return c.showGuide(g, "")
	case g.Step == stepMore && (choice == "key" || choice == "urg"):
		if choice == "key" {
			g.A.KeyTask = !g.A.KeyTask
		} else {
			g.A.Urgent = !g.A.Urgent
		}
		return c.showGuide(g, "")
	case g.Step == stepMore && (choice == "src" || choice == "res"):
		g.Step, g.Field = stepValue, int(fieldChoices[choice])
		return c.showGuide(g, "")
	case g.Step == stepMore && choice == "ok":
		return c.finishGuide(d, g)
	case g.Step == stepValue && choice == "back":
		g.Step, g.Field = stepMore, 0
		return c.showGuide(g, "")
	}
	return stale
}

// guidePage shows another page of step person, in place.
func (c *conv) guidePage(g guide, page int) error {
	if page*guidePage >= len(g.A.People) {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	g.Page = page
	d, err := c.wait(draftGuide, &g)
	if err != nil {
		return err
	}
	_, rows, err := c.guideStep(d, g)
	if err != nil || c.u.Callback == nil || c.u.Callback.MessageID == "" {
		return err
	}
	_, err = c.tx.Enqueue(&nhacviec.Message{ChatID: c.chat.ID, Kind: nhacviec.KindEdit, EditOf: c.u.Callback.MessageID, Buttons: rows})
	return err
}

// guidePerson takes p as the assignee, if the caller may give them work.
func (c *conv) guidePerson(g guide, p *nhacviec.Person) error {
	if _, ok, err := c.assignable(p); err != nil {
		return err
	} else if !ok {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotAssign, esc(p.Mention()), esc(selfMention(c.me)))
	}
	g.A.AssigneeID, g.A.People, g.Page, g.Step = p.ID, nil, 0, stepTitle
	return c.showGuide(g, "")
}

// finishGuide makes the task, as /giao would have made it.
func (c *conv) finishGuide(d *nhacviec.Draft, g guide) error {
	at := time.Unix(g.At, 0)
	if !at.After(c.now) {
		g.Step = stepDeadline
		return c.showGuide(g, textGuidePast)
	}
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	g.A.People, g.A.Candidates, g.A.Moved = nil, nil, nil
	return c.createTask(g.A, at, g.Moved)
}

// typedGuide takes text as the answer to the step d waits at. A wrong
// answer is said with an example, and the step waits on.
func (c *conv) typedGuide(d *nhacviec.Draft, text string) error {
	var g guide
	if err := json.Unmarshal([]byte(d.Payload), &g); err != nil {
		if err := c.tx.DeleteDraft(d.ID); err != nil {
			return err
		}
		return c.say(textGuideCancelled)
	}
	switch g.Step {
	case stepPerson:
		p, err := c.typedPerson(g, text)
		if err != nil {
			return err
		}
		return c.guidePerson(g, p)
	case stepTitle:
		return c.guideTitle(g, text)
	case stepDeadline:
		note, err := c.guideDeadline(&g, text)
		if err != nil {
			return err
		}
		return c.showGuide(g, note)
	case stepValue:
		f, err := fieldLine(lineKind(g.Field), text)
		if err != nil {
			return err
		}
		g.A.merge(f)
		g.Step, g.Field = stepMore, 0
		return c.showGuide(g, "")
	}
	// stepMore: "xong" as ✅ Xong, giao việc; else lines as after
	// /giao's first.
	if isDoneReply(text) {
		return c.finishGuide(d, g)
	}
	f, err := parseFieldLines(strings.Split(text, "\n"))
	if err != nil {
		return err
	}
	g.A.merge(f)
	note := ""
	if f.Deadline != "" {
		if note, err = c.guideDeadline(&g, f.Deadline); err != nil {
			return err
		}
	}
	return c.showGuide(g, note)
}

// merge adds what field lines said to an assignment.
func (a *assignment) merge(f taskFields) {
	if f.Result != "" {
		a.Result = f.Result
	}
	if f.Source != "" {
		a.Source = f.Source
	}
	a.KeyTask = a.KeyTask || f.KeyTask
	a.Urgent = a.Urgent || f.Urgent
}

// typedPerson reads the person typed at step person: @username, a
// mention, or the name (or a part of it) of one of the people offered.
func (c *conv) typedPerson(g guide, text string) (*nhacviec.Person, error) {
	text = strings.TrimSpace(text)
	if p, _, err := c.mentioned(text); p != nil || err != nil {
		return p, err
	}
	if strings.HasPrefix(text, "@") {
		who, _, _ := strings.Cut(text, " ")
		unknown := nhacviec.Errorf(nhacviec.EInvalid, textGuideUnknownPerson, esc(clip(who, maxEcho)), esc(c.botName()))
		if len(who) < 2 {
			return nil, unknown
		}
		p, err := c.byUsername(who[1:])
		if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
			return nil, unknown
		}
		return p, err
	}
	want := strings.Join(strings.Fields(calendar.Fold(text)), " ")
	var exact, found []*nhacviec.Person
	for _, id := range g.A.People {
		p, err := c.person(id)
		if err != nil {
			return nil, err
		}
		name := strings.Join(strings.Fields(calendar.Fold(p.DisplayName)), " ")
		switch {
		case calendar.Fold(p.Username) == want:
			return p, nil
		case name == want:
			exact = append(exact, p)
		case want != "" && strings.Contains(" "+name+" ", " "+want+" "):
			found = append(found, p)
		}
	}
	if len(exact) > 0 {
		found = exact // "An" is An, not also Nguyễn Văn An
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textGuideNoSuchName, esc(clip(text, maxEcho)))
	}
	var names []string
	for _, p := range found[:min(len(found), 5)] {
		names = append(names, esc(p.DisplayName+" ("+p.Mention()+")"))
	}
	return nil, nhacviec.Errorf(nhacviec.EInvalid, textGuideManyNames, len(found), esc(clip(text, maxEcho)), strings.Join(names, ", "))
}

// guideTitle takes the title typed at step title. What /giao reads on
// its first line and after it is read here too: "Báo cáo quý IV hạn
// 20/12" sets the deadline, lines after it set fields.
func (c *conv) guideTitle(g guide, text string) error {
	first, lines := cutFirstLine(text)
	f, err := parseFieldLines(lines)
	if err != nil {
		return err
	}
	title, phrase := first, f.Deadline
	if phrase == "" {
		// "Báo cáo hạn chế rủi ro" has a "hạn" that is no deadline.
		if t, p, ok := splitDeadline(first); ok {
			if _, err := c.Calendar.Parse(p, c.now); err == nil {
				title, phrase = t, p
			}
		}
	} else if title, phrase, _, err = c.titleAndDeadline(first, f); err != nil {
		return err
	}
	if title == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textGuideNoTitle)
	}
	if n := utf8.RuneCountInString(title); n > maxTitle {
		return nhacviec.Errorf(nhacviec.EInvalid, textTitleTooLong, maxTitle, n)
	}
	g.A.Title = title
	g.A.merge(f)
	g.Step = stepDeadline
	note := ""
	if phrase != "" {
		if note, err = c.guideDeadline(&g, phrase); err != nil {
			return err
		}
	}
	return c.showGuide(g, note)
}

// guideDeadline reads a deadline phrase as /giao does: one reading takes
// the guide to step more; several are offered at step deadline, and note
// says why.
func (c *conv) guideDeadline(g *guide, phrase string) (note string, err error) {
	dl, err := c.Calendar.Parse(phrase, c.now)
	if err != nil {
		return "", deadlineError(err)
	}
	g.A.Recur = ""
	if dl.Recurrence != nil {
		g.A.Recur = phrase
	}
	g.A.Candidates, g.A.Moved, g.Options = nil, nil, nil
	if len(dl.Candidates) > 0 {
		moved := false
		for _, r := range dl.Candidates {
			g.A.Candidates = append(g.A.Candidates, r.At.Unix())
			g.A.Moved = append(g.A.Moved, movedNote(r))
			g.Options = append(g.Options, c.deadlineAt(r.At))
			moved = moved || r.Moved != nil
		}
		if !moved {
			g.A.Moved = nil
		}
		g.Step = stepDeadline
		return fmt.Sprintf(textAmbiguousDeadline, esc(clip(strings.TrimSpace(phrase), maxEcho))), nil
	}
	g.At, g.Moved, g.Step = dl.At.Unix(), movedNote(dl), stepMore
	return "", nil
}

const (
	textGuideHint          = "Hoặc nhắn /giao trong chat riêng với %s: tôi hỏi từng bước, bấm nút để chọn."
	textGuidePerson        = "📝 <b>Giao việc</b> — bước 1/3: giao cho ai?\nBấm tên, hoặc gõ @tên_người_dùng (ví dụ: @an)."
	textGuideTitle         = "Giao cho %s.\nBước 2/3: việc gì? Gõ nội dung công việc, ví dụ:\nBáo cáo CCHC quý IV"
	textGuideDeadline      = "Giao cho %s: <b>%s</b>\nBước 3/3: hạn khi nào? Bấm một nút, hoặc gõ, ví dụ: 20/12, 17h thứ 6, 5 ngày làm việc, trước ngày 20 hàng tháng"
	textGuideMore          = "📝 Sắp giao cho %s:\n%s<b>%s</b>\nHạn: %s"
	textGuideMoreHint      = "Ghi thêm nếu cần: bấm nút, hoặc gõ từng dòng như sau dòng /giao, ví dụ:\nkết quả: Kế hoạch trình Giám đốc ký\nĐủ rồi thì bấm ✅ Xong, giao việc (hoặc gõ: xong)."
	textGuidePast          = "Thời hạn đã chọn nay đã qua. Hãy chọn lại."
	textGuideNoTitle       = "Chưa có nội dung công việc. Gõ tên việc.\nVí dụ: Báo cáo CCHC quý IV"
	textGuideUnknownPerson = "Tôi chưa biết %s. Người đó cần nhắn /start cho %s trước. Bấm một tên ở trên, hoặc gõ @tên_người_dùng khác, ví dụ: @an"
	textGuideNoSuchName    = "Không thấy ai tên \"%s\" trong danh sách. Bấm một tên ở trên, hoặc gõ @tên_người_dùng, ví dụ: @an"
	textGuideManyNames     = "Có %d người tên \"%s\": %s. Bấm một tên ở trên, hoặc gõ @tên_người_dùng, ví dụ: @an"
)
