package fake_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// serveDemo starts the fake with its demo data on httptest and returns it with a client that does
// not retry; faketest.NewServer(t) does the same in a test.
func serveDemo() (*fake.Server, *client.Client, func()) {
	f, err := fake.New()
	if err != nil {
		log.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	c, err := client.New(client.WithBaseURL(srv.URL+"/api/v2"), client.WithToken(fake.DemoToken), client.WithRetryMax(0))
	if err != nil {
		log.Fatal(err)
	}
	return f, c, func() { _ = f.Close(); srv.Close() }
}

// ExampleServer_SetJobOutcome makes the demo project's test job fail, as a test of failure
// handling needs: the workflow fails and the jobs after it do not run.
func ExampleServer_SetJobOutcome() {
	f, c, stop := serveDemo()
	defer stop()
	ctx := context.Background()

	// Or POST /_fake/job-outcome {"project": "gh/demo-org/demo-app", "job": "test", "outcome": "failed"}.
	if err := f.SetJobOutcome(fake.DemoProjectSlug, "test", "failed"); err != nil {
		log.Fatal(err)
	}
	created, err := c.TriggerPipeline(ctx, client.MustParseProjectSlug(fake.DemoProjectSlug), gen.TriggerPipelineRequest{})
	if err != nil {
		log.Fatal(err)
	}
	if err := f.Advance(10 * time.Minute); err != nil {
		log.Fatal(err)
	}
	for w, err := range c.ListWorkflowsByPipelineIDIter(ctx, created.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("workflow", w.Name, w.Status)
		for j, err := range c.ListWorkflowJobsIter(ctx, w.ID, nil) {
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("  job", j.Name, j.Status)
		}
	}
	// Output:
	// workflow build-test-deploy failed
	//   job build success
	//   job test failed
	//   job hold not_run
	//   job deploy not_run
}

// ExampleServer_Advance moves simulated time step by step: a job queues briefly, the demo
// workflow's build job runs 30s and its test job a minute, and nothing moves between the steps.
func ExampleServer_Advance() {
	f, c, stop := serveDemo()
	defer stop()
	ctx := context.Background()

	created, err := c.TriggerPipeline(ctx, client.MustParseProjectSlug(fake.DemoProjectSlug), gen.TriggerPipelineRequest{})
	if err != nil {
		log.Fatal(err)
	}
	for _, step := range []time.Duration{0, 30 * time.Second, time.Minute, time.Minute} {
		// Or POST /_fake/clock/advance {"duration": "30s"}.
		if err := f.Advance(step); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("after %s more:", step)
		for w, err := range c.ListWorkflowsByPipelineIDIter(ctx, created.ID, nil) {
			if err != nil {
				log.Fatal(err)
			}
			for j, err := range c.ListWorkflowJobsIter(ctx, w.ID, nil) {
				if err != nil {
					log.Fatal(err)
				}
				fmt.Printf(" %s=%s", j.Name, j.Status)
			}
		}
		fmt.Println()
	}
	// Output:
	// after 0s more: build=queued test=blocked hold=blocked deploy=blocked
	// after 30s more: build=running test=blocked hold=blocked deploy=blocked
	// after 1m0s more: build=success test=running hold=blocked deploy=blocked
	// after 1m0s more: build=success test=success hold=on_hold deploy=blocked
}

// ExampleServer_InjectFault makes the next request for the current user answer 503, as a test of
// what a caller does when CircleCI has an outage; the request after it is answered as usual.
func ExampleServer_InjectFault() {
	f, c, stop := serveDemo()
	defer stop()
	ctx := context.Background()

	// Or POST /_fake/faults {"operation": "getCurrentUser", "status": 503, "count": 1}.
	if err := f.InjectFault(fake.Fault{Operation: "getCurrentUser", Status: 503, RetryAfter: 2 * time.Second, Count: 1}); err != nil {
		log.Fatal(err)
	}
	_, err := c.GetCurrentUser(ctx)
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("first:", apiErr.StatusCode, errors.Is(err, client.ErrServer), apiErr.RetryAfter)
	}
	me, err := c.GetCurrentUser(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("then:", me.Login)
	// Output:
	// first: 503 true 2s
	// then: demo-user
}
