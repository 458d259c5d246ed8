package servertest_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cikit/circleci-go/server/servertest"
)

// failures stands in for the test a servertest handler reports to, to see what it reports.
type failures struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *failures) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, format)
}

func (f *failures) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errs)
}

const pipelineID = "5034460f-c7c4-4c43-9457-de07e2029e7b"

func TestHandler(t *testing.T) {
	t.Parallel()
	user := `{"id":"` + pipelineID + `","login":"l","name":"n","avatar_url":null}`
	tests := []struct {
		name     string
		method   string
		path     string
		status   int
		ct       string
		body     string
		wantFail bool
		header   http.Header // set on the response
	}{
		{"valid 200", "GET", "/api/v2/me", 200, "application/json", user, false, nil},
		{"wrong field type", "GET", "/api/v2/me", 200, "application/json", `{"id":5,"login":"l","name":"n"}`, true, nil},
		{"missing required field", "GET", "/api/v2/me", 200, "application/json", `{"id":"` + pipelineID + `"}`, true, nil},
		{"plain-text error", "GET", "/api/v2/me", 400, "text/plain", "bad", true, nil},
		{"JSON error", "GET", "/api/v2/me", 401, "application/json", `{"message":"You must log in first."}`, false, nil},
		{"error without message", "GET", "/api/v2/me", 401, "application/json", `{"msg":"x"}`, true, nil},
		{"undocumented success", "GET", "/api/v2/me", 201, "application/json", user, true, nil},
		{"service error without error member", "GET", "/api/v2/owner/o/context/config/policy-bundle", 400, "application/json", `{"message":"x"}`, true, nil},
		{"service error with both", "GET", "/api/v2/owner/o/context/config/policy-bundle", 400, "application/json", `{"message":"x","error":"x"}`, false, nil},
		{"unknown route with JSON 404", "GET", "/api/v2/nothing", 404, "application/json", `{"message":"Not found."}`, false, nil},
		{"service 405 without error member", "PUT", "/api/v2/owner/o/context/config/policy-bundle", 405, "application/json", `{"message":"x"}`, true, http.Header{"Allow": {"GET"}}},
		{"service 405 with both", "PUT", "/api/v2/owner/o/context/config/policy-bundle", 405, "application/json", `{"message":"x","error":"x"}`, false, http.Header{"Allow": {"GET"}}},
		{"service 404 without error member", "GET", "/api/v2/org/o/nothing", 404, "application/json", `{"message":"x"}`, true, nil},
		{"service 404 with both", "GET", "/api/v2/org/o/nothing", 404, "application/json", `{"message":"x","error":"x"}`, false, nil},
		{"service 400 on empty segment without error member", "GET", "/api/v2/owner//context", 400, "application/json", `{"message":"x"}`, true, nil},
		{"other 405 with message only", "PUT", "/api/v2/me", 405, "application/json", `{"message":"x"}`, false, http.Header{"Allow": {"GET"}}},
		{"405 without Allow", "PUT", "/api/v2/me", 405, "application/json", `{"message":"x"}`, true, nil},
		{"unknown route with 200", "GET", "/api/v2/nothing", 200, "application/json", `{}`, true, nil},
		{"raw slug resolved", "GET", "/api/v2/project/gh/org/repo", 200, "application/json", `{"nope":1}`, true, nil},
		{"health not checked", "GET", "/healthz", 200, "text/plain", "ok", false, nil},
		{"HEAD as GET without body", "HEAD", "/api/v2/me", 200, "application/json", "", false, nil},
		{"HEAD error without body", "HEAD", "/api/v2/nothing", 404, "application/json", "", false, nil},
		{"HEAD plain-text error", "HEAD", "/api/v2/me", 401, "text/plain", "", true, nil},
		{"HEAD undocumented success", "HEAD", "/api/v2/me", 201, "application/json", "", true, nil},
		{"undocumented success matching the default", "GET", "/api/v2/me", 201, "application/json", `{"message":"x"}`, true, nil},
		{"HEAD on a path without GET", "HEAD", "/api/v2/pipeline/continue", 200, "application/json", "", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &failures{TB: t}
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.Header().Set("Content-Type", tt.ct)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			srv := servertest.NewServer(f, h)
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || string(b) != tt.body {
				t.Errorf("response passed on as %d %q, want %d %q", res.StatusCode, b, tt.status, tt.body)
			}
			if got := f.count() > 0; got != tt.wantFail {
				t.Errorf("failed = %v, want %v (%s)", got, tt.wantFail, strings.Join(f.errs, "; "))
			}
		})
	}
}
