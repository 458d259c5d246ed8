package fake

import (
	"context"
	"slices"
	"strings"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const msgProjectNotFound = "Project not found."

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
	p, err := s.addProject(o, SeedProject{Name: req.Body.Name})
	if err != nil {
		return nil, server.Conflict(err.Error())
	}
	return genserver.CreateProject200JSONResponse(p.api()), nil
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
	delete(s.st.projBySlug, key)
	delete(s.st.projByID, p.id)
	for _, pos := range p.pipelines {
		delete(s.st.plByID, s.st.pls.at(pos).id)
		more := s.st.plMore[pos]
		if more == nil {
			continue
		}
		for _, w := range more.workflows {
			delete(s.st.workflows, w.id)
			delete(s.st.running, w)
		}
		if more.contKey != "" {
			delete(s.st.contKeys, more.contKey)
		}
		delete(s.st.plMore, pos)
	}
	for _, j := range p.jobs {
		delete(s.st.jobsByID, j.id)
	}
	for _, sc := range p.schedules {
		delete(s.st.schedules, sc.id)
	}
	for id, w := range s.st.webhooks {
		if w.project == p {
			delete(s.st.webhooks, id)
		}
	}
	o := p.org
	ofP := func(pos int32) bool { return s.st.pls.at(pos).project == p.idx }
	o.pipelines = slices.DeleteFunc(o.pipelines, ofP)
	for u, list := range o.mine {
		o.mine[u] = slices.DeleteFunc(list, ofP)
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
