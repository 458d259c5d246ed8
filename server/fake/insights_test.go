package fake_test

import (
	"testing"

	"github.com/cikit/circleci-go/server/fake"
)

// insightsConfig runs two workflows a pipeline: ci (four jobs of three resource classes, one of
// them parallel) and lint-only.
const insightsConfig = `version: 2.1
jobs:
  build:
    docker: [{image: cimg/go:1.26}]
    resource_class: large
    steps: [checkout]
    x-fake: {duration: 45s}
  test:
    docker: [{image: cimg/go:1.26}]
    parallelism: 2
    steps: [checkout]
    x-fake: {duration: 2m}
  lint:
    docker: [{image: cimg/go:1.26}]
    resource_class: small
    steps: [checkout]
    x-fake: {duration: 20s}
  deploy:
    machine: true
    steps: [checkout]
    x-fake: {duration: 30s}
workflows:
  ci:
    jobs:
      - build
      - test: {requires: [build]}
      - lint: {requires: [build]}
      - deploy: {requires: [test, lint]}
  lint-only:
    jobs: [lint]
`

const insightsSlug = "gh/demo-org/insights-app"

// insightsEnv serves a fake whose demo organization has the insights-app project, with a history.
func insightsEnv(t *testing.T, h fake.History) *env {
	t.Helper()
	seed := otherSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "insights-app", Config: insightsConfig})
	e := newEnv(t, fake.WithSeed(seed))
	if err := e.fake.History(insightsSlug, h); err != nil {
		t.Fatal(err)
	}
	return e
}

// exerciseInsights calls every Insights operation once, for TestConformance.
func exerciseInsights(e *env) {
	e.t.Helper()
	e.must(200, "GET", "/insights/gh%2Fdemo-org/summary?reporting-window=last-7-days&project-names=demo-app", nil, nil)
	e.must(200, "GET", "/insights/pages/gh/demo-org/demo-app/summary?branches=main", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows?all-branches=true", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy?branch=release", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy/jobs", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy/summary", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/workflows/build-test-deploy/test-metrics", nil, nil)
	e.must(200, "GET", "/insights/time-series/gh/demo-org/demo-app/workflows/build-test-deploy/jobs?granularity=hourly", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/branches", nil, nil)
	e.must(200, "GET", "/insights/gh/demo-org/demo-app/flaky-tests", nil, nil)
}
