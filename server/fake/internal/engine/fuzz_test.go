package engine

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseConfig checks that ParseConfig never panics, that it fails only
// with a *ConfigError, and that whatever it accepts can be compiled, selected
// and run to the end.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		demoConfig,
		dagConfig,
		"",
		"jobs: {build: {}}",
		"a: &x [*x]",
		"a: &x {b: 1}\nc: {<<: [*x, *x]}",
		"parameters: {p: {type: enum, enum: [a], default: a}}\njobs: {a: {}}\nworkflows: {w: {when: {or: [{not: << pipeline.parameters.p >>}]}, jobs: [a]}}",
		"workflows: {w: {jobs: [{x/y: {requires: [{x/y: terminal}]}}]}}",
		"- - - [",
		"jobs:\n  a:\n    <<: *undefined\n",
		"\t\"\\",
		"%YAML 1.2\n---\na: !!str 1\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseConfig(src)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is %T, want *ConfigError", err, err)
			}
			return
		}
		params, err := c.ResolveParameters(nil)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Kind != ParamMissing {
				t.Fatalf("ResolveParameters(nil) = %v, want nil or a missing parameter", err)
			}
			return
		}
		_ = c.Compile(params, nil)
		for _, ws := range c.Workflows(params, nil) {
			w := NewWorkflow(ws, t0, nil, nil)
			for _, j := range w.Jobs() {
				if j.ApprovalRequestID != "" {
					_ = w.Approve(j.ApprovalRequestID, at(time.Hour))
				}
			}
			w.Advance(at(1000 * time.Hour))
			for _, j := range w.Jobs() {
				if j.ApprovalRequestID != "" {
					_ = w.Approve(j.ApprovalRequestID, at(1000*time.Hour))
				}
			}
			w.Advance(at(2000 * time.Hour))
			if _, ok := w.StoppedAt(); !ok && w.Status() != StatusOnHold {
				t.Fatalf("workflow %q still %s after all approvals and 2000h", ws.Name, w.Status())
			}
		}
	})
}
