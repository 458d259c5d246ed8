package engine

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults for jobs whose config says nothing else.
const (
	// DefaultDuration is how long a job runs when its x-fake extension gives no duration.
	DefaultDuration = 10 * time.Second
	// QueueDelay is how long a job stays queued before it starts running.
	QueueDelay = time.Second
	// DefaultExecutor is the executor kind of a job that names none.
	DefaultExecutor = "docker"
	// DefaultResourceClass is the resource class of a job that names none.
	DefaultResourceClass = "medium"
)

// Job types of CircleCI workflows.
const (
	TypeBuild    = "build"
	TypeApproval = "approval"
)

// Pipeline parameter types.
const (
	ParamString  = "string"
	ParamBoolean = "boolean"
	ParamInteger = "integer"
	ParamEnum    = "enum"
)

// Outcome is how a simulated job ends once it has run its duration.
type Outcome string

// Outcomes a job can be given; each is also the job's final status.
const (
	OutcomeSuccess            Outcome = "success"
	OutcomeFailed             Outcome = "failed"
	OutcomeInfrastructureFail Outcome = "infrastructure_fail"
	OutcomeTimedout           Outcome = "timedout"
)

// Valid reports whether o is one of the defined outcomes.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomeSuccess, OutcomeFailed, OutcomeInfrastructureFail, OutcomeTimedout:
		return true
	}
	return false
}

// Config is a parsed .circleci/config.yml. It is immutable after ParseConfig
// and safe for concurrent use.
type Config struct {
	// Source is the config text as given.
	Source string
	// Parameters are the declared pipeline parameters by name.
	Parameters map[string]ParamSpec
	// ParameterNames lists the declared parameters in config order.
	ParameterNames []string
	// Jobs are the job definitions by name.
	Jobs map[string]JobSpec
	// AllWorkflows lists every workflow in config order, whatever its when/unless.
	AllWorkflows []WorkflowSpec

	refs  []ref      // every << pipeline.… >> in Source, in order
	cache *specCache // workflows with jobs filtered out, by what was kept
}

// ParamSpec is one declared pipeline parameter.
type ParamSpec struct {
	Name        string
	Type        string // ParamString, ParamBoolean, ParamInteger or ParamEnum
	Description string
	// Default is the default value (string, bool or int64), valid when HasDefault.
	Default    any
	HasDefault bool
	// Enum lists the allowed values of an enum parameter.
	Enum []string
}

// JobSpec is one job definition under the config's jobs key, reduced to what
// the simulation needs.
type JobSpec struct {
	Name          string
	Executor      string // "docker", "machine" or "macos"
	ResourceClass string
	Parallelism   int
	// Outcome and Duration come from the job's x-fake extension
	// (x-fake: {outcome: failed, duration: 30s}); defaults are success and DefaultDuration.
	Outcome  Outcome
	Duration time.Duration
	// Tests and Artifacts are what the job reports once it has run: the test cases the x-fake
	// extension of its store_test_results steps declares, and the paths of its store_artifacts
	// steps (see reports.go).
	Tests     []TestCase
	Artifacts []string
}

// WorkflowSpec is one workflow of the config: its jobs in config order with
// their requirements. Specs from ParseConfig carry a precomputed job graph
// that every run shares; treat them as read-only.
type WorkflowSpec struct {
	Name string
	Jobs []JobRef

	when, unless *cond
	graph        *graph
}

// JobRef is one job entry of a workflow.
type JobRef struct {
	// Name is the job's name in the workflow: its alias (name:) or the job's name.
	Name string
	// Job is the key of the job definition under jobs (the approval job's own name for approvals).
	Job string
	// Type is TypeBuild or TypeApproval.
	Type string
	// Requires lists the names (in this workflow) of the jobs this job waits for.
	Requires []string
	// RequireStatuses, when not nil, is parallel to Requires and lists for
	// each the final statuses that let this job run (CircleCI's flexible
	// requires: success, failed, canceled, not_run); a nil entry means success.
	RequireStatuses [][]string
	Executor        string
	ResourceClass   string
	Parallelism     int
	Outcome         Outcome
	Duration        time.Duration
	// Contexts names the contexts the entry's context key gives the job, in config order.
	Contexts []string

	filter *filters // the entry's branch and tag filters; nil for none
}

// Statuses returns the final statuses of requirement i that let the job run.
func (j JobRef) Statuses(i int) []string {
	if i < len(j.RequireStatuses) && j.RequireStatuses[i] != nil {
		return j.RequireStatuses[i]
	}
	return []string{StatusSuccess}
}

// ref is the position of one << pipeline.… >> in a source: a pipeline parameter (name is the
// parameter's) or a pipeline value (name is the value's full name, e.g. "pipeline.git.branch").
type ref struct {
	start, end int
	name       string
	param      bool
}

var (
	paramRefRE    = regexp.MustCompile(`<<\s*pipeline\.parameters\.([A-Za-z0-9_-]+)\s*>>`)
	pipelineRefRE = regexp.MustCompile(`<<\s*(pipeline\.[A-Za-z0-9_.-]*)\s*>>`)
	paramNameRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
)

// Values looks up a pipeline value by its full name, such as "pipeline.git.branch" or
// "pipeline.number"; ok is false for a name the caller does not know. Values are strings, bools or
// int64s. A nil Values knows no value.
type Values func(name string) (v any, ok bool)

func (vs Values) get(name string) (any, bool) {
	if vs == nil {
		return nil, false
	}
	return vs(name)
}

// text returns a value as it appears in a config, "" when it is unknown.
func (vs Values) text(name string) string {
	v, _ := vs.get(name)
	return text(v)
}

// ParseConfig parses config text in CircleCI 2.1 shape: top-level
// parameters, jobs and workflows are read; version, orbs, executors (beyond
// naming an executor kind) and commands are ignored. Errors are *ConfigError
// and name the line.
func ParseConfig(src string) (*Config, error) {
	root, err := parseYAML(src)
	if err != nil {
		return nil, err
	}
	if root.kind != kindMap {
		if root.kind == kindNull {
			return nil, &ConfigError{Msg: "config is empty"}
		}
		return nil, errAt(root, "config must be a map, got %s", root.kind)
	}
	c := &Config{Source: src, cache: &specCache{}}
	if err := c.parseParameters(root.get("parameters")); err != nil {
		return nil, err
	}
	for _, m := range pipelineRefRE.FindAllStringSubmatchIndex(src, -1) {
		r := ref{start: m[0], end: m[1], name: src[m[2]:m[3]]}
		if pm := paramRefRE.FindStringSubmatch(src[m[0]:m[1]]); pm != nil {
			r.name, r.param = pm[1], true
			if _, ok := c.Parameters[r.name]; !ok {
				return nil, &ConfigError{Line: 1 + strings.Count(src[:m[0]], "\n"), Msg: fmt.Sprintf("unknown pipeline parameter %q in %s", r.name, src[m[0]:m[1]])}
			}
		}
		c.refs = append(c.refs, r)
	}
	if err := c.parseJobs(root.get("jobs"), root.get("executors")); err != nil {
		return nil, err
	}
	if err := c.parseWorkflows(root.get("workflows"), root); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) parseParameters(n *node) error {
	c.Parameters = map[string]ParamSpec{}
	if n == nil || n.kind == kindNull {
		return nil
	}
	if n.kind != kindMap {
		return errAt(n, "parameters must be a map")
	}
	for i, name := range n.keys {
		def := n.vals[i]
		if !paramNameRE.MatchString(name) {
			return errAt(def, "parameter name %q is invalid: use letters, digits, _ and -, starting with a letter", name)
		}
		if def.kind != kindMap {
			return errAt(def, "parameter %q must be a map with a type", name)
		}
		p := ParamSpec{Name: name}
		t := def.get("type")
		if t == nil || t.kind != kindString {
			return errAt(def, "parameter %q needs a type (string, boolean, integer or enum)", name)
		}
		p.Type = t.str
		if d := def.get("description"); d != nil && d.kind == kindString {
			p.Description = d.str
		}
		switch p.Type {
		case ParamString, ParamBoolean, ParamInteger:
		case ParamEnum:
			e := def.get("enum")
			if e == nil || e.kind != kindSeq || len(e.vals) == 0 {
				return errAt(def, "enum parameter %q needs a non-empty enum list", name)
			}
			for _, v := range e.vals {
				if v.kind == kindMap || v.kind == kindSeq || v.kind == kindNull {
					return errAt(v, "enum parameter %q: values must be scalars", name)
				}
				p.Enum = append(p.Enum, v.str)
			}
		default:
			return errAt(t, "parameter %q has unknown type %q (want string, boolean, integer or enum)", name, p.Type)
		}
		if d := def.get("default"); d != nil {
			v, err := defaultValue(p, d)
			if err != nil {
				return err
			}
			p.Default, p.HasDefault = v, true
		}
		c.Parameters[name] = p
		c.ParameterNames = append(c.ParameterNames, name)
	}
	return nil
}

func defaultValue(p ParamSpec, d *node) (any, error) {
	switch p.Type {
	case ParamString:
		switch d.kind {
		case kindMap, kindSeq:
			return nil, errAt(d, "parameter %q: default must be a string", p.Name)
		case kindNull:
			return "", nil
		}
		return d.str, nil
	case ParamBoolean:
		if d.kind != kindBool {
			return nil, errAt(d, "parameter %q: default must be a boolean, got %s", p.Name, d.kind)
		}
		return d.b, nil
	case ParamInteger:
		switch d.kind {
		case kindInt:
			return d.i, nil
		case kindFloat:
			if i, ok := integral(d.f); ok {
				return i, nil
			}
		}
		return nil, errAt(d, "parameter %q: default must be an integer, got %s", p.Name, d.kind)
	default: // enum
		if d.kind == kindMap || d.kind == kindSeq || !slices.Contains(p.Enum, d.str) {
			return nil, errAt(d, "parameter %q: default %q is not one of its enum values %v", p.Name, d.str, p.Enum)
		}
		return d.str, nil
	}
}

func integral(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}

func (c *Config) parseJobs(n, executors *node) error {
	c.Jobs = map[string]JobSpec{}
	if n == nil || n.kind == kindNull {
		return nil
	}
	if n.kind != kindMap {
		return errAt(n, "jobs must be a map")
	}
	for i, name := range n.keys {
		def := n.vals[i]
		if name == "" {
			return errAt(def, "job with an empty name")
		}
		if def.kind != kindMap {
			return errAt(def, "job %q must be a map", name)
		}
		j := JobSpec{Name: name, Executor: DefaultExecutor, ResourceClass: DefaultResourceClass, Parallelism: 1, Outcome: OutcomeSuccess, Duration: DefaultDuration}
		j.Executor = executorKind(def, executors)
		if rc := def.get("resource_class"); rc != nil && rc.kind == kindString && rc.str != "" {
			j.ResourceClass = rc.str
		} else if ex := namedExecutor(def, executors); ex != nil {
			if rc := ex.get("resource_class"); rc != nil && rc.kind == kindString && rc.str != "" {
				j.ResourceClass = rc.str
			}
		}
		if p := def.get("parallelism"); p != nil {
			switch {
			case p.kind == kindInt && p.i >= 1:
				j.Parallelism = int(min(p.i, math.MaxInt32))
			case p.kind == kindString && strings.Contains(p.str, "<<"):
				// Parameterised; the simulation keeps 1.
			default:
				return errAt(p, "job %q: parallelism must be an integer of at least 1", name)
			}
		}
		if err := applyFake(def.get("x-fake"), "job "+strconv.Quote(name), &j.Outcome, &j.Duration); err != nil {
			return err
		}
		if err := parseReports(def, &j); err != nil {
			return err
		}
		c.Jobs[name] = j
	}
	return nil
}

// executorKind finds docker, machine or macos on the job or on the named executor it uses.
func executorKind(job, executors *node) string {
	for _, n := range []*node{job, namedExecutor(job, executors)} {
		for _, k := range []string{"docker", "machine", "macos"} {
			if n.get(k) != nil {
				return k
			}
		}
	}
	return DefaultExecutor
}

func namedExecutor(job, executors *node) *node {
	e := job.get("executor")
	if e == nil {
		return nil
	}
	name := e.str
	if e.kind == kindMap {
		if nm := e.get("name"); nm != nil {
			name = nm.str
		}
	}
	return executors.get(name)
}

// applyFake reads the x-fake extension {outcome, duration} into out and d.
func applyFake(n *node, what string, out *Outcome, d *time.Duration) error {
	if n == nil || n.kind == kindNull {
		return nil
	}
	if n.kind != kindMap {
		return errAt(n, "%s: x-fake must be a map {outcome, duration}", what)
	}
	if o := n.get("outcome"); o != nil {
		if !Outcome(o.str).Valid() || o.kind != kindString {
			return errAt(o, "%s: x-fake outcome %q must be success, failed, infrastructure_fail or timedout", what, o.str)
		}
		*out = Outcome(o.str)
	}
	if v := n.get("duration"); v != nil {
		switch v.kind {
		case kindInt:
			if v.i < 0 || v.i > math.MaxInt64/int64(time.Second) {
				return errAt(v, "%s: x-fake duration %d out of range", what, v.i)
			}
			*d = time.Duration(v.i) * time.Second
		case kindString:
			dd, err := time.ParseDuration(v.str)
			if err != nil || dd < 0 {
				return errAt(v, "%s: x-fake duration %q must be a duration such as 30s or a number of seconds", what, v.str)
			}
			*d = dd
		default:
			return errAt(v, "%s: x-fake duration must be a duration such as 30s or a number of seconds", what)
		}
	}
	return nil
}

func (c *Config) parseWorkflows(n, root *node) error {
	if n == nil || n.kind == kindNull {
		// Without workflows, CircleCI runs the job named build in a workflow named workflow.
		if j, ok := c.Jobs["build"]; ok {
			ws := WorkflowSpec{Name: "workflow", Jobs: []JobRef{refFromJob("build", "build", j)}}
			g, err := buildGraph(ws.Jobs, nil)
			if err != nil {
				return err
			}
			g.setSpec(ws)
			ws.graph = g
			c.AllWorkflows = []WorkflowSpec{ws}
			return nil
		}
		return errAt(root, "config has no workflows (and no job named build)")
	}
	if n.kind != kindMap {
		return errAt(n, "workflows must be a map")
	}
	for i, name := range n.keys {
		def := n.vals[i]
		if name == "version" {
			continue
		}
		if def.kind != kindMap {
			return errAt(def, "workflow %q must be a map with jobs", name)
		}
		ws, err := c.parseWorkflow(name, def)
		if err != nil {
			return err
		}
		c.AllWorkflows = append(c.AllWorkflows, ws)
	}
	if len(c.AllWorkflows) == 0 {
		return errAt(n, "config has no workflows")
	}
	return nil
}

func refFromJob(name, job string, j JobSpec) JobRef {
	return JobRef{Name: name, Job: job, Type: TypeBuild, Executor: j.Executor, ResourceClass: j.ResourceClass, Parallelism: j.Parallelism, Outcome: j.Outcome, Duration: j.Duration}
}

func (c *Config) parseWorkflow(name string, def *node) (WorkflowSpec, error) {
	ws := WorkflowSpec{Name: name}
	what := "workflow " + strconv.Quote(name)
	var err error
	if w := def.get("when"); w != nil {
		if ws.when, err = c.parseCond(w, what+" when"); err != nil {
			return ws, err
		}
	}
	if u := def.get("unless"); u != nil {
		if ws.unless, err = c.parseCond(u, what+" unless"); err != nil {
			return ws, err
		}
	}
	jobs := def.get("jobs")
	if jobs == nil || jobs.kind != kindSeq || len(jobs.vals) == 0 {
		return ws, errAt(def, "%s needs a non-empty jobs list", what)
	}
	lines := make([]*node, 0, len(jobs.vals))
	for _, entry := range jobs.vals {
		ref, err := c.parseJobEntry(what, entry)
		if err != nil {
			return ws, err
		}
		ws.Jobs = append(ws.Jobs, ref)
		lines = append(lines, entry)
	}
	g, err := buildGraph(ws.Jobs, func(i int, format string, args ...any) error {
		return errAt(lines[i], what+": "+format, args...)
	})
	if err != nil {
		return ws, err
	}
	g.setSpec(ws)
	ws.graph = g
	return ws, nil
}

func (c *Config) parseJobEntry(what string, entry *node) (JobRef, error) {
	var job string
	var opts *node
	switch entry.kind {
	case kindString:
		job = entry.str
	case kindMap:
		if len(entry.keys) != 1 {
			return JobRef{}, errAt(entry, "%s: a job entry must be a job name or a map with one job name", what)
		}
		job, opts = entry.keys[0], entry.vals[0]
		if opts.kind == kindNull {
			opts = nil
		} else if opts.kind != kindMap {
			return JobRef{}, errAt(opts, "%s: options of job %q must be a map", what, job)
		}
	default:
		return JobRef{}, errAt(entry, "%s: a job entry must be a job name or a map, got %s", what, entry.kind)
	}
	if job == "" {
		return JobRef{}, errAt(entry, "%s: job with an empty name", what)
	}
	ref := JobRef{Name: job, Job: job, Type: TypeBuild, Executor: DefaultExecutor, ResourceClass: DefaultResourceClass, Parallelism: 1, Outcome: OutcomeSuccess, Duration: DefaultDuration}
	if t := opts.get("type"); t != nil {
		if t.kind != kindString || (t.str != TypeApproval && t.str != TypeBuild) {
			return JobRef{}, errAt(t, "%s: job %q has unknown type %q (want approval)", what, job, t.str)
		}
		ref.Type = t.str
	}
	if ref.Type == TypeApproval {
		ref.Executor, ref.ResourceClass, ref.Parallelism, ref.Duration = "", "", 0, 0
	} else if spec, ok := c.Jobs[job]; ok {
		ref = refFromJob(job, job, spec)
	} else if !strings.Contains(job, "/") { // orb jobs (orb/job) are not defined here
		return JobRef{}, errAt(entry, "%s: job %q is not defined under jobs", what, job)
	}
	if nm := opts.get("name"); nm != nil {
		if nm.kind == kindMap || nm.kind == kindSeq || nm.str == "" {
			return JobRef{}, errAt(nm, "%s: job %q: name must be a non-empty string", what, job)
		}
		ref.Name = nm.str
	}
	if r := opts.get("requires"); r != nil && r.kind != kindNull {
		if r.kind != kindSeq {
			return JobRef{}, errAt(r, "%s: requires of job %q must be a list", what, ref.Name)
		}
		for _, item := range r.vals {
			name, statuses, err := parseRequirement(what, ref.Name, item)
			if err != nil {
				return JobRef{}, err
			}
			if statuses != nil && ref.RequireStatuses == nil {
				ref.RequireStatuses = make([][]string, len(ref.Requires), len(r.vals))
			}
			ref.Requires = append(ref.Requires, name)
			if ref.RequireStatuses != nil {
				ref.RequireStatuses = append(ref.RequireStatuses, statuses)
			}
		}
	}
	contexts, err := parseContexts(opts.get("context"), what+": job "+strconv.Quote(ref.Name))
	if err != nil {
		return JobRef{}, err
	}
	ref.Contexts = contexts
	f, err := parseFilters(opts.get("filters"), what+": job "+strconv.Quote(ref.Name))
	if err != nil {
		return JobRef{}, err
	}
	ref.filter = f
	if ref.Type == TypeBuild {
		if err := applyFake(opts.get("x-fake"), what+": job "+strconv.Quote(ref.Name), &ref.Outcome, &ref.Duration); err != nil {
			return JobRef{}, err
		}
	}
	return ref, nil
}

// parseContexts reads a job entry's context: a context name or a list of them.
func parseContexts(n *node, what string) ([]string, error) {
	if n == nil || n.kind == kindNull {
		return nil, nil
	}
	items := []*node{n}
	if n.kind == kindSeq {
		items = n.vals
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it.kind != kindString || it.str == "" {
			return nil, errAt(it, "%s: context must be a context name or a list of them", what)
		}
		out = append(out, it.str)
	}
	return out, nil
}

// parseRequirement reads "job", {job: status} or {job: [statuses]}.
func parseRequirement(what, job string, item *node) (string, []string, error) {
	switch item.kind {
	case kindString:
		if item.str == "" {
			return "", nil, errAt(item, "%s: job %q requires an empty name", what, job)
		}
		return item.str, nil, nil
	case kindMap:
		if len(item.keys) != 1 {
			return "", nil, errAt(item, "%s: job %q: a requirement must be a job name or {job: status}", what, job)
		}
		name, v := item.keys[0], item.vals[0]
		var list []*node
		switch v.kind {
		case kindString:
			list = []*node{v}
		case kindSeq:
			list = v.vals
		default:
			return "", nil, errAt(v, "%s: job %q: statuses required of %q must be a status or a list", what, job, name)
		}
		var out []string
		for _, s := range list {
			switch s.str {
			case StatusSuccess, StatusFailed, StatusCanceled, StatusNotRun:
				if s.kind == kindString && !slices.Contains(out, s.str) {
					out = append(out, s.str)
				}
			case "terminal":
				for _, t := range []string{StatusSuccess, StatusFailed, StatusCanceled, StatusNotRun} {
					if !slices.Contains(out, t) {
						out = append(out, t)
					}
				}
			default:
				return "", nil, errAt(s, "%s: job %q: unknown required status %q of %q (want success, failed, canceled, not_run or terminal)", what, job, s.str, name)
			}
		}
		if len(out) == 0 {
			return "", nil, errAt(v, "%s: job %q: no status given for %q", what, job, name)
		}
		return name, out, nil
	default:
		return "", nil, errAt(item, "%s: job %q: a requirement must be a job name", what, job)
	}
}
