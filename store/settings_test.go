package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/store"
)

// A database of schema 16 migrates to person settings (0018) keeping its
// people and the units' settings; a person without a setting has none
// ("" : the default), and a setting is kept per person, changed in place.
func TestPersonSettingsMigrationKeepsEveryRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.CreateAt(ctx, path, 16); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	const at = 1795500000000 // Unix ms
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (1, 'telegram', '101', 'lead', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO people (id, transport, external_id, username, created_at, updated_at) VALUES (2, 'telegram', '102', 'an', %d, %d)`, at, at),
		fmt.Sprintf(`INSERT INTO units (id, name, created_at) VALUES (1, 'Sở', %d)`, at),
		fmt.Sprintf(`INSERT INTO unit_settings (unit_id, name, value, set_by, set_at) VALUES (1, 'review', 'on', 1, %d)`, at),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()

	db := mustOpen(t, path)
	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		ps, err := tx.People([]int64{1, 2})
		if err != nil || len(ps) != 2 || ps[2].Username != "an" {
			t.Fatalf("people after the migration: %v, %v", ps, err)
		}
		us, err := tx.UnitSettings(nhacviec.SettingReview)
		if err != nil || us[1] != nhacviec.SettingOn {
			t.Fatalf("unit settings after the migration: %v, %v", us, err)
		}
		if v, err := tx.PersonSetting(2, nhacviec.SettingMonthlyReport); err != nil || v != "" {
			t.Fatalf("an's setting before any: %q, %v", v, err)
		}
		for _, v := range []string{nhacviec.SettingOff, nhacviec.SettingOn, nhacviec.SettingOff} {
			if err := tx.SetPersonSetting(2, nhacviec.SettingMonthlyReport, v); err != nil {
				return err
			}
		}
		if v, err := tx.PersonSetting(2, nhacviec.SettingMonthlyReport); err != nil || v != nhacviec.SettingOff {
			t.Fatalf("an's setting: %q, %v", v, err)
		}
		all, err := tx.PersonSettings(nhacviec.SettingMonthlyReport)
		if err != nil || len(all) != 1 || all[2] != nhacviec.SettingOff {
			t.Fatalf("settings by person: %v, %v", all, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
