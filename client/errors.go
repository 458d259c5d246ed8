package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinels an [*APIError] matches with [errors.Is], by status code.
var (
	// ErrUnauthorized matches 401: no token, or a token the API does not accept.
	ErrUnauthorized = errors.New("circleci: unauthorized")
	// ErrForbidden matches 403: the token's user may not do this.
	ErrForbidden = errors.New("circleci: forbidden")
	// ErrNotFound matches 404. CircleCI also answers 404 for projects the token cannot see.
	ErrNotFound = errors.New("circleci: not found")
	// ErrRateLimited matches 429, after the retries ran out; see [APIError.RetryAfter].
	ErrRateLimited = errors.New("circleci: rate limited")
	// ErrServer matches every 5xx, after the retries ran out.
	ErrServer = errors.New("circleci: server error")
	// ErrRepeatedPageToken ends an …Iter walk when the API hands back a page token it gave before;
	// without the check a server bug would loop forever.
	ErrRepeatedPageToken = errors.New("circleci: repeated page token")
)

// maxErrorBody caps how much of a response body an error keeps.
const maxErrorBody = 4 << 10

// APIError is a non-2xx answer from the API. Match its kind with [errors.Is] and the sentinels
// ([ErrNotFound], …) or read the fields with [errors.As].
type APIError struct {
	// StatusCode is the HTTP status, e.g. 404.
	StatusCode int
	// Message is the API's "message" (or "error") field; for a body that is not such JSON, the page
	// title or the first line of text; for an empty body, the status text.
	Message string
	// Method and URL name the request. The URL never carries a token: a circle-token query parameter
	// is replaced by "REDACTED".
	Method string
	URL    string
	// RetryAfter is the wait the Retry-After header asked for (seconds or HTTP date), or zero.
	RetryAfter time.Duration
	// Body is the start of the response body, at most 4 KiB.
	Body []byte
	// Hint is what the client adds when it can tell the likely cause, e.g. for a 404 from a base URL
	// without the /api/v2 path; empty otherwise.
	Hint string
}

// Error returns e.g. "circleci: GET https://circleci.com/api/v2/pipeline/…: 404 Not Found: Pipeline not found".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("circleci: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteByte(')')
	}
	return b.String()
}

// Unwrap returns the sentinel for the status code, or nil.
func (e *APIError) Unwrap() error {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.StatusCode == http.StatusForbidden:
		return ErrForbidden
	case e.StatusCode == http.StatusNotFound:
		return ErrNotFound
	case e.StatusCode == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.StatusCode >= 500 && e.StatusCode <= 599:
		return ErrServer
	}
	return nil
}

// DecodeError is a 2xx answer whose body does not decode into the operation's type. The client never
// returns a zero value in its place.
type DecodeError struct {
	// Operation is the operationId, e.g. "getPipelineById".
	Operation string
	// StatusCode and ContentType describe the response.
	StatusCode  int
	ContentType string
	// Body is the start of the body, at most 4 KiB.
	Body []byte
	// Err is the decoder's error.
	Err error
}

// Error names the operation and shows the start of the body.
func (e *DecodeError) Error() string {
	start := e.Body
	if len(start) > 120 {
		start = start[:120]
	}
	return fmt.Sprintf("circleci: %s: decode %d response (%s): %v; body starts %q", e.Operation, e.StatusCode, e.ContentType, e.Err, start)
}

// Unwrap returns the decoder's error.
func (e *DecodeError) Unwrap() error { return e.Err }

// newAPIError reads (a capped amount of) resp's body and builds the error. It does not close the body.
func newAPIError(resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{
		StatusCode: resp.StatusCode,
		Body:       body,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), timeNow(resp)),
	}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.URL = redactURL(resp.Request.URL)
	}
	e.Message = errorMessage(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	if resp.StatusCode == http.StatusNotFound && resp.Request != nil && resp.Request.URL != nil && !strings.Contains(resp.Request.URL.Path, apiPath+"/") {
		e.Hint = noAPIPathHint
	}
	return e
}

// apiPath is the path under which CircleCI serves the API v2, on circleci.com and on server installs.
const apiPath = "/api/v2"

// noAPIPathHint explains a 404 for a request whose URL lacks apiPath: the base URL most likely does.
const noAPIPathHint = "the request URL has no " + apiPath + ": CircleCI serves the API v2 under " + apiPath +
	", so the base URL should end with it, as in " + DefaultBaseURL + " or https://<host>" + apiPath + " (see WithBaseURL)"

// errorMessage finds a readable message in an error body.
func errorMessage(status int, contentType string, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var m struct {
			Message *string `json:"message"`
			Error   *string `json:"error"`
		}
		if json.Unmarshal(trimmed, &m) == nil {
			if m.Message != nil && *m.Message != "" {
				return *m.Message
			}
			if m.Error != nil && *m.Error != "" {
				return *m.Error
			}
		}
	}
	if len(trimmed) == 0 {
		return http.StatusText(status)
	}
	if strings.Contains(contentType, "html") || bytes.HasPrefix(trimmed, []byte("<")) {
		if t := htmlTitle(trimmed); t != "" {
			return t
		}
		return http.StatusText(status)
	}
	line, _, _ := bytes.Cut(trimmed, []byte("\n"))
	return shorten(string(bytes.TrimSpace(line)), 200)
}

// htmlTitle returns the text of an HTML page's <title>, or "".
func htmlTitle(page []byte) string {
	lower := bytes.ToLower(page)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return ""
	}
	return shorten(strings.Join(strings.Fields(html.UnescapeString(string(page[start:start+end]))), " "), 200)
}

// shorten cuts s to at most n bytes on a rune boundary, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// redactURL renders u without credentials: user information is dropped and a token query parameter
// (circle-token, in any case) is replaced.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := *u
	r.User = nil
	if r.RawQuery != "" {
		q := r.Query()
		changed := false
		for k := range q {
			if strings.EqualFold(k, "circle-token") {
				q[k] = []string{"REDACTED"}
				changed = true
			}
		}
		if changed {
			r.RawQuery = q.Encode()
		}
	}
	return r.String()
}
