package fake

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// state is everything the fake stores; guarded by Server.mu.
type state struct {
	users      map[uuid.UUID]*user
	tokens     map[string]*user
	orgsByID   map[uuid.UUID]*org
	orgsBySlug map[string]*org // lower-cased canonical slug
	projByID   map[uuid.UUID]*project
	projBySlug map[string]*project // lower-cased canonical slug
	projTab    []*project          // by project.idx; deleted projects stay, unreachable
	userTab    []*user             // by user.idx
	workflows  map[uuid.UUID]*workflow
	jobsByID   map[uuid.UUID]*jobRef
	contexts   map[uuid.UUID]*contextRec
	schedules  map[uuid.UUID]*schedule
	webhooks   map[uuid.UUID]*webhook
	contKeys   map[string]int32 // unused continuation keys → pipeline position
	running    map[*workflow]struct{}

	// The pipelines: records free of pointers in a chunked array, found by id through a map whose
	// keys and values hold no pointers either, and the tables their int32 fields index.
	pls    pipelineStore
	plByID map[uuid.UUID]int32
	plMore map[int32]*pipelineMore // by position, for the pipelines that have any
	strs   strTable                // branches and tags
	cfgTab []*engine.Config        // index 0 is no config
	cfgIdx map[*engine.Config]int32
}

func (st *state) init() {
	st.users = map[uuid.UUID]*user{}
	st.tokens = map[string]*user{}
	st.orgsByID = map[uuid.UUID]*org{}
	st.orgsBySlug = map[string]*org{}
	st.projByID = map[uuid.UUID]*project{}
	st.projBySlug = map[string]*project{}
	st.projTab = []*project{nil}
	st.userTab = []*user{nil}
	st.plByID = map[uuid.UUID]int32{}
	st.plMore = map[int32]*pipelineMore{}
	st.strs = strTable{strs: []string{""}, idx: map[string]int32{}}
	st.cfgTab = []*engine.Config{nil}
	st.cfgIdx = map[*engine.Config]int32{}
	st.workflows = map[uuid.UUID]*workflow{}
	st.jobsByID = map[uuid.UUID]*jobRef{}
	st.contexts = map[uuid.UUID]*contextRec{}
	st.schedules = map[uuid.UUID]*schedule{}
	st.webhooks = map[uuid.UUID]*webhook{}
	st.contKeys = map[string]int32{}
	st.running = map[*workflow]struct{}{}
}

type user struct {
	idx   int32 // in state.userTab
	id    uuid.UUID
	login string
	name  string
	orgs  []*org
}

// addUser gives u its index in userTab; the caller holds s.mu or owns s.
func (st *state) addUser(u *user) {
	u.idx = int32(len(st.userTab))
	st.userTab = append(st.userTab, u)
}

// addProject gives p its index in projTab; the caller holds s.mu or owns s.
func (st *state) addProject(p *project) {
	p.idx = int32(len(st.projTab))
	st.projTab = append(st.projTab, p)
}

// config returns the index of cfg in cfgTab, adding it on first use; the caller holds s.mu.
func (st *state) config(cfg *engine.Config) int32 {
	if cfg == nil {
		return 0
	}
	i, ok := st.cfgIdx[cfg]
	if !ok {
		i = int32(len(st.cfgTab))
		st.cfgTab = append(st.cfgTab, cfg)
		st.cfgIdx[cfg] = i
	}
	return i
}

// more returns the side record of pl, making it on first use; the caller holds s.mu.
func (st *state) more(pl *pipeline) *pipelineMore {
	m := st.plMore[pl.pos]
	if m == nil {
		m = &pipelineMore{}
		st.plMore[pl.pos] = m
	}
	return m
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
	pl.pos = ps.n
	ps.n++
	return pl
}

// at returns the pipeline at a position add handed out.
func (ps *pipelineStore) at(pos int32) *pipeline {
	return &ps.chunks[pos>>chunkBits][pos&(1<<chunkBits-1)]
}

// strTable interns strings as int32 indexes; index 0 is the absent string.
type strTable struct {
	strs []string
	idx  map[string]int32
}

// intern returns the index of *s, 0 for nil or "".
func (t *strTable) intern(s *string) int32 {
	if s == nil || *s == "" {
		return 0
	}
	i, ok := t.idx[*s]
	if !ok {
		i = int32(len(t.strs))
		t.strs = append(t.strs, *s)
		t.idx[*s] = i
	}
	return i
}

// lookup returns the index of s, or -1 when it was never interned.
func (t *strTable) lookup(s string) int32 {
	if i, ok := t.idx[s]; ok {
		return i
	}
	return -1
}

// get returns the string at i, nil for 0.
func (t *strTable) get(i int32) *string {
	if i == 0 {
		return nil
	}
	return ptr(t.strs[i])
}

func (u *user) api() gen.User {
	return gen.User{ID: u.id, Login: u.login, Name: u.name, AvatarURL: nil}
}

func (u *user) member(o *org) bool {
	for _, m := range u.orgs {
		if m == o {
			return true
		}
	}
	return false
}

type org struct {
	id        uuid.UUID
	name      string
	slug      string  // "gh/demo-org" or "circleci/<uuid>"
	vcsType   string  // "github", "bitbucket" or "circleci"
	pipelines []int32 // positions in state.pls, oldest first
	mine      map[*user][]int32
	contexts  []*contextRec
}

type project struct {
	idx           int32 // in state.projTab
	id            uuid.UUID
	org           *org
	name          string
	slug          string
	defaultBranch string
	created       time.Time

	configSrc string
	cfg       *engine.Config
	setup     bool                      // the config has setup: true; its pipelines wait for a continuation
	outcomes  map[string]engine.Outcome // job name → forced outcome

	settings  gen.ProjectAdvancedSettings
	envVars   []*envVar
	keys      []*checkoutKey
	schedules []*schedule

	pipelines []int32           // positions in state.pls; pipelines[n-1] has number n
	byBranch  map[int32][]int32 // by interned branch
	mine      map[*user][]int32
	jobs      []*jobRef // jobs[n-1] has job number n
}

type envVar struct {
	seq     uint64
	name    string
	value   string
	created time.Time
}

type checkoutKey struct {
	seq       uint64
	typ       gen.CheckoutKeyType
	publicKey string
	md5       string
	sha256    string
	created   time.Time
}

type contextRec struct {
	seq          uint64
	id           uuid.UUID
	name         string
	org          *org
	created      time.Time
	vars         []*contextVar
	restrictions []*restriction
}

type contextVar struct {
	seq     uint64
	name    string
	value   string
	created time.Time
	updated time.Time
}

type restriction struct {
	seq   uint64
	id    uuid.UUID
	typ   gen.ContextRestrictionRestrictionType
	value string
	name  string
}

type schedule struct {
	seq         uint64
	id          uuid.UUID
	project     *project
	name        string
	description *string
	actor       *user // nil for the system actor
	timetable   gen.ScheduleTimetable
	params      map[string]gen.PipelineParameterValue
	created     time.Time
	updated     time.Time
}

type webhook struct {
	seq       uint64
	id        uuid.UUID
	project   *project
	name      string
	url       string
	verifyTLS bool
	secret    string
	events    []gen.WebhookEvents
	created   time.Time
	updated   time.Time
}

// projectKey normalises a project slug in any form [slug.ParseProject] accepts to the key of
// projBySlug: the canonical provider, and names compared without regard to case.
func projectKey(s string) (string, bool) {
	p, err := slug.ParseProject(s)
	if err != nil {
		return "", false
	}
	return strings.ToLower(p.Canonical()), true
}

// orgKey normalises an organization slug in any form [slug.ParseOrg] accepts to the key of
// orgsBySlug.
func orgKey(s string) (string, bool) {
	o, err := slug.ParseOrg(s)
	if err != nil {
		return "", false
	}
	return strings.ToLower(o.Canonical()), true
}

// visibleProject returns the caller and the project a slug names if they may see it, or the 401 of
// [Server.caller] or a 404 [*server.Error]; the caller holds s.mu.
func (s *Server) visibleProject(ctx context.Context, projectSlug string) (*user, *project, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if key, ok := projectKey(projectSlug); ok {
		if p, ok := s.st.projBySlug[key]; ok && u.member(p.org) {
			return u, p, nil
		}
	}
	return nil, nil, server.NotFound(msgProjectNotFound)
}

// visibleByID returns the caller and m[id] if they belong to the organization orgOf gives for it,
// or the 401 of [Server.caller] or a 404 [*server.Error] with the message notFound; the caller
// holds s.mu.
func visibleByID[T any](s *Server, ctx context.Context, m map[uuid.UUID]T, id uuid.UUID, orgOf func(T) *org, notFound string) (*user, T, error) {
	var zero T
	u, err := s.caller(ctx)
	if err != nil {
		return nil, zero, err
	}
	if x, ok := m[id]; ok && u.member(orgOf(x)) {
		return u, x, nil
	}
	return nil, zero, server.NotFound(notFound)
}

// findProjectByID returns the project with a UUID if u may see it, or a 404 [*server.Error]; the
// caller holds s.mu.
func (s *Server) findProjectByID(u *user, id uuid.UUID) (*project, error) {
	if p, ok := s.st.projByID[id]; ok && u.member(p.org) {
		return p, nil
	}
	return nil, server.NotFound(msgProjectNotFound)
}

// memberOrg returns the organization a slug or UUID names if u belongs to it, or nil.
func (s *Server) memberOrg(u *user, slugOrID string) *org {
	var o *org
	if id, err := uuid.Parse(slugOrID); err == nil {
		o = s.st.orgsByID[id]
	} else if key, ok := orgKey(slugOrID); ok {
		o = s.st.orgsBySlug[key]
	}
	if o == nil || !u.member(o) {
		return nil
	}
	return o
}

// findOrg returns the organization a slug or UUID names if u belongs to it, or a 404
// [*server.Error]; the caller holds s.mu.
func (s *Server) findOrg(u *user, slugOrID string) (*org, error) {
	if o := s.memberOrg(u, slugOrID); o != nil {
		return o, nil
	}
	return nil, server.NotFound("Organization not found.")
}

func (p *project) api() gen.Project {
	provider := gen.ProjectVCSInfoProviderGitHub
	vcsURL := "https://github.com/" + p.org.name + "/" + p.name
	switch p.org.vcsType {
	case "bitbucket":
		provider = gen.ProjectVCSInfoProviderBitbucket
		vcsURL = "https://bitbucket.org/" + p.org.name + "/" + p.name
	case "circleci":
		provider = gen.ProjectVCSInfoProviderCircleCI
		vcsURL = "//circleci.com/" + p.org.id.String() + "/" + p.id.String()
	}
	return gen.Project{
		ID:               p.id,
		Name:             p.name,
		OrganizationID:   p.org.id,
		OrganizationName: p.org.name,
		OrganizationSlug: p.org.slug,
		Slug:             p.slug,
		VCSInfo:          gen.ProjectVCSInfo{DefaultBranch: p.defaultBranch, Provider: provider, VCSURL: vcsURL},
	}
}

func ptr[T any](v T) *T { return &v }

// mask hides a secret the way CircleCI does: "xxxx" and the last four characters.
func mask(v string) string {
	r := []rune(v)
	if len(r) <= 4 {
		return "xxxx"
	}
	return "xxxx" + string(r[len(r)-4:])
}
