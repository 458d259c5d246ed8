package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"unicode"

	"github.com/cikit/circleci-go/gen"
)

// DefaultBaseURL is the base URL of the CircleCI cloud API v2. A CircleCI server install answers at
// https://<host>/api/v2; see [WithBaseURL].
const DefaultBaseURL = "https://circleci.com/api/v2"

// modulePath is the module this package belongs to; the default User-Agent names it.
const modulePath = "github.com/cikit/circleci-go"

// Client calls the CircleCI API v2. It is safe for concurrent use. Create one with [New].
//
// Every operation of the API is a method named as the operation (see operations.gen.go); list
// operations that page with next_page_token also have an …Iter twin. [Client.Generated] gives the
// generated client underneath for anything the methods do not cover.
type Client struct {
	baseURL *url.URL
	http    *http.Client // the caller's client, copied, with our transport stack
	raw     *gen.Client
	gen     *gen.ClientWithResponses
	base    string                                     // baseURL as text, for send
	edit    func(context.Context, *http.Request) error // what raw's request editor does

	deprecationHook DeprecationHook
	seenDeprecated  sync.Map     // method+" "+route template ("" for no operation) → struct{}, for the default hook
	logger          *slog.Logger // where the default hook writes; nil for slog.Default()
}

// config collects the options before [New] builds the client.
type config struct {
	baseURL    *url.URL
	token      string
	tokenSet   bool
	authScheme AuthScheme
	httpClient *http.Client
	userAgent  string
	retry      retryConfig
	hook       DeprecationHook
	getenv     func(string) string
}

// Option configures a [Client]. Options validate their input; [New] returns the first error.
type Option func(*config) error

// New returns a client for the CircleCI API v2.
//
// Without [WithToken], the token comes from the CIRCLE_TOKEN environment variable, then
// CIRCLECI_TOKEN; with neither, requests go without credentials and the API's 401 answer becomes an
// [*APIError] that matches [ErrUnauthorized].
func New(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	cfg := config{
		baseURL:    base,
		authScheme: AuthCircleToken,
		retry:      defaultRetryConfig(),
		getenv:     os.Getenv,
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("circleci client: nil Option")
		}
		if err := opt(&cfg); err != nil {
			return nil, fmt.Errorf("circleci client: %w", err)
		}
	}
	if !cfg.tokenSet {
		for _, name := range []string{"CIRCLE_TOKEN", "CIRCLECI_TOKEN"} {
			if v := strings.TrimSpace(cfg.getenv(name)); v != "" {
				if err := checkToken(v); err != nil {
					return nil, fmt.Errorf("circleci client: token from %s: %w", name, err)
				}
				cfg.token = v
				break
			}
		}
	}
	if cfg.userAgent == "" {
		cfg.userAgent = defaultUserAgent()
	}

	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient // copied: the caller's client is never changed
	}
	base2 := hc.Transport
	if base2 == nil {
		base2 = http.DefaultTransport
	}
	c := &Client{baseURL: cfg.baseURL}
	if cfg.hook != nil {
		c.deprecationHook = cfg.hook
	} else {
		c.deprecationHook = c.logDeprecationOnce
	}
	// The stack, outermost first: deprecation notices → retry → auth → the caller's transport.
	var rt http.RoundTripper = base2
	var auth *authTransport
	if cfg.token != "" {
		auth = newAuthTransport(rt, cfg.authScheme, cfg.token, cfg.baseURL)
		rt = auth
	}
	rt = &retryTransport{base: rt, cfg: cfg.retry}
	rt = &deprecationTransport{base: rt, hook: c.deprecationHook, baseURL: cfg.baseURL}
	hc.Transport = rt
	hc.CheckRedirect = stripTokensOnRedirect(cfg.baseURL, hc.CheckRedirect)
	c.http = &hc

	// The generated client builds a fresh request per call, so it is ours to change. Header values
	// are shared, read-only slices: no allocation per request.
	ua := []string{cfg.userAgent}
	setUserAgent := func(_ context.Context, req *http.Request) error {
		if _, ok := req.Header["User-Agent"]; !ok {
			req.Header["User-Agent"] = ua
		}
		return nil
	}
	// The methods of Client pass no request editors of their own, so the token can go in here, on
	// the request itself, instead of in a copy the auth transport makes: that saves a request and a
	// header map per call. The auth transport then sees the header and passes the request on. A
	// redirect off the host drops it (stripTokensOnRedirect).
	c.edit = func(ctx context.Context, req *http.Request) error {
		if auth != nil && auth.sendsTo(req) {
			req.Header[auth.header] = auth.value
		}
		return setUserAgent(ctx, req)
	}
	c.base = cfg.baseURL.String()
	raw, err := gen.NewClient(c.base, gen.WithHTTPClient(c.http), gen.WithRequestEditorFn(c.edit))
	if err != nil {
		return nil, fmt.Errorf("circleci client: %w", err)
	}
	// Generated() takes request editors per call, which run after the client's: a Circle-Token or
	// Authorization header one of them sets must win, so there the token stays with the transport,
	// which adds it only to requests without either.
	exposed, err := gen.NewClient(cfg.baseURL.String(), gen.WithHTTPClient(c.http), gen.WithRequestEditorFn(setUserAgent))
	if err != nil {
		return nil, fmt.Errorf("circleci client: %w", err)
	}
	c.raw = raw
	c.gen = &gen.ClientWithResponses{ClientInterface: exposed}
	return c, nil
}

// Generated returns the oapi-codegen client this client is built on, for requests the methods do not
// cover (custom request editors, raw responses). It shares this client's base URL, authentication,
// retries, User-Agent and deprecation hook.
func (c *Client) Generated() *gen.ClientWithResponses { return c.gen }

// BaseURL returns a copy of the base URL requests are resolved against.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

// WithToken sets the API token (a personal or project API token). It takes precedence over the
// CIRCLE_TOKEN and CIRCLECI_TOKEN environment variables. The token is sent only to the base URL's host.
func WithToken(token string) Option {
	return func(c *config) error {
		if err := checkToken(token); err != nil {
			return fmt.Errorf("WithToken: %w", err)
		}
		c.token, c.tokenSet = token, true
		return nil
	}
}

// WithoutToken makes the client send no credentials, even when CIRCLE_TOKEN or CIRCLECI_TOKEN is set.
func WithoutToken() Option {
	return func(c *config) error {
		c.token, c.tokenSet = "", true
		return nil
	}
}

// WithBaseURL sets the API's base URL, [DefaultBaseURL] by default. For a CircleCI server install pass
// https://<host>/api/v2. The URL must be absolute http or https, without query, fragment or user
// information; a trailing slash is ignored. Errors show the URL with its user information and query
// values replaced by "xxxxx", so a token pasted into it does not end up in logs.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		shown, hadUser := redactRawURL(rawURL)
		u, err := url.Parse(rawURL)
		if err != nil {
			var ue *url.Error
			if hadUser || !errors.As(err, &ue) {
				// The parser's message may quote a piece of the user information.
				return fmt.Errorf("WithBaseURL(%q): not a valid URL", shown)
			}
			return fmt.Errorf("WithBaseURL(%q): %w", shown, ue.Err)
		}
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			return fmt.Errorf("WithBaseURL(%q): scheme must be http or https, like %s", shown, DefaultBaseURL)
		case u.Host == "":
			return fmt.Errorf("WithBaseURL(%q): no host; want an absolute URL like https://circleci.example.com/api/v2", shown)
		case u.User != nil:
			return fmt.Errorf("WithBaseURL(%q): user information is not allowed; use WithToken", shown)
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			return fmt.Errorf("WithBaseURL(%q): query and fragment are not allowed", shown)
		}
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = strings.TrimRight(u.RawPath, "/")
		c.baseURL = u
		return nil
	}
}

// redactRawURL renders a URL given as text, parsed or not, for an error message: everything from the
// start of the authority ("//", or the start of the text when there is none) to the last "@" becomes
// "xxxxx", and so does every query value (or bare query parameter). It over-redacts a URL with "@" in its path rather than risk
// showing a password that holds "/" or "?". hadUser reports whether anything before an "@" was hidden.
func redactRawURL(raw string) (shown string, hadUser bool) {
	start := 0
	if i := strings.Index(raw, "//"); i >= 0 {
		start = i + 2
	}
	if at := strings.LastIndex(raw, "@"); at >= start {
		raw = raw[:start] + "xxxxx" + raw[at:]
		hadUser = true
	}
	q := strings.Index(raw, "?")
	if q < 0 {
		return raw, hadUser
	}
	query, fragment := raw[q+1:], ""
	if h := strings.Index(query, "#"); h >= 0 {
		query, fragment = query[:h], query[h:]
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		if k, _, ok := strings.Cut(p, "="); ok {
			params[i] = k + "=xxxxx"
		} else if p != "" {
			params[i] = "xxxxx" // a bare value may be a token too
		}
	}
	return raw[:q+1] + strings.Join(params, "&") + fragment, hadUser
}

// WithHTTPClient sets the HTTP client requests go through. The client is copied, never changed: its
// Transport (http.DefaultTransport when nil) becomes the bottom of this client's transport stack, and
// its Timeout, Jar and CheckRedirect apply as usual, except that a redirect off the base URL's host
// loses its Circle-Token and Authorization headers before CheckRedirect sees it.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header. The default names this module and its version, e.g.
// "circleci-go/v1.2.0 (+https://github.com/cikit/circleci-go)", with "devel" for the version when the
// build records none (a workspace, a replacement by a local folder). A User-Agent set by a request
// editor wins.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" {
			return errors.New("WithUserAgent: empty User-Agent")
		}
		if i := strings.IndexFunc(ua, unicode.IsControl); i >= 0 {
			return fmt.Errorf("WithUserAgent(%q): control character at byte %d", ua, i)
		}
		c.userAgent = ua
		return nil
	}
}

// defaultUserAgent names the module and its version from the build information.
func defaultUserAgent() string {
	info, _ := debug.ReadBuildInfo()
	return userAgentFor(info)
}

// userAgentFor names the module and the version of it that info records (info may be nil):
// "circleci-go/<version> (+https://github.com/cikit/circleci-go)". The version is, in order:
//   - for a dependency replaced by another module version, the replacement's version;
//   - for a dependency replaced by a local folder, none;
//   - for a dependency, the version required;
//   - for the main module, the version the go command stamped (a tag, or a pseudo-version from the
//     work tree's VCS, when it can work one out).
//
// With none ("(devel)" is the go command's word for none: a workspace module, a replacement folder,
// a build outside VCS), the version is "devel", without the parentheses, which would turn it into a
// User-Agent comment.
func userAgentFor(info *debug.BuildInfo) string {
	version := ""
	if info != nil {
		if info.Main.Path == modulePath {
			version = info.Main.Version
		}
		for _, dep := range info.Deps {
			if dep.Path != modulePath {
				continue
			}
			version = dep.Version
			if dep.Replace != nil {
				version = dep.Replace.Version // "" for a folder
			}
		}
	}
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	return "circleci-go/" + version + " (+https://" + modulePath + ")"
}

// checkToken rejects tokens that cannot go in a header.
func checkToken(token string) error {
	if token == "" {
		return errors.New("empty token")
	}
	for i, r := range token {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			// The token itself is never quoted in errors.
			return fmt.Errorf("token has a space or control character at byte %d", i)
		}
	}
	return nil
}
