package client

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// Deprecation describes a response that carried a Deprecation or Sunset header: CircleCI marks
// endpoints it is going to retire this way.
type Deprecation struct {
	// Method and URL name the request (the URL without credentials).
	Method string
	URL    string
	// Path is the request's path, IDs and slugs included.
	Path string
	// Operation and Route name the operation of the document the request was for: the [Client]
	// method that calls it (such as "GetPipelineByID", the operationId as package gen spells it) and
	// its path template (such as "/pipeline/{pipeline-id}"). They are empty when the request is not
	// one of the document's operations under the base URL (a redirect elsewhere, or a request edited
	// by hand through [Client.Generated]). Report each endpoint once by Method and Route, or by
	// Operation, not by Path.
	Operation string
	Route     string
	// Deprecation and Sunset are the raw header values; either may be empty.
	Deprecation string
	Sunset      string
	// Link is the raw Link header, which may point at migration notes.
	Link string
}

// DeprecationHook is called, synchronously, for every response that carries a Deprecation or Sunset
// header. It must be safe for concurrent use and should return quickly.
type DeprecationHook func(ctx context.Context, d Deprecation)

// WithDeprecationHook sets the function called when a response carries a Deprecation or Sunset
// header. By default the client logs a warning through [slog.Default] once per operation (requests
// that are none of the document's operations: once per method); a nil hook turns the reports off.
func WithDeprecationHook(hook DeprecationHook) Option {
	return func(c *config) error {
		if hook == nil {
			hook = func(context.Context, Deprecation) {}
		}
		c.hook = hook
		return nil
	}
}

// logDeprecationOnce is the default hook. It remembers one key per operation, its method and route
// (and one per method for requests that match no operation), so what it keeps is bounded by the
// size of the document.
func (c *Client) logDeprecationOnce(ctx context.Context, d Deprecation) {
	key := d.Method + " " + d.Route // d.Route is "" when no operation matched
	if _, seen := c.seenDeprecated.LoadOrStore(key, struct{}{}); seen {
		return
	}
	logger := c.logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.WarnContext(ctx, "circleci: the API marks this endpoint as deprecated",
		"operation", d.Operation, "route", d.Route, "method", d.Method, "url", d.URL,
		"deprecation", d.Deprecation, "sunset", d.Sunset, "link", d.Link)
}

// deprecationTransport reports Deprecation and Sunset headers to the hook.
type deprecationTransport struct {
	base    http.RoundTripper
	hook    DeprecationHook
	baseURL *url.URL // requests are matched to operations below its path, on its host
}

// RoundTrip implements [http.RoundTripper].
func (t *deprecationTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	dep, sunset := resp.Header.Get("Deprecation"), resp.Header.Get("Sunset")
	if dep != "" || sunset != "" {
		d := Deprecation{
			Method:      req.Method,
			URL:         redactURL(req.URL),
			Path:        req.URL.Path,
			Deprecation: dep,
			Sunset:      sunset,
			Link:        resp.Header.Get("Link"),
		}
		if strings.EqualFold(req.URL.Host, t.baseURL.Host) {
			if rest, ok := strings.CutPrefix(req.URL.EscapedPath(), t.baseURL.EscapedPath()); ok {
				if r := matchRoute(operationRoutes, req.Method, rest); r != nil {
					d.Operation, d.Route = r.operation, r.template
				}
			}
		}
		t.hook(req.Context(), d)
	}
	return resp, nil
}

// route is one operation of the document; operationRoutes, generated with the Client methods, lists
// them all.
type route struct {
	operation, template string
	segments            []string // the template after its leading "/", split at "/"; "" stands for a parameter
}

// matchRoute finds the operation for method and an escaped path relative to the base URL. A path
// parameter matches one non-empty segment; when several templates match, the one with a literal
// segment where the others have a parameter, leftmost first, wins (/project/{slug}/pipeline/mine
// over /project/{slug}/pipeline/{number}).
func matchRoute(table map[string][]route, method, escapedPath string) *route {
	rest, ok := strings.CutPrefix(escapedPath, "/")
	if !ok {
		return nil
	}
	segments := strings.Split(rest, "/")
	var best *route
candidates:
	for i := range table[method] {
		r := &table[method][i]
		if len(r.segments) != len(segments) {
			continue
		}
		for j, s := range r.segments {
			if s == "" && segments[j] == "" || s != "" && s != segments[j] {
				continue candidates
			}
		}
		if best == nil || moreLiteral(r, best) {
			best = r
		}
	}
	return best
}

// moreLiteral reports whether a has a literal segment where b has a parameter, at the first position
// where they differ in that respect. Both have the same number of segments.
func moreLiteral(a, b *route) bool {
	for i := range a.segments {
		if (a.segments[i] == "") != (b.segments[i] == "") {
			return a.segments[i] != ""
		}
	}
	return false
}
