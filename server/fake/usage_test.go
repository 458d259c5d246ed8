package fake_test

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// download fetches a usage export file without a token and returns its CSV records, or the status
// when it is not a 200.
func download(t *testing.T, url string) ([][]string, int) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil, res.StatusCode
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/gzip" {
		t.Errorf("download Content-Type %q, want application/gzip", ct)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatalf("the file is not gzip: %v", err)
	}
	records, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatalf("the file is not CSV: %v", err)
	}
	return records, 200
}

// TestUsageExport_EndToEnd runs pipelines, exports the window they ran in, follows the job from
// created through processing to completed on the simulated clock, downloads the file through its URL
// and checks that its rows are the build jobs that ran in the window: not those of a pipeline run
// after it, nor another organization's.
func TestUsageExport_EndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	start := e.fake.Now()
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", map[string]any{"branch": "main"}, &pc)
	e.mustAt(201, "other-token", "POST", e.ts.URL+"/project/gh/other-org/secret-app/pipeline", nil, nil) // another org: not in the export
	advance(t, e.fake, time.Hour)
	end := e.fake.Now()

	// What ran: the build jobs of the pipeline's workflows that started and stopped.
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	want := map[string]gen.Job{}
	for _, w := range wl.Items {
		var jl gen.JobList
		e.must(200, "GET", "/workflow/"+w.ID.String()+"/job", nil, &jl)
		for _, j := range jl.Items {
			if j.Type == "build" && j.StartedAt != nil && j.StoppedAt != nil {
				want[j.ID.String()] = j
			}
		}
	}
	if len(want) < 2 {
		t.Fatalf("only %d build jobs ran; the test needs some", len(want))
	}
	e.must(201, "POST", demo+"/pipeline", map[string]any{"branch": "main"}, nil) // after the window
	advance(t, e.fake, time.Hour)

	const base = "/organizations/" + demoOrgID + "/usage_export_job"
	var created map[string]any
	e.must(201, "POST", base, map[string]any{"start": start.Add(-time.Minute), "end": end}, &created)
	if created["state"] != "created" || created["download_urls"] != nil {
		t.Errorf("create answered %v, want state created and download_urls null", created)
	}
	if _, ok := created["download_urls"]; !ok {
		t.Error("create answer has no download_urls key")
	}
	id := created["usage_export_job_id"].(string)

	var st gen.UsageExportJobStatus
	for _, step := range []struct {
		after time.Duration
		state gen.UsageExportJobStatusState
	}{{0, "created"}, {10 * time.Second, "processing"}, {50 * time.Second, "completed"}} {
		advance(t, e.fake, step.after)
		e.must(200, "GET", base+"/"+id, nil, &st)
		if st.State != step.state {
			t.Fatalf("after %v more: state %s, want %s", step.after, st.State, step.state)
		}
		if st.State != "completed" && st.DownloadUrls != nil {
			t.Errorf("state %s with download URLs %v", st.State, st.DownloadUrls)
		}
	}
	if len(st.DownloadUrls) != 1 {
		t.Fatalf("completed with %d download URLs, want 1", len(st.DownloadUrls))
	}
	records, status := download(t, st.DownloadUrls[0])
	if status != 200 {
		t.Fatalf("download: %d", status)
	}
	header, rows := records[0], records[1:]
	for _, c := range []string{"ORGANIZATION_ID", "PROJECT_ID", "PIPELINE_ID", "WORKFLOW_ID", "JOB_ID", "JOB_NAME", "JOB_RUN_NUMBER", "JOB_BUILD_STATUS", "JOB_RUN_STARTED_AT", "JOB_RUN_STOPPED_AT", "JOB_RUN_SECONDS", "PARALLELISM", "RESOURCE_CLASS", "COMPUTE_CREDITS", "TOTAL_CREDITS"} {
		if !slices.Contains(header, c) {
			t.Errorf("header lacks %s: %v", c, header)
		}
	}
	col := func(row []string, name string) string { return row[slices.Index(header, name)] }
	got := map[string][]string{}
	for _, r := range rows {
		if len(r) != len(header) {
			t.Fatalf("row of %d fields under a header of %d", len(r), len(header))
		}
		got[col(r, "JOB_ID")] = r
	}
	if len(got) != len(want) {
		t.Errorf("%d rows, want one for each of the %d jobs that ran in the window", len(got), len(want))
	}
	for jid, j := range want {
		r, ok := got[jid]
		if !ok {
			t.Errorf("no row for job %s (%s)", j.Name, jid)
			continue
		}
		seconds := j.StoppedAt.Sub(*j.StartedAt).Seconds()
		wantFields := map[string]string{
			"ORGANIZATION_ID":    demoOrgID,
			"PROJECT_ID":         demoProjectID,
			"PROJECT_NAME":       "demo-app",
			"PIPELINE_ID":        pc.ID.String(),
			"PIPELINE_NUMBER":    strconv.FormatInt(pc.Number, 10),
			"VCS_BRANCH":         "main",
			"JOB_NAME":           j.Name,
			"JOB_RUN_NUMBER":     strconv.FormatInt(*j.JobNumber, 10),
			"JOB_BUILD_STATUS":   string(j.Status),
			"JOB_RUN_STARTED_AT": j.StartedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
			"JOB_RUN_STOPPED_AT": j.StoppedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
			"JOB_RUN_SECONDS":    strconv.FormatFloat(seconds, 'f', -1, 64),
		}
		for name, v := range wantFields {
			if col(r, name) != v {
				t.Errorf("job %s: %s = %q, want %q", j.Name, name, col(r, name), v)
			}
		}
		if c, err := strconv.ParseFloat(col(r, "TOTAL_CREDITS"), 64); err != nil || c <= 0 || col(r, "TOTAL_CREDITS") != col(r, "COMPUTE_CREDITS") {
			t.Errorf("job %s: credits %q total, %q compute", j.Name, col(r, "TOTAL_CREDITS"), col(r, "COMPUTE_CREDITS"))
		}
	}

	// Every poll signs a new URL; each works until it expires, 36 hours on.
	var again gen.UsageExportJobStatus
	e.must(200, "GET", base+"/"+id, nil, &again)
	if len(again.DownloadUrls) != 1 || again.DownloadUrls[0] == st.DownloadUrls[0] {
		t.Errorf("second poll URLs %v, want one new URL", again.DownloadUrls)
	}
	if _, status := download(t, st.DownloadUrls[0]); status != 200 {
		t.Errorf("first URL after another poll: %d, want 200", status)
	}
	advance(t, e.fake, 36*time.Hour)
	if _, status := download(t, again.DownloadUrls[0]); status != 403 {
		t.Errorf("URL after 36 hours: %d, want 403", status)
	}
	tampered := strings.Replace(again.DownloadUrls[0], "signature=", "signature=0", 1)
	if _, status := download(t, tampered); status != 403 {
		t.Errorf("tampered URL: %d, want 403", status)
	}
}

// TestUsageExport_NoUsage checks that a window in which no job ran completes with download_urls
// null, as circleci.com answers.
func TestUsageExport_NoUsage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	advance(t, e.fake, time.Hour)
	now := e.fake.Now()
	var x gen.UsageExportJob
	e.must(201, "POST", "/organizations/"+demoOrgID+"/usage_export_job", map[string]any{"start": now.Add(-time.Hour), "end": now}, &x)
	advance(t, e.fake, time.Minute)
	var raw map[string]any
	e.must(200, "GET", "/organizations/"+demoOrgID+"/usage_export_job/"+x.UsageExportJobID.String(), nil, &raw)
	want := map[string]any{"usage_export_job_id": x.UsageExportJobID.String(), "state": "completed", "download_urls": nil}
	if diff := cmp.Diff(want, raw); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
}

func TestUsageExport_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	advance(t, e.fake, time.Hour)
	now := e.fake.Now()
	const base = "/organizations/" + demoOrgID + "/usage_export_job"
	day := 24 * time.Hour
	tests := []struct {
		name string
		body any
		want string
	}{
		{"end before start", map[string]any{"start": now.Add(-time.Hour), "end": now.Add(-2 * time.Hour)}, "end must not be before start"},
		{"too old", map[string]any{"start": now.Add(-367 * day), "end": now.Add(-360 * day)}, "366 days"},
		{"future", map[string]any{"start": now.Add(-time.Hour), "end": now.Add(time.Hour)}, "future"},
		{"too long", map[string]any{"start": now.Add(-32 * day), "end": now}, "31 days"},
		{"no end", map[string]any{"start": now.Add(-time.Hour)}, "end"},
		{"not a time", map[string]any{"start": "yesterday", "end": now}, "start"},
		{"unknown field", map[string]any{"start": now.Add(-time.Hour), "end": now, "format": "csv"}, "format"},
		{"shared org not a uuid", map[string]any{"start": now.Add(-time.Hour), "end": now, "shared_org_ids": []string{"gh/other"}}, "shared_org_ids"},
	}
	for _, tt := range tests {
		var msg gen.Error
		if got := e.call(fake.DemoToken, "POST", base, tt.body, &msg); got != 400 || !strings.Contains(msg.Message, tt.want) {
			t.Errorf("%s: %d %q, want 400 naming %q", tt.name, got, msg.Message, tt.want)
		}
	}
	// A window of exactly 31 days is allowed.
	e.must(201, "POST", base, map[string]any{"start": now.Add(-31 * day), "end": now}, nil)
	e.must(404, "GET", base+"/00000000-0000-4000-8000-00000000ffff", nil, nil)
}

// TestUsageExport_SharedOrgs checks that shared_org_ids adds the usage of the organizations the
// caller belongs to and leaves out the others.
func TestUsageExport_SharedOrgs(t *testing.T) {
	t.Parallel()
	seed := otherSeed()
	seed.Users[0].Orgs = append(seed.Users[0].Orgs, "gh/shared-org")
	seed.Orgs = append(seed.Orgs, fake.SeedOrg{Slug: "gh/shared-org", Projects: []fake.SeedProject{{Name: "lib", Config: fake.DemoConfig}}})
	e := newEnv(t, fake.WithSeed(seed))
	start := e.fake.Now()
	e.must(201, "POST", "/project/gh/shared-org/lib/pipeline", map[string]any{"branch": "main"}, nil)
	e.mustAt(201, "other-token", "POST", e.ts.URL+"/project/gh/other-org/secret-app/pipeline", nil, nil)
	advance(t, e.fake, time.Hour)
	var shared, other gen.Organization
	e.must(200, "GET", "/organization/gh%2Fshared-org", nil, &shared)
	e.mustAt(200, "other-token", "GET", e.ts.URL+"/organization/gh%2Fother-org", nil, &other)

	var x gen.UsageExportJob
	e.must(201, "POST", "/organizations/"+demoOrgID+"/usage_export_job", map[string]any{"start": start, "end": e.fake.Now(), "shared_org_ids": []string{shared.ID, other.ID}}, &x)
	advance(t, e.fake, time.Minute)
	var st gen.UsageExportJobStatus
	e.must(200, "GET", "/organizations/"+demoOrgID+"/usage_export_job/"+x.UsageExportJobID.String(), nil, &st)
	if len(st.DownloadUrls) != 1 {
		t.Fatalf("status %+v, want one download URL", st)
	}
	records, status := download(t, st.DownloadUrls[0])
	if status != 200 || len(records) < 2 {
		t.Fatalf("download: %d, %d records", status, len(records))
	}
	orgs := map[string]int{}
	for _, r := range records[1:] {
		orgs[r[slices.Index(records[0], "ORGANIZATION_ID")]]++
	}
	if orgs[shared.ID] == 0 || orgs[other.ID] != 0 || len(orgs) != 1 {
		t.Errorf("rows by organization %v, want only the shared org %s (the demo org ran nothing, other-org is not the caller's)", orgs, shared.ID)
	}
}
