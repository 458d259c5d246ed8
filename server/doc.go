// Package server serves any implementation of genserver.StrictServerInterface the way circleci.com answers
// the CircleCI API v2, so that real clients cannot tell the two apart at the HTTP level.
//
// [New] returns an http.Handler; the caller owns the http.Server, its timeouts and its shutdown.
// The handler is built as one chain, outermost first:
//
//	recover → request ID and log → /healthz and openapi.json → slug normaliser → route middlewares → auth → validation → chi → strict handler
//
// [WithRouteMiddlewares] adds net/http middlewares where the request is routed but not yet
// authenticated; they learn the operation from [OperationIDFromContext] and [RouteFromContext] and
// answer errors with [WriteError]. [WithStrictMiddlewares] adds middlewares of the strict handler,
// which see the typed request object.
//
// # Routing
//
// The API is mounted under /api/v2 ([WithBasePath] changes that). GET /healthz answers outside the base
// path; GET {base}/openapi.json serves the document as JSON without authentication, for clients that
// learn from it which endpoints an installation has.
//
// Each request is matched to its operation once, through an index built from the document at start-up,
// in time proportional to the length of its path rather than to the number of routes. Slugs may be
// sent escaped as one segment ("/project/gh%2Forg%2Frepo/pipeline") or raw
// ("/project/gh/org/repo/pipeline", "/insights/gh/org/summary", "/organization/gh/org/project",
// "/organization/circleci/<uuid>/project"): a path that matches a route as it is, with well-formed
// slugs (see below), stays untouched;
// otherwise a raw slug that starts with a VCS prefix (gh, github, bb, bitbucket, circleci) is folded into
// the escaped form, which is kept only if it matches a route that takes that kind of slug. Both forms
// reach the implementation with the same decoded value. The three-part routes
// /project/{provider}/{organization}/{project}/... keep working, and a trailing slash routes like the
// path without it.
//
// HEAD is answered wherever GET is, as that GET without its body (net/http drops it), and Allow lists
// it.
//
// A raw slug is ambiguous when an organization or repository is named like a word of the routes:
// "/project/gh/pipeline/mine" is the project gh/pipeline/mine, or the pipelines of a project "gh". The
// server takes a path as it is only when each slug parameter then holds something shaped like a slug
// (a VCS prefix and the right number of parts, or an organization UUID); "gh" alone is not, so that
// path is read as the project gh/pipeline/mine. Where both readings are well-formed, the path as it is
// wins: POST /project/gh/org/repo/pipeline/run is the three-part route, never pipeline number "run" of
// gh/org/repo. Of several folds, the leftmost VCS prefix and then the longer slug win, and a reading
// whose route serves the request's method beats one whose route does not. A path that no fold makes
// valid keeps its match as it is and gets the slug's 400 ("/project/gh/pipeline"). Clients that want no
// guessing send the slug escaped, which always matches as it is where a route takes it.
//
// Escaped slugs also reach the three-part routes, which take the slug as three segments:
// "/project/gh%2Forg%2Frepo/settings" is served as "/project/gh/org/repo/settings". Half-escaped slugs
// ("/project/gh%2Forg/repo/pipeline", "/project/gh/org%2Frepo/pipeline") are read as the whole slug.
// Escaped slashes are never taken apart beyond a slug's parts: "gh%2Forg%2Frepo%2Fpipeline" stays one
// (invalid) value.
//
// # Authentication
//
// Every operation needs a token, checked by the [Authenticator] given with [WithAuthenticator]
// ([StaticTokens] compares in constant time). The token is accepted in the Circle-Token header, as
// "Authorization: Bearer", as the user name of HTTP basic auth, and in the deprecated circle-token query
// parameter. A missing or unknown token gets 401 {"message": "You must log in first."}. An Authorization
// header that holds no usable token (basic credentials that are not valid base64, an empty Bearer
// token, another scheme) gets 401 with a message saying so, rather than being passed over for the
// query parameter. The
// implementation finds the caller with [PrincipalFromContext]. Tokens never appear in log lines or error
// bodies.
//
// # Validation
//
// Every request is validated against the document with kin-openapi's openapi3filter before the
// implementation sees it: path parameters (decoded, so slugs are checked as the implementation will
// receive them), query and header parameters, content type and JSON body, and slugs are parsed for a
// known VCS and sane parts. A failure is 400 {"message": …} naming the parameter or JSON field and what
// was expected. The server is lenient where the live API is: "application/json; charset=utf-8", a
// Content-Type on a GET or DELETE without body, a body without Content-Type (taken as JSON), a trailing
// newline after the JSON, an empty page-token (taken as absent) and any Accept header. It is strict
// where Go's URL parsing would silently drop part of the query: a malformed escape ("branch=%ZZ") or a
// ";" between parameters is a 400 naming the parameter. Data after the JSON value of a body
// (`{"name":"x"}xyz`, two values) is a 400 too; white space is not. Bodies larger than [DefaultMaxBodyBytes] (or
// [WithMaxBodyBytes]) get 413.
//
// The operation is found once per request from an index built at start-up, in time proportional to the
// path's length, so validation costs about the same on every route. Path parameters of type string
// (slugs, UUIDs) are checked against their schemas directly, the plainest of them by a check derived
// from the schema at start-up, and "uuid" and "date-time" use fast validators passed to kin-openapi
// per validation; a refused value is always explained by kin-openapi's own schema error.
//
// # Errors
//
// Every error the server writes has one shape: application/json with a "message" member; for the
// Policy Management and OIDC Token Management operations, whose documented error body is
// {"error": …}, an "error" member with the same text is added; so it is to a 405 on their paths and to
// a 404 or 400 for a path among theirs that matches nothing (under /owner/ or /org/). That covers
// parameter binding and body decoding errors, unknown routes (404), wrong methods (405 with Allow),
// panics (500), authentication (401), validation (400) and size (413). An implementation that returns an [*Error] (see [NotFound],
// [BadRequest] and the others) gets its status and message written in that shape; any other error it
// returns is answered 500 "Internal server error." and its text goes only to the log. Middleware
// answers in the same shape with [WriteError].
//
// One error escapes this shape: a request target that is not a valid URL, such as a path with a
// malformed escape ("/api/v2/project/%zz"), is refused by net/http while it reads the request, before
// any handler runs, with a plain-text "400 Bad Request". A handler cannot change that; a proxy in front
// of the server can, where it matters.
//
// # Logging
//
// [WithLogger] turns on a log/slog request log: method, route pattern (never the raw path, which holds
// slugs), operation ID, status, bytes, duration and request ID; a request whose implementation panicked
// is logged with the 500 it was answered. The request ID is the X-Request-Id header
// the client sent, if usable, or one the server makes up; it is echoed in the response and available to
// the implementation through [RequestIDFromContext].
//
// # Testing
//
// Package servertest wraps a handler and fails a test when any response does not validate against the
// document, so implementations check their responses for free.
package server
