package fake

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server"
)

// msgOrgNotFound is what the organization routes answer for an organization that does not exist or
// that the caller does not belong to, in the live API's words.
const msgOrgNotFound = "Org not found."

// org is an organization: a VCS one (gh/<name>, bb/<name>) or a standalone circleci/<uuid> one.
type org struct {
	id        uuid.UUID
	name      string
	slug      string            // "gh/demo-org" or "circleci/<uuid>"
	vcsType   string            // "github", "bitbucket" or "circleci"
	pipelines []int32           // positions in state.pipelines, oldest first
	byActor   map[*user][]int32 // the positions of the pipelines each user triggered, oldest first
	contexts  []*orgContext

	// Administration: what the Organization, Groups, Usage, OTel and OIDC tags manage.
	allowList     []*allowListEntry                           // oldest first
	groups        []*group                                    // oldest first
	projectGrants map[uuid.UUID]map[uuid.UUID]gen.ProjectRole // project id → group id → role
	exports       map[uuid.UUID]*usageExport                  // by id
	exporters     []*otelExporter                             // oldest first
	claims        oidcClaims                                  // organization-level OIDC claims
	projectClaims map[uuid.UUID]*oidcClaims                   // by project id
}

// addOrg stores o, whose slug and id no other organization has; the caller holds s.mu or owns s.
func (st *state) addOrg(o *org) {
	key, _ := orgKey(o.slug)
	st.orgsBySlug[key] = o
	st.orgsByID[o.id] = o
}

func (o *org) api() gen.Organization {
	return gen.Organization{ID: o.id.String(), Name: o.name, Slug: o.slug, VCSType: gen.OrganizationVCSType(o.vcsType)}
}

// visibleOrg returns the caller and the organization a slug or UUID names if the caller belongs to
// it, or the 401 of [Server.caller] or a 404 with notFound; the caller holds s.mu.
func (s *Server) visibleOrg(ctx context.Context, slugOrID, notFound string) (*user, *org, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if o := s.memberOrg(u, slugOrID); o != nil {
		return u, o, nil
	}
	return nil, nil, server.NotFound(notFound)
}

// orgProject returns the project with the UUID text id if it belongs to o, or nil.
func (s *Server) orgProject(o *org, id string) *project {
	pid, err := uuid.Parse(id)
	if err != nil {
		return nil
	}
	if p, ok := s.st.projectsByID[pid]; ok && p.org == o {
		return p
	}
	return nil
}

// CreateOrganization creates a standalone organization (vcs_type circleci) named as asked, or, for
// github and bitbucket, adds the VCS organization of that name: the caller's own when it is one of
// theirs already (as CircleCI adopts an existing one), a new one otherwise. The caller becomes a
// member, the fake's only role, so the organization is in their collaborations at once.
// CircleCI API: POST /organization (createOrganization).
func (s *Server) CreateOrganization(ctx context.Context, req genserver.CreateOrganizationRequestObject) (genserver.CreateOrganizationResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body is required")
	}
	name := strings.TrimSpace(b.Name)
	if name == "" {
		return nil, server.BadRequest("name is required")
	}
	o := &org{name: name, vcsType: string(b.VCSType), byActor: map[*user][]int32{}}
	switch b.VCSType {
	case gen.CreateOrganizationRequestVCSTypeCircleci:
		o.id = s.newID()
		o.slug = "circleci/" + o.id.String()
	case gen.CreateOrganizationRequestVCSTypeGithub, gen.CreateOrganizationRequestVCSTypeBitbucket:
		prefix := "gh/"
		if b.VCSType == gen.CreateOrganizationRequestVCSTypeBitbucket {
			prefix = "bb/"
		}
		parsed, err := slug.ParseOrg(prefix + name)
		if err != nil || parsed.Org() != name {
			return nil, server.BadRequest("name " + quote(name) + " is not a valid " + string(b.VCSType) + " organization name")
		}
		key, _ := orgKey(parsed.Canonical())
		if existing, ok := s.st.orgsBySlug[key]; ok {
			if !u.member(existing) {
				return nil, server.Forbidden("You are not an admin of the " + string(b.VCSType) + " organization " + quote(name) + ".")
			}
			return genserver.CreateOrganization201JSONResponse(existing.api()), nil
		}
		o.id = s.newID()
		o.slug = parsed.Canonical()
	default:
		return nil, server.BadRequest("Invalid VCS type " + quote(string(b.VCSType)) + ". Must be one of: github, bitbucket, circleci")
	}
	s.st.addOrg(o)
	u.orgs = append(u.orgs, o)
	return genserver.CreateOrganization201JSONResponse(o.api()), nil
}

// GetOrganization returns an organization looked up by slug or UUID.
// CircleCI API: GET /organization/{org-slug-or-id} (getOrganization).
func (s *Server) GetOrganization(ctx context.Context, req genserver.GetOrganizationRequestObject) (genserver.GetOrganizationResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgSlugOrID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	return genserver.GetOrganization200JSONResponse(o.api()), nil
}

// DeleteOrganization deletes an organization with its projects (their pipelines, schedules and
// webhooks), its contexts and everything its administration holds; every member loses it, and each
// is a 404 afterwards. The fake deletes at once and answers 202 as CircleCI does.
// CircleCI API: DELETE /organization/{org-slug-or-id} (deleteOrganization).
func (s *Server) DeleteOrganization(ctx context.Context, req genserver.DeleteOrganizationRequestObject) (genserver.DeleteOrganizationResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgSlugOrID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	s.deleteOrg(o)
	return genserver.DeleteOrganization202JSONResponse{Message: "Accepted."}, nil
}

// deleteOrg removes o and everything that belongs to it; the caller holds s.mu.
func (s *Server) deleteOrg(o *org) {
	for _, p := range s.st.projectsByID {
		if p.org == o {
			s.deleteProject(p)
		}
	}
	for _, c := range o.contexts {
		delete(s.st.contextsByID, c.id)
	}
	for _, e := range s.st.deploys.envsByOrg[o] {
		delete(s.st.deploys.envsByID, e.id)
	}
	for _, c := range s.st.deploys.componentsOf[o] {
		delete(s.st.deploys.componentsByID, c.id)
	}
	delete(s.st.deploys.envsByOrg, o)
	delete(s.st.deploys.componentsOf, o)
	delete(s.st.policyOwners, o.id)
	key, _ := orgKey(o.slug)
	delete(s.st.orgsBySlug, key)
	delete(s.st.orgsByID, o.id)
	for _, u := range s.st.usersByIndex[1:] {
		u.orgs = slices.DeleteFunc(u.orgs, func(x *org) bool { return x == o })
	}
}
