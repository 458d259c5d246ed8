// Package fake is an in-memory CircleCI API v2: a reference implementation of
// [genserver.StrictServerInterface] that behaves like circleci.com, for testing CircleCI integrations
// offline. cmd/circleci-fake serves it from the command line; package faketest starts it in a test,
// with a client pointed at it.
//
// # What it simulates
//
// Users, Project, Pipeline, Pipeline Definition, Trigger, Workflow, Job, Context, Schedule,
// Webhook, Deploy and Rollback operations keep state: projects with settings, environment variables
// (values masked as xxxx plus the last four characters) and checkout keys (real ed25519 keys);
// pipelines triggered with parameters checked against the project's .circleci/config.yml; workflows
// and jobs that follow the config's requires, approval jobs, when/unless and per-job outcomes;
// contexts, schedules and webhooks; deploy environments, components and versions, and rollbacks. A
// token sees only its own organizations' resources; anything else is 404. Operations of the other tags are those of
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
// Requires, type: approval and x-fake: {outcome, duration} drive the simulation. The contexts a job entry names with context: appear in its job details; they
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
// UTC and the user its runs are attributed to; nothing fires it yet: the fake stores triggers but no
// event, webhook call or schedule starts a pipeline.
//
// POST /compile-config-with-defaults (live-only) checks a config with the same engine and answers
// valid, errors (with the line, and column when known), the source and the compiled config with the
// given parameters, declared defaults and given pipeline values substituted.
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
// Besides the Go methods ([Server.Advance], [Server.SetJobOutcome], [Server.InjectFault],
// [Server.ClearFaults], [Server.ContinuationKey], [Server.Reset]), [Server.Handler] serves the same
// controls over HTTP under [ControlPath] (/_fake/), outside the API's base path, and GET /_fake/
// lists them (method, path, an example body for those that take one, and a description) from the
// table that routes them: the clock, job outcomes, continuation keys, a reset to the seed, and
// faults that make the next N matching requests answer 429 with Retry-After ([DefaultRetryAfter]
// unless the fault gives one), a 5xx, or wait first. A fault matches the requests that match every
// one it gives of operation (operationId or Go method name), route template, method and path (a
// project slug in any of its forms), and every request when it gives none; it runs inside the
// server kit's chain, after routing, and is answered by its error writer, so an injected 429 has a
// request ID and a line in the request log. [Server.Reset] puts the state back to the seed, with
// the same IDs, and clears the faults; simulated time goes on. [Server.Close] ends the waits, so
// that the http.Server serving the fake can shut down at once.
package fake
