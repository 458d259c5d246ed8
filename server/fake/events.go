package fake

import (
	"sync"
	"time"
)

// events is what the fake keeps to send webhooks and fire schedules (delivery.go, fire.go).
type events struct {
	dl     deliveries
	pinned time.Time // when not zero, the simulated now: the time a schedule fires at, while it fires
	fired  time.Time // schedules have fired up to this simulated time
	tick   sync.Once // starts the catch-up ticker of a fake with a speed
}

// init readies the events of s after its options ran; s.simBase is set.
func (ev *events) init(s *Server) {
	ev.dl.init()
	ev.fired = s.simBase
	if s.speed > 0 {
		ev.dl.onRetry = func(delay time.Duration) {
			real := time.Duration(float64(delay) / s.speed)
			ev.dl.timers = append(ev.dl.timers, time.AfterFunc(real, s.releaseRetries))
		}
	}
}

// releaseRetries lets the retries due by now go.
func (s *Server) releaseRetries() { s.ev.dl.release(s.Now()) }

// catchUp fires the schedules due by now, each at its time with the workflows moved along to it,
// and lets the webhook retries due by now go; the caller holds s.mu.
func (s *Server) catchUp() {
	s.fireSchedules(s.now())
	s.ev.dl.release(s.now())
}

// startTicker makes a fake with a speed catch up once a second of wall-clock time (fire schedules,
// move workflows on and so send their events), since at a speed nobody calls Advance; Close stops
// it. It does nothing at speed 0.
func (s *Server) startTicker() {
	if s.speed == 0 {
		return
	}
	s.ev.tick.Do(func() {
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-s.closed:
					return
				case <-t.C:
					s.mu.Lock()
					s.catchUp()
					s.advanceAll()
					s.mu.Unlock()
				}
			}
		}()
	})
}
