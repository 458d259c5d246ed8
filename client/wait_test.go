package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestWorkflowDone(t *testing.T) {
	t.Parallel()
	done := map[gen.WorkflowStatus]bool{
		gen.WorkflowStatusSuccess: true, gen.WorkflowStatusFailed: true, gen.WorkflowStatusError: true,
		gen.WorkflowStatusCanceled: true, gen.WorkflowStatusNotRun: true, gen.WorkflowStatusUnauthorized: true,
		gen.WorkflowStatusRunning: false, gen.WorkflowStatusFailing: false, gen.WorkflowStatusOnHold: false,
	}
	for s, want := range done {
		if !s.Valid() {
			t.Errorf("%q is not a status of the document", s)
		}
		if got := WorkflowDone(s); got != want {
			t.Errorf("WorkflowDone(%q) = %v, want %v", s, got, want)
		}
	}
	if WorkflowDone("someday") {
		t.Error(`WorkflowDone("someday") = true, want false for a status it does not know`)
	}
}

func TestJobDone(t *testing.T) {
	t.Parallel()
	done := map[gen.JobStatus]bool{
		gen.JobStatusSuccess: true, gen.JobStatusFailed: true, gen.JobStatusCanceled: true,
		gen.JobStatusInfrastructureFail: true, gen.JobStatusTimedout: true, gen.JobStatusNotRun: true,
		gen.JobStatusRetried: true, gen.JobStatusTerminatedUnknown: true, gen.JobStatusUnauthorized: true,
		gen.JobStatusQueued: false, gen.JobStatusNotRunning: false, gen.JobStatusRunning: false,
		gen.JobStatusBlocked: false, gen.JobStatusOnHold: false,
	}
	for s, want := range done {
		if !s.Valid() {
			t.Errorf("%q is not a status of the document", s)
		}
		if got := JobDone(s); got != want {
			t.Errorf("JobDone(%q) = %v, want %v", s, got, want)
		}
	}
}

// script answers the polls of WaitForWorkflows from a list of workflow statuses per poll (nil: no
// workflows yet), the last repeated, and the pipeline's state.
type script struct {
	mu            sync.Mutex
	polls         [][]gen.WorkflowStatus
	pipelineState string
	n             int // workflow polls answered
	pipelineGets  int
}

func (s *script) serve(w http.ResponseWriter, r *http.Request, rec recorded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case strings.HasSuffix(rec.EscapedPath, "/workflow"):
		statuses := s.polls[min(s.n, len(s.polls)-1)]
		s.n++
		var items []string
		for i, st := range statuses {
			items = append(items, fmt.Sprintf(`{"id":"%s","name":"wf%d","status":"%s","pipeline_id":"%s","pipeline_number":1,"project_slug":"gh/o/r","created_at":"2024-05-01T10:00:00Z","started_by":"%s","stopped_at":null}`,
				uuid.NewSHA1(uuid.Nil, []byte{byte(i)}), i, st, testPipelineID, uuid.Nil))
		}
		writeJSON(w, 200, `{"items":[`+strings.Join(items, ",")+`],"next_page_token":null}`)
	case strings.HasPrefix(rec.EscapedPath, "/pipeline/"):
		s.pipelineGets++
		writeJSON(w, 200, fmt.Sprintf(`{"id":"%s","errors":[{"type":"config","message":"config is invalid"}],"project_slug":"gh/o/r","number":7,"state":"%s","created_at":"2024-05-01T10:00:00Z","trigger":{"type":"api","received_at":"2024-05-01T10:00:00Z","actor":{"login":"x","avatar_url":null}}}`, testPipelineID, s.pipelineState))
	default:
		writeJSON(w, 404, `{"message":"no"}`)
	}
}

// immediately is a WaitOptions.After that never waits, counting the pauses and the intervals asked.
type immediately struct {
	mu    sync.Mutex
	asked []time.Duration
}

func (im *immediately) after(d time.Duration) <-chan time.Time {
	im.mu.Lock()
	im.asked = append(im.asked, d)
	im.mu.Unlock()
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}

func TestClient_WaitForWorkflows(t *testing.T) {
	t.Parallel()
	S := func(s ...gen.WorkflowStatus) []gen.WorkflowStatus { return s }
	run, fail, hold, ok, failing := gen.WorkflowStatusRunning, gen.WorkflowStatusFailed, gen.WorkflowStatusOnHold, gen.WorkflowStatusSuccess, gen.WorkflowStatusFailing
	tests := []struct {
		name          string
		polls         [][]gen.WorkflowStatus
		pipelineState string
		interval      time.Duration
		want          []gen.WorkflowStatus // the statuses returned
		onHold        int
		succeeded     bool
		pauses        int // how often it waited between polls
		err           error
	}{
		{name: "done at once", polls: [][]gen.WorkflowStatus{S(ok)}, want: S(ok), succeeded: true},
		{name: "running, then done", polls: [][]gen.WorkflowStatus{S(run), S(run, run), S(failing, ok), S(fail, ok)}, want: S(fail, ok), pauses: 3},
		{name: "on hold ends the wait", polls: [][]gen.WorkflowStatus{S(run, run), S(hold, ok)}, want: S(hold, ok), onHold: 1, pauses: 1},
		{name: "no workflows yet", polls: [][]gen.WorkflowStatus{nil, nil, S(ok)}, pipelineState: "created", want: S(ok), succeeded: true, pauses: 2},
		{name: "errored pipeline", polls: [][]gen.WorkflowStatus{nil}, pipelineState: "errored", err: ErrPipelineErrored},
		{name: "interval", polls: [][]gen.WorkflowStatus{S(run), S(ok)}, interval: time.Minute, want: S(ok), succeeded: true, pauses: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := &script{polls: tt.polls, pipelineState: tt.pipelineState}
			_, c, _ := newServer(t, sc.serve)
			im := &immediately{}
			got, err := c.WaitForWorkflows(context.Background(), testPipelineID, &WaitOptions{Interval: tt.interval, After: im.after})
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), "config is invalid") {
					t.Fatalf("err = %v, want %v with the pipeline's message", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var statuses []gen.WorkflowStatus
			for _, w := range got.Items {
				statuses = append(statuses, w.Status)
			}
			if diff := cmp.Diff(tt.want, statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if n := len(got.OnHold()); n != tt.onHold {
				t.Errorf("OnHold: %d workflows, want %d", n, tt.onHold)
			}
			if got.Succeeded() != tt.succeeded {
				t.Errorf("Succeeded = %v, want %v", got.Succeeded(), tt.succeeded)
			}
			if got.Pipeline != testPipelineID {
				t.Errorf("Pipeline = %s", got.Pipeline)
			}
			wantInterval := tt.interval
			if wantInterval == 0 {
				wantInterval = DefaultWaitInterval
			}
			if len(im.asked) != tt.pauses {
				t.Errorf("paused %d times, want %d", len(im.asked), tt.pauses)
			}
			for _, d := range im.asked {
				if d != wantInterval {
					t.Errorf("paused for %s, want %s", d, wantInterval)
				}
			}
		})
	}
}

// TestClient_WaitForWorkflows_ends checks that a wait that would go on forever ends with the
// context, and that an API error ends it at once.
func TestClient_WaitForWorkflows_ends(t *testing.T) {
	t.Parallel()
	sc := &script{polls: [][]gen.WorkflowStatus{{gen.WorkflowStatusRunning}}}
	_, c, _ := newServer(t, sc.serve)
	ctx, cancel := context.WithCancel(context.Background())
	never := func(time.Duration) <-chan time.Time {
		cancel() // the caller gives up while the wait pauses
		return nil
	}
	_, err := c.WaitForWorkflows(ctx, testPipelineID, &WaitOptions{After: never})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}

	_, c404, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, rec recorded) {
		writeJSON(w, 404, `{"message":"Pipeline not found"}`)
	})
	if _, err := c404.WaitForWorkflows(context.Background(), testPipelineID, &WaitOptions{After: (&immediately{}).after}); !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestClient_ApproveJob(t *testing.T) {
	t.Parallel()
	wf := uuid.MustParse("11111111-1111-4111-8111-111111111111")
	holdID := uuid.MustParse("22222222-2222-4222-8222-222222222222")
	requestID := uuid.MustParse("33333333-3333-4333-8333-333333333333")
	job := func(name, typ, status string, id uuid.UUID, request *uuid.UUID) string {
		extra := ""
		if request != nil {
			extra = `,"approval_request_id":"` + request.String() + `"`
		}
		return fmt.Sprintf(`{"id":"%s","name":"%s","type":"%s","status":"%s","dependencies":[],"project_slug":"gh/o/r","started_at":null%s}`, id, name, typ, status, extra)
	}
	tests := []struct {
		name     string
		jobs     []string
		approve  string
		wantPath string // the approval request sent; "" for none
		err      string
	}{
		{"by approval request id", []string{job("build", "build", "success", uuid.New(), nil), job("hold", "approval", "on_hold", holdID, &requestID)}, "hold", "/workflow/" + wf.String() + "/approve/" + requestID.String(), ""},
		{"by the job's id", []string{job("hold", "approval", "on_hold", holdID, nil)}, "hold", "/workflow/" + wf.String() + "/approve/" + holdID.String(), ""},
		{"no such job", []string{job("hold", "approval", "on_hold", holdID, nil)}, "approve-prod", "", `no job of that name; its approval jobs: "hold" (on_hold)`},
		{"not an approval job", []string{job("build", "build", "running", uuid.New(), nil)}, "build", "", "not an approval job; the workflow's approval jobs: none"},
		{"already approved", []string{job("hold", "approval", "success", holdID, nil)}, "hold", "", "the approval job is success, not on_hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
				switch {
				case r.Method == "GET" && got.EscapedPath == "/workflow/"+wf.String()+"/job":
					writeJSON(w, 200, `{"items":[`+strings.Join(tt.jobs, ",")+`],"next_page_token":null}`)
				case r.Method == "POST":
					writeJSON(w, 202, `{"message":"Accepted."}`)
				default:
					writeJSON(w, 404, `{"message":"no"}`)
				}
			})
			err := c.ApproveJob(context.Background(), wf, tt.approve)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one with %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			var posted []string
			for _, r := range rec.all() {
				if r.Method == "POST" {
					posted = append(posted, r.EscapedPath)
				}
			}
			var want []string
			if tt.wantPath != "" {
				want = []string{"/api/v2" + tt.wantPath}
			}
			if diff := cmp.Diff(want, posted); diff != "" {
				t.Errorf("approvals sent (-want +got):\n%s", diff)
			}
		})
	}
}
