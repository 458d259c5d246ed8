package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// condOp is the kind of a when/unless expression node.
type condOp uint8

const (
	opLiteral condOp = iota // val
	opParam                 // the typed value of pipeline parameter param
	opValue                 // the typed value of the pipeline value named param
	opText                  // text with << pipeline.… >> references substituted
	opAnd
	opOr
	opNot
	opEqual
	opMatches // pattern re against args[0]
)

// cond is a compiled CircleCI logic statement.
type cond struct {
	op    condOp
	val   any // literal value: string, int64, float64, bool, nil, or []any / map marker for non-empty collections
	text  string
	param string // parameter name (opParam) or full value name (opValue)
	args  []*cond
	re    matcher
}

// parseCond compiles a when/unless value: a literal, a << pipeline.parameters.x >>
// or << pipeline.… >> value reference, text holding such references, or a
// logic statement (and, or, not, equal, matches).
func (c *Config) parseCond(n *node, what string) (*cond, error) {
	budget := maxCondNodes
	return c.parseCondDepth(n, what, 0, &budget)
}

// maxCondNodes bounds the size of one when/unless statement. YAML aliases
// can make a short text describe an exponentially large tree; the bound
// keeps compiling and evaluating it cheap.
const maxCondNodes = 1000

func (c *Config) parseCondDepth(n *node, what string, depth int, budget *int) (*cond, error) {
	*budget--
	if depth > maxDepth || *budget < 0 {
		return nil, errAt(n, "%s: logic statement too large", what)
	}
	switch n.kind {
	case kindString:
		s := strings.TrimSpace(n.str)
		if m := paramRefRE.FindStringSubmatchIndex(s); m != nil && m[0] == 0 && m[1] == len(s) {
			return &cond{op: opParam, param: s[m[2]:m[3]]}, nil
		}
		if m := pipelineRefRE.FindStringSubmatchIndex(s); m != nil && m[0] == 0 && m[1] == len(s) {
			return &cond{op: opValue, param: s[m[2]:m[3]]}, nil
		}
		if pipelineRefRE.MatchString(n.str) {
			return &cond{op: opText, text: n.str}, nil
		}
		return &cond{op: opLiteral, val: n.str}, nil
	case kindSeq:
		return &cond{op: opLiteral, val: len(n.vals) > 0}, nil // only truthiness matters
	case kindMap:
		if len(n.keys) != 1 {
			if len(n.keys) == 0 {
				return &cond{op: opLiteral, val: false}, nil
			}
			return nil, errAt(n, "%s: a logic statement has exactly one key (and, or, not, equal, matches), got %d", what, len(n.keys))
		}
		key, arg := n.keys[0], n.vals[0]
		switch key {
		case "and", "or", "equal":
			if arg.kind != kindSeq {
				return nil, errAt(arg, "%s: %s takes a list", what, key)
			}
			out := &cond{op: map[string]condOp{"and": opAnd, "or": opOr, "equal": opEqual}[key]}
			for _, a := range arg.vals {
				sub, err := c.parseCondDepth(a, what, depth+1, budget)
				if err != nil {
					return nil, err
				}
				out.args = append(out.args, sub)
			}
			return out, nil
		case "not":
			sub, err := c.parseCondDepth(arg, what, depth+1, budget)
			if err != nil {
				return nil, err
			}
			return &cond{op: opNot, args: []*cond{sub}}, nil
		case "matches":
			p, v := arg.get("pattern"), arg.get("value")
			if arg.kind != kindMap || p == nil || v == nil || p.kind != kindString {
				return nil, errAt(arg, "%s: matches takes {pattern: regexp, value: text}", what)
			}
			re, err := compileWhole(p.str)
			if err != nil {
				return nil, errAt(p, "%s: matches pattern %q: %v", what, p.str, err)
			}
			sub, err := c.parseCondDepth(v, what, depth+1, budget)
			if err != nil {
				return nil, err
			}
			return &cond{op: opMatches, re: re, args: []*cond{sub}}, nil
		default:
			return nil, errAt(n, "%s: unknown logic statement %q (want and, or, not, equal or matches)", what, key)
		}
	default:
		return &cond{op: opLiteral, val: n.value()}, nil
	}
}

// eval computes the statement's value with the resolved parameters and the
// pipeline values.
func (c *cond) eval(params map[string]any, values Values) any {
	switch c.op {
	case opLiteral:
		return c.val
	case opParam:
		return params[c.param]
	case opValue:
		if v, ok := values.get(c.param); ok {
			return v
		}
		return "" // an unknown value is empty, as in text

	case opText:
		return substitute(c.text, params, values)
	case opAnd:
		for _, a := range c.args {
			if !truthy(a.eval(params, values)) {
				return false
			}
		}
		return len(c.args) > 0
	case opOr:
		for _, a := range c.args {
			if truthy(a.eval(params, values)) {
				return true
			}
		}
		return false
	case opNot:
		return !truthy(c.args[0].eval(params, values))
	case opEqual:
		if len(c.args) == 0 {
			return false
		}
		first := normalize(c.args[0].eval(params, values))
		for _, a := range c.args[1:] {
			if normalize(a.eval(params, values)) != first {
				return false
			}
		}
		return true
	case opMatches:
		return c.re.MatchString(text(c.args[0].eval(params, values)))
	}
	return nil
}

// substitute replaces << pipeline.parameters.x >> in s with the parameter
// values (a parameter missing from params stays as it is) and other
// << pipeline.… >> references with the pipeline values (empty when values
// does not know them).
func substitute(s string, params map[string]any, values Values) string {
	return pipelineRefRE.ReplaceAllStringFunc(s, func(ref string) string {
		if m := paramRefRE.FindStringSubmatch(ref); m != nil {
			if v, ok := params[m[1]]; ok {
				return text(v)
			}
			return ref
		}
		return values.text(pipelineRefRE.FindStringSubmatch(ref)[1])
	})
}

// truthy follows CircleCI: false, null, 0, NaN, empty strings and empty
// collections are false; everything else is true.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case int64:
		return v != 0
	case float64:
		return v != 0 && !math.IsNaN(v)
	}
	return true
}

// normalize makes numbers comparable across int64 and float64.
func normalize(v any) any {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		return "NaN" // NaN is never equal to itself; compare it as text
	}
	return v
}

// text renders a parameter value the way it appears in a compiled config.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}
