package fake

import (
	"context"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

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
	other, ok := s.st.users[req.ID]
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
