package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
)

// One person, several apps (migration 0020). A people row is an account;
// linking points the second person's accounts to the first and rewrites
// every reference to the second, found through the schema's foreign keys
// to people (so a table added later is rewritten too). The alternative, a
// table of accounts apart from people, would need the same rewriting
// whenever both already have tasks, and every query that reads a
// person's ids would change; this way a person's id, and with it every
// task, role and line of history, stays what it was for the one kept.

// accountOf finishes EnsurePerson for an account: a linked account
// answers for its person, and a private message of a linked person
// records the app they used last.
func (t *tx) accountOf(p *nhacviec.Person, to sql.NullInt64, linked bool, private int64) error {
	if to.Valid {
		p.ID = to.Int64
	}
	p.Linked = linked || to.Valid
	if !p.Linked || private == 0 {
		return nil
	}
	if _, err := t.exec(`UPDATE people SET last_chat_id = ? WHERE id = ? AND last_chat_id IS NOT ?`, private, p.ID, private); err != nil {
		return fmt.Errorf("store: ensure person: %w", err)
	}
	return nil
}

func (t *tx) CreateLinkCode(c *nhacviec.LinkCode) error {
	_, err := t.exec(`INSERT INTO link_codes (code, person_id, transport, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		c.Code, c.PersonID, c.Transport, ms(t.now), ms(c.ExpiresAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return nhacviec.Errorf(nhacviec.EConflict, "link code exists")
	}
	if err != nil {
		return fmt.Errorf("store: create link code: %w", err)
	}
	return nil
}

func (t *tx) LinkCode(code string) (*nhacviec.LinkCode, error) {
	var c nhacviec.LinkCode
	var expires int64
	var used sql.NullInt64
	err := t.queryRow(`SELECT code, person_id, transport, expires_at, used_at FROM link_codes WHERE code = ?`, code).
		Scan(&c.Code, &c.PersonID, &c.Transport, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "link code not found")
	}
	if err != nil {
		return nil, fmt.Errorf("store: link code: %w", err)
	}
	c.ExpiresAt, c.UsedAt = fromMS(expires), fromNullMS(used)
	return &c, nil
}

func (t *tx) UseLinkCode(code string, by int64) error {
	res, err := t.exec(`UPDATE link_codes SET used_at = ?, used_by = ? WHERE code = ? AND used_at IS NULL`, ms(t.now), by, code)
	if err != nil {
		return fmt.Errorf("store: use link code: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nhacviec.Errorf(nhacviec.EConflict, "link code used")
	}
	return nil
}

func (t *tx) LinkPeople(keep, merge int64) error {
	if keep == merge {
		return nhacviec.Errorf(nhacviec.EInvalid, "link: %d is %d", keep, merge)
	}
	var to sql.NullInt64
	for _, id := range []int64{keep, merge} {
		err := t.queryRow(`SELECT linked_to FROM people WHERE id = ?`, id).Scan(&to)
		if errors.Is(err, sql.ErrNoRows) {
			return nhacviec.Errorf(nhacviec.ENotFound, "person %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("store: link: %w", err)
		}
		if to.Valid {
			return nhacviec.Errorf(nhacviec.EInvalid, "link: %d is an account of %d", id, to.Int64)
		}
	}
	// One human named on a task twice, once by each account: one part
	// stays, the delivered one if only one was, and it becomes keep's
	// below (left with merge, no list would show it and keep could not
	// deliver it).
	if _, err := t.exec(`DELETE FROM task_coordinators WHERE id IN (
		SELECT CASE WHEN m.done_at IS NOT NULL AND k.done_at IS NULL THEN k.id ELSE m.id END
		FROM task_coordinators m JOIN task_coordinators k ON k.task_id = m.task_id
		WHERE m.person_id = ? AND k.person_id = ?)`, merge, keep); err != nil {
		return fmt.Errorf("store: link parts: %w", err)
	}
	refs, err := t.peopleRefs()
	if err != nil {
		return err
	}
	for _, r := range refs {
		// OR IGNORE: a row that would repeat one of keep's (a role, a
		// group seen, a setting) stays as it was.
		if _, err := t.exec(`UPDATE OR IGNORE "`+r.table+`" SET "`+r.column+`" = ? WHERE "`+r.column+`" = ?`, keep, merge); err != nil {
			return fmt.Errorf("store: link %s.%s: %w", r.table, r.column, err)
		}
	}
	// What stayed is what keep holds already: the same role, the same
	// group seen.
	for _, q := range []string{`DELETE FROM roles WHERE person_id = ?`, `DELETE FROM chat_members WHERE person_id = ?`} {
		if _, err := t.exec(q, merge); err != nil {
			return fmt.Errorf("store: link: %w", err)
		}
	}
	if _, err := t.exec(`UPDATE people SET linked_to = ?, linked = 0, channel = '', last_chat_id = NULL, updated_at = ? WHERE id = ?`,
		keep, ms(t.now), merge); err != nil {
		return fmt.Errorf("store: link: %w", err)
	}
	// The app used last is the one the link was made from, until they
	// write again.
	if _, err := t.exec(`UPDATE people SET linked = 1, updated_at = ? WHERE id = ?`, ms(t.now), keep); err != nil {
		return fmt.Errorf("store: link: %w", err)
	}
	return nil
}

type peopleRef struct{ table, column string }

// peopleRefs lists the columns that refer to people, from the schema's
// foreign keys.
func (t *tx) peopleRefs() ([]peopleRef, error) {
	rows, err := t.query(`SELECT m.name, f."from" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'people' ORDER BY m.name, f."from"`)
	if err != nil {
		return nil, fmt.Errorf("store: link: %w", err)
	}
	defer rows.Close()
	var out []peopleRef
	for rows.Next() {
		var r peopleRef
		if err := rows.Scan(&r.table, &r.column); err != nil {
			return nil, fmt.Errorf("store: link: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) Accounts(personID int64) ([]*nhacviec.Person, error) {
	rows, err := t.query(`SELECT id, transport, external_id, username, display_name, private_chat_id, linked_to IS NOT NULL OR linked, channel
		FROM people WHERE id = ? OR linked_to = ? ORDER BY id <> ?, id`, personID, personID, personID)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("store: accounts: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (t *tx) SetChannel(personID int64, transport string) error {
	if _, err := t.exec(`UPDATE people SET channel = ?, updated_at = ? WHERE id = ?`, transport, ms(t.now), personID); err != nil {
		return fmt.Errorf("store: set channel: %w", err)
	}
	return nil
}

func (t *tx) Directory(chatID int64) ([]*nhacviec.Person, error) {
	rows, err := t.query(`SELECT COALESCE(a.linked_to, a.id), a.transport, a.external_id, a.username, a.display_name, NULL, a.linked OR a.linked_to IS NOT NULL, a.channel
		FROM people a WHERE COALESCE(a.linked_to, a.id) IN (SELECT person_id FROM roles UNION SELECT person_id FROM chat_members WHERE chat_id = ?)
		ORDER BY 1, a.id`, chatID)
	if err != nil {
		return nil, fmt.Errorf("store: directory: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("store: directory: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
