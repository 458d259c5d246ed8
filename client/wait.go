package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/google/uuid"
)

// DefaultWaitInterval is how long [Client.WaitForWorkflows] waits between polls when
// [WaitOptions.Interval] is zero.
const DefaultWaitInterval = 5 * time.Second

// ErrPipelineErrored is what [Client.WaitForWorkflows] returns (wrapped, with the pipeline's error
// messages) for a pipeline CircleCI could not start, such as one whose config does not compile: it
// has no workflows and never will.
var ErrPipelineErrored = errors.New("circleci: pipeline errored")

// WorkflowDone reports whether a workflow's status is final: success, failed, error, canceled,
// not_run or unauthorized. running, failing (a job failed, others still run) and on_hold (waiting
// for an approval) are not; a final workflow changes only when someone reruns it.
func WorkflowDone(s gen.WorkflowStatus) bool {
	switch s {
	case gen.WorkflowStatusSuccess, gen.WorkflowStatusFailed, gen.WorkflowStatusError,
		gen.WorkflowStatusCanceled, gen.WorkflowStatusNotRun, gen.WorkflowStatusUnauthorized:
		return true
	}
	return false
}

// JobDone reports whether a job's status is final: success, failed, canceled, infrastructure_fail,
// timedout, not_run, retried, terminated-unknown or unauthorized. queued, not_running, running,
// blocked and on_hold (an approval job waiting for its approval) are not.
func JobDone(s gen.JobStatus) bool {
	switch s {
	case gen.JobStatusSuccess, gen.JobStatusFailed, gen.JobStatusCanceled, gen.JobStatusInfrastructureFail,
		gen.JobStatusTimedout, gen.JobStatusNotRun, gen.JobStatusRetried, gen.JobStatusTerminatedUnknown,
		gen.JobStatusUnauthorized:
		return true
	}
	return false
}

// WaitOptions tune [Client.WaitForWorkflows]. The zero value polls every [DefaultWaitInterval].
type WaitOptions struct {
	// Interval is the time between two polls; zero means DefaultWaitInterval.
	Interval time.Duration
	// After, when set, replaces the timer between polls: the wait goes on when the channel it returns
	// delivers (or the context ends). A test against the fake passes a function that advances the
	// fake's simulated clock by d and returns a ready channel, so that nothing waits for real time.
	After func(d time.Duration) <-chan time.Time
}

// Workflows is the state of a pipeline's workflows when [Client.WaitForWorkflows] returns: every
// workflow is either done ([WorkflowDone]) or on hold.
type Workflows struct {
	// Pipeline is the pipeline waited for.
	Pipeline uuid.UUID
	// Items are the pipeline's workflows, as the last poll saw them.
	Items []gen.Workflow
}

// OnHold returns the workflows waiting for an approval. WaitForWorkflows does not wait for them,
// since nothing happens until someone approves: see [Client.ApproveJob].
func (w *Workflows) OnHold() []gen.Workflow {
	var out []gen.Workflow
	for _, wf := range w.Items {
		if wf.Status == gen.WorkflowStatusOnHold {
			out = append(out, wf)
		}
	}
	return out
}

// Succeeded reports whether every workflow ended with success (and there is at least one).
func (w *Workflows) Succeeded() bool {
	return len(w.Items) > 0 && !slices.ContainsFunc(w.Items, func(wf gen.Workflow) bool { return wf.Status != gen.WorkflowStatusSuccess })
}

// WaitForWorkflows polls a pipeline's workflows until every one is done ([WorkflowDone]) or on hold,
// and returns them. A workflow on hold waits for a person to approve it, so it ends the wait instead
// of holding it forever: check [Workflows.OnHold], approve with [Client.ApproveJob], and wait again.
//
// While the pipeline has no workflows yet, it also reads the pipeline: a pipeline in the errored
// state (say, a config that does not compile) is an error that matches [ErrPipelineErrored]. A
// pipeline whose config picks no workflow at all never gets one, so give ctx a deadline; the wait
// ends with ctx's error when ctx is done. API errors end it at once (GETs are retried first as
// usual).
//
// CircleCI API: GET /pipeline/{pipeline-id}/workflow (listWorkflowsByPipelineId), GET
// /pipeline/{pipeline-id} (getPipelineById).
func (c *Client) WaitForWorkflows(ctx context.Context, pipelineID uuid.UUID, opts *WaitOptions) (*Workflows, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval <= 0 {
		o.Interval = DefaultWaitInterval
	}
	for {
		var items []gen.Workflow
		for wf, err := range c.ListWorkflowsByPipelineIDIter(ctx, pipelineID, nil) {
			if err != nil {
				return nil, err
			}
			items = append(items, wf)
		}
		if len(items) == 0 {
			p, err := c.GetPipelineByID(ctx, pipelineID)
			if err != nil {
				return nil, err
			}
			if p.State == gen.PipelineStateErrored {
				return nil, pipelineErrored(p)
			}
		} else if !slices.ContainsFunc(items, func(wf gen.Workflow) bool {
			return !WorkflowDone(wf.Status) && wf.Status != gen.WorkflowStatusOnHold
		}) {
			return &Workflows{Pipeline: pipelineID, Items: items}, nil
		}
		if err := pause(ctx, o); err != nil {
			return nil, err
		}
	}
}

// pause waits out one interval, or until ctx is done.
func pause(ctx context.Context, o WaitOptions) error {
	var ready <-chan time.Time
	if o.After != nil {
		ready = o.After(o.Interval)
	} else {
		t := time.NewTimer(o.Interval)
		defer t.Stop()
		ready = t.C
	}
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("circleci: waiting for workflows: %w", context.Cause(ctx))
	}
}

// pipelineErrored is the error for an errored pipeline, with the messages CircleCI gave.
func pipelineErrored(p *gen.Pipeline) error {
	msgs := make([]string, 0, len(p.Errors))
	for _, e := range p.Errors {
		msgs = append(msgs, fmt.Sprintf("%s: %s", e.Type, e.Message))
	}
	if len(msgs) == 0 {
		return fmt.Errorf("%w: pipeline %d (%s)", ErrPipelineErrored, p.Number, p.ID)
	}
	return fmt.Errorf("%w: pipeline %d (%s): %s", ErrPipelineErrored, p.Number, p.ID, strings.Join(msgs, "; "))
}

// ApproveJob approves the approval job named jobName of a workflow, the one a hold step such as
// "hold" or "approve-deploy" is waiting on: it finds the job among the workflow's jobs and sends its
// approval request. It is an error (before anything is sent) when the workflow has no job of that
// name, when the job is not an approval job, or when it is not on_hold; the message names the
// workflow's approval jobs and their statuses.
//
// CircleCI API: GET /workflow/{id}/job (listWorkflowJobs), POST
// /workflow/{id}/approve/{approval_request_id} (approvePendingApprovalJobById).
func (c *Client) ApproveJob(ctx context.Context, workflowID uuid.UUID, jobName string) error {
	var found *gen.Job
	var approvals []string
	for j, err := range c.ListWorkflowJobsIter(ctx, workflowID, nil) {
		if err != nil {
			return err
		}
		if j.Type == gen.JobTypeApproval {
			approvals = append(approvals, fmt.Sprintf("%q (%s)", j.Name, j.Status))
		}
		if j.Name == jobName && found == nil {
			found = &j
		}
	}
	switch {
	case found == nil:
		return fmt.Errorf("circleci: approve %q: workflow %s has no job of that name; its approval jobs: %s", jobName, workflowID, listOrNone(approvals))
	case found.Type != gen.JobTypeApproval:
		return fmt.Errorf("circleci: approve %q: it is a %s job, not an approval job; the workflow's approval jobs: %s", jobName, found.Type, listOrNone(approvals))
	case found.Status != gen.JobStatusOnHold:
		return fmt.Errorf("circleci: approve %q: the approval job is %s, not on_hold", jobName, found.Status)
	}
	request := found.ID // CircleCI's approval request ID is the approval job's ID
	if found.ApprovalRequestID != nil {
		request = *found.ApprovalRequestID
	}
	_, err := c.ApprovePendingApprovalJobByID(ctx, workflowID, request)
	return err
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
