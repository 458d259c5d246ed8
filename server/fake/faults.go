package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/internal/route"
)

// Fault makes the next Count API requests that match it answer badly, so a client's retry logic can
// be tested: Status 429 (with a Retry-After header) or a 5xx, after waiting Delay. A Fault with only
// a Delay slows the requests down and lets them through.
//
// A request matches when it matches every one of Method, Operation, Route and Path that the fault
// gives; a fault that gives none matches every request. Faults apply to the requests the server kit
// routes to an operation of the document, after it has normalised the slugs and before it
// authenticates or validates them: a path that matches no route, or a method the path does not
// serve, is answered 404 or 405 by the kit as usual. The answer is written by server.WriteError, so
// it has the kit's error shape ({"message": …}, and "error" too on the Policy Management and OIDC
// routes), the request's X-Request-Id, and its line in the request log.
type Fault struct {
	// Method matches the operation's method, without regard to case; empty matches any. A HEAD
	// request is served by the GET operation of its path, so it counts as GET: a fault with Method
	// "HEAD" is one with "GET" and matches the GET and HEAD requests of that operation alike. A
	// method the document uses for no operation (say "FOO" or "OPTIONS"), or, with a whole Path, one
	// that path is not served with ("POST" with "/me"), is an error of [Server.InjectFault].
	Method string `json:"method,omitempty"`
	// Operation matches the operation the request is routed to, by its operationId in the document
	// ("getCurrentUser", "getPipelineById") or by the name of its Go method ("GetCurrentUser",
	// "GetPipelineByID"): compared without regard to case, the two are the same. Empty matches any;
	// one the document does not have is an error of [Server.InjectFault].
	Operation string `json:"operation,omitempty"`
	// Route matches the document path of the operation, relative to the base path, exactly as the
	// document writes it: "/project/{project-slug}/pipeline". Empty matches any; one the document does
	// not have is an error of [Server.InjectFault].
	Route string `json:"route,omitempty"`
	// Path matches the path under the API base /api/v2 (e.g. "/me" or
	// "/project/gh/demo-org/demo-app/pipeline"), escaped or not, with or without a trailing slash. It
	// is compared, unescaped, with the path of the request as the server kit routed it: unescaped and
	// without its trailing slash, so "/project/gh/demo-org/demo-app/checkout-key/SHA256:ab%2Fcd"
	// matches a request for .../checkout-key/SHA256:ab%2Fcd. A project slug after /project/, whole or
	// (in a prefix) cut short, matches in any form the API takes: gh/org/repo matches gh%2Forg%2Frepo
	// and github/org/repo (bb and bitbucket likewise), names compared without regard to case. A
	// trailing "*" matches any path with that prefix; since the request's path has lost its trailing
	// slash, "/context/*" matches /context/<id> but neither /context nor /context/ ("/context*"
	// matches all three). Empty matches every path. A Handler mounted elsewhere with
	// server.WithBasePath matches no Path; match Operation or Route there.
	//
	// [Server.InjectFault] refuses a Path that could match no request: one that includes the base
	// path ("/api/v2/me"), does not start with "/" ("me"), or holds a query ("?"); and a whole path
	// (not a prefix) that the kit routes to no operation as written, that is, sent as a request path
	// just as it is. The operations it is routed to with some method are those the fault may apply
	// to, even if the kit's validation would refuse the request later ("/project/gh/org/repo/x" is
	// the project slug gh/org/repo/x of GET /project/{project-slug}); a path routed nowhere
	// ("/no/such", "/project", an empty segment, a value that is "." or "..") is refused. So a "/"
	// inside a value other than a slug (a SHA256 checkout-key fingerprint, an environment variable
	// name) must be written %2F, as a client sends it: ".../checkout-key/SHA256:ab%2Fcd", not
	// ".../checkout-key/SHA256:ab/cd"; and a value that is also a literal of the document must be
	// escaped as a client escapes it ("/pipeline/%63ontinue" for the pipeline ID "continue"). When
	// Method, Operation or Route are given as well, one of the operations the path is routed to must
	// have them all.
	Path string `json:"path,omitempty"`
	// Status is 429 or 500–599; 0 lets the request through after Delay.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent in whole seconds (rounded up) as Retry-After with a 429 or 503. A 429 without
	// it sends [DefaultRetryAfter], as a rate limit always says when to come back.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// Delay is waited before answering (or passing the request on); the wait ends early if the
	// client goes away, and when the fake is closed ([Server.Close]).
	Delay time.Duration `json:"delay,omitempty"`
	// Count is how many matching requests the fault affects; it must be at least 1.
	Count int `json:"count"`

	path   string // Path without its trailing "*", made canonical by faultPath
	prefix bool   // Path ended in "*"
}

// DefaultRetryAfter is the Retry-After a 429 [Fault] sends when it gives no RetryAfter.
const DefaultRetryAfter = time.Second

// UnmarshalJSON accepts retry_after and delay as Go duration strings ("2s") or nanoseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	type plain Fault
	var aux struct {
		plain
		RetryAfter json.RawMessage `json:"retry_after,omitempty"`
		Delay      json.RawMessage `json:"delay,omitempty"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*f = Fault(aux.plain)
	var err error
	if f.RetryAfter, err = parseDuration(aux.RetryAfter); err != nil {
		return fmt.Errorf("retry_after: %w", err)
	}
	if f.Delay, err = parseDuration(aux.Delay); err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	return nil
}

func parseDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.ParseDuration(s)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, errors.New(`want a duration such as "1.5s" or nanoseconds`)
	}
	return time.Duration(n), nil
}

func (f Fault) check() error {
	switch {
	case f.Count < 1:
		return errors.New("fault: count must be at least 1")
	case f.Status != 0 && f.Status != http.StatusTooManyRequests && (f.Status < 500 || f.Status > 599):
		return fmt.Errorf("fault: status %d is neither 429 nor 5xx", f.Status)
	case f.Status == 0 && f.Delay <= 0:
		return errors.New("fault: give a status, a delay or both")
	case f.RetryAfter < 0 || f.Delay < 0:
		return errors.New("fault: durations must not be negative")
	}
	if strings.Contains(f.Path, "?") {
		return fmt.Errorf("fault: path %q holds a query: a fault matches the path alone, so leave the query out", f.Path)
	}
	p, prefix := strings.CutSuffix(f.Path, "*")
	if p != "" && !strings.HasPrefix(p, "/") {
		return fmt.Errorf("fault: path %q does not start with \"/\": give the path under the API base path %s, such as \"/me\"", f.Path, server.DefaultBasePath)
	}
	if u, err := url.PathUnescape(p); err == nil && (u == server.DefaultBasePath || strings.HasPrefix(u, server.DefaultBasePath+"/")) {
		return fmt.Errorf("fault: path %q includes the API base path %s: give the path under it, such as \"/me\"", f.Path, server.DefaultBasePath)
	}
	if f.Method == "" && f.Operation == "" && f.Route == "" && (f.Path == "" || prefix) {
		return nil
	}
	names, err := loadFaultNames()
	if err != nil {
		return fmt.Errorf("fault: %w", err)
	}
	if f.Method != "" && !slices.Contains(names.methods, strings.ToUpper(f.Method)) {
		return fmt.Errorf("fault: method %q is that of no operation of the document: give one of %s (HEAD counts as GET)", f.Method, strings.Join(names.methods, ", "))
	}
	if f.Operation != "" && !names.operations[strings.ToLower(f.Operation)] {
		return fmt.Errorf("fault: operation %q is not in the document: give an operationId such as \"getCurrentUser\" or its Go name \"GetCurrentUser\"", f.Operation)
	}
	if f.Route != "" && !names.paths[f.Route] {
		return fmt.Errorf("fault: route %q is not in the document: give a path as the document writes it, such as \"/project/{project-slug}/pipeline\"", f.Route)
	}
	candidates := names.ix.Routes() // the operations a request the fault matches may be routed to
	if f.Path != "" && !prefix {
		if candidates = names.routesAt(p); len(candidates) == 0 {
			return fmt.Errorf("fault: path %q is served by no operation of the document as written, so no request would match it: give a path such as \"/me\" or \"/project/gh/demo-org/demo-app/pipeline\", or end a prefix with \"*\"; a \"/\" inside a value (a checkout-key fingerprint, an environment variable name) must be written %%2F, as in \"/project/gh/demo-org/demo-app/checkout-key/SHA256:ab%%2Fcd\"", f.Path)
		}
		if f.Method != "" && !slices.ContainsFunc(candidates, func(rt *route.Route) bool { return strings.EqualFold(rt.Method, f.Method) }) {
			return fmt.Errorf("fault: path %q is not served with method %s, so no request would match it: it is served with %s", f.Path, strings.ToUpper(f.Method), allowed(candidates))
		}
	}
	if !slices.ContainsFunc(candidates, f.fits) {
		var served []string
		for _, rt := range candidates {
			served = append(served, rt.Method+" "+rt.Path+" ("+rt.OperationID+")")
		}
		if f.Path == "" || prefix {
			return fmt.Errorf("fault: no operation of the document has %s, so no request would match the fault", f.names())
		}
		return fmt.Errorf("fault: path %q is served by %s; none of them has %s, so no request would match the fault", f.Path, strings.Join(served, ", "), f.names())
	}
	return nil
}

// fits reports whether a request routed to rt has the method, operation and route the fault gives.
func (f Fault) fits(rt *route.Route) bool { return f.fitsOperation(rt.Method, rt.OperationID, rt.Path) }

// fitsOperation reports whether an operation's method, operationId and document path are those the
// fault gives: what a request routed to it and a route of the index are both matched on.
func (f *Fault) fitsOperation(method, operationID, path string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, method)) &&
		(f.Operation == "" || strings.EqualFold(f.Operation, operationID)) &&
		(f.Route == "" || f.Route == path)
}

// names describes the method, operation and route a fault gives, for its errors:
// `method POST, operation "getCurrentUser" and route "/me"`.
func (f Fault) names() string {
	var given []string
	if f.Method != "" {
		given = append(given, "method "+strings.ToUpper(f.Method))
	}
	if f.Operation != "" {
		given = append(given, fmt.Sprintf("operation %q", f.Operation))
	}
	if f.Route != "" {
		given = append(given, fmt.Sprintf("route %q", f.Route))
	}
	if len(given) < 2 {
		return strings.Join(given, "")
	}
	return strings.Join(given[:len(given)-1], ", ") + " and " + given[len(given)-1]
}

// allowed returns the methods of routes as an Allow header lists them (see [allowHeader]).
func allowed(routes []*route.Route) string {
	methods := make([]string, len(routes))
	for i, rt := range routes {
		methods[i] = rt.Method
	}
	return allowHeader(methods)
}

// faultNames is what faults are checked against: the server kit's route index, which routes the
// requests faults apply to, and the names of its operations.
type faultNames struct {
	ix         *route.Index
	operations map[string]bool // operationIds, lower-cased
	paths      map[string]bool // document paths
	methods    []string        // the methods of the operations, sorted
}

// loadFaultNames reads the names from the kit's shared route index, once.
var loadFaultNames = sync.OnceValues(func() (faultNames, error) {
	ix, err := route.Shared()
	if err != nil {
		return faultNames{}, err
	}
	n := faultNames{ix: ix, operations: map[string]bool{}, paths: map[string]bool{}}
	for _, rt := range ix.Routes() {
		n.operations[strings.ToLower(rt.OperationID)] = true
		if !slices.Contains(n.methods, rt.Method) {
			n.methods = append(n.methods, rt.Method)
		}
		n.paths[rt.Path] = true
	}
	slices.Sort(n.methods)
	return n, nil
})

// routesAt returns the operations the kit routes a request for the escaped path p to, p as a client
// sends it ([route.Index.Resolve] with each method of the document), sorted by path and method. A p
// that no request may be sent as (an empty segment, a bad escape) is routed nowhere, and so is one
// with a "." or ".." value, which the kit refuses before the route middlewares.
func (n faultNames) routesAt(p string) []*route.Route {
	u, err := url.PathUnescape(p)
	if err != nil || strings.Contains(p, "//") || slices.ContainsFunc(strings.Split(u, "/"), func(s string) bool { return s == "." || s == ".." }) {
		return nil
	}
	var found []*route.Route
	for _, m := range n.methods {
		if leaf, _, _ := n.ix.Resolve(m, p, nil); leaf != nil {
			if rt := leaf.For(m); rt != nil && !slices.Contains(found, rt) {
				found = append(found, rt)
			}
		}
	}
	slices.SortFunc(found, func(a, b *route.Route) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	return found
}

// routed is what faults match a request on, as the server kit routed it.
type routed struct {
	method, operation, route string
	path                     string // under the default base path, made canonical by canonicalProjectPath; "" outside it
}

// matches reports whether the fault applies to a request.
func (f *Fault) matches(r routed) bool {
	switch {
	case !f.fitsOperation(r.method, r.operation, r.route):
		return false
	case f.prefix:
		return strings.HasPrefix(r.path, f.path)
	}
	return f.Path == "" || f.path == r.path
}

// faultPath returns a fault's Path (without its "*") in the form it is compared in: unescaped,
// without a trailing slash unless it is a prefix, its project slug made canonical by canonicalProjectPath.
// The kit hands the fake request paths unescaped and without a trailing slash already.
func faultPath(p string, prefix bool) string {
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if !prefix && len(p) > 1 {
		p = strings.TrimSuffix(p, "/") // the API routes "/x/" like "/x"
	}
	return canonicalProjectPath(p)
}

// canonicalProjectPath returns an unescaped path under the API base (a request's, a fault's or a fault's
// prefix) with the project slug after /project/ (in a prefix possibly cut short) in lower case and
// its provider normalised, github to gh and bitbucket to bb. The server kit leaves both as the
// client wrote them, since the API takes every such form of a slug; a fault matches them all.
func canonicalProjectPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/project/")
	if !ok {
		return p
	}
	segs := strings.SplitN(rest, "/", 4)
	for i := range min(3, len(segs)) { // the slug's parts; the rest of the path keeps its case
		segs[i] = strings.ToLower(segs[i])
	}
	if vcs, ok := slug.NormalizeVCS(segs[0]); ok {
		segs[0] = string(vcs)
	}
	return "/project/" + strings.Join(segs, "/")
}

// faults holds the injected faults in the order they were added.
type faults struct {
	mu   sync.Mutex
	list []*Fault
}

// take returns a copy of the first fault that matches the request and counts it used.
func (fs *faults) take(r *http.Request) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.list) == 0 {
		return Fault{}, false // the usual case: nothing to look at
	}
	ctx := r.Context()
	req := routed{method: r.Method, operation: server.OperationIDFromContext(ctx), route: server.RouteFromContext(ctx)}
	if under, ok := strings.CutPrefix(r.URL.Path, server.DefaultBasePath); ok {
		req.path = canonicalProjectPath(under)
	}
	for i, f := range fs.list {
		if f.matches(req) {
			out := *f
			if f.Count--; f.Count == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
			return out, true
		}
	}
	return Fault{}, false
}

// InjectFault adds a fault; faults are matched in the order they were added. A fault that cannot
// apply is an error that says why: a count below 1, a status neither 429 nor 5xx, a method, operation,
// route or path the document does not have, or ones that no one operation has together (a path with
// a method it is not served with, an operation on another route; see [Fault] for how Path is
// checked). A HEAD request is served by the GET operation of its path, so a fault for HEAD is kept as
// one for GET.
func (s *Server) InjectFault(f Fault) error {
	if strings.EqualFold(f.Method, http.MethodHead) {
		f.Method = http.MethodGet // the kit hands route middlewares a HEAD request as the GET serving it
	}
	if err := f.check(); err != nil {
		return err
	}
	p, prefix := strings.CutSuffix(f.Path, "*")
	f.path, f.prefix = faultPath(p, prefix), prefix
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = append(s.faults.list, &f)
	return nil
}

// ClearFaults removes every fault not used up yet.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
}

// injectFaults is the route middleware (server.WithRouteMiddlewares) that applies the faults.
func (s *Server) injectFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.faults.take(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-s.closed:
				t.Stop()
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Status == 0 {
			next.ServeHTTP(w, r)
			return
		}
		retry := f.RetryAfter
		if retry == 0 && f.Status == http.StatusTooManyRequests {
			retry = DefaultRetryAfter
		}
		if retry > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
			secs := int64((retry + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		text := http.StatusText(f.Status)
		if text == "" {
			text = "status " + strconv.Itoa(f.Status) // 5xx without a standard name, 599 say
		}
		msg := "Injected fault: " + text + "."
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded (injected by circleci-fake)."
		}
		server.WriteError(w, r, f.Status, msg)
	})
}
