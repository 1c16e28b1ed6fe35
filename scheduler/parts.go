package scheduler

import (
	"context"
	"fmt"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// Coordinators' parts (phối hợp) are reminded and chased as tasks are,
// each by its own deadline: a part has its planning time as a task has
// (nhacviec.CoordinatorTx), and a pass reads only the parts due, through
// their own index. A task without coordinators costs the pass nothing
// more.

// planParts plans the next chunk of due parts in one transaction and
// reports whether more may be due. A part's notices are a task's, with
// the part's deadline and the slot "c<part id>:" before the task's:
// "2026-12-14/reminder:12:c5:before:2026-12-14".
func (s *Scheduler) planParts(ctx context.Context, now, upTo time.Time) (written int, more bool, err error) {
	err = s.Store.Update(ctx, func(tx nhacviec.Tx) error {
		parts, err := tx.CoordinatorsToPlan(upTo, s.Chunk)
		if err != nil || len(parts) == 0 {
			return err
		}
		more = len(parts) == s.Chunk
		var ids []int64
		seen := map[int64]bool{}
		for _, p := range parts {
			if !seen[p.TaskID] {
				seen[p.TaskID] = true
				ids = append(ids, p.TaskID)
			}
		}
		tasks, err := tx.FindTasks(nhacviec.TaskFilter{IDs: ids})
		if err != nil {
			return err
		}
		byID := make(map[int64]*nhacviec.Task, len(tasks))
		for _, t := range tasks {
			byID[t.ID] = t
		}
		c := newChunk(tx)
		plans := make([]partPlan, len(parts))
		var keys []string
		for i, p := range parts {
			plan := &plans[i]
			plan.part = p
			t := byID[p.TaskID]
			if t == nil || !t.Open() || p.Done() {
				continue // never again: nothing to chase
			}
			plan.task = t
			// The task as the part sees it: its deadline and start.
			shadow := *t
			shadow.Deadline, shadow.CreatedAt = p.Deadline, p.CreatedAt
			plan.notices, plan.next = s.plan(&shadow, upTo)
			for j := range plan.notices {
				n := &plan.notices[j]
				n.Task, n.Part, n.Slot = t, p, fmt.Sprintf("c%d:%s", p.ID, n.Slot)
				plan.keys = append(plan.keys, noticeKey(*n, s.Calendar.Location()))
			}
			keys = append(keys, plan.keys...)
		}
		planned, err := c.PlannedKeys(keys)
		if err != nil {
			return err
		}
		var people []int64
		for _, plan := range plans {
			if plan.task != nil && len(plan.keys) > 0 {
				people = append(people, plan.task.AssigneeID, plan.part.PersonID, plan.part.AssignedID)
			}
		}
		if err := c.prefetch(people); err != nil {
			return err
		}
		var msgs []*nhacviec.Message
		for _, plan := range plans {
			for i, n := range plan.notices {
				if planned[plan.keys[i]] {
					continue
				}
				if msgs, err = s.compose(c, n, plan.keys[i], now, msgs); err != nil {
					return fmt.Errorf("scheduler: task %d, part %d: %w", plan.part.TaskID, plan.part.ID, err)
				}
			}
		}
		if written, err = c.EnqueueAll(msgs); err != nil {
			return err
		}
		pids, next := make([]int64, len(plans)), make([]time.Time, len(plans))
		for i, plan := range plans {
			pids[i], next[i] = plan.part.ID, plan.next
		}
		return c.SetCoordinatorPlans(pids, next)
	})
	if err != nil {
		written = 0 // rolled back
	}
	return written, more, err
}

// partPlan is a part of a chunk with its notices due now, their keys and
// when it is next looked at (zero: never; so for a part whose task is
// closed, or gone).
type partPlan struct {
	part    *nhacviec.Coordinator
	task    *nhacviec.Task
	notices []nhacviec.Notice
	keys    []string
	next    time.Time
}
