package server

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// Principal is whom a request acts for, as an [Authenticator] established it.
type Principal struct {
	// ID identifies the principal to the implementation, e.g. a user UUID.
	ID string
	// Name is a human-readable name, e.g. a login.
	Name string
}

// Authenticator decides whom a token belongs to. It returns an error for an unknown token; an
// [*Error] with a status other than 401 (say 403 for a suspended account) is answered as it is, any
// other error as 401 "You must log in first.". The token must never appear in the error.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

// AuthenticatorFunc adapts a function to [Authenticator].
type AuthenticatorFunc func(ctx context.Context, token string) (Principal, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, token string) (Principal, error) {
	return f(ctx, token)
}

// ErrUnknownToken is what [StaticTokens] returns for a token it does not know.
var ErrUnknownToken = errors.New("server: unknown token")

type staticTokens struct {
	tokens     [][]byte
	principals []Principal
}

// StaticTokens returns an [Authenticator] that knows a fixed set of tokens. It compares the token
// presented with every known token in constant time, so the time taken does not reveal how much of a
// token matched or which one did. The map is copied.
func StaticTokens(tokens map[string]Principal) Authenticator {
	st := &staticTokens{}
	for tok, p := range tokens {
		if tok == "" {
			continue
		}
		st.tokens = append(st.tokens, []byte(tok))
		st.principals = append(st.principals, p)
	}
	return st
}

// StaticToken returns an [Authenticator] that knows one token, compared in constant time.
func StaticToken(token string, p Principal) Authenticator {
	return StaticTokens(map[string]Principal{token: p})
}

// Authenticate looks the token up, comparing it with every known token.
func (st *staticTokens) Authenticate(_ context.Context, token string) (Principal, error) {
	found := -1
	tb := []byte(token)
	for i, known := range st.tokens {
		if subtle.ConstantTimeCompare(tb, known) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, ErrUnknownToken
	}
	return st.principals[found], nil
}

// tokenFrom finds the token the way CircleCI accepts it: the Circle-Token header, an Authorization
// header with a Bearer token or HTTP basic credentials whose user name is the token (or, with no user
// name, whose password is), or the deprecated circle-token query parameter. An Authorization header
// that is sent but holds no usable token (malformed base64, an empty token, another scheme) is not
// passed over for the query parameter: problem then says what is wrong with it, without the token.
func tokenFrom(r *http.Request) (token, problem string) {
	if tok := r.Header.Get("Circle-Token"); tok != "" {
		return tok, ""
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, rest, _ := strings.Cut(auth, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			if rest == "" {
				return "", "The Authorization header holds an empty Bearer token."
			}
			return rest, ""
		case strings.EqualFold(scheme, "Basic"):
			raw, err := base64.StdEncoding.DecodeString(rest)
			if err != nil {
				return "", "The Authorization header holds basic credentials that are not valid base64."
			}
			user, pass, _ := strings.Cut(string(raw), ":")
			if user == "" {
				user = pass
			}
			if user == "" {
				return "", "The Authorization header holds basic credentials without a token."
			}
			return user, ""
		}
		return "", "The Authorization header uses a scheme other than Bearer or Basic; send the token as Circle-Token, Bearer or basic user name."
	}
	if strings.Contains(r.URL.RawQuery, "circle-token=") {
		return r.URL.Query().Get("circle-token"), ""
	}
	return "", ""
}

// authenticate answers 401 JSON to a request without a token or with one the Authenticator refuses,
// and records the principal otherwise. No token reaches a log line or an error body.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, problem := tokenFrom(r)
		if problem != "" {
			writeError(w, r, http.StatusUnauthorized, problem)
			return
		}
		if tok == "" {
			writeError(w, r, http.StatusUnauthorized, msgUnauthorized)
			return
		}
		p, err := s.auth.Authenticate(r.Context(), tok)
		if err != nil {
			if se := (*Error)(nil); errors.As(err, &se) && se.Status >= 400 && se.Status <= 599 {
				writeError(w, r, se.Status, se.Message)
				return
			}
			writeError(w, r, http.StatusUnauthorized, msgUnauthorized)
			return
		}
		if info := infoFrom(r.Context()); info != nil {
			info.principal, info.authenticated = p, true
		}
		next.ServeHTTP(w, r)
	})
}
