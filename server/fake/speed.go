package fake

import (
	"fmt"
	"math"
	"net/http"
)

// Speed returns how fast simulated time follows the wall clock (see [WithSpeed]).
func (s *Server) Speed() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.speed
}

// SetSpeed changes how fast simulated time follows the wall clock from now on, as [WithSpeed] sets
// it at the start: 0 stops it (only [Server.Advance] moves it then), 1 is real time. Simulated time
// does not jump: the time that passed at the old speed is kept, and running workflows catch up to it
// first.
func (s *Server) SetSpeed(speed float64) error {
	if speed < 0 || math.IsNaN(speed) || math.IsInf(speed, 0) {
		return fmt.Errorf("fake: SetSpeed: speed %v is not a finite number of at least 0", speed)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceAll()
	now := s.now()
	s.realBase = s.clock.Now()
	s.advanced = now.Sub(s.simBase)
	s.speed = speed
	return nil
}

// serveSpeed is POST /_fake/clock/speed: {"speed": 10}.
func (s *Server) serveSpeed(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Speed *float64 `json:"speed"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Speed == nil || *body.Speed < 0 {
		writeMessage(w, http.StatusBadRequest, `speed: give a number of at least 0, as in {"speed": 10} (0 stops the clock, 1 is real time)`)
		return
	}
	if err := s.SetSpeed(*body.Speed); err != nil {
		writeMessage(w, http.StatusBadRequest, "speed: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": s.Now(), "speed": *body.Speed})
}
