package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// nhacviec.PlanTx: the scheduler's pass reads and writes a whole chunk of
// tasks in a few statements. With a statement per row, the 08:00 pass at
// a million tasks spent a large share of its time in database/sql and the
// driver, not in SQLite (BENCHMARKS.md).

// PlannedKeys returns which of the notice keys already have messages, in
// one statement.
func (t *tx) PlannedKeys(keys []string) (map[string]bool, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	arg, err := json.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("store: planned: %w", err)
	}
	// A range on the unique index per key: every key that starts with
	// "key:".
	rows, err := t.query(`SELECT k.value FROM json_each(?) k
		WHERE EXISTS (SELECT 1 FROM outbox WHERE key >= k.value || ':' AND key < k.value || ';')`, string(arg))
	if err != nil {
		return nil, fmt.Errorf("store: planned: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: planned: %w", err)
		}
		out[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: planned: %w", err)
	}
	return out, nil
}

// People returns the people with these ids, by id; unknown ids are left
// out.
func (t *tx) People(ids []int64) (map[int64]*nhacviec.Person, error) {
	out := make(map[int64]*nhacviec.Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	arg, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	rows, err := t.query(`SELECT `+personColumns+` FROM people WHERE id IN (SELECT value FROM json_each(?))`, string(arg))
	if err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("store: people: %w", err)
		}
		out[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	return out, nil
}

// enqueueColumns are the outbox columns Enqueue writes, enqueueArgs a
// message's values for them.
const enqueueColumns = `key, chat_id, kind, task_id, text, html, buttons, reply_to, callback, edit_of, not_before, created_at`

const enqueueWidth = 12 // columns in enqueueColumns

func (t *tx) enqueueArgs(m *nhacviec.Message, args []any) ([]any, error) {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = t.now
	}
	if m.NotBefore.IsZero() {
		m.NotBefore = t.now
	}
	var buttons sql.NullString
	if len(m.Buttons) > 0 {
		b, err := json.Marshal(m.Buttons)
		if err != nil {
			return nil, fmt.Errorf("store: enqueue: buttons: %w", err)
		}
		buttons = sql.NullString{String: string(b), Valid: true}
	}
	key := sql.NullString{String: m.Key, Valid: m.Key != ""}
	return append(args, key, m.ChatID, string(m.Kind), nullID(m.TaskID), m.Text, m.HTML, buttons, m.ReplyTo, m.Callback, m.EditOf,
		ms(m.NotBefore), ms(m.CreatedAt)), nil
}

// enqueueQueries[i] inserts 1<<i messages. Batches are cut into these
// sizes so that a handful of statements stay prepared.
var enqueueQueries = func() (qs [7]string) {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", enqueueWidth), ", ") + ")"
	for i := range qs {
		qs[i] = `INSERT INTO outbox (` + enqueueColumns + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+", ", 1<<i), ", ") + ` ON CONFLICT (key) DO NOTHING`
	}
	return qs
}()

// EnqueueAll is Enqueue for many messages: those whose Key is already
// present are skipped, the others added. It returns how many were added;
// unlike Enqueue it does not set the messages' IDs, and refuses a message
// with a recipe (Attach).
func (t *tx) EnqueueAll(msgs []*nhacviec.Message) (int, error) {
	added := 0
	args := make([]any, 0, enqueueWidth<<(len(enqueueQueries)-1))
	for len(msgs) > 0 {
		i := len(enqueueQueries) - 1
		for 1<<i > len(msgs) {
			i--
		}
		args = args[:0]
		for _, m := range msgs[:1<<i] {
			if m.Attach != "" {
				// Its recipe is a row of its own, which needs the
				// message's id: Enqueue writes both.
				return added, fmt.Errorf("store: enqueue: message %q has a recipe: use Enqueue", m.Key)
			}
			var err error
			if args, err = t.enqueueArgs(m, args); err != nil {
				return added, err
			}
		}
		res, err := t.exec(enqueueQueries[i], args...)
		if err != nil {
			return added, fmt.Errorf("store: enqueue: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return added, fmt.Errorf("store: enqueue: %w", err)
		}
		added += int(n)
		msgs = msgs[1<<i:]
	}
	return added, nil
}

// SetNextPlans: task ids[i] is next looked at at[i] (the zero time:
// never); the ids are distinct. A statement per distinct time, and a pass
// has few (tomorrow morning, a deadline): one UPDATE … FROM over all the
// pairs was slower, as SQLite kept a statement journal of every page it
// changed.
func (t *tx) SetNextPlans(ids []int64, at []time.Time) error {
	if len(ids) != len(at) {
		return fmt.Errorf("store: set next plans: %d ids, %d times", len(ids), len(at))
	}
	byTime := map[time.Time][]int64{}
	var times []time.Time // in order of appearance, for a repeatable order of statements
	for i, id := range ids {
		a := at[i]
		if !a.IsZero() {
			a = fromMS(ms(a)) // one group per stored value
		}
		if _, ok := byTime[a]; !ok {
			times = append(times, a)
		}
		byTime[a] = append(byTime[a], id)
	}
	for _, a := range times {
		group := byTime[a]
		arg, err := json.Marshal(group)
		if err != nil {
			return fmt.Errorf("store: set next plans: %w", err)
		}
		// The times are in task_plans, a narrow table: in tasks, each
		// task's time cost the write of a page of its own, ten thousand
		// at 08:00 at a million tasks (BENCHMARKS.md).
		n := int64(0)
		if !a.IsZero() {
			res, err := t.exec(`UPDATE task_plans SET at = ? WHERE task_id IN (SELECT value FROM json_each(?))`, ms(a), string(arg))
			if err != nil {
				return fmt.Errorf("store: set next plans: %w", err)
			}
			n, _ = res.RowsAffected()
		}
		if n != int64(len(group)) {
			// Some had no planning time, or none is wanted any more: one
			// by one, which also tells a task that is not there.
			for _, id := range group {
				if err := t.setNextPlan(id, a); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
