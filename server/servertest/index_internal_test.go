package servertest

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cikit/circleci-go/server/internal/route"
)

// tinyDocument is a document of one operation, for the tests of WithDocument.
const tinyDocument = `
openapi: 3.0.3
info: {title: tiny, version: "1"}
paths:
  /thing:
    get:
      operationId: getThing
      responses:
        "200":
          description: the thing
          content:
            application/json:
              schema:
                type: object
                required: [name]
                properties:
                  name: {type: string}
`

// TestHandler_index checks that Handler builds the index of the embedded document only when no
// document is given: with WithDocument it indexes that one alone.
//
// Not parallel: it replaces the package's sharedIndex, which parallel tests (run after it) read.
func TestHandler_index(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(tinyDocument))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		opts       []Option
		wantShared bool
		wantPath   string // a document path the index serves
	}{
		{"embedded document", nil, true, "/pipeline/{pipeline-id}"},
		{"WithDocument", []Option{WithDocument(doc)}, false, "/thing"},
	}
	orig := sharedIndex
	t.Cleanup(func() { sharedIndex = orig })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			built := false
			sharedIndex = func() (*route.Index, error) {
				built = true
				return orig()
			}
			c, ok := Handler(t, nil, tt.opts...).(*checker)
			if !ok {
				t.Fatal("Handler did not return its checker")
			}
			if built != tt.wantShared {
				t.Errorf("embedded document's index built: %v, want %v", built, tt.wantShared)
			}
			found := false
			for _, rt := range c.index.Routes() {
				found = found || rt.Path == tt.wantPath
			}
			if !found {
				t.Errorf("the index serves no %s", tt.wantPath)
			}
		})
	}
}
