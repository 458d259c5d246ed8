package fake_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server/fake"
)

// twentyJobConfig is one workflow of 20 build jobs: build, 18 tests that require it, and deploy,
// which requires every test.
func twentyJobConfig() string {
	var b strings.Builder
	b.WriteString("version: 2.1\njobs:\n")
	job := func(name string) {
		fmt.Fprintf(&b, "  %s:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\n    x-fake: {duration: 30s}\n", name)
	}
	job("build")
	for i := range 18 {
		job(fmt.Sprintf("test-%d", i))
	}
	job("deploy")
	b.WriteString("workflows:\n  main:\n    jobs:\n      - build\n")
	var tests []string
	for i := range 18 {
		fmt.Fprintf(&b, "      - test-%d: {requires: [build]}\n", i)
		tests = append(tests, fmt.Sprintf("test-%d", i))
	}
	fmt.Fprintf(&b, "      - deploy: {requires: [%s]}\n", strings.Join(tests, ", "))
	return b.String()
}

func benchFake(b *testing.B, name, config string) (*fake.Server, context.Context) {
	b.Helper()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: name, Config: config})
	f, err := fake.New(fake.WithSeed(seed))
	if err != nil {
		b.Fatal(err)
	}
	return f, fake.WithToken(context.Background(), fake.DemoToken)
}

// BenchmarkTriggerJobs triggers pipelines of a 20-job workflow and reports the cost per job.
func BenchmarkTriggerJobs(b *testing.B) {
	f, ctx := benchFake(b, "twenty", twentyJobConfig())
	b.ReportAllocs()
	for b.Loop() {
		trigger(b, f, ctx, "gh/demo-org/twenty")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/20, "ns/job")
}

// BenchmarkHistory gives a 20-job project 90 days × 50 pipelines a day, with failures and flakes.
func BenchmarkHistory(b *testing.B) {
	cfg := twentyJobConfig()
	b.ReportAllocs()
	for b.Loop() {
		f, _ := benchFake(b, "twenty", cfg)
		if err := f.History("gh/demo-org/twenty", fake.History{Days: 90, RunsPerDay: 50, FailureRate: 0.1, FlakeRate: 0.05, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsightsQuery asks for the workflow metrics and the workflow summary of a project with
// 100,080 stored runs (1,112 a day for 90 days, all inside the default window).
func BenchmarkInsightsQuery(b *testing.B) {
	f, ctx := benchFake(b, "busy", "version: 2.1\njobs:\n  build:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\n    x-fake: {duration: 1m}\nworkflows:\n  main:\n    jobs: [build]\n")
	if err := f.History("gh/demo-org/busy", fake.History{Days: 90, RunsPerDay: 1112, FailureRate: 0.1, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.Run("workflows", func(b *testing.B) {
		req := genserver.GetProjectWorkflowMetricsRequestObject{ProjectSlug: "gh/demo-org/busy"}
		for b.Loop() {
			res, err := f.GetProjectWorkflowMetrics(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			if m := res.(genserver.GetProjectWorkflowMetrics200JSONResponse).Items[0].Metrics; m.TotalRuns < 100_000 {
				b.Fatalf("%d runs", m.TotalRuns)
			}
		}
	})
	b.Run("summary", func(b *testing.B) {
		req := genserver.GetWorkflowSummaryRequestObject{ProjectSlug: "gh/demo-org/busy", WorkflowName: "main"}
		for b.Loop() {
			if _, err := f.GetWorkflowSummary(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
