package fake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/faketest"
)

// TestTrigger_CRUD creates a webhook, a schedule and a GitHub trigger on a definition with the
// typed client, reads, lists, changes and deletes them, and checks the live API's answer shapes:
// create is 200 without created_at and the only answer with the webhook's secret; disabled is left
// out for an enabled trigger; description mirrors event_name; a schedule's actor is an object.
func TestTrigger_CRUD(t *testing.T) {
	t.Parallel()
	ts := faketest.NewServer(t)
	c, ctx := ts.Client, context.Background()
	def := firstDefinitionOf(t, c, demoCircleProject)
	defID := def.ID.String()
	me, err := c.GetCurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}

	hook, err := c.CreateTrigger(ctx, demoCircleProject, defID, gen.CreateTriggerRequest{
		EventSource: gen.TriggerEventSourceInput{Provider: "webhook", Webhook: &gen.TriggerWebhookInput{Sender: ptr("deployer")}},
		EventName:   ptr("deploy-requested"), CheckoutRef: ptr("main"), ConfigRef: ptr("main"),
	})
	if err != nil {
		t.Fatal(err)
	}
	url := *hook.EventSource.Webhook.URL
	if hook.CreatedAt != nil || hook.Disabled != nil || deref(hook.Name) != "deployer" || deref(hook.Description) != "deploy-requested" ||
		!strings.HasPrefix(url, "https://internal.circleci.com/private/soc/e/"+hook.ID.String()+"?secret=") || strings.Contains(url, "REDACTED") {
		t.Errorf("webhook trigger as created: %+v, url %s", hook, url)
	}
	got, err := c.GetTrigger(ctx, demoCircleProject, hook.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt == nil || !got.CreatedAt.Equal(ts.Fake.Now()) || *got.EventSource.Webhook.URL != url[:strings.Index(url, "=")+1]+"**REDACTED**" {
		t.Errorf("webhook trigger as read: created %v url %s", got.CreatedAt, *got.EventSource.Webhook.URL)
	}

	sched, err := c.CreateTrigger(ctx, demoCircleProject, defID, gen.CreateTriggerRequest{
		EventSource: gen.TriggerEventSourceInput{Provider: "schedule", Schedule: &gen.TriggerScheduleInput{CronExpression: ptr("0 3 * * 1-5"), AttributionActor: ptr(gen.TriggerScheduleInputAttributionActorCurrent)}},
		EventName:   ptr("nightly"), CheckoutRef: ptr("main"), ConfigRef: ptr("main"), Parameters: map[string]any{"nightly": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := sched.EventSource.Schedule; *s.CronExpression != "0 3 * * 1-5" || *s.AttributionActor.ID != me.ID || sched.Parameters["nightly"] != true {
		t.Errorf("schedule trigger: %+v %+v", *s, sched.Parameters)
	}

	ext := *def.CheckoutSource.Repo.ExternalID
	gh, err := c.CreateTrigger(ctx, demoCircleProject, defID, gen.CreateTriggerRequest{
		EventSource: gen.TriggerEventSourceInput{Provider: "github_app", Repo: &gen.RepoExternalID{ExternalID: ext}},
		EventPreset: ptr(gen.TriggerEventPresetInput("only-tags")),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *gh.EventSource.Repo.FullName != "demo-standalone/demo-standalone-app" || *gh.EventPreset != "only-tags" || gh.CheckoutRef != nil {
		t.Errorf("github trigger: %+v", gh)
	}

	l, err := c.ListPipelineDefinitionTriggers(ctx, demoCircleProject, defID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tr := range l.Items {
		ids = append(ids, tr.ID.String())
		if tr.CreatedAt == nil {
			t.Errorf("listed trigger %s has no created_at", tr.ID)
		}
	}
	if diff := cmp.Diff([]string{hook.ID.String(), sched.ID.String(), gh.ID.String()}, ids); diff != "" {
		t.Errorf("listed triggers:\n%s", diff)
	}

	upd, err := c.UpdateTrigger(ctx, demoCircleProject, sched.ID.String(), gen.UpdateTriggerRequest{
		Disabled:    ptr(true),
		EventSource: &gen.TriggerEventSourceUpdate{Provider: ptr("schedule"), Schedule: &gen.TriggerScheduleInput{CronExpression: ptr("15 4 * * *")}},
		Parameters:  map[string]any{"environment": "production"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.Disabled != true || *upd.EventSource.Schedule.CronExpression != "15 4 * * *" || *upd.EventSource.Schedule.AttributionActor.ID != me.ID ||
		upd.Parameters["environment"] != "production" || upd.Parameters["nightly"] != nil || upd.CreatedAt == nil {
		t.Errorf("updated schedule trigger: %+v %+v", upd, *upd.EventSource.Schedule)
	}

	if _, err := c.DeletePipelineDefinition(ctx, demoCircleProject, defID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		_, err := c.GetTrigger(ctx, demoCircleProject, id)
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
			t.Errorf("trigger %s after its definition was deleted: %v, want 404", id, err)
		}
	}
}

// TestTrigger_BadInput sends trigger requests the fake must refuse with a 4xx naming what is wrong
// under the live API's per-provider rules, and checks that none of them changed the triggers.
func TestTrigger_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := firstDefinition(e, demoProjectID)
	tp := defsPath(demoProjectID) + "/" + d.ID.String() + "/triggers"
	ext := *d.ConfigSource.Repo.ExternalID
	webhook := func(extra map[string]any) map[string]any {
		b := map[string]any{"event_source": map[string]any{"provider": "webhook", "webhook": map[string]any{"sender": "s"}}, "event_name": "e", "checkout_ref": "main", "config_ref": "main"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	schedule := func(cron string) map[string]any {
		return map[string]any{"event_source": map[string]any{"provider": "schedule", "schedule": map[string]any{"cron_expression": cron, "attribution_actor": "system"}}, "event_name": "n", "checkout_ref": "main", "config_ref": "main"}
	}
	github := func(provider, preset string, extra map[string]any) map[string]any {
		b := map[string]any{"event_source": map[string]any{"provider": provider, "repo": map[string]any{"external_id": ext}}}
		if preset != "" {
			b["event_preset"] = preset
		}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	var existing gen.Trigger
	e.must(200, "POST", tp, webhook(nil), &existing)
	trig := "/projects/" + demoProjectID + "/triggers/" + existing.ID.String()
	var before gen.TriggerList
	e.must(200, "GET", tp, nil, &before)
	unknown := "00000000-0000-4000-8000-00000000ffff"
	tests := []struct {
		name, method, path string
		body               any
		status             int
		msg                string
	}{
		{"unknown definition", "POST", defsPath(demoProjectID) + "/" + unknown + "/triggers", webhook(nil), 404, "Pipeline definition not found."},
		{"list: unknown definition", "GET", defsPath(demoProjectID) + "/" + unknown + "/triggers", nil, 404, "Pipeline definition not found."},
		{"unknown provider", "POST", tp, map[string]any{"event_source": map[string]any{"provider": "gitlab"}}, 400, "provider"},
		{"only-branch-delete", "POST", tp, github("github_app", "only-branch-delete", nil), 400, "event_preset"},
		{"webhook: no sender", "POST", tp, webhook(map[string]any{"event_source": map[string]any{"provider": "webhook", "webhook": map[string]any{}}}), 400, "event_source.webhook.sender is required"},
		{"webhook: no event_name", "POST", tp, webhook(map[string]any{"event_name": ""}), 400, "event_name is required for webhook triggers"},
		{"webhook: no config_ref", "POST", tp, webhook(map[string]any{"config_ref": ""}), 400, "checkout_ref and config_ref are required for webhook triggers"},
		{"webhook: preset", "POST", tp, webhook(map[string]any{"event_preset": "all-pushes"}), 400, "event_preset is only for triggers of a repository's events"},
		{"webhook: parameters", "POST", tp, webhook(map[string]any{"parameters": map[string]any{"nightly": true}}), 400, "parameters are only for schedule triggers"},
		{"webhook: repo", "POST", tp, webhook(map[string]any{"event_source": map[string]any{"provider": "webhook", "webhook": map[string]any{"sender": "s"}, "repo": map[string]any{"external_id": ext}}}), 400, "event_source.repo is only for the GitHub providers"},
		{"schedule: bad cron", "POST", tp, schedule("0 25 * * *"), 400, `event_source.schedule.cron_expression: hour field "25"`},
		{"schedule: four fields", "POST", tp, schedule("0 3 * *"), 400, "must have five fields"},
		{"schedule: no schedule", "POST", tp, map[string]any{"event_source": map[string]any{"provider": "schedule"}, "event_name": "n", "checkout_ref": "main", "config_ref": "main"}, 400, "event_source.schedule.cron_expression and event_source.schedule.attribution_actor are required"},
		{"schedule: bad actor", "POST", tp, map[string]any{"event_source": map[string]any{"provider": "schedule", "schedule": map[string]any{"cron_expression": "* * * * *", "attribution_actor": "me"}}}, 400, "attribution_actor"},
		{"github: no repo", "POST", tp, map[string]any{"event_source": map[string]any{"provider": "github_app"}}, 400, "event_source.repo is required for github_app triggers"},
		{"github: external id not a number", "POST", tp, map[string]any{"event_source": map[string]any{"provider": "github_app", "repo": map[string]any{"external_id": "a/b"}}}, 400, "event_source.repo.external_id must be the repository's numeric ID"},
		{"github: ref for the definition's own repo", "POST", tp, github("github_app", "", map[string]any{"checkout_ref": "main"}), 400, "checkout_ref must be left out"},
		{"github_oauth: other preset", "POST", tp, github("github_oauth", "only-tags", nil), 400, `event_preset must be "all-pushes" or "only-build-prs" for github_oauth triggers`},
		{"github_oauth: disabled", "POST", tp, github("github_oauth", "all-pushes", map[string]any{"disabled": true}), 400, "disabled is not supported for github_oauth triggers"},
		{"get: unknown", "GET", "/projects/" + demoProjectID + "/triggers/" + unknown, nil, 404, "Trigger not found."},
		{"get: another project's", "GET", "/projects/" + demoCircleProject + "/triggers/" + existing.ID.String(), nil, 404, "Trigger not found."},
		{"get: id not a UUID", "GET", "/projects/" + demoProjectID + "/triggers/x", nil, 400, "Invalid trigger id."},
		{"update: provider", "PATCH", trig, map[string]any{"event_source": map[string]any{"provider": "schedule"}}, 400, `event_source.provider cannot be changed: the trigger's is "webhook"`},
		{"update: schedule on a webhook", "PATCH", trig, map[string]any{"event_source": map[string]any{"schedule": map[string]any{"cron_expression": "* * * * *"}}}, 400, "event_source.schedule is only for provider schedule"},
		{"update: blank event name", "PATCH", trig, map[string]any{"event_name": ""}, 400, "event_name is required"},
		{"update: preset on a webhook", "PATCH", trig, map[string]any{"event_preset": "all-pushes", "disabled": true}, 400, "event_preset is only for"},
		{"delete: unknown", "DELETE", "/projects/" + demoProjectID + "/triggers/" + unknown, nil, 404, "Trigger not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body map[string]any
			got := e.call(fake.DemoToken, tt.method, tt.path, tt.body, &body)
			msg, _ := body["message"].(string)
			if got != tt.status || !strings.Contains(msg, tt.msg) {
				t.Errorf("%s %s: %d %q, want %d with %q", tt.method, tt.path, got, msg, tt.status, tt.msg)
			}
		})
	}
	var after gen.TriggerList
	e.must(200, "GET", tp, nil, &after)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("refused requests changed the triggers:\n%s", diff)
	}
	if got := e.call("other-token", "GET", trig, nil, nil); got != 404 {
		t.Errorf("another organization's user reads the trigger: %d, want 404", got)
	}
}

// TestTrigger_CLICreate sends the body CircleCI's CLI sends for circleci trigger create (the
// deprecated name and description, and event_preset "" when none was chosen) and checks that the
// trigger has the name the CLI prints.
func TestTrigger_CLICreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := firstDefinition(e, demoCircleProject)
	var tr gen.Trigger
	e.must(200, "POST", defsPath(demoCircleProject)+"/"+d.ID.String()+"/triggers", map[string]any{
		"name": "my-trigger", "description": "", "event_preset": "",
		"event_source": map[string]any{"provider": "github_app", "repo": map[string]any{"external_id": *d.CheckoutSource.Repo.ExternalID}},
	}, &tr)
	if deref(tr.Name) != "my-trigger" || tr.EventPreset != nil || tr.Description != nil {
		t.Errorf("trigger the CLI created: name %q preset %v description %v", deref(tr.Name), tr.EventPreset, tr.Description)
	}
}
