package bot

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Invite defaults: a week, and enough uses for a phòng.
const (
	inviteTTL  = 7 * 24 * time.Hour
	inviteUses = 50
)

// roleNames are the Vietnamese (folded) and English words for roles.
var roleNames = map[string]nhacviec.Role{
	"lanhdao": nhacviec.RoleLeader, "leader": nhacviec.RoleLeader,
	"truong": nhacviec.RoleHead, "truongdonvi": nhacviec.RoleHead, "head": nhacviec.RoleHead,
	"thanhvien": nhacviec.RoleMember, "chuyenvien": nhacviec.RoleMember, "member": nhacviec.RoleMember,
	"theodoi": nhacviec.RoleMonitor, "monitor": nhacviec.RoleMonitor,
}

func roleText(r nhacviec.Role) string {
	switch r {
	case nhacviec.RoleLeader:
		return "lãnh đạo"
	case nhacviec.RoleHead:
		return "trưởng đơn vị"
	case nhacviec.RoleMonitor:
		return "theo dõi"
	}
	return "thành viên"
}

// unitRef finds a unit by its number ("3", "#3") or its name, any case,
// with or without diacritics.
func (c *conv) unitRef(s string) (*nhacviec.Unit, error) {
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	s = strings.TrimSpace(s)
	if id, ok := parseID(s); ok {
		if u, ok := st.tree.units[id]; ok {
			return u, nil
		}
	}
	var found *nhacviec.Unit
	for _, u := range st.tree.units {
		if calendar.Fold(u.Name) == calendar.Fold(s) {
			if found != nil {
				return nil, nhacviec.Errorf(nhacviec.EInvalid, textUnitAmbiguous, esc(clip(s, maxEcho)))
			}
			found = u
		}
	}
	if found == nil {
		return nil, nhacviec.Errorf(nhacviec.EInvalid, textUnitNotFound, esc(clip(s, maxEcho)))
	}
	return found, nil
}

// defaultUnit is the unit a command means when it names none: the bound
// group's, else the one unit the caller heads or belongs to.
func (c *conv) defaultUnit() (*nhacviec.Unit, error) {
	st, err := c.standing()
	if err != nil {
		return nil, err
	}
	if u, ok := st.tree.units[c.chat.UnitID]; ok {
		return u, nil
	}
	var ids []int64
	for _, m := range st.roles {
		ids = append(ids, m.UnitID)
	}
	slices.Sort(ids)
	if ids = slices.Compact(ids); len(ids) == 1 {
		return st.tree.units[ids[0]], nil
	}
	return nil, nhacviec.Errorf(nhacviec.EInvalid, textWhichUnit)
}

// personArg reads the person a command names first: "@username", a
// mention of someone without a username, or a name (address.go). It
// returns the rest of args.
func (c *conv) personArg(args string) (*nhacviec.Person, string, error) {
	args = strings.TrimSpace(args)
	p, rest, many, err := c.named(args)
	if p != nil || err != nil {
		return p, rest, err
	}
	if len(many) > 0 {
		return nil, "", c.ambiguous(strings.TrimSuffix(args, rest), many, textNamedExample)
	}
	who, _, _ := strings.Cut(args, " ")
	if !strings.HasPrefix(who, "@") || len(who) < 2 {
		return nil, "", nhacviec.Errorf(nhacviec.EInvalid, textNeedPerson)
	}
	return nil, "", nhacviec.Errorf(nhacviec.EInvalid, textUnknownPerson, esc(clip(who, maxEcho)), esc(c.botName()))
}

// mentioned returns the person args starts with when they are named by a
// mention without a username, and the rest of args; nil when args does not
// start with such a mention.
func (c *conv) mentioned(args string) (*nhacviec.Person, string, error) {
	for _, m := range c.u.Mentions {
		if m.Text != "" && strings.HasPrefix(args, m.Text) {
			p := &nhacviec.Person{Transport: c.u.Transport, ExternalID: m.User.ID, Username: m.User.Username, DisplayName: m.User.Name}
			if err := c.tx.EnsurePerson(p); err != nil {
				return nil, "", err
			}
			return p, strings.TrimSpace(args[len(m.Text):]), nil
		}
	}
	return nil, "", nil
}

// units: /donvi lists the tree; admins add, rename, move and remove:
//
//	/donvi them Phòng Tổng hợp trong Sở KHCN
//	/donvi doiten 3 Phòng Hành chính – Tổng hợp
//	/donvi chuyen 3 vao 1      (or: vao goc)
//	/donvi xoa 3
func (c *conv) units(args string) error {
	st, err := c.standing()
	if err != nil {
		return err
	}
	verb, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	rest = strings.TrimSpace(rest)
	if verb == "" {
		return c.listUnits(st)
	}
	if !st.admin {
		return nhacviec.Errorf(nhacviec.EForbidden, textAdminsOnlyUnits)
	}
	switch calendar.Fold(verb) {
	case "them", "add":
		name, parent := splitWord(rest, "trong")
		if name == "" {
			return nhacviec.Errorf(nhacviec.EInvalid, textUnitUsage)
		}
		u := &nhacviec.Unit{Name: name}
		if parent != "" {
			p, err := c.unitRef(parent)
			if err != nil {
				return err
			}
			u.ParentID = p.ID
		}
		if err := c.tx.CreateUnit(u); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textUnitAdded, u.ID, esc(u.Name)))
	case "doiten", "rename":
		ref, name, _ := strings.Cut(rest, " ")
		u, err := c.unitRef(ref)
		if err != nil {
			return err
		}
		if name = strings.TrimSpace(name); name == "" {
			return nhacviec.Errorf(nhacviec.EInvalid, textUnitUsage)
		}
		u.Name = name
		if err := c.tx.SaveUnit(u); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textUnitRenamed, u.ID, esc(u.Name)))
	case "chuyen", "move":
		ref, to := splitWord(rest, "vao")
		u, err := c.unitRef(ref)
		if err != nil {
			return err
		}
		u.ParentID = 0
		if f := calendar.Fold(to); f != "goc" && f != "root" && f != "" {
			p, err := c.unitRef(to)
			if err != nil {
				return err
			}
			if st.tree.within(p.ID, u.ID) {
				return nhacviec.Errorf(nhacviec.EInvalid, textUnitCycle)
			}
			u.ParentID = p.ID
		} else if f == "" {
			return nhacviec.Errorf(nhacviec.EInvalid, textUnitUsage)
		}
		if err := c.tx.SaveUnit(u); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textUnitMoved, u.ID, esc(st.treePathAfterMove(u))))
	case "xoa", "remove":
		u, err := c.unitRef(rest)
		if err != nil {
			return err
		}
		if len(st.tree.children[u.ID]) > 0 {
			return nhacviec.Errorf(nhacviec.EConflict, textUnitHasChildren, esc(u.Name))
		}
		open, err := c.tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, UnitIDs: []int64{u.ID}, Limit: 1})
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return nhacviec.Errorf(nhacviec.EConflict, textUnitHasTasks, esc(u.Name))
		}
		if err := c.tx.DeleteUnit(u.ID); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textUnitRemoved, esc(u.Name)))
	}
	return nhacviec.Errorf(nhacviec.EInvalid, textUnitUsage)
}

// treePathAfterMove names u under its new parent.
func (s *standing) treePathAfterMove(u *nhacviec.Unit) string {
	if p, ok := s.tree.units[u.ParentID]; ok {
		return s.tree.path(p.ID) + " › " + u.Name
	}
	return u.Name
}

func (c *conv) listUnits(st *standing) error {
	if len(st.tree.units) == 0 {
		return c.say(textNoUnits)
	}
	var b strings.Builder
	b.WriteString(textUnitsHeader)
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		u := st.tree.units[id]
		fmt.Fprintf(&b, "\n%s[%d] %s", strings.Repeat("    ", depth), u.ID, esc(u.Name))
		for _, ch := range st.tree.children[id] {
			walk(ch, depth+1)
		}
	}
	for _, r := range st.tree.roots {
		walk(r, 0)
	}
	if st.admin {
		b.WriteString("\n\n" + textUnitUsage)
	}
	return c.reply(&nhacviec.Message{Text: b.String()})
}

// splitWord cuts "Tổ Văn thư trong Phòng Hành chính" at its last word
// that folds to word ("trong"), keeping both sides as typed.
func splitWord(s, word string) (before, after string) {
	fields := strings.Fields(s)
	for i := len(fields) - 1; i > 0; i-- {
		if calendar.Fold(fields[i]) == word {
			return strings.Join(fields[:i], " "), strings.Join(fields[i+1:], " ")
		}
	}
	return strings.Join(fields, " "), ""
}

// appoint: /bonhiem @người VAI_TRÒ [ĐƠN_VỊ]; /bonhiem bo @người VAI_TRÒ
// [ĐƠN_VỊ] revokes. Admins appoint any role; heads appoint members in
// their subtree.
func (c *conv) appoint(args string) error {
	revoke := false
	if verb, rest, _ := strings.Cut(strings.TrimSpace(args), " "); calendar.Fold(verb) == "bo" || calendar.Fold(verb) == "revoke" {
		revoke, args = true, rest
	}
	p, rest, err := c.personArg(args)
	if err != nil {
		return err
	}
	word, unitArg, _ := strings.Cut(rest, " ")
	role, ok := roleNames[strings.ReplaceAll(calendar.Fold(word), " ", "")]
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textAppointUsage)
	}
	u, err := c.unitArgOrDefault(unitArg)
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if !st.admin && !(role == nhacviec.RoleMember && st.heads(u.ID)) {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotAppoint)
	}
	m := nhacviec.Membership{PersonID: p.ID, UnitID: u.ID, Role: role}
	if revoke {
		held, err := c.tx.Revoke(m)
		if err != nil {
			return err
		}
		if !held {
			return nhacviec.Errorf(nhacviec.ENotFound, textRoleNotHeld, esc(p.Mention()), roleText(role), esc(u.Name))
		}
		if err := c.updateMenu(p); err != nil {
			return err
		}
		return c.say(fmt.Sprintf(textRevoked, esc(p.Mention()), roleText(role), esc(u.Name)))
	}
	if err := c.tx.Grant(m); err != nil {
		return err
	}
	if err := c.updateMenu(p); err != nil {
		return err
	}
	if _, err := c.notify(p, &nhacviec.Message{Text: fmt.Sprintf(textAppointedYou, roleText(role), esc(u.Name))}); err != nil {
		return err
	}
	return c.say(fmt.Sprintf(textAppointed, esc(p.Mention()), roleText(role), esc(u.Name)))
}

func (c *conv) unitArgOrDefault(s string) (*nhacviec.Unit, error) {
	if strings.TrimSpace(s) == "" {
		return c.defaultUnit()
	}
	return c.unitRef(s)
}

// members: /thanhvien [ĐƠN_VỊ] lists a unit's people, their roles and
// whether the bot can reach them privately. Heads see their subtree,
// members their own units, leaders, admins and monitors all.
func (c *conv) members(args string) error {
	u, err := c.unitArgOrDefault(args)
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	mine := slices.ContainsFunc(st.roles, func(m nhacviec.Membership) bool { return m.UnitID == u.ID })
	if !st.readsAll() && !st.heads(u.ID) && !mine && c.chat.UnitID != u.ID {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotSeeMembers)
	}
	roles, err := c.tx.UnitRoles(u.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	byName := false // someone without a username: say how to name them
	fmt.Fprintf(&b, textMembersHeader, esc(st.tree.path(u.ID)), len(roles))
	for _, m := range roles {
		p, err := c.tx.Person(m.PersonID)
		if err != nil {
			return err
		}
		reach := textReachable
		if p.PrivateChatID == 0 {
			reach = textNotReachable
		}
		// How to name them in a command (address.go).
		who := esc(address(p))
		byName = byName || p.Username == ""
		if p.Linked {
			apps, err := c.apps(p.ID)
			if err != nil {
				return err
			}
			who += " · " + apps
		}
		fmt.Fprintf(&b, "\n• %s — %s %s", who, roleText(m.Role), reach)
	}
	if len(roles) == 0 {
		b.WriteString("\n" + textNoMembers)
	} else if byName {
		b.WriteString("\n\n" + textMembersAddress)
	}
	return c.reply(&nhacviec.Message{Text: b.String()})
}

// invite: /moi [ĐƠN_VỊ] makes a deep link that joins the unit as a
// member; /moi huy MÃ revokes one.
func (c *conv) invite(args string) error {
	if verb, code, _ := strings.Cut(strings.TrimSpace(args), " "); calendar.Fold(verb) == "huy" || verb == "revoke" {
		return c.revokeInvite(strings.TrimSpace(code))
	}
	u, err := c.unitArgOrDefault(args)
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if !st.manages(u.ID) {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotInvite)
	}
	var raw [12]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return err
	}
	inv := &nhacviec.Invite{Code: base64.RawURLEncoding.EncodeToString(raw[:]), UnitID: u.ID, CreatedBy: c.me.ID,
		ExpiresAt: c.now.Add(inviteTTL), MaxUses: inviteUses}
	if err := c.tx.CreateInvite(inv); err != nil {
		return err
	}
	return c.say(fmt.Sprintf(textInvite, esc(u.Name), calendar.FormatDeadline(inv.ExpiresAt.In(c.Calendar.Location())), inv.MaxUses,
		c.inviteWays(inv.Code), inv.Code))
}

// Inviter is a transport that has its own way to use an invite: Telegram
// opens a deep link. On the others an invite is used by sending its code
// to the bot: "/start MÃ" or "thamgia MÃ".
type Inviter interface {
	// InviteHint is the line that says how to join with code on this
	// transport, in Vietnamese, e.g. "Telegram: bấm https://t.me/…".
	InviteHint(code string) string
}

// inviteWays says how to use an invite on each transport the bot runs
// on, one line each.
func (c *conv) inviteWays(code string) string {
	var lines []string
	names := c.transportNames()
	for _, name := range names {
		switch in, ok := c.Transports[name].(Inviter); {
		case ok:
			lines = append(lines, in.InviteHint(code))
		case len(names) > 1:
			lines = append(lines, fmt.Sprintf(textInviteTyped, esc(appName(name)), code, code))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, fmt.Sprintf(textInviteTypedAny, code, code))
	}
	return strings.Join(lines, "\n")
}

// joinCmd: thamgia MÃ (or /start MÃ) in a private chat uses an invite
// where there is no deep link.
func (c *conv) joinCmd(args string) error {
	code := startArg(args)
	if c.chat.Kind != nhacviec.ChatPrivate || code == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textJoinUsage, esc(c.botName()))
	}
	if err := c.join(code); err != nil {
		return err
	}
	return c.updateMenu(c.me)
}

func (c *conv) revokeInvite(code string) error {
	inv, err := c.tx.Invite(code)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nhacviec.Errorf(nhacviec.ENotFound, textInviteUnknown)
	} else if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if !st.manages(inv.UnitID) && inv.CreatedBy != c.me.ID {
		return nhacviec.Errorf(nhacviec.ENotFound, textInviteUnknown)
	}
	inv.Revoked = true
	if err := c.tx.SaveInvite(inv); err != nil {
		return err
	}
	return c.say(textInviteRevoked)
}

// join handles /start CODE: a valid invite makes the person a member of
// its unit.
func (c *conv) join(code string) error {
	inv, err := c.tx.Invite(code)
	switch {
	case nhacviec.ErrorCode(err) == nhacviec.ENotFound:
		return nhacviec.Errorf(nhacviec.EInvalid, textInviteUnknown)
	case err != nil:
		return err
	case inv.Revoked:
		return nhacviec.Errorf(nhacviec.EInvalid, textInviteRevokedUse)
	case !c.now.Before(inv.ExpiresAt):
		return nhacviec.Errorf(nhacviec.EInvalid, textInviteExpired)
	case inv.Uses >= inv.MaxUses:
		return nhacviec.Errorf(nhacviec.EInvalid, textInviteUsedUp)
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	u, ok := st.tree.units[inv.UnitID]
	if !ok {
		return nhacviec.Errorf(nhacviec.EInvalid, textInviteUnknown)
	}
	if slices.Contains(st.roles, nhacviec.Membership{PersonID: c.me.ID, UnitID: u.ID, Role: nhacviec.RoleMember}) {
		return c.say(fmt.Sprintf(textAlreadyMember, esc(u.Name)))
	}
	if err := c.tx.Grant(nhacviec.Membership{PersonID: c.me.ID, UnitID: u.ID, Role: nhacviec.RoleMember}); err != nil {
		return err
	}
	inv.Uses++
	if err := c.tx.SaveInvite(inv); err != nil {
		return err
	}
	if creator, err := c.tx.Person(inv.CreatedBy); err == nil {
		if _, err := c.notify(creator, &nhacviec.Message{Text: fmt.Sprintf(textJoinedNotice, esc(c.me.Mention()), esc(u.Name))}); err != nil {
			return err
		}
	}
	return c.say(fmt.Sprintf(textJoined, esc(c.me.DisplayName), esc(u.Name)) + "\n\n" + c.helpText())
}

// linkGroup: /ganhom ĐƠN_VỊ binds this group to a unit (its head or an
// admin); /ganhom bo unbinds it. A group belongs to one unit at most.
func (c *conv) linkGroup(args string) error {
	if c.chat.Kind != nhacviec.ChatGroup {
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkInGroup)
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if f := calendar.Fold(strings.TrimSpace(args)); f == "bo" || f == "unlink" {
		if c.chat.UnitID == 0 || !st.manages(c.chat.UnitID) {
			return nhacviec.Errorf(nhacviec.EForbidden, textCannotLink)
		}
		if err := c.tx.BindChat(c.chat.ID, 0); err != nil {
			return err
		}
		return c.say(textUnlinked)
	}
	if strings.TrimSpace(args) == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkUsage)
	}
	u, err := c.unitRef(args)
	if err != nil {
		return err
	}
	if !st.manages(u.ID) || (c.chat.UnitID != 0 && !st.manages(c.chat.UnitID)) {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotLink)
	}
	if err := c.tx.BindChat(c.chat.ID, u.ID); err != nil {
		return err
	}
	c.chat.UnitID = u.ID
	return c.say(fmt.Sprintf(textLinked, esc(st.tree.path(u.ID))))
}

// leave: /roi [ĐƠN_VỊ] leaves a unit; /roi @người [ĐƠN_VỊ] removes someone
// (the unit's head or an admin), whose open tasks are then listed for
// reassignment.
func (c *conv) leave(args string) error {
	target := c.me
	rest := strings.TrimSpace(args)
	if strings.HasPrefix(rest, "@") || len(c.u.Mentions) > 0 {
		p, r, err := c.personArg(rest)
		if err != nil {
			return err
		}
		target, rest = p, r
	}
	u, err := c.unitArgOrDefault(rest)
	if err != nil {
		return err
	}
	st, err := c.standing()
	if err != nil {
		return err
	}
	if target.ID != c.me.ID && !st.manages(u.ID) {
		return nhacviec.Errorf(nhacviec.EForbidden, textCannotRemove)
	}
	roles, err := c.tx.Roles(target.ID)
	if err != nil {
		return err
	}
	removed := 0
	for _, m := range roles {
		if m.UnitID != u.ID {
			continue
		}
		if m.Role != nhacviec.RoleMember && target.ID != c.me.ID && !st.admin {
			return nhacviec.Errorf(nhacviec.EForbidden, textCannotRemove) // a head removes staff, not other heads
		}
		if _, err := c.tx.Revoke(m); err != nil {
			return err
		}
		removed++
	}
	if removed == 0 {
		return nhacviec.Errorf(nhacviec.ENotFound, textNotInUnit, esc(target.Mention()), esc(u.Name))
	}
	if err := c.updateMenu(target); err != nil {
		return err
	}
	if target.ID == c.me.ID {
		return c.say(fmt.Sprintf(textLeft, esc(u.Name)))
	}
	open, err := c.tx.FindTasks(nhacviec.TaskFilter{Status: nhacviec.StatusOpen, AssigneeID: target.ID})
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, textRemoved, esc(target.Mention()), esc(u.Name))
	var theirs []*nhacviec.Task
	for _, t := range open {
		if t.UnitID != 0 && st.tree.within(t.UnitID, u.ID) {
			theirs = append(theirs, t)
		}
	}
	if len(theirs) > 0 {
		fmt.Fprintf(&b, "\n\n"+textReassign, len(theirs))
		c.writeTasks(&b, theirs, nil)
	}
	return c.say(b.String())
}

// menuName is the command menu a person's roles call for.
func (c *conv) menuName(p *nhacviec.Person) (string, error) {
	if c.isAdmin(c.tx, p) {
		return MenuAdmin, nil
	}
	roles, err := c.tx.Roles(p.ID)
	if err != nil {
		return "", err
	}
	for _, m := range roles {
		if m.Role == nhacviec.RoleHead || m.Role == nhacviec.RoleLeader {
			return MenuHead, nil
		}
	}
	return MenuMember, nil
}

// updateMenu sets the command menu of p's private chat to their roles'.
func (c *conv) updateMenu(p *nhacviec.Person) error {
	if p.PrivateChatID == 0 {
		return nil
	}
	name, err := c.menuName(p)
	if err != nil {
		return err
	}
	_, err = c.tx.Enqueue(&nhacviec.Message{ChatID: p.PrivateChatID, Kind: nhacviec.KindMenu, Text: name})
	return err
}

// Command menus, per scope.
const (
	MenuMember = "member"
	MenuHead   = "head"
	MenuAdmin  = "admin"
)

// Menu lists the commands shown to a menu's holders.
func Menu(name string) []*Command {
	var out []*Command
	for _, cmd := range Commands {
		if cmd.Menu == "" {
			continue // /start, thamgia: typed from a hint, not a menu
		}
		switch cmd.Menu {
		case MenuMember:
		case MenuHead:
			if name == MenuMember {
				continue
			}
		case MenuAdmin:
			if name != MenuAdmin {
				continue
			}
		}
		out = append(out, cmd)
	}
	return out
}

// startArg is what follows /start: an invite code from a deep link.
func startArg(args string) string {
	code := strings.TrimSpace(args)
	if len(code) > 64 {
		return code[:64]
	}
	return code
}

const (
	textUnitsHeader      = "🏢 <b>Đơn vị</b>"
	textNoUnits          = "Chưa có đơn vị nào. Quản trị viên tạo bằng: /donvi them Sở KHCN"
	textUnitUsage        = "Quản lý đơn vị (quản trị viên), số trong [ ] là mã:\n/donvi them Tổ Văn thư trong Phòng Tổng hợp\n/donvi doiten 2 Tổ Hành chính\n/donvi chuyen 2 vao goc (hoặc: vao 1)\n/donvi xoa 2"
	textAdminsOnlyUnits  = "Chỉ quản trị viên mới sửa được cây đơn vị. Xem danh sách: /donvi"
	textUnitNotFound     = "Không tìm thấy đơn vị \"%s\". Gõ /donvi để xem mã đơn vị, ví dụ: /thanhvien 1"
	textUnitAmbiguous    = "Có nhiều đơn vị tên \"%s\". Hãy dùng mã đơn vị, ví dụ: /thanhvien 1 (gõ /donvi để xem mã)."
	textUnitAdded        = "Đã tạo đơn vị [%d] %s."
	textUnitRenamed      = "Đã đổi tên đơn vị [%d] thành %s."
	textUnitMoved        = "Đã chuyển đơn vị [%d]: %s."
	textUnitCycle        = "Không chuyển một đơn vị vào chính nó hay đơn vị cấp dưới của nó được. Ví dụ đúng: /donvi chuyen 3 vao 1"
	textUnitHasChildren  = "Đơn vị %s còn đơn vị cấp dưới: chuyển hoặc xóa chúng trước. Ví dụ: /donvi chuyen 4 vao 1"
	textUnitHasTasks     = "Đơn vị %s còn việc đang mở: hoàn thành, hủy hoặc chuyển các việc đó trước khi xóa. Xem: /quahan"
	textUnitRemoved      = "Đã xóa đơn vị %s."
	textWhichUnit        = "Bạn muốn nói đơn vị nào? Ghi mã hoặc tên đơn vị, ví dụ: /thanhvien Phòng Tổng hợp (gõ /donvi để xem mã)."
	textNeedPerson       = "Thiếu người: hãy ghi @tên_người_dùng hoặc họ tên như /thanhvien ghi. Ví dụ: /bonhiem @an truong Phòng Tổng hợp"
	textAppointUsage     = "Cách bổ nhiệm: /bonhiem @người VAI_TRÒ ĐƠN_VỊ, vai trò là lanhdao, truong, thanhvien hoặc theodoi.\nVí dụ: /bonhiem @an truong Phòng Tổng hợp — bỏ: /bonhiem bo @an truong Phòng Tổng hợp"
	textCannotAppoint    = "Bạn chưa có quyền này: quản trị viên bổ nhiệm mọi vai trò, trưởng đơn vị thêm thành viên cho đơn vị mình. Ví dụ: /bonhiem @binh thanhvien Phòng Tổng hợp"
	textRoleNotHeld      = "%s không giữ vai trò %s ở %s."
	textAppointed        = "Đã giao %s vai trò %s ở %s."
	textAppointedYou     = "Bạn được giao vai trò %s ở %s. Gõ /huongdan để xem các lệnh."
	textRevoked          = "Đã bỏ vai trò %[2]s của %[1]s ở %[3]s."
	textCannotSeeMembers = "Bạn chỉ xem được thành viên đơn vị mình hoặc đơn vị mình phụ trách. Ví dụ: /thanhvien"
	textMembersHeader    = "👥 <b>%s</b> (%d)"
	textReachable        = "✓"
	textMembersAddress   = "Người không có @tên thì ghi họ tên như trên, ví dụ: /giao Nguyễn Văn An Báo cáo quý IV hạn 20/12"
	textNotReachable     = "✗ chưa mở chat riêng với bot"
	textNoMembers        = "Chưa có ai. Mời bằng: /moi"
	textCannotInvite     = "Chỉ trưởng đơn vị hoặc quản trị viên mới tạo được lời mời. Ví dụ: /moi Phòng Tổng hợp"
	textInvite           = "🔗 Lời mời vào <b>%s</b> (hết hạn %s, tối đa %d người):\n%s\n\nHủy lời mời: /moi huy %s"
	textInviteTyped      = "%s: nhắn riêng cho bot: thamgia %s (hoặc /start %s)"
	textInviteTypedAny   = "Nhắn riêng cho bot: thamgia %s (hoặc /start %s)"
	textJoinUsage        = "Vào đơn vị bằng mã mời: nhắn riêng cho bot (@%s) thamgia MÃ, mã do trưởng đơn vị gửi (/moi). Ví dụ: thamgia AbC123xyz"
	textInviteUnknown    = "Mã mời không đúng. Hãy xin trưởng đơn vị một lời mời mới (lệnh /moi)."
	textInviteRevokedUse = "Lời mời này đã bị hủy. Hãy xin trưởng đơn vị một lời mời mới (lệnh /moi)."
	textInviteExpired    = "Lời mời này đã hết hạn. Hãy xin trưởng đơn vị một lời mời mới (lệnh /moi)."
	textInviteUsedUp     = "Lời mời này đã dùng hết lượt. Hãy xin trưởng đơn vị một lời mời mới (lệnh /moi)."
	textInviteRevoked    = "Đã hủy lời mời."
	textAlreadyMember    = "Bạn đã ở trong %s rồi. Gõ /viec để xem việc của bạn."
	textJoined           = "Chào %s! Bạn đã vào <b>%s</b>."
	textJoinedNotice     = "👋 %s đã vào %s qua lời mời."
	textLinkInGroup      = "Lệnh /ganhom dùng trong nhóm của đơn vị. Ví dụ, trong nhóm: /ganhom Phòng Tổng hợp"
	textLinkUsage        = "Cách gắn nhóm: /ganhom ĐƠN_VỊ, ví dụ: /ganhom Phòng Tổng hợp — bỏ gắn: /ganhom bo"
	textCannotLink       = "Chỉ trưởng đơn vị hoặc quản trị viên mới gắn nhóm với đơn vị được. Ví dụ: /ganhom Phòng Tổng hợp"
	textLinked           = "Nhóm này đã gắn với đơn vị %s. Điểm việc sáng và /quahan trong nhóm sẽ gồm việc của đơn vị."
	textUnlinked         = "Đã bỏ gắn nhóm này với đơn vị."
	textCannotRemove     = "Chỉ trưởng đơn vị hoặc quản trị viên mới cho người khác rời đơn vị được. Tự rời: /roi"
	textNotInUnit        = "%s không ở trong %s."
	textLeft             = "Bạn đã rời %s."
	textRemoved          = "Đã cho %s rời %s."
	textReassign         = "Người này còn %d việc đang mở cần giao lại:"
)

// Named is a transport that says how its people find the bot, for the
// texts that tell someone to write to it: "@nhacviec_bot" on Telegram,
// the bot's account name on Zalo.
type Named interface {
	BotName() string
}

// botName is how the bot is named to people on a transport.
func (b *Bot) botName(transport string) string {
	if n, ok := b.Transports[transport].(Named); ok {
		if s := n.BotName(); s != "" {
			return s
		}
	}
	if b.Username != "" {
		return "@" + b.Username
	}
	return "bot"
}

// botName is how the bot is named on the update's app.
func (c *conv) botName() string { return c.Bot.botName(c.u.Transport) }
