package fake

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const msgWebhookNotFound = "Webhook not found."

// webhook is an outbound webhook of a project; delivery.go sends it the events it subscribes to.
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

// webhookSecretMask is what CircleCI shows of a webhook's signing secret: "****" when one is set and
// nothing (the key absent) when none is.
func webhookSecretMask(secret string) *string {
	if secret == "" {
		return nil
	}
	return ptr("****")
}

func (w *webhook) api() gen.Webhook {
	return gen.Webhook{
		CreatedAt:     w.created,
		Events:        slices.Clone(w.events),
		ID:            w.id,
		Name:          w.name,
		Scope:         gen.WebhookScope{ID: w.project.id, Type: "project"},
		SigningSecret: webhookSecretMask(w.secret),
		UpdatedAt:     w.updated,
		URL:           w.url,
		VerifyTLS:     w.verifyTLS,
	}
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
	if msg := s.checkWebhookURL(b.URL); msg != "" {
		return nil, server.BadRequest(msg)
	}
	events, msg := checkEvents(b.Events)
	if msg != "" {
		return nil, server.BadRequest(msg)
	}
	now := s.now()
	w := &webhook{listOrder: s.nextSeq(), id: s.newID(), project: p, name: b.Name, url: b.URL, verifyTLS: b.VerifyTLS != nil && *b.VerifyTLS,
		secret: deref(b.SigningSecret), events: events, created: now, updated: now}
	s.st.webhooksByID[w.id] = w
	s.startTicker()
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
		if msg := s.checkWebhookURL(*b.URL); msg != "" {
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

// webhookResponseSpellings are the keys CircleCI's webhook responses use for two settings that
// requests must spell with a hyphen; the live API accepts the snake_case spellings in a request with
// a 2xx and drops them, storing the webhook unsigned or with TLS verification off.
var webhookResponseSpellings = [...]struct{ got, want string }{
	{"signing_secret", "signing-secret"},
	{"verify_tls", "verify-tls"},
}

// maxPeekedBody is how much of a webhook request body [Server.checkWebhookKeys] reads to look for the
// snake_case keys; a longer body is passed on unread, for the server kit's size limit to refuse.
const maxPeekedBody = 1 << 20

// checkWebhookKeys is a route middleware that answers 400 to a createWebhook or updateWebhook request
// whose body spells signing_secret or verify_tls as responses do, where CircleCI would silently drop
// the key, so that the mistake shows up offline. Other requests, and bodies that are not a JSON
// object, pass through unchanged for the kit to judge.
func (s *Server) checkWebhookKeys(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch server.OperationIDFromContext(r.Context()) {
		case "createWebhook", "updateWebhook":
		default:
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPeekedBody+1))
		if err != nil {
			server.WriteError(w, r, http.StatusBadRequest, "reading the body: "+err.Error())
			return
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		var keys map[string]json.RawMessage
		if len(body) <= maxPeekedBody && json.Unmarshal(body, &keys) == nil {
			for _, k := range webhookResponseSpellings {
				if _, ok := keys[k.got]; ok {
					server.WriteError(w, r, http.StatusBadRequest, fmt.Sprintf(
						"%s is the spelling of webhook responses; a request must send %s, and CircleCI silently ignores %s (the webhook would keep no such setting)",
						k.got, k.want, k.got))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
