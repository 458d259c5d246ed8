// Package fake is an in-memory CircleCI API v2: a reference implementation of
// [genserver.StrictServerInterface] that behaves like circleci.com, for testing CircleCI integrations
// offline. cmd/circleci-fake serves it from the command line; package faketest starts it in a test,
// with a client pointed at it.
//
// # What it simulates
//
// Every operation of the document runs here. User, Project, Pipeline, Pipeline Definition,
// Trigger, Workflow, Job, Context, Schedule, Webhook, Policy Management, Deploy and Rollback
// operations keep state (and so do the organization administration tags, below), and the Insights
// operations compute their figures from it (# Insights): projects with settings, environment
// variables (values masked as xxxx plus the last four characters) and checkout keys (real ed25519
// keys); pipelines triggered with parameters checked against the project's .circleci/config.yml;
// workflows and jobs that follow the config's requires, approval jobs, when/unless and per-job
// outcomes; contexts, schedules that fire and webhooks that are sent; deploy environments,
// components and versions, and rollbacks; config policies decided by the Open Policy Agent library
// (# Config policies). A token sees only its own organizations' resources; anything else is 404.
// The fake embeds server.Unimplemented, so an operation added to the document later answers 501
// with a JSON message that names it until the fake implements it.
//
// # Organization administration
//
// The Organization, Groups, Usage, OTel and OIDC Token Management operations keep state per
// organization, as circleci.com answers them:
//
//   - Organizations: POST /organization with vcs_type circleci makes a standalone organization
//     (circleci/<uuid>); with github or bitbucket it answers the caller's organization of that name
//     when there is one (CircleCI adopts existing VCS organizations), a 403 when the name is another's,
//     and makes a new one otherwise. The caller becomes a member, the fake's one role (every member is
//     an admin), so the organization is in /me/collaborations at once. DELETE answers 202 and removes
//     the organization with its projects (pipelines, workflows, jobs, schedules, webhooks), its
//     contexts and its administration; each is a 404 afterwards. A missing or foreign organization is
//     a 404 "Org not found.".
//   - URL orb allow-list: entries of name, https prefix and auth method, listed in one page; a create
//     answers only {id, message}, and a DELETE answers 200 whether or not the entry was there.
//   - Groups: at most 100 per organization (the 101st is a 409); the list ignores limit and page-token
//     and answers every group with next_page_token null; a group id the organization does not have is a
//     403. Membership is not simulated. Project groups grant a group one of project-admin,
//     project-contributor or project-viewer on a project: the list is one page without a token, an
//     assignment is an upsert for every listed group (all must exist, or nothing changes), and the
//     per-group DELETE revokes as CircleCI's newer document describes it (circleci.com is reported to
//     answer it with a 404).
//   - Usage exports: a job reports created, then processing after 10 seconds and completed after a
//     minute of simulated time. Windows follow circleci.com's rules (end not before start, start at
//     most 366 days back, nothing in the future, at most 31 days). A completed job whose window holds
//     usage hands out, on every poll, a new signed download URL valid for 36 hours of simulated time;
//     it points at this server under [ControlPath] (GET /_fake/usage-exports/…) and needs no token.
//     The file is a gzip CSV with the columns of CircleCI's usage report, one row per build job of the
//     organization (and of the shared organizations the caller belongs to; others are left out) that
//     started in the window and stopped before the export completed. Credits come from the fake's own
//     price list per resource class; utilisation columns are empty and the other credit kinds 0. A
//     window without usage completes with download_urls null.
//   - OTel exporters: at most five per organization (the sixth is circleci.com's 422 "Internal server
//     error."); endpoints are host:port, or an http(s) URL with protocol http, and loopback, private
//     and other internal address literals and localhost are refused (names are not resolved); at most
//     five headers, none reserved. Header values answer as xxxx; nothing is sent to the collector and
//     issues are never reported.
//   - OIDC custom claims, of an organization and of each of its projects: without any the answer holds
//     only the ids; PATCH creates or updates the audience (a set: sorted, each once) and the ttl (a Go
//     duration, answered normalised: 90m is 1h30m0s); DELETE resets the claims it names; the update
//     times stay once set. Errors carry the {"error": …} key these routes use. No tokens are issued.
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
// to the API token of a member of the organization, in Circle-Token or ?circle-token= (called from Go, without [Server.Handler], they name circleci.com's
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
// pipeline.trigger_source and pipeline.trigger_parameters.circleci.trigger_type ("api", or
// "scheduled_pipeline" for a pipeline a schedule started), and pipeline.schedule.name and
// pipeline.schedule.id (the schedule's, empty for other pipelines).
//
// Not simulated: other pipeline values (empty in when/unless and filters, left as written in the
// compiled config), expression filters (filters: pipeline.git.branch == "main"; the job runs as if
// unfiltered), orbs, commands, executors beyond their kind, matrix jobs, and workflow triggers.
//
// As on CircleCI, the legacy trigger (POST /project/{project-slug}/pipeline) serves GitHub OAuth
// and Bitbucket Cloud projects only; circleci/<org-id>/<project-id> projects answer 400 there and
// are triggered with POST /project/{provider}/{organization}/{project}/pipeline/run.
//
// # Pipeline definitions and triggers
//
// Every project has pipeline definitions: the seed's (SeedProject.Definitions) or one default
// definition named after the project that reads .circleci/config.yml from the project's own
// repository. Its provider is the one CircleCI makes such a definition with: github_oauth or
// bitbucket_oauth for gh/ and bb/ projects (listed without created_at, as the live API lists those
// implicit definitions) and github_app for circleci/<org-id>/<project-id> ones. A definition reads
// its config from a file of a repository: .circleci/config.yml is the project's config, and the
// seed may give other files; a run of a definition whose file the repository does not have is an
// errored pipeline. Repositories are the organization's projects, each with a made-up numeric
// external ID (the one its default definition shows), which is what create and update take.
//
// POST /project/{provider}/{organization}/{project}/pipeline/run runs definition_id's definition,
// or the project's first one; an ID the project has no definition of is a 404 naming it. The
// pipeline is on checkout's branch or tag, else config's, else the default branch (every ref has the
// same content in the fake); config.content runs that YAML instead; parameters are checked against
// the config that runs, within the documented limits (100 names of up to 128 characters, values of
// up to 512).
//
// The routes answer as the live API does where CircleCI's own clients measured it: a definition the
// project does not have is a 400 "Failed to get pipeline definition." on GET and "Failed to update
// pipeline definition." on PATCH, and DELETE is idempotent (200); a project ID that is not a UUID is
// a 400 "ProjectID required."; lists answer every item at once, with no next_page_token. Deleting a
// definition deletes its triggers.
//
// Triggers belong to a definition and follow the live API's rules per event source provider:
// github_app, github_server and github_oauth take the numeric external ID of a repository of the
// organization, and checkout_ref and config_ref exactly when it is not the definition's; github_oauth
// takes only the presets all-pushes and only-build-prs and cannot be disabled; webhook and schedule
// triggers need event_name, checkout_ref and config_ref and take no preset; only schedule triggers
// take parameters. Create answers 200 without created_at, and is the only answer that shows a
// webhook trigger's URL with its secret. A schedule trigger keeps a five-field cron timetable read in
// UTC and the user its runs are attributed to, and fires on the simulated clock with the schedules
// (see Schedules); webhook and GitHub triggers are stored but no event starts a pipeline.
//
// POST /compile-config-with-defaults (live-only) checks a config with the same engine and answers
// valid, errors (with the line, and column when known), the source and the compiled config with the
// given parameters, declared defaults and given pipeline values substituted.
//
// # Config policies
//
// The Policy Management operations keep, per organization (the owner, named by its UUID; the only
// policy context is "config", any other is a 400), one bundle of Rego policies, the decision
// settings and a log of every decision. A push replaces the whole bundle: each module must be in
// package org and declare policy_name["NAME"] as its first rule, and is filed under that name, not
// under the file name it was sent with. The bundle is parsed (Rego v0 syntax, as CircleCI's
// documentation writes policies; a module importing rego.v1 may use v1) and compiled by the Open
// Policy Agent library (github.com/open-policy-agent/opa, strict mode) once, when it is pushed; a
// bundle that does not parse or compile is a 400 whose error is the engine's message with file and
// line, and the stored bundle stays as it was. dry=true answers the diff and stores nothing.
//
// A decision evaluates data.org with the config as input and the metadata as data.meta. The rules
// named in enable_rule are looked at; a rule also named in hard_fail gives hard failures, the others
// soft ones; a rule's reasons are its value: a string, a set of strings or an object of strings.
// The status is HARD_FAIL, SOFT_FAIL or PASS accordingly, and ERROR, with the engine's error as
// reason, when the evaluation fails. Decision logs list newest first, 20 a page, paged by offset
// (an empty array past the last), filtered by status, after, before, branch, project_id and
// build_number; a log keeps the bundle it was decided with.
//
// When decisions are enabled for an organization, every pipeline trigger of its projects is
// decided: the input is the project's config with the config compiled for the pipeline under
// _compiled_, and data.meta holds project_id, branch and build_number (the pipeline number). A
// HARD_FAIL errors the pipeline, with one config error "policy evaluation failed: RULE: REASON"
// per hard failure, and no workflow runs; SOFT_FAIL, PASS and ERROR let it run. Both are logged.
//
// Not simulated: CircleCI's helper packages (data.circleci.config, data.circleci.utils; a push of a
// policy that imports them is a 400 that says so, rather than a policy that quietly never fails), decisions
// on a setup pipeline's continuation config, the 403 of a token without the permission to manage
// policies, and the "custom" context, which CircleCI documents but does not accept either.
//
// # Schedules
//
// Schedules fire on the simulated clock. Each hour a timetable names (hours-of-day, UTC) on the
// days it names (days-of-week, or days-of-month) in the months it names (all when it names none) it
// starts per-hour pipelines spread evenly over the hour: 3 an hour start at :00, :20 and :40 (CircleCI
// does not say at which minutes; the fake picks these). [Server.Advance] fires every run due in the
// time it moves over, each at its own time and in time order, the running workflows moved along to
// that time first, so advancing a day fires exactly that day's runs, and in steps or at once alike;
// at a speed, a ticker does the same once a wall-clock second. A run is a pipeline on the
// schedule's branch or tag with its other parameters, attributed to the user who created it
// (attribution-actor "current") or to the system actor (login "system-actor"), whose trigger type
// is scheduled_pipeline. Runs whose parameters no longer fit the project's config start nothing.
// Runs due before a schedule was created, or after it was deleted, do not happen. The schedule
// triggers of pipeline definitions (a cron expression, UTC) fire the same way, in the same order,
// running the definition's config on the trigger's checkout ref with its parameters; disabled ones
// do not fire. For their pipelines pipeline.schedule.id is the trigger's id and
// pipeline.schedule.name its event name.
//
// # Webhooks
//
// When a workflow reaches a final status (workflow-completed) or a build job does (job-completed;
// approval jobs, jobs that did not run and jobs a rerun reused send nothing), the fake POSTs the
// event to each webhook of the project subscribed to it and created before it happened, with the
// body CircleCI documents (id, type, happened_at, webhook, project, organization, pipeline with
// trigger and vcs, workflow, and job for job-completed; the types are those of package
// github.com/cikit/circleci-go/webhook), User-Agent CircleCI-Webhook/1.0, Circleci-Event-Type and, when
// the webhook has a secret, Circleci-Signature: v1=<hex HMAC-SHA256 of the body>. An event's id is
// derived from the webhook and the workflow or job, so it is the same in every attempt. Events are
// noticed when the fake moves a workflow (a request that reads it, Advance, the ticker), and sent by
// worker goroutines (up to four a webhook) from a queue of each webhook, outside the fake's lock: a
// slow or dead receiver holds up neither the API, nor the clock, nor other webhooks' deliveries. An
// attempt fails without a 2xx answer within 10 s (redirects are not followed) and is tried again
// 10 s, 1 min, 5 min and 30 min later on the simulated clock (CircleCI retries but does not document
// when; five attempts are the fake's choice), so a test releases the retries with Advance.
// verify_tls false skips checking the receiver's certificate. URLs must be https, as on CircleCI;
// [WithInsecureLoopbackWebhooks] also allows http to loopback hosts.
// [Server.WebhookDeliveries] and GET /_fake/webhook-deliveries list every attempt (state, status,
// latency, headers, the body sent), [Server.WaitWebhookDeliveries] waits for the queue to drain, and
// [Server.ResendWebhookDelivery] (POST /_fake/webhook-deliveries/{id}/resend) sends one again. Not
// simulated: other event types, the test ping, and the limit of five webhooks a project.
//
// Webhook requests spell verify-tls and signing-secret with a hyphen and responses verify_tls and
// signing_secret ("****", absent without a secret), as on CircleCI. CircleCI silently ignores the
// snake_case spellings in a request, leaving the webhook unsigned; the fake answers them with a 400
// that names the key, so the mistake shows up in tests.
//
// # Deploys and rollbacks
//
// Deploy and Rollback operations keep state as well. An organization has deploy environments, a
// project deploy components, and a component the versions deployed to each environment and
// namespace, one of which is live there: the one deployed last. Nothing of this is created through
// the API (CircleCI has no such routes either); versions come to exist in two ways. A seed project
// marks jobs of its config as deploys (SeedProject.Deploys: job, component, environment, namespace,
// version, each of which may use << pipeline.parameters.… >> and pipeline values), and every run of
// such a job that ends with success records that version, with the pipeline, workflow and job that
// deployed it, at the time the job stopped, as a deploy marker in the job would on CircleCI; runs
// that fail, are canceled or are carried over by a rerun from failed record nothing. A seed project
// may also list versions deployed before the fake started (SeedProject.Releases), which have no
// pipeline: their pipeline_id, workflow_id and job_id are the all-zero UUID, as CircleCI reports
// for deploys it recorded without one. Environments come from the seed (SeedOrg.Environments, with
// a description and labels) or are made the first time a version names them, and so are
// components. Deploying a version again moves it to the front of the version list. Versions are
// recorded when a deploy operation next looks, in the order their jobs stopped, so what the reads
// answer is as of the simulated now.
//
// The lists page 20 items unless page-size (1 to 100) says otherwise; components filter by
// project-id and by a part of their name (component-name matches names that contain it, as the live
// API does), versions by environment-id. As on CircleCI, the component list reports release_count
// 0; GET /deploy/components/{component_id} gives the number of deploys recorded.
//
// A seed project names the pipeline definition its rollbacks run (SeedProject.RollbackDefinition,
// typically one of its Definitions with a .circleci/rollback.yml of its own);
// GET /deploy/projects/{project_id}/settings gives its id as rollback_pipeline_definition_id
// (never a deploy pipeline; nothing once the definition is deleted). POST
// /projects/{project_id}/rollback checks the request against what was deployed (the component of
// the project, the environment of the organization, current_version live there, target_version
// deployed there before, both in the namespace given) and runs that definition on the default
// branch, with the request's parameters as pipeline parameters and its component_name,
// environment_name, namespace, current_version, target_version and reason as the pipeline values
// pipeline.deploy.…, which the config can use in when/unless and anywhere in its text (every other
// pipeline sees them empty). A rollback job marked as a deploy with version
// << pipeline.deploy.target_version >> makes the target live again once it succeeds. Not
// simulated: archived components, deploy pipelines, progressive releases with two live versions,
// and release statuses other than success.
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
// {"message": …} with its status (with the same text under "error" on the Policy Management routes); a Go caller reads both with errors.As.
//
// # Time
//
// Jobs move on a simulated clock. [WithSpeed] sets how fast it follows the wall clock (0, the default,
// moves it only when [Server.Advance] is called), and [WithClock] and [WithIDSource] make runs
// reproducible. [Server.SetSpeed] (POST /_fake/clock/speed) changes the speed while the fake runs,
// keeping the time already passed.
//
// # Dashboard
//
// Package server/fake/dashboard puts a web page in front of [Server.Handler] (cmd/circleci-fake
// serves it at /): projects, pipelines, workflows drawn as job graphs with statuses pushed as server-sent
// events, job details, and buttons for the API's actions and for the test controls. The page calls
// the API and the controls with the user's token; the dashboard's own endpoints (the project list
// and the event streams) call the Go methods with it, so that injected faults meet only the requests
// the page makes.
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
