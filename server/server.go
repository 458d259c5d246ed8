package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/go-chi/chi/v5"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server/internal/route"
)

// DefaultBasePath is where the API is mounted unless [WithBasePath] says otherwise.
const DefaultBasePath = "/api/v2"

// DefaultMaxBodyBytes is the request body limit unless [WithMaxBodyBytes] says otherwise: 8 MiB,
// because pipeline configurations can be big.
const DefaultMaxBodyBytes = 8 << 20

// Option configures [New].
type Option func(*config) error

type config struct {
	base        string
	auth        Authenticator
	log         *slog.Logger
	maxBody     int64
	middlewares []genserver.StrictMiddlewareFunc
	routeMWs    []func(http.Handler) http.Handler
}

// WithBasePath mounts the API under path instead of [DefaultBasePath]. The path must start with "/"
// and not end with one; "" mounts the API at the root. /healthz stays at the root either way.
func WithBasePath(path string) Option {
	return func(c *config) error {
		if path != "" && (!strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") || strings.Contains(path, "//")) {
			return fmt.Errorf("server: base path %q must start with / and not end with one", path)
		}
		if path == "/healthz" {
			return fmt.Errorf("server: base path %q would hide the health check", path)
		}
		c.base = path
		return nil
	}
}

// WithAuthenticator sets who may call the API. It is required: [New] refuses to build a server
// without one. [StaticTokens] covers tests and simple deployments.
func WithAuthenticator(a Authenticator) Option {
	return func(c *config) error {
		if a == nil {
			return errors.New("server: nil Authenticator")
		}
		c.auth = a
		return nil
	}
}

// WithLogger sets the logger of the request log and of internal errors. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("server: nil logger")
		}
		c.log = l
		return nil
	}
}

// WithMaxBodyBytes sets the largest request body accepted; larger bodies get 413. The default is
// [DefaultMaxBodyBytes].
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("server: max body bytes %d must be positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithStrictMiddlewares adds middlewares of the generated strict handler, which see each operation's
// ID and typed request object before the implementation does, in the order given (the first is
// outermost).
func WithStrictMiddlewares(mws ...genserver.StrictMiddlewareFunc) Option {
	return func(c *config) error {
		for _, mw := range mws {
			if mw == nil {
				return errors.New("server: nil strict middleware")
			}
		}
		c.middlewares = append(c.middlewares, mws...)
		return nil
	}
}

// WithRouteMiddlewares adds net/http middlewares inside the server's chain, where a request has been
// routed to its operation and is not yet authenticated: after the slug normaliser and before
// authentication, validation and the strict handler. They run in the order given (the first is
// outermost); several calls add to the list. Fault injection, per-operation rate limits and metrics
// belong here.
//
// Only requests routed to an operation of the document reach them. The server answers the others
// itself, before them: GET /healthz and {base}/openapi.json, paths outside the base path and paths
// that match no route (404), methods a path does not serve (405), and malformed paths (400: an empty
// segment, a path parameter that is not validly escaped or holds "." or ".." parts). So in a route
// middleware [OperationIDFromContext] and [RouteFromContext] never return "", and
// [RequestIDFromContext] is set; [PrincipalFromContext] is not, since authentication comes later, and
// the body is neither limited nor validated yet.
//
// The request a route middleware sees is the one routed: its path has the slug in the form the route
// takes (a raw slug folded into one escaped segment, say) without a trailing slash, and its method is
// the operation's, so a HEAD request served by a GET operation arrives as GET (net/http still sends
// no body with the answer). A middleware that refuses a request should answer with [WriteError], so
// that the answer has the server's error shape and the request log shows it.
func WithRouteMiddlewares(mws ...func(http.Handler) http.Handler) Option {
	return func(c *config) error {
		for _, mw := range mws {
			if mw == nil {
				return errors.New("server: nil route middleware")
			}
		}
		c.routeMWs = append(c.routeMWs, mws...)
		return nil
	}
}

// server holds what the middleware of one handler shares. Nothing in it changes after New.
type server struct {
	base    string
	auth    Authenticator
	log     *slog.Logger
	maxBody int64
	index   *route.Index
	valOpts *openapi3filter.Options
	// paramOpts are the schema options of the path parameters validated without openapi3filter:
	// what ValidateParameter would pass for valOpts.
	paramOpts []openapi3.SchemaValidationOption
	ids       *requestIDs
	specJSON  []byte
}

// New returns an http.Handler that serves impl as the CircleCI API v2 answers: mounted under
// /api/v2, slugs accepted raw or escaped, every request authenticated and validated against the
// document, and every error written as JSON. The caller owns the http.Server, its timeouts and its
// shutdown. See the package documentation for the details.
//
// The document, its route index and its JSON form are built once per process, on the first call, and
// shared by every handler New returns; later calls cost a fraction of a millisecond.
func New(impl genserver.StrictServerInterface, opts ...Option) (http.Handler, error) {
	if impl == nil {
		return nil, errors.New("server: nil implementation")
	}
	s, c, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	return s.chain(impl, c), nil
}

// newServer applies the options and builds what the middleware shares.
func newServer(opts []Option) (*server, *config, error) {
	c := config{base: DefaultBasePath, log: slog.New(slog.DiscardHandler), maxBody: DefaultMaxBodyBytes}
	for _, opt := range opts {
		if err := opt(&c); err != nil {
			return nil, nil, err
		}
	}
	if c.auth == nil {
		return nil, nil, errors.New("server: no Authenticator; use WithAuthenticator")
	}
	doc, err := openapi.Shared()
	if err != nil {
		return nil, nil, fmt.Errorf("server: %w", err)
	}
	index, err := route.Shared()
	if err != nil {
		return nil, nil, fmt.Errorf("server: %w", err)
	}
	specJSON, err := documentJSON()
	if err != nil {
		return nil, nil, err
	}
	valOpts := validationOptions()
	paramOpts := slices.Clip(valOpts.SchemaValidationOptions)
	if doc.IsOpenAPI31OrLater() {
		paramOpts = append(paramOpts, openapi3.EnableJSONSchema2020())
	}
	var prefix [6]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return nil, nil, fmt.Errorf("server: request ID prefix: %w", err)
	}
	s := &server{
		base:      c.base,
		auth:      c.auth,
		log:       c.log,
		maxBody:   c.maxBody,
		index:     index,
		valOpts:   valOpts,
		paramOpts: paramOpts,
		ids:       &requestIDs{prefix: hex.EncodeToString(prefix[:])},
		specJSON:  specJSON,
	}
	return s, &c, nil
}

// documentJSON returns the shared document as JSON, served at {base}/openapi.json, encoded once per
// process: every server serves the same bytes, which nothing changes.
var documentJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := openapi.Shared()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("server: encode document: %w", err)
	}
	return b, nil
})

// chain is the one place the middleware chain is built, outermost first:
// recover → request ID and log → health check and document → slug normaliser → route middlewares →
// auth → validation → chi → strict handler (with its middlewares) → impl.
func (s *server) chain(impl genserver.StrictServerInterface, c *config) http.Handler {
	eh := errorHandlers{log: s.log}
	mws := c.middlewares
	// The generated strict handler applies its middlewares last-first; reverse so the first is outermost.
	rev := make([]genserver.StrictMiddlewareFunc, len(mws))
	for i, mw := range mws {
		rev[len(mws)-1-i] = mw
	}
	strict := genserver.NewStrictHandlerWithOptions(impl, rev, genserver.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  eh.request,
		ResponseErrorHandlerFunc: eh.response,
	})
	mux := chi.NewRouter()
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, msgNotFound)
	})
	mux.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here.")
	})
	api := genserver.HandlerWithOptions(strict, genserver.ChiServerOptions{
		BaseURL:          s.base,
		BaseRouter:       mux,
		ErrorHandlerFunc: eh.bind,
	})

	h := api
	h = s.validate(h)
	h = s.authenticate(h)
	for _, mw := range slices.Backward(c.routeMWs) {
		h = mw(h)
	}
	h = s.normalizeSlugs(h)
	h = s.endpoints(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	return h
}

// endpoints answers GET /healthz (outside the base path) and GET {base}/openapi.json (the document as
// JSON, without authentication, for clients that learn what an installation serves), sends the rest
// of the base path on and answers 404 to everything else.
func (s *server) endpoints(next http.Handler) http.Handler {
	health := []byte(`{"status":"ok"}` + "\n")
	spec := "/openapi.json"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		switch {
		case p == "/healthz":
			s.static(w, r, health)
		case strings.HasPrefix(p, s.base) && (len(p) == len(s.base) || p[len(s.base)] == '/'):
			if p[len(s.base):] == spec {
				s.static(w, r, s.specJSON)
				return
			}
			next.ServeHTTP(w, r)
		default:
			writeError(w, r, http.StatusNotFound, msgNotFound)
		}
	})
}

func (s *server) static(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, r, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here; allowed: GET, HEAD.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = w.Write(body)
}
