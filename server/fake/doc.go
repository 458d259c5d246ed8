// Package fake is an in-memory CircleCI API v2: a reference implementation of
// [genserver.StrictServerInterface] that behaves like circleci.com, for testing CircleCI integrations
// offline. cmd/circleci-fake serves it from the command line; package faketest starts it in a test,
// with a client pointed at it.
//
// # What it simulates
//
// Users, Project, Pipeline, Workflow, Job, Context, Schedule and Webhook operations keep state, and
// the Insights operations compute their figures from it (# Insights):
// projects with settings, environment variables (values masked as xxxx plus the last four
// characters) and checkout keys (real ed25519 keys); pipelines triggered with parameters checked
// against the project's .circleci/config.yml; workflows and jobs that follow the config's requires,
// approval jobs, when/unless and per-job outcomes; contexts, schedules and webhooks. A token sees only
// its own organizations' resources; anything else is 404. Operations of the other tags are those of
// the embedded server.Unimplemented: they answer 501 with a JSON message that names the operation.
//
// # Config
//
// Pipelines run the project's config. Its parameters are checked and substituted; when/unless pick
// the workflows; branch and tag filters on workflow jobs decide which jobs run (on a tag, only jobs
// with a tags filter that matches; a job whose requirements were all filtered out does not run; a
// workflow left with no job does not run). CircleCI reads the regular expressions of filters and
// matches conditions as Java ones; the fake runs those Go's RE2 syntax accepts on package regexp and
// the rest (lookaround, backreferences) on a backtracking engine with a .NET-like syntax close to
// Java's (github.com/dlclark/regexp2), which gives up after 100 ms a match and counts it as no match.
// Requires, type: approval and x-fake: {outcome, duration} drive the simulation.
//
// What a finished job reports comes from its steps. A store_artifacts step uploads its path (or
// destination) once per parallel node; the URLs GET /project/{project-slug}/{job-number}/artifacts
// lists point to GET /_fake/artifacts/<job-id>/<node>/<path>, which serves a short text for them
// without asking for a token (called from Go, without [Server.Handler], they name circleci.com's
// artifact host). A store_test_results step declares its tests under x-fake: tests: a list of
// {classname, name, file, outcome, every, run_time}, where outcome is pass (the default), fail,
// skipped or flaky (failing on every every-th run of the job in the project, every 2 by default)
// and run_time a number of seconds. The job's runs are counted by its name in the project, reruns
// included. A declared test that fails makes a job that would have succeeded fail; a job that
// fails for another reason (its outcome) reports its last declared test as failed. A test's
// message is "" unless it failed, never null, and run_time is a JSON number. Jobs that declare
// nothing report no tests and no artifacts. The contexts a job entry names with context: appear in its job details; they
// are not looked up among the organization's contexts.
//
// These pipeline values are known, in when/unless, in filters and in the compiled config alike:
// pipeline.id, pipeline.number, pipeline.project.git_url, pipeline.project.type,
// pipeline.git.branch, pipeline.git.branch.is_default, pipeline.git.tag, pipeline.git.revision and
// pipeline.git.base_revision (the same made-up revision), pipeline.in_setup,
// pipeline.trigger_source and pipeline.trigger_parameters.circleci.trigger_type ("api"), and
// pipeline.schedule.name and pipeline.schedule.id (empty: schedules are stored and checked, branch or
// tag included, but never run).
//
// Not simulated: other pipeline values (empty in when/unless and filters, left as written in the
// compiled config), expression filters (filters: pipeline.git.branch == "main"; the job runs as if
// unfiltered), orbs, commands, executors beyond their kind, matrix jobs, and workflow triggers.
//
// As on CircleCI, the legacy trigger (POST /project/{project-slug}/pipeline) serves GitHub OAuth
// and Bitbucket Cloud projects only; circleci/<org-id>/<project-id> projects answer 400 there and
// are triggered with POST /project/{provider}/{organization}/{project}/pipeline/run.
//
// # Insights
//
// The Insights operations compute every figure from the workflow runs and jobs the fake ran, when
// they are asked; nothing is stored for them but a summary of each run once it is final. These are
// the rules:
//
//   - Runs. A workflow run (a rerun is a run of its own) counts once its status is success, failed
//     or canceled, or while it waits for an approval (on_hold); running, failing and not_run runs do
//     not count. Counted runs that stopped (all but on_hold ones) are the completed runs; only they
//     have a duration. A run belongs to the window its creation time falls in.
//   - Windows. reporting-window is one of last-24-hours, last-7-days, last-30-days, last-60-days and
//     last-90-days (the default); anything else is a 400. The window ends at the simulated now.
//     Trends compare a window with the one of the same length just before it. The runs list takes
//     start-date (inclusive) and end-date (exclusive; it needs start-date and may be at most 90 days
//     after it), by default the last 90 days; the job time series takes them too, by default the
//     last 90 days for daily buckets and the last 48 hours for hourly ones. Workflow summaries,
//     branches, test metrics and flaky tests read the last 90 days.
//   - Branches. all-branches=true wins over branch; without either, the project's default branch
//     is used. A run's branch is its pipeline's; a pipeline run on a tag has none. The organization
//     summary and the project page read every branch.
//   - Counts. total_runs counts runs, successful_runs those that succeeded, failed_runs those that
//     failed; success_rate is successful runs over the runs that were not canceled (0 when there are
//     none), a fraction, not a percentage. For jobs the same holds of build jobs that ran in a counted
//     run and stopped (a job a rerun from failed carried over did not run again); failed,
//     infrastructure_fail and timedout jobs are failed runs.
//   - Durations, in whole seconds (cut, not rounded): a run lasts from its creation to its stop, a job
//     from its start to its stop. min and max; mean rounded to the nearest second; median and p95 by
//     linear interpolation between the closest ranks, cut to whole seconds; standard_deviation the
//     sample standard deviation (n - 1), rounded to whole seconds, 0 for one value. Empty sets give
//     null. total_duration_secs sums the durations of completed runs.
//   - Credits. A build job uses its run time in minutes, to the second, times the rate of its resource
//     class (credits a minute: small 5, medium 10, medium+ 15, large 20, xlarge 40, 2xlarge 80,
//     2xlarge+ 100; arm.medium 10 to arm.2xlarge 80; windows.medium 40 to windows.2xlarge 500;
//     macos.m1.medium.gen1 150, macos.m1.large.gen1 250; any other class as medium), times its
//     parallelism, rounded to a whole credit. A run uses what its jobs used, on_hold runs included.
//   - Throughput is runs per day. For workflow, job and workflow-summary metrics the days are those
//     from window_start (the first run's creation, or the first job's start) to window_end (the last
//     stop), rounded up and at least one; for the organization and project summaries, the days of the
//     reporting window; in the time series, a bucket's runs times the buckets in a day.
//   - Recovery. Taking a workflow's runs in creation order, the first failed run after a success (or
//     at the start) opens a failure and the next successful run recovers from it; mttr is the mean
//     time from the failed run's stop to the recovering run's stop in whole seconds (0 when nothing
//     recovered), total_recoveries how many recovered.
//   - Trends are (current - previous) / previous, so 0.1 is ten per cent more; 0 when the previous
//     value is 0.
//   - Flaky tests. A test (job name, classname, name, file) flaked when it both passed and failed in
//     one pipeline, that is on one commit, across the pipeline's reruns. times_flaked counts its
//     failures on such commits, time_wasted sums the run time in seconds of the jobs that failed it
//     there, and the job, pipeline and workflow named are those of its latest flake. A test is listed
//     while its latest flake is at most 14 days old; total_flaky_tests is the number of tests listed.
//   - Test metrics read the ten most recent counted runs of the workflow on the branch: per run the
//     test counts by result and a success rate of passed over passed, failed and errored; the ten
//     most failed tests and the ten slowest by p95 run time (most_failed_tests_extra and
//     slowest_tests_extra count those left out); flaky when the test passed and failed in one
//     pipeline among those runs.
//   - The organization summary sums every project of the organization; org_project_data lists only
//     the projects named by project-names, and all_projects every project's name. The project page
//     breaks the project's figures down by workflow (those named by workflow-names, or all) and by
//     workflow and branch (those named by branches, or all).
//
// Not simulated: the daily recomputation and the up to 24 hours delay of CircleCI's figures
// (answers include runs that stopped a moment ago), Docker layer caching credits, and data older
// than a window being dropped (a previous window reaches as far back as it needs).
//
// # Errors
//
// Methods return typed responses only for 2xx answers. Every error answer (a 401 without a known
// token, a 404 for what the caller may not see, a 400 or 409 for input the operation cannot take,
// a 501 for an operation not simulated) is returned as a *server.Error, which server.New writes as
// {"message": …} with its status; a Go caller reads both with errors.As.
//
// # Time
//
// Jobs move on a simulated clock. [WithSpeed] sets how fast it follows the wall clock (0, the default,
// moves it only when [Server.Advance] is called), and [WithClock] and [WithIDSource] make runs
// reproducible.
//
// # Pagination
//
// Every list answers pages of 20 as {"items": [...], "next_page_token": …}: items is always an
// array, empty when there is nothing, and next_page_token an opaque token, null on the last page.
// An empty page-token means the first page and a malformed or foreign one (of another list, or from
// before a [Server.Reset]) is a 400.
//
// # Test controls
//
// Besides the Go methods ([Server.Advance], [Server.SetJobOutcome], [Server.History], [Server.InjectFault],
// [Server.ClearFaults], [Server.ContinuationKey], [Server.Reset]), [Server.Handler] serves the same
// controls over HTTP under [ControlPath] (/_fake/), outside the API's base path, and GET /_fake/
// lists them (method, path, an example body for those that take one, and a description) from the
// table that routes them: the clock, job outcomes, a history of runs ([Server.History]: days of
// pipelines with failures and flakes, deterministic for a seed), continuation keys, a reset to the seed, and
// faults that make the next N matching requests answer 429 with Retry-After ([DefaultRetryAfter]
// unless the fault gives one), a 5xx, or wait first. A fault matches the requests that match every
// one it gives of operation (operationId or Go method name), route template, method and path (a
// project slug in any of its forms), and every request when it gives none; it runs inside the
// server kit's chain, after routing, and is answered by its error writer, so an injected 429 has a
// request ID and a line in the request log. [Server.Reset] puts the state back to the seed, with
// the same IDs, and clears the faults; simulated time goes on. [Server.Close] ends the waits, so
// that the http.Server serving the fake can shut down at once.
package fake
