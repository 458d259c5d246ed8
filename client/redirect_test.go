package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClient_redirectDropsCallerTokens sets token headers on a request itself (through a request
// editor of the generated client, where the auth transport leaves them alone) and follows a redirect:
// to another host (another port of 127.0.0.1, where net/http itself would keep Authorization) the
// headers must not go along; on the base URL's host they stay.
func TestClient_redirectDropsCallerTokens(t *testing.T) {
	t.Parallel()
	me := `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","login":"me","name":"Me"}`
	other := &recorder{}
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		writeJSON(w, 200, me)
	}))
	t.Cleanup(elsewhere.Close)
	tests := []struct {
		name    string
		header  string // set by the caller
		sameHst bool   // redirect to the base URL's host
	}{
		{"Circle-Token, other host", "Circle-Token", false},
		{"Authorization, other port", "Authorization", false},
		{"Circle-Token, same host", "Circle-Token", true},
		{"Authorization, same host", "Authorization", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
				if got.EscapedPath == "/me" && tt.sameHst {
					http.Redirect(w, r, "/api/v2/me/again", http.StatusFound)
					return
				}
				if got.EscapedPath == "/me" {
					http.Redirect(w, r, elsewhere.URL+"/api/v2/me", http.StatusFound)
					return
				}
				writeJSON(w, 200, me)
			}, WithoutToken())
			setToken := func(_ context.Context, req *http.Request) error {
				req.Header.Set(tt.header, "caller-secret")
				return nil
			}
			before := len(other.all())
			resp, err := c.Generated().GetCurrentUser(t.Context(), setToken)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if tt.sameHst {
				reqs := rec.all()
				last := reqs[len(reqs)-1]
				if last.EscapedPath != "/api/v2/me/again" || last.Header.Get(tt.header) != "caller-secret" {
					t.Errorf("redirect on the same host: %s with %s %q, want the caller's token kept", last.EscapedPath, tt.header, last.Header.Get(tt.header))
				}
				return
			}
			reqs := other.all()
			if len(reqs) == before {
				t.Fatal("the redirect did not reach the other host")
			}
			for _, r := range reqs {
				for _, k := range tokenHeaders {
					if v := r.Header.Get(k); strings.Contains(v, "caller-secret") {
						t.Errorf("the caller's token went to another host in %s: %q", k, v)
					}
				}
			}
		})
	}
}

// TestClient_redirectPolicy checks that the caller's CheckRedirect still decides, after the tokens are
// gone, and that without one a redirect loop ends after 10 redirects as with net/http's default.
func TestClient_redirectPolicy(t *testing.T) {
	t.Parallel()
	loop := func(w http.ResponseWriter, r *http.Request, _ recorded) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}
	rec, c, _ := newServer(t, loop, WithRetryMax(0))
	_, err := c.GetCurrentUser(t.Context())
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("redirect loop: %v, want stopped after 10 redirects", err)
	}
	if n := len(rec.all()); n != 10 { // the first and 9 redirects; the 10th is not followed
		t.Errorf("the loop sent %d requests, want 10", n)
	}

	var seen []string
	hc := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		seen = append(seen, req.Header.Get("Circle-Token"))
		return http.ErrUseLastResponse
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://elsewhere.invalid/api/v2/me", http.StatusFound)
	}))
	defer srv.Close()
	c2, err := New(WithBaseURL(srv.URL+"/api/v2"), WithoutToken(), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c2.Generated().GetCurrentUser(t.Context(), func(_ context.Context, req *http.Request) error {
		req.Header.Set("Circle-Token", "caller-secret")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || len(seen) != 1 || seen[0] != "" {
		t.Errorf("caller's CheckRedirect: status %d, saw tokens %q; want 302 and one call without the token", resp.StatusCode, seen)
	}
	if hc.CheckRedirect == nil || hc.Transport != nil {
		t.Error("the caller's http.Client was changed")
	}
}
