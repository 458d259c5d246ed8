package server_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// TestNew_malformedPath sends paths that match no route, or whose parameters cannot be taken apart
// safely; each gets 4xx JSON naming the problem and never reaches the implementation.
func TestNew_malformedPath(t *testing.T) {
	t.Parallel()
	testRefusals(t, newTestServer(t), []refusal{
		{"unknown VCS raw", "GET", "/project/gl/org/repo/pipeline", "", "", auth, 404, "Not found"},
		{"dot-dot raw in slug", "GET", "/project/gh/../repo/pipeline", "", "", auth, 400, `".."`},
		{"dot-dot escaped in slug", "GET", "/project/gh%2F%2e%2e%2Frepo/pipeline", "", "", auth, 400, `".."`},
		{"dot-dot escaped in raw slug", "GET", "/project/gh/org/%2E%2E/pipeline", "", "", auth, 400, `".."`},
		{"dot-dot as a segment", "GET", "/context/%2e%2e", "", "", auth, 400, `".."`},
		{"double slash", "GET", "/project//pipeline", "", "", auth, 400, "//"},
		{"double slash in slug", "GET", "/project/gh//repo/pipeline", "", "", auth, 400, "//"},
		{"unknown route", "GET", "/nothing/here", "", "", auth, 404, "Not found"},
		{"wrong method", "PUT", "/pipeline/" + testUUID, "", "", auth, 405, "GET"},
	})
}

// TestNew_slugForms checks which operation, with which decoded slug, a raw or escaped slug reaches
// where the path could be read more than one way.
func TestNew_slugForms(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name, method, path string
		wantOp             string
		want               []string // decoded path parameters among the request object's fields
	}{
		{"repository named like a route word", "GET", "/project/gh/pipeline/mine", "GetProjectBySlug", []string{"gh/pipeline/mine"}},
		{"organization named like a route word", "GET", "/project/gh/job/5", "GetProjectBySlug", []string{"gh/job/5"}},
		{"repository pipeline with its pipelines", "GET", "/project/gh/org/pipeline/pipeline/mine", "ListMyPipelines", []string{"gh/org/pipeline"}},
		{"insights organization named workflows", "GET", "/insights/gh/workflows/summary", "GetOrgSummaryData", []string{"gh/workflows"}},
		{"organization named project", "GET", "/organization/gh/project", "GetOrganization", []string{"gh/project"}},
		{"three-part route as it is", "GET", "/project/gh/o/r/settings", "GetProjectSettings", []string{"gh", "o", "r"}},
		{"escaped slug as it is", "GET", "/project/gh%2Fpipeline%2Fmine", "GetProjectBySlug", []string{"gh/pipeline/mine"}},
		{"escaped slug on a three-part route", "GET", "/project/gh%2Fo%2Fr/settings", "GetProjectSettings", []string{"gh", "o", "r"}},
		{"escaped slug on a three-part route, lower-case escape", "GET", "/project/github%2fo%2fr/settings", "GetProjectSettings", []string{"github", "o", "r"}},
		{"escaped slug on a three-part route another path also matches", "POST", "/project/gh%2Fo%2Fr/pipeline/run", "TriggerPipelineRun", []string{"gh", "o", "r"}},
		{"half-escaped slug, organization escaped", "GET", "/project/gh%2Fo/r/pipeline", "ListPipelinesForProject", []string{"gh/o/r"}},
		{"half-escaped slug, repository escaped", "GET", "/project/gh/o%2Fr/pipeline", "ListPipelinesForProject", []string{"gh/o/r"}},
		{"half-escaped slug on a three-part route", "GET", "/project/gh%2Fo/r/settings", "GetProjectSettings", []string{"gh", "o", "r"}},
		{"half-escaped insights slug", "GET", "/insights/gh%2Fo/r/workflows", "GetProjectWorkflowMetrics", []string{"gh/o/r"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantFields(t, wantCall(t, ts.send(t, tt.method, tt.path, "", "", auth), tt.wantOp), tt.want)
		})
	}
}

// TestNew_405 checks the Allow header on wrong methods.
func TestNew_405(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ method, path, wantAllow string }{
		{"PATCH", "/context/" + testUUID, "DELETE, GET, HEAD"},
		{"GET", "/pipeline/continue", "POST"},
		{"HEAD", "/pipeline/continue", "POST"},
	}
	for _, tt := range tests {
		resp := ts.send(t, tt.method, tt.path, "", "", auth)
		if resp.code != 405 || resp.header.Get("Allow") != tt.wantAllow {
			t.Errorf("%s %s: status %d, Allow %q; want 405, %q", tt.method, tt.path, resp.code, resp.header.Get("Allow"), tt.wantAllow)
		}
	}
}

// TestNew_head checks that HEAD is answered as the GET of the path, with the same status and headers
// and no body, and never reaches an operation a GET would not.
func TestNew_head(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.rec.respondWith(func(ctx context.Context, op string, request any) (any, error) {
		if op == "GetCurrentUser" {
			return genserver.GetCurrentUser200JSONResponse{ID: uuid.MustParse(testUUID), Login: "tester", Name: "Tester"}, nil
		}
		return nil, server.NotFound("Recorded.")
	})
	tests := []struct {
		name, path string
		wantCode   int
		wantOp     string // "" for none
	}{
		{"user", "/me", 200, "GetCurrentUser"},
		{"raw slug", "/project/gh/org/repo/pipeline", 404, "ListPipelinesForProject"},
		{"service path", "/owner/" + testUUID + "/context/config/policy-bundle", 404, "GetPolicyBundle"},
		{"no GET on the path", "/pipeline/continue", 405, ""},
		{"no path", "/nothing", 404, ""},
		{"invalid parameter", "/pipeline/nope", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			get := ts.send(t, "GET", tt.path, "", "", auth)
			head := ts.send(t, "HEAD", tt.path, "", "", auth)
			if head.code != tt.wantCode || len(head.body) != 0 {
				t.Errorf("HEAD: %d with %d body bytes, want %d with none", head.code, len(head.body), tt.wantCode)
			}
			if tt.wantCode != 405 && head.code != get.code {
				t.Errorf("HEAD %d, GET %d", head.code, get.code)
			}
			for _, k := range []string{"Content-Type", "Content-Length"} {
				if tt.wantCode != 405 && head.header.Get(k) != get.header.Get(k) {
					t.Errorf("%s: HEAD %q, GET %q", k, head.header.Get(k), get.header.Get(k))
				}
			}
			var ops []string
			for _, c := range head.calls {
				ops = append(ops, c.op)
			}
			var want []string
			if tt.wantOp != "" {
				want = []string{tt.wantOp}
			}
			if diff := cmp.Diff(want, ops); diff != "" {
				t.Errorf("operations reached (-want +got):\n%s", diff)
			}
		})
	}
}
