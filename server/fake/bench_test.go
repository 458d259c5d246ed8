package fake_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server/fake"
)

// benchConfig declares one workflow that runs only when asked, so stored pipelines carry no
// workflows and the benchmarks measure the pipeline store itself.
const benchConfig = `version: 2.1
parameters:
  run:
    type: boolean
    default: false
jobs:
  build:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
workflows:
  main:
    when: << pipeline.parameters.run >>
    jobs: [build]
`

func benchServer(b *testing.B) (*fake.Server, context.Context) {
	b.Helper()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "bench", Config: benchConfig})
	f, err := fake.New(fake.WithSeed(seed))
	if err != nil {
		b.Fatal(err)
	}
	return f, fake.WithToken(context.Background(), fake.DemoToken)
}

func trigger(b *testing.B, f *fake.Server, ctx context.Context, slug string) {
	res, err := f.TriggerPipeline(ctx, genserver.TriggerPipelineRequestObject{ProjectSlug: slug})
	if err != nil {
		b.Fatal(err)
	}
	if _, ok := res.(genserver.TriggerPipeline201JSONResponse); !ok {
		b.Fatalf("trigger answered %T", res)
	}
}

// BenchmarkTriggerPipeline triggers pipelines of the demo project (one workflow of four jobs each)
// and of a project whose config selects no workflow.
func BenchmarkTriggerPipeline(b *testing.B) {
	for _, slug := range []string{"gh/demo-org/demo-app", "gh/demo-org/bench"} {
		b.Run(slug[len("gh/demo-org/"):], func(b *testing.B) {
			f, ctx := benchServer(b)
			b.ReportAllocs()
			for b.Loop() {
				trigger(b, f, ctx, slug)
			}
		})
	}
}

// BenchmarkListPipelinesForProject reads the first page of a project's pipelines with 1,000 and
// with 1,000,000 stored, and reports the heap bytes each stored pipeline costs. The store is filled
// and the garbage of filling it collected before the timer starts, so the loop measures one page
// read plus the garbage-collection work that the stored pipelines cause.
func BenchmarkListPipelinesForProject(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			f, ctx := benchServer(b)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for range n {
				trigger(b, f, ctx, "gh/demo-org/bench")
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perPipeline := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
			req := genserver.ListPipelinesForProjectRequestObject{ProjectSlug: "gh/demo-org/bench"}
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				res, err := f.ListPipelinesForProject(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				if page := res.(genserver.ListPipelinesForProject200JSONResponse); len(page.Items) != 20 {
					b.Fatalf("page of %d", len(page.Items))
				}
			}
			b.ReportMetric(perPipeline, "heap-B/stored-pipeline")
			runtime.KeepAlive(f)
		})
	}
}
