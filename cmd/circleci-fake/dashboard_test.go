package main

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRun_Dashboard checks that the command serves the dashboard at / next to the API, and that
// stopping it ends an open event stream of the page instead of waiting for it.
func TestRun_Dashboard(t *testing.T) {
	t.Parallel()
	addr, stop := start(t, nil, nil)
	res, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "/_dashboard/app.js") {
		t.Fatalf("GET / = %d %.200s, want the dashboard page", res.StatusCode, page)
	}
	if status, login := me(t, addr, "demo-token"); status != http.StatusOK || login != "demo-user" {
		t.Fatalf("GET /api/v2/me next to the dashboard = %d %q", status, login)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/_dashboard/events?project=gh/demo-org/demo-app", nil)
	req.Header.Set("Circle-Token", "demo-token")
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if line, err := bufio.NewReader(stream.Body).ReadString('\n'); err != nil || line != "event: state\n" {
		t.Fatalf("the stream begins %q, %v", line, err)
	}
	if _, err := stop(); err != nil {
		t.Fatalf("stopping with a stream open: %v, want nil (exit status 0)", err)
	}
}
