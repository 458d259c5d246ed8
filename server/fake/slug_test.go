package fake_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server/fake"
)

// TestSlugs_CircleCIProjectOnEveryRoute sends a request to every route of the simulated tags that
// takes a project slug, with the demo circleci/<org-id>/<project-id> project's slug (as sent raw
// and escaped as one segment), and checks that the project is found: the answer is not the 404
// "Project not found." that the same request answers for a project ID the organization does not
// have.
func TestSlugs_CircleCIProjectOnEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const orgID = "7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b"
	real := "circleci/" + orgID + "/" + demoCircleProject
	unknown := "circleci/" + orgID + "/00000000-0000-4000-8000-00000000ffff"
	bodies := map[string]any{ // request bodies of the operations that take one
		"createCheckoutKey":    map[string]any{"type": "deploy-key"},
		"createEnvVar":         map[string]any{"name": "A", "value": "b"},
		"patchProjectSettings": map[string]any{"advanced": map[string]any{"oss": true}},
		"triggerPipeline":      map[string]any{},
		"triggerPipelineRun":   map[string]any{},
		"createSchedule":       map[string]any{"name": "n", "timetable": map[string]any{"per-hour": 1, "hours-of-day": []int{1}, "days-of-week": []string{"MON"}}, "attribution-actor": "system", "parameters": map[string]any{"branch": "main"}},
	}
	values := map[string]string{"job-number": "1", "pipeline-number": "1", "fingerprint": "x", "name": "X", "workflow-name": "w"}

	type route struct{ method, path, op string }
	var routes []route
	simulated := map[string]bool{}
	for _, op := range simulatedOperations(t) {
		simulated[op.OperationID] = true
	}
	for path, item := range openapiPaths(t) {
		for method, o := range item.Operations() {
			if simulated[o.OperationID] && (strings.Contains(path, "{project-slug}") || strings.Contains(path, "{provider}")) {
				routes = append(routes, route{method, path, o.OperationID})
			}
		}
	}
	// Deleting the project goes last, so that the other routes still find it.
	slices.SortFunc(routes, func(a, b route) int {
		last := func(r route) bool { return r.op == "deleteProjectBySlug" }
		if last(a) != last(b) {
			if last(a) {
				return 1
			}
			return -1
		}
		return strings.Compare(a.method+a.path, b.method+b.path)
	})
	if len(routes) < 20 {
		t.Fatalf("only %d routes take a project slug", len(routes))
	}
	build := func(r route, slug string, escaped bool) string {
		p := r.path
		if strings.Contains(p, "{provider}") {
			parts := strings.SplitN(slug, "/", 3)
			p = strings.NewReplacer("{provider}", parts[0], "{organization}", parts[1], "{project}", parts[2]).Replace(p)
		} else if escaped {
			p = strings.ReplaceAll(p, "{project-slug}", url.PathEscape(slug))
		} else {
			p = strings.ReplaceAll(p, "{project-slug}", slug)
		}
		for k, v := range values {
			p = strings.ReplaceAll(p, "{"+k+"}", v)
		}
		return p
	}
	for _, r := range routes {
		for _, escaped := range []bool{false, true} {
			if escaped && strings.Contains(r.path, "{provider}") {
				continue // those routes take the slug as three segments
			}
			var miss map[string]any
			if got := e.call(fake.DemoToken, r.method, build(r, unknown, escaped), bodies[r.op], &miss); got != 404 || miss["message"] != "Project not found." {
				t.Errorf("%s %s with an unknown project: %d %v, want 404 Project not found.", r.method, r.path, got, miss)
			}
			var hit map[string]any
			got := e.call(fake.DemoToken, r.method, build(r, real, escaped), bodies[r.op], &hit)
			if got == 404 && hit["message"] == "Project not found." {
				t.Errorf("%s %s (escaped: %v): the circleci project is not found", r.method, build(r, real, escaped), escaped)
			}
			if r.op == "deleteProjectBySlug" {
				break // the project is gone now
			}
		}
	}
}

// openapiPaths returns the document's paths.
func openapiPaths(t *testing.T) map[string]*openapi3.PathItem {
	t.Helper()
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return doc.Paths.Map()
}
