// Package faketest starts the in-memory CircleCI of package fake for a test: served on httptest,
// every API response validated against the document, and a client pointed at it.
//
// It is a package of its own so that programs serving the fake (cmd/circleci-fake) do not link
// package testing.
package faketest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/servertest"
)

// Server is a fake served on httptest for a test.
type Server struct {
	// Fake is the fake itself, for controls such as [fake.Server.Advance] and
	// [fake.Server.InjectFault].
	Fake *fake.Server
	// URL is the API base URL, e.g. "http://127.0.0.1:40123/api/v2".
	URL string
	// Token is the first token of the seed's first user (the demo user's with the demo seed); empty
	// when that user has none.
	Token string
	// Client is a client of the API at URL that sends Token, built with retries off
	// (client.WithRetryMax(0)), so that a fault injected with [fake.Server.InjectFault] reaches the
	// caller as an error at once instead of being retried away. A test of retry logic builds its own
	// client with [Server.NewClient] and the retry options it tests.
	//
	// When Token is empty it sends no credentials at all: it never falls back to the CIRCLE_TOKEN or
	// CIRCLECI_TOKEN environment variables as client.New does, so a real token in the environment
	// never reaches the test server.
	Client *client.Client
	// HTTP is the underlying httptest server; the control endpoints are under
	// HTTP.URL + fake.ControlPath.
	HTTP *httptest.Server
}

// NewServer starts a fake on httptest and closes both when the test ends. Without options it runs
// [fake.DemoSeed], at speed 0 (simulated time moves only with [fake.Server.Advance]), with
// [fake.SequentialIDs]; opts come after those and so override them.
//
// Every response of the API is validated against the document by servertest.Handler: one that does
// not match it, such as a malformed error, fails t. The control endpoints under [fake.ControlPath],
// which the document does not describe, are served as they are.
func NewServer(t testing.TB, opts ...fake.Option) *Server {
	t.Helper()
	f, err := fake.New(append([]fake.Option{fake.WithIDSource(fake.SequentialIDs())}, opts...)...)
	if err != nil {
		t.Fatalf("faketest: %v", err)
	}
	return Serve(t, f)
}

// Serve serves a fake made by the caller like [NewServer] does, with its Handler built with
// serverOpts (say server.WithLogger or server.WithStrictMiddlewares), and closes the server and
// the fake when the test ends.
func Serve(t testing.TB, f *fake.Server, serverOpts ...server.Option) *Server {
	t.Helper()
	h, err := f.Handler(serverOpts...)
	if err != nil {
		t.Fatalf("faketest: %v", err)
	}
	checked := servertest.Handler(t, h)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fake.IsControlPath(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { _ = f.Close() }) // runs first: no delayed request holds up hs.Close
	ts := &Server{Fake: f, URL: hs.URL + server.DefaultBasePath, HTTP: hs}
	if users := f.Seed().Users; len(users) > 0 && len(users[0].Tokens) > 0 {
		ts.Token = users[0].Tokens[0]
	}
	if ts.Client, err = ts.NewClient(); err != nil {
		t.Fatalf("faketest: %v", err)
	}
	return ts
}

// NewClient returns a client of the API at URL built as [Server.Client] is (Token or no
// credentials, the httptest server's HTTP client, no retries), with opts applied after those, so
// they override them. A test of retry logic turns retries back on:
//
//	c, err := ts.NewClient(client.WithRetryMax(3), client.WithRetryBackoff(0, time.Millisecond))
//
// It is the same as calling client.New with client.WithBaseURL(ts.URL), client.WithToken(ts.Token)
// (client.WithoutToken() when Token is empty), client.WithHTTPClient(ts.HTTP.Client()) and
// client.WithRetryMax(0) before opts.
func (s *Server) NewClient(opts ...client.Option) (*client.Client, error) {
	auth := client.WithoutToken() // not the token of the environment, which may be a real one
	if s.Token != "" {
		auth = client.WithToken(s.Token)
	}
	base := []client.Option{client.WithBaseURL(s.URL), auth, client.WithHTTPClient(s.HTTP.Client()), client.WithRetryMax(0)}
	return client.New(append(base, opts...)...)
}
