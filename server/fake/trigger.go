package fake

import (
	"cmp"
	"context"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const (
	msgTriggerNotFound = "Trigger not found."
	msgTriggerDeleted  = "Trigger deleted."
)

// The event source providers of triggers, as the live API serves them on create.
const (
	providerGitHubApp    = "github_app"
	providerGitHubServer = "github_server"
	providerGitHubOAuth  = "github_oauth"
	providerWebhook      = "webhook"
	providerSchedule     = "schedule"
)

// webhookTriggerBase is where the inbound URL of a webhook trigger points, as on CircleCI; the
// fake serves no such endpoint.
const webhookTriggerBase = "https://internal.circleci.com/private/soc/e/"

// redacted replaces a webhook trigger's secret in every answer but the create one, as on CircleCI.
const redacted = "**REDACTED**"

// trigger is an event that starts runs of a pipeline definition: repository events of a GitHub
// repository, calls of an inbound webhook, or a schedule.
type trigger struct {
	listOrder
	id         uuid.UUID
	definition *pipelineDefinition
	created    time.Time
	provider   string   // one of the provider… constants
	name       string   // the deprecated name a create gave, if any
	describe   string   // the deprecated description a create gave, if any
	repo       *project // the event source repository of the GitHub providers
	sender     string   // webhook: the name of the sending system
	secret     string   // webhook: the secret query parameter of its URL
	// schedule is the timetable of a schedule trigger, nil for other providers.
	schedule    *triggerSchedule
	eventPreset string
	eventName   string
	checkoutRef string
	configRef   string
	disabled    bool
	params      map[string]any // schedule only: the parameters of its runs, as the engine takes them
}

// triggerSchedule is the timetable of a schedule trigger: a five-field cron expression read in UTC
// and the user its runs are attributed to (the caller that created it for "current", the fake's
// system actor for "system").
type triggerSchedule struct {
	cron  cronSchedule
	actor *user
}

// api renders t; withSecret shows the webhook URL's secret (the create answer only).
func (t *trigger) api(withSecret, withCreated bool) gen.Trigger {
	src := &gen.TriggerEventSource{Provider: ptr(t.provider)}
	out := gen.Trigger{ID: ptr(t.id), EventSource: src}
	switch t.provider {
	case providerWebhook:
		secret := redacted
		if withSecret {
			secret = t.secret
		}
		src.Webhook = &gen.TriggerWebhook{URL: ptr(webhookTriggerBase + t.id.String() + "?secret=" + secret), Sender: ptr(t.sender)}
	case providerSchedule:
		src.Schedule = &gen.TriggerSchedule{CronExpression: ptr(t.schedule.cron.expr), AttributionActor: &gen.TriggerAttributionActor{ID: ptr(t.schedule.actor.id)}}
	default:
		src.Repo = repoAPI(t.repo)
	}
	// The deprecated name and description: what the create gave, else the webhook's sender and the
	// event name, which the live API shows there.
	if name := cmp.Or(t.name, t.sender); name != "" {
		out.Name = ptr(name)
	}
	if d := cmp.Or(t.describe, t.eventName); d != "" {
		out.Description = ptr(d)
	}
	if t.eventName != "" {
		out.EventName = ptr(t.eventName)
	}
	if t.eventPreset != "" {
		out.EventPreset = ptr(gen.TriggerEventPreset(t.eventPreset))
	}
	if t.checkoutRef != "" {
		out.CheckoutRef = ptr(t.checkoutRef)
	}
	if t.configRef != "" {
		out.ConfigRef = ptr(t.configRef)
	}
	if t.disabled {
		out.Disabled = ptr(true)
	}
	if len(t.params) > 0 {
		out.Parameters = maps.Clone(t.params)
	}
	if withCreated {
		out.CreatedAt = ptr(t.created)
	}
	return out
}

// check tells whether t, as a whole, is a trigger the live API would store, and names the first
// field that is not; the caller holds s.mu.
func (t *trigger) check() error {
	d := t.definition
	switch t.provider {
	case providerWebhook, providerSchedule:
		if t.eventName == "" {
			return server.BadRequest("event_name is required for " + t.provider + " triggers")
		}
		if t.checkoutRef == "" || t.configRef == "" {
			return server.BadRequest("checkout_ref and config_ref are required for " + t.provider + " triggers")
		}
		if t.eventPreset != "" {
			return server.BadRequest("event_preset is only for triggers of a repository's events, not " + t.provider + " ones")
		}
		if t.provider == providerWebhook && strings.TrimSpace(t.sender) == "" {
			return server.BadRequest("event_source.webhook.sender is required for webhook triggers")
		}
	default:
		if t.provider == providerGitHubOAuth {
			if t.eventPreset != "all-pushes" && t.eventPreset != "only-build-prs" {
				return server.BadRequest(`event_preset must be "all-pushes" or "only-build-prs" for github_oauth triggers`)
			}
			if t.disabled {
				return server.BadRequest("disabled is not supported for github_oauth triggers")
			}
		}
		// A ref is needed exactly when the event repository is not the definition's.
		if err := refRule("checkout_ref", t.checkoutRef, t.repo == d.checkoutRepo); err != nil {
			return err
		}
		if err := refRule("config_ref", t.configRef, d.configRepo == nil || t.repo == d.configRepo); err != nil {
			return err
		}
	}
	if len(t.params) > 0 && t.provider != providerSchedule {
		return server.BadRequest("parameters are only for schedule triggers")
	}
	return nil
}

func refRule(field, ref string, sameRepo bool) error {
	switch {
	case sameRepo && ref != "":
		return server.BadRequest(field + " must be left out: the event source repository is the pipeline definition's own")
	case !sameRepo && ref == "":
		return server.BadRequest(field + " is required: the event source repository is not the pipeline definition's")
	}
	return nil
}

// definitionForTrigger returns the caller and the definition a trigger route names, or the error
// to answer; the caller holds s.mu.
func (s *Server) definitionForTrigger(ctx context.Context, projectID, definitionID string) (*user, *pipelineDefinition, error) {
	u, p, err := s.visibleProjectByID(ctx, projectID, msgProjectNotFound)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.projectDefinition(p, definitionID)
	if err != nil {
		return nil, nil, err
	}
	if d == nil {
		return nil, nil, server.NotFound(msgDefinitionNotFound)
	}
	return u, d, nil
}

// visibleTrigger returns the caller and the trigger of a project a trigger route names, or the
// error to answer; the caller holds s.mu.
func (s *Server) visibleTrigger(ctx context.Context, projectID, triggerID string) (*user, *trigger, error) {
	u, p, err := s.visibleProjectByID(ctx, projectID, msgProjectNotFound)
	if err != nil {
		return nil, nil, err
	}
	id, err := uuid.Parse(triggerID)
	if err != nil {
		return nil, nil, server.BadRequest("Invalid trigger id.")
	}
	if t, ok := s.st.triggersByID[id]; ok && t.definition.project == p {
		return u, t, nil
	}
	return nil, nil, server.NotFound(msgTriggerNotFound)
}

// ListPipelineDefinitionTriggers lists the triggers of a definition in one answer, oldest first.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions/{pipeline_definition_id}/triggers (listPipelineDefinitionTriggers).
func (s *Server) ListPipelineDefinitionTriggers(ctx context.Context, req genserver.ListPipelineDefinitionTriggersRequestObject) (genserver.ListPipelineDefinitionTriggersResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, d, err := s.definitionForTrigger(ctx, req.ProjectID, req.PipelineDefinitionID)
	if err != nil {
		return nil, err
	}
	items := []gen.Trigger{}
	for _, t := range d.triggers {
		items = append(items, t.api(false, true))
	}
	return genserver.ListPipelineDefinitionTriggers200JSONResponse{Items: items}, nil
}

// CreateTrigger attaches a trigger to a definition. The rules per event source provider are the
// live API's: a GitHub provider takes the repository's numeric external_id (a repository of the
// organization), and checkout_ref and config_ref exactly when that repository is not the
// definition's; github_oauth takes only the presets all-pushes and only-build-prs and cannot be
// disabled; webhook and schedule triggers need event_name, checkout_ref and config_ref and take no
// preset; only schedule triggers take parameters. As on CircleCI it answers 200 without created_at,
// and only this answer shows a webhook trigger's real URL.
// CircleCI API: POST /projects/{project_id}/pipeline-definitions/{pipeline_definition_id}/triggers (createTrigger).
func (s *Server) CreateTrigger(ctx context.Context, req genserver.CreateTriggerRequestObject) (genserver.CreateTriggerResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, d, err := s.definitionForTrigger(ctx, req.ProjectID, req.PipelineDefinitionID)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body is required")
	}
	es := b.EventSource
	t := &trigger{
		definition: d, provider: string(es.Provider), eventName: deref(b.EventName), name: deref(b.Name), describe: deref(b.Description),
		checkoutRef: deref(b.CheckoutRef), configRef: deref(b.ConfigRef), disabled: b.Disabled != nil && *b.Disabled,
	}
	if b.EventPreset != nil {
		t.eventPreset = string(*b.EventPreset)
	}
	isRepo := t.provider != providerWebhook && t.provider != providerSchedule
	switch {
	case es.Repo != nil && !isRepo:
		return nil, server.BadRequest("event_source.repo is only for the GitHub providers, not " + t.provider)
	case es.Webhook != nil && t.provider != providerWebhook:
		return nil, server.BadRequest("event_source.webhook is only for provider webhook")
	case es.Schedule != nil && t.provider != providerSchedule:
		return nil, server.BadRequest("event_source.schedule is only for provider schedule")
	}
	switch t.provider {
	case providerWebhook:
		if es.Webhook == nil {
			return nil, server.BadRequest("event_source.webhook is required for webhook triggers")
		}
		t.sender = deref(es.Webhook.Sender)
	case providerSchedule:
		if t.schedule, err = s.scheduleInput(u, es.Schedule, nil); err != nil {
			return nil, err
		}
	default:
		if es.Repo == nil {
			return nil, server.BadRequest("event_source.repo is required for " + t.provider + " triggers")
		}
		if t.repo, err = s.orgRepo(d.project.org, "event_source.repo.external_id", es.Repo.ExternalID); err != nil {
			return nil, err
		}
	}
	if t.params, err = runParameters(b.Parameters); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	t.id, t.created, t.listOrder = s.newID(), s.now(), s.nextSeq()
	if t.provider == providerWebhook {
		secret := s.newID()
		t.secret = hex.EncodeToString(secret[:])
	}
	d.triggers = append(d.triggers, t)
	s.st.triggersByID[t.id] = t
	return genserver.CreateTrigger200JSONResponse(t.api(true, false)), nil
}

// scheduleInput reads the schedule of a schedule trigger: old is the stored one on update (nil on
// create, when both fields are required).
func (s *Server) scheduleInput(u *user, in *gen.TriggerScheduleInput, old *triggerSchedule) (*triggerSchedule, error) {
	var out triggerSchedule
	if old != nil {
		out = *old
	}
	if in == nil || (old == nil && (in.CronExpression == nil || in.AttributionActor == nil)) {
		return nil, server.BadRequest("event_source.schedule.cron_expression and event_source.schedule.attribution_actor are required for schedule triggers")
	}
	if in.CronExpression != nil {
		c, err := parseCron(*in.CronExpression)
		if err != nil {
			return nil, server.BadRequest("event_source.schedule.cron_expression: " + err.Error())
		}
		out.cron = c
	}
	if in.AttributionActor != nil {
		out.actor = u
		if *in.AttributionActor == gen.TriggerScheduleInputAttributionActorSystem {
			out.actor = s.system
		}
	}
	return &out, nil
}

// GetTrigger returns a trigger of the project; a webhook trigger's secret is redacted.
// CircleCI API: GET /projects/{project_id}/triggers/{trigger_id} (getTrigger).
func (s *Server) GetTrigger(ctx context.Context, req genserver.GetTriggerRequestObject) (genserver.GetTriggerResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, t, err := s.visibleTrigger(ctx, req.ProjectID, req.TriggerID)
	if err != nil {
		return nil, err
	}
	return genserver.GetTrigger200JSONResponse(t.api(false, true)), nil
}

// UpdateTrigger changes the fields of a trigger that the body holds, under the rules of
// [Server.CreateTrigger]; the provider and the event source repository cannot be changed. A
// rejected change changes nothing.
// CircleCI API: PATCH /projects/{project_id}/triggers/{trigger_id} (updateTrigger).
func (s *Server) UpdateTrigger(ctx context.Context, req genserver.UpdateTriggerRequestObject) (genserver.UpdateTriggerResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, t, err := s.visibleTrigger(ctx, req.ProjectID, req.TriggerID)
	if err != nil {
		return nil, err
	}
	next := *t
	if b := req.Body; b != nil {
		if b.EventName != nil {
			next.eventName = *b.EventName
		}
		if b.EventPreset != nil {
			next.eventPreset = string(*b.EventPreset)
		}
		if b.CheckoutRef != nil {
			next.checkoutRef = *b.CheckoutRef
		}
		if b.ConfigRef != nil {
			next.configRef = *b.ConfigRef
		}
		if b.Disabled != nil {
			next.disabled = *b.Disabled
		}
		if b.Parameters != nil {
			if next.params, err = runParameters(b.Parameters); err != nil {
				return nil, err
			}
		}
		if es := b.EventSource; es != nil {
			switch {
			case es.Provider != nil && *es.Provider != t.provider:
				return nil, server.BadRequest("event_source.provider cannot be changed: the trigger's is " + quote(t.provider))
			case es.Webhook != nil && t.provider != providerWebhook:
				return nil, server.BadRequest("event_source.webhook is only for provider webhook")
			case es.Schedule != nil && t.provider != providerSchedule:
				return nil, server.BadRequest("event_source.schedule is only for provider schedule")
			}
			if es.Webhook != nil && es.Webhook.Sender != nil {
				next.sender = *es.Webhook.Sender
			}
			if es.Schedule != nil {
				if next.schedule, err = s.scheduleInput(u, es.Schedule, t.schedule); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := next.check(); err != nil {
		return nil, err
	}
	*t = next
	return genserver.UpdateTrigger200JSONResponse(t.api(false, true)), nil
}

// DeleteTrigger deletes a trigger of the project.
// CircleCI API: DELETE /projects/{project_id}/triggers/{trigger_id} (deleteTrigger).
func (s *Server) DeleteTrigger(ctx context.Context, req genserver.DeleteTriggerRequestObject) (genserver.DeleteTriggerResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, t, err := s.visibleTrigger(ctx, req.ProjectID, req.TriggerID)
	if err != nil {
		return nil, err
	}
	delete(s.st.triggersByID, t.id)
	d := t.definition
	d.triggers = slices.DeleteFunc(d.triggers, func(x *trigger) bool { return x == t })
	return genserver.DeleteTrigger200JSONResponse{Message: msgTriggerDeleted}, nil
}

// dueTrigger is one firing of a schedule trigger that [Server.scheduledTriggers] found due: the
// trigger, the minute it fires at, and what its run is started with, so that the caller runs it
// with [Server.runDefinition](ctx, actor, trigger.definition.project, trigger.definition, params,
// branch, "").
type dueTrigger struct {
	trigger *trigger
	at      time.Time      // the minute of the timetable, in UTC
	actor   *user          // the attribution actor
	params  map[string]any // the trigger's parameters (nil for none)
	branch  string         // the trigger's checkout_ref; its config_ref names the same content in the fake
}

// maxFiringsPerTrigger bounds what one call of scheduledTriggers returns per trigger, so that a
// long jump of the clock cannot make it build an unbounded list.
const maxFiringsPerTrigger = 10000

// scheduledTriggers returns every firing of the enabled schedule triggers whose minute is after
// from and not after to, in time order (triggers made earlier first within a minute), at most
// maxFiringsPerTrigger per trigger. It changes nothing: the caller decides which firings to run
// and remembers how far it has fired. The caller holds s.mu.
func (s *Server) scheduledTriggers(from, to time.Time) []dueTrigger {
	var out []dueTrigger
	for _, t := range s.st.triggersByID {
		if t.provider != providerSchedule || t.disabled {
			continue
		}
		at := from
		for n := 0; n < maxFiringsPerTrigger; n++ {
			next, ok := t.schedule.cron.next(at)
			if !ok || next.After(to) {
				break
			}
			out = append(out, dueTrigger{trigger: t, at: next, actor: t.schedule.actor, params: t.params, branch: t.checkoutRef})
			at = next
		}
	}
	slices.SortFunc(out, func(a, b dueTrigger) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.trigger.seq, b.trigger.seq)
	})
	return out
}
