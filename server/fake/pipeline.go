package fake

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

const msgPipelineNotFound = "Pipeline not found."

// pipeline is one stored pipeline. It holds no pointers: what it refers to is an int32 index into
// a table of the state (projects, users, branch and tag names, configs), and what few pipelines have
// (parameters, workflows, an error, a continuation key) lives in state.pipelineExtras. So the garbage
// collector never scans the pipelines, however many are stored; see [pipelineStore].
type pipeline struct {
	id       uuid.UUID
	number   int64
	created  int64 // unix milliseconds of simulated time
	position int32 // in state.pipelines
	project  int32 // index in state.projectsByIndex
	actor    int32 // index in state.usersByIndex
	branch   int32 // index in state.refs; 0 when not given
	tag      int32
	config   int32 // index in state.configs of the config the pipeline ran; 0 for none
	state    pipelineState
}

// pipelineExtra is what only some pipelines have, kept out of [pipeline] so that it stays free of
// pointers.
type pipelineExtra struct {
	params          map[string]any // as given to the trigger or the continuation
	setupConfig     *engine.Config // the setup config of a continued setup pipeline
	errorMessage    string         // for errored pipelines
	continuationKey string         // unused continuation key of a setup pipeline
	workflows       []*workflow
	policyErrors    []gen.PipelineError // the hard failures of its config policy decision; see decision.go
}

// extra returns the extra record of pl, making it on first use; the caller holds s.mu.
func (st *state) extra(pl *pipeline) *pipelineExtra {
	e := st.pipelineExtras[pl.position]
	if e == nil {
		e = &pipelineExtra{}
		st.pipelineExtras[pl.position] = e
	}
	return e
}

// chunkBits sets how many pipelines one chunk of a [pipelineStore] holds: 1024, 64 KiB.
const chunkBits = 10

// pipelineStore holds pipelines in fixed-size chunks that never move, so a *pipeline stays valid
// and appending never copies what is stored. The chunks hold no pointers, so the garbage collector
// does not scan them.
type pipelineStore struct {
	chunks []*[1 << chunkBits]pipeline
	n      int32
}

// add returns a zeroed slot for a new pipeline with its position set.
func (ps *pipelineStore) add() *pipeline {
	if ps.n&(1<<chunkBits-1) == 0 {
		ps.chunks = append(ps.chunks, new([1 << chunkBits]pipeline))
	}
	pl := &ps.chunks[ps.n>>chunkBits][ps.n&(1<<chunkBits-1)]
	pl.position = ps.n
	ps.n++
	return pl
}

// at returns the pipeline at a position add handed out.
func (ps *pipelineStore) at(position int32) *pipeline {
	return &ps.chunks[position>>chunkBits][position&(1<<chunkBits-1)]
}

// internTable numbers distinct values with int32 indexes, so that records free of pointers can
// refer to them; index 0 is the zero value (no branch, no config).
type internTable[T comparable] struct {
	values []T
	index  map[T]int32
}

func newInternTable[T comparable]() internTable[T] {
	var zero T
	return internTable[T]{values: []T{zero}, index: map[T]int32{}}
}

// add returns the index of v, adding it on first use; 0 for the zero value.
func (t *internTable[T]) add(v T) int32 {
	var zero T
	if v == zero {
		return 0
	}
	i, ok := t.index[v]
	if !ok {
		i = int32(len(t.values))
		t.values = append(t.values, v)
		t.index[v] = i
	}
	return i
}

// lookup returns the index of v, or -1 when it was never added.
func (t *internTable[T]) lookup(v T) int32 {
	if i, ok := t.index[v]; ok {
		return i
	}
	return -1
}

// at returns the value at an index add handed out.
func (t *internTable[T]) at(i int32) T { return t.values[i] }

// ref returns the branch or tag name at index i of refs, nil for 0 (none).
func (st *state) ref(i int32) *string {
	if i == 0 {
		return nil
	}
	return ptr(st.refs.at(i))
}

// pipelineState is a gen.PipelineState in one byte: the states the fake gives pipelines.
type pipelineState uint8

const (
	stateCreated pipelineState = iota
	stateErrored
	stateSetup
)

func (ps pipelineState) api() gen.PipelineState {
	switch ps {
	case stateErrored:
		return gen.PipelineStateErrored
	case stateSetup:
		return gen.PipelineStateSetup
	}
	return gen.PipelineStateCreated
}

func (pl *pipeline) createdAt() time.Time { return time.UnixMilli(pl.created).UTC() }

func (pl *pipeline) revision() string {
	h := sha1.Sum(pl.id[:])
	return hex.EncodeToString(h[:])
}

// pipelineAPI renders a stored pipeline; the caller holds s.mu.
func (st *state) pipelineAPI(pl *pipeline) gen.Pipeline {
	p := st.projectsByIndex[pl.project]
	created := pl.createdAt()
	out := gen.Pipeline{
		CreatedAt:   created,
		Errors:      []gen.PipelineError{},
		ID:          pl.id,
		Number:      pl.number,
		ProjectSlug: p.slug,
		State:       pl.state.api(),
		Trigger: gen.PipelineTrigger{
			Actor:      gen.PipelineTriggerActor{Login: st.usersByIndex[pl.actor].login},
			ReceivedAt: created,
			Type:       gen.PipelineTriggerType(st.triggerSource(pl)),
		},
		UpdatedAt: &created,
	}
	if extra := st.pipelineExtras[pl.position]; extra != nil {
		if extra.errorMessage != "" {
			out.Errors = append(out.Errors, gen.PipelineError{Type: gen.PipelineErrorTypeConfig, Message: extra.errorMessage})
		}
		out.Errors = append(out.Errors, extra.policyErrors...)
		if len(extra.params) > 0 {
			out.TriggerParameters = make(map[string]gen.TriggerParameterValue, len(extra.params))
			for k, v := range extra.params {
				var tv gen.TriggerParameterValue
				b, _ := json.Marshal(v)
				_ = tv.UnmarshalJSON(b)
				out.TriggerParameters[k] = tv
			}
		}
	}
	repo := p.api().VCSInfo
	provider := string(repo.Provider)
	out.VCS = &gen.PipelineVCS{
		Branch:              st.ref(pl.branch),
		Tag:                 st.ref(pl.tag),
		OriginRepositoryURL: repo.VCSURL,
		TargetRepositoryURL: repo.VCSURL,
		ProviderName:        provider,
		Revision:            ptr(pl.revision()),
		Commit:              &gen.PipelineCommit{Subject: ptr("Simulated commit for pipeline " + fmt.Sprint(pl.number)), Body: ptr("")},
	}
	return out
}

// decodeParams turns API parameter values into what the engine checks: string, bool or json.Number.
func decodeParams[V interface{ MarshalJSON() ([]byte, error) }](in map[string]V) (map[string]any, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		b, err := v.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", k, err)
		}
		var x any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&x); err != nil {
			return nil, fmt.Errorf("parameter %q: %w", k, err)
		}
		out[k] = x
	}
	return out, nil
}

// triggerInput is what both trigger operations ask for.
type triggerInput struct {
	branch, tag *string
	params      map[string]any
	source      *configSource // the config to run; nil for the project's .circleci/config.yml
}

// configSource is the config a pipeline runs, or why there is none.
type configSource struct {
	config  *engine.Config // nil when there is none
	setup   bool           // the config has setup: true
	missing string         // the error of the pipeline when config is nil
}

// trigger creates a pipeline; the caller holds s.mu. A non-nil error is a bad request whose message
// names the problem. Numbers are handed out under s.mu, so they are gapless and unique.
func (s *Server) trigger(u *user, p *project, in triggerInput) (*pipeline, error) {
	if in.branch != nil && in.tag != nil {
		return nil, errors.New("give a branch or a tag, not both")
	}
	if in.branch == nil && in.tag == nil {
		in.branch = &p.defaultBranch
	}
	src := in.source
	if src == nil {
		src = &configSource{config: p.config, setup: p.setup, missing: "No config found: the project has no .circleci/config.yml."}
	}
	var resolved map[string]any
	if src.config != nil {
		var err error
		if resolved, err = src.config.ResolveParameters(in.params); err != nil {
			return nil, err
		}
	} else if len(in.params) > 0 {
		return nil, errors.New("the project has no config, so it declares no parameters")
	}
	now := s.now()
	st := &s.st
	pl := st.pipelines.add()
	*pl = pipeline{
		id: s.newID(), number: int64(len(p.pipelines)) + 1, created: now.UnixMilli(), position: pl.position,
		project: p.index, actor: u.index, branch: st.refs.add(deref(in.branch)), tag: st.refs.add(deref(in.tag)),
		config: st.configs.add(src.config), state: stateCreated,
	}
	if len(in.params) > 0 {
		st.extra(pl).params = in.params
	}
	switch {
	case src.config == nil:
		pl.state = stateErrored
		st.extra(pl).errorMessage = src.missing
	case src.setup:
		pl.state = stateSetup
		key := "ck-" + s.newID().String()
		st.extra(pl).continuationKey = key
		st.continuationKeys[key] = pl.position
	}
	s.indexPipeline(pl)
	if src.config != nil && s.policyStops(pl, p, src.config, resolved) { // config policies; see decision.go
		return pl, nil
	}
	if src.config != nil {
		s.startWorkflows(pl, src.config, resolved, now)
	}
	return pl, nil
}

// indexPipeline stores pl in every list it appears in; the caller holds s.mu.
func (s *Server) indexPipeline(pl *pipeline) {
	p := s.st.projectsByIndex[pl.project]
	o, u := p.org, s.st.usersByIndex[pl.actor]
	s.st.pipelinesByID[pl.id] = pl.position
	p.pipelines = append(p.pipelines, pl.position)
	if pl.branch != 0 {
		p.byBranch[pl.branch] = append(p.byBranch[pl.branch], pl.position)
	}
	p.byActor[u] = append(p.byActor[u], pl.position)
	o.pipelines = append(o.pipelines, pl.position)
	o.byActor[u] = append(o.byActor[u], pl.position)
}

func triggerError(err error) string {
	var pe *engine.ParamError
	if errors.As(err, &pe) {
		return "Invalid pipeline parameters: " + pe.Error() + "."
	}
	return err.Error()
}

// msgLegacyTrigger is the 400 of the legacy trigger for a project it does not serve.
const msgLegacyTrigger = "This endpoint does not trigger pipelines of projects with a circleci/<org-id>/<project-id> slug; " +
	"use POST /project/{provider}/{organization}/{project}/pipeline/run instead."

// TriggerPipeline starts a pipeline on a branch or tag (the default branch when neither is given)
// with parameters checked against the project's config: an undeclared or ill-typed parameter is a
// 400 that names it. As on CircleCI, it serves GitHub OAuth and Bitbucket Cloud projects only: for a
// circleci/<org-id>/<project-id> project it answers 400 and points to [Server.TriggerPipelineRun].
// CircleCI API: POST /project/{project-slug}/pipeline (triggerPipeline).
func (s *Server) TriggerPipeline(ctx context.Context, req genserver.TriggerPipelineRequestObject) (genserver.TriggerPipelineResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	if p.org.vcsType == "circleci" {
		return nil, server.BadRequest(msgLegacyTrigger)
	}
	var in triggerInput
	if b := req.Body; b != nil {
		params, err := decodeParams(b.Parameters)
		if err != nil {
			return nil, server.BadRequest(err.Error())
		}
		in = triggerInput{branch: b.Branch, tag: b.Tag, params: params}
	}
	pl, err := s.trigger(u, p, in)
	if err != nil {
		return nil, server.BadRequest(triggerError(err))
	}
	return genserver.TriggerPipeline201JSONResponse{ID: pl.id, Number: pl.number, CreatedAt: pl.createdAt(), State: gen.PipelineCreationState(pl.state.api())}, nil
}

// TriggerPipelineRun starts a pipeline of a pipeline definition: definition_id's, or the project's
// first definition when it is left out. The pipeline is on checkout's branch or tag, or config's when
// checkout is left out, or the default branch; config.content runs that configuration instead of the
// definition's file. See runRequest for the rules.
// CircleCI API: POST /project/{provider}/{organization}/{project}/pipeline/run (triggerPipelineRun).
func (s *Server) TriggerPipelineRun(ctx context.Context, req genserver.TriggerPipelineRunRequestObject) (genserver.TriggerPipelineRunResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, p, err := s.visibleProject(ctx, string(req.Provider)+"/"+req.Organization+"/"+req.Project)
	if err != nil {
		return nil, err
	}
	in, err := s.runRequest(p, req.Body)
	if err != nil {
		return nil, err
	}
	pl, err := s.trigger(u, p, in)
	if err != nil {
		return nil, server.BadRequest(triggerError(err))
	}
	return genserver.TriggerPipelineRun201JSONResponse{ID: ptr(pl.id), Number: ptr(int(pl.number)), CreatedAt: ptr(pl.createdAt()), State: ptr(gen.PipelineRunCreationState(pl.state.api()))}, nil
}

// visiblePipeline returns the caller and a pipeline of a project they may see, or the 401 of
// [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visiblePipeline(ctx context.Context, id uuid.UUID) (*user, *pipeline, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if pos, ok := s.st.pipelinesByID[id]; ok {
		if pl := s.st.pipelines.at(pos); u.member(s.st.projectsByIndex[pl.project].org) {
			return u, pl, nil
		}
	}
	return nil, nil, server.NotFound(msgPipelineNotFound)
}

// GetPipelineByID returns a pipeline.
// CircleCI API: GET /pipeline/{pipeline-id} (getPipelineById).
func (s *Server) GetPipelineByID(ctx context.Context, req genserver.GetPipelineByIDRequestObject) (genserver.GetPipelineByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pl, err := s.visiblePipeline(ctx, req.PipelineID)
	if err != nil {
		return nil, err
	}
	return genserver.GetPipelineByID200JSONResponse(s.st.pipelineAPI(pl)), nil
}

// GetPipelineByNumber returns a project's pipeline by its number.
// CircleCI API: GET /project/{project-slug}/pipeline/{pipeline-number} (getPipelineByNumber).
func (s *Server) GetPipelineByNumber(ctx context.Context, req genserver.GetPipelineByNumberRequestObject) (genserver.GetPipelineByNumberResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	if req.PipelineNumber < 1 || req.PipelineNumber > int64(len(p.pipelines)) {
		return nil, server.NotFound(msgPipelineNotFound)
	}
	return genserver.GetPipelineByNumber200JSONResponse(s.st.pipelineAPI(s.st.pipelines.at(p.pipelines[req.PipelineNumber-1]))), nil
}

// pipelineItems renders a page of pipeline positions; the caller holds s.mu.
func (st *state) pipelineItems(page []int32) []gen.Pipeline {
	items := make([]gen.Pipeline, 0, len(page))
	for _, pos := range page {
		items = append(items, st.pipelineAPI(st.pipelines.at(pos)))
	}
	return items
}

// ListPipelinesForProject lists a project's pipelines, newest first, 20 a page, optionally on one
// branch. A page costs the same however many pipelines are stored.
// CircleCI API: GET /project/{project-slug}/pipeline (listPipelinesForProject).
func (s *Server) ListPipelinesForProject(ctx context.Context, req genserver.ListPipelinesForProjectRequestObject) (genserver.ListPipelinesForProjectResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	idx, tag := p.pipelines, s.listTag("project-pipelines", p.id.String())
	if b := req.Params.Branch; b != nil {
		idx, tag = p.byBranch[s.st.refs.lookup(*b)], s.listTag("project-pipelines", p.id.String(), "branch", *b)
	}
	page, next, err := pageNewest(idx, req.Params.PageToken, tag)
	if err != nil {
		return nil, err
	}
	return genserver.ListPipelinesForProject200JSONResponse{Items: s.st.pipelineItems(page), NextPageToken: next}, nil
}

// ListMyPipelines lists the pipelines the caller triggered in a project, newest first, 20 a page.
// CircleCI API: GET /project/{project-slug}/pipeline/mine (listMyPipelines).
func (s *Server) ListMyPipelines(ctx context.Context, req genserver.ListMyPipelinesRequestObject) (genserver.ListMyPipelinesResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	page, next, err := pageNewest(p.byActor[u], req.Params.PageToken, s.listTag("project-pipelines-mine", p.id.String(), u.id.String()))
	if err != nil {
		return nil, err
	}
	return genserver.ListMyPipelines200JSONResponse{Items: s.st.pipelineItems(page), NextPageToken: next}, nil
}

// ListPipelines lists an organization's pipelines, newest first, 20 a page; mine=true keeps those
// the caller triggered. Without org-slug, the caller's only organization is used.
// CircleCI API: GET /pipeline (listPipelines).
func (s *Server) ListPipelines(ctx context.Context, req genserver.ListPipelinesRequestObject) (genserver.ListPipelinesResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	var o *org
	switch {
	case req.Params.OrgSlug != nil:
		if o, err = s.findOrg(u, *req.Params.OrgSlug); err != nil {
			return nil, err
		}
	case len(u.orgs) == 1:
		o = u.orgs[0]
	default:
		return nil, server.BadRequest("org-slug is required: you belong to several organizations")
	}
	idx, tag := o.pipelines, s.listTag("org-pipelines", o.id.String())
	if req.Params.Mine != nil && *req.Params.Mine {
		idx, tag = o.byActor[u], s.listTag("org-pipelines-mine", o.id.String(), u.id.String())
	}
	page, next, err := pageNewest(idx, req.Params.PageToken, tag)
	if err != nil {
		return nil, err
	}
	return genserver.ListPipelines200JSONResponse{Items: s.st.pipelineItems(page), NextPageToken: next}, nil
}

// GetPipelineConfigByID returns the config a pipeline ran: its source and the source compiled with
// the pipeline's parameters and pipeline values substituted.
// CircleCI API: GET /pipeline/{pipeline-id}/config (getPipelineConfigById).
func (s *Server) GetPipelineConfigByID(ctx context.Context, req genserver.GetPipelineConfigByIDRequestObject) (genserver.GetPipelineConfigByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pl, err := s.visiblePipeline(ctx, req.PipelineID)
	if err != nil {
		return nil, err
	}
	extra := s.st.pipelineExtras[pl.position]
	if extra == nil {
		extra = &pipelineExtra{}
	}
	cfg := s.st.configs.at(pl.config)
	if cfg == nil {
		return nil, server.NotFound("The pipeline has no config: " + extra.errorMessage)
	}
	params, _ := cfg.ResolveParameters(extra.params) // checked when the pipeline was created
	out := genserver.GetPipelineConfigByID200JSONResponse{Source: cfg.Source, Compiled: cfg.Compile(params, s.st.values(pl, pl.state == stateSetup))}
	if extra.setupConfig != nil {
		setupParams, _ := extra.setupConfig.ResolveParameters(nil)
		out.SetupConfig = ptr(extra.setupConfig.Source)
		out.CompiledSetupConfig = ptr(extra.setupConfig.Compile(setupParams, s.st.values(pl, true)))
	}
	return out, nil
}

// pipelineValueNames are the pipeline values the fake knows, in the order GetPipelineValuesByID
// builds them.
var pipelineValueNames = []string{
	"pipeline.id",
	"pipeline.number",
	"pipeline.project.git_url",
	"pipeline.project.type",
	"pipeline.git.branch",
	"pipeline.git.branch.is_default",
	"pipeline.git.tag",
	"pipeline.git.revision",
	"pipeline.git.base_revision",
	"pipeline.in_setup",
	"pipeline.trigger_source",
	"pipeline.schedule.name",
	"pipeline.schedule.id",
	"pipeline.trigger_parameters.circleci.trigger_type",
}

// values returns the pipeline values of pl for the engine: the values its config sees through
// << pipeline.… >> in when/unless, in filters and in the compiled config. inSetup is the value of
// pipeline.in_setup. The caller holds s.mu while the engine uses it.
func (st *state) values(pl *pipeline, inSetup bool) engine.Values {
	return func(name string) (any, bool) {
		p := st.projectsByIndex[pl.project]
		switch name {
		case "pipeline.id":
			return pl.id.String(), true
		case "pipeline.number":
			return pl.number, true
		case "pipeline.project.git_url":
			return p.api().VCSInfo.VCSURL, true
		case "pipeline.project.type":
			return p.org.vcsType, true
		case "pipeline.git.branch":
			return deref(st.ref(pl.branch)), true
		case "pipeline.git.branch.is_default":
			b := st.ref(pl.branch)
			return b != nil && *b == p.defaultBranch, true
		case "pipeline.git.tag":
			return deref(st.ref(pl.tag)), true
		case "pipeline.git.revision", "pipeline.git.base_revision":
			return pl.revision(), true
		case "pipeline.in_setup":
			return inSetup, true
		case "pipeline.trigger_source", "pipeline.trigger_parameters.circleci.trigger_type":
			return st.triggerSource(pl), true
		case "pipeline.schedule.name", "pipeline.schedule.id":
			return st.scheduleValue(pl, name), true
		}
		if v, ok := st.deployValue(pl, name); ok {
			return v, true
		}
		return nil, false
	}
}

// GetPipelineValuesByID returns the pipeline values a config could use (see pipelineValueNames);
// pipeline.git.branch and pipeline.git.tag are left out when the pipeline has none.
// CircleCI API: GET /pipeline/{pipeline-id}/values (getPipelineValuesById).
func (s *Server) GetPipelineValuesByID(ctx context.Context, req genserver.GetPipelineValuesByIDRequestObject) (genserver.GetPipelineValuesByIDResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pl, err := s.visiblePipeline(ctx, req.PipelineID)
	if err != nil {
		return nil, err
	}
	values := s.st.values(pl, pl.state == stateSetup)
	out := make(genserver.GetPipelineValuesByID200JSONResponse, len(pipelineValueNames))
	for _, name := range pipelineValueNames {
		v, _ := values(name)
		if v == "" && (name == "pipeline.git.branch" || name == "pipeline.git.tag") {
			continue
		}
		var pv gen.PipelineValue
		b, _ := json.Marshal(v)
		if err := pv.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		out[name] = pv
	}
	return out, nil
}

// ContinuePipeline continues a setup pipeline with a configuration and parameters; its
// continuation key works once. [Server.ContinuationKey] tells a test the key.
// CircleCI API: POST /pipeline/continue (continuePipeline).
func (s *Server) ContinuePipeline(ctx context.Context, req genserver.ContinuePipelineRequestObject) (genserver.ContinuePipelineResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.ContinuationKey == "" {
		return nil, server.BadRequest("continuation-key is required")
	}
	pos, ok := s.st.continuationKeys[req.Body.ContinuationKey]
	if !ok || !u.member(s.st.projectsByIndex[s.st.pipelines.at(pos).project].org) {
		return nil, server.NotFound("Continuation key not found: it is unknown or was already used.")
	}
	pl := s.st.pipelines.at(pos)
	cfg, err := engine.ParseConfig(req.Body.Configuration)
	if err != nil {
		return nil, server.BadRequest("configuration: " + err.Error())
	}
	params, err := decodeParams(req.Body.Parameters)
	if err != nil {
		return nil, server.BadRequest(err.Error())
	}
	resolved, err := cfg.ResolveParameters(params)
	if err != nil {
		return nil, server.BadRequest(triggerError(err))
	}
	extra := s.st.extra(pl)
	delete(s.st.continuationKeys, extra.continuationKey)
	extra.continuationKey = ""
	extra.setupConfig, extra.params = s.st.configs.at(pl.config), maps.Clone(params)
	pl.config, pl.state = s.st.configs.add(cfg), stateCreated
	s.startWorkflows(pl, cfg, resolved, s.now())
	return genserver.ContinuePipeline200JSONResponse{Message: "Pipeline continued."}, nil
}

// ContinuationKey returns the continuation key of a setup pipeline, which a real setup job reads from
// its environment, and false when the pipeline has none left.
func (s *Server) ContinuationKey(pipelineID uuid.UUID) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos, ok := s.st.pipelinesByID[pipelineID]
	if !ok {
		return "", false
	}
	extra := s.st.pipelineExtras[pos]
	if extra == nil || extra.continuationKey == "" {
		return "", false
	}
	return extra.continuationKey, true
}
