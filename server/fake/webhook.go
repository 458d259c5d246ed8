package fake

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const msgWebhookNotFound = "Webhook not found."

// webhook is an outbound webhook of a project (stored, never called).
type webhook struct {
	listOrder
	id        uuid.UUID
	project   *project
	name      string
	url       string
	verifyTLS bool
	secret    string
	events    []gen.WebhookEvents
	created   time.Time
	updated   time.Time
}

func (w *webhook) api() gen.Webhook {
	return gen.Webhook{
		CreatedAt:     w.created,
		Events:        slices.Clone(w.events),
		ID:            w.id,
		Name:          w.name,
		Scope:         gen.WebhookScope{ID: w.project.id, Type: "project"},
		SigningSecret: mask(w.secret),
		UpdatedAt:     w.updated,
		URL:           w.url,
		VerifyTLS:     w.verifyTLS,
	}
}

// checkWebhookURL accepts only absolute https URLs, as CircleCI does.
func checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "url must be an absolute https URL, got " + quote(raw)
	}
	return ""
}

func checkEvents[E ~string](events []E) (out []gen.WebhookEvents, msg string) {
	if len(events) == 0 {
		return nil, `events must name at least one of "workflow-completed" and "job-completed"`
	}
	for _, e := range events {
		ev := gen.WebhookEvents(e)
		if !ev.Valid() {
			return nil, "events holds " + quote(string(e)) + `; events are "workflow-completed" and "job-completed"`
		}
		if !slices.Contains(out, ev) {
			out = append(out, ev)
		}
	}
	return out, ""
}

// visibleWebhook returns the caller and a webhook of a project they may see, or the 401 of
// [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visibleWebhook(ctx context.Context, id uuid.UUID) (*user, *webhook, error) {
	return visibleByID(s, ctx, s.st.webhooksByID, id, func(w *webhook) *org { return w.project.org }, msgWebhookNotFound)
}

// GetWebhooks lists the webhooks of a project scope, oldest first, 20 a page.
// CircleCI API: GET /webhook (getWebhooks).
func (s *Server) GetWebhooks(ctx context.Context, req genserver.GetWebhooksRequestObject) (genserver.GetWebhooksResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.findProjectByID(u, req.Params.ScopeID)
	if err != nil {
		return nil, err
	}
	var list []*webhook
	for _, w := range s.st.webhooksByID {
		if w.project == p {
			list = append(list, w)
		}
	}
	slices.SortFunc(list, func(a, b *webhook) int { return cmp.Compare(a.seq, b.seq) })
	items, next, err := pageAfter(list, req.Params.PageToken, s.listTag("webhooks", p.id.String()), (*webhook).api)
	if err != nil {
		return nil, err
	}
	return genserver.GetWebhooks200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateWebhook creates an outbound webhook for a project; the URL must be https. The signing
// secret is stored and shown masked.
// CircleCI API: POST /webhook (createWebhook).
func (s *Server) CreateWebhook(ctx context.Context, req genserver.CreateWebhookRequestObject) (genserver.CreateWebhookResponseObject, error) {
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
	if b.Scope.Type != gen.WebhookScopeInputTypeProject {
		return nil, server.NotFound(msgProjectNotFound) // the only scope there is
	}
	p, err := s.findProjectByID(u, b.Scope.ID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(b.Name) == "" {
		return nil, server.BadRequest("name is required")
	}
	if msg := checkWebhookURL(b.URL); msg != "" {
		return nil, server.BadRequest(msg)
	}
	events, msg := checkEvents(b.Events)
	if msg != "" {
		return nil, server.BadRequest(msg)
	}
	now := s.now()
	w := &webhook{listOrder: s.nextSeq(), id: s.newID(), project: p, name: b.Name, url: b.URL, verifyTLS: b.VerifyTLS,
		secret: b.SigningSecret, events: events, created: now, updated: now}
	s.st.webhooksByID[w.id] = w
	return genserver.CreateWebhook201JSONResponse(w.api()), nil
}

// GetWebhookByID returns a webhook.
// CircleCI API: GET /webhook/{webhook-id} (getWebhookById).
func (s *Server) GetWebhookByID(ctx context.Context, req genserver.GetWebhookByIDRequestObject) (genserver.GetWebhookByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, w, err := s.visibleWebhook(ctx, req.WebhookID)
	if err != nil {
		return nil, err
	}
	return genserver.GetWebhookByID200JSONResponse(w.api()), nil
}

// UpdateWebhook changes the fields given in the body.
// CircleCI API: PUT /webhook/{webhook-id} (updateWebhook).
func (s *Server) UpdateWebhook(ctx context.Context, req genserver.UpdateWebhookRequestObject) (genserver.UpdateWebhookResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, w, err := s.visibleWebhook(ctx, req.WebhookID)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body must name the fields to change")
	}
	if b.Name != nil && strings.TrimSpace(*b.Name) == "" {
		return nil, server.BadRequest("name must not be empty")
	}
	if b.URL != nil {
		if msg := checkWebhookURL(*b.URL); msg != "" {
			return nil, server.BadRequest(msg)
		}
	}
	var events []gen.WebhookEvents
	if b.Events != nil {
		var msg string
		if events, msg = checkEvents(b.Events); msg != "" {
			return nil, server.BadRequest(msg)
		}
	}
	if b.Name != nil {
		w.name = *b.Name
	}
	if b.URL != nil {
		w.url = *b.URL
	}
	if events != nil {
		w.events = events
	}
	if b.SigningSecret != nil {
		w.secret = *b.SigningSecret
	}
	if b.VerifyTLS != nil {
		w.verifyTLS = *b.VerifyTLS
	}
	w.updated = s.now()
	return genserver.UpdateWebhook200JSONResponse(w.api()), nil
}

// DeleteWebhook deletes a webhook.
// CircleCI API: DELETE /webhook/{webhook-id} (deleteWebhook).
func (s *Server) DeleteWebhook(ctx context.Context, req genserver.DeleteWebhookRequestObject) (genserver.DeleteWebhookResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, w, err := s.visibleWebhook(ctx, req.WebhookID)
	if err != nil {
		return nil, err
	}
	delete(s.st.webhooksByID, w.id)
	return genserver.DeleteWebhook200JSONResponse{Message: "Webhook deleted."}, nil
}
