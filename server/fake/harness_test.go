package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/faketest"
)

// The one harness of the package's tests: a fake served by faketest (every API response validated
// against the document) and the calls the tests make to it.

// otherSeed is the demo seed plus a second user in an organization of their own.
func otherSeed() *fake.Seed {
	s := fake.DemoSeed()
	s.Users = append(s.Users, fake.SeedUser{Login: "other-user", Tokens: []string{"other-token"}, Orgs: []string{"gh/other-org"}})
	s.Orgs = append(s.Orgs, fake.SeedOrg{Slug: "gh/other-org", Projects: []fake.SeedProject{{Name: "secret-app", Config: fake.DemoConfig}}})
	return s
}

// env is a fake served by faketest.Serve, with the operations it served recorded.
type env struct {
	t    *testing.T
	fake *fake.Server
	ts   *faketest.Server
	mu   sync.Mutex
	ops  map[string]bool // operation IDs served, lower-cased
}

// newEnv serves a fake with [otherSeed] and [fake.SequentialIDs], then opts.
func newEnv(t *testing.T, opts ...fake.Option) *env {
	t.Helper()
	return newEnvWith(t, opts, nil)
}

// newEnvWith is [newEnv] with options for the fake's Handler as well.
func newEnvWith(t *testing.T, opts []fake.Option, serverOpts []server.Option) *env {
	t.Helper()
	f, err := fake.New(append([]fake.Option{fake.WithIDSource(fake.SequentialIDs()), fake.WithSeed(otherSeed())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, fake: f, ops: map[string]bool{}}
	record := func(next genserver.StrictHandlerFunc, op string) genserver.StrictHandlerFunc {
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
			e.mu.Lock()
			e.ops[strings.ToLower(op)] = true
			e.mu.Unlock()
			return next(ctx, w, r, req)
		}
	}
	e.ts = faketest.Serve(t, f, append([]server.Option{server.WithStrictMiddlewares(record)}, serverOpts...)...)
	return e
}

// send sends a request to url with a token (none when tok is empty) and a JSON body (none when
// body is nil), decodes a JSON answer into out (when not nil) and returns the status and headers.
func (e *env) send(tok, method, url string, body, out any) (int, http.Header) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Circle-Token", tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, url, data, err)
		}
	}
	return res.StatusCode, res.Header
}

// call sends a request under the API base path with a token and decodes a JSON answer into out
// (when not nil).
func (e *env) call(tok, method, path string, body, out any) int {
	e.t.Helper()
	status, _ := e.send(tok, method, e.ts.URL+path, body, out)
	return status
}

// must is call with the demo token that fails the test unless the status is want.
func (e *env) must(want int, method, path string, body, out any) {
	e.t.Helper()
	e.mustAt(want, fake.DemoToken, method, e.ts.URL+path, body, out)
}

// control calls a test control: path is under the server's root, e.g. "/_fake/faults".
func (e *env) control(method, path string, body, out any) int {
	e.t.Helper()
	status, _ := e.send("", method, e.ts.HTTP.URL+path, body, out)
	return status
}

// mustControl is control that fails the test unless the status is want.
func (e *env) mustControl(want int, method, path string, body, out any) {
	e.t.Helper()
	e.mustAt(want, "", method, e.ts.HTTP.URL+path, body, out)
}

func (e *env) mustAt(want int, tok, method, url string, body, out any) {
	e.t.Helper()
	var raw json.RawMessage
	if got, _ := e.send(tok, method, url, body, &raw); got != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, url, got, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

// get sends a GET with the demo token under the API base path and returns the status and the
// Retry-After header.
func (e *env) get(path string) (int, string) {
	e.t.Helper()
	status, h := e.send(fake.DemoToken, "GET", e.ts.URL+path, nil, nil)
	return status, h.Get("Retry-After")
}

func jobsByName(e *env, wfID string) map[string]gen.Job {
	var jl gen.JobList
	e.must(200, "GET", "/workflow/"+wfID+"/job", nil, &jl)
	out := map[string]gen.Job{}
	for _, j := range jl.Items {
		out[j.Name] = j
	}
	return out
}

func statuses(m map[string]gen.Job) map[string]string {
	out := map[string]string{}
	for k, j := range m {
		out[k] = string(j.Status)
	}
	return out
}

const demo = "/project/gh/demo-org/demo-app"

// simulatedOperations returns the operations of the document whose first tag is one the fake
// simulates with state.
func simulatedOperations(t *testing.T) []*openapi3.Operation {
	t.Helper()
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	simulated := map[string]bool{"User": true, "Project": true, "Pipeline": true, "Workflow": true, "Job": true, "Context": true, "Schedule": true, "Webhook": true,
		"Pipeline Definition": true, "Trigger": true,
		"Organization": true, "Groups": true, "Usage": true, "OTel": true, "OIDC Token Management": true,
		"Policy Management": true, "Deploy": true, "Rollback": true,
		"Insights": true}
	var ops []*openapi3.Operation
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if simulated[op.Tags[0]] {
				ops = append(ops, op)
			}
		}
	}
	return ops
}

// viaJSON returns v as encoding/json decodes its encoding into an any, so that values of different
// Go types that encode alike compare equal.
func viaJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// deref returns *s, or "" when s is nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
