package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ResolveParameters checks the given pipeline parameters against the
// config's declarations and returns every declared parameter's value
// (string, bool or int64), defaults filled in. Values are typed as JSON
// decoding leaves them: integers may be int, int64, integral float64 or
// json.Number. The first problem, in config order (undeclared names in name
// order), is returned as a *ParamError.
func (c *Config) ResolveParameters(given map[string]any) (map[string]any, error) {
	var undeclared []string
	for name := range given {
		if _, ok := c.Parameters[name]; !ok {
			undeclared = append(undeclared, name)
		}
	}
	if len(undeclared) > 0 {
		slices.Sort(undeclared)
		return nil, &ParamError{Kind: ParamUndeclared, Name: undeclared[0]}
	}
	out := make(map[string]any, len(c.Parameters))
	for _, name := range c.ParameterNames {
		p := c.Parameters[name]
		v, ok := given[name]
		if !ok {
			if !p.HasDefault {
				return nil, &ParamError{Kind: ParamMissing, Name: name, Expected: expected(p)}
			}
			out[name] = p.Default
			continue
		}
		got, ok := convert(p, v)
		if !ok {
			return nil, &ParamError{Kind: ParamWrongType, Name: name, Expected: expected(p), Got: describe(v)}
		}
		out[name] = got
	}
	return out, nil
}

func expected(p ParamSpec) string {
	if p.Type == ParamEnum {
		return "one of [" + strings.Join(p.Enum, ", ") + "]"
	}
	if p.Type == ParamInteger {
		return "an integer"
	}
	if p.Type == ParamBoolean {
		return "a boolean"
	}
	return "a string"
}

// describe renders a given value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "string " + strconv.Quote(v)
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case json.Number:
		return "number " + v.String()
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprintf("number %v", v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// convert returns v as the parameter's Go type, or false if it does not fit.
func convert(p ParamSpec, v any) (any, bool) {
	switch p.Type {
	case ParamString:
		s, ok := v.(string)
		return s, ok
	case ParamEnum:
		s, ok := v.(string)
		return s, ok && slices.Contains(p.Enum, s)
	case ParamBoolean:
		b, ok := v.(bool)
		return b, ok
	case ParamInteger:
		return toInt(v)
	}
	return nil, false
}

func toInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint:
		return int64(v), uint64(v) <= math.MaxInt64
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint64:
		return int64(v), v <= math.MaxInt64
	case float32:
		return integral(float64(v))
	case float64:
		return integral(v)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, true
		}
		if f, err := v.Float64(); err == nil {
			return integral(f)
		}
	}
	return 0, false
}

// Compile returns the config source with every << pipeline.parameters.x >>
// replaced by the parameter's value (as resolved by ResolveParameters) and
// every other << pipeline.… >> by the pipeline value values gives for it.
// References to parameters missing from params, and to values that values
// does not know, stay as they are.
func (c *Config) Compile(params map[string]any, values Values) string {
	if len(c.refs) == 0 {
		return c.Source
	}
	var b strings.Builder
	b.Grow(len(c.Source))
	last := 0
	for _, r := range c.refs {
		var v any
		var ok bool
		if r.param {
			v, ok = params[r.name]
		} else {
			v, ok = values.get(r.name)
		}
		if !ok {
			continue
		}
		b.WriteString(c.Source[last:r.start])
		b.WriteString(text(v))
		last = r.end
	}
	b.WriteString(c.Source[last:])
	return b.String()
}

// Workflows returns the workflows, in config order, that run in a pipeline
// with the resolved parameters and the pipeline values: those whose when is
// true (or absent) and whose unless is false (or absent), without the jobs
// their branch and tag filters rule out on the pipeline's
// pipeline.git.branch or pipeline.git.tag, nor the jobs that require only
// such jobs, directly or not (a job that requires several keeps the
// requirements that remain). A workflow left with no job does not run. The
// specs share their jobs with the Config.
func (c *Config) Workflows(params map[string]any, values Values) []WorkflowSpec {
	out := make([]WorkflowSpec, 0, len(c.AllWorkflows))
	for i, w := range c.AllWorkflows {
		if !w.Runs(params, values) {
			continue
		}
		if f, ok := c.filter(i, params, values); ok {
			out = append(out, f)
		}
	}
	return out
}

// Runs reports whether the workflow's when/unless select it with the
// resolved parameters and the pipeline values.
func (w *WorkflowSpec) Runs(params map[string]any, values Values) bool {
	if w.when != nil && !truthy(w.when.eval(params, values)) {
		return false
	}
	if w.unless != nil && truthy(w.unless.eval(params, values)) {
		return false
	}
	return true
}
