package bot

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/report"
)

// MaxDocument is the largest file a command reads (/nhap's 5 MB): an
// adapter does not download a bigger one.
const MaxDocument = report.MaxImportBytes

// Document is a file a person sent with a command that reads one.
type Document struct {
	Name string
	Size int64
	// Data is the file's content; nil when it was too big to fetch
	// (Size > MaxDocument) or could not be downloaded (Failed).
	Data   []byte
	Failed bool

	parsed bool
	rows   []report.ImportRow
	err    error
}

// parse reads d as a work plan once, outside any transaction; a nil d,
// or one without data, has nothing to read.
func (d *Document) parse() {
	if d == nil || d.parsed || d.Data == nil {
		return
	}
	d.rows, d.err = report.ReadImport(d.Name, bytes.NewReader(d.Data))
	d.parsed = true
}

// WantsDocument reports whether a message's text is a command that reads
// the file it comes with or replies to (/nhap, /import): only then does
// an adapter download it.
func WantsDocument(text string) bool {
	name, _, ok := parseCommand(text)
	return ok && (name == "nhap" || name == "import")
}

const (
	draftImport = "import" // an imported work plan waiting for "Tạo N việc"

	textImportBig        = "Tệp lớn hơn 5 MB. Chia kế hoạch thành nhiều tệp (tối đa 2.000 việc mỗi tệp) rồi gửi lại."
	textImportFailed     = "Không tải được tệp «%s». Hãy gửi lại tệp kèm chú thích /nhap."
	textImportCreate     = "Bấm «Tạo %d việc» để tạo; chưa bấm thì chưa có việc nào được tạo."
	textImportSkip       = "Bấm «Tạo %d việc» để tạo các dòng hợp lệ (bỏ qua dòng lỗi), hoặc sửa tệp rồi gửi lại."
	textImportButton     = "Tạo %d việc"
	textImportDone       = "✅ Đã tạo %d việc từ tệp «%s»: %s."
	textImportNotice     = "📌 %s giao cho bạn %d việc (nhập từ kế hoạch):\n%s\n\nXong việc nào thì gõ /xong MÃ, hoặc trả lời \"xong\" vào tin nhắc việc đó."
	textImportNoChat     = "Lưu ý: %s chưa mở chat riêng với bot nên chưa nhận được tin giao việc."
	textImportUnknown    = "chưa biết %s: người đó cần nhắn /start cho bot trước"
	textImportNoOne      = "không có người hay đơn vị nào tên như vậy"
	textImportMany       = "có %d người tên như vậy: ghi @tên_người_dùng"
	textImportNoHead     = "đơn vị %s chưa có trưởng đơn vị để chủ trì"
	textImportNotYours   = "%s không thuộc phạm vi bạn được giao việc"
	textImportTwoWays    = "có nhiều cách hiểu: ghi rõ ngày, ví dụ 20/12/2026"
	textImportNoHeadC    = "đơn vị %s chưa có trưởng đơn vị để trả lời phần phối hợp"
	textImportRecurParts = "việc định kỳ không có phối hợp: bỏ cột Phối hợp hoặc ghi hạn một lần"
)

// maxImportProblems bounds the faulty rows the report lists.
const maxImportProblems = 30

// importDraft is an imported plan's rows as checked, waiting for its
// author's "Tạo N việc"; Token makes a button of an older draft whose id
// SQLite gave again stale.
type importDraft struct {
	Token string      `json:"token"`
	File  string      `json:"file"`
	Rows  []importRow `json:"rows"`
}

type importRow struct {
	Line     int        `json:"line"`
	Title    string     `json:"title"`
	Lead     int64      `json:"lead"`
	Unit     int64      `json:"unit,omitempty"`  // the lead was named as this unit (its head)
	Parts    []partSpec `json:"parts,omitempty"` // the coordinators, each with the default deadline
	Deadline int64      `json:"deadline"`        // Unix seconds
	Recur    string     `json:"recur,omitempty"`
	Result   string     `json:"result,omitempty"`
	Source   string     `json:"source,omitempty"`
	Key      bool       `json:"key,omitempty"`
}

// importFile reads the work plan sent with /nhap (or the file /nhap
// replies to), checks every row and answers with the report; the valid
// rows wait in a draft for the button that creates them.
func (c *conv) importFile(string) error {
	d := c.u.Document
	switch {
	case d == nil:
		return c.say(textImportUsage)
	case d.Size > MaxDocument:
		return nhacviec.Errorf(nhacviec.EInvalid, textImportBig)
	case d.Failed || d.Data == nil:
		return nhacviec.Errorf(nhacviec.EInvalid, textImportFailed, esc(clip(d.Name, maxEcho)))
	}
	d.parse()
	rows, err := d.rows, d.err
	if err != nil {
		if m := nhacviec.ErrorMessage(err); m != "" {
			return nhacviec.Errorf(nhacviec.ErrorCode(err), "%s", esc(m))
		}
		return err
	}
	res, err := c.importResolver()
	if err != nil {
		return err
	}
	checked := report.CheckImport(rows, res, c.now)
	if res.err != nil {
		return res.err // the store failed: not the file's fault
	}
	for i := range checked {
		if ch := &checked[i]; res.recur[ch.Deadline] != "" && len(ch.Coordinators) > 0 {
			ch.Problems = append(ch.Problems, textImportRecurParts)
		}
	}
	text := esc(report.ImportReport(checked, maxImportProblems))
	draft := importDraft{Token: token(), File: d.Name}
	for i := range checked {
		ch := &checked[i]
		if !ch.OK() {
			continue
		}
		r := importRow{Line: ch.Line, Title: ch.Title, Lead: ch.LeadAs.PersonID, Unit: ch.LeadAs.UnitID,
			Deadline: ch.DeadlineAt.Unix(), Result: ch.Result, Source: ch.Source, Key: ch.KeyTask, Recur: res.recur[ch.Deadline]}
		for _, a := range ch.CoordAs {
			r.Parts = append(r.Parts, partSpec{PersonID: a.PersonID, UnitID: a.UnitID})
		}
		draft.Rows = append(draft.Rows, r)
	}
	n := len(draft.Rows)
	if n == 0 {
		return c.say(text)
	}
	payload, err := json.Marshal(draft)
	if err != nil {
		return err
	}
	dr := &nhacviec.Draft{ChatID: c.chat.ID, PersonID: c.me.ID, Kind: draftImport, Payload: string(payload)}
	if err := c.tx.SaveDraft(dr); err != nil {
		return err
	}
	next := textImportCreate
	if n < len(checked) {
		next = textImportSkip
	}
	return c.reply(&nhacviec.Message{Text: text + "\n\n" + fmt.Sprintf(next, n),
		Buttons: [][]nhacviec.Button{{{Text: fmt.Sprintf(textImportButton, n), Data: fmt.Sprintf("imp:%d:%s", dr.ID, draft.Token)}}}})
}

// token is a short random word that ties a button to its draft.
func token() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// resolver reads an imported plan's names and deadlines for the caller:
// @username, a person's name among the units the caller may give work
// in, or a unit's name (its head leads); deadlines as /giao reads them.
type resolver struct {
	c      *conv
	units  map[string]int64
	people map[string][]int64 // folded display name → people
	recur  map[string]string  // deadline phrase → itself, when it recurs
	err    error              // the store's, if it failed
}

func (c *conv) importResolver() (*resolver, error) {
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	r := &resolver{c: c, units: map[string]int64{}, people: map[string][]int64{}, recur: map[string]string{}}
	scope := st.headScope()
	if st.leads() {
		scope = scope[:0]
		for id := range st.tree.units {
			scope = append(scope, id)
		}
	}
	for _, u := range scope {
		r.units[calendar.Fold(strings.TrimSpace(st.tree.units[u].Name))] = u
		roles, err := c.tx.UnitRoles(u)
		if err != nil {
			return nil, err
		}
		for _, m := range roles {
			p, err := c.person(m.PersonID)
			if err != nil {
				return nil, err
			}
			k := calendar.Fold(strings.Join(strings.Fields(p.DisplayName), " "))
			if !slices.Contains(r.people[k], p.ID) {
				r.people[k] = append(r.people[k], p.ID)
			}
		}
	}
	return r, nil
}

// fail keeps the store's error for importFile, and says nothing about
// the row.
func (r *resolver) fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	return err
}

// who resolves a person, or a unit: a lead unit is led by its head, a
// coordinating one answered for by its heads (or those above it), whom
// it must have.
func (r *resolver) who(s string, lead bool) (report.Assignee, error) {
	c := r.c
	if strings.HasPrefix(s, "@") {
		p, err := c.byUsername(s[1:])
		if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
			return report.Assignee{}, nhacviec.Errorf(nhacviec.EInvalid, textImportUnknown, s)
		} else if err != nil {
			return report.Assignee{}, r.fail(err)
		}
		return report.Assignee{PersonID: p.ID, Name: p.Mention()}, nil
	}
	k := calendar.Fold(strings.Join(strings.Fields(s), " "))
	if u, ok := r.units[k]; ok {
		if !lead {
			st, err := c.standing()
			if err != nil {
				return report.Assignee{}, r.fail(err)
			}
			heads, err := unitHeads(c.tx, st.tree, u)
			if err != nil {
				return report.Assignee{}, r.fail(err)
			}
			if len(heads) == 0 {
				return report.Assignee{}, nhacviec.Errorf(nhacviec.EInvalid, textImportNoHeadC, s)
			}
			return report.Assignee{UnitID: u, Name: s}, nil
		}
		roles, err := c.tx.UnitRoles(u)
		if err != nil {
			return report.Assignee{}, r.fail(err)
		}
		for _, m := range roles {
			if m.Role == nhacviec.RoleHead {
				return report.Assignee{PersonID: m.PersonID, UnitID: u, Name: s}, nil
			}
		}
		return report.Assignee{}, nhacviec.Errorf(nhacviec.EInvalid, textImportNoHead, s)
	}
	switch ids := r.people[k]; len(ids) {
	case 0:
		return report.Assignee{}, nhacviec.Errorf(nhacviec.EInvalid, textImportNoOne)
	case 1:
		p, err := c.person(ids[0])
		if err != nil {
			return report.Assignee{}, r.fail(err)
		}
		return report.Assignee{PersonID: p.ID, Name: p.Mention()}, nil
	default:
		return report.Assignee{}, nhacviec.Errorf(nhacviec.EInvalid, textImportMany, len(ids))
	}
}

// Lead resolves the lead, who must be someone the caller may give work.
func (r *resolver) Lead(s string) (report.Assignee, error) {
	a, err := r.who(s, true)
	if err != nil {
		return a, err
	}
	p, err := r.c.person(a.PersonID)
	if err != nil {
		return a, r.fail(err)
	}
	if _, ok, err := r.c.assignable(p); err != nil {
		return a, r.fail(err)
	} else if !ok {
		return a, nhacviec.Errorf(nhacviec.EInvalid, textImportNotYours, a.Name)
	}
	return a, nil
}

// Coordinator resolves one coordinator.
func (r *resolver) Coordinator(s string) (report.Assignee, error) { return r.who(s, false) }

// Deadline reads a deadline as /giao does; a recurring one is kept.
func (r *resolver) Deadline(s string, now time.Time) (time.Time, error) {
	dl, err := r.c.Calendar.Parse(s, now)
	var pe *calendar.ParseError
	switch {
	case errors.As(err, &pe):
		return time.Time{}, nhacviec.Errorf(nhacviec.EInvalid, "%s", pe.Message)
	case err != nil:
		return time.Time{}, r.fail(err)
	case len(dl.Candidates) > 0:
		return time.Time{}, nhacviec.Errorf(nhacviec.EInvalid, textImportTwoWays)
	}
	if dl.Recurrence != nil {
		r.recur[s] = s
	}
	return dl.At, nil
}

// createImported creates the tasks of an import draft, all in this
// transaction, when its author presses "Tạo N việc"; each lead is told
// once, in one message listing their new tasks.
func (c *conv) createImported(draftID int64, tok string) error {
	d, err := c.tx.Draft(draftID)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound || (err == nil && (d.PersonID != c.me.ID || d.ChatID != c.chat.ID || d.Kind != draftImport)) {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	var plan importDraft
	if err := json.Unmarshal([]byte(d.Payload), &plan); err != nil || plan.Token != tok || tok == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	type created struct {
		lead  *nhacviec.Person
		lines []string
	}
	byLead := map[int64]*created{}
	var order []int64
	var ids []int64
	for _, r := range plan.Rows {
		lead, err := c.person(r.Lead)
		if err != nil {
			return err
		}
		unit, ok, err := c.assignable(lead)
		if err != nil {
			return err
		}
		if !ok { // the caller's or the lead's roles changed meanwhile
			return nhacviec.Errorf(nhacviec.EForbidden, textCannotAssign, esc(lead.Mention()), esc(selfMention(c.me)))
		}
		if r.Unit != 0 {
			unit = r.Unit
		}
		t := &nhacviec.Task{Title: r.Title, AssignerID: c.me.ID, AssigneeID: lead.ID, ChatID: c.chat.ID, UnitID: unit,
			Deadline: time.Unix(r.Deadline, 0), Status: nhacviec.StatusOpen, CreatedAt: c.now, NextPlanAt: c.now, Recur: r.Recur,
			Result: r.Result, Source: r.Source, SourceNumber: sourceNumber(r.Source), KeyTask: r.Key}
		if err := c.tx.CreateTask(t); err != nil {
			return err
		}
		note := fmt.Sprintf("giao cho %s, hạn %s; nhập từ tệp %s, dòng %d", lead.Mention(), c.deadline(t), plan.File, r.Line)
		if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventCreated, Note: note}); err != nil {
			return err
		}
		// The coordinators' parts, each by default before the lead's
		// deadline, and each coordinator told, as /giao's phối hợp line does.
		parts, err := c.addCoordinators(t, r.Parts)
		if err != nil {
			return err
		}
		if err := c.tellCoordinators(t, parts); err != nil {
			return err
		}
		ids = append(ids, t.ID)
		cr := byLead[lead.ID]
		if cr == nil {
			cr = &created{lead: lead}
			byLead[lead.ID] = cr
			order = append(order, lead.ID)
		}
		cr.lines = append(cr.lines, fmt.Sprintf("#%d %s<b>%s</b> — hạn %s", t.ID, marks(t), esc(t.Title), c.deadline(t)))
	}
	var unreached []string
	for _, id := range order {
		cr := byLead[id]
		if cr.lead.ID == c.me.ID {
			continue
		}
		text := fmt.Sprintf(textImportNotice, esc(c.me.Mention()), len(cr.lines), strings.Join(cr.lines, "\n"))
		if ok, err := c.notify(cr.lead, &nhacviec.Message{Text: text}); err != nil {
			return err
		} else if !ok {
			unreached = append(unreached, esc(cr.lead.Mention()))
		}
	}
	if cb := c.u.Callback; cb != nil && cb.MessageID != "" {
		if _, err := c.tx.Enqueue(&nhacviec.Message{ChatID: c.chat.ID, Kind: nhacviec.KindEdit, EditOf: cb.MessageID}); err != nil {
			return err
		}
	}
	text := fmt.Sprintf(textImportDone, len(ids), esc(plan.File), idRange(ids))
	if len(unreached) > 0 {
		text += "\n" + fmt.Sprintf(textImportNoChat, strings.Join(unreached, ", "))
	}
	// In the chat, not only on the button: the record of what was made.
	return c.reply(&nhacviec.Message{Text: text})
}

// idRange names consecutive task numbers as "#12–#40", others one by one.
func idRange(ids []int64) string {
	if len(ids) > 1 && ids[len(ids)-1]-ids[0] == int64(len(ids)-1) {
		return fmt.Sprintf("#%d–#%d", ids[0], ids[len(ids)-1])
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("#%d", id)
	}
	return strings.Join(parts, ", ")
}
