package engine

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxDepth bounds the nesting of the YAML tree the engine accepts, so that
// hostile input cannot exhaust the stack.
const maxDepth = 200

// kind is the shape of a converted YAML node.
type kind uint8

const (
	kindNull kind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindMap
	kindSeq
)

func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindString:
		return "string"
	case kindInt:
		return "integer"
	case kindFloat:
		return "number"
	case kindBool:
		return "boolean"
	case kindMap:
		return "map"
	default:
		return "list"
	}
}

// node is a YAML value with anchors, aliases and merge keys resolved and the
// line it starts on; the engine walks these instead of the goccy AST.
type node struct {
	kind kind
	line int
	str  string // string value, or the source text of any scalar
	i    int64
	f    float64
	b    bool
	keys []string // map keys in document order
	vals []*node  // map values (parallel to keys) or list items
}

// get returns the map value for key, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindMap {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// value returns the scalar as a Go value: string, int64, float64, bool or nil.
func (n *node) value() any {
	switch n.kind {
	case kindString:
		return n.str
	case kindInt:
		return n.i
	case kindFloat:
		return n.f
	case kindBool:
		return n.b
	default:
		return nil
	}
}

// parseYAML parses src into a node tree. Syntax errors carry their line.
func parseYAML(src string) (root *node, err error) {
	// The YAML library has panicked on malformed input in the past; a config
	// is untrusted input, so a panic becomes an ordinary parse error.
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, &ConfigError{Msg: fmt.Sprintf("invalid YAML (%v)", r)}
		}
	}()
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil {
			return nil, &ConfigError{Line: se.Token.Position.Line, Column: se.Token.Position.Column, Msg: "invalid YAML: " + se.Message}
		}
		return nil, &ConfigError{Msg: "invalid YAML: " + err.Error()}
	}
	var body ast.Node
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			return nil, &ConfigError{Line: line(d.Body), Msg: "config must be a single YAML document"}
		}
		body = d.Body
	}
	if body == nil {
		return &node{kind: kindNull}, nil
	}
	c := converter{anchors: map[string]*node{}}
	return c.convert(body, 0)
}

type converter struct {
	anchors map[string]*node
}

func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

func (c *converter) convert(n ast.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &ConfigError{Line: line(n), Msg: "YAML nested too deeply"}
	}
	ln := line(n)
	switch n := n.(type) {
	case nil:
		return &node{kind: kindNull}, nil
	case *ast.NullNode:
		return &node{kind: kindNull, line: ln}, nil
	case *ast.StringNode:
		return &node{kind: kindString, line: ln, str: n.Value}, nil
	case *ast.LiteralNode:
		s := ""
		if n.Value != nil {
			s = n.Value.Value
		}
		return &node{kind: kindString, line: ln, str: s}, nil
	case *ast.IntegerNode:
		out := &node{kind: kindInt, line: ln, str: tokenText(n)}
		switch v := n.Value.(type) {
		case int64:
			out.i = v
		case uint64:
			if v > math.MaxInt64 {
				return nil, &ConfigError{Line: ln, Msg: fmt.Sprintf("integer %d out of range", v)}
			}
			out.i = int64(v)
		}
		return out, nil
	case *ast.FloatNode:
		return &node{kind: kindFloat, line: ln, f: n.Value, str: tokenText(n)}, nil
	case *ast.InfinityNode:
		return &node{kind: kindFloat, line: ln, f: n.Value, str: tokenText(n)}, nil
	case *ast.NanNode:
		return &node{kind: kindFloat, line: ln, f: math.NaN(), str: tokenText(n)}, nil
	case *ast.BoolNode:
		return &node{kind: kindBool, line: ln, b: n.Value, str: strconv.FormatBool(n.Value)}, nil
	case *ast.TagNode:
		return c.convert(n.Value, depth+1)
	case *ast.AnchorNode:
		v, err := c.convert(n.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if n.Name != nil {
			c.anchors[n.Name.GetToken().Value] = v
		}
		return v, nil
	case *ast.AliasNode:
		name := ""
		if n.Value != nil {
			name = n.Value.GetToken().Value
		}
		v, ok := c.anchors[name]
		if !ok {
			return nil, &ConfigError{Line: ln, Msg: fmt.Sprintf("unknown alias *%s", name)}
		}
		return v, nil
	case *ast.SequenceNode:
		out := &node{kind: kindSeq, line: ln, vals: make([]*node, 0, len(n.Values))}
		for _, item := range n.Values {
			v, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			out.vals = append(out.vals, v)
		}
		return out, nil
	case *ast.MappingNode:
		out := &node{kind: kindMap, line: ln}
		for _, mv := range n.Values {
			if err := c.addEntry(out, mv, depth); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *ast.MappingValueNode:
		out := &node{kind: kindMap, line: ln}
		if err := c.addEntry(out, n, depth); err != nil {
			return nil, err
		}
		return out, nil
	case *ast.MappingKeyNode:
		return c.convert(n.Value, depth+1)
	default:
		return nil, &ConfigError{Line: ln, Msg: fmt.Sprintf("unsupported YAML node %s", n.Type())}
	}
}

func tokenText(n ast.Node) string {
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

// addEntry adds one key/value pair to m, expanding merge keys (<<: *alias).
// Explicit keys win over merged ones; a repeated explicit key is an error.
func (c *converter) addEntry(m *node, mv *ast.MappingValueNode, depth int) error {
	if mv == nil {
		return nil
	}
	if mv.Key != nil && mv.Key.IsMergeKey() {
		v, err := c.convert(mv.Value, depth+1)
		if err != nil {
			return err
		}
		sources := []*node{v}
		if v.kind == kindSeq {
			sources = v.vals
		}
		for _, src := range sources {
			if src.kind != kindMap {
				return &ConfigError{Line: line(mv.Value), Msg: "merge key << needs a map or a list of maps"}
			}
			for i, k := range src.keys {
				if m.get(k) == nil {
					m.keys = append(m.keys, k)
					m.vals = append(m.vals, src.vals[i])
				}
			}
		}
		return nil
	}
	k, err := c.convert(mv.Key, depth+1)
	if err != nil {
		return err
	}
	switch k.kind {
	case kindMap, kindSeq:
		return &ConfigError{Line: k.line, Msg: "map keys must be scalars"}
	}
	key := k.str
	if k.kind == kindNull {
		key = ""
	}
	v, err := c.convert(mv.Value, depth+1)
	if err != nil {
		return err
	}
	if v.line == 0 {
		v.line = k.line
	}
	for i, existing := range m.keys {
		if existing == key {
			// A merged key is overridden by an explicit one.
			m.vals[i] = v
			return nil
		}
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
	return nil
}
