package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRun_ServesAndStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"CIRCLE_TOKEN": "tok-from-env"}
	var out bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"-addr", "127.0.0.1:0", "-speed", "0"}, func(k string) string { return env[k] }, &out, io.Discard, hooks{ready: ready})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v2/me", nil)
	req.Header.Set("Circle-Token", "tok-from-env")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"login":"demo-user"`) {
		t.Errorf("GET /me = %d %s", res.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"http://" + addr + "/api/v2", "tok-from-env", `"myspecialversion": "4.8.2"`, "/project/gh/demo-org/demo-app/pipeline", "stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRun_BadFlags(t *testing.T) {
	t.Parallel()
	tests := [][]string{{"-speed", "-1"}, {"-seed", "/does/not/exist"}, {"extra"}}
	for _, args := range tests {
		if err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

// TestRun_ShutdownEndsDelays stops the program while a request is held by an hour-long delay fault:
// it must stop without error (exit status 0) and the request must get its answer, instead of
// Shutdown waiting out its timeout.
func TestRun_ShutdownEndsDelays(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	entered := make(chan string, 4)
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			entered <- r.URL.Path
			h.ServeHTTP(w, r)
		})
	}
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"-addr", "127.0.0.1:0", "-speed", "0"}, func(string) string { return "" }, io.Discard, io.Discard, hooks{ready: ready, wrap: wrap})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve returned early: %v", err)
	}
	res, err := http.Post("http://"+addr+"/_fake/faults", "application/json", strings.NewReader(`{"path": "/me", "delay": "1h", "count": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	<-entered // the control request
	type answer struct {
		status int
		err    error
	}
	held := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v2/me", nil)
		req.Header.Set("Circle-Token", "demo-token")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			held <- answer{0, err}
			return
		}
		res.Body.Close()
		held <- answer{res.StatusCode, nil}
	}()
	if p := <-entered; p != "/api/v2/me" {
		t.Fatalf("entered %s, want /api/v2/me", p)
	}
	cancel() // as SIGINT does
	if err := <-done; err != nil {
		t.Fatalf("serve after cancel: %v, want nil (exit status 0)", err)
	}
	if a := <-held; a.err != nil || a.status != http.StatusOK {
		t.Errorf("held request: %d %v, want 200", a.status, a.err)
	}
}
