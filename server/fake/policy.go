package fake

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/uuid"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/resolver"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// The config policies of an organization: a bundle of Rego modules per owner, compiled by the Open
// Policy Agent library when it is pushed, and the decisions made with it. The rules CircleCI puts on a
// policy (package org, policy_name first, enable_rule, hard_fail, what a violation may look like)
// are checked here; evaluating the Rego is the engine's.

// policyContextConfig is the one policy context CircleCI accepts: policies about pipeline config.
const policyContextConfig = "config"

// maxBundleBytes is how large the policies of one push may be together, about what CircleCI takes
// before it answers 413.
const maxBundleBytes = 2_621_440

// decisionLogPage is how many decision logs one page of GetDecisionLogs holds; the next page is
// asked for with offset.
const decisionLogPage = 20

const (
	decisionPass     = "PASS"
	decisionSoftFail = "SOFT_FAIL"
	decisionHardFail = "HARD_FAIL"
	decisionError    = "ERROR"
)

// policyDoc is one policy of a pushed bundle; it never changes once made.
type policyDoc struct {
	name      string // the policy_name the module declares
	content   string
	created   time.Time
	createdBy string
}

func (d *policyDoc) api() gen.Policy {
	return gen.Policy{Name: ptr(d.name), Content: ptr(d.content), CreatedAt: ptr(d.created), CreatedBy: ptr(d.createdBy)}
}

// policyBundle is one version of an owner's policies with the query the engine prepared from them.
// It is never changed once made, so decision logs keep the version they were decided with and
// decisions may be evaluated without holding the fake's lock.
type policyBundle struct {
	docs   map[string]*policyDoc // by policy_name
	hashes map[string]string     // policy_name → SHA-512 of the content, hex, as decision logs show it
	query  *rego.PreparedEvalQuery
}

// emptyBundle is the bundle of an owner that has pushed none: a fresh one each time, so that no two
// owners share a record.
func emptyBundle() *policyBundle { return &policyBundle{} }

func (b *policyBundle) api() gen.PolicyBundle {
	out := make(gen.PolicyBundle, len(b.docs))
	for name, d := range b.docs {
		out[name] = d.api()
	}
	return out
}

// policyOwner is what the fake keeps for one organization's config policies.
type policyOwner struct {
	bundle   *policyBundle
	enabled  bool                       // decide every pipeline trigger
	logs     []*decisionLog             // oldest first
	logsByID map[uuid.UUID]*decisionLog // the same logs
	compiles int                        // how many pushes compiled a bundle, dry runs included
}

// decisionLog is one logged decision.
type decisionLog struct {
	id       uuid.UUID
	created  time.Time
	decision gen.Decision
	meta     decisionMeta
	bundle   *policyBundle
	took     time.Duration
}

// decisionMeta is what a decision was made about, as the log shows and filters it.
type decisionMeta struct {
	projectID   *uuid.UUID
	branch      string
	tag         string
	buildNumber *int
	repoURL     string
}

func (l *decisionLog) api() gen.DecisionLog {
	m := gen.DecisionLogMetadata{ProjectID: l.meta.projectID, BuildNumber: l.meta.buildNumber, SSHRerun: ptr(false)}
	if l.meta.branch != "" || l.meta.tag != "" || l.meta.repoURL != "" {
		vcs := gen.DecisionLogVCS{}
		if l.meta.branch != "" {
			vcs.Branch = ptr(l.meta.branch)
		}
		if l.meta.tag != "" {
			vcs.ReleaseTag = ptr(l.meta.tag)
		}
		if l.meta.repoURL != "" {
			vcs.OriginRepositoryURL, vcs.TargetRepositoryURL = ptr(l.meta.repoURL), ptr(l.meta.repoURL)
		}
		m.VCS = &vcs
	}
	d := l.decision
	return gen.DecisionLog{
		ID: ptr(l.id), CreatedAt: ptr(l.created), Decision: &d, Metadata: &m,
		Policies: maps.Clone(l.bundle.hashes), TimeTakenMs: ptr(int(l.took.Milliseconds())),
	}
}

// policyOwner returns the policy record of o, making it on first use; the caller holds s.mu.
func (st *state) policyOwner(o *org) *policyOwner {
	po := st.policyOwners[o.id]
	if po == nil {
		po = &policyOwner{bundle: emptyBundle(), logsByID: map[uuid.UUID]*decisionLog{}}
		st.policyOwners[o.id] = po
	}
	return po
}

// visiblePolicyOwner checks the owner and context of a Policy Management request and returns the
// caller and the policy record of the organization; the caller holds s.mu. As on CircleCI, the
// owner must be an organization UUID and the context "config" (400 otherwise); an organization the
// caller does not belong to is a 404.
func (s *Server) visiblePolicyOwner(ctx context.Context, ownerID, policyContext string) (*user, *policyOwner, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if policyContext != policyContextConfig {
		return nil, nil, server.BadRequest("Context: must be a valid value.")
	}
	id, err := uuid.Parse(ownerID)
	if err != nil {
		return nil, nil, server.BadRequest("OwnerID: must be a valid UUID.")
	}
	o := s.st.orgsByID[id]
	if o == nil || !u.member(o) {
		return nil, nil, server.NotFound("Owner not found.")
	}
	return u, s.st.policyOwner(o), nil
}

// policyNameSyntax is what a policy_name may be made of.
var policyNameSyntax = regexp.MustCompile(`^\w+$`)

// declaredPolicyName returns the name a module declares with its first rule, policy_name["NAME"],
// or what is wrong with the declaration.
func declaredPolicyName(m *ast.Module) (string, error) {
	if len(m.Rules) == 0 {
		return "", errors.New(`must declare rule "policy_name" but module contains no rules`)
	}
	head := m.Rules[0].Head
	if got := head.Ref()[0].String(); got != "policy_name" {
		return "", fmt.Errorf(`first rule declaration must be "policy_name" but found %q`, got)
	}
	if head.Key == nil {
		return "", errors.New("invalid policy_name declaration: must declare as key")
	}
	var name string
	if err := json.Unmarshal([]byte(head.Key.String()), &name); err != nil {
		return "", fmt.Errorf("invalid policy_name: %v", err)
	}
	switch {
	case name == "":
		return "", errors.New("policy_name must not be empty")
	case len(name) > 80:
		return "", fmt.Errorf("policy_name must be maximum 80 characters but got %d", len(name))
	case !policyNameSyntax.MatchString(name):
		return "", errors.New(`"policy_name" must use alphanumeric and underscore characters only`)
	}
	return name, nil
}

// joinErrors writes several problems as one message, as CircleCI's policy service does.
func joinErrors(errs []string) string {
	if len(errs) == 1 {
		return errs[0]
	}
	return fmt.Sprintf("%d error(s) occurred: %s", len(errs), strings.Join(errs, "; "))
}

// compileBundle parses, checks and compiles the policies of a push (file names to Rego source) and
// prepares the query the engine answers decisions with; it is the only place policies are compiled.
// Policies are written in Rego v0 syntax, as CircleCI's documentation writes them (a module that
// imports rego.v1 may use v1 syntax). The error is the 400 CircleCI answers, with the engine's
// message, which names the file and line.
func compileBundle(ctx context.Context, files map[string]string, now time.Time, by string, old *policyBundle) (*policyBundle, error) {
	modules := make(map[string]*ast.Module, len(files))
	names := make(map[string]string, len(files)) // file → policy_name
	count := map[string]int{}
	var problems []string
	for _, file := range slices.Sorted(maps.Keys(files)) {
		m, err := ast.ParseModuleWithOpts(file, files[file], ast.ParserOptions{RegoVersion: ast.RegoV0})
		if err != nil {
			problems = append(problems, fmt.Sprintf("failed to parse file %q: %v", file, err))
			continue
		}
		name, err := declaredPolicyName(m)
		if err != nil {
			problems = append(problems, fmt.Sprintf("failed to parse file: %q: %v", file, err))
			continue
		}
		modules[file], names[file] = m, name
		count[name]++
	}
	if len(problems) > 0 {
		return nil, badRego("failed to parse policy file(s): " + joinErrors(problems))
	}
	for _, name := range slices.Sorted(maps.Keys(count)) {
		if n := count[name]; n > 1 {
			problems = append(problems, fmt.Sprintf("policy %q declared %d times", name, n))
		}
	}
	if len(problems) > 0 {
		return nil, badRego("failed to parse bundle: " + joinErrors(problems))
	}
	for _, file := range slices.Sorted(maps.Keys(modules)) {
		if pkg := strings.TrimPrefix(modules[file].Package.String(), "package "); pkg != "org" {
			problems = append(problems, fmt.Sprintf("lint error: %q: invalid package name: expected one of packages [org] but got %q", file, pkg))
		}
	}
	if len(problems) > 0 {
		return nil, badRego("failed policy linting: " + joinErrors(problems))
	}
	for _, file := range slices.Sorted(maps.Keys(modules)) {
		for _, imp := range modules[file].Imports {
			if path := imp.Path.String(); path == "data.circleci" || strings.HasPrefix(path, "data.circleci.") {
				problems = append(problems, fmt.Sprintf("%q imports %s: circleci-fake does not have CircleCI's helper packages (data.circleci.config, data.circleci.utils); write the rule without them", file, path))
			}
		}
	}
	if len(problems) > 0 {
		return nil, server.BadRequest(joinErrors(problems))
	}
	b := &policyBundle{docs: make(map[string]*policyDoc, len(files)), hashes: make(map[string]string, len(files))}
	for file, name := range names {
		content := files[file]
		d := &policyDoc{name: name, content: content, created: now, createdBy: by}
		if prev := old.docs[name]; prev != nil && prev.content == content {
			d = prev // unchanged: it keeps when and by whom it was pushed
		}
		sum := sha512.Sum512([]byte(content))
		b.docs[name], b.hashes[name] = d, hex.EncodeToString(sum[:])
	}
	if len(modules) == 0 {
		return b, nil
	}
	compiler := ast.NewCompiler().WithStrict(true)
	if compiler.Compile(modules); compiler.Failed() {
		return nil, badRego("failed to compile policy: " + compiler.Errors.Error())
	}
	q, err := rego.New(rego.Compiler(compiler), rego.Query("data.org")).PrepareForEval(ctx)
	if err != nil {
		return nil, badRego("failed to compile policy: " + err.Error())
	}
	b.query = &q
	return b, nil
}

func badRego(msg string) error { return server.BadRequest("invalid rego content: " + msg) }

// metaRef is where policies read what a decision is about: data.meta.project_id, .branch,
// .build_number.
var metaRef = ast.MustParseRef("data.meta")

// metaResolver hands the engine the data.meta of one decision.
type metaResolver struct{ value ast.Value }

// Eval answers with the whole of data.meta; the engine takes the part the policy asked for from it.
func (r metaResolver) Eval(context.Context, resolver.Input) (resolver.Result, error) {
	return resolver.Result{Value: r.value}, nil
}

// decide evaluates input (a config as the engine reads it) with data.meta set to meta and turns
// the engine's answer into CircleCI's decision: the rules enable_rule names are looked at, those
// hard_fail names too are hard failures, and each reason a rule gives (a string, a set of
// strings, or an object of strings) is one violation. An engine error is an ERROR decision with
// the error as its reason.
func (b *policyBundle) decide(ctx context.Context, input, meta ast.Value) gen.Decision {
	if b.query == nil {
		return gen.Decision{Status: decisionPass}
	}
	rs, err := b.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalResolver(metaRef, metaResolver{meta}))
	if err != nil {
		return gen.Decision{Status: decisionError, Reason: ptr(err.Error())}
	}
	var out map[string]any
	if len(rs) > 0 && len(rs[0].Expressions) > 0 {
		out, _ = rs[0].Expressions[0].Value.(map[string]any)
	}
	enabled, err := ruleNames(out["enable_rule"])
	if err != nil {
		return gen.Decision{Status: decisionError, Reason: ptr("invalid enable_rule: " + err.Error())}
	}
	hard, err := ruleNames(out["hard_fail"])
	if err != nil {
		return gen.Decision{Status: decisionError, Reason: ptr("invalid hard_fail: " + err.Error())}
	}
	d := gen.Decision{Status: decisionPass, EnabledRules: enabled}
	for _, rule := range enabled {
		vs := violations(rule, out[rule])
		if slices.Contains(hard, rule) {
			d.HardFailures = append(d.HardFailures, vs...)
		} else {
			d.SoftFailures = append(d.SoftFailures, vs...)
		}
	}
	switch {
	case len(d.HardFailures) > 0:
		d.Status = decisionHardFail
	case len(d.SoftFailures) > 0:
		d.Status = decisionSoftFail
	}
	slices.Sort(d.EnabledRules)
	for _, vs := range [][]gen.Violation{d.HardFailures, d.SoftFailures} {
		slices.SortStableFunc(vs, func(a, b gen.Violation) int { return strings.Compare(a.Rule+a.Reason, b.Rule+b.Reason) })
	}
	return d
}

// ruleNames reads enable_rule or hard_fail: a set of rule names, absent when no rule is named.
func ruleNames(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("value is not a slice")
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// violations reads what an enabled rule produced: nothing when it is undefined, one violation for
// a string, one per string in a set, one per string value of an object. Other values are not
// violations, as on CircleCI.
func violations(rule string, v any) []gen.Violation {
	var out []gen.Violation
	switch x := v.(type) {
	case string:
		out = append(out, gen.Violation{Rule: rule, Reason: x})
	case []any:
		for _, r := range x {
			s, ok := r.(string)
			if !ok {
				return nil
			}
			out = append(out, gen.Violation{Rule: rule, Reason: s})
		}
	case map[string]any:
		for _, r := range x {
			if s, ok := r.(string); ok {
				out = append(out, gen.Violation{Rule: rule, Reason: s})
			}
		}
	}
	return out
}

// yamlValue parses a YAML document (a config) into the value the engine reads as input.
func yamlValue(src string) (ast.Value, error) {
	var doc any
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, err
	}
	return ast.InterfaceToValue(doc)
}

// GetPolicyBundle returns the owner's policies by name; {} when none were pushed.
// CircleCI API: GET /owner/{ownerID}/context/{context}/policy-bundle (GetPolicyBundle).
func (s *Server) GetPolicyBundle(ctx context.Context, req genserver.GetPolicyBundleRequestObject) (genserver.GetPolicyBundleResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	if err != nil {
		return nil, err
	}
	return genserver.GetPolicyBundle200JSONResponse(po.bundle.api()), nil
}

// GetPolicyDocument returns one policy of the owner's bundle by its policy_name.
// CircleCI API: GET /owner/{ownerID}/context/{context}/policy-bundle/{policyName} (GetPolicyDocument).
func (s *Server) GetPolicyDocument(ctx context.Context, req genserver.GetPolicyDocumentRequestObject) (genserver.GetPolicyDocumentResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	if err != nil {
		return nil, err
	}
	d := po.bundle.docs[req.PolicyName]
	if d == nil {
		return nil, server.NotFound("Policy not found: the bundle has no policy named " + quote(req.PolicyName) + ".")
	}
	return genserver.GetPolicyDocument200JSONResponse(d.api()), nil
}

// CreatePolicyBundle replaces the owner's whole bundle with the policies given (file names to Rego
// source; the names are dropped, each policy is filed under the policy_name it declares) and answers
// 201 with the names created, modified and deleted. With dry=true it checks and compiles the bundle
// and answers 200 with the same diff, storing nothing. A bundle that does not parse, declare its
// names or compile is a 400 with the engine's message, and the stored bundle stays as it was.
// CircleCI API: POST /owner/{ownerID}/context/{context}/policy-bundle (CreatePolicyBundle).
func (s *Server) CreatePolicyBundle(ctx context.Context, req genserver.CreatePolicyBundleRequestObject) (genserver.CreatePolicyBundleResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.Policies == nil {
		return nil, server.BadRequest("policies: is required.")
	}
	size := 0
	for file, content := range req.Body.Policies {
		size += len(file) + len(content)
	}
	if size > maxBundleBytes {
		return nil, server.NewError(413, fmt.Sprintf("policy bundle too large: %d bytes, at most %d", size, maxBundleBytes))
	}
	b, err := compileBundle(ctx, req.Body.Policies, s.now(), u.id.String(), po.bundle)
	if err != nil {
		return nil, err
	}
	po.compiles++
	diff := bundleDiff(po.bundle, b)
	if req.Params.Dry != nil && *req.Params.Dry {
		return genserver.CreatePolicyBundle200JSONResponse(diff), nil
	}
	po.bundle = b
	return genserver.CreatePolicyBundle201JSONResponse(diff), nil
}

// bundleDiff names the policies a push adds, changes and removes, each list sorted and left out
// when empty.
func bundleDiff(old, next *policyBundle) gen.BundleDiff {
	var d gen.BundleDiff
	for name, doc := range next.docs {
		switch prev := old.docs[name]; {
		case prev == nil:
			d.Created = append(d.Created, name)
		case prev.content != doc.content:
			d.Modified = append(d.Modified, name)
		}
	}
	for name := range old.docs {
		if next.docs[name] == nil {
			d.Deleted = append(d.Deleted, name)
		}
	}
	slices.Sort(d.Created)
	slices.Sort(d.Modified)
	slices.Sort(d.Deleted)
	return d
}

// GetDecisionSettings tells whether pipeline triggers of the owner's projects are decided.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/settings (GetDecisionSettings).
func (s *Server) GetDecisionSettings(ctx context.Context, req genserver.GetDecisionSettingsRequestObject) (genserver.GetDecisionSettingsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	if err != nil {
		return nil, err
	}
	return genserver.GetDecisionSettings200JSONResponse{Enabled: ptr(po.enabled)}, nil
}

// SetDecisionSettings turns deciding pipeline triggers on or off. As on CircleCI it is not a partial
// update: a body without enabled is a 400.
// CircleCI API: PATCH /owner/{ownerID}/context/{context}/decision/settings (SetDecisionSettings).
func (s *Server) SetDecisionSettings(ctx context.Context, req genserver.SetDecisionSettingsRequestObject) (genserver.SetDecisionSettingsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.Enabled == nil {
		return nil, server.BadRequest("enabled: is required.")
	}
	po.enabled = *req.Body.Enabled
	return genserver.SetDecisionSettings200JSONResponse{Enabled: ptr(po.enabled)}, nil
}
