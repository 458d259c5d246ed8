package fake

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// user is a user of the fake: who a token authenticates as.
type user struct {
	index int32 // in state.usersByIndex
	id    uuid.UUID
	login string
	name  string
	orgs  []*org
}

// addUser stores u and gives it its index in usersByIndex; the caller holds s.mu or owns s.
func (st *state) addUser(u *user, tokens []string) {
	u.index = int32(len(st.usersByIndex))
	st.usersByIndex = append(st.usersByIndex, u)
	st.usersByID[u.id] = u
	for _, t := range tokens {
		st.usersByToken[t] = u
	}
}

func (u *user) api() gen.User {
	return gen.User{ID: u.id, Login: u.login, Name: u.name, AvatarURL: nil}
}

// member reports whether u belongs to o.
func (u *user) member(o *org) bool {
	return slices.Contains(u.orgs, o)
}

// GetCurrentUser returns the user the token belongs to.
// CircleCI API: GET /me (getCurrentUser).
func (s *Server) GetCurrentUser(ctx context.Context, _ genserver.GetCurrentUserRequestObject) (genserver.GetCurrentUserResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	return genserver.GetCurrentUser200JSONResponse(u.api()), nil
}

// GetCollaborations lists the organizations the user belongs to, with their slugs as they appear in
// project slugs ("gh/demo-org", "circleci/<org-id>").
// CircleCI API: GET /me/collaborations (getCollaborations).
func (s *Server) GetCollaborations(ctx context.Context, _ genserver.GetCollaborationsRequestObject) (genserver.GetCollaborationsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	out := make(genserver.GetCollaborations200JSONResponse, 0, len(u.orgs))
	for _, o := range u.orgs {
		out = append(out, gen.Collaboration{
			ID:        ptr(o.id),
			VCSType:   o.vcsType,
			Name:      o.name,
			Slug:      o.slug,
			AvatarURL: "https://avatars.example.invalid/" + o.name + ".png",
		})
	}
	return out, nil
}

// GetUser returns a user who shares an organization with the caller.
// CircleCI API: GET /user/{id} (getUser).
func (s *Server) GetUser(ctx context.Context, req genserver.GetUserRequestObject) (genserver.GetUserResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	other, ok := s.st.usersByID[req.ID]
	if !ok || (other != u && !sharesOrg(u, other)) {
		return nil, server.NotFound("User not found.")
	}
	return genserver.GetUser200JSONResponse(other.api()), nil
}

func sharesOrg(a, b *user) bool {
	for _, o := range a.orgs {
		if b.member(o) {
			return true
		}
	}
	return false
}
