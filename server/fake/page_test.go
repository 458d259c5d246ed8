package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestPagination pages through 45 pipelines, and refuses foreign and malformed tokens.
func TestPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 45 {
		e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"nightly": true}}, nil)
	}
	var got []int64
	tok := ""
	pages := 0
	for {
		var pl gen.PipelineList
		e.must(200, "GET", demo+"/pipeline?page-token="+url.QueryEscape(tok), nil, &pl)
		pages++
		for _, p := range pl.Items {
			got = append(got, p.Number)
		}
		if pl.NextPageToken == nil {
			break
		}
		tok = *pl.NextPageToken
	}
	want := make([]int64, 45)
	for i := range want {
		want[i] = int64(45 - i)
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Errorf("%d pages with numbers %v, want 3 pages of 45..1", pages, got)
	}
	var first gen.PipelineList
	e.must(200, "GET", demo+"/pipeline", nil, &first)
	for _, bad := range []string{"garbage", *first.NextPageToken + "x"} {
		e.must(400, "GET", "/project/circleci/7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b/0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b/pipeline?page-token="+url.QueryEscape(bad), nil, nil)
	}
	// A token of the demo-app list is foreign to the standalone project's list and to the branch list.
	e.must(400, "GET", "/project/circleci/7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b/0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b/pipeline?page-token="+*first.NextPageToken, nil, nil)
	e.must(400, "GET", demo+"/pipeline?branch=main&page-token="+*first.NextPageToken, nil, nil)
}

// rawPage is any list response: its items left as JSON.
type rawPage struct {
	Items         []json.RawMessage `json:"items"`
	NextPageToken *string           `json:"next_page_token"`
}

// walk reads every page of the list at path and returns its items, the number of pages and the
// token of the second page.
func walk(e *env, path string) (items []string, pages int, second string) {
	e.t.Helper()
	tok := ""
	for {
		var pg rawPage
		e.must(200, "GET", withPageToken(path, tok), nil, &pg)
		pages++
		if len(pg.Items) > 20 {
			e.t.Fatalf("GET %s: page of %d items, want at most 20", path, len(pg.Items))
		}
		for _, it := range pg.Items {
			items = append(items, string(it))
		}
		if pg.NextPageToken == nil {
			return items, pages, second
		}
		if *pg.NextPageToken == "" || *pg.NextPageToken == tok {
			e.t.Fatalf("GET %s: next_page_token %q after %q", path, *pg.NextPageToken, tok)
		}
		tok = *pg.NextPageToken
		if pages == 1 {
			second = tok
		}
	}
}

// wideConfig declares a workflow of 25 jobs; the first runs on 25 parallel nodes and reports 75
// tests and 25 artifacts.
func wideConfig() string {
	var b strings.Builder
	b.WriteString("version: 2.1\njobs:\n")
	for i := range 25 {
		fmt.Fprintf(&b, "  j%02d:\n    docker: [{image: cimg/base:current}]\n", i)
		if i > 0 {
			b.WriteString("    steps: [checkout]\n")
			continue
		}
		// 75 tests and, on each of 25 nodes, one artifact.
		b.WriteString("    parallelism: 25\n    steps:\n      - store_artifacts: {path: report.txt}\n      - store_test_results:\n          path: results\n          x-fake:\n            tests:\n")
		for k := range 75 {
			fmt.Fprintf(&b, "              - {classname: wide, name: Test%02d, file: wide_test.go, run_time: 0.1}\n", k)
		}
	}
	b.WriteString("workflows:\n  wide:\n    jobs:\n")
	for i := range 25 {
		fmt.Fprintf(&b, "      - j%02d\n", i)
	}
	return b.String()
}

// listCase is one list of the simulated tags, made by everyList.
type listCase struct {
	op, name, path string
	min            int // items the setup made (the seed may add more); 0 for an empty list
}

// everyList fills one instance of each list operation of the simulated tags past one page, leaves
// another empty where the API allows one to be, and returns them all.
func everyList(t *testing.T) (*env, []listCase) {
	t.Helper()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects,
		fake.SeedProject{Name: "wide", Config: wideConfig()},
		fake.SeedProject{Name: "empty", Config: fake.DemoConfig},
		fake.SeedProject{Name: "no-config"})
	for i := range 25 { // deploys of wide: 25 components and environments, 26 versions of c-00
		wideSeed := &seed.Orgs[0].Projects[1]
		wideSeed.Releases = append(wideSeed.Releases, fake.SeedRelease{Component: fmt.Sprintf("c-%02d", i), Environment: fmt.Sprintf("env-%02d", i), Version: "1"},
			fake.SeedRelease{Component: "c-00", Environment: "env-00", Version: fmt.Sprint("v", i)})
	}
	e := newEnv(t, fake.WithSeed(seed))
	const wide, empty = "/project/gh/demo-org/wide", "/project/gh/demo-org/empty"

	var prj, emptyPrj gen.Project
	e.must(200, "GET", wide, nil, &prj)
	e.must(200, "GET", empty, nil, &emptyPrj)
	var c, emptyCtx gen.Context
	e.must(200, "POST", "/context", map[string]any{"name": "paged", "owner": map[string]any{"slug": "gh/demo-org"}}, &c)
	e.must(200, "POST", "/context", map[string]any{"name": "empty", "owner": map[string]any{"slug": "gh/demo-org"}}, &emptyCtx)
	ctxPath, emptyCtxPath := "/context/"+c.ID.String(), "/context/"+emptyCtx.ID.String()
	tt := map[string]any{"per-hour": 1, "hours-of-day": []int{3}, "days-of-week": []string{"MON"}}
	var pc gen.PipelineCreation
	for i := range 25 {
		e.must(201, "POST", wide+"/envvar", map[string]any{"name": fmt.Sprintf("VAR_%02d", i), "value": "secret-value"}, nil)
		e.must(201, "POST", wide+"/checkout-key", map[string]any{"type": "deploy-key"}, nil)
		e.must(201, "POST", "/webhook", map[string]any{"name": fmt.Sprint("w", i), "events": []string{"job-completed"}, "url": "https://hooks.example/ci", "verify-tls": true, "signing-secret": "s3cr3t", "scope": map[string]any{"id": prj.ID, "type": "project"}}, nil)
		e.must(201, "POST", ctxPath+"/restrictions", map[string]any{"restriction_type": "group", "restriction_value": fmt.Sprint("group-", i)}, nil)
		e.must(200, "PUT", ctxPath+fmt.Sprintf("/environment-variable/V_%02d", i), map[string]any{"value": "v"}, nil)
		e.must(200, "POST", "/context", map[string]any{"name": fmt.Sprint("ctx-", i), "owner": map[string]any{"slug": "gh/demo-org"}}, nil)
		e.must(201, "POST", wide+"/schedule", map[string]any{"name": fmt.Sprint("s", i), "timetable": tt, "attribution-actor": "system", "parameters": map[string]any{"branch": "main"}}, nil)
		e.must(201, "POST", wide+"/pipeline", nil, &pc)
	}
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	wfID := wl.Items[0].ID.String()
	if err := e.fake.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	for range 24 { // 25 workflows in the pipeline
		e.must(202, "POST", "/workflow/"+wfID+"/rerun", map[string]any{}, nil)
	}
	var jobs gen.JobList
	e.must(200, "GET", "/workflow/"+wfID+"/job", nil, &jobs)
	if jobs.Items[0].Name != "j00" || jobs.Items[0].JobNumber == nil || jobs.Items[0].Status != "success" {
		t.Fatalf("first job = %+v, want j00 finished with a number", jobs.Items[0])
	}
	finished := fmt.Sprintf("%s/%d", wide, *jobs.Items[0].JobNumber)
	var later gen.PipelineCreation // its jobs have not run: no artifacts or tests yet
	e.must(201, "POST", wide+"/pipeline", nil, &later)
	e.must(200, "GET", "/pipeline/"+later.ID.String()+"/workflow", nil, &wl)
	e.must(200, "GET", "/workflow/"+wl.Items[0].ID.String()+"/job", nil, &jobs)
	queued := fmt.Sprintf("%s/%d", wide, *jobs.Items[0].JobNumber)
	var errored gen.PipelineCreation // no config: no workflows
	e.must(201, "POST", "/project/gh/demo-org/no-config/pipeline", nil, &errored)
	const circleOrg = "7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b" // the demo circleci organization: no pipelines, no contexts
	var demoOrg gen.Organization
	e.must(200, "GET", "/organization/gh%2Fdemo-org", nil, &demoOrg)
	for i := range 3 { // groups come on one page, however many there are
		e.must(201, "POST", "/organizations/"+demoOrg.ID+"/groups", map[string]any{"name": fmt.Sprint("group-", i)}, nil)
	}
	var comps gen.ComponentList
	e.must(200, "GET", "/deploy/components?org-id="+demoOrg.ID+"&component-name=c-00", nil, &comps)
	versions := "/deploy/components/" + comps.Items[0].ID.String() + "/versions"
	var envs gen.EnvironmentList
	e.must(200, "GET", "/deploy/environments?org-id="+demoOrg.ID+"&page-size=2", nil, &envs)

	return e, []listCase{
		{"listPipelinesForProject", "project pipelines", wide + "/pipeline", 25},
		{"listPipelinesForProject", "no project pipelines", empty + "/pipeline", 0},
		{"listMyPipelines", "my pipelines", wide + "/pipeline/mine", 25},
		{"listMyPipelines", "none of mine", empty + "/pipeline/mine", 0},
		{"listPipelines", "org pipelines", "/pipeline?org-slug=gh%2Fdemo-org", 25},
		{"listPipelines", "no org pipelines", "/pipeline?org-slug=circleci%2F" + circleOrg, 0},
		{"listWorkflowsByPipelineId", "workflows", "/pipeline/" + pc.ID.String() + "/workflow", 25},
		{"listWorkflowsByPipelineId", "no workflows", "/pipeline/" + errored.ID.String() + "/workflow", 0},
		{"listWorkflowJobs", "workflow jobs", "/workflow/" + wfID + "/job", 25}, // a workflow has at least one job
		{"getJobArtifacts", "artifacts", finished + "/artifacts", 25},
		{"getJobArtifacts", "no artifacts", queued + "/artifacts", 0},
		{"getTests", "tests", finished + "/tests", 75},
		{"getTests", "no tests", queued + "/tests", 0},
		{"listEnvVars", "envvars", wide + "/envvar", 25},
		{"listEnvVars", "no envvars", empty + "/envvar", 0},
		{"listCheckoutKeys", "checkout keys", wide + "/checkout-key?digest=sha256", 25},
		{"listCheckoutKeys", "no checkout keys", empty + "/checkout-key", 0},
		{"getWebhooks", "webhooks", "/webhook?scope-type=project&scope-id=" + prj.ID.String(), 25},
		{"getWebhooks", "no webhooks", "/webhook?scope-type=project&scope-id=" + emptyPrj.ID.String(), 0},
		{"getContextRestrictions", "context restrictions", ctxPath + "/restrictions", 25},
		{"getContextRestrictions", "no context restrictions", emptyCtxPath + "/restrictions", 0},
		{"listEnvironmentVariablesFromContext", "context envvars", ctxPath + "/environment-variable", 25},
		{"listEnvironmentVariablesFromContext", "no context envvars", emptyCtxPath + "/environment-variable", 0},
		{"listContexts", "contexts", "/context?owner-slug=gh%2Fdemo-org", 27},
		{"listContexts", "no contexts", "/context?owner-id=" + circleOrg, 0},
		{"listSchedulesForProject", "schedules", wide + "/schedule", 25},
		{"listSchedulesForProject", "no schedules", empty + "/schedule", 0},
		{"getOrganizationGroups", "groups", "/organizations/" + demoOrg.ID + "/groups", 3},
		{"getOrganizationGroups", "no groups", "/organizations/" + circleOrg + "/groups", 0},
		{"listEnvironments", "deploy environments", "/deploy/environments?org-id=" + demoOrg.ID, 25},
		{"listEnvironments", "no deploy environments", "/deploy/environments?org-id=" + circleOrg, 0},
		{"listComponents", "deploy components", "/deploy/components?org-id=" + demoOrg.ID, 25},
		{"listComponents", "no deploy components", "/deploy/components?org-id=" + demoOrg.ID + "&project-id=" + emptyPrj.ID.String(), 0},
		{"listComponentVersions", "component versions", versions, 26},
		{"listComponentVersions", "no component versions", versions + "?environment-id=" + envs.Items[1].ID.String(), 0},
		{"getProjectWorkflowMetrics", "insights workflows", "/insights/gh/demo-org/wide/workflows", 1},
		{"getProjectWorkflowMetrics", "no insights workflows", "/insights/gh/demo-org/empty/workflows", 0},
		{"getProjectWorkflowRuns", "insights runs", "/insights/gh/demo-org/wide/workflows/wide", 25},
		{"getProjectWorkflowRuns", "no insights runs", "/insights/gh/demo-org/empty/workflows/build-test-deploy", 0},
		{"getProjectWorkflowJobMetrics", "insights jobs", "/insights/gh/demo-org/wide/workflows/wide/jobs", 25},
		{"getProjectWorkflowJobMetrics", "no insights jobs", "/insights/gh/demo-org/empty/workflows/build-test-deploy/jobs", 0},
		{"getJobTimeseries", "insights time series", "/insights/time-series/gh/demo-org/wide/workflows/wide/jobs", 25},
		{"getJobTimeseries", "no insights time series", "/insights/time-series/gh/demo-org/empty/workflows/build-test-deploy/jobs", 0},
	}
}

// TestPagination_EveryList walks each list of the simulated tags page by page, and refuses
// malformed tokens and tokens of another list.
func TestPagination_EveryList(t *testing.T) {
	t.Parallel()
	e, all := everyList(t)
	var lists []listCase
	for _, l := range all {
		if l.min > 20 {
			lists = append(lists, l)
		}
	}
	seconds := make([]string, len(lists))
	for i, l := range lists {
		items, pages, second := walk(e, l.path)
		seen := map[string]bool{}
		for _, it := range items {
			if seen[it] {
				t.Errorf("%s: item repeated: %s", l.name, it)
			}
			seen[it] = true
		}
		if len(items) < l.min || pages != (len(items)+19)/20 {
			t.Errorf("%s: %d items on %d pages, want at least %d on pages of 20", l.name, len(items), pages, l.min)
		}
		seconds[i] = second
	}
	for i, l := range lists {
		foreign := seconds[(i+1)%len(lists)]
		for _, bad := range []string{"garbage", seconds[i] + "x", foreign} {
			var msg gen.Error
			if got := e.call(fake.DemoToken, "GET", withPageToken(l.path, bad), nil, &msg); got != 400 || !strings.Contains(msg.Message, "page-token") {
				t.Errorf("%s with page-token %q: %d %q, want 400 about page-token", l.name, bad, got, msg.Message)
			}
		}
	}
}

// TestLists_ItemsAndNextPageToken reads every page of every list operation of the simulated tags, full
// and empty, as raw JSON: each page must hold "items", an array (never null or missing), and
// "next_page_token", a string on every page but the last and null on the last.
// Lists whose schema has no next_page_token (one page, as on circleci.com) are not walked here.
func TestLists_ItemsAndNextPageToken(t *testing.T) {
	t.Parallel()
	e, lists := everyList(t)
	covered := map[string]bool{}
	for _, l := range lists {
		covered[strings.ToLower(l.op)] = true
		tok, n := "", 0
		for pages := 1; ; pages++ {
			var page map[string]json.RawMessage
			e.must(200, "GET", withPageToken(l.path, tok), nil, &page)
			items, ok := page["items"]
			var list []json.RawMessage
			if !ok || !bytes.HasPrefix(bytes.TrimSpace(items), []byte("[")) || json.Unmarshal(items, &list) != nil {
				t.Fatalf("%s page %d: items = %s, want an array", l.name, pages, items)
			}
			n += len(list)
			raw, ok := page["next_page_token"]
			if !ok {
				t.Fatalf("%s page %d: no next_page_token key", l.name, pages)
			}
			if string(raw) == "null" {
				break
			}
			if err := json.Unmarshal(raw, &tok); err != nil || tok == "" {
				t.Fatalf("%s page %d: next_page_token = %s, want a token or null", l.name, pages, raw)
			}
			if pages > 10 {
				t.Fatalf("%s: more than 10 pages", l.name)
			}
		}
		if (l.min == 0) != (n == 0) || n < l.min {
			t.Errorf("%s: %d items, want %d or more (none only for an empty list)", l.name, n, l.min)
		}
	}

	// Every paged list operation of the simulated tags is covered: those whose 200 answer has items
	// and next_page_token.
	var missing []string
	for _, op := range simulatedOperations(t) {
		ok := op.Responses.Status(200)
		if ok == nil || ok.Value == nil || ok.Value.Content.Get("application/json") == nil {
			continue
		}
		schema := ok.Value.Content.Get("application/json").Schema
		if schema == nil || schema.Value == nil || schema.Value.Properties["items"] == nil {
			continue
		}
		if schema.Value.Properties["next_page_token"] == nil {
			continue // a list the live API answers in one page without a token (the URL orb allow-list, project groups, pipeline definitions, triggers)
		}
		if !covered[strings.ToLower(op.OperationID)] {
			missing = append(missing, op.OperationID)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("list operations not walked: %v", missing)
	}
}

// withPageToken returns path with the page-token query parameter set to tok.
func withPageToken(path, tok string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "page-token=" + url.QueryEscape(tok)
}
