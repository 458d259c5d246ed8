package fake_test

import (
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
)

func TestEnvVarMasking(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ev gen.EnvironmentVariable
	e.must(201, "POST", demo+"/envvar", map[string]any{"name": "API_KEY", "value": "abcdef123456"}, &ev)
	if ev.Value != "xxxx3456" {
		t.Errorf("create answered value %q, want xxxx3456", ev.Value)
	}
	e.must(200, "GET", demo+"/envvar/API_KEY", nil, &ev)
	if ev.Value != "xxxx3456" {
		t.Errorf("get answered value %q, want xxxx3456", ev.Value)
	}
	var list gen.EnvironmentVariableList
	e.must(200, "GET", demo+"/envvar", nil, &list)
	for _, v := range list.Items {
		if !strings.HasPrefix(v.Value, "xxxx") {
			t.Errorf("%s is not masked: %q", v.Name, v.Value)
		}
	}
	e.must(404, "GET", demo+"/envvar/NOPE", nil, nil)
}
