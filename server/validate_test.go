package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const contextBody = `{"name":"ctx","owner":{"id":"` + testUUID + `","type":"organization"}}`

// TestNew_malformed sends requests whose parameters, slugs or body the document does not allow; each
// gets 4xx JSON naming the problem and never reaches the implementation. (Malformed paths are in
// TestNew_malformedPath.)
func TestNew_malformed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, server.WithMaxBodyBytes(1024))
	big := `{"name":"` + strings.Repeat("x", 2048) + `","owner":{"id":"` + testUUID + `"}}`
	testRefusals(t, ts, []refusal{
		{"bad UUID", "GET", "/pipeline/not-a-uuid", "", "", auth, 400, "pipeline-id"},
		{"bad UUID, first of two", "PATCH", "/org/nope/project/" + testUUID + "/oidc-custom-claims", "", "", auth, 400, "Path parameter orgID"},
		{"bad UUID, second of two", "PATCH", "/org/" + testUUID + "/project/" + testUUID + "0/oidc-custom-claims", "", "", auth, 400, "Path parameter projectID"},
		{"bad date-time in query", "GET", "/owner/" + testUUID + "/context/config/decision", "after=2023-02-29T00:00:00Z", "", auth, 400, "Query parameter after"},
		{"wrong type in path", "GET", "/project/gh%2Forg%2Frepo/job/abc", "", "", auth, 400, "job-number"},
		{"wrong type in query", "GET", "/deploy/components", "org-id=" + testUUID + "&page-size=many", "", auth, 400, "page-size"},
		{"missing required query", "GET", "/deploy/components", "", "", auth, 400, "org-id"},
		{"bad UUID in query", "GET", "/deploy/components", "org-id=nope", "", auth, 400, "org-id"},
		{"bad JSON", "POST", "/context", "", `{"name":`, auth, 400, "body"},
		{"data after the JSON", "POST", "/context", "", contextBody + "xyz", auth, 400, "unexpected data after the top-level value"},
		{"two JSON values", "POST", "/context", "", contextBody + "\n" + contextBody, auth, 400, "unexpected data after the top-level value"},
		{"data after the JSON, JSON with charset", "POST", "/context", "", contextBody + "}", hdr("Content-Type", "application/json; charset=utf-8"), 400, "unexpected data"},
		{"wrong JSON field type", "POST", "/context", "", `{"name":5,"owner":{"id":"` + testUUID + `"}}`, auth, 400, "name"},
		{"missing required field", "POST", "/context", "", `{"owner":{"id":"` + testUUID + `"}}`, auth, 400, "name"},
		{"missing required body", "POST", "/context/" + testUUID + "/restrictions", "", "", auth, 400, "body"},
		{"wrong content type", "POST", "/context", "", contextBody, hdr("Content-Type", "text/plain"), 400, "Content-Type"},
		{"oversize body", "POST", "/context", "", big, auth, 413, "too large"},
		{"unknown VCS escaped", "GET", "/project/gl%2Forg%2Frepo/pipeline", "", "", auth, 400, `unknown provider "gl"`},
		{"upper-case VCS", "GET", "/project/GH%2Forg%2Frepo", "", "", auth, 400, "unknown provider"},
		{"two-part project slug", "GET", "/project/gh%2Forg", "", "", auth, 400, "project-slug"},
		{"bare VCS as project slug", "GET", "/project/gh/pipeline", "", "", auth, 400, `invalid project slug "gh"`},
		{"bad enum", "GET", "/insights/gh%2Forg/summary", "reporting-window=fortnight", "", auth, 400, "reporting-window"},
		{"wrong token", "GET", "/me", "", "", http.Header{"Circle-Token": {"nope"}}, 401, "log in"},
		{"invalid escape in query value", "GET", "/project/gh/org/repo/pipeline", "branch=%ZZ", "", auth, 400, "Query parameter branch is not validly escaped"},
		{"lone percent in query value", "GET", "/project/gh/org/repo/pipeline", "page-token=x&branch=50%", "", auth, 400, "Query parameter branch"},
		{"invalid escape in query name", "GET", "/project/gh/org/repo/pipeline", "bra%ZZnch=main", "", auth, 400, `Query parameter name "bra%ZZnch"`},
		{"semicolon in query", "GET", "/project/gh/org/repo/pipeline", "branch=a;b", "", auth, 400, `Query parameter branch holds a ";"`},
		{"invalid escape next to a token", "GET", "/me", "circle-token=" + testToken + "%ZZ", "", auth, 400, "Query parameter circle-token"},
	})
}

// TestNew_lenient sends requests the live API accepts although they bend the document.
func TestNew_lenient(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name, method, path, query, body string
		header                          http.Header
		wantOp                          string
		check                           func(t *testing.T, req any)
	}{
		{"charset on JSON", "POST", "/context", "", contextBody, hdr("Content-Type", "application/json; charset=utf-8"), "CreateContext", nil},
		{"no Content-Type", "POST", "/context", "", contextBody, hdr("Content-Type", ""), "CreateContext", nil},
		{"trailing newline", "POST", "/context", "", contextBody + "\n", auth, "CreateContext", nil},
		{"trailing white space", "POST", "/context", "", " " + contextBody + " \r\n\t\n", auth, "CreateContext", nil},
		{"Content-Type on GET", "GET", "/me", "", "", hdr("Content-Type", "application/json"), "GetCurrentUser", nil},
		{"Content-Type on DELETE", "DELETE", "/context/" + testUUID, "", "", hdr("Content-Type", "application/json"), "DeleteContext", nil},
		{"Accept any", "GET", "/me", "", "", hdr("Accept", "*/*"), "GetCurrentUser", nil},
		{"trailing slash", "GET", "/project/gh%2Forg%2Frepo/pipeline/", "", "", auth, "ListPipelinesForProject", nil},
		{"trailing slash raw", "GET", "/project/gh/org/repo/", "", "", auth, "GetProjectBySlug", nil},
		{"empty page-token", "GET", "/project/gh/org/repo/pipeline", "page-token=&branch=main", "", auth, "ListPipelinesForProject",
			func(t *testing.T, req any) {
				r := req.(genserver.ListPipelinesForProjectRequestObject)
				if r.Params.PageToken != nil {
					t.Errorf("PageToken = %q, want nil", *r.Params.PageToken)
				}
				if r.Params.Branch == nil || *r.Params.Branch != "main" {
					t.Errorf("Branch = %v, want main", r.Params.Branch)
				}
			}},
		{"empty then non-empty page-token", "GET", "/project/gh/org/repo/pipeline", "page-token=&page-token=next", "", auth, "ListPipelinesForProject",
			wantPageToken("next")},
		{"non-empty then empty page-token", "GET", "/project/gh/org/repo/pipeline", "page-token=next&page-token=", "", auth, "ListPipelinesForProject",
			wantPageToken("next")},
		{"bare page-token", "GET", "/project/gh/org/repo/pipeline", "page-token", "", auth, "ListPipelinesForProject",
			wantPageToken("")},
		{"page-token kept", "GET", "/project/gh/org/repo/pipeline", "page-token=a%2Bb", "", auth, "ListPipelinesForProject",
			wantPageToken("a+b")},
		{"three-part route", "GET", "/project/gh/org/repo/settings", "", "", auth, "GetProjectSettings", nil},
		{"escaped query value", "GET", "/project/gh/org/repo/pipeline", "branch=feature%2Fx+y%3Bz", "", auth, "ListPipelinesForProject",
			func(t *testing.T, req any) {
				if b := req.(genserver.ListPipelinesForProjectRequestObject).Params.Branch; b == nil || *b != "feature/x y;z" {
					t.Errorf("Branch = %v, want feature/x y;z", b)
				}
			}},
		{"raw org slug", "POST", "/organization/gh/org/project", "", `{"name":"p"}`, auth, "CreateProject",
			func(t *testing.T, req any) {
				if got := req.(genserver.CreateProjectRequestObject).OrgSlugOrID; got != "gh/org" {
					t.Errorf("OrgSlugOrID = %q, want gh/org", got)
				}
			}},
		{"raw circleci org slug", "GET", "/organization/circleci/" + testUUID + "/url-orb-allow-list", "", "", auth, "ListURLOrbAllowListEntries",
			func(t *testing.T, req any) {
				if got := req.(genserver.ListURLOrbAllowListEntriesRequestObject).OrgSlugOrID; got != "circleci/"+testUUID {
					t.Errorf("OrgSlugOrID = %q", got)
				}
			}},
		{"policy bundle trailing slash", "GET", "/owner/" + testUUID + "/context/config/policy-bundle/", "", "", auth, "GetPolicyBundle", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := wantCall(t, ts.send(t, tt.method, tt.path, tt.query, tt.body, tt.header), tt.wantOp)
			if tt.check != nil {
				tt.check(t, req)
			}
		})
	}
}

// wantPageToken checks the page-token a ListPipelinesForProject request reached the implementation
// with; "" means none.
func wantPageToken(want string) func(t *testing.T, req any) {
	return func(t *testing.T, req any) {
		t.Helper()
		got := req.(genserver.ListPipelinesForProjectRequestObject).Params.PageToken
		switch {
		case want == "" && got != nil:
			t.Errorf("PageToken = %q, want none", *got)
		case want != "" && (got == nil || *got != want):
			t.Errorf("PageToken = %v, want %q", got, want)
		}
	}
}
