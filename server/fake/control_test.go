package fake_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/server/fake"
	"github.com/google/go-cmp/cmp"
)

// TestControl_JobOutcome checks /_fake/job-outcome: known build jobs only, 404 for an unknown project
// or job, 400 for an approval job or an unknown outcome.
func TestControl_JobOutcome(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name                  string
		project, job, outcome string
		want                  int
	}{
		{"build job", fake.DemoProjectSlug, "deploy", "failed", 200},
		{"other slug form", "github/demo-org/demo-app", "test", "timedout", 200},
		{"job of another workflow", fake.DemoCircleCIProjectSlug, "report", "infrastructure_fail", 200},
		{"unknown job", fake.DemoProjectSlug, "depoly", "failed", 404},
		{"unknown project", "gh/demo-org/nope", "deploy", "failed", 404},
		{"approval job", fake.DemoProjectSlug, "hold", "failed", 400},
		{"unknown outcome", fake.DemoProjectSlug, "deploy", "exploded", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e.mustControl(tt.want, "POST", "/_fake/job-outcome", map[string]any{"project": tt.project, "job": tt.job, "outcome": tt.outcome}, nil)
		})
	}
}

// TestControl_Clock reads and advances the simulated clock over /_fake/clock.
func TestControl_Clock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var before, after struct{ Now time.Time }
	e.mustControl(200, "GET", "/_fake/clock", nil, &before)
	if !before.Now.Equal(e.fake.Now()) {
		t.Errorf("GET /_fake/clock = %v, want %v", before.Now, e.fake.Now())
	}
	e.mustControl(200, "POST", "/_fake/clock/advance", map[string]any{"duration": "90s"}, &after)
	if d := e.fake.Now().Sub(before.Now); d != 90*time.Second || !after.Now.Equal(e.fake.Now()) {
		t.Errorf("clock moved %v and answered %v, want 90s and %v", d, after.Now, e.fake.Now())
	}
	// 2562047h is about the largest duration: added to the 90 s it would wrap the clock backwards.
	for _, bad := range []map[string]any{{"duration": "-1s"}, {"duration": "soon"}, {"seconds": 90}, {"duration": "876001h"}, {"duration": "2562047h"}} {
		if status := e.control("POST", "/_fake/clock/advance", bad, nil); status != 400 {
			t.Errorf("advance %v: %d, want 400", bad, status)
		}
	}
	if !e.fake.Now().Equal(after.Now) {
		t.Errorf("refused advances moved the clock from %v to %v", after.Now, e.fake.Now())
	}
}

// listedControl is an entry of GET /_fake/.
type listedControl struct {
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Body        json.RawMessage `json:"body"`
	Description string          `json:"description"`
}

// TestControl_Listing checks that GET /_fake/ lists every control with a description, that each
// listed control answers something other than the catch-all 404 (with its example body, a made-up
// id in its path), that the catch-all names the listing, and that a listed path asked with a method
// it does not serve is a JSON 405 with an Allow header of the methods it does.
func TestControl_Listing(t *testing.T) {
	t.Parallel()
	var listing struct{ Controls []listedControl }
	newEnv(t).mustControl(200, "GET", "/_fake/", nil, &listing)
	if len(listing.Controls) < 8 {
		t.Fatalf("GET /_fake/ lists %d controls: %+v", len(listing.Controls), listing.Controls)
	}
	seen := map[string]bool{}
	for _, c := range listing.Controls {
		if seen[c.Method+" "+c.Path] || c.Description == "" || !strings.HasPrefix(c.Path, fake.ControlPath) {
			t.Errorf("entry %+v: listed twice, without a description or outside %s", c, fake.ControlPath)
		}
		seen[c.Method+" "+c.Path] = true
		t.Run(c.Method+" "+c.Path, func(t *testing.T) {
			t.Parallel()
			var body any
			if len(c.Body) > 0 {
				if err := json.Unmarshal(c.Body, &body); err != nil {
					t.Fatalf("example body %s: %v", c.Body, err)
				}
			}
			path := strings.ReplaceAll(c.Path, "{id}", "00000000-0000-4000-8000-00000000abcd")
			var msg struct{ Message string }
			status := newEnv(t).control(c.Method, path, body, &msg)
			if status == 404 && strings.HasPrefix(msg.Message, "Unknown control endpoint") || status >= 500 {
				t.Errorf("%s %s with %s: %d %q, want the control's answer", c.Method, path, c.Body, status, msg.Message)
			}
		})
	}
	for _, want := range []string{"GET /_fake/", "POST /_fake/faults", "DELETE /_fake/faults", "POST /_fake/reset", "GET /_fake/clock"} {
		if !seen[want] {
			t.Errorf("GET /_fake/ does not list %s", want)
		}
	}

	tests := []struct {
		method, path string
		want         int
		allow        string // the Allow header of a 405
	}{
		{"GET", "/_fake/nope", 404, ""},
		{"GET", "/_fake/pipelines/x/y", 404, ""},
		{"PUT", "/_fake/clock", 405, "GET, HEAD"},
		{"GET", "/_fake/clock/advance", 405, "POST"},
		{"POST", "/_fake/", 405, "GET, HEAD"},
		{"GET", "/_fake/reset", 405, "POST"},
		{"GET", "/_fake/faults", 405, "DELETE, POST"},
		{"PUT", "/_fake/pipelines/x/continuation-key", 405, "GET, HEAD"},
		{"HEAD", "/_fake/clock", 200, ""}, // served by GET, as the Allow of PUT says
	}
	e := newEnv(t)
	for _, tt := range tests {
		var msg struct{ Message string }
		status, h := e.send("", tt.method, e.ts.HTTP.URL+tt.path, nil, &msg)
		switch {
		case status != tt.want || h.Get("Allow") != tt.allow || h.Get("Content-Type") != "application/json":
			t.Errorf("%s %s: %d with Allow %q and Content-Type %q, want %d with Allow %q as JSON", tt.method, tt.path, status, h.Get("Allow"), h.Get("Content-Type"), tt.want, tt.allow)
		case status == 404 && !strings.Contains(msg.Message, "GET /_fake/ lists them"):
			t.Errorf("%s %s: 404 %q, want the catch-all naming GET /_fake/", tt.method, tt.path, msg.Message)
		case status == 405 && !strings.Contains(msg.Message, "Method "+tt.method+" is not allowed here; allowed: "+tt.allow+"."):
			t.Errorf("%s %s: 405 %q, want a message naming the method and the allowed ones", tt.method, tt.path, msg.Message)
		}
	}
}

// TestControl_MalformedPath checks that a path under /_fake/ with an empty segment or a "." or ".."
// segment, escaped or not, is a JSON 400, instead of ServeMux's redirect to the cleaned path (an HTML
// 307) or its 404.
func TestControl_MalformedPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		method, path string
	}{
		{"GET", "/_fake//clock"},
		{"GET", "/_fake//"},
		{"POST", "/_fake/clock//advance"},
		{"GET", "/_fake/./clock"},
		{"GET", "/_fake/."},
		{"GET", "/_fake/clock/.."},
		{"GET", "/_fake/nope/../clock"},
		{"GET", "/_fake/%2e%2e/clock"},
		{"GET", "/_fake/../api/v2/me"},
		{"GET", "/_fake/pipelines/%2E/continuation-key"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			var msg struct{ Message string }
			status, h := e.send("", tt.method, e.ts.HTTP.URL+tt.path, nil, &msg)
			if status != 400 || h.Get("Content-Type") != "application/json" || !strings.Contains(msg.Message, "empty or dot segment") {
				t.Errorf("%s %s: %d %s %q, want a JSON 400 about the segment", tt.method, tt.path, status, h.Get("Content-Type"), msg.Message)
			}
		})
	}
}

// TestIsControlPath checks which paths are the controls' and that Handler routes by it: a control
// path it does not know is the controls' 404, any other path the API's answer.
func TestIsControlPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		path    string
		control bool
	}{
		{"/_fake/", true},
		{"/_fake/clock", true},
		{"/_fake/no/such/control", true},
		{"/_fake", false},
		{"/_fakes/clock", false},
		{"/api/v2/_fake/clock", false},
		{"/api/v2/me", false},
	}
	for _, tt := range tests {
		if got := fake.IsControlPath(tt.path); got != tt.control {
			t.Errorf("IsControlPath(%q) = %v, want %v", tt.path, got, tt.control)
		}
		// The API's answers, its 404s included, carry the server kit's request ID; the controls' do not.
		status, h := e.send(fake.DemoToken, "GET", e.ts.HTTP.URL+tt.path, nil, nil)
		if byControls := h.Get("X-Request-Id") == ""; byControls != tt.control {
			t.Errorf("GET %s answered %d: by the controls %v, want %v", tt.path, status, byControls, tt.control)
		}
	}
}

// TestControl_FaultsExample checks the listing's entry for POST /_fake/faults: its example body gives
// every field of a Fault and is accepted, and its description says what a fault with only a delay
// does.
func TestControl_FaultsExample(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var listing struct{ Controls []listedControl }
	e.mustControl(200, "GET", "/_fake/", nil, &listing)
	i := slices.IndexFunc(listing.Controls, func(c listedControl) bool { return c.Method == "POST" && c.Path == "/_fake/faults" })
	if i < 0 {
		t.Fatal("GET /_fake/ does not list POST /_fake/faults")
	}
	c := listing.Controls[i]
	var body map[string]any
	if err := json.Unmarshal(c.Body, &body); err != nil {
		t.Fatalf("example body %s: %v", c.Body, err)
	}
	var want, got []string
	for f := range reflect.TypeFor[fake.Fault]().Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() {
			want = append(want, name)
		}
	}
	for k := range body {
		got = append(got, k)
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields of the example body (-Fault +example):\n%s", diff)
	}
	if !strings.Contains(c.Description, "only a delay lets") {
		t.Errorf("description %q does not say what a delay-only fault does", c.Description)
	}
	e.mustControl(201, "POST", "/_fake/faults", body, nil)
}
