package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server"
)

// The limits CircleCI documents for the parameters of a pipeline run.
const (
	maxRunParameters     = 100
	maxRunParamKeyLength = 128
	maxRunParamValueLen  = 512
)

// runRequest reads the body of a pipeline/run request into what [Server.trigger] takes, or a 4xx
// [*server.Error] naming what is wrong; the caller holds s.mu. The rules, from CircleCI's
// documentation of the operation:
//   - definition_id names one of the project's definitions (else 404 naming it); without it the
//     project's first definition runs. A definition whose config source is circleci cannot be run
//     here (400), as the operation serves repository config sources only.
//   - config and checkout each take a branch or a tag, not both. The pipeline is on checkout's ref,
//     or config's when checkout is left out, or the default branch when both are. The fake's
//     repository has one content on every ref, so config's ref picks no other config.
//   - config.content is a configuration run instead of the definition's file; one that does not
//     parse gives an errored pipeline, as a broken config file does.
//   - parameters: at most 100, names of at most 128 characters, values of at most 512 (as JSON
//     text for a non-string), checked against the config that runs.
func (s *Server) runRequest(p *project, b *gen.TriggerPipelineRunRequest) (triggerInput, error) {
	var in triggerInput
	pd := s.st.defs(p)
	var d *pipelineDefinition
	if len(pd.list) > 0 {
		d = pd.list[0]
	}
	if b == nil {
		if d != nil {
			in.source = s.st.source(d)
		}
		return in, nil
	}
	if b.DefinitionID != nil {
		i := slices.IndexFunc(pd.list, func(x *pipelineDefinition) bool { return x.id == *b.DefinitionID })
		if i < 0 {
			return in, server.NotFound("Pipeline definition not found: the project has no pipeline definition " + b.DefinitionID.String() + ".")
		}
		d = pd.list[i]
	}
	if d != nil && d.configProvider == "circleci" {
		return in, server.BadRequest("definition_id: pipeline definitions whose config_source.provider is circleci cannot be run with this operation")
	}
	if c := b.Config; c != nil && c.Branch != nil && c.Tag != nil {
		return in, server.BadRequest("config: give a branch or a tag, not both")
	}
	if c := b.Checkout; c != nil && c.Branch != nil && c.Tag != nil {
		return in, server.BadRequest("checkout: give a branch or a tag, not both")
	}
	switch {
	case b.Checkout != nil && (b.Checkout.Branch != nil || b.Checkout.Tag != nil):
		in.branch, in.tag = b.Checkout.Branch, b.Checkout.Tag
	case b.Config != nil:
		in.branch, in.tag = b.Config.Branch, b.Config.Tag
	}
	params, err := runParameters(b.Parameters)
	if err != nil {
		return in, err
	}
	in.params = params
	switch {
	case b.Config != nil && b.Config.Content != nil:
		f, err := parseConfigFile(*b.Config.Content)
		if err != nil {
			in.source = &configSource{missing: "config.content: " + err.Error()}
		} else {
			in.source = &configSource{config: f.config, setup: f.setup}
		}
	case d != nil:
		in.source = s.st.source(d)
	}
	return in, nil
}

// runParameters checks the documented limits of pipeline/run parameters and decodes the values as
// the engine takes them (numbers as json.Number).
func runParameters(given map[string]any) (map[string]any, error) {
	if len(given) == 0 {
		return nil, nil
	}
	if len(given) > maxRunParameters {
		return nil, server.BadRequest(fmt.Sprintf("parameters: at most %d are allowed, got %d", maxRunParameters, len(given)))
	}
	for _, k := range sortedKeys(given) {
		if len(k) > maxRunParamKeyLength {
			return nil, server.BadRequest(fmt.Sprintf("parameters: the name %q is longer than %d characters", k, maxRunParamKeyLength))
		}
		n := 0
		if str, ok := given[k].(string); ok {
			n = len(str)
		} else if raw, err := json.Marshal(given[k]); err == nil {
			n = len(raw)
		}
		if n > maxRunParamValueLen {
			return nil, server.BadRequest(fmt.Sprintf("parameters: the value of %q is longer than %d characters", k, maxRunParamValueLen))
		}
	}
	raw, err := json.Marshal(given)
	var out map[string]any
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		err = dec.Decode(&out)
	}
	if err != nil {
		return nil, server.BadRequest("parameters: " + err.Error())
	}
	return out, nil
}
