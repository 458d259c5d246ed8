package client

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/openapi"
)

// TestClient_everyOperation checks that each operation of the document is a method of Client.
func TestClient_everyOperation(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{}
	typ := reflect.TypeFor[*Client]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		methods[strings.ToLower(name)] = name
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			key := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(op.OperationID))
			name, ok := methods[key]
			if !ok {
				t.Errorf("%s %s (%s) has no Client method", method, path, op.OperationID)
				continue
			}
			m, _ := typ.MethodByName(name)
			if m.Type.NumIn() < 2 || m.Type.In(1) != reflect.TypeFor[context.Context]() {
				t.Errorf("Client.%s does not take a context first", name)
			}
			if out := m.Type.Out(m.Type.NumOut() - 1); out != reflect.TypeFor[error]() {
				t.Errorf("Client.%s does not return an error last", name)
			}
		}
	}
	if n != operationCount {
		t.Errorf("document has %d operations, operations.gen.go was generated for %d: run go generate ./...", n, operationCount)
	}
}

func TestClient_bodyAndSuccessForms(t *testing.T) {
	t.Parallel()
	rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
		switch {
		case got.Method == http.MethodPost && strings.HasSuffix(got.EscapedPath, "/pipeline/run"):
			writeJSON(w, http.StatusOK, `{"message":"No pipeline was run: no config change."}`)
		case got.Method == http.MethodPost:
			writeJSON(w, http.StatusCreated, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","number":8,"state":"pending","created_at":"2024-05-01T10:00:00Z"}`)
		case got.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(got.EscapedPath, "/me/collaborations"):
			writeJSON(w, 200, `[]`)
		}
	})
	params, err := PipelineParameters(map[string]any{"deploy": true, "count": 3, "name": "x"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.TriggerPipeline(t.Context(), MustParseProjectSlug("gh/org/repo"), gen.TriggerPipelineRequest{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	if created.Number != 8 {
		t.Errorf("TriggerPipeline number = %d", created.Number)
	}
	if body := rec.all()[0].Body; body != `{"parameters":{"count":3,"deploy":true,"name":"x"}}` {
		t.Errorf("TriggerPipeline body = %s", body)
	}
	run, err := c.TriggerPipelineRun(t.Context(), MustParseProjectSlug("gh/org/repo"), gen.TriggerPipelineRunRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if run.StatusCode != 200 || run.JSON200 == nil || run.JSON201 != nil {
		t.Errorf("TriggerPipelineRun = %+v", run)
	}
	if err := c.DeleteOtelExporter(t.Context(), uuid.New()); err != nil {
		t.Errorf("DeleteOtelExporter: %v", err)
	}
	collabs, err := c.GetCollaborations(t.Context())
	if err != nil || collabs == nil || len(collabs) != 0 {
		t.Errorf("GetCollaborations = %#v, %v; want an empty non-nil slice", collabs, err)
	}
	if _, err := PipelineParameters(map[string]any{"f": 1.5}); err == nil || !strings.Contains(err.Error(), `"f"`) {
		t.Errorf("PipelineParameters(float) error = %v", err)
	}
}
