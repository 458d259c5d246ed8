package fake

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// History describes the runs [Server.History] gives a project: RunsPerDay pipelines a day for Days
// days, evenly spaced on the simulated clock.
type History struct {
	// Days and RunsPerDay are how long the history lasts and how many pipelines a day it triggers
	// (each at least 1; Days × RunsPerDay at most 1,000,000).
	Days       int `json:"days"`
	RunsPerDay int `json:"runs_per_day"`
	// FailureRate is the share of pipelines (0 to 1) in which one build job of each workflow,
	// picked at random, fails.
	FailureRate float64 `json:"failure_rate"`
	// FlakeRate is the share of pipelines (0 to 1, at most 1 - FailureRate) that fail the same way
	// and are then rerun from failed, on the same commit, once the failed run stops.
	FlakeRate float64 `json:"flake_rate"`
	// Branches are the branches the pipelines run on, in turn; the project's default branch when
	// empty.
	Branches []string `json:"branches,omitempty"`
	// Seed picks which pipelines fail and which job: the same seed gives the same history.
	Seed uint64 `json:"seed"`
}

// maxHistoryRuns caps Days × RunsPerDay.
const maxHistoryRuns = 1_000_000

func (h History) validate() error {
	switch {
	case h.Days < 1 || h.RunsPerDay < 1:
		return errors.New("days and runs_per_day must each be at least 1")
	case h.Days > maxHistoryRuns/h.RunsPerDay:
		return fmt.Errorf("days × runs_per_day must be at most %d", maxHistoryRuns)
	case h.FailureRate < 0 || h.FlakeRate < 0 || h.FailureRate+h.FlakeRate > 1:
		return errors.New("failure_rate and flake_rate must be at least 0 and add up to at most 1")
	}
	for _, b := range h.Branches {
		if strings.TrimSpace(b) == "" {
			return errors.New("branches must not hold an empty name")
		}
	}
	return nil
}

// History gives a project a history of pipelines, deterministically: it triggers h.RunsPerDay
// pipelines a day for h.Days days with the project's config, moving the simulated clock forward
// between them (h.Days days in all, or until the last workflows stop if that is later), makes some of them fail or flake as
// h says, and returns once every workflow it started has stopped or waits for an approval. The
// pipelines are triggered by the first user of the project's organization. The project must have a
// config without setup: true. An unknown project is an error that wraps a not-found error (which
// /_fake/history answers with 404); anything else wrong with h or the project another error (400).
func (s *Server) History(projectSlug string, h History) error {
	if err := h.validate(); err != nil {
		return fmt.Errorf("fake: history: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := projectKey(projectSlug)
	p := s.st.projectsBySlug[key]
	if !ok || p == nil {
		return fmt.Errorf("fake: project %q: %w", projectSlug, errNotFound)
	}
	switch {
	case p.config == nil:
		return fmt.Errorf("fake: history: project %s has no config", p.slug)
	case p.setup:
		return fmt.Errorf("fake: history: project %s has a setup config, whose pipelines wait for a continuation", p.slug)
	}
	actor := s.system
	for _, u := range s.st.usersByIndex[1:] {
		if u.member(p.org) {
			actor = u
			break
		}
	}
	branches := h.Branches
	if len(branches) == 0 {
		branches = []string{p.defaultBranch}
	}
	rng := rand.New(rand.NewPCG(h.Seed, 0x5851f42d4c957f2d))
	step := day / time.Duration(h.RunsPerDay)
	end := s.advanced + time.Duration(h.Days)*day
	var flaky []*workflow // failed on purpose, to be rerun once they stop
	for k := range h.Days * h.RunsPerDay {
		if k > 0 {
			s.advanced += step
			s.advanceAll()
		}
		flaky = s.rerunStopped(flaky)
		pl, err := s.trigger(actor, p, triggerInput{branch: &branches[k%len(branches)]})
		if err != nil {
			return fmt.Errorf("fake: history: %w", err)
		}
		u := rng.Float64()
		if u >= h.FailureRate+h.FlakeRate {
			continue
		}
		for _, w := range s.st.pipelineExtras[pl.position].workflows {
			if failOneJob(w, rng) && u >= h.FailureRate {
				flaky = append(flaky, w)
			}
		}
	}
	// Let what was started finish, and rerun the last flaky runs.
	for {
		next, ok := time.Time{}, false
		for w := range s.st.running {
			if t, has := w.run.NextEvent(); has && w.project == p && (!ok || t.Before(next)) {
				next, ok = t, true
			}
		}
		if !ok {
			// Nothing moves on its own any more; what is left of flaky waits for an approval.
			if rest := s.rerunStopped(flaky); len(rest) < len(flaky) {
				flaky = rest
				continue // the reruns have jobs to run
			}
			if s.advanced < end {
				s.advanced = end
				s.advanceAll()
			}
			return nil
		}
		if d := next.Sub(s.now()); d > 0 {
			s.advanced += d
		}
		s.advanceAll()
		flaky = s.rerunStopped(flaky)
	}
}

// failOneJob makes one build job of w, picked with rng, end as failed; it reports whether there
// was one.
func failOneJob(w *workflow, rng *rand.Rand) bool {
	var builds []string
	for _, j := range w.run.Spec().Jobs {
		if j.Type == engine.TypeBuild {
			builds = append(builds, j.Name)
		}
	}
	if len(builds) == 0 {
		return false
	}
	return w.run.SetOutcome(builds[rng.IntN(len(builds))], engine.OutcomeFailed) == nil
}

// rerunStopped reruns from failed, at now, the workflows of ws that have stopped, and returns the
// others; a rerun runs every job with its usual outcome. The caller holds s.mu.
func (s *Server) rerunStopped(ws []*workflow) []*workflow {
	rest := ws[:0]
	for _, w := range ws {
		if !w.run.Done() {
			rest = append(rest, w)
			continue
		}
		run, err := w.run.Rerun(true, s.now(), w.project.outcomeFunc(), s.newIDString)
		if err == nil {
			s.addWorkflow(w.pipeline, run, w.startedBy, w)
		}
	}
	return rest
}

func (s *Server) serveHistory(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Project string `json:"project"`
		History
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if err := s.History(body.Project, body.History); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, errNotFound) {
			status = http.StatusNotFound
		}
		writeMessage(w, status, strings.TrimPrefix(err.Error(), "fake: "))
		return
	}
	writeJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
}
