package engine

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfig_ResolveParameters(t *testing.T) {
	t.Parallel()
	c := mustParse(t, demoConfig)
	c2 := mustParse(t, `parameters:
  tag: {type: string}
  n: {type: integer, default: 1}
jobs:
  build: {}
`)
	defaults := map[string]any{"run-deploy": false, "env": "dev", "shards": int64(2), "greeting": "hello"}
	tests := []struct {
		name    string
		c       *Config
		given   map[string]any
		want    map[string]any
		wantErr *ParamError
	}{
		{name: "defaults", c: c, given: nil, want: defaults},
		{
			name:  "all given",
			c:     c,
			given: map[string]any{"run-deploy": true, "env": "prod", "shards": float64(8), "greeting": "hi"},
			want:  map[string]any{"run-deploy": true, "env": "prod", "shards": int64(8), "greeting": "hi"},
		},
		{name: "json.Number", c: c, given: map[string]any{"shards": json.Number("12")}, want: map[string]any{"run-deploy": false, "env": "dev", "shards": int64(12), "greeting": "hello"}},
		{name: "json.Number with exponent", c: c, given: map[string]any{"shards": json.Number("1e2")}, want: map[string]any{"run-deploy": false, "env": "dev", "shards": int64(100), "greeting": "hello"}},
		{name: "int64", c: c, given: map[string]any{"shards": int64(-3)}, want: map[string]any{"run-deploy": false, "env": "dev", "shards": int64(-3), "greeting": "hello"}},
		{name: "int", c: c, given: map[string]any{"shards": 5}, want: map[string]any{"run-deploy": false, "env": "dev", "shards": int64(5), "greeting": "hello"}},
		{name: "undeclared", c: c, given: map[string]any{"zeta": 1, "alpha": 1}, wantErr: &ParamError{Kind: ParamUndeclared, Name: "alpha"}},
		{name: "string for boolean", c: c, given: map[string]any{"run-deploy": "true"}, wantErr: &ParamError{Kind: ParamWrongType, Name: "run-deploy", Expected: "a boolean", Got: `string "true"`}},
		{name: "fraction for integer", c: c, given: map[string]any{"shards": 2.5}, wantErr: &ParamError{Kind: ParamWrongType, Name: "shards", Expected: "an integer", Got: "number 2.5"}},
		{name: "json.Number fraction", c: c, given: map[string]any{"shards": json.Number("2.5")}, wantErr: &ParamError{Kind: ParamWrongType, Name: "shards", Expected: "an integer", Got: "number 2.5"}},
		{name: "huge float for integer", c: c, given: map[string]any{"shards": 1e300}, wantErr: &ParamError{Kind: ParamWrongType, Name: "shards", Expected: "an integer", Got: "number 1e+300"}},
		{name: "string for integer", c: c, given: map[string]any{"shards": "8"}, wantErr: &ParamError{Kind: ParamWrongType, Name: "shards", Expected: "an integer", Got: `string "8"`}},
		{name: "number for string", c: c, given: map[string]any{"greeting": 1.0}, wantErr: &ParamError{Kind: ParamWrongType, Name: "greeting", Expected: "a string", Got: "number 1"}},
		{name: "null for string", c: c, given: map[string]any{"greeting": nil}, wantErr: &ParamError{Kind: ParamWrongType, Name: "greeting", Expected: "a string", Got: "null"}},
		{name: "not in enum", c: c, given: map[string]any{"env": "qa"}, wantErr: &ParamError{Kind: ParamWrongType, Name: "env", Expected: "one of [dev, prod]", Got: `string "qa"`}},
		{name: "object for enum", c: c, given: map[string]any{"env": map[string]any{}}, wantErr: &ParamError{Kind: ParamWrongType, Name: "env", Expected: "one of [dev, prod]", Got: "an object"}},
		{name: "missing without default", c: c2, given: map[string]any{"n": 3}, wantErr: &ParamError{Kind: ParamMissing, Name: "tag", Expected: "a string"}},
		{name: "required given", c: c2, given: map[string]any{"tag": "v1"}, want: map[string]any{"tag": "v1", "n": int64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.c.ResolveParameters(tt.given)
			if tt.wantErr != nil {
				var pe *ParamError
				if !errors.As(err, &pe) {
					t.Fatalf("error = %v, want *ParamError", err)
				}
				if diff := cmp.Diff(tt.wantErr, pe); diff != "" {
					t.Errorf("ParamError (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveParameters: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParamError_Error(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *ParamError
		want string
	}{
		{&ParamError{Kind: ParamUndeclared, Name: "x"}, `parameter "x" is not declared in the config`},
		{&ParamError{Kind: ParamMissing, Name: "tag", Expected: "a string"}, `parameter "tag" (a string) is required: it has no default`},
		{&ParamError{Kind: ParamWrongType, Name: "env", Expected: "one of [dev, prod]", Got: `string "qa"`}, `parameter "env" must be one of [dev, prod], got string "qa"`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestConfig_Compile(t *testing.T) {
	t.Parallel()
	src := `parameters:
  greeting: {type: string, default: hi}
  n: {type: integer, default: 2}
  on: {type: boolean, default: true}
jobs:
  build:
    parallelism: <<pipeline.parameters.n>>
    steps:
      - run: echo "<< pipeline.parameters.greeting >>, << pipeline.parameters.greeting>>!"
      - run: echo << pipeline.git.branch >> << parameters.local >>
workflows:
  w:
    when: << pipeline.parameters.on >>
    jobs: [build]
`
	c := mustParse(t, src)
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{
			name:   "substituted",
			params: map[string]any{"greeting": "hello world", "n": int64(3), "on": false},
			want: `parameters:
  greeting: {type: string, default: hi}
  n: {type: integer, default: 2}
  on: {type: boolean, default: true}
jobs:
  build:
    parallelism: 3
    steps:
      - run: echo "hello world, hello world!"
      - run: echo << pipeline.git.branch >> << parameters.local >>
workflows:
  w:
    when: false
    jobs: [build]
`,
		},
		{name: "missing values stay", params: nil, want: src},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, c.Compile(tt.params, nil)); diff != "" {
				t.Errorf("Compile (-want +got):\n%s", diff)
			}
		})
	}
	if got := mustParse(t, "jobs: {build: {}}\n").Compile(nil, nil); got != "jobs: {build: {}}\n" {
		t.Errorf("Compile without references = %q", got)
	}
}

func TestConfig_Workflows(t *testing.T) {
	t.Parallel()
	c := mustParse(t, `parameters:
  deploy: {type: boolean, default: false}
  env: {type: enum, enum: [dev, prod], default: dev}
  n: {type: integer, default: 0}
  branch: {type: string, default: main}
jobs:
  a: {}
workflows:
  always: {jobs: [a]}
  when-deploy: {when: << pipeline.parameters.deploy >>, jobs: [a]}
  unless-deploy: {unless: << pipeline.parameters.deploy >>, jobs: [a]}
  prod-and-deploy:
    when:
      and: [<< pipeline.parameters.deploy >>, {equal: [prod, << pipeline.parameters.env >>]}]
    jobs: [a]
  dev-or-n:
    when:
      or: [{equal: [dev, << pipeline.parameters.env >>]}, << pipeline.parameters.n >>]
    jobs: [a]
  not-n:
    when: {not: << pipeline.parameters.n >>}
    jobs: [a]
  n-is-3:
    when: {equal: [3, << pipeline.parameters.n >>]}
    jobs: [a]
  release-branch:
    when:
      matches: {pattern: "release/.*", value: << pipeline.parameters.branch >>}
    jobs: [a]
  text:
    when: {equal: ["on-main", "on-<< pipeline.parameters.branch >>"]}
    jobs: [a]
  git-branch-unknown:
    when: << pipeline.git.branch >>
    jobs: [a]
  both:
    when: true
    unless: {equal: [dev, << pipeline.parameters.env >>]}
    jobs: [a]
  literal-false:
    when: false
    jobs: [a]
`)
	tests := []struct {
		name  string
		given map[string]any
		want  []string
	}{
		{"defaults", nil, []string{"always", "unless-deploy", "dev-or-n", "not-n", "text"}},
		{"deploy to prod", map[string]any{"deploy": true, "env": "prod"}, []string{"always", "when-deploy", "prod-and-deploy", "not-n", "text", "both"}},
		{"n is 3 on a release branch", map[string]any{"n": 3, "env": "prod", "branch": "release/1.2"}, []string{"always", "unless-deploy", "dev-or-n", "n-is-3", "release-branch", "both"}},
		{"pattern is anchored", map[string]any{"branch": "x-release/1"}, []string{"always", "unless-deploy", "dev-or-n", "not-n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			params, err := c.ResolveParameters(tt.given)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range c.Workflows(params, nil) {
				got = append(got, w.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Workflows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTruthy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    any
		want bool
	}{
		{nil, false}, {false, false}, {true, true}, {"", false}, {"false", true}, {"0", true},
		{int64(0), false}, {int64(-1), true}, {0.0, false}, {0.5, true},
	}
	for _, tt := range tests {
		if got := truthy(tt.v); got != tt.want {
			t.Errorf("truthy(%#v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
