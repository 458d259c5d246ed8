package fake_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/google/go-cmp/cmp"
)

// TestScenario_ApprovalToSuccess triggers the demo pipeline with parameters and follows it through
// its jobs and the approval to success.
func TestScenario_ApprovalToSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"myparam": "./myspecialdir", "myspecialversion": "4.8.2"}}, &pc)
	if pc.Number != 1 || pc.State != gen.PipelineCreationStateCreated {
		t.Fatalf("creation = %+v", pc)
	}
	var cfg gen.PipelineConfig
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/config", nil, &cfg)
	if !strings.Contains(cfg.Compiled, "DIR=./myspecialdir VERSION=4.8.2") || !strings.Contains(cfg.Source, "<< pipeline.parameters.myparam >>") {
		t.Errorf("config not compiled with the parameters:\n%s", cfg.Compiled)
	}
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	if len(wl.Items) != 1 || wl.Items[0].Name != "build-test-deploy" {
		t.Fatalf("workflows = %+v, want only build-test-deploy (nightly is off)", wl.Items)
	}
	wf := wl.Items[0].ID.String()
	want := map[string]string{"build": "queued", "test": "blocked", "hold": "blocked", "deploy": "blocked"}
	jobs := jobsByName(e, wf)
	if diff := cmp.Diff(want, statuses(jobs)); diff != "" {
		t.Errorf("at start (-want +got):\n%s", diff)
	}
	for name, j := range jobs {
		if j.StartedAt != nil {
			t.Errorf("%s is %s but started_at = %v, want null", name, j.Status, j.StartedAt)
		}
	}
	var queued gen.JobDetails
	e.must(200, "GET", fmt.Sprintf("%s/job/%d", demo, *jobs["build"].JobNumber), nil, &queued)
	if queued.StartedAt != nil {
		t.Errorf("queued job details: started_at = %v, want null", queued.StartedAt)
	}
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	jobs = jobsByName(e, wf)
	want = map[string]string{"build": "success", "test": "success", "hold": "on_hold", "deploy": "blocked"}
	if diff := cmp.Diff(want, statuses(jobs)); diff != "" {
		t.Errorf("before approval (-want +got):\n%s", diff)
	}
	if jobs["build"].StartedAt == nil || jobs["deploy"].StartedAt != nil {
		t.Errorf("started_at: build %v (want a time), deploy %v (blocked: want null)", jobs["build"].StartedAt, jobs["deploy"].StartedAt)
	}
	var w gen.Workflow
	e.must(200, "GET", "/workflow/"+wf, nil, &w)
	if w.Status != gen.WorkflowStatusOnHold {
		t.Errorf("workflow status %s, want on_hold", w.Status)
	}
	e.must(202, "POST", "/workflow/"+wf+"/approve/"+jobs["hold"].ApprovalRequestID.String(), nil, nil)
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	e.must(200, "GET", "/workflow/"+wf, nil, &w)
	if w.Status != gen.WorkflowStatusSuccess || w.StoppedAt == nil {
		t.Errorf("workflow = %s stopped %v, want success", w.Status, w.StoppedAt)
	}
	var jd gen.JobDetails
	e.must(200, "GET", fmt.Sprintf("%s/job/%d", demo, *jobs["test"].JobNumber), nil, &jd)
	if jd.Parallelism != 2 || jd.Pipeline.ID != pc.ID || jd.LatestWorkflow.ID.String() != wf || jd.Status != "success" || jd.Duration == nil || *jd.Duration != 60_000 { // a 60 s job, in milliseconds
		t.Errorf("job details = %+v", jd)
	}
	var tests gen.TestList
	e.must(200, "GET", fmt.Sprintf("%s/%d/tests", demo, *jobs["test"].JobNumber), nil, &tests)
	var arts gen.ArtifactList
	e.must(200, "GET", fmt.Sprintf("%s/%d/artifacts", demo, *jobs["test"].JobNumber), nil, &arts)
	if len(tests.Items) != 6 || len(arts.Items) != 2 {
		t.Errorf("got %d tests and %d artifacts, want 6 and 2 (parallelism 2)", len(tests.Items), len(arts.Items))
	}
}

// TestScenario_FailureRerunCancel makes deploy fail, checks what it blocks, reruns from failed and
// cancels a workflow.
func TestScenario_FailureRerunCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.fake.SetJobOutcome("gh/demo-org/demo-app", "test", "failed"); err != nil {
		t.Fatal(err)
	}
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", map[string]any{"branch": "feature"}, &pc)
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	wf := wl.Items[0].ID.String()
	if err := e.fake.Advance(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"build": "success", "test": "failed", "hold": "not_run", "deploy": "not_run"}
	if diff := cmp.Diff(want, statuses(jobsByName(e, wf))); diff != "" {
		t.Errorf("after failure (-want +got):\n%s", diff)
	}
	var w gen.Workflow
	e.must(200, "GET", "/workflow/"+wf, nil, &w)
	if w.Status != gen.WorkflowStatusFailed {
		t.Errorf("workflow status %s, want failed", w.Status)
	}
	if err := e.fake.SetJobOutcome("gh/demo-org/demo-app", "test", "success"); err != nil {
		t.Fatal(err)
	}
	var rr gen.WorkflowRerun
	e.must(202, "POST", "/workflow/"+wf+"/rerun", map[string]any{"from_failed": true}, &rr)
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	if len(wl.Items) != 2 || wl.Items[1].ID != rr.WorkflowID || wl.Items[1].Name != "build-test-deploy" {
		t.Fatalf("workflows after rerun = %+v", wl.Items)
	}
	jobs := jobsByName(e, rr.WorkflowID.String())
	if jobs["build"].Status != "success" || jobs["test"].Status != "queued" {
		t.Errorf("rerun from failed: build %s test %s, want success (kept) and queued", jobs["build"].Status, jobs["test"].Status)
	}
	e.must(200, "POST", fmt.Sprintf("%s/job/%d/cancel", demo, *jobs["test"].JobNumber), nil, nil)
	want = map[string]string{"build": "success", "test": "canceled", "hold": "not_run", "deploy": "not_run"}
	if diff := cmp.Diff(want, statuses(jobsByName(e, rr.WorkflowID.String()))); diff != "" {
		t.Errorf("after job cancel (-want +got):\n%s", diff)
	}
	// Cancel a whole workflow of a new pipeline.
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	e.must(202, "POST", "/workflow/"+wl.Items[0].ID.String()+"/cancel", nil, nil)
	e.must(200, "GET", "/workflow/"+wl.Items[0].ID.String(), nil, &w)
	if w.Status != gen.WorkflowStatusCanceled || w.CanceledBy == nil {
		t.Errorf("canceled workflow = %s by %v", w.Status, w.CanceledBy)
	}
}

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

// TestWorkflow_ErrorMessages checks that refusals of workflow and job operations say what is wrong in
// the API's words, without the simulation engine's own error text.
func TestWorkflow_ErrorMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A pipeline run to success.
	var wl gen.WorkflowList
	var done gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", nil, &done)
	e.must(200, "GET", "/pipeline/"+done.ID.String()+"/workflow", nil, &wl)
	doneWf := wl.Items[0].ID.String()
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	doneJobs := jobsByName(e, doneWf)
	e.must(202, "POST", "/workflow/"+doneWf+"/approve/"+doneJobs["hold"].ID.String(), nil, nil)
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	// A pipeline just started: its approval job is blocked.
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	wf := wl.Items[0].ID.String()
	blockedHold := jobsByName(e, wf)["hold"].ID.String()
	tests := []struct {
		name, method, path string
		body               any
		want               int
		msg                string
	}{
		{"approve a blocked approval", "POST", "/workflow/" + wf + "/approve/" + blockedHold, nil, 400, `Approval job "hold" is blocked: only an approval job that is on_hold can be approved.`},
		{"approve twice", "POST", "/workflow/" + doneWf + "/approve/" + doneJobs["hold"].ID.String(), nil, 400, `Approval job "hold" is success: only an approval job that is on_hold can be approved.`},
		{"cancel a finished workflow", "POST", "/workflow/" + doneWf + "/cancel", nil, 409, "The workflow has already stopped with status success"},
		{"rerun a successful workflow from failed", "POST", "/workflow/" + doneWf + "/rerun", map[string]any{"from_failed": true}, 400, "no failed jobs to rerun from"},
		{"cancel a finished job by number", "POST", fmt.Sprintf("%s/job/%d/cancel", demo, *doneJobs["build"].JobNumber), nil, 409, "The job has already stopped with status success."},
		{"cancel a finished job by id", "POST", "/jobs/" + doneJobs["deploy"].ID.String() + "/cancel", nil, 400, "The job has already stopped with status success."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var msg gen.Error
			got := e.call(fake.DemoToken, tt.method, tt.path, tt.body, &msg)
			if got != tt.want || !strings.Contains(msg.Message, tt.msg) || strings.Contains(msg.Message, "engine") {
				t.Errorf("%s %s: %d %q, want %d with %q and no engine text", tt.method, tt.path, got, msg.Message, tt.want, tt.msg)
			}
		})
	}
}
