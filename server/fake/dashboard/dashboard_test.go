package dashboard_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/dashboard"
	"github.com/cikit/circleci-go/server/servertest"
)

// env is a demo fake behind its dashboard on httptest, the API's answers validated against the
// document, on a wall clock that stands still at speed 0: simulated time moves only when told.
type env struct {
	fake *fake.Server
	dash *dashboard.Dashboard
	http *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvControl(t, "")
}

// newEnvControl is newEnv whose controls, given a control token, answer 401 to a request without
// "Authorization: Bearer <token>", as circleci-fake -control-token does; its fake sends webhooks
// to loopback addresses.
func newEnvControl(t *testing.T, control string) *env {
	t.Helper()
	wall := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	f, err := fake.New(fake.WithIDSource(fake.SequentialIDs()), fake.WithClock(fake.ClockFunc(func() time.Time { return wall })), fake.WithInsecureLoopbackWebhooks())
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		t.Fatal(err)
	}
	checked := servertest.Handler(t, h)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fake.IsControlPath(r.URL.Path) {
			if control != "" && r.Header.Get("Authorization") != "Bearer "+control {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"message":"the controls need the control token"}`)
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	})
	d, err := dashboard.New(f, next, dashboard.WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(d)
	t.Cleanup(hs.Close)
	t.Cleanup(func() { _ = d.Close(); _ = f.Close() }) // runs first: open streams end
	return &env{fake: f, dash: d, http: hs}
}

func (e *env) get(t *testing.T, path, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Circle-Token", token)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// TestDashboard_Paths checks what each path answers: the page and its assets to anyone, the
// dashboard's endpoints only with a known token, JSON errors naming the problem, and everything
// else passed on to the fake.
func TestDashboard_Paths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name, method, path, token string
		status                    int
		contentType, contains     string
	}{
		{"page", "GET", "/", "", 200, "text/html", `<script src="/_dashboard/app.js" defer>`},
		{"page HEAD", "HEAD", "/", "", 200, "text/html", ""},
		{"script", "GET", "/_dashboard/app.js", "", 200, "text/javascript", "sessionStorage"},
		{"style", "GET", "/_dashboard/style.css", "", 200, "text/css", ".node"},
		{"unknown asset", "GET", "/_dashboard/index.html", "", 404, "application/json", "the page is at /"},
		{"post to the page", "POST", "/", "", 405, "application/json", "allowed: GET, HEAD"},
		{"projects without token", "GET", "/_dashboard/projects", "", 401, "application/json", "Circle-Token"},
		{"projects bad token", "GET", "/_dashboard/projects", "nope", 401, "application/json", "Invalid token"},
		{"projects", "GET", "/_dashboard/projects", fake.DemoToken, 200, "application/json", `"slug":"gh/demo-org/demo-app"`},
		{"events without project", "GET", "/_dashboard/events", fake.DemoToken, 400, "application/json", "project: missing"},
		{"events bad pipeline", "GET", "/_dashboard/events?project=gh/demo-org/demo-app&pipeline=x", fake.DemoToken, 400, "application/json", "not a UUID"},
		{"events unknown project", "GET", "/_dashboard/events?project=gh/demo-org/nope", fake.DemoToken, 404, "application/json", "message"},
		{"events unknown pipeline", "GET", "/_dashboard/events?project=gh/demo-org/demo-app&pipeline=00000000-0000-4000-8000-00000000ffff", fake.DemoToken, 404, "application/json", "message"},
		{"the API passes through", "GET", "/api/v2/me", fake.DemoToken, 200, "application/json", `"login":"demo-user"`},
		{"the controls pass through", "GET", "/_fake/clock", "", 200, "application/json", `"now"`},
		{"other paths pass through", "GET", "/favicon.ico", "", 404, "application/json", "message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), tt.method, e.http.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				req.Header.Set("Circle-Token", tt.token)
			}
			resp, err := e.http.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) || !strings.Contains(string(body), tt.contains) {
				t.Errorf("%s %s = %d %q %.300s; want %d %s containing %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tt.status, tt.contentType, tt.contains)
			}
		})
	}
}

// TestDashboard_Projects lists the demo projects the demo user sees and one made over the API.
func TestDashboard_Projects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.http.URL+"/api/v2/organization/gh/demo-org/project", strings.NewReader(`{"name": "made-later"}`))
	req.Header.Set("Circle-Token", fake.DemoToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("create project: %d", resp.StatusCode)
	}
	var got struct{ Items []struct{ Slug string } }
	if err := json.NewDecoder(e.get(t, "/_dashboard/projects", fake.DemoToken).Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, p := range got.Items {
		slugs = append(slugs, p.Slug)
	}
	// A project with no pipeline and not in the seed is found only once it runs one.
	want := []string{fake.DemoCircleCIProjectSlug, fake.DemoProjectSlug}
	if diff := cmp.Diff(want, slugs); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
}

type event struct {
	name string
	data string
}

// readEvent reads the next event of a text/event-stream, skipping comments.
func readEvent(t *testing.T, r *bufio.Reader) event {
	t.Helper()
	var ev event
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the stream: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "" && ev.name != "":
			return ev
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.data += strings.TrimPrefix(line, "data: ")
		}
	}
}

type snapshot struct {
	Now       time.Time
	Pipelines []struct {
		Number int
		ID     string
	}
	Workflows []struct {
		Workflow struct{ Name, Status string }
		Jobs     []struct {
			Name, Status string
			Dependencies []string
		}
	}
}

// TestDashboard_Events follows a pipeline through the event stream: a state at once, then one when
// the clock moved (the ticks between send nothing), and an error event when a
// reset makes the pipeline go away.
func TestDashboard_Events(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.http.URL+"/api/v2/project/gh/demo-org/demo-app/pipeline", strings.NewReader(`{"branch": "main"}`))
	req.Header.Set("Circle-Token", fake.DemoToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var made struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&made)
	resp.Body.Close()

	stream := e.get(t, "/_dashboard/events?project=gh/demo-org/demo-app&pipeline="+made.ID, fake.DemoToken)
	if resp.StatusCode != 201 || stream.StatusCode != 200 || stream.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("trigger %d, stream %d %q", resp.StatusCode, stream.StatusCode, stream.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(stream.Body)
	read := func() snapshot {
		t.Helper()
		ev := readEvent(t, r)
		if ev.name != "state" {
			t.Fatalf("event %q %s, want state", ev.name, ev.data)
		}
		var s snapshot
		if err := json.Unmarshal([]byte(ev.data), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	jobs := func(s snapshot) map[string]string {
		m := map[string]string{}
		for _, w := range s.Workflows {
			for _, j := range w.Jobs {
				m[w.Workflow.Name+"/"+j.Name] = j.Status
			}
		}
		return m
	}
	first := read()
	if len(first.Pipelines) != 1 || first.Pipelines[0].ID != made.ID || len(first.Workflows) != 1 {
		t.Fatalf("first state: %+v", first)
	}
	wantDeps := map[string]int{"build": 0, "test": 1, "hold": 1, "deploy": 1}
	for _, j := range first.Workflows[0].Jobs {
		if len(j.Dependencies) != wantDeps[j.Name] {
			t.Errorf("job %s has %d dependencies, want %d", j.Name, len(j.Dependencies), wantDeps[j.Name])
		}
	}
	want := map[string]string{"build-test-deploy/build": "queued", "build-test-deploy/test": "blocked", "build-test-deploy/hold": "blocked", "build-test-deploy/deploy": "blocked"}
	if diff := cmp.Diff(want, jobs(first)); diff != "" {
		t.Errorf("first state (-want +got):\n%s", diff)
	}
	if err := e.fake.Advance(31 * time.Second); err != nil {
		t.Fatal(err)
	}
	next := read() // only the change makes an event: the ticks before it sent nothing
	want["build-test-deploy/build"], want["build-test-deploy/test"] = "success", "queued"
	if diff := cmp.Diff(want, jobs(next)); diff != "" || next.Now.Sub(first.Now) != 31*time.Second {
		t.Errorf("after 30s, %v later (-want +got):\n%s", next.Now.Sub(first.Now), diff)
	}
	if err := e.fake.Reset(); err != nil {
		t.Fatal(err)
	}
	if ev := readEvent(t, r); ev.name != "error" || !strings.Contains(ev.data, "message") {
		t.Errorf("after a reset: event %q %s, want an error with a message", ev.name, ev.data)
	}
	if _, err := r.ReadString('\n'); err != io.EOF {
		t.Errorf("the stream goes on after its error event: %v", err)
	}
}

// TestDashboard_Close ends an open stream.
func TestDashboard_Close(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	stream := e.get(t, "/_dashboard/events?project=gh/demo-org/demo-app", fake.DemoToken)
	r := bufio.NewReader(stream.Body)
	if ev := readEvent(t, r); ev.name != "state" {
		t.Fatalf("first event %q", ev.name)
	}
	if err := e.dash.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err != nil {
		t.Errorf("reading to the end after Close: %v", err)
	}
}

func TestNew_Errors(t *testing.T) {
	t.Parallel()
	f, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	for name, build := range map[string]func() (*dashboard.Dashboard, error){
		"nil fake":    func() (*dashboard.Dashboard, error) { return dashboard.New(nil, http.NotFoundHandler()) },
		"nil handler": func() (*dashboard.Dashboard, error) { return dashboard.New(f, nil) },
		"zero interval": func() (*dashboard.Dashboard, error) {
			return dashboard.New(f, http.NotFoundHandler(), dashboard.WithPollInterval(0))
		},
		"negative interval": func() (*dashboard.Dashboard, error) {
			return dashboard.New(f, http.NotFoundHandler(), dashboard.WithPollInterval(-time.Second))
		},
	} {
		if _, err := build(); err == nil {
			t.Errorf("%s: New succeeded, want an error", name)
		}
	}
}
