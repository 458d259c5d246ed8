package fake

import (
	"crypto/rand"
	"encoding/binary"
	mrand "math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// randomIDs returns the default ID source: random v4 UUIDs from a ChaCha8 generator (a
// cryptographically strong one) seeded from crypto/rand, instead of a read of crypto/rand for every
// ID as uuid.New does, so that a trigger that names twenty jobs costs little per job. It is safe
// for concurrent use.
func randomIDs() func() uuid.UUID {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		panic("fake: reading crypto/rand: " + err.Error()) // crypto/rand.Read does not fail on supported platforms
	}
	var mu sync.Mutex
	gen := mrand.NewChaCha8(seed)
	return func() uuid.UUID {
		mu.Lock()
		a, b := gen.Uint64(), gen.Uint64()
		mu.Unlock()
		var id uuid.UUID
		binary.LittleEndian.PutUint64(id[:8], a)
		binary.LittleEndian.PutUint64(id[8:], b)
		id[6] = id[6]&0x0f | 0x40 // version 4
		id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
		return id
	}
}

// jobByID returns the job with an ID, build or approval job, of a workflow that is still stored.
// Jobs are indexed by ID when one is first looked up, not when their workflow is created, so a
// trigger does not pay a map insert for every job; the caller holds s.mu.
func (st *state) jobByID(id uuid.UUID) (*job, bool) {
	st.indexJobs()
	j, ok := st.jobsByID[id]
	return j, ok
}

// indexJobs adds the jobs of the workflows created since the last call to jobsByID, leaving out
// workflows deleted since (with their project); the caller holds s.mu.
func (st *state) indexJobs() {
	for _, w := range st.unindexedRuns {
		if st.workflowsByID[w.id] != w {
			continue
		}
		for _, j := range w.jobs {
			st.jobsByID[j.id] = j
		}
	}
	clear(st.unindexedRuns)
	st.unindexedRuns = st.unindexedRuns[:0]
}
