package client

import (
	"context"
	"log/slog"
	"net/http"
)

// Deprecation describes a response that carried a Deprecation or Sunset header: CircleCI marks
// endpoints it is going to retire this way.
type Deprecation struct {
	// Method and URL name the request (the URL without credentials).
	Method string
	URL    string
	// Path is the request path, handy for reporting each endpoint once.
	Path string
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
// header. By default the client logs a warning through [slog.Default], once per method and path; a
// nil hook turns the reports off.
func WithDeprecationHook(hook DeprecationHook) Option {
	return func(c *config) error {
		if hook == nil {
			hook = func(context.Context, Deprecation) {}
		}
		c.hook = hook
		return nil
	}
}

// logDeprecationOnce is the default hook.
func (c *Client) logDeprecationOnce(ctx context.Context, d Deprecation) {
	if _, seen := c.seenDeprecated.LoadOrStore(d.Method+" "+d.Path, struct{}{}); seen {
		return
	}
	slog.Default().WarnContext(ctx, "circleci: the API marks this endpoint as deprecated",
		"method", d.Method, "url", d.URL, "deprecation", d.Deprecation, "sunset", d.Sunset, "link", d.Link)
}

// deprecationTransport reports Deprecation and Sunset headers to the hook.
type deprecationTransport struct {
	base http.RoundTripper
	hook DeprecationHook
}

// RoundTrip implements [http.RoundTripper].
func (t *deprecationTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	dep, sunset := resp.Header.Get("Deprecation"), resp.Header.Get("Sunset")
	if dep != "" || sunset != "" {
		t.hook(req.Context(), Deprecation{
			Method:      req.Method,
			URL:         redactURL(req.URL),
			Path:        req.URL.Path,
			Deprecation: dep,
			Sunset:      sunset,
			Link:        resp.Header.Get("Link"),
		})
	}
	return resp, nil
}
