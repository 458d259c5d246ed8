package fake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestRollback_StartsRollbackPipeline rolls web back in production from the live 0.9.1 to 0.9.0:
// the answer is a 202 with the rollback pipeline's id; the pipeline runs the rollback definition's
// config with the request's parameters and sees the request as its pipeline.deploy.… values (its
// config picks the rollback workflow by them and substitutes them in the compiled config); a second
// rollback while it runs is a 409; once its marked rollback job succeeds, 0.9.0 is live again,
// deployed by that pipeline.
func TestRollback_StartsRollbackPipeline(t *testing.T) {
	t.Parallel()
	e, c := deployEnv(t)
	ctx := context.Background()
	body := gen.RollbackProjectRequest{
		ComponentName: "web", EnvironmentName: "production", CurrentVersion: "0.9.1", TargetVersion: "0.9.0",
		Reason: ptr("bad release"), Parameters: map[string]any{"version": "0.9.0"},
	}
	rb, err := c.RollbackProject(ctx, deployProjectID, body)
	if err != nil {
		t.Fatal(err)
	}
	if rb.ID == nil || *rb.RollbackType != "PIPELINE" {
		t.Fatalf("rollback answer = %+v", rb)
	}
	pl, err := c.GetPipelineByID(ctx, *rb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pl.ProjectSlug != "gh/deploy-org/shop" || pl.State != gen.PipelineStateCreated || len(pl.TriggerParameters) != 1 {
		t.Errorf("rollback pipeline = %+v", pl)
	}
	if v, err := pl.TriggerParameters["version"].AsTriggerParameterValue0(); err != nil || v != "0.9.0" {
		t.Errorf("trigger parameter version = %q, %v; want 0.9.0", v, err)
	}
	cfg, err := c.GetPipelineConfigByID(ctx, *rb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != rollbackConfig {
		t.Errorf("the rollback pipeline ran\n%s\nwant the rollback definition's config", cfg.Source)
	}
	if want := `./rollback.sh web production 0.9.1 0.9.0 "bad release"`; !strings.Contains(cfg.Compiled, want) {
		t.Errorf("compiled rollback config does not run %s:\n%s", want, cfg.Compiled)
	}
	wl, err := c.ListWorkflowsByPipelineID(ctx, *rb.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(wl.Items) != 1 || wl.Items[0].Name != "rollback" {
		t.Fatalf("workflows of the rollback pipeline = %+v, want the rollback workflow only", wl.Items)
	}
	var msg gen.Error
	if got := e.call(fake.DemoToken, "POST", "/projects/"+deployProjectID+"/rollback", body, &msg); got != 409 || !strings.Contains(msg.Message, "still running") {
		t.Errorf("a second rollback while the first runs: %d %q, want 409", got, msg.Message)
	}
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	web := componentNamed(t, c, "web")
	want := []versionRow{{"0.9.0", "production", "", true, *rb.ID}, {"0.9.1", "production", "", false, uuid.Nil}}
	if diff := cmp.Diff(want, versionRows(t, c, *web.ID, envNames(t, c))); diff != "" {
		t.Errorf("versions after the rollback (-want +got):\n%s", diff)
	}
	if got, err := c.GetComponent(ctx, web.ID.String()); err != nil || *got.ReleaseCount != 3 {
		t.Errorf("web after the rollback: %+v, %v; want 3 releases", got, err)
	}
	// 0.9.1 is no longer live, so rolling back from it is refused; from 0.9.0 to 0.9.1 works.
	if got := e.call(fake.DemoToken, "POST", "/projects/"+deployProjectID+"/rollback", body, &msg); got != 409 || !strings.Contains(msg.Message, `live version is "0.9.0"`) {
		t.Errorf("rollback from a version no longer live: %d %q, want 409", got, msg.Message)
	}
	if _, err := c.RollbackProject(ctx, deployProjectID, gen.RollbackProjectRequest{ComponentName: "web", EnvironmentName: "production", CurrentVersion: "0.9.0", TargetVersion: "0.9.1"}); err != nil {
		t.Errorf("rolling forward again: %v", err)
	}
}

// TestRollback_Namespace rolls back a component deployed to a namespace: the namespace must be
// given, and reaches the pipeline as pipeline.deploy.namespace.
func TestRollback_Namespace(t *testing.T) {
	t.Parallel()
	seed := deploySeed()
	shop := &seed.Orgs[len(seed.Orgs)-1].Projects[0]
	shop.Releases = append(shop.Releases, fake.SeedRelease{Component: "worker", Environment: "production", Namespace: "jobs", Version: "4"})
	e := newEnv(t, fake.WithSeed(seed))
	c := e.ts.Client
	ctx := context.Background()
	body := gen.RollbackProjectRequest{ComponentName: "worker", EnvironmentName: "production", CurrentVersion: "4", TargetVersion: "3"}
	_, err := c.RollbackProject(ctx, deployProjectID, body)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || !strings.Contains(ae.Message, `"4"`) {
		t.Errorf("rollback without the namespace: %v, want a 404 naming the version", err)
	}
	body.Namespace = ptr("jobs")
	rb, err := c.RollbackProject(ctx, deployProjectID, body)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	worker := componentNamed(t, c, "worker")
	want := []versionRow{{"3", "production", "jobs", true, *rb.ID}, {"4", "production", "jobs", false, uuid.Nil}}
	if diff := cmp.Diff(want, versionRows(t, c, *worker.ID, envNames(t, c))); diff != "" {
		t.Errorf("versions of worker (-want +got):\n%s", diff)
	}
}

// TestRollback_BadInput checks that a rollback the fake cannot start is a 400, 404 or 409 naming
// what is wrong, and starts no pipeline.
func TestRollback_BadInput(t *testing.T) {
	t.Parallel()
	e, _ := deployEnv(t)
	var plain gen.Project
	e.must(200, "GET", "/project/gh/deploy-org/plain", nil, &plain)
	var secret gen.Project
	if got := e.call("other-token", "GET", "/project/gh/other-org/secret-app", nil, &secret); got != 200 {
		t.Fatal(got)
	}
	ok := map[string]any{"component_name": "web", "environment_name": "production", "current_version": "0.9.1", "target_version": "0.9.0"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for key, val := range ok {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	shop := "/projects/" + deployProjectID + "/rollback"
	tests := []struct {
		name, tok, path string
		body            any
		want            int
		msg             string
	}{
		{"unknown component", fake.DemoToken, shop, with("component_name", "api"), 404, `Component "api" not found`},
		{"unknown environment", fake.DemoToken, shop, with("environment_name", "moon"), 404, `Environment "moon" not found`},
		{"current version never deployed", fake.DemoToken, shop, with("current_version", "0.8"), 404, `current_version "0.8"`},
		{"target version never deployed", fake.DemoToken, shop, with("target_version", "0.1"), 404, `target_version "0.1"`},
		{"target is current", fake.DemoToken, shop, with("target_version", "0.9.1"), 400, "target_version"},
		{"current version not live", fake.DemoToken, shop, map[string]any{"component_name": "web", "environment_name": "production", "current_version": "0.9.0", "target_version": "0.9.1"}, 409, `current_version "0.9.0" is not live`},
		{"empty component name", fake.DemoToken, shop, with("component_name", " "), 400, "component_name"},
		{"missing target version", fake.DemoToken, shop, with("target_version", nil), 400, "target_version"},
		{"undeclared parameter", fake.DemoToken, shop, with("parameters", map[string]any{"nope": 1}), 400, "nope"},
		{"ill-typed parameter", fake.DemoToken, shop, with("parameters", map[string]any{"version": true}), 400, "version"},
		{"unknown field", fake.DemoToken, shop, with("force", true), 400, "force"},
		{"no rollback pipeline", fake.DemoToken, "/projects/" + plain.ID.String() + "/rollback", ok, 400, "no rollback pipeline"},
		{"project id not a UUID", fake.DemoToken, "/projects/gh%2Fdeploy-org%2Fshop/rollback", ok, 400, "project_id"},
		{"foreign project", fake.DemoToken, "/projects/" + secret.ID.String() + "/rollback", ok, 404, "Project not found"},
		{"foreign caller", "other-token", shop, ok, 404, "Project not found"},
		{"no token", "", shop, ok, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msg gen.Error
			if got := e.call(tt.tok, "POST", tt.path, tt.body, &msg); got != tt.want || !strings.Contains(msg.Message, tt.msg) {
				t.Errorf("POST %s %v: %d %q, want %d mentioning %q", tt.path, tt.body, got, msg.Message, tt.want, tt.msg)
			}
		})
	}
	var pl gen.PipelineList
	e.must(200, "GET", deployShop+"/pipeline", nil, &pl)
	if len(pl.Items) != 0 {
		t.Errorf("refused rollbacks started %d pipelines", len(pl.Items))
	}
	// A rollback after the refused ones is the first pipeline of the project.
	var rb gen.RollbackProjectResponse
	e.must(202, "POST", shop, ok, &rb)
	var got gen.Pipeline
	e.must(200, "GET", "/pipeline/"+rb.ID.String(), nil, &got)
	if got.Number != 1 {
		t.Errorf("the rollback pipeline has number %d, want 1", got.Number)
	}
}

// TestRollback_MCPServerFlow makes the calls CircleCI's MCP server makes for a rollback
// (CircleCI-Public/mcp-server-circleci src/tools/runRollbackPipeline and
// src/clients/circleci/deploys.ts), with its query strings and body: the project by slug for its id
// and organization, the deploy settings for a rollback definition, the project's components, the
// organization's environments, the versions of the component in the environment to find the live
// one, and the rollback itself.
func TestRollback_MCPServerFlow(t *testing.T) {
	t.Parallel()
	e, _ := deployEnv(t)
	var prj struct {
		ID             string `json:"id"`
		OrganizationID string `json:"organization_id"`
	}
	e.must(200, "GET", "/project/gh/deploy-org/shop", nil, &prj)
	var settings struct {
		Rollback string `json:"rollback_pipeline_definition_id"`
	}
	e.must(200, "GET", "/deploy/projects/"+prj.ID+"/settings", nil, &settings)
	if settings.Rollback == "" {
		t.Fatal("no rollback pipeline definition in the settings")
	}
	type named struct{ ID, Name string }
	var comps, envs struct{ Items []named }
	e.must(200, "GET", "/deploy/components?org-id="+prj.OrganizationID+"&project-id="+prj.ID, nil, &comps)
	e.must(200, "GET", "/deploy/environments?org-id="+prj.OrganizationID, nil, &envs)
	if len(comps.Items) != 2 || comps.Items[0].Name != "web" || len(envs.Items) != 1 || envs.Items[0].Name != "production" {
		t.Fatalf("components %+v, environments %+v", comps, envs)
	}
	var versions struct {
		Items []struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
			IsLive    bool   `json:"is_live"`
		}
	}
	e.must(200, "GET", "/deploy/components/"+comps.Items[0].ID+"/versions?environment-id="+envs.Items[0].ID, nil, &versions)
	current := ""
	for _, v := range versions.Items {
		if v.IsLive {
			current = v.Name
		}
	}
	if current != "0.9.1" {
		t.Fatalf("live version %q in %+v, want 0.9.1", current, versions.Items)
	}
	var rb struct {
		ID           string `json:"id"`
		RollbackType string `json:"rollback_type"`
	}
	e.must(202, "POST", "/projects/"+prj.ID+"/rollback", map[string]any{
		"environment_name": "production", "component_name": "web", "current_version": current, "target_version": "0.9.0",
		"reason": "Critical bug fix",
	}, &rb)
	if _, err := uuid.Parse(rb.ID); err != nil || rb.RollbackType != "PIPELINE" {
		t.Errorf("rollback answer %+v, want a pipeline id and rollback_type PIPELINE", rb)
	}
}
