package fake

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
)

const msgContextNotFound = "Context not found."

func (c *contextRec) api() gen.Context {
	return gen.Context{CreatedAt: c.created, ID: c.id, Name: c.name}
}

// visibleContext returns a context of one of the caller's organizations; the caller holds s.mu.
func (s *Server) visibleContext(u *user, id uuid.UUID) (*contextRec, bool) {
	c, ok := s.st.contexts[id]
	if !ok || !u.member(c.org) {
		return nil, false
	}
	return c, true
}

// ListContexts lists the contexts of an organization given by owner-id or owner-slug, 20 a page.
// CircleCI API: GET /context (listContexts).
func (s *Server) ListContexts(ctx context.Context, req gen.ListContextsRequestObject) (gen.ListContextsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.ListContexts401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	var o *org
	switch {
	case req.Params.OwnerID != nil:
		o, ok = s.visibleOrg(u, req.Params.OwnerID.String())
	case req.Params.OwnerSlug != nil:
		o, ok = s.visibleOrg(u, *req.Params.OwnerSlug)
	default:
		return gen.ListContextsdefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: "owner-id or owner-slug is required"}}, nil
	}
	if !ok {
		return gen.ListContexts404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: "Owner not found."}}, nil
	}
	page, next, ok := pageAfter(o.contexts, func(c *contextRec) uint64 { return c.seq }, req.Params.PageToken, listTag("contexts", o.id.String()))
	if !ok {
		return gen.ListContextsdefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: errBadToken}}, nil
	}
	items := make([]gen.Context, 0, len(page))
	for _, c := range page {
		items = append(items, c.api())
	}
	return gen.ListContexts200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateContext creates a context in one of the caller's organizations. Names are unique per
// organization: a second context of the same name is a 409.
// CircleCI API: POST /context (createContext).
func (s *Server) CreateContext(ctx context.Context, req gen.CreateContextRequestObject) (gen.CreateContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.CreateContext401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	fail := func(status int, msg string) (gen.CreateContextResponseObject, error) {
		return gen.CreateContextdefaultJSONResponse{StatusCode: status, Body: gen.Error{Message: msg}}, nil
	}
	if req.Body == nil || strings.TrimSpace(req.Body.Name) == "" {
		return fail(400, "name is required and must not be blank")
	}
	var o *org
	if byID, err := req.Body.Owner.AsContextOwnerByID(); err == nil && byID.ID != uuid.Nil {
		o, ok = s.visibleOrg(u, byID.ID.String())
	} else if bySlug, err := req.Body.Owner.AsContextOwnerBySlug(); err == nil && bySlug.Slug != "" {
		o, ok = s.visibleOrg(u, bySlug.Slug)
	} else {
		return fail(400, "owner needs an id (organization UUID) or a slug (e.g. gh/<org>)")
	}
	if !ok {
		return fail(404, "Owner not found.")
	}
	if slices.ContainsFunc(o.contexts, func(c *contextRec) bool { return c.name == req.Body.Name }) {
		return fail(409, "A context named "+quote(req.Body.Name)+" already exists in "+o.slug+"; context names are unique per organization.")
	}
	c := s.addContext(o, req.Body.Name)
	return gen.CreateContext200JSONResponse(c.api()), nil
}

func quote(s string) string { return `"` + s + `"` }

// addContext stores a new context; the caller holds s.mu.
func (s *Server) addContext(o *org, name string) *contextRec {
	c := &contextRec{seq: s.nextSeq(), id: s.newID(), name: name, org: o, created: s.now()}
	o.contexts = append(o.contexts, c)
	s.st.contexts[c.id] = c
	return c
}

// GetContext returns a context.
// CircleCI API: GET /context/{context_id} (getContext).
func (s *Server) GetContext(ctx context.Context, req gen.GetContextRequestObject) (gen.GetContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.GetContext401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.GetContext404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	return gen.GetContext200JSONResponse(c.api()), nil
}

// DeleteContext deletes a context with its variables and restrictions.
// CircleCI API: DELETE /context/{context_id} (deleteContext).
func (s *Server) DeleteContext(ctx context.Context, req gen.DeleteContextRequestObject) (gen.DeleteContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.DeleteContext401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.DeleteContext404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	delete(s.st.contexts, c.id)
	c.org.contexts = slices.DeleteFunc(c.org.contexts, func(x *contextRec) bool { return x == c })
	return gen.DeleteContext200JSONResponse{Message: "Context deleted."}, nil
}

// ListEnvironmentVariablesFromContext lists a context's variable names (values are never shown),
// 20 a page.
// CircleCI API: GET /context/{context_id}/environment-variable (listEnvironmentVariablesFromContext).
func (s *Server) ListEnvironmentVariablesFromContext(ctx context.Context, req gen.ListEnvironmentVariablesFromContextRequestObject) (gen.ListEnvironmentVariablesFromContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.ListEnvironmentVariablesFromContext401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.ListEnvironmentVariablesFromContext404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	page, next, ok := pageAfter(c.vars, func(v *contextVar) uint64 { return v.seq }, req.Params.PageToken, listTag("context-vars", c.id.String()))
	if !ok {
		return gen.ListEnvironmentVariablesFromContextdefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: errBadToken}}, nil
	}
	items := make([]gen.ContextEnvironmentVariableListItem, 0, len(page))
	for _, v := range page {
		items = append(items, gen.ContextEnvironmentVariableListItem{ContextID: c.id, CreatedAt: v.created, UpdatedAt: v.updated, Variable: v.name})
	}
	return gen.ListEnvironmentVariablesFromContext200JSONResponse{Items: items, NextPageToken: next}, nil
}

// AddEnvironmentVariableToContext creates or replaces a context variable.
// CircleCI API: PUT /context/{context_id}/environment-variable/{env_var_name} (addEnvironmentVariableToContext).
func (s *Server) AddEnvironmentVariableToContext(ctx context.Context, req gen.AddEnvironmentVariableToContextRequestObject) (gen.AddEnvironmentVariableToContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.AddEnvironmentVariableToContext401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.AddEnvironmentVariableToContext404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	if !envNameRE.MatchString(req.EnvVarName) {
		return gen.AddEnvironmentVariableToContextdefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: "env_var_name " + quote(req.EnvVarName) + " is not valid: names start with a letter or underscore and hold only letters, digits and underscores"}}, nil
	}
	if req.Body == nil {
		return gen.AddEnvironmentVariableToContextdefaultJSONResponse{StatusCode: 400, Body: gen.Error{Message: "the body needs a value"}}, nil
	}
	v := c.setVar(req.EnvVarName, req.Body.Value, s.now(), s.nextSeq)
	var res gen.ContextEnvironmentVariableResult
	if err := res.FromContextEnvironmentVariable(gen.ContextEnvironmentVariable{ContextID: c.id, CreatedAt: v.created, UpdatedAt: ptr(v.updated), Variable: v.name}); err != nil {
		return nil, err
	}
	return gen.AddEnvironmentVariableToContext200JSONResponse(res), nil
}

// setVar creates or replaces a context variable; the caller holds s.mu.
func (c *contextRec) setVar(name, value string, now time.Time, seq func() uint64) *contextVar {
	for _, v := range c.vars {
		if v.name == name {
			v.value, v.updated = value, now
			return v
		}
	}
	v := &contextVar{seq: seq(), name: name, value: value, created: now, updated: now}
	c.vars = append(c.vars, v)
	return v
}

// DeleteEnvironmentVariableFromContext deletes a context variable.
// CircleCI API: DELETE /context/{context_id}/environment-variable/{env_var_name} (deleteEnvironmentVariableFromContext).
func (s *Server) DeleteEnvironmentVariableFromContext(ctx context.Context, req gen.DeleteEnvironmentVariableFromContextRequestObject) (gen.DeleteEnvironmentVariableFromContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.DeleteEnvironmentVariableFromContext401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.DeleteEnvironmentVariableFromContext404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	i := slices.IndexFunc(c.vars, func(v *contextVar) bool { return v.name == req.EnvVarName })
	if i < 0 {
		return gen.DeleteEnvironmentVariableFromContext404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: "Environment variable not found."}}, nil
	}
	c.vars = slices.Delete(c.vars, i, i+1)
	return gen.DeleteEnvironmentVariableFromContext200JSONResponse{Message: "Environment variable deleted."}, nil
}

func (r *restriction) api(c *contextRec) gen.ContextRestriction {
	out := gen.ContextRestriction{
		ContextID:        ptr(c.id),
		ID:               ptr(r.id),
		Name:             ptr(r.name),
		RestrictionType:  ptr(r.typ),
		RestrictionValue: ptr(r.value),
	}
	if r.typ == gen.ContextRestrictionRestrictionTypeProject {
		if id, err := uuid.Parse(r.value); err == nil {
			out.ProjectID = &id
		}
	}
	return out
}

// GetContextRestrictions lists a context's restrictions, oldest first, 20 a page.
// CircleCI API: GET /context/{context_id}/restrictions (getContextRestrictions).
func (s *Server) GetContextRestrictions(ctx context.Context, req gen.GetContextRestrictionsRequestObject) (gen.GetContextRestrictionsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.GetContextRestrictions401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.GetContextRestrictions404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	page, next, ok := pageAfter(c.restrictions, func(r *restriction) uint64 { return r.seq }, req.Params.PageToken, listTag("context-restrictions", c.id.String()))
	if !ok {
		return gen.GetContextRestrictions400JSONResponse{BadRequestJSONResponse: gen.BadRequestJSONResponse{Message: errBadToken}}, nil
	}
	items := make([]gen.ContextRestriction, 0, len(page))
	for _, r := range page {
		items = append(items, r.api(c))
	}
	return gen.GetContextRestrictions200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateContextRestriction restricts a context to a project (of the same organization), a group or
// an expression. The same restriction twice is a 409.
// CircleCI API: POST /context/{context_id}/restrictions (createContextRestriction).
func (s *Server) CreateContextRestriction(ctx context.Context, req gen.CreateContextRestrictionRequestObject) (gen.CreateContextRestrictionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.CreateContextRestriction401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.CreateContextRestriction404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	bad := func(msg string) (gen.CreateContextRestrictionResponseObject, error) {
		return gen.CreateContextRestriction400JSONResponse{BadRequestJSONResponse: gen.BadRequestJSONResponse{Message: msg}}, nil
	}
	if req.Body == nil || req.Body.RestrictionType == nil || req.Body.RestrictionValue == nil || *req.Body.RestrictionValue == "" {
		return bad("restriction_type and restriction_value are required")
	}
	typ := gen.ContextRestrictionRestrictionType(*req.Body.RestrictionType)
	value := *req.Body.RestrictionValue
	name := value
	switch typ {
	case gen.ContextRestrictionRestrictionTypeProject:
		id, err := uuid.Parse(value)
		if err != nil {
			return bad("restriction_value of a project restriction must be a project UUID, got " + quote(value))
		}
		p, ok := s.st.projByID[id]
		if !ok || p.org != c.org {
			return gen.CreateContextRestriction404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgProjectNotFound}}, nil
		}
		name = p.name
	case gen.ContextRestrictionRestrictionTypeGroup, gen.ContextRestrictionRestrictionTypeExpression:
	default:
		return bad(`restriction_type must be "project", "group" or "expression"`)
	}
	if slices.ContainsFunc(c.restrictions, func(r *restriction) bool { return r.typ == typ && r.value == value }) {
		return gen.CreateContextRestriction409JSONResponse{ConflictJSONResponse: gen.ConflictJSONResponse{Message: "The context already has this restriction."}}, nil
	}
	r := &restriction{seq: s.nextSeq(), id: s.newID(), typ: typ, value: value, name: name}
	c.restrictions = append(c.restrictions, r)
	return gen.CreateContextRestriction201JSONResponse{
		ID:               ptr(r.id),
		Name:             ptr(r.name),
		ProjectID:        r.api(c).ProjectID,
		RestrictionType:  ptr(gen.ContextRestrictionCreatedRestrictionType(typ)),
		RestrictionValue: ptr(value),
	}, nil
}

// DeleteContextRestriction removes a restriction from a context.
// CircleCI API: DELETE /context/{context_id}/restrictions/{restriction_id} (deleteContextRestriction).
func (s *Server) DeleteContextRestriction(ctx context.Context, req gen.DeleteContextRestrictionRequestObject) (gen.DeleteContextRestrictionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.caller(ctx)
	if !ok {
		return gen.DeleteContextRestriction401JSONResponse{UnauthorizedJSONResponse: gen.UnauthorizedJSONResponse{Message: msgUnauthorized}}, nil
	}
	c, ok := s.visibleContext(u, req.ContextID)
	if !ok {
		return gen.DeleteContextRestriction404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: msgContextNotFound}}, nil
	}
	id, err := uuid.Parse(req.RestrictionID)
	if err != nil {
		return gen.DeleteContextRestriction400JSONResponse{BadRequestJSONResponse: gen.BadRequestJSONResponse{Message: "restriction_id must be a UUID, got " + quote(req.RestrictionID)}}, nil
	}
	i := slices.IndexFunc(c.restrictions, func(r *restriction) bool { return r.id == id })
	if i < 0 {
		return gen.DeleteContextRestriction404JSONResponse{NotFoundJSONResponse: gen.NotFoundJSONResponse{Message: "Restriction not found."}}, nil
	}
	c.restrictions = slices.Delete(c.restrictions, i, i+1)
	return gen.DeleteContextRestriction200JSONResponse{Message: "Restriction deleted."}, nil
}
