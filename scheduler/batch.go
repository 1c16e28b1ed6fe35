package scheduler

import (
	nhacviec "github.com/nhacviec/nhacviec"
)

// chunk is one transaction of a pass: the Tx the composer sees, with the
// people it asks for read ahead in one query (nhacviec.PlanTx's People).
// Memoising within the transaction is safe: nothing else writes until it
// commits.
type chunk struct {
	nhacviec.Tx
	people map[int64]*nhacviec.Person
}

func newChunk(tx nhacviec.Tx) *chunk {
	return &chunk{Tx: tx, people: map[int64]*nhacviec.Person{}}
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
