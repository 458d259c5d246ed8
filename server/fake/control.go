package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/internal/slug"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// Fault makes the next Count requests that match Method and Path answer badly, so a client's retry
// logic can be tested: Status 429 (with a Retry-After header) or a 5xx, after waiting Delay. A Fault
// with only a Delay slows the requests down and lets them through.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string `json:"method,omitempty"`
	// Path matches the path under the API base (e.g. "/me" or "/project/gh/demo-org/demo-app/pipeline"),
	// escaped or not, with or without a trailing slash; a trailing "*" matches any path with that
	// prefix; empty matches every path. A project slug after /project/, whole or (in a prefix) cut
	// short, matches in any form the API takes: gh/org/repo matches gh%2Forg%2Frepo and
	// github/org/repo (bb and bitbucket likewise), names compared without regard to case.
	Path string `json:"path,omitempty"`
	// Status is 429 or 500–599; 0 lets the request through after Delay.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent in whole seconds (rounded up) as Retry-After with a 429 or 503. A 429 without
	// it sends [DefaultRetryAfter], as a rate limit always says when to come back.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// Delay is waited before answering (or passing the request on); the wait ends early if the
	// client goes away, and when the fake is closed ([Server.Close]).
	Delay time.Duration `json:"delay,omitempty"`
	// Count is how many matching requests the fault affects; it must be at least 1.
	Count int `json:"count"`

	path   string // Path without its trailing "*", made canonical by canonicalPath
	prefix bool   // Path ended in "*"
}

// DefaultRetryAfter is the Retry-After a 429 [Fault] sends when it gives no RetryAfter.
const DefaultRetryAfter = time.Second

// UnmarshalJSON accepts retry_after and delay as Go duration strings ("2s") or nanoseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	type plain Fault
	var aux struct {
		plain
		RetryAfter json.RawMessage `json:"retry_after,omitempty"`
		Delay      json.RawMessage `json:"delay,omitempty"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*f = Fault(aux.plain)
	var err error
	if f.RetryAfter, err = parseDuration(aux.RetryAfter); err != nil {
		return fmt.Errorf("retry_after: %w", err)
	}
	if f.Delay, err = parseDuration(aux.Delay); err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	return nil
}

func parseDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.ParseDuration(s)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, errors.New(`want a duration such as "1.5s" or nanoseconds`)
	}
	return time.Duration(n), nil
}

func (f Fault) check() error {
	switch {
	case f.Count < 1:
		return errors.New("fault: count must be at least 1")
	case f.Status != 0 && f.Status != http.StatusTooManyRequests && (f.Status < 500 || f.Status > 599):
		return fmt.Errorf("fault: status %d is neither 429 nor 5xx", f.Status)
	case f.Status == 0 && f.Delay <= 0:
		return errors.New("fault: give a status, a delay or both")
	case f.RetryAfter < 0 || f.Delay < 0:
		return errors.New("fault: durations must not be negative")
	}
	return nil
}

// matches reports whether the fault applies to a request whose path under the API base, made
// canonical by [canonicalPath], is path.
func (f *Fault) matches(r *http.Request, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.prefix {
		return strings.HasPrefix(path, f.path)
	}
	return f.Path == "" || f.path == path
}

// canonicalPath returns a path under the API base (a request's, a fault's, or a fault's prefix) in
// the one form faults and requests are compared in: unescaped, and with the project slug after /project/ (written as one escaped segment, three segments or half escaped,
// and in a prefix possibly cut short) in lower case with the provider normalised, github to gh and
// bitbucket to bb.
func canonicalPath(p string) string {
	p = unescape(p)
	rest, ok := strings.CutPrefix(p, "/project/")
	if !ok {
		return p
	}
	segs := strings.SplitN(rest, "/", 4)
	for i := range min(3, len(segs)) { // the slug's parts; the rest of the path keeps its case
		segs[i] = strings.ToLower(segs[i])
	}
	if vcs, ok := slug.NormalizeVCS(segs[0]); ok {
		segs[0] = string(vcs)
	}
	return "/project/" + strings.Join(segs, "/")
}

// trimSlash drops one trailing slash, as the API routes "/x/" like "/x".
func trimSlash(p string) string {
	if len(p) > 1 {
		return strings.TrimSuffix(p, "/")
	}
	return p
}

// unescape undoes the percent-encoding of a path, or leaves it be when it is not valid.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// faults holds the injected faults in the order they were added.
type faults struct {
	mu   sync.Mutex
	list []*Fault
}

// take returns a copy of the first fault that matches the request and counts it used.
func (fs *faults) take(r *http.Request, escapedPath string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.list) == 0 {
		return Fault{}, false // the usual case: no path to make canonical
	}
	path := canonicalPath(trimSlash(escapedPath))
	for i, f := range fs.list {
		if f.matches(r, path) {
			out := *f
			if f.Count--; f.Count == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
			return out, true
		}
	}
	return Fault{}, false
}

// InjectFault adds a fault; faults are matched in the order they were added.
func (s *Server) InjectFault(f Fault) error {
	if err := f.check(); err != nil {
		return err
	}
	p, prefix := strings.CutSuffix(f.Path, "*")
	if !prefix {
		p = trimSlash(p) // a prefix keeps its trailing slash
	}
	f.path, f.prefix = canonicalPath(p), prefix
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = append(s.faults.list, &f)
	return nil
}

// ClearFaults removes every fault not used up yet.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
}

// injectFaults is the middleware that applies faults to requests under base.
func (s *Server) injectFaults(base string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		under, ok := strings.CutPrefix(r.URL.EscapedPath(), base)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		f, ok := s.faults.take(r, under)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-s.closed:
				t.Stop()
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Status == 0 {
			next.ServeHTTP(w, r)
			return
		}
		retry := f.RetryAfter
		if retry == 0 && f.Status == http.StatusTooManyRequests {
			retry = DefaultRetryAfter
		}
		if retry > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
			secs := int64((retry + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		msg := "Injected fault: " + http.StatusText(f.Status) + "."
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded (injected by circleci-fake)."
		}
		// Both keys: {"message": …} is the error body of most operations and {"error": …} that of
		// the Policy Management and OIDC Token Management ones, as the server kit writes them.
		writeJSON(w, f.Status, map[string]string{"message": msg, "error": msg})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errNotFound marks the errors of test controls that name something the fake does not have.
var errNotFound = errors.New("not found")

// SetJobOutcome makes the job with that name (its name in the workflow: the name: alias if it has
// one) end with outcome ("success", "failed", "infrastructure_fail" or "timedout") in the project's
// future workflows and in its unfinished ones where the job has not finished yet. The job must be a
// build job of the project's config or of one of its unfinished workflows; an unknown project or job
// is an error that wraps a not-found error (which /_fake/job-outcome answers with 404), an invalid
// outcome or an approval job another error (400).
func (s *Server) SetJobOutcome(projectSlug, jobName, outcome string) error {
	o := engine.Outcome(outcome)
	if !o.Valid() {
		return fmt.Errorf("fake: outcome %q: want success, failed, infrastructure_fail or timedout", outcome)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := projectKey(projectSlug)
	p := s.st.projectsBySlug[key]
	if !ok || p == nil {
		return fmt.Errorf("fake: project %q: %w", projectSlug, errNotFound)
	}
	switch s.jobType(p, jobName) {
	case "":
		return fmt.Errorf("fake: job %q is not in the config of project %s: %w", jobName, p.slug, errNotFound)
	case engine.TypeApproval:
		return fmt.Errorf("fake: job %q is an approval job: approve or cancel it instead of setting its outcome", jobName)
	}
	p.outcomes[jobName] = o
	for w := range s.st.running {
		if w.project == p {
			w.run.Advance(s.now())
			_ = w.run.SetOutcome(jobName, o) // ErrNotFound (no such job) and ErrStopped (finished) leave it be
		}
	}
	return nil
}

// jobType returns the type of the job with a name in p's config or in one of its unfinished
// workflows (which may run a continued config), or "" when there is none; the caller holds s.mu.
func (s *Server) jobType(p *project, name string) string {
	typ := ""
	scan := func(spec engine.WorkflowSpec) {
		for _, j := range spec.Jobs {
			if j.Name == name && typ != engine.TypeBuild {
				typ = j.Type
			}
		}
	}
	if p.config != nil {
		for _, spec := range p.config.AllWorkflows {
			scan(spec)
		}
	}
	for w := range s.st.running {
		if w.project == p {
			scan(w.run.Spec())
		}
	}
	return typ
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

// controlHandler serves the test controls under /_fake/:
//
//	GET  /_fake/clock                         {"now": "…"}
//	POST /_fake/clock/advance                 {"duration": "90s"} → {"now": "…"}
//	POST /_fake/job-outcome                   {"project": "gh/o/r", "job": "deploy", "outcome": "failed"}
//	POST /_fake/faults                        a Fault, e.g. {"path": "/me", "status": 429, "retry_after": "2s", "count": 1}
//	DELETE /_fake/faults                      removes every fault
//	GET  /_fake/pipelines/{id}/continuation-key  {"continuation_key": "…"}
//
// Errors are 4xx JSON {"message": …}.
func (s *Server) controlHandler() http.Handler {
	mux := http.NewServeMux()
	decode := func(w http.ResponseWriter, r *http.Request, v any) bool {
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "invalid JSON body: " + err.Error()})
			return false
		}
		return true
	}
	mux.HandleFunc("GET /_fake/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
	})
	mux.HandleFunc("POST /_fake/clock/advance", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Duration string `json:"duration"`
		}
		if !decode(w, r, &body) {
			return
		}
		d, err := time.ParseDuration(body.Duration)
		if err == nil {
			err = s.Advance(d)
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "duration: " + err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
	})
	mux.HandleFunc("POST /_fake/job-outcome", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Project, Job, Outcome string }
		if !decode(w, r, &body) {
			return
		}
		if err := s.SetJobOutcome(body.Project, body.Job, body.Outcome); err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, errNotFound) {
				status = http.StatusNotFound
			}
			writeJSON(w, status, map[string]string{"message": strings.TrimPrefix(err.Error(), "fake: ")})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": "Outcome set."})
	})
	mux.HandleFunc("POST /_fake/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if !decode(w, r, &f) {
			return
		}
		if err := s.InjectFault(f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"message": "Fault added."})
	})
	mux.HandleFunc("DELETE /_fake/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]string{"message": "Faults cleared."})
	})
	mux.HandleFunc("GET /_fake/pipelines/{id}/continuation-key", func(w http.ResponseWriter, r *http.Request) {
		id, err := uuid.Parse(r.PathValue("id"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "the pipeline id must be a UUID"})
			return
		}
		key, ok := s.ContinuationKey(id)
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "The pipeline has no unused continuation key."})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"continuation_key": key})
	})
	mux.HandleFunc("/_fake/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Unknown control endpoint " + r.Method + " " + r.URL.Path + "."})
	})
	return mux
}

// Handler returns the fake served as circleci.com answers: the API through server.New under
// /api/v2 (opts are passed on; the fake authenticates tokens itself), the injected faults in front of
// it, and the test controls under /_fake/.
func (s *Server) Handler(opts ...server.Option) (http.Handler, error) {
	api, err := server.New(s, append([]server.Option{server.WithAuthenticator(s)}, opts...)...)
	if err != nil {
		return nil, err
	}
	control := s.controlHandler()
	faulty := s.injectFaults(server.DefaultBasePath, api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			control.ServeHTTP(w, r)
			return
		}
		faulty.ServeHTTP(w, r)
	}), nil
}

var _ server.Authenticator = (*Server)(nil)
