package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// What the lead reports back on a task: a request to extend its deadline
// (/giahan, or "xin gia hạn đến 25/12 vì …" replied to a message about
// it), the reviewer's answer, and progress notes (/tiendo, or any other
// text replied to such a message). Each is a line of the task's history.

// maxNote bounds a progress note, a reason and an answer: they are
// quoted in notices, which must stay well within a message.
const maxNote = 1000

// maxHistoryNotes is how many progress notes /chitiet shows in full; the
// earlier ones are counted.
const maxHistoryNotes = 3

// maxPhraseWords bounds the words tried as a deadline phrase before the
// reason ("thứ 6 tuần sau", "17h30 ngày 25 tháng 12 năm 2026").
const maxPhraseWords = 8

// The kinds of draft these buttons choose from.
const (
	draftExtend = "extend" // the readings of an ambiguous extension date
	draftReply  = "reply"  // the tasks a reply to a merged message may be about
)

// extensionDraft is a request to extend whose date is still to be chosen.
type extensionDraft struct {
	TaskID     int64   `json:"task"`
	Reason     string  `json:"reason"`
	Candidates []int64 `json:"candidates"` // Unix seconds
	// Moved says, for each of Candidates, why it left the day named, or "".
	Moved []string `json:"moved,omitempty"`
}

// replyDraft is a reply to a message about several tasks, waiting for
// its author to say which one it is about.
type replyDraft struct {
	Text  string  `json:"text"`
	Tasks []int64 `json:"tasks"`
}

// ---- reading what people type ----

// span is a word of a text with its byte offsets, and its folded form
// without the punctuation around it.
type span struct {
	start, end int
	fold       string
}

func spans(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		out = append(out, span{i, j, strings.TrimFunc(calendar.Fold(s[i:j]), isPunctOrSymbol)})
		i = j
	}
	return out
}

func isPunctOrSymbol(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }

// trimNote trims spaces and the punctuation that joins a reason to what
// came before it ("25/12, vì …", "- lý do: …").
func trimNote(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:.-–—", r)
	})
}

// reasonLeads are the words that introduce a reason, folded.
var reasonLeads = [][]string{
	{"boi", "vi"}, {"tai", "vi"}, {"voi", "ly", "do"}, {"ly", "do"}, {"li", "do"},
	{"vi"}, {"do"}, {"boi"}, {"tai"},
}

// reasonOf is what follows a deadline phrase, without the words and
// punctuation that introduce it: "vì chờ số liệu" → "chờ số liệu".
func reasonOf(s string) string {
	s = trimNote(s)
	ws := spans(s)
	for _, lead := range reasonLeads {
		if len(ws) < len(lead) {
			continue
		}
		match := true
		for i, w := range lead {
			match = match && ws[i].fold == w
		}
		if match {
			return trimNote(s[ws[len(lead)-1].end:])
		}
	}
	return s
}

// extendLeads are the words that may come between "xin gia hạn" (or the
// task id of /giahan) and the date, folded.
var extendLeads = map[string]bool{"den": true, "toi": true, "sang": true, "lui": true}

// cutDeadline reads the deadline at the start of s, the longest run of
// words the calendar understands, and returns it with the rest of s. A
// leading "thêm" counts from base (the deadline in force, or now if that
// has passed): "thêm 3 ngày". A phrase the calendar recognises but
// refuses (a date gone by, 31/02) is that refusal; no phrase at all is a
// calendar.ParseError of code CodeInvalid for the first word.
func cutDeadline(cal *calendar.Calendar, s string, now, base time.Time) (phrase string, dl calendar.Deadline, rest string, err error) {
	ws := spans(s)
	for len(ws) > 0 && extendLeads[ws[0].fold] {
		ws = ws[1:]
	}
	from := now
	if len(ws) > 0 && ws[0].fold == "them" {
		ws, from = ws[1:], later(base, now)
	}
	var refused error
	for k := min(len(ws), maxPhraseWords); k >= 1; k-- {
		phrase = s[ws[0].start:ws[k-1].end]
		for _, p := range []string{phrase, phrase + " nữa"} {
			dl, err = cal.Parse(p, from)
			if err == nil {
				return phrase, dl, s[ws[k-1].end:], nil
			}
			var pe *calendar.ParseError
			if refused == nil && errors.As(err, &pe) && pe.Code != calendar.CodeInvalid {
				refused = err
			}
			if from.Equal(now) {
				break // "nữa" only after "thêm"
			}
		}
	}
	if refused != nil {
		return "", calendar.Deadline{}, s, refused
	}
	first := ""
	if len(ws) > 0 {
		first = s[ws[0].start:ws[0].end]
	}
	return "", calendar.Deadline{}, s, &calendar.ParseError{Code: calendar.CodeInvalid, Message: first}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// askWords are the ways of saying "I ask for an extension", folded.
var askWords = [][]string{
	{"xin", "gia", "han"}, {"de", "nghi", "gia", "han"}, {"xin", "duoc", "gia", "han"}, {"xin", "lui", "han"},
}

// extensionRequest finds "xin gia hạn …" in a reply: what comes before
// it (context, e.g. "đã làm được 50%,") and after it (the date and the
// reason). ok is false when the text asks for no extension.
func extensionRequest(text string) (before, after string, ok bool) {
	ws := spans(text)
	for i := range ws {
		for _, ask := range askWords {
			if i+len(ask) > len(ws) {
				continue
			}
			match := true
			for j, w := range ask {
				match = match && ws[i+j].fold == w
			}
			if match {
				return trimNote(text[:ws[i].start]), strings.TrimSpace(text[ws[i+len(ask)-1].end:]), true
			}
		}
	}
	return "", "", false
}

// decisionWord reads the start of an answer to a request: approve
// ("đồng ý", "dongy", "ok"), refuse ("không đồng ý", "từ chối"; a bare
// "không" only when typed after a command: in a reply "không kịp thì báo
// lại" is no refusal), and the note after it. ok is false for anything
// else.
func decisionWord(s string, command bool) (approve bool, note string, ok bool) {
	ws := spans(s)
	words := func(n int) string {
		var f []string
		for _, w := range ws[:min(n, len(ws))] {
			f = append(f, w.fold)
		}
		return strings.Join(f, " ")
	}
	for _, d := range []struct {
		words   string
		approve bool
	}{
		{"khong dong y", false}, {"khong dongy", false}, {"khongdongy", false}, {"tu choi", false},
		{"tuchoi", false}, {"khong", false}, {"dong y", true}, {"dongy", true}, {"ok", true}, {"duyet", true},
	} {
		n := len(strings.Fields(d.words))
		if d.words == "khong" && !command {
			continue
		}
		if len(ws) >= n && words(n) == d.words {
			return d.approve, reasonOf(s[ws[n-1].end:]), true
		}
	}
	return false, "", false
}

// percentArg reads a "60%" word: the percentage, whether the word is one
// at all, and whether it is a whole number from 0 to 100.
var percentRE = regexp.MustCompile(`^([+-]?\d+(?:[.,]\d+)?)\s*%$`)

func percentArg(w string) (pct int, isPercent, valid bool) {
	m := percentRE.FindStringSubmatch(w)
	if m == nil {
		return 0, false, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 0 || n > 100 {
		return 0, true, false
	}
	return n, true, true
}

// percentInText finds the percentage of a free-text note ("đã làm được
// 50%"): the one percentage from 0 to 100 in it; none when there are
// several, or one above 100 ("đạt 120% kế hoạch" is a fact, not progress).
var percentInTextRE = regexp.MustCompile(`(?:^|[^\d.,])(\d{1,3})\s?%`)

func percentInText(s string) int {
	m := percentInTextRE.FindAllStringSubmatch(s, -1)
	if len(m) != 1 {
		return nhacviec.NoPercent
	}
	n, _ := strconv.Atoi(m[0][1])
	if n > 100 {
		return nhacviec.NoPercent
	}
	return n
}

// ---- /giahan ----

// extend: /giahan 12 25/12 LÝ_DO asks to move #12's deadline; the
// reviewer answers /giahan 12 dongy [ghi chú] or /giahan 12 khong [LÝ_DO]
// (or with the buttons); /giahan 12 alone shows the request waiting.
func (c *conv) extend(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textExtendUsage)
	}
	first, rest, _ := strings.Cut(args, " ")
	id, ok := parseID(first)
	if !ok {
		return badID(first, "/giahan 12 25/12 chờ số liệu")
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return c.showExtension(id)
	}
	if approve, note, ok := decisionWord(rest, true); ok {
		e, err := c.pendingFor(id)
		if err != nil {
			return err
		}
		return c.decide(e, approve, note)
	}
	t, err := c.extendable(id)
	if err != nil {
		return err
	}
	_, dl, after, err := cutDeadline(c.Calendar, rest, c.now, t.Deadline)
	if err != nil {
		return extendDateError(err, textExtendExample)
	}
	return c.askOrChoose(t, dl, reasonOf(after), textExtendExample)
}

// extendDateError says what is wrong with the date of a request, with an
// example of the right form.
func extendDateError(err error, example string) error {
	var pe *calendar.ParseError
	if errors.As(err, &pe) && pe.Code == calendar.CodeInvalid {
		return nhacviec.Errorf(nhacviec.EInvalid, textExtendNoDate, example)
	}
	if errors.As(err, &pe) {
		return nhacviec.Errorf(nhacviec.EInvalid, "%s\n%s", esc(pe.Message), example)
	}
	return err
}

// askOrChoose asks for the extension of t to dl, or, when dl can be read
// two ways, asks its author which one with a button each.
func (c *conv) askOrChoose(t *nhacviec.Task, dl calendar.Deadline, reason, example string) error {
	if len(dl.Candidates) == 0 {
		return c.askExtension(t, dl.At, movedNote(dl), reason, example)
	}
	// Checked now, not only after the choice: a request that cannot go
	// should not ask a question first.
	if err := c.checkRequest(t, dl.Candidates[len(dl.Candidates)-1].At, reason, example); err != nil {
		return err
	}
	d := extensionDraft{TaskID: t.ID, Reason: reason}
	for _, r := range dl.Candidates {
		d.Candidates = append(d.Candidates, r.At.Unix())
		d.Moved = append(d.Moved, movedNote(r))
	}
	draft, err := c.saveJSONDraft(draftExtend, d)
	if err != nil {
		return err
	}
	lines, buttons := c.readings(dl.Candidates, func(i int) string { return fmt.Sprintf("xpick:%d:%d", draft.ID, i) })
	return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textExtendWhichDate, t.ID) + lines, Buttons: buttons})
}

// saveJSONDraft keeps v until its author chooses with a button.
func (c *conv) saveJSONDraft(kind string, v any) (*nhacviec.Draft, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := &nhacviec.Draft{ChatID: c.chat.ID, PersonID: c.me.ID, Kind: kind, Payload: string(payload)}
	return d, c.tx.SaveDraft(d)
}

// ownDraft loads a draft of kind that the caller made in this chat, and
// its choice i; anything else is a stale button.
func (c *conv) ownDraft(id int64, kind, choice string, v any) (*nhacviec.Draft, int, error) {
	d, err := c.tx.Draft(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound || (err == nil && (d.PersonID != c.me.ID || d.ChatID != c.chat.ID || d.Kind != kind)) {
		return nil, 0, nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return nil, 0, err
	}
	i, err := strconv.Atoi(choice)
	if jerr := json.Unmarshal([]byte(d.Payload), v); jerr != nil || err != nil || i < 0 {
		return nil, 0, nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	return d, i, nil
}

// chooseExtensionDate asks for the extension with the date its author
// picked among the readings of an ambiguous one.
func (c *conv) chooseExtensionDate(draftID int64, choice string) error {
	var x extensionDraft
	d, i, err := c.ownDraft(draftID, draftExtend, choice, &x)
	if err != nil {
		return err
	}
	if i >= len(x.Candidates) {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	at := time.Unix(x.Candidates[i], 0)
	if !at.After(c.now) {
		return nhacviec.Errorf(nhacviec.EInvalid, textExtendChoicePast, x.TaskID)
	}
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	t, err := c.extendable(x.TaskID)
	if err != nil {
		return err
	}
	moved := ""
	if i < len(x.Moved) {
		moved = x.Moved[i]
	}
	return c.askExtension(t, at, moved, x.Reason, textExtendExample)
}

// extendable loads a task the caller may ask to extend: one they hold.
func (c *conv) extendable(id int64) (*nhacviec.Task, error) {
	t, err := c.visibleTask(id)
	if err != nil {
		return nil, err
	}
	if t.AssigneeID != c.me.ID {
		return nil, c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textExtendOnlyAssignee, t.ID))
	}
	if !t.Open() {
		return nil, nhacviec.Errorf(nhacviec.EConflict, textExtendClosed, t.ID, statusText(t.Status))
	}
	return t, nil
}

// checkRequest checks a request to extend t to at: a reason of a
// sensible length, a date after the deadline in force (and, for a
// recurring task, before its next occurrence's), no other request
// waiting.
func (c *conv) checkRequest(t *nhacviec.Task, at time.Time, reason, example string) error {
	if reason == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textExtendNoReason, example)
	}
	if n := utf8.RuneCountInString(reason); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, example)
	}
	if !at.After(t.Deadline) {
		return nhacviec.Errorf(nhacviec.EInvalid, textExtendNotLater, c.deadlineAt(at), t.ID, c.deadline(t), example)
	}
	if t.Recur != "" {
		next, err := c.Calendar.NextDeadline(t.Recur, t.Deadline)
		if err == nil && !at.Before(next) {
			return nhacviec.Errorf(nhacviec.EInvalid, textExtendPastNext, t.ID, esc(t.Recur), c.deadlineAt(next))
		}
	}
	pending, err := c.tx.PendingExtension(t.ID)
	if err != nil {
		return err
	}
	if pending != nil {
		reviewer, err := c.person(pending.ReviewerID)
		if err != nil {
			return err
		}
		return nhacviec.Errorf(nhacviec.EConflict, textExtendPending, t.ID, c.deadlineAt(pending.To),
			esc(reviewer.Mention()), t.ID)
	}
	return nil
}

// askExtension records a request to extend t to at and sends it to the
// reviewer with buttons; a task one gave oneself is extended at once.
// moved says why at is not on the day that was named ("20/12 là Chủ
// nhật"), or is "".
func (c *conv) askExtension(t *nhacviec.Task, at time.Time, moved, reason, example string) error {
	if err := c.checkRequest(t, at, reason, example); err != nil {
		return err
	}
	self := t.AssignerID == c.me.ID
	reviewer := c.me
	if !self {
		var err error
		if reviewer, err = c.reviewerOf(t); err != nil {
			return err
		}
	}
	e := &nhacviec.Extension{TaskID: t.ID, AskerID: c.me.ID, ReviewerID: reviewer.ID, From: t.Deadline, To: at, Reason: reason}
	if err := c.tx.AskExtension(e); err != nil {
		return err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventExtensionAsked,
		Note: fmt.Sprintf("đến %s (hạn đang là %s). Lý do: %s", c.deadlineAt(at), c.deadline(t), reason)}); err != nil {
		return err
	}
	if self {
		// Nobody else answers for a task one gave oneself.
		return c.decide(e, true, "")
	}
	state := ""
	if t.Overdue(c.now) {
		state = " (" + c.state(t) + ")"
	}
	title := esc(t.Title)
	due := c.deadlineAt(at)
	if moved != "" {
		due += " (" + esc(moved) + ")"
	}
	text := fmt.Sprintf(textExtendRequest, esc(c.me.Mention()), t.ID, title, c.deadline(t), state, due,
		esc(reason), t.ID, t.ID)
	buttons := [][]nhacviec.Button{{
		{Text: "✅ Đồng ý", Data: fmt.Sprintf("ext:%d:y", e.ID)},
		{Text: "❌ Không đồng ý", Data: fmt.Sprintf("ext:%d:n", e.ID)},
	}}
	reached, err := c.tell(reviewer, t, &nhacviec.Message{TaskID: t.ID, Text: text, Buttons: buttons})
	if err != nil {
		return err
	}
	answer := fmt.Sprintf(textExtendAsked, esc(reviewer.Mention()), t.ID, due)
	if !reached {
		answer += "\n" + fmt.Sprintf(textMustStart, esc(reviewer.Mention()), esc(c.botName()))
	}
	return c.say(answer)
}

// reviewerOf is who answers a request to extend t: its assigner; or, when
// the assigner is gone — holds no role any more in the organisation the
// task belongs to (left or was removed), or cannot be written to (blocked
// the bot, or never opened a private chat with it) — the nearest head of
// t's unit or of a unit above it, else a leader there, who can be written
// to and is not the caller. Nobody such: the assigner still (the request
// is then said in the task's group). In a plain team's group anyone
// assigns without a role, so there having none is not being gone.
func (c *conv) reviewerOf(t *nhacviec.Task) (*nhacviec.Person, error) {
	assigner, err := c.person(t.AssignerID)
	if err != nil {
		return nil, err
	}
	gone := assigner.PrivateChatID == 0
	if !gone && t.UnitID != 0 && !c.isAdmin(c.tx, assigner) {
		chat, err := c.tx.Chat(t.ChatID)
		if err != nil {
			return nil, err
		}
		if chat.Kind == nhacviec.ChatPrivate || chat.UnitID != 0 {
			roles, err := c.tx.Roles(assigner.ID)
			if err != nil {
				return nil, err
			}
			gone = len(roles) == 0
		}
	}
	if !gone {
		return assigner, nil
	}
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	for unit := range st.tree.up(t.UnitID) {
		roles, err := c.tx.UnitRoles(unit)
		if err != nil {
			return nil, err
		}
		for _, want := range []nhacviec.Role{nhacviec.RoleHead, nhacviec.RoleLeader} {
			for _, m := range roles {
				if m.Role != want || m.PersonID == c.me.ID || m.PersonID == assigner.ID {
					continue
				}
				p, err := c.person(m.PersonID)
				if err != nil {
					return nil, err
				}
				if p.PrivateChatID != 0 {
					return p, nil
				}
			}
		}
	}
	return assigner, nil
}

// tell says m to p about t: privately, or, when p cannot be written to
// privately, in t's group with a mention. It reports whether p was
// reached privately.
func (c *conv) tell(p *nhacviec.Person, t *nhacviec.Task, m *nhacviec.Message) (bool, error) {
	reached, err := c.notify(p, m)
	if err != nil || reached {
		return reached, err
	}
	g, err := groupFor(c.tx, t)
	if err != nil || g == nil {
		return false, err
	}
	if g.ID == c.chat.ID {
		// Said here: the reply to the update carries it.
		m.Text = esc(p.Mention()) + " " + m.Text
		return false, c.reply(m)
	}
	m.ChatID, m.Kind, m.HTML, m.Text = g.ID, nhacviec.KindNotice, true, esc(p.Mention())+" "+m.Text
	m.NotBefore = c.Calendar.NotQuiet(c.now)
	_, err = c.tx.Enqueue(m)
	return false, err
}

// showExtension: /giahan 12 shows the request waiting on #12, with the
// buttons again for its reviewer.
func (c *conv) showExtension(id int64) error {
	t, err := c.visibleTask(id)
	if err != nil {
		return err
	}
	e, err := c.tx.PendingExtension(t.ID)
	if err != nil {
		return err
	}
	if !c.showable(t) {
		return nhacviec.Errorf(nhacviec.EForbidden, textAskPrivately, esc(c.botName()))
	}
	if e == nil {
		return nhacviec.Errorf(nhacviec.EInvalid, textExtendNonePending, t.ID, t.ID)
	}
	asker, err := c.person(e.AskerID)
	if err != nil {
		return err
	}
	reviewer, err := c.person(e.ReviewerID)
	if err != nil {
		return err
	}
	text := fmt.Sprintf(textExtendWaiting, esc(asker.Mention()), t.ID, esc(t.Title), c.deadline(t), c.deadlineAt(e.To),
		esc(e.Reason), esc(reviewer.Mention()))
	var buttons [][]nhacviec.Button
	if e.ReviewerID == c.me.ID {
		buttons = [][]nhacviec.Button{{
			{Text: "✅ Đồng ý", Data: fmt.Sprintf("ext:%d:y", e.ID)},
			{Text: "❌ Không đồng ý", Data: fmt.Sprintf("ext:%d:n", e.ID)},
		}}
	}
	return c.reply(&nhacviec.Message{TaskID: t.ID, Text: text, Buttons: buttons})
}

// pendingFor is the request waiting on task id, for its reviewer to
// answer by command.
func (c *conv) pendingFor(id int64) (*nhacviec.Extension, error) {
	t, err := c.visibleTask(id)
	if err != nil {
		return nil, err
	}
	e, err := c.tx.PendingExtension(t.ID)
	if err != nil {
		return nil, err
	}
	if e == nil {
		if !t.Open() {
			return nil, nhacviec.Errorf(nhacviec.EConflict, textExtendClosed, t.ID, statusText(t.Status))
		}
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textExtendNonePending, t.ID, t.ID)
	}
	return e, nil
}

// decideByButton answers request id from its ✅/❌ buttons. Button data is
// never trusted: the press is checked as the command would be.
func (c *conv) decideByButton(id int64, approve bool) error {
	e, err := c.tx.Extension(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	if e.ReviewerID != c.me.ID {
		// Someone who may read the task learns who answers; anyone else
		// learns nothing, not even that the request exists.
		t, err := c.tx.Task(e.TaskID)
		if err != nil {
			return err
		}
		if ok, err := c.canSee(t); err != nil || !ok {
			if err == nil {
				err = nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
			}
			return err
		}
	}
	return c.decide(e, approve, "")
}

// decide records the reviewer's answer to e: approved, the deadline in
// force moves (and the reminders are planned afresh); refused, it stays.
// The asker is told either way.
func (c *conv) decide(e *nhacviec.Extension, approve bool, note string) error {
	t, err := c.tx.Task(e.TaskID)
	if err != nil {
		return err
	}
	if e.ReviewerID != c.me.ID {
		reviewer, err := c.person(e.ReviewerID)
		if err != nil {
			return err
		}
		return nhacviec.Errorf(nhacviec.EForbidden, textExtendNotReviewer, esc(reviewer.Mention()), t.ID, t.ID)
	}
	switch {
	case e.State == nhacviec.ExtensionLapsed || (e.State == nhacviec.ExtensionPending && !t.Open()):
		return nhacviec.Errorf(nhacviec.EConflict, textExtendLapsed, t.ID, statusText(t.Status))
	case e.State != nhacviec.ExtensionPending:
		return nhacviec.Errorf(nhacviec.EConflict, textExtendDecided, t.ID, decisionText(e.State),
			e.DecidedAt.In(c.Calendar.Location()).Format("15:04 02/01/2006"))
	case approve && !e.To.After(t.Deadline):
		// The deadline moved since the request: it no longer asks for more time.
		return nhacviec.Errorf(nhacviec.EConflict, textExtendOutdated, t.ID, c.deadline(t))
	}
	if n := utf8.RuneCountInString(note); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, "/giahan 12 khong cần nộp đúng hạn")
	}
	from := t.Deadline
	e.DeciderID, e.Answer = c.me.ID, note
	kind := nhacviec.EventExtensionRefused
	if approve {
		e.State, kind = nhacviec.ExtensionApproved, nhacviec.EventExtensionApproved
		if err := nhacviec.MoveDeadline(c.tx, t, e.To, c.now); err != nil {
			return err
		}
	} else {
		e.State = nhacviec.ExtensionRefused
	}
	if err := c.tx.DecideExtension(e); err != nil {
		return err
	}
	history := fmt.Sprintf("xin đến %s", c.deadlineAt(e.To))
	if approve {
		history = fmt.Sprintf("hạn mới %s, hạn cũ %s", c.deadlineAt(e.To), c.deadlineAt(from))
	}
	if note != "" {
		history += ". Ý kiến: " + note
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: kind, Note: history}); err != nil {
		return err
	}
	if cb := c.u.Callback; cb != nil && strings.HasPrefix(cb.Data, "ext:") {
		if err := c.removeButtons(); err != nil {
			return err
		}
	}
	if e.AskerID == c.me.ID {
		// A task one gave oneself: the asker is the one answering.
		return c.say(fmt.Sprintf(textExtendSelf, t.ID, c.deadline(t), c.deadlineAt(from)))
	}
	asker, err := c.person(e.AskerID)
	if err != nil {
		return err
	}
	var told string
	if approve {
		told = fmt.Sprintf(textExtendApprovedNotice, esc(c.me.Mention()), t.ID, esc(t.Title), c.deadline(t), c.deadlineAt(from))
	} else {
		told = fmt.Sprintf(textExtendRefusedNotice, esc(c.me.Mention()), t.ID, esc(t.Title), c.deadline(t))
	}
	if note != "" {
		told += "\n" + fmt.Sprintf(textExtendAnswerNote, esc(note))
	}
	buttons := doneButton(t)
	if _, err := c.tell(asker, t, &nhacviec.Message{TaskID: t.ID, Text: told, Buttons: buttons}); err != nil {
		return err
	}
	if approve {
		return c.say(fmt.Sprintf(textExtendApproved, t.ID, c.deadline(t), esc(asker.Mention())))
	}
	return c.say(fmt.Sprintf(textExtendRefused, t.ID, esc(asker.Mention())))
}

func decisionText(s nhacviec.ExtensionState) string {
	if s == nhacviec.ExtensionApproved {
		return "đồng ý"
	}
	return "không đồng ý"
}

// lapseExtension ends the request waiting on a task that was closed:
// nobody needs to answer it any more, and a late button says so.
func (c *conv) lapseExtension(t *nhacviec.Task) error {
	e, err := c.tx.PendingExtension(t.ID)
	if err != nil || e == nil {
		return err
	}
	e.State = nhacviec.ExtensionLapsed
	return c.tx.DecideExtension(e)
}

// ---- /tiendo ----

// progress: /tiendo 12 [N%] ghi chú records a progress note on #12 and
// tells the assigner. The id may be left out by someone who holds one
// open task.
func (c *conv) progress(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textProgressUsage)
	}
	first, rest, _ := strings.Cut(args, " ")
	id, ok := parseID(first)
	if !ok {
		open, err := c.tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: c.me.ID, Limit: 2})
		if err != nil {
			return err
		}
		if len(open) != 1 {
			return badID(first, "/tiendo 12 60% đã xong phần khảo sát")
		}
		id, rest = open[0].ID, args
	}
	rest = strings.TrimSpace(rest)
	pct := nhacviec.NoPercent
	word, note, _ := strings.Cut(rest, " ")
	if n, isPercent, valid := percentArg(word); isPercent {
		if !valid {
			return nhacviec.Errorf(nhacviec.EInvalid, textPercentRange, esc(clip(word, maxEcho)))
		}
		pct, rest = n, strings.TrimSpace(note)
	}
	if rest == "" && pct == nhacviec.NoPercent {
		return nhacviec.Errorf(nhacviec.EInvalid, textProgressNoNote, id)
	}
	return c.addProgress(id, pct, rest, textProgressExample)
}

// addProgress records a note on task id by someone involved in it, and
// tells the other side once: the assigner, or, for the assigner's own
// note, the assignee.
func (c *conv) addProgress(id int64, pct int, note, example string) error {
	t, err := c.visibleTask(id)
	if err != nil {
		return err
	}
	if !c.reports(t) {
		return c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textProgressNotInvolved, t.ID))
	}
	if !t.Open() {
		return nhacviec.Errorf(nhacviec.EConflict, textProgressClosed, t.ID, statusText(t.Status))
	}
	if n := utf8.RuneCountInString(note); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, example)
	}
	if err := c.tx.AddProgress(&nhacviec.Progress{TaskID: t.ID, PersonID: c.me.ID, Percent: pct, Note: note}); err != nil {
		return err
	}
	said := progressText(pct, note)
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventProgress, Note: said}); err != nil {
		return err
	}
	to := t.AssignerID
	if to == c.me.ID {
		to = t.AssigneeID
	}
	answer := fmt.Sprintf(textProgressSaved, t.ID)
	if pct != nhacviec.NoPercent {
		answer = fmt.Sprintf(textProgressSavedPercent, t.ID, pct)
	}
	if to != c.me.ID {
		p, err := c.person(to)
		if err != nil {
			return err
		}
		reached, err := c.notify(p, &nhacviec.Message{TaskID: t.ID,
			Text: fmt.Sprintf(textProgressNotice, t.ID, esc(t.Title), esc(c.me.Mention()), esc(said))})
		if err != nil {
			return err
		}
		if reached {
			answer += " " + fmt.Sprintf(textProgressForwarded, esc(p.Mention()))
		} else {
			answer += "\n" + fmt.Sprintf(textMustStart, esc(p.Mention()), esc(c.botName()))
		}
	}
	return c.say(answer)
}

// progressText is a note as the history and the notices say it.
func progressText(pct int, note string) string {
	switch {
	case pct == nhacviec.NoPercent, strings.Contains(note, strconv.Itoa(pct)+"%"):
		return note // "đã làm được 50%" says it already
	case note == "":
		return fmt.Sprintf("%d%%", pct)
	}
	return fmt.Sprintf("%d%% — %s", pct, note)
}

// ---- replies to a message about a task ----

// replyAbout handles a reply, other than "xong", to a bot message about
// tasks: a request to extend one ("xin gia hạn đến 25/12 vì …"), the
// reviewer's answer to one ("đồng ý", "không đồng ý vì …"), or a progress
// note from someone involved. ok is false when the reply is none of
// these: not about a task, or from someone it does not concern.
func (c *conv) replyAbout(text string) (cmd string, ok bool, err error) {
	ids, err := c.tx.TasksOfMessage(c.chat.ID, c.u.ReplyTo)
	if err != nil || len(ids) == 0 {
		return "", false, err
	}
	kind, mine, err := c.replyKind(text, ids)
	if err != nil || len(mine) == 0 {
		return "", false, err
	}
	if len(mine) == 1 {
		if kind == "tiendo" {
			// The words of the "Khác" just picked as the overdue cause.
			if ok, err := c.causeWords(mine[0], text); ok || err != nil {
				return "lydo", true, err
			}
		}
		return kind, true, c.applyReply(mine[0], text)
	}
	return kind, true, c.whichTask(kind, text, mine)
}

// replyKind says what a reply is (its command's name) and which of the
// tasks of the message it may be about.
func (c *conv) replyKind(text string, ids []int64) (string, []int64, error) {
	if _, _, ok := extensionRequest(text); ok {
		mine, err := c.tasksWhere(ids, func(t *nhacviec.Task) bool { return t.AssigneeID == c.me.ID })
		if len(ids) == 1 {
			mine = ids // whatever it is, the request gets its precise answer
		}
		return "giahan", mine, err
	}
	if _, _, ok := decisionWord(text, false); ok {
		for _, id := range ids {
			e, err := c.tx.PendingExtension(id)
			if err != nil {
				return "", nil, err
			}
			if e != nil && e.ReviewerID == c.me.ID {
				return "giahan", []int64{id}, nil
			}
		}
	}
	if len(ids) == 1 {
		t, err := c.tx.Task(ids[0])
		if err != nil || !c.reports(t) {
			return "", nil, err
		}
		return "tiendo", ids, nil
	}
	mine, err := c.tasksWhere(ids, c.reports)
	return "tiendo", mine, err
}

// tasksWhere returns the open tasks among ids that keep says yes to.
func (c *conv) tasksWhere(ids []int64, keep func(*nhacviec.Task) bool) ([]int64, error) {
	var out []int64
	for _, id := range ids {
		t, err := c.tx.Task(id)
		if err != nil {
			return nil, err
		}
		if t.Open() && keep(t) {
			out = append(out, id)
		}
	}
	return out, nil
}

// applyReply applies a reply to task id.
func (c *conv) applyReply(id int64, text string) error {
	if before, after, ok := extensionRequest(text); ok {
		t, err := c.extendable(id)
		if err != nil {
			return err
		}
		_, dl, rest, err := cutDeadline(c.Calendar, after, c.now, t.Deadline)
		if err != nil {
			return extendDateError(err, textExtendReplyExample)
		}
		reason := reasonOf(rest)
		if reason == "" {
			reason = before // "đã làm được 50%, xin gia hạn đến 25/12"
		}
		return c.askOrChoose(t, dl, reason, textExtendReplyExample)
	}
	if approve, note, ok := decisionWord(text, false); ok {
		e, err := c.tx.PendingExtension(id)
		if err != nil {
			return err
		}
		if e != nil && e.ReviewerID == c.me.ID {
			return c.decide(e, approve, note)
		}
	}
	return c.addProgress(id, percentInText(text), strings.TrimSpace(text), textProgressReplyExample)
}

// whichTask asks which task a reply to a message about several is about,
// with a button each.
func (c *conv) whichTask(kind, text string, ids []int64) error {
	ids = ids[:min(len(ids), maxMergedButtons)]
	d, err := c.saveJSONDraft(draftReply, replyDraft{Text: text, Tasks: ids})
	if err != nil {
		return err
	}
	var b strings.Builder
	what := textWhichProgress
	if kind == "giahan" {
		what = textWhichExtension
	}
	fmt.Fprintf(&b, what, len(ids))
	var rows [][]nhacviec.Button
	for i, id := range ids {
		t, err := c.tx.Task(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\n• #%d %s", t.ID, esc(clip(t.Title, maxEcho*2)))
		bt := nhacviec.Button{Text: fmt.Sprintf("#%d", t.ID), Data: fmt.Sprintf("on:%d:%d", d.ID, i)}
		if i%4 == 0 {
			rows = append(rows, []nhacviec.Button{bt})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], bt)
		}
	}
	return c.reply(&nhacviec.Message{Text: b.String(), Buttons: rows})
}

// chooseReplyTask applies a reply to the task its author picked.
func (c *conv) chooseReplyTask(draftID int64, choice string) error {
	var r replyDraft
	d, i, err := c.ownDraft(draftID, draftReply, choice, &r)
	if err != nil {
		return err
	}
	if i >= len(r.Tasks) || r.Tasks[i] <= 0 {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	return c.applyReply(r.Tasks[i], r.Text)
}

// ---- /chitiet ----

// deadlineNote is what /chitiet adds to the deadline in force of a task
// whose deadline was extended: where it came from.
func (c *conv) deadlineNote(exts []*nhacviec.Extension) string {
	var first *nhacviec.Extension
	n := 0
	for _, e := range exts {
		if e.State == nhacviec.ExtensionApproved {
			if first == nil {
				first = e
			}
			n++
		}
	}
	switch {
	case first == nil:
		return ""
	case n == 1:
		return fmt.Sprintf(textExtendedFrom, c.deadlineAt(first.From))
	}
	return fmt.Sprintf(textExtendedTimes, n, c.deadlineAt(first.From))
}

// followUpLines are /chitiet's lines on a request waiting and the latest
// percentage done.
func (c *conv) followUpLines(exts []*nhacviec.Extension, notes []*nhacviec.Progress) (string, error) {
	var b strings.Builder
	for _, e := range exts {
		if e.State != nhacviec.ExtensionPending {
			continue
		}
		reviewer, err := c.person(e.ReviewerID)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\n"+textDetailPending, c.deadlineAt(e.To), esc(reviewer.Mention()))
	}
	for i := len(notes) - 1; i >= 0; i-- {
		if p := notes[i]; p.Percent != nhacviec.NoPercent {
			who, err := c.person(p.PersonID)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "\n"+textDetailPercent, p.Percent, esc(who.Mention()), p.At.In(c.Calendar.Location()).Format("15:04 02/01/2006"))
			break
		}
	}
	return b.String(), nil
}

const (
	textExtendUsage        = "Cách xin gia hạn: /giahan mã_việc THỜI_HẠN_MỚI lý do\nVí dụ: /giahan 12 25/12 chờ số liệu của Sở Tài chính\nHoặc trả lời tin nhắn về việc đó: \"xin gia hạn đến 25/12 vì chờ số liệu\"."
	textExtendExample      = "Ví dụ: /giahan 12 25/12 chờ số liệu của Sở Tài chính"
	textExtendReplyExample = "Ví dụ, trả lời tin nhắn về việc: xin gia hạn đến 25/12 vì chờ số liệu"
	textExtendNoDate       = "Xin gia hạn đến khi nào? Hãy ghi thời hạn mới (20/12, 17h 20/12, thứ 6 tuần sau, thêm 3 ngày) rồi lý do.\n%s"
	textExtendNoReason     = "Xin gia hạn cần nêu lý do.\n%s"
	textNoteTooLong        = "Nội dung dài quá: tối đa %d ký tự (bạn gõ %d). Hãy tóm tắt lại.\n%s"
	textExtendNotLater     = "Thời hạn xin gia hạn (%s) phải sau hạn hiện tại của việc #%d (%s).\n%s"
	textExtendPastNext     = "Việc #%d lặp lại (%s): chỉ gia hạn được đến trước hạn của kỳ sau (%s). Ví dụ: /giahan %[1]d thêm 2 ngày chờ số liệu"
	textExtendPending      = "Việc #%d đang có yêu cầu gia hạn đến %s chờ %s trả lời. Mỗi lúc chỉ một yêu cầu: chờ trả lời rồi xin lại nếu cần. Xem: /chitiet %d"
	textExtendOnlyAssignee = "Chỉ người thực hiện việc #%d mới xin gia hạn được. Người thực hiện gõ, ví dụ: /giahan 12 25/12 chờ số liệu"
	textExtendClosed       = "Việc #%d đã %s rồi: không gia hạn được nữa. Xem việc đang mở: /viec"
	textExtendWhichDate    = "Bạn xin gia hạn việc #%d đến ngày nào? Chọn một:"
	textExtendChoicePast   = "Ngày bạn chọn đã qua. Hãy xin lại, ví dụ: /giahan %d 25/12 chờ số liệu"
	textExtendRequest      = "📨 %s xin gia hạn việc #%d: <b>%s</b>\nHạn hiện tại: %s%s\nXin đến: %s\nLý do: %s\n\nBấm nút dưới đây, hoặc gõ: /giahan %d dongy — /giahan %d khong LÝ_DO"
	textExtendAsked        = "📨 Đã gửi %s yêu cầu gia hạn việc #%d đến %s. Tôi sẽ báo bạn khi có trả lời."
	textExtendWaiting      = "📨 %s xin gia hạn việc #%d: <b>%s</b>\nHạn hiện tại: %s\nXin đến: %s\nLý do: %s\nChờ %s trả lời."
	textExtendNonePending  = "Việc #%d không có yêu cầu gia hạn nào đang chờ. Người thực hiện xin bằng, ví dụ: /giahan %d 25/12 chờ số liệu"
	textExtendNotReviewer  = "Chỉ %s mới trả lời yêu cầu gia hạn việc #%d được. Xem: /chitiet %d"
	textExtendLapsed       = "Việc #%d đã %s: yêu cầu gia hạn không còn hiệu lực."
	textExtendDecided      = "Yêu cầu gia hạn việc #%d đã được trả lời rồi (%s, lúc %s). Không thay đổi gì."
	textExtendOutdated     = "Hạn việc #%d đã là %s, không còn sớm hơn thời hạn xin gia hạn. Không thay đổi gì."
	textExtendSelf         = "✅ Đã gia hạn việc #%d (việc bạn tự giao): hạn mới %s, trước đây %s."
	textExtendApproved     = "✅ Đã đồng ý gia hạn việc #%d đến %s. Đã báo %s."
	textExtendRefused      = "❌ Đã không đồng ý gia hạn việc #%d. Đã báo %s."
	textExtendAnswerNote   = "Ý kiến: %s"

	textExtendApprovedNotice = "✅ %s đồng ý gia hạn việc #%d: <b>%s</b>\nHạn mới: %s (trước đây: %s)."
	textExtendRefusedNotice  = "❌ %s không đồng ý gia hạn việc #%d: <b>%s</b>\nHạn vẫn là: %s."

	textProgressUsage        = "Cách báo tiến độ: /tiendo mã_việc [phần trăm] ghi chú\nVí dụ: /tiendo 12 60%% đã xong phần khảo sát\nHoặc trả lời tin nhắn về việc đó bằng vài dòng ghi chú."
	textProgressExample      = "Ví dụ: /tiendo 12 60% đã xong phần khảo sát"
	textProgressReplyExample = "Ví dụ, trả lời tin nhắn về việc: đã xong phần khảo sát, còn phần tổng hợp"
	textProgressNoNote       = "Thiếu nội dung tiến độ việc #%d. Ví dụ: /tiendo %[1]d 60%% đã xong phần khảo sát"
	textPercentRange         = "Tỷ lệ hoàn thành \"%s\" không hợp lệ: ghi một số nguyên từ 0 đến 100 rồi dấu %%. Ví dụ: /tiendo 12 60%% đã xong phần khảo sát"
	textProgressNotInvolved  = "Chỉ người thực hiện, người phối hợp hoặc người giao việc #%d mới báo tiến độ được. Ví dụ, người thực hiện gõ: /tiendo 12 60%% đã xong phần khảo sát"
	textProgressClosed       = "Việc #%d đã %s rồi: không ghi tiến độ nữa. Xem việc đang mở: /viec"
	textProgressSaved        = "📝 Đã ghi tiến độ việc #%d."
	textProgressSavedPercent = "📝 Đã ghi tiến độ việc #%d: %d%%."
	textProgressForwarded    = "Đã chuyển cho %s."
	textProgressNotice       = "📝 Tiến độ việc #%d: <b>%s</b>\n%s: %s"
	textWhichProgress        = "Tin này nói về %d việc. Ghi chú tiến độ này cho việc nào? Bấm một nút, hoặc gõ: /tiendo mã_việc ghi chú"
	textWhichExtension       = "Tin này nói về %d việc của bạn. Xin gia hạn việc nào? Bấm một nút, hoặc gõ: /giahan mã_việc 25/12 lý do"

	textExtendedFrom  = " (gia hạn từ %s)"
	textExtendedTimes = " (gia hạn %d lần, từ %s)"
	textDetailPending = "Đang xin gia hạn đến %s, chờ %s trả lời."
	textDetailPercent = "Tiến độ: %d%% (%s, %s)"
)

// reports says whether the caller may report progress on t: its lead, its
// assigner, or a coordinator of a part of it (whose notes reach the
// assigner as the lead's do). A read error counts as no.
func (c *conv) reports(t *nhacviec.Task) bool {
	if c.involved(t) {
		return true
	}
	ok, err := c.coordinates(t)
	return ok && err == nil
}
