package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/store"
)

// The organisation under load: a department (Sở) with units under it;
// each unit has a head, members and a Telegram group bound to it, and
// everyone has opened a private chat with the bot.
type org struct {
	root   int64
	units  []*unit
	people []*person
	// Registered but idle: people in units of their own who send no
	// command under load (seedOrgWith's extra), with their units.
	idleUnits  []*unit
	idlePeople []*person
}

// all is everyone registered, the active people first.
func (o *org) all() []*person { return append(o.people[:len(o.people):len(o.people)], o.idlePeople...) }

type unit struct {
	id    int64 // store id
	group int64 // store id of its bound group
	chat  tgbotapi.Chat
	head  *person
	staff []*person // the head first
}

type person struct {
	user tgbotapi.User
	id   int64 // store id
	priv int64 // store id of the private chat
	unit *unit
	head bool
}

func (p *person) chat() tgbotapi.Chat {
	return tgbotapi.Chat{ID: p.user.ID, Type: "private", UserName: p.user.UserName, FirstName: p.user.FirstName}
}

// Telegram ids: person i is 2,000,000+i (@u00042); unit u's group is
// -(100,000+u).
func personTG(i int) int64 { return 2000000 + int64(i) }
func groupTG(u int) int64  { return 100000 + int64(u) }

// seedOrg writes the organisation into the database at path through the
// store (one transaction) and makes it known to the fake server. People
// may be written to without a /start of theirs: the fake is told not to
// require it, as if each had pressed Start.
func seedOrg(ctx context.Context, path string, srv *telegramtest.Server, units, perUnit int) (*org, error) {
	return seedOrgWith(ctx, path, srv, units, perUnit, 0)
}

// idleUnitSize is how many people each unit of the idle people has.
const idleUnitSize = 50

// seedOrgWith is seedOrg with extra idle people registered too, in
// units of idleUnitSize of their own, each with a bound group.
func seedOrgWith(ctx context.Context, path string, srv *telegramtest.Server, units, perUnit, extra int) (*org, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	o := &org{}
	srv.SetRequireStart(false)
	err = db.Update(ctx, func(tx nhacviec.Tx) error {
		root := &nhacviec.Unit{Name: "Sở Khoa học và Công nghệ"}
		if err := tx.CreateUnit(root); err != nil {
			return err
		}
		o.root = root.ID
		addUnit := func(n int) (*unit, error) {
			u := len(o.units) + len(o.idleUnits)
			nu := &nhacviec.Unit{Name: fmt.Sprintf("Phòng %d", u+1), ParentID: root.ID}
			if err := tx.CreateUnit(nu); err != nil {
				return nil, err
			}
			chat := srv.Group(groupTG(u), nu.Name)
			g := &nhacviec.Chat{Transport: "telegram", ExternalID: strconv.FormatInt(chat.ID, 10), Kind: nhacviec.ChatGroup, Title: nu.Name}
			if err := tx.EnsureChat(g); err != nil {
				return nil, err
			}
			if err := tx.BindChat(g.ID, nu.ID); err != nil {
				return nil, err
			}
			un := &unit{id: nu.ID, group: g.ID, chat: chat}
			for k := range n {
				i := len(o.people) + len(o.idlePeople) + len(un.staff)
				user := srv.User(personTG(i), fmt.Sprintf("u%05d", i), fmt.Sprintf("Người %d", i))
				pc := &nhacviec.Chat{Transport: "telegram", ExternalID: strconv.FormatInt(user.ID, 10), Kind: nhacviec.ChatPrivate}
				if err := tx.EnsureChat(pc); err != nil {
					return nil, err
				}
				p := &nhacviec.Person{Transport: "telegram", ExternalID: strconv.FormatInt(user.ID, 10),
					Username: user.UserName, DisplayName: user.FirstName, PrivateChatID: pc.ID}
				if err := tx.EnsurePerson(p); err != nil {
					return nil, err
				}
				role := nhacviec.RoleMember
				if k == 0 {
					role = nhacviec.RoleHead
				}
				if err := tx.Grant(nhacviec.Membership{PersonID: p.ID, UnitID: nu.ID, Role: role}); err != nil {
					return nil, err
				}
				if err := tx.SeenIn(g.ID, p.ID); err != nil {
					return nil, err
				}
				pp := &person{user: user, id: p.ID, priv: pc.ID, unit: un, head: k == 0}
				if k == 0 {
					un.head = pp
				}
				un.staff = append(un.staff, pp)
			}
			return un, nil
		}
		for range units {
			un, err := addUnit(perUnit)
			if err != nil {
				return err
			}
			o.units, o.people = append(o.units, un), append(o.people, un.staff...)
		}
		for extra > 0 {
			un, err := addUnit(min(extra, idleUnitSize))
			if err != nil {
				return err
			}
			o.idleUnits, o.idlePeople = append(o.idleUnits, un), append(o.idlePeople, un.staff...)
			extra -= len(un.staff)
		}
		return nil
	})
	return o, err
}

// update runs fn in one write transaction on the database at path.
func update(ctx context.Context, path string, now time.Time, fn func(nhacviec.Tx) error) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	return db.Update(ctx, fn)
}
