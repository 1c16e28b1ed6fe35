package store

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"

	nhacviec "github.com/nhacviec/nhacviec"
)

// unitsCache is the units as last read, with the version of the tree
// they are (migration 0007): nearly every command reads the whole tree,
// which changes seldom.
type unitsCache struct {
	mu      sync.Mutex
	version int64
	units   []nhacviec.Unit // nil: nothing kept
}

// get returns fresh copies of the units kept, if they are of version v.
func (c *unitsCache) get(v int64) ([]*nhacviec.Unit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.units == nil || c.version != v {
		return nil, false
	}
	out := make([]*nhacviec.Unit, len(c.units))
	for i := range c.units {
		u := c.units[i]
		out[i] = &u
	}
	return out, true
}

func (c *unitsCache) put(v int64, units []*nhacviec.Unit) {
	kept := make([]nhacviec.Unit, len(units))
	for i, u := range units {
		kept[i] = *u
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version, c.units = v, kept
}

func (t *tx) Units() ([]*nhacviec.Unit, error) {
	// The version is read in this transaction, so the units kept are
	// those this transaction would read. One that changed units itself
	// reads them (its changes may still roll back).
	var version int64
	cache := t.units != nil && !t.unitsChanged
	if cache {
		// (A database opened read-only, not migrated, may have no
		// versions: it reads the units.)
		cache = t.queryRow(`SELECT n FROM versions WHERE name = 'units'`).Scan(&version) == nil
	}
	if cache {
		if out, ok := t.units.get(version); ok {
			return out, nil
		}
	}
	rows, err := t.query(`SELECT id, name, COALESCE(parent_id, 0) FROM units ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: units: %w", err)
	}
	defer rows.Close()
	out := []*nhacviec.Unit{}
	for rows.Next() {
		var u nhacviec.Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.ParentID); err != nil {
			return nil, fmt.Errorf("store: units: %w", err)
		}
		out = append(out, &u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: units: %w", err)
	}
	if cache {
		t.units.put(version, out)
	}
	return out, nil
}

func (t *tx) CreateUnit(u *nhacviec.Unit) error {
	t.unitsChanged = true
	err := t.queryRow(`INSERT INTO units (name, parent_id, created_at) VALUES (?, ?, ?) RETURNING id`,
		u.Name, nullID(u.ParentID), ms(t.now)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("store: create unit: %w", err)
	}
	return nil
}

func (t *tx) SaveUnit(u *nhacviec.Unit) error {
	t.unitsChanged = true
	_, err := t.exec(`UPDATE units SET name = ?, parent_id = ? WHERE id = ?`, u.Name, nullID(u.ParentID), u.ID)
	if err != nil {
		return fmt.Errorf("store: save unit: %w", err)
	}
	return nil
}

func (t *tx) DeleteUnit(id int64) error {
	t.unitsChanged = true
	for _, q := range []string{
		`DELETE FROM roles WHERE unit_id = ?`,
		`DELETE FROM invites WHERE unit_id = ?`,
		`DELETE FROM unit_settings WHERE unit_id = ?`,
		`UPDATE chats SET unit_id = NULL WHERE unit_id = ?`,
		`UPDATE tasks SET unit_id = NULL WHERE unit_id = ?`, // closed ones: history stays
		`DELETE FROM units WHERE id = ?`,
	} {
		if _, err := t.exec(q, id); err != nil {
			return fmt.Errorf("store: delete unit: %w", err)
		}
	}
	return nil
}

func (t *tx) queryRoles(query string, arg int64) ([]nhacviec.Membership, error) {
	rows, err := t.query(query, arg)
	if err != nil {
		return nil, fmt.Errorf("store: roles: %w", err)
	}
	defer rows.Close()
	var out []nhacviec.Membership
	for rows.Next() {
		var m nhacviec.Membership
		var role string
		if err := rows.Scan(&m.PersonID, &m.UnitID, &role); err != nil {
			return nil, fmt.Errorf("store: roles: %w", err)
		}
		m.Role = nhacviec.Role(role)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: roles: %w", err)
	}
	return out, nil
}

func (t *tx) Roles(personID int64) ([]nhacviec.Membership, error) {
	return t.queryRoles(`SELECT person_id, unit_id, role FROM roles WHERE person_id = ? ORDER BY unit_id, role`, personID)
}

func (t *tx) UnitRoles(unitID int64) ([]nhacviec.Membership, error) {
	return t.queryRoles(`SELECT person_id, unit_id, role FROM roles WHERE unit_id = ? ORDER BY role, person_id`, unitID)
}

func (t *tx) Grant(m nhacviec.Membership) error {
	_, err := t.exec(`INSERT INTO roles (person_id, unit_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		m.PersonID, m.UnitID, string(m.Role), ms(t.now))
	if err != nil {
		return fmt.Errorf("store: grant role: %w", err)
	}
	return nil
}

func (t *tx) Revoke(m nhacviec.Membership) (bool, error) {
	res, err := t.exec(`DELETE FROM roles WHERE person_id = ? AND unit_id = ? AND role = ?`, m.PersonID, m.UnitID, string(m.Role))
	if err != nil {
		return false, fmt.Errorf("store: revoke role: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func (t *tx) CreateInvite(i *nhacviec.Invite) error {
	_, err := t.exec(`INSERT INTO invites (code, unit_id, created_by, expires_at, max_uses, uses, revoked, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, i.Code, i.UnitID, i.CreatedBy, ms(i.ExpiresAt), i.MaxUses, i.Uses, i.Revoked, ms(t.now))
	if err != nil {
		return fmt.Errorf("store: create invite: %w", err)
	}
	return nil
}

func (t *tx) Invite(code string) (*nhacviec.Invite, error) {
	var i nhacviec.Invite
	var expires int64
	err := t.queryRow(`SELECT code, unit_id, created_by, expires_at, max_uses, uses, revoked FROM invites WHERE code = ?`, code).
		Scan(&i.Code, &i.UnitID, &i.CreatedBy, &expires, &i.MaxUses, &i.Uses, &i.Revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "invite not found")
	}
	if err != nil {
		return nil, fmt.Errorf("store: read invite: %w", err)
	}
	i.ExpiresAt = fromMS(expires)
	return &i, nil
}

func (t *tx) SaveInvite(i *nhacviec.Invite) error {
	_, err := t.exec(`UPDATE invites SET uses = ?, revoked = ? WHERE code = ?`, i.Uses, i.Revoked, i.Code)
	if err != nil {
		return fmt.Errorf("store: save invite: %w", err)
	}
	return nil
}

func (t *tx) BindChat(chatID, unitID int64) error {
	_, err := t.exec(`UPDATE chats SET unit_id = ? WHERE id = ?`, nullID(unitID), chatID)
	if err != nil {
		return fmt.Errorf("store: bind chat: %w", err)
	}
	return nil
}

func (t *tx) GroupOfUnit(unitID int64) (*nhacviec.Chat, error) {
	c, err := scanChat(t.queryRow(`SELECT `+chatColumns+` FROM chats
		WHERE unit_id = ? AND kind = 'group' AND active = 1 ORDER BY id LIMIT 1`, unitID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: find group of unit: %w", err)
	}
	return c, nil
}

func (t *tx) SeenIn(chatID, personID int64) error {
	_, err := t.exec(`INSERT INTO chat_members (chat_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, chatID, personID)
	if err != nil {
		return fmt.Errorf("store: record seen: %w", err)
	}
	return nil
}

func (t *tx) Seen(chatID, personID int64) (bool, error) {
	var one int
	err := t.queryRow(`SELECT 1 FROM chat_members WHERE chat_id = ? AND person_id = ?`, chatID, personID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read seen: %w", err)
	}
	return true, nil
}
