package fake

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// Deploys: environments of an organization, components of a project, and the versions of a
// component deployed to an environment. The fake records a version when a job the seed marks as a
// deploy ([SeedDeploy]) succeeds, and loads the versions a seed lists as already deployed
// ([SeedRelease]); nothing is created through the API, as on CircleCI, where deploy markers in jobs
// (circleci run release plan/update) make them.

const (
	msgEnvironmentNotFound = "Environment not found."
	msgComponentNotFound   = "Component not found."
	maxDeployPageSize      = 100
)

// deployState is what the fake stores about deploys; in state.deploys.
type deployState struct {
	envsByID       map[uuid.UUID]*deployEnv
	envsByOrg      map[*org][]*deployEnv // in creation order
	componentsByID map[uuid.UUID]*component
	componentsOf   map[*org][]*component       // in creation order
	markers        map[*project][]deployMarker // the jobs of a project that deploy
	watched        []watchedDeploy             // jobs of markers that had not finished when last looked at
	rollbacks      map[int32]*rollbackRun      // by pipeline position: the pipelines POST …/rollback started
	settings       map[*project]*deploySettings
}

func newDeployState() deployState {
	return deployState{
		envsByID:       map[uuid.UUID]*deployEnv{},
		envsByOrg:      map[*org][]*deployEnv{},
		componentsByID: map[uuid.UUID]*component{},
		componentsOf:   map[*org][]*component{},
		markers:        map[*project][]deployMarker{},
		rollbacks:      map[int32]*rollbackRun{},
		settings:       map[*project]*deploySettings{},
	}
}

// deployEnv is a deploy environment of an organization.
type deployEnv struct {
	listOrder
	id          uuid.UUID
	org         *org
	name        string
	description string
	labels      []gen.Label
	created     time.Time
}

func (e *deployEnv) api() gen.Environment {
	return gen.Environment{
		ID: ptr(e.id), Name: ptr(e.name), Description: ptr(e.description), Labels: slices.Clone(e.labels),
		CreatedAt: ptr(e.created), UpdatedAt: ptr(e.created),
	}
}

// component is a deployable component of a project.
type component struct {
	listOrder
	id       uuid.UUID
	project  *project
	name     string
	created  time.Time
	updated  time.Time // when its last release was recorded
	releases int       // every deploy recorded, redeploys of a version included
	// versions holds the versions in the order of their last deploy, oldest first; a version
	// deployed again moves to the end, and its old slot is nil.
	versions []*componentVersion
	byKey    map[versionKey]*componentVersion
	live     map[placement]*componentVersion // the live version of each environment and namespace
}

// placement is an environment and a namespace in it.
type placement struct {
	env       *deployEnv
	namespace string
}

// versionKey names a version of a component in a placement.
type versionKey struct {
	name string
	placement
}

// api renders c; the list answers release_count 0, as the live API does (see the document).
func (c *component) api(inList bool) gen.Component {
	out := gen.Component{
		ID: ptr(c.id), Name: ptr(c.name), ProjectID: ptr(c.project.id), Labels: []gen.Label{},
		ReleaseCount: ptr(c.releases), CreatedAt: ptr(c.created), UpdatedAt: ptr(c.updated),
	}
	if inList {
		out.ReleaseCount = ptr(0)
	}
	return out
}

// componentVersion is a version of a component as last deployed to an environment and namespace.
type componentVersion struct {
	seq        uint64 // the order of its last deploy among all versions of the component
	slot       int    // its index in component.versions
	name       string
	env        *deployEnv
	namespace  string
	live       bool
	pipelineID uuid.UUID // uuid.Nil for a version the seed lists, which no pipeline deployed
	workflowID uuid.UUID
	jobID      uuid.UUID
	jobNumber  int64 // 0 for none
	deployedAt time.Time
}

func (v *componentVersion) api() gen.ComponentVersion {
	out := gen.ComponentVersion{
		Name: ptr(v.name), EnvironmentID: ptr(v.env.id), Namespace: ptr(v.namespace), IsLive: ptr(v.live),
		PipelineID: ptr(v.pipelineID), WorkflowID: ptr(v.workflowID), JobID: ptr(v.jobID),
		LastDeployedAt: ptr(v.deployedAt),
	}
	if v.jobNumber > 0 {
		out.JobNumber = ptr(int(v.jobNumber))
	}
	return out
}

// deployMarker is a [SeedDeploy] of a project: a job whose successful runs record a version.
type deployMarker struct {
	job                                        string
	component, environment, namespace, version string // templates of pipeline values and parameters
}

// watchedDeploy is a job of a marker, watched until it finishes.
type watchedDeploy struct {
	j      *job
	marker *deployMarker
}

// deploySettings are the deploy settings of a project.
type deploySettings struct {
	rollbackDefinition uuid.UUID // the pipeline definition rollbacks run
}

// rollbackDefinition returns the pipeline definition p's rollbacks run, or nil when it has none or
// the definition was deleted; the caller holds s.mu.
func (s *Server) rollbackDefinition(p *project) *pipelineDefinition {
	ds := s.st.deploys.settings[p]
	if ds == nil {
		return nil
	}
	if d, ok := s.st.definitionsByID[ds.rollbackDefinition]; ok && d.project == p {
		return d
	}
	return nil
}

// watchDeploys starts watching the jobs of a new workflow that the project's markers name; the
// caller holds s.mu. A job a rerun from failed carried over did not run again and deploys nothing.
func (s *Server) watchDeploys(w *workflow) {
	markers := s.st.deploys.markers[w.project]
	if len(markers) == 0 {
		return
	}
	for i, js := range w.run.Jobs() {
		if js.Type != engine.TypeBuild || js.Reused {
			continue
		}
		for m := range markers {
			if markers[m].job == js.Name {
				s.st.deploys.watched = append(s.st.deploys.watched, watchedDeploy{j: w.jobs[i], marker: &markers[m]})
			}
		}
	}
}

// recordDeploys moves the watched jobs to the simulated now and records a version for each that has
// succeeded since, in the order they stopped; the caller holds s.mu. The deploy reads call it first,
// so what they answer is as of now.
func (s *Server) recordDeploys() {
	d := &s.st.deploys
	if len(d.watched) == 0 {
		return
	}
	type done struct {
		watchedDeploy
		at time.Time
	}
	var succeeded []done
	keep := d.watched[:0]
	for _, wd := range d.watched {
		if p := wd.j.workflow.project; s.st.projectsByID[p.id] != p {
			continue // the project was deleted
		}
		s.advance(wd.j.workflow)
		js := wd.j.state()
		switch js.Status {
		case engine.StatusBlocked, engine.StatusQueued, engine.StatusRunning, engine.StatusOnHold:
			keep = append(keep, wd) // not finished yet
		case engine.StatusSuccess:
			if js.StoppedAt != nil {
				succeeded = append(succeeded, done{wd, *js.StoppedAt})
			}
		}
	}
	clear(d.watched[len(keep):])
	d.watched = keep
	sort.SliceStable(succeeded, func(a, b int) bool { return succeeded[a].at.Before(succeeded[b].at) })
	for _, sd := range succeeded {
		w := sd.j.workflow
		pl := w.pipeline
		expand := s.templater(pl)
		m := sd.marker
		rel := release{
			component: expand(m.component), environment: expand(m.environment), namespace: expand(m.namespace),
			version: expand(m.version), at: sd.at, pipelineID: pl.id, workflowID: w.id, jobID: sd.j.id, jobNumber: sd.j.number,
		}
		if rel.component == "" || rel.environment == "" || rel.version == "" {
			continue // the marker named nothing on this run
		}
		s.recordRelease(w.project, rel)
	}
}

// release is one deploy of a version to record.
type release struct {
	component, environment, namespace, version string
	at                                         time.Time
	pipelineID, workflowID, jobID              uuid.UUID
	jobNumber                                  int64
}

// recordRelease records a deploy of a version of a component of p: the environment and the component
// are made on first use, and the version becomes the live one of its environment and namespace; the
// caller holds s.mu. A seed load passes newID, later deploys s.newID.
func (s *Server) recordRelease(p *project, r release) {
	s.recordReleaseWith(p, r, s.newID)
}

func (s *Server) recordReleaseWith(p *project, r release, newID func() uuid.UUID) {
	d := &s.st.deploys
	env := s.findEnv(p.org, r.environment)
	if env == nil {
		env = s.addEnv(p.org, r.environment, "", nil, r.at, newID())
	}
	var c *component
	for _, x := range d.componentsOf[p.org] {
		if x.project == p && x.name == r.component {
			c = x
		}
	}
	if c == nil {
		c = &component{
			listOrder: s.nextSeq(), id: newID(), project: p, name: r.component, created: r.at, updated: r.at,
			byKey: map[versionKey]*componentVersion{}, live: map[placement]*componentVersion{},
		}
		d.componentsByID[c.id] = c
		d.componentsOf[p.org] = append(d.componentsOf[p.org], c)
	}
	c.releases++
	if r.at.After(c.updated) {
		c.updated = r.at
	}
	where := placement{env, r.namespace}
	key := versionKey{r.version, where}
	v := c.byKey[key]
	if v == nil {
		v = &componentVersion{name: r.version, env: env, namespace: r.namespace}
		c.byKey[key] = v
	} else {
		c.versions[v.slot] = nil
	}
	v.seq, v.slot = s.nextSeq().seq, len(c.versions)
	v.pipelineID, v.workflowID, v.jobID, v.jobNumber, v.deployedAt = r.pipelineID, r.workflowID, r.jobID, r.jobNumber, r.at
	c.versions = append(c.versions, v)
	if old := c.live[where]; old != nil {
		old.live = false
	}
	v.live, c.live[where] = true, v
}

// findEnv returns the environment of o with a name, or nil.
func (s *Server) findEnv(o *org, name string) *deployEnv {
	for _, e := range s.st.deploys.envsByOrg[o] {
		if e.name == name {
			return e
		}
	}
	return nil
}

// addEnv stores a new environment of o; the caller holds s.mu or owns s.
func (s *Server) addEnv(o *org, name, description string, labels []gen.Label, at time.Time, id uuid.UUID) *deployEnv {
	e := &deployEnv{listOrder: s.nextSeq(), id: id, org: o, name: name, description: description, labels: labels, created: at}
	s.st.deploys.envsByID[id] = e
	s.st.deploys.envsByOrg[o] = append(s.st.deploys.envsByOrg[o], e)
	return e
}

// templateRE finds the << pipeline.… >> references of a marker's fields.
var templateRE = regexp.MustCompile(`<<\s*(pipeline\.[A-Za-z0-9_.-]*)\s*>>`)

// templater returns a function that fills a marker's field with pl's pipeline parameters and
// values; an unknown reference becomes empty. The caller holds s.mu.
func (s *Server) templater(pl *pipeline) func(string) string {
	var params map[string]any
	if cfg := s.st.configs.at(pl.config); cfg != nil {
		var given map[string]any
		if extra := s.st.pipelineExtras[pl.position]; extra != nil {
			given = extra.params
		}
		params, _ = cfg.ResolveParameters(given) // checked when the pipeline was created
	}
	values := s.st.values(pl, false)
	return func(tmpl string) string {
		return strings.TrimSpace(templateRE.ReplaceAllStringFunc(tmpl, func(ref string) string {
			name := templateRE.FindStringSubmatch(ref)[1]
			if p, ok := strings.CutPrefix(name, "pipeline.parameters."); ok {
				if v, ok := params[p]; ok {
					return fmt.Sprint(v)
				}
				return ""
			}
			if v, ok := values(name); ok {
				return fmt.Sprint(v)
			}
			return ""
		}))
	}
}

// deployValue returns the pipeline.deploy.… values of a pipeline: those of the rollback it runs, and
// empty for any other pipeline; ok is false for other names.
func (st *state) deployValue(pl *pipeline, name string) (any, bool) {
	field, ok := strings.CutPrefix(name, "pipeline.deploy.")
	if !ok {
		return nil, false
	}
	rb := st.deploys.rollbacks[pl.position]
	if rb == nil {
		rb = &rollbackRun{}
	}
	switch field {
	case "component_name":
		return rb.component.nameOrEmpty(), true
	case "environment_name":
		return rb.envName, true
	case "namespace":
		return rb.namespace, true
	case "current_version":
		return rb.current, true
	case "target_version":
		return rb.target, true
	case "reason":
		return rb.reason, true
	}
	return nil, false
}

func (c *component) nameOrEmpty() string {
	if c == nil {
		return ""
	}
	return c.name
}

// pageSizeOf returns the page size a request asks for, 20 when it gives none, or a 400.
func pageSizeOf(given *int) (int, error) {
	if given == nil {
		return pageSize, nil
	}
	if *given < 1 || *given > maxDeployPageSize {
		return 0, server.BadRequest(fmt.Sprintf("page-size must be between 1 and %d; got %d", maxDeployPageSize, *given))
	}
	return *given, nil
}

// pageOrdered is [pageAfter] with a page size: one page of items (sorted by list order) after the
// position in tok, and the token of the next page, or the 400 of [badToken].
func pageOrdered[T interface{ order() uint64 }, R any](items []T, tok *string, tag uint64, size int, render func(T) R) ([]R, *string, error) {
	after, first, ok := decodeToken(tok, tag)
	if !ok {
		return nil, nil, badToken()
	}
	i := 0
	if !first {
		i = sort.Search(len(items), func(i int) bool { return items[i].order() > after })
	}
	end := min(i+size, len(items))
	page := make([]R, 0, end-i)
	for _, it := range items[i:end] {
		page = append(page, render(it))
	}
	var next *string
	if end < len(items) {
		next = encodeToken(tag, items[end-1].order())
	}
	return page, next, nil
}

// deployOrg returns the caller and the organization an org-id names if they belong to it, or a
// 401 or 404; the caller holds s.mu.
func (s *Server) deployOrg(ctx context.Context, orgID uuid.UUID) (*user, *org, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	o, err := s.findOrg(u, orgID.String())
	if err != nil {
		return nil, nil, err
	}
	return u, o, nil
}

// ListEnvironments lists an organization's deploy environments in the order they were first seen,
// 20 a page unless page-size (1 to 100) says otherwise.
// CircleCI API: GET /deploy/environments (listEnvironments).
func (s *Server) ListEnvironments(ctx context.Context, req genserver.ListEnvironmentsRequestObject) (genserver.ListEnvironmentsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.deployOrg(ctx, req.Params.OrgID)
	if err != nil {
		return nil, err
	}
	size, err := pageSizeOf(req.Params.PageSize)
	if err != nil {
		return nil, err
	}
	s.recordDeploys()
	items, next, err := pageOrdered(s.st.deploys.envsByOrg[o], req.Params.PageToken, s.listTag("deploy-environments", o.id.String()), size, (*deployEnv).api)
	if err != nil {
		return nil, err
	}
	return genserver.ListEnvironments200JSONResponse{Items: items, NextPageToken: next}, nil
}

// GetEnvironment returns one deploy environment.
// CircleCI API: GET /deploy/environments/{environment_id} (getEnvironment).
func (s *Server) GetEnvironment(ctx context.Context, req genserver.GetEnvironmentRequestObject) (genserver.GetEnvironmentResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, e, err := visibleByID(s, ctx, s.st.deploys.envsByID, req.EnvironmentID, func(e *deployEnv) *org { return e.org }, msgEnvironmentNotFound)
	if err != nil {
		return nil, err
	}
	s.recordDeploys() // after the checks: a refused request moves nothing
	return genserver.GetEnvironment200JSONResponse(e.api()), nil
}

// ListComponents lists an organization's deploy components in the order they were first seen,
// optionally those of one project (project-id) and those whose name contains component-name, 20 a
// page unless page-size (1 to 100) says otherwise. As on CircleCI, the list gives release_count 0;
// GetComponent gives the count.
// CircleCI API: GET /deploy/components (listComponents).
func (s *Server) ListComponents(ctx context.Context, req genserver.ListComponentsRequestObject) (genserver.ListComponentsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, o, err := s.deployOrg(ctx, req.Params.OrgID)
	if err != nil {
		return nil, err
	}
	size, err := pageSizeOf(req.Params.PageSize)
	if err != nil {
		return nil, err
	}
	var only *project
	tag := []string{"deploy-components", o.id.String()}
	if id := req.Params.ProjectID; id != nil {
		if only, err = s.findProjectByID(u, *id); err != nil {
			return nil, err
		}
		if only.org != o {
			return nil, server.NotFound(msgProjectNotFound)
		}
		tag = append(tag, "project", id.String())
	}
	name := deref(req.Params.ComponentName)
	if name != "" {
		tag = append(tag, "name", name)
	}
	s.recordDeploys()
	var items []*component
	for _, c := range s.st.deploys.componentsOf[o] {
		if s.st.projectsByID[c.project.id] != c.project || (only != nil && c.project != only) || !strings.Contains(c.name, name) {
			continue
		}
		items = append(items, c)
	}
	page, next, err := pageOrdered(items, req.Params.PageToken, s.listTag(tag...), size, func(c *component) gen.Component { return c.api(true) })
	if err != nil {
		return nil, err
	}
	return genserver.ListComponents200JSONResponse{Items: page, NextPageToken: next}, nil
}

// visibleComponent returns a component of a project the caller may see, or a 401 or 404; the
// caller holds s.mu. component_id is a string in the document: one that is not a UUID names no
// component.
func (s *Server) visibleComponent(ctx context.Context, rawID string) (*component, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := uuid.Parse(rawID)
	if err != nil {
		return nil, server.NotFound(msgComponentNotFound)
	}
	c, ok := s.st.deploys.componentsByID[id]
	if !ok || !u.member(c.project.org) || s.st.projectsByID[c.project.id] != c.project {
		return nil, server.NotFound(msgComponentNotFound)
	}
	return c, nil
}

// GetComponent returns one deploy component with the number of releases recorded for it.
// CircleCI API: GET /deploy/components/{component_id} (getComponent).
func (s *Server) GetComponent(ctx context.Context, req genserver.GetComponentRequestObject) (genserver.GetComponentResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.visibleComponent(ctx, req.ComponentID)
	if err != nil {
		return nil, err
	}
	s.recordDeploys() // after the checks: a refused request moves nothing
	return genserver.GetComponent200JSONResponse(c.api(false)), nil
}

// ListComponentVersions lists the versions of a component, the last deployed first, each once per
// environment and namespace it was deployed to, optionally only those of one environment (an
// environment with no versions of the component, or none at all, gives an empty list), 20 a page.
// A version deployed again moves to the front.
// CircleCI API: GET /deploy/components/{component_id}/versions (listComponentVersions).
func (s *Server) ListComponentVersions(ctx context.Context, req genserver.ListComponentVersionsRequestObject) (genserver.ListComponentVersionsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.visibleComponent(ctx, req.ComponentID)
	if err != nil {
		return nil, err
	}
	s.recordDeploys() // after the checks: a refused request moves nothing
	tag := []string{"deploy-versions", c.id.String()}
	if id := req.Params.EnvironmentID; id != nil {
		tag = append(tag, "environment", id.String())
	}
	t := s.listTag(tag...)
	before, first, ok := decodeToken(req.Params.PageToken, t)
	if !ok || (!first && before == 0) {
		return nil, badToken()
	}
	items := make([]gen.ComponentVersion, 0, pageSize)
	var next *string
	var last uint64 // the seq of the last item on the page
	for i := len(c.versions) - 1; i >= 0; i-- {
		v := c.versions[i]
		if v == nil || (!first && v.seq >= before) || (req.Params.EnvironmentID != nil && v.env.id != *req.Params.EnvironmentID) {
			continue
		}
		if len(items) == pageSize {
			next = encodeToken(t, last)
			break
		}
		items = append(items, v.api())
		last = v.seq
	}
	return genserver.ListComponentVersions200JSONResponse{Items: items, NextPageToken: next}, nil
}

// projectByIDParam returns the project a project_id path parameter names if the caller may see it,
// or a 401, 400 (not a UUID) or 404; the caller holds s.mu.
func (s *Server) projectByIDParam(ctx context.Context, raw string) (*user, *project, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		return nil, nil, server.BadRequest(fmt.Sprintf("project_id %q is not a UUID: pass the project's id, not its slug", raw))
	}
	p, err := s.findProjectByID(u, id)
	if err != nil {
		return nil, nil, err
	}
	return u, p, nil
}

// GetProjectDeploySettings returns the pipeline definition a project's rollbacks run, left out
// when it has none (or it was deleted). The fake has no deploy pipelines: deploy_pipeline_definition_id
// is never set.
// CircleCI API: GET /deploy/projects/{project_id}/settings (getProjectDeploySettings).
func (s *Server) GetProjectDeploySettings(ctx context.Context, req genserver.GetProjectDeploySettingsRequestObject) (genserver.GetProjectDeploySettingsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.projectByIDParam(ctx, req.ProjectID)
	if err != nil {
		return nil, err
	}
	var out gen.DeploySettings
	if d := s.rollbackDefinition(p); d != nil {
		out.RollbackPipelineDefinitionID = ptr(d.id)
	}
	return genserver.GetProjectDeploySettings200JSONResponse(out), nil
}

// SeedEnvironment is a deploy environment of an organization.
type SeedEnvironment struct {
	Name        string            `json:"name" yaml:"name"`
	Description string            `json:"description,omitempty" yaml:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`
}

// SeedDeploy marks a job of a project's config as a deploy, as a deploy marker (circleci run
// release plan … and release update --status=SUCCESS) in the job's steps would on CircleCI: each
// run of the job that ends with success records Version of Component in Environment and Namespace.
// Every field may use << pipeline.parameters.… >> and pipeline values (<< pipeline.number >>,
// << pipeline.git.branch >>, the << pipeline.deploy.… >> values of a rollback pipeline, …), filled
// in for the pipeline the job ran in; a run that leaves Component, Environment or Version empty
// records nothing.
type SeedDeploy struct {
	// Job is the job's name in its workflow.
	Job         string `json:"job" yaml:"job"`
	Component   string `json:"component" yaml:"component"`
	Environment string `json:"environment" yaml:"environment"`
	Namespace   string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	// Version defaults to << pipeline.git.revision >>, the commit the pipeline ran on.
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
}

// SeedRelease is a version of a component of the project that was deployed to an environment
// before the fake started. It has no pipeline, workflow or job: the API reports the all-zero UUID
// for them, as CircleCI does for deploys it recorded without one.
type SeedRelease struct {
	Component   string `json:"component" yaml:"component"`
	Environment string `json:"environment" yaml:"environment"`
	Namespace   string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	Version     string `json:"version" yaml:"version"`
	// DeployedAt is an RFC 3339 time; it defaults to the fake's start. Of the releases of one
	// component, environment and namespace, the one deployed last is live.
	DeployedAt string `json:"deployed_at,omitempty" yaml:"deployed_at,omitempty"`
}

// environments stores the seed environments of o.
func (l *loader) environments(o *org, envs []SeedEnvironment) error {
	for _, se := range envs {
		if se.Name == "" || l.s.findEnv(o, se.Name) != nil {
			return fmt.Errorf("fake: seed: organization %s: environment names must be present and unique", o.slug)
		}
		labels := make([]gen.Label, 0, len(se.Labels))
		for _, k := range sortedKeys(se.Labels) {
			labels = append(labels, gen.Label{Key: ptr(k), Value: ptr(se.Labels[k])})
		}
		l.s.addEnv(o, se.Name, se.Description, labels, l.at, l.newID())
	}
	return nil
}

// deploys stores the deploy markers and the releases of a seed project.
func (l *loader) deploys(p *project, sp SeedProject) error {
	s := l.s
	for _, sd := range sp.Deploys {
		if sd.Job == "" || sd.Component == "" || sd.Environment == "" {
			return fmt.Errorf("fake: seed: project %s: a deploy needs job, component and environment", p.slug)
		}
		m := deployMarker{job: sd.Job, component: sd.Component, environment: sd.Environment, namespace: sd.Namespace, version: sd.Version}
		if m.version == "" {
			m.version = "<< pipeline.git.revision >>"
		}
		s.st.deploys.markers[p] = append(s.st.deploys.markers[p], m)
	}
	type timed struct {
		SeedRelease
		at time.Time
	}
	releases := make([]timed, 0, len(sp.Releases))
	for _, sr := range sp.Releases {
		if sr.Component == "" || sr.Environment == "" || sr.Version == "" {
			return fmt.Errorf("fake: seed: project %s: a release needs component, environment and version", p.slug)
		}
		at := l.at
		if sr.DeployedAt != "" {
			t, err := time.Parse(time.RFC3339, sr.DeployedAt)
			if err != nil {
				return fmt.Errorf("fake: seed: project %s: release %s of %s: deployed_at %q is not an RFC 3339 time", p.slug, sr.Version, sr.Component, sr.DeployedAt)
			}
			at = t.UTC().Truncate(time.Millisecond)
		}
		releases = append(releases, timed{sr, at})
	}
	if name := sp.RollbackDefinition; name != "" {
		i := slices.IndexFunc(s.st.defs(p).list, func(d *pipelineDefinition) bool { return d.name == name })
		if i < 0 {
			return fmt.Errorf("fake: seed: project %s: rollback_definition %q names none of its pipeline definitions", p.slug, name)
		}
		s.st.deploys.settings[p] = &deploySettings{rollbackDefinition: s.st.defs(p).list[i].id}
	}
	sort.SliceStable(releases, func(a, b int) bool { return releases[a].at.Before(releases[b].at) })
	for _, r := range releases {
		s.recordReleaseWith(p, release{component: r.Component, environment: r.Environment, namespace: r.Namespace, version: r.Version, at: r.at}, l.newID)
	}
	return nil
}
