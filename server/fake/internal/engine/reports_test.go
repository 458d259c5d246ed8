package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTestCase_Result(t *testing.T) {
	tests := []struct {
		tc   TestCase
		want string // results of runs 1 to 6
	}{
		{TestCase{Outcome: TestPass}, "ssssss"},
		{TestCase{Outcome: TestFail}, "ffffff"},
		{TestCase{Outcome: TestSkipped}, "kkkkkk"},
		{TestCase{Outcome: TestFlaky, Every: 3}, "ssfssf"},
		{TestCase{Outcome: TestFlaky, Every: 1}, "ffffff"},
	}
	short := map[string]string{"success": "s", "failure": "f", "skipped": "k"}
	for _, tt := range tests {
		var got strings.Builder
		for n := 1; n <= 6; n++ {
			got.WriteString(short[tt.tc.Result(n)])
		}
		if got.String() != tt.want {
			t.Errorf("%+v: runs give %s, want %s", tt.tc, got.String(), tt.want)
		}
	}
}

func TestParseConfig_Reports(t *testing.T) {
	job := func(steps string) string {
		return "version: 2.1\njobs:\n  t:\n    docker: [{image: x}]\n    steps:\n" + steps + "workflows:\n  w:\n    jobs: [t]\n"
	}
	cfg, err := ParseConfig(job(`      - checkout
      - store_test_results:
          path: results
          x-fake:
            tests:
              - {classname: c, name: A, file: a.go, run_time: 1.5}
              - {name: B, outcome: flaky, every: 4, run_time: 2}
      - store_artifacts: {path: out/report.html, destination: report.html}
      - store_artifacts: {path: log.txt}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := JobSpec{Tests: []TestCase{
		{Classname: "c", Name: "A", File: "a.go", Outcome: TestPass, Every: 2, RunTime: 1.5, Source: "results"},
		{Name: "B", Outcome: TestFlaky, Every: 4, RunTime: 2, Source: "results"},
	}, Artifacts: []string{"report.html", "log.txt"}}
	got := cfg.Jobs["t"]
	if diff := cmp.Diff(want, JobSpec{Tests: got.Tests, Artifacts: got.Artifacts}); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}

	for _, bad := range []struct{ steps, msg string }{
		{"      - store_artifacts: {destination: x}\n", "store_artifacts needs a path"},
		{"      - store_test_results: {path: r, x-fake: {tests: [{name: A, outcome: sometimes}]}}\n", `test outcome "sometimes"`},
		{"      - store_test_results: {path: r, x-fake: {tests: [{name: A, every: 0}]}}\n", "every must be"},
		{"      - store_test_results: {path: r, x-fake: {tests: [{name: A, run_time: -1}]}}\n", "run_time must be"},
		{"      - store_test_results: {path: r, x-fake: {tests: [{file: a.go}]}}\n", "needs a name"},
		{"      - store_test_results: {path: r, x-fake: {tests: [{name: A, owner: me}]}}\n", `unknown test key "owner"`},
		{"      - store_test_results: {path: r, x-fake: [a]}\n", "must be a map {tests"},
	} {
		if _, err := ParseConfig(job(bad.steps)); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("steps %q: error %v, want one with %q", bad.steps, err, bad.msg)
		}
	}
}
