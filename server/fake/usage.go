package fake

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// The limits and timing of usage exports: circleci.com's windows, and the fake's own pace of the
// asynchronous job on the simulated clock.
const (
	maxExportWindow   = 31 * 24 * time.Hour
	maxExportAge      = 366 * 24 * time.Hour
	exportProcessing  = 10 * time.Second // created → processing
	exportCompleted   = time.Minute      // created → completed
	exportURLValidity = 36 * time.Hour
	msgExportNotFound = "Usage export job not found."
)

// usageExportColumns are the columns of a usage export file, in the order CircleCI documents its
// report fields (https://circleci.com/docs/api/v2/ Usage tag, "Report Fields"), upper-cased as the
// files name them.
var usageExportColumns = []string{
	"ORGANIZATION_ID", "ORGANIZATION_NAME", "ORGANIZATION_CREATED_DATE",
	"PROJECT_ID", "PROJECT_NAME", "PROJECT_CREATED_DATE", "LAST_BUILD_FINISHED_AT",
	"VCS_NAME", "VCS_URL", "VCS_BRANCH",
	"PIPELINE_ID", "PIPELINE_CREATED_AT", "PIPELINE_NUMBER", "IS_UNREGISTERED_USER", "PIPELINE_TRIGGER_SOURCE", "PIPELINE_TRIGGER_USER_ID",
	"WORKFLOW_ID", "WORKFLOW_NAME", "WORKFLOW_FIRST_JOB_QUEUED_AT", "WORKFLOW_FIRST_JOB_STARTED_AT", "WORKFLOW_STOPPED_AT", "IS_WORKFLOW_SUCCESSFUL",
	"JOB_NAME", "JOB_RUN_NUMBER", "JOB_ID", "JOB_RUN_DATE", "JOB_RUN_QUEUED_AT", "JOB_RUN_STARTED_AT", "JOB_RUN_STOPPED_AT", "JOB_BUILD_STATUS",
	"RESOURCE_CLASS", "OPERATING_SYSTEM", "EXECUTOR", "PARALLELISM", "JOB_RUN_SECONDS",
	"MEDIAN_CPU_UTILIZATION_PCT", "MAX_CPU_UTILIZATION_PCT", "MEDIAN_RAM_UTILIZATION_PCT", "MAX_RAM_UTILIZATION_PCT",
	"COMPUTE_CREDITS", "DLC_CREDITS", "USER_CREDITS", "STORAGE_CREDITS", "NETWORK_CREDITS", "LEASE_CREDITS", "LEASE_OVERAGE_CREDITS", "IPRANGES_CREDITS", "TOTAL_CREDITS",
}

// usageExport is a usage export job of an organization.
type usageExport struct {
	id         uuid.UUID
	org        *org
	start, end time.Time
	shared     []*org // the other organizations asked for that the creator belongs to
	created    time.Time
	file       []byte               // the gzip CSV, made when the job is first seen completed; nil when no job ran in the window
	made       bool                 // file has been made
	signatures map[string]time.Time // download signatures handed out → when each expires
}

// state tells the job's state at now.
func (x *usageExport) state(now time.Time) gen.UsageExportJobStatusState {
	switch age := now.Sub(x.created); {
	case age >= exportCompleted:
		return gen.UsageExportJobStatusStateCompleted
	case age >= exportProcessing:
		return gen.UsageExportJobStatusStateProcessing
	}
	return gen.UsageExportJobStatusStateCreated
}

// requestOriginKey is the context key of the scheme and host a request was sent to, which the
// download URLs of usage exports and the URLs of job artifacts (reports.go) point at.
type requestOriginKey struct{}

// withRequestOrigin returns r with its origin ("http://127.0.0.1:8080") in the context when it may be
// a getUsageExport or getJobArtifacts request, the answers that need it, and r itself otherwise,
// which costs the other requests nothing; [Server.Handler] calls it on every API request.
func withRequestOrigin(r *http.Request) *http.Request {
	if !strings.Contains(r.URL.Path, "/usage_export_job/") && !strings.HasSuffix(r.URL.Path, "/artifacts") {
		return r
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return r.WithContext(context.WithValue(r.Context(), requestOriginKey{}, scheme+"://"+r.Host))
}

func requestOrigin(ctx context.Context) string {
	if o, ok := ctx.Value(requestOriginKey{}).(string); ok && o != "" {
		return o
	}
	return "http://circleci-fake.invalid" // a direct Go call, not over HTTP
}

// usageExportPath is where the control handler serves the file of an export.
func usageExportPath(x *usageExport) string {
	return ControlPath + "usage-exports/" + x.org.id.String() + "/" + x.id.String() + "/usage.csv.gz"
}

// checkExportWindow applies circleci.com's rules, in its order: end not before start, start at most
// 366 days back, neither in the future, at most 31 days long.
func checkExportWindow(start, end, now time.Time) string {
	switch {
	case end.Before(start):
		return "end must not be before start"
	case start.Before(now.Add(-maxExportAge)):
		return "start must be no more than 366 days ago, got " + start.UTC().Format(time.RFC3339)
	case start.After(now) || end.After(now):
		return "start and end must not be in the future (now is " + now.UTC().Format(time.RFC3339) + ")"
	case end.Sub(start) > maxExportWindow:
		return "the window from start to end must be at most 31 days, got " + end.Sub(start).String()
	}
	return ""
}

// CreateUsageExport starts a usage export of the organization (and of the shared organizations the
// caller belongs to; others are left out) for a window of at most 31 days. The job reports created
// at first, processing after 10 seconds and completed after a minute of simulated time.
// CircleCI API: POST /organizations/{org_id}/usage_export_job (createUsageExport).
func (s *Server) CreateUsageExport(ctx context.Context, req genserver.CreateUsageExportRequestObject) (genserver.CreateUsageExportResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, o, err := s.visibleOrg(ctx, req.OrgID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body is required")
	}
	now := s.now()
	if msg := checkExportWindow(b.Start, b.End, now); msg != "" {
		return nil, server.BadRequest(msg)
	}
	x := &usageExport{id: s.newID(), org: o, start: b.Start.UTC(), end: b.End.UTC(), created: now}
	for _, id := range b.SharedOrgIds {
		if so := s.memberOrg(u, id.String()); so != nil && so != o && !slices.Contains(x.shared, so) {
			x.shared = append(x.shared, so)
		}
	}
	if o.exports == nil {
		o.exports = map[uuid.UUID]*usageExport{}
	}
	o.exports[x.id] = x
	return genserver.CreateUsageExport201JSONResponse{UsageExportJobID: x.id, State: gen.UsageExportJobStateCreated,
		Start: x.start, End: x.end, DownloadUrls: nil}, nil
}

// GetUsageExport reports the state of a usage export job; once completed with data, it hands out a
// freshly signed download URL valid for 36 hours of simulated time on every call.
// CircleCI API: GET /organizations/{org_id}/usage_export_job/{usage_export_job_id} (getUsageExport).
func (s *Server) GetUsageExport(ctx context.Context, req genserver.GetUsageExportRequestObject) (genserver.GetUsageExportResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.OrgID, msgOrgNotFound)
	if err != nil {
		return nil, err
	}
	x, ok := o.exports[req.UsageExportJobID]
	if !ok {
		return nil, server.NotFound(msgExportNotFound)
	}
	now := s.now()
	out := genserver.GetUsageExport200JSONResponse{UsageExportJobID: x.id, State: x.state(now)}
	if out.State == gen.UsageExportJobStatusStateCompleted && s.exportFile(x) != nil {
		sig := strings.ReplaceAll(s.newID().String(), "-", "")
		for k, exp := range x.signatures {
			if !now.Before(exp) {
				delete(x.signatures, k)
			}
		}
		if x.signatures == nil {
			x.signatures = map[string]time.Time{}
		}
		expires := now.Add(exportURLValidity)
		x.signatures[sig] = expires
		q := url.Values{"expires": {strconv.FormatInt(expires.Unix(), 10)}, "signature": {sig}}
		out.DownloadUrls = []string{requestOrigin(ctx) + usageExportPath(x) + "?" + q.Encode()}
	}
	return out, nil
}

// exportFile returns the gzip CSV of a completed export, making it on first use, or nil when no job
// ran in its window; the caller holds s.mu.
func (s *Server) exportFile(x *usageExport) []byte {
	if !x.made {
		x.file, x.made = s.makeExportFile(x), true
	}
	return x.file
}

// usageRow is one job run of an export.
type usageRow struct {
	j  *job
	js engine.JobState
}

// makeExportFile writes the rows of the build jobs of the export's organizations that started in the
// window and stopped by the time the export completed, in the order they started.
func (s *Server) makeExportFile(x *usageExport) []byte {
	orgs := append([]*org{x.org}, x.shared...)
	cutoff := x.created.Add(exportCompleted)
	var rows []usageRow
	s.st.indexJobs() // jobsByID holds every job only after this (ids.go)
	for _, j := range s.st.jobsByID {
		if !slices.Contains(orgs, j.workflow.project.org) {
			continue
		}
		js := j.state()
		if js.Type != engine.TypeBuild || js.Reused || js.StartedAt == nil || js.StoppedAt == nil ||
			js.StartedAt.Before(x.start) || js.StartedAt.After(x.end) || js.StoppedAt.After(cutoff) {
			continue
		}
		rows = append(rows, usageRow{j, js})
	}
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b usageRow) int {
		return cmp.Or(a.js.StartedAt.Compare(*b.js.StartedAt), cmp.Compare(a.j.number, b.j.number), strings.Compare(a.j.id.String(), b.j.id.String()))
	})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	cw := csv.NewWriter(zw)
	_ = cw.Write(usageExportColumns) // writes to a bytes.Buffer do not fail
	for _, r := range rows {
		_ = cw.Write(s.usageRecord(r))
	}
	cw.Flush()
	_ = zw.Close()
	return buf.Bytes()
}

func usageTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// usageRecord renders a job run as a row of [usageExportColumns].
func (s *Server) usageRecord(r usageRow) []string {
	w := r.j.workflow
	p, o, pl := w.project, w.project.org, w.pipeline
	js := r.js
	seconds := js.StoppedAt.Sub(*js.StartedAt).Seconds()
	parallelism := max(js.Parallelism, 1)
	credits := strconv.FormatFloat(seconds/60*creditRate(js.ResourceClass)*float64(parallelism), 'f', 2, 64)
	vcsURL := ""
	switch o.vcsType {
	case "github":
		vcsURL = "https://github.com/" + o.name + "/" + p.name
	case "bitbucket":
		vcsURL = "https://bitbucket.org/" + o.name + "/" + p.name
	}
	var firstQueued, firstStarted *time.Time
	for _, other := range w.run.Jobs() {
		if other.QueuedAt != nil && (firstQueued == nil || other.QueuedAt.Before(*firstQueued)) {
			firstQueued = other.QueuedAt
		}
		if other.StartedAt != nil && (firstStarted == nil || other.StartedAt.Before(*firstStarted)) {
			firstStarted = other.StartedAt
		}
	}
	var wfStopped *time.Time
	if t, ok := w.run.StoppedAt(); ok {
		wfStopped = &t
	}
	created := time.UnixMilli(pl.created)
	osName := "linux"
	if js.Executor == "macos" {
		osName = "macos"
	}
	actor := ""
	if a := s.st.usersByIndex[pl.actor]; a != nil {
		actor = a.id.String()
	}
	zero := "0.00"
	return []string{
		o.id.String(), o.name, "",
		p.id.String(), p.name, usageTime(&p.created), "",
		o.vcsType, vcsURL, deref(s.st.ref(pl.branch)),
		pl.id.String(), usageTime(&created), strconv.FormatInt(pl.number, 10), "false", "api", actor,
		w.id.String(), w.run.Name(), usageTime(firstQueued), usageTime(firstStarted), usageTime(wfStopped), strconv.FormatBool(w.run.Status() == "success"),
		js.Name, strconv.FormatInt(r.j.number, 10), r.j.id.String(), js.StartedAt.UTC().Format("2006-01-02"), usageTime(js.QueuedAt), usageTime(js.StartedAt), usageTime(js.StoppedAt), js.Status,
		js.ResourceClass, osName, js.Executor, strconv.Itoa(parallelism), strconv.FormatFloat(seconds, 'f', -1, 64),
		"", "", "", "",
		credits, zero, zero, zero, zero, zero, zero, zero, credits,
	}
}

// serveUsageExportFile serves the file of a completed usage export to whoever holds a download URL
// that has not expired, as a pre-signed URL does: the signature is the credential, no token is asked.
func (s *Server) serveUsageExportFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	orgID, errOrg := uuid.Parse(r.PathValue("org"))
	jobID, errJob := uuid.Parse(r.PathValue("job"))
	var x *usageExport
	if o := s.st.orgsByID[orgID]; errOrg == nil && errJob == nil && o != nil {
		x = o.exports[jobID]
	}
	if x == nil || r.PathValue("file") != "usage.csv.gz" {
		writeMessage(w, http.StatusNotFound, "No such usage export file.")
		return
	}
	exp, ok := x.signatures[r.URL.Query().Get("signature")]
	if !ok || !s.now().Before(exp) {
		writeMessage(w, http.StatusForbidden, "The download URL's signature is missing, not valid or expired; get a fresh URL from getUsageExport.")
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", `attachment; filename="usage.csv.gz"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(x.file)
}
