package codegen

import (
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeFiles writes name → source into a new folder and returns the folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// typeSummary is what a test checks of one declaration: alias or not, the kind of its type
// expression (see exprKind), and the paths its file imports.
type typeSummary struct {
	Alias   bool
	Expr    string
	Imports []string
}

// summarise renders a Package's declarations for comparison.
func summarise(t *testing.T, p *Package) map[string]typeSummary {
	t.Helper()
	out := map[string]typeSummary{}
	for name, d := range p.Types {
		out[name] = typeSummary{Alias: d.Spec.Assign.IsValid(), Expr: exprKind(d.Spec.Type), Imports: importPaths(t, d.Imports)}
	}
	return out
}

// importPaths returns the paths of the imports, in order.
func importPaths(t *testing.T, imports []*ast.ImportSpec) []string {
	t.Helper()
	var paths []string
	for _, im := range imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// exprKind names a type expression: an identifier or qualified name as written, otherwise its kind.
func exprKind(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return t.X.(*ast.Ident).Name + "." + t.Sel.Name
	case *ast.StructType:
		return "struct"
	case *ast.InterfaceType:
		return "interface"
	case *ast.ArrayType:
		return "slice"
	}
	return "other"
}

func TestParseFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		files       map[string]string
		wantName    string
		wantTypes   map[string]typeSummary
		wantImports []string // of the whole package, file after file
		wantErr     bool
	}{
		{
			name: "declarations of every file with their file's imports",
			files: map[string]string{
				"a.go": `package p

import (
	"io"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

type (
	ID = openapi_types.UUID
	Body struct{ R io.Reader }
)

func f() { type local int }

var v int
`,
				"b.go": `package p

import "time"

type When = time.Time
type Count int
type List = []Count
type Server interface{ Get() }
`,
			},
			wantName: "p",
			wantTypes: map[string]typeSummary{
				"ID":     {Alias: true, Expr: "openapi_types.UUID", Imports: []string{"io", "github.com/oapi-codegen/runtime/types"}},
				"Body":   {Expr: "struct", Imports: []string{"io", "github.com/oapi-codegen/runtime/types"}},
				"When":   {Alias: true, Expr: "time.Time", Imports: []string{"time"}},
				"Count":  {Expr: "int", Imports: []string{"time"}},
				"List":   {Alias: true, Expr: "slice", Imports: []string{"time"}},
				"Server": {Expr: "interface", Imports: []string{"time"}},
			},
			wantImports: []string{"io", "github.com/oapi-codegen/runtime/types", "time"},
		},
		{
			name:        "no types",
			files:       map[string]string{"a.go": "package q\n\nfunc F() {}\n"},
			wantName:    "q",
			wantTypes:   map[string]typeSummary{},
			wantImports: nil,
		},
		{
			name:    "a file that does not parse",
			files:   map[string]string{"a.go": "package p\n\ntype T struct {\n"},
			wantErr: true,
		},
		{
			name:    "files of two packages",
			files:   map[string]string{"a.go": "package p\n", "b.go": "package p_test\n"},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, tt.files)
			var files []string
			for name := range tt.files {
				files = append(files, filepath.Join(dir, name))
			}
			slices.Sort(files)
			p, err := ParseFiles("example.com/p", files)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseFiles = %+v, want an error", p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Path != "example.com/p" || p.Name != tt.wantName {
				t.Errorf("Path, Name = %q, %q; want example.com/p, %q", p.Path, p.Name, tt.wantName)
			}
			if diff := cmp.Diff(tt.wantTypes, summarise(t, p)); diff != "" {
				t.Errorf("Types (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantImports, importPaths(t, p.Imports)); diff != "" {
				t.Errorf("Imports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseGenerated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		files     map[string]string
		wantTypes []string
		wantErr   bool
	}{
		{
			name: "only the .gen.go files",
			files: map[string]string{
				"models.gen.go": "package gen\n\ntype Pipeline struct{}\n",
				"client.gen.go": "package gen\n\ntype ClientInterface interface{}\n",
				"extra.go":      "package gen\n\ntype Extra int\n",
				"gen_test.go":   "package gen_test\n\ntype Test int\n",
			},
			wantTypes: []string{"ClientInterface", "Pipeline"},
		},
		{
			name:    "no .gen.go file",
			files:   map[string]string{"extra.go": "package gen\n"},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParseGenerated(writeFiles(t, tt.files))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseGenerated = %+v, want an error", p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for name := range p.Types {
				names = append(names, name)
			}
			slices.Sort(names)
			if diff := cmp.Diff(tt.wantTypes, names); diff != "" {
				t.Errorf("Types (-want +got):\n%s", diff)
			}
			if p.Path != "" || p.Name != "gen" {
				t.Errorf("Path, Name = %q, %q; want \"\", gen", p.Path, p.Name)
			}
		})
	}
}

func TestPackage_Expr(t *testing.T) {
	t.Parallel()
	p := parseOne(t, "package gen\n\ntype Response struct{}\ntype ID = string\n")
	tests := []struct {
		name, want string // want is the exprKind of Expr, "" for nil
	}{
		{"Response", "struct"},
		{"ID", "string"},
		{"Missing", ""},
	}
	for _, tt := range tests {
		got := ""
		if e := p.Expr(tt.name); e != nil {
			got = exprKind(e)
		}
		if got != tt.want {
			t.Errorf("Expr(%s) is %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPackage_Methods(t *testing.T) {
	t.Parallel()
	p := parseOne(t, `package gen

import "context"

type ClientInterface interface {
	// Get is documented.
	Get(ctx context.Context, id string) (int, error)
	Put() error
}

type Embeds interface {
	ClientInterface
	Delete()
}

type Empty interface{}

type Response struct{}
`)
	tests := []struct {
		iface   string
		want    []string // each method as "Name func(…)"
		wantErr string
	}{
		{iface: "ClientInterface", want: []string{"Get func(ctx context.Context, id string) (int, error)", "Put func() error"}},
		{iface: "Empty"},
		{iface: "Embeds", wantErr: "gen.Embeds embeds ClientInterface; only methods are expected"},
		{iface: "Response", wantErr: "gen.Response is not an interface"},
		{iface: "StrictServerInterface", wantErr: "package gen declares no type StrictServerInterface"},
	}
	for _, tt := range tests {
		ms, err := p.Methods(tt.iface)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Methods(%s): error %v, want %s", tt.iface, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Methods(%s): %v", tt.iface, err)
			continue
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Name+" "+Render(m.Type))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Methods(%s) (-want +got):\n%s", tt.iface, diff)
		}
	}
}

// parseOne parses src as the one generated file of a package.
func parseOne(t *testing.T, src string) *Package {
	t.Helper()
	p, err := ParseGenerated(writeFiles(t, map[string]string{"a.gen.go": src}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []string{
		"*openapi_types.UUID",
		"[]map[string]any",
		"func(ctx context.Context, id string) (int, error)",
		"struct{ A int }",
	}
	for _, src := range tests {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := Render(e); got != src {
			t.Errorf("Render(%s) = %s", src, got)
		}
	}
}
