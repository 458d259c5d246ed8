package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/servertest"
)

// otherSeed is the demo seed plus a second user in an organization of their own.
func otherSeed() *fake.Seed {
	s := fake.DemoSeed()
	s.Users = append(s.Users, fake.SeedUser{Login: "other-user", Tokens: []string{"other-token"}, Orgs: []string{"gh/other-org"}})
	s.Orgs = append(s.Orgs, fake.SeedOrg{Slug: "gh/other-org", Projects: []fake.SeedProject{{Name: "secret-app", Config: fake.DemoConfig}}})
	return s
}

// env is a fake served through server.New with every response validated against the document.
type env struct {
	t    *testing.T
	fake *fake.Server
	base string
	mu   sync.Mutex
	ops  map[string]bool // operation IDs served
}

func newEnv(t *testing.T, opts ...fake.Option) *env {
	t.Helper()
	f, err := fake.New(append([]fake.Option{fake.WithIDSource(fake.SequentialIDs()), fake.WithSeed(otherSeed())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, fake: f, ops: map[string]bool{}}
	record := func(next genserver.StrictHandlerFunc, op string) genserver.StrictHandlerFunc {
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
			e.mu.Lock()
			e.ops[strings.ToLower(op)] = true
			e.mu.Unlock()
			return next(ctx, w, r, req)
		}
	}
	h, err := f.Handler(server.WithStrictMiddlewares(record))
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.NewServer(t, h)
	e.base = srv.URL + "/api/v2"
	return e
}

// call sends a request with a token and decodes a JSON answer into out (when not nil).
func (e *env) call(tok, method, path string, body, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Circle-Token", tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return res.StatusCode
}

// must is call that fails the test unless the status is want.
func (e *env) must(want int, method, path string, body, out any) {
	e.t.Helper()
	var raw json.RawMessage
	if got := e.call(fake.DemoToken, method, path, body, &raw); got != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, got, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func jobsByName(e *env, wfID string) map[string]gen.Job {
	var jl gen.JobList
	e.must(200, "GET", "/workflow/"+wfID+"/job", nil, &jl)
	out := map[string]gen.Job{}
	for _, j := range jl.Items {
		out[j.Name] = j
	}
	return out
}

func statuses(m map[string]gen.Job) map[string]string {
	out := map[string]string{}
	for k, j := range m {
		out[k] = string(j.Status)
	}
	return out
}

const demo = "/project/gh/demo-org/demo-app"

// TestScenario_ApprovalToSuccess triggers the demo pipeline with parameters and follows it through
// its jobs and the approval to success.
func TestScenario_ApprovalToSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"myparam": "./myspecialdir", "myspecialversion": "4.8.2"}}, &pc)
	if pc.Number != 1 || pc.State != gen.PipelineCreationStateCreated {
		t.Fatalf("creation = %+v", pc)
	}
	var cfg gen.PipelineConfig
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/config", nil, &cfg)
	if !strings.Contains(cfg.Compiled, "DIR=./myspecialdir VERSION=4.8.2") || !strings.Contains(cfg.Source, "<< pipeline.parameters.myparam >>") {
		t.Errorf("config not compiled with the parameters:\n%s", cfg.Compiled)
	}
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	if len(wl.Items) != 1 || wl.Items[0].Name != "build-test-deploy" {
		t.Fatalf("workflows = %+v, want only build-test-deploy (nightly is off)", wl.Items)
	}
	wf := wl.Items[0].ID.String()
	want := map[string]string{"build": "queued", "test": "blocked", "hold": "blocked", "deploy": "blocked"}
	jobs := jobsByName(e, wf)
	if diff := cmp.Diff(want, statuses(jobs)); diff != "" {
		t.Errorf("at start (-want +got):\n%s", diff)
	}
	for name, j := range jobs {
		if j.StartedAt != nil {
			t.Errorf("%s is %s but started_at = %v, want null", name, j.Status, j.StartedAt)
		}
	}
	var queued gen.JobDetails
	e.must(200, "GET", fmt.Sprintf("%s/job/%d", demo, *jobs["build"].JobNumber), nil, &queued)
	if queued.StartedAt != nil {
		t.Errorf("queued job details: started_at = %v, want null", queued.StartedAt)
	}
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	jobs = jobsByName(e, wf)
	want = map[string]string{"build": "success", "test": "success", "hold": "on_hold", "deploy": "blocked"}
	if diff := cmp.Diff(want, statuses(jobs)); diff != "" {
		t.Errorf("before approval (-want +got):\n%s", diff)
	}
	if jobs["build"].StartedAt == nil || jobs["deploy"].StartedAt != nil {
		t.Errorf("started_at: build %v (want a time), deploy %v (blocked: want null)", jobs["build"].StartedAt, jobs["deploy"].StartedAt)
	}
	var w gen.Workflow
	e.must(200, "GET", "/workflow/"+wf, nil, &w)
	if w.Status != gen.WorkflowStatusOnHold {
		t.Errorf("workflow status %s, want on_hold", w.Status)
	}
	e.must(202, "POST", "/workflow/"+wf+"/approve/"+jobs["hold"].ApprovalRequestID.String(), nil, nil)
	if err := e.fake.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	e.must(200, "GET", "/workflow/"+wf, nil, &w)
	if w.Status != gen.WorkflowStatusSuccess || w.StoppedAt == nil {
		t.Errorf("workflow = %s stopped %v, want success", w.Status, w.StoppedAt)
	}
	var jd gen.JobDetails
	e.must(200, "GET", fmt.Sprintf("%s/job/%d", demo, *jobs["test"].JobNumber), nil, &jd)
	if jd.Parallelism != 2 || jd.Pipeline.ID != pc.ID || jd.LatestWorkflow.ID.String() != wf || jd.Status != "success" || jd.Duration == nil || *jd.Duration != 60 {
		t.Errorf("job details = %+v", jd)
	}
	var tests gen.TestList
	e.must(200, "GET", fmt.Sprintf("%s/%d/tests", demo, *jobs["test"].JobNumber), nil, &tests)
	var arts gen.ArtifactList
	e.must(200, "GET", fmt.Sprintf("%s/%d/artifacts", demo, *jobs["test"].JobNumber), nil, &arts)
	if len(tests.Items) != 6 || len(arts.Items) != 2 {
		t.Errorf("got %d tests and %d artifacts, want 6 and 2 (parallelism 2)", len(tests.Items), len(arts.Items))
	}
}

// TestScenario_FailureRerunCancel makes deploy fail, checks what it blocks, reruns from failed and
// cancels a workflow.
func TestScenario_FailureRerunCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.fake.SetJobOutcome("gh/demo-org/demo-app", "test", "failed"); err != nil {
		t.Fatal(err)
	}
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", map[string]any{"branch": "feature"}, &pc)
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	wf := wl.Items[0].ID.String()
	if err := e.fake.Advance(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"build": "success", "test": "failed", "hold": "not_run", "deploy": "not_run"}
	if diff := cmp.Diff(want, statuses(jobsByName(e, wf))); diff != "" {
		t.Errorf("after failure (-want +got):\n%s", diff)
	}
	var w gen.Workflow
	e.must(200, "GET", "/workflow/"+wf, nil, &w)
	if w.Status != gen.WorkflowStatusFailed {
		t.Errorf("workflow status %s, want failed", w.Status)
	}
	if err := e.fake.SetJobOutcome("gh/demo-org/demo-app", "test", "success"); err != nil {
		t.Fatal(err)
	}
	var rr gen.WorkflowRerun
	e.must(202, "POST", "/workflow/"+wf+"/rerun", map[string]any{"from_failed": true}, &rr)
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	if len(wl.Items) != 2 || wl.Items[1].ID != rr.WorkflowID || wl.Items[1].Name != "build-test-deploy" {
		t.Fatalf("workflows after rerun = %+v", wl.Items)
	}
	jobs := jobsByName(e, rr.WorkflowID.String())
	if jobs["build"].Status != "success" || jobs["test"].Status != "queued" {
		t.Errorf("rerun from failed: build %s test %s, want success (kept) and queued", jobs["build"].Status, jobs["test"].Status)
	}
	e.must(200, "POST", fmt.Sprintf("%s/job/%d/cancel", demo, *jobs["test"].JobNumber), nil, nil)
	want = map[string]string{"build": "success", "test": "canceled", "hold": "not_run", "deploy": "not_run"}
	if diff := cmp.Diff(want, statuses(jobsByName(e, rr.WorkflowID.String()))); diff != "" {
		t.Errorf("after job cancel (-want +got):\n%s", diff)
	}
	// Cancel a whole workflow of a new pipeline.
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	e.must(202, "POST", "/workflow/"+wl.Items[0].ID.String()+"/cancel", nil, nil)
	e.must(200, "GET", "/workflow/"+wl.Items[0].ID.String(), nil, &w)
	if w.Status != gen.WorkflowStatusCanceled || w.CanceledBy == nil {
		t.Errorf("canceled workflow = %s by %v", w.Status, w.CanceledBy)
	}
}

func TestTriggerPipeline_BadParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"undeclared", map[string]any{"nope": "x"}, `"nope"`},
		{"wrong type", map[string]any{"deploy": "yes"}, `"deploy"`},
		{"not in enum", map[string]any{"environment": "moon"}, `"environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msg gen.Error
			if got := e.call(fake.DemoToken, "POST", demo+"/pipeline", map[string]any{"parameters": tt.params}, &msg); got != 400 {
				t.Fatalf("status %d, want 400", got)
			}
			if !strings.Contains(msg.Message, tt.want) {
				t.Errorf("message %q does not name %s", msg.Message, tt.want)
			}
		})
	}
}

func TestEnvVarMasking(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ev gen.EnvironmentVariable
	e.must(201, "POST", demo+"/envvar", map[string]any{"name": "API_KEY", "value": "abcdef123456"}, &ev)
	if ev.Value != "xxxx3456" {
		t.Errorf("create answered value %q, want xxxx3456", ev.Value)
	}
	e.must(200, "GET", demo+"/envvar/API_KEY", nil, &ev)
	if ev.Value != "xxxx3456" {
		t.Errorf("get answered value %q, want xxxx3456", ev.Value)
	}
	var list gen.EnvironmentVariableList
	e.must(200, "GET", demo+"/envvar", nil, &list)
	for _, v := range list.Items {
		if !strings.HasPrefix(v.Value, "xxxx") {
			t.Errorf("%s is not masked: %q", v.Name, v.Value)
		}
	}
	e.must(404, "GET", demo+"/envvar/NOPE", nil, nil)
}

// TestCrossOrg checks that a token never sees another organization's objects.
func TestCrossOrg(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var pc gen.PipelineCreation
	if got := e.call("other-token", "POST", "/project/gh/other-org/secret-app/pipeline", nil, &pc); got != 201 {
		t.Fatalf("other user's trigger: %d", got)
	}
	var wl gen.WorkflowList
	e.call("other-token", "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	var ctxs gen.ContextList
	e.call(fake.DemoToken, "GET", "/context?owner-slug=gh/demo-org", nil, &ctxs)
	paths := []string{
		"/project/gh/other-org/secret-app",
		"/project/gh/other-org/secret-app/pipeline",
		"/project/gh/other-org/secret-app/envvar",
		"/project/gh/other-org/secret-app/pipeline/1",
		"/pipeline/" + pc.ID.String(),
		"/pipeline/" + pc.ID.String() + "/config",
		"/workflow/" + wl.Items[0].ID.String(),
		"/workflow/" + wl.Items[0].ID.String() + "/job",
		"/project/gh/other-org/secret-app/job/1",
		"/pipeline?org-slug=gh/other-org",
	}
	for _, p := range paths {
		var msg gen.Error
		if got := e.call(fake.DemoToken, "GET", p, nil, &msg); got != 404 || !strings.Contains(msg.Message, "not found") {
			t.Errorf("demo user GET %s: %d %q, want 404 … not found", p, got, msg.Message)
		}
	}
	if got := e.call("other-token", "GET", "/context/"+ctxs.Items[0].ID.String(), nil, nil); got != 404 {
		t.Errorf("other user GET demo context: %d, want 404", got)
	}
}

// TestPagination pages through 45 pipelines, and refuses foreign and malformed tokens.
func TestPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 45 {
		e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"nightly": true}}, nil)
	}
	var got []int64
	tok := ""
	pages := 0
	for {
		var pl gen.PipelineList
		e.must(200, "GET", demo+"/pipeline?page-token="+url.QueryEscape(tok), nil, &pl)
		pages++
		for _, p := range pl.Items {
			got = append(got, p.Number)
		}
		if pl.NextPageToken == nil {
			break
		}
		tok = *pl.NextPageToken
	}
	want := make([]int64, 45)
	for i := range want {
		want[i] = int64(45 - i)
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Errorf("%d pages with numbers %v, want 3 pages of 45..1", pages, got)
	}
	var first gen.PipelineList
	e.must(200, "GET", demo+"/pipeline", nil, &first)
	for _, bad := range []string{"garbage", *first.NextPageToken + "x"} {
		e.must(400, "GET", "/project/circleci/7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b/0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b/pipeline?page-token="+url.QueryEscape(bad), nil, nil)
	}
	// A token of the demo-app list is foreign to the standalone project's list and to the branch list.
	e.must(400, "GET", "/project/circleci/7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b/0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b/pipeline?page-token="+*first.NextPageToken, nil, nil)
	e.must(400, "GET", demo+"/pipeline?branch=main&page-token="+*first.NextPageToken, nil, nil)
}

// TestTrigger_GaplessUnderConcurrency triggers 10,000 pipelines from 64 goroutines.
func TestTrigger_GaplessUnderConcurrency(t *testing.T) {
	t.Parallel()
	f, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := fake.WithToken(context.Background(), fake.DemoToken)
	const n, workers = 10000, 64
	numbers := make(chan int64, n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				res, err := f.TriggerPipeline(ctx, genserver.TriggerPipelineRequestObject{ProjectSlug: "gh/demo-org/demo-app"})
				if err != nil {
					t.Error(err)
					return
				}
				c, ok := res.(genserver.TriggerPipeline201JSONResponse)
				if !ok {
					t.Errorf("trigger answered %T", res)
					return
				}
				numbers <- c.Number
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := make([]bool, n+1)
	for num := range numbers {
		if num < 1 || num > n || seen[num] {
			t.Fatalf("number %d out of range or repeated", num)
		}
		seen[num] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[i] {
			t.Fatalf("number %d missing", i)
		}
	}
}

// TestConformance drives every operation of the simulated tags through server.New(fake), with every
// response validated by servertest, and checks that none was left out.
func TestConformance(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var me gen.User
	e.must(200, "GET", "/me", nil, &me)
	var collabs []gen.Collaboration
	e.must(200, "GET", "/me/collaborations", nil, &collabs)
	if collabs[0].Slug != "gh/demo-org" || collabs[0].VCSType != "github" || collabs[1].VCSType != "circleci" {
		t.Errorf("collaborations = %+v", collabs)
	}
	e.must(200, "GET", "/user/"+me.ID.String(), nil, nil)
	var prj gen.Project
	e.must(200, "POST", "/organization/gh%2Fdemo-org/project", map[string]any{"name": "scratch"}, &prj)
	e.must(200, "GET", "/project/github/demo-org/scratch", nil, nil)
	e.must(200, "GET", "/project/gh/demo-org/scratch/settings", nil, nil)
	var st gen.ProjectSettings
	e.must(200, "PATCH", "/project/gh/demo-org/scratch/settings", map[string]any{"advanced": map[string]any{"oss": true}}, &st)
	if st.Advanced == nil || st.Advanced.Oss == nil || !*st.Advanced.Oss {
		t.Errorf("settings after PATCH = %+v", st.Advanced)
	}
	var key gen.CheckoutKey
	e.must(201, "POST", "/project/gh/demo-org/scratch/checkout-key", map[string]any{"type": "deploy-key"}, &key)
	if !strings.HasPrefix(key.PublicKey, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5") || len(key.Fingerprint) != 47 {
		t.Errorf("checkout key = %+v", key)
	}
	var keys gen.CheckoutKeyList
	e.must(200, "GET", "/project/gh/demo-org/scratch/checkout-key?digest=sha256", nil, &keys)
	e.must(200, "GET", "/project/gh/demo-org/scratch/checkout-key/"+url.PathEscape(keys.Items[0].Fingerprint), nil, nil)
	e.must(200, "DELETE", "/project/gh/demo-org/scratch/checkout-key/"+key.Fingerprint, nil, nil)
	e.must(201, "POST", "/project/gh/demo-org/scratch/envvar", map[string]any{"name": "A", "value": "b"}, nil)
	e.must(200, "GET", "/project/gh/demo-org/scratch/envvar", nil, nil)
	e.must(200, "GET", "/project/gh/demo-org/scratch/envvar/A", nil, nil)
	e.must(200, "DELETE", "/project/gh/demo-org/scratch/envvar/A", nil, nil)
	var pc gen.PipelineCreation
	e.must(201, "POST", "/project/gh/demo-org/scratch/pipeline", nil, &pc) // no config: errored
	if pc.State != gen.PipelineCreationStateErrored {
		t.Errorf("pipeline of a project without config: %s", pc.State)
	}
	e.must(200, "DELETE", "/project/gh/demo-org/scratch", nil, nil)
	e.must(404, "GET", "/project/gh/demo-org/scratch", nil, nil)

	var run gen.PipelineRunCreation
	e.must(201, "POST", "/project/gh/demo-org/demo-app/pipeline/run", map[string]any{"config": map[string]any{"branch": "main"}, "checkout": map[string]any{"branch": "main"}, "parameters": map[string]any{"environment": "production"}}, &run)
	e.must(201, "POST", demo+"/pipeline", map[string]any{"branch": "release"}, &pc)
	id := pc.ID.String()
	e.must(200, "GET", "/pipeline/"+id, nil, nil)
	e.must(200, "GET", "/pipeline/"+id+"/config", nil, nil)
	e.must(200, "GET", "/pipeline/"+id+"/values", nil, nil)
	e.must(200, "GET", demo+"/pipeline/2", nil, nil)
	e.must(200, "GET", demo+"/pipeline?branch=main", nil, nil)
	e.must(200, "GET", demo+"/pipeline/mine", nil, nil)
	e.must(200, "GET", "/pipeline?org-slug=gh/demo-org&mine=true", nil, nil)
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+id+"/workflow", nil, &wl)
	wf := wl.Items[0].ID.String()
	e.must(200, "GET", "/workflow/"+wf, nil, nil)
	jobs := jobsByName(e, wf)
	e.must(200, "GET", fmt.Sprintf("%s/job/%d", demo, *jobs["build"].JobNumber), nil, nil)
	e.must(200, "GET", fmt.Sprintf("%s/%d/artifacts", demo, *jobs["build"].JobNumber), nil, nil)
	e.must(200, "GET", fmt.Sprintf("%s/%d/tests", demo, *jobs["build"].JobNumber), nil, nil)
	e.must(200, "POST", fmt.Sprintf("%s/job/%d/cancel", demo, *jobs["test"].JobNumber), nil, nil)
	e.must(200, "POST", "/jobs/"+jobs["build"].ID.String()+"/cancel", nil, nil)
	e.must(400, "POST", "/workflow/"+wf+"/approve/"+jobs["hold"].ApprovalRequestID.String(), nil, nil) // never went on hold
	e.must(409, "POST", "/workflow/"+wf+"/cancel", nil, nil)
	e.must(202, "POST", "/workflow/"+wf+"/rerun", map[string]any{}, nil)
	e.must(400, "POST", "/pipeline/continue", map[string]any{"continuation-key": "", "configuration": "x"}, nil)
	e.must(404, "POST", "/pipeline/continue", map[string]any{"continuation-key": "nope", "configuration": "x"}, nil)

	var c gen.Context
	e.must(200, "POST", "/context", map[string]any{"name": "ci", "owner": map[string]any{"slug": "gh/demo-org"}}, &c)
	cid := c.ID.String()
	e.must(200, "GET", "/context?owner-slug=gh%2Fdemo-org", nil, nil)
	e.must(200, "GET", "/context/"+cid, nil, nil)
	e.must(200, "PUT", "/context/"+cid+"/environment-variable/TOKEN", map[string]any{"value": "v"}, nil)
	e.must(200, "GET", "/context/"+cid+"/environment-variable", nil, nil)
	e.must(200, "DELETE", "/context/"+cid+"/environment-variable/TOKEN", nil, nil)
	var r gen.ContextRestrictionCreated
	e.must(201, "POST", "/context/"+cid+"/restrictions", map[string]any{"restriction_type": "project", "restriction_value": "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a"}, &r)
	e.must(409, "POST", "/context/"+cid+"/restrictions", map[string]any{"restriction_type": "project", "restriction_value": "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a"}, nil)
	e.must(200, "GET", "/context/"+cid+"/restrictions", nil, nil)
	e.must(200, "DELETE", "/context/"+cid+"/restrictions/"+r.ID.String(), nil, nil)
	e.must(200, "DELETE", "/context/"+cid, nil, nil)

	tt := map[string]any{"per-hour": 1, "hours-of-day": []int{3}, "days-of-week": []string{"MON"}}
	var sc gen.Schedule
	e.must(201, "POST", demo+"/schedule", map[string]any{"name": "nightly", "timetable": tt, "attribution-actor": "system", "parameters": map[string]any{"branch": "main", "nightly": true}}, &sc)
	e.must(400, "POST", demo+"/schedule", map[string]any{"name": "bad", "timetable": map[string]any{"per-hour": 61, "hours-of-day": []int{3}, "days-of-week": []string{"MON"}}, "attribution-actor": "system", "parameters": map[string]any{"branch": "main"}}, nil)
	e.must(200, "GET", demo+"/schedule", nil, nil)
	e.must(200, "GET", "/schedule/"+sc.ID.String(), nil, nil)
	e.must(200, "PATCH", "/schedule/"+sc.ID.String(), map[string]any{"timetable": map[string]any{"days-of-month": []int{1}}}, nil)
	e.must(200, "DELETE", "/schedule/"+sc.ID.String(), nil, nil)

	scope := map[string]any{"id": "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a", "type": "project"}
	var wh gen.Webhook
	e.must(400, "POST", "/webhook", map[string]any{"name": "w", "events": []string{"job-completed"}, "url": "http://insecure.example", "verify-tls": true, "signing-secret": "s3cr3t-value", "scope": scope}, nil)
	e.must(201, "POST", "/webhook", map[string]any{"name": "w", "events": []string{"job-completed"}, "url": "https://hooks.example/ci", "verify-tls": true, "signing-secret": "s3cr3t-value", "scope": scope}, &wh)
	if wh.SigningSecret != "xxxxalue" {
		t.Errorf("signing secret shown as %q, want xxxxalue", wh.SigningSecret)
	}
	e.must(200, "GET", "/webhook?scope-type=project&scope-id=6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a", nil, nil)
	e.must(200, "GET", "/webhook/"+wh.ID.String(), nil, nil)
	e.must(200, "PUT", "/webhook/"+wh.ID.String(), map[string]any{"name": "renamed"}, nil)
	e.must(200, "DELETE", "/webhook/"+wh.ID.String(), nil, nil)

	// A setup pipeline, continued once.
	setup := fake.DemoSeed()
	setup.Orgs[0].Projects = append(setup.Orgs[0].Projects, fake.SeedProject{Name: "dyn", Config: "version: 2.1\nsetup: true\njobs:\n  gen:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\nworkflows:\n  setup:\n    jobs: [gen]\n"})
	e2 := newEnv(t, fake.WithSeed(setup))
	e2.must(201, "POST", "/project/gh/demo-org/dyn/pipeline", nil, &pc)
	ck, ok := e2.fake.ContinuationKey(pc.ID)
	if !ok {
		t.Fatal("no continuation key")
	}
	body := map[string]any{"continuation-key": ck, "configuration": fake.DemoConfig, "parameters": map[string]any{"deploy": false}}
	e2.must(200, "POST", "/pipeline/continue", body, nil)
	e2.must(404, "POST", "/pipeline/continue", body, nil)
	for op := range e2.ops {
		e.ops[op] = true
	}

	var missing []string
	for _, op := range simulatedOperations(t) {
		if !e.ops[strings.ToLower(op.OperationID)] {
			missing = append(missing, op.OperationID)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("operations not exercised: %v", missing)
	}
}

// simulatedOperations returns the operations of the document whose first tag is one the fake
// simulates with state.
func simulatedOperations(t *testing.T) []*openapi3.Operation {
	t.Helper()
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	simulated := map[string]bool{"User": true, "Project": true, "Pipeline": true, "Workflow": true, "Job": true, "Context": true, "Schedule": true, "Webhook": true}
	var ops []*openapi3.Operation
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if simulated[op.Tags[0]] {
				ops = append(ops, op)
			}
		}
	}
	return ops
}

// TestUnavailable checks that operations of the tags the fake does not simulate answer 501 (their
// default response), validated by servertest.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/insights/gh/demo-org/demo-app/workflows", 501},
		{"GET", "/organization/gh%2Fdemo-org", 501},
		{"GET", "/organizations/3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a/groups", 501},
		{"GET", "/otel/exporters?org-id=3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a", 501},
		{"GET", "/org/3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a/oidc-custom-claims", 501},
		{"GET", "/owner/3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a/context/config/policy-bundle", 501},
	}
	for _, tt := range tests {
		var msg map[string]any
		if got := e.call(fake.DemoToken, tt.method, tt.path, nil, &msg); got != tt.want {
			t.Errorf("%s %s: %d %v, want %d", tt.method, tt.path, got, msg, tt.want)
		}
	}
}

// TestControl uses the /_fake endpoints: a fault with Retry-After, then the clock.
func TestControl(t *testing.T) {
	t.Parallel()
	ts := fake.NewTestServer(t)
	post := func(path, body string) *http.Response {
		res, err := http.Post(ts.HTTP.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post("/_fake/faults", `{"path": "/me", "status": 429, "retry_after": "2s", "count": 2}`); res.StatusCode != 201 {
		t.Fatalf("adding a fault: %d", res.StatusCode)
	}
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", ts.URL+"/me", nil)
		req.Header.Set("Circle-Token", ts.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	var got []string
	for range 3 {
		res := get()
		got = append(got, fmt.Sprint(res.StatusCode, " ", res.Header.Get("Retry-After")))
	}
	if diff := cmp.Diff([]string{"429 2", "429 2", "200 "}, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	before := ts.Fake.Now()
	if res := post("/_fake/clock/advance", `{"duration": "90s"}`); res.StatusCode != 200 {
		t.Fatalf("advance: %d", res.StatusCode)
	}
	if d := ts.Fake.Now().Sub(before); d != 90*time.Second {
		t.Errorf("clock moved %v, want 90s", d)
	}
	if res := post("/_fake/faults", `{"status": 200, "count": 1}`); res.StatusCode != 400 {
		t.Errorf("a 200 fault was accepted: %d", res.StatusCode)
	}
}

// TestContext_BadInput checks that input the Context operations cannot accept gets a 400 (or a 409
// for a duplicate name) that says what is wrong, and that only missing things are 404s.
func TestContext_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var c gen.Context
	e.must(200, "POST", "/context", map[string]any{"name": "taken", "owner": map[string]any{"slug": "gh/demo-org"}}, &c)
	tests := []struct {
		name, method, path string
		body               any
		want               int
		msg                string
	}{
		{"blank name", "POST", "/context", map[string]any{"name": " ", "owner": map[string]any{"slug": "gh/demo-org"}}, 400, "name"},
		{"owner without id or slug", "POST", "/context", map[string]any{"name": "x", "owner": map[string]any{"type": "organization"}}, 400, "owner"},
		{"duplicate name", "POST", "/context", map[string]any{"name": "taken", "owner": map[string]any{"slug": "gh/demo-org"}}, 409, `"taken"`},
		{"unknown owner", "POST", "/context", map[string]any{"name": "x", "owner": map[string]any{"slug": "gh/nobody"}}, 404, "not found"},
		{"list without owner", "GET", "/context", nil, 400, "owner-id or owner-slug"},
		{"bad variable name", "PUT", "/context/" + c.ID.String() + "/environment-variable/1BAD", map[string]any{"value": "v"}, 400, `"1BAD"`},
		{"foreign page token", "GET", "/context/" + c.ID.String() + "/environment-variable?page-token=AAAAAAAAAAAAAAAAAAAAAA", nil, 400, "page-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msg gen.Error
			if got := e.call(fake.DemoToken, tt.method, tt.path, tt.body, &msg); got != tt.want || !strings.Contains(msg.Message, tt.msg) {
				t.Errorf("%s %s: %d %q, want %d mentioning %s", tt.method, tt.path, got, msg.Message, tt.want, tt.msg)
			}
		})
	}
}

// TestDirectCall_Errors calls methods from Go, without HTTP: every error path returns a
// *server.Error that carries the status and message server.New would write.
func TestDirectCall_Errors(t *testing.T) {
	t.Parallel()
	f, err := fake.New(fake.WithSeed(otherSeed()))
	if err != nil {
		t.Fatal(err)
	}
	anon := context.Background()
	demo := fake.WithToken(anon, fake.DemoToken)
	bad := "garbage"
	tests := []struct {
		name   string
		call   func() (any, error)
		status int
		msg    string
	}{
		{"no token", func() (any, error) { return f.GetCurrentUser(anon, genserver.GetCurrentUserRequestObject{}) }, 401, "You must log in first."},
		{"unknown token", func() (any, error) {
			return f.GetProjectBySlug(fake.WithToken(anon, "nope"), genserver.GetProjectBySlugRequestObject{ProjectSlug: "gh/demo-org/demo-app"})
		}, 401, "You must log in first."},
		{"foreign project", func() (any, error) {
			return f.TriggerPipeline(demo, genserver.TriggerPipelineRequestObject{ProjectSlug: "gh/other-org/secret-app"})
		}, 404, "Project not found."},
		{"unknown env var", func() (any, error) {
			return f.GetEnvVar(demo, genserver.GetEnvVarRequestObject{ProjectSlug: "gh/demo-org/demo-app", Name: "NOPE"})
		}, 404, "Environment variable not found."},
		{"bad page token", func() (any, error) {
			return f.ListPipelinesForProject(demo, genserver.ListPipelinesForProjectRequestObject{ProjectSlug: "gh/demo-org/demo-app", Params: gen.ListPipelinesForProjectParams{PageToken: &bad}})
		}, 400, "page-token is not valid for this list"},
		{"unknown workflow", func() (any, error) { return f.GetWorkflowByID(demo, genserver.GetWorkflowByIDRequestObject{}) }, 404, "Workflow not found."},
		{"unknown context", func() (any, error) { return f.GetContext(demo, genserver.GetContextRequestObject{}) }, 404, "Context not found."},
		{"context without owner", func() (any, error) { return f.ListContexts(demo, genserver.ListContextsRequestObject{}) }, 400, "owner-id or owner-slug is required"},
		{"settings without body", func() (any, error) {
			return f.PatchProjectSettings(demo, genserver.PatchProjectSettingsRequestObject{Provider: "gh", Organization: "demo-org", Project: "demo-app"})
		}, 400, "the body must hold"},
		{"not simulated", func() (any, error) { return f.GetOrganization(demo, genserver.GetOrganizationRequestObject{}) }, 501, "This endpoint is not available in circleci-fake."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := tt.call()
			var se *server.Error
			if !errors.As(err, &se) {
				t.Fatalf("answered %T %v, want a *server.Error", res, err)
			}
			if se.Status != tt.status || !strings.HasPrefix(se.Message, tt.msg) {
				t.Errorf("error %d %q, want %d %q…", se.Status, se.Message, tt.status, tt.msg)
			}
		})
	}
}
