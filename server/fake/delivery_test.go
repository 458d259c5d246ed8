package fake_test

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/webhook"
)

// receiver is a webhook receiver built with package webhook that records what it handled and can
// fail the first attempts at each event.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	events   []webhook.Event
	requests map[string]int // per event id: requests that passed the signature check
	fails    int            // answer 500 to the first fails requests of each event
	seen     chan string    // the id of each event handled, while there is room
}

func newReceiver(t *testing.T, f *fake.Server, secret string, tlsServer bool, fails int) *receiver {
	t.Helper()
	r := &receiver{requests: map[string]int{}, fails: fails, seen: make(chan string, 64)}
	h := webhook.NewHandler(secret, func(_ context.Context, ev webhook.Event) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		id := ev.EventMetadata().ID
		r.requests[id]++
		if r.requests[id] <= r.fails {
			return http.ErrHandlerTimeout // any error: the handler answers 500
		}
		r.events = append(r.events, ev)
		select {
		case r.seen <- id:
		default:
		}
		return nil
	}, webhook.WithClock(f.Now))
	r.srv = httptest.NewUnstartedServer(h)
	r.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes of verify_tls webhooks
	if tlsServer {
		r.srv.StartTLS()
	} else {
		r.srv.Start()
	}
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) handled() []webhook.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]webhook.Event(nil), r.events...)
}

func createWebhook(e *env, url, secret string, verifyTLS bool, events ...string) gen.Webhook {
	e.t.Helper()
	var wh gen.Webhook
	e.must(201, "POST", "/webhook", map[string]any{"name": "receiver", "events": events, "url": url,
		"verify-tls": verifyTLS, "signing-secret": secret, "scope": map[string]any{"id": demoProjectUUID, "type": "project"}}, &wh)
	return wh
}

func waitDeliveries(t *testing.T, f *fake.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := f.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
}

func advance(t *testing.T, f *fake.Server, d time.Duration) {
	t.Helper()
	if err := f.Advance(d); err != nil {
		t.Fatal(err)
	}
}

// TestWebhookDelivery_EndToEnd: the fake delivers a nightly pipeline's job-completed and
// workflow-completed events to a self-signed TLS receiver built with package webhook, which
// verifies them; a tampered body is refused; a webhook that verifies TLS cannot deliver there.
func TestWebhookDelivery_EndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rcv := newReceiver(t, e.fake, "s3cr3t", true, 0)
	wh := createWebhook(e, rcv.srv.URL+"/hook", "s3cr3t", false, "workflow-completed", "job-completed")
	strict := createWebhook(e, rcv.srv.URL+"/strict", "s3cr3t", true, "workflow-completed")

	var pl gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", map[string]any{"branch": "main", "parameters": map[string]any{"nightly": true}}, &pl)
	waitDeliveries(t, e.fake)
	if got := e.fake.WebhookDeliveries(); len(got) != 0 {
		t.Fatalf("%d deliveries before any job finished", len(got))
	}
	advance(t, e.fake, time.Hour)
	waitDeliveries(t, e.fake)

	got := rcv.handled()
	if len(got) != 2 {
		t.Fatalf("receiver handled %d events, want job-completed and workflow-completed: %#v", len(got), got)
	}
	var types []string
	for _, ev := range got {
		m := ev.EventMetadata()
		types = append(types, m.Type)
		if m.Webhook.ID != wh.ID.String() || m.Project.Slug != "gh/demo-org/demo-app" || m.Pipeline.ID != pl.ID.String() ||
			m.Pipeline.Number != pl.Number || m.Pipeline.Trigger.Type != "api" || m.Pipeline.VCS == nil || m.Pipeline.VCS.Branch != "main" {
			t.Errorf("%s: metadata %+v", m.Type, m)
		}
		switch ev := ev.(type) {
		case *webhook.JobCompleted:
			if ev.Job.Name != "report" || ev.Job.Status != "success" || ev.Job.Number < 1 || ev.Job.StoppedAt == nil || !ev.HappenedAt.Equal(*ev.Job.StoppedAt) {
				t.Errorf("job-completed: %+v", ev.Job)
			}
		case *webhook.WorkflowCompleted:
			if ev.Workflow.Name != "nightly" || ev.Workflow.Status != "success" || ev.Workflow.StoppedAt == nil {
				t.Errorf("workflow-completed: %+v", ev.Workflow)
			}
		}
	}
	if strings.Join(types, ",") != "job-completed,workflow-completed" && strings.Join(types, ",") != "workflow-completed,job-completed" {
		t.Errorf("event types %v", types)
	}

	var sent []fake.WebhookDelivery
	for _, d := range e.fake.WebhookDeliveries() {
		switch d.WebhookID {
		case wh.ID:
			sent = append(sent, d)
			if d.State != "succeeded" || d.StatusCode != 204 || d.Attempt != 1 || d.Headers["User-Agent"] != webhook.UserAgent ||
				d.Headers[webhook.HeaderEventType] != d.EventType || d.SentAt == nil {
				t.Errorf("delivery %+v", d)
			}
			if err := webhook.Verify("s3cr3t", d.Headers[webhook.HeaderSignature], d.Body); err != nil {
				t.Errorf("the recorded body does not verify: %v", err)
			}
		case strict.ID:
			if d.Attempt == 2 && d.State == "pending" {
				continue // its retry, due later
			}
			if d.State != "failed" || d.StatusCode != 0 || !strings.Contains(d.Error, "certificate") {
				t.Errorf("a verify_tls webhook reached a self-signed receiver: %+v", d)
			}
		}
	}
	if len(sent) != 2 {
		t.Fatalf("%d deliveries to the webhook, want 2", len(sent))
	}

	// The same body with one byte changed, sent with the real signature, is refused.
	tampered := bytes.Replace(sent[0].Body, []byte(`"success"`), []byte(`"failed"`), 1)
	req, _ := http.NewRequest("POST", rcv.srv.URL+"/hook", bytes.NewReader(tampered))
	for k, v := range sent[0].Headers {
		req.Header.Set(k, v)
	}
	res, err := rcv.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered body: status %d, want 401", res.StatusCode)
	}
	if n := len(rcv.handled()); n != 2 {
		t.Errorf("the receiver handled %d events after the tampered one, want 2", n)
	}
}

// TestWebhookDelivery_Retries: a receiver that answers 500 twice gets the third attempt, after the
// retry delays pass on the simulated clock; the attempts share event id, body and signature.
func TestWebhookDelivery_Retries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithInsecureLoopbackWebhooks())
	rcv := newReceiver(t, e.fake, "k", false, 2)
	createWebhook(e, rcv.srv.URL, "k", true, "workflow-completed")
	e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"nightly": true}}, nil)

	advance(t, e.fake, time.Minute) // the nightly workflow takes 11s
	for i, step := range []time.Duration{10 * time.Second, time.Minute} {
		waitDeliveries(t, e.fake)
		if n := len(rcv.handled()); n != 0 {
			t.Fatalf("after %d failed attempts the receiver handled %d events", i+1, n)
		}
		ds := e.fake.WebhookDeliveries()
		if last := ds[len(ds)-1]; len(ds) != i+2 || last.State != "pending" || ds[i].State != "failed" || ds[i].StatusCode != 500 {
			t.Fatalf("attempts after %d failures: %+v", i+1, ds)
		}
		advance(t, e.fake, step-time.Millisecond)
		waitDeliveries(t, e.fake)
		if n := len(e.fake.WebhookDeliveries()); n != i+2 {
			t.Fatalf("a retry went before its delay: %d attempts", n)
		}
		advance(t, e.fake, time.Millisecond)
	}
	waitDeliveries(t, e.fake)
	ds := e.fake.WebhookDeliveries()
	if len(ds) != 3 || ds[2].State != "succeeded" || ds[2].Attempt != 3 || len(rcv.handled()) != 1 {
		t.Fatalf("after the third attempt: %+v", ds)
	}
	for _, d := range ds[1:] {
		if d.EventID != ds[0].EventID || !bytes.Equal(d.Body, ds[0].Body) || d.Headers[webhook.HeaderSignature] != ds[0].Headers[webhook.HeaderSignature] {
			t.Errorf("attempt %d differs from the first: %+v", d.Attempt, d)
		}
	}
}

// TestWebhookDelivery_Controls: GET /_fake/webhook-deliveries lists the attempts and POST
// …/resend sends one again; bad ids are a JSON 400 or 404.
func TestWebhookDelivery_Controls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithInsecureLoopbackWebhooks())
	rcv := newReceiver(t, e.fake, "k", false, 0)
	createWebhook(e, "http://localhost:"+rcv.srv.URL[strings.LastIndex(rcv.srv.URL, ":")+1:], "k", true, "workflow-completed")
	e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"nightly": true}}, nil)
	advance(t, e.fake, time.Hour)
	waitDeliveries(t, e.fake)

	var list struct{ Deliveries []fake.WebhookDelivery }
	e.mustControl(200, "GET", "/_fake/webhook-deliveries", nil, &list)
	if len(list.Deliveries) != 1 || list.Deliveries[0].State != "succeeded" || len(list.Deliveries[0].Body) == 0 {
		t.Fatalf("listing %+v", list.Deliveries)
	}
	first := list.Deliveries[0]
	var resent struct{ Delivery fake.WebhookDelivery }
	e.mustControl(202, "POST", "/_fake/webhook-deliveries/"+first.ID.String()+"/resend", nil, &resent)
	if resent.Delivery.Attempt != 2 || !resent.Delivery.Resent || resent.Delivery.EventID != first.EventID {
		t.Errorf("re-sent %+v", resent.Delivery)
	}
	waitDeliveries(t, e.fake)
	got := rcv.handled()
	if len(got) != 2 || got[0].EventMetadata().ID != got[1].EventMetadata().ID {
		t.Errorf("the receiver handled %d events, want the same one twice", len(got))
	}
	var msg struct{ Message string }
	e.mustControl(404, "POST", "/_fake/webhook-deliveries/"+uuid.NewString()+"/resend", nil, &msg)
	e.mustControl(400, "POST", "/_fake/webhook-deliveries/nope/resend", nil, &msg)
	if !strings.Contains(msg.Message, "UUID") {
		t.Errorf("bad id message %q", msg.Message)
	}
	e.mustControl(405, "DELETE", "/_fake/webhook-deliveries", nil, nil)

	// Without the option, plain http is refused at creation.
	plain := newEnv(t)
	plain.must(400, "POST", "/webhook", map[string]any{"name": "w", "events": []string{"job-completed"}, "url": rcv.srv.URL,
		"scope": map[string]any{"id": demoProjectUUID, "type": "project"}}, nil)
	// With it, only loopback hosts may be plain http.
	e.must(400, "POST", "/webhook", map[string]any{"name": "w", "events": []string{"job-completed"}, "url": "http://hooks.example/ci",
		"scope": map[string]any{"id": demoProjectUUID, "type": "project"}}, nil)
}

// TestWebhookDelivery_StuckReceiver: while a receiver holds every delivery to it without answering,
// the API answers, the clock moves and another webhook's events are delivered; the stuck ones are
// sent once it lets go.
func TestWebhookDelivery_StuckReceiver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithInsecureLoopbackWebhooks())
	entered, release := make(chan struct{}, 16), make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(stuck.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	good := newReceiver(t, e.fake, "k", false, 0)
	createWebhook(e, stuck.URL, "k", true, "workflow-completed", "job-completed")
	createWebhook(e, good.srv.URL, "k", true, "workflow-completed", "job-completed")

	e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"nightly": true}}, nil)
	advance(t, e.fake, time.Minute)
	<-entered // a delivery to the stuck receiver is under way and stays so
	e.must(201, "POST", demo+"/pipeline", map[string]any{"parameters": map[string]any{"nightly": true}}, nil)
	advance(t, e.fake, time.Minute)
	e.must(200, "GET", "/me", nil, nil)
	for range 4 { // two pipelines: a job and a workflow event each
		<-good.seen
	}
	close(release)
	waitDeliveries(t, e.fake)
	var stuckDone int
	for _, d := range e.fake.WebhookDeliveries() {
		if d.URL == stuck.URL && d.State == "succeeded" {
			stuckDone++
		}
	}
	if stuckDone != 4 {
		t.Errorf("%d deliveries to the receiver that was stuck succeeded, want 4", stuckDone)
	}
}
