package fake_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cikit/circleci-go/server/fake"
)

// BenchmarkHandler_GetCurrentUser serves GET /me through Server.Handler in process, the path every
// API request takes (server kit, faults, and the request origin the usage export URLs use).
func BenchmarkHandler_GetCurrentUser(b *testing.B) {
	f, err := fake.New()
	if err != nil {
		b.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v2/me", nil)
	req.Header.Set("Circle-Token", fake.DemoToken)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /me: %d", rec.Code)
		}
	}
}
