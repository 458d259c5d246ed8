package fake_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestReset_PageTokens checks that a page token made before a reset is refused after it, as one of
// another list is, instead of paging the new state from a position of the old one.
func TestReset_PageTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		list string
		fill func(e *env, i int) // adds the i-th item to the list
	}{
		{"pipelines", demo + "/pipeline", func(e *env, _ int) { e.must(201, "POST", demo+"/pipeline", nil, nil) }},
		{"environment variables", demo + "/envvar", func(e *env, i int) {
			e.must(201, "POST", demo+"/envvar", map[string]any{"name": fmt.Sprintf("V%02d", i), "value": "v"}, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			fill := func() string {
				for i := range 25 {
					tt.fill(e, i)
				}
				var page rawPage
				e.must(200, "GET", tt.list, nil, &page)
				if page.NextPageToken == nil {
					t.Fatalf("GET %s: one page, want two", tt.list)
				}
				return *page.NextPageToken
			}
			old := fill()
			if err := e.fake.Reset(); err != nil {
				t.Fatal(err)
			}
			fill()
			if status := e.call("demo-token", "GET", tt.list+"?page-token="+url.QueryEscape(old), nil, nil); status != 400 {
				t.Errorf("GET %s with a page token from before the reset: %d, want 400", tt.list, status)
			}
		})
	}
}

// TestReset changes the state in every way the API and the controls allow (records added, seed
// records changed and deleted, a workflow left running, a continuation key unused, a job outcome
// forced, a fault pending), resets (by the Go method and over HTTP), and checks that every list and
// record reads as the seed's again, with the same IDs, that nothing made since is left, and that the
// clock has gone on.
func TestReset(t *testing.T) {
	t.Parallel()
	const (
		demoProjectID = "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a"
		standalone    = "/project/" + fake.DemoCircleCIProjectSlug
		dyn           = "/project/gh/demo-org/dyn" // a project whose config is a setup config
	)
	tests := []struct {
		name  string
		reset func(e *env)
	}{
		{"Go method", func(e *env) {
			if err := e.fake.Reset(); err != nil {
				e.t.Fatal(err)
			}
		}},
		{"POST /_fake/reset", func(e *env) { e.mustControl(200, "POST", "/_fake/reset", nil, nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seed := otherSeed()
			seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "dyn", Config: "version: 2.1\nsetup: true\njobs:\n  gen:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\nworkflows:\n  setup:\n    jobs: [gen]\n"})
			e := newEnv(t, fake.WithSeed(seed))
			var contexts gen.ContextList
			e.must(200, "GET", "/context?owner-slug=gh/demo-org", nil, &contexts)
			cid := contexts.Items[0].ID.String()
			// What is read before and after: every list and record the changes below touch.
			reads := []string{
				"/me", "/me/collaborations",
				demo, standalone, dyn, demo + "/settings",
				demo + "/envvar", demo + "/envvar/DEPLOY_KEY", demo + "/checkout-key",
				demo + "/pipeline", standalone + "/pipeline", "/pipeline?org-slug=gh/demo-org",
				demo + "/schedule", "/webhook?scope-type=project&scope-id=" + demoProjectID,
				"/context?owner-slug=gh/demo-org", "/context/" + cid, "/context/" + cid + "/environment-variable", "/context/" + cid + "/restrictions",
			}
			read := func() map[string]any {
				out := map[string]any{}
				for _, path := range reads {
					var v any
					e.must(200, "GET", path, nil, &v)
					out[path] = v
				}
				return out
			}
			seeded := read()

			// Added.
			e.must(200, "POST", "/organization/gh%2Fdemo-org/project", map[string]any{"name": "scratch"}, nil)
			e.must(201, "POST", demo+"/envvar", map[string]any{"name": "ADDED", "value": "v"}, nil)
			e.must(200, "POST", "/context", map[string]any{"name": "added", "owner": map[string]any{"slug": "gh/demo-org"}}, nil)
			e.must(201, "POST", demo+"/checkout-key", map[string]any{"type": "deploy-key"}, nil)
			timetable := map[string]any{"per-hour": 1, "hours-of-day": []int{3}, "days-of-week": []string{"MON"}}
			var sc gen.Schedule
			e.must(201, "POST", demo+"/schedule", map[string]any{"name": "nightly", "timetable": timetable, "attribution-actor": "system", "parameters": map[string]any{"branch": "main"}}, &sc)
			var wh gen.Webhook
			e.must(201, "POST", "/webhook", map[string]any{"name": "w", "events": []string{"job-completed"}, "url": "https://hooks.example/ci", "verify-tls": true, "signing-secret": "s3cr3t-value", "scope": map[string]any{"id": demoProjectID, "type": "project"}}, &wh)
			// Seed records changed and deleted.
			e.must(200, "PATCH", demo+"/settings", map[string]any{"advanced": map[string]any{"oss": true}}, nil)
			e.must(200, "PUT", "/context/"+cid+"/environment-variable/AWS_ACCESS_KEY_ID", map[string]any{"value": "changed"}, nil)
			e.must(200, "PUT", "/context/"+cid+"/environment-variable/ADDED", map[string]any{"value": "v"}, nil)
			e.must(201, "POST", "/context/"+cid+"/restrictions", map[string]any{"restriction_type": "project", "restriction_value": demoProjectID}, nil)
			e.must(200, "DELETE", demo+"/envvar/DEPLOY_KEY", nil, nil)
			e.must(200, "DELETE", standalone, nil, nil)
			// A workflow left running, a setup pipeline with its continuation key unused.
			var running, setup gen.PipelineCreation
			e.must(201, "POST", demo+"/pipeline", nil, &running)
			e.must(201, "POST", dyn+"/pipeline", nil, &setup)
			key, ok := e.fake.ContinuationKey(setup.ID)
			if !ok {
				t.Fatal("the setup pipeline has no continuation key")
			}
			var wl gen.WorkflowList
			e.must(200, "GET", "/pipeline/"+running.ID.String()+"/workflow", nil, &wl)
			runningWorkflow := wl.Items[0].ID.String()
			// The controls.
			e.mustControl(200, "POST", "/_fake/job-outcome", map[string]any{"project": fake.DemoProjectSlug, "job": "build", "outcome": "failed"}, nil)
			e.mustControl(201, "POST", "/_fake/faults", map[string]any{"path": "/webhook/*", "status": 503, "count": 5}, nil)
			if err := e.fake.Advance(10 * time.Second); err != nil { // build (30s) still running
				t.Fatal(err)
			}
			var w gen.Workflow
			if e.must(200, "GET", "/workflow/"+runningWorkflow, nil, &w); w.Status != "running" {
				t.Fatalf("workflow before the reset: %s, want running", w.Status)
			}
			before := e.fake.Now()

			tt.reset(e)

			if now := e.fake.Now(); now.Before(before) {
				t.Errorf("the clock went back from %v to %v", before, now)
			}
			if diff := cmp.Diff(seeded, read()); diff != "" {
				t.Errorf("after the reset (-seeded +now):\n%s", diff)
			}
			for _, path := range []string{"/project/gh/demo-org/scratch", demo + "/envvar/ADDED", "/pipeline/" + running.ID.String(), "/pipeline/" + setup.ID.String(), "/workflow/" + runningWorkflow, "/schedule/" + sc.ID.String()} {
				e.must(404, "GET", path, nil, nil)
			}
			if status, _ := e.get("/webhook/" + wh.ID.String()); status != 404 {
				t.Errorf("GET of the webhook made before the reset: %d, want 404 (the fault cleared, the webhook gone)", status)
			}
			e.must(404, "POST", "/pipeline/continue", map[string]any{"continuation-key": key, "configuration": fake.DemoConfig}, nil)
			e.mustControl(404, "GET", "/_fake/pipelines/"+setup.ID.String()+"/continuation-key", nil, nil)

			var pc gen.PipelineCreation
			e.must(201, "POST", demo+"/pipeline", nil, &pc)
			if pc.Number != 1 || pc.ID == running.ID {
				t.Errorf("the first pipeline after the reset: number %d, ID %s; want number 1 and an ID other than %s (the ID source goes on)", pc.Number, pc.ID, running.ID)
			}
			e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
			if err := e.fake.Advance(time.Minute); err != nil {
				t.Fatal(err)
			}
			if got := jobsByName(e, wl.Items[0].ID.String())["build"].Status; got != "success" {
				t.Errorf("build after the reset: %s, want success (the forced outcome gone)", got)
			}
		})
	}
}
