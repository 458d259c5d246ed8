package fake_test

import (
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestApproval_RequestIDIsJobID checks that an approval job's approval_request_id is its own id, that
// it has no job number, and that approving takes that id.
func TestApproval_RequestIDIsJobID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	wf := wl.Items[0].ID.String()
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	jobs := jobsByName(e, wf)
	hold, build := jobs["hold"], jobs["build"]
	if hold.Status != "on_hold" || hold.ApprovalRequestID == nil || *hold.ApprovalRequestID != hold.ID {
		t.Fatalf("hold = %s with approval_request_id %v, want on_hold with its id %s", hold.Status, hold.ApprovalRequestID, hold.ID)
	}
	if hold.JobNumber != nil {
		t.Errorf("approval job has job_number %d, want none", *hold.JobNumber)
	}
	for name, j := range jobs {
		if name != "hold" && j.ApprovalRequestID != nil {
			t.Errorf("build job %s has approval_request_id %s", name, j.ApprovalRequestID)
		}
	}
	if err := e.fake.SetJobOutcome(fake.DemoProjectSlug, "deploy", "failed"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		want int
	}{
		{"a build job's id", build.ID.String(), 404},
		{"an unknown id", "00000000-0000-4000-8000-00000000ffff", 404},
		{"the approval job's id", hold.ID.String(), 202},
		{"the approval job's id again", hold.ID.String(), 400},
	}
	for _, tt := range tests { // in order: the approval happens once
		var msg gen.Error
		if got := e.call(fake.DemoToken, "POST", "/workflow/"+wf+"/approve/"+tt.id, nil, &msg); got != tt.want {
			t.Errorf("approve with %s: %d %q, want %d", tt.name, got, msg.Message, tt.want)
		}
	}
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := jobsByName(e, wf)["deploy"].Status; got != "failed" {
		t.Fatalf("deploy after approval: %s, want failed (set before the approval)", got)
	}
	// A rerun from failed carries the approval over as a new job, with a new id.
	var rr gen.WorkflowRerun
	e.must(202, "POST", "/workflow/"+wf+"/rerun", map[string]any{"from_failed": true}, &rr)
	again := jobsByName(e, rr.WorkflowID.String())["hold"]
	if again.Status != "success" || again.ID == hold.ID || again.ApprovalRequestID == nil || *again.ApprovalRequestID != again.ID {
		t.Errorf("carried-over hold = %s id %s approval_request_id %v, want success under a new id of its own", again.Status, again.ID, again.ApprovalRequestID)
	}
}
