package fake

import (
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// envVar is an environment variable of a project.
type envVar struct {
	listOrder
	name    string
	value   string
	created time.Time
}

// mask hides a secret the way CircleCI does: "xxxx" and the last four characters.
func mask(v string) string {
	r := []rune(v)
	if len(r) <= 4 {
		return "xxxx"
	}
	return "xxxx" + string(r[len(r)-4:])
}

// envNameRE is what CircleCI accepts as an environment variable name.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (e *envVar) api() gen.EnvironmentVariable {
	return gen.EnvironmentVariable{Name: e.name, Value: mask(e.value), CreatedAt: ptr(e.created.Format(time.RFC3339))}
}

// ListEnvVars lists a project's environment variables with masked values, oldest first, 20 a page.
// CircleCI API: GET /project/{project-slug}/envvar (listEnvVars).
func (s *Server) ListEnvVars(ctx context.Context, req genserver.ListEnvVarsRequestObject) (genserver.ListEnvVarsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	items, next, err := pageAfter(p.envVars, req.Params.PageToken, s.listTag("project-envvars", p.id.String()), (*envVar).api)
	if err != nil {
		return nil, err
	}
	return genserver.ListEnvVars200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateEnvVar creates or replaces a project environment variable and returns it masked.
// CircleCI API: POST /project/{project-slug}/envvar (createEnvVar).
func (s *Server) CreateEnvVar(ctx context.Context, req genserver.CreateEnvVarRequestObject) (genserver.CreateEnvVarResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || !envNameRE.MatchString(req.Body.Name) {
		return nil, server.BadRequest("name must start with a letter or underscore and hold only letters, digits and underscores")
	}
	e := p.setEnvVar(req.Body.Name, req.Body.Value, s.now(), s.nextSeq)
	return genserver.CreateEnvVar201JSONResponse(e.api()), nil
}

// visibleEnvVar returns a project the caller may see and the index in its envVars of the variable
// with a name, or the error of [Server.visibleProject] or a 404 [*server.Error]; the caller holds
// s.mu.
func (s *Server) visibleEnvVar(ctx context.Context, slug, name string) (*project, int, error) {
	_, p, err := s.visibleProject(ctx, slug)
	if err != nil {
		return nil, -1, err
	}
	if i := slices.IndexFunc(p.envVars, func(e *envVar) bool { return e.name == name }); i >= 0 {
		return p, i, nil
	}
	return nil, -1, server.NotFound(msgEnvVarNotFound)
}

const msgEnvVarNotFound = "Environment variable not found."

// setEnvVar creates or replaces a variable; the caller holds s.mu.
func (p *project) setEnvVar(name, value string, now time.Time, seq func() listOrder) *envVar {
	for _, e := range p.envVars {
		if e.name == name {
			e.value = value
			return e
		}
	}
	e := &envVar{listOrder: seq(), name: name, value: value, created: now}
	p.envVars = append(p.envVars, e)
	return e
}

// GetEnvVar returns one project environment variable, masked.
// CircleCI API: GET /project/{project-slug}/envvar/{name} (getEnvVar).
func (s *Server) GetEnvVar(ctx context.Context, req genserver.GetEnvVarRequestObject) (genserver.GetEnvVarResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, i, err := s.visibleEnvVar(ctx, req.ProjectSlug, req.Name)
	if err != nil {
		return nil, err
	}
	return genserver.GetEnvVar200JSONResponse(p.envVars[i].api()), nil
}

// DeleteEnvVar deletes a project environment variable.
// CircleCI API: DELETE /project/{project-slug}/envvar/{name} (deleteEnvVar).
func (s *Server) DeleteEnvVar(ctx context.Context, req genserver.DeleteEnvVarRequestObject) (genserver.DeleteEnvVarResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, i, err := s.visibleEnvVar(ctx, req.ProjectSlug, req.Name)
	if err != nil {
		return nil, err
	}
	p.envVars = slices.Delete(p.envVars, i, i+1)
	return genserver.DeleteEnvVar200JSONResponse{Message: "Environment variable deleted."}, nil
}
