package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Review (duyệt) and return (trả lại). A task that needs review is not
// done when its lead says "xong": it is submitted (chờ duyệt) to its
// reviewer — the assigner, or the nearest head or leader when the
// assigner is gone (reviewerOf) — who approves it (the task is done, on
// time or late by the submission's time) or returns it with a reason (the
// task is open again with its deadline; the second return is reported to
// the head of its unit and the organisation's monitors). While it waits,
// the reviewer is reminded and the lead is not chased.

// The review buttons: "rv:5:y" approves submission 5, "rv:5:n" returns
// it (asking for the reason); "rev:12:1" / "rev:12:0" sets / clears task
// 12's need of review, as the marks' toggles do. A submission's id, not
// its task's, makes a button of an earlier submission stale.
const (
	actionDecide = "rv"
	actionReview = "rev"
	markReview   = "🔍"
)

// doneReply reads a reply that says a task is finished: "xong", "Xong!",
// "đã xong." (doneWords), or one of them followed by a comma, a colon, a
// dash or a full stop and the person's words on the result: "xong, đã
// gửi dự thảo qua email". "xong 80%, chiều nộp" is not one: a progress
// note.
func doneReply(text string) (note string, ok bool) {
	if isDoneReply(text) {
		return "", true
	}
	ws := spans(text)
	for k := min(3, len(ws)); k >= 1; k-- {
		var words []string
		for _, w := range ws[:k] {
			words = append(words, w.fold)
		}
		if !doneWords[strings.Join(words, " ")] {
			continue
		}
		last := text[ws[k-1].start:ws[k-1].end]
		rest := text[ws[k-1].end:]
		if !strings.ContainsAny(last[len(last)-1:], ",:;.!-") && !strings.ContainsAny(firstRune(strings.TrimSpace(rest)), ",:;.-–—") {
			return "", false
		}
		return trimNote(rest), true
	}
	return "", false
}

func firstRune(s string) string {
	if s == "" {
		return ""
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// noteLine is a note on its own line of a notice, "" for none.
func noteLine(note string) string {
	if note == "" {
		return ""
	}
	return "\n" + fmt.Sprintf(textNoteLine, esc(note))
}

// ---- timeliness ----

// timeliness is how a done task's finish is said after its title: " —
// hoàn thành đúng hạn", " — hoàn thành trễ 2 ngày làm việc"; "" when it
// has no finish time.
func (c *conv) timeliness(t *nhacviec.Task) string {
	if t.FinishedAt.IsZero() {
		return ""
	}
	return " — " + timelinessText(t.LateDays)
}

// timelinessText says a lateness: "hoàn thành đúng hạn", "hoàn thành trễ
// 2 ngày làm việc", or "hoàn thành trễ hạn" when how late is unknown.
func timelinessText(late int) string {
	switch {
	case late == 0:
		return textOnTime
	case late > 0:
		return fmt.Sprintf(textLateDays, late)
	}
	return textLateUnknown
}

// submittedText says a submission's timeliness so far: "nộp đúng hạn",
// "nộp trễ 2 ngày làm việc".
func (c *conv) submittedText(t *nhacviec.Task, at time.Time) string {
	if late := c.Calendar.WorkingDaysLate(t.Deadline, at); late > 0 {
		return fmt.Sprintf(textSubmittedLate, late)
	}
	return textSubmittedOnTime
}

// when formats a moment: "10:00 Thứ Hai 23/11/2026".
func (c *conv) when(t time.Time) string { return calendar.FormatDeadline(t.In(c.Calendar.Location())) }

// ---- needs review ----

// setNeedsReview decides whether a new task needs review: when its
// assigner asked (the "duyệt" line), or when the setting of its unit (or
// of the nearest unit above that has one) says every task does. Nobody
// reviews a task one gave oneself.
func (c *conv) setNeedsReview(t *nhacviec.Task, asked bool) error {
	if t.AssigneeID == t.AssignerID {
		return nil
	}
	if asked {
		t.NeedsReview = true
		return nil
	}
	on, _, err := c.reviewSetting(t.UnitID)
	t.NeedsReview = on
	return err
}

// reviewSetting is the review setting in force in unit: on or off, and
// the unit that set it (0: nobody did, off by default).
func (c *conv) reviewSetting(unit int64) (on bool, from int64, err error) {
	if unit == 0 {
		return false, 0, nil
	}
	set, err := c.tx.UnitSettings(nhacviec.SettingReview)
	if err != nil || len(set) == 0 {
		return false, 0, err
	}
	st, err := c.standing()
	if err != nil {
		return false, 0, err
	}
	for u := range st.tree.up(unit) {
		if v, ok := set[u]; ok {
			return v == nhacviec.SettingOn, u, nil
		}
	}
	return false, 0, nil
}

// markReview sets or clears task id's need of review, for a press of its
// 🔍 button: checked as the marks' buttons are (mark), and refused while
// a submission waits (decide it first).
func (c *conv) markReview(id int64, choice string) error {
	if choice != "0" && choice != "1" {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	on := choice == "1"
	t, err := c.visibleTask(id)
	if err != nil {
		return err
	}
	if ok, err := c.canManage(t); err != nil {
		return err
	} else if !ok {
		return c.refuse(t, nhacviec.Errorf(nhacviec.EForbidden, textCannotMarkReview, t.ID))
	}
	switch {
	case !t.Open():
		return nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	case t.Submitted():
		return nhacviec.Errorf(nhacviec.EConflict, textReviewWaitsToggle, t.ID, t.ID, t.ID)
	case t.AssigneeID == t.AssignerID:
		return nhacviec.Errorf(nhacviec.EInvalid, textReviewSelf, t.ID)
	case t.NeedsReview == on:
		already := textReviewOnAlready
		if !on {
			already = textReviewOffAlready
		}
		if err := c.say(fmt.Sprintf(already, t.ID)); err != nil {
			return err
		}
		return c.refreshButtons(t)
	}
	t.NeedsReview = on
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	kind, said, notice := nhacviec.EventFlagged, textReviewOn, textReviewOnNotice
	if !on {
		kind, said, notice = nhacviec.EventUnflagged, textReviewOff, textReviewOffNotice
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: kind, Note: textReviewMarkName}); err != nil {
		return err
	}
	if err := c.say(fmt.Sprintf(said, t.ID)); err != nil {
		return err
	}
	if err := c.refreshButtons(t); err != nil {
		return err
	}
	assignee, err := c.person(t.AssigneeID)
	if err != nil || assignee.ID == c.me.ID {
		return err
	}
	_, err = c.notify(assignee, &nhacviec.Message{TaskID: t.ID,
		Text: fmt.Sprintf(notice, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title))})
	return err
}

// ---- submit ----

// reviewDone handles "xong" on task id when review decides what it
// means: its lead submits a task that needs review; its reviewer, saying
// "xong" on a submitted task, approves it; anyone else is told it waits.
// handled is false when "xong" closes the task as usual.
func (c *conv) reviewDone(id int64, note string) (handled bool, err error) {
	t, err := c.tx.Task(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return false, nil // closeTask answers
	} else if err != nil {
		return true, err
	}
	if !t.Open() {
		return false, nil
	}
	if t.Submitted() {
		r, err := c.tx.PendingReview(t.ID)
		if err != nil || r == nil {
			return err != nil, err
		}
		if r.ReviewerID == c.me.ID {
			return true, c.approve(t, r, note)
		}
		if ok, err := c.canSee(t); err != nil || !ok {
			return err != nil, err // closeTask answers as for any task not theirs
		}
		reviewer, err := c.person(r.ReviewerID)
		if err != nil {
			return true, err
		}
		return true, nhacviec.Errorf(nhacviec.EConflict, textSubmittedAlready, t.ID, c.when(r.SubmittedAt), esc(reviewer.Mention()), t.ID)
	}
	if !t.NeedsReview || t.AssigneeID != c.me.ID || t.AssignerID == c.me.ID {
		return false, nil
	}
	return true, c.submit(t, note)
}

// submit sends the lead's "xong" on t to its reviewer: t waits (chờ
// duyệt), its chasing stops, the reviewer gets the result note with the
// buttons ✅ Duyệt / ↩️ Trả lại.
func (c *conv) submit(t *nhacviec.Task, note string) error {
	reviewer, err := c.reviewerOf(t)
	if err != nil {
		return err
	}
	r := &nhacviec.Review{TaskID: t.ID, SubmitterID: c.me.ID, ReviewerID: reviewer.ID, Note: note}
	if err := c.tx.SubmitReview(r); err != nil {
		return err
	}
	// From now the scheduler plans the reviewer's reminders; the lead's
	// that wait are dropped.
	t.SubmittedAt, t.NextPlanAt = c.now, c.now
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	if err := c.tx.Unplan(t.ID); err != nil {
		return err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventSubmitted, Note: note}); err != nil {
		return err
	}
	timely := c.submittedText(t, c.now)
	answer := fmt.Sprintf(textSubmittedNoTitle, t.ID, esc(reviewer.Mention()), timely)
	if title := t.Title; c.showable(t) {
		if c.u.Callback != nil {
			title = clip(title, maxAnswerTitle)
		}
		answer = fmt.Sprintf(textSubmitted, t.ID, esc(title), esc(reviewer.Mention()), timely)
	}
	text := fmt.Sprintf(textSubmission, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title), c.deadline(t), timely) +
		noteLine(note) + "\n\n" + fmt.Sprintf(textDecideHint, t.ID, t.ID)
	reached, err := c.tell(reviewer, t, &nhacviec.Message{TaskID: t.ID, Text: text, Buttons: decideButtons(r)})
	if err != nil {
		return err
	}
	if !reached {
		answer += "\n" + fmt.Sprintf(textMustStart, esc(reviewer.Mention()), esc(c.botName()))
	}
	if err := c.say(answer); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	// The lead's part of this occurrence is over: the next one is due.
	return c.nextOccurrence(t)
}

func decideButtons(r *nhacviec.Review) [][]nhacviec.Button {
	return [][]nhacviec.Button{{
		{Text: "✅ Duyệt", Data: fmt.Sprintf("%s:%d:y", actionDecide, r.ID)},
		{Text: "↩️ Trả lại", Data: fmt.Sprintf("%s:%d:n", actionDecide, r.ID)},
	}}
}

// ---- decide ----

// approveCmd: /duyet 12 [ghi chú] approves #12; /duyet alone lists what
// waits for the caller.
func (c *conv) approveCmd(args string) error {
	if args == "" {
		return c.waitingForMe()
	}
	first, note, _ := strings.Cut(args, " ")
	id, ok := parseID(strings.TrimRight(first, ",:;."))
	if !ok {
		return badID(first, "/duyet 12")
	}
	note = trimNote(note)
	if n := utf8.RuneCountInString(note); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, "Ví dụ: /duyet 12 đạt yêu cầu")
	}
	t, r, err := c.waitingReview(id)
	if err != nil {
		return err
	}
	return c.approve(t, r, note)
}

// returnCmd: /tralai 12 LÝ_DO returns #12 to its lead.
func (c *conv) returnCmd(args string) error {
	if args == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textReturnUsage)
	}
	first, reason, _ := strings.Cut(args, " ")
	id, ok := parseID(strings.TrimRight(first, ",:;."))
	if !ok {
		return badID(first, "/tralai 12 thiếu số liệu quý III")
	}
	t, r, err := c.waitingReview(id)
	if err != nil {
		return err
	}
	return c.sendBack(t, r, reasonOf(reason))
}

// waitingReview loads task id and its submission waiting for the caller.
// Its reviewer may decide it (even one who no longer sees the task
// otherwise); anyone else who may read the task learns who decides, or
// why there is nothing to decide; others learn nothing.
func (c *conv) waitingReview(id int64) (*nhacviec.Task, *nhacviec.Review, error) {
	t, err := c.tx.Task(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nil, nil, nhacviec.Errorf(nhacviec.ENotFound, textNoSuchTask, id)
	} else if err != nil {
		return nil, nil, err
	}
	r, err := c.tx.PendingReview(t.ID)
	if err != nil {
		return nil, nil, err
	}
	if r != nil && r.ReviewerID == c.me.ID {
		return t, r, nil
	}
	if ok, err := c.canSee(t); err != nil {
		return nil, nil, err
	} else if !ok {
		return nil, nil, nhacviec.Errorf(nhacviec.ENotFound, textNoSuchTask, id)
	}
	if r != nil {
		reviewer, err := c.person(r.ReviewerID)
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, nhacviec.Errorf(nhacviec.EForbidden, textNotReviewer, esc(reviewer.Mention()), t.ID, t.ID)
	}
	if !t.Open() {
		rs, err := c.tx.Reviews(t.ID)
		if err != nil {
			return nil, nil, err
		}
		if n := len(rs); n > 0 && rs[n-1].Decision == nhacviec.ReviewApproved {
			return nil, nil, nhacviec.Errorf(nhacviec.EConflict, textApprovedAlready, t.ID, c.when(rs[n-1].DecidedAt))
		}
		return nil, nil, nhacviec.Errorf(nhacviec.EConflict, textAlreadyClosed, t.ID, statusText(t.Status))
	}
	return nil, nil, nhacviec.Errorf(nhacviec.EConflict, textNothingToReview, t.ID, t.ID)
}

// decideReviewButton decides submission id from its ✅ / ↩️ buttons. Button
// data is never trusted: the press is checked against the stored
// submission, its task and the presser, as the commands are.
func (c *conv) decideReviewButton(id int64, approve bool) error {
	r, err := c.tx.Review(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	t, err := c.tx.Task(r.TaskID)
	if err != nil {
		return err
	}
	if r.ReviewerID != c.me.ID {
		// Someone who may read the task learns who decides; anyone else
		// learns nothing, not even that it was submitted.
		if ok, err := c.canSee(t); err != nil || !ok {
			if err == nil {
				err = nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
			}
			return err
		}
		reviewer, err := c.person(r.ReviewerID)
		if err != nil {
			return err
		}
		return nhacviec.Errorf(nhacviec.EForbidden, textNotReviewer, esc(reviewer.Mention()), t.ID, t.ID)
	}
	switch r.Decision {
	case nhacviec.ReviewApproved:
		return nhacviec.Errorf(nhacviec.EConflict, textApprovedAlready, t.ID, c.when(r.DecidedAt))
	case nhacviec.ReviewReturned:
		return nhacviec.Errorf(nhacviec.EConflict, textReturnedAlready, t.ID, c.when(r.DecidedAt), t.ID)
	case nhacviec.ReviewLapsed:
		return nhacviec.Errorf(nhacviec.EConflict, textReviewLapsed, t.ID, statusText(t.Status))
	}
	if approve {
		return c.approve(t, r, "")
	}
	// A button carries no reason; a return needs one.
	return nhacviec.Errorf(nhacviec.EInvalid, textReturnNeedsReason, t.ID, t.ID)
}

// checkDecision checks that r, waiting on t, is the caller's to decide
// now, and the note's length.
func (c *conv) checkDecision(t *nhacviec.Task, r *nhacviec.Review, note, example string) error {
	switch {
	case r.ReviewerID != c.me.ID:
		return nhacviec.Errorf(nhacviec.EForbidden, textStaleButton)
	case r.Decision != "" || !t.Open():
		return nhacviec.Errorf(nhacviec.EConflict, textReviewLapsed, t.ID, statusText(t.Status))
	}
	if n := utf8.RuneCountInString(note); n > maxNote {
		return nhacviec.Errorf(nhacviec.EInvalid, textNoteTooLong, maxNote, n, example)
	}
	return nil
}

// approve accepts the submission r of t: t is done, on time or late by
// the time of r, against the deadline in force; its lead is told.
func (c *conv) approve(t *nhacviec.Task, r *nhacviec.Review, note string) error {
	if err := c.checkDecision(t, r, note, "Ví dụ: /duyet 12 đạt yêu cầu"); err != nil {
		return err
	}
	r.Decision, r.DeciderID, r.Reason = nhacviec.ReviewApproved, c.me.ID, note
	if err := c.tx.DecideReview(r); err != nil {
		return err
	}
	t.Status, t.ClosedAt, t.NextPlanAt, t.SubmittedAt = nhacviec.StatusDone, c.now, time.Time{}, time.Time{}
	t.FinishedAt, t.LateDays = r.SubmittedAt, c.Calendar.WorkingDaysLate(t.Deadline, r.SubmittedAt)
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventApproved, Note: note}); err != nil {
		return err
	}
	if err := c.lapseExtension(t); err != nil {
		return err
	}
	if err := c.tx.DropChasing(t.ID); err != nil {
		return err
	}
	lead, err := c.person(r.SubmitterID)
	if err != nil {
		return err
	}
	answer := fmt.Sprintf(textApprovedNoTitle, t.ID, timelinessText(t.LateDays))
	if title := t.Title; c.showable(t) {
		if c.u.Callback != nil {
			title = clip(title, maxAnswerTitle)
		}
		answer = fmt.Sprintf(textApproved, t.ID, esc(title), timelinessText(t.LateDays))
	}
	if lead.ID != c.me.ID {
		answer += " " + fmt.Sprintf(textToldLead, esc(lead.Mention()))
	}
	if err := c.say(answer); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	if lead.ID == c.me.ID {
		return nil
	}
	told := fmt.Sprintf(textApprovedNotice, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title),
		capitalize(timelinessText(t.LateDays)), c.when(r.SubmittedAt))
	if note != "" {
		told += "\n" + fmt.Sprintf(textDecisionNote, esc(note))
	}
	_, err = c.tell(lead, t, &nhacviec.Message{TaskID: t.ID, Text: told})
	return err
}

// sendBack returns the submission r of t to its lead, for reason: t is
// open again with its deadline, and chased for it; the return is counted
// on t, and from the second one on the head of its unit and the
// organisation's monitors are told.
func (c *conv) sendBack(t *nhacviec.Task, r *nhacviec.Review, reason string) error {
	if reason == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textReturnNeedsReason, t.ID, t.ID)
	}
	if err := c.checkDecision(t, r, reason, fmt.Sprintf("Ví dụ: /tralai %d thiếu số liệu quý III", t.ID)); err != nil {
		return err
	}
	r.Decision, r.DeciderID, r.Reason = nhacviec.ReviewReturned, c.me.ID, reason
	if err := c.tx.DecideReview(r); err != nil {
		return err
	}
	t.SubmittedAt, t.NextPlanAt = time.Time{}, c.now
	t.Returns++
	if err := c.tx.SaveTask(t); err != nil {
		return err
	}
	// The reviewer's reminders waiting are dropped; the lead's are
	// planned afresh from the deadline.
	if err := c.tx.Unplan(t.ID); err != nil {
		return err
	}
	if err := c.tx.AddEvent(&nhacviec.TaskEvent{TaskID: t.ID, ActorID: c.me.ID, Kind: nhacviec.EventReturned, Note: reason}); err != nil {
		return err
	}
	lead, err := c.person(r.SubmitterID)
	if err != nil {
		return err
	}
	answer := fmt.Sprintf(textReturned, t.ID, esc(lead.Mention()), t.Returns)
	if lead.ID != c.me.ID {
		told := fmt.Sprintf(textReturnedNotice, esc(c.me.Mention()), t.ID, marks(t), esc(t.Title), esc(reason),
			c.deadline(t), c.state(t))
		reached, err := c.tell(lead, t, &nhacviec.Message{TaskID: t.ID, Text: told, Buttons: doneButton(t)})
		if err != nil {
			return err
		}
		if !reached {
			answer += "\n" + fmt.Sprintf(textMustStart, esc(lead.Mention()), esc(c.botName()))
		}
	}
	if t.Returns >= 2 {
		watchers, err := c.returnWatchers(t, lead.ID)
		if err != nil {
			return err
		}
		var names []string
		text := fmt.Sprintf(textReturnedAgain, t.ID, t.Returns, marks(t), esc(t.Title), esc(lead.Mention()),
			esc(c.me.Mention()), esc(reason))
		for _, w := range watchers {
			reached, err := c.notify(w, &nhacviec.Message{TaskID: t.ID, Text: text})
			if err != nil {
				return err
			}
			if reached {
				names = append(names, esc(w.Mention()))
			}
		}
		if len(names) > 0 {
			answer += "\n" + fmt.Sprintf(textToldWatchers, strings.Join(names, ", "))
		}
	}
	if err := c.say(answer); err != nil {
		return err
	}
	return c.removeButtons()
}

// returnWatchers is who hears of a task returned again: the heads of
// its unit, or of the nearest unit above that has one other than the
// lead and the caller; and the monitors (theo dõi) of the organisation
// it belongs to. None for a task of no unit.
func (c *conv) returnWatchers(t *nhacviec.Task, leadID int64) ([]*nhacviec.Person, error) {
	if t.UnitID == 0 {
		return nil, nil
	}
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{leadID: true, c.me.ID: true}
	var out []*nhacviec.Person
	add := func(id int64) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		p, err := c.person(id)
		if err == nil {
			out = append(out, p)
		}
		return err
	}
	root := t.UnitID
	headed := false
	for unit := range st.tree.up(t.UnitID) {
		root = unit
		if headed {
			continue
		}
		roles, err := c.tx.UnitRoles(unit)
		if err != nil {
			return nil, err
		}
		for _, m := range roles {
			if m.Role == nhacviec.RoleHead && !seen[m.PersonID] {
				headed = true
				if err := add(m.PersonID); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, unit := range st.tree.subtree(root) {
		roles, err := c.tx.UnitRoles(unit)
		if err != nil {
			return nil, err
		}
		for _, m := range roles {
			if m.Role == nhacviec.RoleMonitor {
				if err := add(m.PersonID); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// lapseReview ends the submission waiting on a task that is being closed
// otherwise (cancelled): nobody decides it any more, and its buttons say
// so.
func (c *conv) lapseReview(t *nhacviec.Task) error {
	if !t.Submitted() {
		return nil
	}
	t.SubmittedAt = time.Time{}
	r, err := c.tx.PendingReview(t.ID)
	if err != nil || r == nil {
		return err
	}
	r.Decision = nhacviec.ReviewLapsed
	return c.tx.DecideReview(r)
}

// ---- replies ----

// reviewWords are the replies that decide a submission, folded: approve
// (with a note after) or return (with the reason after).
// Only the words that name review ("duyệt", "trả lại") are taken as
// meant for a review when another answer could be meant ("đồng ý" to a
// request to extend, "ok" to anything).
var reviewWords = []struct {
	words   []string
	approve bool
	named   bool
}{
	{[]string{"khong", "duyet"}, false, true}, {[]string{"tra", "lai"}, false, true}, {[]string{"tralai"}, false, true},
	{[]string{"chua", "dat"}, false, false}, {[]string{"khong", "dat"}, false, false},
	{[]string{"duyet"}, true, true}, {[]string{"dong", "y"}, true, false}, {[]string{"dongy"}, true, false}, {[]string{"ok"}, true, false},
}

// reviewWord reads the start of a reviewer's reply: approve or return,
// what follows (the note, the reason), and whether its words name review.
func reviewWord(text string) (approve bool, rest string, named, ok bool) {
	ws := spans(text)
	for _, rw := range reviewWords {
		if len(ws) < len(rw.words) {
			continue
		}
		match := true
		for i, w := range rw.words {
			match = match && ws[i].fold == w
		}
		if match {
			return rw.approve, reasonOf(text[ws[len(rw.words)-1].end:]), rw.named, true
		}
	}
	return false, "", false, false
}

// reviewReply decides a submission from its reviewer's reply to a
// message about the task: "duyệt", "đồng ý, tốt", "trả lại vì thiếu phụ
// lục". ok is false when the reply is not such an answer, or when no
// submission the caller decides is on that message (an "đồng ý" may
// answer a request to extend instead).
func (c *conv) reviewReply(text string) (cmd string, ok bool, err error) {
	approve, rest, named, ok := reviewWord(text)
	if !ok || c.me == nil {
		return "", false, nil
	}
	ids, err := c.tx.TasksOfMessage(c.chat.ID, c.u.ReplyTo)
	if err != nil {
		return "", false, err
	}
	var others *nhacviec.Review // waiting for someone else
	for _, id := range ids {
		r, err := c.tx.PendingReview(id)
		if err != nil {
			return "", false, err
		}
		if r == nil {
			continue
		}
		if r.ReviewerID != c.me.ID {
			others = r
			continue
		}
		if !named {
			// "đồng ý" to a task with a request to extend waiting for
			// the caller: that request's answer.
			if e, err := c.tx.PendingExtension(id); err != nil {
				return "", false, err
			} else if e != nil && e.ReviewerID == c.me.ID {
				continue
			}
		}
		t, err := c.tx.Task(id)
		if err != nil {
			return "", false, err
		}
		if approve {
			return "duyet", true, c.approve(t, r, rest)
		}
		if rest == "" {
			return "tralai", true, nhacviec.Errorf(nhacviec.EInvalid, textReturnNeedsReason, t.ID, t.ID)
		}
		return "tralai", true, c.sendBack(t, r, rest)
	}
	if others != nil && named {
		// "duyệt" from someone who may read the task but not decide it.
		t, err := c.tx.Task(others.TaskID)
		if err != nil {
			return "", false, err
		}
		if ok, err := c.canSee(t); err != nil || !ok {
			return "", false, err
		}
		reviewer, err := c.person(others.ReviewerID)
		if err != nil {
			return "", false, err
		}
		return "duyet", true, nhacviec.Errorf(nhacviec.EForbidden, textNotReviewer, esc(reviewer.Mention()), t.ID, t.ID)
	}
	return "", false, nil
}

// ---- what waits ----

// waitingForMe: /duyet alone lists the submissions waiting for the
// caller, oldest first.
func (c *conv) waitingForMe() error {
	rs, err := c.tx.WaitingFor(c.me.ID, maxListed+1)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return c.say(textNoneWaiting)
	}
	var b strings.Builder
	fmt.Fprintf(&b, textWaitingHeader, min(len(rs), maxListed))
	hidden := 0
	for i, r := range rs {
		if i == maxListed {
			b.WriteString("\n" + fmt.Sprintf(textMoreTasks, len(rs)-i))
			break
		}
		t, err := c.tx.Task(r.TaskID)
		if err != nil {
			return err
		}
		if !c.showable(t) {
			hidden++
			continue
		}
		who, err := c.person(r.SubmitterID)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\n• #%d %s%s — %s, %s", t.ID, marks(t), esc(t.Title), esc(who.Mention()), c.when(r.SubmittedAt))
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "\n\n"+textHiddenTasks, hidden, esc(c.botName()))
	}
	b.WriteString("\n\n" + textWaitingFooter)
	return c.reply(&nhacviec.Message{Text: b.String()})
}

// reviewLines are /chitiet's lines on review and timeliness: the
// submission waiting, the returns, how the task finished.
func (c *conv) reviewLines(t *nhacviec.Task) (string, error) {
	var b strings.Builder
	if t.Submitted() {
		r, err := c.tx.PendingReview(t.ID)
		if err != nil {
			return "", err
		}
		if r != nil {
			reviewer, err := c.person(r.ReviewerID)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "\n"+textDetailWaiting, esc(reviewer.Mention()), c.when(r.SubmittedAt), c.submittedText(t, r.SubmittedAt))
		}
	}
	if t.Returns > 0 {
		fmt.Fprintf(&b, "\n"+textDetailReturns, t.Returns)
	}
	if t.Status == nhacviec.StatusDone && !t.FinishedAt.IsZero() {
		fmt.Fprintf(&b, "\n"+textDetailFinished, capitalize(timelinessText(t.LateDays)), c.when(t.FinishedAt))
	}
	return b.String(), nil
}

// detailButtons are /chitiet's buttons: for a submitted task, ✅ Duyệt /
// ↩️ Trả lại to its reviewer and none to anyone else (it waits); else
// buttons as they are.
func (c *conv) detailButtons(t *nhacviec.Task, buttons [][]nhacviec.Button) ([][]nhacviec.Button, error) {
	if !t.Open() || !t.Submitted() {
		return buttons, nil
	}
	r, err := c.tx.PendingReview(t.ID)
	if err != nil || r == nil || r.ReviewerID != c.me.ID {
		return nil, err
	}
	return decideButtons(r), nil
}

// ---- the reviewer's reminder ----

// reviewReminder composes the scheduler's reminder to the reviewer of a
// submitted task: privately, or in the task's group with a mention.
func (b *Bot) reviewReminder(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	t := n.Task
	r, err := tx.PendingReview(t.ID)
	if err != nil || r == nil {
		return nil, err
	}
	reviewer, err := tx.Person(r.ReviewerID)
	if err != nil {
		return nil, err
	}
	lead, err := tx.Person(r.SubmitterID)
	if err != nil {
		return nil, err
	}
	loc := b.Calendar.Location()
	text := fmt.Sprintf(textReviewReminder, t.ID, marks(t)+esc(t.Title), esc(lead.Mention()),
		calendar.FormatDeadline(r.SubmittedAt.In(loc)), b.Calendar.WorkingDaysLate(r.SubmittedAt, n.At), t.ID, t.ID)
	m := &nhacviec.Message{Kind: n.Kind, TaskID: t.ID, Text: text, HTML: true, Buttons: decideButtons(r)}
	if reviewer.PrivateChatID != 0 {
		m.ChatID = reviewer.PrivateChatID
		return []*nhacviec.Message{m}, nil
	}
	chat, err := groupFor(tx, t)
	if err != nil || chat == nil {
		return nil, err
	}
	m.ChatID, m.Text = chat.ID, esc(reviewer.Mention())+" "+text
	return []*nhacviec.Message{m}, nil
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

const (
	textDoneNoteExample = "Ví dụ: /xong 12 đã gửi dự thảo qua email"
	textNoteLine        = "📝 %s"
	textWhichDoneNote   = "Tin này nói về %d việc của bạn. Để báo xong kèm ghi chú, gõ /xong mã_việc ghi chú, ví dụ: /xong 12 đã gửi dự thảo qua email"

	textOnTime          = "hoàn thành đúng hạn"
	textLateDays        = "hoàn thành trễ %d ngày làm việc"
	textLateUnknown     = "hoàn thành trễ hạn"
	textSubmittedOnTime = "nộp đúng hạn"
	textSubmittedLate   = "nộp trễ %d ngày làm việc"
	textStateSubmitted  = "chờ duyệt"

	textReviewMarkName    = markReview + " cần duyệt"
	textCannotMarkReview  = "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới đặt việc #%d cần duyệt được."
	textReviewWaitsToggle = "Việc #%d đang chờ duyệt: hãy duyệt (/duyet %d) hoặc trả lại (/tralai %d LÝ_DO) trước."
	textReviewSelf        = "Việc #%d là việc tự giao cho mình: không cần ai duyệt."
	textReviewOn          = "Việc #%d: cần duyệt. Khi người thực hiện báo xong, người giao duyệt rồi mới hoàn thành."
	textReviewOff         = "Việc #%d: không cần duyệt nữa. Người thực hiện báo xong là hoàn thành."
	textReviewOnAlready   = "Việc #%d đã cần duyệt rồi."
	textReviewOffAlready  = "Việc #%d không cần duyệt."
	textReviewOnNotice    = "%s đặt việc #%d cần duyệt: khi bạn báo xong, kết quả được gửi duyệt rồi mới hoàn thành.\n%s<b>%s</b>"
	textReviewOffNotice   = "%s bỏ duyệt việc #%d: bạn báo xong là hoàn thành.\n%s<b>%s</b>"

	textSubmitted        = "📤 Đã gửi %[3]s duyệt việc #%[1]d: %[2]s (%[4]s). Tôi sẽ báo bạn khi có kết quả."
	textSubmittedNoTitle = "📤 Đã gửi %[2]s duyệt việc #%[1]d (%[3]s). Tôi sẽ báo bạn khi có kết quả."
	textSubmission       = "📤 %s báo xong việc #%d, chờ bạn duyệt:\n%s<b>%s</b>\nHạn: %s (%s)"
	textDecideHint       = "Bấm ✅ Duyệt hoặc ↩️ Trả lại, hoặc gõ: /duyet %d — /tralai %d LÝ_DO"
	textSubmittedAlready = "Việc #%d đã báo xong lúc %s, đang chờ %s duyệt. Xem: /chitiet %d"

	textReturnUsage       = "Cách trả lại: /tralai mã_việc LÝ_DO\nVí dụ: /tralai 12 thiếu số liệu quý III"
	textReturnNeedsReason = "Trả lại việc #%d cần nêu lý do để người thực hiện làm tiếp.\nVí dụ: /tralai %d thiếu số liệu quý III — hoặc trả lời tin báo xong: trả lại vì thiếu số liệu quý III"
	textNotReviewer       = "Chỉ %s mới duyệt hoặc trả lại việc #%d được. Xem: /chitiet %d"
	textApprovedAlready   = "Việc #%d đã được duyệt rồi (lúc %s). Không thay đổi gì."
	textReturnedAlready   = "Lần báo xong này của việc #%d đã bị trả lại (lúc %s). Không thay đổi gì. Xem: /chitiet %d"
	textReviewLapsed      = "Việc #%d đã %s: không còn gì để duyệt."
	textNothingToReview   = "Việc #%d chưa được báo xong nên chưa có gì để duyệt. Khi người thực hiện báo xong, tôi sẽ gửi bạn. Xem: /chitiet %d"

	textApproved        = "✅ Đã duyệt việc #%d: %s — %s."
	textApprovedNoTitle = "✅ Đã duyệt việc #%d — %s."
	textToldLead        = "Đã báo %s."
	textApprovedNotice  = "✅ %s đã duyệt việc #%d:\n%s<b>%s</b>\n%s (báo xong %s)."
	textDecisionNote    = "Ý kiến: %s"

	textReturned       = "↩️ Đã trả lại việc #%d cho %s (lần %d)."
	textReturnedNotice = "↩️ %s trả lại việc #%d:\n%s<b>%s</b>\nLý do: %s\nHạn: %s (%s)\nLàm tiếp rồi báo xong lại: bấm ✅ hoặc trả lời \"xong, ghi chú\"."
	textReturnedAgain  = "⚠️ Việc #%d bị trả lại lần thứ %d:\n%s<b>%s</b>\nNgười thực hiện: %s — người duyệt: %s\nLý do lần này: %s"
	textToldWatchers   = "Đã báo %s (trả lại từ 2 lần)."

	textNoneWaiting   = "Không có việc nào chờ bạn duyệt. 👍"
	textWaitingHeader = "🔍 <b>Việc chờ bạn duyệt</b> (%d)"
	textWaitingFooter = "Duyệt: /duyet mã_việc — trả lại: /tralai mã_việc LÝ_DO"

	textDetailWaiting  = "🔍 Chờ %s duyệt, báo xong lúc %s (%s)"
	textDetailReturns  = "↩️ Bị trả lại %d lần"
	textDetailFinished = "⏱ %s (báo xong %s)"

	textReviewReminder = "🔍 Nhắc duyệt việc #%d: <b>%s</b>\n%s báo xong lúc %s, đã chờ %d ngày làm việc.\nBấm ✅ Duyệt hoặc ↩️ Trả lại, hoặc gõ: /duyet %d — /tralai %d LÝ_DO"
)
