package fake_test

import (
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestCrossOrg checks that a token never sees another organization's objects.
func TestCrossOrg(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var pc gen.PipelineCreation
	if got := e.call("other-token", "POST", "/project/gh/other-org/secret-app/pipeline", nil, &pc); got != 201 {
		t.Fatalf("other user's trigger: %d", got)
	}
	var wl gen.WorkflowList
	e.call("other-token", "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	var ctxs gen.ContextList
	e.call(fake.DemoToken, "GET", "/context?owner-slug=gh/demo-org", nil, &ctxs)
	paths := []string{
		"/project/gh/other-org/secret-app",
		"/project/gh/other-org/secret-app/pipeline",
		"/project/gh/other-org/secret-app/envvar",
		"/project/gh/other-org/secret-app/pipeline/1",
		"/pipeline/" + pc.ID.String(),
		"/pipeline/" + pc.ID.String() + "/config",
		"/workflow/" + wl.Items[0].ID.String(),
		"/workflow/" + wl.Items[0].ID.String() + "/job",
		"/project/gh/other-org/secret-app/job/1",
		"/pipeline?org-slug=gh/other-org",
	}
	for _, p := range paths {
		var msg gen.Error
		if got := e.call(fake.DemoToken, "GET", p, nil, &msg); got != 404 || !strings.Contains(msg.Message, "not found") {
			t.Errorf("demo user GET %s: %d %q, want 404 … not found", p, got, msg.Message)
		}
	}
	if got := e.call("other-token", "GET", "/context/"+ctxs.Items[0].ID.String(), nil, nil); got != 404 {
		t.Errorf("other user GET demo context: %d, want 404", got)
	}
}
