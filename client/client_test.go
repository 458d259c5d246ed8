package client

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/openapi"
)

const (
	testOrgID     = "9f6e3c2a-1b7d-4e2f-8a5c-0d4b6e8f1a23"
	testProjectID = "0b7c1d9e-5a3f-4c6b-9e2d-7f8a1b3c5d40"
	pipelineJSON  = `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","errors":[],"project_slug":"gh/org/repo","number":7,"state":"created","created_at":"2024-05-01T10:00:00Z","trigger":{"type":"api","received_at":"2024-05-01T09:59:59Z","actor":{"login":"octocat","avatar_url":null}}}`
	pageJSON      = `{"items":[],"next_page_token":null}`
)

func TestNew_optionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"empty token", WithToken(""), "empty token"},
		{"token with newline", WithToken("abc\n"), "control character"},
		{"relative base URL", WithBaseURL("/api/v2"), "scheme must be http or https"},
		{"ftp base URL", WithBaseURL("ftp://example.com/api/v2"), "scheme must be http or https"},
		{"no host", WithBaseURL("https:///api/v2"), "no host"},
		{"user info", WithBaseURL("https://me:pw@example.com/api/v2"), "user information"},
		{"query", WithBaseURL("https://example.com/api/v2?circle-token=x"), "query and fragment"},
		{"bad URL", WithBaseURL("https://exa mple.com"), "WithBaseURL"},
		{"nil http client", WithHTTPClient(nil), "nil *http.Client"},
		{"empty user agent", WithUserAgent(" "), "empty User-Agent"},
		{"user agent newline", WithUserAgent("a\nb"), "control character"},
		{"auth scheme", WithAuthScheme(AuthScheme(9)), "unknown scheme"},
		{"retry max", WithRetryMax(-1), "want 0 to 100"},
		{"backoff bounds", WithRetryBackoff(2, 1), "min <= max"},
		{"nil backoff", WithBackoff(nil), "nil Backoff"},
		{"nil policy", WithRetryPolicy(nil), "nil RetryPolicy"},
		{"retry-after cap", WithRetryAfterMax(-1), "negative"},
		{"retry method", WithRetryMethods("get"), "upper-case"},
		{"nil option", nil, "nil Option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%s) = %v, %v; want an error containing %q", tt.name, c, err, tt.want)
			}
		})
	}
}

func TestNew_defaults(t *testing.T) {
	t.Parallel()
	base := &http.Client{}
	c, err := New(WithHTTPClient(base), WithBaseURL("https://circleci.example.com/api/v2/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL().String(); got != "https://circleci.example.com/api/v2" {
		t.Errorf("BaseURL = %q", got)
	}
	if base.Transport != nil {
		t.Errorf("WithHTTPClient changed the caller's client: Transport = %T", base.Transport)
	}
	if c.Generated() == nil {
		t.Error("Generated() = nil")
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := d.BaseURL().String(); got != DefaultBaseURL {
		t.Errorf("default BaseURL = %q", got)
	}
}

// TestClient_requestPaths asserts the exact path and query sent for each slug kind and route form.
func TestClient_requestPaths(t *testing.T) {
	t.Parallel()
	pipelineID := uuid.MustParse("5034460f-c7c4-4c43-9457-de07e2029e7b")
	branch := "feature/x y"
	tests := []struct {
		name      string
		call      func(ctx context.Context, c *Client) error
		wantPath  string
		wantQuery string
	}{
		{"project slug gh", listPipelines("gh/org/repo", nil), "/project/gh%2Forg%2Frepo/pipeline", ""},
		{"project slug github", listPipelines("github/org/repo", nil), "/project/github%2Forg%2Frepo/pipeline", ""},
		{"project slug bitbucket", listPipelines("bitbucket/team/repo", nil), "/project/bitbucket%2Fteam%2Frepo/pipeline", ""},
		{"project slug circleci", listPipelines("circleci/"+testOrgID+"/"+testProjectID, nil), "/project/circleci%2F" + testOrgID + "%2F" + testProjectID + "/pipeline", ""},
		{"project slug space percent unicode", listPipelines("gh/my org/100% ünï", nil), "/project/gh%2Fmy%20org%2F100%25%20%C3%BCn%C3%AF/pipeline", ""},
		{"project slug with query", listPipelines("gh/org/repo", &gen.ListPipelinesForProjectParams{Branch: &branch}), "/project/gh%2Forg%2Frepo/pipeline", "branch=feature%2Fx+y"},
		{"three segments gh", triggerRun("gh/org/repo"), "/project/gh/org/repo/pipeline/run", ""},
		{"three segments circleci", triggerRun("circleci/" + testOrgID + "/" + testProjectID), "/project/circleci/" + testOrgID + "/" + testProjectID + "/pipeline/run", ""},
		{"three segments space percent unicode", triggerRun("bitbucket/my org/100% ünï"), "/project/bitbucket/my%20org/100%25%20%C3%BCn%C3%AF/pipeline/run", ""},
		{"org slug", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrgSummaryData(ctx, MustParseOrgSlug("gh/my org"), nil)
			return err
		}, "/insights/gh%2Fmy%20org/summary", ""},
		{"job number after slug", func(ctx context.Context, c *Client) error {
			_, err := c.GetJobDetails(ctx, MustParseProjectSlug("gh/org/repo"), 42)
			return err
		}, "/project/gh%2Forg%2Frepo/job/42", ""},
		{"uuid path", func(ctx context.Context, c *Client) error {
			_, err := c.GetPipelineByID(ctx, pipelineID)
			return err
		}, "/pipeline/" + pipelineID.String(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
				writeJSON(w, http.StatusNotFound, `{"message":"recorded"}`)
			})
			err := tt.call(t.Context(), c)
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("call error = %v, want the recording server's 404", err)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.EscapedPath != "/api/v2"+tt.wantPath && got.EscapedPath != tt.wantPath {
				t.Errorf("path = %q, want %q", got.EscapedPath, tt.wantPath)
			}
			if got.RawQuery != tt.wantQuery {
				t.Errorf("query = %q, want %q", got.RawQuery, tt.wantQuery)
			}
			if got.Header.Get("Circle-Token") != "test-token" {
				t.Errorf("Circle-Token = %q", got.Header.Get("Circle-Token"))
			}
			if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, "circleci-go/") || !strings.Contains(ua, modulePath) {
				t.Errorf("User-Agent = %q, want it to name the module", ua)
			}
		})
	}
}

func listPipelines(s string, params *gen.ListPipelinesForProjectParams) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		p, err := ParseProjectSlug(s)
		if err != nil {
			return err
		}
		_, err = c.ListPipelinesForProject(ctx, p, params)
		return err
	}
}

func triggerRun(s string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.TriggerPipelineRun(ctx, MustParseProjectSlug(s), gen.TriggerPipelineRunRequest{})
		return err
	}
}

func TestClient_zeroSlug(t *testing.T) {
	t.Parallel()
	rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) { writeJSON(w, 200, pageJSON) })
	_, err := c.ListPipelinesForProject(t.Context(), ProjectSlug{}, nil)
	if err == nil || !strings.Contains(err.Error(), "listPipelinesForProject") || !strings.Contains(err.Error(), "ParseProjectSlug") {
		t.Errorf("zero slug error = %v", err)
	}
	_, err = c.GetOrgSummaryData(t.Context(), OrgSlug{}, nil)
	if err == nil || !strings.Contains(err.Error(), "ParseOrgSlug") {
		t.Errorf("zero org slug error = %v", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("server saw %d requests for zero slugs", n)
	}
}

func TestClient_authSchemes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       []Option
		editor     gen.RequestEditorFn
		wantHeader http.Header
	}{
		{"circle-token", nil, nil, http.Header{"Circle-Token": {"test-token"}}},
		{"bearer", []Option{WithAuthScheme(AuthBearer)}, nil, http.Header{"Authorization": {"Bearer test-token"}}},
		{"basic", []Option{WithAuthScheme(AuthBasic)}, nil, http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("test-token:"))}}},
		{"caller's Circle-Token wins", nil, setHeader("Circle-Token", "caller"), http.Header{"Circle-Token": {"caller"}}},
		{"caller's Authorization wins", []Option{WithAuthScheme(AuthBearer)}, setHeader("Authorization", "Bearer caller"), http.Header{"Authorization": {"Bearer caller"}}},
		{"caller's User-Agent wins", []Option{WithUserAgent("mine/1")}, setHeader("User-Agent", "editor/2"), http.Header{"Circle-Token": {"test-token"}, "User-Agent": {"editor/2"}}},
		{"WithUserAgent", []Option{WithUserAgent("mine/1")}, nil, http.Header{"Circle-Token": {"test-token"}, "User-Agent": {"mine/1"}}},
		{"no token", []Option{WithoutToken()}, nil, http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
				writeJSON(w, 200, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","login":"me","name":"Me"}`)
			}, tt.opts...)
			var editors []gen.RequestEditorFn
			if tt.editor != nil {
				editors = append(editors, tt.editor)
			}
			resp, err := c.Generated().GetCurrentUserWithResponse(t.Context(), editors...)
			if err != nil || resp.JSON200 == nil {
				t.Fatalf("GetCurrentUser = %v, %v", resp, err)
			}
			got := rec.all()[0].Header
			for _, k := range []string{"Circle-Token", "Authorization", "User-Agent"} {
				want, ok := tt.wantHeader[k]
				if !ok {
					if k != "User-Agent" && got.Get(k) != "" {
						t.Errorf("%s = %q, want none", k, got.Get(k))
					}
					continue
				}
				if diff := cmp.Diff(want, got.Values(k)); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}

func setHeader(k, v string) gen.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set(k, v)
		return nil
	}
}

// TestClient_tokenStaysOnHost follows a redirect to another host: the token must not go along.
func TestClient_tokenStaysOnHost(t *testing.T) {
	t.Parallel()
	other := &recorder{}
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		writeJSON(w, 200, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","login":"me","name":"Me"}`)
	}))
	defer elsewhere.Close()
	_, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		http.Redirect(w, r, elsewhere.URL+"/api/v2/me", http.StatusFound)
	})
	if _, err := c.GetCurrentUser(t.Context()); err != nil {
		t.Fatal(err)
	}
	reqs := other.all()
	if len(reqs) != 1 {
		t.Fatalf("other host saw %d requests", len(reqs))
	}
	for _, k := range []string{"Circle-Token", "Authorization"} {
		if v := reqs[0].Header.Get(k); v != "" {
			t.Errorf("token leaked to another host in %s: %q", k, v)
		}
	}
}

func TestNew_tokenFromEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		opts []Option
		want string // "" means no Circle-Token header
	}{
		{"CIRCLE_TOKEN first", map[string]string{"CIRCLE_TOKEN": "one", "CIRCLECI_TOKEN": "two"}, nil, "one"},
		{"CIRCLECI_TOKEN second", map[string]string{"CIRCLECI_TOKEN": "two"}, nil, "two"},
		{"WithToken wins", map[string]string{"CIRCLE_TOKEN": "one"}, []Option{WithToken("three")}, "three"},
		{"WithoutToken", map[string]string{"CIRCLE_TOKEN": "one"}, []Option{WithoutToken()}, ""},
		{"none", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got := rec.add(r)
				if got.Header.Get("Circle-Token") == "" {
					writeJSON(w, http.StatusUnauthorized, `{"message":"You must log in first."}`)
					return
				}
				writeJSON(w, 200, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","login":"me","name":"Me"}`)
			}))
			defer srv.Close()
			getenv := func(k string) string { return tt.env[k] }
			opts := append([]Option{WithBaseURL(srv.URL + "/api/v2"), withGetenv(getenv)}, tt.opts...)
			c, err := New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetCurrentUser(t.Context())
			if got := rec.all()[0].Header.Get("Circle-Token"); got != tt.want {
				t.Errorf("Circle-Token = %q, want %q", got, tt.want)
			}
			if tt.want == "" {
				var apiErr *APIError
				if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Message != "You must log in first." {
					t.Errorf("error without token = %v, want an *APIError matching ErrUnauthorized", err)
				}
			} else if err != nil {
				t.Errorf("GetCurrentUser: %v", err)
			}
		})
	}
}

// withGetenv replaces os.Getenv for tests that run in parallel.
func withGetenv(f func(string) string) Option {
	return func(c *config) error {
		c.getenv = f
		return nil
	}
}

func TestDefaultUserAgent(t *testing.T) {
	t.Parallel()
	ua := defaultUserAgent()
	if !strings.HasPrefix(ua, "circleci-go/") || !strings.Contains(ua, "github.com/cikit/circleci-go") || strings.Contains(ua, "(devel)") {
		t.Errorf("defaultUserAgent() = %q", ua)
	}
}

func TestUserAgentFor(t *testing.T) {
	t.Parallel()
	const self = "github.com/cikit/circleci-go"
	mainMod := func(path, version string) debug.Module { return debug.Module{Path: path, Version: version} }
	dep := func(version string, replace *debug.Module) *debug.Module {
		return &debug.Module{Path: self, Version: version, Replace: replace}
	}
	other := &debug.Module{Path: "example.com/other", Version: "v9.9.9"}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string // the version
	}{
		{"no build information", nil, "devel"},
		{"main module, tagged", &debug.BuildInfo{Main: mainMod(self, "v1.2.0")}, "v1.2.0"},
		{"main module, VCS pseudo-version", &debug.BuildInfo{Main: mainMod(self, "v1.2.1-0.20260101120000-abcdef123456+dirty")}, "v1.2.1-0.20260101120000-abcdef123456+dirty"},
		{"main module, no VCS", &debug.BuildInfo{Main: mainMod(self, "(devel)")}, "devel"},
		{"dependency", &debug.BuildInfo{Main: mainMod("example.com/app", "(devel)"), Deps: []*debug.Module{other, dep("v1.3.0", nil)}}, "v1.3.0"},
		{"dependency in a workspace", &debug.BuildInfo{Main: mainMod("example.com/app", "(devel)"), Deps: []*debug.Module{dep("(devel)", nil)}}, "devel"},
		{"dependency replaced by a folder", &debug.BuildInfo{Main: mainMod("example.com/app", "v0.1.0"), Deps: []*debug.Module{dep("v0.0.0-00010101000000-000000000000", &debug.Module{Path: "../circleci-go"})}}, "devel"},
		{"dependency replaced by a fork", &debug.BuildInfo{Main: mainMod("example.com/app", "(devel)"), Deps: []*debug.Module{dep("v1.3.0", &debug.Module{Path: "example.com/fork", Version: "v1.3.1-fork"})}}, "v1.3.1-fork"},
		{"not among the modules", &debug.BuildInfo{Main: mainMod("example.com/app", "v0.1.0"), Deps: []*debug.Module{other}}, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := "circleci-go/" + tt.want + " (+https://github.com/cikit/circleci-go)"
			if got := userAgentFor(tt.info); got != want {
				t.Errorf("userAgentFor = %q, want %q", got, want)
			}
		})
	}
}

// TestClient_everyOperation checks that each operation of the document is a method of Client.
func TestClient_everyOperation(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{}
	typ := reflect.TypeFor[*Client]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		methods[strings.ToLower(name)] = name
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			key := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(op.OperationID))
			name, ok := methods[key]
			if !ok {
				t.Errorf("%s %s (%s) has no Client method", method, path, op.OperationID)
				continue
			}
			m, _ := typ.MethodByName(name)
			if m.Type.NumIn() < 2 || m.Type.In(1) != reflect.TypeFor[context.Context]() {
				t.Errorf("Client.%s does not take a context first", name)
			}
			if out := m.Type.Out(m.Type.NumOut() - 1); out != reflect.TypeFor[error]() {
				t.Errorf("Client.%s does not return an error last", name)
			}
		}
	}
	if n != operationCount {
		t.Errorf("document has %d operations, operations.gen.go was generated for %d: run go generate ./...", n, operationCount)
	}
}

func TestClient_bodyAndSuccessForms(t *testing.T) {
	t.Parallel()
	rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
		switch {
		case got.Method == http.MethodPost && strings.HasSuffix(got.EscapedPath, "/pipeline/run"):
			writeJSON(w, http.StatusOK, `{"message":"No pipeline was run: no config change."}`)
		case got.Method == http.MethodPost:
			writeJSON(w, http.StatusCreated, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","number":8,"state":"pending","created_at":"2024-05-01T10:00:00Z"}`)
		case got.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(got.EscapedPath, "/me/collaborations"):
			writeJSON(w, 200, `[]`)
		}
	})
	params, err := PipelineParameters(map[string]any{"deploy": true, "count": 3, "name": "x"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.TriggerPipeline(t.Context(), MustParseProjectSlug("gh/org/repo"), gen.TriggerPipelineRequest{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	if created.Number != 8 {
		t.Errorf("TriggerPipeline number = %d", created.Number)
	}
	if body := rec.all()[0].Body; body != `{"parameters":{"count":3,"deploy":true,"name":"x"}}` {
		t.Errorf("TriggerPipeline body = %s", body)
	}
	run, err := c.TriggerPipelineRun(t.Context(), MustParseProjectSlug("gh/org/repo"), gen.TriggerPipelineRunRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if run.StatusCode != 200 || run.JSON200 == nil || run.JSON201 != nil {
		t.Errorf("TriggerPipelineRun = %+v", run)
	}
	if err := c.DeleteOtelExporter(t.Context(), uuid.New()); err != nil {
		t.Errorf("DeleteOtelExporter: %v", err)
	}
	collabs, err := c.GetCollaborations(t.Context())
	if err != nil || collabs == nil || len(collabs) != 0 {
		t.Errorf("GetCollaborations = %#v, %v; want an empty non-nil slice", collabs, err)
	}
	if _, err := PipelineParameters(map[string]any{"f": 1.5}); err == nil || !strings.Contains(err.Error(), `"f"`) {
		t.Errorf("PipelineParameters(float) error = %v", err)
	}
}

// TestWithBaseURL_errorsHideCredentials checks that WithBaseURL errors never show the user
// information or query values of the URL they quote, whether or not it parses.
func TestWithBaseURL_errorsHideCredentials(t *testing.T) {
	t.Parallel()
	const prefix = "circleci client: "
	tests := []struct {
		name, in, want string
	}{
		{"user and password", "https://me:s3cret@example.com/api/v2", `WithBaseURL("https://xxxxx@example.com/api/v2"): user information is not allowed; use WithToken`},
		{"token as user name", "https://s3cret@example.com/api/v2", `WithBaseURL("https://xxxxx@example.com/api/v2"): user information is not allowed; use WithToken`},
		{"user information and a bad host", "https://me:s3cret@exa mple.com/api/v2", `WithBaseURL("https://xxxxx@exa mple.com/api/v2"): not a valid URL`},
		{"bad escape in the password", "https://me:s3%zzcret@example.com", `WithBaseURL("https://xxxxx@example.com"): not a valid URL`},
		{"slash in the password", "https://me:s3/cret@example.com", `WithBaseURL("https://xxxxx@example.com"): not a valid URL`},
		{"question mark in the password", "https://me:s3?cret@example.com", `WithBaseURL("https://xxxxx@example.com"): not a valid URL`},
		{"no scheme", "me:s3cret@example.com/api/v2", `WithBaseURL("xxxxx@example.com/api/v2"): scheme must be http or https, like https://circleci.com/api/v2`},
		{"token in the query", "https://example.com/api/v2?circle-token=s3cret&x=1", `WithBaseURL("https://example.com/api/v2?circle-token=xxxxx&x=xxxxx"): query and fragment are not allowed`},
		{"bare query value", "https://example.com/api/v2?s3cret#top", `WithBaseURL("https://example.com/api/v2?xxxxx#top"): query and fragment are not allowed`},
		{"bad host, nothing to hide", "https://exa mple.com", `WithBaseURL("https://exa mple.com"): invalid character " " in host name`},
		{"ftp, nothing to hide", "ftp://example.com/api/v2", `WithBaseURL("ftp://example.com/api/v2"): scheme must be http or https, like https://circleci.com/api/v2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(WithBaseURL(tt.in))
			if err == nil {
				t.Fatalf("New(WithBaseURL(%q)) succeeded", tt.in)
			}
			if got := err.Error(); got != prefix+tt.want {
				t.Errorf("error = %s\nwant    %s", got, prefix+tt.want)
			}
			if strings.Contains(err.Error(), "s3") || strings.Contains(err.Error(), "cret") {
				t.Errorf("error %q shows part of the secret", err)
			}
		})
	}
}
