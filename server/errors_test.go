package server_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/servertest"
)

// TestWriteError checks answers a route middleware writes with WriteError: the error shape of the
// route's family, the request ID header, and the request log line with the request ID, route and
// operation; the implementation is not reached.
func TestWriteError(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	refuse := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Has("pass") {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Retry-After", "1")
			server.WriteError(w, r, http.StatusServiceUnavailable, r.URL.Query().Get("msg"))
		})
	}
	rec, h := newRecorded(t, server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))), server.WithRouteMiddlewares(refuse))
	srv := servertest.NewServer(t, h)
	tests := []struct {
		name, path, query string
		wantBody          map[string]any
		route, op         string
	}{
		{"plain route", "/me", "msg=Try+later.", map[string]any{"message": "Try later."}, "/api/v2/me", "getCurrentUser"},
		{"policy route", "/owner/" + testUUID + "/context/config/policy-bundle", "msg=Try+later.",
			map[string]any{"message": "Try later.", "error": "Try later."}, "/api/v2/owner/{ownerID}/context/{context}/policy-bundle", "GetPolicyBundle"},
		{"OIDC route", "/org/" + testUUID + "/oidc-custom-claims", "msg=Try+later.",
			map[string]any{"message": "Try later.", "error": "Try later."}, "/api/v2/org/{orgID}/oidc-custom-claims", "GetOrgClaims"},
		{"raw slug", "/project/gh/org/repo/pipeline", "msg=Try+later.", map[string]any{"message": "Try later."},
			"/api/v2/project/{project-slug}/pipeline", "listPipelinesForProject"},
		{"empty message", "/me", "", map[string]any{"message": "Service Unavailable"}, "/api/v2/me", "getCurrentUser"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := "writeerror-" + strings.ReplaceAll(tt.name, " ", "-")
			resp := do(t, srv.URL, "GET", "/api/v2"+tt.path, tt.query, nil, hdr("X-Request-Id", id))
			if resp.code != http.StatusServiceUnavailable {
				t.Errorf("status %d, want 503", resp.code)
			}
			if diff := cmp.Diff(tt.wantBody, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			for k, want := range map[string]string{"X-Request-Id": id, "Content-Type": "application/json", "Retry-After": "1"} {
				if got := resp.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if calls := rec.takenBy(id); len(calls) != 0 {
				t.Errorf("implementation reached: %v", calls)
			}
			// The line is written before the handler returns, so before the client has the response.
			want := logLine{Msg: "request", RequestID: id, Status: http.StatusServiceUnavailable, Route: tt.route, Operation: tt.op,
				Bytes: int64(len(resp.body))}
			if diff := cmp.Diff([]logLine{want}, requestLines(t, logs.String())[id]); diff != "" {
				t.Errorf("request log lines (-want +got):\n%s", diff)
			}
		})
	}
	// The middleware passes the request on: the implementation answers as usual.
	resp := do(t, srv.URL, "GET", "/api/v2/me", "pass=1", nil, hdr("X-Request-Id", "writeerror-pass"))
	if resp.code != http.StatusNotFound || len(rec.takenBy("writeerror-pass")) != 1 {
		t.Errorf("passed on: status %d %s, want the implementation's 404", resp.code, resp.body)
	}
}

// TestWriteError_outsideServer checks WriteError on a request that New does not serve, and the 500 it
// writes for a status that is not an error.
func TestWriteError_outsideServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		message  string
		wantCode int
		wantBody string
	}{
		{"error status", http.StatusTooManyRequests, "Slow down.", 429, `{"message":"Slow down."}` + "\n"},
		{"slug kept readable", http.StatusNotFound, "No gh/<org>/<repo>.", 404, `{"message":"No gh/<org>/<repo>."}` + "\n"},
		{"success status", http.StatusOK, "fine", 500, `{"message":"Internal server error."}` + "\n"},
		{"status over 599", 600, "odd", 500, `{"message":"Internal server error."}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			server.WriteError(w, httptest.NewRequest(http.MethodGet, "/policy", nil), tt.status, tt.message)
			if w.Code != tt.wantCode || w.Body.String() != tt.wantBody {
				t.Errorf("%d %q, want %d %q", w.Code, w.Body, tt.wantCode, tt.wantBody)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if id := w.Header().Get("X-Request-Id"); id != "" {
				t.Errorf("X-Request-Id %q outside a request served by New", id)
			}
		})
	}
}

// logLine is one line of the JSON request log, as far as the tests look at it.
type logLine struct {
	Msg       string `json:"msg"`
	RequestID string `json:"request_id"`
	Status    int    `json:"status"`
	Bytes     int64  `json:"bytes"`
	Route     string `json:"route"`
	Operation string `json:"operation"`
}

// requestLines returns the request log lines of a JSON log, by request ID.
func requestLines(t *testing.T, log string) map[string][]logLine {
	t.Helper()
	got := map[string][]logLine{}
	for _, raw := range strings.Split(strings.TrimSpace(log), "\n") {
		var l logLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("log line %q: %v", raw, err)
		}
		if l.Msg == "request" {
			got[l.RequestID] = append(got[l.RequestID], l)
		}
	}
	return got
}
