package fake

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// CompileConfigWithDefaults checks a configuration with the fake's config engine and compiles it:
// parameters given in options.pipeline_parameters are checked against the declarations and the
// declared defaults fill in the rest, and << pipeline.parameters.… >> and the pipeline values of
// options.pipeline_values are substituted (values it does not give stay as written). A problem of
// the configuration or of a parameter is a 200 with valid false and the problem, with its line
// and column when known, in errors. options.owner_id, when given, must be one of the caller's
// organizations.
// CircleCI API: POST /compile-config-with-defaults (compileConfigWithDefaults).
func (s *Server) CompileConfigWithDefaults(ctx context.Context, req genserver.CompileConfigWithDefaultsRequestObject) (genserver.CompileConfigWithDefaultsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body is required")
	}
	var opts gen.CompileConfigOptions
	if b.Options != nil {
		opts = *b.Options
	}
	if id := deref(opts.OwnerID); id != "" {
		if _, err := uuid.Parse(id); err != nil {
			return nil, server.BadRequest("options.owner_id must be the UUID of an organization, got " + quote(id))
		}
		if _, err := s.findOrg(u, id); err != nil {
			return nil, err
		}
	}
	params, err := runParameters(opts.PipelineParameters)
	if err != nil {
		msg := err.Error()
		if se := (*server.Error)(nil); errors.As(err, &se) {
			msg = se.Message
		}
		return nil, server.BadRequest("options.pipeline_" + msg)
	}
	out := genserver.CompileConfigWithDefaults200JSONResponse{SourceYaml: b.ConfigYaml}
	invalid := func(err error) (genserver.CompileConfigWithDefaultsResponseObject, error) {
		out.Errors = []gen.CompileConfigError{{Message: compileMessage(err)}}
		return out, nil
	}
	cfg, err := engine.ParseConfig(b.ConfigYaml)
	if err != nil {
		return invalid(err)
	}
	resolved, err := cfg.ResolveParameters(params)
	if err != nil {
		return invalid(err)
	}
	values := opts.PipelineValues
	out.Valid = true
	out.OutputYaml = cfg.Compile(resolved, func(name string) (any, bool) {
		v, ok := values[name]
		if f, isFloat := v.(float64); isFloat && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), true
		}
		return v, ok
	})
	return out, nil
}

// compileMessage is the text of a problem compile reports: a config error with its place.
func compileMessage(err error) string {
	var ce *engine.ConfigError
	if errors.As(err, &ce) && ce.Line > 0 && ce.Column > 0 {
		return fmt.Sprintf("config line %d, column %d: %s", ce.Line, ce.Column, ce.Msg)
	}
	var pe *engine.ParamError
	if errors.As(err, &pe) {
		return "Invalid pipeline parameters: " + pe.Error() + "."
	}
	return err.Error()
}
