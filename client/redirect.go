package client

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects a request follows when the caller's http.Client sets no
// CheckRedirect of its own, as net/http's default policy does.
const maxRedirects = 10

// tokenHeaders are the request headers that carry a token. net/http drops Authorization (and
// cookies) on a redirect to another domain but not Circle-Token, which it does not know, and keeps
// Authorization on a redirect to another port of the same host.
var tokenHeaders = []string{"Circle-Token", "Authorization"}

// stripTokensOnRedirect returns a CheckRedirect that removes every token header from a redirected
// request that leaves the base URL's host (host and port) or drops from https to http, then applies
// next (net/http's default policy of at most 10 redirects when nil). The token WithToken sets is
// added by the auth transport and never follows a redirect off the host anyway; this covers a
// Circle-Token or Authorization header the caller set on a request, say through a request editor
// of [Client.Generated].
func stripTokensOnRedirect(base *url.URL, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Host, base.Host) || base.Scheme == "https" && req.URL.Scheme != "https" {
			for _, h := range tokenHeaders {
				req.Header.Del(h)
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}
