package server_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// TestNew_tokens checks every way CircleCI accepts a token, and that the principal reaches the
// implementation.
func TestNew_tokens(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var mu sync.Mutex
	principals := map[string]server.Principal{}
	ts.rec.respondWith(func(ctx context.Context, op string, request any) (any, error) {
		p, ok := server.PrincipalFromContext(ctx)
		if !ok {
			return nil, errors.New("no principal")
		}
		mu.Lock()
		principals[server.RequestIDFromContext(ctx)] = p
		mu.Unlock()
		return genserver.GetCurrentUser200JSONResponse{ID: uuid.MustParse(testUUID), Login: "tester", Name: "Tester"}, nil
	})
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name    string
		header  http.Header
		query   string
		want    int
		wantMsg string // fragment of the error message
	}{
		{"Circle-Token", http.Header{"Circle-Token": {testToken}}, "", 200, ""},
		{"Bearer", http.Header{"Authorization": {"Bearer " + testToken}}, "", 200, ""},
		{"bearer lower case", http.Header{"Authorization": {"bearer " + testToken}}, "", 200, ""},
		{"basic with token as user", http.Header{"Authorization": {basic(testToken, "")}}, "", 200, ""},
		{"query", nil, "circle-token=" + testToken, 200, ""},
		{"unknown", http.Header{"Circle-Token": {testToken + "x"}}, "", 401, ""},
		{"prefix of token", http.Header{"Circle-Token": {testToken[:4]}}, "", 401, ""},
		{"bearer unknown", http.Header{"Authorization": {"Bearer nope"}}, "", 401, ""},
		{"basic with token as password", http.Header{"Authorization": {basic("", testToken)}}, "", 200, ""},
		{"basic garbage", http.Header{"Authorization": {"Basic !!!"}}, "", 401, "not valid base64"},
		{"basic garbage does not fall back to the query", http.Header{"Authorization": {"Basic !!!"}}, "circle-token=" + testToken, 401, "not valid base64"},
		{"basic without padding", http.Header{"Authorization": {strings.TrimRight(basic(testToken+"x", ""), "=")}}, "", 401, "not valid base64"},
		{"basic without token", http.Header{"Authorization": {basic("", "")}}, "", 401, "without a token"},
		{"bearer empty", http.Header{"Authorization": {"Bearer "}}, "circle-token=" + testToken, 401, "empty Bearer token"},
		{"other scheme", http.Header{"Authorization": {"Token " + testToken}}, "", 401, "scheme other than"},
		{"other scheme does not fall back to the query", http.Header{"Authorization": {"Token " + testToken}}, "circle-token=" + testToken, 401, "scheme other than"},
		{"Circle-Token wins over a bad Authorization", http.Header{"Circle-Token": {testToken}, "Authorization": {"Basic !!!"}}, "", 200, ""},
		{"none", nil, "", 401, "You must log in first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := ts.send(t, "GET", "/me", tt.query, "", tt.header)
			if resp.code != tt.want {
				t.Fatalf("status %d %s, want %d", resp.code, resp.body, tt.want)
			}
			if strings.Contains(string(resp.body), testToken) {
				t.Errorf("response body contains the token: %s", resp.body)
			}
			if msg, _ := resp.json["message"].(string); tt.wantMsg != "" && !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q, want it to contain %q", msg, tt.wantMsg)
			}
			if tt.want == 200 {
				mu.Lock()
				p := principals[resp.id]
				mu.Unlock()
				if diff := cmp.Diff(server.Principal{ID: "u1", Name: "tester"}, p); diff != "" {
					t.Errorf("principal (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestNew_authenticatorErrors checks how the errors of an Authenticator are answered: an *Error with
// an error status as it is (its status text when it has no message), anything else as 401.
func TestNew_authenticatorErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		wantCode int
		wantMsg  string
	}{
		{"typed", server.Forbidden("Suspended."), 403, "Suspended."},
		{"typed without message", &server.Error{Status: http.StatusForbidden}, 403, "Forbidden"},
		{"typed with a success status", &server.Error{Status: http.StatusOK, Message: "odd"}, 401, "You must log in first."},
		{"untyped", errors.New("token database down"), 401, "You must log in first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := server.AuthenticatorFunc(func(context.Context, string) (server.Principal, error) { return server.Principal{}, tt.err })
			resp := newTestServer(t, server.WithAuthenticator(a)).send(t, "GET", "/me", "", "", auth)
			if resp.code != tt.wantCode {
				t.Errorf("status %d, want %d", resp.code, tt.wantCode)
			}
			if diff := cmp.Diff(map[string]any{"message": tt.wantMsg}, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStaticTokens(t *testing.T) {
	t.Parallel()
	a := server.StaticTokens(map[string]server.Principal{"alpha": {ID: "a"}, "beta": {ID: "b"}, "": {ID: "empty"}})
	tests := []struct {
		token   string
		want    server.Principal
		wantErr error
	}{
		{"alpha", server.Principal{ID: "a"}, nil},
		{"beta", server.Principal{ID: "b"}, nil},
		{"", server.Principal{}, server.ErrUnknownToken},
		{"alph", server.Principal{}, server.ErrUnknownToken},
		{"alphaa", server.Principal{}, server.ErrUnknownToken},
	}
	for _, tt := range tests {
		p, err := a.Authenticate(context.Background(), tt.token)
		if !errors.Is(err, tt.wantErr) || p != tt.want {
			t.Errorf("Authenticate(%q) = %v, %v; want %v, %v", tt.token, p, err, tt.want, tt.wantErr)
		}
	}
}
