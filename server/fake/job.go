package fake

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

const msgJobNotFound = "Job not found."

// job is one job of a workflow run; the engine keeps its state, the fake what the API names it by.
type job struct {
	id         uuid.UUID // for approval jobs, also their approval request id
	number     int64     // project-scoped; 0 for approval jobs, which have none
	workflow   *workflow
	index      int   // in workflow.run.Jobs()
	reusedFrom *job  // the job a rerun from failed carried over, whose number this job keeps
	actor      *user // who approved or canceled the job
	ordinal    int32 // which run of its name in the project it is, from 1: its declared tests' run (reports.go)
}

func (j *job) state() engine.JobState { return j.workflow.run.Jobs()[j.index] }

// apiJob renders job i of w for ListWorkflowJobs.
func (w *workflow) apiJob(i int, js engine.JobState) gen.Job {
	j := w.jobs[i]
	out := gen.Job{
		ID:           j.id,
		Name:         js.Name,
		ProjectSlug:  w.project.slug,
		Status:       gen.JobStatus(js.Status),
		Type:         gen.JobType(js.Type),
		Dependencies: make([]uuid.UUID, 0, len(js.Dependencies)),
		StoppedAt:    js.StoppedAt,
		StartedAt:    js.StartedAt, // null while queued, blocked or on hold, as on circleci.com
	}
	if j.number > 0 {
		out.JobNumber = ptr(j.number)
	}
	spec := w.run.Spec().Jobs[i]
	if len(spec.Requires) > 0 {
		out.Requires = make(map[string][]gen.JobRequires, len(spec.Requires))
	}
	for k, dep := range spec.Requires {
		for d, other := range w.run.Spec().Jobs {
			if other.Name == dep {
				out.Dependencies = append(out.Dependencies, w.jobs[d].id)
			}
		}
		for _, st := range spec.Statuses(k) {
			out.Requires[dep] = append(out.Requires[dep], gen.JobRequires(st))
		}
	}
	if js.ApprovalRequestID != "" {
		if id, err := uuid.Parse(js.ApprovalRequestID); err == nil {
			out.ApprovalRequestID = &id
		}
		if j.actor != nil && js.Status == engine.StatusSuccess {
			out.ApprovedBy = &j.actor.id
		}
	}
	if js.Status == engine.StatusCanceled {
		if by := j.actor; by != nil {
			out.CanceledBy = &by.id
		} else if w.canceledBy != nil {
			out.CanceledBy = &w.canceledBy.id
		}
	}
	return out
}

// ListWorkflowJobs lists a workflow's jobs in config order with their statuses at the simulated
// now, 20 a page.
// CircleCI API: GET /workflow/{id}/job (listWorkflowJobs).
func (s *Server) ListWorkflowJobs(ctx context.Context, req genserver.ListWorkflowJobsRequestObject) (genserver.ListWorkflowJobsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, w, err := s.visibleWorkflow(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	states := w.run.Jobs()
	start, end, next, err := pageRange(len(states), req.Params.PageToken, s.listTag("workflow-jobs", w.id.String()))
	if err != nil {
		return nil, err
	}
	items := make([]gen.Job, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, w.apiJob(i, states[i]))
	}
	return genserver.ListWorkflowJobs200JSONResponse{Items: items, NextPageToken: next}, nil
}

// visibleJob returns the caller and a job of a project they may see by number, its workflow moved
// to now, or the 401 of [Server.caller] or a 404 [*server.Error] for the project or the job; the
// caller holds s.mu.
func (s *Server) visibleJob(ctx context.Context, slug string, number int64) (*user, *job, error) {
	u, p, err := s.visibleProject(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	j := p.jobs.at(number)
	if j == nil {
		return nil, nil, server.NotFound(msgJobNotFound)
	}
	if _, ok := s.st.workflowsByID[j.workflow.id]; !ok {
		return nil, nil, server.NotFound(msgJobNotFound)
	}
	s.advance(j.workflow)
	return u, j, nil
}

// GetJobDetails returns a build job by number: timings, executor, parallelism, the contexts its
// workflow entry names with context:, and the ids of its pipeline and workflow.
// CircleCI API: GET /project/{project-slug}/job/{job-number} (getJobDetails).
func (s *Server) GetJobDetails(ctx context.Context, req genserver.GetJobDetailsRequestObject) (genserver.GetJobDetailsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, j, err := s.visibleJob(ctx, req.ProjectSlug, req.JobNumber)
	if err != nil {
		return nil, err
	}
	w, js := j.workflow, j.state()
	pl, p := w.pipeline, w.project
	created := w.run.CreatedAt()
	queued := created
	if js.QueuedAt != nil {
		queued = *js.QueuedAt
	}
	contexts := make([]gen.JobContext, 0, len(js.Contexts))
	for _, name := range js.Contexts {
		contexts = append(contexts, gen.JobContext{Name: name})
	}
	out := gen.JobDetails{
		Contexts:       contexts,
		CreatedAt:      created,
		Executor:       gen.JobExecutor{ResourceClass: js.ResourceClass, Type: ptr(js.Executor)},
		LatestWorkflow: gen.JobLatestWorkflow{ID: w.id, Name: w.run.Name()},
		Messages:       []gen.JobMessage{},
		Name:           js.Name,
		Number:         j.number,
		Organization:   gen.JobOrganization{Name: p.org.name},
		Parallelism:    int64(js.Parallelism),
		Pipeline:       gen.JobPipeline{ID: pl.id},
		Project:        gen.JobProject{ExternalURL: p.api().VCSInfo.VCSURL, ID: p.id, Name: p.name, Slug: p.slug},
		QueuedAt:       queued,
		StartedAt:      js.StartedAt, // null until the job starts
		Status:         gen.JobDetailsStatus(js.Status),
		StoppedAt:      js.StoppedAt,
		WebURL:         fmt.Sprintf("https://app.circleci.com/pipelines/%s/%d/workflows/%s/jobs/%d", p.slug, pl.number, w.id, j.number),
	}
	if js.StartedAt != nil && js.StoppedAt != nil {
		out.Duration = ptr(js.StoppedAt.Sub(*js.StartedAt).Milliseconds()) // milliseconds, as the live API answers
	}
	for i := range max(js.Parallelism, 1) {
		out.ParallelRuns = append(out.ParallelRuns, gen.JobParallelRun{Index: int64(i), Status: js.Status})
	}
	return genserver.GetJobDetails200JSONResponse(out), nil
}

// cancelJob cancels j at now for u; it returns the message of why it cannot, or "". The two cancel
// operations answer it with different statuses.
func (s *Server) cancelJob(u *user, j *job) (msg string) {
	err := j.workflow.run.CancelJob(j.state().Name, s.now())
	switch {
	case errors.Is(err, engine.ErrStopped):
		return fmt.Sprintf("The job has already stopped with status %s.", j.state().Status)
	case err != nil:
		return "The job cannot be canceled."
	}
	j.actor = u
	s.settle(j.workflow)
	return ""
}

// CancelJobByJobNumber cancels a job by number; the jobs that require it end as not_run.
// CircleCI API: POST /project/{project-slug}/job/{job-number}/cancel (cancelJobByJobNumber).
func (s *Server) CancelJobByJobNumber(ctx context.Context, req genserver.CancelJobByJobNumberRequestObject) (genserver.CancelJobByJobNumberResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, j, err := s.visibleJob(ctx, req.ProjectSlug, req.JobNumber)
	if err != nil {
		return nil, err
	}
	if msg := s.cancelJob(u, j); msg != "" {
		return nil, server.Conflict(msg)
	}
	return genserver.CancelJobByJobNumber200JSONResponse{Message: "Job canceled."}, nil
}

// CancelJobByJobID cancels a job by its UUID (build or approval job).
// CircleCI API: POST /jobs/{job-id}/cancel (cancelJobByJobID).
func (s *Server) CancelJobByJobID(ctx context.Context, req genserver.CancelJobByJobIDRequestObject) (genserver.CancelJobByJobIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	j, ok := s.st.jobByID(req.JobID)
	if !ok || !u.member(j.workflow.project.org) {
		return nil, server.NotFound(msgJobNotFound)
	}
	s.advance(j.workflow)
	if msg := s.cancelJob(u, j); msg != "" {
		return nil, server.BadRequest(msg)
	}
	return genserver.CancelJobByJobID200JSONResponse{Message: "Job canceled."}, nil
}

// finished reports whether a build job ran to an end that leaves artifacts and test results.
func finished(js engine.JobState) bool {
	return js.StartedAt != nil && js.StoppedAt != nil && js.Status != engine.StatusCanceled
}

// jobReports returns one page of what a finished build job reports (artifacts, test results), made
// by report for the job and its state, or the error of [Server.visibleJob] or of a bad page token;
// a job that has not finished reports nothing. kind names the list in its page tokens.
func jobReports[T any](s *Server, ctx context.Context, slug string, number int64, tok *string, kind string, report func(*job, engine.JobState) []T) ([]T, *string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, j, err := s.visibleJob(ctx, slug, number)
	if err != nil {
		return nil, nil, err
	}
	items := []T{} // an array in JSON, never null
	if js := j.state(); finished(js) {
		items = append(items, report(j, js)...)
	}
	start, end, next, err := pageRange(len(items), tok, s.listTag(kind, j.id.String()))
	if err != nil {
		return nil, nil, err
	}
	return items[start:end], next, nil
}

// GetJobArtifacts lists the artifacts a finished job uploaded: each path its store_artifacts steps
// declare, once per parallel node, 20 a page.
// CircleCI API: GET /project/{project-slug}/{job-number}/artifacts (getJobArtifacts).
func (s *Server) GetJobArtifacts(ctx context.Context, req genserver.GetJobArtifactsRequestObject) (genserver.GetJobArtifactsResponseObject, error) {
	items, next, err := jobReports(s, ctx, req.ProjectSlug, req.JobNumber, req.Params.PageToken, "job-artifacts", func(j *job, js engine.JobState) []gen.Artifact {
		return s.artifacts(ctx, j, js)
	})
	if err != nil {
		return nil, err
	}
	return genserver.GetJobArtifacts200JSONResponse{Items: items, NextPageToken: next}, nil
}

// GetTests lists the test results of a finished job, 20 a page: the tests its store_test_results
// steps declare (see reports.go).
// CircleCI API: GET /project/{project-slug}/{job-number}/tests (getTests).
func (s *Server) GetTests(ctx context.Context, req genserver.GetTestsRequestObject) (genserver.GetTestsResponseObject, error) {
	items, next, err := jobReports(s, ctx, req.ProjectSlug, req.JobNumber, req.Params.PageToken, "job-tests", s.jobTests)
	if err != nil {
		return nil, err
	}
	return genserver.GetTests200JSONResponse{Items: items, NextPageToken: next}, nil
}

// errNotFound marks the errors of SetJobOutcome that name a project or job the fake does not have,
// which /_fake/job-outcome answers with 404.
var errNotFound = errors.New("not found")

// SetJobOutcome makes the job with that name (its name in the workflow: the name: alias if it has
// one) end with outcome ("success", "failed", "infrastructure_fail" or "timedout") in the project's
// future workflows and in its unfinished ones where the job has not finished yet. The job must be a
// build job of the project's config or of one of its unfinished workflows; an unknown project or job
// is an error that wraps a not-found error (which /_fake/job-outcome answers with 404), an invalid
// outcome or an approval job another error (400).
func (s *Server) SetJobOutcome(projectSlug, jobName, outcome string) error {
	o := engine.Outcome(outcome)
	if !o.Valid() {
		return fmt.Errorf("fake: outcome %q: want success, failed, infrastructure_fail or timedout", outcome)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := projectKey(projectSlug)
	p := s.st.projectsBySlug[key]
	if !ok || p == nil {
		return fmt.Errorf("fake: project %q: %w", projectSlug, errNotFound)
	}
	switch s.jobType(p, jobName) {
	case "":
		return fmt.Errorf("fake: job %q is not in the config of project %s: %w", jobName, p.slug, errNotFound)
	case engine.TypeApproval:
		return fmt.Errorf("fake: job %q is an approval job: approve or cancel it instead of setting its outcome", jobName)
	}
	p.outcomes[jobName] = o
	for w := range s.st.running {
		if w.project == p {
			w.run.Advance(s.now())
			_ = w.run.SetOutcome(jobName, o) // ErrNotFound (no such job) and ErrStopped (finished) leave it be
		}
	}
	return nil
}

// jobType returns the type of the job with a name in p's config or in one of its unfinished
// workflows (which may run a continued config), or "" when there is none; the caller holds s.mu.
func (s *Server) jobType(p *project, name string) string {
	typ := ""
	scan := func(spec engine.WorkflowSpec) {
		for _, j := range spec.Jobs {
			if j.Name == name && typ != engine.TypeBuild {
				typ = j.Type
			}
		}
	}
	if p.config != nil {
		for _, spec := range p.config.AllWorkflows {
			scan(spec)
		}
	}
	for w := range s.st.running {
		if w.project == p {
			scan(w.run.Spec())
		}
	}
	return typ
}
