package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// valuesOf serves pipeline values from a map.
func valuesOf(m map[string]any) Values {
	return func(name string) (any, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// branchValues are the values of a pipeline on a branch or, when tag is not empty, on a tag.
func branchValues(branch, tag string) Values {
	return valuesOf(map[string]any{"pipeline.git.branch": branch, "pipeline.git.tag": tag, "pipeline.number": int64(7)})
}

const filterConfig = `version: 2.1
parameters:
  release: {type: string, default: "release/.*"}
jobs:
  j: {}
workflows:
  w:
    jobs:
      - j: {name: build}
      - j:
          name: main-only
          filters: {branches: {only: main}}
      - j:
          name: not-main-or-dev
          filters: {branches: {ignore: [main, /dev-.*/]}}
      - j:
          name: release
          filters:
            branches:
              only: /<< pipeline.parameters.release >>/
      - j:
          name: features-but-skip
          filters: {branches: {only: /feature-.*/, ignore: feature-skip}}
      - j:
          name: v-tags
          filters: {tags: {only: /v.*/}}
      - j:
          name: v-tags-only
          filters: {tags: {only: /v.*/}, branches: {ignore: /.*/}}
      - j:
          name: tags-but-beta
          filters: {tags: {ignore: /.*-beta/}}
      - j:
          name: no-tags
          filters: {tags: {}}
      - j:
          name: after-main-only
          requires: [main-only]
      - j:
          name: after-build-and-main-only
          requires: [build, {main-only: failed}]
      - j:
          name: after-v-tags
          requires: [v-tags]
          filters: {tags: {only: /.*/}}
  tags-only:
    jobs:
      - j:
          filters: {tags: {only: /.*/}, branches: {ignore: /.*/}}
`

// TestConfig_Filters checks which jobs of a workflow run on branches and tags.
func TestConfig_Filters(t *testing.T) {
	t.Parallel()
	c, params := mustResolve(t, filterConfig)
	tests := []struct {
		name        string
		branch, tag string
		want        map[string][]string // workflow → jobs
	}{
		{"main", "main", "", map[string][]string{"w": {"build", "main-only", "v-tags", "tags-but-beta", "no-tags", "after-main-only", "after-build-and-main-only", "after-v-tags"}}},
		{"dev branch", "dev-42", "", map[string][]string{"w": {"build", "v-tags", "tags-but-beta", "no-tags", "after-build-and-main-only", "after-v-tags"}}},
		{"release branch", "release/1.2", "", map[string][]string{"w": {"build", "not-main-or-dev", "release", "v-tags", "tags-but-beta", "no-tags", "after-build-and-main-only", "after-v-tags"}}},
		{"regex matches whole name", "x-release/1.2", "", map[string][]string{"w": {"build", "not-main-or-dev", "v-tags", "tags-but-beta", "no-tags", "after-build-and-main-only", "after-v-tags"}}},
		{"feature", "feature-1", "", map[string][]string{"w": {"build", "not-main-or-dev", "features-but-skip", "v-tags", "tags-but-beta", "no-tags", "after-build-and-main-only", "after-v-tags"}}},
		{"ignore after only", "feature-skip", "", map[string][]string{"w": {"build", "not-main-or-dev", "v-tags", "tags-but-beta", "no-tags", "after-build-and-main-only", "after-v-tags"}}},
		{"v tag", "", "v1.0.0", map[string][]string{"w": {"v-tags", "v-tags-only", "tags-but-beta", "after-v-tags"}, "tags-only": {"j"}}},
		{"beta tag", "", "v2.0-beta", map[string][]string{"w": {"v-tags", "v-tags-only", "after-v-tags"}, "tags-only": {"j"}}},
		{"other tag", "", "nightly", map[string][]string{"w": {"tags-but-beta"}, "tags-only": {"j"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := jobsThatRun(c, params, branchValues(tt.branch, tt.tag), func(w WorkflowSpec) {
				// Every run of a filtered spec must work: start it and let it finish.
				run := NewWorkflow(w, t0, nil, nil)
				run.Advance(at(24 * time.Hour))
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("jobs that run (-want +got):\n%s", diff)
			}
		})
	}
}

// jobsThatRun maps the name of each workflow that runs with params and values to the names of its
// jobs, calling each (when not nil) with every workflow.
func jobsThatRun(c *Config, params map[string]any, values Values, each func(WorkflowSpec)) map[string][]string {
	got := map[string][]string{}
	for _, w := range c.Workflows(params, values) {
		for _, j := range w.Jobs {
			got[w.Name] = append(got[w.Name], j.Name)
		}
		if each != nil {
			each(w)
		}
	}
	return got
}

// TestConfig_FiltersDropRequirements checks that a job keeps the requirements that remain and
// their statuses, and that filtered specs are shared between pipelines filtered alike.
func TestConfig_FiltersDropRequirements(t *testing.T) {
	t.Parallel()
	c, params := mustResolve(t, filterConfig)
	ws := c.Workflows(params, branchValues("dev-1", ""))
	var after JobRef
	for _, j := range ws[0].Jobs {
		if j.Name == "after-build-and-main-only" {
			after = j
		}
	}
	if diff := cmp.Diff([]string{"build"}, after.Requires); diff != "" {
		t.Errorf("requires (-want +got):\n%s", diff)
	}
	if got := after.Statuses(0); !cmp.Equal(got, []string{StatusSuccess}) {
		t.Errorf("statuses of build = %v, want [success]", got)
	}
	again := c.Workflows(params, branchValues("dev-2", ""))
	if ws[0].graph != again[0].graph {
		t.Error("two pipelines filtered alike do not share the filtered spec")
	}
	plain := mustParse(t, "jobs: {j: {}}\nworkflows: {w: {jobs: [j]}}\n")
	if ws := plain.Workflows(nil, branchValues("main", "")); ws[0].graph != plain.AllWorkflows[0].graph {
		t.Error("a pipeline that filters nothing out does not run the config's own spec")
	}
}

// TestConfig_FiltersJavaSyntax checks regular expressions that CircleCI (Java) accepts and Go's
// RE2 does not: lookahead and backreferences, in filters and in a matches condition.
func TestConfig_FiltersJavaSyntax(t *testing.T) {
	t.Parallel()
	c := mustParse(t, `version: 2.1
jobs:
  j: {}
workflows:
  w:
    jobs:
      - j:
          name: not-main
          filters: {branches: {only: /^(?!main$).*/}}
      - j:
          name: doubled-start
          filters: {branches: {only: /(.)\1.*/}}
  not-wip:
    when:
      matches: {pattern: "(?!wip-).*", value: << pipeline.git.branch >>}
    jobs: [j]
`)
	tests := []struct {
		branch string
		want   map[string][]string
	}{
		{"main", map[string][]string{"not-wip": {"j"}}},
		{"mainline", map[string][]string{"w": {"not-main"}, "not-wip": {"j"}}},
		{"aab", map[string][]string{"w": {"not-main", "doubled-start"}, "not-wip": {"j"}}},
		{"wip-1", map[string][]string{"w": {"not-main"}}},
	}
	for _, tt := range tests {
		t.Run(tt.branch, func(t *testing.T) {
			t.Parallel()
			got := jobsThatRun(c, nil, branchValues(tt.branch, ""), nil)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("jobs that run (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConfig_FilterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, filters, want string
	}{
		{"not a map", `[main]`, "filters must be a map"},
		{"unknown filter", `{commits: {only: main}}`, `unknown filter "commits"`},
		{"branches not a map", `{branches: main}`, "filters.branches must be a map"},
		{"unknown key", `{tags: {except: v1}}`, `unknown key "except"`},
		{"bad regex", `{branches: {only: "/(/"}}`, "regular expression /(/"},
		{"map pattern", `{branches: {only: {a: b}}}`, "want a name, a /regular expression/ or a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "jobs: {j: {}}\nworkflows:\n  w:\n    jobs:\n      - j:\n          filters: " + tt.filters + "\n"
			_, err := ParseConfig(src)
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(ce.Msg, tt.want) || ce.Line != 6 {
				t.Errorf("ParseConfig = %v, want a ConfigError on line 6 mentioning %q", err, tt.want)
			}
		})
	}
	// An expression filter is accepted and not simulated: the job runs everywhere.
	c := mustParse(t, "jobs: {j: {}}\nworkflows:\n  w:\n    jobs:\n      - j:\n          filters: pipeline.git.branch == \"main\"\n")
	if ws := c.Workflows(nil, branchValues("dev", "")); len(ws) != 1 || len(ws[0].Jobs) != 1 {
		t.Errorf("expression filter: workflows %+v, want the job", ws)
	}
}

// TestConfig_PipelineValues checks that pipeline values reach when/unless and the compiled config.
func TestConfig_PipelineValues(t *testing.T) {
	t.Parallel()
	src := `parameters:
  env: {type: string, default: dev}
jobs:
  j:
    steps:
      - run: echo << pipeline.git.branch >> << pipeline.git.tag >> << pipeline.number >> << pipeline.parameters.env >> << pipeline.unknown >>
workflows:
  on-main:
    when: {equal: [main, << pipeline.git.branch >>]}
    jobs: [j]
  on-tag:
    when: << pipeline.git.tag >>
    jobs: [j]
  number-7:
    when: {equal: [7, << pipeline.number >>]}
    jobs: [j]
  text:
    when: {equal: ["main-dev", "<< pipeline.git.branch >>-<< pipeline.parameters.env >>"]}
    jobs: [j]
  release-branch:
    unless:
      not: {matches: {pattern: "release/.*", value: << pipeline.git.branch >>}}
    jobs: [j]
  unknown-is-empty:
    when: {equal: ["", << pipeline.unknown >>]}
    jobs: [j]
`
	c, params := mustResolve(t, src)
	tests := []struct {
		name        string
		branch, tag string
		compiled    string
		workflows   []string
	}{
		{"main", "main", "", "echo main  7 dev << pipeline.unknown >>", []string{"on-main", "number-7", "text", "unknown-is-empty"}},
		{"release branch", "release/2", "", "echo release/2  7 dev << pipeline.unknown >>", []string{"number-7", "release-branch", "unknown-is-empty"}},
		{"tag", "", "v1", "echo  v1 7 dev << pipeline.unknown >>", nil}, // no job has a tags filter
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vals := branchValues(tt.branch, tt.tag)
			if got := c.Compile(params, vals); !strings.Contains(got, "- run: "+tt.compiled+"\n") {
				t.Errorf("compiled config lacks %q:\n%s", tt.compiled, got)
			}
			var got []string
			for _, w := range c.Workflows(params, vals) {
				got = append(got, w.Name)
			}
			if diff := cmp.Diff(tt.workflows, got); diff != "" {
				t.Errorf("workflows (-want +got):\n%s", diff)
			}
		})
	}
	// when/unless on a tag, before filters: the on-tag workflow is selected by its when.
	for _, w := range c.AllWorkflows {
		if w.Name == "on-tag" && !w.Runs(params, branchValues("", "v1")) {
			t.Error("on-tag does not run with a tag")
		}
	}
}
