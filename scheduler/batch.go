package scheduler

import (
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// batcher is what a chunk's planning needs beyond nhacviec.Tx: Planned,
// Person, Enqueue and SetNextPlan for the whole chunk at once. The
// store's transactions have it (store/plan.go); a statement per task
// and per message was most of the 08:00 pass at a million tasks. Any
// other Tx gets it one by one (oneByOne).
type batcher interface {
	// PlannedKeys returns which of the notice keys already have messages.
	PlannedKeys(keys []string) (map[string]bool, error)
	// People returns the people with these ids, by id.
	People(ids []int64) (map[int64]*nhacviec.Person, error)
	// EnqueueAll adds the messages whose key is not present yet and
	// returns how many it added.
	EnqueueAll(msgs []*nhacviec.Message) (int, error)
	// SetNextPlans sets task ids[i]'s next planning time to at[i]; the
	// ids are distinct.
	SetNextPlans(ids []int64, at []time.Time) error
}

// chunk is one transaction of a pass: the Tx the composer sees, with the
// people it asks for read ahead in one query. Memoising within the
// transaction is safe: nothing else writes until it commits.
type chunk struct {
	nhacviec.Tx
	batcher
	people map[int64]*nhacviec.Person
}

func newChunk(tx nhacviec.Tx) *chunk {
	b, ok := tx.(batcher)
	if !ok {
		b = oneByOne{tx}
	}
	return &chunk{Tx: tx, batcher: b, people: map[int64]*nhacviec.Person{}}
}

// prefetch reads the people with these ids (repeats allowed) that the
// chunk has not read yet.
func (c *chunk) prefetch(ids []int64) error {
	var missing []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if _, ok := c.people[id]; !ok && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	people, err := c.People(missing)
	for id, p := range people {
		c.people[id] = p
	}
	return err
}

// Person is Tx.Person, from what the chunk read already.
func (c *chunk) Person(id int64) (*nhacviec.Person, error) {
	if p, ok := c.people[id]; ok {
		return p, nil
	}
	p, err := c.Tx.Person(id)
	if err == nil {
		c.people[id] = p
	}
	return p, err
}

// oneByOne is batcher over any Tx, a call per key, task and message.
type oneByOne struct{ tx nhacviec.Tx }

func (o oneByOne) PlannedKeys(keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, k := range keys {
		ok, err := o.tx.Planned(k)
		if err != nil {
			return nil, err
		}
		if ok {
			out[k] = true
		}
	}
	return out, nil
}

// People reads nobody ahead: chunk.Person asks the Tx when needed.
func (o oneByOne) People([]int64) (map[int64]*nhacviec.Person, error) { return nil, nil }

func (o oneByOne) EnqueueAll(msgs []*nhacviec.Message) (int, error) {
	added := 0
	for _, m := range msgs {
		ok, err := o.tx.Enqueue(m)
		if err != nil {
			return added, err
		}
		if ok {
			added++
		}
	}
	return added, nil
}

func (o oneByOne) SetNextPlans(ids []int64, at []time.Time) error {
	for i, id := range ids {
		if err := o.tx.SetNextPlan(id, at[i]); err != nil {
			return err
		}
	}
	return nil
}
