package openapi_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/openapi"
)

// TestParseRejects checks that the validation go generate runs first stops on the mistakes the
// published document makes, and names where the mistake is.
func TestParseRejects(t *testing.T) {
	t.Parallel()
	const head = "openapi: 3.0.3\ninfo: {title: t, version: v}\n"
	const okPath = "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {description: ok}\n"
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the error
	}{
		{
			name: "integer used as a format",
			doc:  head + okPath + "components:\n  schemas:\n    Count: {type: string, format: integer}\n",
			want: []string{"Count", "format", "integer"},
		},
		{
			name: "example that does not match its schema",
			doc:  head + okPath + "components:\n  schemas:\n    Count: {type: integer, example: twelve}\n",
			want: []string{"Count", "example"},
		},
		{
			name: "path parameter not declared",
			doc:  head + "paths:\n  /a/{id}:\n    get:\n      operationId: a\n      responses:\n        '200': {description: ok}\n",
			want: []string{"GET /a/{id}", "id"},
		},
		{
			name: "not YAML",
			doc:  "openapi: [",
			want: []string{"parse"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := openapi.Parse(t.Context(), []byte(tt.doc))
			if err == nil {
				t.Fatal("Parse accepted an invalid document")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.OpenAPI; got != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", got)
	}
	if got := doc.Servers[0].URL; got != "https://circleci.com/api/v2" {
		t.Errorf("server = %q", got)
	}
	schemes := make([]string, 0, len(doc.Components.SecuritySchemes))
	for name := range doc.Components.SecuritySchemes {
		schemes = append(schemes, name)
	}
	sort.Strings(schemes)
	if diff := cmp.Diff([]string{"basic_auth", "bearer_auth", "circle_token_header", "circle_token_query"}, schemes); diff != "" {
		t.Errorf("security schemes (-want +got):\n%s", diff)
	}
	// Every path parameter has a concrete type: an empty schema binds nothing.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value.In != openapi3.ParameterInPath {
					continue
				}
				if s := p.Value.Schema; s == nil || s.Value == nil || s.Value.Type == nil || len(*s.Value.Type) == 0 {
					t.Errorf("%s %s: path parameter %s has no type", method, path, p.Value.Name)
				}
			}
		}
	}
}

// TestShared checks that Shared returns one validated document for the process, apart from the copies
// Load returns.
func TestShared(t *testing.T) {
	t.Parallel()
	first, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	again, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Error("Shared returned two documents")
	}
	if first.OpenAPI != "3.0.3" || first.Paths.Len() == 0 {
		t.Errorf("Shared returned openapi %q with %d paths", first.OpenAPI, first.Paths.Len())
	}
	own, err := openapi.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if own == first {
		t.Error("Load returned the shared document")
	}
}
