// Package client calls the CircleCI API v2.
//
// Create a [Client] with [New] and call the operation you need: every operation of the API is a
// method named as the operation (GetPipelineByID, ListPipelinesForProject, TriggerPipeline, …) that
// takes a context first and returns the operation's 2xx body, typed with package gen's models, or an
// error. Nothing is returned as success that is not a 2xx answer.
//
//	c, err := client.New()
//	if err != nil { … }
//	p, err := c.GetPipelineByID(ctx, id)
//
// [Client.Generated] returns the oapi-codegen client underneath, sharing the same transport stack, as
// an escape hatch for raw responses and request editors.
//
// # Authentication
//
// [WithToken] sets the API token. Without it, the token comes from the CIRCLE_TOKEN environment
// variable, then CIRCLECI_TOKEN; with neither (or with [WithoutToken]) requests go without
// credentials, and the API's 401 becomes an error matching [ErrUnauthorized].
//
// The token is sent as the Circle-Token header, or as "Authorization: Bearer" or HTTP basic
// authentication (token as user name) with [WithAuthScheme]: the methods set it on the request they
// build, and for the requests of [Client.Generated] an [http.RoundTripper] adds it. It is sent only to
// the base URL's host (and, for an https base URL, only over https), never in a query string, and
// never to a request that already carries Circle-Token or Authorization: a header the caller set
// wins. A CircleCI server install is reached with [WithBaseURL]
// ("https://<host>/api/v2"). The default User-Agent names this module and its version.
//
// # Slugs
//
// Projects are named by slugs: "gh/org/repo", "github/org/repo", "bb/org/repo",
// "bitbucket/org/repo", or "circleci/<org-id>/<project-id>" for projects not tied to GitHub OAuth
// or Bitbucket Cloud. Parse one with [ParseProjectSlug] (organizations: [ParseOrgSlug]); errors quote
// the input and list the accepted forms. Methods take the parsed [ProjectSlug] and put it on the wire
// as each route expects: routes with {project-slug} get one escaped segment
// (/project/gh%2Forg%2Frepo/pipeline), routes of the form /project/{provider}/{organization}/{project}/…
// get three segments. Names with spaces, "%" or non-ASCII characters are escaped too; nobody escapes
// a slug by hand. Operations that take an organization "slug or ID" take a plain string: pass
// [OrgSlug.String] or the organization's UUID.
//
// # Pagination
//
// List operations return one page as generated (Items and NextPageToken). Where the document gives
// a list a page-token parameter, the method has an …Iter twin, such as
// [Client.ListPipelinesForProjectIter], that returns an [iter.Seq2] of items and error and walks all
// pages lazily: it copies the params it is given, fetches a page only when the loop reaches it,
// feeds next_page_token back as page-token, and stops when the token is null or empty or when the
// loop breaks. An error is yielded once, with a zero item, and ends the walk. A next_page_token the
// API has handed out before ends the walk with [ErrRepeatedPageToken] rather than looping forever:
// when the token repeats within the last 64 pages (the usual server bug hands back the same token or
// alternates between two), before that page is fetched again, so no item comes twice; a longer cycle
// is still caught, within two turns of it. A walk holds one page of items and a bounded set of
// tokens, so its memory does not grow with the number of pages.
//
// The policy decision logs are paged by offset instead: [Client.GetDecisionLogsIter] asks for each
// next page with offset set to the number of logs seen so far and stops at the first empty page.
//
// # Errors
//
// A non-2xx answer becomes an [*APIError] with the status code, the API's message (from a
// {"message"} or {"error"} body; for HTML, text or empty bodies, the page title, first line or status
// text), the method and URL (never with a token), the Retry-After wait and the start of the body.
// Match kinds with [errors.Is]: [ErrUnauthorized], [ErrForbidden], [ErrNotFound], [ErrRateLimited]
// and [ErrServer]. A 2xx body that does not decode into the operation's type is a [*DecodeError]
// naming the operation and showing the start of the body. Transport errors and context errors are
// returned wrapped, so errors.Is(err, context.Canceled) works. A 404 for a request whose URL lacks
// /api/v2 (a base URL such as https://circleci.com without it) says so in [APIError.Hint].
//
// # Waiting for a pipeline
//
// [Client.WaitForWorkflows] polls a pipeline's workflows until each is done ([WorkflowDone]) or on
// hold; a workflow on hold is reported ([Workflows.OnHold]), not waited on, and [Client.ApproveJob]
// approves its approval job by name. [JobDone] is the predicate for job statuses.
//
// # Redirects
//
// The token set with [WithToken] is sent only to the base URL's host. A Circle-Token or
// Authorization header a caller sets on a request (through [Client.Generated]'s request editors) is
// dropped when a redirect leaves that host or goes from https to http.
//
// Responses with a Deprecation or Sunset header, which CircleCI sends for endpoints it will retire,
// are reported to the hook set with [WithDeprecationHook], naming the operation of the document the
// request was for; by default a warning is logged through [log/slog]'s default logger once per
// operation.
//
// # Retries
//
// A retrying [http.RoundTripper] retries GET, HEAD, OPTIONS, PUT and DELETE requests on transport
// errors, 429 and every 5xx except 501 ([DefaultRetryPolicy]), up to 3 times ([WithRetryMax]). POST
// and PATCH are never retried unless the caller opts in with [WithRetryMethods]: CircleCI has no
// idempotency keys, and a retried trigger would start a second pipeline. Waits follow a Retry-After
// header, in seconds or HTTP-date form, capped at 60s ([WithRetryAfterMax]); without one, a capped
// exponential backoff with jitter ([WithRetryBackoff], [WithBackoff]). A wait ends at once when the
// request's context is done, and the call returns the context's error. Request bodies are rewound
// with GetBody. When the retries run out, the last answer becomes the [*APIError], with its status
// and RetryAfter.
package client
