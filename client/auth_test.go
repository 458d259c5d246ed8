package client

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
)

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
