package engine

import (
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// Job and workflow statuses used by the engine, spelled as the API spells them.
const (
	StatusSuccess  = "success"  // job and workflow
	StatusRunning  = "running"  // job and workflow
	StatusNotRun   = "not_run"  // job and workflow
	StatusFailed   = "failed"   // job and workflow
	StatusQueued   = "queued"   // job
	StatusOnHold   = "on_hold"  // job and workflow
	StatusBlocked  = "blocked"  // job
	StatusCanceled = "canceled" // job and workflow
	StatusFailing  = "failing"  // workflow
)

// unset marks a time stamp that has not happened.
const unset = math.MinInt64

// Workflow is one run of a WorkflowSpec on a simulated clock: every method
// that takes a time first moves the run to that time. A Workflow is not safe
// for concurrent use; the caller serialises access to it.
type Workflow struct {
	g         *graph   // the spec and its job graph, shared with every other run
	created   int64    // unix nanoseconds
	canceled  int64    // when Cancel stopped the workflow, or unset
	jobs      []jobRun // parallel to the spec's Jobs
	approvals []string // approval request IDs, by approval slot
}

// jobRun is the mutable state of one job; its times are unix nanoseconds or
// unset. The start time is not stored: a build job starts QueueDelay after it
// was queued (see Workflow.started).
type jobRun struct {
	status  status
	outcome status // the final status the job reaches once it has run
	reused  bool   // kept from the previous run by a rerun from failed
	ready   int64  // queued, or on hold for approvals
	stopped int64
}

// JobState is a snapshot of one job of a Workflow.
type JobState struct {
	// Name is the job's name in the workflow; Job the job definition it runs.
	Name string
	Job  string
	// Type is TypeBuild or TypeApproval.
	Type string
	// Status is one of CircleCI's job statuses: blocked, queued, running,
	// on_hold, success, failed, infrastructure_fail, timedout, canceled or not_run.
	Status string
	// Dependencies are the names of the jobs this job requires (shared with the spec: read-only).
	Dependencies []string
	Executor     string
	// ResourceClass and Parallelism are copied from the job definition.
	ResourceClass string
	Parallelism   int
	// Duration is how long the job runs once started.
	Duration time.Duration
	// QueuedAt is when the job was queued (approvals: when they went on hold).
	QueuedAt *time.Time
	// StartedAt is when it started running (approvals: when they went on hold, once approved).
	StartedAt *time.Time
	// StoppedAt is when it reached a final status; nil for not_run jobs.
	StoppedAt *time.Time
	// ApprovalRequestID identifies an approval job for Approve; empty for build jobs.
	ApprovalRequestID string
	// Reused is true for a successful job that a rerun from failed carried over.
	Reused bool
	// Contexts are the contexts the job runs with (shared with the spec: read-only).
	Contexts []string
}

// NewWorkflow starts a run of spec at createdAt: jobs without requirements
// are queued at once. outcome, if not nil, decides each job's outcome by its
// name in the workflow; an empty or invalid answer keeps the spec's outcome.
// newID supplies approval request IDs; when nil they are derived
// deterministically (a name-based UUID of workflow, job and createdAt).
func NewWorkflow(spec WorkflowSpec, createdAt time.Time, outcome func(job string) Outcome, newID func() string) *Workflow {
	w := newRun(spec, createdAt)
	for i := range w.jobs {
		w.jobs[i].outcome = w.pickOutcome(i, outcome)
	}
	w.assignApprovals(newID)
	w.Advance(createdAt)
	return w
}

func newRun(spec WorkflowSpec, createdAt time.Time) *Workflow {
	g := spec.graph
	if g == nil {
		g, _ = buildGraph(spec.Jobs, nil) // hand-built spec: no errors to report
		g.setSpec(spec)
	}
	w := &Workflow{g: g, created: createdAt.UnixNano(), canceled: unset, jobs: make([]jobRun, len(spec.Jobs))}
	for i := range w.jobs {
		w.jobs[i] = jobRun{status: stBlocked, ready: unset, stopped: unset}
	}
	if g.approvals > 0 {
		w.approvals = make([]string, g.approvals)
	}
	return w
}

func (w *Workflow) pickOutcome(i int, outcome func(string) Outcome) status {
	o := w.g.spec.Jobs[i].Outcome
	if outcome != nil {
		if got := outcome(w.g.spec.Jobs[i].Name); got.Valid() {
			o = got
		}
	}
	return outcomeStatus(o)
}

// assignApprovals gives every approval slot a fresh ID.
func (w *Workflow) assignApprovals(newID func() string) {
	for i, slot := range w.g.approval {
		if slot < 0 {
			continue
		}
		if newID != nil {
			w.approvals[slot] = newID()
		} else {
			w.approvals[slot] = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s\x00%s\x00%d", w.g.spec.Name, w.g.spec.Jobs[i].Name, w.created)).String()
		}
	}
}

// Name returns the workflow's name.
func (w *Workflow) Name() string { return w.g.spec.Name }

// Spec returns the spec this run follows.
func (w *Workflow) Spec() WorkflowSpec { return w.g.spec }

// CreatedAt returns when the run was created, in UTC.
func (w *Workflow) CreatedAt() time.Time { return stamp(w.created) }

func stamp(n int64) time.Time { return time.Unix(0, n).UTC() }

func stampPtr(n int64) *time.Time {
	if n == unset {
		return nil
	}
	t := stamp(n)
	return &t
}

// Advance moves the run to now: blocked jobs whose requirements are met are
// queued (approvals go on hold), queued jobs start after QueueDelay, running
// jobs end with their outcome after their duration, and jobs whose
// requirements can no longer be met end as not_run. Each transition happens
// at the simulated time it was due, however far now jumps. A now earlier than
// an earlier call changes nothing.
func (w *Workflow) Advance(now time.Time) {
	t := now.UnixNano()
	for _, i := range w.g.order {
		j := &w.jobs[i]
		if j.status == stBlocked {
			w.unblock(int(i), t)
		}
		if j.status == stQueued && j.ready <= t-int64(QueueDelay) {
			j.status = stRunning
		}
		if j.status == stRunning {
			if end := w.end(int(i)); end <= t {
				j.status, j.stopped = j.outcome, end
			}
		}
	}
}

// end is when build job i, once queued, stops running.
func (w *Workflow) end(i int) int64 {
	return w.jobs[i].ready + int64(QueueDelay) + int64(w.g.spec.Jobs[i].Duration)
}

// started is when job i started running, or unset: QueueDelay after it was
// queued for build jobs that got that far, the time it went on hold for
// approved approval jobs.
func (w *Workflow) started(i int) int64 {
	j := &w.jobs[i]
	if j.ready == unset {
		return unset
	}
	if w.g.spec.Jobs[i].Type == TypeApproval {
		if j.status == stSuccess {
			return j.ready
		}
		return unset
	}
	s := j.ready + int64(QueueDelay)
	switch {
	case j.status == stQueued, j.status == stCanceled && j.stopped < s:
		return unset
	}
	return s
}

// unblock queues (or holds, or gives up on) blocked job i if its requirements allow by time t.
func (w *Workflow) unblock(i int, t int64) {
	j := &w.jobs[i]
	ready, notRun, pending := w.created, int64(math.MaxInt64), false
	for _, d := range w.g.deps[i] {
		dj := &w.jobs[d.idx]
		if !dj.status.final() || dj.stopped > t {
			pending = true
			continue
		}
		if dj.status.mask()&d.mask == 0 {
			notRun = min(notRun, max(dj.stopped, w.created))
		} else {
			ready = max(ready, dj.stopped)
		}
	}
	switch {
	case notRun != math.MaxInt64:
		j.status, j.stopped = stNotRun, notRun
	case pending || ready > t:
	case w.g.spec.Jobs[i].Type == TypeApproval:
		j.status, j.ready = stOnHold, ready
	default:
		j.status, j.ready = stQueued, ready
	}
}

// Status returns the workflow status that follows from its jobs: canceled
// after Cancel; otherwise, while any job is active, failing if a job has
// failed, else running if a job is queued or running, else on_hold if an
// approval waits; once every job is final, failed if any failed, else canceled
// if any was canceled, else not_run if no job ran, else success.
func (w *Workflow) Status() string {
	if w.canceled != unset {
		return StatusCanceled
	}
	var active, hold, failed, canceled, ran bool
	for i := range w.jobs {
		switch s := w.jobs[i].status; {
		case s == stOnHold:
			hold = true
		case !s.final():
			active = true
		case s.failed():
			failed, ran = true, true
		case s == stCanceled:
			canceled = true
		case s == stSuccess:
			ran = true
		}
	}
	switch {
	case (active || hold) && failed:
		return StatusFailing
	case active && !hold:
		return StatusRunning
	case active || hold:
		if w.anyRunning() {
			return StatusRunning
		}
		return StatusOnHold
	case failed:
		return StatusFailed
	case canceled:
		return StatusCanceled
	case !ran && len(w.jobs) > 0:
		return StatusNotRun
	}
	return StatusSuccess
}

func (w *Workflow) anyRunning() bool {
	for i := range w.jobs {
		if s := w.jobs[i].status; s == stQueued || s == stRunning {
			return true
		}
	}
	return false
}

// Done reports whether every job has reached a final status.
func (w *Workflow) Done() bool {
	for i := range w.jobs {
		if !w.jobs[i].status.final() {
			return false
		}
	}
	return true
}

// StoppedAt returns when the workflow reached its final status, and false
// while it is still active.
func (w *Workflow) StoppedAt() (time.Time, bool) {
	if !w.Done() {
		return time.Time{}, false
	}
	last := w.created
	for i := range w.jobs {
		last = max(last, w.jobs[i].stopped)
	}
	if w.canceled != unset {
		last = max(last, w.canceled)
	}
	return stamp(last), true
}

// NextEvent returns the simulated time of the next transition that Advance
// would make on its own, and false when nothing will happen without a call
// (the run is done, or waits for approvals).
func (w *Workflow) NextEvent() (time.Time, bool) {
	next := int64(math.MaxInt64)
	for i := range w.jobs {
		switch j := &w.jobs[i]; j.status {
		case stQueued:
			next = min(next, j.ready+int64(QueueDelay))
		case stRunning:
			next = min(next, w.end(i))
		}
	}
	if next == math.MaxInt64 {
		return time.Time{}, false
	}
	return stamp(next), true
}

// Jobs returns a snapshot of every job, in config order.
func (w *Workflow) Jobs() []JobState {
	out := make([]JobState, len(w.jobs))
	for i := range w.jobs {
		out[i] = w.state(i)
	}
	return out
}

// Job returns the snapshot of the job with the given name in the workflow.
func (w *Workflow) Job(name string) (JobState, bool) {
	i := w.index(name)
	if i < 0 {
		return JobState{}, false
	}
	return w.state(i), true
}

func (w *Workflow) index(name string) int {
	for i := range w.g.spec.Jobs {
		if w.g.spec.Jobs[i].Name == name {
			return i
		}
	}
	return -1
}

func (w *Workflow) state(i int) JobState {
	ref, j := &w.g.spec.Jobs[i], &w.jobs[i]
	s := JobState{
		Name: ref.Name, Job: ref.Job, Type: ref.Type, Status: j.status.String(), Dependencies: ref.Requires,
		Executor: ref.Executor, ResourceClass: ref.ResourceClass, Parallelism: ref.Parallelism, Duration: ref.Duration,
		QueuedAt: stampPtr(j.ready), StartedAt: stampPtr(w.started(i)), Reused: j.reused, Contexts: ref.Contexts,
	}
	if j.status != stNotRun {
		s.StoppedAt = stampPtr(j.stopped)
	}
	if slot := w.g.approval[i]; slot >= 0 {
		s.ApprovalRequestID = w.approvals[slot]
	}
	return s
}

// Approve approves the approval job with the given request ID at now; the
// jobs that require it may then run. It returns ErrNotFound for an unknown
// ID and ErrNotOnHold when the job is not waiting for approval.
func (w *Workflow) Approve(approvalRequestID string, now time.Time) error {
	w.Advance(now)
	for i, slot := range w.g.approval {
		if slot < 0 || w.approvals[slot] != approvalRequestID {
			continue
		}
		j := &w.jobs[i]
		if j.status != stOnHold {
			return fmt.Errorf("approval job %q is %s: %w", w.g.spec.Jobs[i].Name, j.status, ErrNotOnHold)
		}
		j.status, j.stopped = stSuccess, max(now.UnixNano(), j.ready)
		w.Advance(now)
		return nil
	}
	return fmt.Errorf("approval request %q: %w", approvalRequestID, ErrNotFound)
}

// Cancel stops the workflow at now: queued, running and on-hold jobs end as
// canceled, blocked jobs as not_run, and the workflow's status is canceled.
// It returns ErrStopped if every job had already finished.
func (w *Workflow) Cancel(now time.Time) error {
	w.Advance(now)
	if w.Done() {
		return fmt.Errorf("workflow %q is %s: %w", w.g.spec.Name, w.Status(), ErrStopped)
	}
	t := now.UnixNano()
	w.canceled = t
	for i := range w.jobs {
		j := &w.jobs[i]
		switch j.status {
		case stBlocked:
			j.status, j.stopped = stNotRun, t
		case stQueued, stRunning, stOnHold:
			j.status, j.stopped = stCanceled, max(t, j.ready)
		}
	}
	return nil
}

// CancelJob cancels one job at now; jobs that require it then end as
// not_run (unless they accept canceled). It returns ErrNotFound for an
// unknown name and ErrStopped if the job had already finished.
func (w *Workflow) CancelJob(name string, now time.Time) error {
	w.Advance(now)
	i := w.index(name)
	if i < 0 {
		return fmt.Errorf("job %q: %w", name, ErrNotFound)
	}
	j := &w.jobs[i]
	if j.status.final() {
		return fmt.Errorf("job %q is %s: %w", name, j.status, ErrStopped)
	}
	j.status, j.stopped = stCanceled, max(now.UnixNano(), j.ready)
	w.Advance(now)
	return nil
}

// SetOutcome changes how a job that has not finished yet will end. It
// returns ErrNotFound for an unknown name, ErrStopped for a finished job, and
// an error for an invalid outcome or an approval job.
func (w *Workflow) SetOutcome(name string, o Outcome) error {
	i := w.index(name)
	if i < 0 {
		return fmt.Errorf("job %q: %w", name, ErrNotFound)
	}
	if !o.Valid() {
		return fmt.Errorf("job %q: invalid outcome %q", name, o)
	}
	if w.g.spec.Jobs[i].Type == TypeApproval {
		return fmt.Errorf("job %q is an approval job; approve or cancel it instead", name)
	}
	if w.jobs[i].status.final() {
		return fmt.Errorf("job %q is %s: %w", name, w.jobs[i].status, ErrStopped)
	}
	w.jobs[i].outcome = outcomeStatus(o)
	return nil
}

// Rerun starts a new run of the same spec at createdAt. From the start,
// every job runs again; from failed, jobs that succeeded are carried over as
// success (Reused) and the others, with everything that requires them, run
// again. outcome and newID work as for NewWorkflow; every approval job of the
// new run, carried over or not, gets a new ID, as every job of a new workflow
// is a new job. It returns ErrNotStopped while the workflow is active and,
// from failed, ErrNothingToRerun if the workflow succeeded.
func (w *Workflow) Rerun(fromFailed bool, createdAt time.Time, outcome func(job string) Outcome, newID func() string) (*Workflow, error) {
	if !w.Done() {
		return nil, fmt.Errorf("workflow %q is %s: %w", w.g.spec.Name, w.Status(), ErrNotStopped)
	}
	if fromFailed && w.Status() == StatusSuccess {
		return nil, fmt.Errorf("workflow %q: %w", w.g.spec.Name, ErrNothingToRerun)
	}
	r := newRun(w.g.spec, createdAt)
	for i := range r.jobs {
		if fromFailed && w.jobs[i].status == stSuccess {
			r.jobs[i] = w.jobs[i]
			r.jobs[i].reused = true
			continue
		}
		r.jobs[i].outcome = r.pickOutcome(i, outcome)
	}
	r.assignApprovals(newID)
	r.Advance(createdAt)
	return r, nil
}

// NumJobs returns how many jobs the run has, as Jobs would list them.
func (w *Workflow) NumJobs() int { return len(w.jobs) }

// JobMeta returns what the caller names job i by without building a snapshot of it: its type, its
// approval request ID (empty for build jobs) and whether a rerun from failed carried it over.
func (w *Workflow) JobMeta(i int) (typ, approvalRequestID string, reused bool) {
	if slot := w.g.approval[i]; slot >= 0 {
		approvalRequestID = w.approvals[slot]
	}
	return w.g.spec.Jobs[i].Type, approvalRequestID, w.jobs[i].reused
}
