package client

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// AuthScheme says how the token is sent.
type AuthScheme int

// The ways CircleCI accepts a token. The API also takes it in a circle-token query parameter; this
// client never sends it that way, because URLs end up in logs.
const (
	// AuthCircleToken sends "Circle-Token: <token>", the default.
	AuthCircleToken AuthScheme = iota
	// AuthBearer sends "Authorization: Bearer <token>".
	AuthBearer
	// AuthBasic sends HTTP basic authentication with the token as the user name and an empty password.
	AuthBasic
)

// String returns the scheme's name.
func (s AuthScheme) String() string {
	switch s {
	case AuthCircleToken:
		return "Circle-Token"
	case AuthBearer:
		return "Bearer"
	case AuthBasic:
		return "Basic"
	}
	return fmt.Sprintf("AuthScheme(%d)", int(s))
}

// WithAuthScheme chooses how the token is sent: [AuthCircleToken] (the default), [AuthBearer] or
// [AuthBasic].
func WithAuthScheme(s AuthScheme) Option {
	return func(c *config) error {
		switch s {
		case AuthCircleToken, AuthBearer, AuthBasic:
			c.authScheme = s
			return nil
		}
		return fmt.Errorf("WithAuthScheme: unknown scheme %v; want AuthCircleToken, AuthBearer or AuthBasic", s)
	}
}

// authTransport adds the token to requests bound for the base URL's host. It clones the request
// (a RoundTripper must not change the one it is given) and leaves alone any request that already
// carries Circle-Token or Authorization, so a header the caller set is never overwritten. The
// methods of [Client] set the header before the request reaches it (see [New]); it adds the token
// to the requests of [Client.Generated].
type authTransport struct {
	base   http.RoundTripper
	host   string   // the base URL's host[:port]
	https  bool     // the base URL is https: never send the token over plain http
	header string   // Circle-Token or Authorization, canonical
	value  []string // the header's value, shared read-only by every request
}

// newAuthTransport returns the auth transport for a token sent with scheme to base's host.
func newAuthTransport(base http.RoundTripper, scheme AuthScheme, token string, baseURL *url.URL) *authTransport {
	t := &authTransport{base: base, host: baseURL.Host, https: baseURL.Scheme == "https"}
	switch scheme {
	case AuthBearer:
		t.header, t.value = "Authorization", []string{"Bearer " + token}
	case AuthBasic:
		t.header, t.value = "Authorization", []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(token+":"))}
	default:
		t.header, t.value = "Circle-Token", []string{token}
	}
	return t
}

// RoundTrip implements [http.RoundTripper].
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.sendsTo(req) || req.Header.Get("Circle-Token") != "" || req.Header.Get("Authorization") != "" {
		return t.base.RoundTrip(req)
	}
	// A shallow copy with its own header map is all that changes; cheaper than req.Clone.
	r2 := new(http.Request)
	*r2 = *req
	r2.Header = make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		r2.Header[k] = v
	}
	r2.Header[t.header] = t.value
	return t.base.RoundTrip(r2)
}

// sendsTo reports whether req goes to the configured host over an acceptable scheme.
func (t *authTransport) sendsTo(req *http.Request) bool {
	if req.URL == nil || !strings.EqualFold(req.URL.Host, t.host) {
		return false
	}
	if t.https {
		return req.URL.Scheme == "https"
	}
	return req.URL.Scheme == "http" || req.URL.Scheme == "https"
}
