package fake_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/internal/route"
	"github.com/google/go-cmp/cmp"
)

// TestFault_Count checks that a fault added over /_fake/faults answers the next count matching
// requests, with its Retry-After, and then lets requests through; and that a status neither 429 nor
// 5xx is refused.
func TestFault_Count(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustControl(201, "POST", "/_fake/faults", map[string]any{"path": "/me", "status": 429, "retry_after": "2s", "count": 2}, nil)
	var got []string
	for range 3 {
		status, retryAfter := e.get("/me")
		got = append(got, fmt.Sprint(status, " ", retryAfter))
	}
	if diff := cmp.Diff([]string{"429 2", "429 2", "200 "}, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if status := e.control("POST", "/_fake/faults", map[string]any{"status": 200, "count": 1}, nil); status != 400 {
		t.Errorf("a 200 fault was accepted: %d", status)
	}
}

// TestFault_ProjectSlugForms checks that a fault registered for a project path matches requests that
// write the project slug in another form, and only those of that project.
func TestFault_ProjectSlugForms(t *testing.T) {
	t.Parallel()
	const (
		circleOrg  = "7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b"
		circleProj = "0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b"
	)
	tests := []struct {
		name, fault, request string
		want                 int
	}{
		{"raw fault, escaped request", "/project/gh/demo-org/demo-app", "/project/gh%2Fdemo-org%2Fdemo-app", 503},
		{"raw fault, github request", "/project/gh/demo-org/demo-app", "/project/github/demo-org/demo-app", 503},
		{"raw fault, escaped github request", "/project/gh/demo-org/demo-app/pipeline", "/project/github%2Fdemo-org%2Fdemo-app/pipeline", 503},
		{"half-escaped request", "/project/gh/demo-org/demo-app/pipeline", "/project/gh%2Fdemo-org/demo-app/pipeline", 503},
		{"escaped fault, raw request", "/project/gh%2Fdemo-org%2Fdemo-app/pipeline", "/project/gh/demo-org/demo-app/pipeline", 503},
		{"github fault, gh request", "/project/github/demo-org/demo-app", "/project/gh/demo-org/demo-app", 503},
		{"case of the names", "/project/gh/Demo-Org/demo-app", "/project/gh/demo-org/DEMO-APP", 503},
		{"prefix fault", "/project/github/demo-org/demo-app/*", "/project/gh%2Fdemo-org%2Fdemo-app/pipeline", 503},
		{"prefix fault, other route", "/project/gh/demo-org/demo-app/*", "/project/gh/demo-org/demo-app/envvar", 503},
		{"escaped prefix cut in the slug", "/project/gh%2Fdemo-org*", "/project/gh%2Fdemo-org%2Fdemo-app/pipeline", 503},
		{"github prefix cut in the slug", "/project/github/demo-org/*", "/project/gh/demo-org/demo-app/pipeline", 503},
		{"prefix cut in the slug, other case", "/project/gh/Demo-Org/*", "/project/github%2Fdemo-org%2Fdemo-app", 503},
		{"prefix cut in a name", "/project/gh/demo-org/demo*", "/project/gh/demo-org/demo-app/envvar", 503},
		{"prefix of another org", "/project/gh/other-org/*", "/project/gh/demo-org/demo-app", 200},
		{"fault with trailing slash", "/project/gh/demo-org/demo-app/", "/project/gh/demo-org/demo-app", 503},
		{"request with trailing slash", "/project/gh/demo-org/demo-app", "/project/gh/demo-org/demo-app/", 503},
		{"me with trailing slash", "/me", "/me/", 503},
		{"bitbucket fault, bb request", "/project/bitbucket/bb-org/bb-app", "/project/bb%2Fbb-org%2Fbb-app", 503},
		{"bb fault, bitbucket request", "/project/bb%2Fbb-org%2Fbb-app/pipeline", "/project/bitbucket/bb-org/bb-app/pipeline", 503},
		{"circleci slug", "/project/circleci/" + circleOrg + "/" + circleProj + "/pipeline", "/project/circleci%2F" + circleOrg + "%2F" + circleProj + "/pipeline", 503},
		{"other project", "/project/gh/demo-org/demo-app", "/project/bb/bb-org/bb-app", 200},
		{"other route", "/project/gh/demo-org/demo-app", "/project/gh%2Fdemo-org%2Fdemo-app/pipeline", 200},
		{"gh is not bb", "/project/bb/demo-org/demo-app", "/project/gh/demo-org/demo-app", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seed := fake.DemoSeed()
			seed.Orgs = append(seed.Orgs, fake.SeedOrg{Slug: "bb/bb-org", Projects: []fake.SeedProject{{Name: "bb-app", Config: fake.DemoConfig}}})
			seed.Users[0].Orgs = append(seed.Users[0].Orgs, "bb/bb-org")
			e := newEnv(t, fake.WithSeed(seed))
			e.mustControl(http.StatusCreated, "POST", "/_fake/faults", map[string]any{"method": "GET", "path": tt.fault, "status": 503, "count": 1}, nil)
			if got, _ := e.get(tt.request); got != tt.want {
				t.Errorf("GET %s with a fault on %s: %d, want %d", tt.request, tt.fault, got, tt.want)
			}
			if got, _ := e.get(tt.request); got != http.StatusOK {
				t.Errorf("second GET %s: %d, want 200", tt.request, got)
			}
		})
	}
}

// TestFault_RetryAfter checks the Retry-After header of injected faults: given in whole seconds
// (rounded up) with a 429 or 503, one second for a 429 that gives none, never with other statuses.
func TestFault_RetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault map[string]any
		want  string
	}{
		{"429 without retry_after", map[string]any{"status": 429, "count": 1}, "1"},
		{"429 with 2s", map[string]any{"status": 429, "retry_after": "2s", "count": 1}, "2"},
		{"429 with 1.5s", map[string]any{"status": 429, "retry_after": "1.5s", "count": 1}, "2"},
		{"503 without retry_after", map[string]any{"status": 503, "count": 1}, ""},
		{"503 with 3s", map[string]any{"status": 503, "retry_after": "3s", "count": 1}, "3"},
		{"500 with 3s", map[string]any{"status": 500, "retry_after": "3s", "count": 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			fault := map[string]any{"path": "/me"}
			for k, v := range tt.fault {
				fault[k] = v
			}
			e.mustControl(http.StatusCreated, "POST", "/_fake/faults", fault, nil)
			status, retryAfter := e.get("/me")
			if status != tt.fault["status"] || retryAfter != tt.want {
				t.Errorf("answer %d with Retry-After %q, want %v with %q", status, retryAfter, tt.fault["status"], tt.want)
			}
		})
	}
}

// TestFault_Message checks the message of an injected fault's answer: the status's text, or its
// number when it has no standard text, and for a 429 that it is a rate limit.
func TestFault_Message(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		want   string
	}{
		{429, "Rate limit exceeded (injected by circleci-fake)."},
		{500, "Injected fault: Internal Server Error."},
		{503, "Injected fault: Service Unavailable."},
		{599, "Injected fault: status 599."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if err := e.fake.InjectFault(fake.Fault{Path: "/me", Status: tt.status, Count: 1}); err != nil {
				t.Fatal(err)
			}
			var body struct{ Message string }
			if status, _ := e.send(fake.DemoToken, "GET", e.ts.URL+"/me", nil, &body); status != tt.status || body.Message != tt.want {
				t.Errorf("answer %d %q, want %d %q", status, body.Message, tt.status, tt.want)
			}
		})
	}
}

// TestClose_EndsDelays checks that Close lets a request held by a delay fault go on at once, and
// that later delays do not wait.
func TestClose_EndsDelays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int // of the fault; 0 passes the request on
		want   int
	}{
		{"delay only", 0, http.StatusOK},
		{"delay then 429", http.StatusTooManyRequests, http.StatusTooManyRequests},
		{"delay then 503", http.StatusServiceUnavailable, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := fake.New()
			if err != nil {
				t.Fatal(err)
			}
			h, err := f.Handler()
			if err != nil {
				t.Fatal(err)
			}
			entered := make(chan struct{}, 2)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				entered <- struct{}{}
				h.ServeHTTP(w, r)
			}))
			defer srv.Close()
			if err := f.InjectFault(fake.Fault{Path: "/me", Status: tt.status, Delay: time.Hour, Count: 2}); err != nil {
				t.Fatal(err)
			}
			// The bound only turns a regression into a failure instead of a hang; nothing waits for it.
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			send := func() (int, error) {
				req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v2/me", nil)
				if err != nil {
					return 0, err
				}
				req.Header.Set("Circle-Token", fake.DemoToken)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return 0, err
				}
				res.Body.Close()
				return res.StatusCode, nil
			}
			type answer struct {
				status int
				err    error
			}
			held := make(chan answer, 1)
			go func() {
				status, err := send()
				held <- answer{status, err}
			}()
			<-entered
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if a := <-held; a.err != nil || a.status != tt.want {
				t.Errorf("held request after Close: %d %v, want %d", a.status, a.err, tt.want)
			}
			if err := f.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if status, err := send(); err != nil || status != tt.want {
				t.Errorf("request after Close: %d %v, want %d without waiting", status, err, tt.want)
			}
		})
	}
}

// TestFault_Matching checks what a fault matches on: the operation (by operationId or Go name, any
// case), the route template, the method and the path, every one given.
func TestFault_Matching(t *testing.T) {
	t.Parallel()
	const unknownPipeline = "/pipeline/00000000-0000-4000-8000-00000000abcd"
	tests := []struct {
		name    string
		fault   map[string]any
		request string
		want    int
	}{
		{"operationId", map[string]any{"operation": "getCurrentUser"}, "/me", 503},
		{"Go name", map[string]any{"operation": "GetCurrentUser"}, "/me", 503},
		{"operationId with Id", map[string]any{"operation": "getPipelineById"}, unknownPipeline, 503},
		{"Go name with ID", map[string]any{"operation": "GetPipelineByID"}, unknownPipeline, 503},
		{"any case", map[string]any{"operation": "GETCURRENTUSER"}, "/me", 503},
		{"other operation", map[string]any{"operation": "getCurrentUser"}, "/me/collaborations", 200},
		{"route, escaped slug", map[string]any{"route": "/project/{project-slug}/pipeline"}, "/project/gh%2Fdemo-org%2Fdemo-app/pipeline", 503},
		{"route, raw slug", map[string]any{"route": "/project/{project-slug}/pipeline"}, "/project/github/demo-org/demo-app/pipeline", 503},
		{"route of three parameters", map[string]any{"route": "/project/{provider}/{organization}/{project}/settings"}, "/project/gh/demo-org/demo-app/settings", 503},
		{"other route", map[string]any{"route": "/project/{project-slug}/pipeline"}, "/project/gh/demo-org/demo-app/envvar", 200},
		{"route and other method", map[string]any{"route": "/project/{project-slug}/pipeline", "method": "POST"}, "/project/gh/demo-org/demo-app/pipeline", 200},
		{"operation and path", map[string]any{"operation": "listPipelinesForProject", "path": "/project/gh/demo-org/*"}, "/project/gh/demo-org/demo-app/pipeline", 503},
		{"operation but other path", map[string]any{"operation": "listPipelinesForProject", "path": "/project/gh/other-org/*"}, "/project/gh/demo-org/demo-app/pipeline", 200},
		{"path of three parameters, github", map[string]any{"path": "/project/github/Demo-Org/demo-app/settings"}, "/project/gh/demo-org/demo-app/settings", 503},
		{"escaped slash in a fingerprint", map[string]any{"path": "/project/gh/demo-org/demo-app/checkout-key/SHA256:ab%2Fcd"}, "/project/gh/demo-org/demo-app/checkout-key/SHA256:ab%2Fcd", 503},
		{"escaped slash in an envvar name, with the method", map[string]any{"method": "GET", "path": "/project/gh/demo-org/demo-app/envvar/A%2FB"}, "/project/gh/demo-org/demo-app/envvar/A%2FB", 503},
		{"a slug that takes the rest", map[string]any{"path": "/project/gh%2Fdemo-org%2Fdemo-app%2Fnope"}, "/project/gh%2Fdemo-org%2Fdemo-app%2Fnope", 503},
		{"a value escaped apart from a literal", map[string]any{"method": "GET", "path": "/pipeline/%63ontinue"}, "/pipeline/%63ontinue", 503},
		{"a prefix ending in a slash, the path without", map[string]any{"path": "/me/*"}, "/me/", 200},
		{"a prefix without the slash", map[string]any{"path": "/me*"}, "/me/", 503},
		{"everything, routed", map[string]any{}, "/me", 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			fault := map[string]any{"status": 503, "count": 1}
			for k, v := range tt.fault {
				fault[k] = v
			}
			e.mustControl(http.StatusCreated, "POST", "/_fake/faults", fault, nil)
			if got, _ := e.get(tt.request); got != tt.want {
				t.Errorf("GET %s with fault %v: %d, want %d", tt.request, tt.fault, got, tt.want)
			}
		})
	}
}

// TestFault_NotRouted checks that a request the server kit answers itself, before routing it to an
// operation (a path no operation serves, a method the path does not serve, a malformed path), gets
// the kit's answer even with a fault that matches everything, and leaves that fault pending: the
// next request routed to an operation gets it.
func TestFault_NotRouted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path string
		want               int
	}{
		{"no route", "GET", "/no/such/route", 404},
		{"method not served", "PUT", "/me", 405},
		{"empty segment", "GET", "/project//pipeline", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if err := e.fake.InjectFault(fake.Fault{Status: 503, Count: 1}); err != nil {
				t.Fatal(err)
			}
			if got, _ := e.send(fake.DemoToken, tt.method, e.ts.URL+tt.path, nil, nil); got != tt.want {
				t.Errorf("%s %s with a fault on everything: %d, want the kit's %d", tt.method, tt.path, got, tt.want)
			}
			if got, _ := e.get("/me"); got != 503 {
				t.Errorf("GET /me next: %d, want 503 (the fault still pending)", got)
			}
			if got, _ := e.get("/me"); got != 200 {
				t.Errorf("GET /me then: %d, want 200 (the fault used up)", got)
			}
		})
	}
}

// TestFault_Method checks that a fault's method matches without regard to case, and that a HEAD
// fault matches the requests of the GET operation that serves HEAD, HEAD and GET alike, as a GET
// fault does.
func TestFault_Method(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fault, request string
		want                 int
	}{
		{"HEAD fault, HEAD request", "HEAD", "HEAD", 503},
		{"HEAD fault, GET request", "HEAD", "GET", 503},
		{"head fault, HEAD request", "head", "HEAD", 503},
		{"GET fault, HEAD request", "GET", "HEAD", 503},
		{"get fault, GET request", "get", "GET", 503},
		{"POST fault, GET request", "POST", "GET", 200},
		{"POST fault, HEAD request", "POST", "HEAD", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			const path = demo + "/pipeline" // GET and POST
			e.mustControl(http.StatusCreated, "POST", "/_fake/faults", map[string]any{"method": tt.fault, "path": path, "status": 503, "count": 1}, nil)
			if got, _ := e.send(fake.DemoToken, tt.request, e.ts.URL+path, nil, nil); got != tt.want {
				t.Errorf("%s %s with a %s fault: %d, want %d", tt.request, path, tt.fault, got, tt.want)
			}
		})
	}
}

// slashHint is what InjectFault says of a whole Path that is routed nowhere as written: how to write a
// "/" inside a value.
const slashHint = `is served by no operation of the document as written, so no request would match it: give a path such as "/me" or "/project/gh/demo-org/demo-app/pipeline", or end a prefix with "*"; a "/" inside a value (a checkout-key fingerprint, an environment variable name) must be written %2F, as in "/project/gh/demo-org/demo-app/checkout-key/SHA256:ab%2Fcd"`

// TestInjectFault_Refused checks that faults that could never apply are refused, from Go and over
// HTTP (400), with a message that says why.
func TestInjectFault_Refused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name  string
		fault fake.Fault
		msg   string
	}{
		{"no count", fake.Fault{Status: 503}, "count"},
		{"status 200", fake.Fault{Status: 200, Count: 1}, "neither 429 nor 5xx"},
		{"nothing to do", fake.Fault{Count: 1}, "a status, a delay or both"},
		{"unknown operation", fake.Fault{Operation: "getMe", Status: 503, Count: 1}, `operation "getMe" is not in the document`},
		{"route with a value", fake.Fault{Route: "/project/gh/demo-org/demo-app/pipeline", Status: 503, Count: 1}, "is not in the document"},
		{"route under the base path", fake.Fault{Route: "/api/v2/me", Status: 503, Count: 1}, "is not in the document"},
		{"method of no operation", fake.Fault{Method: "FOO", Status: 503, Count: 1}, `method "FOO" is that of no operation`},
		{"OPTIONS", fake.Fault{Method: "OPTIONS", Path: "/me", Status: 503, Count: 1}, `method "OPTIONS" is that of no operation`},
		{"path under the base path", fake.Fault{Path: "/api/v2/me", Status: 503, Count: 1}, `path "/api/v2/me" includes the API base path /api/v2`},
		{"prefix under the base path", fake.Fault{Path: "/api/v2/project/*", Status: 503, Count: 1}, "includes the API base path /api/v2"},
		{"the base path", fake.Fault{Path: "/api/v2", Status: 503, Count: 1}, "includes the API base path /api/v2"},
		{"no leading slash", fake.Fault{Path: "me", Status: 503, Count: 1}, `path "me" does not start with "/"`},
		{"prefix without leading slash", fake.Fault{Path: "project/*", Status: 503, Count: 1}, `does not start with "/"`},
		{"query", fake.Fault{Path: "/project/gh/demo-org/demo-app/pipeline?branch=main", Status: 503, Count: 1}, "holds a query"},
		{"query in a prefix", fake.Fault{Path: "/me?*", Status: 503, Count: 1}, "holds a query"},
		{"no such path", fake.Fault{Path: "/no/such", Status: 503, Count: 1}, `path "/no/such" is served by no operation`},
		{"root", fake.Fault{Path: "/", Status: 503, Count: 1}, "is served by no operation"},
		{"path of a route in the wrong case", fake.Fault{Path: "/ME", Status: 503, Count: 1}, "is served by no operation"},
		{"a parameter's segment only", fake.Fault{Path: "/project", Status: 503, Count: 1}, "is served by no operation"},
		{"empty segment", fake.Fault{Path: "/me//", Status: 503, Count: 1}, "is served by no operation"},
		{"dot value", fake.Fault{Path: "/project/gh/demo-org/demo-app/envvar/..", Status: 503, Count: 1}, "is served by no operation"},
		{"dot part of a value", fake.Fault{Path: "/project/gh/demo-org/demo-app/checkout-key/SHA256:ab/../cd", Status: 503, Count: 1}, "is served by no operation"},
		{"many segments", fake.Fault{Path: "/project/gh/demo-org/demo-app/envvar/" + strings.Repeat("a/", 64) + "b", Status: 503, Count: 1}, "is served by no operation"},
		{"unescaped slash in a fingerprint", fake.Fault{Path: "/project/gh/demo-org/demo-app/checkout-key/SHA256:ab/cd", Status: 503, Count: 1}, slashHint},
		{"unescaped slash in an envvar name, with the method", fake.Fault{Method: "GET", Path: "/project/gh/demo-org/demo-app/envvar/A/B", Status: 503, Count: 1}, slashHint},
		{"route template as a path", fake.Fault{Path: "/pipeline/{pipeline-id}/config/more", Status: 503, Count: 1}, "is served by no operation"},
		{"a slug that takes the rest, unescaped", fake.Fault{Path: "/project/gh/demo-org/demo-app/nope", Status: 503, Count: 1}, "is served by no operation"},
		{"method not served at the path", fake.Fault{Method: "POST", Path: "/me", Status: 503, Count: 1}, `path "/me" is not served with method POST, so no request would match it: it is served with GET, HEAD`},
		{"method not served at a literal", fake.Fault{Method: "GET", Path: "/pipeline/continue", Status: 503, Count: 1}, "it is served with POST"},
		{"method not served at an escaped path", fake.Fault{Method: "DELETE", Path: "/pipeline/%63ontinue", Status: 503, Count: 1}, "it is served with GET, HEAD"},
		{"operation not served at the path", fake.Fault{Operation: "getCurrentUser", Path: "/project/gh/demo-org/demo-app/pipeline", Status: 503, Count: 1}, `path "/project/gh/demo-org/demo-app/pipeline" is served by GET /project/{project-slug}/pipeline (listPipelinesForProject), POST /project/{project-slug}/pipeline (triggerPipeline); none of them has operation "getCurrentUser"`},
		{"route not served at the path", fake.Fault{Route: "/me", Path: "/me/collaborations", Status: 503, Count: 1}, `path "/me/collaborations" is served by GET /me/collaborations (getCollaborations); none of them has route "/me", so no request would match the fault`},
		{"operation of another method", fake.Fault{Method: "POST", Operation: "getCurrentUser", Status: 503, Count: 1}, `no operation of the document has method POST and operation "getCurrentUser"`},
		{"operation on another route", fake.Fault{Operation: "getCurrentUser", Route: "/me/collaborations", Path: "/me*", Status: 503, Count: 1}, `no operation of the document has operation "getCurrentUser" and route "/me/collaborations"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := e.fake.InjectFault(tt.fault); err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("InjectFault(%+v) = %v, want an error about %s", tt.fault, err, tt.msg)
			}
			var msg struct{ Message string }
			if status := e.control("POST", "/_fake/faults", tt.fault, &msg); status != 400 || !strings.Contains(msg.Message, tt.msg) {
				t.Errorf("POST /_fake/faults %+v: %d %q, want 400 about %s", tt.fault, status, msg.Message, tt.msg)
			}
		})
	}
}

// TestInjectFault_RoutedPaths checks InjectFault's path check against the server kit itself: for every
// route of its index, request paths are written in the forms a client may send (each project and
// organization slug form: gh, github, bb, bitbucket and circleci/<uuid>/<uuid>, raw, escaped and half
// escaped; the values of other parameters plain and holding a "/", escaped and not; with and without
// a trailing slash). Each that the kit routes to an operation (a route middleware of the test's
// answers it) must be a Path InjectFault accepts as sent, and the fault must fire on that request;
// so must a prefix of the path, as the middleware sees it. Unescaped, alone, with the method, and
// with the method, operation and route the kit routed it to, the path must be accepted and fire
// too, unless a value other than a slug holds an escaped "/": unescaping splits that value, and
// InjectFault must refuse the path so written and say to write the "/" %2F.
func TestInjectFault_RoutedPaths(t *testing.T) {
	t.Parallel()
	ix, err := route.Shared()
	if err != nil {
		t.Fatal(err)
	}
	leaves := map[string][]*route.Route{} // document path → its operations
	for _, rt := range ix.Routes() {
		leaves[rt.Path] = append(leaves[rt.Path], rt)
	}
	var routed, checked, refused atomic.Int64
	t.Cleanup(func() {
		t.Logf("%d request paths routed, %d fault paths checked, %d of them refused with the %%2F hint", routed.Load(), checked.Load(), refused.Load())
	})
	for _, tpl := range slices.Sorted(maps.Keys(leaves)) {
		t.Run(tpl, func(t *testing.T) {
			t.Parallel()
			f, err := fake.New(fake.WithSeed(otherSeed()))
			if err != nil {
				t.Fatal(err)
			}
			// The kit routed the request: answer it here, before authentication and the handler, with
			// what it was routed to.
			stop := func(http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Operation", server.OperationIDFromContext(r.Context()))
					w.Header().Set("X-Route", server.RouteFromContext(r.Context()))
					w.WriteHeader(http.StatusNoContent)
				})
			}
			h, err := f.Handler(server.WithRouteMiddlewares(stop))
			if err != nil {
				t.Fatal(err)
			}
			serve := func(method, path string) *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(method, server.DefaultBasePath+path, nil))
				return w
			}
			n := 0
			for _, rt := range leaves[tpl] {
				for _, rp := range requestPaths(tpl) {
					p := rp.path
					probe := serve(rt.Method, p)
					if probe.Code != http.StatusNoContent {
						continue // answered by the kit: no route, another method, a malformed path
					}
					n++
					routed.Add(1)
					unescaped, err := url.PathUnescape(p)
					if err != nil {
						t.Fatalf("%s: %v", p, err)
					}
					seen := strings.TrimSuffix(unescaped, "/")
					faults := []fake.Fault{
						{Path: p},
						{Path: unescaped},
						{Method: rt.Method, Path: unescaped},
						{Method: rt.Method, Operation: probe.Header().Get("X-Operation"), Route: probe.Header().Get("X-Route"), Path: unescaped},
						{Path: seen + "*"},
					}
					for i, fault := range faults {
						checked.Add(1)
						fault.Status, fault.Count = http.StatusServiceUnavailable, 1
						if unescapedForm := i >= 1 && i <= 3; unescapedForm && rp.split {
							refused.Add(1)
							if err := f.InjectFault(fault); err == nil || !strings.Contains(err.Error(), slashHint) {
								t.Errorf("%s %s (routed to %s), a value's %%2F unescaped: InjectFault(%+v) = %v, want an error about %s", rt.Method, p, probe.Header().Get("X-Operation"), fault, err, slashHint)
							}
							f.ClearFaults()
							continue
						}
						if err := f.InjectFault(fault); err != nil {
							t.Errorf("%s %s (routed to %s): InjectFault(%+v): %v", rt.Method, p, probe.Header().Get("X-Operation"), fault, err)
							continue
						}
						if got := serve(rt.Method, p).Code; got != fault.Status {
							t.Errorf("%s %s (routed to %s) with a fault %+v: %d, want %d", rt.Method, p, probe.Header().Get("X-Operation"), fault, got, fault.Status)
						}
						f.ClearFaults()
					}
				}
			}
			if n == 0 {
				t.Errorf("no request path written for %s is routed by the kit", tpl)
			}
		})
	}
}

// requestPath is a request path (under the base path, escaped as sent) of [requestPaths].
type requestPath struct {
	path  string
	split bool // a value other than a slug holds %2F, so unescaping the path splits it
}

// requestPaths returns request paths for a document path, in the forms a client may write them: every
// form of slugs and of other values from [paramValues], each with and without a trailing slash. The
// three parameters of /project/{provider}/{organization}/{project} take the forms of a project slug.
func requestPaths(tpl string) []requestPath {
	tpl = strings.Replace(tpl, "{provider}/{organization}/{project}", "{project-slug}", 1)
	paths := []requestPath{{}}
	for seg := range strings.SplitSeq(tpl[1:], "/") {
		vals, slug := []string{seg}, false
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			name = strings.TrimSuffix(name, "}")
			vals, slug = paramValues(name), name == "project-slug" || strings.HasPrefix(name, "org-slug")
		}
		var next []requestPath
		for _, p := range paths {
			for _, v := range vals {
				next = append(next, requestPath{p.path + "/" + v, p.split || !slug && strings.Contains(v, "%2F")})
			}
		}
		paths = next
	}
	for _, p := range paths {
		paths = append(paths, requestPath{p.path + "/", p.split})
	}
	return paths
}

// paramValues returns the escaped forms a request may give a path parameter in.
func paramValues(name string) []string {
	const (
		orgID  = "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a"
		projID = "0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b"
	)
	// forms writes a slug of parts raw, escaped and half escaped (each of its slashes in turn).
	forms := func(parts ...string) []string {
		out := []string{strings.Join(parts, "/"), strings.Join(parts, "%2F")}
		for i := 1; i < len(parts); i++ {
			out = append(out, strings.Join(parts[:i], "%2F")+"/"+strings.Join(parts[i:], "/"))
		}
		return out
	}
	switch name {
	case "project-slug":
		var out []string
		for _, p := range [][]string{
			{"gh", "demo-org", "demo-app"}, {"github", "Demo-Org", "demo-app"}, {"bb", "bb-org", "bb-app"},
			{"bitbucket", "bb-org", "bb-app"}, {"circleci", orgID, projID},
		} {
			out = append(out, forms(p...)...)
		}
		return out
	case "org-slug", "org-slug-or-id":
		var out []string
		for _, p := range [][]string{{"gh", "demo-org"}, {"github", "Demo-Org"}, {"bb", "bb-org"}, {"bitbucket", "bb-org"}, {"circleci", orgID}} {
			out = append(out, forms(p...)...)
		}
		if name == "org-slug-or-id" {
			out = append(out, orgID)
		}
		return out
	}
	// Any other value, and one holding a slash (as a checkout key's SHA256 fingerprint, base64, may),
	// escaped and raw.
	v := "deploy-key"
	switch lower := strings.ToLower(name); {
	case strings.HasSuffix(lower, "number"):
		v = "1"
	case strings.HasSuffix(lower, "id"):
		v = projID
	case lower == "fingerprint":
		v = "SHA256:ab"
	}
	return []string{v, v + "%2Fcd", v + "/cd"}
}

// TestInjectFault_Prefixes checks that a prefix Path is accepted whatever it is a prefix of: prefixes
// are not looked up.
func TestInjectFault_Prefixes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range []string{"*", "/*", "/project/*", "/project/gh%2Fdemo-org*", "/project/github/demo-org/*", "/no/such/prefix/*"} {
		if err := e.fake.InjectFault(fake.Fault{Path: p, Status: 503, Count: 1}); err != nil {
			t.Errorf("InjectFault with Path %q: %v", p, err)
		}
	}
}

// TestFault_OperationNames checks the premise of Fault.Operation: every operationId of the document
// names a method of the strict server interface when case is ignored, so either name may be given.
func TestFault_OperationNames(t *testing.T) {
	t.Parallel()
	iface := reflect.TypeFor[genserver.StrictServerInterface]()
	methods := map[string]string{}
	for i := range iface.NumMethod() {
		methods[strings.ToLower(iface.Method(i).Name)] = iface.Method(i).Name
	}
	doc, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			n++
			if _, ok := methods[strings.ToLower(op.OperationID)]; !ok {
				t.Errorf("operationId %s names no method of StrictServerInterface without regard to case", op.OperationID)
			}
		}
	}
	if n != iface.NumMethod() {
		t.Errorf("%d operations, %d methods", n, iface.NumMethod())
	}
}

// logRecords is a slog.Handler that keeps the records logged.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecords) WithGroup(string) slog.Handler            { return h }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// requestLines returns the attributes of the request log lines.
func (h *logRecords) requestLines() []map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var lines []map[string]string
	for _, r := range h.records {
		if r.Message != "request" {
			continue
		}
		attrs := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.String()
			return true
		})
		lines = append(lines, attrs)
	}
	return lines
}

// TestFault_RequestLog checks that an injected fault is answered through the server kit: the answer
// carries the request's X-Request-Id and the kit's error shape, and the request log shows its status
// with that request ID, the route and the operation.
func TestFault_RequestLog(t *testing.T) {
	t.Parallel()
	const org = "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a"
	tests := []struct {
		name, path, operation string
		status                int
		wantError             bool // the route's error body has "error" as well as "message"
	}{
		{"429 on /me", "/me", "getCurrentUser", 429, false},
		{"503 on a project route", "/project/gh/demo-org/demo-app/pipeline", "listPipelinesForProject", 503, false},
		{"429 on an OIDC route", "/org/" + org + "/oidc-custom-claims", "GetOrgClaims", 429, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logs := &logRecords{}
			e := newEnvWith(t, nil, []server.Option{server.WithLogger(slog.New(logs))})
			if err := e.fake.InjectFault(fake.Fault{Path: tt.path, Status: tt.status, Count: 1}); err != nil {
				t.Fatal(err)
			}
			var body map[string]string
			status, h := e.send(fake.DemoToken, "GET", e.ts.URL+tt.path, nil, &body)
			id := h.Get("X-Request-Id")
			if status != tt.status || id == "" || body["message"] == "" || (body["error"] != "") != tt.wantError {
				t.Fatalf("answer %d, X-Request-Id %q, body %v; want %d with a request ID, a message and error only on the routes that document it", status, id, body, tt.status)
			}
			var line map[string]string
			for _, l := range logs.requestLines() {
				if l["request_id"] == id {
					line = l
				}
			}
			if line == nil || line["status"] != fmt.Sprint(tt.status) || line["operation"] != tt.operation || !strings.HasPrefix(line["route"], server.DefaultBasePath+"/") {
				t.Errorf("request log line of %s = %v, want status %d, operation %s and its route", id, line, tt.status, tt.operation)
			}
		})
	}
}
