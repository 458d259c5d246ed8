package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// recorded is what a test server saw of one request.
type recorded struct {
	Method, EscapedPath, RawQuery string
	Header                        http.Header
	Body                          string
}

// recorder keeps the requests a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) add(req *http.Request) recorded {
	body, _ := io.ReadAll(req.Body)
	rec := recorded{Method: req.Method, EscapedPath: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery, Header: req.Header.Clone(), Body: string(body)}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return rec
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// newServer starts an httptest server that records every request under /api/v2 and answers with h.
// It returns the recorder and a client pointed at the server with token "test-token".
func newServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, rec recorded), opts ...Option) (*recorder, *Client, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := rec.add(r)
		if !strings.HasPrefix(r.URL.EscapedPath(), "/api/v2/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"not under /api/v2"}`)
			return
		}
		got.EscapedPath = strings.TrimPrefix(got.EscapedPath, "/api/v2")
		h(w, r, got)
	}))
	t.Cleanup(srv.Close)
	all := append([]Option{WithBaseURL(srv.URL + "/api/v2"), WithToken("test-token"), WithHTTPClient(srv.Client())}, opts...)
	c, err := New(all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return rec, c, srv
}

// writeJSON answers with status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func setQuery(k, v string) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		q := req.URL.Query()
		q.Set(k, v)
		req.URL.RawQuery = q.Encode()
		return nil
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
