package circleci_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/openapi"
)

// goName folds an operationId and a Go method name to one comparable form, so that
// "getPipelineById" matches "GetPipelineByID".
func goName(s string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s))
}

func operationIDs(t *testing.T) []string {
	t.Helper()
	doc, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	sort.Strings(ids)
	return ids
}

func methodSet(typ reflect.Type, suffix string) map[string]string {
	out := make(map[string]string)
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if base, ok := strings.CutSuffix(name, suffix); ok {
			out[goName(base)] = name
		}
	}
	return out
}

// TestEveryOperationIsGenerated fails when an operation of the document lacks a method on the
// generated client or on the strict server interface, or when either has one the document lacks.
func TestEveryOperationIsGenerated(t *testing.T) {
	t.Parallel()
	ids := operationIDs(t)
	if len(ids) != 119 {
		t.Errorf("document has %d operations, want 119", len(ids))
	}
	sets := []struct {
		name    string
		methods map[string]string
	}{
		{"gen.ClientWithResponses (…WithResponse)", methodSet(reflect.TypeFor[*gen.ClientWithResponses](), "WithResponse")},
		{"gen.Client", methodSet(reflect.TypeFor[*gen.Client](), "")},
		{"genserver.StrictServerInterface", methodSet(reflect.TypeFor[genserver.StrictServerInterface](), "")},
		{"genserver.ServerInterface", methodSet(reflect.TypeFor[genserver.ServerInterface](), "")},
	}
	for _, set := range sets {
		found := 0
		for _, id := range ids {
			if _, ok := set.methods[goName(id)]; ok {
				found++
			} else {
				t.Errorf("%s has no method for operation %s", set.name, id)
			}
		}
		if found != len(ids) {
			t.Errorf("%s: %d of %d operations", set.name, found, len(ids))
		}
	}
	strict := sets[2].methods
	if len(strict) != len(ids) {
		t.Errorf("genserver.StrictServerInterface has %d methods, the document %d operations", len(strict), len(ids))
	}
}

// stub is a tiny strict-server implementation: the operations the round trip uses record what
// they received; any other call panics through the nil embedded interface.
type stub struct {
	genserver.StrictServerInterface
	mu   sync.Mutex
	seen []string
}

func (s *stub) record(format string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, format)
}

func (s *stub) calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

var (
	userID     = openapi_types.UUID{0x3f, 0x2a, 0x1c, 0x9e, 0x6b, 0x1d, 0x4c, 0x57, 0x9a, 0x52, 0x0d, 0x7e, 0x6b, 0x8f, 0x1a, 0x23}
	pipelineID = openapi_types.UUID{0x0b, 0x1c, 0x2d, 0x3e, 0x4f, 0x5a, 0x4b, 0x6c, 0x9d, 0x7e, 0x8f, 0x9a, 0x0b, 0x1c, 0x2d, 0x3e}
	createdAt  = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
)

func (s *stub) GetCurrentUser(ctx context.Context, _ genserver.GetCurrentUserRequestObject) (genserver.GetCurrentUserResponseObject, error) {
	s.record("GetCurrentUser")
	return genserver.GetCurrentUser200JSONResponse{ID: userID, Login: "octo-dev", Name: "Octo Dev", AvatarURL: ptr("https://avatars.example.com/u/1")}, nil
}

func (s *stub) GetProjectBySlug(ctx context.Context, req genserver.GetProjectBySlugRequestObject) (genserver.GetProjectBySlugResponseObject, error) {
	s.record("GetProjectBySlug " + req.ProjectSlug)
	if req.ProjectSlug != "gh/org/repo" {
		return genserver.GetProjectBySlugdefaultJSONResponse{StatusCode: http.StatusNotFound, Body: gen.Error{Message: "Project not found"}}, nil
	}
	return genserver.GetProjectBySlug200JSONResponse{Slug: req.ProjectSlug, Name: "repo", OrganizationName: "org", OrganizationSlug: "gh/org"}, nil
}

func (s *stub) TriggerPipeline(ctx context.Context, req genserver.TriggerPipelineRequestObject) (genserver.TriggerPipelineResponseObject, error) {
	params, err := json.Marshal(req.Body.Parameters)
	if err != nil {
		return nil, err
	}
	s.record("TriggerPipeline " + req.ProjectSlug + " " + deref(req.Body.Branch) + " " + string(params))
	return genserver.TriggerPipeline201JSONResponse{ID: pipelineID, Number: 7, State: gen.PipelineCreationStateCreated, CreatedAt: createdAt}, nil
}

func (s *stub) CreateContext(ctx context.Context, req genserver.CreateContextRequestObject) (genserver.CreateContextResponseObject, error) {
	owner, err := req.Body.Owner.AsContextOwnerBySlug()
	if err != nil {
		return nil, err
	}
	s.record("CreateContext " + req.Body.Name + " " + owner.Slug)
	return genserver.CreateContext200JSONResponse{ID: pipelineID, Name: req.Body.Name, CreatedAt: createdAt}, nil
}

func (s *stub) AddEnvironmentVariableToContext(ctx context.Context, req genserver.AddEnvironmentVariableToContextRequestObject) (genserver.AddEnvironmentVariableToContextResponseObject, error) {
	s.record("AddEnvironmentVariableToContext " + req.ContextID.String() + " " + req.EnvVarName + "=" + req.Body.Value)
	var out gen.ContextEnvironmentVariableResult
	if err := out.FromContextEnvironmentVariable(gen.ContextEnvironmentVariable{Variable: req.EnvVarName, ContextID: req.ContextID, CreatedAt: createdAt}); err != nil {
		return nil, err
	}
	return genserver.AddEnvironmentVariableToContext200JSONResponse(out), nil
}

func (s *stub) CreateSchedule(ctx context.Context, req genserver.CreateScheduleRequestObject) (genserver.CreateScheduleResponseObject, error) {
	tt, err := req.Body.Timetable.AsTimetableDaysOfWeek()
	if err != nil {
		return nil, err
	}
	s.record("CreateSchedule " + req.ProjectSlug + " " + req.Body.Name + " " + string(tt.DaysOfWeek[0]))
	return nil, errUnused
}

func (s *stub) CreateWebhook(ctx context.Context, req genserver.CreateWebhookRequestObject) (genserver.CreateWebhookResponseObject, error) {
	s.record("CreateWebhook " + req.Body.Name + " " + req.Body.URL + " " + string(req.Body.Scope.Type))
	return genserver.CreateWebhook201JSONResponse{ID: pipelineID, Name: req.Body.Name, URL: req.Body.URL, CreatedAt: createdAt, UpdatedAt: createdAt,
		Events: []gen.WebhookEvents{gen.WebhookEventsWorkflowCompleted}, Scope: gen.WebhookScope{ID: req.Body.Scope.ID, Type: string(req.Body.Scope.Type)}}, nil
}

func (s *stub) GetPolicyBundle(ctx context.Context, req genserver.GetPolicyBundleRequestObject) (genserver.GetPolicyBundleResponseObject, error) {
	s.record("GetPolicyBundle " + req.OwnerID + " " + req.PolicyContext)
	return genserver.GetPolicyBundle200JSONResponse{"ci": {Name: ptr("ci"), Content: ptr("package org")}}, nil
}

var errUnused = &json.UnsupportedValueError{Str: "not used by the round trip"}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr[T any](v T) *T { return &v }

func newRoundTrip(t *testing.T) (*stub, *gen.ClientWithResponses, string) {
	t.Helper()
	impl := &stub{}
	handler := genserver.HandlerWithOptions(genserver.NewStrictHandler(impl, nil), genserver.ChiServerOptions{BaseURL: "/api/v2"})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := gen.NewClientWithResponses(srv.URL+"/api/v2", gen.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return impl, c, srv.URL + "/api/v2"
}

// TestRoundTrip drives the generated client against the generated chi + strict handler over real
// HTTP, for the core operations and one operation of each union or renamed parameter.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	impl, c, _ := newRoundTrip(t)
	ctx := t.Context()

	me, err := c.GetCurrentUserWithResponse(ctx)
	if err != nil || me.JSON200 == nil {
		t.Fatalf("GetCurrentUser: %v, status %d", err, me.StatusCode())
	}
	if me.JSON200.Login != "octo-dev" || me.JSON200.ID != userID {
		t.Errorf("GetCurrentUser = %+v", me.JSON200)
	}

	proj, err := c.GetProjectBySlugWithResponse(ctx, "gh/org/repo")
	if err != nil || proj.JSON200 == nil {
		t.Fatalf("GetProjectBySlug: %v, status %d", err, proj.StatusCode())
	}
	if proj.JSON200.Slug != "gh/org/repo" {
		t.Errorf("project slug = %q", proj.JSON200.Slug)
	}
	missing, err := c.GetProjectBySlugWithResponse(ctx, "gh/org/other")
	if err != nil || missing.StatusCode() != http.StatusNotFound || missing.JSONDefault == nil || missing.JSONDefault.Message != "Project not found" {
		t.Errorf("GetProjectBySlug(unknown): %v, status %d, body %s", err, missing.StatusCode(), missing.Body)
	}

	var body gen.TriggerPipelineJSONRequestBody
	body.Branch = ptr("main")
	body.Parameters = map[string]gen.PipelineParameterValue{}
	for name, v := range map[string]any{"myparam": "./myspecialdir", "myspecialversion": "4.8.2", "replicas": 3, "deploy": true} {
		var pv gen.PipelineParameterValue
		switch v := v.(type) {
		case string:
			err = pv.FromPipelineParameterValue1(v)
		case int:
			err = pv.FromPipelineParameterValue0(v)
		case bool:
			err = pv.FromPipelineParameterValue2(v)
		}
		if err != nil {
			t.Fatal(err)
		}
		body.Parameters[name] = pv
	}
	trig, err := c.TriggerPipelineWithResponse(ctx, "gh/org/repo", body)
	if err != nil || trig.JSON201 == nil {
		t.Fatalf("TriggerPipeline: %v, status %d, body %s", err, trig.StatusCode(), trig.Body)
	}
	if trig.JSON201.Number != 7 || trig.JSON201.ID != pipelineID || !trig.JSON201.CreatedAt.Equal(createdAt) {
		t.Errorf("TriggerPipeline = %+v", trig.JSON201)
	}

	var owner gen.ContextOwner
	if err := owner.FromContextOwnerBySlug(gen.ContextOwnerBySlug{Slug: "gh/org"}); err != nil {
		t.Fatal(err)
	}
	cx, err := c.CreateContextWithResponse(ctx, gen.CreateContextRequest{Name: "deploy", Owner: owner})
	if err != nil || cx.JSON200 == nil {
		t.Fatalf("CreateContext: %v, status %d, body %s", err, cx.StatusCode(), cx.Body)
	}
	env, err := c.AddEnvironmentVariableToContextWithResponse(ctx, cx.JSON200.ID, "TOKEN", gen.AddContextEnvironmentVariableRequest{Value: "s3cret"})
	if err != nil || env.JSON200 == nil {
		t.Fatalf("AddEnvironmentVariableToContext: %v, status %d, body %s", err, env.StatusCode(), env.Body)
	}
	v, err := env.JSON200.AsContextEnvironmentVariable()
	if err != nil || v.Variable != "TOKEN" || v.ContextID != cx.JSON200.ID {
		t.Errorf("AddEnvironmentVariableToContext = %+v, %v", v, err)
	}

	var tt gen.ScheduleTimetable
	if err := tt.FromTimetableDaysOfWeek(gen.TimetableDaysOfWeek{PerHour: 1, HoursOfDay: []int64{3}, DaysOfWeek: []gen.TimetableDaysOfWeekDaysOfWeek{gen.TimetableDaysOfWeekDaysOfWeekMON}}); err != nil {
		t.Fatal(err)
	}
	// The stub answers an error here: the round trip checks what the server received.
	sched, err := c.CreateScheduleWithResponse(ctx, "gh/org/repo", gen.CreateScheduleRequest{
		Name: "nightly", Timetable: tt, AttributionActor: gen.CreateScheduleRequestAttributionActorSystem,
		Parameters: map[string]gen.PipelineParameterValue{},
	})
	if err != nil || sched.StatusCode() != http.StatusInternalServerError {
		t.Errorf("CreateSchedule: %v, status %d", err, sched.StatusCode())
	}

	hook, err := c.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
		Name: "notify", URL: "https://hooks.example.com/ci", SigningSecret: ptr("shh"), VerifyTLS: ptr(true),
		Events: []gen.CreateWebhookRequestEvents{gen.CreateWebhookRequestEventsWorkflowCompleted},
		Scope:  gen.WebhookScopeInput{ID: pipelineID, Type: gen.WebhookScopeInputTypeProject},
	})
	if err != nil || hook.JSON201 == nil || hook.JSON201.URL != "https://hooks.example.com/ci" {
		t.Fatalf("CreateWebhook: %v, status %d, body %s", err, hook.StatusCode(), hook.Body)
	}

	bundle, err := c.GetPolicyBundleWithResponse(ctx, "owner-1", "config")
	if err != nil || bundle.JSON200 == nil || deref((*bundle.JSON200)["ci"].Content) != "package org" {
		t.Fatalf("GetPolicyBundle: %v, status %d, body %s", err, bundle.StatusCode(), bundle.Body)
	}

	want := []string{
		"GetCurrentUser",
		"GetProjectBySlug gh/org/repo",
		"GetProjectBySlug gh/org/other",
		`TriggerPipeline gh/org/repo main {"deploy":true,"myparam":"./myspecialdir","myspecialversion":"4.8.2","replicas":3}`,
		"CreateContext deploy gh/org",
		"AddEnvironmentVariableToContext " + pipelineID.String() + " TOKEN=s3cret",
		"CreateSchedule gh/org/repo nightly MON",
		"CreateWebhook notify https://hooks.example.com/ci project",
		"GetPolicyBundle owner-1 config",
	}
	if diff := cmp.Diff(want, impl.calls()); diff != "" {
		t.Errorf("calls the implementation saw (-want +got):\n%s", diff)
	}
}

// TestSlugReachesHandlerDecoded sends the project slug escaped in the forms clients use and checks
// that the implementation sees the decoded value.
func TestSlugReachesHandlerDecoded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, want string
	}{
		{"upper-case escape", "/project/gh%2Forg%2Frepo", "gh/org/repo"},
		{"lower-case escape", "/project/gh%2forg%2frepo", "gh/org/repo"},
		{"circleci slug", "/project/circleci%2F8d0c3b6a-2f4e-4d8b-b1a9-5e7c2d9f0b14%2Fa5b7c9d1-3e5f-4a6b-8c9d-0e1f2a3b4c5d", "circleci/8d0c3b6a-2f4e-4d8b-b1a9-5e7c2d9f0b14/a5b7c9d1-3e5f-4a6b-8c9d-0e1f2a3b4c5d"},
		{"space and percent in the name", "/project/gh%2Forg%2Fmy%20repo%25", "gh/org/my repo%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			impl, _, base := newRoundTrip(t)
			resp, err := http.Get(base + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if diff := cmp.Diff([]string{"GetProjectBySlug " + tt.want}, impl.calls()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}
