package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// bigTables grow with the organisation's history: a statement on the
// path of a command, a send or a scheduler pass must not read any of
// them whole.
var bigTables = map[string]bool{"people": true, "chats": true, "tasks": true, "outbox": true, "bot_messages": true, "task_events": true, "seen_messages": true}

// liveIndexes are partial indexes over what is live, not over history:
// reading one whole costs what is pending or open now, however old the
// database.
var liveIndexes = map[string]bool{
	"outbox_pending":  true, // pending messages
	"outbox_urgent":   true, // pending answers
	"tasks_open":      true, // open tasks (the whole organisation's /quahan; ReplanOpen)
	"tasks_submitted": true, // tasks waiting for review
}

// Every statement a command, the sender, the scheduler and pruning run is
// explained as the store runs it (with its arguments): none may read a
// big table whole.
func TestHotStatementsUseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	type run struct {
		query string
		args  []any
	}
	var mu sync.Mutex
	var runs []run
	seen := map[string]bool{}
	store.TraceSQL(func(query string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[query] {
			seen[query] = true
			runs = append(runs, run{query, slices.Clone(args)})
		}
	})
	defer store.TraceSQL(nil)

	var unit, sub *nhacviec.Unit
	var group, private, migrated *nhacviec.Chat
	var head, member *nhacviec.Person
	var task *nhacviec.Task
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// The organisation, as commands build it.
	update(t, db, func(tx nhacviec.Tx) error {
		unit, sub = &nhacviec.Unit{Name: "Sở"}, &nhacviec.Unit{Name: "Phòng"}
		must(tx.CreateUnit(unit))
		sub.ParentID = unit.ID
		must(tx.CreateUnit(sub))
		group = &nhacviec.Chat{Transport: "telegram", ExternalID: "-100", Kind: nhacviec.ChatGroup, Title: "Phòng"}
		must(tx.EnsureChat(group))
		must(tx.BindChat(group.ID, sub.ID))
		private = &nhacviec.Chat{Transport: "telegram", ExternalID: "7", Kind: nhacviec.ChatPrivate}
		must(tx.EnsureChat(private))
		head = &nhacviec.Person{Transport: "telegram", ExternalID: "7", Username: "truong", PrivateChatID: private.ID}
		must(tx.EnsurePerson(head))
		member = &nhacviec.Person{Transport: "telegram", ExternalID: "8", Username: "an"}
		must(tx.EnsurePerson(member))
		must(tx.Grant(nhacviec.Membership{PersonID: head.ID, UnitID: sub.ID, Role: nhacviec.RoleHead}))
		must(tx.Grant(nhacviec.Membership{PersonID: member.ID, UnitID: sub.ID, Role: nhacviec.RoleMember}))
		return nil
	})

	// A command: the update's chat, person and offset, then what /giao,
	// /xong, a reply, /viec and /quahan read and write.
	update(t, db, func(tx nhacviec.Tx) error {
		_, err := tx.ClaimUpdate("telegram", 41)
		must(err)
		_, err = tx.ClaimMessage("zalo", "2d758cb5e222177a4e35")
		must(err)
		must(tx.EnsureChat(&nhacviec.Chat{Transport: "telegram", ExternalID: "-100", Kind: nhacviec.ChatGroup, Title: "Phòng"}))
		must(tx.EnsureChat(&nhacviec.Chat{Transport: "telegram", ExternalID: "-100", Kind: nhacviec.ChatGroup, Title: "Phòng mới"}))
		must(tx.EnsurePerson(&nhacviec.Person{Transport: "telegram", ExternalID: "7", Username: "truong", PrivateChatID: private.ID}))
		must(tx.EnsurePerson(&nhacviec.Person{Transport: "telegram", ExternalID: "9", Username: "truong"})) // takes the username
		must(tx.EnsurePerson(&nhacviec.Person{Transport: "telegram", ExternalID: "7", Username: "truong"}))
		must(tx.SeenIn(group.ID, member.ID))
		_, err = tx.Seen(group.ID, member.ID)
		must(err)
		_, err = tx.PersonByUsername("telegram", "@an")
		must(err)
		_, err = tx.Person(member.ID)
		must(err)
		_, err = tx.Roles(head.ID)
		must(err)
		_, err = tx.UnitRoles(sub.ID)
		must(err)
		_, err = tx.Units()
		must(err)
		_, err = tx.Chat(group.ID)
		must(err)
		task = &nhacviec.Task{Title: "Báo cáo", AssignerID: head.ID, AssigneeID: member.ID, ChatID: group.ID, UnitID: sub.ID,
			Deadline: now.Add(-time.Hour), Status: nhacviec.StatusOpen}
		must(tx.CreateTask(task))
		must(tx.AddEvent(&nhacviec.TaskEvent{TaskID: task.ID, ActorID: head.ID, Kind: nhacviec.EventCreated}))
		_, err = tx.Enqueue(&nhacviec.Message{ChatID: group.ID, Kind: nhacviec.KindReply, TaskID: task.ID, Text: "📌"})
		must(err)
		_, err = tx.Enqueue(&nhacviec.Message{Key: fmt.Sprintf("overdue:%d:x:%d", task.ID, private.ID), ChatID: private.ID,
			Kind: nhacviec.KindOverdue, TaskID: task.ID, Text: "⚠️"})
		must(err)
		_, err = tx.TasksOfMessage(group.ID, "12")
		must(err)
		_, err = tx.Task(task.ID)
		must(err)
		_, err = tx.Events(task.ID)
		must(err)
		// /viec; /quahan in private (a head: the subtree) and in a group.
		_, err = tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: member.ID})
		must(err)
		_, err = tx.FindTaskKeys(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: now, InvolvedID: head.ID, UnitIDs: []int64{unit.ID, sub.ID}})
		must(err)
		_, err = tx.FindTaskKeys(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: now, ChatID: group.ID, UnitIDs: []int64{sub.ID}})
		must(err)
		_, err = tx.FindTaskKeys(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineFrom: now, DeadlineBefore: now.AddDate(0, 0, 7), InvolvedID: member.ID})
		must(err)
		_, err = tx.FindTasks(nhacviec.TaskFilter{IDs: []int64{task.ID, task.ID + 1}})
		must(err)
		// /quahan and the digest leave out the tasks waiting for review.
		_, err = tx.FindTaskKeys(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: now, UnitIDs: []int64{sub.ID}, ExcludeSubmitted: true})
		must(err)
		_, err = tx.FindTaskKeys(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, DeadlineBefore: now, ExcludeSubmitted: true})
		must(err)
		_, err = tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, ChatID: group.ID, DeadlineBefore: now, ExcludeSubmitted: true})
		must(err)
		// A submission for review, its reminders' lookup, its decision.
		r := &nhacviec.Review{TaskID: task.ID, SubmitterID: member.ID, ReviewerID: head.ID}
		must(tx.SubmitReview(r))
		_, err = tx.PendingReview(task.ID)
		must(err)
		_, err = tx.WaitingFor(head.ID, 10)
		must(err)
		_, err = tx.Review(r.ID)
		must(err)
		r.Decision, r.DeciderID = nhacviec.ReviewReturned, head.ID
		must(tx.DecideReview(r))
		_, err = tx.Reviews(task.ID)
		must(err)
		_, err = tx.UnitSettings(nhacviec.SettingReview)
		must(err)
		// /xong.
		task.Status, task.ClosedAt = nhacviec.StatusDone, now
		must(tx.SaveTask(task))
		must(tx.DropChasing(task.ID))
		task.Status, task.ClosedAt = nhacviec.StatusOpen, time.Time{}
		must(tx.SaveTask(task))
		return nil
	})

	// The sender: its batches, sent marks, retries, and what a 403 and a
	// group's migration do.
	due, err := db.Due(ctx, now, 10)
	must(err)
	if len(due) == 0 {
		t.Fatal("nothing due: Due's statements were not run whole")
	}
	_, _, err = db.NextDue(ctx, now)
	must(err)
	must(db.MarkSent(ctx, due[0].ID, "12", now))
	if len(due) > 1 {
		must(db.Retry(ctx, due[1].ID, now.Add(time.Minute), "429"))
		must(db.GiveUp(ctx, due[1].ID, "400"))
	}
	_, _, err = db.OutboxStats(ctx)
	must(err)
	update(t, db, func(tx nhacviec.Tx) error {
		_, err := tx.Unreachable(private.ID)
		must(err)
		_, err = tx.GroupOfUnit(sub.ID)
		must(err)
		migrated = &nhacviec.Chat{Transport: "telegram", ExternalID: "-100200", Kind: nhacviec.ChatGroup}
		must(tx.EnsureChat(migrated))
		_, err = tx.Enqueue(&nhacviec.Message{ChatID: migrated.ID, Kind: nhacviec.KindReply, Text: "x"})
		must(err)
		must(tx.MigrateChat("telegram", "-100", "-100200"))
		must(tx.DeactivateChat(migrated.ID))
		return nil
	})

	// The scheduler's pass, through its batch methods.
	update(t, db, func(tx nhacviec.Tx) error {
		b := tx
		_, err := tx.TasksToPlan(now, 250)
		must(err)
		_, err = b.PlannedKeys([]string{fmt.Sprintf("overdue:%d:x", task.ID)})
		must(err)
		_, err = b.People([]int64{head.ID, member.ID})
		must(err)
		msgs := []*nhacviec.Message{{Key: "nudge:1:a:1", ChatID: group.ID, Kind: nhacviec.KindNudge, TaskID: task.ID}}
		for i := range 3 {
			msgs = append(msgs, &nhacviec.Message{Key: fmt.Sprintf("nudge:1:b:%d", i), ChatID: group.ID, Kind: nhacviec.KindNudge, TaskID: task.ID})
		}
		_, err = b.EnqueueAll(msgs)
		must(err)
		must(b.SetNextPlans([]int64{task.ID}, []time.Time{now.Add(time.Hour)}))
		must(b.SetNextPlans([]int64{task.ID}, []time.Time{{}})) // never
		_, err = tx.GroupsWithOpenTasks()
		must(err)
		return nil
	})

	// Pruning.
	_, err = db.Prune(ctx, now.AddDate(1, 0, 0), store.Retention{Outbox: 30 * 24 * time.Hour, Replies: 90 * 24 * time.Hour, Seen: 7 * 24 * time.Hour, Batch: 1})
	must(err)
	store.TraceSQL(nil)

	// The statements, explained.
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	must(err)
	defer raw.Close()
	explained := 0
	for _, r := range runs {
		verb := strings.ToUpper(strings.Fields(r.query)[0])
		if verb != "SELECT" && verb != "INSERT" && verb != "UPDATE" && verb != "DELETE" && verb != "WITH" {
			continue // SAVEPOINT, RELEASE, …
		}
		plan, err := explain(raw, r.query, r.args)
		if err != nil {
			t.Errorf("%v\n%s", err, r.query)
			continue
		}
		explained++
		if testing.Verbose() {
			t.Logf("%s\n  %s", oneLine(r.query), strings.Join(plan, "\n  "))
		}
		if bad := fullScans(r.query, plan); len(bad) > 0 {
			t.Errorf("reads %s whole:\n%s\nplan:\n  %s", strings.Join(bad, ", "), oneLine(r.query), strings.Join(plan, "\n  "))
		}
	}
	// Statements that must be among those explained: the ones that read
	// whole tables before migration 0007.
	for _, want := range []string{
		"UPDATE people SET private_chat_id = NULL",                    // Unreachable (by id since 0008)
		"FROM chats\n\t\tWHERE unit_id = ?",                           // GroupOfUnit
		"UPDATE outbox SET chat_id = ? WHERE chat_id = ?",             // MigrateChat
		"FROM chats c\n\t\tWHERE kind = 'group'",                      // GroupsWithOpenTasks
		"DELETE FROM outbox WHERE id IN",                              // Prune
		"DELETE FROM bot_messages WHERE sent_at",                      // Prune
		"SELECT task_id FROM bot_messages WHERE chat_id = ?",          // TasksOfMessage
		"FROM tasks WHERE status = ? AND assignee_id = ? ORDER BY",    // /viec
		"FROM tasks WHERE status = 'open' AND deadline < ? AND unit_", // /quahan
		"tasks.id NOT IN (SELECT s.id FROM tasks s INDEXED BY",        // /quahan, without tasks waiting for review
	} {
		found := false
		for _, r := range runs {
			found = found || strings.Contains(r.query, want)
		}
		if !found {
			t.Errorf("no statement ran with %q", want)
		}
	}
	t.Logf("%d statements explained", explained)
}

// explain returns the plan's lines of query with args.
func explain(db *sql.DB, query string, args []any) ([]string, error) {
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}

var (
	tableRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?`)
	scanLine = regexp.MustCompile(`^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?`)
	keywords = map[string]bool{"WHERE": true, "SET": true, "ON": true, "LEFT": true, "JOIN": true, "ORDER": true, "GROUP": true,
		"LIMIT": true, "UNION": true, "VALUES": true, "INNER": true, "USING": true, "RETURNING": true, "DEFAULT": true}
)

// fullScans returns the big tables the plan reads whole (by name or by
// alias), but for live partial indexes.
func fullScans(query string, plan []string) []string {
	table := map[string]string{}
	for _, m := range tableRef.FindAllStringSubmatch(query, -1) {
		table[m[1]] = m[1]
		if m[2] != "" && !keywords[strings.ToUpper(m[2])] {
			table[m[2]] = m[1]
		}
	}
	var bad []string
	for _, line := range plan {
		m := scanLine.FindStringSubmatch(line)
		if m == nil || !bigTables[table[m[1]]] || liveIndexes[m[2]] {
			continue
		}
		bad = append(bad, table[m[1]])
	}
	return bad
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// MigrateChat finds the messages of a supergroup that spoke before the
// migration was known through indexes (its pending ones, and those
// finished since its row was written) and moves them all to the old
// chat, whose history stays.
func TestMigrateChatMovesEveryMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	var old, super int64
	enqueue := func(chat int64, n int) {
		update(t, db, func(tx nhacviec.Tx) error {
			for range n {
				if _, err := tx.Enqueue(&nhacviec.Message{ChatID: chat, Kind: nhacviec.KindReply, Text: "x"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	sendAll := func() {
		for {
			due, err := db.Due(ctx, clock, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(due) == 0 {
				return
			}
			for _, m := range due {
				if err := db.MarkSent(ctx, m.ID, fmt.Sprint(m.ID), clock); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "-5", Kind: nhacviec.ChatGroup}
		err := tx.EnsureChat(c)
		old = c.ID
		return err
	})
	enqueue(old, 5) // the group's history
	sendAll()
	clock = clock.AddDate(0, 0, 20)
	update(t, db, func(tx nhacviec.Tx) error {
		c := &nhacviec.Chat{Transport: "telegram", ExternalID: "-1005", Kind: nhacviec.ChatGroup}
		err := tx.EnsureChat(c)
		super = c.ID
		return err
	})
	enqueue(super, 3)
	sendAll()
	enqueue(super, 2) // still waiting
	clock = clock.Add(time.Hour)
	update(t, db, func(tx nhacviec.Tx) error { return tx.MigrateChat("telegram", "-5", "-1005") })

	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var onOld, onSuper, chats int
	if err := raw.QueryRow(`SELECT COUNT(*) FILTER (WHERE chat_id = ?), COUNT(*) FILTER (WHERE chat_id = ?) FROM outbox`, old, super).
		Scan(&onOld, &onSuper); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM chats`).Scan(&chats); err != nil {
		t.Fatal(err)
	}
	if onOld != 10 || onSuper != 0 || chats != 1 {
		t.Errorf("after the migration: %d messages on the old chat, %d on the new, %d chats; want 10, 0, 1", onOld, onSuper, chats)
	}
}
