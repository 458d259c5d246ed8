package fake_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/webhook"
)

// deliveryBenchConfig runs one short job in every pipeline, so each pipeline makes one
// workflow-completed event.
const deliveryBenchConfig = `version: 2.1
jobs:
  build:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
workflows:
  main:
    jobs: [build]
`

const benchEvents = 10_000

// apiProbe calls the API over and over until stop is closed and returns the mean latency of a call.
func apiProbe(b *testing.B, f *fake.Server, ctx context.Context, id uuid.UUID, stop <-chan struct{}) time.Duration {
	var calls int
	var total time.Duration
	req := genserver.GetPipelineByIDRequestObject{PipelineID: id}
	for {
		select {
		case <-stop:
			if calls == 0 {
				return 0
			}
			return total / time.Duration(calls)
		default:
		}
		start := time.Now()
		if _, err := f.GetPipelineByID(ctx, req); err != nil {
			b.Error(err)
			return 0
		}
		total += time.Since(start)
		calls++
	}
}

// BenchmarkWebhookDelivery measures the API's latency (GetPipelineByID) with nothing else going on
// (api-baseline, ns/op), and then batches of 10,000 pipelines run to their end by one Advance, with
// no webhook and with one that gets their 10,000 workflow-completed events at a local receiver
// built with package webhook, which verifies each: each op is one batch, from the Advance to the
// last delivery. It reports the time Advance took (advance-ms/op: with the webhook, it queues the
// events too), the mean latency of the API calls made while the batch is delivered (api-ns/call, to
// compare with the baseline) and the events delivered a second, and fails if the receiver did not
// get every event exactly once.
func BenchmarkWebhookDelivery(b *testing.B) {
	setup := func(b *testing.B) (*fake.Server, context.Context, uuid.UUID) {
		seed := fake.DemoSeed()
		seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "bench", Config: deliveryBenchConfig})
		f, err := fake.New(fake.WithSeed(seed), fake.WithInsecureLoopbackWebhooks())
		if err != nil {
			b.Fatal(err)
		}
		ctx := fake.WithToken(context.Background(), fake.DemoToken)
		res, err := f.TriggerPipeline(ctx, genserver.TriggerPipelineRequestObject{ProjectSlug: "gh/demo-org/demo-app"})
		if err != nil {
			b.Fatal(err)
		}
		return f, ctx, res.(genserver.TriggerPipeline201JSONResponse).ID
	}
	b.Run("api-baseline", func(b *testing.B) {
		f, ctx, id := setup(b)
		req := genserver.GetPipelineByIDRequestObject{PipelineID: id}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.GetPipelineByID(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, hooked := range []bool{false, true} {
		name := "pipelines=10000/webhook=none"
		if hooked {
			name = "pipelines=10000/webhook=1"
		}
		b.Run(name, func(b *testing.B) { deliverBatches(b, setup, hooked) })
	}
}

// deliverBatches runs batches of benchEvents pipelines to their end, with one webhook subscribed
// to workflow-completed when hooked, or none (the cost of Advance without deliveries).
func deliverBatches(b *testing.B, setup func(*testing.B) (*fake.Server, context.Context, uuid.UUID), hooked bool) {
	{
		f, ctx, id := setup(b)
		var mu sync.Mutex
		got := map[string]bool{}
		rcv := httptest.NewServer(webhook.NewHandler("bench-secret", func(_ context.Context, ev webhook.Event) error {
			mu.Lock()
			got[ev.EventMetadata().ID] = true
			mu.Unlock()
			return nil
		}, webhook.WithTolerance(0)))
		defer rcv.Close()
		var project gen.Project
		pres, err := f.GetProjectBySlug(ctx, genserver.GetProjectBySlugRequestObject{ProjectSlug: "gh/demo-org/bench"})
		if err != nil {
			b.Fatal(err)
		}
		project = gen.Project(pres.(genserver.GetProjectBySlug200JSONResponse))
		secret, verify := "bench-secret", false
		if hooked {
			if _, err := f.CreateWebhook(ctx, genserver.CreateWebhookRequestObject{Body: &gen.CreateWebhookRequest{
				Name: "bench", URL: rcv.URL, SigningSecret: &secret, VerifyTLS: &verify,
				Events: []gen.CreateWebhookRequestEvents{gen.CreateWebhookRequestEventsWorkflowCompleted},
				Scope:  gen.WebhookScopeInput{ID: project.ID, Type: gen.WebhookScopeInputTypeProject},
			}}); err != nil {
				b.Fatal(err)
			}
		}
		var apiLatency, queueing, delivering time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			for range benchEvents {
				if _, err := f.TriggerPipeline(ctx, genserver.TriggerPipelineRequestObject{ProjectSlug: "gh/demo-org/bench"}); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			start := time.Now()
			if err := f.Advance(time.Minute); err != nil {
				b.Fatal(err)
			}
			queued := time.Now()
			stop, done := make(chan struct{}), make(chan time.Duration)
			go func() { done <- apiProbe(b, f, ctx, id, stop) }()
			if err := f.WaitWebhookDeliveries(context.Background()); err != nil {
				b.Fatal(err)
			}
			delivered := time.Now()
			close(stop)
			apiLatency += <-done
			queueing += queued.Sub(start)
			delivering += delivered.Sub(queued)
			mu.Lock()
			n := len(got)
			mu.Unlock()
			if want := benchEvents * (i + 1); hooked && n != want || !hooked && n != 0 {
				b.Fatalf("the receiver got %d distinct events (webhook: %v)", n, hooked)
			}
		}
		for _, d := range f.WebhookDeliveries() {
			if d.State != "succeeded" {
				b.Fatalf("a delivery %s: %+v", d.State, d)
			}
		}
		if hooked {
			b.ReportMetric(float64(apiLatency.Nanoseconds())/float64(b.N), "api-ns/call")
			b.ReportMetric(float64(benchEvents*b.N)/delivering.Seconds(), "events/s")
		}
		b.ReportMetric(float64(queueing.Milliseconds())/float64(b.N), "advance-ms/op")
	}
}
