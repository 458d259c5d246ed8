package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHandlers checks the full stack the load test measures: the pipeline it serves, and a 501 for
// every operation it does not serve (not a nil method's panic answered 500).
func TestHandlers(t *testing.T) {
	t.Parallel()
	full, bare, err := handlers()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		h        http.Handler
		path     string
		wantCode int
	}{
		{"full, the pipeline", full, path, http.StatusOK},
		{"full, another pipeline", full, "/api/v2/pipeline/9f6e3c2a-1b7d-4e2f-8a5c-0d4b6e8f1a23", http.StatusNotFound},
		{"full, an operation not served", full, "/api/v2/me", http.StatusNotImplemented},
		{"bare", bare, path, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.Header.Set("Circle-Token", token)
			tt.h.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Errorf("status %d %s, want %d", rec.Code, rec.Body, tt.wantCode)
			}
		})
	}
}
