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

// jobChunk is how many job pointers one chunk of a [jobTable] holds.
const jobChunk = 1024

// jobTable holds a project's build jobs by number in chunks that never move, so numbering a new
// job never copies those before it (a slice would be copied whenever it grows).
type jobTable struct {
	chunks [][]*job
	n      int64
}

// add numbers j as the next job and returns its number, from 1.
func (t *jobTable) add(j *job) int64 {
	if t.n%jobChunk == 0 {
		t.chunks = append(t.chunks, make([]*job, 0, jobChunk))
	}
	c := &t.chunks[len(t.chunks)-1]
	*c = append(*c, j)
	t.n++
	return t.n
}

// at returns the job with a number add handed out, or nil for a number out of range.
func (t *jobTable) at(number int64) *job {
	if number < 1 || number > t.n {
		return nil
	}
	return t.chunks[(number-1)/jobChunk][(number-1)%jobChunk]
}

// all calls fn for every job, by number.
func (t *jobTable) all(fn func(*job)) {
	for _, c := range t.chunks {
		for _, j := range c {
			fn(j)
		}
	}
}
