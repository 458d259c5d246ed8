package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cikit/circleci-go/server"
)

// TestNew_log checks the request log: route pattern rather than the path, request ID echoed or made
// up, and no token anywhere.
func TestNew_log(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	ts := newTestServer(t, server.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	resp := ts.send(t, "GET", "/project/gh/secret-org/repo/pipeline", "circle-token="+testToken, "",
		http.Header{"X-Request-Id": {"req-123"}})
	if got := resp.header.Get("X-Request-Id"); got != "req-123" {
		t.Errorf("X-Request-Id = %q, want it echoed", got)
	}
	// Sent with do: send would give the request an X-Request-Id of its own.
	resp = do(t, ts.url, "GET", "/api/v2/me", "", nil, http.Header{"Authorization": {"Bearer " + testToken}})
	if got := resp.header.Get("X-Request-Id"); got == "" {
		t.Error("no X-Request-Id made up")
	}
	out := logs.String()
	for _, want := range []string{"route=/api/v2/project/{project-slug}/pipeline", "status=404", "request_id=req-123", "method=GET", "duration=", "bytes="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{testToken, "secret-org"} {
		if strings.Contains(out, bad) {
			t.Errorf("log contains %q:\n%s", bad, out)
		}
	}
}

// TestNew_logPanic checks that the request log line of a request whose implementation panics shows
// the 500 the client got (recover is outside the log stage), with the route and the operation, once,
// and that the 500 has the operation's error shape.
func TestNew_logPanic(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	ts := newTestServer(t, server.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	ts.rec.respondWith(func(context.Context, string, any) (any, error) { panic("boom") })
	tests := []struct {
		id, path, route, op string
		wantBody            map[string]any
	}{
		{"panic-plain", "/me/collaborations", "/api/v2/me/collaborations", "getCollaborations",
			map[string]any{"message": "Internal server error."}},
		{"panic-service", "/owner/" + testUUID + "/context/config/policy-bundle", "/api/v2/owner/{ownerID}/context/{context}/policy-bundle", "GetPolicyBundle",
			map[string]any{"message": "Internal server error.", "error": "Internal server error."}},
	}
	for _, tt := range tests {
		resp := ts.send(t, "GET", tt.path, "", "", hdr("X-Request-Id", tt.id))
		if resp.code != 500 {
			t.Errorf("%s: status %d, want 500", tt.path, resp.code)
		}
		if diff := cmp.Diff(tt.wantBody, resp.json); diff != "" {
			t.Errorf("%s: body (-want +got):\n%s", tt.path, diff)
		}
	}
	// The line is written before the handler returns, so before the client has the response.
	got := requestLines(t, logs.String())
	for _, tt := range tests {
		want := []logLine{{Msg: "request", RequestID: tt.id, Status: 500, Route: tt.route, Operation: tt.op}}
		if diff := cmp.Diff(want, got[tt.id], cmpopts.IgnoreFields(logLine{}, "Bytes")); diff != "" {
			t.Errorf("%s: request log lines (-want +got):\n%s", tt.path, diff)
		}
		if ls := got[tt.id]; len(ls) == 1 && ls[0].Bytes == 0 {
			t.Errorf("%s: the log line counts no bytes of the 500 body", tt.path)
		}
	}
}
