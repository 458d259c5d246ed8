package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// demoConfig has parameters of every type, two workflows selected by
// parameters, an approval, an alias and a failing job.
const demoConfig = `version: 2.1
orbs:
  node: circleci/node@5.0.0
parameters:
  run-deploy:
    type: boolean
    default: false
  env:
    type: enum
    enum: [dev, prod]
    default: dev
  shards:
    type: integer
    default: 2
  greeting:
    type: string
    default: hello
executors:
  mac:
    macos: {xcode: "15.0"}
    resource_class: macos.m1.medium.gen1
jobs:
  build:
    docker:
      - image: cimg/go:1.26
    resource_class: large
    parallelism: 4
    steps: [checkout, {run: "echo << pipeline.parameters.greeting >>"}]
  test:
    executor: mac
    x-fake: {duration: 20s}
  deploy:
    machine: true
    x-fake: {outcome: failed, duration: 30}
workflows:
  ci:
    unless: << pipeline.parameters.run-deploy >>
    jobs:
      - build
      - test:
          requires: [build]
      - test:
          name: test-again
          requires: [build]
  release:
    when:
      and:
        - << pipeline.parameters.run-deploy >>
        - equal: [prod, << pipeline.parameters.env >>]
    jobs:
      - build
      - hold:
          type: approval
          requires: [build]
      - deploy:
          requires: [hold]
          x-fake: {outcome: success}
`

func mustParse(t testing.TB, src string) *Config {
	t.Helper()
	c, err := ParseConfig(src)
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	return c
}

// mustResolve parses src and resolves the defaults of its parameters, failing t on an error.
func mustResolve(t testing.TB, src string) (*Config, map[string]any) {
	t.Helper()
	c := mustParse(t, src)
	params, err := c.ResolveParameters(nil)
	if err != nil {
		t.Fatalf("ResolveParameters: %v", err)
	}
	return c, params
}

func TestParseConfig_Demo(t *testing.T) {
	t.Parallel()
	c := mustParse(t, demoConfig)

	wantParams := map[string]ParamSpec{
		"run-deploy": {Name: "run-deploy", Type: ParamBoolean, Default: false, HasDefault: true},
		"env":        {Name: "env", Type: ParamEnum, Default: "dev", HasDefault: true, Enum: []string{"dev", "prod"}},
		"shards":     {Name: "shards", Type: ParamInteger, Default: int64(2), HasDefault: true},
		"greeting":   {Name: "greeting", Type: ParamString, Default: "hello", HasDefault: true},
	}
	if diff := cmp.Diff(wantParams, c.Parameters); diff != "" {
		t.Errorf("Parameters (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"run-deploy", "env", "shards", "greeting"}, c.ParameterNames); diff != "" {
		t.Errorf("ParameterNames (-want +got):\n%s", diff)
	}
	wantJobs := map[string]JobSpec{
		"build":  {Name: "build", Executor: "docker", ResourceClass: "large", Parallelism: 4, Outcome: OutcomeSuccess, Duration: DefaultDuration},
		"test":   {Name: "test", Executor: "macos", ResourceClass: "macos.m1.medium.gen1", Parallelism: 1, Outcome: OutcomeSuccess, Duration: 20 * time.Second},
		"deploy": {Name: "deploy", Executor: "machine", ResourceClass: DefaultResourceClass, Parallelism: 1, Outcome: OutcomeFailed, Duration: 30 * time.Second},
	}
	if diff := cmp.Diff(wantJobs, c.Jobs); diff != "" {
		t.Errorf("Jobs (-want +got):\n%s", diff)
	}
	build := JobRef{Name: "build", Job: "build", Type: TypeBuild, Executor: "docker", ResourceClass: "large", Parallelism: 4, Outcome: OutcomeSuccess, Duration: DefaultDuration}
	test := JobRef{Name: "test", Job: "test", Type: TypeBuild, Requires: []string{"build"}, Executor: "macos", ResourceClass: "macos.m1.medium.gen1", Parallelism: 1, Outcome: OutcomeSuccess, Duration: 20 * time.Second}
	testAgain := test
	testAgain.Name = "test-again"
	want := []WorkflowSpec{
		{Name: "ci", Jobs: []JobRef{build, test, testAgain}},
		{Name: "release", Jobs: []JobRef{
			build,
			{Name: "hold", Job: "hold", Type: TypeApproval, Requires: []string{"build"}, Outcome: OutcomeSuccess},
			{Name: "deploy", Job: "deploy", Type: TypeBuild, Requires: []string{"hold"}, Executor: "machine", ResourceClass: DefaultResourceClass, Parallelism: 1, Outcome: OutcomeSuccess, Duration: 30 * time.Second},
		}},
	}
	if diff := cmp.Diff(want, c.AllWorkflows, cmpopts.IgnoreUnexported(WorkflowSpec{}, JobRef{})); diff != "" {
		t.Errorf("AllWorkflows (-want +got):\n%s", diff)
	}
}

func TestParseConfig_Shapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []WorkflowSpec
	}{
		{
			name: "anchors and merge keys",
			src: `defaults: &defaults
  docker: [{image: x}]
  x-fake: {outcome: failed}
jobs:
  a:
    <<: *defaults
    resource_class: small
  b:
    <<: *defaults
    x-fake: {duration: 1m}
workflows:
  w: {jobs: [a, {b: {requires: [a]}}]}
`,
			want: []WorkflowSpec{{Name: "w", Jobs: []JobRef{
				{Name: "a", Job: "a", Type: TypeBuild, Executor: "docker", ResourceClass: "small", Parallelism: 1, Outcome: OutcomeFailed, Duration: DefaultDuration},
				{Name: "b", Job: "b", Type: TypeBuild, Requires: []string{"a"}, Executor: "docker", ResourceClass: DefaultResourceClass, Parallelism: 1, Outcome: OutcomeSuccess, Duration: time.Minute},
			}}},
		},
		{
			name: "flexible requires and orb jobs",
			src: `jobs:
  a: {}
workflows:
  version: 2
  w:
    jobs:
      - a
      - node/test
      - a:
          name: cleanup
          requires: [{a: terminal}, {node/test: [failed, canceled]}, node/test]
`,
			want: []WorkflowSpec{{Name: "w", Jobs: []JobRef{
				{Name: "a", Job: "a", Type: TypeBuild, Executor: "docker", ResourceClass: "medium", Parallelism: 1, Outcome: OutcomeSuccess, Duration: DefaultDuration},
				{Name: "node/test", Job: "node/test", Type: TypeBuild, Executor: "docker", ResourceClass: "medium", Parallelism: 1, Outcome: OutcomeSuccess, Duration: DefaultDuration},
				{
					Name: "cleanup", Job: "a", Type: TypeBuild, Executor: "docker", ResourceClass: "medium", Parallelism: 1, Outcome: OutcomeSuccess, Duration: DefaultDuration,
					Requires:        []string{"a", "node/test", "node/test"},
					RequireStatuses: [][]string{{"success", "failed", "canceled", "not_run"}, {"failed", "canceled"}, nil},
				},
			}}},
		},
		{
			name: "no workflows runs the build job",
			src:  "version: 2.1\njobs:\n  build: {machine: {image: default}}\n",
			want: []WorkflowSpec{{Name: "workflow", Jobs: []JobRef{
				{Name: "build", Job: "build", Type: TypeBuild, Executor: "machine", ResourceClass: "medium", Parallelism: 1, Outcome: OutcomeSuccess, Duration: DefaultDuration},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustParse(t, tt.src)
			if diff := cmp.Diff(tt.want, c.AllWorkflows, cmpopts.IgnoreUnexported(WorkflowSpec{}, JobRef{})); diff != "" {
				t.Errorf("AllWorkflows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConfig_Errors(t *testing.T) {
	t.Parallel()
	const jobs = "jobs:\n  a: {}\n  b: {}\n"
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantMsg  string
	}{
		{"empty", "", 0, "config is empty"},
		{"not a map", "- a\n- b\n", 1, "config must be a map"},
		{"syntax", "jobs:\n  a: [\n", 2, "invalid YAML"},
		{"duplicate key", "jobs:\n  a: {}\n  a: {}\n", 3, "already defined"},
		{"two documents", "a: 1\n---\nb: 2\n", 3, "single YAML document"},
		{"unknown alias", "a: *nope\n", 1, "alias"},
		{"unknown param type", "parameters:\n  p:\n    type: steps\n", 3, `unknown type "steps"`},
		{"param without type", "parameters:\n  p: {default: 1}\n", 2, "needs a type"},
		{"bad param name", "parameters:\n  1p: {type: string}\n", 2, "name \"1p\" is invalid"},
		{"boolean default", "parameters:\n  p:\n    type: boolean\n    default: yes please\n", 4, "default must be a boolean"},
		{"integer default", "parameters:\n  p:\n    type: integer\n    default: 1.5\n", 4, "default must be an integer"},
		{"enum default", "parameters:\n  p:\n    type: enum\n    enum: [a, b]\n    default: c\n", 5, "not one of its enum values"},
		{"empty enum", "parameters:\n  p: {type: enum, enum: []}\n", 2, "non-empty enum list"},
		{"undeclared reference", jobs + "workflows:\n  w:\n    jobs: [a]\n    when: << pipeline.parameters.nope >>\n", 7, `unknown pipeline parameter "nope"`},
		{"no workflows", "jobs:\n  a: {}\n", 1, "no workflows"},
		{"workflow without jobs", jobs + "workflows:\n  w: {when: true}\n", 5, `workflow "w" needs a non-empty jobs list`},
		{"undefined job", jobs + "workflows:\n  w:\n    jobs:\n      - a\n      - c\n", 8, `job "c" is not defined under jobs`},
		{"unknown requirement", jobs + "workflows:\n  w:\n    jobs:\n      - a\n      - b: {requires: [x]}\n", 8, `requires "x", which is not a job of this workflow`},
		{"cycle", jobs + "workflows:\n  w:\n    jobs:\n      - a: {requires: [b]}\n      - b: {requires: [a]}\n", 7, "cycle"},
		{"self requirement", jobs + "workflows:\n  w:\n    jobs:\n      - a: {requires: [a]}\n", 7, "requires itself"},
		{"duplicate job name", jobs + "workflows:\n  w:\n    jobs: [a, b, a]\n", 6, "used twice"},
		{"bad required status", jobs + "workflows:\n  w:\n    jobs:\n      - a\n      - b: {requires: [{a: maybe}]}\n", 8, `unknown required status "maybe"`},
		{"bad job type", jobs + "workflows:\n  w:\n    jobs:\n      - a: {type: manual}\n", 7, `unknown type "manual"`},
		{"bad outcome", "jobs:\n  a:\n    x-fake: {outcome: exploded}\nworkflows:\n  w: {jobs: [a]}\n", 3, `x-fake outcome "exploded"`},
		{"bad duration", "jobs:\n  a:\n    x-fake: {duration: soon}\nworkflows:\n  w: {jobs: [a]}\n", 3, `x-fake duration "soon"`},
		{"bad parallelism", "jobs:\n  a:\n    parallelism: 0\nworkflows:\n  w: {jobs: [a]}\n", 3, "parallelism must be an integer"},
		{"unknown logic", jobs + "workflows:\n  w:\n    when: {xor: [true, false]}\n    jobs: [a]\n", 6, `unknown logic statement "xor"`},
		{"bad matches pattern", jobs + "workflows:\n  w:\n    when: {matches: {pattern: \"(\", value: x}}\n    jobs: [a]\n", 6, "matches pattern"},
		{"and needs a list", jobs + "workflows:\n  w:\n    when: {and: true}\n    jobs: [a]\n", 6, "and takes a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseConfig(tt.src)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseConfig error = %v (%T), want *ConfigError", err, err)
			}
			if ce.Line != tt.wantLine || !strings.Contains(ce.Msg, tt.wantMsg) {
				t.Errorf("ParseConfig error = line %d %q, want line %d containing %q", ce.Line, ce.Msg, tt.wantLine, tt.wantMsg)
			}
			if tt.wantLine > 0 && !strings.HasPrefix(err.Error(), "config line ") {
				t.Errorf("Error() = %q, want it to start with the line", err.Error())
			}
		})
	}
}

func TestParseConfig_Contexts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, context string
		want          []string
		err           string
	}{
		{"none", "", nil, ""},
		{"one", "context: deploy-secrets", []string{"deploy-secrets"}, ""},
		{"list", "context: [org-global, deploy-secrets]", []string{"org-global", "deploy-secrets"}, ""},
		{"map", "context: {name: x}", nil, "context must be a context name or a list of them"},
		{"empty name", `context: [""]`, nil, "context must be a context name or a list of them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConfig("jobs: {j: {}}\nworkflows:\n  w:\n    jobs:\n      - j: {" + tt.context + "}\n")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseConfig = %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.AllWorkflows[0].Jobs[0].Contexts); diff != "" {
				t.Errorf("contexts (-want +got):\n%s", diff)
			}
			w := NewWorkflow(c.AllWorkflows[0], t0, nil, nil)
			if diff := cmp.Diff(tt.want, w.Jobs()[0].Contexts); diff != "" {
				t.Errorf("job state contexts (-want +got):\n%s", diff)
			}
		})
	}
}
