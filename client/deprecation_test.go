package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/openapi"
)

func TestClient_deprecationHook(t *testing.T) {
	t.Parallel()
	got := make(chan Deprecation, 1)
	_, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		w.Header().Set("Deprecation", "@1767225600")
		w.Header().Set("Sunset", "Thu, 01 Jan 2027 00:00:00 GMT")
		w.Header().Set("Link", `<https://circleci.com/docs/api>; rel="deprecation"`)
		writeJSON(w, 200, pipelineJSON)
	}, WithDeprecationHook(func(_ context.Context, d Deprecation) { got <- d }))
	id := uuid.MustParse("5034460f-c7c4-4c43-9457-de07e2029e7b")
	if _, err := c.GetPipelineByID(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	d := <-got
	want := Deprecation{
		Method: "GET", Path: "/api/v2/pipeline/" + id.String(),
		Operation: "GetPipelineByID", Route: "/pipeline/{pipeline-id}",
		Deprecation: "@1767225600", Sunset: "Thu, 01 Jan 2027 00:00:00 GMT", Link: `<https://circleci.com/docs/api>; rel="deprecation"`,
	}
	d.URL = ""
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Deprecation mismatch (-want +got):\n%s", diff)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestClient_deprecationLoggedOncePerOperation calls deprecated operations with many different IDs and
// slugs: the default hook logs each operation once, and remembers one key per operation.
func TestClient_deprecationLoggedOncePerOperation(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		w.Header().Set("Sunset", "Thu, 01 Jan 2027 00:00:00 GMT")
		writeJSON(w, 200, pipelineJSON)
	})
	var logs lockedBuffer
	c.logger = slog.New(slog.NewJSONHandler(&logs, nil))
	ctx := t.Context()
	for range 5 {
		_, _ = c.GetPipelineByID(ctx, uuid.New())
		_, _ = c.GetPipelineConfigByID(ctx, uuid.New())
	}
	for i, s := range []string{"gh/org/repo", "gh/org/other", "circleci/" + testOrgID + "/" + testProjectID} {
		_, _ = c.GetPipelineByNumber(ctx, MustParseProjectSlug(s), int64(i+1))
		_, _ = c.ListMyPipelines(ctx, MustParseProjectSlug(s), nil)
	}
	// Requests that are none of the document's operations: logged once for the method.
	for i := range 3 {
		_, _ = c.Generated().GetPipelineByIDWithResponse(ctx, uuid.New(), func(_ context.Context, req *http.Request) error {
			req.URL.Path = fmt.Sprintf("/api/v2/elsewhere/%d", i)
			req.URL.RawPath = ""
			return nil
		})
	}

	type line struct{ Operation, Route, Method string }
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		got = append(got, v)
	}
	want := []line{
		{"GetPipelineByID", "/pipeline/{pipeline-id}", "GET"},
		{"GetPipelineConfigByID", "/pipeline/{pipeline-id}/config", "GET"},
		{"GetPipelineByNumber", "/project/{project-slug}/pipeline/{pipeline-number}", "GET"},
		{"ListMyPipelines", "/project/{project-slug}/pipeline/mine", "GET"},
		{"", "", "GET"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log lines mismatch (-want +got):\n%s", diff)
	}
	keys := 0
	c.seenDeprecated.Range(func(any, any) bool { keys++; return true })
	if keys != len(want) {
		t.Errorf("the default hook remembers %d keys, want %d (one per operation)", keys, len(want))
	}
}

func TestMatchRoute(t *testing.T) {
	t.Parallel()
	table := operationRoutes
	tests := []struct {
		method, path string
		want         string // Client method; "" for no match
	}{
		{"GET", "/pipeline/5034460f-c7c4-4c43-9457-de07e2029e7b", "GetPipelineByID"},
		{"GET", "/pipeline/5034460f-c7c4-4c43-9457-de07e2029e7b/config", "GetPipelineConfigByID"},
		{"GET", "/project/gh%2Forg%2Frepo/pipeline/mine", "ListMyPipelines"},
		{"GET", "/project/gh%2Forg%2Frepo/pipeline/42", "GetPipelineByNumber"},
		{"GET", "/project/gh%2Forg%2Frepo/job/42", "GetJobDetails"},
		{"GET", "/project/gh%2Forg%2Frepo/42/artifacts", "GetJobArtifacts"},
		{"GET", "/project/gh/org/repo/settings", "GetProjectSettings"},
		{"PATCH", "/project/gh/org/repo/settings", "PatchProjectSettings"},
		{"POST", "/pipeline/continue", "ContinuePipeline"},
		{"GET", "/pipeline/continue", "GetPipelineByID"}, // GET has no literal route there
		{"DELETE", "/pipeline/5034460f", ""},
		{"GET", "/pipeline//config", ""},
		{"GET", "/pipeline/x/config/", ""},
		{"GET", "pipeline/x", ""},
		{"GET", "/unknown", ""},
		{"GET", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			var got string
			if r := matchRoute(table, tt.method, tt.path); r != nil {
				got = r.operation
			}
			if got != tt.want {
				t.Errorf("matchRoute(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
			}
		})
	}
}

// TestMatchRoute_everyOperation checks that a request path built from each route of the document,
// with every parameter filled in, is matched to that route, and that the operation it reports is a
// method of Client.
func TestMatchRoute_everyOperation(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	table := operationRoutes
	n := 0
	for _, rs := range table {
		n += len(rs)
	}
	if n != operationCount {
		t.Errorf("route table holds %d operations, want %d", n, operationCount)
	}
	clientType := reflect.TypeFor[*Client]()
	for template, item := range doc.Paths.Map() {
		var path strings.Builder
		for s := range strings.SplitSeq(template[1:], "/") {
			if strings.HasPrefix(s, "{") {
				s = "x%2Fy" // one escaped segment, as a slug is sent
			}
			path.WriteString("/" + s)
		}
		for method, op := range item.Operations() {
			r := matchRoute(table, method, path.String())
			if r == nil || r.template != template {
				t.Errorf("matchRoute(%s %s) = %+v, want route %s (%s)", method, path.String(), r, template, op.OperationID)
				continue
			}
			if _, ok := clientType.MethodByName(r.operation); !ok {
				t.Errorf("matchRoute(%s %s) reports operation %q, which is no method of Client (%s)", method, path.String(), r.operation, op.OperationID)
			}
		}
	}
}
