package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server"
)

const benchPath = "/api/v2/pipeline/5034460f-c7c4-4c43-9457-de07e2029e7b"

// benchStack is a handler a benchmark compares.
type benchStack struct {
	name string
	h    http.Handler
}

// benchStacks returns a bare net/http handler and the full stack around a trivial GetPipelineByID,
// which write the same status, headers and bytes.
func benchStacks(b *testing.B) []benchStack {
	b.Helper()
	pl := examplePipeline()
	full, err := server.New(&pipelines{byID: map[uuid.UUID]gen.Pipeline{pl.ID: pl}},
		server.WithAuthenticator(server.StaticToken("s3cret", server.Principal{ID: "u1"})))
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, benchPath, nil)
	req.Header.Set("Circle-Token", "s3cret")
	full.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("full stack answered %d %s", rec.Code, rec.Body)
	}
	body := bytes.Clone(rec.Body.Bytes())
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	return []benchStack{{"bare", bare}, {"full", full}}
}

// discardWriter is a reusable ResponseWriter, so the in-process benchmark measures the handlers.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkServe compares, in process, the full stack with the bare handler.
func BenchmarkServe(b *testing.B) {
	for _, bc := range benchStacks(b) {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, benchPath, nil)
			req.Header.Set("Circle-Token", "s3cret")
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				bc.h.ServeHTTP(w, req)
			}
		})
	}
}

// BenchmarkHTTP compares the full stack with the bare handler over real HTTP on 127.0.0.1 with
// keep-alive connections, requests in parallel: the throughput a client sees.
func BenchmarkHTTP(b *testing.B) {
	for _, bc := range benchStacks(b) {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(bc.h)
			defer srv.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 256}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+benchPath, nil)
				req.Header.Set("Circle-Token", "s3cret")
				for pb.Next() {
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
		})
	}
}

// BenchmarkNew measures building a handler with New: the options, the document, the route index,
// the document's JSON form and the middleware chain.
func BenchmarkNew(b *testing.B) {
	impl := &pipelines{}
	auth := server.WithAuthenticator(server.StaticToken("s3cret", server.Principal{ID: "u1"}))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := server.New(impl, auth); err != nil {
			b.Fatal(err)
		}
	}
}
