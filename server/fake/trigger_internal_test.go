package fake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
)

func TestParseCron_Next(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		expr, from string
		want       []string // the next firings, in order
	}{
		{"* * * * *", "2026-01-01T10:00:30Z", []string{"2026-01-01T10:01:00Z", "2026-01-01T10:02:00Z"}},
		{"30 2 * * *", "2026-01-01T02:30:00Z", []string{"2026-01-02T02:30:00Z", "2026-01-03T02:30:00Z"}},
		{"*/15 9-10 * * *", "2026-01-01T10:40:00Z", []string{"2026-01-01T10:45:00Z", "2026-01-02T09:00:00Z", "2026-01-02T09:15:00Z"}},
		{"0 0 * * MON", "2026-01-01T00:00:00Z", []string{"2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"}}, // 2026-01-01 is a Thursday
		{"0 0 * * 7", "2026-01-01T00:00:00Z", []string{"2026-01-04T00:00:00Z"}},                           // 7 is Sunday
		{"0 12 1 * 5", "2026-01-01T13:00:00Z", []string{"2026-01-02T12:00:00Z", "2026-01-09T12:00:00Z"}},  // day 1 or a Friday
		{"0 0 29 feb *", "2026-03-01T00:00:00Z", []string{"2028-02-29T00:00:00Z"}},                        // the next leap day
		{"5,10 0 1 jan-mar/2 *", "2026-01-01T00:05:00Z", []string{"2026-01-01T00:10:00Z", "2026-03-01T00:05:00Z"}},
	}
	for _, tt := range tests {
		c, err := parseCron(tt.expr)
		if err != nil {
			t.Fatalf("%q: %v", tt.expr, err)
		}
		var got []string
		from := at(tt.from)
		for range tt.want {
			next, ok := c.next(from)
			if !ok {
				break
			}
			got = append(got, next.Format(time.RFC3339))
			from = next
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q from %s:\n%s", tt.expr, tt.from, diff)
		}
	}
	if c, err := parseCron("0 0 31 2 *"); err != nil {
		t.Fatal(err)
	} else if next, ok := c.next(at("2026-01-01T00:00:00Z")); ok {
		t.Errorf("31 February fires at %s", next)
	}
	for _, bad := range []struct{ expr, msg string }{
		{"* * * *", "must have five fields"},
		{"60 * * * *", `minute field "60": "60" is not a value from 0 to 59`},
		{"* 24 * * *", "hour field"},
		{"* * 0 * *", "day of month field"},
		{"* * * 13 *", "month field"},
		{"* * * * 8", "day of week field"},
		{"*/0 * * * *", "step"},
		{"5-1 * * * *", "goes backwards"},
		{"* * * * FUNDAY", "day of week field"},
	} {
		if _, err := parseCron(bad.expr); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("parseCron(%q) = %v, want an error with %q", bad.expr, err, bad.msg)
		}
	}
}

// TestScheduledTriggers stores schedule triggers through the API and checks what scheduledTriggers
// lists as due, and that running the due firings with runDefinition (what firing them on the clock
// will do) starts pipelines on the trigger's ref with its parameters and actor.
func TestScheduledTriggers(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(WithClock(ClockFunc(func() time.Time { return start })), WithIDSource(SequentialIDs()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := WithToken(context.Background(), DemoToken)
	s.mu.Lock()
	p := s.st.projectsBySlug["gh/demo-org/demo-app"]
	d := s.st.defs(p).list[0]
	s.mu.Unlock()
	create := func(cron string, actor gen.TriggerScheduleInputAttributionActor, disabled bool) gen.Trigger {
		t.Helper()
		res, err := s.CreateTrigger(ctx, genserver.CreateTriggerRequestObject{
			ProjectID: p.id.String(), PipelineDefinitionID: d.id.String(),
			Body: &gen.CreateTriggerRequest{
				EventSource: gen.TriggerEventSourceInput{Provider: "schedule", Schedule: &gen.TriggerScheduleInput{CronExpression: &cron, AttributionActor: &actor}},
				EventName:   ptr("nightly " + cron), CheckoutRef: ptr("release"), ConfigRef: ptr("release"), Disabled: &disabled,
				Parameters: map[string]any{"nightly": true},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return gen.Trigger(res.(genserver.CreateTrigger200JSONResponse))
	}
	hourly := create("0 * * * *", "current", false)
	daily := create("30 2 * * *", "system", false)
	create("* * * * *", "current", true) // disabled: never due

	s.mu.Lock()
	defer s.mu.Unlock()
	due := s.scheduledTriggers(start, start.Add(3*time.Hour))
	var got []string
	for _, f := range due {
		got = append(got, f.at.Format("15:04")+" "+f.trigger.id.String()[30:]+" "+f.actor.login+" "+f.branch)
	}
	h, dl := hourly.ID.String()[30:], daily.ID.String()[30:]
	want := []string{
		"01:00 " + h + " demo-user release",
		"02:00 " + h + " demo-user release",
		"02:30 " + dl + " system-actor release",
		"03:00 " + h + " demo-user release",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("due firings in the first three hours:\n%s", diff)
	}
	if n := len(s.scheduledTriggers(start.Add(3*time.Hour), start.Add(3*time.Hour+59*time.Minute))); n != 0 {
		t.Errorf("%d firings due between 03:00 and 03:59, want none", n)
	}
	for _, f := range due {
		pl, err := s.runDefinition(ctx, f.actor, f.trigger.definition.project, f.trigger.definition, f.params, f.branch, "")
		if err != nil {
			t.Fatal(err)
		}
		out := s.st.pipelineAPI(pl)
		if deref(out.VCS.Branch) != "release" || out.Trigger.Actor.Login != f.actor.login || len(out.TriggerParameters) != 1 {
			t.Errorf("pipeline of a due firing: %+v %+v %v", out.VCS, out.Trigger, out.TriggerParameters)
		}
	}
	if n := len(p.pipelines); n != len(due) {
		t.Errorf("%d pipelines, want %d", n, len(due))
	}
	if _, err := s.runDefinition(ctx, s.system, p, d, map[string]any{"nope": 1}, "", ""); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("runDefinition with an undeclared parameter: %v", err)
	}
}
