package fake_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/google/go-cmp/cmp"
)

// refsConfig uses pipeline values in when/unless and in steps, and branch and tag filters.
const refsConfig = `version: 2.1
jobs:
  build:
    docker: [{image: cimg/base:current}]
    steps:
      - run: echo branch=<< pipeline.git.branch >> tag=<< pipeline.git.tag >> number=<< pipeline.number >> url=<< pipeline.project.git_url >> type=<< pipeline.project.type >>
  deploy:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
  publish:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
workflows:
  ci:
    jobs:
      - build:
          filters: {tags: {only: /.*/}}
      - deploy:
          requires: [build]
          filters:
            branches:
              only: [main, "/release\\/.*/"]
      - publish:
          requires: [build]
          filters:
            branches: {ignore: /.*/}
            tags: {only: "/^v[0-9.]+$/"}
  main-only:
    when: {equal: [main, << pipeline.git.branch >>]}
    jobs: [build]
  first-pipeline:
    when: {equal: [1, << pipeline.number >>]}
    jobs: [build]
  not-on-tags:
    unless: << pipeline.git.tag >>
    jobs: [build]
`

// TestPipeline_ValuesAndFilters triggers pipelines on branches and tags of a project whose config uses
// pipeline values and filters, and checks the workflows and jobs that run and the compiled config.
func TestPipeline_ValuesAndFilters(t *testing.T) {
	t.Parallel()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "refs", Config: refsConfig})
	e := newEnv(t, fake.WithSeed(seed))
	const refs = "/project/gh/demo-org/refs"
	tests := []struct {
		name     string
		body     map[string]any
		compiled string
		want     map[string][]string // workflow → its jobs
	}{
		{
			name:     "default branch, first pipeline",
			body:     nil,
			compiled: "branch=main tag= number=1 url=https://github.com/demo-org/refs type=github",
			want:     map[string][]string{"ci": {"build", "deploy"}, "main-only": {"build"}, "first-pipeline": {"build"}, "not-on-tags": {"build"}},
		},
		{
			name:     "release branch",
			body:     map[string]any{"branch": "release/1.0"},
			compiled: "branch=release/1.0 tag= number=2 ",
			want:     map[string][]string{"ci": {"build", "deploy"}, "not-on-tags": {"build"}},
		},
		{
			name:     "feature branch",
			body:     map[string]any{"branch": "feature"},
			compiled: "branch=feature tag= number=3 ",
			want:     map[string][]string{"ci": {"build"}, "not-on-tags": {"build"}},
		},
		{
			name:     "version tag",
			body:     map[string]any{"tag": "v1.2.0"},
			compiled: "branch= tag=v1.2.0 number=4 ",
			want:     map[string][]string{"ci": {"build", "publish"}},
		},
		{
			name:     "other tag",
			body:     map[string]any{"tag": "nightly"},
			compiled: "branch= tag=nightly number=5 ",
			want:     map[string][]string{"ci": {"build"}},
		},
	}
	for _, tt := range tests { // in order: the pipeline numbers count up
		t.Run(tt.name, func(t *testing.T) {
			var pc gen.PipelineCreation
			e.must(201, "POST", refs+"/pipeline", tt.body, &pc)
			var cfg gen.PipelineConfig
			e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/config", nil, &cfg)
			if !strings.Contains(cfg.Compiled, "- run: echo "+tt.compiled) {
				t.Errorf("compiled config lacks %q:\n%s", tt.compiled, cfg.Compiled)
			}
			var wl gen.WorkflowList
			e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
			got := map[string][]string{}
			for _, w := range wl.Items {
				var jl gen.JobList
				e.must(200, "GET", "/workflow/"+w.ID.String()+"/job", nil, &jl)
				for _, j := range jl.Items {
					got[w.Name] = append(got[w.Name], j.Name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("workflows and jobs (-want +got):\n%s", diff)
			}
			var values map[string]any
			e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/values", nil, &values)
			if values["pipeline.number"] != float64(pc.Number) || values["pipeline.git.branch"] != tt.body["branch"] && !(tt.body == nil && values["pipeline.git.branch"] == "main") {
				t.Errorf("values = %v", values)
			}
		})
	}
}

// TestTriggerPipeline_Legacy checks that the legacy trigger refuses circleci/<org-id>/<project-id>
// projects with a 400 that points to …/pipeline/run, which triggers them.
func TestTriggerPipeline_Legacy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	circle := strings.Split(fake.DemoCircleCIProjectSlug, "/")
	tests := []struct {
		name, path string
		want       int
		msg        string
	}{
		{"github project", "/project/gh/demo-org/demo-app/pipeline", 201, ""},
		{"github project, escaped slug", "/project/gh%2Fdemo-org%2Fdemo-app/pipeline", 201, ""},
		{"circleci project", "/project/" + fake.DemoCircleCIProjectSlug + "/pipeline", 400, "/project/{provider}/{organization}/{project}/pipeline/run"},
		{"circleci project, escaped slug", "/project/circleci%2F" + circle[1] + "%2F" + circle[2] + "/pipeline", 400, "circleci/<org-id>/<project-id>"},
		{"circleci project, pipeline/run", "/project/" + fake.DemoCircleCIProjectSlug + "/pipeline/run", 201, ""},
		{"unknown circleci project", "/project/circleci/" + circle[1] + "/00000000-0000-4000-8000-000000000000/pipeline", 404, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var msg gen.Error
			got := e.call(fake.DemoToken, "POST", tt.path, map[string]any{}, &msg)
			if got != tt.want || !strings.Contains(msg.Message, tt.msg) {
				t.Errorf("POST %s: %d %q, want %d mentioning %q", tt.path, got, msg.Message, tt.want, tt.msg)
			}
		})
	}
}

func TestTriggerPipeline_BadParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"undeclared", map[string]any{"nope": "x"}, `"nope"`},
		{"wrong type", map[string]any{"deploy": "yes"}, `"deploy"`},
		{"not in enum", map[string]any{"environment": "moon"}, `"environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var msg gen.Error
			if got := e.call(fake.DemoToken, "POST", demo+"/pipeline", map[string]any{"parameters": tt.params}, &msg); got != 400 {
				t.Fatalf("status %d, want 400", got)
			}
			if !strings.Contains(msg.Message, tt.want) {
				t.Errorf("message %q does not name %s", msg.Message, tt.want)
			}
		})
	}
}

// TestTrigger_GaplessUnderConcurrency triggers 10,000 pipelines from 64 goroutines.
func TestTrigger_GaplessUnderConcurrency(t *testing.T) {
	t.Parallel()
	f, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := fake.WithToken(context.Background(), fake.DemoToken)
	const n, workers = 10000, 64
	numbers := make(chan int64, n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				res, err := f.TriggerPipeline(ctx, genserver.TriggerPipelineRequestObject{ProjectSlug: "gh/demo-org/demo-app"})
				if err != nil {
					t.Error(err)
					return
				}
				c, ok := res.(genserver.TriggerPipeline201JSONResponse)
				if !ok {
					t.Errorf("trigger answered %T", res)
					return
				}
				numbers <- c.Number
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := make([]bool, n+1)
	for num := range numbers {
		if num < 1 || num > n || seen[num] {
			t.Fatalf("number %d out of range or repeated", num)
		}
		seen[num] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[i] {
			t.Fatalf("number %d missing", i)
		}
	}
}
