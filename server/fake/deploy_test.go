package fake_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server/fake"
)

const (
	deployOrgID     = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
	deployProjectID = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
	deployShop      = "/project/gh/deploy-org/shop"
)

// deployConfig deploys "web" to the environment of the pipeline's parameters.
const deployConfig = `version: 2.1
parameters:
  version: {type: string, default: "1.0.0"}
  environment: {type: string, default: staging}
jobs:
  build:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
    x-fake: {duration: 10s}
  deploy:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
    x-fake: {duration: 20s}
workflows:
  main:
    jobs:
      - build
      - deploy:
          requires: [build]
`

// rollbackConfig is shop's .circleci/rollback.yml: a rollback job that reads the pipeline.deploy
// values, in a workflow that runs only in a rollback pipeline.
const rollbackConfig = `version: 2.1
parameters:
  version: {type: string, default: ""}
jobs:
  rollback:
    docker: [{image: cimg/base:current}]
    steps:
      - run: ./rollback.sh << pipeline.deploy.component_name >> << pipeline.deploy.environment_name >> << pipeline.deploy.current_version >> << pipeline.deploy.target_version >> "<< pipeline.deploy.reason >>"
    x-fake: {duration: 15s}
workflows:
  rollback:
    when: << pipeline.deploy.target_version >>
    jobs:
      - rollback
`

// deploySeed is [otherSeed] plus gh/deploy-org, which the demo user belongs to: its project shop
// runs [deployConfig], has a rollback pipeline definition running [rollbackConfig], marks deploy
// and rollback as deploys, and was deployed twice to production before the fake started; the
// organization declares production.
func deploySeed() *fake.Seed {
	s := otherSeed()
	s.Users[0].Orgs = append(s.Users[0].Orgs, "gh/deploy-org")
	s.Orgs = append(s.Orgs, fake.SeedOrg{
		Slug: "gh/deploy-org", ID: deployOrgID,
		Environments: []fake.SeedEnvironment{{Name: "production", Description: "Live traffic", Labels: map[string]string{"tier": "prod"}}},
		Projects: []fake.SeedProject{
			{
				Name: "shop", ID: deployProjectID, Config: deployConfig, RollbackDefinition: "rollback",
				Definitions: []fake.SeedDefinition{{Name: "shop"}, {Name: "rollback", FilePath: ".circleci/rollback.yml", Config: rollbackConfig}},
				Deploys: []fake.SeedDeploy{
					{Job: "deploy", Component: "web", Environment: "<< pipeline.parameters.environment >>", Version: "<< pipeline.parameters.version >>"},
					{
						Job: "rollback", Component: "<< pipeline.deploy.component_name >>", Environment: "<< pipeline.deploy.environment_name >>",
						Namespace: "<< pipeline.deploy.namespace >>", Version: "<< pipeline.deploy.target_version >>",
					},
				},
				Releases: []fake.SeedRelease{
					{Component: "web", Environment: "production", Version: "0.9.1", DeployedAt: "2026-01-02T00:00:00Z"},
					{Component: "web", Environment: "production", Version: "0.9.0", DeployedAt: "2026-01-01T00:00:00Z"},
					{Component: "worker", Environment: "production", Namespace: "jobs", Version: "3"},
				},
			},
			{Name: "plain", Config: fake.DemoConfig},
		},
	})
	return s
}

// deployEnv serves [deploySeed].
func deployEnv(t *testing.T) (*env, *client.Client) {
	t.Helper()
	e := newEnv(t, fake.WithSeed(deploySeed()))
	return e, e.ts.Client
}

// componentNamed returns the component of shop with a name.
func componentNamed(t *testing.T, c *client.Client, name string) gen.Component {
	t.Helper()
	list, err := c.ListComponents(context.Background(), &gen.ListComponentsParams{OrgID: uuid.MustParse(deployOrgID), ComponentName: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, comp := range list.Items {
		if *comp.Name == name {
			return comp
		}
	}
	t.Fatalf("no component %q in %+v", name, list.Items)
	return gen.Component{}
}

// versionRow is what a test compares of a component version.
type versionRow struct {
	Name, Env, Namespace string
	Live                 bool
	Pipeline             uuid.UUID
}

func versionRows(t *testing.T, c *client.Client, componentID uuid.UUID, envs map[uuid.UUID]string) []versionRow {
	t.Helper()
	var rows []versionRow
	for v, err := range c.ListComponentVersionsIter(context.Background(), componentID.String(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, versionRow{*v.Name, envs[*v.EnvironmentID], *v.Namespace, *v.IsLive, *v.PipelineID})
	}
	return rows
}

// envNames returns the names of the environments of deploy-org by id.
func envNames(t *testing.T, c *client.Client) map[uuid.UUID]string {
	t.Helper()
	out := map[uuid.UUID]string{}
	for e, err := range c.ListEnvironmentsIter(context.Background(), &gen.ListEnvironmentsParams{OrgID: uuid.MustParse(deployOrgID)}) {
		if err != nil {
			t.Fatal(err)
		}
		out[*e.ID] = *e.Name
	}
	return out
}

// TestDeploy_SeededReleases checks what a seed's environments and releases give: the environments
// in the order they were first seen, components with their release counts (0 on the list, as on
// CircleCI), and versions newest first, the last deployed of each environment and namespace live,
// with the all-zero UUID for the pipeline, workflow and job no pipeline recorded.
func TestDeploy_SeededReleases(t *testing.T) {
	t.Parallel()
	_, c := deployEnv(t)
	ctx := context.Background()
	envs, err := c.ListEnvironments(ctx, &gen.ListEnvironmentsParams{OrgID: uuid.MustParse(deployOrgID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(envs.Items) != 1 || *envs.Items[0].Name != "production" || *envs.Items[0].Description != "Live traffic" ||
		!cmp.Equal(envs.Items[0].Labels, []gen.Label{{Key: ptr("tier"), Value: ptr("prod")}}) || envs.NextPageToken != nil {
		t.Fatalf("environments = %+v", envs)
	}
	got, err := c.GetEnvironment(ctx, *envs.Items[0].ID)
	if err != nil || *got.Name != "production" {
		t.Fatalf("GetEnvironment = %+v, %v", got, err)
	}
	comps, err := c.ListComponents(ctx, &gen.ListComponentsParams{OrgID: uuid.MustParse(deployOrgID)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, comp := range comps.Items {
		names = append(names, *comp.Name)
		if *comp.ReleaseCount != 0 || *comp.ProjectID != uuid.MustParse(deployProjectID) {
			t.Errorf("listed component %s: release_count %d, project %s; want 0 and shop", *comp.Name, *comp.ReleaseCount, *comp.ProjectID)
		}
	}
	if !slices.Equal(names, []string{"web", "worker"}) {
		t.Errorf("components %v, want [web worker]", names)
	}
	web, err := c.GetComponent(ctx, comps.Items[0].ID.String())
	if err != nil || *web.ReleaseCount != 2 {
		t.Fatalf("GetComponent(web) = %+v, %v; want release_count 2", web, err)
	}
	vl, err := c.ListComponentVersions(ctx, web.ID.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []versionRow{{"0.9.1", "production", "", true, uuid.Nil}, {"0.9.0", "production", "", false, uuid.Nil}}
	if diff := cmp.Diff(want, versionRows(t, c, *web.ID, envNames(t, c))); diff != "" {
		t.Errorf("versions of web (-want +got):\n%s", diff)
	}
	first := vl.Items[0]
	if *first.WorkflowID != uuid.Nil || *first.JobID != uuid.Nil || first.JobNumber != nil || !first.LastDeployedAt.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("seeded version = %+v", first)
	}
}

// TestDeploy_VersionsFromDeployJobs checks that a successful run of a job the seed marks as a deploy
// records a version, named by the pipeline's parameters, once the job has succeeded; that it makes
// the environment on first use and takes over as the live version there; that deploying a version
// again moves it to the front; and that failed deploy jobs record nothing.
func TestDeploy_VersionsFromDeployJobs(t *testing.T) {
	t.Parallel()
	e, c := deployEnv(t)
	ctx := context.Background()
	web := componentNamed(t, c, "web")
	trigger := func(version, environment string) gen.PipelineCreation {
		var pc gen.PipelineCreation
		e.must(201, "POST", deployShop+"/pipeline", map[string]any{"parameters": map[string]any{"version": version, "environment": environment}}, &pc)
		return pc
	}
	staging1 := trigger("1.0.0", "staging")
	if err := e.fake.Advance(15 * time.Second); err != nil { // build done, deploy running
		t.Fatal(err)
	}
	if rows := versionRows(t, c, *web.ID, envNames(t, c)); len(rows) != 2 {
		t.Fatalf("versions before the deploy job finished: %+v", rows)
	}
	if err := e.fake.Advance(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	envs := envNames(t, c)
	if !slices.Contains(slices.Collect(maps.Values(envs)), "staging") {
		t.Fatalf("environments after the deploy: %v, want staging among them", envs)
	}
	prod1 := trigger("1.0.0", "production")
	staging2 := trigger("1.1.0", "staging")
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.SetJobOutcome(deployShop[len("/project/"):], "deploy", "failed"); err != nil {
		t.Fatal(err)
	}
	trigger("9.9.9", "staging") // its deploy job fails
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	want := []versionRow{
		{"1.1.0", "staging", "", true, staging2.ID},
		{"1.0.0", "production", "", true, prod1.ID},
		{"1.0.0", "staging", "", false, staging1.ID},
		{"0.9.1", "production", "", false, uuid.Nil},
		{"0.9.0", "production", "", false, uuid.Nil},
	}
	if diff := cmp.Diff(want, versionRows(t, c, *web.ID, envNames(t, c))); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	got, err := c.GetComponent(ctx, web.ID.String())
	if err != nil || *got.ReleaseCount != 5 || !got.UpdatedAt.After(*got.CreatedAt) {
		t.Errorf("web after three deploys: %+v, %v; want release_count 5 and a later updated_at", got, err)
	}
	// The version names the job that deployed it.
	vl, err := c.ListComponentVersions(ctx, web.ID.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	jobs := jobsOfPipeline(t, e, staging2.ID.String())
	v := vl.Items[0]
	if *v.JobID != jobs["deploy"].ID || int64(*v.JobNumber) != *jobs["deploy"].JobNumber || v.WorkflowID == nil || *v.WorkflowID == uuid.Nil {
		t.Errorf("version 1.1.0 = %+v; want the deploy job %+v", v, jobs["deploy"])
	}
	// The same version deployed again moves to the front, live, and counts as a release.
	if err := e.fake.SetJobOutcome(deployShop[len("/project/"):], "deploy", "success"); err != nil {
		t.Fatal(err)
	}
	again := trigger("1.0.0", "staging")
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	rows := versionRows(t, c, *web.ID, envNames(t, c))
	if len(rows) != 5 || rows[0] != (versionRow{"1.0.0", "staging", "", true, again.ID}) || rows[1].Live {
		t.Errorf("after redeploying 1.0.0 to staging: %+v", rows)
	}
}

// jobsOfPipeline returns the jobs of a pipeline's first workflow by name.
func jobsOfPipeline(t *testing.T, e *env, pipelineID string) map[string]gen.Job {
	t.Helper()
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pipelineID+"/workflow", nil, &wl)
	if len(wl.Items) == 0 {
		t.Fatalf("pipeline %s has no workflow", pipelineID)
	}
	return jobsByName(e, wl.Items[0].ID.String())
}

// TestDeploy_ListFiltersAndPagination pages the component and environment lists with page-size
// and without it, filters components by project and by a part of their name, filters versions by
// environment, and refuses what the lists cannot take with a 400 or 404 naming it.
func TestDeploy_ListFiltersAndPagination(t *testing.T) {
	t.Parallel()
	seed := deploySeed()
	shop := &seed.Orgs[len(seed.Orgs)-1].Projects[0]
	for i := range 23 {
		shop.Releases = append(shop.Releases, fake.SeedRelease{Component: fmt.Sprintf("svc-%02d", i), Environment: fmt.Sprintf("env-%02d", i), Version: "1"})
	}
	for i := range 25 {
		shop.Releases = append(shop.Releases, fake.SeedRelease{Component: "web", Environment: fmt.Sprintf("env-%02d", i%3), Version: fmt.Sprintf("2.%d", i)})
	}
	plain := &seed.Orgs[len(seed.Orgs)-1].Projects[1]
	plain.ID = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
	plain.Releases = []fake.SeedRelease{{Component: "plain-web", Environment: "production", Version: "7"}}
	e := newEnv(t, fake.WithSeed(seed))
	c := e.ts.Client
	ctx := context.Background()
	org := uuid.MustParse(deployOrgID)

	// Components: 2 + 23 + 1, in the order first seen; pages of 10 and of the default 20.
	for _, tt := range []struct {
		size  *int
		pages []int
	}{{ptr(10), []int{10, 10, 6}}, {nil, []int{20, 6}}, {ptr(100), []int{26}}} {
		var sizes []int
		var names []string
		params := &gen.ListComponentsParams{OrgID: org, PageSize: tt.size}
		for {
			page, err := c.ListComponents(ctx, params)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(page.Items))
			for _, comp := range page.Items {
				names = append(names, *comp.Name)
			}
			if page.NextPageToken == nil {
				break
			}
			params.PageToken = page.NextPageToken
		}
		if !slices.Equal(sizes, tt.pages) || names[0] != "web" || names[1] != "worker" || names[2] != "svc-00" || names[25] != "plain-web" {
			t.Errorf("page-size %v: pages %v of %v, want %v", tt.size, sizes, names, tt.pages)
		}
	}
	names := func(params gen.ListComponentsParams) []string {
		t.Helper()
		params.OrgID = org
		var out []string
		for comp, err := range c.ListComponentsIter(ctx, &params) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, *comp.Name)
		}
		return out
	}
	if got := names(gen.ListComponentsParams{ComponentName: ptr("web")}); !slices.Equal(got, []string{"web", "plain-web"}) {
		t.Errorf("component-name=web: %v, want the names containing web", got)
	}
	if got := names(gen.ListComponentsParams{ComponentName: ptr("svc-1")}); len(got) != 10 {
		t.Errorf("component-name=svc-1: %v, want svc-10..svc-19", got)
	}
	if got := names(gen.ListComponentsParams{ProjectID: ptr(uuid.MustParse(plain.ID))}); !slices.Equal(got, []string{"plain-web"}) {
		t.Errorf("project-id=plain: %v", got)
	}
	if got := names(gen.ListComponentsParams{ProjectID: ptr(uuid.MustParse(plain.ID)), ComponentName: ptr("svc")}); len(got) != 0 {
		t.Errorf("project-id=plain, component-name=svc: %v, want none", got)
	}

	// Environments: production, then those the releases named, in that order.
	var envs []string
	for env, err := range c.ListEnvironmentsIter(ctx, &gen.ListEnvironmentsParams{OrgID: org, PageSize: ptr(7)}) {
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, *env.Name)
	}
	if len(envs) != 24 || envs[0] != "production" || envs[1] != "env-00" || envs[23] != "env-22" {
		t.Errorf("environments %v", envs)
	}

	// Versions: 25 + 2 of web over two pages, and by environment.
	web := componentNamed(t, c, "web")
	first, err := c.ListComponentVersions(ctx, web.ID.String(), nil)
	if err != nil || len(first.Items) != 20 || first.NextPageToken == nil || *first.Items[0].Name != "2.24" {
		t.Fatalf("first page of versions: %d items, %v", len(first.Items), err)
	}
	second, err := c.ListComponentVersions(ctx, web.ID.String(), &gen.ListComponentVersionsParams{PageToken: first.NextPageToken})
	if err != nil || len(second.Items) != 7 || second.NextPageToken != nil || *second.Items[6].Name != "0.9.0" {
		t.Fatalf("second page of versions: %+v, %v", second, err)
	}
	envIDs := map[string]uuid.UUID{}
	for id, name := range envNames(t, c) {
		envIDs[name] = id
	}
	var inEnv1 []string
	for v, err := range c.ListComponentVersionsIter(ctx, web.ID.String(), &gen.ListComponentVersionsParams{EnvironmentID: ptr(envIDs["env-01"])}) {
		if err != nil {
			t.Fatal(err)
		}
		inEnv1 = append(inEnv1, fmt.Sprintf("%s live=%v", *v.Name, *v.IsLive))
	}
	wantEnv1 := []string{"2.22 live=true", "2.19 live=false", "2.16 live=false", "2.13 live=false", "2.10 live=false", "2.7 live=false", "2.4 live=false", "2.1 live=false"}
	if !slices.Equal(inEnv1, wantEnv1) {
		t.Errorf("versions in env-01: %v, want %v", inEnv1, wantEnv1)
	}
	empty, err := c.ListComponentVersions(ctx, web.ID.String(), &gen.ListComponentVersionsParams{EnvironmentID: ptr(envIDs["env-20"])})
	if err != nil || len(empty.Items) != 0 || empty.NextPageToken != nil {
		t.Errorf("versions of web in an environment it was never deployed to: %+v, %v", empty, err)
	}

	// What the lists refuse.
	webPath := "/deploy/components/" + web.ID.String()
	tests := []struct {
		name, tok, path string
		want            int
		msg             string
	}{
		{"page-size 0", fake.DemoToken, "/deploy/components?org-id=" + deployOrgID + "&page-size=0", 400, "page-size"},
		{"page-size 101", fake.DemoToken, "/deploy/environments?org-id=" + deployOrgID + "&page-size=101", 400, "page-size"},
		{"page-size not a number", fake.DemoToken, "/deploy/environments?org-id=" + deployOrgID + "&page-size=ten", 400, "page-size"},
		{"no org-id", fake.DemoToken, "/deploy/environments", 400, "org-id"},
		{"org-id not a UUID", fake.DemoToken, "/deploy/components?org-id=gh/deploy-org", 400, "org-id"},
		{"foreign org", "other-token", "/deploy/components?org-id=" + deployOrgID, 404, "Organization not found"},
		{"unknown org", fake.DemoToken, "/deploy/environments?org-id=" + uuid.NewString(), 404, "Organization not found"},
		{"project of another org", fake.DemoToken, "/deploy/components?org-id=3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a&project-id=" + deployProjectID, 404, "Project not found"},
		{"token of another list", fake.DemoToken, "/deploy/environments?org-id=" + deployOrgID + "&page-token=" + *first.NextPageToken, 400, "page-token"},
		{"bad version token", fake.DemoToken, webPath + "/versions?page-token=garbage", 400, "page-token"},
		{"environment-id not a UUID", fake.DemoToken, webPath + "/versions?environment-id=production", 400, "environment-id"},
		{"unknown component", fake.DemoToken, "/deploy/components/" + uuid.NewString(), 404, "Component not found"},
		{"component id not a UUID", fake.DemoToken, "/deploy/components/web/versions", 404, "Component not found"},
		{"foreign component", "other-token", webPath, 404, "Component not found"},
		{"foreign environment", "other-token", "/deploy/environments/" + envIDs["production"].String(), 404, "Environment not found"},
		{"no token", "", "/deploy/environments?org-id=" + deployOrgID, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var msg gen.Error
			if got := e.call(tt.tok, "GET", tt.path, nil, &msg); got != tt.want || !strings.Contains(msg.Message, tt.msg) {
				t.Errorf("GET %s: %d %q, want %d mentioning %q", tt.path, got, msg.Message, tt.want, tt.msg)
			}
		})
	}
}

// TestDeploy_Settings checks the deploy settings: the rollback pipeline's definition of a project
// that has one, an empty object for one that has none, and a 400 or 404 for what names no project
// the caller may see.
func TestDeploy_Settings(t *testing.T) {
	t.Parallel()
	e, c := deployEnv(t)
	ctx := context.Background()
	st, err := c.GetProjectDeploySettings(ctx, deployProjectID)
	if err != nil || st.RollbackPipelineDefinitionID == nil || st.DeployPipelineDefinitionID != nil {
		t.Fatalf("settings of shop = %+v, %v", st, err)
	}
	defs, err := c.ListPipelineDefinitions(ctx, deployProjectID)
	if err != nil {
		t.Fatal(err)
	}
	var rollbackDef uuid.UUID
	for _, d := range defs.Items {
		if *d.Name == "rollback" {
			rollbackDef = *d.ID
		}
	}
	if *st.RollbackPipelineDefinitionID != rollbackDef {
		t.Errorf("rollback_pipeline_definition_id %s, want the definition named rollback, %s", *st.RollbackPipelineDefinitionID, rollbackDef)
	}
	var plain gen.Project
	e.must(200, "GET", "/project/gh/deploy-org/plain", nil, &plain)
	var raw map[string]any
	e.must(200, "GET", "/deploy/projects/"+plain.ID.String()+"/settings", nil, &raw)
	if len(raw) != 0 {
		t.Errorf("settings of a project without a rollback pipeline = %v, want {}", raw)
	}
	var secret gen.Project
	if got := e.call("other-token", "GET", "/project/gh/other-org/secret-app", nil, &secret); got != 200 {
		t.Fatal(got)
	}
	// Once the rollback definition is deleted, the project has no rollback pipeline.
	if _, err := c.DeletePipelineDefinition(ctx, deployProjectID, rollbackDef.String()); err != nil {
		t.Fatal(err)
	}
	raw = nil
	e.must(200, "GET", "/deploy/projects/"+deployProjectID+"/settings", nil, &raw)
	if len(raw) != 0 {
		t.Errorf("settings after deleting the rollback definition = %v, want {}", raw)
	}
	var msg gen.Error
	body := map[string]any{"component_name": "web", "environment_name": "production", "current_version": "0.9.1", "target_version": "0.9.0"}
	if got := e.call(fake.DemoToken, "POST", "/projects/"+deployProjectID+"/rollback", body, &msg); got != 400 || !strings.Contains(msg.Message, "no rollback pipeline") {
		t.Errorf("rollback after deleting the rollback definition: %d %q, want 400", got, msg.Message)
	}
	for _, tt := range []struct {
		id   string
		want int
	}{{secret.ID.String(), 404}, {uuid.NewString(), 404}, {"gh/deploy-org/shop", 400}} {
		_, err := c.GetProjectDeploySettings(ctx, tt.id)
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.StatusCode != tt.want {
			t.Errorf("settings of %s: %v, want %d", tt.id, err, tt.want)
		}
	}
}

// TestDeploy_Reset checks that a reset takes away what deploys recorded and keeps what the seed
// gave, with the same IDs.
func TestDeploy_Reset(t *testing.T) {
	t.Parallel()
	e, c := deployEnv(t)
	web := componentNamed(t, c, "web")
	e.must(201, "POST", deployShop+"/pipeline", map[string]any{"parameters": map[string]any{"version": "5", "environment": "qa"}}, nil)
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := len(envNames(t, c)); n != 2 {
		t.Fatalf("%d environments after a deploy to qa, want 2", n)
	}
	if err := e.fake.Reset(); err != nil {
		t.Fatal(err)
	}
	if envs := envNames(t, c); len(envs) != 1 {
		t.Errorf("environments after reset: %v, want production only", envs)
	}
	again := componentNamed(t, c, "web")
	if *again.ID != *web.ID || len(versionRows(t, c, *web.ID, nil)) != 2 {
		t.Errorf("web after reset: %+v, want the seed's, with its two releases", again)
	}
}

// TestDeploy_SeedErrors checks that a seed's deploys, releases and environments are checked when
// the fake starts, with an error that names what is wrong.
func TestDeploy_SeedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(o *fake.SeedOrg)
		msg    string
	}{
		{"deploy without job", func(o *fake.SeedOrg) { o.Projects[0].Deploys[0].Job = "" }, "a deploy needs job, component and environment"},
		{"deploy without component", func(o *fake.SeedOrg) { o.Projects[0].Deploys[1].Component = "" }, "a deploy needs job, component and environment"},
		{"release without version", func(o *fake.SeedOrg) { o.Projects[0].Releases[0].Version = "" }, "a release needs component, environment and version"},
		{"release time not RFC 3339", func(o *fake.SeedOrg) { o.Projects[0].Releases[1].DeployedAt = "yesterday" }, `deployed_at "yesterday"`},
		{"environment twice", func(o *fake.SeedOrg) {
			o.Environments = append(o.Environments, fake.SeedEnvironment{Name: "production"})
		}, "environment names must be present and unique"},
		{"environment without name", func(o *fake.SeedOrg) { o.Environments[0].Name = "" }, "environment names must be present and unique"},
		{"unknown rollback definition", func(o *fake.SeedOrg) { o.Projects[0].RollbackDefinition = "undo" }, `rollback_definition "undo"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seed := deploySeed()
			tt.change(&seed.Orgs[len(seed.Orgs)-1])
			_, err := fake.New(fake.WithSeed(seed))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("New: %v, want an error mentioning %q", err, tt.msg)
			}
		})
	}
	// The same seed read from YAML, as circleci-fake -seed reads it.
	yamlSeed := `orgs:
  - slug: gh/acme
    environments: [{name: prod, labels: {tier: "1"}}]
    projects:
      - name: web
        rollback_definition: web
        deploys: [{job: deploy, component: web, environment: prod}]
        releases: [{component: web, environment: prod, version: "1", deployed_at: "2026-01-01T00:00:00Z"}]
`
	s, err := fake.ParseSeed([]byte(yamlSeed))
	if err != nil {
		t.Fatal(err)
	}
	want := fake.SeedProject{
		Name: "web", RollbackDefinition: "web",
		Deploys:  []fake.SeedDeploy{{Job: "deploy", Component: "web", Environment: "prod"}},
		Releases: []fake.SeedRelease{{Component: "web", Environment: "prod", Version: "1", DeployedAt: "2026-01-01T00:00:00Z"}},
	}
	if diff := cmp.Diff(want, s.Orgs[0].Projects[0]); diff != "" || s.Orgs[0].Environments[0].Labels["tier"] != "1" {
		t.Errorf("parsed seed (-want +got):\n%s%+v", diff, s.Orgs[0].Environments)
	}
	if _, err := fake.New(fake.WithSeed(s)); err != nil {
		t.Errorf("New with the parsed seed: %v", err)
	}
}

// TestDeploy_DefaultVersion checks that a deploy marker without a version records the revision the
// pipeline ran on, and that a marker whose fields come out empty on a run records nothing.
func TestDeploy_DefaultVersion(t *testing.T) {
	t.Parallel()
	seed := deploySeed()
	shop := &seed.Orgs[len(seed.Orgs)-1].Projects[0]
	shop.Deploys = []fake.SeedDeploy{
		{Job: "deploy", Component: "api", Environment: "<< pipeline.parameters.environment >>"},
		{Job: "build", Component: "never", Environment: "<< pipeline.git.tag >>"}, // no tag: records nothing
	}
	e := newEnv(t, fake.WithSeed(seed))
	c := e.ts.Client
	var pc gen.PipelineCreation
	e.must(201, "POST", deployShop+"/pipeline", map[string]any{"parameters": map[string]any{"environment": "qa"}}, &pc)
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	pl, err := c.GetPipelineByID(context.Background(), pc.ID)
	if err != nil {
		t.Fatal(err)
	}
	api := componentNamed(t, c, "api")
	want := []versionRow{{*pl.VCS.Revision, "qa", "", true, pc.ID}}
	if diff := cmp.Diff(want, versionRows(t, c, *api.ID, envNames(t, c))); diff != "" {
		t.Errorf("versions of api (-want +got):\n%s", diff)
	}
	list, err := c.ListComponents(context.Background(), &gen.ListComponentsParams{OrgID: uuid.MustParse(deployOrgID), ComponentName: ptr("never")})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("components named never: %+v, %v; want none", list, err)
	}
}

// BenchmarkDeployReads measures the deploy reads on a component with many versions: the first page
// of its versions, the same filtered by an environment that holds one version in a hundred, and
// the component list.
func BenchmarkDeployReads(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		seed := deploySeed()
		shop := &seed.Orgs[len(seed.Orgs)-1].Projects[0]
		for i := range n {
			shop.Releases = append(shop.Releases, fake.SeedRelease{Component: "web", Environment: fmt.Sprintf("env-%02d", i%100), Version: fmt.Sprint(i)})
		}
		f, err := fake.New(fake.WithSeed(seed))
		if err != nil {
			b.Fatal(err)
		}
		ctx := fake.WithToken(context.Background(), fake.DemoToken)
		org := uuid.MustParse(deployOrgID)
		comps, err := f.ListComponents(ctx, genserver.ListComponentsRequestObject{Params: gen.ListComponentsParams{OrgID: org}})
		if err != nil {
			b.Fatal(err)
		}
		web := comps.(genserver.ListComponents200JSONResponse).Items[0].ID.String()
		envs, err := f.ListEnvironments(ctx, genserver.ListEnvironmentsRequestObject{Params: gen.ListEnvironmentsParams{OrgID: org, PageSize: ptr(2)}})
		if err != nil {
			b.Fatal(err)
		}
		env := envs.(genserver.ListEnvironments200JSONResponse).Items[1].ID
		b.Run(fmt.Sprintf("versions/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.ListComponentVersions(ctx, genserver.ListComponentVersionsRequestObject{ComponentID: web}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("versions-in-env/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.ListComponentVersions(ctx, genserver.ListComponentVersionsRequestObject{ComponentID: web, Params: gen.ListComponentVersionsParams{EnvironmentID: env}}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("components/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.ListComponents(ctx, genserver.ListComponentsRequestObject{Params: gen.ListComponentsParams{OrgID: org}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDeploySeedLoad measures New with a seed of many releases of one component.
func BenchmarkDeploySeedLoad(b *testing.B) {
	for _, n := range []int{100, 10000} {
		seed := deploySeed()
		shop := &seed.Orgs[len(seed.Orgs)-1].Projects[0]
		for i := range n {
			shop.Releases = append(shop.Releases, fake.SeedRelease{Component: "web", Environment: fmt.Sprintf("env-%02d", i%100), Version: fmt.Sprint(i)})
		}
		b.Run(fmt.Sprintf("releases=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fake.New(fake.WithSeed(seed)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
