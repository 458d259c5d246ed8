package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
)

// pageServer answers ListPipelinesForProject from pages: the page for token "" is pages[""], and so
// on; each page is (numbers, next token JSON).
type page struct {
	numbers []int
	next    string // JSON: null, "", or a quoted token; "" here means the field is absent
}

func pipelinesPage(p page) string {
	var items []string
	for _, n := range p.numbers {
		items = append(items, strings.Replace(pipelineJSON, `"number":7`, fmt.Sprintf(`"number":%d`, n), 1))
	}
	body := `{"items":[` + strings.Join(items, ",") + `]`
	if p.next != "" {
		body += `,"next_page_token":` + p.next
	}
	return body + "}"
}

func TestClient_ListPipelinesForProjectIter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		pages      map[string]page // by page-token ("" for the first)
		breakAfter int             // stop the loop after this many items (0: never)
		params     *gen.ListPipelinesForProjectParams
		want       []int
		wantErr    error  // matched with errors.Is
		wantTokens string // the page-token values sent, comma separated
	}{
		{
			name: "three pages, null final token",
			pages: map[string]page{
				"":   {[]int{1, 2}, `"p2"`},
				"p2": {[]int{3, 4}, `"p3"`},
				"p3": {[]int{5}, `null`},
			},
			want: []int{1, 2, 3, 4, 5}, wantTokens: ",p2,p3",
		},
		{
			name: "empty-string final token",
			pages: map[string]page{
				"":   {[]int{1}, `"p2"`},
				"p2": {[]int{2}, `""`},
			},
			want: []int{1, 2}, wantTokens: ",p2",
		},
		{
			name:  "absent final token",
			pages: map[string]page{"": {[]int{1}, ""}},
			want:  []int{1}, wantTokens: "",
		},
		{
			name: "empty middle page",
			pages: map[string]page{
				"":   {nil, `"p2"`},
				"p2": {[]int{9}, `null`},
			},
			want: []int{9}, wantTokens: ",p2",
		},
		{
			name: "token cycle of one page",
			pages: map[string]page{
				"":   {[]int{1}, `"p2"`},
				"p2": {[]int{2}, `"p2"`},
			},
			want: []int{1, 2}, wantErr: ErrRepeatedPageToken, wantTokens: ",p2",
		},
		{
			name: "token cycle of two pages",
			pages: map[string]page{
				"":   {[]int{1}, `"a"`},
				"a":  {[]int{2}, `"b"`},
				"b":  {[]int{3}, `"a"`},
				"zz": {nil, `null`},
			},
			want: []int{1, 2, 3}, wantErr: ErrRepeatedPageToken, wantTokens: ",a,b",
		},
		{
			name: "token cycle of three pages",
			pages: map[string]page{
				"":  {[]int{1}, `"a"`},
				"a": {[]int{2, 3}, `"b"`},
				"b": {[]int{4}, `"c"`},
				"c": {[]int{5}, `"a"`},
			},
			want: []int{1, 2, 3, 4, 5}, wantErr: ErrRepeatedPageToken, wantTokens: ",a,b,c",
		},
		{
			name: "token cycle back to the caller's token",
			pages: map[string]page{
				"p2": {[]int{3}, `"p3"`},
				"p3": {[]int{4}, `"p2"`},
			},
			params: &gen.ListPipelinesForProjectParams{PageToken: ptr("p2")},
			want:   []int{3, 4}, wantErr: ErrRepeatedPageToken, wantTokens: "p2,p3",
		},
		{
			name: "caller breaks on the page that closes a cycle",
			pages: map[string]page{
				"":  {[]int{1}, `"a"`},
				"a": {[]int{2}, `"a"`},
			},
			breakAfter: 2, want: []int{1, 2}, wantTokens: ",a",
		},
		{
			name: "caller breaks",
			pages: map[string]page{
				"":   {[]int{1, 2}, `"p2"`},
				"p2": {[]int{3, 4}, `"p3"`},
				"p3": {[]int{5}, `null`},
			},
			breakAfter: 3, want: []int{1, 2, 3}, wantTokens: ",p2",
		},
		{
			name: "error on second page",
			pages: map[string]page{
				"": {[]int{1}, `"gone"`},
			},
			want: []int{1}, wantErr: ErrNotFound, wantTokens: ",gone",
		},
		{
			name: "starts from the caller's token and keeps its filters",
			pages: map[string]page{
				"p2": {[]int{3}, `null`},
			},
			params: &gen.ListPipelinesForProjectParams{PageToken: ptr("p2"), Branch: ptr("main")},
			want:   []int{3}, wantTokens: "p2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
				q, _ := url.ParseQuery(got.RawQuery)
				if tt.params != nil && tt.params.Branch != nil && q.Get("branch") != *tt.params.Branch {
					writeJSON(w, http.StatusBadRequest, `{"message":"branch filter lost"}`)
					return
				}
				p, ok := tt.pages[q.Get("page-token")]
				if !ok {
					writeJSON(w, http.StatusNotFound, `{"message":"no such page"}`)
					return
				}
				writeJSON(w, 200, pipelinesPage(p))
			})
			var before gen.ListPipelinesForProjectParams
			if tt.params != nil {
				before = *tt.params
			}
			var got []int
			var errs []error
			for p, err := range c.ListPipelinesForProjectIter(t.Context(), MustParseProjectSlug("gh/org/repo"), tt.params) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				got = append(got, int(p.Number))
				if tt.breakAfter > 0 && len(got) == tt.breakAfter {
					break
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("items mismatch (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantErr == nil && len(errs) != 0:
				t.Errorf("errors = %v, want none", errs)
			case tt.wantErr != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.wantErr)):
				t.Errorf("errors = %v, want exactly one matching %v", errs, tt.wantErr)
			}
			var tokens []string
			for _, r := range rec.all() {
				q, _ := url.ParseQuery(r.RawQuery)
				tokens = append(tokens, q.Get("page-token"))
			}
			if got := strings.Join(tokens, ","); got != tt.wantTokens {
				t.Errorf("page-tokens sent = %q, want %q", got, tt.wantTokens)
			}
			if tt.params != nil {
				if diff := cmp.Diff(before, *tt.params); diff != "" {
					t.Errorf("the iterator changed the caller's params (-before +after):\n%s", diff)
				}
			}
		})
	}
}

// TestPaginate_cycles checks that a cycle reached after a prefix of distinct pages ends the walk with
// one ErrRepeatedPageToken naming the token that came back. A cycle of up to recentTokens pages ends
// as soon as its first token returns: every page fetched once, every item yielded once. A longer one
// is caught by the constant-memory fallback within a bounded number of extra pages, the first turn
// through the cycle still yielded in order.
func TestPaginate_cycles(t *testing.T) {
	t.Parallel()
	const prefix = 5
	for _, cycle := range []int{1, 2, 3, 7, 16, 33, recentTokens - prefix, recentTokens, recentTokens + 1, 100, 1000} {
		t.Run(fmt.Sprint(cycle), func(t *testing.T) {
			t.Parallel()
			exact := prefix+cycle <= recentTokens
			limit := 4 * (prefix + cycle) // generous bound on the fallback's extra pages
			var fetched []string
			// Page n (token "tn", nil for n = 0) holds item n. Tokens t1..t(prefix-1) lead into a
			// cycle of the given length: the page after the last of it is t(prefix) again.
			fetch := func(token *string) ([]int, *string, error) {
				n := 0
				if token != nil {
					fetched = append(fetched, *token)
					if _, err := fmt.Sscanf(*token, "t%d", &n); err != nil {
						return nil, nil, err
					}
				}
				next := n + 1
				if next == prefix+cycle {
					next = prefix
				}
				return []int{n}, ptr(fmt.Sprintf("t%d", next)), nil
			}
			var got []int
			var errs []error
			for v, err := range paginate("test", nil, fetch) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				got = append(got, v)
				if len(got) > limit {
					t.Fatalf("still walking after %d items", len(got))
				}
			}
			var want []int
			var wantFetched []string
			for n := range prefix + cycle {
				want = append(want, n)
				if n > 0 {
					wantFetched = append(wantFetched, fmt.Sprintf("t%d", n))
				}
			}
			if exact {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("items mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantFetched, fetched); diff != "" {
					t.Errorf("tokens fetched mismatch (-want +got):\n%s", diff)
				}
			} else if len(got) < len(want) {
				t.Errorf("walk ended after %d items, before one turn of the cycle (%d)", len(got), len(want))
			} else if diff := cmp.Diff(want, got[:len(want)]); diff != "" {
				t.Errorf("first turn mismatch (-want +got):\n%s", diff)
			}
			if len(errs) != 1 || !errors.Is(errs[0], ErrRepeatedPageToken) {
				t.Fatalf("errors = %v, want exactly one ErrRepeatedPageToken", errs)
			}
			if exact {
				if wantTok := fmt.Sprintf("%q", fmt.Sprintf("t%d", prefix)); !strings.Contains(errs[0].Error(), wantTok) {
					t.Errorf("error %q does not name the repeated token %s", errs[0], wantTok)
				}
			}
		})
	}
}

func TestPaginate_reusable(t *testing.T) {
	t.Parallel()
	fetch := func(token *string) ([]string, *string, error) {
		if token == nil {
			return []string{"a"}, ptr("n"), nil
		}
		return []string{"b"}, nil, nil
	}
	seq := paginate("test", nil, fetch)
	for range 2 {
		var got []string
		for v, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
			t.Errorf("walk mismatch (-want +got):\n%s", diff)
		}
	}
}

func ptr[T any](v T) *T { return &v }
