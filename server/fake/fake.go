package fake

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

var _ genserver.StrictServerInterface = (*Server)(nil)

// Clock tells the current wall-clock time. The fake derives its simulated time from it.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to [Clock].
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Server is the in-memory CircleCI API v2. It implements [genserver.StrictServerInterface]; serve it with
// [Server.Handler] (which wraps the server kit) or pass it to server.New yourself. The operations it
// does not simulate are those of the embedded server.Unimplemented, which answer 501.
//
// All state lives behind one mutex, so every method is safe for concurrent use.
type Server struct {
	server.Unimplemented // every operation Server does not declare itself

	clock  Clock
	newID  func() uuid.UUID
	speed  float64
	seed   *Seed // a copy of the seed loaded, which Reset loads again
	faults faults
	system *user // the actor of schedules attributed to "system"

	closed    chan struct{} // closed by Close: delays end at once
	closeOnce sync.Once

	ev events // webhook deliveries and schedule firing (events.go)

	mu       sync.Mutex
	realBase time.Time     // clock reading at New
	simBase  time.Time     // simulated time at New
	advanced time.Duration // added by Advance
	seq      uint64        // ordering of small lists
	seedIDs  []uuid.UUID   // the IDs load made up, in the order it made them
	resets   uint64        // how many times Reset ran; in every list's page-token tag
	st       state
}

// Option configures a [Server].
type Option func(*Server) error

// WithClock sets the wall clock the simulated time is derived from (default: the system clock).
func WithClock(c Clock) Option {
	return func(s *Server) error {
		if c == nil {
			return errors.New("fake: WithClock: nil clock")
		}
		s.clock = c
		return nil
	}
}

// WithIDSource sets the function that makes every UUID the fake hands out (default: random v4 UUIDs).
// [SequentialIDs] gives reproducible ones for tests.
func WithIDSource(f func() uuid.UUID) Option {
	return func(s *Server) error {
		if f == nil {
			return errors.New("fake: WithIDSource: nil function")
		}
		s.newID = f
		return nil
	}
}

// WithSpeed sets how fast simulated time follows the wall clock: 1 runs jobs in real time, 10 ten
// times faster, and 0 (the default) moves simulated time only when [Server.Advance] is called.
func WithSpeed(speed float64) Option {
	return func(s *Server) error {
		if speed < 0 {
			return fmt.Errorf("fake: WithSpeed: speed %v is negative", speed)
		}
		s.speed = speed
		return nil
	}
}

// WithSeed loads users, organizations, projects and contexts from seed instead of the built-in demo
// data (see [DemoSeed]).
func WithSeed(seed *Seed) Option {
	return func(s *Server) error {
		if seed == nil {
			return errors.New("fake: WithSeed: nil seed")
		}
		s.seed = seed
		return nil
	}
}

// New returns a fake loaded with the seed given by [WithSeed], or with [DemoSeed] when there is none.
func New(opts ...Option) (*Server, error) {
	s := &Server{clock: systemClock{}, newID: randomIDs(), closed: make(chan struct{})}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	s.realBase = s.clock.Now()
	s.simBase = s.realBase.UTC().Truncate(time.Millisecond)
	s.ev.init(s)
	if s.seed == nil {
		s.seed = DemoSeed()
	} else {
		s.seed = s.seed.clone()
	}
	s.st.init()
	if err := s.load(s.seed); err != nil {
		return nil, err
	}
	return s, nil
}

// Close ends at once every delay an injected fault holds a request in, and makes the delays of later
// faults pass without waiting; the requests go on as if their delay were over. Call it before
// http.Server.Shutdown so that shutting down does not wait for delayed requests. The fake keeps its
// state and goes on answering. Close may be called more than once; it always returns nil.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.ev.dl.close()
	})
	return nil
}

// now returns the simulated time; the caller holds s.mu.
func (s *Server) now() time.Time {
	if !s.ev.pinned.IsZero() {
		return s.ev.pinned // a schedule firing at its time
	}
	t := s.simBase.Add(s.advanced)
	if s.speed > 0 {
		real := s.clock.Now().Sub(s.realBase)
		t = t.Add(time.Duration(float64(real) * s.speed))
	}
	return t.Truncate(time.Millisecond)
}

// Now returns the fake's simulated time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// maxAdvanced is how far [Server.Advance] may move simulated time in all: a hundred years, well
// inside what a time.Duration holds, so the clock never wraps around and runs backwards.
const maxAdvanced = 100 * 365 * 24 * time.Hour

// Advance moves simulated time forward by d and lets every running workflow catch up. It refuses
// to move the clock more than a hundred years past where it started.
func (s *Server) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("fake: Advance: duration %v is negative", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d > maxAdvanced-s.advanced {
		return fmt.Errorf("fake: Advance: %v would move the simulated clock more than 100 years (%v) past its start, which is as far as it goes", d, maxAdvanced)
	}
	s.advanced += d
	s.catchUp()
	s.advanceAll()
	return nil
}

// listOrder is the place of a record in the lists it is in, which show records in the order they
// were made; records embed it, and [Server.nextSeq] hands it out.
type listOrder struct{ seq uint64 }

func (o listOrder) order() uint64 { return o.seq }

// nextSeq returns the list order of a new record; the caller holds s.mu.
func (s *Server) nextSeq() listOrder {
	s.seq++
	return listOrder{s.seq}
}

// SequentialIDs returns an ID source for [WithIDSource] that counts up from 1 in valid v4 UUIDs:
// 00000000-0000-4000-8000-000000000001, …. It is safe for concurrent use.
func SequentialIDs() func() uuid.UUID {
	var mu sync.Mutex
	var n uint64
	return func() uuid.UUID {
		mu.Lock()
		n++
		v := n
		mu.Unlock()
		var id uuid.UUID
		id[6] = 0x40
		id[8] = 0x80
		for i := 15; i >= 10 && v > 0; i-- {
			id[i] = byte(v)
			v >>= 8
		}
		return id
	}
}

// newIDString returns a new ID from the fake's ID source as text, for the engine, which names the
// approval requests of its workflows with it.
func (s *Server) newIDString() string { return s.newID().String() }

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Handler returns the fake served as circleci.com answers: the API through server.New under
// /api/v2 (opts are passed on; the fake authenticates tokens itself) with the injected faults applied
// inside the kit's chain, as its first route middleware, and the test controls under [ControlPath].
func (s *Server) Handler(opts ...server.Option) (http.Handler, error) {
	own := []server.Option{server.WithAuthenticator(s), server.WithRouteMiddlewares(s.injectFaults, s.checkWebhookKeys)}
	api, err := server.New(s, append(own, opts...)...)
	if err != nil {
		return nil, err
	}
	control := s.controlHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsControlPath(r.URL.Path) {
			control.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, withRequestOrigin(r)) // usage export download and artifact URLs point back at this origin
	}), nil
}

var _ server.Authenticator = (*Server)(nil)
