package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server"
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
	// method the document uses for no operation (say "FOO" or "OPTIONS") is an error of
	// [Server.InjectFault].
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
	// "/project/gh/demo-org/demo-app/pipeline"), escaped or not, with or without a trailing slash; a
	// trailing "*" matches any path with that prefix; empty matches every path. A project slug after
	// /project/, whole or (in a prefix) cut short, matches in any form the API takes: gh/org/repo
	// matches gh%2Forg%2Frepo and github/org/repo (bb and bitbucket likewise), names compared without
	// regard to case. A Handler mounted elsewhere with server.WithBasePath matches no Path; match
	// Operation or Route there. [Server.InjectFault] refuses a Path that could match no request: one
	// that includes the base path ("/api/v2/me"), does not start with "/" ("me"), holds a query
	// ("?"), or, unless it is a prefix, is served by no operation of the document ("/no/such").
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
	names, err := loadDocumentNames()
	if err != nil {
		return fmt.Errorf("fault: %w", err)
	}
	if f.Method != "" && !names.methods[strings.ToUpper(f.Method)] {
		return fmt.Errorf("fault: method %q is that of no operation of the document: give one of %s (HEAD counts as GET)", f.Method, strings.Join(slices.Sorted(maps.Keys(names.methods)), ", "))
	}
	if f.Operation != "" && !names.operations[strings.ToLower(f.Operation)] {
		return fmt.Errorf("fault: operation %q is not in the document: give an operationId such as \"getCurrentUser\" or its Go name \"GetCurrentUser\"", f.Operation)
	}
	if f.Route != "" && !names.routes[f.Route] {
		return fmt.Errorf("fault: route %q is not in the document: give a path as the document writes it, such as \"/project/{project-slug}/pipeline\"", f.Route)
	}
	if f.Path != "" && !prefix && !names.serves(strings.TrimSuffix(p, "/")) {
		return fmt.Errorf("fault: path %q is served by no operation of the document, so no request would match it: give a path such as \"/me\" or \"/project/gh/demo-org/demo-app/pipeline\", or end a prefix with \"*\"", f.Path)
	}
	return nil
}

// documentNames holds the operationIds of the document, lower-cased, its paths (as they are and
// split into segments) and the methods of its operations.
type documentNames struct {
	operations, routes, methods map[string]bool
	templates                   [][]string // "/project/{project-slug}/pipeline" → "project", "{project-slug}", "pipeline"
}

// serves reports whether a fault's path (escaped or not, without its "*" and trailing slash) is one
// that a request routed to an operation of the document may have. A template segment "{…}" matches
// any one non-empty segment, escaped slashes and all, and a slug parameter its raw and half-escaped
// forms too: up to three segments for {project-slug} (gh/org/repo, gh%2Forg/repo,
// circleci/<uuid>/<uuid>), up to two for {org-slug} and {org-slug-or-id} (gh/org). That is a little
// more than the kit routes (it checks slugs further), so what it refuses no request can have, but for
// a slash in the value of another parameter: that must be given escaped, as a request sends it.
func (n documentNames) serves(p string) bool {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	return slices.ContainsFunc(n.templates, func(tpl []string) bool { return segmentsMatch(tpl, segs) })
}

// segmentsMatch reports whether the path segments segs fill the template segments tpl.
func segmentsMatch(tpl, segs []string) bool {
	if len(tpl) == 0 {
		return len(segs) == 0
	}
	name, isParam := strings.CutPrefix(tpl[0], "{")
	if !isParam {
		return len(segs) > 0 && unescaped(segs[0]) == tpl[0] && segmentsMatch(tpl[1:], segs[1:])
	}
	most := 1
	switch strings.TrimSuffix(name, "}") {
	case "project-slug":
		most = 3
	case "org-slug", "org-slug-or-id":
		most = 2
	}
	for n := 1; n <= most && n <= len(segs); n++ {
		if segs[n-1] == "" {
			break
		}
		if segmentsMatch(tpl[1:], segs[n:]) {
			return true
		}
	}
	return false
}

// unescaped returns a path segment unescaped, or as it is when it is not validly escaped.
func unescaped(seg string) string {
	if u, err := url.PathUnescape(seg); err == nil {
		return u
	}
	return seg
}

// loadDocumentNames reads the names faults may give from the document, once.
var loadDocumentNames = sync.OnceValues(func() (documentNames, error) {
	doc, err := openapi.Shared()
	if err != nil {
		return documentNames{}, err
	}
	names := documentNames{operations: map[string]bool{}, routes: map[string]bool{}, methods: map[string]bool{}}
	for path, item := range doc.Paths.Map() {
		names.routes[path] = true
		names.templates = append(names.templates, strings.Split(strings.TrimPrefix(path, "/"), "/"))
		for method, op := range item.Operations() {
			names.operations[strings.ToLower(op.OperationID)] = true
			names.methods[method] = true
		}
	}
	return names, nil
})

// routed is what faults match a request on, as the server kit routed it.
type routed struct {
	method, operation, route string
	path                     string // under the default base path, made canonical by canonicalProjectPath; "" outside it
}

// matches reports whether the fault applies to a request.
func (f *Fault) matches(r routed) bool {
	switch {
	case f.Method != "" && !strings.EqualFold(f.Method, r.method),
		f.Operation != "" && !strings.EqualFold(f.Operation, r.operation),
		f.Route != "" && f.Route != r.route:
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

// InjectFault adds a fault; faults are matched in the order they were added. A fault that cannot be
// applied (a count below 1, a status neither 429 nor 5xx, a method, operation, route or path the
// document does not have, …) is an error that says why. A HEAD request is served by the GET
// operation of its path, so a fault for HEAD is kept as one for GET.
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
		msg := "Injected fault: " + http.StatusText(f.Status) + "."
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded (injected by circleci-fake)."
		}
		server.WriteError(w, r, f.Status, msg)
	})
}
