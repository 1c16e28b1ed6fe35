package bot

import (
	"fmt"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Who may do what with a task, said to someone who may not (textNotYours).
const (
	textNotYours    = "Việc #%d là việc của %s, do %s giao. %s"
	textWhoSees     = "Chỉ người thực hiện, người giao, trưởng đơn vị hoặc lãnh đạo mới xem chi tiết và cập nhật được."
	textWhoFinishes = "Chỉ người thực hiện, người giao, trưởng đơn vị hoặc lãnh đạo mới báo xong được."
	textWhoCancels  = "Chỉ người giao, trưởng đơn vị hoặc lãnh đạo mới hủy được."
)

// closeRule is who may close a task with status.
func closeRule(status nhacviec.Status) string {
	if status == nhacviec.StatusDone {
		return textWhoFinishes
	}
	return textWhoCancels
}

// taskFor loads task id for the caller. Those who may read it anywhere
// (canSee) get it. In a group the task belongs to (inGroupScope), whose
// lists and digest show it, anyone else is told whose it is and rule,
// who may act on it: it is in front of them, and "not found" would be
// false. Everyone else gets the answer a task that does not exist gets.
func (c *conv) taskFor(id int64, rule string) (*nhacviec.Task, error) {
	t, err := c.tx.Task(id)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, textNoSuchTask, id)
	} else if err != nil {
		return nil, err
	}
	if ok, err := c.canSee(t); err != nil || ok {
		return t, err
	}
	if ok, err := c.inGroupScope(t); err != nil {
		return nil, err
	} else if !ok {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, textNoSuchTask, id)
	}
	assignee, err := c.tx.Person(t.AssigneeID)
	if err != nil {
		return nil, err
	}
	assigner, err := c.tx.Person(t.AssignerID)
	if err != nil {
		return nil, err
	}
	return nil, nhacviec.Errorf(nhacviec.EForbidden, "%s", fmt.Sprintf(textNotYours, t.ID, esc(quietName(assignee)), esc(quietName(assigner)), rule))
}

// quietName names p without an @mention: a refusal in a group should not
// ping the people it names.
func quietName(p *nhacviec.Person) string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// selfMention is how p names themself in a /giao: "@an", or, without a
// username, a placeholder.
func selfMention(p *nhacviec.Person) string {
	if p.Username != "" {
		return "@" + p.Username
	}
	return "@tên_của_bạn"
}
