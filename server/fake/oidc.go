package fake

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// oidcClaims are the custom claims of the OIDC tokens of an organization or a project. The update
// times stay once set, also after the claim is reset, as on circleci.com.
type oidcClaims struct {
	audience        []string // sorted, each once; nil when not customised
	ttl             string   // as time.Duration.String writes it; "" when not customised
	audienceUpdated *time.Time
	ttlUpdated      *time.Time
}

func (c *oidcClaims) api(o *org, p *project) gen.OIDCClaims {
	out := gen.OIDCClaims{OrgID: o.id, AudienceUpdatedAt: c.audienceUpdated, TTLUpdatedAt: c.ttlUpdated}
	if p != nil {
		out.ProjectID = ptr(p.id)
	}
	if len(c.audience) > 0 {
		out.Audience = slices.Clone(c.audience)
	}
	if c.ttl != "" {
		out.TTL = ptr(c.ttl)
	}
	return out
}

// claimsPatch is a checked PATCH body: what to set.
type claimsPatch struct {
	audience []string
	setAud   bool
	ttl      string
	setTTL   bool
}

// checkClaimsPatch validates a PATCH body: audience values non-empty (a set: sorted, each once), ttl
// a positive Go duration.
func checkClaimsPatch(b *gen.PatchOIDCClaimsRequest) (claimsPatch, string) {
	var out claimsPatch
	if b == nil || (b.Audience == nil && b.TTL == nil) {
		return out, "the body must set audience or ttl"
	}
	if b.Audience != nil {
		out.setAud = true
		for _, a := range b.Audience {
			if strings.TrimSpace(a) == "" {
				return out, "audience holds an empty value"
			}
		}
		out.audience = slices.Compact(slices.Sorted(slices.Values(b.Audience)))
	}
	if b.TTL != nil {
		d, err := time.ParseDuration(*b.TTL)
		if err != nil || d <= 0 {
			return out, "ttl must be a positive Go duration such as 1h30m (units ns, us, ms, s, m, h), got " + quote(*b.TTL)
		}
		out.setTTL, out.ttl = true, d.String()
	}
	return out, ""
}

func (c *oidcClaims) apply(p claimsPatch, now time.Time) {
	if p.setAud {
		c.audience = p.audience
		if len(c.audience) == 0 {
			c.audience = nil
		}
		c.audienceUpdated = ptr(now)
	}
	if p.setTTL {
		c.ttl = p.ttl
		c.ttlUpdated = ptr(now)
	}
}

// checkClaimNames reads the claims query parameter of a DELETE: audience, ttl or both, comma-separated.
func checkClaimNames(list string) (aud, ttl bool, msg string) {
	for name := range strings.SplitSeq(list, ",") {
		switch strings.TrimSpace(name) {
		case "audience":
			aud = true
		case "ttl":
			ttl = true
		default:
			return false, false, "claims must list audience, ttl or both, comma-separated, got " + quote(list)
		}
	}
	return aud, ttl, ""
}

func (c *oidcClaims) remove(aud, ttl bool, now time.Time) {
	if aud {
		c.audience = nil
		c.audienceUpdated = ptr(now)
	}
	if ttl {
		c.ttl = ""
		c.ttlUpdated = ptr(now)
	}
}

// claimsOf returns the claims of project p of o, making the record on first use.
func (o *org) claimsOf(p *project) *oidcClaims {
	if o.projectClaims == nil {
		o.projectClaims = map[uuid.UUID]*oidcClaims{}
	}
	c := o.projectClaims[p.id]
	if c == nil {
		c = &oidcClaims{}
		o.projectClaims[p.id] = c
	}
	return c
}

// claimsScope returns the organization, the project (nil for the organization's own claims) and the
// claims the request is about; the caller holds s.mu.
func (s *Server) claimsScope(ctx context.Context, orgID uuid.UUID, projectID *uuid.UUID) (*org, *project, *oidcClaims, error) {
	_, o, err := s.visibleOrg(ctx, orgID.String(), "Organization not found.")
	if err != nil {
		return nil, nil, nil, err
	}
	if projectID == nil {
		return o, nil, &o.claims, nil
	}
	p := s.orgProject(o, projectID.String())
	if p == nil {
		return nil, nil, nil, server.NotFound(msgProjectNotFound)
	}
	return o, p, o.claimsOf(p), nil
}

// GetOrgClaims returns the organization's custom claims; without any it answers only org_id, never
// a 404.
// CircleCI API: GET /org/{orgID}/oidc-custom-claims (GetOrgClaims).
func (s *Server) GetOrgClaims(ctx context.Context, req genserver.GetOrgClaimsRequestObject) (genserver.GetOrgClaimsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, _, c, err := s.claimsScope(ctx, req.OrgID, nil)
	if err != nil {
		return nil, err
	}
	return genserver.GetOrgClaims200JSONResponse(c.api(o, nil)), nil
}

// PatchOrgClaims sets the organization's audience and/or ttl, creating the claims when there are
// none, and answers them.
// CircleCI API: PATCH /org/{orgID}/oidc-custom-claims (PatchOrgClaims).
func (s *Server) PatchOrgClaims(ctx context.Context, req genserver.PatchOrgClaimsRequestObject) (genserver.PatchOrgClaimsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, _, c, err := s.claimsScope(ctx, req.OrgID, nil)
	if err != nil {
		return nil, err
	}
	patch, msg := checkClaimsPatch(req.Body)
	if msg != "" {
		return nil, server.BadRequest(msg)
	}
	c.apply(patch, s.now())
	return genserver.PatchOrgClaims200JSONResponse(c.api(o, nil)), nil
}

// DeleteOrgClaims resets the organization claims the claims parameter names and answers those left.
// CircleCI API: DELETE /org/{orgID}/oidc-custom-claims (DeleteOrgClaims).
func (s *Server) DeleteOrgClaims(ctx context.Context, req genserver.DeleteOrgClaimsRequestObject) (genserver.DeleteOrgClaimsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, _, c, err := s.claimsScope(ctx, req.OrgID, nil)
	if err != nil {
		return nil, err
	}
	aud, ttl, msg := checkClaimNames(req.Params.Claims)
	if msg != "" {
		return nil, server.BadRequest(msg)
	}
	c.remove(aud, ttl, s.now())
	return genserver.DeleteOrgClaims200JSONResponse(c.api(o, nil)), nil
}

// GetProjectClaims returns a project's custom claims; without any it answers only org_id and
// project_id.
// CircleCI API: GET /org/{orgID}/project/{projectID}/oidc-custom-claims (GetProjectClaims).
func (s *Server) GetProjectClaims(ctx context.Context, req genserver.GetProjectClaimsRequestObject) (genserver.GetProjectClaimsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, c, err := s.claimsScope(ctx, req.OrgID, &req.ProjectID)
	if err != nil {
		return nil, err
	}
	return genserver.GetProjectClaims200JSONResponse(c.api(o, p)), nil
}

// PatchProjectClaims sets a project's audience and/or ttl, which override the organization's.
// CircleCI API: PATCH /org/{orgID}/project/{projectID}/oidc-custom-claims (PatchProjectClaims).
func (s *Server) PatchProjectClaims(ctx context.Context, req genserver.PatchProjectClaimsRequestObject) (genserver.PatchProjectClaimsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, c, err := s.claimsScope(ctx, req.OrgID, &req.ProjectID)
	if err != nil {
		return nil, err
	}
	patch, msg := checkClaimsPatch(req.Body)
	if msg != "" {
		return nil, server.BadRequest(msg)
	}
	c.apply(patch, s.now())
	return genserver.PatchProjectClaims200JSONResponse(c.api(o, p)), nil
}

// DeleteProjectClaims resets the project claims the claims parameter names and answers those left.
// CircleCI API: DELETE /org/{orgID}/project/{projectID}/oidc-custom-claims (DeleteProjectClaims).
func (s *Server) DeleteProjectClaims(ctx context.Context, req genserver.DeleteProjectClaimsRequestObject) (genserver.DeleteProjectClaimsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, p, c, err := s.claimsScope(ctx, req.OrgID, &req.ProjectID)
	if err != nil {
		return nil, err
	}
	aud, ttl, msg := checkClaimNames(req.Params.Claims)
	if msg != "" {
		return nil, server.BadRequest(msg)
	}
	c.remove(aud, ttl, s.now())
	return genserver.DeleteProjectClaims200JSONResponse(c.api(o, p)), nil
}
