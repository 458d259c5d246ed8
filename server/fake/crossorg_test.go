package fake_test

import (
	"testing"

	"github.com/cikit/circleci-go/gen"
)

// TestCrossOrg_PipelinesPoliciesInsights: a token of another organization gets a 404 from every
// route of the pipeline definition, trigger, rollback, deploy settings, policy and Insights tags
// that names a resource of gh/demo-org, and changes nothing; the demo user's token still sees each.
func TestCrossOrg_PipelinesPoliciesInsights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := firstDefinition(e, demoProjectID)
	dp := defsPath(demoProjectID) + "/" + d.ID.String()
	var trig gen.Trigger
	e.must(200, "POST", dp+"/triggers", map[string]any{
		"event_source": map[string]any{"provider": "schedule", "schedule": map[string]any{"cron_expression": "0 3 * * *", "attribution_actor": "system"}},
		"event_name":   "nightly", "checkout_ref": "main", "config_ref": "main",
	}, &trig)
	tp := "/projects/" + demoProjectID + "/triggers/" + trig.ID.String()
	policy := "/owner/" + demoOrgID + "/context/config"
	insights := "/insights/gh/demo-org/demo-app"
	tests := []struct {
		method, path string
		body         any
	}{
		{"GET", defsPath(demoProjectID), nil},
		{"POST", defsPath(demoProjectID), newDefinitionBody("stolen", "1", ".circleci/config.yml")},
		{"GET", dp, nil},
		{"PATCH", dp, map[string]any{"name": "renamed"}},
		{"DELETE", dp, nil},
		{"GET", dp + "/triggers", nil},
		{"GET", tp, nil},
		{"PATCH", tp, map[string]any{"disabled": true}},
		{"DELETE", tp, nil},
		{"POST", "/project/gh/demo-org/demo-app/pipeline/run", map[string]any{"definition_id": d.ID}},
		{"GET", "/deploy/projects/" + demoProjectID + "/settings", nil},
		{"POST", "/projects/" + demoProjectID + "/rollback", map[string]any{"component_name": "c", "current_version": "1", "target_version": "0", "environment_name": "e"}},
		{"GET", policy + "/policy-bundle", nil},
		{"POST", policy + "/policy-bundle", map[string]any{"policies": map[string]string{}}},
		{"GET", policy + "/decision", nil},
		{"POST", policy + "/decision", map[string]any{"input": "version: 2.1"}},
		{"GET", policy + "/decision/settings", nil},
		{"PATCH", policy + "/decision/settings", map[string]any{"enabled": true}},
		{"GET", "/insights/gh%2Fdemo-org/summary", nil},
		{"GET", "/insights/pages/gh/demo-org/demo-app/summary", nil},
		{"GET", insights + "/workflows", nil},
		{"GET", insights + "/workflows/build-test-deploy", nil},
		{"GET", insights + "/workflows/build-test-deploy/jobs", nil},
		{"GET", insights + "/workflows/build-test-deploy/summary", nil},
		{"GET", insights + "/workflows/build-test-deploy/test-metrics", nil},
		{"GET", "/insights/time-series/gh/demo-org/demo-app/workflows/build-test-deploy/jobs", nil},
		{"GET", insights + "/branches", nil},
		{"GET", insights + "/flaky-tests", nil},
	}
	for _, tt := range tests {
		if got := e.call("other-token", tt.method, tt.path, tt.body, nil); got != 404 {
			t.Errorf("other-token %s %s: %d, want 404", tt.method, tt.path, got)
		}
	}
	// Nothing changed: the definition, its name and the trigger are as they were.
	var after gen.PipelineDefinition
	e.must(200, "GET", dp, nil, &after)
	if deref(after.Name) != deref(d.Name) {
		t.Errorf("definition renamed to %q by a foreign token", deref(after.Name))
	}
	var tr gen.Trigger
	e.must(200, "GET", tp, nil, &tr)
	if tr.Disabled != nil && *tr.Disabled {
		t.Error("trigger disabled by a foreign token")
	}
	var settings gen.DecisionSettings
	e.must(200, "GET", policy+"/decision/settings", nil, &settings)
	if settings.Enabled != nil && *settings.Enabled {
		t.Error("policy decisions enabled by a foreign token")
	}
}
