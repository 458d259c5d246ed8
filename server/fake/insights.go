package fake

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// Insights: every figure is computed from the workflow runs and jobs the fake ran; the formulas are
// in the package documentation (# Insights).

const (
	day             = 24 * time.Hour
	maxRunsWindow   = 90 * day // the longest start-date..end-date span of the runs list
	flakyRecency    = 14 * day // a flaky test is reported while its last flake is this recent
	testMetricsRuns = 10       // test metrics read the ten most recent runs
	topTests        = 10       // most failed and slowest tests listed
)

// reportingWindows are the values of reporting-window and the periods they stand for.
var reportingWindows = map[string]time.Duration{
	"last-24-hours": day,
	"last-7-days":   7 * day,
	"last-30-days":  30 * day,
	"last-60-days":  60 * day,
	"last-90-days":  90 * day,
}

// creditRate is what a minute of one job node of a resource class costs in credits, at the rates
// CircleCI publishes for its cloud resource classes; a class not listed costs as medium does. Insights
// and usage exports both price jobs with it.
func creditRate(resourceClass string) float64 {
	switch resourceClass {
	case "small":
		return 5
	case "medium+":
		return 15
	case "large", "arm.large":
		return 20
	case "xlarge", "arm.xlarge", "windows.medium":
		return 40
	case "2xlarge", "arm.2xlarge":
		return 80
	case "2xlarge+":
		return 100
	case "windows.large":
		return 120
	case "windows.xlarge":
		return 210
	case "windows.2xlarge":
		return 500
	case "macos.m1.medium.gen1":
		return 150
	case "macos.m1.large.gen1":
		return 250
	}
	return 10 // medium, arm.medium and every class not listed
}

// jobCredits returns the credits a build job used: its run time in minutes, to the second, times
// the rate of its resource class and its parallelism, rounded to a whole credit.
func jobCredits(resourceClass string, parallelism int, run time.Duration) int64 {
	return int64(math.Round(run.Seconds() / 60 * creditRate(resourceClass) * float64(max(parallelism, 1))))
}

// runStats is what Insights reads of one workflow run. It is computed once the run is final and
// kept on the workflow (workflow.stats); until then it is computed afresh.
type runStats struct {
	created, stopped int64 // unix milliseconds; stopped is 0 until the run stops
	status           string
	credits          int64
	approval         bool // the run has an approval job
	jobs             []jobStats
}

// jobStats is one build job of a run that ran (not carried over by a rerun from failed).
type jobStats struct {
	index            int // in the workflow's jobs
	name             string
	status           string
	started, stopped int64 // unix milliseconds; stopped is 0 while it runs
	credits          int64
}

// counted reports whether a run counts in Insights: it ended (success, failed, canceled) or waits
// for an approval (on_hold). Running and failing runs are not counted yet; not_run ones never.
func (r *runStats) counted() bool {
	switch r.status {
	case engine.StatusSuccess, engine.StatusFailed, engine.StatusCanceled, engine.StatusOnHold:
		return true
	}
	return false
}

// completed reports whether a counted run has ended, so that it has a duration.
func (r *runStats) completed() bool { return r.stopped != 0 && r.status != engine.StatusOnHold }

// stats returns the Insights figures of w; the caller holds s.mu and has moved w to now.
func (s *Server) stats(w *workflow) *runStats {
	if w.stats != nil {
		return w.stats
	}
	r := &runStats{created: w.run.CreatedAt().UnixMilli(), status: w.run.Status()}
	if t, ok := w.run.StoppedAt(); ok {
		r.stopped = t.UnixMilli()
	}
	for i, js := range w.run.Jobs() {
		if js.Type == engine.TypeApproval {
			r.approval = true
			continue
		}
		if js.Reused || js.StartedAt == nil {
			continue
		}
		jst := jobStats{index: i, name: js.Name, status: js.Status, started: js.StartedAt.UnixMilli()}
		if js.StoppedAt != nil {
			jst.stopped = js.StoppedAt.UnixMilli()
			jst.credits = jobCredits(js.ResourceClass, js.Parallelism, js.StoppedAt.Sub(*js.StartedAt))
		}
		r.credits += jst.credits
		r.jobs = append(r.jobs, jst)
	}
	if w.run.Done() {
		w.stats = r
	}
	return r
}

// branchFilter selects runs by the branch of their pipeline.
type branchFilter struct {
	all    bool
	branch int32 // index in state.refs; -1 for a branch no pipeline ran on
}

// branchFilter reads branch and all-branches as Insights does: all-branches=true wins, then a
// branch given, then the project's default branch.
func (s *Server) branchFilter(p *project, branch *string, all *bool) branchFilter {
	if all != nil && *all {
		return branchFilter{all: true}
	}
	name := p.defaultBranch
	if branch != nil {
		name = *branch
	}
	return branchFilter{branch: s.st.refs.lookup(name)}
}

// window is a span of simulated time in unix milliseconds, from inclusive, to exclusive.
type window struct{ from, to int64 }

// reportingWindow returns the window a reporting-window value names, ending now (last-90-days when
// it is empty), or a 400 [*server.Error].
func (s *Server) reportingWindow(v *string) (window, time.Duration, error) {
	name := "last-90-days"
	if v != nil && *v != "" {
		name = *v
	}
	d, ok := reportingWindows[name]
	if !ok {
		return window{}, 0, server.BadRequest(fmt.Sprintf("reporting-window %q is not one of last-24-hours, last-7-days, last-30-days, last-60-days or last-90-days", name))
	}
	now := s.now().UnixMilli() + 1 // a run created now is inside the window
	return window{from: now - d.Milliseconds(), to: now}, d, nil
}

// previous is the window of the same length just before w, which trends compare with.
func (w window) previous() window { return window{from: 2*w.from - w.to, to: w.from} }

// runRec is what Insights scans of a run, in one array per project, so that a query over many
// runs reads memory in order: when it was created, its name in state.runNames, its pipeline's
// branch in state.refs, and a copy of its figures once it is final.
type runRec struct {
	created      int64 // unix milliseconds
	name, branch int32
	final        bool     // stats holds the run's final figures
	stats        runStats // once final
}

// addRun stores a new run of p for Insights; the caller holds s.mu.
func (s *Server) addRun(p *project, w *workflow) {
	p.runs = append(p.runs, w)
	p.runRecs = append(p.runRecs, runRec{created: w.run.CreatedAt().UnixMilli(), name: s.st.runNames.add(w.run.Name()), branch: w.pipeline.branch})
}

// eachRun calls fn with the position in p.runs and the figures of every run of p created in win
// whose name is name (any name when it is "") and that f selects, oldest first; the caller holds
// s.mu and has moved every workflow to now.
func (s *Server) eachRun(p *project, name string, f branchFilter, win window, fn func(k int, r *runStats)) {
	nameIdx := int32(0)
	if name != "" {
		if nameIdx = s.st.runNames.lookup(name); nameIdx < 0 {
			return
		}
	}
	recs := p.runRecs
	// Runs are stored in the order they were created, on a clock that never goes back.
	for k := sort.Search(len(recs), func(i int) bool { return recs[i].created >= win.from }); k < len(recs); k++ {
		rec := &recs[k]
		if rec.created >= win.to {
			break
		}
		if name != "" && rec.name != nameIdx || !f.all && rec.branch != f.branch {
			continue
		}
		if !rec.final {
			r := s.stats(p.runs[k])
			if p.runs[k].stats == nil { // not final yet
				fn(k, r)
				continue
			}
			rec.stats, rec.final = *r, true
		}
		fn(k, &rec.stats)
	}
}

// runsOf returns the runs [Server.eachRun] picks.
func (s *Server) runsOf(p *project, name string, f branchFilter, win window) []*workflow {
	var out []*workflow
	s.eachRun(p, name, f, win, func(k int, _ *runStats) { out = append(out, p.runs[k]) })
	return out
}

// summarizeRuns adds up the runs [Server.eachRun] picks.
func (s *Server) summarizeRuns(p *project, name string, f branchFilter, win window) *summary {
	recs := p.runRecs
	from := sort.Search(len(recs), func(i int) bool { return recs[i].created >= win.from })
	to := sort.Search(len(recs), func(i int) bool { return recs[i].created >= win.to })
	m := &summary{durations: make([]int64, 0, max(to-from, 0))}
	s.eachRun(p, name, f, win, func(_ int, r *runStats) { m.add(r) })
	return m
}

// summary is the aggregate of a set of runs that the Insights answers are made of.
type summary struct {
	total, successful, failed, canceled, completed int64
	credits, totalDuration                         int64
	durations                                      []int64 // of completed runs, in seconds
	first, last                                    int64   // earliest creation, latest stop (unix ms)
	recoveries, recoveryMillis                     int64
	failedAt                                       int64 // stop of the first failure not recovered yet; 0 for none
}

// add counts one run; runs are added oldest first.
func (m *summary) add(r *runStats) {
	if !r.counted() {
		return
	}
	m.total++
	m.credits += r.credits
	if m.first == 0 || r.created < m.first {
		m.first = r.created
	}
	m.last = max(m.last, r.created, r.stopped)
	switch r.status {
	case engine.StatusSuccess:
		m.successful++
		if m.failedAt != 0 {
			m.recoveries++
			m.recoveryMillis += r.stopped - m.failedAt
			m.failedAt = 0
		}
	case engine.StatusFailed:
		m.failed++
		if m.failedAt == 0 {
			m.failedAt = r.stopped
		}
	case engine.StatusCanceled:
		m.canceled++
	}
	if r.completed() {
		m.completed++
		d := (r.stopped - r.created) / 1000
		m.durations = append(m.durations, d)
		m.totalDuration += d
	}
}

// successRate is successful runs over runs that were not canceled, 0 when there are none.
func (m *summary) successRate() float32 {
	return ratio(m.successful, m.total-m.canceled)
}

func ratio(a, b int64) float32 {
	if b <= 0 {
		return 0
	}
	return float32(float64(a) / float64(b))
}

// spanDays is the number of days, rounded up and at least one, from the first run's creation to
// the last run's stop.
func (m *summary) spanDays() int64 {
	return max(1, (m.last-m.first+day.Milliseconds()-1)/day.Milliseconds())
}

// throughput is runs per day over the runs' own span.
func (m *summary) throughput() float32 { return ratio(m.total, m.spanDays()) }

// mttr is the mean time to recovery in whole seconds, 0 when no failure was recovered from.
func (m *summary) mttr() int64 {
	if m.recoveries == 0 {
		return 0
	}
	return int64(math.Round(float64(m.recoveryMillis) / float64(m.recoveries) / 1000))
}

func (m *summary) windowBounds(now time.Time) (time.Time, time.Time) {
	if m.total == 0 {
		return now, now
	}
	return time.UnixMilli(m.first).UTC(), time.UnixMilli(m.last).UTC()
}

// durationStats are the duration metrics of a set of durations in seconds.
type durationStats struct {
	n                                  int
	min, max, mean, median, p95, total int64
	stddev                             float64
}

// durationsOf sorts ds and computes its metrics: the mean rounded, the median and p95 by linear
// interpolation between the closest ranks and cut to whole seconds, the sample standard deviation
// rounded to whole seconds (0 for one value).
func durationsOf(ds []int64) durationStats {
	out := durationStats{n: len(ds)}
	if len(ds) == 0 {
		return out
	}
	slices.Sort(ds)
	var sum float64
	for _, d := range ds {
		sum += float64(d)
		out.total += d
	}
	mean := sum / float64(len(ds))
	var sq float64
	for _, d := range ds {
		sq += (float64(d) - mean) * (float64(d) - mean)
	}
	if len(ds) > 1 {
		out.stddev = math.Round(math.Sqrt(sq / float64(len(ds)-1)))
	}
	out.min, out.max, out.mean = ds[0], ds[len(ds)-1], int64(math.Round(mean))
	out.median, out.p95 = int64(percentile(ds, 0.5)), int64(percentile(ds, 0.95))
	return out
}

// percentile reads the q-quantile of sorted values by linear interpolation between closest ranks.
func percentile[T int64 | float64](sorted []T, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return float64(sorted[len(sorted)-1])
	}
	return float64(sorted[lo]) + (pos-float64(lo))*float64(sorted[lo+1]-sorted[lo])
}

func (d durationStats) api() gen.DurationMetrics {
	if d.n == 0 {
		return gen.DurationMetrics{}
	}
	return gen.DurationMetrics{Min: ptr(d.min), Max: ptr(d.max), Mean: ptr(d.mean), Median: ptr(d.median), P95: ptr(d.p95), StandardDeviation: ptr(float32(d.stddev))}
}

// trend is the change of a figure against the previous window, as a ratio of the previous value
// (0.1 for ten per cent more); 0 when the previous value is 0.
func trend[T int64 | float32 | float64](cur, prev T) float32 {
	if prev == 0 {
		return 0
	}
	return float32((float64(cur) - float64(prev)) / float64(prev))
}

// insightsProject returns a project the caller may see, with every workflow moved to now.
func (s *Server) insightsProject(ctx context.Context, slug string) (*project, error) {
	_, p, err := s.visibleProject(ctx, slug)
	if err != nil {
		return nil, err
	}
	s.advanceAll()
	return p, nil
}

// GetProjectWorkflowMetrics lists per-workflow metrics of a project over a reporting window, one
// item per workflow name that has counted runs, by name, 20 a page.
// CircleCI API: GET /insights/{project-slug}/workflows (getProjectWorkflowMetrics).
func (s *Server) GetProjectWorkflowMetrics(ctx context.Context, req genserver.GetProjectWorkflowMetricsRequestObject) (genserver.GetProjectWorkflowMetricsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, _, err := s.reportingWindow((*string)(req.Params.ReportingWindow))
	if err != nil {
		return nil, err
	}
	f := s.branchFilter(p, req.Params.Branch, req.Params.AllBranches)
	// Count the runs of each workflow first, so that each list of durations is made once.
	counts := map[int32]int{}
	recs := p.runRecs
	for k := sort.Search(len(recs), func(i int) bool { return recs[i].created >= win.from }); k < len(recs) && recs[k].created < win.to; k++ {
		counts[recs[k].name]++
	}
	byName := map[string]*summary{}
	byIndex := map[int32]*summary{}
	for idx, n := range counts {
		byIndex[idx] = &summary{durations: make([]int64, 0, n)}
		byName[s.st.runNames.at(idx)] = byIndex[idx]
	}
	s.eachRun(p, "", f, win, func(k int, r *runStats) { byIndex[p.runRecs[k].name].add(r) })
	names := namesWithRuns(byName)
	start, end, next, err := pageRange(len(names), req.Params.PageToken, s.listTag("insights-workflows", p.id.String(), fmt.Sprint(f), fmt.Sprint(win.to-win.from)))
	if err != nil {
		return nil, err
	}
	items := make([]gen.WorkflowMetrics, 0, end-start)
	now := s.now()
	for _, name := range names[start:end] {
		m := byName[name]
		from, to := m.windowBounds(now)
		items = append(items, gen.WorkflowMetrics{
			Name: name, ProjectID: ptr(p.id.String()), WindowStart: from, WindowEnd: to,
			Metrics: gen.WorkflowMetricsValues{
				TotalRuns: m.total, SuccessfulRuns: m.successful, FailedRuns: m.failed, SuccessRate: m.successRate(),
				Throughput: m.throughput(), Mttr: ptr(m.mttr()), TotalRecoveries: ptr(m.recoveries),
				TotalCreditsUsed: ptr(m.credits), DurationMetrics: durationsOf(m.durations).api(),
			},
		})
	}
	return genserver.GetProjectWorkflowMetrics200JSONResponse{Items: items, NextPageToken: next}, nil
}

// namesWithRuns returns the sorted names whose summary counted a run.
func namesWithRuns(m map[string]*summary) []string {
	var names []string
	for name, sm := range m {
		if sm.total > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// GetProjectWorkflowRuns lists the counted runs of one workflow created in start-date..end-date
// (default: the last 90 days), newest first, 20 a page.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name} (getProjectWorkflowRuns).
func (s *Server) GetProjectWorkflowRuns(ctx context.Context, req genserver.GetProjectWorkflowRunsRequestObject) (genserver.GetProjectWorkflowRunsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, err := s.dateRange(req.Params.StartDate, req.Params.EndDate, maxRunsWindow)
	if err != nil {
		return nil, err
	}
	f := s.branchFilter(p, req.Params.Branch, req.Params.AllBranches)
	var runs []*workflow
	for _, w := range s.runsOf(p, req.WorkflowName, f, win) {
		if s.stats(w).counted() {
			runs = append(runs, w)
		}
	}
	slices.Reverse(runs)
	start, end, next, err := pageRange(len(runs), req.Params.PageToken, s.listTag("insights-runs", p.id.String(), req.WorkflowName, fmt.Sprint(f, win)))
	if err != nil {
		return nil, err
	}
	items := make([]gen.WorkflowRun, 0, end-start)
	for _, w := range runs[start:end] {
		r := s.stats(w)
		item := gen.WorkflowRun{
			ID: w.id, Branch: deref(s.st.ref(w.pipeline.branch)), CreatedAt: time.UnixMilli(r.created).UTC(),
			CreditsUsed: r.credits, IsApproval: r.approval,
		}
		if r.completed() {
			item.StoppedAt = ptr(time.UnixMilli(r.stopped).UTC())
			item.Duration = ptr((r.stopped - r.created) / 1000)
			item.Status = ptr(gen.WorkflowRunStatus(r.status))
		}
		items = append(items, item)
	}
	return genserver.GetProjectWorkflowRuns200JSONResponse{Items: items, NextPageToken: next}, nil
}

// dateRange reads start-date and end-date: end-date needs start-date, must be after it and at most
// longest after it; without them the window is the longest one ending now.
func (s *Server) dateRange(start, end *time.Time, longest time.Duration) (window, error) {
	now := s.now().UnixMilli() + 1
	switch {
	case start == nil && end != nil:
		return window{}, server.BadRequest("end-date needs start-date")
	case start == nil:
		return window{from: now - longest.Milliseconds(), to: now}, nil
	}
	win := window{from: start.UnixMilli(), to: now}
	if end != nil {
		win.to = end.UnixMilli()
	}
	switch {
	case win.to <= win.from:
		return window{}, server.BadRequest("end-date must be after start-date")
	case end != nil && win.to-win.from > longest.Milliseconds():
		return window{}, server.BadRequest(fmt.Sprintf("end-date must be at most %d days after start-date", longest/day))
	}
	return win, nil
}

// jobSummaries adds up the build jobs of runs by job name, those whose name contains nameFilter.
func (s *Server) jobSummaries(runs []*workflow, nameFilter string) map[string]*jobSummary {
	out := map[string]*jobSummary{}
	for _, w := range runs {
		r := s.stats(w)
		if !r.counted() {
			continue
		}
		for _, j := range r.jobs {
			if j.stopped == 0 || !strings.Contains(j.name, nameFilter) {
				continue
			}
			m := out[j.name]
			if m == nil {
				m = &jobSummary{}
				out[j.name] = m
			}
			m.add(j)
		}
	}
	return out
}

// jobSummary is the aggregate of the runs of one job.
type jobSummary struct {
	total, successful, failed, canceled int64
	credits                             int64
	durations, creditList               []int64
	first, last                         int64 // earliest start, latest stop (unix ms)
}

func (m *jobSummary) add(j jobStats) {
	m.total++
	switch j.status {
	case engine.StatusSuccess:
		m.successful++
	case engine.StatusCanceled:
		m.canceled++
	default: // failed, infrastructure_fail, timedout
		m.failed++
	}
	m.credits += j.credits
	m.creditList = append(m.creditList, j.credits)
	m.durations = append(m.durations, (j.stopped-j.started)/1000)
	if m.first == 0 || j.started < m.first {
		m.first = j.started
	}
	m.last = max(m.last, j.stopped)
}

func (m *jobSummary) spanDays() int64 {
	return max(1, (m.last-m.first+day.Milliseconds()-1)/day.Milliseconds())
}

// GetProjectWorkflowJobMetrics lists per-job metrics of one workflow over a reporting window, by
// job name, 20 a page.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/jobs (getProjectWorkflowJobMetrics).
func (s *Server) GetProjectWorkflowJobMetrics(ctx context.Context, req genserver.GetProjectWorkflowJobMetricsRequestObject) (genserver.GetProjectWorkflowJobMetricsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, _, err := s.reportingWindow((*string)(req.Params.ReportingWindow))
	if err != nil {
		return nil, err
	}
	f := s.branchFilter(p, req.Params.Branch, req.Params.AllBranches)
	jobs := s.jobSummaries(s.runsOf(p, req.WorkflowName, f, win), deref(req.Params.JobName))
	names := make([]string, 0, len(jobs))
	for name := range jobs {
		names = append(names, name)
	}
	slices.Sort(names)
	start, end, next, err := pageRange(len(names), req.Params.PageToken, s.listTag("insights-jobs", p.id.String(), req.WorkflowName, deref(req.Params.JobName), fmt.Sprint(f, win.to-win.from)))
	if err != nil {
		return nil, err
	}
	items := make([]gen.JobMetrics, 0, end-start)
	for _, name := range names[start:end] {
		m := jobs[name]
		items = append(items, gen.JobMetrics{
			Name: name, WindowStart: time.UnixMilli(m.first).UTC(), WindowEnd: time.UnixMilli(m.last).UTC(),
			Metrics: gen.JobMetricsValues{
				TotalRuns: m.total, SuccessfulRuns: m.successful, FailedRuns: m.failed,
				SuccessRate: ratio(m.successful, m.total-m.canceled), Throughput: ratio(m.total, m.spanDays()),
				TotalCreditsUsed: m.credits, DurationMetrics: durationsOf(m.durations).api(),
			},
		})
	}
	return genserver.GetProjectWorkflowJobMetrics200JSONResponse{Items: items, NextPageToken: next}, nil
}

// GetJobTimeseries buckets the jobs of one workflow by the hour or day they started in, over
// start-date..end-date (default: the last 90 days for daily buckets, 48 hours for hourly ones), one
// item per job and bucket, by job name then time, 20 a page.
// CircleCI API: GET /insights/time-series/{project-slug}/workflows/{workflow-name}/jobs (getJobTimeseries).
func (s *Server) GetJobTimeseries(ctx context.Context, req genserver.GetJobTimeseriesRequestObject) (genserver.GetJobTimeseriesResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	bucket, longest := day, 90*day
	if g := req.Params.Granularity; g != nil && *g == gen.GetJobTimeseriesParamsGranularityHourly {
		bucket, longest = time.Hour, 48*time.Hour
	} else if g != nil && *g != gen.GetJobTimeseriesParamsGranularityDaily {
		return nil, server.BadRequest(fmt.Sprintf("granularity %q is not daily or hourly", *g))
	}
	win, err := s.dateRange(req.Params.StartDate, req.Params.EndDate, longest)
	if err != nil {
		return nil, err
	}
	f := s.branchFilter(p, req.Params.Branch, nil)
	type key struct {
		name string
		at   int64
	}
	buckets := map[key]*jobSummary{}
	for _, w := range s.runsOf(p, req.WorkflowName, f, window{from: 0, to: win.to}) {
		r := s.stats(w)
		if !r.counted() {
			continue
		}
		for _, j := range r.jobs {
			if j.stopped == 0 || j.started < win.from || j.started >= win.to {
				continue
			}
			k := key{j.name, j.started - j.started%bucket.Milliseconds()}
			m := buckets[k]
			if m == nil {
				m = &jobSummary{}
				buckets[k] = m
			}
			m.add(j)
		}
	}
	keys := make([]key, 0, len(buckets))
	for k := range buckets {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.at, b.at)) })
	start, end, next, err := pageRange(len(keys), req.Params.PageToken, s.listTag("insights-timeseries", p.id.String(), req.WorkflowName, fmt.Sprint(f, win, bucket)))
	if err != nil {
		return nil, err
	}
	items := make([]gen.JobTimeseries, 0, end-start)
	perDay := float64(day) / float64(bucket)
	for _, k := range keys[start:end] {
		m := buckets[k]
		d := durationsOf(m.durations)
		slices.Sort(m.creditList)
		items = append(items, gen.JobTimeseries{
			Name: k.name, Timestamp: time.UnixMilli(k.at).UTC(),
			MinStartedAt: time.UnixMilli(m.first).UTC(), MaxEndedAt: time.UnixMilli(m.last).UTC(),
			Metrics: gen.JobTimeseriesMetrics{
				TotalRuns: m.total, SuccessfulRuns: m.successful, FailedRuns: m.failed,
				Throughput: float32(float64(m.total) * perDay), TotalCreditsUsed: m.credits,
				MedianCreditsUsed: int64(percentile(m.creditList, 0.5)),
				DurationMetrics: gen.JobTimeseriesDurationMetrics{
					Min: ptr(d.min), Median: ptr(d.median), Max: ptr(d.max), P95: ptr(d.p95), Total: ptr(d.total),
				},
			},
		})
	}
	return genserver.GetJobTimeseries200JSONResponse{Items: items, NextPageToken: next}, nil
}

// GetWorkflowSummary returns one workflow's metrics over the last 90 days and their trends against
// the 90 days before, with the names of every workflow of the project.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/summary (getWorkflowSummary).
func (s *Server) GetWorkflowSummary(ctx context.Context, req genserver.GetWorkflowSummaryRequestObject) (genserver.GetWorkflowSummaryResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, _, _ := s.reportingWindow(nil)
	f := s.branchFilter(p, req.Params.Branch, req.Params.AllBranches)
	cur := s.summarizeRuns(p, req.WorkflowName, f, win)
	prev := s.summarizeRuns(p, req.WorkflowName, f, win.previous())
	dc, dp := durationsOf(cur.durations), durationsOf(prev.durations)
	from, to := cur.windowBounds(s.now())
	out := gen.WorkflowSummary{
		Metrics: gen.WorkflowSummaryMetrics{
			TotalRuns: cur.total, SuccessfulRuns: cur.successful, FailedRuns: cur.failed, CompletedRuns: ptr(cur.completed),
			SuccessRate: cur.successRate(), Throughput: cur.throughput(), Mttr: ptr(cur.mttr()),
			TotalCreditsUsed: ptr(cur.credits), DurationMetrics: dc.api(), WindowStart: from, WindowEnd: to,
		},
		Trends: gen.WorkflowSummaryTrends{
			TotalRuns: trend(cur.total, prev.total), FailedRuns: trend(cur.failed, prev.failed),
			SuccessRate: trend(cur.successRate(), prev.successRate()), Throughput: trend(cur.throughput(), prev.throughput()),
			Mttr: trend(cur.mttr(), prev.mttr()), TotalCreditsUsed: trend(cur.credits, prev.credits),
			P95DurationSecs: trend(dc.p95, dp.p95), MedianDurationSecs: trend(dc.median, dp.median),
		},
		WorkflowNames: s.workflowNames(p),
	}
	return genserver.GetWorkflowSummary200JSONResponse(out), nil
}

// workflowNames returns the sorted names of every workflow p ran.
func (s *Server) workflowNames(p *project) []string {
	seen := map[int32]bool{}
	names := []string{}
	for _, rec := range p.runRecs {
		if !seen[rec.name] {
			seen[rec.name] = true
			names = append(names, s.st.runNames.at(rec.name))
		}
	}
	slices.Sort(names)
	return names
}

// GetAllInsightsBranches lists the branches p ran workflows on in the last 90 days (of one workflow
// when workflow-name is given), sorted, at most 5,000.
// CircleCI API: GET /insights/{project-slug}/branches (getAllInsightsBranches).
func (s *Server) GetAllInsightsBranches(ctx context.Context, req genserver.GetAllInsightsBranchesRequestObject) (genserver.GetAllInsightsBranchesResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, _, _ := s.reportingWindow(nil)
	seen := map[int32]bool{}
	branches := []string{}
	for _, w := range s.runsOf(p, deref(req.Params.WorkflowName), branchFilter{all: true}, win) {
		if b := w.pipeline.branch; b != 0 && !seen[b] && s.stats(w).counted() {
			seen[b] = true
			branches = append(branches, s.st.refs.at(b))
		}
	}
	slices.Sort(branches)
	branches = branches[:min(len(branches), 5000)]
	return genserver.GetAllInsightsBranches200JSONResponse{Branches: branches, OrgID: ptr(p.org.id.String()), ProjectID: ptr(p.id.String())}, nil
}

// summaryFigures is the org and project summary's view of a summary over a window.
type summaryFigures struct {
	m    *summary
	days float64
}

func (f summaryFigures) throughput() float32 { return float32(float64(f.m.total) / f.days) }

func (s *Server) insightsSummary(cur, prev summaryFigures) gen.InsightsSummary {
	return gen.InsightsSummary{
		Metrics: gen.InsightsSummaryMetrics{
			TotalRuns: cur.m.total, TotalDurationSecs: cur.m.totalDuration, TotalCreditsUsed: cur.m.credits,
			SuccessRate: cur.m.successRate(), Throughput: cur.throughput(),
		},
		Trends: gen.InsightsSummaryTrends{
			TotalRuns: trend(cur.m.total, prev.m.total), TotalDurationSecs: trend(cur.m.totalDuration, prev.m.totalDuration),
			TotalCreditsUsed: trend(cur.m.credits, prev.m.credits), SuccessRate: trend(cur.m.successRate(), prev.m.successRate()),
			Throughput: trend(cur.throughput(), prev.throughput()),
		},
	}
}

// GetOrgSummaryData sums every project of an organization over a reporting window, on all
// branches, with trends against the window before; org_project_data holds the projects named by
// project-names (none when it is not given), all_projects every project's name.
// CircleCI API: GET /insights/{org-slug}/summary (getOrgSummaryData).
func (s *Server) GetOrgSummaryData(ctx context.Context, req genserver.GetOrgSummaryDataRequestObject) (genserver.GetOrgSummaryDataResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.findOrg(u, req.OrgSlug)
	if err != nil {
		return nil, err
	}
	win, d, err := s.reportingWindow((*string)(req.Params.ReportingWindow))
	if err != nil {
		return nil, err
	}
	s.advanceAll()
	days := d.Hours() / 24
	all := branchFilter{all: true}
	orgCur, orgPrev := &summary{}, &summary{}
	out := gen.OrgSummaryData{AllProjects: []string{}, OrgProjectData: []gen.OrgProjectData{}}
	for _, p := range s.st.projectsByIndex[1:] {
		if p.org != o || s.st.projectsByID[p.id] != p {
			continue
		}
		out.AllProjects = append(out.AllProjects, p.name)
		cur, prev := s.summarizeRuns(p, "", all, win), s.summarizeRuns(p, "", all, win.previous())
		orgCur.merge(cur)
		orgPrev.merge(prev)
		if !slices.Contains(req.Params.ProjectNames, p.name) {
			continue
		}
		out.OrgProjectData = append(out.OrgProjectData, gen.OrgProjectData{
			ProjectName: p.name,
			Metrics:     gen.OrgProjectMetrics{TotalRuns: cur.total, TotalDurationSecs: cur.totalDuration, TotalCreditsUsed: cur.credits, SuccessRate: cur.successRate()},
			Trends: gen.OrgProjectTrends{
				TotalRuns: trend(cur.total, prev.total), TotalDurationSecs: trend(cur.totalDuration, prev.totalDuration),
				TotalCreditsUsed: trend(cur.credits, prev.credits), SuccessRate: trend(cur.successRate(), prev.successRate()),
			},
		})
	}
	slices.Sort(out.AllProjects)
	slices.SortFunc(out.OrgProjectData, func(a, b gen.OrgProjectData) int { return cmp.Compare(a.ProjectName, b.ProjectName) })
	out.OrgData = s.insightsSummary(summaryFigures{orgCur, days}, summaryFigures{orgPrev, days})
	return genserver.GetOrgSummaryData200JSONResponse(out), nil
}

// merge adds the counts of o to m (not the durations list, which summaries of several projects do
// not need).
func (m *summary) merge(o *summary) {
	m.total += o.total
	m.successful += o.successful
	m.failed += o.failed
	m.canceled += o.canceled
	m.completed += o.completed
	m.credits += o.credits
	m.totalDuration += o.totalDuration
}

// GetProjectWorkflowsPageData returns a project's figures over a reporting window on all branches,
// per workflow (those named by workflow-names, every one when it is not given) and per workflow and
// branch (the branches named by branches, every one when it is not given), with trends against the
// window before, and the names of every workflow and branch with runs in the window.
// CircleCI API: GET /insights/pages/{project-slug}/summary (getProjectWorkflowsPageData).
func (s *Server) GetProjectWorkflowsPageData(ctx context.Context, req genserver.GetProjectWorkflowsPageDataRequestObject) (genserver.GetProjectWorkflowsPageDataResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, d, err := s.reportingWindow((*string)(req.Params.ReportingWindow))
	if err != nil {
		return nil, err
	}
	days := d.Hours() / 24
	all := branchFilter{all: true}
	type key struct{ workflow, branch string }
	curBy, prevBy := map[key]*summary{}, map[key]*summary{}
	group := func(runs []*workflow, by map[key]*summary) *summary {
		total := &summary{}
		for _, w := range runs {
			r := s.stats(w)
			total.add(r)
			keys := []key{{w.run.Name(), ""}} // the workflow, then the workflow on its branch
			if b := deref(s.st.ref(w.pipeline.branch)); b != "" {
				keys = append(keys, key{w.run.Name(), b})
			}
			for _, k := range keys {
				m := by[k]
				if m == nil {
					m = &summary{}
					by[k] = m
				}
				m.add(r)
			}
		}
		return total
	}
	cur := group(s.runsOf(p, "", all, win), curBy)
	prev := group(s.runsOf(p, "", all, win.previous()), prevBy)
	out := gen.ProjectWorkflowsPageData{
		OrgID: ptr(p.org.id.String()), ProjectID: ptr(p.id.String()),
		ProjectData:               ptr(s.insightsSummary(summaryFigures{cur, days}, summaryFigures{prev, days})),
		ProjectWorkflowData:       []gen.ProjectWorkflowData{},
		ProjectWorkflowBranchData: []gen.ProjectWorkflowBranchData{},
		AllBranches:               []string{},
		AllWorkflows:              []string{},
	}
	keys := make([]key, 0, len(curBy))
	for k, m := range curBy {
		if m.total > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.workflow, b.workflow), cmp.Compare(a.branch, b.branch))
	})
	branches := map[string]bool{}
	for _, k := range keys {
		c, pr := curBy[k], prevBy[k]
		if pr == nil {
			pr = &summary{}
		}
		dc, dp := durationsOf(c.durations), durationsOf(pr.durations)
		metrics := gen.WorkflowPageMetrics{TotalRuns: c.total, TotalCreditsUsed: c.credits, SuccessRate: c.successRate(), P95DurationSecs: float32(dc.p95)}
		trends := gen.WorkflowPageTrends{
			TotalRuns: trend(c.total, pr.total), TotalCreditsUsed: trend(c.credits, pr.credits),
			SuccessRate: trend(c.successRate(), pr.successRate()), P95DurationSecs: trend(dc.p95, dp.p95),
		}
		if k.branch == "" {
			out.AllWorkflows = append(out.AllWorkflows, k.workflow)
			if len(req.Params.WorkflowNames) == 0 || slices.Contains(req.Params.WorkflowNames, k.workflow) {
				out.ProjectWorkflowData = append(out.ProjectWorkflowData, gen.ProjectWorkflowData{WorkflowName: k.workflow, Metrics: metrics, Trends: trends})
			}
			continue
		}
		branches[k.branch] = true
		if len(req.Params.Branches) == 0 || slices.Contains(req.Params.Branches, k.branch) {
			out.ProjectWorkflowBranchData = append(out.ProjectWorkflowBranchData, gen.ProjectWorkflowBranchData{WorkflowName: k.workflow, Branch: k.branch, Metrics: metrics, Trends: trends})
		}
	}
	for b := range branches {
		out.AllBranches = append(out.AllBranches, b)
	}
	slices.Sort(out.AllBranches)
	return genserver.GetProjectWorkflowsPageData200JSONResponse(out), nil
}

// testKey names a test across runs: its job, classname, name and file.
type testKey struct{ job, classname, name, file string }

// testRun is one execution of a test by a job of a run.
type testRun struct {
	key     testKey
	failed  bool
	result  string
	runTime float64
	source  string
	w       *workflow
	job     jobStats
}

// testsOfRun returns the test results the finished build jobs of a counted run report, as
// GetTests serves them.
func (s *Server) testsOfRun(w *workflow) []testRun {
	var out []testRun
	r := s.stats(w)
	if len(r.jobs) == 0 {
		return nil
	}
	states := w.run.Jobs()
	for _, jst := range r.jobs {
		js := states[jst.index]
		if !finished(js) {
			continue
		}
		for _, tr := range s.jobTests(w.jobs[jst.index], js) {
			out = append(out, testRun{
				key: testKey{js.Name, tr.Classname, tr.Name, tr.File}, failed: tr.Result == "failure" || tr.Result == "error",
				result: tr.Result, runTime: tr.RunTime, source: tr.Source, w: w, job: jst,
			})
		}
	}
	return out
}

// GetFlakyTests lists the tests that both passed and failed on the same commit (the same
// pipeline, across reruns) in the last 90 days, on every branch, whose last flake is at most 14
// days old: one entry per test, most flaky first.
// CircleCI API: GET /insights/{project-slug}/flaky-tests (getFlakyTests).
func (s *Server) GetFlakyTests(ctx context.Context, req genserver.GetFlakyTestsRequestObject) (genserver.GetFlakyTestsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	win, _, _ := s.reportingWindow(nil)
	type commitTest struct {
		pipeline int32
		key      testKey
	}
	type outcomes struct {
		passed bool
		failed []testRun
	}
	byCommit := map[commitTest]*outcomes{}
	var order []commitTest
	for _, w := range s.runsOf(p, "", branchFilter{all: true}, win) {
		if !s.stats(w).counted() {
			continue
		}
		for _, tr := range s.testsOfRun(w) {
			k := commitTest{w.pipeline.position, tr.key}
			o := byCommit[k]
			if o == nil {
				o = &outcomes{}
				byCommit[k] = o
				order = append(order, k)
			}
			if tr.failed {
				o.failed = append(o.failed, tr)
			} else if tr.result == "success" {
				o.passed = true
			}
		}
	}
	type flaky struct {
		entry gen.FlakyTest
		last  int64
	}
	tests := map[testKey]*flaky{}
	var keys []testKey
	for _, k := range order {
		o := byCommit[k]
		if !o.passed || len(o.failed) == 0 {
			continue
		}
		f := tests[k.key]
		if f == nil {
			f = &flaky{entry: gen.FlakyTest{TestName: k.key.name, Classname: ptr(k.key.classname), File: ptr(k.key.file), JobName: k.key.job, TimeWasted: ptr(int64(0))}}
			tests[k.key] = f
			keys = append(keys, k.key)
		}
		for _, tr := range o.failed {
			f.entry.TimesFlaked++
			*f.entry.TimeWasted += (tr.job.stopped - tr.job.started) / 1000
			if r := s.stats(tr.w); r.created >= f.last {
				f.last = r.created
				f.entry.Source = ptr(tr.source)
				f.entry.JobNumber = tr.w.jobs[tr.job.index].number
				f.entry.PipelineNumber = tr.w.pipeline.number
				f.entry.WorkflowID = tr.w.id.String()
				f.entry.WorkflowName = tr.w.run.Name()
				f.entry.WorkflowCreatedAt = time.UnixMilli(r.created).UTC().Format(time.RFC3339)
			}
		}
	}
	recent := s.now().Add(-flakyRecency).UnixMilli()
	out := gen.FlakyTests{FlakyTests: []gen.FlakyTest{}}
	for _, k := range keys {
		if f := tests[k]; f.last >= recent {
			out.FlakyTests = append(out.FlakyTests, f.entry)
		}
	}
	slices.SortStableFunc(out.FlakyTests, func(a, b gen.FlakyTest) int {
		return cmp.Or(cmp.Compare(b.TimesFlaked, a.TimesFlaked), cmp.Compare(a.TestName, b.TestName), cmp.Compare(a.JobName, b.JobName))
	})
	out.TotalFlakyTests = int64(len(out.FlakyTests))
	return genserver.GetFlakyTests200JSONResponse(out), nil
}

// GetProjectWorkflowTestMetrics reads the tests of the ten most recent counted runs of a
// workflow on a branch: the most failed and the slowest tests (ten of each, with how many more
// there are) and per-run test counts.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/test-metrics (getProjectWorkflowTestMetrics).
func (s *Server) GetProjectWorkflowTestMetrics(ctx context.Context, req genserver.GetProjectWorkflowTestMetricsRequestObject) (genserver.GetProjectWorkflowTestMetricsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insightsProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	f := s.branchFilter(p, req.Params.Branch, req.Params.AllBranches)
	win, _, _ := s.reportingWindow(nil)
	var runs []*workflow
	all := s.runsOf(p, req.WorkflowName, f, win)
	for i := len(all) - 1; i >= 0 && len(runs) < testMetricsRuns; i-- {
		if s.stats(all[i]).counted() {
			runs = append(runs, all[i])
		}
	}
	type agg struct {
		entry    gen.TestMetricsEntry
		times    []float64
		passedOn map[int32]bool
		failedOn map[int32]bool
	}
	tests := map[testKey]*agg{}
	var keys []testKey
	out := gen.TestMetrics{MostFailedTests: []gen.TestMetricsEntry{}, SlowestTests: []gen.TestMetricsEntry{}, TestRuns: []gen.TestRun{}}
	for _, w := range runs {
		var counts gen.TestCounts
		for _, tr := range s.testsOfRun(w) {
			counts.Total++
			switch tr.result {
			case "success":
				counts.Success++
			case "failure":
				counts.Failure++
			case "error":
				counts.Error++
			case "skipped":
				counts.Skipped++
			}
			a := tests[tr.key]
			if a == nil {
				a = &agg{entry: gen.TestMetricsEntry{TestName: tr.key.name, JobName: tr.key.job, Classname: ptr(tr.key.classname), File: ptr(tr.key.file), Source: ptr(tr.source)}, passedOn: map[int32]bool{}, failedOn: map[int32]bool{}}
				tests[tr.key] = a
				keys = append(keys, tr.key)
			}
			a.entry.TotalRuns++
			a.times = append(a.times, tr.runTime)
			if tr.failed {
				a.entry.FailedRuns++
				a.failedOn[w.pipeline.position] = true
			} else if tr.result == "success" {
				a.passedOn[w.pipeline.position] = true
			}
		}
		out.TotalTestRuns += counts.Total
		out.TestRuns = append(out.TestRuns, gen.TestRun{
			PipelineNumber: w.pipeline.number, WorkflowID: w.id.String(), TestCounts: counts,
			SuccessRate: ratio(counts.Success, counts.Success+counts.Failure+counts.Error),
		})
	}
	if len(runs) > 0 {
		out.AverageTestCount = out.TotalTestRuns / int64(len(runs))
	}
	var failed, slowest []gen.TestMetricsEntry
	for _, k := range keys {
		a := tests[k]
		slices.Sort(a.times)
		a.entry.P95Duration = ptr(percentile(a.times, 0.95))
		for pos := range a.failedOn {
			if a.passedOn[pos] {
				a.entry.Flaky = true
			}
		}
		if a.entry.FailedRuns > 0 {
			failed = append(failed, a.entry)
		}
		slowest = append(slowest, a.entry)
	}
	slices.SortStableFunc(failed, func(a, b gen.TestMetricsEntry) int {
		return cmp.Or(cmp.Compare(b.FailedRuns, a.FailedRuns), cmp.Compare(a.TestName, b.TestName))
	})
	slices.SortStableFunc(slowest, func(a, b gen.TestMetricsEntry) int {
		return cmp.Or(cmp.Compare(*b.P95Duration, *a.P95Duration), cmp.Compare(a.TestName, b.TestName))
	})
	out.MostFailedTests = append(out.MostFailedTests, failed[:min(len(failed), topTests)]...)
	out.MostFailedTestsExtra = int64(max(len(failed)-topTests, 0))
	out.SlowestTests = append(out.SlowestTests, slowest[:min(len(slowest), topTests)]...)
	out.SlowestTestsExtra = int64(max(len(slowest)-topTests, 0))
	return genserver.GetProjectWorkflowTestMetrics200JSONResponse(out), nil
}
