package fake

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// The messages of the pipeline-definition routes, in the live API's words (measured by
// CircleCI-Labs/terraform-provider-circleci, internal/circleci/pipeline_definition.go and
// internal/provider/pipeline_resource_fake_test.go, 2026-08-21/22).
const (
	msgDefinitionGetFailed    = "Failed to get pipeline definition."
	msgDefinitionUpdateFailed = "Failed to update pipeline definition."
	msgDefinitionDeleted      = "Pipeline definition deleted."
	msgDefinitionBadID        = "Invalid pipeline definition id."
	msgDefinitionNotFound     = "Pipeline definition not found."
	msgProjectIDRequired      = "ProjectID required."
	msgInvalidConfigPath      = "Invalid config file path."
)

// defaultConfigPath is where a project's own config (SeedProject.Config) lives.
const defaultConfigPath = ".circleci/config.yml"

// circleciConfigPrefix is the only file_path namespace the live API accepts for a config source of
// provider circleci.
const circleciConfigPrefix = "circleci-agents/"

// pipelineDefinition is a pipeline definition of a project: where its runs read their config from
// and which repository they check out.
type pipelineDefinition struct {
	listOrder
	id          uuid.UUID
	project     *project
	name        string
	description string
	created     time.Time
	implicit    bool // made by the fake for an OAuth project; the live API shows no created_at for those

	configProvider   string // github_app, github_server, circleci, github_oauth or bitbucket_oauth
	configRepo       *project
	configPath       string
	checkoutProvider string
	checkoutRepo     *project
	triggers         []*trigger
}

// projectDefinitions is what a project has of pipeline definitions: the definitions in the order
// they were made (the first one still there is the one pipeline/run runs without definition_id) and
// the config files beside .circleci/config.yml that the seed gives, by path.
type projectDefinitions struct {
	list  []*pipelineDefinition
	files map[string]configFile
}

// configFile is a config file of a project, parsed.
type configFile struct {
	config *engine.Config
	setup  bool
}

// defs returns the definitions record of p, making it on first use; the caller holds s.mu.
func (st *state) defs(p *project) *projectDefinitions {
	d := st.defsByProject[p]
	if d == nil {
		d = &projectDefinitions{files: map[string]configFile{}}
		st.defsByProject[p] = d
	}
	return d
}

// repoExternalID is the made-up numeric ID of p's repository at its VCS provider.
func repoExternalID(p *project) string {
	var b [8]byte
	copy(b[2:], p.id[:6])
	return strconv.FormatUint(binary.BigEndian.Uint64(b[:]), 10)
}

// repoFullName is the org/repo name of p's repository.
func repoFullName(p *project) string { return p.org.name + "/" + p.name }

func repoAPI(p *project) *gen.PipelineDefinitionRepo {
	if p == nil {
		return nil
	}
	return &gen.PipelineDefinitionRepo{ExternalID: ptr(repoExternalID(p)), FullName: ptr(repoFullName(p))}
}

func (d *pipelineDefinition) api() gen.PipelineDefinition {
	out := gen.PipelineDefinition{
		ID:   &d.id,
		Name: ptr(d.name),
		ConfigSource: &gen.PipelineDefinitionConfigSource{
			Provider: ptr(d.configProvider), Repo: repoAPI(d.configRepo), FilePath: ptr(d.configPath),
		},
		CheckoutSource: &gen.PipelineDefinitionCheckoutSource{Provider: ptr(d.checkoutProvider), Repo: repoAPI(d.checkoutRepo)},
	}
	if d.description != "" {
		out.Description = ptr(d.description)
	}
	if !d.implicit {
		out.CreatedAt = ptr(d.created)
	}
	return out
}

// implicitProvider is the provider of the definition CircleCI makes for a project: the OAuth
// integration of GitHub and Bitbucket projects, the GitHub App for circleci/<org-id> ones.
func implicitProvider(p *project) string {
	switch p.org.vcsType {
	case "github":
		return "github_oauth"
	case "bitbucket":
		return "bitbucket_oauth"
	}
	return "github_app"
}

// addDefinition stores a definition of p; the caller holds s.mu or owns s.
func (s *Server) addDefinition(d *pipelineDefinition) {
	d.listOrder = s.nextSeq()
	s.st.definitionsByID[d.id] = d
	pd := s.st.defs(d.project)
	pd.list = append(pd.list, d)
}

// addDefaultDefinition gives p the definition CircleCI makes for every project: its own repository,
// .circleci/config.yml, named after the project; the caller holds s.mu or owns s.
func (s *Server) addDefaultDefinition(p *project, id uuid.UUID, created time.Time) {
	provider := implicitProvider(p)
	s.addDefinition(&pipelineDefinition{
		id: id, project: p, name: p.name, created: created, implicit: p.org.vcsType != "circleci",
		configProvider: provider, configRepo: p, configPath: defaultConfigPath,
		checkoutProvider: provider, checkoutRepo: p,
	})
}

// SeedDefinition is a pipeline definition of a seed project. Without any, a project gets one
// default definition that runs its Config.
type SeedDefinition struct {
	ID          string `json:"id,omitempty" yaml:"id,omitempty"` // a UUID; made up when empty
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// FilePath is the config file the definition reads, .circleci/config.yml (the project's Config)
	// when empty.
	FilePath string `json:"file_path,omitempty" yaml:"file_path,omitempty"`
	// Config is the text of the file at FilePath, for a FilePath other than .circleci/config.yml. A
	// definition whose file has no text runs into an errored pipeline, as on CircleCI when the file
	// is missing.
	Config string `json:"config,omitempty" yaml:"config,omitempty"`
}

// definitions stores the pipeline definitions of a seed project p, or its default one when the seed
// gives none.
func (l *loader) definitions(p *project, seeded []SeedDefinition) error {
	s := l.s
	if len(seeded) == 0 {
		s.addDefaultDefinition(p, l.newID(), l.at)
		return nil
	}
	provider := implicitProvider(p)
	pd := s.st.defs(p)
	for _, sd := range seeded {
		if strings.TrimSpace(sd.Name) == "" {
			return fmt.Errorf("fake: seed: project %s: a pipeline definition has no name", p.slug)
		}
		id, err := l.id(sd.ID, "pipeline definition "+sd.Name)
		if err != nil {
			return err
		}
		if _, dup := s.st.definitionsByID[id]; dup {
			return fmt.Errorf("fake: seed: pipeline definition id %s used twice", id)
		}
		path := cmp.Or(sd.FilePath, defaultConfigPath)
		switch {
		case path == defaultConfigPath && sd.Config != "":
			return fmt.Errorf("fake: seed: project %s: pipeline definition %s: the config of %s is the project's config", p.slug, sd.Name, defaultConfigPath)
		case sd.Config != "":
			f, err := parseConfigFile(sd.Config)
			if err != nil {
				return fmt.Errorf("fake: seed: project %s: pipeline definition %s: %w", p.slug, sd.Name, err)
			}
			if old, ok := pd.files[path]; ok && old.config.Source != f.config.Source {
				return fmt.Errorf("fake: seed: project %s: two pipeline definitions give different configs for %s", p.slug, path)
			}
			pd.files[path] = f
		}
		s.addDefinition(&pipelineDefinition{
			id: id, project: p, name: sd.Name, description: sd.Description, created: l.at,
			implicit: provider != "github_app", configProvider: provider, configRepo: p, configPath: path,
			checkoutProvider: provider, checkoutRepo: p,
		})
	}
	return nil
}

// parseConfigFile parses a config file, with its setup: key.
func parseConfigFile(src string) (configFile, error) {
	cfg, err := engine.ParseConfig(src)
	if err != nil {
		return configFile{}, err
	}
	var top struct {
		Setup bool `yaml:"setup"`
	}
	if err := yaml.Unmarshal([]byte(src), &top); err != nil {
		return configFile{}, fmt.Errorf("config: setup: %w", err)
	}
	return configFile{config: cfg, setup: top.Setup}, nil
}

// source returns the config a run of d reads: the project's own for .circleci/config.yml, else the
// seeded file at d's path; an empty source with the reason when there is none. The caller holds s.mu.
func (st *state) source(d *pipelineDefinition) *configSource {
	p := d.project
	if d.configRepo != nil && d.configRepo != p {
		p = d.configRepo // the definition reads another project's repository
	}
	if d.configPath == defaultConfigPath {
		if p.config == nil {
			return &configSource{missing: "No config found: " + repoFullName(p) + " has no " + defaultConfigPath + "."}
		}
		return &configSource{config: p.config, setup: p.setup}
	}
	if f, ok := st.defs(p).files[d.configPath]; ok {
		return &configSource{config: f.config, setup: f.setup}
	}
	return &configSource{missing: "No config found: " + repoFullName(p) + " has no " + d.configPath + "."}
}

// runDefinition starts a pipeline of p that runs definition d's config on a branch or tag ("" for
// none; the default branch when both are empty) with parameters checked against that config. The
// error is a 400 [*server.Error] naming what is wrong. The caller holds s.mu; ctx is not used yet.
func (s *Server) runDefinition(ctx context.Context, u *user, p *project, d *pipelineDefinition, params map[string]any, branch, tag string) (*pipeline, error) {
	_ = ctx
	if u.index == 0 {
		// The system actor of schedule triggers is no user of the seed: give it its place in
		// usersByIndex, where pipelines find their actor, on its first run.
		u.index = int32(len(s.st.usersByIndex))
		s.st.usersByIndex = append(s.st.usersByIndex, u)
	}
	in := triggerInput{params: params, source: s.st.source(d)}
	if branch != "" {
		in.branch = &branch
	}
	if tag != "" {
		in.tag = &tag
	}
	pl, err := s.trigger(u, p, in)
	if err != nil {
		return nil, server.BadRequest(triggerError(err))
	}
	return pl, nil
}

// visibleProjectByID returns the caller and the project a project_id path value names if they may
// see it: a 400 for an ID that is not a UUID, the 401 of [Server.caller], or a 404 with the message
// notFound. The caller holds s.mu.
func (s *Server) visibleProjectByID(ctx context.Context, projectID, notFound string) (*user, *project, error) {
	u, err := s.caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := uuid.Parse(projectID)
	if err != nil {
		return nil, nil, server.BadRequest(msgProjectIDRequired)
	}
	if p, ok := s.st.projectsByID[id]; ok && u.member(p.org) {
		return u, p, nil
	}
	return nil, nil, server.NotFound(notFound)
}

// projectDefinition returns the definition of p a pipeline_definition_id path value names: a 400
// msgDefinitionBadID for an ID that is not a UUID, nil when p has no such definition. The caller
// holds s.mu.
func (s *Server) projectDefinition(p *project, definitionID string) (*pipelineDefinition, error) {
	id, err := uuid.Parse(definitionID)
	if err != nil {
		return nil, server.BadRequest(msgDefinitionBadID)
	}
	if d, ok := s.st.definitionsByID[id]; ok && d.project == p {
		return d, nil
	}
	return nil, nil
}

// orgRepo returns the project of o whose repository has a numeric external ID, or a 400 naming field.
func (s *Server) orgRepo(o *org, field, externalID string) (*project, error) {
	if _, err := strconv.ParseInt(externalID, 10, 64); err != nil {
		return nil, server.BadRequest(field + " must be the repository's numeric ID at its provider, got " + quote(externalID))
	}
	for _, p := range s.st.projectsByID {
		if p.org == o && repoExternalID(p) == externalID {
			return p, nil
		}
	}
	return nil, server.BadRequest(field + ": the organization has no repository with ID " + externalID)
}

// checkConfigPath checks a config source's file_path for its provider.
func checkConfigPath(provider, path string) error {
	if strings.TrimSpace(path) == "" {
		return server.BadRequest("config_source.file_path is required")
	}
	if provider == "circleci" && (!strings.HasPrefix(path, circleciConfigPrefix) || path == circleciConfigPrefix) {
		return server.BadRequest(msgInvalidConfigPath)
	}
	return nil
}

// ListPipelineDefinitions lists every pipeline definition of a project in one answer, oldest first,
// with no next_page_token, as the live API does.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions (listPipelineDefinitions).
func (s *Server) ListPipelineDefinitions(ctx context.Context, req genserver.ListPipelineDefinitionsRequestObject) (genserver.ListPipelineDefinitionsResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProjectByID(ctx, req.ProjectID, msgProjectNotFound)
	if err != nil {
		return nil, err
	}
	items := []gen.PipelineDefinition{}
	for _, d := range s.st.defs(p).list {
		items = append(items, d.api())
	}
	return genserver.ListPipelineDefinitions200JSONResponse{Items: items}, nil
}

// CreatePipelineDefinition creates a pipeline definition. Its repositories are given by external ID
// and must be those of projects of the same organization (see [repoExternalID]); a circleci config
// source must have a file_path under circleci-agents/, as on CircleCI.
// CircleCI API: POST /projects/{project_id}/pipeline-definitions (createPipelineDefinition).
func (s *Server) CreatePipelineDefinition(ctx context.Context, req genserver.CreatePipelineDefinitionRequestObject) (genserver.CreatePipelineDefinitionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProjectByID(ctx, req.ProjectID, msgProjectNotFound)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b == nil {
		return nil, server.BadRequest("the body is required")
	}
	if strings.TrimSpace(b.Name) == "" {
		return nil, server.BadRequest("name must not be empty")
	}
	raw, err := b.ConfigSource.MarshalJSON()
	if err != nil {
		return nil, server.BadRequest("config_source: " + err.Error())
	}
	var cs struct {
		Provider string              `json:"provider"`
		FilePath string              `json:"file_path"`
		Repo     *gen.RepoExternalID `json:"repo"`
	}
	if err := json.Unmarshal(raw, &cs); err != nil {
		return nil, server.BadRequest("config_source: " + err.Error())
	}
	d := &pipelineDefinition{
		project: p, name: b.Name, description: deref(b.Description), created: s.now(),
		configProvider: cs.Provider, configPath: cs.FilePath, checkoutProvider: string(b.CheckoutSource.Provider),
	}
	switch cs.Provider {
	case "github_app", "github_server":
		if cs.Repo == nil {
			return nil, server.BadRequest("config_source.repo is required for provider " + cs.Provider)
		}
		if d.configRepo, err = s.orgRepo(p.org, "config_source.repo.external_id", cs.Repo.ExternalID); err != nil {
			return nil, err
		}
	case "circleci":
	default:
		return nil, server.BadRequest("config_source.provider must be github_app, github_server or circleci, got " + quote(cs.Provider))
	}
	if err := checkConfigPath(cs.Provider, cs.FilePath); err != nil {
		return nil, err
	}
	if d.checkoutRepo, err = s.orgRepo(p.org, "checkout_source.repo.external_id", b.CheckoutSource.Repo.ExternalID); err != nil {
		return nil, err
	}
	d.id = s.newID()
	s.addDefinition(d)
	return genserver.CreatePipelineDefinition200JSONResponse(d.api()), nil
}

// GetPipelineDefinition returns a pipeline definition. As on CircleCI, a definition the project
// does not have (deleted, never made, or another project's) is a 400 "Failed to get pipeline
// definition.", and a project that does not exist a 404 "Pipeline definition not found.".
// CircleCI API: GET /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (getPipelineDefinition).
func (s *Server) GetPipelineDefinition(ctx context.Context, req genserver.GetPipelineDefinitionRequestObject) (genserver.GetPipelineDefinitionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProjectByID(ctx, req.ProjectID, msgDefinitionNotFound)
	if err != nil {
		return nil, err
	}
	d, err := s.projectDefinition(p, req.PipelineDefinitionID)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, server.BadRequest(msgDefinitionGetFailed)
	}
	return genserver.GetPipelineDefinition200JSONResponse(d.api()), nil
}

// UpdatePipelineDefinition changes the name, description, config file path and checkout source of
// a definition; the config source's provider and repository cannot be changed. A definition the
// project does not have is a 400 "Failed to update pipeline definition.", as on CircleCI.
// CircleCI API: PATCH /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (updatePipelineDefinition).
func (s *Server) UpdatePipelineDefinition(ctx context.Context, req genserver.UpdatePipelineDefinitionRequestObject) (genserver.UpdatePipelineDefinitionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProjectByID(ctx, req.ProjectID, msgProjectNotFound)
	if err != nil {
		return nil, err
	}
	d, err := s.projectDefinition(p, req.PipelineDefinitionID)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, server.BadRequest(msgDefinitionUpdateFailed)
	}
	next := *d // checked whole, then stored: a rejected change changes nothing
	if b := req.Body; b != nil {
		if b.Name != nil {
			if strings.TrimSpace(*b.Name) == "" {
				return nil, server.BadRequest("name must not be empty")
			}
			next.name = *b.Name
		}
		if b.Description != nil {
			next.description = *b.Description
		}
		if cs := b.ConfigSource; cs != nil && cs.FilePath != nil {
			if err := checkConfigPath(next.configProvider, *cs.FilePath); err != nil {
				return nil, err
			}
			next.configPath = *cs.FilePath
		}
		if co := b.CheckoutSource; co != nil {
			if co.Provider != nil {
				if *co.Provider != "github_app" && *co.Provider != "github_server" {
					return nil, server.BadRequest("checkout_source.provider must be github_app or github_server, got " + quote(*co.Provider))
				}
				next.checkoutProvider = *co.Provider
			}
			if co.Repo != nil && co.Repo.ExternalID != nil {
				if next.checkoutRepo, err = s.orgRepo(p.org, "checkout_source.repo.external_id", *co.Repo.ExternalID); err != nil {
					return nil, err
				}
			}
		}
	}
	*d = next
	return genserver.UpdatePipelineDefinition200JSONResponse(d.api()), nil
}

// DeletePipelineDefinition deletes a definition with its triggers. As on CircleCI it is idempotent:
// a definition the project does not have answers 200 as well.
// CircleCI API: DELETE /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (deletePipelineDefinition).
func (s *Server) DeletePipelineDefinition(ctx context.Context, req genserver.DeletePipelineDefinitionRequestObject) (genserver.DeletePipelineDefinitionResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProjectByID(ctx, req.ProjectID, msgProjectNotFound)
	if err != nil {
		return nil, err
	}
	d, err := s.projectDefinition(p, req.PipelineDefinitionID)
	if err != nil {
		return nil, err
	}
	if d != nil {
		s.deleteDefinition(d)
	}
	return genserver.DeletePipelineDefinition200JSONResponse{Message: msgDefinitionDeleted}, nil
}

// deleteDefinition removes d and its triggers; the caller holds s.mu.
func (s *Server) deleteDefinition(d *pipelineDefinition) {
	for _, t := range d.triggers {
		delete(s.st.triggersByID, t.id)
	}
	delete(s.st.definitionsByID, d.id)
	pd := s.st.defs(d.project)
	pd.list = slices.DeleteFunc(pd.list, func(x *pipelineDefinition) bool { return x == d })
}

// deleteDefinitions removes the definitions of a project being deleted, with their triggers; the
// caller holds s.mu.
func (s *Server) deleteDefinitions(p *project) {
	for _, d := range slices.Clone(s.st.defs(p).list) {
		s.deleteDefinition(d)
	}
	delete(s.st.defsByProject, p)
}
