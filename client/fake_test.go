package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/faketest"
)

// newFake starts the reference server with its demo data through faketest.NewServer, which validates
// every response against the document, so every response the client decodes here has been validated
// too, and returns a client for it: the test server's own (no retries), or one with opts as well.
func newFake(t *testing.T, opts ...client.Option) (*fake.Server, *client.Client) {
	t.Helper()
	ts := faketest.NewServer(t)
	c, err := ts.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return ts.Fake, c
}

// TestClient_againstFake walks the client through a pipeline's life on the reference server.
func TestClient_againstFake(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	ctx := t.Context()
	project := client.MustParseProjectSlug(fake.DemoProjectSlug)

	me, err := c.GetCurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.Login != "demo-user" {
		t.Errorf("login = %q, want demo-user", me.Login)
	}
	orgs, err := c.GetCollaborations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) == 0 || orgs[0].Slug != fake.DemoOrgSlug {
		t.Errorf("collaborations = %+v, want %s first", orgs, fake.DemoOrgSlug)
	}

	params, err := client.PipelineParameters(map[string]any{"myparam": "./myspecialdir", "myspecialversion": "4.8.2"})
	if err != nil {
		t.Fatal(err)
	}
	const triggers = 45 // three pages of 20
	for i := 1; i <= triggers; i++ {
		p, err := c.TriggerPipeline(ctx, project, gen.TriggerPipelineRequest{Parameters: params})
		if err != nil {
			t.Fatal(err)
		}
		if p.Number != int64(i) {
			t.Fatalf("trigger %d got number %d", i, p.Number)
		}
	}
	var numbers []int64
	for p, err := range c.ListPipelinesForProjectIter(ctx, project, nil) {
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, p.Number)
	}
	if len(numbers) != triggers || numbers[0] != triggers || numbers[triggers-1] != 1 {
		t.Errorf("iterated %d pipelines, first %v: want %d, newest first", len(numbers), numbers[:min(3, len(numbers))], triggers)
	}

	// An ill-typed parameter is a 400 that names it.
	bad, err := client.PipelineParameters(map[string]any{"myparam": true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.TriggerPipeline(ctx, project, gen.TriggerPipelineRequest{Parameters: bad})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "myparam") {
		t.Errorf("ill-typed parameter: %v, want a 400 naming myparam", err)
	}

	if err := f.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	first, err := c.ListPipelinesForProject(ctx, project, nil)
	if err != nil {
		t.Fatal(err)
	}
	workflows, err := c.ListWorkflowsByPipelineID(ctx, first.Items[0].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(workflows.Items) == 0 {
		t.Fatal("the newest pipeline has no workflows")
	}
	var jobNumber *int64
	for j, err := range c.ListWorkflowJobsIter(ctx, workflows.Items[0].ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if j.JobNumber != nil && jobNumber == nil {
			jobNumber = j.JobNumber
		}
	}
	if jobNumber == nil {
		t.Fatal("no job of the first workflow has a number")
	}
	job, err := c.GetJobDetails(ctx, project, *jobNumber)
	if err != nil {
		t.Fatal(err)
	}
	if job.Number != *jobNumber || job.Pipeline.ID != first.Items[0].ID {
		t.Errorf("job details = number %d pipeline %s, want %d and %s", job.Number, job.Pipeline.ID, *jobNumber, first.Items[0].ID)
	}

	// A project of another organization is not found, not forbidden.
	_, err = c.GetProjectBySlug(ctx, client.MustParseProjectSlug("gh/other-org/secret"))
	if !errors.Is(err, client.ErrNotFound) {
		t.Errorf("foreign project: %v, want ErrNotFound", err)
	}
}

// TestClient_retriesAgainstFake checks the retry rules against the fault injection of the reference
// server: a GET retried through 429s, a POST never retried.
func TestClient_retriesAgainstFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      fake.Fault
		call       func(t *testing.T, c *client.Client) error
		wantStatus int // 0: success
	}{
		{
			name:  "GET through two 429s",
			fault: fake.Fault{Method: http.MethodGet, Path: "/me", Status: http.StatusTooManyRequests, RetryAfter: time.Second, Count: 2},
			call: func(t *testing.T, c *client.Client) error {
				_, err := c.GetCurrentUser(t.Context())
				return err
			},
		},
		{
			name:  "GET out of retries",
			fault: fake.Fault{Method: http.MethodGet, Path: "/me", Status: http.StatusServiceUnavailable, Count: 10},
			call: func(t *testing.T, c *client.Client) error {
				_, err := c.GetCurrentUser(t.Context())
				return err
			},
			wantStatus: http.StatusServiceUnavailable,
		},
		{
			name:  "POST not retried",
			fault: fake.Fault{Method: http.MethodPost, Path: "/project/*", Status: http.StatusServiceUnavailable, Count: 1},
			call: func(t *testing.T, c *client.Client) error {
				_, err := c.TriggerPipeline(t.Context(), client.MustParseProjectSlug(fake.DemoProjectSlug), gen.TriggerPipelineRequest{})
				return err
			},
			wantStatus: http.StatusServiceUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The test server's client does not retry: turn retries on, with waits capped to a
			// millisecond so that the test does not sit out Retry-After.
			f, c := newFake(t, client.WithRetryMax(3), client.WithRetryAfterMax(time.Millisecond), client.WithRetryBackoff(0, time.Millisecond))
			if err := f.InjectFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			err := tt.call(t, c)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("got %v, want success after retries", err)
				}
				return
			}
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
				t.Fatalf("got %v, want an APIError with status %d", err, tt.wantStatus)
			}
		})
	}

	// The POST that failed started nothing: the next trigger is number 1.
	f, c := newFake(t)
	if err := f.InjectFault(fake.Fault{Method: http.MethodPost, Path: "/project/*", Status: http.StatusBadGateway, Count: 1}); err != nil {
		t.Fatal(err)
	}
	project := client.MustParseProjectSlug(fake.DemoProjectSlug)
	if _, err := c.TriggerPipeline(t.Context(), project, gen.TriggerPipelineRequest{}); !errors.Is(err, client.ErrServer) {
		t.Fatalf("first trigger: %v, want ErrServer", err)
	}
	p, err := c.TriggerPipeline(t.Context(), project, gen.TriggerPipelineRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Number != 1 {
		t.Errorf("after a failed POST the next pipeline is number %d, want 1", p.Number)
	}
}
