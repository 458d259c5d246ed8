package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// chainConfig is a workflow of n jobs, each requiring the one before, with
// an approval in the middle.
func chainConfig(n int) string {
	var b strings.Builder
	b.WriteString("parameters:\n  go: {type: string, default: \"1.26\"}\njobs:\n  j: {docker: [{image: \"cimg/go:<< pipeline.parameters.go >>\"}]}\nworkflows:\n  chain:\n    jobs:\n      - j: {name: j0}\n")
	for i := 1; i < n; i++ {
		if i == n/2 {
			fmt.Fprintf(&b, "      - hold: {type: approval, name: j%d, requires: [j%d]}\n", i, i-1)
			continue
		}
		fmt.Fprintf(&b, "      - j: {name: j%d, requires: [j%d]}\n", i, i-1)
	}
	return b.String()
}

func BenchmarkParseConfig(b *testing.B) {
	for _, n := range []int{4, 64} {
		src := chainConfig(n)
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseConfig(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTrigger is the engine's share of a pipeline trigger: check the
// parameters, compile, pick the workflows and start them.
func BenchmarkTrigger(b *testing.B) {
	c := mustParse(b, demoConfig)
	given := map[string]any{"run-deploy": true, "env": "prod", "shards": float64(4)}
	id := func() string { return "00000000-0000-0000-0000-000000000000" }
	b.ReportAllocs()
	for b.Loop() {
		params, err := c.ResolveParameters(given)
		if err != nil {
			b.Fatal(err)
		}
		_ = c.Compile(params, nil)
		for _, ws := range c.Workflows(params, nil) {
			NewWorkflow(ws, t0, nil, id)
		}
	}
}

// BenchmarkNewWorkflow reports the memory a stored run costs (B/op: the
// allocations of one NewWorkflow are what the run keeps).
func BenchmarkNewWorkflow(b *testing.B) {
	for _, n := range []int{4, 64} {
		ws := mustParse(b, chainConfig(n)).AllWorkflows[0]
		id := func() string { return "00000000-0000-0000-0000-000000000000" }
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NewWorkflow(ws, t0, nil, id)
			}
		})
	}
}

// BenchmarkAdvance runs a workflow to its end with one Advance per second of
// simulated time, approving when asked.
func BenchmarkAdvance(b *testing.B) {
	for _, n := range []int{4, 64} {
		ws := mustParse(b, chainConfig(n)).AllWorkflows[0]
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := NewWorkflow(ws, t0, nil, func() string { return "a" })
				for s := time.Duration(0); !w.Done(); s += time.Second {
					w.Advance(at(s))
					if w.Status() == StatusOnHold {
						if err := w.Approve("a", at(s)); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
		})
	}
}

func BenchmarkJobs(b *testing.B) {
	ws := mustParse(b, chainConfig(4)).AllWorkflows[0]
	w := NewWorkflow(ws, t0, nil, nil)
	w.Advance(at(time.Minute))
	b.ReportAllocs()
	for b.Loop() {
		_ = w.Jobs()
	}
}
