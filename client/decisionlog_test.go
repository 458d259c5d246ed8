package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
)

// decisionLogsJSON is a page of decision logs with the IDs ...0001, ...0002 for the numbers given.
func decisionLogsJSON(numbers []int) string {
	var items []string
	for _, n := range numbers {
		items = append(items, fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","decision":{"status":"PASS"}}`, n))
	}
	return "[" + strings.Join(items, ",") + "]"
}

func TestClient_GetDecisionLogsIter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		pages       map[string][]int // by the offset sent ("" for none)
		params      *gen.GetDecisionLogsParams
		breakAfter  int
		want        []int
		wantErr     error
		wantOffsets string
	}{
		{"three pages then empty", map[string][]int{"": {1, 2}, "2": {3, 4}, "4": {5}}, nil, 0, []int{1, 2, 3, 4, 5}, nil, ",2,4,5"},
		{"no logs", map[string][]int{}, nil, 0, nil, nil, ""},
		{"starts at the given offset", map[string][]int{"3": {4, 5}}, &gen.GetDecisionLogsParams{Offset: ptr(3)}, 0, []int{4, 5}, nil, "3,5"},
		{"break fetches no further page", map[string][]int{"": {1, 2}, "2": {3}}, nil, 1, []int{1}, nil, ""},
		{"server ignores offset", map[string][]int{"": {1, 2}, "2": {1, 2}}, nil, 0, []int{1, 2}, ErrRepeatedPage, ",2"},
		{"error on a later page", map[string][]int{"": {1}}, nil, 0, []int{1}, ErrServer, ",1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
				q := r.URL.Query()
				if q.Get("status") != "PASS" {
					writeJSON(w, 400, `{"error":"the status filter was not sent"}`)
					return
				}
				page, ok := tt.pages[q.Get("offset")]
				if !ok && tt.wantErr == ErrServer && q.Get("offset") != "" {
					writeJSON(w, 500, `{"error":"boom"}`)
					return
				}
				writeJSON(w, 200, decisionLogsJSON(page))
			}, WithRetryMax(0))
			params := tt.params
			if params == nil {
				params = &gen.GetDecisionLogsParams{}
			}
			params.Status = ptr("PASS")
			before := *params
			var got []int
			var gotErr error
			for l, err := range c.GetDecisionLogsIter(t.Context(), "owner", "config", params) {
				if err != nil {
					gotErr = err
					break
				}
				n, _ := strconv.Atoi(strings.TrimLeft(l.ID.String()[24:], "0"))
				got = append(got, n)
				if tt.breakAfter > 0 && len(got) == tt.breakAfter {
					break
				}
			}
			if !cmp.Equal(got, tt.want) || !errors.Is(gotErr, tt.wantErr) {
				t.Errorf("got %v, %v; want %v, %v", got, gotErr, tt.want, tt.wantErr)
			}
			var offsets []string
			for _, r := range rec.all() {
				v, _ := url.ParseQuery(r.RawQuery)
				offsets = append(offsets, v.Get("offset"))
			}
			if tt.breakAfter > 0 {
				if len(offsets) != 1 {
					t.Errorf("%d requests after a break on the first page, want 1", len(offsets))
				}
			} else if s := strings.Join(offsets, ","); s != tt.wantOffsets {
				t.Errorf("offsets sent %q, want %q", s, tt.wantOffsets)
			}
			if !cmp.Equal(*params, before) {
				t.Errorf("params changed by the walk: %+v, was %+v", *params, before)
			}
		})
	}
}
