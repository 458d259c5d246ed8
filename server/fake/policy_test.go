package fake_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// hardPolicy has one rule, hard_fail: every Docker image must be one of CircleCI's (cimg/…).
const hardPolicy = `package org

import future.keywords

policy_name["docker_images"]

use_official_docker_image[image] = reason {
	some image in docker_images
	not startswith(image, "cimg/")
	reason := sprintf("%s is not an approved Docker image", [image])
}

docker_images := {image |
	walk(input, [path, value])
	path[count(path) - 1] == "docker"
	image := value[_].image
}

hard_fail["use_official_docker_image"]

enable_rule["use_official_docker_image"]
`

// softPolicy has one rule, soft: the config's version must be at least 2.1.
const softPolicy = `package org

policy_name["config_version"]

check_version = reason {
	not input.version >= 2.1
	reason := sprintf("version must be at least 2.1, got %v", [input.version])
}

enable_rule["check_version"]
`

const (
	passingConfig = "version: 2.1\njobs:\n  build:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\nworkflows:\n  main:\n    jobs: [build]\n"
	softConfig    = "version: 2\njobs:\n  build:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\nworkflows:\n  main:\n    jobs: [build]\n"
	hardConfig    = "version: 2\njobs:\n  build:\n    docker: [{image: ubuntu:22.04}]\n    steps: [checkout]\nworkflows:\n  main:\n    jobs: [build]\n"
)

// pushPolicies replaces the bundle of owner and returns the diff.
func pushPolicies(e *env, owner string, policies map[string]string) gen.BundleDiff {
	e.t.Helper()
	var diff gen.BundleDiff
	e.must(201, "POST", "/owner/"+owner+"/context/config/policy-bundle", map[string]any{"policies": policies}, &diff)
	return diff
}

// TestPolicy_Decisions pushes a bundle with one hard and one soft rule, decides a passing config and
// two failing ones, and checks their statuses, violations and log entries.
func TestPolicy_Decisions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	diff := pushPolicies(e, owner, map[string]string{"./policies/hard.rego": hardPolicy, "./policies/soft.rego": softPolicy})
	if want := (gen.BundleDiff{Created: []string{"config_version", "docker_images"}}); !cmp.Equal(diff, want) {
		t.Errorf("diff = %+v, want %+v", diff, want)
	}
	tests := []struct {
		name, input string
		want        gen.Decision
	}{
		{"passing", passingConfig, gen.Decision{Status: "PASS", EnabledRules: []string{"check_version", "use_official_docker_image"}}},
		{"soft", softConfig, gen.Decision{Status: "SOFT_FAIL", EnabledRules: []string{"check_version", "use_official_docker_image"},
			SoftFailures: []gen.Violation{{Rule: "check_version", Reason: "version must be at least 2.1, got 2"}}}},
		{"hard", hardConfig, gen.Decision{Status: "HARD_FAIL", EnabledRules: []string{"check_version", "use_official_docker_image"},
			HardFailures: []gen.Violation{{Rule: "use_official_docker_image", Reason: "ubuntu:22.04 is not an approved Docker image"}},
			SoftFailures: []gen.Violation{{Rule: "check_version", Reason: "version must be at least 2.1, got 2"}}}},
	}
	for _, tt := range tests { // in order: the log is checked below
		var got gen.Decision
		e.must(200, "POST", base+"/decision", map[string]any{"input": tt.input, "metadata": map[string]any{"branch": tt.name, "build_number": 7}}, &got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: decision (-want +got):\n%s", tt.name, diff)
		}
	}

	var logs []gen.DecisionLog
	e.must(200, "GET", base+"/decision", nil, &logs)
	var got []string
	for _, l := range logs {
		got = append(got, l.Decision.Status+" "+*l.Metadata.VCS.Branch)
		if len(l.Policies) != 2 || len(l.Policies["docker_images"]) != 128 || *l.Metadata.BuildNumber != 7 {
			t.Errorf("log %s: policies %v, build number %v; want two 128-character hashes and 7", *l.ID, l.Policies, *l.Metadata.BuildNumber)
		}
	}
	if want := []string{"HARD_FAIL hard", "SOFT_FAIL soft", "PASS passing"}; !cmp.Equal(got, want) {
		t.Errorf("logs, newest first = %v, want %v", got, want)
	}
	var one gen.DecisionLog
	e.must(200, "GET", base+"/decision/"+logs[0].ID.String(), nil, &one)
	if diff := cmp.Diff(logs[0], one); diff != "" {
		t.Errorf("one log (-list +get):\n%s", diff)
	}
	var bundle gen.PolicyBundle
	e.must(200, "GET", base+"/decision/"+logs[0].ID.String()+"/policy-bundle", nil, &bundle)
	if len(bundle) != 2 || *bundle["docker_images"].Content != hardPolicy || *bundle["config_version"].Name != "config_version" {
		t.Errorf("bundle of the decision = %+v", bundle)
	}

	// The bundle a decision was made with stays with its log when the bundle is replaced.
	if diff := pushPolicies(e, owner, map[string]string{"soft.rego": softPolicy}); !cmp.Equal(diff, gen.BundleDiff{Deleted: []string{"docker_images"}}) {
		t.Errorf("diff of the second push = %+v", diff)
	}
	e.must(200, "GET", base+"/decision/"+logs[0].ID.String()+"/policy-bundle", nil, &bundle)
	if len(bundle) != 2 {
		t.Errorf("bundle of the old decision after a push has %d policies, want 2", len(bundle))
	}
}

// TestPolicy_DecisionLogFilters checks the documented filters and offset paging of the decision
// logs: newest first, 20 a page, an empty array past the end.
func TestPolicy_DecisionLogFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	pushPolicies(e, owner, map[string]string{"soft.rego": softPolicy})
	for i := range 25 {
		input, branch := passingConfig, "main"
		if i%5 == 0 {
			input, branch = softConfig, "dev"
		}
		e.must(200, "POST", base+"/decision", map[string]any{"input": input, "metadata": map[string]any{
			"branch": branch, "build_number": i + 1, "project_id": "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a"}}, nil)
	}
	count := func(query string) []int {
		var logs []gen.DecisionLog
		e.must(200, "GET", base+"/decision"+query, nil, &logs)
		var builds []int
		for _, l := range logs {
			builds = append(builds, *l.Metadata.BuildNumber)
		}
		return builds
	}
	tests := []struct {
		query string
		want  []int
	}{
		{"?status=SOFT_FAIL", []int{21, 16, 11, 6, 1}},
		{"?branch=dev&offset=3", []int{6, 1}},
		{"?build_number=12", []int{12}},
		{"?project_id=6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a&status=PASS&offset=18", []int{3, 2}},
		{"?project_id=00000000-0000-4000-8000-000000000000", nil},
		{"?offset=20", []int{5, 4, 3, 2, 1}},
		{"?offset=25", nil},
		{"?after=2000-01-01T00:00:00Z&before=2999-01-01T00:00:00Z&offset=24", []int{1}},
	}
	for _, tt := range tests {
		if got := count(tt.query); !cmp.Equal(got, tt.want) {
			t.Errorf("GET decision%s: builds %v, want %v", tt.query, got, tt.want)
		}
	}
	if got := count(""); len(got) != 20 || got[0] != 25 || got[19] != 6 {
		t.Errorf("first page: builds %v, want 25 down to 6", got)
	}
}

// TestPolicy_Bundle checks the bundle routes: the key is the declared policy_name, one policy is a
// flat object, the trailing-slash form fetches the bundle, a dry run stores nothing, and an
// unchanged policy keeps its time.
func TestPolicy_Bundle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config/policy-bundle"
	var empty map[string]any
	e.must(200, "GET", base, nil, &empty)
	if empty == nil || len(empty) != 0 {
		t.Errorf("bundle before any push = %v, want {}", empty)
	}
	pushPolicies(e, owner, map[string]string{"a/hard.rego": hardPolicy})
	var doc gen.Policy
	e.must(200, "GET", base+"/docker_images", nil, &doc)
	if *doc.Name != "docker_images" || *doc.Content != hardPolicy || doc.CreatedAt == nil || *doc.CreatedBy == "" {
		t.Errorf("policy = %+v", doc)
	}
	var bundle gen.PolicyBundle
	e.must(200, "GET", base+"/", nil, &bundle)
	if len(bundle) != 1 || *bundle["docker_images"].Content != hardPolicy {
		t.Errorf("bundle by the trailing-slash route = %+v", bundle)
	}
	var diff gen.BundleDiff
	e.must(200, "POST", base+"?dry=true", map[string]any{"policies": map[string]string{"soft.rego": softPolicy, "hard.rego": hardPolicy + "\n# changed\n"}}, &diff)
	if want := (gen.BundleDiff{Created: []string{"config_version"}, Modified: []string{"docker_images"}}); !cmp.Equal(diff, want) {
		t.Errorf("dry-run diff = %+v, want %+v", diff, want)
	}
	e.must(200, "GET", base, nil, &bundle)
	if len(bundle) != 1 || *bundle["docker_images"].Content != hardPolicy {
		t.Errorf("bundle after a dry run = %+v, want it unchanged", bundle)
	}
	e.must(404, "GET", base+"/config_version", nil, nil)
	if diff := pushPolicies(e, owner, map[string]string{"x.rego": hardPolicy}); !cmp.Equal(diff, gen.BundleDiff{}) {
		t.Errorf("diff of an unchanged push = %+v, want none", diff)
	}
	var again gen.Policy
	e.must(200, "GET", base+"/docker_images", nil, &again)
	if !again.CreatedAt.Equal(*doc.CreatedAt) {
		t.Errorf("unchanged policy created_at %v, was %v", again.CreatedAt, doc.CreatedAt)
	}
}

// TestPolicy_BadInput checks that what the Policy Management routes cannot take is a 4xx whose
// {"error": …} says what is wrong, and that a rejected push leaves the stored bundle as it was.
func TestPolicy_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	pushPolicies(e, owner, map[string]string{"hard.rego": hardPolicy})
	push := func(src string) map[string]any {
		return map[string]any{"policies": map[string]string{"p.rego": src, "hard.rego": hardPolicy}}
	}
	tests := []struct {
		name, tok, method, path string
		body                    any
		want                    int
		msg                     string
	}{
		{"syntax error", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\npolicy_name[\"p\"]\n\nbroken = {\n"), 400, "invalid rego content: failed to parse policy file(s): failed to parse file \"p.rego\": 2 errors occurred:\np.rego:6: rego_parse_error: unexpected eof token"},
		{"undefined function", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\npolicy_name[\"p\"]\n\nr = x { x := nope(1) }\n"), 400, "invalid rego content: failed to compile policy: 1 error occurred: p.rego:5: rego_type_error: undefined function nope"},
		{"no policy_name", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\nr = \"x\"\n"), 400, `failed to parse file: "p.rego": first rule declaration must be "policy_name" but found "r"`},
		{"no rules", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n"), 400, `must declare rule "policy_name" but module contains no rules`},
		{"policy_name not a key", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\npolicy_name = \"p\"\n"), 400, "invalid policy_name declaration: must declare as key"},
		{"policy_name with a dash", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\npolicy_name[\"a-b\"]\n"), 400, "alphanumeric and underscore"},
		{"other package", fake.DemoToken, "POST", base + "/policy-bundle", push("package team\n\npolicy_name[\"p\"]\n"), 400, `invalid package name: expected one of packages [org] but got "team"`},
		{"CircleCI's helpers", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\nimport data.circleci.config\n\npolicy_name[\"p\"]\n\nban = config.ban_orbs([\"evil/orb\"])\n"), 400, `"p.rego" imports data.circleci.config: circleci-fake does not have CircleCI's helper packages`},
		{"duplicate name", fake.DemoToken, "POST", base + "/policy-bundle", push(hardPolicy), 400, `policy "docker_images" declared 2 times`},
		{"no policies", fake.DemoToken, "POST", base + "/policy-bundle", map[string]any{}, 400, "policies: is required."},
		{"bundle too large", fake.DemoToken, "POST", base + "/policy-bundle", push("package org\n\npolicy_name[\"p\"]\n#" + strings.Repeat("x", 2_700_000) + "\n"), 413, "policy bundle too large"},
		{"context custom", fake.DemoToken, "GET", "/owner/" + owner + "/context/custom/policy-bundle", nil, 400, "Context: must be a valid value."},
		{"owner slug", fake.DemoToken, "GET", "/owner/gh%2Fdemo-org/context/config/policy-bundle", nil, 400, "must be a valid UUID"},
		{"foreign owner", "other-token", "GET", base + "/policy-bundle", nil, 404, "Owner not found."},
		{"no token", "", "GET", base + "/policy-bundle", nil, 401, ""},
		{"settings without enabled", fake.DemoToken, "PATCH", base + "/decision/settings", map[string]any{}, 400, "enabled: is required."},
		{"bad input YAML", fake.DemoToken, "POST", base + "/decision", map[string]any{"input": "a: [b"}, 400, "invalid input:"},
		{"bad status filter", fake.DemoToken, "GET", base + "/decision?status=FAILED", nil, 400, "status: must be one of PASS, SOFT_FAIL, HARD_FAIL, ERROR."},
		{"negative offset", fake.DemoToken, "GET", base + "/decision?offset=-1", nil, 400, "offset"},
		{"decision id not a UUID", fake.DemoToken, "GET", base + "/decision/nope", nil, 400, "DecisionID"},
		{"unknown decision", fake.DemoToken, "GET", base + "/decision/00000000-0000-4000-8000-0000000000ff/policy-bundle", nil, 404, "Decision log not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body map[string]string
			if got := e.call(tt.tok, tt.method, tt.path, tt.body, &body); got != tt.want || !strings.Contains(body["error"], tt.msg) {
				t.Errorf("%s %s: %d %q, want %d with error containing %q", tt.method, tt.path, got, body["error"], tt.want, tt.msg)
			}
		})
	}
	var bundle gen.PolicyBundle
	e.must(200, "GET", base+"/policy-bundle", nil, &bundle)
	if len(bundle) != 1 || *bundle["docker_images"].Content != hardPolicy {
		t.Errorf("bundle after rejected pushes = %+v, want it unchanged", bundle)
	}
}

// TestPolicy_Trigger turns decisions on and checks that a pipeline whose config breaks a hard rule
// is errored with the violation in its errors and runs no workflow, that a soft failure runs, and
// that both are logged with the pipeline's project, branch and number.
func TestPolicy_Trigger(t *testing.T) {
	t.Parallel()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects,
		fake.SeedProject{Name: "hard-app", Config: hardConfig}, fake.SeedProject{Name: "soft-app", Config: softConfig})
	e := newEnv(t, fake.WithSeed(seed))
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	pushPolicies(e, owner, map[string]string{"hard.rego": hardPolicy, "soft.rego": softPolicy})

	// Off by default: nothing is decided.
	var settings gen.DecisionSettings
	e.must(200, "GET", base+"/decision/settings", nil, &settings)
	if settings.Enabled == nil || *settings.Enabled {
		t.Fatalf("settings = %+v, want enabled false", settings)
	}
	var pc gen.PipelineCreation
	e.must(201, "POST", "/project/gh/demo-org/hard-app/pipeline", nil, &pc)
	var pl gen.Pipeline
	e.must(200, "GET", "/pipeline/"+pc.ID.String(), nil, &pl)
	if pl.State != gen.PipelineStateCreated {
		t.Errorf("with decisions off, pipeline state = %s, want created", pl.State)
	}

	e.must(200, "PATCH", base+"/decision/settings", map[string]any{"enabled": true}, &settings)
	if !*settings.Enabled {
		t.Fatalf("settings after PATCH = %+v", settings)
	}
	tests := []struct {
		project     string
		state       gen.PipelineState
		errors      []gen.PipelineError
		workflows   int
		decision    string
		buildNumber int
	}{
		{"hard-app", gen.PipelineStateErrored, []gen.PipelineError{{Type: gen.PipelineErrorTypeConfig,
			Message: "policy evaluation failed: use_official_docker_image: ubuntu:22.04 is not an approved Docker image"}}, 0, "HARD_FAIL", 2},
		{"soft-app", gen.PipelineStateCreated, []gen.PipelineError{}, 1, "SOFT_FAIL", 1},
		{"demo-app", gen.PipelineStateCreated, []gen.PipelineError{}, 1, "PASS", 1},
	}
	for _, tt := range tests {
		e.must(201, "POST", "/project/gh/demo-org/"+tt.project+"/pipeline", map[string]any{"branch": "feature"}, &pc)
		e.must(200, "GET", "/pipeline/"+pc.ID.String(), nil, &pl)
		if pl.State != tt.state || !cmp.Equal(pl.Errors, tt.errors) {
			t.Errorf("%s: pipeline %s with errors %+v, want %s with %+v", tt.project, pl.State, pl.Errors, tt.state, tt.errors)
		}
		var wl gen.WorkflowList
		e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
		if len(wl.Items) != tt.workflows {
			t.Errorf("%s: %d workflows, want %d", tt.project, len(wl.Items), tt.workflows)
		}
	}
	var logs []gen.DecisionLog
	e.must(200, "GET", base+"/decision", nil, &logs)
	if len(logs) != len(tests) {
		t.Fatalf("%d decisions logged, want %d", len(logs), len(tests))
	}
	for i, tt := range tests {
		l := logs[len(tests)-1-i]
		var p gen.Project
		e.must(200, "GET", "/project/gh/demo-org/"+tt.project, nil, &p)
		if l.Decision.Status != tt.decision || *l.Metadata.ProjectID != p.ID || *l.Metadata.BuildNumber != tt.buildNumber || *l.Metadata.VCS.Branch != "feature" {
			t.Errorf("%s: logged %s for project %v, build %d, branch %s; want %s, %v, %d, feature", tt.project, l.Decision.Status,
				*l.Metadata.ProjectID, *l.Metadata.BuildNumber, *l.Metadata.VCS.Branch, tt.decision, p.ID, tt.buildNumber)
		}
	}
}

// TestPolicy_Meta checks that a policy sees the decision's metadata as data.meta, on a decision
// asked for through the API and on a pipeline trigger, and that the compiled config is under
// input._compiled_ on a trigger.
func TestPolicy_Meta(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	const policy = `package org

policy_name["meta"]

enable_rule["on_main"] { data.meta.branch == "main" }

on_main = sprintf("build %v of %s", [data.meta.build_number, data.meta.project_id])

enable_rule["compiled_seen"]

compiled_seen = "the compiled config has a build job" { input._compiled_.jobs.build }
`
	pushPolicies(e, owner, map[string]string{"meta.rego": policy})
	var d gen.Decision
	e.must(200, "POST", base+"/decision", map[string]any{"input": passingConfig, "metadata": map[string]any{"branch": "main", "build_number": 3, "project_id": "p"}}, &d)
	if want := (gen.Decision{Status: "SOFT_FAIL", EnabledRules: []string{"compiled_seen", "on_main"}, SoftFailures: []gen.Violation{{Rule: "on_main", Reason: "build 3 of p"}}}); !cmp.Equal(d, want) {
		t.Errorf("decision = %+v, want %+v", d, want)
	}
	var onDev gen.Decision
	e.must(200, "POST", base+"/decision", map[string]any{"input": passingConfig, "metadata": map[string]any{"branch": "dev"}}, &onDev)
	if want := (gen.Decision{Status: "PASS", EnabledRules: []string{"compiled_seen"}}); !cmp.Equal(onDev, want) {
		t.Errorf("decision on dev = %+v, want %+v", onDev, want)
	}
	e.must(200, "PATCH", base+"/decision/settings", map[string]any{"enabled": true}, nil)
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	var logs []gen.DecisionLog
	e.must(200, "GET", base+"/decision", nil, &logs)
	want := []gen.Violation{
		{Rule: "compiled_seen", Reason: "the compiled config has a build job"},
		{Rule: "on_main", Reason: "build 1 of 6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a"},
	}
	if got := logs[0].Decision.SoftFailures; !cmp.Equal(got, want) {
		t.Errorf("trigger's decision: soft failures %+v, want %+v", got, want)
	}
}

// TestPolicy_ErrorDecision checks that an evaluation the engine fails is an ERROR decision with the
// engine's error as reason, logged, and that it does not stop a pipeline.
func TestPolicy_ErrorDecision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	const conflict = `package org

policy_name["conflict"]

enable_rule["two_answers"]

two_answers = "has jobs" { input.jobs }

two_answers = "has workflows" { input.workflows }
`
	pushPolicies(e, owner, map[string]string{"c.rego": conflict})
	var d gen.Decision
	e.must(200, "POST", base+"/decision", map[string]any{"input": passingConfig}, &d)
	if d.Status != "ERROR" || d.Reason == nil || !strings.Contains(*d.Reason, "eval_conflict_error") {
		t.Errorf("decision = %+v, want ERROR with the engine's conflict error as reason", d)
	}
	e.must(200, "PATCH", base+"/decision/settings", map[string]any{"enabled": true}, nil)
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	var pl gen.Pipeline
	e.must(200, "GET", "/pipeline/"+pc.ID.String(), nil, &pl)
	var logs []gen.DecisionLog
	e.must(200, "GET", base+"/decision?status=ERROR", nil, &logs)
	if pl.State != gen.PipelineStateCreated || len(logs) != 2 {
		t.Errorf("pipeline %s with %d ERROR decisions logged, want created and 2", pl.State, len(logs))
	}
}

// conformancePolicies drives every Policy Management operation once for TestConformance.
func conformancePolicies(e *env) {
	e.t.Helper()
	owner := demoOrgID
	base := "/owner/" + owner + "/context/config"
	pushPolicies(e, owner, map[string]string{"soft.rego": softPolicy})
	e.must(200, "GET", base+"/policy-bundle", nil, nil)
	e.must(200, "GET", base+"/policy-bundle/config_version", nil, nil)
	e.must(200, "PATCH", base+"/decision/settings", map[string]any{"enabled": false}, nil)
	e.must(200, "GET", base+"/decision/settings", nil, nil)
	var d gen.Decision
	e.must(200, "POST", base+"/decision", map[string]any{"input": softConfig}, &d)
	var logs []gen.DecisionLog
	e.must(200, "GET", base+"/decision", nil, &logs)
	e.must(200, "GET", base+"/decision/"+logs[0].ID.String(), nil, nil)
	e.must(200, "GET", base+"/decision/"+logs[0].ID.String()+"/policy-bundle", nil, nil)
}
