package fake

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

const msgProjectNotFound = "Project not found."

// project is a project of an organization, with what hangs off it.
type project struct {
	index         int32 // in state.projectsByIndex
	id            uuid.UUID
	org           *org
	name          string
	slug          string
	defaultBranch string
	created       time.Time

	config   *engine.Config            // nil when the project has none
	setup    bool                      // the config has setup: true; its pipelines wait for a continuation
	outcomes map[string]engine.Outcome // job name → forced outcome

	settings     gen.ProjectAdvancedSettings
	envVars      []*envVar
	checkoutKeys []*checkoutKey
	schedules    []*schedule

	pipelines []int32           // positions in state.pipelines; pipelines[n-1] has number n
	byBranch  map[int32][]int32 // by branch interned in state.refs
	byActor   map[*user][]int32 // the positions of the pipelines each user triggered
	jobs      jobTable          // the build jobs by number (ids.go)
	runs      []*workflow       // every workflow run, reruns included, in creation order (Insights)
	runRecs   []runRec          // parallel to runs: what Insights scans (insights.go)
	jobRuns   map[string]int32  // build jobs run so far by name, for declared tests (reports.go)
}

func (p *project) api() gen.Project {
	provider := gen.ProjectVCSInfoProviderGitHub
	vcsURL := "https://github.com/" + p.org.name + "/" + p.name
	switch p.org.vcsType {
	case "bitbucket":
		provider = gen.ProjectVCSInfoProviderBitbucket
		vcsURL = "https://bitbucket.org/" + p.org.name + "/" + p.name
	case "circleci":
		provider = gen.ProjectVCSInfoProviderCircleCI
		vcsURL = "//circleci.com/" + p.org.id.String() + "/" + p.id.String()
	}
	return gen.Project{
		ID:               p.id,
		Name:             p.name,
		OrganizationID:   p.org.id,
		OrganizationName: p.org.name,
		OrganizationSlug: p.org.slug,
		Slug:             p.slug,
		VCSInfo:          gen.ProjectVCSInfo{DefaultBranch: p.defaultBranch, Provider: provider, VCSURL: vcsURL},
	}
}

// CreateProject creates a project in one of the caller's organizations. It has no config until one is
// seeded; triggering it gives an errored pipeline, as on circleci.com.
// CircleCI API: POST /organization/{org-slug-or-id}/project (createProject).
func (s *Server) CreateProject(ctx context.Context, req genserver.CreateProjectRequestObject) (genserver.CreateProjectResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.findOrg(u, req.OrgSlugOrID)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || strings.TrimSpace(req.Body.Name) == "" || strings.Contains(req.Body.Name, "/") {
		return nil, server.BadRequest("name is required and must not contain a slash")
	}
	p, err := s.newProject(o, req.Body.Name, "", s.newID(), s.now())
	if err != nil {
		return nil, server.Conflict(err.Error())
	}
	s.st.addProject(p)
	s.addDefaultDefinition(p, s.newID(), p.created)
	return genserver.CreateProject200JSONResponse(p.api()), nil
}

// newProject returns a project of o without config, created at a time, or the error of a slug or id another project
// has; the caller holds s.mu or owns s, and stores it with [state.addProject].
func (s *Server) newProject(o *org, name, defaultBranch string, id uuid.UUID, created time.Time) (*project, error) {
	p := &project{
		id: id, org: o, name: name, defaultBranch: defaultBranch, created: created,
		settings: defaultSettings(), byBranch: map[int32][]int32{}, byActor: map[*user][]int32{},
		outcomes: map[string]engine.Outcome{},
	}
	if p.defaultBranch == "" {
		p.defaultBranch = "main"
	}
	p.slug = o.slug + "/" + name
	if o.vcsType == "circleci" {
		p.slug = o.slug + "/" + id.String()
	}
	key, _ := projectKey(p.slug)
	if _, dup := s.st.projectsBySlug[key]; dup {
		return nil, fmt.Errorf("project %s already exists", p.slug)
	}
	if _, dup := s.st.projectsByID[id]; dup {
		return nil, fmt.Errorf("project id %s is used twice", id)
	}
	return p, nil
}

// addProject stores p, made by [Server.newProject], and gives it its index in projectsByIndex;
// the caller holds s.mu or owns s.
func (st *state) addProject(p *project) {
	key, _ := projectKey(p.slug)
	st.projectsBySlug[key] = p
	st.projectsByID[p.id] = p
	p.index = int32(len(st.projectsByIndex))
	st.projectsByIndex = append(st.projectsByIndex, p)
}

// setConfig parses and stores a project's config.
func (p *project) setConfig(src string) error {
	cfg, err := engine.ParseConfig(src)
	if err != nil {
		return err
	}
	var top struct {
		Setup bool `yaml:"setup"`
	}
	if err := yaml.Unmarshal([]byte(src), &top); err != nil {
		return fmt.Errorf("config: setup: %w", err)
	}
	p.config, p.setup = cfg, top.Setup
	return nil
}

// outcomeFunc decides job outcomes from the project's forced outcomes (seed or SetJobOutcome), for
// the engine's workflows.
func (p *project) outcomeFunc() func(string) engine.Outcome {
	return func(job string) engine.Outcome { return p.outcomes[job] }
}

// GetProjectBySlug returns a project by its slug in any accepted form.
// CircleCI API: GET /project/{project-slug} (getProjectBySlug).
func (s *Server) GetProjectBySlug(ctx context.Context, req genserver.GetProjectBySlugRequestObject) (genserver.GetProjectBySlugResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	return genserver.GetProjectBySlug200JSONResponse(p.api()), nil
}

// DeleteProjectBySlug deletes a project with its pipelines, schedules and webhooks.
// CircleCI API: DELETE /project/{project-slug} (deleteProjectBySlug).
func (s *Server) DeleteProjectBySlug(ctx context.Context, req genserver.DeleteProjectBySlugRequestObject) (genserver.DeleteProjectBySlugResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	s.deleteProject(p)
	return genserver.DeleteProjectBySlug200JSONResponse{Message: "Project deleted."}, nil
}

// deleteProject removes p and everything that hangs off it; the caller holds s.mu. It rebuilds the
// organization's pipeline indexes once, which costs O(pipelines in the organization). The records of
// the project's pipelines stay in the append-only store, unreachable.
func (s *Server) deleteProject(p *project) {
	key, _ := projectKey(p.slug)
	delete(s.st.projectsBySlug, key)
	delete(s.st.projectsByID, p.id)
	for _, pos := range p.pipelines {
		delete(s.st.pipelinesByID, s.st.pipelines.at(pos).id)
		extra := s.st.pipelineExtras[pos]
		if extra == nil {
			continue
		}
		for _, w := range extra.workflows {
			delete(s.st.workflowsByID, w.id)
			delete(s.st.running, w)
		}
		if extra.continuationKey != "" {
			delete(s.st.continuationKeys, extra.continuationKey)
		}
		delete(s.st.pipelineExtras, pos)
	}
	s.st.indexJobs()
	p.jobs.all(func(j *job) { delete(s.st.jobsByID, j.id) })
	for _, sc := range p.schedules {
		delete(s.st.schedulesByID, sc.id)
	}
	for id, w := range s.st.webhooksByID {
		if w.project == p {
			delete(s.st.webhooksByID, id)
		}
	}
	s.deleteDefinitions(p)
	o := p.org
	ofP := func(pos int32) bool { return s.st.pipelines.at(pos).project == p.index }
	o.pipelines = slices.DeleteFunc(o.pipelines, ofP)
	for u, list := range o.byActor {
		o.byActor[u] = slices.DeleteFunc(list, ofP)
	}
}

func defaultSettings() gen.ProjectAdvancedSettings {
	f, t := false, true
	return gen.ProjectAdvancedSettings{
		AutocancelBuilds:           &f,
		BuildForkPrs:               &f,
		BuildPrsOnly:               &f,
		DisableSSH:                 &f,
		ForksReceiveSecretEnvVars:  &f,
		Oss:                        &f,
		PrOnlyBranchOverrides:      []string{"main"},
		SetGithubStatus:            &t,
		SetupWorkflows:             &f,
		WriteSettingsRequiresAdmin: &f,
	}
}

func cloneSettings(a gen.ProjectAdvancedSettings) gen.ProjectAdvancedSettings {
	a.PrOnlyBranchOverrides = slices.Clone(a.PrOnlyBranchOverrides)
	for _, p := range []**bool{&a.AutocancelBuilds, &a.BuildForkPrs, &a.BuildPrsOnly, &a.DisableSSH,
		&a.ForksReceiveSecretEnvVars, &a.Oss, &a.SetGithubStatus, &a.SetupWorkflows, &a.WriteSettingsRequiresAdmin} {
		if *p != nil {
			*p = ptr(**p)
		}
	}
	return a
}

// GetProjectSettings returns a project's advanced settings.
// CircleCI API: GET /project/{provider}/{organization}/{project}/settings (getProjectSettings).
func (s *Server) GetProjectSettings(ctx context.Context, req genserver.GetProjectSettingsRequestObject) (genserver.GetProjectSettingsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, string(req.Provider)+"/"+req.Organization+"/"+req.Project)
	if err != nil {
		return nil, err
	}
	adv := cloneSettings(p.settings)
	return genserver.GetProjectSettings200JSONResponse{Advanced: &adv}, nil
}

// PatchProjectSettings changes the advanced settings named in the body and returns them all.
// CircleCI API: PATCH /project/{provider}/{organization}/{project}/settings (patchProjectSettings).
func (s *Server) PatchProjectSettings(ctx context.Context, req genserver.PatchProjectSettingsRequestObject) (genserver.PatchProjectSettingsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, string(req.Provider)+"/"+req.Organization+"/"+req.Project)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.Advanced == nil {
		return nil, server.BadRequest(`the body must hold an "advanced" object with the settings to change`)
	}
	in := cloneSettings(*req.Body.Advanced)
	cur := &p.settings
	set := func(dst **bool, src *bool) {
		if src != nil {
			*dst = src
		}
	}
	set(&cur.AutocancelBuilds, in.AutocancelBuilds)
	set(&cur.BuildForkPrs, in.BuildForkPrs)
	set(&cur.BuildPrsOnly, in.BuildPrsOnly)
	set(&cur.DisableSSH, in.DisableSSH)
	set(&cur.ForksReceiveSecretEnvVars, in.ForksReceiveSecretEnvVars)
	set(&cur.Oss, in.Oss)
	set(&cur.SetGithubStatus, in.SetGithubStatus)
	set(&cur.SetupWorkflows, in.SetupWorkflows)
	set(&cur.WriteSettingsRequiresAdmin, in.WriteSettingsRequiresAdmin)
	if in.PrOnlyBranchOverrides != nil {
		cur.PrOnlyBranchOverrides = in.PrOnlyBranchOverrides
	}
	adv := cloneSettings(p.settings)
	return genserver.PatchProjectSettings200JSONResponse{Advanced: &adv}, nil
}
