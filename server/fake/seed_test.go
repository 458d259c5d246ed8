package fake_test

import (
	"fmt"
	"net/url"
	"testing"
)

// TestReset_PageTokens checks that a page token made before a reset is refused after it, as one of
// another list is, instead of paging the new state from a position of the old one.
func TestReset_PageTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		list string
		fill func(e *env, i int) // adds the i-th item to the list
	}{
		{"pipelines", demo + "/pipeline", func(e *env, _ int) { e.must(201, "POST", demo+"/pipeline", nil, nil) }},
		{"environment variables", demo + "/envvar", func(e *env, i int) {
			e.must(201, "POST", demo+"/envvar", map[string]any{"name": fmt.Sprintf("V%02d", i), "value": "v"}, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			fill := func() string {
				for i := range 25 {
					tt.fill(e, i)
				}
				var page rawPage
				e.must(200, "GET", tt.list, nil, &page)
				if page.NextPageToken == nil {
					t.Fatalf("GET %s: one page, want two", tt.list)
				}
				return *page.NextPageToken
			}
			old := fill()
			if err := e.fake.Reset(); err != nil {
				t.Fatal(err)
			}
			fill()
			if status := e.call("demo-token", "GET", tt.list+"?page-token="+url.QueryEscape(old), nil, nil); status != 400 {
				t.Errorf("GET %s with a page token from before the reset: %d, want 400", tt.list, status)
			}
		})
	}
}
