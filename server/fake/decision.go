package fake

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// logDecision stores a decision in the owner's log; the caller holds s.mu.
func (s *Server) logDecision(po *policyOwner, b *policyBundle, d gen.Decision, meta decisionMeta, took time.Duration) *decisionLog {
	l := &decisionLog{id: s.newID(), created: s.now(), decision: d, meta: meta, bundle: b, took: took}
	po.logs = append(po.logs, l)
	po.logsByID[l.id] = l
	return l
}

// MakeDecision evaluates a config (YAML) against the owner's bundle, with metadata as data.meta, and
// logs the decision. The engine runs on the bundle compiled when it was pushed, outside the fake's
// lock.
// CircleCI API: POST /owner/{ownerID}/context/{context}/decision (MakeDecision).
func (s *Server) MakeDecision(ctx context.Context, req genserver.MakeDecisionRequestObject) (genserver.MakeDecisionResponseObject, error) {
	s.mu.Lock()
	_, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	var b *policyBundle
	if err == nil {
		b = po.bundle
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, server.BadRequest("input: is required.")
	}
	input, err := yamlValue(req.Body.Input)
	if err != nil {
		return nil, server.BadRequest("invalid input: " + err.Error())
	}
	metadata := req.Body.Metadata
	if metadata == nil {
		metadata = map[string]any{}
	}
	meta, err := ast.InterfaceToValue(metadata)
	if err != nil {
		return nil, server.BadRequest("invalid metadata: " + err.Error())
	}
	start := s.clock.Now()
	d := b.decide(ctx, input, meta)
	took := s.clock.Now().Sub(start)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.logDecision(po, b, d, metaOf(metadata), took)
	return genserver.MakeDecision200JSONResponse(d), nil
}

// metaOf reads what a decision asked for through the API is about from its metadata: project_id,
// branch and build_number, as a pipeline trigger sets them, and vcs.branch and vcs.release_tag.
func metaOf(md map[string]any) decisionMeta {
	var m decisionMeta
	if s, ok := md["project_id"].(string); ok {
		if id, err := uuid.Parse(s); err == nil {
			m.projectID = &id
		}
	}
	m.branch, _ = md["branch"].(string)
	if vcs, ok := md["vcs"].(map[string]any); ok {
		if m.branch == "" {
			m.branch, _ = vcs["branch"].(string)
		}
		m.tag, _ = vcs["release_tag"].(string)
	}
	switch n := md["build_number"].(type) {
	case float64:
		if n == float64(int(n)) {
			m.buildNumber = ptr(int(n))
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			m.buildNumber = ptr(int(i))
		}
	}
	return m
}

// decisionStatuses are the statuses a decision may have, which the status filter takes.
var decisionStatuses = []string{decisionPass, decisionSoftFail, decisionHardFail, decisionError}

// GetDecisionLogs lists the owner's decisions newest first, 20 at a time: offset skips that many
// of the decisions that pass the filters (status, after, before, branch, project_id, build_number),
// and a page past the last is an empty array, which is how a caller knows it has them all.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision (GetDecisionLogs).
func (s *Server) GetDecisionLogs(ctx context.Context, req genserver.GetDecisionLogsRequestObject) (genserver.GetDecisionLogsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, po, err := s.visiblePolicyOwner(ctx, req.OwnerID, string(req.PolicyContext))
	if err != nil {
		return nil, err
	}
	p := req.Params
	if p.Status != nil && !slices.Contains(decisionStatuses, *p.Status) {
		return nil, server.BadRequest("status: must be one of PASS, SOFT_FAIL, HARD_FAIL, ERROR.")
	}
	offset := 0
	if p.Offset != nil {
		if *p.Offset < 0 {
			return nil, server.BadRequest("offset: must be no less than 0.")
		}
		offset = *p.Offset
	}
	keep := func(l *decisionLog) bool {
		switch {
		case p.Status != nil && l.decision.Status != *p.Status,
			p.After != nil && !l.created.After(*p.After),
			p.Before != nil && !l.created.Before(*p.Before),
			p.Branch != nil && l.meta.branch != *p.Branch,
			p.ProjectID != nil && (l.meta.projectID == nil || l.meta.projectID.String() != *p.ProjectID),
			p.BuildNumber != nil && (l.meta.buildNumber == nil || strconv.Itoa(*l.meta.buildNumber) != *p.BuildNumber):
			return false
		}
		return true
	}
	out := genserver.GetDecisionLogs200JSONResponse{}
	for i := len(po.logs) - 1; i >= 0 && len(out) < decisionLogPage; i-- {
		l := po.logs[i]
		if !keep(l) {
			continue
		}
		if offset > 0 {
			offset--
			continue
		}
		out = append(out, l.api())
	}
	return out, nil
}

// visibleDecision returns a logged decision of an owner the caller belongs to, or a 400 for an ID
// that is not a UUID and a 404 for one that names no decision of the owner; the caller holds s.mu.
func (s *Server) visibleDecision(ctx context.Context, ownerID, policyContext, decisionID string) (*decisionLog, error) {
	_, po, err := s.visiblePolicyOwner(ctx, ownerID, policyContext)
	if err != nil {
		return nil, err
	}
	id, err := uuid.Parse(decisionID)
	if err != nil {
		return nil, server.BadRequest("DecisionID: must be a valid UUID.")
	}
	l := po.logsByID[id]
	if l == nil {
		return nil, server.NotFound("Decision log not found.")
	}
	return l, nil
}

// GetDecisionLog returns one logged decision.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/{decisionID} (GetDecisionLog).
func (s *Server) GetDecisionLog(ctx context.Context, req genserver.GetDecisionLogRequestObject) (genserver.GetDecisionLogResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.visibleDecision(ctx, req.OwnerID, string(req.PolicyContext), req.DecisionID)
	if err != nil {
		return nil, err
	}
	return genserver.GetDecisionLog200JSONResponse(l.api()), nil
}

// GetDecisionLogPolicyBundle returns the policies a logged decision was made with, as they were then.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/{decisionID}/policy-bundle (GetDecisionLogPolicyBundle).
func (s *Server) GetDecisionLogPolicyBundle(ctx context.Context, req genserver.GetDecisionLogPolicyBundleRequestObject) (genserver.GetDecisionLogPolicyBundleResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.visibleDecision(ctx, req.OwnerID, string(req.PolicyContext), req.DecisionID)
	if err != nil {
		return nil, err
	}
	return genserver.GetDecisionLogPolicyBundle200JSONResponse(l.bundle.api()), nil
}

// policyStops decides a pipeline trigger when its organization has decisions enabled: the input is
// the project's config with the config compiled for this pipeline under _compiled_, and data.meta
// holds project_id, branch and build_number (the pipeline number). The decision is logged. A
// HARD_FAIL errors the pipeline, with one error per hard failure, and policyStops reports true: no
// workflow runs (a setup pipeline loses its continuation key). SOFT_FAIL, PASS and ERROR let the
// pipeline run. The caller holds s.mu; cfg is the config the pipeline runs with params resolved.
// The error's words follow what CircleCI shows for a blocked pipeline, "policy evaluation failed:
// RULE: REASON" (CircleCI support article "Resolving Policy Evaluation Failed Error with URL Orbs").
func (s *Server) policyStops(pl *pipeline, p *project, cfg *engine.Config, params map[string]any) bool {
	po := s.st.policyOwners[p.org.id]
	if po == nil || !po.enabled {
		return false
	}
	st := &s.st
	meta := decisionMeta{projectID: ptr(p.id), branch: deref(st.ref(pl.branch)), tag: deref(st.ref(pl.tag)),
		buildNumber: ptr(int(pl.number)), repoURL: p.api().VCSInfo.VCSURL}
	start := s.clock.Now()
	// A trigger carries no request context to here; the evaluation does no I/O and ends on its own.
	d := po.bundle.decide(context.Background(), policyInput(cfg, cfg.Compile(params, st.values(pl, pl.state == stateSetup))), triggerMeta(meta))
	s.logDecision(po, po.bundle, d, meta, s.clock.Now().Sub(start))
	if d.Status != decisionHardFail {
		return false
	}
	pl.state = stateErrored
	extra := st.extra(pl)
	for _, v := range d.HardFailures {
		extra.policyErrors = append(extra.policyErrors, gen.PipelineError{Type: gen.PipelineErrorTypeConfig,
			Message: "policy evaluation failed: " + v.Rule + ": " + v.Reason})
	}
	if extra.continuationKey != "" {
		delete(st.continuationKeys, extra.continuationKey)
		extra.continuationKey = ""
	}
	return true
}

// policyInput is what a trigger's decision reads as input: the source config's keys, and the
// compiled config under _compiled_. A config the engine parsed is valid YAML, so neither fails;
// if one did, the decision would be made on an empty object.
func policyInput(cfg *engine.Config, compiled string) ast.Value {
	src, err := yamlValue(cfg.Source)
	obj, ok := src.(ast.Object)
	if err != nil || !ok {
		obj = ast.NewObject()
	}
	if c, err := yamlValue(compiled); err == nil {
		obj = obj.Copy()
		obj.Insert(ast.StringTerm("_compiled_"), ast.NewTerm(c))
	}
	return obj
}

// triggerMeta is the data.meta of a trigger's decision.
func triggerMeta(m decisionMeta) ast.Value {
	obj := ast.NewObject(
		[2]*ast.Term{ast.StringTerm("project_id"), ast.StringTerm(m.projectID.String())},
		[2]*ast.Term{ast.StringTerm("build_number"), ast.IntNumberTerm(*m.buildNumber)},
	)
	if m.branch != "" {
		obj.Insert(ast.StringTerm("branch"), ast.StringTerm(m.branch))
	}
	return obj
}
