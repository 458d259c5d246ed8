package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// TestNew_errors checks the one error shape on the paths that start in the implementation.
func TestNew_errors(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	ts := newTestServer(t, server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	ts.rec.respondWith(func(ctx context.Context, op string, request any) (any, error) {
		switch op {
		case "GetPipelineByID":
			return nil, server.NotFound("Pipeline not found.")
		case "GetCurrentUser":
			return nil, errors.New("database password is hunter2")
		case "GetCollaborations":
			panic("boom")
		case "GetPolicyBundle":
			return nil, server.Forbidden("Not allowed.")
		case "GetProjectBySlug":
			return nil, server.Conflict("Busy.")
		case "GetPipelineConfigByID":
			return nil, server.NotFound("")
		case "GetOrgClaims":
			return nil, &server.Error{Status: http.StatusForbidden}
		case "GetPipelineValuesByID":
			return nil, server.NewError(599, "")
		}
		return nil, nil
	})
	tests := []struct {
		name, path string
		want       int
		wantBody   map[string]any
	}{
		{"typed error", "/pipeline/" + testUUID, 404, map[string]any{"message": "Pipeline not found."}},
		{"internal error", "/me", 500, map[string]any{"message": "Internal server error."}},
		{"panic", "/me/collaborations", 500, map[string]any{"message": "Internal server error."}},
		{"service error body", "/owner/" + testUUID + "/context/config/policy-bundle", 403, map[string]any{"message": "Not allowed.", "error": "Not allowed."}},
		{"undocumented status keeps the shape", "/project/gh/org/repo", 409, map[string]any{"message": "Busy."}},
		{"typed error without message", "/pipeline/" + testUUID + "/config", 404, map[string]any{"message": "Not Found"}},
		{"service error without message", "/org/" + testUUID + "/oidc-custom-claims", 403, map[string]any{"message": "Forbidden", "error": "Forbidden"}},
		{"status without text", "/pipeline/" + testUUID + "/values", 599, map[string]any{"message": "HTTP status 599."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := ts.send(t, "GET", tt.path, "", "", auth)
			if resp.code != tt.want {
				t.Errorf("status %d, want %d", resp.code, tt.want)
			}
			if diff := cmp.Diff(tt.wantBody, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
	t.Cleanup(func() {
		if !strings.Contains(logs.String(), "hunter2") {
			t.Errorf("the internal error text was not logged: %s", logs.String())
		}
		if !strings.Contains(logs.String(), "boom") {
			t.Errorf("the panic was not logged: %s", logs.String())
		}
	})
}

// TestNew_serviceErrorsWithoutRoute checks that errors about the path itself (a method it does not
// serve, a path that matches nothing, an empty segment) carry the "error" member where the path belongs
// to operations whose documented error body is {"error": ...}, and only there.
func TestNew_serviceErrorsWithoutRoute(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	policy := "/owner/" + testUUID + "/context/config"
	tests := []struct {
		name, method, path string
		wantCode           int
		wantError          bool
	}{
		{"policy 405", "PUT", policy + "/policy-bundle", 405, true},
		{"policy 405 with trailing slash", "DELETE", policy + "/decision/", 405, true},
		{"OIDC 405", "POST", "/org/" + testUUID + "/oidc-custom-claims", 405, true},
		{"OIDC project 405", "PUT", "/org/" + testUUID + "/project/" + testUUID + "/oidc-custom-claims", 405, true},
		{"policy 404", "GET", policy + "/nothing", 404, true},
		{"policy 404 deeper", "GET", policy + "/policy-bundle/name/more", 404, true},
		{"OIDC 404", "GET", "/org/" + testUUID + "/nothing", 404, true},
		{"policy empty segment", "GET", "/owner//context/config/policy-bundle", 400, true},
		{"other 405", "PUT", "/context/" + testUUID, 405, false},
		{"other 404", "GET", "/nothing", 404, false},
		{"other 404 under a shared word", "GET", "/organization/gh%2Fo/nothing", 404, false},
		{"other empty segment", "GET", "/context//x", 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := ts.send(t, tt.method, tt.path, "", "", auth)
			if resp.code != tt.wantCode {
				t.Errorf("status %d %s, want %d", resp.code, resp.body, tt.wantCode)
			}
			msg, _ := resp.json["message"].(string)
			if msg == "" {
				t.Errorf("no message: %s", resp.body)
			}
			want := map[string]any{"message": msg}
			if tt.wantError {
				want["error"] = msg
			}
			if diff := cmp.Diff(want, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if len(resp.calls) != 0 {
				t.Errorf("implementation reached: %v", resp.calls)
			}
		})
	}
}

// TestNew_invalidPathEscape pins the limitation the package documentation states: net/http refuses a
// path with a malformed escape itself, in plain text, before the handler can answer.
func TestNew_invalidPathEscape(t *testing.T) {
	t.Parallel()
	rec, h := newRecorded(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The Go client refuses to send such a path, so it is written by hand.
	if _, err := io.WriteString(conn, "GET /api/v2/project/%zz/pipeline HTTP/1.1\r\nHost: x\r\nCircle-Token: "+testToken+"\r\nX-Request-Id: bad-escape\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("status %d, Content-Type %q: net/http no longer answers this itself; update the package documentation",
			res.StatusCode, res.Header.Get("Content-Type"))
	}
	if calls := rec.takenBy("bad-escape"); len(calls) != 0 {
		t.Errorf("implementation reached: %v", calls)
	}
}

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
	ts := newTestServer(t, server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))), server.WithRouteMiddlewares(refuse))
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
			resp := ts.send(t, "GET", tt.path, tt.query, "", auth)
			id := resp.id
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
			if len(resp.calls) != 0 {
				t.Errorf("implementation reached: %v", resp.calls)
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
	resp := ts.send(t, "GET", "/me", "pass=1", "", auth)
	if resp.code != http.StatusNotFound || len(resp.calls) != 1 {
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

// brokenConn is a connection whose writes fail once the status is sent, as when the client has gone
// away; it counts the statuses written to it.
type brokenConn struct {
	*httptest.ResponseRecorder
	statuses []int
}

func (c *brokenConn) WriteHeader(code int) {
	c.statuses = append(c.statuses, code)
	c.ResponseRecorder.WriteHeader(code)
}

func (c *brokenConn) Write([]byte) (int, error) {
	if len(c.statuses) == 0 {
		c.WriteHeader(http.StatusOK)
	}
	return 0, errors.New("connection reset by peer")
}

// statusCounter is a route middleware of the kind metrics use: it wraps the ResponseWriter to see
// the status, passing everything on.
func statusCounter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&statusWriter{ResponseWriter: w}, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	sw.status = code
	sw.ResponseWriter.WriteHeader(code)
}

// TestNew_responseWriteFails checks that when writing the implementation's answer fails after the
// status was sent, the failure is logged as such and no error response is written over it: one
// status reaches the connection, and the request log shows it, whether or not a route middleware
// wraps the ResponseWriter.
func TestNew_responseWriteFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []server.Option
	}{
		{"no route middleware", nil},
		{"route middleware wrapping the writer", []server.Option{server.WithRouteMiddlewares(statusCounter)}},
		{"two wrapping route middlewares", []server.Option{server.WithRouteMiddlewares(statusCounter, statusCounter)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
			opts := append([]server.Option{server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil)))}, tt.opts...)
			rec, h := newRecorded(t, opts...)
			rec.respondWith(func(context.Context, string, any) (any, error) {
				return genserver.GetCurrentUser200JSONResponse{Login: "tester"}, nil
			})
			conn := &brokenConn{ResponseRecorder: httptest.NewRecorder()}
			req := httptest.NewRequest(http.MethodGet, "/api/v2/me", nil)
			req.Header.Set("Circle-Token", testToken)
			req.Header.Set("X-Request-Id", "broken")
			h.ServeHTTP(conn, req)

			if diff := cmp.Diff([]int{http.StatusOK}, conn.statuses); diff != "" {
				t.Errorf("statuses written (-want +got):\n%s", diff)
			}
			out := logs.String()
			if !strings.Contains(out, `"msg":"writing response failed"`) || !strings.Contains(out, "connection reset by peer") {
				t.Errorf("the failed write is not logged as such:\n%s", out)
			}
			if strings.Contains(out, `"msg":"handler failed"`) {
				t.Errorf("the failed write is logged as a handler error:\n%s", out)
			}
			want := []logLine{{Msg: "request", RequestID: "broken", Status: http.StatusOK, Route: "/api/v2/me", Operation: "getCurrentUser"}}
			if diff := cmp.Diff(want, requestLines(t, out)["broken"]); diff != "" {
				t.Errorf("request log lines (-want +got):\n%s", diff)
			}
		})
	}
}
