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

const msgContextNotFound = "Context not found."

// orgContext is a context of an organization: named environment variables that jobs can use, and
// the restrictions on who may use them.
type orgContext struct {
	listOrder
	id           uuid.UUID
	name         string
	org          *org
	created      time.Time
	vars         []*contextVariable
	restrictions []*restriction
}

// contextVariable is an environment variable of a context.
type contextVariable struct {
	listOrder
	name    string
	value   string
	created time.Time
	updated time.Time
}

// restriction limits a context to a project, a group or an expression.
type restriction struct {
	listOrder
	id    uuid.UUID
	typ   gen.ContextRestrictionRestrictionType
	value string
	name  string
}

func (c *orgContext) api() gen.Context {
	return gen.Context{CreatedAt: c.created, ID: c.id, Name: c.name}
}

// visibleContext returns the caller and a context of one of their organizations, or the 401 of
// [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visibleContext(ctx context.Context, id uuid.UUID) (*user, *orgContext, error) {
	return visibleByID(s, ctx, s.st.contextsByID, id, func(c *orgContext) *org { return c.org }, msgContextNotFound)
}

// findOwner is [Server.findOrg] for the Context operations, which call the organization the owner.
func (s *Server) findOwner(u *user, slugOrID string) (*org, error) {
	if o := s.memberOrg(u, slugOrID); o != nil {
		return o, nil
	}
	return nil, server.NotFound("Owner not found.")
}

// ListContexts lists the contexts of an organization given by owner-id or owner-slug, 20 a page.
// CircleCI API: GET /context (listContexts).
func (s *Server) ListContexts(ctx context.Context, req genserver.ListContextsRequestObject) (genserver.ListContextsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	var owner string
	switch {
	case req.Params.OwnerID != nil:
		owner = req.Params.OwnerID.String()
	case req.Params.OwnerSlug != nil:
		owner = *req.Params.OwnerSlug
	default:
		return nil, server.BadRequest("owner-id or owner-slug is required")
	}
	o, err := s.findOwner(u, owner)
	if err != nil {
		return nil, err
	}
	items, next, err := pageAfter(o.contexts, req.Params.PageToken, s.listTag("contexts", o.id.String()), (*orgContext).api)
	if err != nil {
		return nil, err
	}
	return genserver.ListContexts200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateContext creates a context in one of the caller's organizations. Names are unique per
// organization: a second context of the same name is a 409.
// CircleCI API: POST /context (createContext).
func (s *Server) CreateContext(ctx context.Context, req genserver.CreateContextRequestObject) (genserver.CreateContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || strings.TrimSpace(req.Body.Name) == "" {
		return nil, server.BadRequest("name is required and must not be blank")
	}
	var owner string
	if byID, err := req.Body.Owner.AsContextOwnerByID(); err == nil && byID.ID != uuid.Nil {
		owner = byID.ID.String()
	} else if bySlug, err := req.Body.Owner.AsContextOwnerBySlug(); err == nil && bySlug.Slug != "" {
		owner = bySlug.Slug
	} else {
		return nil, server.BadRequest("owner needs an id (organization UUID) or a slug (e.g. gh/<org>)")
	}
	o, err := s.findOwner(u, owner)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(o.contexts, func(c *orgContext) bool { return c.name == req.Body.Name }) {
		return nil, server.Conflict("A context named " + quote(req.Body.Name) + " already exists in " + o.slug + "; context names are unique per organization.")
	}
	c := s.addContext(o, req.Body.Name, s.newID(), s.now())
	return genserver.CreateContext200JSONResponse(c.api()), nil
}

func quote(s string) string { return `"` + s + `"` }

// addContext stores a new context with an id, created at a time; the caller holds s.mu or owns s.
func (s *Server) addContext(o *org, name string, id uuid.UUID, created time.Time) *orgContext {
	c := &orgContext{listOrder: s.nextSeq(), id: id, name: name, org: o, created: created}
	o.contexts = append(o.contexts, c)
	s.st.contextsByID[c.id] = c
	return c
}

// GetContext returns a context.
// CircleCI API: GET /context/{context_id} (getContext).
func (s *Server) GetContext(ctx context.Context, req genserver.GetContextRequestObject) (genserver.GetContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	return genserver.GetContext200JSONResponse(c.api()), nil
}

// DeleteContext deletes a context with its variables and restrictions.
// CircleCI API: DELETE /context/{context_id} (deleteContext).
func (s *Server) DeleteContext(ctx context.Context, req genserver.DeleteContextRequestObject) (genserver.DeleteContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	delete(s.st.contextsByID, c.id)
	c.org.contexts = slices.DeleteFunc(c.org.contexts, func(x *orgContext) bool { return x == c })
	return genserver.DeleteContext200JSONResponse{Message: "Context deleted."}, nil
}

// ListEnvironmentVariablesFromContext lists a context's variable names (values are never shown),
// 20 a page.
// CircleCI API: GET /context/{context_id}/environment-variable (listEnvironmentVariablesFromContext).
func (s *Server) ListEnvironmentVariablesFromContext(ctx context.Context, req genserver.ListEnvironmentVariablesFromContextRequestObject) (genserver.ListEnvironmentVariablesFromContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	items, next, err := pageAfter(c.vars, req.Params.PageToken, s.listTag("context-vars", c.id.String()), func(v *contextVariable) gen.ContextEnvironmentVariableListItem {
		return gen.ContextEnvironmentVariableListItem{ContextID: c.id, CreatedAt: v.created, UpdatedAt: v.updated, Variable: v.name}
	})
	if err != nil {
		return nil, err
	}
	return genserver.ListEnvironmentVariablesFromContext200JSONResponse{Items: items, NextPageToken: next}, nil
}

// AddEnvironmentVariableToContext creates or replaces a context variable.
// CircleCI API: PUT /context/{context_id}/environment-variable/{env_var_name} (addEnvironmentVariableToContext).
func (s *Server) AddEnvironmentVariableToContext(ctx context.Context, req genserver.AddEnvironmentVariableToContextRequestObject) (genserver.AddEnvironmentVariableToContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	if !envNameRE.MatchString(req.EnvVarName) {
		return nil, server.BadRequest("env_var_name " + quote(req.EnvVarName) + " is not valid: names start with a letter or underscore and hold only letters, digits and underscores")
	}
	if req.Body == nil {
		return nil, server.BadRequest("the body needs a value")
	}
	v := c.setVar(req.EnvVarName, req.Body.Value, s.now(), s.nextSeq)
	var res gen.ContextEnvironmentVariableResult
	if err := res.FromContextEnvironmentVariable(gen.ContextEnvironmentVariable{ContextID: c.id, CreatedAt: v.created, UpdatedAt: ptr(v.updated), Variable: v.name}); err != nil {
		return nil, err
	}
	return genserver.AddEnvironmentVariableToContext200JSONResponse(res), nil
}

// setVar creates or replaces a context variable; the caller holds s.mu.
func (c *orgContext) setVar(name, value string, now time.Time, seq func() listOrder) *contextVariable {
	for _, v := range c.vars {
		if v.name == name {
			v.value, v.updated = value, now
			return v
		}
	}
	v := &contextVariable{listOrder: seq(), name: name, value: value, created: now, updated: now}
	c.vars = append(c.vars, v)
	return v
}

// DeleteEnvironmentVariableFromContext deletes a context variable.
// CircleCI API: DELETE /context/{context_id}/environment-variable/{env_var_name} (deleteEnvironmentVariableFromContext).
func (s *Server) DeleteEnvironmentVariableFromContext(ctx context.Context, req genserver.DeleteEnvironmentVariableFromContextRequestObject) (genserver.DeleteEnvironmentVariableFromContextResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(c.vars, func(v *contextVariable) bool { return v.name == req.EnvVarName })
	if i < 0 {
		return nil, server.NotFound(msgEnvVarNotFound)
	}
	c.vars = slices.Delete(c.vars, i, i+1)
	return genserver.DeleteEnvironmentVariableFromContext200JSONResponse{Message: "Environment variable deleted."}, nil
}

func (r *restriction) api(c *orgContext) gen.ContextRestriction {
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
func (s *Server) GetContextRestrictions(ctx context.Context, req genserver.GetContextRestrictionsRequestObject) (genserver.GetContextRestrictionsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	items, next, err := pageAfter(c.restrictions, req.Params.PageToken, s.listTag("context-restrictions", c.id.String()), func(r *restriction) gen.ContextRestriction { return r.api(c) })
	if err != nil {
		return nil, err
	}
	return genserver.GetContextRestrictions200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateContextRestriction restricts a context to a project (of the same organization), a group or
// an expression. The same restriction twice is a 409.
// CircleCI API: POST /context/{context_id}/restrictions (createContextRestriction).
func (s *Server) CreateContextRestriction(ctx context.Context, req genserver.CreateContextRestrictionRequestObject) (genserver.CreateContextRestrictionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.RestrictionType == nil || req.Body.RestrictionValue == nil || *req.Body.RestrictionValue == "" {
		return nil, server.BadRequest("restriction_type and restriction_value are required")
	}
	typ := gen.ContextRestrictionRestrictionType(*req.Body.RestrictionType)
	value := *req.Body.RestrictionValue
	name := value
	switch typ {
	case gen.ContextRestrictionRestrictionTypeProject:
		id, err := uuid.Parse(value)
		if err != nil {
			return nil, server.BadRequest("restriction_value of a project restriction must be a project UUID, got " + quote(value))
		}
		p, ok := s.st.projectsByID[id]
		if !ok || p.org != c.org {
			return nil, server.NotFound(msgProjectNotFound)
		}
		name = p.name
	case gen.ContextRestrictionRestrictionTypeGroup, gen.ContextRestrictionRestrictionTypeExpression:
	default:
		return nil, server.BadRequest(`restriction_type must be "project", "group" or "expression"`)
	}
	if slices.ContainsFunc(c.restrictions, func(r *restriction) bool { return r.typ == typ && r.value == value }) {
		return nil, server.Conflict("The context already has this restriction.")
	}
	r := &restriction{listOrder: s.nextSeq(), id: s.newID(), typ: typ, value: value, name: name}
	c.restrictions = append(c.restrictions, r)
	return genserver.CreateContextRestriction201JSONResponse{
		ID:               ptr(r.id),
		Name:             ptr(r.name),
		ProjectID:        r.api(c).ProjectID,
		RestrictionType:  ptr(gen.ContextRestrictionCreatedRestrictionType(typ)),
		RestrictionValue: ptr(value),
	}, nil
}

// DeleteContextRestriction removes a restriction from a context.
// CircleCI API: DELETE /context/{context_id}/restrictions/{restriction_id} (deleteContextRestriction).
func (s *Server) DeleteContextRestriction(ctx context.Context, req genserver.DeleteContextRestrictionRequestObject) (genserver.DeleteContextRestrictionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, err := s.visibleContext(ctx, req.ContextID)
	if err != nil {
		return nil, err
	}
	id, err := uuid.Parse(req.RestrictionID)
	if err != nil {
		return nil, server.BadRequest("restriction_id must be a UUID, got " + quote(req.RestrictionID))
	}
	i := slices.IndexFunc(c.restrictions, func(r *restriction) bool { return r.id == id })
	if i < 0 {
		return nil, server.NotFound("Restriction not found.")
	}
	c.restrictions = slices.Delete(c.restrictions, i, i+1)
	return genserver.DeleteContextRestriction200JSONResponse{Message: "Restriction deleted."}, nil
}
