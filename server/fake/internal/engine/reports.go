package engine

import "strconv"

// Test outcome patterns a declared test case follows run after run.
const (
	TestPass    = "pass"    // always succeeds
	TestFail    = "fail"    // always fails
	TestFlaky   = "flaky"   // fails on every Every-th run of its job, succeeds otherwise
	TestSkipped = "skipped" // always skipped
)

// TestCase is a test a job reports, declared under the x-fake extension of a store_test_results
// step: x-fake: {tests: [{classname, name, file, outcome, every, run_time}]}.
type TestCase struct {
	Classname, Name, File string
	// Outcome is TestPass (the default), TestFail, TestFlaky or TestSkipped.
	Outcome string
	// Every is the period of a flaky test: it fails on runs Every, 2×Every, … of its job (default 2).
	Every int
	// RunTime is how long the test runs, in seconds.
	RunTime float64
	// Source is the path of the store_test_results step that declares the test.
	Source string
}

// Result is the result the test reports in the n-th run of its job (n counted from 1): success,
// failure or skipped.
func (t TestCase) Result(n int) string {
	switch t.Outcome {
	case TestFail:
		return "failure"
	case TestSkipped:
		return "skipped"
	case TestFlaky:
		if n%max(t.Every, 1) == 0 {
			return "failure"
		}
	}
	return "success"
}

// parseReports reads the store_test_results and store_artifacts steps of a job definition into j:
// the test cases their x-fake extension declares, and the artifact paths (destination, else path).
func parseReports(def *node, j *JobSpec) error {
	steps := def.get("steps")
	if steps == nil || steps.kind != kindSeq {
		return nil
	}
	what := "job " + strconv.Quote(j.Name)
	for _, step := range steps.vals {
		if step.kind != kindMap || len(step.keys) != 1 {
			continue
		}
		body := step.vals[0]
		switch step.keys[0] {
		case "store_artifacts":
			if body.kind != kindMap {
				return errAt(step, "%s: store_artifacts must be a map with a path", what)
			}
			path := body.get("path")
			if path == nil || path.kind != kindString || path.str == "" {
				return errAt(body, "%s: store_artifacts needs a path", what)
			}
			p := path.str
			if d := body.get("destination"); d != nil && d.kind == kindString && d.str != "" {
				p = d.str
			}
			j.Artifacts = append(j.Artifacts, p)
		case "store_test_results":
			if body.kind != kindMap {
				continue
			}
			fake := body.get("x-fake")
			if fake == nil || fake.kind == kindNull {
				continue
			}
			tests := fake.get("tests")
			if fake.kind != kindMap || tests == nil || tests.kind != kindSeq {
				return errAt(fake, "%s: the x-fake of store_test_results must be a map {tests: [...]}", what)
			}
			for _, tn := range tests.vals {
				tc, err := parseTestCase(tn, what)
				if err != nil {
					return err
				}
				if p := body.get("path"); p != nil && p.kind == kindString {
					tc.Source = p.str
				}
				j.Tests = append(j.Tests, tc)
			}
		}
	}
	return nil
}

func parseTestCase(n *node, what string) (TestCase, error) {
	tc := TestCase{Outcome: TestPass, Every: 2}
	if n.kind != kindMap {
		return tc, errAt(n, "%s: a declared test must be a map {classname, name, file, outcome, every, run_time}", what)
	}
	for i, k := range n.keys {
		v := n.vals[i]
		switch k {
		case "classname", "name", "file":
			if v.kind != kindString {
				return tc, errAt(v, "%s: test %s must be a string", what, k)
			}
			switch k {
			case "classname":
				tc.Classname = v.str
			case "name":
				tc.Name = v.str
			default:
				tc.File = v.str
			}
		case "outcome":
			switch v.str {
			case TestPass, TestFail, TestFlaky, TestSkipped:
				tc.Outcome = v.str
			default:
				return tc, errAt(v, "%s: test outcome %q must be pass, fail, flaky or skipped", what, v.str)
			}
		case "every":
			if v.kind != kindInt || v.i < 1 || v.i > 1<<20 {
				return tc, errAt(v, "%s: test every must be a whole number of runs, at least 1", what)
			}
			tc.Every = int(v.i)
		case "run_time":
			switch {
			case v.kind == kindInt && v.i >= 0:
				tc.RunTime = float64(v.i)
			case v.kind == kindFloat && v.f >= 0:
				tc.RunTime = v.f
			default:
				return tc, errAt(v, "%s: test run_time must be a number of seconds, at least 0", what)
			}
		default:
			return tc, errAt(v, "%s: unknown test key %q (want classname, name, file, outcome, every, run_time)", what, k)
		}
	}
	if tc.Name == "" {
		return tc, errAt(n, "%s: a declared test needs a name", what)
	}
	return tc, nil
}
