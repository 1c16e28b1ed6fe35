package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	_ "modernc.org/sqlite"
)

// seedOpts shape what seedBulk writes.
type seedOpts struct {
	closedOnly int  // people[:closedOnly] hold closed tasks only
	noDigests  bool // today's digests are not written as sent (sentDigests)
}

// seedBulk writes n tasks with their history straight into the database
// at path (whose schema and organisation the store has made), in big
// INSERT … SELECT statements: going through the store one task at a time
// would take an hour for a million. The rows are what the bot itself
// writes for such tasks (see store/tx.go, store/outbox.go):
//
//   - 5% of the tasks are open, a fifth of those overdue (by 1–30 days),
//     the rest due in 1–45 days; the other 95% were finished (3% of
//     them cancelled) over the last two years;
//   - each has its "created" event, and a closed one its closing event;
//   - each has the bot's reply in the unit's group and the notice in the
//     assignee's private chat, both sent and remembered for "xong"
//     replies; a closed one its sent reminder; an overdue one its sent
//     overdue notices to assignee and assigner; the message ids of that
//     history start at 1,000,000,000, above any the fake gives the run;
//   - today's digests went out at 07:30 (unless opt.noDigests), and the
//     escalation ladder ran then (ladder.go);
//
// The bot's clock is monday0900: open tasks are next looked at tomorrow
// at 08:00, as after this morning's pass. The tasks are spread evenly
// over people; the ones before opt.closedOnly hold closed tasks only.
// The tasks table must be empty.
func seedBulk(ctx context.Context, path string, people []*person, n int, opt seedOpts, progress func(string)) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	exec := func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`CREATE TEMP TABLE seedp (i INTEGER PRIMARY KEY, person INTEGER, unit INTEGER, head INTEGER, grp INTEGER, priv INTEGER, headpriv INTEGER, name TEXT, mayopen INTEGER)`); err != nil {
		return err
	}
	if err := exec(`BEGIN`); err != nil {
		return err
	}
	for i, p := range people {
		if err := exec(`INSERT INTO seedp VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, i, p.id, p.unit.id, p.unit.head.id, p.unit.group, p.priv, p.unit.head.priv, p.user.UserName, i >= opt.closedOnly); err != nil {
			return err
		}
	}
	if err := exec(`COMMIT`); err != nil {
		return err
	}
	const day = int64(24 * time.Hour / time.Millisecond)
	now := monday0900.UnixMilli()
	due := now + 8*int64(time.Hour/time.Millisecond) // today 17:00
	tomorrow0800 := monday0900.Add(23 * time.Hour).UnixMilli()
	np := len(people)
	// Since migration 0007 a delivered message's id has the time it was
	// sent; the databases of earlier builds have no such column.
	var dated bool
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM pragma_table_info('bot_messages') WHERE name = 'sent_at'`).Scan(&dated); err != nil {
		return err
	}
	// Since migration 0007 the planning times are in task_plans.
	var plansTable bool
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM sqlite_schema WHERE name = 'task_plans'`).Scan(&plansTable); err != nil {
		return err
	}
	byDay, err := keysByDay(ctx, conn)
	if err != nil {
		return err
	}
	keyDay := ""
	if byDay {
		keyDay = `strftime('%Y-%m-%d', t.deadline / 1000 + 25200, 'unixepoch') || '/' || `
	}
	taskPlanColumn, taskPlanValue := ", next_plan_at", "\n\t\t\t\tCASE WHEN open THEN ?7 ELSE NULL END,"
	if plansTable {
		taskPlanColumn, taskPlanValue = "", ""
	}
	botMessages := `INSERT INTO bot_messages (chat_id, message_id, task_id)
			SELECT chat_id, external_id, task_id FROM outbox WHERE task_id > ?1 AND task_id <= ?2 AND kind IN ('reply', 'notice')`
	if dated {
		botMessages = `INSERT INTO bot_messages (chat_id, message_id, task_id, sent_at)
			SELECT chat_id, external_id, task_id, sent_at FROM outbox WHERE task_id > ?1 AND task_id <= ?2 AND kind IN ('reply', 'notice')`
	}
	const chunk = 100000
	for a := 0; a < n; a += chunk {
		b := min(n, a+chunk)
		start := time.Now()
		steps := []string{
			// The tasks.
			`WITH RECURSIVE k(k) AS (SELECT ?1 UNION ALL SELECT k + 1 FROM k WHERE k + 1 < ?2),
			-- person i = k mod people: everyone holds as many; h: a hash of k that decides the rest
			t AS (SELECT k, k + 1 AS id, k % ?3 AS i, (k * 2654435761) % 4294967296 AS h FROM k),
			o AS (SELECT t.*, h % 20 = 0 AND s.mayopen AS open FROM t JOIN seedp s ON s.i = t.i),
			d AS (SELECT o.*, CASE WHEN open AND (h / 20) % 5 = 0 THEN ?5 - (1 + (h / 100) % 30) * ?4
				WHEN open THEN ?5 + (1 + (h / 100) % 43) * ?4
				ELSE ?5 - (1 + (h / 100) % 730) * ?4 END AS deadline FROM o)
			INSERT INTO tasks (id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at` + taskPlanColumn + `, recur, series_id, unit_id)
			SELECT d.id, 'Báo cáo kết quả thực hiện nhiệm vụ số ' || d.id, p.head, p.person, p.grp, d.deadline,
				CASE WHEN open THEN 'open' WHEN (h / 100) % 33 = 1 THEN 'cancelled' ELSE 'done' END,
				MIN(d.deadline - (3 + h % 20) * ?4, ?6 - (1 + h % 10) * ?4),
				CASE WHEN open THEN NULL ELSE d.deadline + (h % 5 - 2) * ?4 END,` + taskPlanValue + ` '', NULL, p.unit
			FROM d JOIN seedp p ON p.i = d.i`,
			// Their history.
			`INSERT INTO task_events (task_id, actor_id, kind, note, at)
			SELECT t.id, t.assigner_id, 'created', 'giao cho @' || p.username || ', hạn 17:00 ' || strftime('%d/%m/%Y', t.deadline / 1000 + 25200, 'unixepoch'), t.created_at
			FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id > ?1 AND t.id <= ?2`,
			`INSERT INTO task_events (task_id, actor_id, kind, note, at)
			SELECT id, CASE status WHEN 'done' THEN assignee_id ELSE assigner_id END, status, '', closed_at
			FROM tasks WHERE id > ?1 AND id <= ?2 AND status <> 'open'`,
			// What the bot said about them: the reply in the group and the
			// notice in private (remembered for "xong" replies) ...
			`INSERT INTO outbox (key, chat_id, kind, task_id, text, html, buttons, reply_to, not_before, created_at, state, attempts, sent_at, external_id)
			SELECT NULL, t.chat_id, 'reply', t.id, '📌 Đã giao việc #' || t.id || ' cho @' || p.username || char(10) || '<b>' || t.title || '</b>' || char(10) || 'Hạn: 17:00 ' || strftime('%d/%m/%Y', t.deadline / 1000 + 25200, 'unixepoch'),
				1, '[[{"text":"✅ Xong","data":"done:' || t.id || '"}]]', CAST(1000000000 + t.id * 4 AS TEXT), t.created_at, t.created_at, 'sent', 1, t.created_at, CAST(1000000000 + t.id * 4 + 1 AS TEXT)
			FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id > ?1 AND t.id <= ?2`,
			`INSERT INTO outbox (key, chat_id, kind, task_id, text, html, buttons, not_before, created_at, state, attempts, sent_at, external_id)
			SELECT NULL, p.private_chat_id, 'notice', t.id, '📌 @' || a.username || ' giao cho bạn việc #' || t.id || char(10) || '<b>' || t.title || '</b>' || char(10) || 'Hạn: 17:00 ' || strftime('%d/%m/%Y', t.deadline / 1000 + 25200, 'unixepoch') || char(10) || char(10) || 'Xong thì bấm ✅ hoặc trả lời "xong" vào tin nhắn này.',
				1, '[[{"text":"✅ Xong","data":"done:' || t.id || '"}]]', t.created_at, t.created_at, 'sent', 1, t.created_at, CAST(1000000000 + t.id * 4 + 2 AS TEXT)
			FROM tasks t JOIN people p ON p.id = t.assignee_id JOIN people a ON a.id = t.assigner_id WHERE t.id > ?1 AND t.id <= ?2`,
			botMessages,
			// ... the reminder of a closed task ...
			`INSERT INTO outbox (key, chat_id, kind, task_id, text, html, buttons, not_before, created_at, state, attempts, sent_at, external_id)
			SELECT ` + keyDay + `'reminder:' || t.id || ':due:' || strftime('%Y-%m-%d', t.deadline / 1000 + 25200, 'unixepoch') || ':' || p.private_chat_id,
				p.private_chat_id, 'reminder', t.id, '⏰ Hôm nay đến hạn việc #' || t.id || ': <b>' || t.title || '</b>', 1,
				'[[{"text":"✅ Xong","data":"done:' || t.id || '"}]]', t.deadline - 9 * 3600000, t.deadline - 9 * 3600000, 'sent', 1, t.deadline - 9 * 3600000, CAST(1000000000 + t.id * 4 + 3 AS TEXT)
			FROM tasks t JOIN people p ON p.id = t.assignee_id WHERE t.id > ?1 AND t.id <= ?2 AND t.status <> 'open'`,
			// ... and an overdue one's overdue notices.
			`INSERT INTO outbox (key, chat_id, kind, task_id, text, html, not_before, created_at, state, attempts, sent_at)
			SELECT ` + keyDay + `'overdue:' || t.id || ':' || strftime('%Y%m%d%H%M', t.deadline / 1000 + 25200, 'unixepoch') || ':' || c.chat,
				c.chat, 'overdue', t.id, '⚠️ Việc #' || t.id || ' đã quá hạn: <b>' || t.title || '</b>', 1, t.deadline, t.deadline, 'sent', 1, t.deadline
			FROM tasks t JOIN (SELECT 0 AS w UNION ALL SELECT 1) x
			JOIN (SELECT person, priv AS chat FROM seedp) c ON c.person = CASE x.w WHEN 0 THEN t.assignee_id ELSE t.assigner_id END
			WHERE t.id > ?1 AND t.id <= ?2 AND t.status = 'open' AND t.deadline < ?6
				AND (x.w = 0 OR t.assigner_id <> t.assignee_id)`,
		}
		if plansTable { // when the scheduler next looks at the open ones
			steps = slices.Insert(steps, 1, `INSERT INTO task_plans (task_id, at) SELECT id, ?7 FROM tasks WHERE id > ?1 AND id <= ?2 AND status = 'open'`)
		}
		if err := exec(`BEGIN`); err != nil {
			return err
		}
		for _, q := range steps {
			if err := exec(q, a, b, np, day, due, now, tomorrow0800); err != nil {
				return fmt.Errorf("seed: %w\n%s", err, q)
			}
		}
		if err := exec(`COMMIT`); err != nil {
			return err
		}
		if progress != nil {
			progress(fmt.Sprintf("%d tasks (%s)", b, since(start)))
		}
	}
	if !opt.noDigests {
		if err := sentDigests(ctx, conn, nil); err != nil {
			return err
		}
	}
	if err := ladderRan(ctx, conn); err != nil {
		return err
	}
	return exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
}

// sentDigests writes today's digests of these groups (store ids; nil:
// every group) as sent at 07:30, so that no pass plans them.
func sentDigests(ctx context.Context, conn *sql.Conn, groups []int64) error {
	where := "kind = 'group'"
	if groups != nil {
		ids, err := json.Marshal(groups)
		if err != nil {
			return err
		}
		where += " AND id IN (SELECT value FROM json_each('" + string(ids) + "'))"
	}
	byDay, err := keysByDay(ctx, conn)
	if err != nil {
		return err
	}
	day := ""
	if byDay {
		day = "'2026-11-23/' || "
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO outbox (key, chat_id, kind, text, html, not_before, created_at, state, attempts, sent_at)
		SELECT `+day+`'digest:' || id || ':2026-11-23:' || id, id, 'digest', '☀️ Điểm việc sáng', 1, ?1, ?1, 'sent', 1, ?1
		FROM chats WHERE `+where, monday0900.Add(-90*time.Minute).UnixMilli())
	return err
}

// schemaID names the schema of the database at path: its version (the
// last migration applied) and a digest of its definition, as branches may
// number different migrations alike.
func schemaID(ctx context.Context, path string) (string, error) {
	var v int
	var def string
	err := rawExec(ctx, path, func(c *sql.Conn) error {
		if err := c.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return err
		}
		return c.QueryRowContext(ctx, `SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name)`).Scan(&def)
	})
	sum := sha256.Sum256([]byte(def))
	return fmt.Sprintf("%d-%x", v, sum[:4]), err
}

// rawExec runs fn on a connection to the database at path, outside the
// store.
func rawExec(ctx context.Context, path string, fn func(*sql.Conn) error) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// keysByDay reports whether the database's planned keys start with their
// day, as since migration 0015.
func keysByDay(ctx context.Context, conn *sql.Conn) (bool, error) {
	var version int
	err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version)
	return version >= 15, err
}
