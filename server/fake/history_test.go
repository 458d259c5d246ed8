package fake_test

import (
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestHistory checks POST /_fake/history: the simulated clock moves on by the days given, the
// same seed gives the same runs, the rates show in the statuses, and bad bodies or projects are
// 4xx that change nothing.
func TestHistory(t *testing.T) {
	t.Parallel()
	body := map[string]any{"project": insightsSlug, "days": 3, "runs_per_day": 10, "failure_rate": 0.3, "flake_rate": 0.2, "branches": []string{"main", "dev"}, "seed": 42}
	runs := func() []gen.WorkflowRun {
		e := insightsEnv(t, fake.History{Days: 1, RunsPerDay: 1, Seed: 1})
		before := e.fake.Now()
		var out struct{ Now time.Time }
		e.mustControl(200, "POST", "/_fake/history", body, &out)
		if got := out.Now.Sub(before); got != 3*24*time.Hour {
			t.Errorf("the clock moved on by %v, want 3 days and the last runs", got)
		}
		return listAll[gen.WorkflowRun](e, "/insights/"+insightsSlug+"/workflows/ci?all-branches=true")
	}
	a, b := runs(), runs()
	// Simulated time starts at the wall clock's reading, so only the times differ.
	if diff := gocmp.Diff(a, b, cmpopts.IgnoreFields(gen.WorkflowRun{}, "CreatedAt", "StoppedAt")); diff != "" {
		t.Errorf("the same seed gave different runs (-first +second):\n%s", diff)
	}
	count := map[gen.WorkflowRunStatus]int{}
	for _, r := range a {
		count[*r.Status]++
	}
	// 31 pipelines, about half failing, each flaky one (about a fifth) rerun once.
	if count["success"] < 10 || count["failed"] < 8 || len(a) < 35 {
		t.Errorf("statuses %v of %d runs, want some of each and reruns", count, len(a))
	}

	e := insightsEnv(t, fake.History{Days: 1, RunsPerDay: 1, Seed: 1})
	now := e.fake.Now()
	for _, tt := range []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"project": "gh/demo-org/nope", "days": 1, "runs_per_day": 1}, 404},
		{map[string]any{"project": insightsSlug, "days": 0, "runs_per_day": 1}, 400},
		{map[string]any{"project": insightsSlug, "days": 1, "runs_per_day": 1, "failure_rate": 0.7, "flake_rate": 0.5}, 400},
		{map[string]any{"project": insightsSlug, "days": 1000, "runs_per_day": 1001}, 400},
		{map[string]any{"project": insightsSlug, "days": 1, "runs_per_day": 1, "branches": []string{" "}}, 400},
		{map[string]any{"project": insightsSlug, "days": 1, "runs_per_day": 1, "rate": 1}, 400},
		{map[string]any{"project": "gh/demo-org/scratch-none", "days": 1, "runs_per_day": 1}, 404},
	} {
		var msg struct{ Message string }
		if got := e.control("POST", "/_fake/history", tt.body, &msg); got != tt.want || msg.Message == "" {
			t.Errorf("POST /_fake/history %v: %d %q, want %d with a message", tt.body, got, msg.Message, tt.want)
		}
	}
	if !e.fake.Now().Equal(now) {
		t.Errorf("rejected histories moved the clock from %v to %v", now, e.fake.Now())
	}
}
