package store

import (
	"fmt"

	nhacviec "github.com/nhacviec/nhacviec"
)

func (t *tx) DraftsOf(chatID, personID int64) ([]*nhacviec.Draft, error) {
	rows, err := t.query(`SELECT id, chat_id, person_id, kind, payload, created_at FROM drafts
		WHERE person_id = ? AND chat_id = ? ORDER BY id DESC`, personID, chatID)
	if err != nil {
		return nil, fmt.Errorf("store: read drafts: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Draft
	for rows.Next() {
		var d nhacviec.Draft
		var created int64
		if err := rows.Scan(&d.ID, &d.ChatID, &d.PersonID, &d.Kind, &d.Payload, &created); err != nil {
			return nil, fmt.Errorf("store: read drafts: %w", err)
		}
		d.CreatedAt = fromMS(created)
		out = append(out, &d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read drafts: %w", err)
	}
	return out, nil
}
