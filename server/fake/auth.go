package fake

import (
	"context"
	"crypto/subtle"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/server"
)

// tokenKey is the context key under which the caller's API token travels to the implementation.
type tokenKey struct{}

// WithToken returns a copy of ctx that carries an API token, for calling the [Server] methods
// directly from Go. Over HTTP, server.New authenticates the request with [Server.Authenticate] instead.
func WithToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, tokenKey{}, token)
}

// tokenFrom returns the API token the request was made with.
func tokenFrom(ctx context.Context) (string, bool) {
	t, ok := ctx.Value(tokenKey{}).(string)
	return t, ok && t != ""
}

// Authenticate implements server.Authenticator: it returns the user a token belongs to as the
// principal (ID: the user's UUID, Name: the login).
func (s *Server) Authenticate(_ context.Context, token string) (server.Principal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := (*user)(nil)
	for t, u := range s.st.usersByToken {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			found = u
		}
	}
	if found == nil {
		return server.Principal{}, server.ErrUnknownToken
	}
	return server.Principal{ID: found.id.String(), Name: found.login}, nil
}

// caller returns the user a request acts for: the principal server.New authenticated, or for
// direct Go calls the user of the token in the context (see [WithToken]). Without one it returns a
// 401 [*server.Error]. The caller holds s.mu.
func (s *Server) caller(ctx context.Context) (*user, error) {
	var u *user
	if p, ok := server.PrincipalFromContext(ctx); ok {
		if id, err := uuid.Parse(p.ID); err == nil {
			u = s.st.usersByID[id]
		}
	} else if tok, ok := tokenFrom(ctx); ok {
		u = s.st.usersByToken[tok]
	}
	if u == nil {
		return nil, server.Unauthorized(msgUnauthorized)
	}
	return u, nil
}

const msgUnauthorized = "You must log in first."
