package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/servertest"
)

var auth = http.Header{"Circle-Token": {testToken}}

func hdr(kv ...string) http.Header {
	h := http.Header{"Circle-Token": {testToken}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

const contextBody = `{"name":"ctx","owner":{"id":"` + testUUID + `","type":"organization"}}`

// TestNew_malformed sends requests the document does not allow; each gets 4xx JSON naming the problem
// and never reaches the implementation.
func TestNew_malformed(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t, server.WithMaxBodyBytes(1024))
	srv := servertest.NewServer(t, h)
	big := `{"name":"` + strings.Repeat("x", 2048) + `","owner":{"id":"` + testUUID + `"}}`
	tests := []struct {
		name, method, path, query, body string
		header                          http.Header
		wantCode                        int
		wantMsg                         string // fragment of the message
	}{
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
		{"unknown VCS raw", "GET", "/project/gl/org/repo/pipeline", "", "", auth, 404, "Not found"},
		{"upper-case VCS", "GET", "/project/GH%2Forg%2Frepo", "", "", auth, 400, "unknown provider"},
		{"two-part project slug", "GET", "/project/gh%2Forg", "", "", auth, 400, "project-slug"},
		{"bare VCS as project slug", "GET", "/project/gh/pipeline", "", "", auth, 400, `invalid project slug "gh"`},
		{"dot-dot raw in slug", "GET", "/project/gh/../repo/pipeline", "", "", auth, 400, `".."`},
		{"dot-dot escaped in slug", "GET", "/project/gh%2F%2e%2e%2Frepo/pipeline", "", "", auth, 400, `".."`},
		{"dot-dot escaped in raw slug", "GET", "/project/gh/org/%2E%2E/pipeline", "", "", auth, 400, `".."`},
		{"dot-dot as a segment", "GET", "/context/%2e%2e", "", "", auth, 400, `".."`},
		{"double slash", "GET", "/project//pipeline", "", "", auth, 400, "//"},
		{"double slash in slug", "GET", "/project/gh//repo/pipeline", "", "", auth, 400, "//"},
		{"unknown route", "GET", "/nothing/here", "", "", auth, 404, "Not found"},
		{"wrong method", "PUT", "/pipeline/" + testUUID, "", "", auth, 405, "GET"},
		{"bad enum", "GET", "/insights/gh%2Forg/summary", "reporting-window=fortnight", "", auth, 400, "reporting-window"},
		{"wrong token", "GET", "/me", "", "", http.Header{"Circle-Token": {"nope"}}, 401, "log in"},
		{"invalid escape in query value", "GET", "/project/gh/org/repo/pipeline", "branch=%ZZ", "", auth, 400, "Query parameter branch is not validly escaped"},
		{"lone percent in query value", "GET", "/project/gh/org/repo/pipeline", "page-token=x&branch=50%", "", auth, 400, "Query parameter branch"},
		{"invalid escape in query name", "GET", "/project/gh/org/repo/pipeline", "bra%ZZnch=main", "", auth, 400, `Query parameter name "bra%ZZnch"`},
		{"semicolon in query", "GET", "/project/gh/org/repo/pipeline", "branch=a;b", "", auth, 400, `Query parameter branch holds a ";"`},
		{"invalid escape next to a token", "GET", "/me", "circle-token=" + testToken + "%ZZ", "", auth, 400, "Query parameter circle-token"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("malformed-%d", i)
			h := tt.header.Clone()
			h.Set("X-Request-Id", id)
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			resp := do(t, srv.URL, tt.method, "/api/v2"+tt.path, tt.query, body, h)
			if resp.code != tt.wantCode {
				t.Errorf("status %d %s, want %d", resp.code, resp.body, tt.wantCode)
			}
			msg, _ := resp.json["message"].(string)
			t.Logf("%d %s", resp.code, msg)
			if strings.Contains(string(resp.body), testToken) {
				t.Errorf("the response holds the token: %s", resp.body)
			}
			if msg == "" || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q, want it to contain %q", msg, tt.wantMsg)
			}
			if calls := rec.takenBy(id); len(calls) != 0 {
				t.Errorf("implementation reached: %v", calls)
			}
		})
	}
}

// TestNew_lenient sends requests the live API accepts although they bend the document.
func TestNew_lenient(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	srv := servertest.NewServer(t, h)
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
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("lenient-%d", i)
			h := tt.header.Clone()
			h.Set("X-Request-Id", id)
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			resp := do(t, srv.URL, tt.method, "/api/v2"+tt.path, tt.query, body, h)
			calls := rec.takenBy(id)
			if len(calls) != 1 {
				t.Fatalf("implementation called %d times; response %d %s", len(calls), resp.code, resp.body)
			}
			if calls[0].op != tt.wantOp {
				t.Errorf("operation %s, want %s", calls[0].op, tt.wantOp)
			}
			if tt.check != nil {
				tt.check(t, calls[0].request)
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

// TestNew_slugForms checks which operation, with which decoded slug, a raw or escaped slug reaches
// where the path could be read more than one way.
func TestNew_slugForms(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	srv := servertest.NewServer(t, h)
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
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("slugform-%d", i)
			resp := do(t, srv.URL, tt.method, "/api/v2"+tt.path, "", nil, hdr("X-Request-Id", id))
			calls := rec.takenBy(id)
			if len(calls) != 1 {
				t.Fatalf("implementation called %d times; response %d %s", len(calls), resp.code, resp.body)
			}
			if calls[0].op != tt.wantOp {
				t.Errorf("operation %s, want %s", calls[0].op, tt.wantOp)
			}
			got := fieldValues(calls[0].request)
			for _, w := range tt.want {
				if !contains(got, w) {
					t.Errorf("decoded parameter %q not among the request object's fields %q", w, got)
				}
			}
		})
	}
}

// TestNew_tokens checks every way CircleCI accepts a token, and that the principal reaches the
// implementation.
func TestNew_tokens(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	var mu sync.Mutex
	principals := map[string]server.Principal{}
	rec.respond = func(ctx context.Context, op string, request any) (any, error) {
		p, ok := server.PrincipalFromContext(ctx)
		if !ok {
			return nil, errors.New("no principal")
		}
		mu.Lock()
		principals[server.RequestIDFromContext(ctx)] = p
		mu.Unlock()
		return genserver.GetCurrentUser200JSONResponse{ID: uuid.MustParse(testUUID), Login: "tester", Name: "Tester"}, nil
	}
	srv := servertest.NewServer(t, h)
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name    string
		header  http.Header
		query   string
		want    int
		wantMsg string // fragment of the error message
	}{
		{"Circle-Token", http.Header{"Circle-Token": {testToken}}, "", 200, ""},
		{"Bearer", http.Header{"Authorization": {"Bearer " + testToken}}, "", 200, ""},
		{"bearer lower case", http.Header{"Authorization": {"bearer " + testToken}}, "", 200, ""},
		{"basic with token as user", http.Header{"Authorization": {basic(testToken, "")}}, "", 200, ""},
		{"query", nil, "circle-token=" + testToken, 200, ""},
		{"unknown", http.Header{"Circle-Token": {testToken + "x"}}, "", 401, ""},
		{"prefix of token", http.Header{"Circle-Token": {testToken[:4]}}, "", 401, ""},
		{"bearer unknown", http.Header{"Authorization": {"Bearer nope"}}, "", 401, ""},
		{"basic with token as password", http.Header{"Authorization": {basic("", testToken)}}, "", 200, ""},
		{"basic garbage", http.Header{"Authorization": {"Basic !!!"}}, "", 401, "not valid base64"},
		{"basic garbage does not fall back to the query", http.Header{"Authorization": {"Basic !!!"}}, "circle-token=" + testToken, 401, "not valid base64"},
		{"basic without padding", http.Header{"Authorization": {strings.TrimRight(basic(testToken+"x", ""), "=")}}, "", 401, "not valid base64"},
		{"basic without token", http.Header{"Authorization": {basic("", "")}}, "", 401, "without a token"},
		{"bearer empty", http.Header{"Authorization": {"Bearer "}}, "circle-token=" + testToken, 401, "empty Bearer token"},
		{"other scheme", http.Header{"Authorization": {"Token " + testToken}}, "", 401, "scheme other than"},
		{"other scheme does not fall back to the query", http.Header{"Authorization": {"Token " + testToken}}, "circle-token=" + testToken, 401, "scheme other than"},
		{"Circle-Token wins over a bad Authorization", http.Header{"Circle-Token": {testToken}, "Authorization": {"Basic !!!"}}, "", 200, ""},
		{"none", nil, "", 401, "You must log in first."},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("tok-%d", i)
			h := tt.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			h.Set("X-Request-Id", id)
			resp := do(t, srv.URL, "GET", "/api/v2/me", tt.query, nil, h)
			if resp.code != tt.want {
				t.Fatalf("status %d %s, want %d", resp.code, resp.body, tt.want)
			}
			if strings.Contains(string(resp.body), testToken) {
				t.Errorf("response body contains the token: %s", resp.body)
			}
			if msg, _ := resp.json["message"].(string); tt.wantMsg != "" && !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q, want it to contain %q", msg, tt.wantMsg)
			}
			if tt.want == 200 {
				mu.Lock()
				p := principals[id]
				mu.Unlock()
				if diff := cmp.Diff(server.Principal{ID: "u1", Name: "tester"}, p); diff != "" {
					t.Errorf("principal (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestNew_authenticatorErrors checks how the errors of an Authenticator are answered: an *Error with
// an error status as it is (its status text when it has no message), anything else as 401.
func TestNew_authenticatorErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		wantCode int
		wantMsg  string
	}{
		{"typed", server.Forbidden("Suspended."), 403, "Suspended."},
		{"typed without message", &server.Error{Status: http.StatusForbidden}, 403, "Forbidden"},
		{"typed with a success status", &server.Error{Status: http.StatusOK, Message: "odd"}, 401, "You must log in first."},
		{"untyped", errors.New("token database down"), 401, "You must log in first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := server.AuthenticatorFunc(func(context.Context, string) (server.Principal, error) { return server.Principal{}, tt.err })
			h, err := server.New(&recorder{}, server.WithAuthenticator(a))
			if err != nil {
				t.Fatal(err)
			}
			srv := servertest.NewServer(t, h)
			resp := do(t, srv.URL, "GET", "/api/v2/me", "", nil, auth)
			if resp.code != tt.wantCode {
				t.Errorf("status %d, want %d", resp.code, tt.wantCode)
			}
			if diff := cmp.Diff(map[string]any{"message": tt.wantMsg}, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStaticTokens(t *testing.T) {
	t.Parallel()
	a := server.StaticTokens(map[string]server.Principal{"alpha": {ID: "a"}, "beta": {ID: "b"}, "": {ID: "empty"}})
	tests := []struct {
		token   string
		want    server.Principal
		wantErr error
	}{
		{"alpha", server.Principal{ID: "a"}, nil},
		{"beta", server.Principal{ID: "b"}, nil},
		{"", server.Principal{}, server.ErrUnknownToken},
		{"alph", server.Principal{}, server.ErrUnknownToken},
		{"alphaa", server.Principal{}, server.ErrUnknownToken},
	}
	for _, tt := range tests {
		p, err := a.Authenticate(context.Background(), tt.token)
		if !errors.Is(err, tt.wantErr) || p != tt.want {
			t.Errorf("Authenticate(%q) = %v, %v; want %v, %v", tt.token, p, err, tt.want, tt.wantErr)
		}
	}
}

// TestNew_errors checks the one error shape on the paths that start in the implementation.
func TestNew_errors(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	rec, h := newRecorded(t, server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	rec.respond = func(ctx context.Context, op string, request any) (any, error) {
		switch op {
		case "GetPipelineByID":
			return nil, server.NotFound("Pipeline not found.")
		case "GetCurrentUser":
			return nil, errors.New("database password is hunter2")
		case "GetCollaborations":
			panic("boom")
		case "GetPolicyBundle":
			return nil, server.Forbidden("Not allowed.")
		case "GetProjectBySlug":
			return nil, server.Conflict("Busy.")
		case "GetPipelineConfigByID":
			return nil, server.NotFound("")
		case "GetOrgClaims":
			return nil, &server.Error{Status: http.StatusForbidden}
		case "GetPipelineValuesByID":
			return nil, server.NewError(599, "")
		}
		return nil, nil
	}
	srv := servertest.NewServer(t, h)
	tests := []struct {
		name, path string
		want       int
		wantBody   map[string]any
	}{
		{"typed error", "/pipeline/" + testUUID, 404, map[string]any{"message": "Pipeline not found."}},
		{"internal error", "/me", 500, map[string]any{"message": "Internal server error."}},
		{"panic", "/me/collaborations", 500, map[string]any{"message": "Internal server error."}},
		{"service error body", "/owner/" + testUUID + "/context/config/policy-bundle", 403, map[string]any{"message": "Not allowed.", "error": "Not allowed."}},
		{"undocumented status keeps the shape", "/project/gh/org/repo", 409, map[string]any{"message": "Busy."}},
		{"typed error without message", "/pipeline/" + testUUID + "/config", 404, map[string]any{"message": "Not Found"}},
		{"service error without message", "/org/" + testUUID + "/oidc-custom-claims", 403, map[string]any{"message": "Forbidden", "error": "Forbidden"}},
		{"status without text", "/pipeline/" + testUUID + "/values", 599, map[string]any{"message": "HTTP status 599."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := do(t, srv.URL, "GET", "/api/v2"+tt.path, "", nil, auth)
			if resp.code != tt.want {
				t.Errorf("status %d, want %d", resp.code, tt.want)
			}
			if diff := cmp.Diff(tt.wantBody, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
	t.Cleanup(func() {
		if !strings.Contains(logs.String(), "hunter2") {
			t.Errorf("the internal error text was not logged: %s", logs.String())
		}
		if !strings.Contains(logs.String(), "boom") {
			t.Errorf("the panic was not logged: %s", logs.String())
		}
	})
}

// TestNew_serviceErrorsWithoutRoute checks that errors about the path itself (a method it does not
// serve, a path that matches nothing, an empty segment) carry the "error" member where the path belongs
// to operations whose documented error body is {"error": ...}, and only there.
func TestNew_serviceErrorsWithoutRoute(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	srv := servertest.NewServer(t, h)
	policy := "/owner/" + testUUID + "/context/config"
	tests := []struct {
		name, method, path string
		wantCode           int
		wantError          bool
	}{
		{"policy 405", "PUT", policy + "/policy-bundle", 405, true},
		{"policy 405 with trailing slash", "DELETE", policy + "/decision/", 405, true},
		{"OIDC 405", "POST", "/org/" + testUUID + "/oidc-custom-claims", 405, true},
		{"OIDC project 405", "PUT", "/org/" + testUUID + "/project/" + testUUID + "/oidc-custom-claims", 405, true},
		{"policy 404", "GET", policy + "/nothing", 404, true},
		{"policy 404 deeper", "GET", policy + "/policy-bundle/name/more", 404, true},
		{"OIDC 404", "GET", "/org/" + testUUID + "/nothing", 404, true},
		{"policy empty segment", "GET", "/owner//context/config/policy-bundle", 400, true},
		{"other 405", "PUT", "/context/" + testUUID, 405, false},
		{"other 404", "GET", "/nothing", 404, false},
		{"other 404 under a shared word", "GET", "/organization/gh%2Fo/nothing", 404, false},
		{"other empty segment", "GET", "/context//x", 400, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("service-%d", i)
			resp := do(t, srv.URL, tt.method, "/api/v2"+tt.path, "", nil, hdr("X-Request-Id", id))
			if resp.code != tt.wantCode {
				t.Errorf("status %d %s, want %d", resp.code, resp.body, tt.wantCode)
			}
			msg, _ := resp.json["message"].(string)
			if msg == "" {
				t.Errorf("no message: %s", resp.body)
			}
			want := map[string]any{"message": msg}
			if tt.wantError {
				want["error"] = msg
			}
			if diff := cmp.Diff(want, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if calls := rec.takenBy(id); len(calls) != 0 {
				t.Errorf("implementation reached: %v", calls)
			}
		})
	}
}

// TestNew_405 checks the Allow header on wrong methods.
func TestNew_405(t *testing.T) {
	t.Parallel()
	_, h := newRecorded(t)
	srv := servertest.NewServer(t, h)
	tests := []struct{ method, path, wantAllow string }{
		{"PATCH", "/context/" + testUUID, "DELETE, GET, HEAD"},
		{"GET", "/pipeline/continue", "POST"},
		{"HEAD", "/pipeline/continue", "POST"},
	}
	for _, tt := range tests {
		resp := do(t, srv.URL, tt.method, "/api/v2"+tt.path, "", nil, auth)
		if resp.code != 405 || resp.header.Get("Allow") != tt.wantAllow {
			t.Errorf("%s %s: status %d, Allow %q; want 405, %q", tt.method, tt.path, resp.code, resp.header.Get("Allow"), tt.wantAllow)
		}
	}
}

// TestNew_head checks that HEAD is answered as the GET of the path, with the same status and headers
// and no body, and never reaches an operation a GET would not.
func TestNew_head(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	rec.respond = func(ctx context.Context, op string, request any) (any, error) {
		if op == "GetCurrentUser" {
			return genserver.GetCurrentUser200JSONResponse{ID: uuid.MustParse(testUUID), Login: "tester", Name: "Tester"}, nil
		}
		return nil, server.NotFound("Recorded.")
	}
	srv := servertest.NewServer(t, h)
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
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			get := do(t, srv.URL, "GET", "/api/v2"+tt.path, "", nil, hdr("X-Request-Id", fmt.Sprintf("get-%d", i)))
			id := fmt.Sprintf("head-%d", i)
			head := do(t, srv.URL, "HEAD", "/api/v2"+tt.path, "", nil, hdr("X-Request-Id", id))
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
			for _, c := range rec.takenBy(id) {
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

// TestNew_log checks the request log: route pattern rather than the path, request ID echoed or made
// up, and no token anywhere.
func TestNew_log(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	_, h := newRecorded(t, server.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	srv := servertest.NewServer(t, h)
	resp := do(t, srv.URL, "GET", "/api/v2/project/gh/secret-org/repo/pipeline", "circle-token="+testToken, nil,
		http.Header{"X-Request-Id": {"req-123"}})
	if got := resp.header.Get("X-Request-Id"); got != "req-123" {
		t.Errorf("X-Request-Id = %q, want it echoed", got)
	}
	resp = do(t, srv.URL, "GET", "/api/v2/me", "", nil, http.Header{"Authorization": {"Bearer " + testToken}})
	if got := resp.header.Get("X-Request-Id"); got == "" {
		t.Error("no X-Request-Id made up")
	}
	out := logs.String()
	for _, want := range []string{"route=/api/v2/project/{project-slug}/pipeline", "status=404", "request_id=req-123", "method=GET", "duration=", "bytes="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{testToken, "secret-org"} {
		if strings.Contains(out, bad) {
			t.Errorf("log contains %q:\n%s", bad, out)
		}
	}
}

// TestNew_logPanic checks that the request log line of a request whose implementation panics shows
// the 500 the client got (recover is outside the log stage), with the route and the operation, once,
// and that the 500 has the operation's error shape.
func TestNew_logPanic(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	rec, h := newRecorded(t, server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	rec.respond = func(context.Context, string, any) (any, error) { panic("boom") }
	srv := servertest.NewServer(t, h)
	tests := []struct {
		id, path, route, op string
		wantBody            map[string]any
	}{
		{"panic-plain", "/me/collaborations", "/api/v2/me/collaborations", "getCollaborations",
			map[string]any{"message": "Internal server error."}},
		{"panic-service", "/owner/" + testUUID + "/context/config/policy-bundle", "/api/v2/owner/{ownerID}/context/{context}/policy-bundle", "GetPolicyBundle",
			map[string]any{"message": "Internal server error.", "error": "Internal server error."}},
	}
	for _, tt := range tests {
		resp := do(t, srv.URL, "GET", "/api/v2"+tt.path, "", nil, http.Header{"Circle-Token": {testToken}, "X-Request-Id": {tt.id}})
		if resp.code != 500 {
			t.Errorf("%s: status %d, want 500", tt.path, resp.code)
		}
		if diff := cmp.Diff(tt.wantBody, resp.json); diff != "" {
			t.Errorf("%s: body (-want +got):\n%s", tt.path, diff)
		}
	}
	// The line is written before the handler returns, so before the client has the response.
	got := requestLines(t, logs.String())
	for _, tt := range tests {
		want := []logLine{{Msg: "request", RequestID: tt.id, Status: 500, Route: tt.route, Operation: tt.op}}
		if diff := cmp.Diff(want, got[tt.id], cmpopts.IgnoreFields(logLine{}, "Bytes")); diff != "" {
			t.Errorf("%s: request log lines (-want +got):\n%s", tt.path, diff)
		}
		if ls := got[tt.id]; len(ls) == 1 && ls[0].Bytes == 0 {
			t.Errorf("%s: the log line counts no bytes of the 500 body", tt.path)
		}
	}
}

// TestNew_invalidPathEscape pins the limitation the package documentation states: net/http refuses a
// path with a malformed escape itself, in plain text, before the handler can answer.
func TestNew_invalidPathEscape(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The Go client refuses to send such a path, so it is written by hand.
	if _, err := io.WriteString(conn, "GET /api/v2/project/%zz/pipeline HTTP/1.1\r\nHost: x\r\nCircle-Token: "+testToken+"\r\nX-Request-Id: bad-escape\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("status %d, Content-Type %q: net/http no longer answers this itself; update the package documentation",
			res.StatusCode, res.Header.Get("Content-Type"))
	}
	if calls := rec.takenBy("bad-escape"); len(calls) != 0 {
		t.Errorf("implementation reached: %v", calls)
	}
}

// TestNew_endpoints checks /healthz and openapi.json, both without a token, and the base path option.
func TestNew_endpoints(t *testing.T) {
	t.Parallel()
	_, h := newRecorded(t, server.WithBasePath("/ci"))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tests := []struct {
		path string
		want int
		frag string
	}{
		{"/healthz", 200, `"status":"ok"`},
		{"/ci/openapi.json", 200, `"openapi":"3.0.3"`},
		{"/ci/me", 401, "log in"},
		{"/api/v2/me", 404, "Not found"},
		{"/ci", 404, "Not found"},
		{"/cixyz/me", 404, "Not found"},
	}
	for _, tt := range tests {
		resp := do(t, srv.URL, "GET", tt.path, "", nil, nil)
		if resp.code != tt.want || !bytes.Contains(resp.body, []byte(tt.frag)) {
			t.Errorf("GET %s: %d %.80s; want %d with %q", tt.path, resp.code, resp.body, tt.want, tt.frag)
		}
	}
}

func TestNew_options(t *testing.T) {
	t.Parallel()
	impl := &recorder{}
	ok := server.WithAuthenticator(server.StaticToken("t", server.Principal{}))
	tests := []struct {
		name string
		opts []server.Option
	}{
		{"no authenticator", nil},
		{"nil authenticator", []server.Option{server.WithAuthenticator(nil)}},
		{"base path without slash", []server.Option{ok, server.WithBasePath("api")}},
		{"base path with trailing slash", []server.Option{ok, server.WithBasePath("/api/")}},
		{"zero body limit", []server.Option{ok, server.WithMaxBodyBytes(0)}},
		{"nil logger", []server.Option{ok, server.WithLogger(nil)}},
		{"nil middleware", []server.Option{ok, server.WithStrictMiddlewares(nil)}},
		{"nil route middleware", []server.Option{ok, server.WithRouteMiddlewares(nil)}},
		{"nil route middleware among others", []server.Option{ok, server.WithRouteMiddlewares(func(h http.Handler) http.Handler { return h }, nil)}},
	}
	for _, tt := range tests {
		if _, err := server.New(impl, tt.opts...); err == nil {
			t.Errorf("%s: New succeeded, want an error", tt.name)
		}
	}
	if _, err := server.New(nil, ok); err == nil {
		t.Error("New(nil) succeeded")
	}
	if _, err := server.New(impl, ok, server.WithBasePath("")); err != nil {
		t.Errorf("root base path: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNew_routeMiddlewares checks what the middlewares of WithRouteMiddlewares see: the routed
// request with its operation and route template, in the order given, before authentication and
// validation; and that requests which match no operation never reach them.
func TestNew_routeMiddlewares(t *testing.T) {
	t.Parallel()
	type seen struct {
		Op, Route, Method, Path string
		Authenticated           bool
		Order                   []string
	}
	var mu sync.Mutex
	byID := map[string]*seen{}
	mark := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				mu.Lock()
				id := server.RequestIDFromContext(ctx)
				s := byID[id]
				if s == nil {
					_, authenticated := server.PrincipalFromContext(ctx)
					s = &seen{Op: server.OperationIDFromContext(ctx), Route: server.RouteFromContext(ctx),
						Method: r.Method, Path: r.URL.EscapedPath(), Authenticated: authenticated}
					byID[id] = s
				}
				s.Order = append(s.Order, name)
				mu.Unlock()
				next.ServeHTTP(w, r)
			})
		}
	}
	rec, h := newRecorded(t, server.WithRouteMiddlewares(mark("outer"), mark("inner")))
	srv := servertest.NewServer(t, h)
	order := []string{"outer", "inner"}
	tests := []struct {
		name, method, path string
		header             http.Header
		wantCode           int
		want               *seen // nil: no route middleware reached
		wantImpl           bool
	}{
		{"raw slug", "GET", "/api/v2/project/gh/org/repo/pipeline", auth, 404,
			&seen{"listPipelinesForProject", "/project/{project-slug}/pipeline", "GET", "/api/v2/project/gh%2Forg%2Frepo/pipeline", false, order}, true},
		{"escaped slug, trailing slash", "GET", "/api/v2/project/gh%2Forg%2Frepo/pipeline/", auth, 404,
			&seen{"listPipelinesForProject", "/project/{project-slug}/pipeline", "GET", "/api/v2/project/gh%2Forg%2Frepo/pipeline", false, order}, true},
		{"escaped slug on a three-part route", "GET", "/api/v2/project/gh%2Fo%2Fr/settings", auth, 404,
			&seen{"getProjectSettings", "/project/{provider}/{organization}/{project}/settings", "GET", "/api/v2/project/gh/o/r/settings", false, order}, true},
		{"HEAD served as GET", "HEAD", "/api/v2/me", auth, 404,
			&seen{"getCurrentUser", "/me", "GET", "/api/v2/me", false, order}, true},
		{"before authentication", "GET", "/api/v2/me", nil, 401,
			&seen{"getCurrentUser", "/me", "GET", "/api/v2/me", false, order}, false},
		{"before validation", "GET", "/api/v2/pipeline/nope", auth, 400,
			&seen{"getPipelineById", "/pipeline/{pipeline-id}", "GET", "/api/v2/pipeline/nope", false, order}, false},
		{"no route", "GET", "/api/v2/nothing", auth, 404, nil, false},
		{"method not served", "PUT", "/api/v2/pipeline/" + testUUID, auth, 405, nil, false},
		{"empty segment", "GET", "/api/v2/project//pipeline", auth, 400, nil, false},
		{"dot-dot parameter", "GET", "/api/v2/context/%2e%2e", auth, 400, nil, false},
		{"outside the base path", "GET", "/nothing", auth, 404, nil, false},
		{"health check", "GET", "/healthz", nil, 200, nil, false},
		{"document", "GET", "/api/v2/openapi.json", nil, 200, nil, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("routemw-%d", i)
			h := tt.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			h.Set("X-Request-Id", id)
			resp := do(t, srv.URL, tt.method, tt.path, "", nil, h)
			if resp.code != tt.wantCode {
				t.Errorf("status %d %s, want %d", resp.code, resp.body, tt.wantCode)
			}
			mu.Lock()
			got := byID[id]
			mu.Unlock()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("seen by the route middlewares (-want +got):\n%s", diff)
			}
			if calls := rec.takenBy(id); (len(calls) == 1) != tt.wantImpl {
				t.Errorf("implementation calls %v, want reached = %v", calls, tt.wantImpl)
			}
		})
	}
}
