package client

import (
	"fmt"
	"sort"

	"github.com/cikit/circleci-go/gen"
)

// PipelineParameters converts plain Go values into the parameter map [Client.TriggerPipeline] sends
// ([gen.TriggerPipelineRequest.Parameters]). Values must be strings, booleans or integers (int,
// int32, int64), the types a pipeline parameter can have; anything else is an error naming the key.
func PipelineParameters(values map[string]any) (map[string]gen.PipelineParameterValue, error) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad key reported is always the same
	out := make(map[string]gen.PipelineParameterValue, len(values))
	for _, k := range keys {
		var v gen.PipelineParameterValue
		var err error
		switch x := values[k].(type) {
		case string:
			err = v.FromPipelineParameterValue1(x)
		case bool:
			err = v.FromPipelineParameterValue2(x)
		case int:
			err = v.FromPipelineParameterValue0(x)
		case int32:
			err = v.FromPipelineParameterValue0(int(x))
		case int64:
			err = v.FromPipelineParameterValue0(int(x))
		default:
			return nil, fmt.Errorf("pipeline parameter %q: %T is not a string, boolean or integer", k, x)
		}
		if err != nil {
			return nil, fmt.Errorf("pipeline parameter %q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}
