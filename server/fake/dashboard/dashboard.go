// Package dashboard serves a web page for watching and driving a [fake.Server] in a browser:
// projects, their pipelines, each pipeline's workflows drawn as the graph of their jobs with live
// statuses, job details, the API's actions (trigger, approve, cancel, rerun) and the fake's test
// controls (clock, speed, job outcomes, faults, reset).
//
// The page, its script and its style sheet are embedded in the binary and load nothing from
// elsewhere, so it works offline. It asks for an API token, keeps it in the browser's
// sessionStorage and sends it as the Circle-Token header, as any API client does; the page reads
// the API under /api/v2 and the controls under [fake.ControlPath] with it. Two endpoints of its own
// live under [Path]: a list of the projects the token can see (the API has no such operation) and a
// stream of server-sent events that pushes the state of a project's pipelines and of one pipeline's
// workflows and jobs whenever it changes.
//
// [New] wraps the fake's own handler: it answers GET / and the paths under [Path] and hands every
// other request to the handler it wraps.
//
// Below the pipelines the page charts the selected project's Insights: for each workflow, its
// median and p95 duration and its success rate by day, drawn as inline SVG from the runs of the
// Insights API, with the figures also in a table and a sentence for screen readers. Then come the
// attempts to deliver the project's webhooks, read from the control GET
// /_fake/webhook-deliveries, each with a button that re-sends it. For a circleci-fake started with
// -control-token the page takes that token too (sessionStorage again) and sends it as
// "Authorization: Bearer <token>" on the controls, and only there; a control refused with 401 says
// that the token is missing or wrong.
package dashboard

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
)

// Path is where the dashboard serves its assets and its own endpoints; the page itself is at "/".
const Path = "/_dashboard/"

// DefaultPollInterval is how often an event stream looks at the fake for changes.
const DefaultPollInterval = 250 * time.Millisecond

//go:embed assets
var assets embed.FS

// Option configures a [Dashboard].
type Option func(*Dashboard) error

// WithPollInterval sets how often each event stream compares the fake's state with what it last
// sent (default [DefaultPollInterval]).
func WithPollInterval(d time.Duration) Option {
	return func(db *Dashboard) error {
		if d <= 0 {
			return fmt.Errorf("dashboard: WithPollInterval: %v is not positive", d)
		}
		db.interval = d
		return nil
	}
}

// Dashboard is the dashboard page of a fake in front of the handler that serves the fake's API and
// controls. It is an [http.Handler]; build it with [New].
type Dashboard struct {
	fake     *fake.Server
	next     http.Handler
	interval time.Duration
	files    http.Handler

	closed    chan struct{} // closed by Close: event streams end
	closeOnce sync.Once
}

// New returns the dashboard of f, which answers GET / with the page and the paths under [Path]
// itself and passes every other request to next, typically the handler of f.Handler.
func New(f *fake.Server, next http.Handler, opts ...Option) (*Dashboard, error) {
	if f == nil || next == nil {
		return nil, errors.New("dashboard: New: nil fake or handler")
	}
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		return nil, err
	}
	db := &Dashboard{fake: f, next: next, interval: DefaultPollInterval, files: http.FileServerFS(sub), closed: make(chan struct{})}
	for _, opt := range opts {
		if err := opt(db); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// Close ends every open event stream, so that shutting the http.Server down does not wait for
// them; later streams end at once. The page and the rest go on being served. It always returns nil.
func (db *Dashboard) Close() error {
	db.closeOnce.Do(func() { close(db.closed) })
	return nil
}

// ServeHTTP serves the page at "/", its assets and endpoints under [Path], and passes anything else
// on.
func (db *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p != "/" && !strings.HasPrefix(p, Path) {
		db.next.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeMessage(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here; allowed: GET, HEAD.")
		return
	}
	switch p {
	case "/":
		db.serveAsset(w, r, "/index.html")
	case Path + "app.js", Path + "style.css":
		db.serveAsset(w, r, "/"+strings.TrimPrefix(p, Path))
	case Path + "projects":
		db.serveProjects(w, r)
	case Path + "events":
		db.serveEvents(w, r)
	default:
		writeMessage(w, http.StatusNotFound, "Unknown dashboard path "+p+"; the page is at /.")
	}
}

func (db *Dashboard) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if name == "/index.html" {
		// Everything the page loads is its own; nothing inline runs.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = name
	if name == "/index.html" {
		// FileServer redirects /index.html to ./; serve it as the directory's index instead.
		r2.URL.Path = "/"
	}
	db.files.ServeHTTP(w, r2)
}

// authenticate returns a context that carries the request's Circle-Token for calling the fake from
// Go, or answers 401 and returns false.
func (db *Dashboard) authenticate(w http.ResponseWriter, r *http.Request) (context.Context, bool) {
	tok := r.Header.Get("Circle-Token")
	if tok == "" {
		writeMessage(w, http.StatusUnauthorized, "You must log in first: send your API token in the Circle-Token header.")
		return nil, false
	}
	if _, err := db.fake.Authenticate(r.Context(), tok); err != nil {
		writeMessage(w, http.StatusUnauthorized, "Invalid token provided.")
		return nil, false
	}
	return fake.WithToken(r.Context(), tok), true
}

// project is one entry of GET /_dashboard/projects.
type project struct {
	Slug             string `json:"slug"`
	Name             string `json:"name"`
	OrganizationName string `json:"organization_name"`
}

// serveProjects lists the projects the token can see: those of the seed in the caller's
// organizations and those that pipelines of the organizations ran in, each checked with
// GetProjectBySlug (so deleted ones are left out), sorted by slug.
func (db *Dashboard) serveProjects(w http.ResponseWriter, r *http.Request) {
	ctx, ok := db.authenticate(w, r)
	if !ok {
		return
	}
	collab, err := db.fake.GetCollaborations(ctx, genserver.GetCollaborationsRequestObject{})
	if err != nil {
		writeError(w, err)
		return
	}
	orgs, _ := collab.(genserver.GetCollaborations200JSONResponse)
	var candidates []string
	seed := db.fake.Seed()
	for _, o := range orgs {
		for _, so := range seed.Orgs {
			if !strings.EqualFold(so.Slug, o.Slug) {
				continue
			}
			for _, sp := range so.Projects {
				candidates = append(candidates, so.Slug+"/"+sp.Name)
				if sp.ID != "" {
					candidates = append(candidates, so.Slug+"/"+sp.ID)
				}
			}
		}
		slug := o.Slug
		var token *gen.PageTokenParam
		for range 5 { // the newest 100 pipelines are enough to find the projects in use
			resp, err := db.fake.ListPipelines(ctx, genserver.ListPipelinesRequestObject{Params: gen.ListPipelinesParams{OrgSlug: &slug, PageToken: token}})
			page, ok := resp.(genserver.ListPipelines200JSONResponse)
			if err != nil || !ok {
				break
			}
			for _, pl := range page.Items {
				candidates = append(candidates, pl.ProjectSlug)
			}
			if page.NextPageToken == nil {
				break
			}
			token = page.NextPageToken
		}
	}
	seen := map[uuid.UUID]bool{}
	items := []project{}
	for _, c := range candidates {
		resp, err := db.fake.GetProjectBySlug(ctx, genserver.GetProjectBySlugRequestObject{ProjectSlug: c})
		p, ok := resp.(genserver.GetProjectBySlug200JSONResponse)
		if err != nil || !ok || seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		items = append(items, project{Slug: p.Slug, Name: p.Name, OrganizationName: p.OrganizationName})
	}
	slices.SortFunc(items, func(a, b project) int { return strings.Compare(a.Slug, b.Slug) })
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// snapshot is the data of one state event.
type snapshot struct {
	Now       time.Time      `json:"now"`
	Speed     float64        `json:"speed"`
	Pipelines []gen.Pipeline `json:"pipelines"`
	// Pipeline is the pipeline asked for, whose workflows follow; absent when none was.
	Pipeline  *uuid.UUID      `json:"pipeline,omitempty"`
	Workflows []workflowGraph `json:"workflows"`
}

// workflowGraph is a workflow with its jobs, whose dependencies make the graph.
type workflowGraph struct {
	Workflow gen.Workflow `json:"workflow"`
	Jobs     []gen.Job    `json:"jobs"`
}

// serveEvents streams text/event-stream: a "state" event with the [snapshot] of the project given
// by ?project= (its newest 20 pipelines) and, with ?pipeline=, of that pipeline's workflows and
// their jobs, at once and then each time it differs from the one sent last; a comment line every
// 15 seconds keeps idle connections open. A project or pipeline the token cannot see is a 404
// before the stream starts; one that goes away later (a reset) ends the stream with an "error"
// event.
func (db *Dashboard) serveEvents(w http.ResponseWriter, r *http.Request) {
	ctx, ok := db.authenticate(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	slug := q.Get("project")
	if slug == "" {
		writeMessage(w, http.StatusBadRequest, "project: missing; give a project slug, as in ?project=gh/demo-org/demo-app")
		return
	}
	var pipeline *uuid.UUID
	if s := q.Get("pipeline"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			writeMessage(w, http.StatusBadRequest, "pipeline: "+s+" is not a UUID")
			return
		}
		pipeline = &id
	}
	first, err := db.snapshot(ctx, slug, pipeline)
	if err != nil {
		writeError(w, err)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives a server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	send := func(event string, data []byte) bool {
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("state", first) {
		return
	}
	last := first
	tick := time.NewTicker(db.interval)
	defer tick.Stop()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-db.closed:
			return
		case <-keepalive.C:
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-tick.C:
			next, err := db.snapshot(ctx, slug, pipeline)
			if err != nil {
				msg, _ := json.Marshal(map[string]string{"message": errorMessage(err)})
				send("error", msg)
				return
			}
			if bytes.Equal(next, last) {
				continue
			}
			if !send("state", next) {
				return
			}
			last = next
		}
	}
}

// snapshot reads the state an event carries with the fake's Go methods, which, unlike requests to
// the handler, leave injected faults alone for the page's own requests to meet.
func (db *Dashboard) snapshot(ctx context.Context, slug string, pipeline *uuid.UUID) ([]byte, error) {
	snap := snapshot{Now: db.fake.Now(), Speed: db.fake.Speed(), Pipeline: pipeline, Pipelines: []gen.Pipeline{}, Workflows: []workflowGraph{}}
	resp, err := db.fake.ListPipelinesForProject(ctx, genserver.ListPipelinesForProjectRequestObject{ProjectSlug: slug})
	if err != nil {
		return nil, err
	}
	if page, ok := resp.(genserver.ListPipelinesForProject200JSONResponse); ok {
		snap.Pipelines = page.Items
	}
	if pipeline != nil {
		var token *gen.PageTokenParam
		for {
			resp, err := db.fake.ListWorkflowsByPipelineID(ctx, genserver.ListWorkflowsByPipelineIDRequestObject{PipelineID: *pipeline, Params: gen.ListWorkflowsByPipelineIDParams{PageToken: token}})
			if err != nil {
				return nil, err
			}
			page, _ := resp.(genserver.ListWorkflowsByPipelineID200JSONResponse)
			for _, wf := range page.Items {
				jobs, err := db.jobs(ctx, wf.ID)
				if err != nil {
					return nil, err
				}
				snap.Workflows = append(snap.Workflows, workflowGraph{Workflow: wf, Jobs: jobs})
			}
			if page.NextPageToken == nil {
				break
			}
			token = page.NextPageToken
		}
	}
	return json.Marshal(snap)
}

// jobs returns every job of a workflow, all pages.
func (db *Dashboard) jobs(ctx context.Context, workflow uuid.UUID) ([]gen.Job, error) {
	jobs := []gen.Job{}
	var token *gen.PageTokenParam
	for {
		resp, err := db.fake.ListWorkflowJobs(ctx, genserver.ListWorkflowJobsRequestObject{ID: workflow, Params: gen.ListWorkflowJobsParams{PageToken: token}})
		if err != nil {
			return nil, err
		}
		page, _ := resp.(genserver.ListWorkflowJobs200JSONResponse)
		jobs = append(jobs, page.Items...)
		if page.NextPageToken == nil {
			return jobs, nil
		}
		token = page.NextPageToken
	}
}

// writeError answers an error of a fake method: a *server.Error with its status and message, and
// anything else as a 500 that says so without details.
func writeError(w http.ResponseWriter, err error) {
	var se *server.Error
	if errors.As(err, &se) {
		writeMessage(w, se.Status, errorMessage(err))
		return
	}
	writeMessage(w, http.StatusInternalServerError, "Internal error.")
}

func errorMessage(err error) string {
	var se *server.Error
	if !errors.As(err, &se) {
		return "Internal error."
	}
	if se.Message == "" {
		return http.StatusText(se.Status)
	}
	return se.Message
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}
