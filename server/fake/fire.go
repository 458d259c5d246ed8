package fake

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Schedules fire on the simulated clock: [Server.Advance], and at a speed a ticker, start the
// pipelines every timed trigger calls for between the last time schedules fired and now, each at its
// own simulated time and in time order, with the workflows already running moved along to that
// time first, so that advancing a day fires that day's runs exactly and in the same order every time.

// firing is one run a timed trigger is due to start: a schedule's, or a scheduled trigger's of a
// pipeline definition. Every kind of timed trigger turns its due runs into firings (see
// [Server.dueFirings]), and [Server.fireSchedules] runs them all in one order.
type firing struct {
	at    time.Time // the simulated time it is due at
	order uint64    // its trigger's list order, among the firings due at one time
	start func()    // starts the pipeline at the simulated now; the caller holds s.mu
}

// scheduledRun is what a pipeline a timed trigger started reports about it.
type scheduledRun struct {
	id   uuid.UUID
	name string
}

// fireTimes returns the times in (from, to] at which t runs, in order: per-hour runs spread evenly
// over each hour it names (3 an hour: at :00, :20 and :40), on the days and in the months it names
// (every month when it names none), all in UTC.
func (t timetable) fireTimes(from, to time.Time) []time.Time {
	if t.PerHour == nil || *t.PerHour < 1 || !to.After(from) {
		return nil
	}
	perHour := *t.PerHour
	var out []time.Time
	for h := from.UTC().Truncate(time.Hour); !h.After(to); h = h.Add(time.Hour) {
		if !t.runsIn(h) {
			continue
		}
		for k := range perHour {
			at := h.Add(time.Duration(k) * time.Hour / time.Duration(perHour))
			if at.After(from) && !at.After(to) {
				out = append(out, at)
			}
		}
	}
	return out
}

// runsIn reports whether the hour starting at h (UTC) is one the timetable runs in.
func (t timetable) runsIn(h time.Time) bool {
	if !slices.Contains(t.HoursOfDay, int64(h.Hour())) {
		return false
	}
	if len(t.Months) > 0 && !slices.Contains(t.Months, months[h.Month()-1]) {
		return false
	}
	if len(t.DaysOfWeek) > 0 {
		day := weekdays[(int(h.Weekday())+6)%7] // weekdays start on Monday
		return slices.Contains(t.DaysOfWeek, day)
	}
	return slices.Contains(t.DaysOfMonth, int64(h.Day()))
}

// dueFirings returns the runs of every timed trigger due after from and by to; the caller holds
// s.mu. The scheduled triggers of pipeline definitions join the schedules here.
func (s *Server) dueFirings(from, to time.Time) []firing {
	var out []firing
	for _, sc := range s.st.schedulesByID {
		tt, _ := decodeTimetable(sc.timetable) // stored only after it decoded and checked
		start := from
		if sc.created.After(start) {
			start = sc.created
		}
		for _, at := range tt.fireTimes(start, to) {
			out = append(out, firing{at: at, order: sc.seq, start: func() { sc.fire(s) }})
		}
	}
	for _, due := range s.scheduledTriggers(from, to) {
		if due.at.Before(due.trigger.created) {
			continue
		}
		out = append(out, firing{at: due.at, order: due.trigger.seq, start: func() { s.fireTrigger(due) }})
	}
	return out
}

// fireTrigger starts the run of a schedule trigger of a pipeline definition: the definition's
// config on the trigger's checkout ref with its parameters, attributed to its actor, as trigger
// type scheduled_pipeline (pipeline.schedule.id is the trigger's id, pipeline.schedule.name its event
// name). A run the definition's config refuses starts nothing. The caller holds s.mu.
func (s *Server) fireTrigger(due dueTrigger) {
	t := due.trigger
	if s.st.triggersByID[t.id] != t {
		return // deleted while earlier firings ran
	}
	run := &scheduledRun{id: t.id, name: t.eventName}
	s.st.firing = run
	pl, err := s.runDefinition(context.Background(), due.actor, t.definition.project, t.definition, due.params, due.branch, "")
	s.st.firing = nil
	if err == nil {
		s.st.scheduledRuns[pl.position] = run
	}
}

// fireWindow bounds the stretch of simulated time whose firings are gathered at once: a long
// Advance fires day by day, so what it holds in memory stays a day's runs, and no trigger reaches
// the cap of [maxFiringsPerTrigger] (an every-minute trigger runs 1,440 times a day).
const fireWindow = 24 * time.Hour

// fireSchedules starts every run due after the last firing and by to, in time order (then list
// order), each with the simulated now pinned to its time and the running workflows moved along to
// it first, a [fireWindow] at a time; the caller holds s.mu.
func (s *Server) fireSchedules(to time.Time) {
	for s.ev.fired.Before(to) {
		from, end := s.ev.fired, s.ev.fired.Add(fireWindow)
		if end.After(to) {
			end = to
		}
		s.ev.fired = end
		runs := s.dueFirings(from, end)
		slices.SortFunc(runs, func(a, b firing) int {
			return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.order, b.order))
		})
		for _, r := range runs {
			s.ev.pinned = r.at
			s.advanceAll()
			r.start()
			s.ev.pinned = time.Time{}
		}
	}
}

// fire starts the schedule's pipeline on its branch or tag with its other parameters, attributed
// to its actor (the system actor unless it was created with "current"), as trigger type
// scheduled_pipeline. Parameters that no longer fit the project's config (it changed since) start
// nothing, as a trigger with them would be refused.
func (sc *schedule) fire(s *Server) {
	p := sc.project
	if s.st.projectsByID[p.id] != p {
		return
	}
	params, err := decodeParams(sc.params)
	if err != nil {
		return
	}
	var in triggerInput
	if b, ok := params["branch"].(string); ok {
		in.branch = &b
	}
	if t, ok := params["tag"].(string); ok {
		in.tag = &t
	}
	delete(params, "branch")
	delete(params, "tag")
	if len(params) > 0 {
		in.params = params
	}
	actor := sc.actor
	if actor == nil {
		actor = s.systemActor()
	}
	run := &scheduledRun{id: sc.id, name: sc.name}
	s.st.firing = run
	pl, err := s.trigger(actor, p, in)
	s.st.firing = nil
	if err == nil {
		s.st.scheduledRuns[pl.position] = run
	}
}

// systemActor returns the actor of schedules attributed to "system", stored among the users by
// index (pipelines name their actor by index) but not by id or token; the caller holds s.mu.
func (s *Server) systemActor() *user {
	if s.system.index == 0 {
		s.system.index = int32(len(s.st.usersByIndex))
		s.st.usersByIndex = append(s.st.usersByIndex, s.system)
	}
	return s.system
}

// scheduledRunOf returns what a timed trigger that started pl reports, or nil for pipelines
// started otherwise; while a trigger fires, the pipeline being started is its. The caller holds
// s.mu.
func (st *state) scheduledRunOf(pl *pipeline) *scheduledRun {
	if r, ok := st.scheduledRuns[pl.position]; ok {
		return r
	}
	return st.firing
}

// triggerSource returns the trigger type CircleCI reports for pl: scheduled_pipeline for the
// pipelines schedules started, api for the others.
func (st *state) triggerSource(pl *pipeline) string {
	if st.scheduledRunOf(pl) != nil {
		return "scheduled_pipeline"
	}
	return "api"
}

// scheduleValue returns pipeline.schedule.name or pipeline.schedule.id of pl: "" for pipelines no
// schedule started.
func (st *state) scheduleValue(pl *pipeline, name string) string {
	r := st.scheduledRunOf(pl)
	switch {
	case r == nil:
		return ""
	case strings.HasSuffix(name, ".id"):
		return r.id.String()
	}
	return r.name
}
