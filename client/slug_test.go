package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
)

// TestClient_requestPaths asserts the exact path and query sent for each slug kind and route form.
func TestClient_requestPaths(t *testing.T) {
	t.Parallel()
	pipelineID := uuid.MustParse("5034460f-c7c4-4c43-9457-de07e2029e7b")
	branch := "feature/x y"
	tests := []struct {
		name      string
		call      func(ctx context.Context, c *Client) error
		wantPath  string
		wantQuery string
	}{
		{"project slug gh", listPipelines("gh/org/repo", nil), "/project/gh%2Forg%2Frepo/pipeline", ""},
		{"project slug github", listPipelines("github/org/repo", nil), "/project/github%2Forg%2Frepo/pipeline", ""},
		{"project slug bitbucket", listPipelines("bitbucket/team/repo", nil), "/project/bitbucket%2Fteam%2Frepo/pipeline", ""},
		{"project slug circleci", listPipelines("circleci/"+testOrgID+"/"+testProjectID, nil), "/project/circleci%2F" + testOrgID + "%2F" + testProjectID + "/pipeline", ""},
		{"project slug space percent unicode", listPipelines("gh/my org/100% ünï", nil), "/project/gh%2Fmy%20org%2F100%25%20%C3%BCn%C3%AF/pipeline", ""},
		{"project slug with query", listPipelines("gh/org/repo", &gen.ListPipelinesForProjectParams{Branch: &branch}), "/project/gh%2Forg%2Frepo/pipeline", "branch=feature%2Fx+y"},
		{"three segments gh", triggerRun("gh/org/repo"), "/project/gh/org/repo/pipeline/run", ""},
		{"three segments circleci", triggerRun("circleci/" + testOrgID + "/" + testProjectID), "/project/circleci/" + testOrgID + "/" + testProjectID + "/pipeline/run", ""},
		{"three segments space percent unicode", triggerRun("bitbucket/my org/100% ünï"), "/project/bitbucket/my%20org/100%25%20%C3%BCn%C3%AF/pipeline/run", ""},
		{"org slug", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrgSummaryData(ctx, MustParseOrgSlug("gh/my org"), nil)
			return err
		}, "/insights/gh%2Fmy%20org/summary", ""},
		{"job number after slug", func(ctx context.Context, c *Client) error {
			_, err := c.GetJobDetails(ctx, MustParseProjectSlug("gh/org/repo"), 42)
			return err
		}, "/project/gh%2Forg%2Frepo/job/42", ""},
		{"uuid path", func(ctx context.Context, c *Client) error {
			_, err := c.GetPipelineByID(ctx, pipelineID)
			return err
		}, "/pipeline/" + pipelineID.String(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, got recorded) {
				writeJSON(w, http.StatusNotFound, `{"message":"recorded"}`)
			})
			err := tt.call(t.Context(), c)
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("call error = %v, want the recording server's 404", err)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.EscapedPath != "/api/v2"+tt.wantPath && got.EscapedPath != tt.wantPath {
				t.Errorf("path = %q, want %q", got.EscapedPath, tt.wantPath)
			}
			if got.RawQuery != tt.wantQuery {
				t.Errorf("query = %q, want %q", got.RawQuery, tt.wantQuery)
			}
			if got.Header.Get("Circle-Token") != "test-token" {
				t.Errorf("Circle-Token = %q", got.Header.Get("Circle-Token"))
			}
			if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, "circleci-go/") || !strings.Contains(ua, modulePath) {
				t.Errorf("User-Agent = %q, want it to name the module", ua)
			}
		})
	}
}

func listPipelines(s string, params *gen.ListPipelinesForProjectParams) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		p, err := ParseProjectSlug(s)
		if err != nil {
			return err
		}
		_, err = c.ListPipelinesForProject(ctx, p, params)
		return err
	}
}

func triggerRun(s string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.TriggerPipelineRun(ctx, MustParseProjectSlug(s), gen.TriggerPipelineRunRequest{})
		return err
	}
}

func TestClient_zeroSlug(t *testing.T) {
	t.Parallel()
	rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) { writeJSON(w, 200, pageJSON) })
	_, err := c.ListPipelinesForProject(t.Context(), ProjectSlug{}, nil)
	if err == nil || !strings.Contains(err.Error(), "listPipelinesForProject") || !strings.Contains(err.Error(), "ParseProjectSlug") {
		t.Errorf("zero slug error = %v", err)
	}
	_, err = c.GetOrgSummaryData(t.Context(), OrgSlug{}, nil)
	if err == nil || !strings.Contains(err.Error(), "ParseOrgSlug") {
		t.Errorf("zero org slug error = %v", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("server saw %d requests for zero slugs", n)
	}
}
