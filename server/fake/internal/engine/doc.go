// Package engine is the pipeline engine of the fake CircleCI server: it
// parses a project's .circleci/config.yml, checks pipeline parameters,
// compiles the config, picks the workflows a pipeline runs and simulates each
// workflow run on a clock the caller passes in. It knows nothing of HTTP, IDs
// (except approval request IDs, which it asks for) or storage, holds no
// package-level state and is deterministic: the same inputs give the same
// states.
//
// # Config
//
// [ParseConfig] reads the CircleCI 2.1 shape: parameters (types string,
// boolean, integer and enum, with defaults), jobs (executor kind docker,
// machine or macos, resource_class, parallelism) and workflows (jobs with
// requires, context, type: approval, name: aliases, branch and tag filters, and
// when/unless logic: literals, << pipeline.parameters.x >>, pipeline values
// such as << pipeline.git.branch >>, and, or, not, equal, matches). version,
// orbs, executors (beyond the kind a job's named executor has), commands and
// matrix are ignored; orb jobs (orb/job) are accepted without a definition.
// Requirements may use CircleCI's flexible form ({job: failed}, {job:
// [success, canceled]}, {job: terminal}). Errors are *[ConfigError] with the
// line they were found on.
//
// Pipeline values come from the caller as [Values]; a value it does not know
// is the empty string in when/unless and in filters and stays as written in
// the compiled config.
//
// Filters follow CircleCI: a pattern is a name or a /regular expression/ that
// must match the whole name; only applies before ignore. On a branch, a job
// runs if its branches filter lets the branch through (no filter lets every
// branch through). On a tag, a job runs only if it has a tags filter that
// lets the tag through, so a workflow without tag filters does not run on
// tags. A job whose requirements were all filtered out does not run either;
// one that keeps some requirements runs after those. A workflow left with no
// job does not run. Expression filters (filters: pipeline.git.branch ==
// "main") are not simulated: the job runs as if unfiltered.
//
// The fake-only extension key x-fake sets a job's simulated outcome and
// duration, on the job definition or on its workflow entry (which wins):
//
//	jobs:
//	  deploy:
//	    docker: [{image: cimg/base:current}]
//	    x-fake: {outcome: failed, duration: 30s}
//
// # Simulation
//
// A [Workflow] is one run of a [WorkflowSpec]. Every transition happens at
// the simulated time it was due, however far the caller moves the clock:
//
//   - A job whose requirements are all met is queued at the time the last of
//     them stopped (jobs without requirements at the workflow's creation);
//     until then it is blocked.
//   - A queued job starts running QueueDelay (1s) later and ends after its
//     duration (DefaultDuration, 10s, unless x-fake says otherwise) with its
//     outcome: success, failed, infrastructure_fail or timedout.
//   - An approval job goes on_hold instead of queued and succeeds when
//     approved ([Workflow.Approve]).
//   - A job whose requirement ended in a status it does not accept (by
//     default anything but success: failed, canceled, not_run) never runs: it
//     ends as not_run, as CircleCI shows jobs downstream of a failed or
//     canceled job. not_run jobs have no start or stop time.
//   - [Workflow.Cancel] ends queued, running and on_hold jobs as canceled and
//     blocked ones as not_run; [Workflow.CancelJob] cancels one job.
//
// The workflow status follows its jobs: canceled after Cancel; while jobs
// are active, failing if one has failed, running if one is queued or
// running, on_hold if only approvals (and jobs behind them) wait; at the end
// failed if any job failed, canceled if any was canceled, not_run if none
// ran, success otherwise. [Workflow.Rerun] starts a new run of the same spec,
// from the start or from failed (successful jobs are carried over).
//
// Workflows keep one small record per job and share the spec, so millions of
// runs can be stored; a Workflow is not safe for concurrent use.
package engine
