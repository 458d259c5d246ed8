package fake

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/internal/slug"
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
	pipelines  map[uuid.UUID]*pipeline
	workflows  map[uuid.UUID]*workflow
	jobsByID   map[uuid.UUID]*jobRef
	contexts   map[uuid.UUID]*contextRec
	schedules  map[uuid.UUID]*schedule
	webhooks   map[uuid.UUID]*webhook
	contKeys   map[string]*pipeline // unused continuation keys
	running    map[*workflow]struct{}
}

func (st *state) init() {
	st.users = map[uuid.UUID]*user{}
	st.tokens = map[string]*user{}
	st.orgsByID = map[uuid.UUID]*org{}
	st.orgsBySlug = map[string]*org{}
	st.projByID = map[uuid.UUID]*project{}
	st.projBySlug = map[string]*project{}
	st.pipelines = map[uuid.UUID]*pipeline{}
	st.workflows = map[uuid.UUID]*workflow{}
	st.jobsByID = map[uuid.UUID]*jobRef{}
	st.contexts = map[uuid.UUID]*contextRec{}
	st.schedules = map[uuid.UUID]*schedule{}
	st.webhooks = map[uuid.UUID]*webhook{}
	st.contKeys = map[string]*pipeline{}
	st.running = map[*workflow]struct{}{}
}

type user struct {
	id    uuid.UUID
	login string
	name  string
	orgs  []*org
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
	slug      string // "gh/demo-org" or "circleci/<uuid>"
	vcsType   string // "github", "bitbucket" or "circleci"
	pipelines []*pipeline
	mine      map[*user][]*pipeline
	contexts  []*contextRec
}

type project struct {
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

	pipelines []*pipeline // pipelines[n-1] has number n
	byBranch  map[string][]*pipeline
	mine      map[*user][]*pipeline
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

// visibleProject returns the project a slug names if the caller may see it.
func (s *Server) visibleProject(u *user, projectSlug string) (*project, bool) {
	key, ok := projectKey(projectSlug)
	if !ok {
		return nil, false
	}
	p, ok := s.st.projBySlug[key]
	if !ok || !u.member(p.org) {
		return nil, false
	}
	return p, true
}

// visibleOrg returns the organization a slug or UUID names if the caller belongs to it.
func (s *Server) visibleOrg(u *user, slugOrID string) (*org, bool) {
	var o *org
	if id, err := uuid.Parse(slugOrID); err == nil {
		o = s.st.orgsByID[id]
	} else if key, ok := orgKey(slugOrID); ok {
		o = s.st.orgsBySlug[key]
	}
	if o == nil || !u.member(o) {
		return nil, false
	}
	return o, true
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
