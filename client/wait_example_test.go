package client_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// ExampleClient_WaitForWorkflows follows a pipeline of the fake's demo project to its end: the
// build-test-deploy workflow stops at its approval job, hold; approving it lets deploy run.
func ExampleClient_WaitForWorkflows() {
	f, err := fake.New() // in a test, faketest.NewServer(t) does these lines and gives ts.Fake, ts.Client
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	h, err := f.Handler()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL+"/api/v2"), client.WithToken(fake.DemoToken))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	created, err := c.TriggerPipeline(ctx, client.MustParseProjectSlug(fake.DemoProjectSlug), gen.TriggerPipelineRequest{})
	if err != nil {
		log.Fatal(err)
	}
	// Against the fake, move its simulated clock between polls instead of waiting for real time.
	// Against CircleCI, pass nil: it polls every client.DefaultWaitInterval.
	opts := &client.WaitOptions{After: func(d time.Duration) <-chan time.Time {
		if err := f.Advance(d); err != nil {
			log.Fatal(err)
		}
		ready := make(chan time.Time, 1)
		ready <- f.Now()
		return ready
	}}
	workflows, err := c.WaitForWorkflows(ctx, created.ID, opts)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range workflows.OnHold() {
		fmt.Println("workflow", w.Name, w.Status)
		for j, err := range c.ListWorkflowJobsIter(ctx, w.ID, nil) {
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("  job", j.Name, j.Type, j.Status)
		}
		if err := c.ApproveJob(ctx, w.ID, "hold"); err != nil {
			log.Fatal(err)
		}
	}

	workflows, err = c.WaitForWorkflows(ctx, created.ID, opts)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range workflows.Items {
		fmt.Println("workflow", w.Name, w.Status)
	}
	fmt.Println("succeeded:", workflows.Succeeded())
	// Output:
	// workflow build-test-deploy on_hold
	//   job build build success
	//   job test build success
	//   job hold approval on_hold
	//   job deploy build blocked
	// workflow build-test-deploy success
	// succeeded: true
}

// ExampleWorkflowDone tells final statuses from those that may still change.
func ExampleWorkflowDone() {
	for _, s := range []gen.WorkflowStatus{gen.WorkflowStatusRunning, gen.WorkflowStatusOnHold, gen.WorkflowStatusFailing, gen.WorkflowStatusSuccess, gen.WorkflowStatusCanceled} {
		fmt.Println(s, client.WorkflowDone(s))
	}
	fmt.Println(gen.JobStatusQueued, client.JobDone(gen.JobStatusQueued))
	fmt.Println(gen.JobStatusTimedout, client.JobDone(gen.JobStatusTimedout))
	// Output:
	// running false
	// on_hold false
	// failing false
	// success true
	// canceled true
	// queued false
	// timedout true
}

// ExampleClient_ApproveJob approves the demo workflow's hold by name once the workflow waits at it;
// approving it a second time is an error that says why, and nothing is sent.
func ExampleClient_ApproveJob() {
	f, err := fake.New()
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	h, err := f.Handler()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL+"/api/v2"), client.WithToken(fake.DemoToken))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	created, err := c.TriggerPipeline(ctx, client.MustParseProjectSlug(fake.DemoProjectSlug), gen.TriggerPipelineRequest{})
	if err != nil {
		log.Fatal(err)
	}
	if err := f.Advance(5 * time.Minute); err != nil {
		log.Fatal(err)
	}
	workflows, err := c.ListWorkflowsByPipelineID(ctx, created.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	w := workflows.Items[0]
	if err := c.ApproveJob(ctx, w.ID, "hold"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("approved hold of", w.Name)
	if err := c.ApproveJob(ctx, w.ID, "hold"); err != nil {
		fmt.Println(err)
	}
	if err := c.ApproveJob(ctx, w.ID, "approve-prod"); err != nil {
		fmt.Println(strings.ReplaceAll(err.Error(), w.ID.String(), "<id>"))
	}
	// Output:
	// approved hold of build-test-deploy
	// circleci: approve "hold": the approval job is success, not on_hold
	// circleci: approve "approve-prod": workflow <id> has no job of that name; its approval jobs: "hold" (success)
}
