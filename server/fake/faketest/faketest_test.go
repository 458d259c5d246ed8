package fake_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/cikit/circleci-go/server/fake"
)

// recorder is a testing.TB that keeps the failures reported to it instead of failing the test.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

// TestNewTestServer_ValidatesResponses checks that the API of NewTestServer is validated against the
// document (so faults answer errors of the right shape, {"error": …} included on the routes that
// document it) and that the control endpoints are left alone.
func TestNewTestServer_ValidatesResponses(t *testing.T) {
	t.Parallel()
	const org = "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a"
	tests := []struct {
		name, path string
		status     int // of the fault; 0 for none
		want       int
	}{
		{"plain answer", "/me", 0, 200},
		{"429 fault", "/me", 429, 429},
		{"503 fault", "/project/gh/demo-org/demo-app/pipeline", 503, 503},
		{"fault on a Policy Management route", "/owner/" + org + "/context/config/policy-bundle", 503, 503},
		{"fault on an OIDC route", "/org/" + org + "/oidc-custom-claims", 429, 429},
		{"not simulated", "/org/" + org + "/oidc-custom-claims", 0, 501},
		{"no such route", "/no/such/route", 0, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{TB: t}
			ts := fake.NewTestServer(rec)
			if tt.status != 0 {
				postControl(t, ts, "/_fake/faults", map[string]any{"path": tt.path, "status": tt.status, "count": 1}, http.StatusCreated)
			}
			if got, _ := get(t, ts, tt.path); got != tt.want {
				t.Errorf("GET %s: %d, want %d", tt.path, got, tt.want)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, f := range rec.failures {
				t.Errorf("servertest reported: %s", f)
			}
		})
	}
}
