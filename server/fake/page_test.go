package fake_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// rawPage is any list response: its items left as JSON.
type rawPage struct {
	Items         []json.RawMessage `json:"items"`
	NextPageToken *string           `json:"next_page_token"`
}

// walk reads every page of the list at path and returns its items, the number of pages and the
// token of the second page.
func walk(e *env, path string) (items []string, pages int, second string) {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	tok := ""
	for {
		var pg rawPage
		e.must(200, "GET", path+sep+"page-token="+url.QueryEscape(tok), nil, &pg)
		pages++
		if len(pg.Items) > 20 {
			e.t.Fatalf("GET %s: page of %d items, want at most 20", path, len(pg.Items))
		}
		for _, it := range pg.Items {
			items = append(items, string(it))
		}
		if pg.NextPageToken == nil {
			return items, pages, second
		}
		if *pg.NextPageToken == "" || *pg.NextPageToken == tok {
			e.t.Fatalf("GET %s: next_page_token %q after %q", path, *pg.NextPageToken, tok)
		}
		tok = *pg.NextPageToken
		if pages == 1 {
			second = tok
		}
	}
}

// wideConfig declares a workflow of 25 jobs; the first runs on 25 parallel nodes.
func wideConfig() string {
	var b strings.Builder
	b.WriteString("version: 2.1\njobs:\n")
	for i := range 25 {
		fmt.Fprintf(&b, "  j%02d:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout]\n", i)
		if i == 0 {
			b.WriteString("    parallelism: 25\n")
		}
	}
	b.WriteString("workflows:\n  wide:\n    jobs:\n")
	for i := range 25 {
		fmt.Fprintf(&b, "      - j%02d\n", i)
	}
	return b.String()
}

// TestPagination_EveryList fills each paginated list of the simulated tags past one page, walks it
// page by page, and refuses malformed tokens and tokens of another list.
func TestPagination_EveryList(t *testing.T) {
	t.Parallel()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "wide", Config: wideConfig()})
	e := newEnv(t, fake.WithSeed(seed))
	const wide = "/project/gh/demo-org/wide"

	var prj gen.Project
	e.must(200, "GET", wide, nil, &prj)
	var c gen.Context
	e.must(200, "POST", "/context", map[string]any{"name": "paged", "owner": map[string]any{"slug": "gh/demo-org"}}, &c)
	ctxPath := "/context/" + c.ID.String()
	tt := map[string]any{"per-hour": 1, "hours-of-day": []int{3}, "days-of-week": []string{"MON"}}
	for i := range 25 {
		e.must(201, "POST", wide+"/envvar", map[string]any{"name": fmt.Sprintf("VAR_%02d", i), "value": "secret-value"}, nil)
		e.must(201, "POST", wide+"/checkout-key", map[string]any{"type": "deploy-key"}, nil)
		e.must(201, "POST", "/webhook", map[string]any{"name": fmt.Sprint("w", i), "events": []string{"job-completed"}, "url": "https://hooks.example/ci", "verify-tls": true, "signing-secret": "s3cr3t", "scope": map[string]any{"id": prj.ID, "type": "project"}}, nil)
		e.must(201, "POST", ctxPath+"/restrictions", map[string]any{"restriction_type": "group", "restriction_value": fmt.Sprint("group-", i)}, nil)
		e.must(200, "PUT", ctxPath+fmt.Sprintf("/environment-variable/V_%02d", i), map[string]any{"value": "v"}, nil)
		e.must(200, "POST", "/context", map[string]any{"name": fmt.Sprint("ctx-", i), "owner": map[string]any{"slug": "gh/demo-org"}}, nil)
		e.must(201, "POST", wide+"/schedule", map[string]any{"name": fmt.Sprint("s", i), "timetable": tt, "attribution-actor": "system", "parameters": map[string]any{"branch": "main"}}, nil)
	}
	var pc gen.PipelineCreation
	e.must(201, "POST", wide+"/pipeline", nil, &pc)
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	wfPath := "/workflow/" + wl.Items[0].ID.String() + "/job"
	if err := e.fake.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	var first gen.JobList
	e.must(200, "GET", wfPath, nil, &first)
	if first.Items[0].Name != "j00" || first.Items[0].JobNumber == nil {
		t.Fatalf("first job = %+v, want j00 with a number", first.Items[0])
	}
	jobPath := fmt.Sprintf("%s/%d", wide, *first.Items[0].JobNumber)

	lists := []struct {
		name, path string
		min        int // items the test made; the seed may add more
	}{
		{"envvars", wide + "/envvar", 25},
		{"checkout keys", wide + "/checkout-key?digest=sha256", 25},
		{"workflow jobs", wfPath, 25},
		{"artifacts", jobPath + "/artifacts", 25},
		{"tests", jobPath + "/tests", 75},
		{"webhooks", "/webhook?scope-type=project&scope-id=" + prj.ID.String(), 25},
		{"context restrictions", ctxPath + "/restrictions", 25},
		{"context envvars", ctxPath + "/environment-variable", 25},
		{"contexts", "/context?owner-slug=gh%2Fdemo-org", 26},
		{"schedules", wide + "/schedule", 25},
	}
	seconds := make([]string, len(lists))
	for i, l := range lists {
		items, pages, second := walk(e, l.path)
		seen := map[string]bool{}
		for _, it := range items {
			if seen[it] {
				t.Errorf("%s: item repeated: %s", l.name, it)
			}
			seen[it] = true
		}
		if len(items) < l.min || pages != (len(items)+19)/20 {
			t.Errorf("%s: %d items on %d pages, want at least %d on pages of 20", l.name, len(items), pages, l.min)
		}
		seconds[i] = second
	}
	for i, l := range lists {
		sep := "?"
		if strings.Contains(l.path, "?") {
			sep = "&"
		}
		foreign := seconds[(i+1)%len(lists)]
		for _, bad := range []string{"garbage", seconds[i] + "x", foreign} {
			var msg gen.Error
			if got := e.call(fake.DemoToken, "GET", l.path+sep+"page-token="+url.QueryEscape(bad), nil, &msg); got != 400 || !strings.Contains(msg.Message, "page-token") {
				t.Errorf("%s with page-token %q: %d %q, want 400 about page-token", l.name, bad, got, msg.Message)
			}
		}
	}
}
