package fake_test

import (
	"testing"

	"github.com/cikit/circleci-go/server/fake"
)

// TestUnavailable checks that operations of the tags the fake does not simulate answer 501 (their
// default response), validated by servertest.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/insights/gh/demo-org/demo-app/workflows", 501},
		{"GET", "/organization/gh%2Fdemo-org", 501},
		{"GET", "/organizations/3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a/groups", 501},
		{"GET", "/otel/exporters?org-id=3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a", 501},
		{"GET", "/org/3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a/oidc-custom-claims", 501},
		{"GET", "/owner/3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a/context/config/policy-bundle", 501},
	}
	for _, tt := range tests {
		var msg map[string]any
		if got := e.call(fake.DemoToken, tt.method, tt.path, nil, &msg); got != tt.want {
			t.Errorf("%s %s: %d %v, want %d", tt.method, tt.path, got, msg, tt.want)
		}
	}
}
