package bot

import (
	"iter"
	"slices"

	nhacviec "github.com/nhacviec/nhacviec"
)

// tree is the organisation's units, loaded once per update (agencies
// have tens of units, not thousands).
type tree struct {
	units    map[int64]*nhacviec.Unit
	children map[int64][]int64
	roots    []int64
}

// loadTree reads the organisation's units.
func loadTree(tx nhacviec.OrgTx) (*tree, error) {
	units, err := tx.Units()
	if err != nil {
		return nil, err
	}
	t := &tree{units: map[int64]*nhacviec.Unit{}, children: map[int64][]int64{}}
	for _, u := range units {
		t.units[u.ID] = u
	}
	for _, u := range units {
		if _, ok := t.units[u.ParentID]; ok {
			t.children[u.ParentID] = append(t.children[u.ParentID], u.ID)
		} else {
			t.roots = append(t.roots, u.ID)
		}
	}
	return t, nil
}

// subtree is id and every unit below it.
func (t *tree) subtree(id int64) []int64 {
	if _, ok := t.units[id]; !ok {
		return nil
	}
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		out = append(out, t.children[out[i]]...)
	}
	return out
}

// up is unit id and the units above it, nearest first: every walk up the
// tree goes through it. A unit missing from the tree ends the path, and
// a loop in the tree cannot make it endless.
func (t *tree) up(id int64) iter.Seq[int64] {
	return func(yield func(int64) bool) {
		for hops := 0; id != 0 && hops <= len(t.units); hops++ {
			if !yield(id) {
				return
			}
			u, ok := t.units[id]
			if !ok {
				return
			}
			id = u.ParentID
		}
	}
}

// unitsUp is unit id and the units above it, nearest first; none for 0.
func unitsUp(tx nhacviec.Tx, id int64) ([]int64, error) {
	if id == 0 {
		return nil, nil
	}
	tree, err := loadTree(tx)
	if err != nil {
		return nil, err
	}
	return slices.Collect(tree.up(id)), nil
}

// within reports whether unit id is root or below it.
func (t *tree) within(id, root int64) bool {
	for u := range t.up(id) {
		if u == root {
			return true
		}
	}
	return false
}

// path names a unit with its ancestors: "Sở KHCN › Phòng Tổng hợp".
func (t *tree) path(id int64) string {
	u, ok := t.units[id]
	if !ok {
		return ""
	}
	if p, ok := t.units[u.ParentID]; ok && p.ID != u.ID {
		return t.path(p.ID) + " › " + u.Name
	}
	return u.Name
}

// standing is what the caller may do: configured admin, and their roles.
type standing struct {
	admin bool
	roles []nhacviec.Membership
	tree  *tree
}

func (s *standing) has(role nhacviec.Role) bool {
	return slices.ContainsFunc(s.roles, func(m nhacviec.Membership) bool { return m.Role == role })
}

// leads: admins and leaders assign to anyone and see everything.
func (s *standing) leads() bool { return s.admin || s.has(nhacviec.RoleLeader) }

// readsAll: leaders, admins and monitors see the whole organisation.
func (s *standing) readsAll() bool { return s.leads() || s.has(nhacviec.RoleMonitor) }

// headScope is every unit in the subtrees the caller heads.
func (s *standing) headScope() []int64 {
	var out []int64
	for _, m := range s.roles {
		if m.Role == nhacviec.RoleHead {
			out = append(out, s.tree.subtree(m.UnitID)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// heads reports whether unit id is in a subtree the caller heads.
func (s *standing) heads(id int64) bool {
	if id == 0 {
		return false
	}
	for _, m := range s.roles {
		if m.Role == nhacviec.RoleHead && s.tree.within(id, m.UnitID) {
			return true
		}
	}
	return false
}

// manages reports whether the caller may manage unit id: admins anywhere,
// heads in their subtree.
func (s *standing) manages(id int64) bool { return s.admin || s.heads(id) }

// standing loads (once per update) the caller's place in the organisation.
func (c *conv) standing() (*standing, error) {
	if c.stand != nil {
		return c.stand, nil
	}
	t, err := loadTree(c.tx)
	if err != nil {
		return nil, err
	}
	s := &standing{admin: c.admin(), tree: t}
	if c.me != nil {
		if s.roles, err = c.tx.Roles(c.me.ID); err != nil {
			return nil, err
		}
	}
	c.stand = s
	return s, nil
}

// canSee reports whether the caller may read t anywhere: its assigner and
// assignee, leaders, admins and monitors, the heads above its unit, and
// its coordinators (coordinators.go).
func (c *conv) canSee(t *nhacviec.Task) (bool, error) {
	if c.involved(t) {
		return true, nil
	}
	s, err := c.standing()
	if err != nil {
		return false, err
	}
	if s.readsAll() || s.heads(t.UnitID) {
		return true, nil
	}
	return c.coordinates(t) // a coordinator reads what they contribute to
}

// canChange reports whether the caller may finish or cancel t: its
// assigner and assignee (finish only), leaders, admins and the heads above
// its unit. Monitors only read.
func (c *conv) canManage(t *nhacviec.Task) (bool, error) {
	if c.me != nil && t.AssignerID == c.me.ID {
		return true, nil
	}
	s, err := c.standing()
	if err != nil {
		return false, err
	}
	return s.leads() || s.heads(t.UnitID), nil
}

// inGroupScope reports whether t belongs to this group: assigned in it, or,
// for a group bound to a unit, belonging to that unit's subtree. The group
// has seen such tasks in its digest, so naming them there leaks nothing.
func (c *conv) inGroupScope(t *nhacviec.Task) (bool, error) {
	if c.chat.Kind != nhacviec.ChatGroup {
		return false, nil
	}
	if t.ChatID == c.chat.ID {
		return true, nil
	}
	if c.chat.UnitID == 0 || t.UnitID == 0 {
		return false, nil
	}
	s, err := c.standing()
	if err != nil {
		return false, err
	}
	return s.tree.within(t.UnitID, c.chat.UnitID), nil
}

// groupFilter selects this group's tasks: assigned in it, or in its
// unit's subtree when it is bound.
func (c *conv) groupFilter(f nhacviec.TaskFilter) (nhacviec.TaskFilter, error) {
	f.ChatID = c.chat.ID
	if c.chat.UnitID != 0 {
		s, err := c.standing()
		if err != nil {
			return f, err
		}
		f.UnitIDs = s.tree.subtree(c.chat.UnitID)
	}
	return f, nil
}

// privateFilter selects the caller's scope: a member their own tasks; a
// head also their subtree's; leaders, admins and monitors everything.
func (c *conv) privateFilter(f nhacviec.TaskFilter) (nhacviec.TaskFilter, error) {
	s, err := c.standing()
	if err != nil || s.readsAll() {
		return f, err
	}
	f.InvolvedID, f.UnitIDs = c.me.ID, s.headScope()
	return f, nil
}

// assignable decides whether the caller may give work to p here, and
// which unit the task belongs to. Admins and leaders assign to anyone; a
// head within their subtree; anyone to themself; and, in a group not bound
// to a unit (a plain team), anyone to anyone seen in that group.
func (c *conv) assignable(p *nhacviec.Person) (unit int64, ok bool, err error) {
	s, err := c.standing()
	if err != nil {
		return 0, false, err
	}
	theirs, err := c.tx.Roles(p.ID)
	if err != nil {
		return 0, false, err
	}
	// The task's unit: the bound group's, else the assignee's unit that
	// the caller heads, else the assignee's first unit.
	unit = c.chat.UnitID
	headed := false
	for _, m := range theirs {
		if s.heads(m.UnitID) {
			headed = true
			if unit == 0 {
				unit = m.UnitID
			}
		}
	}
	if unit == 0 && len(theirs) > 0 {
		unit = theirs[0].UnitID
	}
	switch {
	case p.ID == c.me.ID:
		// A personal task stays personal, unless given in a unit's group.
		return c.chat.UnitID, true, nil
	case s.leads(), headed:
		return unit, true, nil
	case c.chat.Kind == nhacviec.ChatGroup && c.chat.UnitID == 0:
		seen, err := c.tx.Seen(c.chat.ID, p.ID)
		return unit, seen, err
	}
	return 0, false, nil
}
