package fake_test

import (
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestContext_BadInput checks that input the Context operations cannot accept gets a 400 (or a 409
// for a duplicate name) that says what is wrong, and that only missing things are 404s.
func TestContext_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var c gen.Context
	e.must(200, "POST", "/context", map[string]any{"name": "taken", "owner": map[string]any{"slug": "gh/demo-org"}}, &c)
	tests := []struct {
		name, method, path string
		body               any
		want               int
		msg                string
	}{
		{"blank name", "POST", "/context", map[string]any{"name": " ", "owner": map[string]any{"slug": "gh/demo-org"}}, 400, "name"},
		{"owner without id or slug", "POST", "/context", map[string]any{"name": "x", "owner": map[string]any{"type": "organization"}}, 400, "owner"},
		{"duplicate name", "POST", "/context", map[string]any{"name": "taken", "owner": map[string]any{"slug": "gh/demo-org"}}, 409, `"taken"`},
		{"unknown owner", "POST", "/context", map[string]any{"name": "x", "owner": map[string]any{"slug": "gh/nobody"}}, 404, "not found"},
		{"list without owner", "GET", "/context", nil, 400, "owner-id or owner-slug"},
		{"bad variable name", "PUT", "/context/" + c.ID.String() + "/environment-variable/1BAD", map[string]any{"value": "v"}, 400, `"1BAD"`},
		{"foreign page token", "GET", "/context/" + c.ID.String() + "/environment-variable?page-token=AAAAAAAAAAAAAAAAAAAAAA", nil, 400, "page-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var msg gen.Error
			if got := e.call(fake.DemoToken, tt.method, tt.path, tt.body, &msg); got != tt.want || !strings.Contains(msg.Message, tt.msg) {
				t.Errorf("%s %s: %d %q, want %d mentioning %s", tt.method, tt.path, got, msg.Message, tt.want, tt.msg)
			}
		})
	}
}
