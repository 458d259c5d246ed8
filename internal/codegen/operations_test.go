package codegen

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cikit/circleci-go/openapi"
)

func TestKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"getPipelineById", "getpipelinebyid"},
		{"GetPipelineByID", "getpipelinebyid"},
		{"get-pipeline_by.id", "getpipelinebyid"},
		{"listOTelExporters2", "listotelexporters2"},
		{"Ünïcode", "ünïcode"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// loadDoc loads a document written for a test: the header below and then paths, without the
// validation package openapi adds.
func loadDoc(t *testing.T, paths string) *openapi3.T {
	t.Helper()
	src := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n" + paths
	doc, err := openapi3.NewLoader().LoadFromData([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestReadOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paths string
		want  Operations
		// wantErr lists what the error must name; the order of the two operations in it depends on
		// map iteration.
		wantErr []string
	}{
		{
			name: "indexed by key",
			paths: `  /pipeline/{pipeline-id}:
    get:
      operationId: getPipelineById
      summary: Get a pipeline by ID
      responses: {default: {description: error}}
    delete:
      operationId: deletePipeline
      responses: {default: {description: error}}
  /me:
    get:
      operationId: getCurrentUser
      responses: {default: {description: error}}
`,
			want: Operations{
				"getpipelinebyid": {ID: "getPipelineById", Method: "GET", Path: "/pipeline/{pipeline-id}", Summary: "Get a pipeline by ID"},
				"deletepipeline":  {ID: "deletePipeline", Method: "DELETE", Path: "/pipeline/{pipeline-id}"},
				"getcurrentuser":  {ID: "getCurrentUser", Method: "GET", Path: "/me"},
			},
		},
		{
			name:  "no paths",
			paths: "  {}\n",
			want:  Operations{},
		},
		{
			name: "two IDs fold to one key",
			paths: `  /a:
    get:
      operationId: getThing
      responses: {default: {description: error}}
  /b:
    get:
      operationId: get_thing
      responses: {default: {description: error}}
`,
			wantErr: []string{"getThing", "get_thing", `normalise to "getthing"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ReadOperations(loadDoc(t, tt.paths))
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("ReadOperations = %v, want an error", got)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not name %s", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Operation{}, "Spec")); diff != "" {
				t.Errorf("ReadOperations (-want +got):\n%s", diff)
			}
			for key, op := range got {
				if op.Spec == nil || op.Spec.OperationID != op.ID {
					t.Errorf("%s: Spec is %v, want the document's operation %s", key, op.Spec, op.ID)
				}
			}
		})
	}
}

// TestLoadOperations reads the embedded document, as both generators do.
func TestLoadOperations(t *testing.T) {
	t.Parallel()
	ops, err := LoadOperations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	if len(ops) != n {
		t.Errorf("%d operations indexed, the document has %d", len(ops), n)
	}
	got, ok := ops[Key("GetPipelineByID")]
	want := Operation{ID: "getPipelineById", Method: "GET", Path: "/pipeline/{pipeline-id}", Summary: got.Summary}
	if !ok || got.Summary == "" || cmp.Diff(want, got, cmpopts.IgnoreFields(Operation{}, "Spec")) != "" {
		t.Errorf("operation of GetPipelineByID = %+v, %v; want %+v with a summary", got, ok, want)
	}
}

func TestOperations_Pair(t *testing.T) {
	t.Parallel()
	ops := Operations{
		"getpipelinebyid": {ID: "getPipelineById", Method: "GET", Path: "/pipeline/{pipeline-id}"},
		"getcurrentuser":  {ID: "getCurrentUser", Method: "GET", Path: "/me"},
		"deletepipeline":  {ID: "deletePipeline", Method: "DELETE", Path: "/pipeline/{pipeline-id}"},
	}
	tests := []struct {
		name    string
		methods []string
		want    []string // operation IDs
		wantErr string
	}{
		{
			name:    "in the order of the methods",
			methods: []string{"GetCurrentUser", "DeletePipeline", "GetPipelineByID"},
			want:    []string{"getCurrentUser", "deletePipeline", "getPipelineById"},
		},
		{
			name:    "a method without an operation",
			methods: []string{"GetCurrentUser", "DeletePipeline", "GetPipelineByID", "GetUser"},
			wantErr: "I.GetUser matches no operation of the document",
		},
		{
			name:    "two methods for one operation",
			methods: []string{"GetCurrentUser", "DeletePipeline", "GetPipelineByID", "GetPipelineById"},
			wantErr: "I.GetPipelineByID and I.GetPipelineById both match operation getPipelineById",
		},
		{
			name:    "operations without a method, the first by key named",
			methods: []string{"GetCurrentUser"},
			wantErr: "operation deletePipeline (DELETE /pipeline/{pipeline-id}) has no method in I",
		},
		{
			name:    "no methods",
			wantErr: "operation deletePipeline (DELETE /pipeline/{pipeline-id}) has no method in I",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ops.Pair("I", tt.methods)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Pair: error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, op := range got {
				ids = append(ids, op.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("Pair (-want +got):\n%s", diff)
			}
		})
	}
}
