package engine

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
)

// filters are the branch and tag filters of one workflow job entry
// (filters: {branches: {only, ignore}, tags: {only, ignore}}).
type filters struct {
	branches, tags refFilter
}

// refFilter is the only and ignore lists of branches or of tags.
type refFilter struct {
	only, ignore []pattern
}

func (f refFilter) empty() bool { return len(f.only) == 0 && len(f.ignore) == 0 }

// allows applies only, then ignore, to a branch or tag name.
func (f refFilter) allows(name string, params map[string]any, values Values) bool {
	if len(f.only) > 0 && !matchAny(f.only, name, params, values) {
		return false
	}
	return !matchAny(f.ignore, name, params, values)
}

func matchAny(ps []pattern, name string, params map[string]any, values Values) bool {
	for _, p := range ps {
		if p.match(name, params, values) {
			return true
		}
	}
	return false
}

// pattern is one entry of an only or ignore list: a name, or a regular
// expression between slashes that must match the whole name. A pattern that
// holds << pipeline.… >> references is substituted and compiled when it is
// used.
type pattern struct {
	src     string
	re      matcher // for a regular expression without references
	dynamic bool
}

func (p pattern) match(name string, params map[string]any, values Values) bool {
	if !p.dynamic {
		if p.re != nil {
			return p.re.MatchString(name)
		}
		return p.src == name
	}
	src := substitute(p.src, params, values)
	expr, ok := regexBody(src)
	if !ok {
		return src == name
	}
	re, err := compileWhole(expr)
	return err == nil && re.MatchString(name)
}

// regexBody returns the expression of a /regular expression/.
func regexBody(s string) (string, bool) {
	if len(s) >= 2 && s[0] == '/' && s[len(s)-1] == '/' {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// matcher tells whether a whole name matches a compiled regular expression.
type matcher interface {
	MatchString(s string) bool
}

// backtracking is a regular expression that Go's RE2 syntax cannot express
// (lookahead, lookbehind, backreferences), run by a backtracking engine. A
// match that takes longer than backtrackLimit counts as no match.
type backtracking struct{ re *regexp2.Regexp }

// backtrackLimit bounds one match of a [backtracking] expression.
const backtrackLimit = 100 * time.Millisecond

func (b backtracking) MatchString(s string) bool {
	ok, err := b.re.MatchString(s)
	return err == nil && ok
}

// compileWhole compiles expr so that it must match a whole name, as CircleCI
// filters and matches conditions do. CircleCI evaluates them as Java regular
// expressions: what RE2 accepts runs on Go's linear-time engine, and the rest
// (lookaround, backreferences) on a backtracking one with a time limit.
func compileWhole(expr string) (matcher, error) {
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err == nil {
		return re, nil
	}
	bt, err := regexp2.Compile(`\A(?:`+expr+`)\z`, regexp2.None)
	if err != nil {
		return nil, err
	}
	bt.MatchTimeout = backtrackLimit
	return backtracking{bt}, nil
}

// parseFilters reads a job entry's filters map; what names the entry for errors.
func parseFilters(n *node, what string) (*filters, error) {
	if n == nil || n.kind == kindNull {
		return nil, nil
	}
	if n.kind == kindString {
		// An expression-based filter (filters: pipeline.git.branch == "main") is
		// not simulated: the job is treated as unfiltered.
		return nil, nil
	}
	if n.kind != kindMap {
		return nil, errAt(n, "%s: filters must be a map with branches and/or tags", what)
	}
	f := &filters{}
	for i, key := range n.keys {
		var dst *refFilter
		switch key {
		case "branches":
			dst = &f.branches
		case "tags":
			dst = &f.tags
		default:
			return nil, errAt(n.vals[i], "%s: unknown filter %q (want branches or tags)", what, key)
		}
		v := n.vals[i]
		if v.kind == kindNull {
			continue
		}
		if v.kind != kindMap {
			return nil, errAt(v, "%s: filters.%s must be a map with only and/or ignore", what, key)
		}
		for k, sub := range v.keys {
			var list *[]pattern
			switch sub {
			case "only":
				list = &dst.only
			case "ignore":
				list = &dst.ignore
			default:
				return nil, errAt(v.vals[k], "%s: unknown key %q in filters.%s (want only or ignore)", what, sub, key)
			}
			ps, err := parsePatterns(v.vals[k], what+": filters."+key+"."+sub)
			if err != nil {
				return nil, err
			}
			*list = ps
		}
	}
	return f, nil
}

// parsePatterns reads a name, a /regular expression/ or a list of them.
func parsePatterns(n *node, what string) ([]pattern, error) {
	items := []*node{n}
	if n.kind == kindSeq {
		items = n.vals
	}
	out := make([]pattern, 0, len(items))
	for _, it := range items {
		switch it.kind {
		case kindMap, kindSeq:
			return nil, errAt(it, "%s: want a name, a /regular expression/ or a list of them", what)
		case kindNull:
			continue
		}
		p := pattern{src: it.str}
		if strings.Contains(it.str, "<<") && pipelineRefRE.MatchString(it.str) {
			p.dynamic = true
		} else if expr, ok := regexBody(it.str); ok {
			re, err := compileWhole(expr)
			if err != nil {
				return nil, errAt(it, "%s: regular expression %s: %v", what, it.str, err)
			}
			p.re = re
		}
		out = append(out, p)
	}
	return out, nil
}

// runs reports whether the job's own filters let it run in a pipeline on
// branch or, when tag is not empty, on tag. On a tag, a job runs only if its
// tags filter names the tag (a job without one never runs on tags); on a
// branch, its branches filter applies and no filter means every branch.
func (f *filters) runs(branch, tag string, params map[string]any, values Values) bool {
	if tag != "" {
		return f != nil && !f.tags.empty() && f.tags.allows(tag, params, values)
	}
	return f == nil || f.branches.allows(branch, params, values)
}

// kept decides which jobs of the workflow run in a pipeline on branch or,
// when tag is not empty, on tag: those whose own filters let them (see
// [filters.runs]) and that require nothing or at least one kept job. all is
// true when every job is kept.
func (w *WorkflowSpec) kept(branch, tag string, params map[string]any, values Values) (kept []bool, all bool) {
	if tag == "" && !w.hasFilters() {
		return nil, true
	}
	g := w.graph
	if g == nil {
		g, _ = buildGraph(w.Jobs, nil)
	}
	kept = make([]bool, len(w.Jobs))
	all = true
	for _, i := range g.order {
		k := w.Jobs[i].filter.runs(branch, tag, params, values)
		if k && len(g.deps[i]) > 0 {
			k = false
			for _, d := range g.deps[i] {
				if kept[d.idx] {
					k = true
					break
				}
			}
		}
		kept[i] = k
		all = all && k
	}
	return kept, all
}

func (w *WorkflowSpec) hasFilters() bool {
	for i := range w.Jobs {
		if w.Jobs[i].filter != nil {
			return true
		}
	}
	return false
}

// subset returns a spec of the kept jobs, their requirements on removed jobs
// dropped, with its own graph; false when no job is kept.
func subset(w WorkflowSpec, kept []bool) (WorkflowSpec, bool) {
	jobs := make([]JobRef, 0, len(w.Jobs))
	names := make(map[string]bool, len(w.Jobs))
	for i, j := range w.Jobs {
		if kept[i] {
			names[j.Name] = true
		}
	}
	for i, j := range w.Jobs {
		if !kept[i] {
			continue
		}
		if len(j.Requires) > 0 {
			var req []string
			var statuses [][]string
			for k, r := range j.Requires {
				if !names[r] {
					continue
				}
				req = append(req, r)
				if j.RequireStatuses != nil {
					statuses = append(statuses, j.RequireStatuses[k])
				}
			}
			j.Requires, j.RequireStatuses = req, statuses
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return WorkflowSpec{}, false
	}
	out := WorkflowSpec{Name: w.Name, Jobs: jobs, when: w.when, unless: w.unless}
	g, _ := buildGraph(jobs, nil) // the full spec's graph was valid, so is a subset's
	g.setSpec(out)
	out.graph = g
	return out, true
}

// specCache keeps the filtered specs of a config's workflows, so that the
// pipelines of one branch share one spec and its graph as unfiltered ones do.
type specCache struct {
	mu    sync.Mutex
	specs map[string]WorkflowSpec
}

// maxCachedSpecs bounds a config's cache; past it, filtered specs are built
// for each pipeline.
const maxCachedSpecs = 256

// filter returns workflow i as it runs with params and values, from the cache
// when it was filtered the same way before; false when no job is left.
func (c *Config) filter(i int, params map[string]any, values Values) (WorkflowSpec, bool) {
	w := &c.AllWorkflows[i]
	branch, tag := values.text("pipeline.git.branch"), values.text("pipeline.git.tag")
	kept, all := w.kept(branch, tag, params, values)
	if all {
		return *w, true
	}
	if c.cache == nil {
		return subset(*w, kept)
	}
	var key strings.Builder
	key.WriteString(strconv.Itoa(i))
	key.WriteByte(':')
	for _, k := range kept {
		if k {
			key.WriteByte('1')
		} else {
			key.WriteByte('0')
		}
	}
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	if spec, ok := c.cache.specs[key.String()]; ok {
		return spec, len(spec.Jobs) > 0
	}
	spec, ok := subset(*w, kept)
	if c.cache.specs == nil {
		c.cache.specs = map[string]WorkflowSpec{}
	}
	if len(c.cache.specs) < maxCachedSpecs {
		c.cache.specs[key.String()] = spec
	}
	return spec, ok
}
