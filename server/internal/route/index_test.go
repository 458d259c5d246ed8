package route

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/openapi"
)

// newIndex returns the index of the embedded document that the server uses: the shared one.
func newIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestShared checks that Shared builds one index for the process, of the shared document, with the
// routes New finds in it.
func TestShared(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	if again := newIndex(t); again != ix {
		t.Error("Shared returned two indexes")
	}
	doc, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	own, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ix.Routes()), len(own.Routes()); got != want || got == 0 {
		t.Errorf("shared index has %d routes, New %d", got, want)
	}
	for _, rt := range ix.Routes() {
		if rt.Validation.Spec != doc {
			t.Fatalf("%s %s is a route of another document than the shared one", rt.Method, rt.Path)
		}
	}
}

const id = "5034460f-c7c4-4c43-9457-de07e2029e7b"

func TestIndex_Resolve(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	tests := []struct {
		method, in, wantLeaf, wantRouted string
		wantVals                         []string
	}{
		{"GET", "/me", "/me", "/me", nil},
		{"GET", "/me/", "/me", "/me", nil},
		{"GET", "/pipeline/continue", "/pipeline/continue", "/pipeline/continue", nil},
		{"GET", "/pipeline/" + id, "/pipeline/{pipeline-id}", "/pipeline/" + id, []string{id}},
		{"GET", "/project/gh%2Fo%2Fr/pipeline", "/project/{project-slug}/pipeline", "/project/gh%2Fo%2Fr/pipeline", []string{"gh%2Fo%2Fr"}},
		{"GET", "/project/gh/o/r/pipeline", "/project/{project-slug}/pipeline", "/project/gh%2Fo%2Fr/pipeline", []string{"gh%2Fo%2Fr"}},
		{"GET", "/project/gh/o/r", "/project/{project-slug}", "/project/gh%2Fo%2Fr", []string{"gh%2Fo%2Fr"}},
		{"GET", "/project/gh/o/r/123/artifacts", "/project/{project-slug}/{job-number}/artifacts", "/project/gh%2Fo%2Fr/123/artifacts", []string{"gh%2Fo%2Fr", "123"}},
		// Matches as it is: the three-part route, whatever the method.
		{"POST", "/project/gh/o/r/pipeline/run", "/project/{provider}/{organization}/{project}/pipeline/run", "/project/gh/o/r/pipeline/run", []string{"gh", "o", "r"}},
		{"GET", "/project/gh/o/r/settings", "/project/{provider}/{organization}/{project}/settings", "/project/gh/o/r/settings", []string{"gh", "o", "r"}},
		{"GET", "/insights/gh/o/summary", "/insights/{org-slug}/summary", "/insights/gh%2Fo/summary", []string{"gh%2Fo"}},
		{"GET", "/insights/gh/o/r/workflows", "/insights/{project-slug}/workflows", "/insights/gh%2Fo%2Fr/workflows", []string{"gh%2Fo%2Fr"}},
		{"GET", "/insights/pages/gh/o/r/summary", "/insights/pages/{project-slug}/summary", "/insights/pages/gh%2Fo%2Fr/summary", []string{"gh%2Fo%2Fr"}},
		// "pages" as a project slug is not a literal match: backtrack to the parameter.
		{"GET", "/insights/pages/branches", "/insights/{project-slug}/branches", "/insights/pages/branches", []string{"pages"}},
		// Three raw parts would be an organization route with a project slug: the kind refuses it.
		{"GET", "/organization/gh/o/project", "/organization/{org-slug-or-id}/project", "/organization/gh%2Fo/project", []string{"gh%2Fo"}},
		{"GET", "/organization/circleci/" + id + "/url-orb-allow-list", "/organization/{org-slug-or-id}/url-orb-allow-list", "/organization/circleci%2F" + id + "/url-orb-allow-list", []string{"circleci%2F" + id}},
		// A slug parameter that matches only with a value that is no slug: a repository or organization
		// is named like a route word, and the fold wins.
		{"GET", "/project/gh/pipeline/mine", "/project/{project-slug}", "/project/gh%2Fpipeline%2Fmine", []string{"gh%2Fpipeline%2Fmine"}},
		{"GET", "/project/gh/pipeline/run", "/project/{project-slug}", "/project/gh%2Fpipeline%2Frun", []string{"gh%2Fpipeline%2Frun"}},
		{"GET", "/project/gh/job/5", "/project/{project-slug}", "/project/gh%2Fjob%2F5", []string{"gh%2Fjob%2F5"}},
		{"GET", "/project/gh/o/artifacts", "/project/{project-slug}", "/project/gh%2Fo%2Fartifacts", []string{"gh%2Fo%2Fartifacts"}},
		{"GET", "/project/gh/envvar/X", "/project/{project-slug}", "/project/gh%2Fenvvar%2FX", []string{"gh%2Fenvvar%2FX"}},
		{"GET", "/project/gh/o/pipeline/pipeline/mine", "/project/{project-slug}/pipeline/mine", "/project/gh%2Fo%2Fpipeline/pipeline/mine", []string{"gh%2Fo%2Fpipeline"}},
		{"GET", "/insights/gh/workflows/summary", "/insights/{org-slug}/summary", "/insights/gh%2Fworkflows/summary", []string{"gh%2Fworkflows"}},
		{"GET", "/organization/gh/project", "/organization/{org-slug-or-id}", "/organization/gh%2Fproject", []string{"gh%2Fproject"}},
		{"GET", "/organization/gh/url-orb-allow-list", "/organization/{org-slug-or-id}", "/organization/gh%2Furl-orb-allow-list", []string{"gh%2Furl-orb-allow-list"}},
		// No fold fits: the match as it is stays, for the slug's own error.
		{"GET", "/project/gh/pipeline", "/project/{project-slug}/pipeline", "/project/gh/pipeline", []string{"gh"}},
		{"GET", "/project/gh%2Fo", "/project/{project-slug}", "/project/gh%2Fo", []string{"gh%2Fo"}},
		{"GET", "/insights/pages/branches", "/insights/{project-slug}/branches", "/insights/pages/branches", []string{"pages"}},
		{"GET", "/project/GH%2Fo%2Fr", "/project/{project-slug}", "/project/GH%2Fo%2Fr", []string{"GH%2Fo%2Fr"}},
		{"GET", "/organization/gh", "/organization/{org-slug-or-id}", "/organization/gh", []string{"gh"}},
		// Well-formed as it is, so kept although a fold would match too: the three-part route wins.
		{"POST", "/project/gh/o/r/pipeline/run/", "/project/{provider}/{organization}/{project}/pipeline/run", "/project/gh/o/r/pipeline/run", []string{"gh", "o", "r"}},
		{"GET", "/project/gh%2F..%2Fr", "/project/{project-slug}", "/project/gh%2F..%2Fr", []string{"gh%2F..%2Fr"}},
		{"GET", "/project/%67h%2Fo%2Fr", "/project/{project-slug}", "/project/%67h%2Fo%2Fr", []string{"%67h%2Fo%2Fr"}},
		{"GET", "/organization/" + id, "/organization/{org-slug-or-id}", "/organization/" + id, []string{id}},
		// Escaped slugs unfolded onto the three-part routes.
		{"GET", "/project/gh%2Fo%2Fr/settings", "/project/{provider}/{organization}/{project}/settings", "/project/gh/o/r/settings", []string{"gh", "o", "r"}},
		{"PATCH", "/project/github%2fo%2fr/settings/", "/project/{provider}/{organization}/{project}/settings", "/project/github/o/r/settings", []string{"github", "o", "r"}},
		{"GET", "/project/gh%2Fo/r/settings", "/project/{provider}/{organization}/{project}/settings", "/project/gh/o/r/settings", []string{"gh", "o", "r"}},
		{"GET", "/project/gh/o%2Fr/settings", "/project/{provider}/{organization}/{project}/settings", "/project/gh/o/r/settings", []string{"gh", "o", "r"}},
		// The path as it is matches a route that does not serve the method; the unfolded one does.
		{"POST", "/project/gh%2Fo%2Fr/pipeline/run", "/project/{provider}/{organization}/{project}/pipeline/run", "/project/gh/o/r/pipeline/run", []string{"gh", "o", "r"}},
		// No reading serves the method: the first that matched, for a 405.
		{"DELETE", "/project/gh/o/r/settings", "/project/{provider}/{organization}/{project}/settings", "/project/gh/o/r/settings", []string{"gh", "o", "r"}},
		{"DELETE", "/project/gh%2Fo%2Fr/settings", "/project/{provider}/{organization}/{project}/settings", "/project/gh/o/r/settings", []string{"gh", "o", "r"}},
		{"PUT", "/project/gh%2Fo%2Fr/pipeline/run", "/project/{project-slug}/pipeline/{pipeline-number}", "/project/gh%2Fo%2Fr/pipeline/run", []string{"gh%2Fo%2Fr", "run"}},
		// Half-escaped slugs folded.
		{"GET", "/project/gh%2Fo/r/pipeline", "/project/{project-slug}/pipeline", "/project/gh%2Fo%2Fr/pipeline", []string{"gh%2Fo%2Fr"}},
		{"GET", "/project/gh/o%2Fr/pipeline", "/project/{project-slug}/pipeline", "/project/gh%2Fo%2Fr/pipeline", []string{"gh%2Fo%2Fr"}},
		{"GET", "/project/gh%2Fo/r", "/project/{project-slug}", "/project/gh%2Fo%2Fr", []string{"gh%2Fo%2Fr"}},
		{"GET", "/project/gh%2Fo/pipeline", "/project/{project-slug}", "/project/gh%2Fo%2Fpipeline", []string{"gh%2Fo%2Fpipeline"}},
		{"GET", "/insights/gh%2Fo/r/workflows", "/insights/{project-slug}/workflows", "/insights/gh%2Fo%2Fr/workflows", []string{"gh%2Fo%2Fr"}},
		// Escaped slashes beyond a slug are never unfolded.
		{"GET", "/project/gh%2Fo%2Fr%2Fpipeline", "/project/{project-slug}", "/project/gh%2Fo%2Fr%2Fpipeline", []string{"gh%2Fo%2Fr%2Fpipeline"}},
		{"GET", "/insights/gh%2Fo%2Fsummary", "", "/insights/gh%2Fo%2Fsummary", nil},
		// Raw but not the intended route: an organization "org" with a repository "pipeline" and a
		// route word "mine" is no route; the project gh/org/pipeline has no /mine.
		{"GET", "/project/gh/org/pipeline/mine", "", "/project/gh/org/pipeline/mine", nil},
		{"GET", "/project/gl/o/r/pipeline", "", "/project/gl/o/r/pipeline", nil},
		{"GET", "/nothing", "", "/nothing", nil},
		{"GET", "", "", "", nil},
		{"GET", "/project//pipeline", "", "/project//pipeline", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.in, func(t *testing.T) {
			t.Parallel()
			leaf, vals, routed := ix.Resolve(tt.method, tt.in, nil)
			got := ""
			if leaf != nil {
				got = leaf.Path
			}
			if got != tt.wantLeaf || routed != tt.wantRouted {
				t.Errorf("Resolve(%s, %q) = %q, routed %q; want %q, %q", tt.method, tt.in, got, routed, tt.wantLeaf, tt.wantRouted)
			}
			if leaf != nil {
				if diff := cmp.Diff(tt.wantVals, vals); diff != "" {
					t.Errorf("values (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestIndex_everyRoute(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	for _, rt := range ix.Routes() {
		p := rt.Path
		for _, name := range rt.Leaf.Params {
			p = strings.Replace(p, "{"+name+"}", "x-"+name, 1)
		}
		leaf, _, _ := ix.Resolve(rt.Method, p, nil)
		if leaf != rt.Leaf || leaf.Route(rt.Method) != rt {
			t.Errorf("%s %s: resolved to %v", rt.Method, p, leaf)
		}
	}
}

// BenchmarkIndex_Resolve shows that finding the operation does not depend on where the route is in the
// document: the first and the last operation cost the same; a raw slug costs a fold.
func BenchmarkIndex_Resolve(b *testing.B) {
	ix := newIndex(b)
	for _, bc := range []struct{ name, method, path string }{
		{"first", "GET", "/me"},
		{"last", "PATCH", "/org/" + id + "/project/" + id + "/oidc-custom-claims"},
		{"escaped-slug", "GET", "/project/gh%2Fo%2Fr/pipeline"},
		{"raw-slug", "GET", "/project/gh/o/r/pipeline"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var buf [6]string
			b.ReportAllocs()
			for b.Loop() {
				if leaf, _, _ := ix.Resolve(bc.method, bc.path, buf[:0]); leaf == nil {
					b.Fatal("no match")
				}
			}
		})
	}
}

// BenchmarkIndex_ResolveCrafted resolves long made-up paths of slug-like segments, which match no
// route: the cost per segment must stay flat as the path grows (ns/seg), however many segments look
// like slugs.
func BenchmarkIndex_ResolveCrafted(b *testing.B) {
	ix := newIndex(b)
	for _, seg := range []string{"gh%2Fa%2Fb", "gh"} {
		for _, n := range []int{100, 1000, 10000} {
			path := "/project" + strings.Repeat("/"+seg, n)
			b.Run(fmt.Sprintf("%s/segs=%d", seg, n), func(b *testing.B) {
				var buf [6]string
				for b.Loop() {
					if leaf, _, _ := ix.Resolve("GET", path, buf[:0]); leaf != nil {
						b.Fatalf("matched %s", leaf.Path)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/seg")
			})
		}
	}
}

func TestIndex_Resolve_longPaths(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	tests := []struct {
		name, path string
		want       string // leaf path, "" for no match
	}{
		{"deep raw slug", "/project/gh/o/r/7/artifacts", "/project/{project-slug}/{job-number}/artifacts"},
		{"deepest raw slug", "/insights/gh/o/r/workflows/build/test-metrics", "/insights/{project-slug}/workflows/{workflow-name}/test-metrics"},
		{"raw slug, route words", "/project/gh/o/r/pipeline/mine", "/project/{project-slug}/pipeline/mine"},
		{"escaped slugs repeated", "/project" + strings.Repeat("/gh%2Fa%2Fb", 50), ""},
		{"prefixes repeated", "/project" + strings.Repeat("/gh", 50), ""},
		{"long slug after a route", "/project/gh/o/r/pipeline" + strings.Repeat("/gh", 20), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leaf, _, _ := ix.Resolve("GET", tt.path, nil)
			got := ""
			if leaf != nil {
				got = leaf.Path
			}
			if got != tt.want {
				t.Errorf("Resolve(%.60q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestIndex_ServiceErrors(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	tests := []struct {
		in   string
		want bool
	}{
		{"/owner/" + id + "/context/c/nothing", true},
		{"/owner/" + id + "/context/c/policy-bundle/p/more", true},
		{"/owner", true},
		{"/owner//context", true},
		{"/org/" + id + "/nothing", true},
		{"/org/" + id + "/project/" + id + "/nothing", true},
		{"/organization/gh%2Fo/nothing", false},
		{"/context/" + id + "/nothing", false},
		{"/nothing", false},
		{"/", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ix.ServiceErrors(tt.in); got != tt.want {
			t.Errorf("ServiceErrors(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	// A leaf is a service path exactly when all of its operations are.
	for _, rt := range ix.Routes() {
		all := true
		for _, r := range rt.Leaf.Routes() {
			all = all && r.ServiceErrors
		}
		if got := rt.Leaf.ServiceErrors(); got != all {
			t.Errorf("%s: Leaf.ServiceErrors() = %v, want %v", rt.Leaf.Path, got, all)
		}
	}
}

func TestLeaf_ForAndAllow(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	tests := []struct {
		path, method, wantMethod, wantAllow string
	}{
		{"/context/" + id, "HEAD", "GET", "DELETE, GET, HEAD"},
		{"/context/" + id, "GET", "GET", "DELETE, GET, HEAD"},
		{"/context/" + id, "PUT", "", "DELETE, GET, HEAD"},
		{"/pipeline/continue", "HEAD", "", "POST"},
		{"/pipeline/continue", "POST", "POST", "POST"},
	}
	for _, tt := range tests {
		leaf, _, _ := ix.Resolve(tt.method, tt.path, nil)
		if leaf == nil {
			t.Errorf("%s %s: no leaf", tt.method, tt.path)
			continue
		}
		got := ""
		if rt := leaf.For(tt.method); rt != nil {
			got = rt.Method
		}
		if got != tt.wantMethod || leaf.Allow() != tt.wantAllow {
			t.Errorf("%s %s: For = %q, Allow %q; want %q, %q", tt.method, tt.path, got, leaf.Allow(), tt.wantMethod, tt.wantAllow)
		}
	}
}
