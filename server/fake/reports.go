package fake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
)

// What finished jobs report: the tests and artifacts their config declares (store_test_results
// with an x-fake list of tests, store_artifacts), and the artifacts served under ControlPath.

// jobDef returns the definition of the job j runs, from the config its pipeline ran.
func (st *state) jobDef(pl *pipeline, jobName string) engine.JobSpec {
	if cfg := st.configs.at(pl.config); cfg != nil {
		return cfg.Jobs[jobName]
	}
	return engine.JobSpec{}
}

// declaredRun numbers a new build job that declares tests among the project's runs of its name
// and, when a test fails on that run, makes a job that would succeed fail, as a failing test fails
// a job; jobs that declare no tests cost one map lookup. The caller holds s.mu.
func (s *Server) declaredRun(p *project, pl *pipeline, run *engine.Workflow, j *job) {
	ref := &run.Spec().Jobs[j.index]
	tests := s.st.jobDef(pl, ref.Job).Tests
	if len(tests) == 0 {
		return
	}
	if p.jobRuns == nil {
		p.jobRuns = map[string]int32{}
	}
	p.jobRuns[ref.Name]++
	j.ordinal = p.jobRuns[ref.Name]
	outcome := ref.Outcome
	if o := p.outcomes[ref.Name]; o.Valid() {
		outcome = o
	}
	if outcome != engine.OutcomeSuccess {
		return
	}
	for _, tc := range tests {
		if tc.Result(int(j.ordinal)) == "failure" {
			_ = run.SetOutcome(ref.Name, engine.OutcomeFailed) // the job has not run yet
			return
		}
	}
}

// jobTests returns the test results a finished build job reports: each test its
// store_test_results steps declare, with the result its outcome pattern gives on the job's run.
// A job that failed although none of its declared tests did reports its last test as failed. The
// message is "" unless the test failed, never null, as the live API sends it.
func (s *Server) jobTests(j *job, js engine.JobState) []gen.TestResult {
	if j.reusedFrom != nil {
		j = j.reusedFrom
	}
	def := s.st.jobDef(j.workflow.pipeline, js.Job)
	out := make([]gen.TestResult, 0, len(def.Tests))
	failed := false
	for _, tc := range def.Tests {
		tr := gen.TestResult{Classname: tc.Classname, File: tc.File, Name: tc.Name, Result: tc.Result(int(j.ordinal)), RunTime: tc.RunTime, Source: tc.Source, Message: ptr("")}
		if tr.Result == "failure" {
			failed = true
			tr.Message = ptr(fmt.Sprintf("%s failed on run %d of job %s", tc.Name, j.ordinal, js.Name))
		}
		out = append(out, tr)
	}
	if n := len(out); n > 0 && !failed && js.Status != engine.StatusSuccess {
		out[n-1].Result = "failure"
		out[n-1].Message = ptr(fmt.Sprintf("%s failed: job %s ended %s", out[n-1].Name, js.Name, js.Status))
	}
	return out
}

// artifacts returns what a finished job uploaded: each path its store_artifacts steps declare,
// once per parallel node. Called through [Server.Handler], the URLs point to the fake, which serves
// them under ControlPath; called from Go, to where circleci.com keeps artifacts.
func (s *Server) artifacts(ctx context.Context, j *job, js engine.JobState) []gen.Artifact {
	def := s.st.jobDef(j.workflow.pipeline, js.Job)
	base := "https://output.circle-artifacts.com/output/job/" + j.id.String() + "/artifacts/"
	if origin, ok := ctx.Value(requestOriginKey{}).(string); ok {
		base = origin + ControlPath + "artifacts/" + j.id.String() + "/"
	}
	var items []gen.Artifact
	for node := range max(js.Parallelism, 1) {
		for _, path := range def.Artifacts {
			items = append(items, gen.Artifact{NodeIndex: int64(node), Path: path, URL: base + strconv.Itoa(node) + "/" + escapePath(path)})
		}
	}
	return items
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// serveArtifact answers GET /_fake/artifacts/{job-id}/{node}/{path...}: a short text that names the
// artifact, its job and node, for an artifact a finished job declares; 404 otherwise. Like
// circleci.com's artifact host, it asks for no token: the job ID is the secret.
func (s *Server) serveArtifact(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("job"))
	node, nerr := strconv.Atoi(r.PathValue("node"))
	if err != nil || nerr != nil || node < 0 {
		writeMessage(w, http.StatusBadRequest, "an artifact URL is /_fake/artifacts/<job UUID>/<node index>/<path>")
		return
	}
	path := r.PathValue("path")
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.st.jobByID(id)
	if ok {
		s.advance(j.workflow)
	}
	var js engine.JobState
	if ok {
		js = j.state()
	}
	// As on CircleCI, downloading an artifact takes the API token of a member of the project's
	// organization, in the Circle-Token header or the circle-token query parameter; a job the token
	// may not see is not found.
	tok := r.Header.Get("Circle-Token")
	if tok == "" {
		tok = r.URL.Query().Get("circle-token")
	}
	u := s.st.usersByToken[tok]
	if tok == "" || u == nil {
		writeMessage(w, http.StatusUnauthorized, "An artifact is downloaded with an API token: send it as Circle-Token or ?circle-token=.")
		return
	}
	if !ok || !u.member(j.workflow.project.org) || !finished(js) || node >= max(js.Parallelism, 1) {
		writeMessage(w, http.StatusNotFound, "Artifact not found.")
		return
	}
	for _, p := range s.st.jobDef(j.workflow.pipeline, js.Job).Artifacts {
		if p == path {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "circleci-fake artifact %s of job %s (#%d), node %d\n", path, js.Name, j.number, node)
			return
		}
	}
	writeMessage(w, http.StatusNotFound, "Artifact not found.")
}
