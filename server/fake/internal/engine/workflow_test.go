package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// snapshot renders the workflow status and every job's status, e.g.
// "running: a=success b=running c=blocked".
func snapshot(w *Workflow) string {
	var b strings.Builder
	b.WriteString(w.Status() + ":")
	for _, j := range w.Jobs() {
		fmt.Fprintf(&b, " %s=%s", j.Name, j.Status)
	}
	return b.String()
}

// spec parses src and returns its workflow named name.
func spec(t testing.TB, src, name string) WorkflowSpec {
	t.Helper()
	for _, w := range mustParse(t, src).AllWorkflows {
		if w.Name == name {
			return w
		}
	}
	t.Fatalf("no workflow %q", name)
	return WorkflowSpec{}
}

// ids hands out approval request IDs approval-1, approval-2, …
func ids() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("approval-%d", n) }
}

// step is one moment of a scenario: an action at a time, then the expected snapshot.
type step struct {
	at    time.Duration
	do    func(*Workflow) error // nil: just Advance
	want  string
	errIs error
}

func runSteps(t *testing.T, w *Workflow, steps []step) {
	t.Helper()
	for i, s := range steps {
		var err error
		if s.do != nil {
			err = s.do(w)
		} else {
			w.Advance(at(s.at))
		}
		if s.errIs != nil && !errors.Is(err, s.errIs) {
			t.Errorf("step %d (+%v): error = %v, want %v", i, s.at, err, s.errIs)
		}
		if s.errIs == nil && err != nil {
			t.Errorf("step %d (+%v): error = %v", i, s.at, err)
		}
		if got := snapshot(w); got != s.want {
			t.Errorf("step %d (+%v):\n got %s\nwant %s", i, s.at, got, s.want)
		}
	}
}

const dagConfig = `jobs:
  build: {x-fake: {duration: 10s}}
  lint: {x-fake: {duration: 3s}}
  test: {x-fake: {duration: 20s}}
  deploy: {x-fake: {duration: 5s}}
  fails: {x-fake: {outcome: failed, duration: 4s}}
workflows:
  dag:
    jobs:
      - build
      - lint
      - test: {requires: [build, lint]}
      - deploy: {requires: [test]}
  failing:
    jobs:
      - build
      - fails
      - test: {requires: [fails]}
      - deploy: {requires: [test]}
      - lint: {requires: [build]}
  approval:
    jobs:
      - build
      - hold: {type: approval, requires: [build]}
      - deploy: {requires: [hold]}
  flexible:
    jobs:
      - fails
      - lint: {name: notify, requires: [{fails: failed}]}
      - build: {requires: [{fails: terminal}]}
      - deploy: {requires: [fails]}
`

func TestWorkflow_Scenarios(t *testing.T) {
	t.Parallel()
	const s = time.Second
	tests := []struct {
		name     string
		workflow string
		steps    []step
	}{
		{
			name: "DAG to success", workflow: "dag",
			steps: []step{
				{at: 0, want: "running: build=queued lint=queued test=blocked deploy=blocked"},
				{at: 1 * s, want: "running: build=running lint=running test=blocked deploy=blocked"},
				{at: 4 * s, want: "running: build=running lint=success test=blocked deploy=blocked"},
				{at: 11 * s, want: "running: build=success lint=success test=queued deploy=blocked"},
				{at: 12 * s, want: "running: build=success lint=success test=running deploy=blocked"},
				{at: 32 * s, want: "running: build=success lint=success test=success deploy=queued"},
				{at: 37*s + 999*time.Millisecond, want: "running: build=success lint=success test=success deploy=running"},
				{at: 38 * s, want: "success: build=success lint=success test=success deploy=success"},
				{at: time.Hour, want: "success: build=success lint=success test=success deploy=success"},
			},
		},
		{
			name: "failed job: dependants not_run, failing then failed", workflow: "failing",
			steps: []step{
				{at: 5 * s, want: "failing: build=running fails=failed test=not_run deploy=not_run lint=blocked"},
				{at: 11 * s, want: "failing: build=success fails=failed test=not_run deploy=not_run lint=queued"},
				{at: 15 * s, want: "failed: build=success fails=failed test=not_run deploy=not_run lint=success"},
			},
		},
		{
			name: "flexible requires", workflow: "flexible",
			steps: []step{
				{at: 5 * s, want: "failing: fails=failed notify=queued build=queued deploy=not_run"},
				{at: time.Minute, want: "failed: fails=failed notify=success build=success deploy=not_run"},
			},
		},
		{
			name: "approval", workflow: "approval",
			steps: []step{
				{at: 5 * s, want: "running: build=running hold=blocked deploy=blocked"},
				{at: 11 * s, want: "on_hold: build=success hold=on_hold deploy=blocked"},
				{at: time.Hour, want: "on_hold: build=success hold=on_hold deploy=blocked"},
				{at: time.Hour, do: func(w *Workflow) error { return w.Approve("nope", at(time.Hour)) }, errIs: ErrNotFound, want: "on_hold: build=success hold=on_hold deploy=blocked"},
				{at: time.Hour, do: func(w *Workflow) error { return w.Approve("approval-1", at(time.Hour)) }, want: "running: build=success hold=success deploy=queued"},
				{at: time.Hour, do: func(w *Workflow) error { return w.Approve("approval-1", at(time.Hour)) }, errIs: ErrNotOnHold, want: "running: build=success hold=success deploy=queued"},
				{at: time.Hour + 11*s, want: "success: build=success hold=success deploy=success"},
			},
		},
		{
			name: "approval before its requirement is done", workflow: "approval",
			steps: []step{
				{at: 2 * s, do: func(w *Workflow) error { return w.Approve("approval-1", at(2*s)) }, errIs: ErrNotOnHold, want: "running: build=running hold=blocked deploy=blocked"},
			},
		},
		{
			name: "cancel while running", workflow: "dag",
			steps: []step{
				{at: 12 * s, do: func(w *Workflow) error { return w.Cancel(at(12 * s)) }, want: "canceled: build=success lint=success test=canceled deploy=not_run"},
				{at: time.Hour, want: "canceled: build=success lint=success test=canceled deploy=not_run"},
				{at: time.Hour, do: func(w *Workflow) error { return w.Cancel(at(time.Hour)) }, errIs: ErrStopped, want: "canceled: build=success lint=success test=canceled deploy=not_run"},
			},
		},
		{
			name: "cancel on hold", workflow: "approval",
			steps: []step{
				{at: time.Minute, do: func(w *Workflow) error { return w.Cancel(at(time.Minute)) }, want: "canceled: build=success hold=canceled deploy=not_run"},
			},
		},
		{
			name: "cancel a finished workflow", workflow: "dag",
			steps: []step{
				{at: time.Hour, do: func(w *Workflow) error { return w.Cancel(at(time.Hour)) }, errIs: ErrStopped, want: "success: build=success lint=success test=success deploy=success"},
			},
		},
		{
			name: "cancel one job", workflow: "dag",
			steps: []step{
				{at: 2 * s, do: func(w *Workflow) error { return w.CancelJob("lint", at(2*s)) }, want: "running: build=running lint=canceled test=not_run deploy=not_run"},
				{at: 2 * s, do: func(w *Workflow) error { return w.CancelJob("lint", at(2*s)) }, errIs: ErrStopped, want: "running: build=running lint=canceled test=not_run deploy=not_run"},
				{at: 2 * s, do: func(w *Workflow) error { return w.CancelJob("nope", at(2*s)) }, errIs: ErrNotFound, want: "running: build=running lint=canceled test=not_run deploy=not_run"},
				{at: time.Minute, want: "canceled: build=success lint=canceled test=not_run deploy=not_run"},
			},
		},
		{
			name: "set outcome", workflow: "dag",
			steps: []step{
				{at: 0, do: func(w *Workflow) error { return w.SetOutcome("deploy", OutcomeTimedout) }, want: "running: build=queued lint=queued test=blocked deploy=blocked"},
				{at: 0, do: func(w *Workflow) error { return w.SetOutcome("nope", OutcomeFailed) }, errIs: ErrNotFound, want: "running: build=queued lint=queued test=blocked deploy=blocked"},
				{at: time.Hour, want: "failed: build=success lint=success test=success deploy=timedout"},
				{at: time.Hour, do: func(w *Workflow) error { return w.SetOutcome("deploy", OutcomeSuccess) }, errIs: ErrStopped, want: "failed: build=success lint=success test=success deploy=timedout"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := NewWorkflow(spec(t, dagConfig, tt.workflow), t0, nil, ids())
			runSteps(t, w, tt.steps)
		})
	}
}

func TestWorkflow_Timings(t *testing.T) {
	t.Parallel()
	w := NewWorkflow(spec(t, dagConfig, "approval"), t0, nil, ids())
	w.Advance(at(time.Minute))
	if err := w.Approve("approval-1", at(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	w.Advance(at(time.Hour)) // one jump: every transition still at its own time
	tp := func(d time.Duration) *time.Time { v := at(d); return &v }
	want := []JobState{
		{Name: "build", Job: "build", Type: TypeBuild, Status: StatusSuccess, Executor: "docker", ResourceClass: "medium", Parallelism: 1, Duration: 10 * time.Second,
			QueuedAt: tp(0), StartedAt: tp(time.Second), StoppedAt: tp(11 * time.Second)},
		{Name: "hold", Job: "hold", Type: TypeApproval, Status: StatusSuccess, Dependencies: []string{"build"}, ApprovalRequestID: "approval-1",
			QueuedAt: tp(11 * time.Second), StartedAt: tp(11 * time.Second), StoppedAt: tp(2 * time.Minute)},
		{Name: "deploy", Job: "deploy", Type: TypeBuild, Status: StatusSuccess, Dependencies: []string{"hold"}, Executor: "docker", ResourceClass: "medium", Parallelism: 1, Duration: 5 * time.Second,
			QueuedAt: tp(2 * time.Minute), StartedAt: tp(2*time.Minute + time.Second), StoppedAt: tp(2*time.Minute + 6*time.Second)},
	}
	if diff := cmp.Diff(want, w.Jobs()); diff != "" {
		t.Errorf("Jobs (-want +got):\n%s", diff)
	}
	stopped, ok := w.StoppedAt()
	if !ok || !stopped.Equal(at(2*time.Minute+6*time.Second)) {
		t.Errorf("StoppedAt = %v, %v; want %v, true", stopped, ok, at(2*time.Minute+6*time.Second))
	}
	if got, want := w.CreatedAt(), t0; !got.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", got, want)
	}
}

func TestWorkflow_NotRunHasNoTimes(t *testing.T) {
	t.Parallel()
	w := NewWorkflow(spec(t, dagConfig, "failing"), t0, nil, nil)
	w.Advance(at(time.Hour))
	j, ok := w.Job("deploy")
	if !ok || j.Status != StatusNotRun || j.QueuedAt != nil || j.StartedAt != nil || j.StoppedAt != nil {
		t.Errorf("Job(deploy) = %+v, %v; want not_run without times", j, ok)
	}
	if _, ok := w.Job("nope"); ok {
		t.Error("Job(nope) found")
	}
}

func TestWorkflow_NextEvent(t *testing.T) {
	t.Parallel()
	w := NewWorkflow(spec(t, dagConfig, "approval"), t0, nil, ids())
	var got []time.Duration
	for {
		next, ok := w.NextEvent()
		if !ok {
			break
		}
		got = append(got, next.Sub(t0))
		w.Advance(next)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 11 * time.Second}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if w.Status() != StatusOnHold {
		t.Errorf("Status = %s, want on_hold", w.Status())
	}
}

func TestWorkflow_Outcome(t *testing.T) {
	t.Parallel()
	outcome := func(job string) Outcome {
		if job == "test" {
			return OutcomeInfrastructureFail
		}
		return ""
	}
	w := NewWorkflow(spec(t, dagConfig, "dag"), t0, outcome, nil)
	w.Advance(at(time.Hour))
	if got, want := snapshot(w), "failed: build=success lint=success test=infrastructure_fail deploy=not_run"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWorkflow_Rerun(t *testing.T) {
	t.Parallel()
	failing := spec(t, dagConfig, "failing")
	finished := func() *Workflow {
		w := NewWorkflow(failing, t0, nil, ids())
		w.Advance(at(time.Hour))
		return w
	}
	fixed := func(string) Outcome { return OutcomeSuccess }
	tests := []struct {
		name       string
		w          *Workflow
		fromFailed bool
		outcome    func(string) Outcome
		wantErr    error
		wantStart  string
		wantEnd    string
		wantReused []string
	}{
		{
			name: "from failed", w: finished(), fromFailed: true, outcome: fixed,
			wantStart:  "running: build=success fails=queued test=blocked deploy=blocked lint=success",
			wantEnd:    "success: build=success fails=success test=success deploy=success lint=success",
			wantReused: []string{"build", "lint"},
		},
		{
			name: "from failed fails again with the config outcome", w: finished(), fromFailed: true,
			wantStart:  "running: build=success fails=queued test=blocked deploy=blocked lint=success",
			wantEnd:    "failed: build=success fails=failed test=not_run deploy=not_run lint=success",
			wantReused: []string{"build", "lint"},
		},
		{
			name: "from start", w: finished(), outcome: fixed,
			wantStart: "running: build=queued fails=queued test=blocked deploy=blocked lint=blocked",
			wantEnd:   "success: build=success fails=success test=success deploy=success lint=success",
		},
		{name: "still running", w: NewWorkflow(failing, t0, nil, nil), wantErr: ErrNotStopped},
		{
			name: "from failed after success",
			w: func() *Workflow {
				w := NewWorkflow(spec(t, dagConfig, "dag"), t0, nil, nil)
				w.Advance(at(time.Hour))
				return w
			}(),
			fromFailed: true, wantErr: ErrNothingToRerun,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := snapshot(tt.w)
			start := at(2 * time.Hour)
			r, err := tt.w.Rerun(tt.fromFailed, start, tt.outcome, ids())
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Rerun error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := snapshot(tt.w); got != before {
				t.Errorf("original changed: %s -> %s", before, got)
			}
			if got := snapshot(r); got != tt.wantStart {
				t.Errorf("rerun at start:\n got %s\nwant %s", got, tt.wantStart)
			}
			if got := r.CreatedAt(); !got.Equal(start) {
				t.Errorf("CreatedAt = %v, want %v", got, start)
			}
			var reused []string
			for _, j := range r.Jobs() {
				if j.Reused {
					reused = append(reused, j.Name)
					if orig, _ := tt.w.Job(j.Name); !cmp.Equal(orig.StoppedAt, j.StoppedAt) {
						t.Errorf("reused %s: StoppedAt %v, want the original %v", j.Name, j.StoppedAt, orig.StoppedAt)
					}
				}
			}
			if diff := cmp.Diff(tt.wantReused, reused); diff != "" {
				t.Errorf("reused (-want +got):\n%s", diff)
			}
			r.Advance(start.Add(time.Hour))
			if got := snapshot(r); got != tt.wantEnd {
				t.Errorf("rerun at end:\n got %s\nwant %s", got, tt.wantEnd)
			}
		})
	}
}

func TestWorkflow_RerunApproval(t *testing.T) {
	t.Parallel()
	// Approved, then deploy fails: a rerun from failed keeps the approval, under a new ID.
	w := NewWorkflow(spec(t, dagConfig, "approval"), t0, func(j string) Outcome {
		if j == "deploy" {
			return OutcomeFailed
		}
		return ""
	}, ids())
	w.Advance(at(time.Minute))
	if err := w.Approve("approval-1", at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	w.Advance(at(time.Hour))
	r, err := w.Rerun(true, at(2*time.Hour), nil, func() string { return "fresh" })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snapshot(r), "running: build=success hold=success deploy=queued"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if j, _ := r.Job("hold"); j.ApprovalRequestID != "fresh" || !j.Reused {
		t.Errorf("kept approval = %+v, want it reused with ID fresh", j)
	}
	// From the start the approval waits again, under a new ID.
	r, err = w.Rerun(false, at(2*time.Hour), nil, func() string { return "fresh" })
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(at(3 * time.Hour))
	if j, _ := r.Job("hold"); j.ApprovalRequestID != "fresh" || j.Status != StatusOnHold {
		t.Errorf("hold = %+v, want on_hold with ID fresh", j)
	}
}

// TestWorkflow_Deterministic checks that the same inputs give the same states,
// and that one big Advance equals many small ones.
func TestWorkflow_Deterministic(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"dag", "failing", "approval", "flexible"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sp := spec(t, dagConfig, name)
			a := NewWorkflow(sp, t0, nil, nil)
			b := NewWorkflow(sp, t0, nil, nil)
			for d := time.Duration(0); d <= 2*time.Minute; d += 250 * time.Millisecond {
				b.Advance(at(d))
			}
			a.Advance(at(2 * time.Minute))
			if diff := cmp.Diff(a.Jobs(), b.Jobs()); diff != "" {
				t.Errorf("one jump vs small steps (-jump +steps):\n%s", diff)
			}
			c := NewWorkflow(sp, t0, nil, nil)
			c.Advance(at(2 * time.Minute))
			if diff := cmp.Diff(a.Jobs(), c.Jobs()); diff != "" {
				t.Errorf("same inputs differ (-first +second):\n%s", diff)
			}
		})
	}
}

func TestWorkflow_HandBuiltSpec(t *testing.T) {
	t.Parallel()
	sp := WorkflowSpec{Name: "w", Jobs: []JobRef{
		{Name: "b", Type: TypeBuild, Requires: []string{"a", "missing"}, Outcome: OutcomeSuccess, Duration: time.Second},
		{Name: "a", Type: TypeBuild, Outcome: OutcomeSuccess, Duration: time.Second},
		{Name: "x", Type: TypeBuild, Requires: []string{"y"}},
		{Name: "y", Type: TypeBuild, Requires: []string{"x"}},
	}}
	w := NewWorkflow(sp, t0, nil, nil)
	w.Advance(at(time.Minute))
	if got, want := snapshot(w), "running: b=success a=success x=blocked y=blocked"; got != want {
		t.Errorf("got %s, want %s (unknown requirements ignored, cycles stay blocked)", got, want)
	}
}
