package faketest_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/faketest"
)

// recorder is a testing.TB that keeps the failures reported to it instead of failing the test.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

// TestNewServer_ValidatesResponses checks that the API of NewServer is validated against the
// document (so faults answer errors of the right shape, {"error": …} included on the routes that
// document it) and that the control endpoints are left alone.
func TestNewServer_ValidatesResponses(t *testing.T) {
	t.Parallel()
	const org = "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a"
	tests := []struct {
		name, path string
		status     int // of the fault; 0 for none
		want       int
	}{
		{"plain answer", "/me", 0, 200},
		{"429 fault", "/me", 429, 429},
		{"503 fault", "/project/gh/demo-org/demo-app/pipeline", 503, 503},
		{"fault on a Policy Management route", "/owner/" + org + "/context/config/policy-bundle", 503, 503},
		{"fault on an OIDC route", "/org/" + org + "/oidc-custom-claims", 429, 429},
		{"OIDC route", "/org/" + org + "/oidc-custom-claims", 0, 200},
		{"Insights route", "/insights/gh/demo-org/demo-app/workflows", 0, 200},
		{"no such route", "/no/such/route", 0, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{TB: t}
			ts := faketest.NewServer(rec)
			if tt.status != 0 {
				body := fmt.Sprintf(`{"path": %q, "status": %d, "count": 1}`, tt.path, tt.status)
				res, err := http.Post(ts.HTTP.URL+fake.ControlPath+"faults", "application/json", strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					t.Fatalf("adding the fault: %d", res.StatusCode)
				}
			}
			req, err := http.NewRequest("GET", ts.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Circle-Token", ts.Token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("GET %s: %d, want %d", tt.path, res.StatusCode, tt.want)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, f := range rec.failures {
				t.Errorf("servertest reported: %s", f)
			}
		})
	}
}

// TestNewServer_Client checks that the client of the test server reaches its API with its token,
// for the demo seed and for a seed whose first user has another token.
func TestNewServer_Client(t *testing.T) {
	t.Parallel()
	other := fake.DemoSeed()
	other.Users[0].Tokens = []string{"tok-1", fake.DemoToken}
	tests := []struct {
		name      string
		opts      []fake.Option
		wantToken string
	}{
		{"demo seed", nil, fake.DemoToken},
		{"first token of the first user", []fake.Option{fake.WithSeed(other)}, "tok-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := faketest.NewServer(t, tt.opts...)
			if ts.Token != tt.wantToken {
				t.Errorf("Token = %q, want %q", ts.Token, tt.wantToken)
			}
			me, err := ts.Client.GetCurrentUser(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if me.Login != "demo-user" {
				t.Errorf("the client is user %q, want demo-user", me.Login)
			}
		})
	}
}

// TestServe_NoTokenFromEnvironment checks that when the seed's first user has no token, the client
// of the test server sends no credentials, even with a token in CIRCLE_TOKEN or CIRCLECI_TOKEN: a
// developer's real token must never reach the test server. It sets environment variables, so it
// does not run in parallel.
func TestServe_NoTokenFromEnvironment(t *testing.T) {
	t.Setenv("CIRCLE_TOKEN", fake.DemoToken) // a token the fake knows, so that sending it would show
	t.Setenv("CIRCLECI_TOKEN", fake.DemoToken)
	seed := fake.DemoSeed()
	seed.Users = append([]fake.SeedUser{{Login: "tokenless", Orgs: []string{fake.DemoOrgSlug}}}, seed.Users...)
	f, err := fake.New(fake.WithSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sent []string
	watch := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			sent = append(sent, r.Header.Get("Circle-Token")+r.Header.Get("Authorization"))
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}
	ts := faketest.Serve(t, f, server.WithRouteMiddlewares(watch))
	if ts.Token != "" {
		t.Fatalf("Token = %q, want none", ts.Token)
	}
	if _, err := ts.Client.GetCurrentUser(t.Context()); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("GetCurrentUser without a token: %v, want ErrUnauthorized", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{""}, sent); diff != "" {
		t.Errorf("credentials sent (-want +got):\n%s", diff)
	}
}

// TestServer_ClientDoesNotRetry checks that an injected fault reaches the caller of Server.Client
// at once instead of being retried away, and that NewClient builds the same client with the options
// given after, so that a test of retry logic can turn retries on.
func TestServer_ClientDoesNotRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		client  func(t *testing.T, ts *faketest.Server) *client.Client
		wantErr error // nil: the call succeeds
	}{
		{"Client", func(_ *testing.T, ts *faketest.Server) *client.Client { return ts.Client }, client.ErrRateLimited},
		{"NewClient without options", func(t *testing.T, ts *faketest.Server) *client.Client {
			c, err := ts.NewClient()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}, client.ErrRateLimited},
		{"NewClient with retries", func(t *testing.T, ts *faketest.Server) *client.Client {
			c, err := ts.NewClient(client.WithRetryMax(1), client.WithRetryAfterMax(0))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := faketest.NewServer(t)
			c := tt.client(t, ts)
			if err := ts.Fake.InjectFault(fake.Fault{Path: "/me", Status: http.StatusTooManyRequests, Count: 1}); err != nil {
				t.Fatal(err)
			}
			_, err := c.GetCurrentUser(t.Context())
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("GetCurrentUser with a 429 fault: %v, want %v", err, tt.wantErr)
			}
			if me, err := c.GetCurrentUser(t.Context()); err != nil || me.Login != "demo-user" {
				t.Errorf("GetCurrentUser after the fault: %v, %v; want demo-user", me, err)
			}
		})
	}
}
