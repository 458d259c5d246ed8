package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cikit/circleci-go/internal/slug"
)

// Fault makes the next Count requests that match Method and Path answer badly, so a client's retry
// logic can be tested: Status 429 (with a Retry-After header) or a 5xx, after waiting Delay. A Fault
// with only a Delay slows the requests down and lets them through.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string `json:"method,omitempty"`
	// Path matches the path under the API base (e.g. "/me" or "/project/gh/demo-org/demo-app/pipeline"),
	// escaped or not, with or without a trailing slash; a trailing "*" matches any path with that
	// prefix; empty matches every path. A project slug after /project/, whole or (in a prefix) cut
	// short, matches in any form the API takes: gh/org/repo matches gh%2Forg%2Frepo and
	// github/org/repo (bb and bitbucket likewise), names compared without regard to case.
	Path string `json:"path,omitempty"`
	// Status is 429 or 500–599; 0 lets the request through after Delay.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent in whole seconds (rounded up) as Retry-After with a 429 or 503. A 429 without
	// it sends [DefaultRetryAfter], as a rate limit always says when to come back.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// Delay is waited before answering (or passing the request on); the wait ends early if the
	// client goes away, and when the fake is closed ([Server.Close]).
	Delay time.Duration `json:"delay,omitempty"`
	// Count is how many matching requests the fault affects; it must be at least 1.
	Count int `json:"count"`

	path   string // Path without its trailing "*", made canonical by canonicalPath
	prefix bool   // Path ended in "*"
}

// DefaultRetryAfter is the Retry-After a 429 [Fault] sends when it gives no RetryAfter.
const DefaultRetryAfter = time.Second

// UnmarshalJSON accepts retry_after and delay as Go duration strings ("2s") or nanoseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	type plain Fault
	var aux struct {
		plain
		RetryAfter json.RawMessage `json:"retry_after,omitempty"`
		Delay      json.RawMessage `json:"delay,omitempty"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*f = Fault(aux.plain)
	var err error
	if f.RetryAfter, err = parseDuration(aux.RetryAfter); err != nil {
		return fmt.Errorf("retry_after: %w", err)
	}
	if f.Delay, err = parseDuration(aux.Delay); err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	return nil
}

func parseDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.ParseDuration(s)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, errors.New(`want a duration such as "1.5s" or nanoseconds`)
	}
	return time.Duration(n), nil
}

func (f Fault) check() error {
	switch {
	case f.Count < 1:
		return errors.New("fault: count must be at least 1")
	case f.Status != 0 && f.Status != http.StatusTooManyRequests && (f.Status < 500 || f.Status > 599):
		return fmt.Errorf("fault: status %d is neither 429 nor 5xx", f.Status)
	case f.Status == 0 && f.Delay <= 0:
		return errors.New("fault: give a status, a delay or both")
	case f.RetryAfter < 0 || f.Delay < 0:
		return errors.New("fault: durations must not be negative")
	}
	return nil
}

// matches reports whether the fault applies to a request whose path under the API base, made
// canonical by [canonicalPath], is path.
func (f *Fault) matches(r *http.Request, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.prefix {
		return strings.HasPrefix(path, f.path)
	}
	return f.Path == "" || f.path == path
}

// canonicalPath returns a path under the API base (a request's, a fault's, or a fault's prefix) in
// the one form faults and requests are compared in: unescaped, and with the project slug after /project/ (written as one escaped segment, three segments or half escaped,
// and in a prefix possibly cut short) in lower case with the provider normalised, github to gh and
// bitbucket to bb.
func canonicalPath(p string) string {
	p = unescape(p)
	rest, ok := strings.CutPrefix(p, "/project/")
	if !ok {
		return p
	}
	segs := strings.SplitN(rest, "/", 4)
	for i := range min(3, len(segs)) { // the slug's parts; the rest of the path keeps its case
		segs[i] = strings.ToLower(segs[i])
	}
	if vcs, ok := slug.NormalizeVCS(segs[0]); ok {
		segs[0] = string(vcs)
	}
	return "/project/" + strings.Join(segs, "/")
}

// trimSlash drops one trailing slash, as the API routes "/x/" like "/x".
func trimSlash(p string) string {
	if len(p) > 1 {
		return strings.TrimSuffix(p, "/")
	}
	return p
}

// unescape undoes the percent-encoding of a path, or leaves it be when it is not valid.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// faults holds the injected faults in the order they were added.
type faults struct {
	mu   sync.Mutex
	list []*Fault
}

// take returns a copy of the first fault that matches the request and counts it used.
func (fs *faults) take(r *http.Request, escapedPath string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.list) == 0 {
		return Fault{}, false // the usual case: no path to make canonical
	}
	path := canonicalPath(trimSlash(escapedPath))
	for i, f := range fs.list {
		if f.matches(r, path) {
			out := *f
			if f.Count--; f.Count == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
			return out, true
		}
	}
	return Fault{}, false
}

// InjectFault adds a fault; faults are matched in the order they were added.
func (s *Server) InjectFault(f Fault) error {
	if err := f.check(); err != nil {
		return err
	}
	p, prefix := strings.CutSuffix(f.Path, "*")
	if !prefix {
		p = trimSlash(p) // a prefix keeps its trailing slash
	}
	f.path, f.prefix = canonicalPath(p), prefix
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = append(s.faults.list, &f)
	return nil
}

// ClearFaults removes every fault not used up yet.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
}

// injectFaults is the middleware that applies faults to requests under base.
func (s *Server) injectFaults(base string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		under, ok := strings.CutPrefix(r.URL.EscapedPath(), base)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		f, ok := s.faults.take(r, under)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-s.closed:
				t.Stop()
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Status == 0 {
			next.ServeHTTP(w, r)
			return
		}
		retry := f.RetryAfter
		if retry == 0 && f.Status == http.StatusTooManyRequests {
			retry = DefaultRetryAfter
		}
		if retry > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
			secs := int64((retry + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		msg := "Injected fault: " + http.StatusText(f.Status) + "."
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded (injected by circleci-fake)."
		}
		// Both keys: {"message": …} is the error body of most operations and {"error": …} that of
		// the Policy Management and OIDC Token Management ones, as the server kit writes them.
		writeJSON(w, f.Status, map[string]string{"message": msg, "error": msg})
	})
}
