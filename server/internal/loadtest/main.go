// Command loadtest serves GET /api/v2/pipeline/{pipeline-id} twice on 127.0.0.1, once through the
// full server.New stack around a trivial implementation and once from a bare net/http handler that
// writes the same bytes, then loads each for a bounded time and prints requests per second and
// latency percentiles. With -serve it only serves and prints the two URLs, for an external load
// generator such as wrk.
//
//	go run ./server/internal/loadtest -duration 10s -conns 32
//	go run ./server/internal/loadtest -serve 30s   # then: wrk -t2 -c32 -d10s -H 'Circle-Token: t' URL
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

const (
	token = "t"
	id    = "5034460f-c7c4-4c43-9457-de07e2029e7b"
	path  = "/api/v2/pipeline/" + id
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// pipelines serves the one pipeline pl; every other operation is answered 501 by the embedded
// server.Unimplemented.
type pipelines struct {
	server.Unimplemented
	pl gen.Pipeline
}

func (p *pipelines) GetPipelineByID(_ context.Context, req genserver.GetPipelineByIDRequestObject) (genserver.GetPipelineByIDResponseObject, error) {
	if req.PipelineID != p.pl.ID {
		return nil, server.NotFound("Pipeline not found.")
	}
	return genserver.GetPipelineByID200JSONResponse(p.pl), nil
}

func handlers() (full, bare http.Handler, err error) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	pl := gen.Pipeline{
		ID: uuid.MustParse(id), Number: 42, ProjectSlug: "gh/acme/rocket", State: gen.PipelineStateCreated,
		CreatedAt: at, Errors: []gen.PipelineError{},
		Trigger: gen.PipelineTrigger{Type: gen.PipelineTriggerTypeAPI, ReceivedAt: at, Actor: gen.PipelineTriggerActor{Login: "wile"}},
	}
	full, err = server.New(&pipelines{pl: pl}, server.WithAuthenticator(server.StaticToken(token, server.Principal{ID: "u"})))
	if err != nil {
		return nil, nil, err
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Circle-Token", token)
	full.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, nil, fmt.Errorf("full stack answered %d", rec.Code)
	}
	body := bytes.Clone(rec.Body.Bytes())
	bare = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	return full, bare, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	duration := fs.Duration("duration", 5*time.Second, "load each server for this long")
	conns := fs.Int("conns", 32, "concurrent connections")
	serve := fs.Duration("serve", 0, "only serve for this long and print the URLs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > 5*time.Minute || *conns <= 0 || *conns > 4096 {
		return errors.New("want 0 < duration <= 5m and 0 < conns <= 4096")
	}
	full, bare, err := handlers()
	if err != nil {
		return err
	}
	targets := []struct {
		name string
		h    http.Handler
	}{{"bare", bare}, {"full", full}}
	var urls []string
	for _, tg := range targets {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: tg.h, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		urls = append(urls, "http://"+ln.Addr().String()+path)
	}
	if *serve > 0 {
		for i, tg := range targets {
			fmt.Fprintf(stdout, "%s %s\n", tg.name, urls[i])
		}
		select {
		case <-time.After(*serve):
		case <-ctx.Done():
		}
		return nil
	}
	fmt.Fprintf(stdout, "%-5s %10s %10s %10s %10s  (%d conns, %s each)\n", "", "req/s", "p50", "p99", "max", *conns, *duration)
	for i, tg := range targets {
		res, err := load(ctx, urls[i], *conns, *duration)
		if err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		fmt.Fprintf(stdout, "%-5s %10.0f %10s %10s %10s\n", tg.name, res.rps, res.p50, res.p99, res.max)
	}
	return nil
}

type result struct {
	rps           float64
	p50, p99, max time.Duration
}

// load sends GETs from conns goroutines, each on its own keep-alive connection, until the duration
// is over, and records every latency.
func load(ctx context.Context, url string, conns int, d time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	lat := make([][]time.Duration, conns)
	errs := make([]error, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Header.Set("Circle-Token", token)
			for ctx.Err() == nil {
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs[i] = err
					}
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs[i] = fmt.Errorf("status %d", res.StatusCode)
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return result{}, err
	}
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return result{}, errors.New("no request completed")
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	return result{
		rps: float64(len(all)) / elapsed.Seconds(),
		p50: pct(0.50), p99: pct(0.99), max: all[len(all)-1],
	}, nil
}
