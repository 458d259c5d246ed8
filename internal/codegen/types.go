package codegen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path/filepath"
)

// TypeDecl is one top-level type declaration and the imports of the file it stands in, which say
// what the package names in its type expression refer to.
type TypeDecl struct {
	Spec    *ast.TypeSpec
	Imports []*ast.ImportSpec
}

// Package is what the source of one Go package declares at top level, as far as the generators need
// it: its name, its types and its files' imports.
type Package struct {
	Path    string              // the import path given to ParseFiles; "" from ParseGenerated
	Name    string              // the name in the package clause
	Types   map[string]TypeDecl // every top-level type declaration, aliases included, by name
	Imports []*ast.ImportSpec   // the imports of every file, file after file
}

// ParseFiles reads the top-level type declarations of the named files, which make up (the part of
// interest of) the package with the import path. It fails on a file that does not parse and on files
// whose package clauses disagree.
func ParseFiles(path string, files []string) (*Package, error) {
	p := &Package{Path: path, Types: map[string]TypeDecl{}}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if p.Name != "" && f.Name.Name != p.Name {
			return nil, fmt.Errorf("%s: package %s, but the files before it are package %s", name, f.Name.Name, p.Name)
		}
		p.Name = f.Name.Name
		p.Imports = append(p.Imports, f.Imports...)
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				p.Types[ts.Name.Name] = TypeDecl{Spec: ts, Imports: f.Imports}
			}
		}
	}
	return p, nil
}

// ParseGenerated reads the package in the folder dir from its *.gen.go files, the ones oapi-codegen
// writes, as [ParseFiles] does, leaving Path empty. It fails when the folder has no such file.
func ParseGenerated(dir string) (*Package, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.gen.go"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.gen.go files in %s", dir)
	}
	return ParseFiles("", files)
}

// Expr returns the type expression of the named type, the right-hand side of its declaration, or nil
// when the package declares no such type.
func (p *Package) Expr(name string) ast.Expr {
	if d, ok := p.Types[name]; ok {
		return d.Spec.Type
	}
	return nil
}

// Method is one method an interface type declares.
type Method struct {
	Name string
	Type *ast.FuncType
}

// Methods returns the methods of the named interface type, in the order they are declared. It fails
// when the package declares no type of that name, when the type is not an interface, and when the
// interface embeds another type rather than declaring only methods.
func (p *Package) Methods(iface string) ([]Method, error) {
	e := p.Expr(iface)
	if e == nil {
		return nil, fmt.Errorf("package %s declares no type %s", p.Name, iface)
	}
	it, ok := e.(*ast.InterfaceType)
	if !ok {
		return nil, fmt.Errorf("%s.%s is not an interface", p.Name, iface)
	}
	var ms []Method
	for _, f := range it.Methods.List {
		fn, ok := f.Type.(*ast.FuncType)
		if !ok || len(f.Names) != 1 {
			return nil, fmt.Errorf("%s.%s embeds %s; only methods are expected", p.Name, iface, Render(f.Type))
		}
		ms = append(ms, Method{Name: f.Names[0].Name, Type: fn})
	}
	return ms, nil
}

// Render prints a node, such as a type expression, as Go source.
func Render(n ast.Node) string {
	var b bytes.Buffer
	_ = format.Node(&b, token.NewFileSet(), n)
	return b.String()
}
