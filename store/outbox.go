package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Due returns up to limit pending messages due at now: the answers to
// people (replies, notices, button answers, edits, menus) first, then
// reminders and digests. Within each, a chat's messages come together,
// in the order they were written, and chats in the order of their oldest
// message: the sender merges a chat's waiting messages into one, so a
// batch must not cut a chat's messages apart (only the last chat of a
// batch may be cut). A reply
// must not wait behind a morning's reminders, which take minutes at
// Telegram's rate; so an answer may overtake a reminder queued earlier in
// the same chat. A chat whose earlier message waits for a retry is
// skipped so that a chat's messages arrive in order. Chasing messages
// whose task was closed meanwhile are dropped here.
func (db *DB) Due(ctx context.Context, now time.Time, limit int) ([]*nhacviec.Outgoing, error) {
	out, err := db.due(ctx, now, limit, "outbox_urgent", "AND kind IN ("+urgentKinds+")")
	if err != nil || len(out) >= limit {
		return out, err
	}
	rest, err := db.due(ctx, now, limit, "outbox_pending", "")
	if err != nil {
		return nil, err
	}
	taken := make(map[int64]bool, len(out))
	for _, m := range out {
		taken[m.ID] = true
	}
	for _, m := range rest {
		if len(out) == limit {
			break
		}
		if !taken[m.ID] {
			out = append(out, m)
		}
	}
	return out, nil
}

// urgentKinds are the kinds Due hands out first; the partial index
// outbox_urgent (migration 0005) is on exactly this list.
const urgentKinds = "'reply', 'notice', 'answer', 'edit', 'menu'"

// due is Due over the pending messages that also match filter, which
// index (a partial index whose WHERE filter implies) holds.
func (db *DB) due(ctx context.Context, now time.Time, limit int, index, filter string) ([]*nhacviec.Outgoing, error) {
	// perChat caps each chat's share of a batch. It was 3, so that a
	// group's backlog at 20 messages a minute could not hold up everyone
	// else's; now the sender merges a chat's share into one message, or a
	// few (notices that do not fit in full are listed in short), so the
	// share is as large as the sender's batch (500): a person's 300
	// overdue notices of one pass are one message. The shares are
	// numbered over the index outbox_pending (or outbox_urgent) alone
	// (ids and chats); only the messages picked are read whole.
	const perChat = 500
	// The due messages are read through index, by time: SQLite would
	// otherwise read every pending message, or even the whole outbox, in
	// the order of a chat index to number them per chat without a sort
	// (TestHotStatementsUseIndexes).
	// Read on a reader connection, so that the writer (which the bot's
	// commands need) is not held; WAL readers see every commit made
	// before they start, MarkSent's and Retry's included.
	rows, err := db.readQuery(ctx, `SELECT o.id, o.key, o.chat_id, o.kind, o.task_id, o.text, o.html, o.buttons,
			o.reply_to, o.callback, o.edit_of, o.not_before, o.created_at, o.attempts, o.parts_sent, COALESCE(a.recipe, ''),
			c.transport, c.external_id, c.kind, COALESCE(t.status, ''), COALESCE(t.deadline, 0), t.submitted_at IS NOT NULL
		FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY id) AS rn,
				MIN(id) OVER (PARTITION BY chat_id) AS first
			FROM outbox INDEXED BY `+index+` WHERE state = 'pending' AND not_before <= ? `+filter+`) w
		JOIN outbox o ON o.id = w.id
		JOIN chats c ON c.id = o.chat_id
		LEFT JOIN tasks t ON t.id = o.task_id
		LEFT JOIN outbox_attach a ON a.message_id = o.id
		WHERE w.rn <= ?
		AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.state = 'pending'
			AND e.attempts > 0 AND e.id < o.id AND e.not_before > ?)
		ORDER BY w.first, o.id LIMIT ?`, ms(now), perChat, ms(now), limit+1)
	if err != nil {
		return nil, fmt.Errorf("store: due: %w", err)
	}
	var out []*nhacviec.Outgoing
	type drop struct {
		id  int64
		why string
	}
	var stale []drop
	read, cutChat := 0, int64(0)
	for rows.Next() {
		if read++; read > limit {
			// One more than asked: its chat, if the batch holds some of
			// its messages already, is left whole for the next batch.
			var id, chat int64
			if err := rows.Scan(&id, new(sql.NullString), &chat, new(string), new(sql.NullInt64), new(string), new(bool), new(sql.NullString),
				new(string), new(string), new(string), new(int64), new(int64), new(int), new(int), new(string),
				new(string), new(string), new(string), new(string), new(int64), new(bool)); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: due: %w", err)
			}
			cutChat = chat
			break
		}
		var o nhacviec.Outgoing
		var key, buttons sql.NullString
		var task sql.NullInt64
		var kind, chatKind, status string
		var notBefore, created, deadline int64
		var submitted bool
		if err := rows.Scan(&o.ID, &key, &o.ChatID, &kind, &task, &o.Text, &o.HTML, &buttons,
			&o.ReplyTo, &o.Callback, &o.EditOf, &notBefore, &created, &o.Attempts, &o.PartsSent, &o.Attach,
			&o.Transport, &o.ChatExternalID, &chatKind, &status, &deadline, &submitted); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: due: %w", err)
		}
		o.Key, o.Kind, o.TaskID, o.ChatKind = key.String, nhacviec.MessageKind(kind), task.Int64, nhacviec.ChatKind(chatKind)
		o.NotBefore, o.CreatedAt = fromMS(notBefore), fromMS(created)
		if buttons.Valid {
			if err := json.Unmarshal([]byte(buttons.String), &o.Buttons); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: due: message %d buttons: %w", o.ID, err)
			}
		}
		if o.Kind.Chasing() && status != "" && status != string(nhacviec.StatusOpen) {
			stale = append(stale, drop{o.ID, "task closed"})
			continue
		}
		// A reminder says the deadline is ahead: one that waited past
		// it (planned ahead for the morning, the bot down until after
		// the deadline) is not sent; the overdue notice says the rest.
		// A reviewer's reminders are about the review, not the deadline.
		if o.Kind == nhacviec.KindReminder && status == string(nhacviec.StatusOpen) && !submitted && deadline <= ms(now) {
			stale = append(stale, drop{o.ID, "deadline passed"})
			continue
		}
		out = append(out, &o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due: %w", err)
	}
	if cutChat != 0 {
		kept := out
		for len(kept) > 0 && kept[len(kept)-1].ChatID == cutChat {
			kept = kept[:len(kept)-1]
		}
		if len(kept) > 0 { // a batch of one chat alone goes as it is
			out = kept
		}
	}
	for _, d := range stale {
		if _, err := db.writeExec(ctx, `UPDATE outbox SET state = 'dropped', last_error = ?
			WHERE id = ? AND state = 'pending'`, d.why, d.id); err != nil {
			return nil, fmt.Errorf("store: drop: %w", err)
		}
	}
	return out, nil
}

// NextDue returns when the earliest pending message due after after
// becomes due.
func (db *DB) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	var next sql.NullInt64
	err := db.readQueryRow(ctx, `SELECT MIN(not_before) FROM outbox WHERE state = 'pending' AND not_before > ?`, ms(after)).Scan(&next)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next due: %w", err)
	}
	return fromNullMS(next), next.Valid, nil
}

// MarkSent records that the transport accepted the message, and which
// task the sent message is about so that replies resolve. It returns once
// the record is committed. A mark does not wait for a transaction of its
// own: it is written by the next write transaction to commit, whoever's
// (a command's, the scheduler's, other marks'), in a savepoint of its own.
// A commit each is what made sending slower than handling commands, and
// waiting for the writer alone kept the replies behind (BENCHMARKS.md).
func (db *DB) MarkSent(ctx context.Context, id int64, externalID string, at time.Time) error {
	return db.queueMark(ctx, &mark{id: id, ext: externalID, at: at, done: make(chan error, 1)})
}

// MarkAsked is MarkSent that also records the message's numbered
// choices as its chat's question, in the same savepoint: a question is on
// record only for a message that went out, and a message marked sent
// has its question on record (a crash before the mark sends it again,
// and the mark then records it).
func (db *DB) MarkAsked(ctx context.Context, id int64, externalID string, at time.Time, choices []string) error {
	return db.queueMark(ctx, &mark{id: id, ext: externalID, at: at, choices: choices, done: make(chan error, 1)})
}

// MarkParts records that the first parts of message id were accepted;
// it is written as MarkSent's marks are.
func (db *DB) MarkParts(ctx context.Context, id int64, parts int) error {
	return db.queueMark(ctx, &mark{id: id, parts: parts, done: make(chan error, 1)})
}

func (db *DB) queueMark(ctx context.Context, req *mark) error {
	m := &db.marks
	m.mu.Lock()
	m.queue = append(m.queue, req)
	lead := !m.busy
	m.busy = true
	m.mu.Unlock()
	if !lead {
		return <-req.done // a transaction under way, or the leader's, takes it
	}
	// The leader makes sure the queue is written when no other write
	// comes: an empty transaction, which writes the marks as it ends.
	for {
		m.mu.Lock()
		if len(m.queue) == 0 {
			m.busy = false
			m.mu.Unlock()
			break
		}
		m.mu.Unlock()
		if err := db.run(context.WithoutCancel(ctx), db.write, false, nil); err != nil {
			for _, r := range m.take() { // not begun: none was taken
				r.done <- err
			}
		}
	}
	return <-req.done
}

// marks is the queue of MarkSent calls waiting for a commit; busy is set
// while a caller leads them to one.
type marks struct {
	mu    sync.Mutex
	queue []*mark
	busy  bool
	alone int // marks written by the leader's own transactions (tests)
}

type mark struct {
	id    int64
	ext   string
	at    time.Time
	parts int // > 0: only that many parts were sent, the message is not
	// choices, when set, are the numbered choices the message showed
	// instead of its buttons (MarkAsked).
	choices []string
	err     error
	done    chan error
}

func (m *marks) take() []*mark {
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.queue
	m.queue = nil
	return q
}

// write writes the waiting marks into t, each in a savepoint, so
// that one's failure is its own; own is set when t is the leader's.
func (m *marks) write(t *tx, own bool) []*mark {
	batch := m.take()
	for _, r := range batch {
		r.err = t.Savepoint(func() error { return t.markSent(r) })
	}
	if own {
		m.mu.Lock()
		m.alone += len(batch)
		m.mu.Unlock()
	}
	return batch
}

func (t *tx) markSent(r *mark) error {
	if r.parts > 0 {
		if _, err := t.exec(`UPDATE outbox SET parts_sent = ? WHERE id = ? AND state = 'pending'`, r.parts, r.id); err != nil {
			return fmt.Errorf("store: mark parts: %w", err)
		}
		return nil
	}
	var chat int64
	var task sql.NullInt64
	err := t.queryRow(`UPDATE outbox SET state = 'sent', sent_at = ?, external_id = ?, attempts = attempts + 1
		WHERE id = ? AND state = 'pending' RETURNING chat_id, task_id`, ms(r.at), r.ext, r.id).Scan(&chat, &task)
	if errors.Is(err, sql.ErrNoRows) {
		// Dropped meanwhile; it went out all the same, and so did its
		// question.
		if r.choices == nil {
			return nil
		}
		if err := t.queryRow(`SELECT chat_id FROM outbox WHERE id = ?`, r.id).Scan(&chat); err != nil {
			return nil // pruned: nothing left to ask about
		}
		return t.ask(chat, r)
	}
	if err != nil {
		return fmt.Errorf("store: mark sent: %w", err)
	}
	if r.choices != nil {
		if err := t.ask(chat, r); err != nil {
			return err
		}
	}
	if task.Valid && r.ext != "" {
		// OR IGNORE: the messages merged into one share its id.
		if _, err = t.exec(`INSERT OR IGNORE INTO bot_messages (chat_id, message_id, task_id, sent_at) VALUES (?, ?, ?, ?)`,
			chat, r.ext, task.Int64, ms(r.at)); err != nil {
			return fmt.Errorf("store: remember message: %w", err)
		}
	}
	return nil
}

// ask records r's choices as chat's question, in place of the one before.
func (t *tx) ask(chat int64, r *mark) error {
	choices, err := json.Marshal(r.choices)
	if err != nil {
		return fmt.Errorf("store: question: %w", err)
	}
	if _, err := t.exec(`INSERT INTO questions (chat_id, message_id, choices, asked_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (chat_id) DO UPDATE SET message_id = excluded.message_id, choices = excluded.choices,
			asked_at = excluded.asked_at`, chat, r.ext, string(choices), ms(r.at)); err != nil {
		return fmt.Errorf("store: question: %w", err)
	}
	return nil
}

// Question returns the chat's last question, nil if none.
func (t *tx) Question(chatID int64) (*nhacviec.Question, error) {
	q := nhacviec.Question{ChatID: chatID}
	var choices string
	var at int64
	err := t.queryRow(`SELECT message_id, choices, asked_at FROM questions WHERE chat_id = ?`, chatID).Scan(&q.MessageID, &choices, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: question: %w", err)
	}
	if err := json.Unmarshal([]byte(choices), &q.Choices); err != nil {
		return nil, fmt.Errorf("store: question of chat %d: %w", chatID, err)
	}
	q.AskedAt = fromMS(at)
	return &q, nil
}

// Retry puts the message back to be tried again at at.
func (db *DB) Retry(ctx context.Context, id int64, at time.Time, reason string) error {
	if _, err := db.writeExec(ctx, `UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ?
		WHERE id = ? AND state = 'pending'`, ms(at), reason, id); err != nil {
		return fmt.Errorf("store: retry message: %w", err)
	}
	return nil
}

// GiveUp marks the message failed for good.
func (db *DB) GiveUp(ctx context.Context, id int64, reason string) error {
	if _, err := db.writeExec(ctx, `UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?
		WHERE id = ? AND state = 'pending'`, reason, id); err != nil {
		return fmt.Errorf("store: give up message: %w", err)
	}
	return nil
}
