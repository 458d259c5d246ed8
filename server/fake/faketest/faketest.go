package fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/servertest"
)

// TestServer is a fake served on httptest for a test.
type TestServer struct {
	// Fake is the fake itself, for controls such as [Server.Advance] and [Server.InjectFault].
	Fake *Server
	// URL is the API base URL, e.g. "http://127.0.0.1:40123/api/v2".
	URL string
	// Token is a token of the seed's first user (the demo user's with the demo seed).
	Token string
	// HTTP is the underlying httptest server; the control endpoints are under HTTP.URL + "/_fake/".
	HTTP *httptest.Server
}

// NewTestServer starts a fake on httptest and closes both when the test ends. Without options it runs
// [DemoSeed], at speed 0 (simulated time moves only with [Server.Advance]) with [SequentialIDs].
//
// Every response of the API is validated against the document by servertest.Handler: one that does
// not match it, such as a malformed error, fails t. The control endpoints under /_fake/, which the
// document does not describe, are served as they are.
func NewTestServer(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	opts = append([]Option{WithIDSource(SequentialIDs())}, opts...)
	f, err := New(opts...)
	if err != nil {
		t.Fatalf("fake.NewTestServer: %v", err)
	}
	h, err := f.Handler()
	if err != nil {
		t.Fatalf("fake.NewTestServer: %v", err)
	}
	checked := servertest.Handler(t, h)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			h.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { _ = f.Close() }) // runs first: no delayed request holds up hs.Close
	seed := f.seed
	if seed == nil {
		seed = DemoSeed()
	}
	tok := ""
	if len(seed.Users) > 0 && len(seed.Users[0].Tokens) > 0 {
		tok = seed.Users[0].Tokens[0]
	}
	return &TestServer{Fake: f, URL: hs.URL + server.DefaultBasePath, Token: tok, HTTP: hs}
}
