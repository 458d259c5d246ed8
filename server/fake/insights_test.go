package fake_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
)

// insightsConfig runs two workflows a pipeline: ci (four jobs of three resource classes, one of
// them parallel) and lint-only.
const insightsConfig = `version: 2.1
jobs:
  build:
    docker: [{image: cimg/go:1.26}]
    resource_class: large
    steps: [checkout]
    x-fake: {duration: 45s}
  test:
    docker: [{image: cimg/go:1.26}]
    parallelism: 2
    steps:
      - checkout
      - store_test_results:
          path: test-results
          x-fake:
            tests:
              - {classname: app, name: TestA, file: a_test.go, run_time: 0.25}
              - {classname: app, name: TestB, file: b_test.go, run_time: 12.5}
              - {classname: app, name: TestSkipped, file: b_test.go, outcome: skipped}
              - {classname: app, name: TestRetry, file: c_test.go, outcome: flaky, every: 9, run_time: 0.5}
      - store_artifacts: {path: coverage.html}
  lint:
    docker: [{image: cimg/go:1.26}]
    resource_class: small
    steps:
      - checkout
      - store_test_results:
          path: lint-results
          x-fake:
            tests:
              - {classname: lint, name: TestVet, file: vet.go, run_time: 3}
              - {classname: lint, name: TestStyle, file: style.go, outcome: flaky, every: 7, run_time: 1.5}
  deploy:
    machine: true
    steps: [checkout]
    x-fake: {duration: 30s}
workflows:
  ci:
    jobs:
      - build
      - test: {requires: [build]}
      - lint: {requires: [build]}
      - deploy: {requires: [test, lint]}
  lint-only:
    jobs: [lint]
`

const insightsSlug = "gh/demo-org/insights-app"

// insightsEnv serves a fake whose demo organization has the insights-app project, with a history.
func insightsEnv(t *testing.T, h fake.History) *env {
	t.Helper()
	seed := otherSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "insights-app", Config: insightsConfig})
	e := newEnv(t, fake.WithSeed(seed))
	if err := e.fake.History(insightsSlug, h); err != nil {
		t.Fatal(err)
	}
	return e
}

// exerciseInsights calls every Insights operation once, for TestConformance.
func exerciseInsights(e *env) {
	e.t.Helper()
	e.must(200, "GET", "/insights/gh%2Fdemo-org/summary?reporting-window=last-7-days&project-names=demo-app", nil, nil)
	e.must(200, "GET", "/insights/pages/gh/demo-org/demo-app/summary?branches=main", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows?all-branches=true", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy?branch=release", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy/jobs", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy/summary", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy/test-metrics", nil, nil)
	e.must(200, "GET", "/insights/time-series/gh/demo-org/demo-app/workflows/build-test-deploy/jobs?granularity=hourly", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/branches", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/flaky-tests", nil, nil)
}

// listAll pages through a list endpoint (path may have a query) and returns every item.
func listAll[T any](e *env, path string) []T {
	e.t.Helper()
	var all []T
	tok := ""
	for {
		p := path
		if tok != "" {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			p += sep + "page-token=" + url.QueryEscape(tok)
		}
		var page struct {
			Items         []T     `json:"items"`
			NextPageToken *string `json:"next_page_token"`
		}
		e.must(200, "GET", p, nil, &page)
		all = append(all, page.Items...)
		if page.NextPageToken == nil {
			return all
		}
		tok = *page.NextPageToken
	}
}

// The oracle: what the project ran, read back through the fake's own list endpoints (pipelines,
// workflows, jobs, job details, tests), and every Insights figure computed again from that.

type oracleJob struct {
	name, status     string
	number           int64
	started, stopped time.Time
	credits          int64
	tests            []gen.TestResult
}

type oracleRun struct {
	id, name, status, branch string
	pipelineID               string
	pipelineNumber           int64
	created, stopped         time.Time // stopped is zero while the run has not stopped
	approval                 bool
	jobs                     []oracleJob // build jobs that ran in this run (not carried over)
}

// oracleRates are the credits per minute of the resource classes insightsConfig uses.
var oracleRates = map[string]float64{"small": 5, "medium": 10, "large": 20}

func readRuns(e *env, slug string) []oracleRun {
	e.t.Helper()
	var runs []oracleRun
	for _, pl := range listAll[gen.Pipeline](e, "/project/"+slug+"/pipeline") {
		for _, w := range listAll[gen.Workflow](e, "/pipeline/"+pl.ID.String()+"/workflow") {
			r := oracleRun{id: w.ID.String(), name: w.Name, status: string(w.Status), branch: deref(pl.VCS.Branch), pipelineID: pl.ID.String(), pipelineNumber: pl.Number, created: w.CreatedAt}
			if w.StoppedAt != nil {
				r.stopped = *w.StoppedAt
			}
			for _, j := range listAll[gen.Job](e, "/workflow/"+w.ID.String()+"/job") {
				if j.Type == gen.JobTypeApproval {
					r.approval = true
					continue
				}
				// A job a rerun from failed carried over started before the rerun was created.
				if j.StartedAt == nil || j.StartedAt.Before(w.CreatedAt) {
					continue
				}
				oj := oracleJob{name: j.Name, status: string(j.Status), number: *j.JobNumber, started: *j.StartedAt}
				if j.StoppedAt != nil {
					oj.stopped = *j.StoppedAt
					var d gen.JobDetails
					e.must(200, "GET", fmt.Sprintf("/project/%s/job/%d", slug, oj.number), nil, &d)
					rate, ok := oracleRates[d.Executor.ResourceClass]
					if !ok {
						e.t.Fatalf("job %s: resource class %q has no rate in the oracle", j.Name, d.Executor.ResourceClass)
					}
					oj.credits = int64(math.Round(oj.stopped.Sub(oj.started).Minutes() * rate * float64(max(d.Parallelism, 1))))
					if j.Status != gen.JobStatusCanceled {
						oj.tests = listAll[gen.TestResult](e, fmt.Sprintf("/project/%s/%d/tests", slug, oj.number))
					}
				}
				r.jobs = append(r.jobs, oj)
			}
			runs = append(runs, r)
		}
	}
	// Creation order; runs created at the same moment in the order of their pipelines (a rerun of an
	// older pipeline before the first run of a newer one), then in the order the pipeline lists them.
	sort.SliceStable(runs, func(i, k int) bool {
		return runs[i].created.Before(runs[k].created) || runs[i].created.Equal(runs[k].created) && runs[i].pipelineNumber < runs[k].pipelineNumber
	})
	return runs
}

func (r oracleRun) counted() bool {
	return slices.Contains([]string{"success", "failed", "canceled", "on_hold"}, r.status)
}

func (r oracleRun) completed() bool {
	return r.counted() && r.status != "on_hold" && !r.stopped.IsZero()
}

func (r oracleRun) credits() int64 {
	var n int64
	for _, j := range r.jobs {
		n += j.credits
	}
	return n
}

// oracleFilter picks runs: a workflow name ("" for any), a branch (all when all is set) and a
// window of creation times [from, to).
type oracleFilter struct {
	name     string
	branch   string
	all      bool
	from, to time.Time
}

func (f oracleFilter) pick(runs []oracleRun) []oracleRun {
	var out []oracleRun
	for _, r := range runs {
		if (f.name == "" || r.name == f.name) && (f.all || r.branch == f.branch) && !r.created.Before(f.from) && r.created.Before(f.to) && r.counted() {
			out = append(out, r)
		}
	}
	return out
}

// quantile interpolates linearly between the closest ranks of sorted values.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

func oracleDurations(secs []float64) gen.DurationMetrics {
	if len(secs) == 0 {
		return gen.DurationMetrics{}
	}
	s := slices.Clone(secs)
	slices.Sort(s)
	mean := 0.0
	for _, v := range s {
		mean += v / float64(len(s))
	}
	var sd float64
	if len(s) > 1 {
		for _, v := range s {
			sd += (v - mean) * (v - mean)
		}
		sd = math.Round(math.Sqrt(sd / float64(len(s)-1)))
	}
	i := func(v float64) *int64 { n := int64(v); return &n }
	return gen.DurationMetrics{Min: i(s[0]), Max: i(s[len(s)-1]), Mean: i(math.Round(mean)), Median: i(quantile(s, 0.5)), P95: i(quantile(s, 0.95)), StandardDeviation: ptrTo(float32(sd))}
}

func ptrTo[T any](v T) *T { return &v }

func days(from, to time.Time) float64 { return math.Max(1, math.Ceil(to.Sub(from).Hours()/24)) }

func rate(a, b int64) float32 {
	if b <= 0 {
		return 0
	}
	return float32(float64(a) / float64(b))
}

// oracleWorkflow computes the metrics of runs (one workflow, oldest first) as CircleCI defines them.
type oracleAgg struct {
	total, success, failed, canceled, completed, credits, totalDur int64
	durations                                                      []float64
	from, to                                                       time.Time
	recoveries                                                     int64
	recoveryTime                                                   time.Duration
}

func aggregate(runs []oracleRun) oracleAgg {
	var a oracleAgg
	var failedAt time.Time
	for _, r := range runs {
		a.total++
		a.credits += r.credits()
		if a.from.IsZero() || r.created.Before(a.from) {
			a.from = r.created
		}
		for _, t := range []time.Time{r.created, r.stopped} {
			if t.After(a.to) {
				a.to = t
			}
		}
		switch r.status {
		case "success":
			a.success++
			if !failedAt.IsZero() {
				a.recoveries++
				a.recoveryTime += r.stopped.Sub(failedAt)
				failedAt = time.Time{}
			}
		case "failed":
			a.failed++
			if failedAt.IsZero() {
				failedAt = r.stopped
			}
		case "canceled":
			a.canceled++
		}
		if r.completed() {
			a.completed++
			d := math.Floor(r.stopped.Sub(r.created).Seconds())
			a.durations = append(a.durations, d)
			a.totalDur += int64(d)
		}
	}
	return a
}

func (a oracleAgg) mttr() int64 {
	if a.recoveries == 0 {
		return 0
	}
	return int64(math.Round(a.recoveryTime.Seconds() / float64(a.recoveries)))
}

func (a oracleAgg) successRate() float32 { return rate(a.success, a.total-a.canceled) }

func (a oracleAgg) throughput() float32 { return float32(float64(a.total) / days(a.from, a.to)) }

func change(cur, prev float64) float32 {
	if prev == 0 {
		return 0
	}
	return float32((cur - prev) / prev)
}

var approx = cmpopts.EquateApprox(1e-5, 1e-6)

// TestInsights_Oracle gives a project a history with failures, flakes and two branches, reads it
// back through the list endpoints and checks every Insights answer against figures computed from
// that, over several reporting windows and branch filters.
func TestInsights_Oracle(t *testing.T) {
	t.Parallel()
	e := insightsEnv(t, fake.History{Days: 20, RunsPerDay: 6, FailureRate: 0.15, FlakeRate: 0.15, Branches: []string{"main", "main", "dev"}, Seed: 7})
	runs := readRuns(e, insightsSlug)
	now := e.fake.Now().Add(time.Millisecond) // windows end just after now
	if len(runs) < 200 {
		t.Fatalf("history gave %d runs", len(runs))
	}
	windows := map[string]time.Duration{"last-24-hours": 24 * time.Hour, "last-7-days": 7 * 24 * time.Hour, "last-30-days": 30 * 24 * time.Hour, "": 90 * 24 * time.Hour}
	branches := []struct {
		query  string
		branch string
		all    bool
	}{{"", "main", false}, {"branch=dev", "dev", false}, {"all-branches=true&branch=dev", "", true}, {"branch=nope", "nope", false}}
	base := "/insights/" + insightsSlug
	for wname, d := range windows {
		for _, b := range branches {
			q := b.query
			if wname != "" {
				q += "&reporting-window=" + wname
			}
			f := oracleFilter{branch: b.branch, all: b.all, from: now.Add(-d), to: now}

			// Workflow metrics.
			var want []gen.WorkflowMetrics
			for _, name := range []string{"ci", "lint-only"} {
				f.name = name
				sel := f.pick(runs)
				if len(sel) == 0 {
					continue
				}
				a := aggregate(sel)
				want = append(want, gen.WorkflowMetrics{
					Name: name, ProjectID: ptrTo(e.projectID(insightsSlug)), WindowStart: a.from, WindowEnd: a.to,
					Metrics: gen.WorkflowMetricsValues{
						TotalRuns: a.total, SuccessfulRuns: a.success, FailedRuns: a.failed, SuccessRate: a.successRate(),
						Throughput: a.throughput(), Mttr: ptrTo(a.mttr()), TotalRecoveries: ptrTo(a.recoveries),
						TotalCreditsUsed: ptrTo(a.credits), DurationMetrics: oracleDurations(a.durations),
					},
				})
			}
			got := listAll[gen.WorkflowMetrics](e, base+"/workflows?"+q)
			if diff := gocmp.Diff(want, got, approx); diff != "" {
				t.Errorf("workflows?%s (-oracle +fake):\n%s", q, diff)
			}

			// Job metrics of ci, all jobs and those whose name holds "e".
			for _, jobFilter := range []string{"", "e"} {
				f.name = "ci"
				byJob := map[string][]oracleJob{}
				for _, r := range f.pick(runs) {
					for _, j := range r.jobs {
						if !j.stopped.IsZero() && strings.Contains(j.name, jobFilter) {
							byJob[j.name] = append(byJob[j.name], j)
						}
					}
				}
				var wantJobs []gen.JobMetrics
				for _, name := range slices.Sorted(maps.Keys(byJob)) {
					js := byJob[name]
					var m gen.JobMetricsValues
					var secs []float64
					var canceled int64
					from, to := js[0].started, js[0].stopped
					for _, j := range js {
						m.TotalRuns++
						switch j.status {
						case "success":
							m.SuccessfulRuns++
						case "canceled":
							canceled++
						default:
							m.FailedRuns++
						}
						m.TotalCreditsUsed += j.credits
						secs = append(secs, math.Floor(j.stopped.Sub(j.started).Seconds()))
						if j.started.Before(from) {
							from = j.started
						}
						if j.stopped.After(to) {
							to = j.stopped
						}
					}
					m.SuccessRate = rate(m.SuccessfulRuns, m.TotalRuns-canceled)
					m.Throughput = float32(float64(m.TotalRuns) / days(from, to))
					m.DurationMetrics = oracleDurations(secs)
					wantJobs = append(wantJobs, gen.JobMetrics{Name: name, Metrics: m, WindowStart: from, WindowEnd: to})
				}
				gotJobs := listAll[gen.JobMetrics](e, base+"/workflows/ci/jobs?"+q+"&job-name="+jobFilter)
				if diff := gocmp.Diff(wantJobs, gotJobs, approx); diff != "" {
					t.Errorf("workflows/ci/jobs?%s&job-name=%s (-oracle +fake):\n%s", q, jobFilter, diff)
				}
			}
		}
	}

	// Runs of a workflow: the last 90 days by default, or a start-date..end-date range; newest first.
	for _, b := range branches {
		for _, rng := range [][2]time.Time{{now.Add(-90 * 24 * time.Hour), now}, {now.Add(-10 * 24 * time.Hour), now.Add(-3 * 24 * time.Hour)}} {
			q := b.query
			if rng[1] != now {
				q += "&start-date=" + rng[0].Format(time.RFC3339Nano) + "&end-date=" + rng[1].Format(time.RFC3339Nano)
			}
			f := oracleFilter{name: "ci", branch: b.branch, all: b.all, from: rng[0], to: rng[1]}
			var want []gen.WorkflowRun
			sel := f.pick(runs)
			for i := len(sel) - 1; i >= 0; i-- {
				r := sel[i]
				item := gen.WorkflowRun{ID: uuidOf(t, r.id), Branch: r.branch, CreatedAt: r.created, CreditsUsed: r.credits(), IsApproval: r.approval}
				if r.completed() {
					item.StoppedAt = ptrTo(r.stopped)
					item.Duration = ptrTo(int64(r.stopped.Sub(r.created).Seconds()))
					item.Status = ptrTo(gen.WorkflowRunStatus(r.status))
				}
				want = append(want, item)
			}
			got := listAll[gen.WorkflowRun](e, base+"/workflows/ci?"+q)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("workflows/ci?%s (-oracle +fake):\n%s", q, diff)
			}
		}
	}

	// Summaries with trends: the organization, the project page and one workflow.
	for wname, d := range windows {
		cur := aggregate(oracleFilter{all: true, from: now.Add(-d), to: now}.pick(runs))
		prev := aggregate(oracleFilter{all: true, from: now.Add(-2 * d), to: now.Add(-d)}.pick(runs))
		dd := d.Hours() / 24
		wantProject := gen.InsightsSummary{
			Metrics: gen.InsightsSummaryMetrics{TotalRuns: cur.total, TotalDurationSecs: cur.totalDur, TotalCreditsUsed: cur.credits, SuccessRate: cur.successRate(), Throughput: float32(float64(cur.total) / dd)},
			Trends: gen.InsightsSummaryTrends{
				TotalRuns: change(float64(cur.total), float64(prev.total)), TotalDurationSecs: change(float64(cur.totalDur), float64(prev.totalDur)),
				TotalCreditsUsed: change(float64(cur.credits), float64(prev.credits)), SuccessRate: change(float64(cur.successRate()), float64(prev.successRate())),
				Throughput: change(float64(cur.total)/dd, float64(prev.total)/dd),
			},
		}
		q := "?project-names=insights-app"
		if wname != "" {
			q += "&reporting-window=" + wname
		}
		var org gen.OrgSummaryData
		e.must(200, "GET", "/insights/gh%2Fdemo-org/summary"+q, nil, &org)
		// demo-app ran nothing, so the organization's figures are the project's.
		if diff := gocmp.Diff(wantProject, org.OrgData, approx); diff != "" {
			t.Errorf("org summary %s (-oracle +fake):\n%s", q, diff)
		}
		wantRow := []gen.OrgProjectData{{ProjectName: "insights-app",
			Metrics: gen.OrgProjectMetrics{TotalRuns: cur.total, TotalDurationSecs: cur.totalDur, TotalCreditsUsed: cur.credits, SuccessRate: cur.successRate()},
			Trends:  gen.OrgProjectTrends{TotalRuns: wantProject.Trends.TotalRuns, TotalDurationSecs: wantProject.Trends.TotalDurationSecs, TotalCreditsUsed: wantProject.Trends.TotalCreditsUsed, SuccessRate: wantProject.Trends.SuccessRate},
		}}
		if diff := gocmp.Diff(wantRow, org.OrgProjectData, approx); diff != "" || !slices.Equal(org.AllProjects, []string{"demo-app", "insights-app"}) {
			t.Errorf("org summary %s: projects %v, rows (-oracle +fake):\n%s", q, org.AllProjects, diff)
		}

		var page gen.ProjectWorkflowsPageData
		pq := "?branches=dev"
		if wname != "" {
			pq += "&reporting-window=" + wname
		}
		e.must(200, "GET", "/insights/pages/"+insightsSlug+"/summary"+pq, nil, &page)
		if diff := gocmp.Diff(&wantProject, page.ProjectData, approx); diff != "" {
			t.Errorf("page data %s (-oracle +fake):\n%s", pq, diff)
		}
		pageRow := func(f oracleFilter) (gen.WorkflowPageMetrics, gen.WorkflowPageTrends) {
			c := aggregate(f.pick(runs))
			f.from, f.to = now.Add(-2*d), now.Add(-d)
			p := aggregate(f.pick(runs))
			cp95, pp95 := *orZero(oracleDurations(c.durations).P95), *orZero(oracleDurations(p.durations).P95)
			return gen.WorkflowPageMetrics{TotalRuns: c.total, TotalCreditsUsed: c.credits, SuccessRate: c.successRate(), P95DurationSecs: float32(cp95)},
				gen.WorkflowPageTrends{TotalRuns: change(float64(c.total), float64(p.total)), TotalCreditsUsed: change(float64(c.credits), float64(p.credits)), SuccessRate: change(float64(c.successRate()), float64(p.successRate())), P95DurationSecs: change(float64(cp95), float64(pp95))}
		}
		var wantWF []gen.ProjectWorkflowData
		var wantBranch []gen.ProjectWorkflowBranchData
		for _, name := range []string{"ci", "lint-only"} {
			f := oracleFilter{name: name, all: true, from: now.Add(-d), to: now}
			if len(f.pick(runs)) > 0 {
				m, tr := pageRow(f)
				wantWF = append(wantWF, gen.ProjectWorkflowData{WorkflowName: name, Metrics: m, Trends: tr})
			}
			f.all, f.branch = false, "dev"
			if len(f.pick(runs)) > 0 {
				m, tr := pageRow(f)
				wantBranch = append(wantBranch, gen.ProjectWorkflowBranchData{WorkflowName: name, Branch: "dev", Metrics: m, Trends: tr})
			}
		}
		if diff := gocmp.Diff(wantWF, page.ProjectWorkflowData, approx, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("page data %s workflows (-oracle +fake):\n%s", pq, diff)
		}
		if diff := gocmp.Diff(wantBranch, page.ProjectWorkflowBranchData, approx, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("page data %s branches (-oracle +fake):\n%s", pq, diff)
		}
	}

	// One workflow's summary: the last 90 days against the 90 before (which hold nothing here).
	for _, b := range branches {
		a := aggregate(oracleFilter{name: "ci", branch: b.branch, all: b.all, from: now.Add(-90 * 24 * time.Hour), to: now}.pick(runs))
		var got gen.WorkflowSummary
		e.must(200, "GET", base+"/workflows/ci/summary?"+b.query, nil, &got)
		from, to := a.from, a.to
		if a.total == 0 {
			from, to = got.Metrics.WindowStart, got.Metrics.WindowEnd
		}
		want := gen.WorkflowSummary{
			Metrics: gen.WorkflowSummaryMetrics{
				TotalRuns: a.total, SuccessfulRuns: a.success, FailedRuns: a.failed, CompletedRuns: ptrTo(a.completed),
				SuccessRate: a.successRate(), Mttr: ptrTo(a.mttr()), TotalCreditsUsed: ptrTo(a.credits),
				DurationMetrics: oracleDurations(a.durations), WindowStart: from, WindowEnd: to,
			},
			WorkflowNames: []string{"ci", "lint-only"},
		}
		if a.total > 0 {
			want.Metrics.Throughput = a.throughput()
		}
		if diff := gocmp.Diff(want, got, approx); diff != "" {
			t.Errorf("workflows/ci/summary?%s (-oracle +fake):\n%s", b.query, diff)
		}
	}

	// Branches with runs.
	var br gen.InsightsBranches
	e.must(200, "GET", base+"/branches?workflow-name=ci", nil, &br)
	if !slices.Equal(br.Branches, []string{"dev", "main"}) {
		t.Errorf("branches = %v, want [dev main]", br.Branches)
	}

	checkFlakyTests(t, e, runs, now)
	checkTestMetrics(t, e, runs, now)
	checkTimeseries(t, e, runs, now)
}

func (e *env) projectID(slug string) string {
	e.t.Helper()
	var p gen.Project
	e.must(200, "GET", "/project/"+slug, nil, &p)
	return p.ID.String()
}

func uuidOf(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func orZero(p *int64) *int64 {
	if p == nil {
		return new(int64)
	}
	return p
}

type oracleTestKey struct{ job, classname, name, file string }

// checkFlakyTests: a test flaked when it passed and failed in the same pipeline (one commit).
func checkFlakyTests(t *testing.T, e *env, runs []oracleRun, now time.Time) {
	t.Helper()
	type commitTest struct {
		pipeline string
		key      oracleTestKey
	}
	type occurrence struct {
		run    oracleRun
		job    oracleJob
		source string
	}
	passed := map[commitTest]bool{}
	failed := map[commitTest][]occurrence{}
	for _, r := range (oracleFilter{all: true, from: now.Add(-90 * 24 * time.Hour), to: now}).pick(runs) {
		for _, j := range r.jobs {
			for _, tr := range j.tests {
				k := commitTest{r.pipelineID, oracleTestKey{j.name, tr.Classname, tr.Name, tr.File}}
				switch tr.Result {
				case "success":
					passed[k] = true
				case "failure", "error":
					failed[k] = append(failed[k], occurrence{r, j, tr.Source})
				}
			}
		}
	}
	byTest := map[oracleTestKey]*gen.FlakyTest{}
	last := map[oracleTestKey]time.Time{}
	for k, occ := range failed {
		if !passed[k] {
			continue
		}
		ft := byTest[k.key]
		if ft == nil {
			ft = &gen.FlakyTest{TestName: k.key.name, Classname: ptrTo(k.key.classname), File: ptrTo(k.key.file), JobName: k.key.job, TimeWasted: new(int64)}
			byTest[k.key] = ft
		}
		for _, o := range occ {
			ft.TimesFlaked++
			*ft.TimeWasted += int64(o.job.stopped.Sub(o.job.started).Seconds())
			if o.run.created.After(last[k.key]) {
				last[k.key] = o.run.created
				ft.JobNumber, ft.PipelineNumber, ft.WorkflowID, ft.WorkflowName = o.job.number, o.run.pipelineNumber, o.run.id, o.run.name
				ft.WorkflowCreatedAt = o.run.created.UTC().Format(time.RFC3339)
				ft.Source = ptrTo(o.source)
			}
		}
	}
	want := gen.FlakyTests{FlakyTests: []gen.FlakyTest{}}
	for k, ft := range byTest {
		if !last[k].Before(now.Add(-14 * 24 * time.Hour)) {
			want.FlakyTests = append(want.FlakyTests, *ft)
		}
	}
	slices.SortFunc(want.FlakyTests, func(a, b gen.FlakyTest) int {
		return cmp.Or(cmp.Compare(b.TimesFlaked, a.TimesFlaked), cmp.Compare(a.TestName, b.TestName), cmp.Compare(a.JobName, b.JobName))
	})
	want.TotalFlakyTests = int64(len(want.FlakyTests))
	if want.TotalFlakyTests == 0 {
		t.Error("the history has no flaky test: the check would be empty")
	}
	var got gen.FlakyTests
	e.must(200, "GET", "/insights/"+insightsSlug+"/flaky-tests", nil, &got)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("flaky-tests (-oracle +fake):\n%s", diff)
	}
}

// checkTestMetrics reads the ten most recent runs of ci on the default branch.
func checkTestMetrics(t *testing.T, e *env, runs []oracleRun, now time.Time) {
	t.Helper()
	sel := (oracleFilter{name: "ci", branch: "main", from: now.Add(-90 * 24 * time.Hour), to: now}).pick(runs)
	sel = sel[max(len(sel)-10, 0):]
	slices.Reverse(sel)
	want := gen.TestMetrics{MostFailedTests: []gen.TestMetricsEntry{}, SlowestTests: []gen.TestMetricsEntry{}, TestRuns: []gen.TestRun{}}
	type agg struct {
		entry       gen.TestMetricsEntry
		times       []float64
		pass, fails map[string]bool
	}
	tests := map[oracleTestKey]*agg{}
	for _, r := range sel {
		var c gen.TestCounts
		for _, j := range r.jobs {
			for _, tr := range j.tests {
				c.Total++
				k := oracleTestKey{j.name, tr.Classname, tr.Name, tr.File}
				a := tests[k]
				if a == nil {
					a = &agg{entry: gen.TestMetricsEntry{TestName: tr.Name, JobName: j.name, Classname: ptrTo(tr.Classname), File: ptrTo(tr.File), Source: ptrTo(tr.Source)}, pass: map[string]bool{}, fails: map[string]bool{}}
					tests[k] = a
				}
				a.entry.TotalRuns++
				a.times = append(a.times, tr.RunTime)
				switch tr.Result {
				case "success":
					c.Success++
					a.pass[r.pipelineID] = true
				case "failure":
					c.Failure++
					a.entry.FailedRuns++
					a.fails[r.pipelineID] = true
				case "skipped":
					c.Skipped++
				}
			}
		}
		want.TotalTestRuns += c.Total
		want.TestRuns = append(want.TestRuns, gen.TestRun{PipelineNumber: r.pipelineNumber, WorkflowID: r.id, TestCounts: c, SuccessRate: rate(c.Success, c.Success+c.Failure+c.Error)})
	}
	want.AverageTestCount = want.TotalTestRuns / int64(max(len(sel), 1))
	var failedTests, slow []gen.TestMetricsEntry
	for _, a := range tests {
		slices.Sort(a.times)
		a.entry.P95Duration = ptrTo(quantile(a.times, 0.95))
		for p := range a.fails {
			a.entry.Flaky = a.entry.Flaky || a.pass[p]
		}
		if a.entry.FailedRuns > 0 {
			failedTests = append(failedTests, a.entry)
		}
		slow = append(slow, a.entry)
	}
	slices.SortFunc(failedTests, func(a, b gen.TestMetricsEntry) int {
		return cmp.Or(cmp.Compare(b.FailedRuns, a.FailedRuns), cmp.Compare(a.TestName, b.TestName))
	})
	slices.SortFunc(slow, func(a, b gen.TestMetricsEntry) int {
		return cmp.Or(cmp.Compare(*b.P95Duration, *a.P95Duration), cmp.Compare(a.TestName, b.TestName))
	})
	want.MostFailedTests = append(want.MostFailedTests, failedTests[:min(10, len(failedTests))]...)
	want.MostFailedTestsExtra = int64(max(len(failedTests)-10, 0))
	want.SlowestTests = append(want.SlowestTests, slow[:min(10, len(slow))]...)
	want.SlowestTestsExtra = int64(max(len(slow)-10, 0))
	var got gen.TestMetrics
	e.must(200, "GET", "/insights/"+insightsSlug+"/workflows/ci/test-metrics", nil, &got)
	if diff := gocmp.Diff(want, got, approx); diff != "" {
		t.Errorf("test-metrics (-oracle +fake):\n%s", diff)
	}
}

// checkTimeseries buckets the jobs of ci on the default branch by the day they started.
func checkTimeseries(t *testing.T, e *env, runs []oracleRun, now time.Time) {
	t.Helper()
	type key struct {
		name string
		day  time.Time
	}
	byKey := map[key][]oracleJob{}
	for _, r := range (oracleFilter{name: "ci", branch: "main", to: now}).pick(runs) {
		for _, j := range r.jobs {
			if !j.stopped.IsZero() && !j.started.Before(now.Add(-90*24*time.Hour)) {
				k := key{j.name, j.started.UTC().Truncate(24 * time.Hour)}
				byKey[k] = append(byKey[k], j)
			}
		}
	}
	keys := slices.Collect(maps.Keys(byKey))
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.name, b.name), a.day.Compare(b.day)) })
	var want []gen.JobTimeseries
	for _, k := range keys {
		js := byKey[k]
		item := gen.JobTimeseries{Name: k.name, Timestamp: k.day, MinStartedAt: js[0].started, MaxEndedAt: js[0].stopped}
		var secs, credits []float64
		var total int64
		for _, j := range js {
			item.Metrics.TotalRuns++
			if j.status == "success" {
				item.Metrics.SuccessfulRuns++
			} else if j.status != "canceled" {
				item.Metrics.FailedRuns++
			}
			item.Metrics.TotalCreditsUsed += j.credits
			credits = append(credits, float64(j.credits))
			s := math.Floor(j.stopped.Sub(j.started).Seconds())
			secs = append(secs, s)
			total += int64(s)
			if j.started.Before(item.MinStartedAt) {
				item.MinStartedAt = j.started
			}
			if j.stopped.After(item.MaxEndedAt) {
				item.MaxEndedAt = j.stopped
			}
		}
		slices.Sort(secs)
		slices.Sort(credits)
		item.Metrics.Throughput = float32(item.Metrics.TotalRuns)
		item.Metrics.MedianCreditsUsed = int64(quantile(credits, 0.5))
		d := oracleDurations(secs)
		item.Metrics.DurationMetrics = gen.JobTimeseriesDurationMetrics{Min: d.Min, Median: d.Median, Max: d.Max, P95: d.P95, Total: &total}
		want = append(want, item)
	}
	got := listAll[gen.JobTimeseries](e, "/insights/time-series/"+insightsSlug+"/workflows/ci/jobs?granularity=daily")
	if diff := gocmp.Diff(want, got, approx); diff != "" {
		t.Errorf("time-series (-oracle +fake):\n%s", diff)
	}
}

// TestInsights_Shape checks that every answer of the Insights operations carries every property
// the document gives its schema, at every depth and in every array element (a null where the
// document allows one), and that each property was seen at least once: the document follows the
// bodies the live API sends, so no field a live client reads is missing.
func TestInsights_Shape(t *testing.T) {
	t.Parallel()
	e := insightsEnv(t, fake.History{Days: 10, RunsPerDay: 8, FailureRate: 0.2, FlakeRate: 0.2, Branches: []string{"main", "dev"}, Seed: 3})
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	base := "/insights/" + insightsSlug
	tests := []struct{ route, path string }{
		{"/insights/{org-slug}/summary", "/insights/gh%2Fdemo-org/summary?project-names=insights-app"},
		{"/insights/pages/{project-slug}/summary", "/insights/pages/" + insightsSlug + "/summary"},
		{"/insights/{project-slug}/workflows", base + "/workflows"},
		{"/insights/{project-slug}/workflows/{workflow-name}", base + "/workflows/ci"},
		{"/insights/{project-slug}/workflows/{workflow-name}/jobs", base + "/workflows/ci/jobs"},
		{"/insights/{project-slug}/workflows/{workflow-name}/summary", base + "/workflows/ci/summary"},
		{"/insights/{project-slug}/workflows/{workflow-name}/test-metrics", base + "/workflows/ci/test-metrics"},
		{"/insights/time-series/{project-slug}/workflows/{workflow-name}/jobs", "/insights/time-series/" + insightsSlug + "/workflows/ci/jobs"},
		{"/insights/{project-slug}/branches", base + "/branches"},
		{"/insights/{project-slug}/flaky-tests", base + "/flaky-tests"},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			t.Parallel()
			item := doc.Paths.Value(tt.route)
			if item == nil || item.Get == nil {
				t.Fatalf("the document has no GET %s", tt.route)
			}
			schema := item.Get.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
			var body any
			e.must(200, "GET", tt.path, nil, &body)
			seen := map[string]bool{}
			checkShape(t, schema, body, "", seen)
			for _, p := range propertyPaths(schema, "", map[*openapi3.Schema]bool{}) {
				if !seen[p] {
					t.Errorf("%s: property %s never seen with a value", tt.path, p)
				}
			}
		})
	}
}

// checkShape reports the properties of schema missing from v, and records in seen the paths of
// those present with a value other than null (or null, for a nullable leaf).
func checkShape(t *testing.T, schema *openapi3.Schema, v any, path string, seen map[string]bool) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for name, prop := range schema.Properties {
			val, ok := x[name]
			if !ok {
				t.Errorf("%s: property %s is missing", path, name)
				continue
			}
			if val != nil || prop.Value.Nullable && len(prop.Value.Properties) == 0 {
				seen[path+"/"+name] = true // a null seen counts for a nullable leaf
			}
			if val != nil {
				checkShape(t, prop.Value, val, path+"/"+name, seen)
			}
		}
	case []any:
		if schema.Items != nil {
			for _, el := range x {
				checkShape(t, schema.Items.Value, el, path+"/*", seen)
			}
		}
	}
}

// propertyPaths lists the paths of every property of schema, arrays' elements written *.
func propertyPaths(schema *openapi3.Schema, path string, visiting map[*openapi3.Schema]bool) []string {
	if visiting[schema] {
		return nil
	}
	visiting[schema] = true
	defer delete(visiting, schema)
	var out []string
	for name, prop := range schema.Properties {
		out = append(out, path+"/"+name)
		out = append(out, propertyPaths(prop.Value, path+"/"+name, visiting)...)
	}
	if schema.Items != nil {
		out = append(out, propertyPaths(schema.Items.Value, path+"/*", visiting)...)
	}
	return out
}

// TestInsights_Errors checks the 4xx answers: a reporting window outside the five, end-date
// without start-date or too far from it, and projects or organizations the caller may not see.
func TestInsights_Errors(t *testing.T) {
	t.Parallel()
	e := insightsEnv(t, fake.History{Days: 1, RunsPerDay: 2, Seed: 1})
	base := "/insights/" + insightsSlug
	start := e.fake.Now().Add(-100 * 24 * time.Hour).Format(time.RFC3339)
	end := e.fake.Now().Format(time.RFC3339)
	tests := []struct {
		path string
		want int
		msg  string
	}{
		{base + "/workflows?reporting-window=last-year", 400, ""},
		{base + "/workflows/ci?end-date=" + end, 400, "end-date needs start-date"},
		{base + "/workflows/ci?start-date=" + start + "&end-date=" + end, 400, "end-date must be at most 90 days after start-date"},
		{base + "/workflows/ci?start-date=" + end + "&end-date=" + start, 400, "end-date must be after start-date"},
		{"/insights/time-series/" + insightsSlug + "/workflows/ci/jobs?granularity=weekly", 400, ""},
		{"/insights/gh/other-org/secret-app/workflows", 404, "Project not found."},
		{"/insights/gh/demo-org/nope/flaky-tests", 404, "Project not found."},
		{"/insights/gh%2Fother-org/summary", 404, "Organization not found."},
	}
	for _, tt := range tests {
		var body struct{ Message string }
		if got := e.call(fake.DemoToken, "GET", tt.path, nil, &body); got != tt.want || body.Message == "" || tt.msg != "" && body.Message != tt.msg {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, got, body.Message, tt.want, tt.msg)
		}
	}
	// Called from Go, without the server kit's request validation.
	bad := gen.GetProjectWorkflowMetricsParamsReportingWindow("last-year")
	_, err := e.fake.GetProjectWorkflowMetrics(fake.WithToken(context.Background(), fake.DemoToken), genserver.GetProjectWorkflowMetricsRequestObject{ProjectSlug: insightsSlug, Params: gen.GetProjectWorkflowMetricsParams{ReportingWindow: &bad}})
	var se *server.Error
	if !errors.As(err, &se) || se.Status != 400 || !strings.Contains(se.Message, "last-year") {
		t.Errorf("reporting-window last-year from Go: %v, want a 400 that names it", err)
	}
}
