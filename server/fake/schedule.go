package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const msgScheduleNotFound = "Schedule not found."

// schedule is a schedule of a project: a timetable and the parameters of the pipelines it triggers
// when it fires on the simulated clock (fire.go).
type schedule struct {
	listOrder
	id          uuid.UUID
	project     *project
	name        string
	description *string
	actor       *user // nil for the system actor
	timetable   gen.ScheduleTimetable
	params      map[string]gen.PipelineParameterValue
	created     time.Time
	updated     time.Time
}

// timetable is a schedule's timetable in one shape for checking; it becomes a
// gen.ScheduleTimetable again with [timetable.api].
type timetable struct {
	PerHour     *int64   `json:"per-hour,omitempty"`
	HoursOfDay  []int64  `json:"hours-of-day,omitempty"`
	DaysOfWeek  []string `json:"days-of-week,omitempty"`
	DaysOfMonth []int64  `json:"days-of-month,omitempty"`
	Months      []string `json:"months,omitempty"`
}

var (
	weekdays = []string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}
	months   = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
)

// check says what is wrong with a timetable, as CircleCI validates it.
func (t timetable) check() error {
	if t.PerHour == nil || *t.PerHour < 1 || *t.PerHour > 60 {
		return fmt.Errorf("timetable: per-hour must be from 1 to 60")
	}
	if len(t.HoursOfDay) == 0 {
		return fmt.Errorf("timetable: hours-of-day must name at least one hour")
	}
	for _, h := range t.HoursOfDay {
		if h < 0 || h > 23 {
			return fmt.Errorf("timetable: hours-of-day holds %d; hours are 0 to 23 (UTC)", h)
		}
	}
	switch {
	case len(t.DaysOfWeek) > 0 && len(t.DaysOfMonth) > 0:
		return fmt.Errorf("timetable: give days-of-week or days-of-month, not both")
	case len(t.DaysOfWeek) == 0 && len(t.DaysOfMonth) == 0:
		return fmt.Errorf("timetable: give days-of-week or days-of-month")
	}
	for _, d := range t.DaysOfWeek {
		if !slices.Contains(weekdays, d) {
			return fmt.Errorf("timetable: days-of-week holds %q; days are %s", d, strings.Join(weekdays, ", "))
		}
	}
	for _, d := range t.DaysOfMonth {
		if d < 1 || d > 31 {
			return fmt.Errorf("timetable: days-of-month holds %d; days are 1 to 31", d)
		}
	}
	for _, m := range t.Months {
		if !slices.Contains(months, m) {
			return fmt.Errorf("timetable: months holds %q; months are %s", m, strings.Join(months, ", "))
		}
	}
	return nil
}

func decodeTimetable(v gen.ScheduleTimetable) (timetable, error) {
	var t timetable
	b, err := v.MarshalJSON()
	if err != nil {
		return t, fmt.Errorf("timetable: %w", err)
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("timetable: %w", err)
	}
	return t, nil
}

func (t timetable) api() gen.ScheduleTimetable {
	var out gen.ScheduleTimetable
	b, _ := json.Marshal(t) // a struct of numbers and strings always encodes
	_ = out.UnmarshalJSON(b)
	return out
}

func (sc *schedule) api(system *user) gen.Schedule {
	actor := system
	if sc.actor != nil {
		actor = sc.actor
	}
	return gen.Schedule{
		Actor:       actor.api(),
		CreatedAt:   sc.created,
		Description: sc.description,
		ID:          sc.id,
		Name:        sc.name,
		Parameters:  maps.Clone(sc.params),
		ProjectSlug: sc.project.slug,
		Timetable:   sc.timetable,
		UpdatedAt:   sc.updated,
	}
}

// scheduleRefs are the parameters of a schedule that name the git ref its pipelines run on rather
// than pipeline parameters of the config.
var scheduleRefs = [...]string{"branch", "tag"}

// checkScheduleParams checks a schedule's parameters as CircleCI does: exactly one of branch and tag
// names, as a non-empty string, the ref the scheduled pipelines run on, and the other parameters must
// fit the project's config as a trigger's parameters do (declared, of the declared type, and every
// parameter without a default given).
func checkScheduleParams(p *project, in map[string]gen.PipelineParameterValue) error {
	given, err := decodeParams(in)
	if err != nil {
		return err
	}
	var refs []string
	for _, name := range scheduleRefs {
		v, ok := given[name]
		if !ok {
			continue
		}
		if s, isString := v.(string); !isString || strings.TrimSpace(s) == "" {
			return fmt.Errorf("parameters: %s must be a non-empty string naming the git %s scheduled pipelines run on", name, name)
		}
		refs = append(refs, name)
		delete(given, name)
	}
	switch len(refs) {
	case 0:
		return errors.New("parameters must hold branch or tag: the git ref scheduled pipelines run on")
	case 2:
		return errors.New("parameters hold both branch and tag: give one of them")
	}
	if p.config == nil {
		if len(given) > 0 {
			return errors.New("the project has no config, so it declares no parameters")
		}
		return nil
	}
	_, err = p.config.ResolveParameters(given)
	return err
}

// visibleSchedule returns the caller and a schedule of a project they may see, or the 401 of
// [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visibleSchedule(ctx context.Context, id uuid.UUID) (*user, *schedule, error) {
	return visibleByID(s, ctx, s.st.schedulesByID, id, func(sc *schedule) *org { return sc.project.org }, msgScheduleNotFound)
}

// ListSchedulesForProject lists a project's schedules, 20 a page.
// CircleCI API: GET /project/{project-slug}/schedule (listSchedulesForProject).
func (s *Server) ListSchedulesForProject(ctx context.Context, req genserver.ListSchedulesForProjectRequestObject) (genserver.ListSchedulesForProjectResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	items, next, err := pageAfter(p.schedules, req.Params.PageToken, s.listTag("schedules", p.id.String()), func(sc *schedule) gen.Schedule { return sc.api(s.system) })
	if err != nil {
		return nil, err
	}
	return genserver.ListSchedulesForProject200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateSchedule creates a schedule after checking its timetable and its parameters: branch or tag
// (exactly one) and the pipeline parameters of the project's config (see [checkScheduleParams]).
// CircleCI API: POST /project/{project-slug}/schedule (createSchedule).
func (s *Server) CreateSchedule(ctx context.Context, req genserver.CreateScheduleRequestObject) (genserver.CreateScheduleResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil || strings.TrimSpace(b.Name) == "" {
		return nil, server.BadRequest("name is required")
	}
	tt, err := decodeTimetable(b.Timetable)
	if err == nil {
		err = tt.check()
	}
	if err != nil {
		return nil, server.BadRequest(err.Error())
	}
	if !b.AttributionActor.Valid() {
		return nil, server.BadRequest(`attribution-actor must be "current" or "system"`)
	}
	if err := checkScheduleParams(p, b.Parameters); err != nil {
		return nil, server.BadRequest(triggerError(err))
	}
	now := s.now()
	sc := &schedule{
		listOrder: s.nextSeq(), id: s.newID(), project: p, name: b.Name, description: b.Description,
		timetable: tt.api(), params: maps.Clone(b.Parameters), created: now, updated: now,
	}
	if sc.params == nil {
		sc.params = map[string]gen.PipelineParameterValue{}
	}
	if b.AttributionActor == gen.CreateScheduleRequestAttributionActorCurrent {
		sc.actor = u
	}
	p.schedules = append(p.schedules, sc)
	s.st.schedulesByID[sc.id] = sc
	s.startTicker()
	return genserver.CreateSchedule201JSONResponse(sc.api(s.system)), nil
}

// GetScheduleByID returns a schedule.
// CircleCI API: GET /schedule/{schedule-id} (getScheduleById).
func (s *Server) GetScheduleByID(ctx context.Context, req genserver.GetScheduleByIDRequestObject) (genserver.GetScheduleByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sc, err := s.visibleSchedule(ctx, req.ScheduleID)
	if err != nil {
		return nil, err
	}
	return genserver.GetScheduleByID200JSONResponse(sc.api(s.system)), nil
}

// UpdateSchedule changes the fields given in the body; timetable fields given replace the stored ones,
// and parameters given replace the stored ones after the checks of [Server.CreateSchedule].
// CircleCI API: PATCH /schedule/{schedule-id} (updateSchedule).
func (s *Server) UpdateSchedule(ctx context.Context, req genserver.UpdateScheduleRequestObject) (genserver.UpdateScheduleResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, sc, err := s.visibleSchedule(ctx, req.ScheduleID)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body must name the fields to change")
	}
	if b.Name != nil && strings.TrimSpace(*b.Name) == "" {
		return nil, server.BadRequest("name must not be empty")
	}
	tt, _ := decodeTimetable(sc.timetable)
	if t := b.Timetable; t != nil {
		if t.PerHour != nil {
			tt.PerHour = t.PerHour
		}
		if t.HoursOfDay != nil {
			tt.HoursOfDay = t.HoursOfDay
		}
		if t.DaysOfWeek != nil {
			tt.DaysOfWeek = tt.DaysOfWeek[:0:0]
			for _, d := range t.DaysOfWeek {
				tt.DaysOfWeek = append(tt.DaysOfWeek, string(d))
			}
			tt.DaysOfMonth = nil
		}
		if t.DaysOfMonth != nil {
			tt.DaysOfMonth = t.DaysOfMonth
			if t.DaysOfWeek == nil {
				tt.DaysOfWeek = nil
			}
		}
		if t.Months != nil {
			tt.Months = tt.Months[:0:0]
			for _, m := range t.Months {
				tt.Months = append(tt.Months, string(m))
			}
		}
		if err := tt.check(); err != nil {
			return nil, server.BadRequest(err.Error())
		}
	}
	if b.AttributionActor != nil && !b.AttributionActor.Valid() {
		return nil, server.BadRequest(`attribution-actor must be "current" or "system"`)
	}
	if b.Parameters != nil {
		if err := checkScheduleParams(sc.project, b.Parameters); err != nil {
			return nil, server.BadRequest(triggerError(err))
		}
		sc.params = maps.Clone(b.Parameters)
	}
	if b.Name != nil {
		sc.name = *b.Name
	}
	if b.Description != nil {
		sc.description = b.Description
	}
	if b.AttributionActor != nil {
		sc.actor = nil
		if *b.AttributionActor == gen.UpdateScheduleRequestAttributionActorCurrent {
			sc.actor = u
		}
	}
	sc.timetable = tt.api()
	sc.updated = s.now()
	return genserver.UpdateSchedule200JSONResponse(sc.api(s.system)), nil
}

// DeleteScheduleByID deletes a schedule.
// CircleCI API: DELETE /schedule/{schedule-id} (deleteScheduleById).
func (s *Server) DeleteScheduleByID(ctx context.Context, req genserver.DeleteScheduleByIDRequestObject) (genserver.DeleteScheduleByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sc, err := s.visibleSchedule(ctx, req.ScheduleID)
	if err != nil {
		return nil, err
	}
	delete(s.st.schedulesByID, sc.id)
	sc.project.schedules = slices.DeleteFunc(sc.project.schedules, func(x *schedule) bool { return x == sc })
	return genserver.DeleteScheduleByID200JSONResponse{Message: "Schedule deleted."}, nil
}
