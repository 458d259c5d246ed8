package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// Seed is the data a fake starts with: users with their API tokens, organizations with their
// projects (each with its .circleci/config.yml text) and contexts. Read one from a file with
// [ParseSeed]; [DemoSeed] is the built-in one.
type Seed struct {
	Users []SeedUser `json:"users" yaml:"users"`
	Orgs  []SeedOrg  `json:"orgs" yaml:"orgs"`
}

// SeedUser is a user, the tokens that authenticate as them and the organizations they belong to.
type SeedUser struct {
	ID     string   `json:"id,omitempty" yaml:"id,omitempty"` // a UUID; made up when empty
	Login  string   `json:"login" yaml:"login"`
	Name   string   `json:"name,omitempty" yaml:"name,omitempty"`
	Tokens []string `json:"tokens" yaml:"tokens"`
	Orgs   []string `json:"orgs" yaml:"orgs"` // organization slugs, e.g. "gh/demo-org"
}

// SeedOrg is an organization. Its slug is "gh/<name>", "bb/<name>" or "circleci/<uuid>".
type SeedOrg struct {
	Slug     string        `json:"slug" yaml:"slug"`
	Name     string        `json:"name,omitempty" yaml:"name,omitempty"` // defaults to the slug's last part
	ID       string        `json:"id,omitempty" yaml:"id,omitempty"`     // a UUID; for circleci slugs, the slug's
	Projects []SeedProject `json:"projects,omitempty" yaml:"projects,omitempty"`
	Contexts []SeedContext `json:"contexts,omitempty" yaml:"contexts,omitempty"`
	// Environments are deploy environments known from the start; deploys make others on first use.
	Environments []SeedEnvironment `json:"environments,omitempty" yaml:"environments,omitempty"`
}

// SeedProject is a project of an organization.
type SeedProject struct {
	Name string `json:"name" yaml:"name"`
	// ID is the project's UUID (made up when empty); it is the last part of circleci/… slugs.
	ID            string `json:"id,omitempty" yaml:"id,omitempty"`
	DefaultBranch string `json:"default_branch,omitempty" yaml:"default_branch,omitempty"` // "main" when empty
	// Config is the .circleci/config.yml text pipelines run. Jobs may carry
	// x-fake: {outcome: failed, duration: 30s} to script the simulation.
	Config string `json:"config,omitempty" yaml:"config,omitempty"`
	// Outcomes forces job outcomes by job name ("success", "failed", …) over the config's.
	Outcomes map[string]string `json:"outcomes,omitempty" yaml:"outcomes,omitempty"`
	EnvVars  map[string]string `json:"env_vars,omitempty" yaml:"env_vars,omitempty"`
	// Deploys marks jobs of the config as deploys: each successful run records a component version.
	Deploys []SeedDeploy `json:"deploys,omitempty" yaml:"deploys,omitempty"`
	// Releases are component versions deployed before the fake started, oldest first.
	Releases []SeedRelease `json:"releases,omitempty" yaml:"releases,omitempty"`
	// RollbackDefinition names the pipeline definition (of Definitions, or the default one) that
	// POST /projects/{project_id}/rollback runs; none when empty.
	RollbackDefinition string `json:"rollback_definition,omitempty" yaml:"rollback_definition,omitempty"`
	// Definitions are the project's pipeline definitions; without any it gets one default definition
	// that runs Config.
	Definitions []SeedDefinition `json:"definitions,omitempty" yaml:"definitions,omitempty"`
}

// SeedContext is a context with its environment variables.
type SeedContext struct {
	Name    string            `json:"name" yaml:"name"`
	EnvVars map[string]string `json:"env_vars,omitempty" yaml:"env_vars,omitempty"`
}

// ParseSeed reads a seed in YAML or JSON (JSON is YAML). Unknown fields are errors.
func ParseSeed(data []byte) (*Seed, error) {
	var s Seed
	var err error
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err = dec.Decode(&s)
	} else {
		err = yaml.UnmarshalWithOptions(data, &s, yaml.Strict())
	}
	if err != nil {
		return nil, fmt.Errorf("fake: seed: %w", err)
	}
	return &s, nil
}

// Demo data identifiers; the demo seed always uses them so README commands work as written.
const (
	DemoToken       = "demo-token"                           // the demo user's API token
	DemoOrgSlug     = "gh/demo-org"                          // the demo GitHub organization
	DemoProjectSlug = "gh/demo-org/demo-app"                 // its project
	demoCircleOrg   = "7f9a4c1e-2b3d-4e5f-8a6b-1c2d3e4f5a6b" // the demo circleci organization
	demoCircleProj  = "0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b" // its project
	// DemoCircleCIProjectSlug is the demo project of the circleci/<org-id> organization.
	DemoCircleCIProjectSlug = "circleci/" + demoCircleOrg + "/" + demoCircleProj
)

// DemoConfig is the config of the demo projects: parameters (including those of the API v2
// introduction's trigger example), two workflows chosen by when/unless, an approval job, and a job
// that uses the context deploy-secrets.
const DemoConfig = `version: 2.1

parameters:
  myparam:
    type: string
    default: "."
  myspecialversion:
    type: string
    default: "1.0.0"
  deploy:
    type: boolean
    default: true
  environment:
    type: enum
    enum: [staging, production]
    default: staging
  nightly:
    type: boolean
    default: false

jobs:
  build:
    docker:
      - image: cimg/go:1.26
    resource_class: medium
    steps:
      - checkout
      - run: make build DIR=<< pipeline.parameters.myparam >> VERSION=<< pipeline.parameters.myspecialversion >>
      - store_artifacts:
          path: bin/demo-app
    x-fake:
      duration: 30s
  test:
    docker:
      - image: cimg/go:1.26
    parallelism: 2
    steps:
      - checkout
      - run: make test
      - store_test_results:
          path: test-results
          x-fake:
            tests:
              - {classname: demo/app, name: TestBuild, file: app_test.go, run_time: 0.42}
              - {classname: demo/app, name: TestVersion, file: app_test.go, run_time: 0.05}
              - {classname: demo/api, name: TestHandler, file: api/handler_test.go, run_time: 1.8}
              - {classname: demo/api, name: TestRoutes, file: api/routes_test.go, run_time: 0.3}
              - {classname: demo/store, name: TestSave, file: store/store_test.go, run_time: 2.6}
              - {classname: demo/store, name: TestLoad, file: store/store_test.go, run_time: 1.1}
      - store_artifacts:
          path: coverage.html
    x-fake:
      duration: 1m
  deploy:
    machine: true
    steps:
      - run: ./deploy.sh << pipeline.parameters.environment >>
    x-fake:
      duration: 20s
  report:
    docker:
      - image: cimg/base:current
    steps:
      - run: ./nightly-report.sh

workflows:
  build-test-deploy:
    unless: << pipeline.parameters.nightly >>
    jobs:
      - build
      - test:
          requires: [build]
      - hold:
          type: approval
          requires: [test]
      - deploy:
          requires: [hold]
          context: deploy-secrets
  nightly:
    when:
      or:
        - << pipeline.parameters.nightly >>
        - equal: [production, << pipeline.parameters.environment >>]
    jobs:
      - report
`

// DemoSeed returns the built-in demo data: user demo-user (token [DemoToken]) in organizations
// gh/demo-org and circleci/<uuid>, with projects gh/demo-org/demo-app and circleci/<uuid>/<uuid>
// running [DemoConfig], and a context "deploy-secrets" in gh/demo-org.
func DemoSeed() *Seed {
	return &Seed{
		Users: []SeedUser{{
			ID: "5c9a2e7b-1f3d-4a6c-8b2e-9d1f0a3c5e7b", Login: "demo-user", Name: "Demo User",
			Tokens: []string{DemoToken}, Orgs: []string{DemoOrgSlug, "circleci/" + demoCircleOrg},
		}},
		Orgs: []SeedOrg{
			{
				Slug: DemoOrgSlug, ID: "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a",
				Projects: []SeedProject{{
					Name: "demo-app", ID: "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a", Config: DemoConfig,
					EnvVars: map[string]string{"DEPLOY_KEY": "s3cr3t-deploy-key"},
				}},
				Contexts: []SeedContext{{Name: "deploy-secrets", EnvVars: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE"}}},
			},
			{
				Slug: "circleci/" + demoCircleOrg, Name: "demo-standalone",
				Projects: []SeedProject{{Name: "demo-standalone-app", ID: demoCircleProj, Config: DemoConfig}},
			},
		},
	}
}

// clone returns a deep copy of the seed, so that what a caller changes in theirs after [New] does not
// change what [Server.Reset] reloads.
func (sd *Seed) clone() *Seed {
	b, err := json.Marshal(sd)
	if err != nil {
		panic("fake: seed: " + err.Error()) // strings, slices and maps of strings always encode
	}
	var out Seed
	if err := json.Unmarshal(b, &out); err != nil {
		panic("fake: seed: " + err.Error())
	}
	return &out
}

// Seed returns a copy of the seed the fake was loaded with: the one given to [WithSeed], or
// [DemoSeed].
func (s *Server) Seed() *Seed { return s.seed.clone() }

// Reset puts the fake back to its seed, as [New] loaded it: the users, organizations, projects and
// contexts of the seed with the same IDs as before (those the seed does not give included), and
// nothing else. Pipelines, workflows and jobs, schedules, webhooks, checkout keys, what the API
// created or changed, and the job outcomes of [Server.SetJobOutcome] are gone; the injected faults
// are cleared. Simulated time is not turned back: it goes on from where it is, so that times the
// fake answers never go backwards. Requests being served when Reset is called finish against the
// old state or the new one, never a mix. Over HTTP it is POST /_fake/reset.
//
// A page token handed out before Reset is refused after it with the 400 of a foreign token, rather
// than paging the new state from a place in the old one. The ID source ([WithIDSource]) is not
// rewound: the seed's records keep their IDs, but what is made after a reset gets IDs that go on
// from before it, so a pipeline triggered after a reset of a fake with [SequentialIDs] does not
// have the ID the first pipeline of a fresh fake has.
func (s *Server) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, oldSystem := s.st, s.system
	s.st.init()
	if err := s.load(s.seed); err != nil {
		s.st, s.system = old, oldSystem
		return err
	}
	s.resets++
	s.ClearFaults()
	return nil
}

// load stores a seed in s.st, which is empty; the caller holds s.mu or owns s. What it stores is
// created at the simulated time of New, and the IDs it makes up (for what the seed gives no ID) are
// remembered in s.seedIDs in the order it makes them, and a later load hands out the same ones
// again: loading the same seed again gives the same state.
func (s *Server) load(seed *Seed) error {
	l := &loader{s: s, at: s.simBase}
	s.system = &user{id: l.newID(), login: "system-actor", name: "Scheduled"}
	for _, so := range seed.Orgs {
		if err := l.org(so); err != nil {
			return err
		}
	}
	for _, su := range seed.Users {
		if err := l.user(su); err != nil {
			return err
		}
	}
	return nil
}

// loader is one run of [Server.load].
type loader struct {
	s    *Server
	at   time.Time // when what it stores was created: the simulated time at New, whenever it runs
	used int       // how many of s.seedIDs this run handed out
}

// newID returns the next ID an earlier load made up, or a new one that it remembers.
func (l *loader) newID() uuid.UUID {
	if l.used == len(l.s.seedIDs) {
		l.s.seedIDs = append(l.s.seedIDs, l.s.newID())
	}
	l.used++
	return l.s.seedIDs[l.used-1]
}

// id returns the UUID the seed gives, or a made-up one when it gives none.
func (l *loader) id(given, what string) (uuid.UUID, error) {
	if given == "" {
		return l.newID(), nil
	}
	id, err := uuid.Parse(given)
	if err != nil {
		return uuid.Nil, fmt.Errorf("fake: seed: %s: id %q is not a UUID", what, given)
	}
	return id, nil
}

// user stores a seed user; the organizations are stored already.
func (l *loader) user(su SeedUser) error {
	st := &l.s.st
	if su.Login == "" {
		return fmt.Errorf("fake: seed: a user has no login")
	}
	id, err := l.id(su.ID, "user "+su.Login)
	if err != nil {
		return err
	}
	u := &user{id: id, login: su.Login, name: su.Name}
	if u.name == "" {
		u.name = su.Login
	}
	if _, dup := st.usersByID[id]; dup {
		return fmt.Errorf("fake: seed: user id %s used twice", id)
	}
	for _, orgSlug := range su.Orgs {
		key, ok := orgKey(orgSlug)
		o := st.orgsBySlug[key]
		if !ok || o == nil {
			return fmt.Errorf("fake: seed: user %s: organization %q is not in the seed", su.Login, orgSlug)
		}
		u.orgs = append(u.orgs, o)
	}
	for i, t := range su.Tokens {
		if t == "" {
			return fmt.Errorf("fake: seed: user %s has an empty token", su.Login)
		}
		if _, dup := st.usersByToken[t]; dup || slices.Contains(su.Tokens[:i], t) {
			return fmt.Errorf("fake: seed: a token of user %s is used twice", su.Login)
		}
	}
	st.addUser(u, su.Tokens)
	return nil
}

// org stores a seed organization with its projects and contexts.
func (l *loader) org(so SeedOrg) error {
	s := l.s
	parsed, err := slug.ParseOrg(so.Slug)
	if err != nil {
		return fmt.Errorf("fake: seed: %w", err)
	}
	vcs, name := parsed.VCS(), parsed.Org()
	o := &org{slug: parsed.Canonical(), name: so.Name, byActor: map[*user][]int32{}}
	switch vcs {
	case slug.GitHub:
		o.vcsType = "github"
	case slug.Bitbucket:
		o.vcsType = "bitbucket"
	case slug.CircleCI:
		o.vcsType = "circleci"
		if so.ID == "" {
			so.ID = name
		}
		if so.ID != name {
			return fmt.Errorf("fake: seed: organization %s: id must be the slug's UUID", so.Slug)
		}
	}
	if o.id, err = l.id(so.ID, "organization "+so.Slug); err != nil {
		return err
	}
	if o.name == "" {
		o.name = name
	}
	key, _ := orgKey(o.slug)
	if _, dup := s.st.orgsBySlug[key]; dup {
		return fmt.Errorf("fake: seed: organization %s appears twice", so.Slug)
	}
	if _, dup := s.st.orgsByID[o.id]; dup {
		return fmt.Errorf("fake: seed: organization id %s used twice", o.id)
	}
	s.st.addOrg(o)
	if err := l.environments(o, so.Environments); err != nil {
		return err
	}
	for _, sp := range so.Projects {
		if err := l.project(o, sp); err != nil {
			return err
		}
	}
	for _, sc := range so.Contexts {
		if sc.Name == "" || slices.ContainsFunc(o.contexts, func(c *orgContext) bool { return c.name == sc.Name }) {
			return fmt.Errorf("fake: seed: organization %s: context names must be present and unique", so.Slug)
		}
		c := s.addContext(o, sc.Name, l.newID(), l.at)
		for _, name := range sortedKeys(sc.EnvVars) {
			c.setVar(name, sc.EnvVars[name], l.at, s.nextSeq)
		}
	}
	return nil
}

// project stores a seed project of o with its config, forced outcomes and environment variables.
func (l *loader) project(o *org, sp SeedProject) error {
	s := l.s
	if sp.Name == "" || strings.Contains(sp.Name, "/") {
		return fmt.Errorf("fake: seed: organization %s: project name %q must be present and hold no slash", o.slug, sp.Name)
	}
	id, err := l.id(sp.ID, "project "+sp.Name)
	if err != nil {
		return err
	}
	p, err := s.newProject(o, sp.Name, sp.DefaultBranch, id, l.at)
	if err != nil {
		return err
	}
	if sp.Config != "" {
		if err := p.setConfig(sp.Config); err != nil {
			return fmt.Errorf("fake: seed: project %s: %w", p.slug, err)
		}
	}
	for jobName, out := range sp.Outcomes {
		outcome := engine.Outcome(out)
		if !outcome.Valid() {
			return fmt.Errorf("fake: seed: project %s: job %s: unknown outcome %q", p.slug, jobName, out)
		}
		p.outcomes[jobName] = outcome
	}
	for _, name := range sortedKeys(sp.EnvVars) {
		if !envNameRE.MatchString(name) {
			return fmt.Errorf("fake: seed: project %s: environment variable name %q is not valid", p.slug, name)
		}
		p.setEnvVar(name, sp.EnvVars[name], l.at, s.nextSeq)
	}
	s.st.addProject(p)
	if err := l.definitions(p, sp.Definitions); err != nil {
		return err
	}
	return l.deploys(p, sp)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
