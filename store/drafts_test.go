package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// DraftsOf finds a person's drafts in one chat, newest first: not
// another person's, not those of another chat.
func TestDraftsOf(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	var chat1, chat2 nhacviec.Chat
	var an, binh nhacviec.Person
	var mine []int64
	err := db.Update(ctx, func(tx nhacviec.Tx) error {
		chat1 = nhacviec.Chat{Transport: "telegram", ExternalID: "1", Kind: nhacviec.ChatPrivate}
		chat2 = nhacviec.Chat{Transport: "telegram", ExternalID: "-2", Kind: nhacviec.ChatGroup}
		an = nhacviec.Person{Transport: "telegram", ExternalID: "1", Username: "an"}
		binh = nhacviec.Person{Transport: "telegram", ExternalID: "2", Username: "binh"}
		for _, c := range []*nhacviec.Chat{&chat1, &chat2} {
			if err := tx.EnsureChat(c); err != nil {
				return err
			}
		}
		for _, p := range []*nhacviec.Person{&an, &binh} {
			if err := tx.EnsurePerson(p); err != nil {
				return err
			}
		}
		for i, d := range []nhacviec.Draft{
			{ChatID: chat1.ID, PersonID: an.ID, Kind: "guide", Payload: `{"step":"title"}`},
			{ChatID: chat2.ID, PersonID: an.ID, Kind: "field", Payload: "{}"},
			{ChatID: chat1.ID, PersonID: binh.ID, Kind: "guide", Payload: "{}"},
			{ChatID: chat1.ID, PersonID: an.ID, Kind: "field", Payload: "{}"},
		} {
			if err := tx.SaveDraft(&d); err != nil {
				return err
			}
			if i == 0 || i == 3 {
				mine = append([]int64{d.ID}, mine...)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		got, err := tx.DraftsOf(chat1.ID, an.ID)
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].ID != mine[0] || got[1].ID != mine[1] || got[0].Kind != "field" ||
			got[1].Payload != `{"step":"title"}` || got[1].CreatedAt.IsZero() {
			t.Fatalf("an's drafts in chat 1 = %+v, want ids %v", got, mine)
		}
		none, err := tx.DraftsOf(chat2.ID, binh.ID)
		if err != nil || len(none) != 0 {
			t.Fatalf("binh's drafts in chat 2 = %+v, %v", none, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A database of schema 13, with drafts waiting for a choice, migrates:
// its drafts are kept and found by person and chat, through the new
// index.
func TestDraftsMigrationKeepsDrafts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	bodies, err := store.MigrationsUpTo(13)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000 // Unix ms
	stmts := append(bodies,
		`PRAGMA user_version = 13`,
		fmt.Sprintf(`INSERT INTO chats (id, transport, external_id, kind, title, created_at) VALUES (1, 'telegram', '-42', 'group', 'Phòng', %d)`, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO drafts (id, chat_id, person_id, kind, payload, created_at) VALUES (7, 1, 1, 'assign', '{"title":"x"}', %d)`, at),
	)
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()

	db := mustOpen(t, path)
	err = db.View(ctx, func(tx nhacviec.Tx) error {
		got, err := tx.DraftsOf(1, 1)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != 7 || got[0].Kind != "assign" || got[0].Payload != `{"title":"x"}` || got[0].CreatedAt.UnixMilli() != at {
			t.Fatalf("drafts after the migration: %+v", got)
		}
		d, err := tx.Draft(7)
		if err != nil || d.Kind != "assign" {
			t.Fatalf("draft 7 after the migration: %+v, %v", d, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var plan string
	rows, err := conn.Query(`EXPLAIN QUERY PLAN SELECT id, chat_id, person_id, kind, payload, created_at FROM drafts
		WHERE person_id = 1 AND chat_id = 1 ORDER BY id DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan += detail + "\n"
	}
	if want := "USING INDEX drafts_person"; !strings.Contains(plan, want) || strings.Contains(plan, "TEMP B-TREE") {
		t.Fatalf("query plan:\n%s\nlacks %q", plan, want)
	}
}
