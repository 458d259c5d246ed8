package main

import (
	"flag"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/internal/codegen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tinyDocument has two operations: getThing with a default response and putThing with a 501 only,
// the two kinds of response a 501 can be.
const tinyDocument = `
openapi: 3.0.3
info: {title: tiny, version: "1"}
paths:
  /thing/{thing-id}:
    get:
      operationId: getThingById
      summary: Get a thing.
      parameters:
        - {name: thing-id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: the thing}
        default: {description: an error}
    put:
      operationId: putThing
      parameters:
        - {name: thing-id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: stored}
        "501": {description: not here}
`

// tinyInterface declares the methods oapi-codegen would make of tinyDocument's operations.
const tinyInterface = `package genserver

import "context"

type StrictServerInterface interface {
	// Get a thing.
	// (GET /thing/{thing-id})
	GetThingByID(ctx context.Context, request GetThingByIDRequestObject) (GetThingByIDResponseObject, error)
	PutThing(ctx context.Context, request PutThingRequestObject) (PutThingResponseObject, error)
}

type GetThingByIDRequestObject struct{ ThingID string }

type GetThingByIDResponseObject interface{ VisitGetThingByIDResponse() error }

type PutThingRequestObject struct{ ThingID string }

type PutThingResponseObject interface{ VisitPutThingResponse() error }
`

// tinyOperations indexes tinyDocument with the change given applied to its text.
func tinyOperations(t *testing.T, change func(string) string) codegen.Operations {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(change(tinyDocument)))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := codegen.ReadOperations(doc)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// tinyPackage parses src as the one file of package genserver.
func tinyPackage(t *testing.T, src string) *codegen.Package {
	t.Helper()
	name := filepath.Join(t.TempDir(), "server.gen.go")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg, err := codegen.ParseFiles("", []string{name})
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// TestGenerate checks the file written for the tiny document and interface against
// testdata/tiny.golden (go test -update rewrites it).
func TestGenerate(t *testing.T) {
	t.Parallel()
	src, err := generate(tinyOperations(t, keep), tinyPackage(t, tinyInterface))
	if err != nil {
		t.Fatal(err)
	}
	got, err := format.Source(src)
	if err != nil {
		t.Fatalf("the output does not parse: %v\n%s", err, src)
	}
	golden := filepath.Join("testdata", "tiny.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("output (-%s +got):\n%s", golden, diff)
	}
}

func keep(s string) string { return s }

// TestGenerate_errors checks that generate refuses a document and an interface it cannot answer for,
// naming what is wrong. (Pair's other refusals are tested in internal/codegen.)
func TestGenerate_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		change  func(string) string // of tinyDocument
		iface   string
		wantErr string
	}{
		{
			name: "an operation with neither a default nor a 501 response",
			change: func(s string) string {
				return strings.Replace(s, `"501": {description: not here}`, `"404": {description: gone}`, 1)
			},
			iface:   tinyInterface,
			wantErr: "operation putThing (PUT /thing/{thing-id}) documents neither a default nor a 501 response",
		},
		{
			name:    "a method that matches no operation",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "PutThing(", "PostThing(", 1),
			wantErr: "genserver.StrictServerInterface.PostThing matches no operation of the document",
		},
		{
			name:    "an operation without a method",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "\tPutThing(ctx context.Context, request PutThingRequestObject) (PutThingResponseObject, error)\n", "", 1),
			wantErr: "operation putThing (PUT /thing/{thing-id}) has no method in genserver.StrictServerInterface",
		},
		{
			name:    "no StrictServerInterface",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "StrictServerInterface", "ServerInterface", 1),
			wantErr: "package genserver declares no type StrictServerInterface",
		},
		{
			name:    "a method without a context",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "PutThing(ctx context.Context, request", "PutThing(request", 1),
			wantErr: "StrictServerInterface.PutThing has an unexpected signature func(request PutThingRequestObject) (PutThingResponseObject, error)",
		},
		{
			name:    "a method without an error",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "(PutThingResponseObject, error)", "PutThingResponseObject", 1),
			wantErr: "StrictServerInterface.PutThing has an unexpected signature",
		},
		{
			name:    "a request object that is not a named type of the package",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "request PutThingRequestObject", "request *PutThingRequestObject", 1),
			wantErr: "StrictServerInterface.PutThing has an unexpected signature func(ctx context.Context, request *PutThingRequestObject)",
		},
		{
			name:    "a response object genserver does not declare",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "(PutThingResponseObject, error)", "(any, error)", 1),
			wantErr: "StrictServerInterface.PutThing: package genserver declares no type any",
		},
		{
			name:    "a request object genserver does not declare",
			change:  keep,
			iface:   strings.Replace(tinyInterface, "type PutThingRequestObject struct{ ThingID string }\n", "", 1),
			wantErr: "StrictServerInterface.PutThing: package genserver declares no type PutThingRequestObject",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := generate(tinyOperations(t, tt.change), tinyPackage(t, tt.iface))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
