package fake

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake/internal/engine"
	hook "github.com/cikit/circleci-go/webhook"
)

// Webhook delivery: when a workflow or a build job of a project reaches a final status, the fake
// queues one event for each webhook of the project subscribed to it, and worker goroutines POST the
// events without holding the fake's lock, so a slow or dead receiver holds up neither the API nor
// the simulated clock. A failed attempt (no answer within webhookTimeout, or a status other than
// 2xx) is tried again after the next of webhookRetryDelays, measured on the simulated clock.

// webhookTimeout is how long an attempt waits for the receiver's answer, as CircleCI documents.
const webhookTimeout = 10 * time.Second

// webhookRetryDelays are the simulated times between a failed attempt and the next one. CircleCI
// retries failed deliveries but does not document when or how often; these are the fake's choice.
var webhookRetryDelays = []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute}

// webhookWorkers is how many deliveries to one webhook are sent at once. Each webhook has its own
// queue and workers, so a slow or dead receiver delays only its own deliveries.
const webhookWorkers = 4

// maxKeptResponse is how much of a receiver's answer an attempt keeps.
const maxKeptResponse = 1 << 10

// eventNamespace derives the stable ids of events and attempts (UUID v5).
var eventNamespace = uuid.MustParse("8a1f0a34-43c5-4b8e-9a57-1d8e0bd2a3f1")

// WebhookDelivery is one attempt to deliver an event to a webhook, as [Server.WebhookDeliveries]
// and GET /_fake/webhook-deliveries list it.
type WebhookDelivery struct {
	// ID names the attempt, for [Server.ResendWebhookDelivery].
	ID uuid.UUID `json:"id"`
	// EventID is the id in the body: every attempt at one event carries the same one.
	EventID   uuid.UUID `json:"event_id"`
	EventType string    `json:"event_type"`
	WebhookID uuid.UUID `json:"webhook_id"`
	URL       string    `json:"url"`
	// Attempt counts the attempts at the event from 1; a re-send is a further attempt.
	Attempt int `json:"attempt"`
	// Resent is true for an attempt made by [Server.ResendWebhookDelivery].
	Resent bool `json:"resent,omitempty"`
	// State is "pending" (queued or waiting for its time), "succeeded" (a 2xx answer) or "failed".
	State string `json:"state"`
	// DueAt is the simulated time the attempt is (or was) due.
	DueAt time.Time `json:"due_at"`
	// SentAt is the wall-clock time it was sent; absent while pending.
	SentAt *time.Time `json:"sent_at,omitempty"`
	// StatusCode is the receiver's answer; 0 when there was none.
	StatusCode int `json:"status_code,omitempty"`
	// Error says why the attempt failed without an answer (refused URL, TLS, timeout, …).
	Error string `json:"error,omitempty"`
	// LatencyMS is how long the receiver took to answer, in milliseconds of wall-clock time.
	LatencyMS float64 `json:"latency_ms"`
	// Response is the start of the receiver's answer body.
	Response string `json:"response,omitempty"`
	// Headers are the headers sent that matter to a receiver.
	Headers map[string]string `json:"headers"`
	// Body is the raw body sent, whose bytes the signature covers.
	Body json.RawMessage `json:"body"`
}

// clone returns a copy of d that shares nothing with it.
func (d WebhookDelivery) clone() WebhookDelivery {
	d.Headers = maps.Clone(d.Headers)
	d.Body = slices.Clone(d.Body)
	return d
}

const (
	deliveryPending   = "pending"
	deliverySucceeded = "succeeded"
	deliveryFailed    = "failed"
)

// attempt is a [WebhookDelivery] with what sending it needs.
type attempt struct {
	rec       WebhookDelivery
	verifyTLS bool
}

// deliveries holds the attempts and their queue. It has its own lock, taken after s.mu where both
// are held and never while sending.
type deliveries struct {
	insecureLoopback bool

	mu       sync.Mutex
	all      []*attempt // in the order made
	byID     map[uuid.UUID]*attempt
	queues   map[uuid.UUID]*hookQueue // by webhook id
	ready    int                      // attempts due and waiting for a worker, in all queues
	waiting  []*attempt               // retries, due on the simulated clock
	workers  int                      // running, in all queues
	changed  chan struct{}
	timers   []*time.Timer
	ctx      context.Context // ended by Close
	cancel   context.CancelFunc
	verify   *http.Client
	noVerify *http.Client
	onRetry  func(delay time.Duration) // called with d.mu held when a retry is scheduled
}

// hookQueue is the attempts of one webhook that are due, and its workers.
type hookQueue struct {
	ready   []*attempt
	workers int
}

// workflowEvents records which events of a workflow were queued, so each is queued once.
type workflowEvents struct {
	jobs []bool // by job index
	done bool   // the workflow-completed event
}

// WithInsecureLoopbackWebhooks lets webhooks deliver over plain http:// to loopback receivers
// (localhost, 127.0.0.0/8, ::1), for receivers under test on the same machine. CircleCI and the fake
// without this option take https:// URLs only.
func WithInsecureLoopbackWebhooks() Option {
	return func(s *Server) error {
		s.ev.dl.insecureLoopback = true
		return nil
	}
}

// isLoopbackHost reports whether a URL host is the loopback interface by name or address.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkWebhookURL accepts absolute https URLs, as CircleCI does, and with
// [WithInsecureLoopbackWebhooks] also http URLs of loopback hosts.
func (s *Server) checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err == nil && u.Host != "" {
		switch {
		case u.Scheme == "https":
			return ""
		case u.Scheme == "http" && s.ev.dl.insecureLoopback && isLoopbackHost(u.Hostname()):
			return ""
		}
	}
	if s.ev.dl.insecureLoopback {
		return "url must be an absolute https URL, or http on a loopback host, got " + quote(raw)
	}
	return "url must be an absolute https URL, got " + quote(raw)
}

func (d *deliveries) init() {
	d.byID = map[uuid.UUID]*attempt{}
	d.queues = map[uuid.UUID]*hookQueue{}
	d.changed = make(chan struct{})
	d.ctx, d.cancel = context.WithCancel(context.Background())
	transport := func(verify bool) *http.Client {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = webhookWorkers
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: !verify} //nolint:gosec // verify_tls false asks for exactly this
		return &http.Client{
			Transport:     t,
			Timeout:       webhookTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	d.verify, d.noVerify = transport(true), transport(false)
}

// notify wakes whoever waits for a change; the caller holds d.mu.
func (d *deliveries) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// webhooksFor returns the webhooks of p subscribed to an event type, oldest first; the caller holds
// s.mu.
func (s *Server) webhooksFor(p *project, typ gen.WebhookEvents) []*webhook {
	var out []*webhook
	for _, w := range s.st.webhooksByID {
		if w.project == p && slices.Contains(w.events, typ) {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b *webhook) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// noticeCompletions queues the events of w not queued yet: job-completed for each build job that
// has stopped (not_run jobs never ran, and jobs a rerun reused did not run again) and
// workflow-completed once w is done. It does nothing for projects without webhooks. The caller
// holds s.mu.
func (s *Server) noticeCompletions(w *workflow) {
	if len(s.st.webhooksByID) == 0 || (w.events != nil && w.events.done) {
		return
	}
	jobHooks := s.webhooksFor(w.project, gen.WebhookEventsJobCompleted)
	flowHooks := s.webhooksFor(w.project, gen.WebhookEventsWorkflowCompleted)
	if len(jobHooks) == 0 && len(flowHooks) == 0 {
		return
	}
	states := w.run.Jobs()
	if w.events == nil {
		w.events = &workflowEvents{jobs: make([]bool, len(states))}
	}
	type stopped struct {
		i  int
		at time.Time
	}
	var jobs []stopped
	for i, js := range states {
		if w.events.jobs[i] || js.Type != engine.TypeBuild || js.Reused || js.StoppedAt == nil || js.Status == engine.StatusNotRun {
			continue
		}
		w.events.jobs[i] = true
		jobs = append(jobs, stopped{i, *js.StoppedAt})
	}
	slices.SortStableFunc(jobs, func(a, b stopped) int { return a.at.Compare(b.at) })
	for _, j := range jobs {
		for _, h := range jobHooks {
			s.queueEvent(h, w, j.i, j.at)
		}
	}
	if w.run.Done() {
		w.events.done = true
		at, _ := w.run.StoppedAt()
		for _, h := range flowHooks {
			s.queueEvent(h, w, -1, at)
		}
	}
}

// queueEvent queues the first attempt at the event of job i of w (or of w itself when i < 0) for
// webhook h, unless the event happened before h was created; the caller holds s.mu.
func (s *Server) queueEvent(h *webhook, w *workflow, i int, at time.Time) {
	if at.Before(h.created) {
		return
	}
	typ, subject := hook.TypeWorkflowCompleted, w.id
	if i >= 0 {
		typ, subject = hook.TypeJobCompleted, w.jobs[i].id
	}
	eventID := uuid.NewSHA1(eventNamespace, []byte(h.id.String()+"/"+typ+"/"+subject.String()))
	body, err := json.Marshal(s.eventPayload(h, w, i, eventID, typ, at))
	if err != nil {
		return // the payload holds strings, numbers and times only
	}
	headers := map[string]string{
		"Content-Type":       "application/json",
		"User-Agent":         hook.UserAgent,
		hook.HeaderEventType: typ,
	}
	if h.secret != "" {
		headers[hook.HeaderSignature] = hook.Sign(h.secret, body)
	}
	a := &attempt{verifyTLS: h.verifyTLS, rec: WebhookDelivery{
		EventID: eventID, EventType: typ, WebhookID: h.id, URL: h.url, Attempt: 1,
		State: deliveryPending, DueAt: s.now(), Headers: headers, Body: body,
	}}
	s.ev.dl.enqueue(a)
}

// eventPayload builds the body CircleCI documents for an event; the caller holds s.mu.
func (s *Server) eventPayload(h *webhook, w *workflow, i int, id uuid.UUID, typ string, at time.Time) hook.Event {
	p, pl := w.project, w.pipeline
	api := s.st.pipelineAPI(pl)
	meta := hook.Metadata{
		ID: id.String(), Type: typ, HappenedAt: at,
		Webhook:      hook.WebhookRef{ID: h.id.String(), Name: h.name},
		Project:      hook.Project{ID: p.id.String(), Name: p.name, Slug: p.slug},
		Organization: hook.Organization{ID: p.org.id.String(), Name: p.org.name},
		Pipeline: hook.Pipeline{
			ID: pl.id.String(), Number: pl.number, CreatedAt: api.CreatedAt,
			Trigger: hook.Trigger{Type: string(api.Trigger.Type)},
			TriggerParameters: map[string]any{"circleci": map[string]any{
				"event_time": api.CreatedAt, "event_type": string(api.Trigger.Type), "trigger_type": string(api.Trigger.Type),
				"actor_id": s.st.usersByIndex[pl.actor].id.String(),
			}},
		},
	}
	if v := api.VCS; v != nil {
		meta.Pipeline.VCS = &hook.VCS{
			ProviderName: v.ProviderName, OriginRepositoryURL: v.OriginRepositoryURL, TargetRepositoryURL: v.TargetRepositoryURL,
			Revision: deref(v.Revision), Branch: deref(v.Branch), Tag: deref(v.Tag),
		}
		if c := v.Commit; c != nil {
			meta.Pipeline.VCS.Commit = &hook.Commit{Subject: deref(c.Subject), Body: deref(c.Body)}
		}
	}
	flow := hook.Workflow{
		ID: w.id.String(), Name: w.run.Name(), Status: w.run.Status(), CreatedAt: w.run.CreatedAt(),
		URL: fmt.Sprintf("https://app.circleci.com/pipelines/%s/%d/workflows/%s", p.slug, pl.number, w.id),
	}
	if t, ok := w.run.StoppedAt(); ok && !t.After(at) {
		flow.StoppedAt = &t
	} else {
		flow.Status = engine.StatusRunning // the status when the job stopped, not now
	}
	if i < 0 {
		return &hook.WorkflowCompleted{Metadata: meta, Workflow: flow}
	}
	js := w.run.Jobs()[i]
	return &hook.JobCompleted{Metadata: meta, Workflow: flow, Job: hook.Job{
		ID: w.jobs[i].id.String(), Name: js.Name, Number: w.jobs[i].number, Status: js.Status,
		StartedAt: js.StartedAt, StoppedAt: js.StoppedAt,
	}}
}

// attemptID names attempt n at an event.
func attemptID(event uuid.UUID, n int) uuid.UUID {
	return uuid.NewSHA1(eventNamespace, fmt.Appendf(nil, "%s/attempt/%d", event, n))
}

// enqueue stores a new attempt, due now, and starts a worker for it if there is room.
func (d *deliveries) enqueue(a *attempt) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a.rec.ID = attemptID(a.rec.EventID, a.rec.Attempt)
	d.all = append(d.all, a)
	d.byID[a.rec.ID] = a
	d.push(a)
	d.notify()
}

// push puts a due attempt in its webhook's queue and starts a worker for it if the webhook has
// fewer than webhookWorkers; the caller holds d.mu.
func (d *deliveries) push(a *attempt) {
	q := d.queues[a.rec.WebhookID]
	if q == nil {
		q = &hookQueue{}
		d.queues[a.rec.WebhookID] = q
	}
	q.ready = append(q.ready, a)
	d.ready++
	if q.workers < webhookWorkers {
		q.workers++
		d.workers++
		go d.work(a.rec.WebhookID, q)
	}
}

// work sends the due attempts of one webhook until none is left.
func (d *deliveries) work(hook uuid.UUID, q *hookQueue) {
	d.mu.Lock()
	for len(q.ready) > 0 {
		a := q.ready[0]
		q.ready[0] = nil
		q.ready = q.ready[1:]
		d.ready--
		rec := a.rec // the fields send reads do not change while the attempt is out
		d.mu.Unlock()
		res := d.send(&rec, a.verifyTLS)
		d.mu.Lock()
		a.rec.SentAt, a.rec.StatusCode, a.rec.Error, a.rec.LatencyMS, a.rec.Response, a.rec.State =
			res.SentAt, res.StatusCode, res.Error, res.LatencyMS, res.Response, res.State
		if res.State == deliveryFailed && !a.rec.Resent && a.rec.Attempt <= len(webhookRetryDelays) && d.ctx.Err() == nil {
			next := &attempt{verifyTLS: a.verifyTLS, rec: a.rec}
			next.rec.Attempt++
			next.rec.ID = attemptID(next.rec.EventID, next.rec.Attempt)
			next.rec.State, next.rec.SentAt, next.rec.StatusCode, next.rec.Error, next.rec.LatencyMS, next.rec.Response =
				deliveryPending, nil, 0, "", 0, ""
			next.rec.DueAt = a.rec.DueAt.Add(webhookRetryDelays[a.rec.Attempt-1])
			d.all = append(d.all, next)
			d.byID[next.rec.ID] = next
			d.waiting = append(d.waiting, next)
			if d.onRetry != nil {
				d.onRetry(webhookRetryDelays[a.rec.Attempt-1])
			}
		}
		d.notify()
	}
	q.workers--
	d.workers--
	if q.workers == 0 {
		delete(d.queues, hook)
	}
	d.notify()
	d.mu.Unlock()
}

// send makes one attempt and returns its outcome in the fields it sets.
func (d *deliveries) send(rec *WebhookDelivery, verifyTLS bool) WebhookDelivery {
	var out WebhookDelivery
	out.State = deliveryFailed
	now := time.Now().UTC()
	out.SentAt = &now
	u, err := url.Parse(rec.URL)
	switch {
	case err != nil:
		out.Error = "the URL does not parse: " + err.Error()
		return out
	case u.Scheme == "http" && !(d.insecureLoopback && isLoopbackHost(u.Hostname())):
		out.Error = "plain http is refused: only https, or http to a loopback host with WithInsecureLoopbackWebhooks"
		return out
	case u.Scheme != "http" && u.Scheme != "https":
		out.Error = "the URL is not http(s)"
		return out
	}
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, rec.URL, bytes.NewReader(rec.Body))
	if err != nil {
		out.Error = err.Error()
		return out
	}
	for k, v := range rec.Headers {
		req.Header.Set(k, v)
	}
	client := d.verify
	if !verifyTLS {
		client = d.noVerify
	}
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		out.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
		out.Error = err.Error()
		var uerr *url.Error
		if errors.As(err, &uerr) && uerr.Timeout() {
			out.Error = fmt.Sprintf("no answer within %s", webhookTimeout)
		}
		return out
	}
	kept, _ := io.ReadAll(io.LimitReader(res.Body, maxKeptResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20)) // lets the connection be reused
	_ = res.Body.Close()
	out.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	out.StatusCode, out.Response = res.StatusCode, string(kept)
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		out.State = deliverySucceeded
	}
	return out
}

// release moves the retries due by the simulated time now to the queue.
func (d *deliveries) release(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	kept := d.waiting[:0]
	for _, a := range d.waiting {
		if a.rec.DueAt.After(now) {
			kept = append(kept, a)
			continue
		}
		d.push(a)
	}
	clear(d.waiting[len(kept):])
	d.waiting = kept
	d.notify()
}

// close ends the attempts under way and the retry timers; later attempts fail at once.
func (d *deliveries) close() {
	d.cancel()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range d.timers {
		t.Stop()
	}
	d.timers = nil
}

// WebhookDeliveries returns every delivery attempt so far, in the order they were made: sent,
// under way and pending ones, retries due later on the simulated clock included.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	d := &s.ev.dl
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]WebhookDelivery, len(d.all))
	for i, a := range d.all {
		out[i] = a.rec.clone()
	}
	return out
}

// WaitWebhookDeliveries blocks until no attempt is queued or being sent, or ctx is done. Retries
// that are due later on the simulated clock do not count: [Server.Advance] releases them.
func (s *Server) WaitWebhookDeliveries(ctx context.Context) error {
	d := &s.ev.dl
	for {
		d.mu.Lock()
		idle, changed := d.ready == 0 && d.workers == 0, d.changed
		d.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ResendWebhookDelivery sends the event of an attempt again at once, as a further attempt with the
// same body and headers (so the same event id and signature), and returns the new attempt, pending.
// A re-sent attempt that fails is not retried. An unknown id is an error that wraps a not-found error.
func (s *Server) ResendWebhookDelivery(id uuid.UUID) (WebhookDelivery, error) {
	now := s.Now()
	d := &s.ev.dl
	d.mu.Lock()
	defer d.mu.Unlock()
	a, ok := d.byID[id]
	if !ok {
		return WebhookDelivery{}, fmt.Errorf("fake: webhook delivery %s: %w", id, errNotFound)
	}
	last := 0
	for _, b := range d.all {
		if b.rec.EventID == a.rec.EventID {
			last = max(last, b.rec.Attempt)
		}
	}
	next := &attempt{verifyTLS: a.verifyTLS, rec: WebhookDelivery{
		EventID: a.rec.EventID, EventType: a.rec.EventType, WebhookID: a.rec.WebhookID, URL: a.rec.URL,
		Attempt: last + 1, Resent: true, State: deliveryPending, DueAt: now, Headers: a.rec.Headers, Body: a.rec.Body,
	}}
	next.rec.ID = attemptID(next.rec.EventID, next.rec.Attempt)
	d.all = append(d.all, next)
	d.byID[next.rec.ID] = next
	d.push(next)
	d.notify()
	return next.rec.clone(), nil
}

func (s *Server) serveWebhookDeliveries(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]WebhookDelivery{"deliveries": s.WebhookDeliveries()})
}

func (s *Server) serveResendWebhookDelivery(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		writeMessage(w, http.StatusBadRequest, "the delivery id must be a UUID, got "+quote(r.PathValue("id")))
		return
	}
	rec, err := s.ResendWebhookDelivery(id)
	if err != nil {
		writeMessage(w, http.StatusNotFound, "No webhook delivery has the id "+id.String()+"; GET "+ControlPath+"webhook-deliveries lists them.")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]WebhookDelivery{"delivery": rec})
}
