package fake

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// maxGroups is how many groups an organization may hold on circleci.com.
const maxGroups = 100

// msgGroupForbidden answers a group id that is no group of the organization: circleci.com answers
// 403 for a missing group, not 404.
const msgGroupForbidden = "Forbidden: no such group in this organization, or no permission to see it."

// group is a named set of an organization's members that roles are granted to (membership is not
// simulated).
type group struct {
	id          uuid.UUID
	name        string
	description *string
}

func (g *group) api() gen.Group {
	return gen.Group{ID: ptr(g.id), Name: ptr(g.name), Description: g.description}
}

// findGroup returns the group of o with the id, or nil.
func (o *org) findGroup(id uuid.UUID) *group {
	for _, g := range o.groups {
		if g.id == id {
			return g
		}
	}
	return nil
}

// GetOrganizationGroups lists the organization's groups, oldest first. As on circleci.com, limit and
// page-token are ignored and every group comes on one page whose next_page_token is null.
// CircleCI API: GET /organizations/{org_id}/groups (getOrganizationGroups).
func (s *Server) GetOrganizationGroups(ctx context.Context, req genserver.GetOrganizationGroupsRequestObject) (genserver.GetOrganizationGroupsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	items := make([]gen.Group, 0, len(o.groups))
	for _, g := range o.groups {
		items = append(items, g.api())
	}
	return genserver.GetOrganizationGroups200JSONResponse{Items: items, NextPageToken: nil}, nil
}

// CreateOrganizationGroup creates a group; an organization holds at most 100, and the 101st is a 409.
// CircleCI API: POST /organizations/{org_id}/groups (createOrganizationGroup).
func (s *Server) CreateOrganizationGroup(ctx context.Context, req genserver.CreateOrganizationGroupRequestObject) (genserver.CreateOrganizationGroupResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgID, msgOrgNotFound)
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
	if len(o.groups) >= maxGroups {
		return nil, server.Conflict("Exceeded max number of groups in org: 100.")
	}
	g := &group{id: s.newID(), name: name}
	if b.Description != nil {
		g.description = ptr(*b.Description)
	}
	o.groups = append(o.groups, g)
	return genserver.CreateOrganizationGroup201JSONResponse(g.api()), nil
}

// GetGroup returns a group of the organization; a group id the organization does not have is a 403,
// as on circleci.com.
// CircleCI API: GET /organizations/{org_id}/groups/{group_id} (getGroup).
func (s *Server) GetGroup(ctx context.Context, req genserver.GetGroupRequestObject) (genserver.GetGroupResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	g := o.findGroup(req.GroupID)
	if g == nil {
		return nil, server.Forbidden(msgGroupForbidden)
	}
	return genserver.GetGroup200JSONResponse(g.api()), nil
}

// DeleteGroup deletes a group with the project roles granted to it.
// CircleCI API: DELETE /organizations/{org_id}/groups/{group_id} (deleteGroup).
func (s *Server) DeleteGroup(ctx context.Context, req genserver.DeleteGroupRequestObject) (genserver.DeleteGroupResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	for i, g := range o.groups {
		if g.id == req.GroupID {
			o.groups = append(o.groups[:i:i], o.groups[i+1:]...)
			for _, grants := range o.projectGrants {
				delete(grants, g.id)
			}
			return genserver.DeleteGroup200JSONResponse{Message: "Group deleted."}, nil
		}
	}
	return nil, server.Forbidden(msgGroupForbidden)
}

// visibleOrgProject returns the organization and one of its projects named by their UUIDs, or the
// 401 of [Server.caller] or a 404; the caller holds s.mu.
func (s *Server) visibleOrgProject(ctx context.Context, orgID, projectID string) (*org, *project, error) {
	_, o, err := s.visibleOrg(ctx, orgID, msgOrgNotFound)
	if err != nil {
		return nil, nil, err
	}
	p := s.orgProject(o, projectID)
	if p == nil {
		return nil, nil, server.NotFound(msgProjectNotFound)
	}
	return o, p, nil
}

// ListProjectGroups lists the groups holding a role on the project, in the order the groups were
// made, in one page without a next_page_token, as on circleci.com.
// CircleCI API: GET /organizations/{org_id}/projects/{project_id}/groups (listProjectGroups).
func (s *Server) ListProjectGroups(ctx context.Context, req genserver.ListProjectGroupsRequestObject) (genserver.ListProjectGroupsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, err := s.visibleOrgProject(ctx, req.OrgID, req.ProjectID)
	if err != nil {
		return nil, err
	}
	grants := o.projectGrants[p.id]
	items := make([]gen.ProjectGroup, 0, len(grants))
	for _, g := range o.groups {
		if role, ok := grants[g.id]; ok {
			items = append(items, gen.ProjectGroup{ID: g.id, Name: g.name, Role: role})
		}
	}
	return genserver.ListProjectGroups200JSONResponse{Items: items}, nil
}

// AssignProjectGroups gives every listed group the role on the project, replacing a role a group
// holds already. Every id must be a group of the organization, or nothing changes.
// CircleCI API: POST /organizations/{org_id}/projects/{project_id}/groups (assignProjectGroups).
func (s *Server) AssignProjectGroups(ctx context.Context, req genserver.AssignProjectGroupsRequestObject) (genserver.AssignProjectGroupsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, err := s.visibleOrgProject(ctx, req.OrgID, req.ProjectID)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body is required")
	}
	if msg := checkProjectRole(b.Role); msg != "" {
		return nil, server.BadRequest(msg)
	}
	if len(b.GroupIds) == 0 {
		return nil, server.BadRequest("group_ids must name at least one group")
	}
	for _, id := range b.GroupIds {
		if o.findGroup(id) == nil {
			return nil, server.BadRequest("group_ids holds " + id.String() + ", which is no group of this organization")
		}
	}
	grants := o.grantsOf(p)
	for _, id := range b.GroupIds {
		grants[id] = b.Role
	}
	return genserver.AssignProjectGroups200JSONResponse{Message: "Groups assigned to the project."}, nil
}

// UpdateProjectGroupRole changes the role of a group that holds one on the project.
// CircleCI API: POST /organizations/{org_id}/projects/{project_id}/groups/{group_id}/update-role (updateProjectGroupRole).
func (s *Server) UpdateProjectGroupRole(ctx context.Context, req genserver.UpdateProjectGroupRoleRequestObject) (genserver.UpdateProjectGroupRoleResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, err := s.visibleOrgProject(ctx, req.OrgID, req.ProjectID)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, server.BadRequest("the body is required")
	}
	if msg := checkProjectRole(req.Body.Role); msg != "" {
		return nil, server.BadRequest(msg)
	}
	grants := o.projectGrants[p.id]
	if _, ok := grants[req.GroupID]; !ok {
		return nil, server.NotFound(msgNoProjectGrant)
	}
	grants[req.GroupID] = req.Body.Role
	return genserver.UpdateProjectGroupRole200JSONResponse{Message: "Role updated."}, nil
}

// RemoveProjectGroup takes away the role a group holds on the project. It follows the published
// description (204); circleci.com is reported to answer this route with a 404 (see the document).
// CircleCI API: DELETE /organizations/{org_id}/projects/{project_id}/groups/{group_id} (removeProjectGroup).
func (s *Server) RemoveProjectGroup(ctx context.Context, req genserver.RemoveProjectGroupRequestObject) (genserver.RemoveProjectGroupResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, err := s.visibleOrgProject(ctx, req.OrgID, req.ProjectID)
	if err != nil {
		return nil, err
	}
	grants := o.projectGrants[p.id]
	if _, ok := grants[req.GroupID]; !ok {
		return nil, server.NotFound(msgNoProjectGrant)
	}
	delete(grants, req.GroupID)
	return genserver.RemoveProjectGroup204Response{}, nil
}

const msgNoProjectGrant = "The group holds no role on this project."

// grantsOf returns the group roles on p, making the table on first use.
func (o *org) grantsOf(p *project) map[uuid.UUID]gen.ProjectRole {
	if o.projectGrants == nil {
		o.projectGrants = map[uuid.UUID]map[uuid.UUID]gen.ProjectRole{}
	}
	g := o.projectGrants[p.id]
	if g == nil {
		g = map[uuid.UUID]gen.ProjectRole{}
		o.projectGrants[p.id] = g
	}
	return g
}

func checkProjectRole(r gen.ProjectRole) string {
	if !r.Valid() {
		return `role must be one of "project-admin", "project-contributor" and "project-viewer", got ` + quote(string(r))
	}
	return ""
}
