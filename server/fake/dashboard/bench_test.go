package dashboard_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/dashboard"
)

// BenchmarkPage loads the page as a browser does (the HTML, its script and its style sheet) and
// reports their weight as served and gzipped (-9) besides the time.
func BenchmarkPage(b *testing.B) {
	f, err := fake.New()
	if err != nil {
		b.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		b.Fatal(err)
	}
	d, err := dashboard.New(f, h)
	if err != nil {
		b.Fatal(err)
	}
	var raw, zipped int
	for b.Loop() {
		raw, zipped = 0, 0
		for _, p := range []string{"/", "/_dashboard/app.js", "/_dashboard/style.css"} {
			rec := httptest.NewRecorder()
			d.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s: %d", p, rec.Code)
			}
			raw += rec.Body.Len()
			var z bytes.Buffer
			w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			_, _ = w.Write(rec.Body.Bytes())
			_ = w.Close()
			zipped += z.Len()
		}
	}
	b.ReportMetric(float64(raw), "page-bytes")
	b.ReportMetric(float64(zipped), "page-gzip-bytes")
}
