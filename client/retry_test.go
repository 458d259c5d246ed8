package client

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
)

// pipeListener is a net.Listener whose connections are in-memory pipes, so that an http.Server and
// client can run inside a synctest bubble (where only in-memory I/O lets fake time advance).
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// bubbleClient serves h over real HTTP on in-memory pipes and returns a client for it. Call it
// inside synctest.Test; the cleanup stops every goroutine it started.
func bubbleClient(t *testing.T, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	l := newPipeListener()
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	tr := &http.Transport{DialContext: l.dial}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		_ = srv.Close()
	})
	c, err := New(append([]Option{WithBaseURL("http://circleci.test/api/v2"), WithToken("t"), WithHTTPClient(&http.Client{Transport: tr})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testPipelineID = uuid.MustParse("5034460f-c7c4-4c43-9457-de07e2029e7b")

func TestRetry_429RetryAfterThenOK(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		var times []time.Time
		var mu sync.Mutex
		c := bubbleClient(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			if calls.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, http.StatusTooManyRequests, `{"message":"Rate limit exceeded"}`)
				return
			}
			writeJSON(w, 200, pipelineJSON)
		}, WithRetryBackoff(time.Hour, time.Hour)) // a Retry-After must win over the backoff
		start := time.Now()
		p, err := c.GetPipelineByID(t.Context(), testPipelineID)
		if err != nil {
			t.Fatalf("GetPipelineByID: %v", err)
		}
		if p.Number != 7 || calls.Load() != 2 {
			t.Errorf("number %d after %d calls, want 7 after 2", p.Number, calls.Load())
		}
		if wait := times[1].Sub(times[0]); wait != time.Second {
			t.Errorf("waited %s between tries, want the 1s Retry-After asked for", wait)
		}
		if total := time.Since(start); total != time.Second {
			t.Errorf("call took %s of (fake) time, want 1s", total)
		}
	})
}

func TestRetry_statuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		status     int
		header     map[string]string
		opts       []Option
		wantCalls  int32
		wantErr    error
		wantWait   time.Duration // total fake time spent
		wantRetryA time.Duration // APIError.RetryAfter
	}{
		{name: "POST 503 is not retried", method: http.MethodPost, status: 503, wantCalls: 1, wantErr: ErrServer},
		{name: "POST 429 is not retried", method: http.MethodPost, status: 429, header: map[string]string{"Retry-After": "2"}, wantCalls: 1, wantErr: ErrRateLimited, wantRetryA: 2 * time.Second},
		{name: "POST retried when opted in", method: http.MethodPost, status: 503, opts: []Option{WithRetryMethods("POST"), WithBackoff(constBackoff(time.Second))}, wantCalls: 4, wantErr: ErrServer, wantWait: 3 * time.Second},
		{name: "GET 501 is not retried", method: http.MethodGet, status: 501, wantCalls: 1, wantErr: ErrServer},
		{name: "GET 404 is not retried", method: http.MethodGet, status: 404, wantCalls: 1, wantErr: ErrNotFound},
		{name: "GET 503 until retries run out", method: http.MethodGet, status: 503, opts: []Option{WithBackoff(constBackoff(time.Second))}, wantCalls: 4, wantErr: ErrServer, wantWait: 3 * time.Second},
		{name: "GET 429 with long Retry-After is capped", method: http.MethodGet, status: 429, header: map[string]string{"Retry-After": "3600"}, opts: []Option{WithRetryMax(1)}, wantCalls: 2, wantErr: ErrRateLimited, wantWait: 60 * time.Second, wantRetryA: time.Hour},
		{name: "GET 429 with HTTP-date Retry-After", method: http.MethodGet, status: 429, header: map[string]string{"Date": "Wed, 01 May 2024 10:00:00 GMT", "Retry-After": "Wed, 01 May 2024 10:00:05 GMT"}, opts: []Option{WithRetryMax(1)}, wantCalls: 2, wantErr: ErrRateLimited, wantWait: 5 * time.Second, wantRetryA: 5 * time.Second},
		{name: "PUT 502 retried with body", method: http.MethodPut, status: 502, opts: []Option{WithRetryMax(2), WithBackoff(constBackoff(time.Second))}, wantCalls: 3, wantErr: ErrServer, wantWait: 2 * time.Second},
		{name: "DELETE 500 retried", method: http.MethodDelete, status: 500, opts: []Option{WithRetryMax(1), WithBackoff(constBackoff(time.Second))}, wantCalls: 2, wantErr: ErrServer, wantWait: time.Second},
		{name: "retries off", method: http.MethodGet, status: 503, opts: []Option{WithRetryMax(0)}, wantCalls: 1, wantErr: ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32
				var mu sync.Mutex
				var bodies []string
				c := bubbleClient(t, func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					b, _ := io.ReadAll(r.Body)
					mu.Lock()
					bodies = append(bodies, string(b))
					mu.Unlock()
					for k, v := range tt.header {
						w.Header().Set(k, v)
					}
					writeJSON(w, tt.status, `{"message":"try later"}`)
				}, tt.opts...)
				start := time.Now()
				err := callWith(t.Context(), c, tt.method)
				if got := time.Since(start); got != tt.wantWait {
					t.Errorf("waited %s, want %s", got, tt.wantWait)
				}
				if got := calls.Load(); got != tt.wantCalls {
					t.Errorf("server saw %d tries, want %d", got, tt.wantCalls)
				}
				var apiErr *APIError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &apiErr) {
					t.Fatalf("err = %v, want an *APIError matching %v", err, tt.wantErr)
				}
				if apiErr.StatusCode != tt.status || apiErr.RetryAfter != tt.wantRetryA || apiErr.Message != "try later" || apiErr.Method != tt.method {
					t.Errorf("APIError = %+v", apiErr)
				}
				mu.Lock()
				defer mu.Unlock()
				for i, b := range bodies {
					if b != bodies[0] {
						t.Errorf("body of try %d = %q, want %q (rewound)", i+1, b, bodies[0])
					}
				}
			})
		})
	}
}

// callWith calls one operation that uses method.
func callWith(ctx context.Context, c *Client, method string) error {
	var err error
	switch method {
	case http.MethodGet:
		_, err = c.GetPipelineByID(ctx, testPipelineID)
	case http.MethodPost:
		_, err = c.TriggerPipeline(ctx, MustParseProjectSlug("gh/org/repo"), gen.TriggerPipelineRequest{Branch: ptr("main")})
	case http.MethodPut:
		_, err = c.UpdateWebhook(ctx, testPipelineID, gen.UpdateWebhookRequest{Name: ptr("hook")})
	case http.MethodDelete:
		_, err = c.DeleteContext(ctx, testPipelineID)
	}
	return err
}

func TestRetry_contextCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var calls atomic.Int32
		c := bubbleClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, http.StatusServiceUnavailable, `{"message":"down"}`)
		}, WithRetryBackoff(time.Hour, time.Hour))
		go func() {
			time.Sleep(time.Minute) // fake time: the client is in its hour-long backoff
			cancel()
		}()
		start := time.Now()
		_, err := c.GetPipelineByID(ctx, testPipelineID)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if got := time.Since(start); got != time.Minute {
			t.Errorf("returned after %s, want at once when ctx was cancelled (1m)", got)
		}
		if calls.Load() != 1 {
			t.Errorf("server saw %d tries, want 1", calls.Load())
		}
	})
}

// failingTransport fails the first n round trips with a transport error.
type failingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.n.Add(-1) >= 0 {
		return nil, errors.New("connection reset by test")
	}
	return f.base.RoundTrip(r)
}

func TestRetry_transportError(t *testing.T) {
	t.Parallel()
	rec, _, srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) { writeJSON(w, 200, pipelineJSON) })
	ft := &failingTransport{base: srv.Client().Transport}
	ft.n.Store(2)
	c, err := New(WithBaseURL(srv.URL+"/api/v2"), WithToken("t"), WithHTTPClient(&http.Client{Transport: ft}), WithBackoff(constBackoff(0)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPipelineByID(t.Context(), testPipelineID); err != nil {
		t.Fatalf("GetPipelineByID after two transport errors: %v", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
	// POST is not retried after a transport error either.
	ft.n.Store(1)
	_, err = c.TriggerPipeline(t.Context(), MustParseProjectSlug("gh/org/repo"), gen.TriggerPipelineRequest{})
	if err == nil || !strings.Contains(err.Error(), "connection reset by test") || !strings.Contains(err.Error(), "triggerPipeline") {
		t.Errorf("POST after transport error: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-3", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"Wed, 01 May 2024 10:00:30 GMT", 30 * time.Second},
		{"Wed, 01 May 2024 09:00:00 GMT", 0},
		{"soon", 0},
		{"99999999999999999999", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// refCeil is the backoff ceiling for attempt n, min(maxWait, minWait·2ⁿ⁻¹), worked out by doubling
// with an explicit overflow check, for 0 <= minWait <= maxWait.
func refCeil(minWait, maxWait time.Duration, attempt int) time.Duration {
	c := minWait
	for i := 1; i < attempt && c < maxWait; i++ {
		if c > maxWait-c {
			return maxWait
		}
		c *= 2
	}
	return min(c, maxWait)
}

func TestExponentialBackoff(t *testing.T) {
	t.Parallel()
	const forever = time.Duration(math.MaxInt64)
	tests := []struct {
		name             string
		minWait, maxWait time.Duration
		// lo and hi are the normalised bounds: the floor is half of lo, rounded up.
		lo, hi time.Duration
	}{
		{"defaults", 500 * time.Millisecond, 30 * time.Second, 500 * time.Millisecond, 30 * time.Second},
		{"one nanosecond up to forever", 1, forever, 1, forever},
		{"an hour up to forever", time.Hour, forever, time.Hour, forever},
		{"an hour up to a day", time.Hour, 24 * time.Hour, time.Hour, 24 * time.Hour},
		{"over half of forever", forever/2 + 1, forever, forever/2 + 1, forever},
		{"forever", forever, forever, forever, forever},
		{"one nanosecond", 1, 1, 1, 1},
		{"min equals max", time.Second, time.Second, time.Second, time.Second},
		{"zero min", 0, time.Second, 0, time.Second},
		{"zero", 0, 0, 0, 0},
		{"negative min counts as zero", -time.Second, time.Second, 0, time.Second},
		{"min above max counts as max", 2 * time.Second, time.Second, time.Second, time.Second},
		{"negative max counts as zero", 0, -time.Second, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := ExponentialBackoff(tt.minWait, tt.maxWait)
			floor := tt.lo - tt.lo/2
			prevCeil := time.Duration(0)
			for attempt := -1; attempt <= 100; attempt++ {
				ceil := refCeil(tt.lo, tt.hi, max(attempt, 1))
				if got := backoffCeil(tt.lo, tt.hi, attempt); got != ceil {
					t.Fatalf("backoffCeil(%d, %d, %d) = %d, want %d", tt.lo, tt.hi, attempt, got, ceil)
				}
				if ceil < prevCeil {
					t.Fatalf("attempt %d: ceiling %d below the previous %d", attempt, ceil, prevCeil)
				}
				prevCeil = ceil
				for range 50 {
					d := b(attempt)
					if d < floor || d > ceil {
						t.Fatalf("attempt %d: wait %d outside [%d, %d]", attempt, d, floor, ceil)
					}
					if tt.lo > 0 && d == 0 {
						t.Fatalf("attempt %d: zero wait with a minimum of %d", attempt, tt.lo)
					}
				}
			}
			if tt.lo > 0 && prevCeil != tt.hi {
				t.Errorf("ceiling at attempt 100 = %d, want the maximum %d", prevCeil, tt.hi)
			}
		})
	}
}

// TestRetry_hundredRetries retries a GET 100 times with a backoff that doubles from an hour: every
// wait the server sees lies within the backoff's bounds, however high the attempt number.
func TestRetry_hundredRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var times []time.Time
		minWait, maxWait := time.Hour, 1000*time.Hour
		c := bubbleClient(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			writeJSON(w, http.StatusServiceUnavailable, `{"message":"down"}`)
		}, WithRetryMax(100), WithRetryBackoff(minWait, maxWait))
		if err := callWith(t.Context(), c, http.MethodGet); !errors.Is(err, ErrServer) {
			t.Fatalf("err = %v, want ErrServer", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(times) != 101 {
			t.Fatalf("server saw %d tries, want 101", len(times))
		}
		for n := 1; n <= 100; n++ {
			wait, ceil := times[n].Sub(times[n-1]), refCeil(minWait, maxWait, n)
			if wait < minWait/2 || wait > ceil {
				t.Errorf("wait before retry %d = %s, want within [%s, %s]", n, wait, minWait/2, ceil)
			}
		}
	})
}

// constBackoff waits d before every retry, so tests can check the fake time spent.
func constBackoff(d time.Duration) Backoff { return func(int) time.Duration { return d } }
