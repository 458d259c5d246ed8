package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server/internal/route"
)

// validationOptions are the openapi3filter options of every request: security is the server's own
// middleware (the routes carry no security requirements), defaults are not written into bodies, and
// "uuid" is checked.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		SkipSettingDefaults:     true,
		SchemaValidationOptions: route.SchemaValidationOptions(),
	}
}

// validate checks the request against its operation in the document with openapi3filter: path
// parameters (decoded, slugs included), query and header parameters, content type and JSON body. The
// operation was found by normalizeSlugs; nothing here scans routes. It is lenient where the live API
// is: a charset on application/json, a body without Content-Type taken as JSON, a Content-Type on a
// request without body, a trailing newline, and an empty page-token taken as absent. It is strict
// where net/url would quietly drop part of the query (a malformed escape or a ";" in it is a 400 that
// names the parameter) and where the JSON decoders would ignore data after the JSON value (400; white
// space is fine). Bodies over the limit get 413.
func (s *server) validate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		rt := info.route
		if r.ContentLength > s.maxBody {
			writeError(w, r, http.StatusRequestEntityTooLarge, msgTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		}
		if msg := checkQuery(r.URL.RawQuery); msg != "" {
			writeError(w, r, http.StatusBadRequest, msg)
			return
		}
		if msg := checkSlugs(rt.Leaf, info.params); msg != "" {
			writeError(w, r, http.StatusBadRequest, msg)
			return
		}
		r = lenient(r)
		in := &openapi3filter.RequestValidationInput{Request: r, Route: rt.Request, Options: s.valOpts}
		if msg := s.checkPath(in, rt.PathChecks, info.params); msg != "" {
			writeError(w, r, http.StatusBadRequest, msg)
			return
		}
		if len(rt.PathChecks) < len(info.params) {
			// Some path parameters (integers) are left to openapi3filter, which decodes them by name.
			in.PathParams = make(map[string]string, len(info.params))
			for i, v := range info.params {
				in.PathParams[rt.Leaf.Params[i]] = v
			}
		}
		body, err := readBody(r, rt)
		if err != nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				writeError(w, r, http.StatusRequestEntityTooLarge, msgTooLarge)
				return
			}
			writeError(w, r, http.StatusBadRequest, "Reading the request body failed.")
			return
		}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				writeError(w, r, http.StatusRequestEntityTooLarge, msgTooLarge)
				return
			}
			writeError(w, r, http.StatusBadRequest, describe(err))
			return
		}
		if body != nil && isJSON(r.Header.Get("Content-Type")) && !json.Valid(body) {
			// openapi3filter and the generated decoder read the first JSON value and ignore the rest.
			writeError(w, r, http.StatusBadRequest, "Request body is not valid JSON: unexpected data after the top-level value.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkPath validates the path parameters that the index resolved at start-up as plain strings against
// their schemas, as openapi3filter.ValidateParameter would after decoding them to the same string, with
// the same schema options, and returns the message of the first failure. Doing it here skips the
// per-request decoding work (serialization method, decoder, parsing) that a raw string does not need,
// and for the simplest schemas (a string, a UUID) the start-up shortcut Accept takes the decision
// without allocating; a refused value still goes to the schema, which explains the failure.
func (s *server) checkPath(in *openapi3filter.RequestValidationInput, checks []route.PathCheck, vals []string) string {
	for _, c := range checks {
		v := vals[c.Index]
		if v == "" {
			return describe(&openapi3filter.RequestError{Input: in, Parameter: c.Param,
				Reason: openapi3filter.ErrInvalidRequired.Error(), Err: openapi3filter.ErrInvalidRequired})
		}
		if c.Accept != nil && c.Accept(v) {
			continue
		}
		if err := c.Param.Schema.Value.VisitJSON(v, s.paramOpts...); err != nil {
			return describe(&openapi3filter.RequestError{Input: in, Parameter: c.Param, Err: err})
		}
	}
	return ""
}

// readBody reads the body of a request whose operation takes one, so that it can be checked as a whole
// after validation, and puts it back for the later stages. It returns nil when the operation takes no
// body or none was sent.
func readBody(r *http.Request, rt *route.Route) ([]byte, error) {
	if rt.Validation.Operation.RequestBody == nil || r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r.ContentLength = int64(len(b))
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// isJSON reports whether a Content-Type is JSON: application/json or a +json type, any parameters.
func isJSON(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// checkQuery finds what net/url would drop from the raw query without a word: a name or value with a
// malformed escape ("%ZZ", a lone "%") and pairs joined with ";". It names the parameter, never its
// value, which may be a token.
func checkQuery(raw string) string {
	if strings.IndexByte(raw, '%') < 0 && strings.IndexByte(raw, ';') < 0 {
		return ""
	}
	for pair := range strings.SplitSeq(raw, "&") {
		key, val, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			return fmt.Sprintf("Query parameter name %q is not validly escaped: a %% must start an escape of two hexadecimal digits.", key)
		}
		if _, err := url.QueryUnescape(val); err != nil {
			return fmt.Sprintf("Query parameter %s is not validly escaped: a %% must start an escape of two hexadecimal digits.", name)
		}
		if strings.IndexByte(pair, ';') >= 0 {
			return fmt.Sprintf("Query parameter %s holds a \";\": separate parameters with \"&\", and escape a \";\" in a value as %%3B.", name)
		}
	}
	return ""
}

// checkSlugs parses the decoded slug parameters, which the document types only as strings.
func checkSlugs(leaf *route.Leaf, vals []string) string {
	for i, k := range leaf.Kinds {
		var err error
		switch k {
		case route.ProjectSlug:
			_, err = slug.ParseProject(vals[i])
		case route.OrgSlug:
			_, err = slug.ParseOrg(vals[i])
		case route.OrgSlugOrID:
			if !slug.IsUUID(vals[i]) {
				_, err = slug.ParseOrg(vals[i])
			}
		}
		if err != nil {
			return fmt.Sprintf("Path parameter %s: %v.", leaf.Params[i], err)
		}
	}
	return ""
}

// lenient returns the request with the live API's leniencies applied, copying what it changes: a
// body sent without Content-Type is taken as JSON, and an empty page-token as absent (only the empty
// values are dropped when page-token is repeated). (A charset on
// application/json, a Content-Type on a request without body and a trailing newline after the JSON
// need nothing: openapi3filter and the generated decoder accept them.)
func lenient(r *http.Request) *http.Request {
	noCT := r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 && r.Header.Get("Content-Type") == ""
	emptyToken := strings.Contains(r.URL.RawQuery, "page-token")
	if !noCT && !emptyToken {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	if noCT {
		r2.Header = r.Header.Clone()
		r2.Header.Set("Content-Type", "application/json")
	}
	if emptyToken {
		if q := r.URL.Query(); slices.Contains(q["page-token"], "") {
			// Only the empty values go: "page-token=&page-token=x" keeps x.
			if v := slices.DeleteFunc(q["page-token"], func(v string) bool { return v == "" }); len(v) > 0 {
				q["page-token"] = v
			} else {
				q.Del("page-token")
			}
			u := *r.URL
			u.RawQuery = q.Encode()
			r2.URL = &u
		}
	}
	return r2
}

// describe turns a validation error into a message that names the parameter or the JSON field and
// says what was expected.
func describe(err error) string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return "Invalid request: " + err.Error() + "."
	}
	what := "Request"
	switch {
	case re.Parameter != nil:
		what = fmt.Sprintf("%s parameter %s", capitalize(re.Parameter.In), re.Parameter.Name)
	case re.RequestBody != nil:
		what = "Request body"
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		field := strings.Join(se.JSONPointer(), ".")
		if re.Parameter == nil && field != "" {
			return fmt.Sprintf("%s: field %s: %s.", what, field, se.Reason)
		}
		if field != "" {
			return fmt.Sprintf("%s: %s: %s.", what, field, se.Reason)
		}
		return fmt.Sprintf("%s: %s.", what, se.Reason)
	}
	if re.RequestBody != nil && strings.Contains(re.Reason, "decode") && re.Err != nil {
		return fmt.Sprintf("Request body is not valid JSON: %s.", strings.TrimSuffix(re.Err.Error(), "."))
	}
	var pe *openapi3filter.ParseError
	if errors.As(re.Err, &pe) {
		return fmt.Sprintf("%s: %s.", what, strings.TrimSuffix(pe.Error(), "."))
	}
	switch {
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		return fmt.Sprintf("%s is required.", what)
	case errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue):
		return fmt.Sprintf("%s must not be empty.", what)
	}
	reason := re.Reason
	if re.Err != nil {
		if reason != "" {
			reason += ": "
		}
		reason += re.Err.Error()
	}
	return fmt.Sprintf("%s: %s.", what, strings.TrimSuffix(reason, "."))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
