package client

import (
	"encoding/base64"
	"fmt"
	"net/http"
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
// carries Circle-Token or Authorization, so a header the caller set is never overwritten.
type authTransport struct {
	base   http.RoundTripper
	scheme AuthScheme
	token  string
	host   string // the base URL's host[:port]
	https  bool   // the base URL is https: never send the token over plain http
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
	switch t.scheme {
	case AuthBearer:
		r2.Header["Authorization"] = []string{"Bearer " + t.token}
	case AuthBasic:
		r2.Header["Authorization"] = []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(t.token+":"))}
	default:
		r2.Header["Circle-Token"] = []string{t.token}
	}
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
