package fake_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// Example starts the fake with its demo data, points the Go client at it, triggers the demo
// project with parameters and lets simulated time run its jobs up to the approval.
func Example() {
	f, err := fake.New() // demo data; simulated time moves only with Advance
	if err != nil {
		log.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h) // or run `make run` and use http://127.0.0.1:8080/api/v2
	defer srv.Close()

	c, err := client.New(client.WithBaseURL(srv.URL+"/api/v2"), client.WithToken(fake.DemoToken))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	project := client.MustParseProjectSlug(fake.DemoProjectSlug)
	params, err := client.PipelineParameters(map[string]any{"myparam": "./myspecialdir", "myspecialversion": "4.8.2"})
	if err != nil {
		log.Fatal(err)
	}
	created, err := c.TriggerPipeline(ctx, project, gen.TriggerPipelineRequest{Parameters: params})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pipeline", created.Number, created.State)

	if err := f.Advance(5 * time.Minute); err != nil { // or POST /_fake/clock/advance
		log.Fatal(err)
	}
	workflows, err := c.ListWorkflowsByPipelineID(ctx, created.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range workflows.Items {
		fmt.Println("workflow", w.Name, w.Status)
	}
	// Output:
	// pipeline 1 created
	// workflow build-test-deploy on_hold
}
