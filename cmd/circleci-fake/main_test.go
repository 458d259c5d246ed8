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
		done <- serve(ctx, []string{"-addr", "127.0.0.1:0", "-speed", "0"}, func(k string) string { return env[k] }, &out, io.Discard, ready)
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
