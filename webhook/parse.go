package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// DefaultTolerance is how old an event [Parse] accepts by default, measured from its happened_at.
// CircleCI retries failed deliveries later, so it is generous.
const DefaultTolerance = time.Hour

// DefaultMaxBodyBytes is the largest body [NewHandler] reads by default.
const DefaultMaxBodyBytes = 1 << 20

// Option configures [Parse] and [NewHandler].
type Option func(*config)

type config struct {
	tolerance time.Duration
	now       func() time.Time
	maxBody   int64
}

func newConfig(opts []Option) config {
	c := config{tolerance: DefaultTolerance, now: time.Now, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithTolerance sets how long after it happened an event is still accepted; 0 accepts any age.
func WithTolerance(d time.Duration) Option { return func(c *config) { c.tolerance = d } }

// WithClock sets the clock that staleness is measured with (default time.Now); a test against a fake
// CircleCI with a simulated clock passes the fake's.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithMaxBodyBytes sets the largest body [NewHandler] reads; a longer one is answered 413.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// Parse verifies a delivery's signature (see [Verify]) with secret, then decodes its body into a
// [*WorkflowCompleted] or [*JobCompleted] by its type, which must agree with the Circleci-Event-Type
// header when that is set, and refuses an event older than the tolerance (see [WithTolerance]).
// Errors are [*Error]s of kind ErrNoSignature, ErrBadSignature, ErrStale or ErrMalformed.
func Parse(secret string, header http.Header, body []byte, opts ...Option) (Event, error) {
	c := newConfig(opts)
	if err := Verify(secret, header.Get(HeaderSignature), body); err != nil {
		return nil, err
	}
	return c.decode(header.Get(HeaderEventType), body)
}

func (c config) decode(headerType string, body []byte) (Event, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, &Error{Kind: ErrMalformed, Detail: "the body is not a JSON object: " + err.Error()}
	}
	if headerType != "" && headerType != probe.Type {
		return nil, &Error{Kind: ErrMalformed, Detail: fmt.Sprintf("the %s header says %q but the body's type is %q", HeaderEventType, headerType, probe.Type)}
	}
	var ev Event
	switch probe.Type {
	case TypeWorkflowCompleted:
		ev = new(WorkflowCompleted)
	case TypeJobCompleted:
		ev = new(JobCompleted)
	default:
		return nil, &Error{Kind: ErrMalformed, Detail: fmt.Sprintf("unknown event type %q; known: %s, %s", probe.Type, TypeWorkflowCompleted, TypeJobCompleted)}
	}
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(ev); err != nil {
		return nil, &Error{Kind: ErrMalformed, Detail: err.Error()}
	}
	m := ev.EventMetadata()
	switch {
	case m.ID == "":
		return nil, &Error{Kind: ErrMalformed, Detail: "the event has no id"}
	case m.HappenedAt.IsZero():
		return nil, &Error{Kind: ErrMalformed, Detail: "the event has no happened_at"}
	}
	if c.tolerance > 0 {
		if age := c.now().Sub(m.HappenedAt); age > c.tolerance {
			return nil, &Error{Kind: ErrStale, Detail: fmt.Sprintf("it happened %s ago, more than the %s allowed", age.Round(time.Second), c.tolerance)}
		}
	}
	return ev, nil
}
