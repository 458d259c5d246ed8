package server

import (
	"net/http"
	"net/url"
	"strings"
)

// normalizeSlugs resolves the request to an operation of the document, once per request and in time
// proportional to the path's length, and rewrites the path chi routes on when it has to (see
// route.Index.Resolve for the rules):
//
//   - a path that matches a route as it is, with well-formed slugs, stays untouched, except that one
//     trailing slash is dropped;
//   - otherwise a slug sent as raw segments ("/project/gh/org/repo/pipeline") or half escaped is folded
//     into the one escaped segment the route takes ("/project/gh%2Forg%2Frepo/pipeline"), and an
//     escaped slug on a three-part route is unfolded, if that matches a route.
//
// HEAD is served as GET wherever the path has a GET operation. Paths with empty segments ("//") and
// parameters that decode to "." or ".." parts ("..", "%2e%2e", "gh%2F..%2Frepo") are refused with 400;
// paths that match nothing get 404 and methods a path does not serve 405 with Allow, all as JSON, with
// the "error" member as well where the path (or the part of the document it falls in) belongs to
// operations that document it. The route and the decoded path parameters go into the request state
// for the later stages, so escaped and raw slugs reach the implementation as the same value.
func (s *server) normalizeSlugs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		escaped := r.URL.EscapedPath()
		rel := escaped[len(s.base):] // the endpoints stage checked the prefix
		if strings.Contains(rel, "//") {
			info.serviceErrors = s.index.ServiceErrors(rel)
			writeError(w, r, http.StatusBadRequest, "The path has an empty segment (//).")
			return
		}
		leaf, vals, routed := s.index.Resolve(r.Method, rel, info.paramBuf[:0])
		if leaf == nil {
			info.serviceErrors = s.index.ServiceErrors(rel)
			writeError(w, r, http.StatusNotFound, msgNotFound)
			return
		}
		rt := leaf.For(r.Method)
		if rt == nil {
			info.serviceErrors = leaf.ServiceErrors()
			w.Header().Set("Allow", leaf.Allow())
			writeError(w, r, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here; allowed: "+leaf.Allow()+".")
			return
		}
		info.route = rt
		for i, v := range vals {
			if strings.IndexByte(v, '%') >= 0 {
				d, err := url.PathUnescape(v)
				if err != nil {
					writeError(w, r, http.StatusBadRequest, "Path parameter "+leaf.Params[i]+" is not a valid escaped path segment.")
					return
				}
				vals[i] = d
			}
			if hasDotPart(vals[i]) {
				writeError(w, r, http.StatusBadRequest, "Path parameter "+leaf.Params[i]+" must not contain \".\" or \"..\" segments.")
				return
			}
		}
		info.params = vals
		if routed != rel {
			r = withPath(r, s.base+routed)
		}
		if rt.Method != r.Method {
			// HEAD on a GET operation: served as the GET it is. net/http sends the headers and drops the
			// body, because the request it answers is still the HEAD.
			r2 := new(http.Request)
			*r2 = *r
			r2.Method = rt.Method
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// hasDotPart reports whether any slash-separated part of a decoded value is "." or "..".
func hasDotPart(v string) bool {
	for part := range strings.SplitSeq(v, "/") {
		if part == "." || part == ".." {
			return true
		}
	}
	return false
}

// withPath returns a shallow copy of r with a new escaped path; the URL is copied, never modified in
// place, because it is shared with the request the caller holds.
func withPath(r *http.Request, escaped string) *http.Request {
	u := *r.URL
	decoded, err := url.PathUnescape(escaped)
	if err != nil { // the segments were escaped when they arrived; keep the original on the odd failure
		return r
	}
	u.Path, u.RawPath = decoded, escaped
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	return r2
}
