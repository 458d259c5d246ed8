package fake_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// monday is a Monday, 00:00:30 UTC: the simulated time the schedule tests start at.
var monday = time.Date(2026, 5, 4, 0, 0, 30, 0, time.UTC)

// scheduledPipelines lists the project's pipelines (newest first, as the API does) that a schedule
// started, with their creation times.
func scheduledPipelines(e *env) []gen.Pipeline {
	e.t.Helper()
	var out []gen.Pipeline
	tok := ""
	for {
		var page gen.PipelineList
		path := demo + "/pipeline"
		if tok != "" {
			path += "?page-token=" + tok
		}
		e.must(200, "GET", path, nil, &page)
		for _, pl := range page.Items {
			if pl.Trigger.Type == gen.PipelineTriggerTypeScheduledPipeline {
				out = append(out, pl)
			}
		}
		if page.NextPageToken == nil || *page.NextPageToken == "" {
			return out
		}
		tok = *page.NextPageToken
	}
}

// TestSchedule_FiresOverAWeek: a schedule of 3 runs an hour on weekdays starts exactly 360 pipelines
// over a simulated week, at :00, :20 and :40 of every weekday hour, on its branch, with its
// parameters and actor, as scheduled_pipeline; advancing a day at a time fires the same runs as
// advancing the week at once.
func TestSchedule_FiresOverAWeek(t *testing.T) {
	t.Parallel()
	var hours []int
	for h := range 24 {
		hours = append(hours, h)
	}
	var runs [2][]time.Time
	for i, steps := range []int{1, 7} {
		e := newEnv(t, fake.WithClock(fake.ClockFunc(func() time.Time { return monday })))
		var sc gen.Schedule
		e.must(201, "POST", demo+"/schedule", map[string]any{
			"name": "weekday", "attribution-actor": "current",
			"timetable":  map[string]any{"per-hour": 3, "hours-of-day": hours, "days-of-week": []string{"MON", "TUE", "WED", "THU", "FRI"}},
			"parameters": map[string]any{"branch": "release", "nightly": true},
		}, &sc)
		for range steps {
			advance(t, e.fake, 7*24*time.Hour/time.Duration(steps))
		}
		pls := scheduledPipelines(e)
		if len(pls) != 5*24*3 {
			t.Fatalf("%d steps: %d scheduled pipelines over a week, want 360", steps, len(pls))
		}
		seen := map[time.Time]bool{}
		for _, pl := range pls {
			at := pl.CreatedAt.UTC()
			runs[i] = append(runs[i], at)
			if seen[at] {
				t.Errorf("two pipelines at %v", at)
			}
			seen[at] = true
			if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday || at.Minute()%20 != 0 || at.Second() != 0 || !at.After(monday) {
				t.Errorf("a pipeline at %v (%s)", at, at.Weekday())
			}
			if pl.Trigger.Actor.Login != "demo-user" || pl.VCS == nil || pl.VCS.Branch == nil || *pl.VCS.Branch != "release" {
				t.Errorf("pipeline %d: actor %q, vcs %+v", pl.Number, pl.Trigger.Actor.Login, pl.VCS)
			}
			if v, ok := pl.TriggerParameters["nightly"]; !ok || fmt.Sprint(viaJSON(t, v)) != "true" {
				t.Errorf("pipeline %d: trigger parameters %v", pl.Number, pl.TriggerParameters)
			}
		}
		if first := runs[i][len(runs[i])-1]; !first.Equal(monday.Add(20*time.Minute - 30*time.Second)) {
			t.Errorf("first run at %v, want 00:20 on Monday", first)
		}
		// The scheduled pipeline's config sees how it was started.
		var values map[string]any
		e.must(200, "GET", "/pipeline/"+pls[0].ID.String()+"/values", nil, &values)
		if values["pipeline.trigger_source"] != "scheduled_pipeline" || values["pipeline.schedule.name"] != "weekday" || values["pipeline.schedule.id"] != sc.ID.String() {
			t.Errorf("pipeline values %v", values)
		}
	}
	if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
		t.Errorf("a week at once and a day at a time fire differently (-week +days):\n%s", diff)
	}
}

// TestSchedule_SystemActorAndDaysOfMonth: a schedule attributed to the system actor runs as it, on
// the days of the month and in the months it names, and a deleted schedule fires no more.
func TestSchedule_SystemActorAndDaysOfMonth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithClock(fake.ClockFunc(func() time.Time { return monday })))
	var sc gen.Schedule
	e.must(201, "POST", demo+"/schedule", map[string]any{
		"name": "monthly", "attribution-actor": "system",
		"timetable":  map[string]any{"per-hour": 1, "hours-of-day": []int{6}, "days-of-month": []int{5, 31}, "months": []string{"MAY"}},
		"parameters": map[string]any{"branch": "main"},
	}, &sc)
	advance(t, e.fake, 60*24*time.Hour) // into July
	pls := scheduledPipelines(e)
	var got []string
	for _, pl := range pls {
		got = append(got, pl.CreatedAt.UTC().Format(time.DateTime)+" "+pl.Trigger.Actor.Login)
	}
	want := []string{"2026-05-31 06:00:00 system-actor", "2026-05-05 06:00:00 system-actor"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
	e.must(200, "DELETE", "/schedule/"+sc.ID.String(), nil, nil)
	advance(t, e.fake, 365*24*time.Hour)
	if n := len(scheduledPipelines(e)); n != 2 {
		t.Errorf("%d scheduled pipelines after the schedule was deleted, want 2", n)
	}
}

// TestSchedule_FiresDefinitionTriggers: a schedule trigger of a pipeline definition (cron 0 3 * * 1-5)
// fires on the simulated clock with the schedules: five runs over a week, at 03:00 on weekdays, as
// scheduled_pipeline with its parameters; a disabled one fires nothing.
func TestSchedule_FiresDefinitionTriggers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithClock(fake.ClockFunc(func() time.Time { return monday })))
	d := firstDefinition(e, demoProjectID)
	tp := defsPath(demoProjectID) + "/" + d.ID.String() + "/triggers"
	body := func(cron string) map[string]any {
		return map[string]any{"event_source": map[string]any{"provider": "schedule", "schedule": map[string]any{"cron_expression": cron, "attribution_actor": "system"}},
			"event_name": "nightly-report", "checkout_ref": "main", "config_ref": "main", "parameters": map[string]any{"nightly": true}}
	}
	var trig, off gen.Trigger
	e.must(200, "POST", tp, body("0 3 * * 1-5"), &trig)
	e.must(200, "POST", tp, body("30 * * * *"), &off)
	e.must(200, "PATCH", "/projects/"+demoProjectID+"/triggers/"+off.ID.String(), map[string]any{"disabled": true}, nil)
	advance(t, e.fake, 7*24*time.Hour)
	var got []string
	for _, pl := range scheduledPipelines(e) {
		got = append(got, pl.CreatedAt.UTC().Format("Mon 15:04")+" "+pl.Trigger.Actor.Login)
		if v := pl.TriggerParameters["nightly"]; fmt.Sprint(viaJSON(t, v)) != "true" {
			t.Errorf("pipeline %d: trigger parameters %v", pl.Number, pl.TriggerParameters)
		}
	}
	want := []string{"Fri 03:00 system-actor", "Thu 03:00 system-actor", "Wed 03:00 system-actor", "Tue 03:00 system-actor", "Mon 03:00 system-actor"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs of the schedule trigger (-want +got):\n%s", diff)
	}
}

// TestSchedule_LongAdvanceFiresEveryRun: one Advance over more runs of a trigger than one
// gathering may hold (an every-minute trigger over eight days: 11,520 runs) fires every one of
// them, the last at the last minute, as advancing a day at a time would.
func TestSchedule_LongAdvanceFiresEveryRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithClock(fake.ClockFunc(func() time.Time { return monday })))
	d := firstDefinition(e, demoProjectID)
	e.must(200, "POST", defsPath(demoProjectID)+"/"+d.ID.String()+"/triggers", map[string]any{
		"event_source": map[string]any{"provider": "schedule", "schedule": map[string]any{"cron_expression": "* * * * *", "attribution_actor": "system"}},
		"event_name":   "every-minute", "checkout_ref": "main", "config_ref": "main",
	}, nil)
	newest := func() gen.Pipeline {
		var page gen.PipelineList
		e.must(200, "GET", demo+"/pipeline", nil, &page)
		if len(page.Items) == 0 {
			return gen.Pipeline{}
		}
		return page.Items[0]
	}
	before := newest().Number
	advance(t, e.fake, 8*24*time.Hour)
	last := newest()
	if got, want := last.Number-before, int64(8*24*60); got != want {
		t.Errorf("%d pipelines fired over eight days of an every-minute trigger, want %d", got, want)
	}
	if want := e.fake.Now().Truncate(time.Minute); !last.CreatedAt.Equal(want) {
		t.Errorf("last run at %v, want %v", last.CreatedAt, want)
	}
}
