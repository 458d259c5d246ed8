package route

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/cikit/circleci-go/openapi"
)

// serviceErrorTags are the tags whose operations answer errors as {"error": ...}.
var serviceErrorTags = []string{"Policy Management", "OIDC Token Management"}

// Route is one operation of the document.
type Route struct {
	Method      string
	Path        string // document path, e.g. "/pipeline/{pipeline-id}"
	OperationID string
	// ServiceErrors is set for operations whose documented error body is {"error": ...}.
	ServiceErrors bool
	// Leaf is the path this operation is served on.
	Leaf *Leaf
	// Validation is the route as openapi3filter takes it. Its operation is a shallow copy of the
	// document's with no security requirements: authentication is the server's own middleware.
	Validation *routers.Route
	// PathChecks are the path parameters whose value is the raw string itself (type string, style
	// simple), resolved at start-up so that request validation checks them against their schema
	// directly instead of decoding them again for every request.
	PathChecks []PathCheck
	// Request is Validation without the parameters in PathChecks: what is left for openapi3filter's
	// ValidateRequest once they have been checked. Its PathItem and Operation are shallow copies.
	Request *routers.Route
}

// PathCheck is a path parameter validated against its schema directly.
type PathCheck struct {
	Index int                 // position of the value in the leaf's parameters
	Param *openapi3.Parameter // the document's parameter; Param.Schema.Value is its schema
	// Accept, when set, decides for a value exactly what the schema would with [StringFormats], without
	// allocating: it is set for schemas of type string with at most a format of StringFormats. When it
	// is nil or says no, the schema has the last word (and gives the error).
	Accept func(string) bool
}

// Leaf is one path of the document with the operations served on it.
type Leaf struct {
	Path   string   // document path
	Params []string // path parameter names, in order
	Kinds  []Kind   // slug kind of each parameter
	segs   []int    // segment index of each parameter
	routes []*Route // by method, sorted by method
	allow  string   // Allow header value
	// service is set when every operation on the path answers errors as {"error": ...}.
	service bool
}

// Route returns the operation served for method, or nil.
func (l *Leaf) Route(method string) *Route {
	for _, r := range l.routes {
		if r.Method == method {
			return r
		}
	}
	return nil
}

// For returns the operation that answers a request with method on the path, or nil: the operation of
// that method or, for HEAD on a path without a HEAD operation, its GET operation, which the server
// answers without a body.
func (l *Leaf) For(method string) *Route {
	if r := l.Route(method); r != nil || method != http.MethodHead {
		return r
	}
	return l.Route(http.MethodGet)
}

// Allow returns the methods served on the path, as the Allow header lists them: HEAD is among them
// wherever GET is.
func (l *Leaf) Allow() string { return l.allow }

// Routes returns the operations served on the path.
func (l *Leaf) Routes() []*Route { return slices.Clone(l.routes) }

// ServiceErrors reports whether every operation served on the path documents its error body as
// {"error": ...}, so that errors about the path itself (a method it does not serve) carry that member.
func (l *Leaf) ServiceErrors() bool { return l.service }

type node struct {
	lit   map[string]*node
	param *node
	leaf  *Leaf
	// service is set when the subtree holds at least one path and every operation in it answers errors
	// as {"error": ...}.
	service bool
}

// Index finds operations by escaped request path. It is safe for concurrent use once built, and
// read-only: nothing changes it, its leaves or its routes after [New].
type Index struct {
	root    node
	routes  []*Route
	maxSegs int // the most segments any route has
}

// Shared returns the index of the embedded document as [openapi.Shared] returns it, built once per
// process, on the first call, and the error of that one attempt. The server and servertest share it,
// so that both find the same operation for a request.
func Shared() (*Index, error) { return shared() }

// shared is the once-value behind [Shared].
var shared = sync.OnceValues(func() (*Index, error) {
	doc, err := openapi.Shared()
	if err != nil {
		return nil, err
	}
	return New(doc)
})

// New indexes every operation of doc.
func New(doc *openapi3.T) (*Index, error) {
	ix := &Index{}
	if doc.Paths == nil {
		return nil, fmt.Errorf("route: document has no paths")
	}
	noSecurity := openapi3.SecurityRequirements{}
	formats := StringFormats()
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		leaf, err := ix.insert(path)
		if err != nil {
			return nil, err
		}
		for method, op := range item.Operations() {
			opCopy := *op
			opCopy.Security = &noSecurity
			rt := &Route{
				Method:      method,
				Path:        path,
				OperationID: op.OperationID,
				Leaf:        leaf,
				Validation: &routers.Route{
					Spec: doc, Path: path, PathItem: item, Method: method, Operation: &opCopy,
				},
			}
			rt.PathChecks, rt.Request = splitPathChecks(rt.Validation, leaf, formats)
			for _, tag := range op.Tags {
				if slices.Contains(serviceErrorTags, tag) {
					rt.ServiceErrors = true
				}
			}
			leaf.routes = append(leaf.routes, rt)
			ix.routes = append(ix.routes, rt)
		}
		slices.SortFunc(leaf.routes, func(a, b *Route) int { return strings.Compare(a.Method, b.Method) })
		methods := make([]string, 0, len(leaf.routes)+1)
		for _, r := range leaf.routes {
			methods = append(methods, r.Method)
		}
		if leaf.For(http.MethodHead) != nil && !slices.Contains(methods, http.MethodHead) {
			methods = append(methods, http.MethodHead)
			slices.Sort(methods)
		}
		leaf.allow = strings.Join(methods, ", ")
		leaf.service = len(leaf.routes) > 0 && !slices.ContainsFunc(leaf.routes, func(r *Route) bool { return !r.ServiceErrors })
	}
	ix.root.markService()
	slices.SortFunc(ix.routes, func(a, b *Route) int {
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	})
	return ix, nil
}

// splitPathChecks picks the path parameters of the operation (its own, and the path's that it does not
// override) that openapi3filter would decode to the raw string: no content, a schema of the one type
// string, style simple. It returns them with a copy of the route that no longer lists them. Anything
// else (integers, other styles, content) stays with openapi3filter. Formats are the validators the
// schemas are checked with, for the Accept shortcut.
func splitPathChecks(full *routers.Route, leaf *Leaf, formats map[string]openapi3.StringFormatValidator) ([]PathCheck, *routers.Route) {
	op, item := full.Operation, full.PathItem
	effective := slices.Clone(op.Parameters)
	for _, p := range item.Parameters {
		if p.Value != nil && op.Parameters.GetByInAndName(p.Value.In, p.Value.Name) == nil {
			effective = append(effective, p)
		}
	}
	var checks []PathCheck
	for _, ref := range effective {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInPath || p.Content != nil || p.Schema == nil || p.Schema.Value == nil ||
			!p.Schema.Value.Type.Is(openapi3.TypeString) || (p.Style != "" && p.Style != openapi3.SerializationSimple) {
			continue
		}
		i := slices.Index(leaf.Params, p.Name)
		if i < 0 {
			continue
		}
		c := PathCheck{Index: i, Param: p}
		if !full.Spec.IsOpenAPI31OrLater() { // 3.1 documents validate with JSON Schema 2020-12: no shortcut
			c.Accept = fastString(p.Schema.Value, formats)
		}
		checks = append(checks, c)
	}
	if len(checks) == 0 {
		return nil, full
	}
	checked := func(ref *openapi3.ParameterRef) bool {
		return ref.Value != nil && ref.Value.In == openapi3.ParameterInPath &&
			slices.ContainsFunc(checks, func(c PathCheck) bool { return c.Param.Name == ref.Value.Name })
	}
	opCopy, itemCopy := *op, *item
	opCopy.Parameters = slices.DeleteFunc(slices.Clone(op.Parameters), checked)
	itemCopy.Parameters = slices.DeleteFunc(slices.Clone(item.Parameters), checked)
	rest := *full
	rest.Operation, rest.PathItem = &opCopy, &itemCopy
	return checks, &rest
}

func (ix *Index) insert(path string) (*Leaf, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("route: path %q does not start with /", path)
	}
	leaf := &Leaf{Path: path}
	n := &ix.root
	segs := strings.Split(path[1:], "/")
	ix.maxSegs = max(ix.maxSegs, len(segs))
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			name := seg[1 : len(seg)-1]
			leaf.Params = append(leaf.Params, name)
			leaf.Kinds = append(leaf.Kinds, kindOf(name))
			leaf.segs = append(leaf.segs, i)
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			continue
		}
		if seg == "" || strings.ContainsAny(seg, "{}") {
			return nil, fmt.Errorf("route: path %q has a segment %q that is neither a literal nor a parameter", path, seg)
		}
		if n.lit == nil {
			n.lit = map[string]*node{}
		}
		c := n.lit[seg]
		if c == nil {
			c = &node{}
			n.lit[seg] = c
		}
		n = c
	}
	if n.leaf != nil {
		return nil, fmt.Errorf("route: paths %q and %q are the same route", n.leaf.Path, path)
	}
	n.leaf = leaf
	return leaf, nil
}

// markService sets service on n and the nodes below it and reports whether n's subtree holds a path
// and whether all of its paths are served with service errors.
func (n *node) markService() (hasLeaf, all bool) {
	hasLeaf, all = n.leaf != nil, n.leaf == nil || n.leaf.service
	visit := func(c *node) {
		if c == nil {
			return
		}
		h, a := c.markService()
		hasLeaf = hasLeaf || h
		all = all && (a || !h)
	}
	for _, c := range n.lit {
		visit(c)
	}
	visit(n.param)
	n.service = hasLeaf && all
	return hasLeaf, all
}

// ServiceErrors reports whether an escaped path (relative to the base path) that matches no route, or
// is malformed, lies in a part of the document where every operation answers errors as
// {"error": ...}: "/owner/<id>/context/<ctx>/nothing" under Policy Management, "/org/<id>/nothing"
// under OIDC Token Management. It follows the path segment by segment, a literal before a parameter,
// and answers for the deepest part of the document it reaches.
func (ix *Index) ServiceErrors(escaped string) bool {
	n := &ix.root
	p, _ := strings.CutPrefix(escaped, "/")
	for p != "" && !n.service {
		seg, rest, _ := strings.Cut(p, "/")
		c := n.lit[seg]
		if c == nil && seg != "" {
			c = n.param
		}
		if c == nil {
			break
		}
		n, p = c, rest
	}
	return n.service
}

// Routes returns every operation, sorted by path and method.
func (ix *Index) Routes() []*Route { return slices.Clone(ix.routes) }

// Lookup matches an escaped path (starting with "/", relative to the base path) as it is. It appends
// the escaped values of the path parameters to vals.
func (ix *Index) Lookup(escaped string, vals []string) (*Leaf, []string) {
	if !strings.HasPrefix(escaped, "/") {
		return nil, vals
	}
	return ix.root.match(escaped[1:], vals)
}

// match tries literal children before the parameter child and backtracks, so "/pipeline/continue"
// beats "/pipeline/{pipeline-id}" and "/insights/pages/branches" still reaches
// "/insights/{project-slug}/branches".
func (n *node) match(p string, vals []string) (*Leaf, []string) {
	seg, rest, more := strings.Cut(p, "/")
	if c := n.lit[seg]; c != nil {
		if !more {
			if c.leaf != nil {
				return c.leaf, vals
			}
		} else if l, v := c.match(rest, vals); l != nil {
			return l, v
		}
	}
	if c := n.param; c != nil && seg != "" {
		v := append(vals, seg)
		if !more {
			if c.leaf != nil {
				return c.leaf, v
			}
		} else if l, v := c.match(rest, v); l != nil {
			return l, v
		}
	}
	return nil, vals
}

// Resolve finds the path an escaped request path (relative to the base path) is served on, for a
// request with method. One trailing slash is dropped first. Then the readings of the path are tried
// in this order:
//
//  1. The path as it is, if it matches a route with a well-formed value (see below) in each slug
//     parameter.
//  2. From the left, where a segment is a VCS prefix (gh, github, bb, bitbucket, circleci) or an escaped
//     slug that starts with one, and for three, two and then one segments from there: the segments
//     joined with %2F into one, which must land on a slug parameter and be well-formed there (raw
//     slugs "/project/gh/org/repo/pipeline", half-escaped ones "gh%2Forg/repo" and "gh/org%2Frepo");
//     then, if the slug so joined has escaped slashes, the slug unfolded into raw segments, which must
//     all land on plain parameters (the three-part routes /project/{provider}/{organization}/{project}/...
//     sent with an escaped or half-escaped slug).
//  3. The path as it is, matched with a slug parameter that is not well-formed, so that the slug's
//     own error can be reported.
//
// The first reading whose route serves method wins; when none does, the first reading that matched
// at all (and the client gets 405). HEAD is served wherever GET is (see [Leaf.For]).
//
// A slug value is well-formed when it has the number of parts of its kind (three for a project, two
// for an organization, separated by %2F) and the first is a VCS prefix; an organization slug-or-ID may
// also be a UUID. Step 1 thus keeps "/project/gh%2Forg%2Frepo/pipeline" and the three-part routes
// ("/project/gh/org/repo/settings") as they are, while "/project/gh/pipeline/mine", which matches
// /project/{project-slug}/pipeline/mine only with the slug "gh", is read as the project gh/pipeline/mine
// (a repository "mine" of an organization "pipeline") by step 2. Escaped slashes are never taken apart
// beyond a slug's three parts: "gh%2Fo%2Fr%2Fpipeline" stays one value.
//
// Resolve returns the leaf, the escaped parameter values appended to vals, and the path to route on,
// which differs from escaped only when it was rewritten. The leaf is nil when nothing matched.
func (ix *Index) Resolve(method, escaped string, vals []string) (*Leaf, []string, string) {
	if len(escaped) > 1 && strings.HasSuffix(escaped, "/") {
		escaped = escaped[:len(escaped)-1]
	}
	asIs, v := ix.Lookup(escaped, vals)
	fit := asIs != nil && slugsFit(asIs, v[len(vals):])
	if fit && asIs.For(method) != nil {
		return asIs, v, escaped
	}
	if !strings.HasPrefix(escaped, "/") {
		return nil, vals, escaped
	}
	// A rewritten reading joins at most three segments into one, so a path with more than two segments
	// beyond the longest route has none that can match; skipping them keeps the cost of a long
	// crafted path linear in its length.
	if strings.Count(escaped, "/") > ix.maxSegs+2 {
		if asIs == nil {
			return nil, vals, escaped
		}
		return asIs, v, escaped
	}
	first := "" // the first reading that matched, in case none serves the method
	if fit {
		first = escaped
	}
	for p, ok := range ix.readings(escaped) {
		leaf, v := ix.Lookup(p, vals)
		if leaf == nil || !slugsFit(leaf, v[len(vals):]) || !ok(leaf) {
			continue
		}
		if leaf.For(method) != nil {
			return leaf, v, p
		}
		if first == "" {
			first = p
		}
	}
	if first == "" && asIs != nil { // step 3
		first = escaped
	}
	if first == "" {
		return nil, vals, escaped
	}
	// The readings were looked up into the same backing array: look the one chosen up again.
	leaf, v := ix.Lookup(first, vals)
	return leaf, v, first
}
