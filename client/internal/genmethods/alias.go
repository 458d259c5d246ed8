package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cikit/circleci-go/internal/codegen"
)

// An alias chain such as gen.ContextIDParam = openapi_types.UUID = uuid.UUID, or
// gen.TriggerPipelineJSONRequestBody = gen.TriggerPipelineRequest, says nothing a reader of a client
// signature needs: the signature shows the type the chain ends in. The resolver follows chains through
// the Go source of each package they cross, found with go/build as the go command finds it, so nothing
// is hard-coded about oapi-codegen's runtime or its dependencies.
//
// A chain of gen that ends in a type literal is shown as the literal when the literal is short and
// clear, a slice or a map of named or predeclared types (gen.OTelExporterList = []OTelExporter shows
// as []gen.OTelExporter); a longer literal (a nested composite, an array, a struct, a func) keeps the
// alias's name, which reads better than the literal would.

// typeRef is what a chain ends in: a predeclared type (path ""), another package's named type, a
// defined type of package gen (gen set), or a short type literal of package gen (literal set), which
// is rendered as gen's own type expressions are.
type typeRef struct {
	path, name string
	gen        bool
	literal    ast.Expr
}

// resolver loads packages on demand, from the folder of package gen outwards.
type resolver struct {
	srcDir string                      // where imports are resolved from, as the go command would
	gen    *codegen.Package            // package gen, read from its folder (Path "")
	pkgs   map[string]*codegen.Package // by import path
}

// load returns the types declared by the package with the import path.
func (r *resolver) load(path string) (*codegen.Package, error) {
	if p, ok := r.pkgs[path]; ok {
		return p, nil
	}
	bp, err := build.Import(path, r.srcDir, 0)
	if err != nil {
		return nil, fmt.Errorf("resolve aliases: %w", err)
	}
	var files []string
	for _, f := range bp.GoFiles {
		files = append(files, filepath.Join(bp.Dir, f))
	}
	p, err := codegen.ParseFiles(path, files)
	if err != nil {
		return nil, err
	}
	r.pkgs[path] = p
	return p, nil
}

// importPath returns the path a file imports under the package name ident. Imports without a name
// are loaded to read their package name, those whose last path element is ident first.
func (r *resolver) importPath(imports []*ast.ImportSpec, ident string) (string, error) {
	var unnamed []string
	for _, im := range imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			return "", err
		}
		switch {
		case im.Name != nil && im.Name.Name == ident:
			return path, nil
		case im.Name != nil:
		case path[strings.LastIndex(path, "/")+1:] == ident:
			unnamed = append([]string{path}, unnamed...)
		default:
			unnamed = append(unnamed, path)
		}
	}
	for _, path := range unnamed {
		p, err := r.load(path)
		if err != nil {
			return "", err
		}
		if p.Name == ident {
			return path, nil
		}
	}
	return "", fmt.Errorf("resolve aliases: no import named %s", ident)
}

// plain returns the type the named type of p stands for when it is an alias chain that ends in a
// predeclared type, in a named type users can import (of another package, or a defined type of package
// gen) or, for package gen, in a short type literal (see [resolver.shortLiteral]). ok is false for a
// defined type, for a chain that ends in another type literal, and for one that ends where users
// cannot name it (unexported or internal).
func (r *resolver) plain(p *codegen.Package, name string) (ref typeRef, ok bool, err error) {
	for range 32 { // chains are short; a cycle is a compile error of package gen
		d, found := p.Types[name]
		if !found || !d.Spec.Assign.IsValid() || d.Spec.TypeParams != nil {
			return typeRef{}, false, nil
		}
		switch t := d.Spec.Type.(type) {
		case *ast.Ident:
			if _, local := p.Types[t.Name]; !local {
				if obj, isType := types.Universe.Lookup(t.Name).(*types.TypeName); isType {
					return typeRef{name: obj.Name()}, true, nil
				}
				return typeRef{}, false, nil
			}
			if !p.Types[t.Name].Spec.Assign.IsValid() { // a defined type of the same package
				switch {
				case p == r.gen && ast.IsExported(t.Name):
					return typeRef{name: t.Name, gen: true}, true, nil
				case p == r.gen || !nameable(p.Path, t.Name):
					return typeRef{}, false, nil
				}
				return typeRef{path: p.Path, name: t.Name}, true, nil
			}
			name = t.Name
		case *ast.SelectorExpr:
			pkgIdent, isIdent := t.X.(*ast.Ident)
			if !isIdent {
				return typeRef{}, false, nil
			}
			path, err := r.importPath(d.Imports, pkgIdent.Name)
			if err != nil {
				return typeRef{}, false, err
			}
			next, err := r.load(path)
			if err != nil {
				return typeRef{}, false, err
			}
			if ref, ok, err := r.plain(next, t.Sel.Name); err != nil || ok {
				return ref, ok, err
			}
			if next.Types[t.Sel.Name].Spec != nil && next.Types[t.Sel.Name].Spec.Assign.IsValid() {
				return typeRef{}, false, nil // an alias that ends where users cannot follow
			}
			if !nameable(path, t.Sel.Name) {
				return typeRef{}, false, nil
			}
			return typeRef{path: path, name: t.Sel.Name}, true, nil
		default:
			if p == r.gen {
				short, err := r.shortLiteral(t)
				if err != nil || !short {
					return typeRef{}, false, err
				}
				return typeRef{literal: t}, true, nil
			}
			return typeRef{}, false, nil
		}
	}
	return typeRef{}, false, fmt.Errorf("resolve aliases: %s.%s: chain too long", p.Path, name)
}

// shortLiteral reports whether a type literal of package gen reads as well as an alias's name would:
// a slice or a map whose elements (and keys) are exported named types, predeclared types or any,
// where a name of gen that is itself shown as a literal does not count as named.
func (r *resolver) shortLiteral(e ast.Expr) (bool, error) {
	var parts []ast.Expr
	switch t := e.(type) {
	case *ast.ArrayType:
		if t.Len != nil {
			return false, nil
		}
		parts = []ast.Expr{t.Elt}
	case *ast.MapType:
		parts = []ast.Expr{t.Key, t.Value}
	default:
		return false, nil
	}
	for _, part := range parts {
		switch t := part.(type) {
		case *ast.Ident:
			if _, predeclared := types.Universe.Lookup(t.Name).(*types.TypeName); !predeclared && !ast.IsExported(t.Name) {
				return false, nil // the client could not name it
			}
			ref, ok, err := r.plain(r.gen, t.Name)
			if err != nil || ok && ref.literal != nil {
				return false, err
			}
		case *ast.SelectorExpr:
			if _, ok := t.X.(*ast.Ident); !ok {
				return false, nil
			}
		case *ast.InterfaceType:
			if t.Methods != nil && len(t.Methods.List) > 0 {
				return false, nil
			}
		default:
			return false, nil
		}
	}
	return true, nil
}

// nameable reports whether code outside the module can refer to the named type of the package.
func nameable(path, name string) bool {
	if !ast.IsExported(name) || path == "main" {
		return false
	}
	for _, elem := range strings.Split(path, "/") {
		if elem == "internal" {
			return false
		}
	}
	return true
}
