package fake_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/google/go-cmp/cmp"
)

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
	if wh.SigningSecret == nil || *wh.SigningSecret != "****" {
		t.Errorf("signing secret shown as %v, want ****", wh.SigningSecret)
	}
	e.must(200, "GET", "/webhook?scope-type=project&scope-id=6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a", nil, nil)
	e.must(200, "GET", "/webhook/"+wh.ID.String(), nil, nil)
	e.must(200, "PUT", "/webhook/"+wh.ID.String(), map[string]any{"name": "renamed"}, nil)
	e.must(200, "DELETE", "/webhook/"+wh.ID.String(), nil, nil)
	exerciseInsights(e) // insights_test.go

	administrationConformance(t, e) // org_test.go
	definitionsAndTriggers(e)
	conformancePolicies(e) // the Policy Management operations; see policy_test.go

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

	// Deploys and a rollback (see deploy_test.go).
	e3 := newEnv(t, fake.WithSeed(deploySeed()))
	var envs gen.EnvironmentList
	e3.must(200, "GET", "/deploy/environments?org-id="+deployOrgID, nil, &envs)
	e3.must(200, "GET", "/deploy/environments/"+envs.Items[0].ID.String(), nil, nil)
	var comps gen.ComponentList
	e3.must(200, "GET", "/deploy/components?org-id="+deployOrgID+"&project-id="+deployProjectID+"&page-size=5", nil, &comps)
	e3.must(200, "GET", "/deploy/components/"+comps.Items[0].ID.String(), nil, nil)
	e3.must(200, "GET", "/deploy/components/"+comps.Items[0].ID.String()+"/versions?environment-id="+envs.Items[0].ID.String(), nil, nil)
	e3.must(200, "GET", "/deploy/projects/"+deployProjectID+"/settings", nil, nil)
	e3.must(202, "POST", "/projects/"+deployProjectID+"/rollback", map[string]any{"component_name": "web", "environment_name": "production", "current_version": "0.9.1", "target_version": "0.9.0"}, nil)
	for op := range e3.ops {
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

// TestNotSimulated_ExactlyTheOtherTags calls every method of the strict server interface directly
// and checks that those answering the 501 of server.Unimplemented are exactly the operations of the
// tags the fake does not simulate: a simulated method misnamed would be shadowed by the embedded
// one without a compile error; and that no method panics on a zero request. Every tag of the
// document is simulated, so no method may answer the 501; a tag added to the document and left
// out of simulatedOperations makes its operations the expected ones.
func TestNotSimulated_ExactlyTheOtherTags(t *testing.T) {
	t.Parallel()
	f, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := fake.WithToken(context.Background(), fake.DemoToken)
	var unimplemented []string
	v := reflect.ValueOf(f)
	iface := reflect.TypeFor[genserver.StrictServerInterface]()
	for i := range iface.NumMethod() {
		m := iface.Method(i)
		req := reflect.New(m.Type.In(1)).Elem() // the zero request object
		var out []reflect.Value
		func() {
			defer func() {
				if r := recover(); r != nil { // a zero request must be refused, never panic
					t.Errorf("%s panicked on a zero request: %v", m.Name, r)
				}
			}()
			out = v.MethodByName(m.Name).Call([]reflect.Value{reflect.ValueOf(ctx), req})
		}()
		if out == nil {
			continue
		}
		var se *server.Error
		if err, _ := out[1].Interface().(error); errors.As(err, &se) && se.Status == 501 && strings.HasSuffix(se.Message, " is not implemented by this server.") {
			unimplemented = append(unimplemented, strings.ToLower(m.Name))
		}
	}
	simulated := map[string]bool{}
	for _, op := range simulatedOperations(t) {
		simulated[strings.ToLower(op.OperationID)] = true
	}
	var want []string
	for i := range iface.NumMethod() {
		if name := strings.ToLower(iface.Method(i).Name); !simulated[name] {
			want = append(want, name)
		}
	}
	slices.Sort(unimplemented)
	slices.Sort(want)
	if diff := cmp.Diff(want, unimplemented); diff != "" {
		t.Errorf("methods answering 501 (-operations of the other tags +methods):\n%s", diff)
	}
}
