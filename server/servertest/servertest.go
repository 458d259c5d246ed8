// Package servertest checks, in tests, that an HTTP handler serving the CircleCI API v2 answers as the
// document says. Wrap the handler [server.New] returned (or any other) with [Handler], or start it with
// [NewServer], and every response is validated against the document with openapi3filter; a response
// that does not validate fails the test.
//
// Responses with a status the operation documents (or a default response) are validated in full:
// status, headers, content type and body schema. Error responses with a status the operation does not
// document (the server's own 400, 401, 404, 405 and 413, which any operation can answer) must still have
// the server's one error shape: application/json with a non-empty string "message" (and "error" for
// the Policy Management and OIDC Token Management operations). A 2xx or 3xx the operation does not
// document fails. Requests that match no operation must be answered with that error shape too: a 405
// with an Allow header, and with "error" when every operation of the path documents it; a 404 with
// "error" when the path lies where every operation of the document does ("/owner/…", "/org/…").
// A HEAD request on a path with a GET operation is checked as that GET, without its body (status,
// headers, and the Content-Type of an error). GET /healthz and GET {base}/openapi.json are not checked.
//
// The wrapper buffers each response and writes it on only after validating it, so the failure is
// reported before the client sees the response and before the test can end; streaming is not kept.
package servertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cikit/circleci-go/server/internal/route"
)

// Option configures [Handler] and [NewServer].
type Option func(*config)

type config struct {
	base string
	doc  *openapi3.T
}

// WithBasePath says where the handler mounts the API, if not at /api/v2 (see server.WithBasePath).
func WithBasePath(path string) Option {
	return func(c *config) { c.base = strings.TrimSuffix(path, "/") }
}

// WithDocument validates against doc instead of the embedded CircleCI document.
func WithDocument(doc *openapi3.T) Option {
	return func(c *config) { c.doc = doc }
}

// sharedIndex gives the index of the embedded document, shared with the server; a variable so that a
// test can see whether [Handler] builds it.
var sharedIndex = route.Shared

// index returns the index of the document to validate against: the one of WithDocument, or else the
// embedded one, built once per process and shared with the server.
func (c *config) index() (*route.Index, error) {
	if c.doc != nil {
		return route.New(c.doc)
	}
	return sharedIndex()
}

type checker struct {
	t     testing.TB
	next  http.Handler
	base  string
	index *route.Index
	opts  *openapi3filter.Options
	// headOpts are opts without the response body, for HEAD requests.
	headOpts *openapi3filter.Options
}

// Handler returns h wrapped so that each response it writes is validated against the document; every
// response that does not validate fails t (with t.Errorf, so the test goes on). It fails t at once if
// the document cannot be loaded.
func Handler(t testing.TB, h http.Handler, opts ...Option) http.Handler {
	t.Helper()
	c := config{base: "/api/v2"}
	for _, opt := range opts {
		opt(&c)
	}
	index, err := c.index()
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	valOpts := &openapi3filter.Options{
		IncludeResponseStatus:   true,
		SchemaValidationOptions: route.SchemaValidationOptions(),
	}
	headOpts := *valOpts
	headOpts.ExcludeResponseBody = true
	return &checker{t: t, next: h, base: c.base, index: index, opts: valOpts, headOpts: &headOpts}
}

// NewServer starts an httptest.Server serving [Handler](t, h, opts...) and closes it when the test
// ends.
func NewServer(t testing.TB, h http.Handler, opts ...Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(Handler(t, h, opts...))
	t.Cleanup(srv.Close)
	return srv
}

// ServeHTTP serves the request with the wrapped handler into a buffer, validates the response and then
// writes it on.
func (c *checker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{header: http.Header{}}
	// The wrapped handler may read (and replace) the body; keep a copy for the validation input.
	var reqBody []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "servertest: reading the request body: "+err.Error(), http.StatusInternalServerError)
			return
		}
		reqBody = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	c.next.ServeHTTP(rec, r)
	if !rec.wrote {
		rec.status = http.StatusOK
	}
	if err := c.check(r, reqBody, rec); err != nil {
		c.t.Errorf("servertest: %s %s: response %d does not match the document: %v\nbody: %s",
			r.Method, r.URL.Path, rec.status, err, truncate(rec.body.Bytes(), 2048))
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

func (c *checker) check(r *http.Request, reqBody []byte, rec *recorder) error {
	p := r.URL.EscapedPath()
	if p == "/healthz" || p == c.base+"/openapi.json" {
		return nil
	}
	var leaf *route.Leaf
	var vals []string
	inBase := strings.HasPrefix(p, c.base+"/")
	if inBase {
		leaf, vals, _ = c.index.Resolve(r.Method, p[len(c.base):], nil)
	}
	var rt *route.Route
	if leaf != nil {
		rt = leaf.For(r.Method)
	}
	head := r.Method == http.MethodHead
	if rt == nil {
		if rec.status < 400 {
			return fmt.Errorf("no operation of the document serves %s %s, yet the status is %d", r.Method, p, rec.status)
		}
		if leaf != nil { // a method the path does not serve
			if rec.status == http.StatusMethodNotAllowed && rec.header.Get("Allow") == "" {
				return fmt.Errorf("405 without an Allow header")
			}
			return errorShape(rec, leaf.ServiceErrors(), head)
		}
		return errorShape(rec, inBase && c.index.ServiceErrors(p[len(c.base):]), head)
	}
	op := rt.Validation.Operation
	if rec.status < 400 && op.Responses.Status(rec.status) == nil {
		// A default response documents errors; a success must be documented by its status or range.
		return fmt.Errorf("operation %s does not document status %d", rt.OperationID, rec.status)
	}
	if op.Responses.Status(rec.status) == nil && op.Responses.Default() == nil {
		return errorShape(rec, rt.ServiceErrors, head)
	}
	params := make(map[string]string, len(vals))
	for i, v := range vals {
		params[leaf.Params[i]] = v
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	opts := c.opts
	if head { // the body of the GET is not sent; check the status and the headers
		opts = c.headOpts
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: rt.Validation, Options: opts,
		},
		Status:  rec.status,
		Header:  rec.header,
		Body:    io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options: opts,
	}
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return err
	}
	if rec.status >= 400 {
		return errorShape(rec, rt.ServiceErrors, head)
	}
	return nil
}

// errorShape checks the server's one error shape; of the answer to a HEAD request, only the
// Content-Type, since its body is not sent.
func errorShape(rec *recorder, service, head bool) error {
	ct := rec.header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return fmt.Errorf("error response has Content-Type %q, want application/json", ct)
	}
	if head {
		return nil
	}
	var body map[string]any
	if err := json.Unmarshal(rec.body.Bytes(), &body); err != nil {
		return fmt.Errorf("error response body is not a JSON object: %v", err)
	}
	keys := []string{"message"}
	if service {
		keys = append(keys, "error")
	}
	for _, k := range keys {
		if s, ok := body[k].(string); !ok || s == "" {
			return fmt.Errorf("error response body has no non-empty string %q", k)
		}
	}
	return nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return append(b[:n:n], "…"...)
	}
	return b
}

// recorder buffers a response.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(code int) {
	if rec.wrote || code < 200 {
		return
	}
	rec.status, rec.wrote = code, true
}

func (rec *recorder) Write(b []byte) (int, error) {
	if !rec.wrote {
		rec.WriteHeader(http.StatusOK)
	}
	return rec.body.Write(b)
}
