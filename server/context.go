package server

import (
	"context"

	"github.com/cikit/circleci-go/server/internal/route"
)

// infoKey is the context key of the per-request state; unexported so only this package sets it.
type infoKey struct{}

// requestInfo is what the middleware learns about a request, filled in as it goes down the chain.
// One is allocated per request and stored in the context once, so later stages add to it without
// allocating new contexts.
type requestInfo struct {
	id string
	// tw is the chain's own ResponseWriter, set by the log stage: what the handlers below write goes
	// through it whatever the route middlewares wrap it in, so it knows whether the status was sent.
	// nil when the log stage is not below recoverPanics.
	tw            *trackingWriter
	route         *route.Route // nil until the route is resolved, or when nothing matched
	principal     Principal
	authenticated bool
	params        []string // decoded path parameter values, in the route's order
	paramBuf      [6]string
	// serviceErrors is set when errors about this request carry an "error" member as well because the
	// path, or the part of the document it fell in, belongs to operations that document {"error": ...}.
	// (When the route is known, its ServiceErrors says the same.)
	serviceErrors bool
}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// RequestIDFromContext returns the ID of the request being served: its X-Request-Id header when it
// sent a usable one, otherwise one the server made up. It is "" outside a request served by [New].
func RequestIDFromContext(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil {
		return info.id
	}
	return ""
}

// PrincipalFromContext returns whom the request was authenticated as, and false when the context is
// not that of an authenticated request served by [New].
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	if info := infoFrom(ctx); info != nil && info.authenticated {
		return info.principal, true
	}
	return Principal{}, false
}

// OperationIDFromContext returns the operationId of the document operation the request was routed to
// ("listPipelinesForProject"), or "" when it matched none or the context is not that of a request
// served by [New]. It is set once the slug normaliser has routed the request, so from the middlewares
// of [WithRouteMiddlewares] on; a HEAD request served by a GET operation has that operation's ID.
func OperationIDFromContext(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil && info.route != nil {
		return info.route.OperationID
	}
	return ""
}

// RouteFromContext returns the document path of the operation the request was routed to, relative to
// the base path: "/project/{project-slug}/pipeline". It is "" whenever [OperationIDFromContext] is.
func RouteFromContext(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil && info.route != nil {
		return info.route.Path
	}
	return ""
}
