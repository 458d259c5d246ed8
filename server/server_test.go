package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/servertest"
)

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
	ts := newTestServer(t, server.WithRouteMiddlewares(mark("outer"), mark("inner")))
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := ts.sendPath(t, tt.method, tt.path, "", "", tt.header)
			if resp.code != tt.wantCode {
				t.Errorf("status %d %s, want %d", resp.code, resp.body, tt.wantCode)
			}
			mu.Lock()
			got := byID[resp.id]
			mu.Unlock()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("seen by the route middlewares (-want +got):\n%s", diff)
			}
			if (len(resp.calls) == 1) != tt.wantImpl {
				t.Errorf("implementation calls %v, want reached = %v", resp.calls, tt.wantImpl)
			}
		})
	}
}

// TestNew_leavesSharedDocument guards the promise of openapi.Shared that nothing changes the document
// it shares: after building servers and serving every operation through New and servertest.Handler
// (valid requests, HEAD requests, and bodies that fail decoding or validation), the shared document
// still encodes as a fresh copy from openapi.Load does, and the server serves that encoding.
func TestNew_leavesSharedDocument(t *testing.T) {
	t.Parallel()
	fresh, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(fresh)
	if err != nil {
		t.Fatal(err)
	}
	authn := server.WithAuthenticator(server.StaticToken(testToken, server.Principal{ID: "u1"}))
	servers := []struct {
		name, base string
		opts       []server.Option
	}{
		{"default", "/api/v2", []server.Option{authn}},
		{"root base path", "", []server.Option{authn, server.WithBasePath("")}},
		{"small body limit", "/api/v2", []server.Option{authn, server.WithMaxBodyBytes(16)}},
	}
	for _, s := range servers {
		h, err := server.New(server.Unimplemented{}, s.opts...)
		if err != nil {
			t.Fatal(err)
		}
		h = servertest.Handler(t, h, servertest.WithBasePath(s.base))
		serve := func(method, path, query string, body []byte) *httptest.ResponseRecorder {
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req := httptest.NewRequest(method, s.base+path, rd)
			req.URL.RawQuery = query
			req.Header.Set("Circle-Token", testToken)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			return w
		}
		for _, c := range operationCases(t) {
			serve(c.method, c.path, c.query, c.body)
			if c.method == http.MethodGet {
				serve(http.MethodHead, c.path, c.query, nil)
			}
			if c.body != nil {
				serve(c.method, c.path, c.query, []byte(`{"broken":`))
				serve(c.method, c.path, c.query, []byte(`[1]`))
			}
		}
		if w := serve(http.MethodGet, "/openapi.json", "", nil); !bytes.Equal(w.Body.Bytes(), want) {
			t.Errorf("%s: the served document differs from a fresh copy's encoding", s.name)
		}
	}
	doc, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the shared document changed:\n%s", firstDifference(want, got))
	}
}

// firstDifference shows where two encodings part, with some context.
func firstDifference(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\nwant …%s\ngot  …%s", i, want[from:min(len(want), i+80)], got[from:min(len(got), i+80)])
}
