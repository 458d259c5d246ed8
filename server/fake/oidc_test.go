package fake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

func TestOIDCClaims(t *testing.T) {
	t.Parallel()
	for _, scope := range []struct {
		name, base string
		project    bool
	}{
		{"org", "/org/" + demoOrgID + "/oidc-custom-claims", false},
		{"project", "/org/" + demoOrgID + "/project/" + demoProjectID + "/oidc-custom-claims", true},
	} {
		t.Run(scope.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			wantIDs := map[string]any{"org_id": demoOrgID}
			if scope.project {
				wantIDs["project_id"] = demoProjectID
			}
			var raw map[string]any
			e.must(200, "GET", scope.base, nil, &raw)
			if diff := cmp.Diff(wantIDs, raw); diff != "" {
				t.Errorf("claims never set (-want +got):\n%s", diff)
			}
			var c gen.OIDCClaims
			e.must(200, "PATCH", scope.base, map[string]any{"audience": []string{"sts.amazonaws.com", "api://azure", "sts.amazonaws.com"}, "ttl": "90m"}, &c)
			if diff := cmp.Diff([]string{"api://azure", "sts.amazonaws.com"}, c.Audience); diff != "" {
				t.Errorf("audience, a set (-want +got):\n%s", diff)
			}
			if c.TTL == nil || *c.TTL != "1h30m0s" || c.TTLUpdatedAt == nil || c.AudienceUpdatedAt == nil {
				t.Errorf("after PATCH: %+v, want ttl 1h30m0s and both update times", c)
			}
			firstTTL := *c.TTLUpdatedAt
			advance(t, e.fake, time.Minute)
			e.must(200, "PATCH", scope.base, map[string]any{"ttl": "1.5h"}, &c) // leaves the audience alone
			if len(c.Audience) != 2 || *c.TTL != "1h30m0s" || !c.TTLUpdatedAt.After(firstTTL) {
				t.Errorf("after the second PATCH: %+v", c)
			}

			bad := []struct {
				method, path string
				body         any
				want         string
			}{
				{"PATCH", scope.base, map[string]any{"ttl": "7d"}, "ttl"},
				{"PATCH", scope.base, map[string]any{"ttl": "1w"}, "ttl"},
				{"PATCH", scope.base, map[string]any{"ttl": "0s"}, "ttl"},
				{"PATCH", scope.base, map[string]any{"audience": []string{""}}, "audience"},
				{"PATCH", scope.base, map[string]any{}, "audience or ttl"},
				{"PATCH", scope.base, map[string]any{"aud": []string{"x"}}, "aud"},
				{"DELETE", scope.base + "?claims=issuer", nil, "claims"},
				{"DELETE", scope.base, nil, "claims"},
			}
			for _, tt := range bad {
				var m map[string]string
				if got := e.call(fake.DemoToken, tt.method, tt.path, tt.body, &m); got != 400 || !strings.Contains(m["error"], tt.want) {
					t.Errorf("%s %s %v: %d %v, want 400 with error naming %q", tt.method, tt.path, tt.body, got, m, tt.want)
				}
			}
			e.must(200, "GET", scope.base, nil, &c)
			if len(c.Audience) != 2 || *c.TTL != "1h30m0s" {
				t.Errorf("rejected requests changed the claims: %+v", c)
			}

			var left gen.OIDCClaims
			e.must(200, "DELETE", scope.base+"?claims=audience", nil, &left)
			if left.Audience != nil || left.TTL == nil || left.AudienceUpdatedAt == nil {
				t.Errorf("after deleting the audience: %+v, want the ttl left and the audience's update time kept", left)
			}
			raw = nil
			e.must(200, "DELETE", scope.base+"?claims=audience,ttl", nil, &raw)
			if raw["ttl"] != nil || raw["audience"] != nil || raw["ttl_updated_at"] == nil || raw["audience_updated_at"] == nil {
				t.Errorf("after deleting both: %v, want no claims and both update times", raw)
			}
		})
	}
}

func TestOIDCClaims_NotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{
		"/org/00000000-0000-4000-8000-00000000ffff/oidc-custom-claims",
		"/org/" + demoOrgID + "/project/00000000-0000-4000-8000-00000000ffff/oidc-custom-claims",
		"/org/" + demoOrgID + "/project/" + "7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b" + "/oidc-custom-claims", // an org id, not a project of it
	} {
		var m map[string]string
		if got := e.call(fake.DemoToken, "GET", path, nil, &m); got != 404 || m["error"] == "" {
			t.Errorf("GET %s: %d %v, want 404 with an error key", path, got, m)
		}
	}
}
