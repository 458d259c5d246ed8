package client

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAPIError_bodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantMessage string
		wantIs      error
	}{
		{"message JSON", 404, "application/json", `{"message":"Pipeline not found"}`, "Pipeline not found", ErrNotFound},
		{"error JSON", 401, "application/json", `{"error":"Invalid token provided."}`, "Invalid token provided.", ErrUnauthorized},
		{"HTML page", 502, "text/html", "<html><head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>", "502 Bad Gateway", ErrServer},
		{"HTML without title", 503, "text/html", "<html><body>down</body></html>", "Service Unavailable", ErrServer},
		{"plain text", 403, "text/plain", "Permission denied\nmore detail", "Permission denied", ErrForbidden},
		{"empty body", 429, "", "", "Too Many Requests", ErrRateLimited},
		{"JSON without message", 400, "application/json", `{"code":17}`, `{"code":17}`, nil},
		{"malformed JSON", 500, "application/json", `{"message":`, `{"message":`, ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}, WithRetryMax(0))
			_, err := c.GetPipelineByID(t.Context(), testPipelineID)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			want := &APIError{StatusCode: tt.status, Message: tt.wantMessage, Method: "GET", Body: []byte(tt.body)}
			if diff := cmp.Diff(want, apiErr, cmpopts.IgnoreFields(APIError{}, "URL"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("APIError mismatch (-want +got):\n%s", diff)
			}
			if !strings.HasSuffix(apiErr.URL, "/api/v2/pipeline/"+testPipelineID.String()) {
				t.Errorf("URL = %q", apiErr.URL)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(err, %v) = false", tt.wantIs)
			}
			for _, s := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrServer} {
				if s != tt.wantIs && errors.Is(err, s) {
					t.Errorf("err also matches %v", s)
				}
			}
			if msg := err.Error(); !strings.Contains(msg, http.StatusText(tt.status)) || !strings.Contains(msg, "GET ") {
				t.Errorf("Error() = %q", msg)
			}
		})
	}
}

func TestAPIError_bodyCappedAndURLRedacted(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 3*maxErrorBody)
	_, c, srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(big))
	})
	// A caller adding the token to the query (which this client never does) must not see it in errors.
	resp, err := c.Generated().GetCurrentUser(t.Context(), setQuery("circle-token", "secret-token"))
	if err != nil {
		t.Fatal(err)
	}
	apiErr := newAPIError(resp)
	_ = resp.Body.Close()
	if strings.Contains(apiErr.URL, "secret-token") || strings.Contains(apiErr.Error(), "secret-token") || !strings.Contains(apiErr.URL, "circle-token=REDACTED") {
		t.Errorf("APIError URL = %q", apiErr.URL)
	}
	if len(apiErr.Body) != maxErrorBody || len(apiErr.Message) > 210 {
		t.Errorf("body %d bytes, message %d bytes; want the body capped at %d", len(apiErr.Body), len(apiErr.Message), maxErrorBody)
	}
	if got := redactURL(mustURL(t, srv.URL+"/api/v2/me?circle-token=secret-token&x=1")); strings.Contains(got, "secret-token") || !strings.Contains(got, "REDACTED") {
		t.Errorf("redactURL = %q", got)
	}
	if got := redactURL(mustURL(t, "https://user:pw@example.com/a")); strings.Contains(got, "pw") {
		t.Errorf("redactURL kept user info: %q", got)
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
	}{
		{"malformed JSON", `{"id": "5034460f-c7c4-4c43-9457-de07e2029e7b", "number": "seven"`},
		{"wrong type", `{"number":"seven"}`},
		{"HTML on 200", `<html><body>maintenance</body></html>`},
		{"empty body", ``},
		{"null body", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
				writeJSON(w, http.StatusOK, tt.body)
			})
			p, err := c.GetPipelineByID(t.Context(), testPipelineID)
			if p != nil {
				t.Errorf("got a value %+v with a bad body", p)
			}
			var dErr *DecodeError
			if !errors.As(err, &dErr) {
				t.Fatalf("err = %v (%T), want *DecodeError", err, err)
			}
			if dErr.Operation != "getPipelineById" || dErr.StatusCode != 200 || string(dErr.Body) != tt.body {
				t.Errorf("DecodeError = %+v", dErr)
			}
			start := tt.body[:min(len(tt.body), 20)]
			if msg := err.Error(); !strings.Contains(msg, "getPipelineById") || !strings.Contains(msg, strings.ReplaceAll(start, `"`, `\"`)) {
				t.Errorf("Error() = %q, want the operation and the start of the body", msg)
			}
		})
	}
}

// TestAPIError_baseURLWithoutAPIPath checks that a 404 for a base URL that lacks /api/v2 says so,
// and that other answers, and 404s with the path, carry no such hint.
func TestAPIError_baseURLWithoutAPIPath(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v2/me":
			writeJSON(w, 200, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","login":"me","name":"Me"}`)
		case strings.HasSuffix(r.URL.Path, "/forbidden/me"):
			writeJSON(w, 403, `{"message":"no"}`)
		default:
			writeJSON(w, 404, `{"message":"Not Found"}`)
		}
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		base string
		hint bool
		is   error
	}{
		{srv.URL, true, ErrNotFound},
		{srv.URL + "/v2", true, ErrNotFound},
		{srv.URL + "/api", true, ErrNotFound},
		{srv.URL + "/api/v2", false, nil},
		{srv.URL + "/api/v2/other", false, ErrNotFound},
		{srv.URL + "/forbidden", false, ErrForbidden},
	}
	for _, tt := range tests {
		c, err := New(WithBaseURL(tt.base), WithToken("t"), WithRetryMax(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetCurrentUser(t.Context())
		if tt.is == nil {
			if err != nil {
				t.Errorf("base %s: %v", tt.base, err)
			}
			continue
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, tt.is) {
			t.Fatalf("base %s: %v, want an *APIError matching %v", tt.base, err, tt.is)
		}
		if got := strings.Contains(err.Error(), "CircleCI serves the API v2 under /api/v2") && apiErr.Hint != ""; got != tt.hint {
			t.Errorf("base %s: error %q: hint %v, want %v", tt.base, err, got, tt.hint)
		}
	}
}
