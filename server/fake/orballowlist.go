package fake

import (
	"context"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// allowListEntry is an entry of an organization's URL orb allow-list: orbs referenced by a URL that
// starts with prefix may be imported, fetched with the auth method.
type allowListEntry struct {
	id     uuid.UUID
	name   string
	prefix string
	auth   gen.URLOrbAllowListItemAuth
}

func (e *allowListEntry) api() gen.URLOrbAllowListItem {
	return gen.URLOrbAllowListItem{ID: e.id.String(), Name: e.name, Prefix: e.prefix, Auth: e.auth}
}

// checkOrbPrefix accepts the prefix of a URL orb reference: an absolute https URL with a host and
// nothing after the path (URL orbs are fetched over https only).
func checkOrbPrefix(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "prefix must be an absolute https URL with a host and no user, query or fragment, got " + quote(raw)
	}
	return ""
}

// ListURLOrbAllowListEntries lists the organization's URL orb allow-list, oldest first, in one page.
// CircleCI API: GET /organization/{org-slug-or-id}/url-orb-allow-list (listURLOrbAllowListEntries).
func (s *Server) ListURLOrbAllowListEntries(ctx context.Context, req genserver.ListURLOrbAllowListEntriesRequestObject) (genserver.ListURLOrbAllowListEntriesResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgSlugOrID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	items := make([]gen.URLOrbAllowListItem, 0, len(o.allowList))
	for _, e := range o.allowList {
		items = append(items, e.api())
	}
	return genserver.ListURLOrbAllowListEntries200JSONResponse{Items: items}, nil
}

// CreateURLOrbAllowListEntry adds an entry to the organization's URL orb allow-list and answers its
// id with a message, as CircleCI does (there is no route that reads one entry).
// CircleCI API: POST /organization/{org-slug-or-id}/url-orb-allow-list (createURLOrbAllowListEntry).
func (s *Server) CreateURLOrbAllowListEntry(ctx context.Context, req genserver.CreateURLOrbAllowListEntryRequestObject) (genserver.CreateURLOrbAllowListEntryResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgSlugOrID, msgOrgNotFound)
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
	if msg := checkOrbPrefix(b.Prefix); msg != "" {
		return nil, server.BadRequest(msg)
	}
	auth := gen.URLOrbAllowListItemAuth(b.Auth)
	if !auth.Valid() {
		return nil, server.BadRequest(`auth must be one of "bitbucket-oauth", "github-app", "github-oauth" and "none", got ` + quote(string(b.Auth)))
	}
	e := &allowListEntry{id: s.newID(), name: name, prefix: b.Prefix, auth: auth}
	o.allowList = append(o.allowList, e)
	return genserver.CreateURLOrbAllowListEntry200JSONResponse{ID: e.id.String(), Message: "URL orb allow-list entry created."}, nil
}

// RemoveURLOrbAllowListEntry removes an entry from the organization's URL orb allow-list. As on
// circleci.com it answers 200 whether or not the entry was there; only an organization not found is
// a 404.
// CircleCI API: DELETE /organization/{org-slug-or-id}/url-orb-allow-list/{allow-list-entry-id} (removeURLOrbAllowListEntry).
func (s *Server) RemoveURLOrbAllowListEntry(ctx context.Context, req genserver.RemoveURLOrbAllowListEntryRequestObject) (genserver.RemoveURLOrbAllowListEntryResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgSlugOrID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	for i, e := range o.allowList {
		if e.id.String() == strings.ToLower(req.AllowListEntryID) {
			o.allowList = append(o.allowList[:i:i], o.allowList[i+1:]...)
			break
		}
	}
	return genserver.RemoveURLOrbAllowListEntry200JSONResponse{ID: req.AllowListEntryID, Message: "URL orb allow-list entry removed."}, nil
}
