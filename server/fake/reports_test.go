package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

const reportsConfig = `version: 2.1
jobs:
  unit:
    docker: [{image: cimg/go:1.26}]
    parallelism: 2
    steps:
      - checkout
      - store_test_results:
          path: test-results
          x-fake:
            tests:
              - {classname: pkg, name: TestStable, file: pkg/a_test.go, run_time: 0.5}
              - {classname: pkg, name: TestFlaky, file: pkg/b_test.go, outcome: flaky, every: 3, run_time: 2}
              - {classname: pkg, name: TestLater, file: pkg/c_test.go, outcome: skipped}
      - store_artifacts: {path: coverage/index.html, destination: coverage.html}
workflows:
  main:
    jobs: [unit]
`

// TestReports checks the tests and artifacts a job declares: results by run (TestFlaky fails on
// every third run, and fails the job then), messages "" unless failed, run_time a number, and
// artifact URLs the fake serves.
func TestReports(t *testing.T) {
	t.Parallel()
	seed := otherSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "reports", Config: reportsConfig})
	e := newEnv(t, fake.WithSeed(seed))
	const slug = "/project/gh/demo-org/reports"
	for run := 1; run <= 3; run++ {
		var pc gen.PipelineCreation
		e.must(201, "POST", slug+"/pipeline", nil, &pc)
		if err := e.fake.Advance(time.Hour); err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Items []map[string]any `json:"items"`
		}
		e.must(200, "GET", fmt.Sprintf("%s/%d/tests", slug, run), nil, &raw)
		results := map[string]string{}
		for _, it := range raw.Items {
			name, _ := it["name"].(string)
			results[name], _ = it["result"].(string)
			msg, isString := it["message"].(string)
			if _, isNumber := it["run_time"].(float64); !isString || !isNumber || (msg == "") != (it["result"] != "failure") {
				t.Errorf("run %d: test %v: want a string message, empty unless failed, and a number run_time", run, it)
			}
		}
		wantFlaky, wantJob := "success", gen.JobDetailsStatusSuccess
		if run == 3 {
			wantFlaky, wantJob = "failure", gen.JobDetailsStatusFailed
		}
		if len(raw.Items) != 3 || results["TestStable"] != "success" || results["TestFlaky"] != wantFlaky || results["TestLater"] != "skipped" {
			t.Errorf("run %d: results %v, want TestFlaky %s", run, results, wantFlaky)
		}
		var jd gen.JobDetails
		e.must(200, "GET", fmt.Sprintf("%s/job/%d", slug, run), nil, &jd)
		if jd.Status != wantJob {
			t.Errorf("run %d: job %s, want %s", run, jd.Status, wantJob)
		}
	}

	var arts gen.ArtifactList
	e.must(200, "GET", slug+"/1/artifacts", nil, &arts)
	if len(arts.Items) != 2 || arts.Items[0].Path != "coverage.html" || arts.Items[1].NodeIndex != 1 {
		t.Fatalf("artifacts = %+v, want coverage.html on nodes 0 and 1", arts.Items)
	}
	for _, a := range arts.Items {
		if !strings.HasPrefix(a.URL, e.ts.HTTP.URL+fake.ControlPath+"artifacts/") {
			t.Errorf("artifact URL %s does not point to the fake", a.URL)
		}
		for _, tt := range []struct {
			header, query string
			want          int
		}{
			{fake.DemoToken, "", 200},
			{"", "?circle-token=" + fake.DemoToken, 200},
			{"", "", 401},
			{"not-a-token", "", 401},
			{"other-token", "", 404}, // another organization's user may not see the job
		} {
			req, err := http.NewRequest("GET", a.URL+tt.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set("Circle-Token", tt.header)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want || (tt.want == 200) != strings.Contains(string(body), "coverage.html") {
				t.Errorf("GET %s (token %q): %d %q, want %d", a.URL+tt.query, tt.header, res.StatusCode, body, tt.want)
			}
		}
	}
	for _, bad := range []struct {
		url  string
		want int
	}{
		{strings.Replace(arts.Items[0].URL, "coverage.html", "other.html", 1), 404},
		{strings.Replace(arts.Items[0].URL, "/0/", "/7/", 1), 404},
		{e.ts.HTTP.URL + fake.ControlPath + "artifacts/00000000-0000-4000-8000-00000000abcd/0/coverage.html", 404},
		{e.ts.HTTP.URL + fake.ControlPath + "artifacts/nope/0/coverage.html", 400},
	} {
		req, err := http.NewRequest("GET", bad.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Circle-Token", fake.DemoToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var msg struct{ Message string }
		_ = json.NewDecoder(res.Body).Decode(&msg)
		res.Body.Close()
		if res.StatusCode != bad.want || msg.Message == "" {
			t.Errorf("GET %s: %d %q, want %d with a message", bad.url, res.StatusCode, msg.Message, bad.want)
		}
	}
}
