package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/report"
)

// The statistics: /thongke (a table, then a chart), /xuat (an .xlsx
// file) and /nhap mau (the import template). The commands only write
// messages with a recipe: the figures are read and the files made by
// Render when the sender sends them, outside any write transaction (an
// export of a year takes seconds; the store's one writer must not wait
// for it), and a crash in between makes them again.

const (
	textStatsOff     = "Chức năng thống kê chưa được bật trên máy chủ này."
	textStatsGroup   = "Nhóm này chưa gắn với đơn vị nên không có thống kê chung. Gõ /thongke trong tin nhắn riêng với bot, hoặc trưởng đơn vị gõ /ganhom để gắn nhóm."
	textStatsTitle   = "📊 <b>Kết quả thực hiện nhiệm vụ %s</b>\n%s — số liệu đến %s"
	textStatsEmpty   = "Không có việc nào được giao, đến hạn hoặc hoàn thành trong kỳ này."
	textStatsKey     = "⭐ Trọng tâm: %d đúng hạn, %d trễ hạn, %d quá hạn, %d đang làm."
	textStatsExt     = "Xin gia hạn: %d lần, được đồng ý %d."
	textStatsReturn  = "↩️ Bị trả lại từ 2 lần: %s"
	textStatsCauses  = "Đã nêu nguyên nhân quá hạn: %d (khách quan %d)."
	textStatsMore    = "Gõ /xuat %s để nhận tệp Excel chi tiết."
	textChartCaption = "Biểu đồ %s — %s"
	textExportDoc    = "📎 Thống kê %s — %s (%d việc)"
	textExportBig    = "Tệp Excel của kỳ %s nặng %s, quá giới hạn gửi tệp (%s). Hãy thu hẹp kỳ, ví dụ: /xuat tháng này, /xuat tháng 11 hoặc /xuat từ 1/7 đến 30/9."
	textMonthlyHead  = "📅 <b>Báo cáo tháng</b> (gửi tự động ngày làm việc đầu tháng)"
	textMonthlyEnd   = "Tệp Excel chi tiết gửi kèm ngay sau. Không muốn nhận báo cáo tháng: /caidat baocao tat"
	textTemplateDoc  = "📎 Tệp mẫu nhập kế hoạch: mỗi dòng một việc. Điền xong, gửi lại tệp kèm chú thích /nhap."
	textImportUsage  = "Nhập kế hoạch công tác từ tệp Excel (.xlsx) hoặc .csv, mỗi dòng một việc.\nGõ /nhap mau để nhận tệp mẫu; điền xong, gửi tệp kèm chú thích /nhap."
	textImportNoRole = "Chỉ trưởng đơn vị, lãnh đạo và quản trị viên được nhập kế hoạch."
)

// tableRows bounds the chat table: what a phone shows without scrolling
// far; the rest are counted, and in the export.
const tableRows = 15

// recipe is what a statistics message's Attach says: what to make, of
// which period, for which scope. It is the bot's own, stored in the
// outbox with the message.
type recipe struct {
	What  string `json:"what"` // "table", "chart", "xlsx", "template"
	From  int64  `json:"from,omitempty"`
	To    int64  `json:"to,omitempty"`
	Label string `json:"label,omitempty"`
	Scope scope  `json:"scope"`
	// Monthly marks the monthly report's (nhacviec.KindMonthly): the
	// table says so, and how to stop it, instead of offering /xuat (the
	// file comes with it).
	Monthly bool `json:"monthly,omitempty"`
}

// scope is whose figures: one person's own ("self"), the subtrees a head
// heads by person ("head"), a bound group's unit by person ("unit"), or
// the whole organisation by unit ("org").
type scope struct {
	Mode   string  `json:"mode"`
	Person int64   `json:"person,omitempty"`
	Units  []int64 `json:"units,omitempty"`
}

// statsScope decides the caller's scope as /quahan does: a member their
// own line, a head their subtree by person, leaders, monitors and admins
// the organisation by unit; in a bound group, that unit.
func (c *conv) statsScope() (scope, error) {
	if c.chat.Kind == nhacviec.ChatGroup {
		if c.chat.UnitID == 0 {
			return scope{}, nhacviec.Errorf(nhacviec.EInvalid, textStatsGroup)
		}
		return scope{Mode: "unit", Person: c.me.ID, Units: []int64{c.chat.UnitID}}, nil
	}
	s, err := c.standing()
	if err != nil {
		return scope{}, err
	}
	switch {
	case s.readsAll():
		return scope{Mode: "org", Person: c.me.ID}, nil
	case s.has(nhacviec.RoleHead):
		var heads []int64
		for _, m := range s.roles {
			if m.Role == nhacviec.RoleHead {
				heads = append(heads, m.UnitID)
			}
		}
		return scope{Mode: "head", Person: c.me.ID, Units: heads}, nil
	}
	return scope{Mode: "self", Person: c.me.ID}, nil
}

// statsRecipe reads the period and the scope of /thongke and /xuat.
func (c *conv) statsRecipe(args string) (recipe, error) {
	if c.Reports == nil {
		return recipe{}, nhacviec.Errorf(nhacviec.EInvalid, textStatsOff)
	}
	p, err := report.ParsePeriod(args, c.now, c.Calendar.Location())
	if err != nil {
		return recipe{}, err
	}
	sc, err := c.statsScope()
	if err != nil {
		return recipe{}, err
	}
	return recipe{From: p.From.UnixMilli(), To: p.To.UnixMilli(), Label: p.Label, Scope: sc}, nil
}

// attach writes a message made when sent: kind, with r as its recipe.
func (c *conv) attach(kind nhacviec.MessageKind, r recipe) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	m := &nhacviec.Message{ChatID: c.chat.ID, Kind: kind, HTML: true, Attach: string(data)}
	if c.u.Callback == nil {
		m.ReplyTo = c.u.MessageID
	}
	_, err = c.tx.Enqueue(m)
	return err
}

// stats: /thongke [kỳ] — the table of the caller's scope, then its chart.
func (c *conv) stats(args string) error {
	r, err := c.statsRecipe(args)
	if err != nil {
		return err
	}
	r.What = "table"
	if err := c.attach(nhacviec.KindReply, r); err != nil {
		return err
	}
	r.What = "chart"
	return c.attach(nhacviec.KindPhoto, r)
}

// export: /xuat [kỳ] — the same scope as an .xlsx document.
func (c *conv) export(args string) error {
	r, err := c.statsRecipe(args)
	if err != nil {
		return err
	}
	r.What = "xlsx"
	return c.attach(nhacviec.KindDocument, r)
}

// monthly composes the monthly report to n.To (nhacviec.KindMonthly):
// last month's table, chart and .xlsx of the organisation for a leader or
// monitor, of the units they head for a head (one set, the widest scope
// winning), each a message with a recipe made when sent. Nothing for
// someone who holds neither role now or has no private chat with the
// bot: files are not sent to groups.
func (b *Bot) monthly(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	p := n.To
	if p == nil || p.PrivateChatID == 0 || b.Reports == nil {
		return nil, nil
	}
	roles, err := tx.Roles(p.ID)
	if err != nil {
		return nil, err
	}
	sc := scope{Mode: "head", Person: p.ID}
	for _, m := range roles {
		switch m.Role {
		case nhacviec.RoleLeader, nhacviec.RoleMonitor:
			sc.Mode = "org"
		case nhacviec.RoleHead:
			sc.Units = append(sc.Units, m.UnitID)
		}
	}
	switch {
	case sc.Mode == "org":
		sc.Units = nil
	case len(sc.Units) == 0:
		return nil, nil
	}
	per, err := report.ParsePeriod("tháng trước", n.At, b.Calendar.Location())
	if err != nil {
		return nil, err
	}
	r := recipe{From: per.From.UnixMilli(), To: per.To.UnixMilli(), Label: per.Label, Scope: sc, Monthly: true}
	var out []*nhacviec.Message
	for _, x := range []struct {
		what string
		kind nhacviec.MessageKind
	}{{"table", nhacviec.KindMonthly}, {"chart", nhacviec.KindPhoto}, {"xlsx", nhacviec.KindDocument}} {
		r.What = x.what
		data, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		out = append(out, &nhacviec.Message{ChatID: p.PrivateChatID, Kind: x.kind, HTML: true, Attach: string(data)})
	}
	return out, nil
}

// importPlan: /nhap mau sends the template; /nhap with a file reads it
// (import.go).
func (c *conv) importPlan(args string) error {
	s, err := c.standing()
	if err != nil {
		return err
	}
	if !s.leads() && !s.has(nhacviec.RoleHead) {
		return nhacviec.Errorf(nhacviec.EForbidden, textImportNoRole)
	}
	if f := calendar.Fold(strings.TrimSpace(args)); f == "mau" || f == "template" {
		return c.attach(nhacviec.KindDocument, recipe{What: "template", Scope: scope{Person: c.me.ID}})
	}
	return c.importFile(args)
}

// Render makes a statistics message from its recipe, when the sender
// sends it (Sender.Render): the figures of the period as the store has
// them now. A recipe it cannot read is an EInvalid error: the message is
// given up.
func (b *Bot) Render(ctx context.Context, m *nhacviec.Outgoing) error {
	var r recipe
	if err := json.Unmarshal([]byte(m.Attach), &r); err != nil {
		return nhacviec.Errorf(nhacviec.EInvalid, "recipe %q: %v", m.Attach, err)
	}
	if r.What == "template" {
		var buf bytes.Buffer
		now := time.Now()
		if err := b.Store.View(ctx, func(tx nhacviec.Tx) error { now = tx.Now(); return nil }); err != nil {
			return err
		}
		if err := report.WriteTemplate(&buf, now.In(b.Calendar.Location())); err != nil {
			return err
		}
		m.File, m.Text = &nhacviec.File{Name: "mau-nhap-ke-hoach.xlsx", Data: buf.Bytes()}, textTemplateDoc
		return nil
	}
	if b.Reports == nil {
		m.Kind, m.Text = nhacviec.KindReply, textStatsOff
		return nil
	}
	st, err := b.statsOf(ctx, r, r.What == "xlsx")
	if err != nil {
		return err
	}
	switch r.What {
	case "table":
		m.Text = st.table()
	case "chart":
		png, err := report.ChartPNG("Kết quả thực hiện nhiệm vụ "+r.Label, st.title+" — số liệu đến "+st.asOf(), st.rows())
		if err != nil {
			return err
		}
		m.File = &nhacviec.File{Name: "thongke-" + st.slug() + ".png", Data: png}
		m.Text = fmt.Sprintf(textChartCaption, esc(r.Label), esc(st.title))
	case "xlsx":
		var buf bytes.Buffer
		if err := report.WriteXLSX(&buf, st.book()); err != nil {
			return err
		}
		limit := b.MaxFileBytes
		if limit <= 0 {
			limit = report.MaxExportBytes
		}
		if buf.Len() > limit {
			b.Log.Info().Int("bytes", buf.Len()).Int("limit", limit).Msg("export too big to send")
			m.Kind, m.Text = nhacviec.KindReply, fmt.Sprintf(textExportBig, esc(r.Label), FileSize(int64(buf.Len())), FileSize(int64(limit)))
			return nil
		}
		m.File = &nhacviec.File{Name: "thongke-" + st.slug() + ".xlsx", Data: buf.Bytes()}
		m.Text = fmt.Sprintf(textExportDoc, esc(r.Label), esc(st.title), len(st.fg.Rows))
	default:
		return nhacviec.Errorf(nhacviec.EInvalid, "recipe %q: nothing to make", m.Attach)
	}
	return nil
}

// FileSize says a file's size as people read it: "62,4 MB", "850 KB".
func FileSize(n int64) string {
	if n >= 1<<20 {
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

// statsView is a scope's figures with the names that show them.
type statsView struct {
	r      recipe
	fg     *report.Figures
	tree   *tree
	people map[int64]*nhacviec.Person
	unitOf map[int64]int64 // a person's first unit
	title  string          // whose figures: "Sở Nội vụ", "Phòng Tổ chức", "Nguyễn Văn An"
	byUnit bool            // the table's rows are units (else people)
	rowIDs []int64
}

// statsOf reads the figures of r: the organisation from a read
// transaction, the facts from the Source, counted by report.Compute.
func (b *Bot) statsOf(ctx context.Context, r recipe, detail bool) (*statsView, error) {
	loc := b.Calendar.Location()
	p := report.Period{From: time.UnixMilli(r.From).In(loc), To: time.UnixMilli(r.To).In(loc), Label: r.Label}
	v := &statsView{r: r, people: map[int64]*nhacviec.Person{}, unitOf: map[int64]int64{}}
	var now time.Time
	var units []*nhacviec.Unit
	var members []int64
	err := b.Store.View(ctx, func(tx nhacviec.Tx) error {
		now = tx.Now()
		var err error
		if units, err = tx.Units(); err != nil {
			return err
		}
		if v.tree, err = loadTree(tx); err != nil {
			return err
		}
		for _, u := range v.scopeUnits() {
			roles, err := tx.UnitRoles(u)
			if err != nil {
				return err
			}
			for _, m := range roles {
				members = append(members, m.PersonID)
				if _, ok := v.unitOf[m.PersonID]; !ok {
					v.unitOf[m.PersonID] = u
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	q := report.Query{From: p.From, At: p.End(now), Detail: detail}
	switch r.Scope.Mode {
	case "self":
		q.People = []int64{r.Scope.Person}
	case "head", "unit":
		q.Units = v.scopeUnits()
		if len(q.Units) == 0 {
			q.People = []int64{r.Scope.Person}
		}
	}
	c := report.NewCounter(p, now.In(loc), b.Calendar, units, detail)
	if err := b.Reports.Facts(ctx, q, func(f *report.Fact) error { c.Add(f); return nil }); err != nil {
		return nil, err
	}
	v.fg = c.Figures()
	// Everyone named: the scope's members and whoever the facts name.
	ids := slices.Clone(members)
	ids = append(ids, r.Scope.Person)
	for id := range v.fg.People {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err = b.Store.View(ctx, func(tx nhacviec.Tx) error {
		ps, err := tx.People(ids)
		if err != nil {
			return err
		}
		v.people = ps
		for _, id := range ids {
			if _, ok := v.unitOf[id]; ok || !detail {
				continue // the unit of everyone is for the export's Cá nhân
			}
			roles, err := tx.Roles(id)
			if err != nil {
				return err
			}
			if len(roles) > 0 {
				v.unitOf[id] = roles[0].UnitID
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v.arrange(members)
	return v, nil
}

// scopeUnits is every unit of a head's or a group's scope.
func (v *statsView) scopeUnits() []int64 {
	var out []int64
	for _, u := range v.r.Scope.Units {
		out = append(out, v.tree.subtree(u)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// arrange decides the title and the table's rows: the organisation's
// units below its root, a scope's people, or the caller alone.
func (v *statsView) arrange(members []int64) {
	switch v.r.Scope.Mode {
	case "org":
		v.byUnit = true
		v.title = "Toàn cơ quan"
		v.rowIDs = v.tree.roots
		if len(v.tree.roots) == 1 {
			root := v.tree.roots[0]
			v.title = v.tree.units[root].Name
			if kids := v.tree.children[root]; len(kids) > 0 {
				v.rowIDs = kids
			}
		}
	case "head", "unit":
		var names []string
		for _, u := range v.r.Scope.Units {
			if x, ok := v.tree.units[u]; ok {
				names = append(names, x.Name)
			}
		}
		v.title = strings.Join(names, ", ")
		ids := slices.Clone(members)
		for id := range v.fg.People {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		v.rowIDs = slices.Compact(ids)
	default:
		v.title = v.personName(v.r.Scope.Person)
		v.rowIDs = []int64{v.r.Scope.Person}
	}
}

func (v *statsView) personName(id int64) string {
	p, ok := v.people[id]
	switch {
	case !ok:
		return fmt.Sprintf("#%d", id)
	case p.DisplayName != "":
		return p.DisplayName
	}
	return p.Mention()
}

func (v *statsView) unitName(id int64) string {
	if u, ok := v.tree.units[id]; ok {
		return u.Name
	}
	return ""
}

// rows are the table's and the chart's entries, worst first.
func (v *statsView) rows() []report.Entry {
	lines, name := v.fg.People, v.personName
	if v.byUnit {
		lines, name = v.fg.Units, v.unitName
	}
	es := report.Entries(lines, v.rowIDs, name, false)
	report.WorstFirst(es)
	return es
}

func (v *statsView) asOf() string {
	return v.fg.Now.In(v.fg.Period.From.Location()).Format("15:04 02/01/2006")
}

// slug names the files: the period's first day and its span.
func (v *statsView) slug() string {
	p := v.fg.Period
	return p.From.Format("2006-01-02") + "-" + p.To.AddDate(0, 0, -1).Format("2006-01-02")
}

// table is the /thongke message: the title, the monospace table, the
// legend and the counts the table has no room for.
func (v *statsView) table() string {
	var b strings.Builder
	if v.r.Monthly {
		b.WriteString(textMonthlyHead + "\n")
	}
	fmt.Fprintf(&b, textStatsTitle, esc(v.r.Label), esc(v.title), v.asOf())
	total := v.fg.Total.Lead
	if total.Total() == 0 && v.fg.Total.Coord.Total() == 0 {
		b.WriteString("\n\n" + textStatsEmpty)
		if v.r.Monthly {
			b.WriteString("\n\n" + textMonthlyEnd)
		}
		return b.String()
	}
	rows := v.rows()
	for i := range rows {
		if v.byUnit {
			rows[i].Short = report.ShortUnit(rows[i].Name)
		} else {
			rows[i].Short = report.ShortPerson(rows[i].Name)
		}
	}
	b.WriteString("\n<pre>" + esc(report.Table(rows, &total, tableRows)) + "</pre>\n")
	b.WriteString(esc(report.TableLegend))
	var extra []string
	if k := total.Key; k.Total() > 0 {
		extra = append(extra, fmt.Sprintf(textStatsKey, k[report.StateOnTime], k[report.StateLate], k[report.StateOverdue], k[report.StateInProgress]))
	}
	if total.ExtAsked > 0 {
		extra = append(extra, fmt.Sprintf(textStatsExt, total.ExtAsked, total.ExtGranted))
	}
	if total.Causes > 0 {
		extra = append(extra, fmt.Sprintf(textStatsCauses, total.Causes, total.Objective))
	}
	if ret := v.fg.Returned(); len(ret) > 0 {
		var names []string
		for i, r := range ret {
			if i == 10 {
				names = append(names, fmt.Sprintf("… và %d việc khác", len(ret)-10))
				break
			}
			names = append(names, fmt.Sprintf("#%d (%d lần, %s)", r.Fact.TaskID, r.Fact.Returns, esc(v.personName(r.Fact.PersonID))))
		}
		extra = append(extra, fmt.Sprintf(textStatsReturn, strings.Join(names, "; ")))
	}
	if c := v.fg.Total.Coord; c.Total() > 0 {
		pct := "—"
		if p, ok := c.Rate(); ok {
			pct = fmt.Sprintf("%.0f%%", p)
		}
		extra = append(extra, fmt.Sprintf("Phối hợp: %d đúng hạn, %d trễ hạn, %d quá hạn, %d đang làm (%s đúng hạn).",
			c.States[report.StateOnTime], c.States[report.StateLate], c.States[report.StateOverdue], c.States[report.StateInProgress], pct))
	}
	if len(extra) > 0 {
		b.WriteString("\n\n" + strings.Join(extra, "\n"))
	}
	if v.r.Monthly {
		b.WriteString("\n\n" + textMonthlyEnd)
	} else {
		b.WriteString("\n\n" + fmt.Sprintf(textStatsMore, esc(v.r.Label)))
	}
	return b.String()
}

// book is the export of the view: the units of the scope (every unit of
// the organisation, or of the subtrees) and its people.
func (v *statsView) book() *report.Book {
	var unitIDs []int64
	switch v.r.Scope.Mode {
	case "org":
		for id := range v.tree.units {
			unitIDs = append(unitIDs, id)
		}
		slices.Sort(unitIDs)
	case "head", "unit":
		unitIDs = v.scopeUnits()
	}
	path := func(id int64) string { return v.tree.path(id) }
	people := v.rowIDs
	if v.byUnit {
		people = nil
		for id := range v.fg.People {
			people = append(people, id)
		}
		slices.Sort(people)
	}
	bk := &report.Book{Org: v.title, Figures: v.fg, UnitName: path, PersonName: v.personName,
		PersonUnit: func(id int64) string { return path(v.unitOf[id]) }}
	bk.Units = report.Entries(v.fg.Units, unitIDs, path, false)
	report.WorstFirst(bk.Units)
	bk.People = report.Entries(v.fg.People, people, v.personName, false)
	report.WorstFirst(bk.People)
	return bk
}
