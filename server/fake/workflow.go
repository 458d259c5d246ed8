package fake

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

const msgWorkflowNotFound = "Workflow not found."

// workflow is one run of a config workflow in a pipeline; the engine simulates it.
type workflow struct {
	listOrder
	id         uuid.UUID
	pipeline   *pipeline // in a chunk of state.pipelines, which never moves
	project    *project
	run        *engine.Workflow
	jobs       []*job // parallel to run.Jobs()
	startedBy  *user
	canceledBy *user
	events     *workflowEvents // which of its webhook events were queued (delivery.go)
	stats      *runStats       // what Insights reads of the run, once it is final (insights.go)
}

// startWorkflows creates the workflows cfg selects for pl's parameters and pipeline values, each
// without the jobs its filters rule out on pl's branch or tag; the caller holds s.mu.
func (s *Server) startWorkflows(pl *pipeline, cfg *engine.Config, params map[string]any, now time.Time) {
	for _, spec := range cfg.Workflows(params, s.st.values(pl, pl.state == stateSetup)) {
		run := engine.NewWorkflow(spec, now, s.st.projectsByIndex[pl.project].outcomeFunc(), s.newIDString)
		s.addWorkflow(pl, run, s.st.usersByIndex[pl.actor], nil)
	}
}

// addWorkflow stores a run and numbers its jobs; prev is the run it reruns, if any.
func (s *Server) addWorkflow(pl *pipeline, run *engine.Workflow, by *user, prev *workflow) *workflow {
	p := s.st.projectsByIndex[pl.project]
	w := &workflow{listOrder: s.nextSeq(), id: s.newID(), pipeline: pl, project: p, run: run, startedBy: by}
	// The jobs live in one array per run, and no snapshot of them is built: a trigger costs little
	// per job.
	store := make([]job, run.NumJobs())
	w.jobs = make([]*job, 0, len(store))
	for i := range store {
		typ, approvalID, reused := run.JobMeta(i)
		j := &store[i]
		j.workflow, j.index = w, i // store is zeroed
		if id, err := uuid.Parse(approvalID); approvalID != "" && err == nil {
			j.id = id // approving names the approval job by its own id, as on CircleCI
		} else {
			j.id = s.newID()
		}
		if reused && prev != nil {
			j.reusedFrom = prev.jobs[i]
			if j.reusedFrom.reusedFrom != nil {
				j.reusedFrom = j.reusedFrom.reusedFrom
			}
			j.number = j.reusedFrom.number
		} else if typ == engine.TypeBuild {
			j.number = p.jobs.add(j)
			s.declaredRun(p, pl, run, j) // reports.go
		}
		w.jobs = append(w.jobs, j)
	}
	s.st.unindexedRuns = append(s.st.unindexedRuns, w) // jobsByID takes its jobs on the next lookup (ids.go)
	extra := s.st.extra(pl)
	extra.workflows = append(extra.workflows, w)
	s.addRun(p, w) // insights.go
	s.st.workflowsByID[w.id] = w
	if !run.Done() {
		s.st.running[w] = struct{}{}
	}
	s.watchDeploys(w)
	return w
}

// advance moves w to the simulated now; the caller holds s.mu.
func (s *Server) advance(w *workflow) {
	if _, ok := s.st.running[w]; !ok {
		return
	}
	w.run.Advance(s.now())
	s.noticeCompletions(w)
	if w.run.Done() {
		delete(s.st.running, w)
	}
}

// advanceAll moves every unfinished workflow to the simulated now; the caller holds s.mu.
func (s *Server) advanceAll() {
	now := s.now()
	for w := range s.st.running {
		w.run.Advance(now)
		s.noticeCompletions(w)
		if w.run.Done() {
			delete(s.st.running, w)
		}
	}
}

func (w *workflow) api() gen.Workflow {
	pl := w.pipeline
	out := gen.Workflow{
		CreatedAt:      w.run.CreatedAt(),
		ID:             w.id,
		Name:           w.run.Name(),
		PipelineID:     pl.id,
		PipelineNumber: pl.number,
		ProjectSlug:    w.project.slug,
		StartedBy:      w.startedBy.id,
		Status:         gen.WorkflowStatus(w.run.Status()),
	}
	if t, ok := w.run.StoppedAt(); ok {
		out.StoppedAt = &t
	}
	if w.canceledBy != nil {
		out.CanceledBy = &w.canceledBy.id
	}
	return out
}

// visibleWorkflow returns the caller and a workflow of a project they may see, moved to now, or
// the 401 of [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visibleWorkflow(ctx context.Context, id uuid.UUID) (*user, *workflow, error) {
	u, w, err := visibleByID(s, ctx, s.st.workflowsByID, id, func(w *workflow) *org { return w.project.org }, msgWorkflowNotFound)
	if err == nil {
		s.advance(w)
	}
	return u, w, err
}

// ListWorkflowsByPipelineID lists a pipeline's workflows (reruns included) in creation order, 20 a
// page.
// CircleCI API: GET /pipeline/{pipeline-id}/workflow (listWorkflowsByPipelineId).
func (s *Server) ListWorkflowsByPipelineID(ctx context.Context, req genserver.ListWorkflowsByPipelineIDRequestObject) (genserver.ListWorkflowsByPipelineIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pl, err := s.visiblePipeline(ctx, req.PipelineID)
	if err != nil {
		return nil, err
	}
	var workflows []*workflow
	if extra := s.st.pipelineExtras[pl.position]; extra != nil {
		workflows = extra.workflows
	}
	items, next, err := pageAfter(workflows, req.Params.PageToken, s.listTag("pipeline-workflows", pl.id.String()), func(w *workflow) gen.Workflow {
		s.advance(w)
		return w.api()
	})
	if err != nil {
		return nil, err
	}
	return genserver.ListWorkflowsByPipelineID200JSONResponse{Items: items, NextPageToken: next}, nil
}

// GetWorkflowByID returns a workflow with its status at the simulated now.
// CircleCI API: GET /workflow/{id} (getWorkflowById).
func (s *Server) GetWorkflowByID(ctx context.Context, req genserver.GetWorkflowByIDRequestObject) (genserver.GetWorkflowByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, w, err := s.visibleWorkflow(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	return genserver.GetWorkflowByID200JSONResponse(w.api()), nil
}

// ApprovePendingApprovalJobByID approves an approval job that is on hold; the jobs that require it
// then run. The approval request id is the approval job's id, as listed by ListWorkflowJobs.
// CircleCI API: POST /workflow/{id}/approve/{approval_request_id} (approvePendingApprovalJobById).
func (s *Server) ApprovePendingApprovalJobByID(ctx context.Context, req genserver.ApprovePendingApprovalJobByIDRequestObject) (genserver.ApprovePendingApprovalJobByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, w, err := s.visibleWorkflow(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	switch err := w.run.Approve(req.ApprovalRequestID.String(), s.now()); {
	case errors.Is(err, engine.ErrNotFound):
		return nil, server.NotFound("Approval request not found in this workflow.")
	case err != nil:
		for _, js := range w.run.Jobs() {
			if js.ApprovalRequestID == req.ApprovalRequestID.String() {
				return nil, server.BadRequest(fmt.Sprintf("Approval job %q is %s: only an approval job that is on_hold can be approved.", js.Name, js.Status))
			}
		}
		return nil, server.BadRequest("The approval job is not on_hold: only an approval job that is on_hold can be approved.")
	}
	for i, js := range w.run.Jobs() {
		if js.ApprovalRequestID == req.ApprovalRequestID.String() {
			w.jobs[i].actor = u
		}
	}
	s.settle(w)
	return genserver.ApprovePendingApprovalJobByID202JSONResponse{Message: "Accepted."}, nil
}

// settle updates the running set after a change to w; the caller holds s.mu.
func (s *Server) settle(w *workflow) {
	s.noticeCompletions(w)
	if w.run.Done() {
		delete(s.st.running, w)
	} else {
		s.st.running[w] = struct{}{}
	}
}

// CancelWorkflow cancels a workflow: its active jobs end as canceled, blocked ones as not_run.
// CircleCI API: POST /workflow/{id}/cancel (cancelWorkflow).
func (s *Server) CancelWorkflow(ctx context.Context, req genserver.CancelWorkflowRequestObject) (genserver.CancelWorkflowResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, w, err := s.visibleWorkflow(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	if err := w.run.Cancel(s.now()); err != nil {
		return nil, server.Conflict(fmt.Sprintf("The workflow has already stopped with status %s: only an active workflow can be canceled.", w.run.Status()))
	}
	w.canceledBy = u
	s.settle(w)
	return genserver.CancelWorkflow202JSONResponse{Message: "Accepted."}, nil
}

// RerunWorkflow reruns a stopped workflow from the start or from failed, as a new workflow with the
// same name in the same pipeline. Rerunning chosen jobs (jobs) or with SSH is not simulated.
// CircleCI API: POST /workflow/{id}/rerun (rerunWorkflow).
func (s *Server) RerunWorkflow(ctx context.Context, req genserver.RerunWorkflowRequestObject) (genserver.RerunWorkflowResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, w, err := s.visibleWorkflow(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	fromFailed := false
	if b := req.Body; b != nil {
		if len(b.Jobs) > 0 || (b.EnableSSH != nil && *b.EnableSSH) {
			return nil, server.BadRequest("circleci-fake reruns whole workflows only: leave jobs and enable_ssh out")
		}
		fromFailed = b.FromFailed != nil && *b.FromFailed
	}
	run, err := w.run.Rerun(fromFailed, s.now(), w.project.outcomeFunc(), s.newIDString)
	switch {
	case errors.Is(err, engine.ErrNotStopped):
		return nil, server.Conflict("The workflow is still running; cancel it or wait for it to stop before a rerun.")
	case errors.Is(err, engine.ErrNothingToRerun):
		return nil, server.BadRequest("The workflow has no failed jobs to rerun from: it succeeded. Rerun it from the start instead.")
	case err != nil:
		return nil, server.BadRequest("The workflow cannot be rerun.")
	}
	nw := s.addWorkflow(w.pipeline, run, u, w)
	return genserver.RerunWorkflow202JSONResponse{WorkflowID: nw.id}, nil
}
