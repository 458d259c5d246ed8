package fake

import (
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/cikit/circleci-go/gen"
)

// envNameRE is what CircleCI accepts as an environment variable name.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (e *envVar) api() gen.EnvironmentVariable {
	return gen.EnvironmentVariable{Name: e.name, Value: mask(e.value), CreatedAt: ptr(e.created.Format(time.RFC3339))}
}

// ListEnvVars lists a project's environment variables with masked values, oldest first, 20 a page.
// CircleCI API: GET /project/{project-slug}/envvar (listEnvVars).
func (s *Server) ListEnvVars(ctx context.Context, req gen.ListEnvVarsRequestObject) (gen.ListEnvVarsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.ListEnvVarsdefaultJSONResponse{StatusCode: 401, Body: gen.Error{Message: msgUnauthorized}}, nil
	}
	p, ok := s.visibleProject(u, req.ProjectSlug)
	if !ok {
		return gen.ListEnvVarsdefaultJSONResponse{StatusCode: 404, Body: gen.Error{Message: msgProjectNotFound}}, nil
	}
	page, next, ok := pageAfter(p.envVars, func(e *envVar) uint64 { return e.seq }, req.Params.PageToken, listTag("project-envvars", p.id.String()))
	if !ok {
		return gen.ListEnvVarsdefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: errBadToken}}, nil
	}
	items := make([]gen.EnvironmentVariable, 0, len(page))
	for _, e := range page {
		items = append(items, e.api())
	}
	return gen.ListEnvVars200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateEnvVar creates or replaces a project environment variable and returns it masked.
// CircleCI API: POST /project/{project-slug}/envvar (createEnvVar).
func (s *Server) CreateEnvVar(ctx context.Context, req gen.CreateEnvVarRequestObject) (gen.CreateEnvVarResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.CreateEnvVardefaultJSONResponse{StatusCode: 401, Body: gen.Error{Message: msgUnauthorized}}, nil
	}
	p, ok := s.visibleProject(u, req.ProjectSlug)
	if !ok {
		return gen.CreateEnvVardefaultJSONResponse{StatusCode: 404, Body: gen.Error{Message: msgProjectNotFound}}, nil
	}
	if req.Body == nil || !envNameRE.MatchString(req.Body.Name) {
		return gen.CreateEnvVardefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: "name must start with a letter or underscore and hold only letters, digits and underscores"}}, nil
	}
	e := p.setEnvVar(req.Body.Name, req.Body.Value, s.now(), s.nextSeq)
	return gen.CreateEnvVar201JSONResponse(e.api()), nil
}

// setEnvVar creates or replaces a variable; the caller holds s.mu.
func (p *project) setEnvVar(name, value string, now time.Time, seq func() uint64) *envVar {
	for _, e := range p.envVars {
		if e.name == name {
			e.value = value
			return e
		}
	}
	e := &envVar{seq: seq(), name: name, value: value, created: now}
	p.envVars = append(p.envVars, e)
	return e
}

// GetEnvVar returns one project environment variable, masked.
// CircleCI API: GET /project/{project-slug}/envvar/{name} (getEnvVar).
func (s *Server) GetEnvVar(ctx context.Context, req gen.GetEnvVarRequestObject) (gen.GetEnvVarResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.GetEnvVardefaultJSONResponse{StatusCode: 401, Body: gen.Error{Message: msgUnauthorized}}, nil
	}
	p, ok := s.visibleProject(u, req.ProjectSlug)
	if !ok {
		return gen.GetEnvVardefaultJSONResponse{StatusCode: 404, Body: gen.Error{Message: msgProjectNotFound}}, nil
	}
	i := slices.IndexFunc(p.envVars, func(e *envVar) bool { return e.name == req.Name })
	if i < 0 {
		return gen.GetEnvVardefaultJSONResponse{StatusCode: 404, Body: gen.Error{Message: "Environment variable not found."}}, nil
	}
	return gen.GetEnvVar200JSONResponse(p.envVars[i].api()), nil
}

// DeleteEnvVar deletes a project environment variable.
// CircleCI API: DELETE /project/{project-slug}/envvar/{name} (deleteEnvVar).
func (s *Server) DeleteEnvVar(ctx context.Context, req gen.DeleteEnvVarRequestObject) (gen.DeleteEnvVarResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.DeleteEnvVardefaultJSONResponse{StatusCode: 401, Body: gen.Error{Message: msgUnauthorized}}, nil
	}
	p, ok := s.visibleProject(u, req.ProjectSlug)
	if !ok {
		return gen.DeleteEnvVardefaultJSONResponse{StatusCode: 404, Body: gen.Error{Message: msgProjectNotFound}}, nil
	}
	i := slices.IndexFunc(p.envVars, func(e *envVar) bool { return e.name == req.Name })
	if i < 0 {
		return gen.DeleteEnvVardefaultJSONResponse{StatusCode: 404, Body: gen.Error{Message: "Environment variable not found."}}, nil
	}
	p.envVars = slices.Delete(p.envVars, i, i+1)
	return gen.DeleteEnvVar200JSONResponse{Message: "Environment variable deleted."}, nil
}
