package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// rollbackRun is what a rollback pipeline was started with; its config reads it as the
// pipeline.deploy.… values.
type rollbackRun struct {
	component *component
	env       *deployEnv
	envName   string
	namespace string
	current   string
	target    string
	reason    string
}

// rollbackTypePipeline is the rollback_type of a rollback that runs the rollback pipeline.
const rollbackTypePipeline = "PIPELINE"

// RollbackProject starts the project's rollback pipeline for a component in an environment, from
// the live version current_version to target_version, which must have been deployed there before:
// a run of the pipeline definition its deploy settings name, on the project's default branch. The
// pipeline runs with the request's parameters as its pipeline parameters and the request's
// names and versions as its pipeline.deploy.… values (component_name, environment_name, namespace,
// current_version, target_version, reason). It answers 202 with the pipeline's id; a missing field
// or a project without a rollback pipeline is a 400, a component, environment or version that is
// not there a 404 naming it, and a current_version that is not live or a rollback of the same
// component, environment and namespace that has not finished a 409.
// CircleCI API: POST /projects/{project_id}/rollback (rollbackProject).
func (s *Server) RollbackProject(ctx context.Context, req genserver.RollbackProjectRequestObject) (genserver.RollbackProjectResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, p, err := s.projectByIDParam(ctx, req.ProjectID)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("A body is required: component_name, environment_name, current_version and target_version.")
	}
	for _, f := range []struct{ name, value string }{
		{"component_name", b.ComponentName}, {"environment_name", b.EnvironmentName},
		{"current_version", b.CurrentVersion}, {"target_version", b.TargetVersion},
	} {
		if strings.TrimSpace(f.value) == "" {
			return nil, server.BadRequest(f.name + " must not be empty.")
		}
	}
	def := s.rollbackDefinition(p)
	if def == nil {
		return nil, server.BadRequest("The project has no rollback pipeline (its deploy settings name no rollback_pipeline_definition_id); " +
			"roll back by rerunning the workflow that deployed the version instead.")
	}
	s.recordDeploys()
	rb := &rollbackRun{envName: b.EnvironmentName, namespace: deref(b.Namespace), current: b.CurrentVersion, target: b.TargetVersion, reason: deref(b.Reason)}
	for _, c := range s.st.deploys.componentsOf[p.org] {
		if c.project == p && c.name == b.ComponentName {
			rb.component = c
		}
	}
	if rb.component == nil {
		return nil, server.NotFound(fmt.Sprintf("Component %q not found in project %s.", b.ComponentName, p.slug))
	}
	if rb.env = s.findEnv(p.org, b.EnvironmentName); rb.env == nil {
		return nil, server.NotFound(fmt.Sprintf("Environment %q not found.", b.EnvironmentName))
	}
	where := fmt.Sprintf("environment %q", rb.envName)
	if rb.namespace != "" {
		where += fmt.Sprintf(" (namespace %q)", rb.namespace)
	}
	at := placement{rb.env, rb.namespace}
	current, target := rb.component.byKey[versionKey{rb.current, at}], rb.component.byKey[versionKey{rb.target, at}]
	live := rb.component.live[at]
	switch {
	case current == nil:
		return nil, server.NotFound(fmt.Sprintf("current_version %q of component %q was never deployed to %s.", rb.current, b.ComponentName, where))
	case rb.current == rb.target:
		return nil, server.BadRequest(fmt.Sprintf("target_version %q is current_version: name an earlier version to roll back to.", rb.target))
	case target == nil:
		return nil, server.NotFound(fmt.Sprintf("target_version %q of component %q was never deployed to %s.", rb.target, b.ComponentName, where))
	case !current.live:
		return nil, server.Conflict(fmt.Sprintf("current_version %q is not live in %s: the live version is %q.", rb.current, where, live.name))
	}
	if s.rollbackRunning(rb) {
		return nil, server.Conflict(fmt.Sprintf("A rollback of component %q in %s is still running; wait for its pipeline to finish.", b.ComponentName, where))
	}
	pl, err := s.startRollback(ctx, u, p, def, rb, b.Parameters)
	if err != nil {
		return nil, err
	}
	return genserver.RollbackProject202JSONResponse{ID: ptr(pl.id), RollbackType: ptr(rollbackTypePipeline)}, nil
}

// rollbackRunning reports whether a rollback pipeline of the same component, environment and
// namespace as rb has a workflow that has not finished; the caller holds s.mu.
func (s *Server) rollbackRunning(rb *rollbackRun) bool {
	for pos, other := range s.st.deploys.rollbacks {
		if other.component != rb.component || other.env != rb.env || other.namespace != rb.namespace {
			continue
		}
		extra := s.st.pipelineExtras[pos]
		if extra == nil {
			continue
		}
		for _, w := range extra.workflows {
			s.advance(w)
			if !w.run.Done() {
				return true
			}
		}
	}
	return false
}

// startRollback runs the rollback pipeline definition d of p on the default branch, with rb as its
// pipeline.deploy.… values and params as its parameters, or returns the 400 of parameters its
// config refuses; the caller holds s.mu. The values are registered under the position the new
// pipeline takes, before its workflows are picked, so that its config's when/unless see them; a
// refused pipeline is never stored, and its registration is taken back.
func (s *Server) startRollback(ctx context.Context, u *user, p *project, d *pipelineDefinition, rb *rollbackRun, params map[string]any) (*pipeline, error) {
	var decoded map[string]any
	if len(params) > 0 {
		var err error
		if decoded, err = decodeParams(anyParams(params)); err != nil {
			return nil, server.BadRequest("parameters: " + err.Error())
		}
	}
	next := s.st.pipelines.n
	s.st.deploys.rollbacks[next] = rb
	pl, err := s.runDefinition(ctx, u, p, d, decoded, "", "")
	if err != nil {
		delete(s.st.deploys.rollbacks, next)
		return nil, err
	}
	return pl, nil
}

// rawParam is a parameter value of a request body decoded as any, for [decodeParams].
type rawParam struct{ v any }

func (r rawParam) MarshalJSON() ([]byte, error) { return json.Marshal(r.v) }

func anyParams(in map[string]any) map[string]rawParam {
	out := make(map[string]rawParam, len(in))
	for k, v := range in {
		out[k] = rawParam{v}
	}
	return out
}
