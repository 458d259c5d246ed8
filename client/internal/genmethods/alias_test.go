package main

import (
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"testing"

	"github.com/cikit/circleci-go/internal/codegen"
)

// newGenResolver parses package gen of the module, as run does.
func newGenResolver(t *testing.T) *generator {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "gen"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := parseGen(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &generator{src: src, imports: map[string]string{}, res: &resolver{srcDir: dir, gen: src.pkg, pkgs: map[string]*codegen.Package{}}}
}

// TestTypeOf_aliases checks how names of package gen and of the packages it imports are shown in
// the client's signatures: an alias chain is shown as the type it ends in (a predeclared type,
// another package's exported type or a defined type of gen itself) or, when it ends in a short type
// literal of gen (a slice or map of named types), as that literal; defined types, and aliases of
// longer type literals, keep their names.
func TestTypeOf_aliases(t *testing.T) {
	t.Parallel()
	g := newGenResolver(t)
	tests := []struct {
		expr, want string
	}{
		{"ContextIDParam", "uuid.UUID"},   // = openapi_types.UUID = uuid.UUID
		{"*ContextIDParam", "*uuid.UUID"}, // inside a pointer too
		{"openapi_types.UUID", "uuid.UUID"},
		{"JobNumberParam", "int64"},
		{"ProjectSlugParam", "string"},
		{"EndDateParam", "time.Time"},
		{"[]PipelineIDParam", "[]uuid.UUID"},
		{"openapi_types.Date", "openapi_types.Date"},                       // a struct defined in the runtime
		{"ProviderParam", "gen.ProviderParam"},                             // defined: type ProviderParam string
		{"PolicyBundle", "gen.PolicyBundle"},                               // defined: a map type
		{"BadRequest", "gen.Error"},                                        // = Error, a struct of gen
		{"CreateContextJSONRequestBody", "gen.CreateContextRequest"},       // = CreateContextRequest
		{"*TriggerPipelineJSONRequestBody", "*gen.TriggerPipelineRequest"}, // = TriggerPipelineRequest
		{"SetDecisionSettingsJSONRequestBody", "gen.DecisionSettings"},     // = DecisionSettings
		{"OTelExporterList", "[]gen.OTelExporter"},                         // = []OTelExporter, a short literal
		{"TriggerParameterValue3", "map[string]any"},                       // = map[string]interface{}
		{"io.Reader", "io.Reader"},
	}
	for _, tt := range tests {
		e := parseExpr(t, tt.expr)
		if got := g.typeOf(e); got != tt.want {
			t.Errorf("typeOf(%s) = %s, want %s", tt.expr, got, tt.want)
		}
	}
	if g.err != nil {
		t.Fatal(g.err)
	}
	for path, name := range map[string]string{"github.com/google/uuid": "", "github.com/oapi-codegen/runtime/types": "openapi_types", "time": "", "io": ""} {
		if got, ok := g.imports[path]; !ok || got != name {
			t.Errorf("import of %s: %q (imported %v), want %q", path, got, ok, name)
		}
	}
}

// TestPlain_stopsWhereUsersCannotName checks, on a package written for the test, that a chain through
// an internal package or to an unexported type keeps the name users can write.
func TestPlain_stopsWhereUsersCannotName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `package p

type hidden struct{}

type ToHidden = hidden
type ToString = Chain
type Chain = string
type Defined int
type ToDefined = Defined
type ToLiteral = []string
`
	name := filepath.Join(dir, "p.go")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, name string
		want       typeRef
		ok         bool
	}{
		{"example.com/p", "ToHidden", typeRef{}, false},
		{"example.com/p", "ToString", typeRef{name: "string"}, true},
		{"example.com/p", "ToDefined", typeRef{path: "example.com/p", name: "Defined"}, true},
		{"example.com/internal/p", "ToDefined", typeRef{}, false},
		{"example.com/p", "ToLiteral", typeRef{}, false},
		{"example.com/p", "Defined", typeRef{}, false},
	} {
		p, err := codegen.ParseFiles(tt.path, []string{name})
		if err != nil {
			t.Fatal(err)
		}
		r := &resolver{srcDir: dir, pkgs: map[string]*codegen.Package{}}
		got, ok, err := r.plain(p, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want || ok != tt.ok {
			t.Errorf("plain(%s.%s) = %v, %v; want %v, %v", tt.path, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTypeOf_genAliases checks, on a package gen written for the test, which aliases of gen's own
// types and type literals the signatures resolve: chains to a defined type end there; a slice or map
// whose keys and elements are named or predeclared types (or any) is shown as the literal; longer
// literals (nested composites, arrays, structs, funcs) and unexported targets or elements keep the
// alias's name.
func TestTypeOf_genAliases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `package gen

import "time"

type Defined struct{}
type hidden struct{}

type ToDefined = Defined
type ToToDefined = ToDefined
type ToHidden = hidden
type Slice = []Defined
type SliceOfAliases = []ToToDefined
type Map = map[string]interface{}
type MapOfTimes = map[string]time.Time
type Nested = [][]Defined
type SliceOfShort = []Slice
type Array = [2]Defined
type Struct = struct{ A int }
type Func = func() error
type ToSlice = Slice
type SliceOfHidden = []hidden
`
	if err := os.WriteFile(filepath.Join(dir, "models.gen.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg, err := codegen.ParseGenerated(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := &generator{src: &genSource{pkg: pkg}, imports: map[string]string{}, res: &resolver{srcDir: dir, gen: pkg, pkgs: map[string]*codegen.Package{}}}
	tests := []struct {
		expr, want string
	}{
		{"ToDefined", "gen.Defined"},
		{"ToToDefined", "gen.Defined"},
		{"*ToToDefined", "*gen.Defined"},
		{"ToHidden", "gen.ToHidden"},
		{"Slice", "[]gen.Defined"},
		{"SliceOfAliases", "[]gen.Defined"},
		{"ToSlice", "[]gen.Defined"},
		{"Map", "map[string]any"},
		{"MapOfTimes", "map[string]time.Time"},
		{"Nested", "gen.Nested"},
		{"SliceOfShort", "gen.SliceOfShort"},
		{"Array", "gen.Array"},
		{"Struct", "gen.Struct"},
		{"Func", "gen.Func"},
		{"SliceOfHidden", "gen.SliceOfHidden"},
		{"Defined", "gen.Defined"},
	}
	for _, tt := range tests {
		if got := g.typeOf(parseExpr(t, tt.expr)); got != tt.want {
			t.Errorf("typeOf(%s) = %s, want %s", tt.expr, got, tt.want)
		}
	}
	if g.err != nil {
		t.Fatal(g.err)
	}
}

func parseExpr(t *testing.T, s string) ast.Expr {
	t.Helper()
	e, err := parser.ParseExpr(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
