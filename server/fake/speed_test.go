package fake_test

import (
	"sync"
	"testing"
	"time"

	"github.com/cikit/circleci-go/server/fake"
)

// manualClock is a wall clock a test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestSetSpeed changes the speed of a fake on a wall clock moved by hand: simulated time keeps what
// passed at the old speed and follows the new one from then on, and bad speeds change nothing.
func TestSetSpeed(t *testing.T) {
	t.Parallel()
	wall := &manualClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := newEnv(t, fake.WithClock(wall), fake.WithSpeed(2))
	start := e.fake.Now()
	wall.add(10 * time.Second) // 20s simulated at speed 2
	if err := e.fake.SetSpeed(0); err != nil {
		t.Fatal(err)
	}
	wall.add(time.Hour) // stopped
	if got := e.fake.Now().Sub(start); got != 20*time.Second {
		t.Fatalf("after 10s at speed 2 and an hour stopped: %v passed, want 20s", got)
	}
	var answer struct {
		Now   time.Time
		Speed float64
	}
	e.mustControl(200, "POST", "/_fake/clock/speed", map[string]any{"speed": 10}, &answer)
	if answer.Speed != 10 || e.fake.Speed() != 10 || !answer.Now.Equal(start.Add(20*time.Second)) {
		t.Fatalf("POST /_fake/clock/speed answered %+v, Speed() = %v; want speed 10 at %v", answer, e.fake.Speed(), start.Add(20*time.Second))
	}
	wall.add(3 * time.Second)
	if got := e.fake.Now().Sub(start); got != 50*time.Second {
		t.Fatalf("then 3s at speed 10: %v passed, want 50s", got)
	}
	for _, bad := range []map[string]any{{"speed": -1}, {}, {"speed": "fast"}, {"speed": 1, "extra": true}} {
		if status := e.control("POST", "/_fake/clock/speed", bad, nil); status != 400 {
			t.Errorf("POST /_fake/clock/speed %v: %d, want 400", bad, status)
		}
	}
	if e.fake.Speed() != 10 {
		t.Errorf("rejected speeds changed the speed to %v", e.fake.Speed())
	}
	if err := e.fake.SetSpeed(-0.5); err == nil {
		t.Error("SetSpeed(-0.5) = nil, want an error")
	}
}
