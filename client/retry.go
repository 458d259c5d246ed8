package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy decides whether a finished attempt is worth another try. resp is nil when err is a
// transport error. It is consulted only for methods that may be retried (see [WithRetryMethods]) and
// never once ctx is done. [DefaultRetryPolicy] is the default.
type RetryPolicy func(ctx context.Context, resp *http.Response, err error) bool

// Backoff returns the wait before retry number attempt (1 for the first retry) when the response has
// no Retry-After header. [ExponentialBackoff] is the default.
type Backoff func(attempt int) time.Duration

// DefaultRetryPolicy retries transport errors, 429 Too Many Requests and every 5xx except 501 Not
// Implemented.
func DefaultRetryPolicy(ctx context.Context, resp *http.Response, err error) bool {
	if err != nil {
		return ctx.Err() == nil
	}
	return resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode >= 500 && resp.StatusCode <= 599 && resp.StatusCode != http.StatusNotImplemented
}

// ExponentialBackoff returns a capped exponential backoff with jitter. Retry n (n below 1 counts as
// 1) has the ceiling c = min(maxWait, minWait·2ⁿ⁻¹), where the doubling stops at maxWait instead of
// overflowing. Its wait is drawn uniformly from [0, c] and, if shorter than half of minWait (rounded
// up to the nanosecond), raised to that floor: every wait lies in [⌈minWait/2⌉, c], and the floor
// itself comes up about minWait/(2c) of the time. A minWait of 0 makes every wait 0. A negative bound
// counts as 0, and a minWait above maxWait counts as maxWait.
func ExponentialBackoff(minWait, maxWait time.Duration) Backoff {
	maxWait = max(maxWait, 0)
	minWait = min(max(minWait, 0), maxWait)
	floor := minWait - minWait/2 // half of minWait, rounded up: never 0 when minWait is not
	return func(attempt int) time.Duration {
		ceil := backoffCeil(minWait, maxWait, attempt)
		if ceil <= 0 {
			return 0
		}
		var d time.Duration
		if ceil == math.MaxInt64 {
			d = rand.N(ceil) // ceil+1 would overflow; one nanosecond less is no matter
		} else {
			d = rand.N(ceil + 1)
		}
		return max(floor, d)
	}
}

// backoffCeil returns min(maxWait, minWait·2ⁿ⁻¹) for attempt n (attempts below 1 count as 1), for
// 0 <= minWait <= maxWait, without overflowing: the doubling saturates at maxWait.
func backoffCeil(minWait, maxWait time.Duration, attempt int) time.Duration {
	shift := max(attempt-1, 0)
	if minWait == 0 {
		return 0
	}
	// minWait<<shift <= maxWait exactly when minWait <= maxWait>>shift; a shift of 63 or more
	// leaves nothing of maxWait (a positive int64), so then the cap applies.
	if shift >= 63 || minWait > maxWait>>shift {
		return maxWait
	}
	return minWait << shift
}

// retryConfig holds the retry options.
type retryConfig struct {
	max           int
	policy        RetryPolicy
	backoff       Backoff
	retryAfterMax time.Duration
	methods       map[string]bool
}

func defaultRetryConfig() retryConfig {
	return retryConfig{
		max:           3,
		policy:        DefaultRetryPolicy,
		backoff:       ExponentialBackoff(500*time.Millisecond, 30*time.Second),
		retryAfterMax: 60 * time.Second,
		// The idempotent methods. POST and PATCH are left out: CircleCI has no idempotency keys, so
		// retrying a trigger could start a second pipeline.
		methods: methodSet(http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete),
	}
}

func methodSet(methods ...string) map[string]bool {
	m := make(map[string]bool, len(methods))
	for _, v := range methods {
		m[v] = true
	}
	return m
}

// WithRetryMax sets how many times a request is retried after its first try, 3 by default; 0 turns
// retries off.
func WithRetryMax(n int) Option {
	return func(c *config) error {
		if n < 0 || n > 100 {
			return fmt.Errorf("WithRetryMax(%d): want 0 to 100", n)
		}
		c.retry.max = n
		return nil
	}
}

// WithRetryBackoff sets the exponential backoff bounds used when a response has no Retry-After:
// 500ms and 30s by default. See [ExponentialBackoff].
func WithRetryBackoff(minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("WithRetryBackoff(%s, %s): want 0 <= min <= max", minWait, maxWait)
		}
		c.retry.backoff = ExponentialBackoff(minWait, maxWait)
		return nil
	}
}

// WithBackoff replaces the backoff function.
func WithBackoff(b Backoff) Option {
	return func(c *config) error {
		if b == nil {
			return errors.New("WithBackoff: nil Backoff")
		}
		c.retry.backoff = b
		return nil
	}
}

// WithRetryPolicy replaces [DefaultRetryPolicy].
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if p == nil {
			return errors.New("WithRetryPolicy: nil RetryPolicy")
		}
		c.retry.policy = p
		return nil
	}
}

// WithRetryAfterMax caps the wait a Retry-After header can ask for, 60s by default. A longer
// Retry-After is waited for only up to the cap before the next try.
func WithRetryAfterMax(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("WithRetryAfterMax(%s): negative", d)
		}
		c.retry.retryAfterMax = d
		return nil
	}
}

// WithRetryMethods sets the HTTP methods that may be retried, replacing the default GET, HEAD,
// OPTIONS, PUT and DELETE. Adding POST opts in to retrying triggers and other creating calls, which
// CircleCI may then carry out twice.
func WithRetryMethods(methods ...string) Option {
	return func(c *config) error {
		for _, m := range methods {
			if m == "" || strings.ToUpper(m) != m || strings.ContainsAny(m, " \t\r\n") {
				return fmt.Errorf("WithRetryMethods: %q is not an upper-case HTTP method", m)
			}
		}
		c.retry.methods = methodSet(methods...)
		return nil
	}
}

// retryTransport retries attempts the policy calls retryable, for the configured methods.
type retryTransport struct {
	base http.RoundTripper
	cfg  retryConfig
}

// RoundTrip implements [http.RoundTripper].
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.cfg.max == 0 || !t.cfg.methods[req.Method] || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		try := req
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("circleci: rewind request body for retry: %w", err)
			}
			try = req.Clone(ctx)
			try.Body = body
		}
		resp, err := t.base.RoundTrip(try)
		if attempt == t.cfg.max || !t.cfg.policy(ctx, resp, err) {
			return resp, err
		}
		wait := t.cfg.backoff(attempt + 1)
		if resp != nil {
			if ra := parseRetryAfter(resp.Header.Get("Retry-After"), timeNow(resp)); ra > 0 {
				wait = min(ra, t.cfg.retryAfterMax)
			}
			drain(resp.Body)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// sleepCtx waits for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// drain reads a little of body, so the connection can be reused, and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// parseRetryAfter reads a Retry-After value in seconds or HTTP-date form; now is the response's
// time. It returns zero for an absent, malformed or past value.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(1<<62/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// timeNow is the reference time for an HTTP-date Retry-After: the response's Date header when it
// has one (so clock skew between client and server does not matter), else the local clock.
func timeNow(resp *http.Response) time.Time {
	if d := resp.Header.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			return t
		}
	}
	return time.Now()
}
