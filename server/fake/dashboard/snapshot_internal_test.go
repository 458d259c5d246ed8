package dashboard

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/server/fake"
)

// BenchmarkSnapshot measures one poll of an event stream: the state of the demo project with 20
// pipelines and of one pipeline's workflow and its jobs, read and encoded.
func BenchmarkSnapshot(b *testing.B) {
	f, err := fake.New(fake.WithIDSource(fake.SequentialIDs()))
	if err != nil {
		b.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		b.Fatal(err)
	}
	var made struct{ ID uuid.UUID }
	for range 20 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/api/v2/project/gh/demo-org/demo-app/pipeline", bytes.NewReader([]byte(`{}`)))
		req.Header.Set("Circle-Token", fake.DemoToken)
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &made) != nil {
			b.Fatalf("trigger: %d %s", rec.Code, rec.Body)
		}
	}
	if err := f.Advance(45 * time.Second); err != nil {
		b.Fatal(err)
	}
	db, err := New(f, h)
	if err != nil {
		b.Fatal(err)
	}
	ctx := fake.WithToken(b.Context(), fake.DemoToken)
	var size int
	for b.Loop() {
		data, err := db.snapshot(ctx, "gh/demo-org/demo-app", &made.ID)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "event-bytes")
}
