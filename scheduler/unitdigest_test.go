package scheduler_test

import (
	"context"
	"testing"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// unitDigests composes a unit's private digest as one message to the
// lead's private chat, so that its key is written.
type unitDigests struct{ recorder }

func (u *unitDigests) Compose(tx nhacviec.Tx, n nhacviec.Notice) ([]*nhacviec.Message, error) {
	msgs, err := u.recorder.Compose(tx, n)
	if n.Unit != nil {
		msgs = []*nhacviec.Message{{ChatID: 2, Kind: n.Kind, Text: "digest of " + n.Unit.Name}}
	}
	return msgs, err
}

// A unit bound to no group gets a digest notice of its own (its people
// are told privately, bot.Compose); a unit with a group does not: its
// group's digest covers it. Planned once a day, from 07:30, as a group's.
func TestUnitWithoutGroupGetsADigest(t *testing.T) {
	f := newFixture(t)
	rec := &unitDigests{}
	f.s.Composer = rec
	var withGroup, without nhacviec.Unit
	err := f.db.Update(context.Background(), func(tx nhacviec.Tx) error {
		withGroup, without = nhacviec.Unit{Name: "Phòng có nhóm"}, nhacviec.Unit{Name: "Phòng Zalo"}
		for _, u := range []*nhacviec.Unit{&withGroup, &without} {
			if err := tx.CreateUnit(u); err != nil {
				return err
			}
		}
		return tx.BindChat(f.group.ID, withGroup.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	tuesday := time.Date(2026, 11, 24, 7, 29, 0, 0, hcm)
	for _, at := range []time.Time{tuesday, tuesday.Add(2 * time.Minute), tuesday.Add(time.Hour)} {
		f.db.Now = func() time.Time { return at }
		if _, err := f.s.RunOnce(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.units) != 1 || rec.units[0].Unit.ID != without.ID || rec.units[0].Slot != "2026-11-24" ||
		!rec.units[0].At.Equal(tuesday.Add(2*time.Minute)) {
		t.Fatalf("unit digests %+v, want Phòng Zalo's once, at the first pass from 07:30 on 24/11", rec.units)
	}
	digests := 0
	for _, n := range rec.notices {
		if n.Kind == nhacviec.KindDigest {
			digests++
			if n.Chat.ID != f.group.ID {
				t.Errorf("digest for chat %d", n.Chat.ID)
			}
		}
	}
	if digests != 1 {
		t.Errorf("%d group digests, want the bound group's once", digests)
	}
}
