package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Command is one bot command with its Latin alias.
type Command struct {
	Name        string // Vietnamese name, canonical
	Alias       string // Latin alias
	Description string // for the command menu
	Menu        string // the smallest menu that shows it: MenuMember, MenuHead or MenuAdmin
	run         func(c *conv, args string) error
}

// Commands lists the commands in menu order.
var Commands = []*Command{
	{Name: "giao", Alias: "assign", Menu: MenuMember, Description: "Giao việc: /giao @người nội dung hạn 20/12", run: (*conv).assign},
	{Name: "viec", Alias: "tasks", Menu: MenuMember, Description: "Việc của tôi đang mở", run: (*conv).myTasks},
	{Name: "xong", Alias: "done", Menu: MenuMember, Description: "Báo xong việc: /xong 12", run: (*conv).done},
	{Name: "tiendo", Alias: "progress", Menu: MenuMember, Description: "Báo tiến độ: /tiendo 12 60% ghi chú", run: (*conv).progress},
	{Name: "giahan", Alias: "extend", Menu: MenuMember, Description: "Xin gia hạn: /giahan 12 25/12 lý do", run: (*conv).extend},
	{Name: "duyet", Alias: "approve", Menu: MenuMember, Description: "Duyệt kết quả việc đã báo xong: /duyet 12", run: (*conv).approveCmd},
	{Name: "tralai", Alias: "return", Menu: MenuMember, Description: "Trả lại việc chưa đạt: /tralai 12 lý do", run: (*conv).returnCmd},
	{Name: "quahan", Alias: "overdue", Menu: MenuMember, Description: "Việc quá hạn", run: (*conv).overdue},
	{Name: "sapden", Alias: "upcoming", Menu: MenuMember, Description: "Việc đến hạn trong 7 ngày", run: (*conv).upcoming},
	{Name: "tim", Alias: "search", Menu: MenuMember, Description: "Tìm việc theo số văn bản, tên việc: /tim 1365/VP-NL", run: (*conv).search},
	{Name: "chitiet", Alias: "task", Menu: MenuMember, Description: "Chi tiết và lịch sử một việc: /chitiet 12", run: (*conv).detail},
	{Name: "phoihop", Alias: "coordinate", Menu: MenuHead, Description: "Giao phần phối hợp của đơn vị: /phoihop 12 @người", run: (*conv).coordinate},
	{Name: "huy", Alias: "cancel", Menu: MenuMember, Description: "Hủy việc đã giao: /huy 12", run: (*conv).cancel},
	{Name: "sua", Alias: "edit", Menu: MenuMember, Description: "Sửa hạn, tên, kết quả, văn bản: /sua 12 hạn 25/12", run: (*conv).edit},
	{Name: "lydo", Alias: "cause", Menu: MenuMember, Description: "Nêu nguyên nhân quá hạn: /lydo 12", run: (*conv).cause},
	{Name: "chuyen", Alias: "handover", Menu: MenuHead, Description: "Chuyển người chủ trì: /chuyen 12 @binh lý do", run: (*conv).handOver},
	{Name: "thongke", Alias: "report", Menu: MenuMember, Description: "Thống kê đúng hạn, trễ hạn: /thongke tháng 11", run: (*conv).stats},
	{Name: "xuat", Alias: "export", Menu: MenuMember, Description: "Xuất Excel thống kê: /xuat quý 4", run: (*conv).export},
	{Name: "nhap", Alias: "import", Menu: MenuHead, Description: "Nhập kế hoạch từ Excel: /nhap mau", run: (*conv).importPlan},
	{Name: "thanhvien", Alias: "members", Menu: MenuMember, Description: "Thành viên đơn vị", run: (*conv).members},
	{Name: "moi", Alias: "invite", Menu: MenuHead, Description: "Tạo lời mời vào đơn vị", run: (*conv).invite},
	{Name: "ganhom", Alias: "linkgroup", Menu: MenuHead, Description: "Gắn nhóm này với đơn vị", run: (*conv).linkGroup},
	{Name: "bonhiem", Alias: "appoint", Menu: MenuHead, Description: "Bổ nhiệm: /bonhiem @người truong ĐƠN_VỊ", run: (*conv).appoint},
	{Name: "caidat", Alias: "settings", Menu: MenuHead, Description: "Cài đặt đơn vị: /caidat duyet bat", run: (*conv).settings},
	{Name: "lienket", Alias: "link", Menu: MenuMember, Description: "Liên kết tài khoản Telegram và Zalo của bạn", run: (*conv).link},
	{Name: "thamgia", Alias: "join", Description: "Vào đơn vị bằng mã mời: thamgia MÃ", run: (*conv).joinCmd},
	{Name: "donvi", Alias: "unit", Menu: MenuAdmin, Description: "Cây đơn vị", run: (*conv).units},
	{Name: "roi", Alias: "leave", Menu: MenuMember, Description: "Rời đơn vị", run: (*conv).leave},
	{Name: "ngaynghi", Alias: "holidays", Menu: MenuMember, Description: "Lịch ngày nghỉ, ngày làm bù", run: (*conv).holidays},
	{Name: "huongdan", Alias: "help", Menu: MenuMember, Description: "Hướng dẫn sử dụng", run: (*conv).help},
	{Name: "start", Description: "Bắt đầu nhận nhắc việc", run: (*conv).start},
}

var commandByName = func() map[string]*Command {
	m := make(map[string]*Command)
	for _, c := range Commands {
		m[c.Name] = c
		if c.Alias != "" {
			m[c.Alias] = c
		}
	}
	return m
}()

// parseCommand splits "/giao@bot args" into ("giao", "args"); which bot
// the command names is commandTarget's.
func parseCommand(text string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	name, args, _ = strings.Cut(text[1:], " ")
	if i := strings.IndexFunc(name, unicode.IsSpace); i >= 0 { // "/giao\n..."
		args = name[i:] + " " + args
		name = name[:i]
	}
	name, _, _ = strings.Cut(name, "@")
	// Quoted back when unknown: a pasted paragraph is not a command name.
	return strings.ToLower(clip(name, maxEcho)), strings.TrimSpace(args), name != ""
}

// maxTitle bounds a task's title; Telegram's own limit on a message is
// 4,096 characters, and a title must fit in a reminder with room to spare.
const maxTitle = 1000

// maxAnswerTitle bounds a title quoted in a button's answer, which
// Telegram limits to 200 characters (emoji count twice).
const maxAnswerTitle = 70

func (c *conv) start(args string) error {
	if code := startArg(args); code != "" && c.chat.Kind == nhacviec.ChatPrivate {
		if err := c.join(code); err != nil {
			return err
		}
		return c.updateMenu(c.me)
	}
	if c.chat.Kind == nhacviec.ChatPrivate {
		if err := c.updateMenu(c.me); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textWelcomePrivate, esc(c.me.DisplayName)) + "\n\n" + c.helpText() +
			"\n\n" + fmt.Sprintf(textYourID, esc(c.me.ExternalID)))
	}
	return c.say(textWelcomeGroup)
}

func (c *conv) help(string) error { return c.say(c.helpText()) }

// helpText is the usage for the caller's roles: everyone's commands, and
// the head's and the admin's when they are one.
func (c *conv) helpText() string {
	text := textHelp
	if c.me == nil {
		return text
	}
	menu, err := c.menuName(c.me)
	if err != nil {
		return text // the common part is still right
	}
	if menu == MenuHead || menu == MenuAdmin {
		text += "\n\n" + textHelpHead
	}
	if menu == MenuAdmin {
		text += "\n\n" + textHelpAdmin
	}
	return text
}

// assign: /giao @người nội dung hạn THỜI_HẠN, and on the lines after it
// the task's other fields (fields.go).
func (c *conv) assign(args string) error {
	if args == "" {
		if c.chat.Kind == nhacviec.ChatPrivate {
			return c.startGuide() // guided.go
		}
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignUsage+"\n"+textGuideHint, esc(c.botName()))
	}
	args, lines := cutFirstLine(args)
	if len(lines) > 0 {
		// "/giao @an" with the task on the next line is one first line.
		if p, rest, many, err := c.named(args); err != nil {
			return err
		} else if ((p != nil || len(many) > 0) && rest == "") || (p == nil && len(many) == 0 && strings.HasPrefix(args, "@") && !strings.ContainsFunc(args, unicode.IsSpace)) {
			args, lines = args+" "+strings.TrimSpace(lines[0]), lines[1:]
		}
	}
	fields, err := parseFieldLines(lines)
	if err != nil {
		return err
	}
	// @username, someone without one, or a name (address.go).
	assignee, rest, many, err := c.named(args)
	if err != nil {
		return err
	}
	if len(many) > 0 {
		// Several people have that name: the caller chooses.
		return c.askAssignee(rest, fields, many)
	}
	who := ""
	if assignee == nil {
		who, rest, _ = strings.Cut(args, " ")
		if !strings.HasPrefix(who, "@") || len(who) < 2 {
			// No one named: offer the people of the caller's unit.
			return c.askAssignee(args, fields, nil)
		}
	}
	if rest, fields, err = leadLine(rest, fields); err != nil { // "chủ trì, @binh phối hợp: …"
		return err
	}
	title, phrase, ok, err := c.titleAndDeadline(rest, fields)
	if err != nil {
		return err
	}
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoDeadline)
	}
	if title == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoTitle)
	}
	if n := utf8.RuneCountInString(title); n > maxTitle {
		return nhacviec.Errorf(nhacviec.EInvalid, textTitleTooLong, maxTitle, n)
	}
	if assignee == nil {
		return nhacviec.Errorf(nhacviec.EInvalid, textUnknownPerson, esc(clip(who, maxEcho)), esc(c.botName()))
	}
	dl, err := c.Calendar.Parse(phrase, c.now)
	if err != nil {
		return deadlineError(err)
	}
	a := assignment{AssigneeID: assignee.ID, Title: title}
	a.with(fields)
	if a.Coordinators, err = c.partSpecs(fields.Coordinators); err != nil {
		return err
	}
	if dl.Recurrence != nil {
		a.Recur = phrase
	}
	if len(dl.Candidates) > 0 {
		return c.askDeadline(a, phrase, dl.Candidates)
	}
	return c.createTask(a, dl.At, movedNote(dl))
}

// movedNote says why a deadline is not on the day its phrase named, "20/12
// là Chủ nhật", or is "".
func movedNote(d calendar.Deadline) string {
	if d.Moved == nil {
		return ""
	}
	return d.Moved.String()
}

// titleAndDeadline cuts what follows the person into the title and the
// deadline phrase: at the last "hạn" of the first line, or the whole first
// line when a "hạn:" line follows. A deadline on both is refused.
func (c *conv) titleAndDeadline(first string, f taskFields) (title, phrase string, ok bool, err error) {
	title, phrase, ok = splitDeadline(first)
	if f.Deadline == "" {
		return title, phrase, ok, nil
	}
	// "Báo cáo hạn chế rủi ro" has a "hạn" that is no deadline.
	if ok {
		if _, perr := c.Calendar.Parse(phrase, c.now); perr == nil {
			return "", "", false, nhacviec.Errorf(nhacviec.EInvalid, textDeadlineTwice)
		}
	}
	return strings.TrimSpace(first), f.Deadline, true, nil
}

// assignment is an assignment whose deadline is still to be chosen; it
// waits as a draft's payload.
type assignment struct {
	AssigneeID int64    `json:"assignee"`
	Title      string   `json:"title"`
	Recur      string   `json:"recur,omitempty"`
	Candidates []int64  `json:"candidates,omitempty"` // deadlines to choose from, Unix seconds
	Moved      []string `json:"moved,omitempty"`      // for each of Candidates, movedNote or ""
	People     []int64  `json:"people,omitempty"`     // assignees to choose from
	// The fields of the lines after the first (fields.go).
	Result  string `json:"result,omitempty"`
	Source  string `json:"source,omitempty"`
	KeyTask bool   `json:"key,omitempty"`
	Urgent  bool   `json:"urgent,omitempty"`
	Review  bool   `json:"review,omitempty"`
	// Coordinators are the "phối hợp" (coordinators.go).
	Coordinators []partSpec `json:"coordinators,omitempty"`
}

// with sets the fields the lines after the first said.
func (a *assignment) with(f taskFields) {
	a.Result, a.Source, a.KeyTask, a.Urgent, a.Review = f.Result, f.Source, f.KeyTask, f.Urgent, f.Review
}

// maxPeopleButtons bounds the people offered as buttons.
const maxPeopleButtons = 24

// askAssignee handles "/giao nội dung hạn THỜI_HẠN" without a person: it
// offers the people of the group's unit, or of the units the caller
// heads, as buttons (people without a username are easiest picked so).
// When a name fits several people (named, address.go), it offers them.
func (c *conv) askAssignee(args string, fields taskFields, named []*nhacviec.Person) error {
	title, phrase, ok, err := c.titleAndDeadline(args, fields)
	if err != nil {
		return err
	}
	switch {
	case len(named) > 0 && !ok:
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoDeadline)
	case len(named) > 0 && title == "":
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoTitle)
	}
	if !ok || title == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoPerson)
	}
	if n := utf8.RuneCountInString(title); n > maxTitle {
		return nhacviec.Errorf(nhacviec.EInvalid, textTitleTooLong, maxTitle, n)
	}
	dl, err := c.Calendar.Parse(phrase, c.now)
	if err != nil {
		return deadlineError(err)
	}
	if len(dl.Candidates) > 0 {
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoPerson)
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	units := st.tree.subtree(c.chat.UnitID)
	if len(units) == 0 {
		units = st.headScope()
	}
	a := assignment{Title: title, Candidates: []int64{dl.At.Unix()}}
	moved := movedNote(dl)
	if moved != "" {
		a.Moved = []string{moved}
	}
	a.with(fields)
	if a.Coordinators, err = c.partSpecs(fields.Coordinators); err != nil {
		return err
	}
	if dl.Recurrence != nil {
		a.Recur = phrase
	}
	people := named
	for _, p := range named {
		a.People = append(a.People, p.ID)
	}
	for _, u := range units {
		if len(named) > 0 {
			break // the people of that name
		}
		roles, err := c.tx.UnitRoles(u)
		if err != nil {
			return err
		}
		for _, m := range roles {
			if len(a.People) < maxPeopleButtons && !slices.Contains(a.People, m.PersonID) {
				p, err := c.tx.Person(m.PersonID)
				if err != nil {
					return err
				}
				a.People, people = append(a.People, p.ID), append(people, p)
			}
		}
	}
	if len(people) == 0 {
		return nhacviec.Errorf(nhacviec.EInvalid, textAssignNoPerson)
	}
	d, err := c.saveDraft(draftAssignee, a)
	if err != nil {
		return err
	}
	var rows [][]nhacviec.Button
	for i, p := range people {
		b := nhacviec.Button{Text: p.Mention(), Data: fmt.Sprintf("who:%d:%d", d.ID, i)}
		if len(named) > 0 && p.Username != "" {
			b.Text = p.DisplayName + " (@" + p.Username + ")" // the same name: tell them apart
		}
		if i%2 == 0 {
			rows = append(rows, []nhacviec.Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textWhoAssign, esc(title), c.deadlineAt(dl.At)+c.movedText(moved)), Buttons: rows})
}

// askDeadline asks which reading of an ambiguous deadline was meant, with
// one button per reading.
func (c *conv) askDeadline(a assignment, phrase string, candidates []calendar.Deadline) error {
	moved := false
	for _, t := range candidates {
		a.Candidates = append(a.Candidates, t.At.Unix())
		a.Moved = append(a.Moved, movedNote(t))
		moved = moved || t.Moved != nil
	}
	if !moved {
		a.Moved = nil
	}
	d, err := c.saveDraft(draftDeadline, a)
	if err != nil {
		return err
	}
	lines, buttons := c.readings(candidates, func(i int) string { return fmt.Sprintf("pick:%d:%d", d.ID, i) })
	return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textAmbiguousDeadline, esc(clip(phrase, maxEcho))) + lines, Buttons: buttons})
}

// The kinds of draft a button chooses from.
const (
	draftDeadline = "assign"   // readings of an ambiguous deadline, in Candidates
	draftAssignee = "assignee" // the people a task may go to, in People
)

// saveDraft keeps an assignment until its author chooses with a button.
func (c *conv) saveDraft(kind string, a assignment) (*nhacviec.Draft, error) {
	payload, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	d := &nhacviec.Draft{ChatID: c.chat.ID, PersonID: c.me.ID, Kind: kind, Payload: string(payload)}
	return d, c.tx.SaveDraft(d)
}

// choose creates the task of a draft with what its author chose: the
// deadline among a draftDeadline's readings, or the assignee among a
// draftAssignee's people. Only the author, in the same chat, may choose;
// anything else is a stale button, whatever the data says.
func (c *conv) choose(draftID int64, kind, choice string) error {
	d, err := c.tx.Draft(draftID)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound || (err == nil && (d.PersonID != c.me.ID || d.ChatID != c.chat.ID || d.Kind != kind)) {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	var a assignment
	i, err := strconv.Atoi(choice)
	if jerr := json.Unmarshal([]byte(d.Payload), &a); jerr != nil || err != nil || i < 0 {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	// A draftAssignee holds the one deadline its author typed.
	options, deadline := len(a.Candidates), i
	if kind == draftAssignee {
		options, deadline = len(a.People), 0
	}
	if i >= options || deadline >= len(a.Candidates) {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	at := time.Unix(a.Candidates[deadline], 0)
	if !at.After(c.now) {
		return nhacviec.Errorf(nhacviec.EInvalid, textChoicePast)
	}
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	if kind == draftAssignee {
		a.AssigneeID = a.People[i]
	}
	moved := ""
	if deadline < len(a.Moved) {
		moved = a.Moved[deadline]
	}
	return c.createTask(a, at, moved)
}

// createTask stores an assignment and tells whom it concerns; moved
// (movedNote) says why the deadline is not on the day that was named.
func (c *conv) createTask(a assignment, deadline time.Time, moved string) error {
	assignee, err := c.tx.Person(a.AssigneeID)
	if err != nil {
		return err
	}
	unit, ok, err := c.assignable(assignee)
	if err != nil {
		return err
	}
	if !ok {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotAssign, esc(assignee.Mention()), esc(selfMention(c.me)))
	}
	task := &nhacviec.Task{
		Title: a.Title, AssignerID: c.me.ID, AssigneeID: assignee.ID, ChatID: c.chat.ID, UnitID: unit,
		Deadline: deadline, Status: nhacviec.StatusOpen, CreatedAt: c.now, NextPlanAt: c.now, Recur: a.Recur,
		Result: a.Result, Source: a.Source, SourceNumber: sourceNumber(a.Source), KeyTask: a.KeyTask, Urgent: a.Urgent,
	}
	if err := c.setNeedsReview(task, a.Review); err != nil {
		return err
	}
	if err := c.tx.CreateTask(task); err != nil {
		return err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: task.ID, ActorID: c.me.ID, Kind: nhacviec.EventCreated,
		Note: "giao cho " + assignee.Mention() + ", hạn " + c.deadline(task)}); err != nil {
		return err
	}
	parts, err := c.addCoordinators(task, a.Coordinators)
	if err != nil {
		return err
	}
	partLines, err := c.partLines(parts)
	if err != nil {
		return err
	}
	due := c.deadline(task) + c.movedText(moved)
	if task.Recur != "" {
		due += fmt.Sprintf(textRecurs, esc(task.Recur))
	}
	fields := fieldLines(task) + partLines
	text := fmt.Sprintf(textAssigned, task.ID, esc(assignee.Mention()), marks(task), esc(task.Title), due) + fields
	if task.SourceNumber != "" {
		text += "\n" + fmt.Sprintf(textFindAgain, esc(task.SourceNumber))
	}
	// The assigner may mark it here with a button, as with a line.
	if err := c.reply(&nhacviec.Message{TaskID: task.ID, Text: text, Buttons: taskButtons(task, true)}); err != nil {
		return err
	}
	if err := c.tellCoordinators(task, parts); err != nil {
		return err
	}
	if assignee.ID == c.me.ID {
		return nil
	}
	reached, err := c.notify(assignee, &nhacviec.Message{TaskID: task.ID, Buttons: doneButton(task),
		Text: fmt.Sprintf(textAssignedToYou, esc(c.me.Mention()), task.ID, marks(task), esc(task.Title), due, fields)})
	if err != nil || reached {
		return err
	}
	return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textMustStart, esc(assignee.Mention()), esc(c.botName()))})
}

// splitDeadline cuts "Báo cáo quý IV hạn 20/12" at its last "hạn" word
// (with or without diacritics, any case) into the title and the phrase.
func splitDeadline(s string) (title, phrase string, ok bool) {
	start, end := -1, 0
	for _, w := range spans(s) {
		if f := strings.TrimSuffix(calendar.Fold(s[w.start:w.end]), ":"); f == "han" || f == "thoi han" {
			start, end = w.start, w.end
		}
	}
	if start < 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:start]), strings.TrimSpace(s[end:]), strings.TrimSpace(s[end:]) != ""
}

func deadlineError(err error) error {
	var pe *calendar.ParseError
	if errors.As(err, &pe) {
		return nhacviec.Errorf(nhacviec.EInvalid, "%s", esc(pe.Message))
	}
	return err
}

func doneButton(t *nhacviec.Task) [][]nhacviec.Button {
	return [][]nhacviec.Button{{{Text: "✅ Xong", Data: fmt.Sprintf("done:%d", t.ID)}}}
}

// parseID reads "42" or "#42".
func parseID(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// badID says that args is not a task id, quoting a short part of it, with
// an example of the command.
func badID(args, example string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textNeedID, example)
	}
	return nhacviec.Errorf(nhacviec.EInvalid, textBadID, esc(clip(args, maxEcho)), example)
}

// visibleTask loads a task the caller may see (canSee). Anyone else is
// told whose it is where the task is shown (taskFor), and elsewhere gets
// the answer a task that does not exist gets, so that nobody learns what
// is not theirs.
func (c *conv) visibleTask(id int64) (*nhacviec.Task, error) { return c.taskFor(id, textWhoSees) }

// refuse turns down a change to t: with why to those who may read t,
// with the same answer as for a task that does not exist to anyone else.
func (c *conv) refuse(t *nhacviec.Task, why error) error {
	if ok, err := c.canSee(t); err != nil {
		return err
	} else if ok {
		return why
	}
	return nhacviec.Errorf(nhacviec.ENotFound, textNoSuchTask, t.ID)
}

func (c *conv) involved(t *nhacviec.Task) bool {
	return c.me != nil && (t.AssignerID == c.me.ID || t.AssigneeID == c.me.ID)
}

// showable reports whether t's title may be shown in this chat: in the
// caller's private chat, or in the group where it was assigned (which saw
// it then). A privately assigned task never appears in a group.
func (c *conv) showable(t *nhacviec.Task) bool {
	if c.chat.Kind == nhacviec.ChatPrivate {
		return true
	}
	ok, err := c.inGroupScope(t)
	return ok && err == nil // on a read error, say less rather than more
}

// done: /xong 12 [ghi chú về kết quả]; /xong alone for the one open task
// the caller holds.
func (c *conv) done(args string) error {
	if args == "" {
		open, err := c.tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: c.me.ID, ExcludeSubmitted: true, Limit: 2})
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return c.onlyPartDone() // a coordinator's one part
		}
		if len(open) != 1 {
			return nhacviec.Errorf(nhacviec.EInvalid, textDoneUsage)
		}
		return c.markDone(open[0].ID, "")
	}
	first, note, _ := strings.Cut(args, " ")
	id, ok := parseID(strings.TrimRight(first, ",:;.")) // "/xong 12, đã gửi"
	if !ok {
		return badID(args, "/xong 12")
	}
	return c.markDone(id, trimNote(note))
}

// markDone is "xong" on task id, with the caller's note on the result
// (may be empty): from a coordinator it finishes their part
// (coordinators.go); a task that needs review is submitted to its
// reviewer (or approved, by its reviewer; review.go); any other is done.
func (c *conv) markDone(id int64, note string) error {
	if n := utf8.RuneCountInString(note); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, textDoneNoteExample)
	}
	if ok, err := c.finishPart(id); ok || err != nil { // a coordinator's part
		return err
	}
	if handled, err := c.reviewDone(id, note); handled || err != nil {
		return err
	}
	t, err := c.closeTask(id, nhacviec.StatusDone, note)
	if err != nil {
		return err
	}
	late := c.timeliness(t)
	if title := t.Title; c.showable(t) {
		if c.u.Callback != nil {
			// A button's answer is a short pop-up: 200 characters at most.
			title = clip(title, maxAnswerTitle)
		}
		err = c.say(fmt.Sprintf(textDone, t.ID, esc(title), late))
	} else {
		err = c.say(fmt.Sprintf(textDoneNoTitle, t.ID))
	}
	if err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	if err := c.nextOccurrence(t); err != nil {
		return err
	}
	if t.AssignerID == c.me.ID {
		return nil
	}
	assigner, err := c.tx.Person(t.AssignerID)
	if err != nil {
		return err
	}
	_, err = c.notify(assigner, &nhacviec.Message{TaskID: t.ID,
		Text: fmt.Sprintf(textDoneNotice, esc(c.me.Mention()), t.ID, esc(t.Title), late) + noteLine(note)})
	return err
}

// nextOccurrence creates the next occurrence of a finished recurring task
// (unless the scheduler already did, when it fell due) and says when it is
// due.
func (c *conv) nextOccurrence(t *nhacviec.Task) error {
	next, err := nhacviec.CreateNextOccurrence(c.tx, c.Calendar, t, c.me.ID)
	if nhacviec.ErrorCode(err) == nhacviec.EInvalid {
		c.Log.Warn().Err(err).Int64("task", t.ID).Msg("recurrence not understood; no next occurrence")
		return nil
	}
	if err != nil || next == nil {
		return err
	}
	if c.u.Callback != nil && !c.showable(t) {
		return nil
	}
	return c.reply(&nhacviec.Message{TaskID: next.ID, Text: fmt.Sprintf(textNextOccurrence, next.ID, c.deadline(next)), Buttons: doneButton(next)})
}

// closeTask finishes (StatusDone) or cancels a task for the caller: it
// must be visible to them, theirs to change — the assignee may finish it;
// its assigner, the heads above its unit, leaders and admins may finish or
// cancel it — and still open. It records the history and drops the
// reminders that were still waiting.
func (c *conv) closeTask(id int64, status nhacviec.Status, note string) (*nhacviec.Task, error) {
	t, err := c.taskFor(id, closeRule(status))
	if err != nil {
		return nil, err
	}
	if status != nhacviec.StatusDone || t.AssigneeID != c.me.ID {
		why := nhacviec.Errorf(nhacviec.EForbidden, textOnlyAssignerCancels, t.ID)
		if status == nhacviec.StatusDone {
			why = nhacviec.Errorf(nhacviec.EForbidden, textCannotFinish, t.ID)
		}
		if ok, err := c.canManage(t); err != nil {
			return nil, err
		} else if !ok {
			return nil, c.refuse(t, why)
		}
	}
	if !t.Open() {
		return nil, nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	}
	kind := nhacviec.EventCancelled
	if status == nhacviec.StatusDone {
		kind = nhacviec.EventDone
	}
	if err := c.lapseReview(t); err != nil {
		return nil, err
	}
	t.Status, t.ClosedAt, t.NextPlanAt = status, c.now, time.Time{}
	if status == nhacviec.StatusDone {
		// Finished now: on time or late, as it stands at the close.
		t.FinishedAt, t.LateDays = c.now, c.Calendar.WorkingDaysLate(t.Deadline, c.now)
	}
	if err := c.tx.SaveTask(t); err != nil {
		return nil, err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: kind, Note: note}); err != nil {
		return nil, err
	}
	if err := c.lapseExtension(t); err != nil {
		return nil, err
	}
	return t, c.tx.DropChasing(t.ID)
}

func (c *conv) cancel(args string) error {
	id, ok := parseID(args)
	if !ok {
		return badID(args, "/huy 12")
	}
	t, err := c.closeTask(id, nhacviec.StatusCancelled, "")
	if err != nil {
		return err
	}
	if c.showable(t) {
		err = c.say(fmt.Sprintf(textCancelled, t.ID, esc(t.Title)))
	} else {
		err = c.say(fmt.Sprintf(textCancelledNoTitle, t.ID))
	}
	if err != nil {
		return err
	}
	if t.AssigneeID != c.me.ID {
		assignee, err := c.tx.Person(t.AssigneeID)
		if err != nil {
			return err
		}
		if _, err = c.notify(assignee, &nhacviec.Message{Text: fmt.Sprintf(textCancelledNotice, esc(c.me.Mention()), t.ID, esc(t.Title))}); err != nil {
			return err
		}
	}
	return c.tellPartsCancelled(t)
}

func (c *conv) button(cb *Callback) error {
	action, arg, _ := strings.Cut(cb.Data, ":")
	arg, choice, _ := strings.Cut(arg, ":")
	id, ok := parseID(arg)
	switch {
	case !ok || c.me == nil:
	case action == "done" && choice == "":
		return c.markDone(id, "")
	case action == "pick":
		return c.choose(id, draftDeadline, choice)
	case action == "who":
		return c.choose(id, draftAssignee, choice)
	case action == actionKey || action == actionUrgent:
		return c.mark(id, action, choice)
	case action == actionReview:
		return c.markReview(id, choice)
	case action == actionDecide && (choice == "y" || choice == "n"):
		return c.decideReviewButton(id, choice == "y")
	case action == actionField:
		return c.askField(id, choice)
	case action == actionWait:
		return c.waitButton(id, choice)
	case action == "ext" && (choice == "y" || choice == "n"):
		return c.decideByButton(id, choice == "y")
	case action == "xpick":
		return c.chooseExtensionDate(id, choice)
	case action == "on":
		return c.chooseReplyTask(id, choice)
	case action == actionCause:
		return c.causeButton(id, choice)
	case action == actionAskExtension && choice == "":
		return c.howToExtend(id)
	case action == "imp":
		return c.createImported(id, choice)
	case action == actionHand:
		return c.handButton(id, choice)
	}
	return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
}

// removeButtons takes the buttons off the message whose button was
// pressed; a message about several tasks (merged) keeps the ✅ of those
// still open.
func (c *conv) removeButtons() error {
	cb := c.u.Callback
	if cb == nil || cb.MessageID == "" {
		return nil
	}
	ids, err := c.tx.TasksOfMessage(c.chat.ID, cb.MessageID)
	if err != nil {
		return err
	}
	var open []int64
	if len(ids) > 1 {
		for _, id := range ids {
			t, err := c.tx.Task(id)
			if err != nil {
				return err
			}
			if t.Open() {
				open = append(open, id)
			}
		}
	}
	_, err = c.tx.Enqueue(&nhacviec.Message{ChatID: c.chat.ID, Kind: nhacviec.KindEdit, EditOf: cb.MessageID,
		Buttons: doneButtons(open[:min(len(open), maxMergedButtons)])})
	return err
}

// whichDone answers "xong" replied to a message about several tasks: the
// one the person may finish is finished; when several are, it asks which
// with a ✅ each.
func (c *conv) whichDone(ids []int64, note string) error {
	var mine []*nhacviec.Task
	for _, id := range ids {
		t, err := c.tx.Task(id)
		if err != nil {
			return err
		}
		if !t.Open() || (t.Submitted() && t.AssigneeID == c.me.ID) { // a submitted one is the reviewer's now
			continue
		}
		if t.AssigneeID == c.me.ID {
			mine = append(mine, t)
		} else if ok, err := c.hasOpenPart(t); err != nil {
			return err
		} else if ok {
			mine = append(mine, t)
		} else if ok, err := c.canManage(t); err != nil {
			return err
		} else if ok {
			mine = append(mine, t)
		}
	}
	switch len(mine) {
	case 0:
		return nhacviec.Errorf(nhacviec.EConflict, textNoneToFinish)
	case 1:
		return c.markDone(mine[0].ID, note)
	}
	var b strings.Builder
	if note != "" {
		// A button cannot carry the note: the command can.
		b.WriteString(fmt.Sprintf(textWhichDoneNote, len(mine)))
		for _, t := range mine {
			fmt.Fprintf(&b, "\n• #%d %s", t.ID, esc(clip(t.Title, maxEcho*2)))
		}
		return nhacviec.Errorf(nhacviec.EInvalid, "%s", b.String())
	}
	b.WriteString(fmt.Sprintf(textWhichDone, len(mine)))
	var open []int64
	for _, t := range mine {
		fmt.Fprintf(&b, "\n• #%d %s", t.ID, esc(clip(t.Title, maxEcho*2)))
		open = append(open, t.ID)
	}
	return c.reply(&nhacviec.Message{Text: b.String(), Buttons: doneButtons(open[:min(len(open), maxMergedButtons)])})
}

func (c *conv) detail(args string) error {
	id, ok := parseID(args)
	if !ok {
		return badID(args, "/chitiet 12")
	}
	t, err := c.visibleTask(id)
	if err != nil {
		return err
	}
	if !c.showable(t) {
		return nhacviec.Errorf(nhacviec.EForbidden, textAskPrivately, esc(c.botName()))
	}
	events, err := c.tx.Events(t.ID)
	if err != nil {
		return err
	}
	assigner, err := c.tx.Person(t.AssignerID)
	if err != nil {
		return err
	}
	assignee, err := c.tx.Person(t.AssigneeID)
	if err != nil {
		return err
	}
	exts, err := c.tx.Extensions(t.ID)
	if err != nil {
		return err
	}
	notes, err := c.tx.ProgressNotes(t.ID)
	if err != nil {
		return err
	}
	original, ladder, err := c.ladderDetail(t, exts)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, textDetail, t.ID, marks(t)+esc(t.Title), esc(assigner.Mention()), esc(assignee.Mention()),
		c.deadline(t)+c.deadlineNote(exts)+original, c.state(t))
	b.WriteString(fieldLines(t))
	parts, err := c.partsDetail(t)
	if err != nil {
		return err
	}
	b.WriteString(parts)
	more, err := c.followUpLines(exts, notes)
	if err != nil {
		return err
	}
	b.WriteString(more + ladder)
	if more, err = c.reviewLines(t); err != nil {
		return err
	}
	b.WriteString(more)
	b.WriteString("\n\n" + textHistory)
	// The latest progress notes in full; the earlier ones are counted.
	skip := 0
	for _, e := range events {
		if e.Kind == nhacviec.EventProgress {
			skip++
		}
	}
	skip = max(0, skip-maxHistoryNotes)
	if skip > 0 {
		fmt.Fprintf(&b, "\n"+textEarlierNotes, skip)
	}
	for _, e := range events {
		if e.Kind == nhacviec.EventProgress && skip > 0 {
			skip--
			continue
		}
		who := "nhacviec"
		if e.ActorID != 0 {
			if p, err := c.tx.Person(e.ActorID); err == nil {
				who = p.Mention()
			}
		}
		line := fmt.Sprintf("\n• %s %s %s", e.At.In(c.Calendar.Location()).Format("15:04 02/01/2006"), esc(who), eventText(e.Kind))
		if e.Note != "" {
			line += ": " + esc(e.Note)
		}
		b.WriteString(line)
	}
	var buttons [][]nhacviec.Button
	if t.Open() {
		// Who may change the task may also mark it from here.
		manage, err := c.canManage(t)
		if err != nil {
			return err
		}
		buttons = taskButtons(t, manage)
	}
	if buttons, err = c.detailButtons(t, buttons); err != nil {
		return err
	}
	return c.reply(&nhacviec.Message{TaskID: t.ID, Text: b.String(), Buttons: buttons})
}

// deadlineAt formats a deadline: "17:00 Thứ Sáu 20/12/2026".
func (c *conv) deadlineAt(t time.Time) string {
	return calendar.FormatDeadline(t.In(c.Calendar.Location()))
}

// movedText is a movedNote to follow a deadline: " (20/12 là Chủ nhật)".
func (c *conv) movedText(moved string) string {
	if moved == "" {
		return ""
	}
	return fmt.Sprintf(textMoved, esc(moved))
}

// deadline formats a task's deadline: "17:00 Thứ Sáu 20/12/2026".
func (c *conv) deadline(t *nhacviec.Task) string {
	return calendar.FormatDeadline(t.Deadline.In(c.Calendar.Location()))
}
