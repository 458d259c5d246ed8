package fake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/faketest"
)

// Demo project IDs (see fake.DemoSeed).
const (
	demoCircleProject = "0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b"
	otherOrgProject   = "secret-app"
)

// defsPath is the pipeline-definitions route of a project.
func defsPath(projectID string) string { return "/projects/" + projectID + "/pipeline-definitions" }

// firstDefinition returns the first pipeline definition of a project.
func firstDefinition(e *env, projectID string) gen.PipelineDefinition {
	e.t.Helper()
	var l gen.PipelineDefinitionList
	e.must(200, "GET", defsPath(projectID), nil, &l)
	if len(l.Items) == 0 {
		e.t.Fatalf("project %s has no pipeline definition", projectID)
	}
	return l.Items[0]
}

// newDefinitionBody is a create body for a GitHub App definition of the project's own repository.
func newDefinitionBody(name, externalID, path string) map[string]any {
	repo := map[string]any{"external_id": externalID}
	return map[string]any{
		"name":            name,
		"config_source":   map[string]any{"provider": "github_app", "repo": repo, "file_path": path},
		"checkout_source": map[string]any{"provider": "github_app", "repo": repo},
	}
}

// definitionsAndTriggers drives every Pipeline Definition and Trigger operation and the config
// compile once, for TestConformance.
func definitionsAndTriggers(e *env) {
	e.t.Helper()
	d := firstDefinition(e, demoProjectID)
	ext := *d.ConfigSource.Repo.ExternalID
	var created gen.PipelineDefinition
	e.must(200, "POST", defsPath(demoProjectID), newDefinitionBody("second", ext, ".circleci/config.yml"), &created)
	dp := defsPath(demoProjectID) + "/" + created.ID.String()
	e.must(200, "GET", dp, nil, nil)
	e.must(200, "PATCH", dp, map[string]any{"description": "changed"}, nil)
	var tr gen.Trigger
	e.must(200, "POST", dp+"/triggers", map[string]any{
		"event_source": map[string]any{"provider": "webhook", "webhook": map[string]any{"sender": "deployer"}},
		"event_name":   "deploy", "checkout_ref": "main", "config_ref": "main",
	}, &tr)
	e.must(200, "GET", dp+"/triggers", nil, nil)
	tp := "/projects/" + demoProjectID + "/triggers/" + tr.ID.String()
	e.must(200, "GET", tp, nil, nil)
	e.must(200, "PATCH", tp, map[string]any{"disabled": true}, nil)
	e.must(200, "DELETE", tp, nil, nil)
	e.must(200, "DELETE", dp, nil, nil)
	e.must(200, "POST", "/compile-config-with-defaults", map[string]any{"config_yaml": fake.DemoConfig}, nil)
}

// TestPipelineDefinition_DefaultAndRun lists the default definition every project is given, creates
// one, runs it with pipeline/run and definition_id through the typed client, and lets its workflow
// advance on the simulated clock.
func TestPipelineDefinition_DefaultAndRun(t *testing.T) {
	t.Parallel()
	ts := faketest.NewServer(t)
	c, ctx := ts.Client, context.Background()

	for _, tt := range []struct {
		projectID, provider, fullName string
		createdAt                     bool
	}{
		{demoProjectID, "github_oauth", "demo-org/demo-app", false},
		{demoCircleProject, "github_app", "demo-standalone/demo-standalone-app", true},
	} {
		l, err := c.ListPipelineDefinitions(ctx, tt.projectID)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != 1 {
			t.Fatalf("project %s: %d definitions, want the default one", tt.projectID, len(l.Items))
		}
		d := l.Items[0]
		if *d.ConfigSource.Provider != tt.provider || *d.CheckoutSource.Provider != tt.provider || *d.ConfigSource.FilePath != ".circleci/config.yml" ||
			*d.ConfigSource.Repo.FullName != tt.fullName || (d.CreatedAt != nil) != tt.createdAt {
			t.Errorf("default definition of %s = %+v (config %+v)", tt.projectID, d, *d.ConfigSource)
		}
	}

	def := firstDefinitionOf(t, c, demoCircleProject)
	repo := gen.RepoExternalID{ExternalID: *def.ConfigSource.Repo.ExternalID}
	var src gen.ConfigSourceInput
	if err := src.FromConfigSourceRepo(gen.ConfigSourceRepo{Provider: "github_app", Repo: repo, FilePath: ".circleci/config.yml"}); err != nil {
		t.Fatal(err)
	}
	created, err := c.CreatePipelineDefinition(ctx, demoCircleProject, gen.CreatePipelineDefinitionRequest{
		Name: "release", Description: ptr("the release pipeline"), ConfigSource: src,
		CheckoutSource: gen.CheckoutSourceInput{Provider: "github_app", Repo: repo},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.CreatedAt == nil || !created.CreatedAt.Equal(ts.Fake.Now()) || *created.Name != "release" {
		t.Errorf("created = %+v", created)
	}
	got, err := c.GetPipelineDefinition(ctx, demoCircleProject, created.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(created, got); diff != "" {
		t.Errorf("GET differs from the create answer:\n%s", diff)
	}

	slug, err := client.ParseProjectSlug(fake.DemoCircleCIProjectSlug)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.TriggerPipelineRun(ctx, slug, gen.TriggerPipelineRunRequest{
		DefinitionID: created.ID,
		Config:       &gen.PipelineRunConfigSource{Branch: ptr("release/1")},
		Checkout:     &gen.PipelineRunSource{Branch: ptr("release/1")},
		Parameters:   map[string]any{"environment": "production"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if run.StatusCode != 201 || *run.JSON201.State != gen.PipelineRunCreationStateCreated || *run.JSON201.Number != 1 {
		t.Fatalf("run = %+v", run.JSON201)
	}
	pl, err := c.GetPipelineByID(ctx, *run.JSON201.ID)
	if err != nil {
		t.Fatal(err)
	}
	if deref(pl.VCS.Branch) != "release/1" {
		t.Errorf("pipeline branch = %v, want release/1", deref(pl.VCS.Branch))
	}
	wl, err := c.ListWorkflowsByPipelineID(ctx, *run.JSON201.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]gen.WorkflowStatus{}
	for _, w := range wl.Items {
		names[w.Name] = w.Status
	}
	if diff := cmp.Diff(map[string]gen.WorkflowStatus{"build-test-deploy": "running", "nightly": "running"}, names); diff != "" {
		t.Errorf("workflows of the run (environment=production):\n%s", diff)
	}
	if err := ts.Fake.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, w := range wl.Items {
		now, err := c.GetWorkflowByID(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := gen.WorkflowStatus("on_hold") // build-test-deploy waits at its approval job
		if w.Name == "nightly" {
			want = "success"
		}
		if now.Status != want {
			t.Errorf("workflow %s after an hour: %s, want %s", w.Name, now.Status, want)
		}
	}

	if _, err := c.DeletePipelineDefinition(ctx, demoCircleProject, created.ID.String()); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPipelineDefinition(ctx, demoCircleProject, created.ID.String())
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Message != "Failed to get pipeline definition." {
		t.Errorf("GET of a deleted definition: %v, want the live API's 400", err)
	}
	_, err = c.TriggerPipelineRun(ctx, slug, gen.TriggerPipelineRunRequest{DefinitionID: created.ID})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !strings.Contains(apiErr.Message, created.ID.String()) {
		t.Errorf("run of a deleted definition: %v, want a 404 naming it", err)
	}
}

func firstDefinitionOf(t *testing.T, c *client.Client, projectID string) gen.PipelineDefinition {
	t.Helper()
	l, err := c.ListPipelineDefinitions(context.Background(), projectID)
	if err != nil {
		t.Fatal(err)
	}
	return l.Items[0]
}

func ptr[T any](v T) *T { return &v }

// TestPipelineDefinition_SeededFile runs a definition that the seed gives with a config file of
// its own, and one whose file the repository does not have, which gives an errored pipeline.
func TestPipelineDefinition_SeededFile(t *testing.T) {
	t.Parallel()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects[0].Definitions = []fake.SeedDefinition{
		{Name: "main"},
		{ID: "11111111-2222-4333-8444-555555555555", Name: "docs", FilePath: ".circleci/docs.yml", Config: "version: 2.1\njobs:\n  docs:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\nworkflows:\n  docs:\n    jobs: [docs]\n"},
		{ID: "11111111-2222-4333-8444-666666666666", Name: "gone", FilePath: ".circleci/missing.yml"},
	}
	e := newEnv(t, fake.WithSeed(seed))
	var l gen.PipelineDefinitionList
	e.must(200, "GET", defsPath(demoProjectID), nil, &l)
	if len(l.Items) != 3 || *l.Items[1].ConfigSource.FilePath != ".circleci/docs.yml" {
		t.Fatalf("definitions = %+v", l.Items)
	}
	run := func(defID string) gen.Pipeline {
		var pc gen.PipelineRunCreation
		e.must(201, "POST", demo+"/pipeline/run", map[string]any{"definition_id": defID}, &pc)
		var pl gen.Pipeline
		e.must(200, "GET", "/pipeline/"+pc.ID.String(), nil, &pl)
		return pl
	}
	pl := run("11111111-2222-4333-8444-555555555555")
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pl.ID.String()+"/workflow", nil, &wl)
	if len(wl.Items) != 1 || wl.Items[0].Name != "docs" {
		t.Errorf("workflows of the docs definition: %+v", wl.Items)
	}
	pl = run("11111111-2222-4333-8444-666666666666")
	if pl.State != gen.PipelineStateErrored || len(pl.Errors) != 1 || !strings.Contains(pl.Errors[0].Message, ".circleci/missing.yml") {
		t.Errorf("pipeline of a definition without its file: %s %+v", pl.State, pl.Errors)
	}
}

// TestPipelineDefinition_BadInput sends requests the fake must refuse with a 4xx naming what is
// wrong, and checks that none of them changed the definitions.
func TestPipelineDefinition_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := firstDefinition(e, demoProjectID)
	ext := *d.ConfigSource.Repo.ExternalID
	dp := defsPath(demoProjectID) + "/" + d.ID.String()
	var before gen.PipelineDefinitionList
	e.must(200, "GET", defsPath(demoProjectID), nil, &before)
	circleci := func(path string) map[string]any {
		b := newDefinitionBody("c", ext, path)
		b["config_source"] = map[string]any{"provider": "circleci", "file_path": path}
		return b
	}
	unknown := "00000000-0000-4000-8000-00000000ffff"
	tests := []struct {
		name, tok, method, path string
		body                    any
		status                  int
		msg                     string
	}{
		{"no token", "", "GET", defsPath(demoProjectID), nil, 401, "You must log in first."},
		{"project id not a UUID", fake.DemoToken, "GET", defsPath("nope"), nil, 400, "ProjectID required."},
		{"unknown project", fake.DemoToken, "GET", defsPath(unknown), nil, 404, "Project not found."},
		{"another org's project", "other-token", "GET", defsPath(demoProjectID), nil, 404, "Project not found."},
		{"get: unknown project", fake.DemoToken, "GET", defsPath(unknown) + "/" + d.ID.String(), nil, 404, "Pipeline definition not found."},
		{"get: unknown definition", fake.DemoToken, "GET", defsPath(demoProjectID) + "/" + unknown, nil, 400, "Failed to get pipeline definition."},
		{"get: another project's definition", fake.DemoToken, "GET", defsPath(demoCircleProject) + "/" + d.ID.String(), nil, 400, "Failed to get pipeline definition."},
		{"get: id not a UUID", fake.DemoToken, "GET", defsPath(demoProjectID) + "/x", nil, 400, "Invalid pipeline definition id."},
		{"create: no name", fake.DemoToken, "POST", defsPath(demoProjectID), map[string]any{"config_source": map[string]any{"provider": "circleci", "file_path": "circleci-agents/x.yml"}, "checkout_source": map[string]any{"provider": "github_app", "repo": map[string]any{"external_id": ext}}}, 400, "name"},
		{"create: blank name", fake.DemoToken, "POST", defsPath(demoProjectID), newDefinitionBody(" ", ext, "a.yml"), 400, "name must not be empty"},
		{"create: external id not a number", fake.DemoToken, "POST", defsPath(demoProjectID), newDefinitionBody("n", "org/repo", "a.yml"), 400, "config_source.repo.external_id must be the repository's numeric ID"},
		{"create: unknown repository", fake.DemoToken, "POST", defsPath(demoProjectID), newDefinitionBody("n", "12345", "a.yml"), 400, "config_source.repo.external_id: the organization has no repository with ID 12345"},
		{"create: no file path", fake.DemoToken, "POST", defsPath(demoProjectID), newDefinitionBody("n", ext, ""), 400, "config_source.file_path is required"},
		{"create: circleci path outside circleci-agents/", fake.DemoToken, "POST", defsPath(demoProjectID), circleci(".circleci/config.yml"), 400, "Invalid config file path."},
		{"create: unknown checkout provider", fake.DemoToken, "POST", defsPath(demoProjectID), map[string]any{"name": "n", "config_source": map[string]any{"provider": "circleci", "file_path": "circleci-agents/x.yml"}, "checkout_source": map[string]any{"provider": "circleci", "repo": map[string]any{"external_id": ext}}}, 400, "checkout_source"},
		{"create: unknown field", fake.DemoToken, "POST", defsPath(demoProjectID), map[string]any{"name": "n", "colour": "red", "config_source": map[string]any{"provider": "circleci", "file_path": "circleci-agents/x.yml"}, "checkout_source": map[string]any{"provider": "github_app", "repo": map[string]any{"external_id": ext}}}, 400, "colour"},
		{"update: gone", fake.DemoToken, "PATCH", defsPath(demoProjectID) + "/" + unknown, map[string]any{"name": "x"}, 400, "Failed to update pipeline definition."},
		{"update: blank name", fake.DemoToken, "PATCH", dp, map[string]any{"name": ""}, 400, "name must not be empty"},
		{"update: blank file path", fake.DemoToken, "PATCH", dp, map[string]any{"name": "ok", "config_source": map[string]any{"file_path": ""}}, 400, "config_source.file_path is required"},
		{"update: checkout provider", fake.DemoToken, "PATCH", dp, map[string]any{"checkout_source": map[string]any{"provider": "gitlab"}}, 400, "checkout_source.provider must be github_app or github_server"},
		{"update: checkout repo", fake.DemoToken, "PATCH", dp, map[string]any{"checkout_source": map[string]any{"repo": map[string]any{"external_id": "1"}}}, 400, "checkout_source.repo.external_id: the organization has no repository with ID 1"},
		{"delete: id not a UUID", fake.DemoToken, "DELETE", defsPath(demoProjectID) + "/x", nil, 400, "Invalid pipeline definition id."},
		{"run: unknown definition", fake.DemoToken, "POST", demo + "/pipeline/run", map[string]any{"definition_id": unknown}, 404, "Pipeline definition not found: the project has no pipeline definition " + unknown},
		{"run: another project's definition", fake.DemoToken, "POST", "/project/circleci/7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b/" + demoCircleProject + "/pipeline/run", map[string]any{"definition_id": d.ID.String()}, 404, d.ID.String()},
		{"run: config branch and tag", fake.DemoToken, "POST", demo + "/pipeline/run", map[string]any{"config": map[string]any{"branch": "a", "tag": "b"}}, 400, "config: give a branch or a tag, not both"},
		{"run: checkout branch and tag", fake.DemoToken, "POST", demo + "/pipeline/run", map[string]any{"checkout": map[string]any{"branch": "a", "tag": "b"}}, 400, "checkout: give a branch or a tag, not both"},
		{"run: undeclared parameter", fake.DemoToken, "POST", demo + "/pipeline/run", map[string]any{"parameters": map[string]any{"nope": 1}}, 400, `parameter "nope" is not declared`},
		{"run: parameter value too long", fake.DemoToken, "POST", demo + "/pipeline/run", map[string]any{"parameters": map[string]any{"myparam": strings.Repeat("x", 513)}}, 400, `the value of "myparam" is longer than 512`},
		{"run: parameter name too long", fake.DemoToken, "POST", demo + "/pipeline/run", map[string]any{"parameters": map[string]any{strings.Repeat("p", 129): 1}}, 400, "longer than 128 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body map[string]any
			got := e.call(tt.tok, tt.method, tt.path, tt.body, &body)
			msg, _ := body["message"].(string)
			if got != tt.status || !strings.Contains(msg, tt.msg) {
				t.Errorf("%s %s: %d %q, want %d with %q", tt.method, tt.path, got, msg, tt.status, tt.msg)
			}
		})
	}
	var after gen.PipelineDefinitionList
	e.must(200, "GET", defsPath(demoProjectID), nil, &after)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("refused requests changed the definitions:\n%s", diff)
	}
	var pipelines gen.PipelineList
	e.must(200, "GET", demo+"/pipeline", nil, &pipelines)
	if len(pipelines.Items) != 0 {
		t.Errorf("refused runs made %d pipelines", len(pipelines.Items))
	}
	// DELETE is idempotent on the live API: a definition that is not there answers 200 too.
	var m gen.MessageResponse
	e.must(200, "DELETE", defsPath(demoProjectID)+"/"+unknown, nil, &m)
	if m.Message != "Pipeline definition deleted." {
		t.Errorf("delete of an unknown definition: %q", m.Message)
	}
}

// TestTriggerPipelineRun_Refs checks which ref a run is on: checkout's, else config's, else the
// default branch; and that config.content runs that configuration.
func TestTriggerPipelineRun_Refs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	run := func(body map[string]any) gen.Pipeline {
		t.Helper()
		var pc gen.PipelineRunCreation
		var b any // no body at all for a nil map
		if body != nil {
			b = body
		}
		e.must(201, "POST", demo+"/pipeline/run", b, &pc)
		var pl gen.Pipeline
		e.must(200, "GET", "/pipeline/"+pc.ID.String(), nil, &pl)
		return pl
	}
	for _, tt := range []struct {
		name        string
		body        map[string]any
		branch, tag string
	}{
		{"nothing", nil, "main", ""},
		{"config branch", map[string]any{"config": map[string]any{"branch": "dev"}}, "dev", ""},
		{"checkout tag wins", map[string]any{"config": map[string]any{"branch": "dev"}, "checkout": map[string]any{"tag": "v1"}}, "", "v1"},
		{"checkout branch", map[string]any{"checkout": map[string]any{"branch": "feature"}}, "feature", ""},
	} {
		pl := run(tt.body)
		if deref(pl.VCS.Branch) != tt.branch || deref(pl.VCS.Tag) != tt.tag {
			t.Errorf("%s: branch %q tag %q, want %q %q", tt.name, deref(pl.VCS.Branch), deref(pl.VCS.Tag), tt.branch, tt.tag)
		}
	}
	inline := "version: 2.1\njobs:\n  lint:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\nworkflows:\n  inline:\n    jobs: [lint]\n"
	pl := run(map[string]any{"config": map[string]any{"branch": "main", "content": inline}})
	var cfg gen.PipelineConfig
	e.must(200, "GET", "/pipeline/"+pl.ID.String()+"/config", nil, &cfg)
	if cfg.Source != inline {
		t.Errorf("config of a run with config.content: %q", cfg.Source)
	}
	pl = run(map[string]any{"config": map[string]any{"content": "jobs: [oops"}})
	if pl.State != gen.PipelineStateErrored || len(pl.Errors) == 0 || !strings.HasPrefix(pl.Errors[0].Message, "config.content: ") {
		t.Errorf("run with a broken config.content: %s %+v", pl.State, pl.Errors)
	}
}

// TestCompileConfigWithDefaults compiles configs with the engine: parameters and pipeline values
// substituted, defaults filled in, and problems reported with their line as valid false.
func TestCompileConfigWithDefaults(t *testing.T) {
	t.Parallel()
	ts := faketest.NewServer(t)
	ctx := context.Background()
	src := "version: 2.1\nparameters:\n  target:\n    type: string\n    default: prod\n  n:\n    type: integer\n    default: 1\njobs:\n  j:\n    docker: [{image: cimg/base:current}]\n    steps:\n      - run: deploy << pipeline.parameters.target >> x<< pipeline.parameters.n >> on << pipeline.git.branch >> << pipeline.id >>\nworkflows:\n  w:\n    jobs: [j]\n"
	tests := []struct {
		name    string
		req     gen.CompileConfigRequest
		valid   bool
		output  string // a substring of output-yaml
		problem string // a substring of the one error
	}{
		{"defaults", gen.CompileConfigRequest{ConfigYaml: src}, true, "run: deploy prod x1 on << pipeline.git.branch >> << pipeline.id >>", ""},
		{"parameters and values", gen.CompileConfigRequest{ConfigYaml: src, Options: &gen.CompileConfigOptions{
			PipelineParameters: map[string]any{"target": "staging", "n": 3},
			PipelineValues:     map[string]any{"pipeline.git.branch": "main"},
		}}, true, "run: deploy staging x3 on main << pipeline.id >>", ""},
		{"wrong parameter type", gen.CompileConfigRequest{ConfigYaml: src, Options: &gen.CompileConfigOptions{PipelineParameters: map[string]any{"n": "three"}}}, false, "", `parameter "n" must be an integer`},
		{"undeclared parameter", gen.CompileConfigRequest{ConfigYaml: src, Options: &gen.CompileConfigOptions{PipelineParameters: map[string]any{"x": true}}}, false, "", `parameter "x" is not declared`},
		{"unknown required job", gen.CompileConfigRequest{ConfigYaml: strings.Replace(src, "jobs: [j]", "jobs:\n      - j:\n          requires: [nope]", 1)}, false, "", "line 1"},
		{"not YAML", gen.CompileConfigRequest{ConfigYaml: "jobs: [oops"}, false, "", "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := ts.Client.CompileConfigWithDefaults(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid != tt.valid || res.SourceYaml != tt.req.ConfigYaml || !strings.Contains(res.OutputYaml, tt.output) {
				t.Errorf("valid %v output %q, want %v with %q", res.Valid, res.OutputYaml, tt.valid, tt.output)
			}
			switch {
			case tt.valid && res.Errors != nil:
				t.Errorf("errors of a valid config: %+v", res.Errors)
			case !tt.valid && (len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, tt.problem)):
				t.Errorf("errors %+v, want one with %q", res.Errors, tt.problem)
			}
		})
	}
	e := newEnv(t)
	for _, tt := range []struct {
		name   string
		tok    string
		body   any
		status int
		msg    string
	}{
		{"no token", "", map[string]any{"config_yaml": src}, http.StatusUnauthorized, "You must log in first."},
		{"no config_yaml", fake.DemoToken, map[string]any{}, http.StatusBadRequest, "config_yaml"},
		{"owner not a UUID", fake.DemoToken, map[string]any{"config_yaml": src, "options": map[string]any{"owner_id": "gh/demo-org"}}, http.StatusBadRequest, "options.owner_id must be the UUID"},
		{"another user's org", "other-token", map[string]any{"config_yaml": src, "options": map[string]any{"owner_id": "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a"}}, http.StatusNotFound, "Organization not found."},
	} {
		var body map[string]any
		got := e.call(tt.tok, "POST", "/compile-config-with-defaults", tt.body, &body)
		if msg, _ := body["message"].(string); got != tt.status || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %d %q, want %d with %q", tt.name, got, msg, tt.status, tt.msg)
		}
	}
}

// TestPipelineDefinition_Reset checks that Reset puts back the seed's definitions with their IDs
// and drops those the API made.
func TestPipelineDefinition_Reset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seeded := firstDefinition(e, demoProjectID)
	e.must(200, "POST", defsPath(demoProjectID), newDefinitionBody("extra", *seeded.ConfigSource.Repo.ExternalID, "a.yml"), nil)
	e.must(200, "DELETE", defsPath(demoProjectID)+"/"+seeded.ID.String(), nil, nil)
	if err := e.fake.Reset(); err != nil {
		t.Fatal(err)
	}
	var l gen.PipelineDefinitionList
	e.must(200, "GET", defsPath(demoProjectID), nil, &l)
	if diff := cmp.Diff([]gen.PipelineDefinition{seeded}, l.Items); diff != "" {
		t.Errorf("definitions after Reset:\n%s", diff)
	}
}

// BenchmarkTriggerPipelineRun starts pipelines with pipeline/run and no body (the project's first
// pipeline definition, a config that selects no workflow), as the legacy trigger benchmark does.
func BenchmarkTriggerPipelineRun(b *testing.B) {
	f, ctx := benchServer(b)
	req := genserver.TriggerPipelineRunRequestObject{Provider: "gh", Organization: "demo-org", Project: "bench"}
	b.ReportAllocs()
	for b.Loop() {
		res, err := f.TriggerPipelineRun(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := res.(genserver.TriggerPipelineRun201JSONResponse); !ok {
			b.Fatalf("pipeline/run answered %T", res)
		}
	}
}

// TestPipelineDefinition_ProjectDeleted checks that deleting a project deletes its definitions and
// their triggers.
func TestPipelineDefinition_ProjectDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var prj gen.Project
	e.must(200, "POST", "/organization/gh%2Fdemo-org/project", map[string]any{"name": "short-lived"}, &prj)
	pid := prj.ID.String()
	d := firstDefinition(e, pid)
	if *d.Name != "short-lived" || *d.ConfigSource.Provider != "github_oauth" {
		t.Errorf("default definition of a created project: %+v", d)
	}
	var tr gen.Trigger
	e.must(200, "POST", defsPath(pid)+"/"+d.ID.String()+"/triggers", map[string]any{
		"event_source": map[string]any{"provider": "webhook", "webhook": map[string]any{"sender": "s"}},
		"event_name":   "e", "checkout_ref": "main", "config_ref": "main",
	}, &tr)
	e.must(200, "DELETE", "/project/gh/demo-org/short-lived", nil, nil)
	e.must(404, "GET", defsPath(pid), nil, nil)
	e.must(404, "GET", "/projects/"+pid+"/triggers/"+tr.ID.String(), nil, nil)
}
