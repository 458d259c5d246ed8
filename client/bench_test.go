package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
)

// benchPipeline is a pipeline body of the size the live API sends for a webhook-triggered GitHub
// pipeline (about 650 bytes), written for these benchmarks.
const benchPipeline = `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","errors":[],"project_slug":"gh/CircleCI-Public/circleci-cli","updated_at":"2024-05-01T10:00:05.123Z","number":1245,"trigger_parameters":{"git":{"branch":"main"}},"state":"created","created_at":"2024-05-01T10:00:00.456Z","trigger":{"type":"webhook","received_at":"2024-05-01T09:59:59.789Z","actor":{"login":"octocat","avatar_url":"https://avatars.githubusercontent.com/u/583231?v=4"}},"vcs":{"provider_name":"GitHub","origin_repository_url":"https://github.com/CircleCI-Public/circleci-cli","target_repository_url":"https://github.com/CircleCI-Public/circleci-cli","revision":"f454a02b5d10fcccfd7d9dd7608a76d6493a98b4","branch":"main","commit":{"subject":"Bump the orb tools to 12.1.0","body":""}}}`

// BenchmarkGetPipelineByID compares the client method with a hand-written net/http + encoding/json
// call of the same URL on the same server. Compare with: benchstat -col /impl.
func BenchmarkGetPipelineByID(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(benchPipeline)))
		_, _ = w.Write([]byte(benchPipeline))
	}))
	defer srv.Close()
	ctx := context.Background()
	url := srv.URL + "/api/v2/pipeline/" + testPipelineID.String()

	b.Run("impl=nethttp", func(b *testing.B) {
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			p, err := handWrittenGetPipeline(ctx, hc, url, "bench-token")
			if err != nil || p.Number != 1245 {
				b.Fatal(p, err)
			}
		}
	})
	b.Run("impl=client", func(b *testing.B) {
		c, err := New(WithBaseURL(srv.URL+"/api/v2"), WithToken("bench-token"), WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.GetPipelineByID(ctx, testPipelineID)
			if err != nil || p.Number != 1245 {
				b.Fatal(p, err)
			}
		}
	})
}

// handWrittenGetPipeline is the baseline: what a careful caller writes without this package.
func handWrittenGetPipeline(ctx context.Context, hc *http.Client, url, token string) (*gen.Pipeline, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Circle-Token", token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var p gen.Pipeline
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// BenchmarkListPipelinesForProjectIter walks 1,000 and 10,000 pipelines in pages of 20. Bytes and
// allocations per item stay the same, and live-B (the heap after a GC, sampled every 10 pages, less
// the heap before the walk) holds no items and no per-page state: the iterator keeps one page and a
// fixed window of recent page tokens, so live-B is the same at 50 and at 500 pages.
func BenchmarkListPipelinesForProjectIter(b *testing.B) {
	const pageSize = 20
	item := `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","errors":[],"project_slug":"gh/org/repo","number":1,"state":"created","created_at":"2024-05-01T10:00:00Z","trigger":{"type":"api","received_at":"2024-05-01T10:00:00Z","actor":{"login":"octocat","avatar_url":null}}}`
	for _, total := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("items=%d", total), func(b *testing.B) {
			pages := total / pageSize
			bodies := make([][]byte, pages)
			for i := range pages {
				next := `"p` + strconv.Itoa(i+1) + `"`
				if i == pages-1 {
					next = "null"
				}
				bodies[i] = []byte(`{"items":[` + strings.Repeat(item+",", pageSize-1) + item + `],"next_page_token":` + next + `}`)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := 0
				if tok := r.URL.Query().Get("page-token"); tok != "" {
					i, _ = strconv.Atoi(tok[1:])
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(bodies[i])
			}))
			defer srv.Close()
			c, err := New(WithBaseURL(srv.URL+"/api/v2"), WithToken("bench-token"), WithHTTPClient(srv.Client()))
			if err != nil {
				b.Fatal(err)
			}
			project := MustParseProjectSlug("gh/org/repo")
			var maxLive uint64
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			baseline := ms.HeapAlloc // the server's canned pages and the client
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range c.ListPipelinesForProjectIter(context.Background(), project, nil) {
					if err != nil {
						b.Fatal(err)
					}
					n++
					if n%(10*pageSize) == 0 {
						b.StopTimer()
						runtime.GC()
						runtime.ReadMemStats(&ms)
						maxLive = max(maxLive, ms.HeapAlloc-min(ms.HeapAlloc, baseline))
						b.StartTimer()
					}
				}
				if n != total {
					b.Fatalf("walked %d items, want %d", n, total)
				}
			}
			b.ReportMetric(float64(maxLive), "live-B")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/item")
		})
	}
}

// cannedTransport answers every request with the same 200 JSON body, in memory: no sockets, no
// server goroutines, so what a benchmark over it measures is the caller's own work.
type cannedTransport struct{ body []byte }

func (t cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(t.body)),
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		Request:       req,
	}, nil
}

// BenchmarkGetPipelineByIDInMemory is BenchmarkGetPipelineByID over an in-memory transport: the cost
// of the client layer itself (request building, transports, decoding) against the hand-written
// call, without the loopback round trip that dominates the other benchmark and its noise. Compare
// with: benchstat -col /impl.
func BenchmarkGetPipelineByIDInMemory(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{body: []byte(benchPipeline)}}
	ctx := context.Background()
	const base = "http://circleci.invalid/api/v2"
	b.Run("impl=nethttp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := handWrittenGetPipeline(ctx, hc, base+"/pipeline/"+testPipelineID.String(), "bench-token")
			if err != nil || p.Number != 1245 {
				b.Fatal(p, err)
			}
		}
	})
	b.Run("impl=client", func(b *testing.B) {
		c, err := New(WithBaseURL(base), WithToken("bench-token"), WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.GetPipelineByID(ctx, testPipelineID)
			if err != nil || p.Number != 1245 {
				b.Fatal(p, err)
			}
		}
	})
}
