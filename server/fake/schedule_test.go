package fake_test

import (
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/google/go-cmp/cmp"
)

// TestSchedule_Parameters checks a schedule's parameters on create and update: exactly one of
// branch and tag, a non-empty string, and the rest checked against the project's config.
func TestSchedule_Parameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	timetable := map[string]any{"per-hour": 1, "hours-of-day": []int{3}, "days-of-week": []string{"MON"}}
	var existing gen.Schedule
	e.must(201, "POST", demo+"/schedule", map[string]any{"name": "existing", "timetable": timetable, "attribution-actor": "current", "parameters": map[string]any{"branch": "main"}}, &existing)
	tests := []struct {
		name   string
		params map[string]any
		want   int
		msg    string // part of the 400 message
	}{
		{"branch", map[string]any{"branch": "main"}, 201, ""},
		{"tag", map[string]any{"tag": "v1.2.3"}, 201, ""},
		{"branch and declared parameters", map[string]any{"branch": "release", "nightly": true, "environment": "production"}, 201, ""},
		{"neither branch nor tag", map[string]any{"nightly": true}, 400, "branch or tag"},
		{"no parameters", map[string]any{}, 400, "branch or tag"},
		{"both branch and tag", map[string]any{"branch": "main", "tag": "v1"}, 400, "both branch and tag"},
		{"branch not a string", map[string]any{"branch": 7}, 400, "branch must be a non-empty string"},
		{"empty tag", map[string]any{"tag": ""}, 400, "tag must be a non-empty string"},
		{"undeclared parameter", map[string]any{"branch": "main", "nope": "x"}, 400, `"nope"`},
		{"ill-typed parameter", map[string]any{"branch": "main", "deploy": "yes"}, 400, `"deploy"`},
		{"not in enum", map[string]any{"tag": "v1", "environment": "moon"}, 400, `"environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, op := range []struct{ method, path string }{
				{"POST", demo + "/schedule"},
				{"PATCH", "/schedule/" + existing.ID.String()},
			} {
				body := map[string]any{"parameters": tt.params}
				want := tt.want
				if op.method == "POST" {
					body = map[string]any{"name": "s-" + tt.name, "timetable": timetable, "attribution-actor": "system", "parameters": tt.params}
				} else if want == 201 {
					want = 200
				}
				var got struct {
					gen.Schedule
					Message string `json:"message"`
				}
				status := e.call(fake.DemoToken, op.method, op.path, body, &got)
				if status != want {
					t.Fatalf("%s %s: status %d (%s), want %d", op.method, op.path, status, got.Message, want)
				}
				if want >= 400 {
					if !strings.Contains(got.Message, tt.msg) {
						t.Errorf("%s: message %q does not mention %s", op.method, got.Message, tt.msg)
					}
					continue
				}
				if diff := cmp.Diff(viaJSON(t, tt.params), viaJSON(t, got.Parameters)); diff != "" {
					t.Errorf("%s: stored parameters (-want +got):\n%s", op.method, diff)
				}
			}
		})
	}
}
