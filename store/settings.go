package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// A person's own settings (nhacviec.PersonSettingsTx), in person_settings.

func (t *tx) PersonSettings(name string) (map[int64]string, error) {
	rows, err := t.query(`SELECT person_id, value FROM person_settings WHERE name = ?`, name)
	if err != nil {
		return nil, fmt.Errorf("store: person settings: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var person int64
		var value string
		if err := rows.Scan(&person, &value); err != nil {
			return nil, fmt.Errorf("store: person settings: %w", err)
		}
		out[person] = value
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: person settings: %w", err)
	}
	return out, nil
}

func (t *tx) PersonSetting(personID int64, name string) (string, error) {
	var value string
	err := t.queryRow(`SELECT value FROM person_settings WHERE person_id = ? AND name = ?`, personID, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("store: person setting: %w", err)
	}
	return value, nil
}

func (t *tx) SetPersonSetting(personID int64, name, value string) error {
	_, err := t.exec(`INSERT INTO person_settings (person_id, name, value, set_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (person_id, name) DO UPDATE SET value = excluded.value, set_at = excluded.set_at`,
		personID, name, value, ms(t.now))
	if err != nil {
		return fmt.Errorf("store: set person setting: %w", err)
	}
	return nil
}
