package fake

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// state is everything the fake stores; guarded by Server.mu. The records themselves, and how each
// resource stores and renders them, are in the file named for the resource.
type state struct {
	usersByID       map[uuid.UUID]*user
	usersByToken    map[string]*user
	usersByIndex    []*user // by user.index; index 0 is no user
	orgsByID        map[uuid.UUID]*org
	orgsBySlug      map[string]*org // key: orgKey of the slug
	projectsByID    map[uuid.UUID]*project
	projectsBySlug  map[string]*project // key: projectKey of the slug
	projectsByIndex []*project          // by project.index; index 0 is no project; deleted projects stay, unreachable
	workflowsByID   map[uuid.UUID]*workflow
	jobsByID        map[uuid.UUID]*job // filled on lookup: see state.jobByID
	unindexedRuns   []*workflow        // the runs whose jobs jobsByID does not hold yet
	contextsByID    map[uuid.UUID]*orgContext
	schedulesByID   map[uuid.UUID]*schedule
	webhooksByID    map[uuid.UUID]*webhook
	definitionsByID map[uuid.UUID]*pipelineDefinition // definition.go
	defsByProject   map[*project]*projectDefinitions
	triggersByID    map[uuid.UUID]*trigger // trigger.go
	policyOwners    map[uuid.UUID]*policyOwner
	running         map[*workflow]struct{} // the workflows not finished yet

	// The pipelines schedules started, by position, and the one being started while one fires (fire.go).
	scheduledRuns map[int32]*scheduledRun
	firing        *scheduledRun

	// The pipelines: records free of pointers in a chunked array, found by id through a map whose
	// keys and values hold no pointers either, and the tables their int32 fields index.
	pipelines        pipelineStore
	pipelinesByID    map[uuid.UUID]int32         // id → position in pipelines
	pipelineExtras   map[int32]*pipelineExtra    // by position, for the pipelines that have any
	continuationKeys map[string]int32            // unused continuation keys → pipeline position
	refs             internTable[string]         // the branch and tag names pipelines run on
	configs          internTable[*engine.Config] // the configs pipelines ran
	deploys          deployState                 // environments, components and versions; see deploy.go
	runNames         internTable[string]         // the names of the workflows run, for Insights (insights.go)
}

func (st *state) init() {
	*st = state{
		usersByID:        map[uuid.UUID]*user{},
		usersByToken:     map[string]*user{},
		usersByIndex:     []*user{nil},
		orgsByID:         map[uuid.UUID]*org{},
		orgsBySlug:       map[string]*org{},
		projectsByID:     map[uuid.UUID]*project{},
		projectsBySlug:   map[string]*project{},
		projectsByIndex:  []*project{nil},
		workflowsByID:    map[uuid.UUID]*workflow{},
		jobsByID:         map[uuid.UUID]*job{},
		contextsByID:     map[uuid.UUID]*orgContext{},
		schedulesByID:    map[uuid.UUID]*schedule{},
		webhooksByID:     map[uuid.UUID]*webhook{},
		definitionsByID:  map[uuid.UUID]*pipelineDefinition{},
		defsByProject:    map[*project]*projectDefinitions{},
		triggersByID:     map[uuid.UUID]*trigger{},
		policyOwners:     map[uuid.UUID]*policyOwner{},
		running:          map[*workflow]struct{}{},
		scheduledRuns:    map[int32]*scheduledRun{},
		pipelinesByID:    map[uuid.UUID]int32{},
		pipelineExtras:   map[int32]*pipelineExtra{},
		continuationKeys: map[string]int32{},
		refs:             newInternTable[string](),
		configs:          newInternTable[*engine.Config](),
		deploys:          newDeployState(),
		runNames:         newInternTable[string](),
	}
}

// projectKey normalises a project slug in any form [slug.ParseProject] accepts to the key of
// projectsBySlug: the canonical provider, and names compared without regard to case.
func projectKey(s string) (string, bool) {
	p, err := slug.ParseProject(s)
	if err != nil {
		return "", false
	}
	return strings.ToLower(p.Canonical()), true
}

// orgKey normalises an organization slug in any form [slug.ParseOrg] accepts to the key of
// orgsBySlug.
func orgKey(s string) (string, bool) {
	o, err := slug.ParseOrg(s)
	if err != nil {
		return "", false
	}
	return strings.ToLower(o.Canonical()), true
}

// visibleProject returns the caller and the project a slug names if they may see it, or the 401 of
// [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visibleProject(ctx context.Context, projectSlug string) (*user, *project, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if key, ok := projectKey(projectSlug); ok {
		if p, ok := s.st.projectsBySlug[key]; ok && u.member(p.org) {
			return u, p, nil
		}
	}
	return nil, nil, server.NotFound(msgProjectNotFound)
}

// visibleByID returns the caller and m[id] if they belong to the organization orgOf gives for it,
// or the 401 of [Server.caller] or a 404 [*server.Error] with the message notFound; the caller
// holds s.mu.
func visibleByID[T any](s *Server, ctx context.Context, m map[uuid.UUID]T, id uuid.UUID, orgOf func(T) *org, notFound string) (*user, T, error) {
	var zero T
	u, err := s.caller(ctx)
	if err != nil {
		return nil, zero, err
	}
	if x, ok := m[id]; ok && u.member(orgOf(x)) {
		return u, x, nil
	}
	return nil, zero, server.NotFound(notFound)
}

// findProjectByID returns the project with a UUID if u may see it, or a 404 [*server.Error]; the
// caller holds s.mu.
func (s *Server) findProjectByID(u *user, id uuid.UUID) (*project, error) {
	if p, ok := s.st.projectsByID[id]; ok && u.member(p.org) {
		return p, nil
	}
	return nil, server.NotFound(msgProjectNotFound)
}

// memberOrg returns the organization a slug or UUID names if u belongs to it, or nil.
func (s *Server) memberOrg(u *user, slugOrID string) *org {
	var o *org
	if id, err := uuid.Parse(slugOrID); err == nil {
		o = s.st.orgsByID[id]
	} else if key, ok := orgKey(slugOrID); ok {
		o = s.st.orgsBySlug[key]
	}
	if o == nil || !u.member(o) {
		return nil
	}
	return o
}

// findOrg returns the organization a slug or UUID names if u belongs to it, or a 404
// [*server.Error]; the caller holds s.mu.
func (s *Server) findOrg(u *user, slugOrID string) (*org, error) {
	if o := s.memberOrg(u, slugOrID); o != nil {
		return o, nil
	}
	return nil, server.NotFound("Organization not found.")
}
