package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRun_ServesAndStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"CIRCLECI_FAKE_TOKEN": "tok-from-env-0123456789"}
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
	req.Header.Set("Circle-Token", "tok-from-env-0123456789")
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
	if strings.Contains(out.String(), "tok-from-env") {
		t.Errorf("output shows the token of CIRCLECI_FAKE_TOKEN:\n%s", out.String())
	}
	for _, want := range []string{"http://" + addr + "/api/v2", "xxxx6789", `"myspecialversion": "4.8.2"`, "/project/gh/demo-org/demo-app/pipeline", "/_fake/   # the test controls", "stopped"} {
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

// start runs serve in the background until the test ends and returns its address and a function
// that stops it and returns serve's error and its output.
func start(t *testing.T, args []string, env map[string]string) (addr string, stop func() (string, error)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var out bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, append([]string{"-addr", "127.0.0.1:0", "-speed", "0"}, args...), func(k string) string { return env[k] }, &out, io.Discard, hooks{ready: ready})
	}()
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve returned early: %v", err)
	}
	return addr, func() (string, error) {
		cancel()
		err := <-done
		return out.String(), err
	}
}

// me returns the status of GET /me with a token and the login it answers.
func me(t *testing.T, addr, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v2/me", nil)
	req.Header.Set("Circle-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var u struct{ Login string }
	_ = json.NewDecoder(res.Body).Decode(&u)
	return res.StatusCode, u.Login
}

// TestRun_Token checks that -token (or CIRCLECI_FAKE_TOKEN) is added to the first user's tokens, with the
// demo seed and with a seed file, and is the token the banner names (masked when it came from the
// flag or the environment), and that CIRCLE_TOKEN, where a real token lives, is never read.
func TestRun_Token(t *testing.T) {
	t.Parallel()
	seedFile := filepath.Join(t.TempDir(), "seed.yaml")
	seed := "users:\n" +
		"  - {login: alice, tokens: [alice-token], orgs: [gh/acme]}\n" +
		"  - {login: bob, tokens: [bob-token], orgs: [gh/acme]}\n" +
		"orgs:\n  - {slug: gh/acme}\n"
	if err := os.WriteFile(seedFile, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		printed string            // the token line of the banner
		logins  map[string]string // token → login; "" for a token that must be refused
		err     string
	}{
		{"demo", nil, nil, "token (user demo-user): demo-token\n", map[string]string{"demo-token": "demo-user", "mine": ""}, ""},
		{"demo with -token", []string{"-token", "mine"}, nil, "token (user demo-user): the one given with -token, xxxx\n", map[string]string{"mine": "demo-user", "demo-token": "demo-user"}, ""},
		{"demo with CIRCLECI_FAKE_TOKEN", nil, map[string]string{"CIRCLECI_FAKE_TOKEN": "env-tok"}, "token (user demo-user): the one in CIRCLECI_FAKE_TOKEN, xxxx\n", map[string]string{"env-tok": "demo-user"}, ""},
		{"CIRCLE_TOKEN is not read", nil, map[string]string{"CIRCLE_TOKEN": "a-real-token"}, "token (user demo-user): demo-token\n", map[string]string{"a-real-token": "", "demo-token": "demo-user"}, ""},
		{"-token wins over the environment", []string{"-token", "mine"}, map[string]string{"CIRCLECI_FAKE_TOKEN": "env-tok"}, "token (user demo-user): the one given with -token, xxxx\n", map[string]string{"mine": "demo-user", "env-tok": ""}, ""},
		{"seed", []string{"-seed", seedFile}, nil, "token (user alice): alice-token\n", map[string]string{"alice-token": "alice", "bob-token": "bob", "mine": ""}, ""},
		{"seed with -token", []string{"-seed", seedFile, "-token", "mine"}, nil, "token (user alice): the one given with -token, xxxx\n", map[string]string{"mine": "alice", "alice-token": "alice", "bob-token": "bob"}, ""},
		{"seed with the first user's token", []string{"-seed", seedFile, "-token", "alice-token"}, nil, "token (user alice): the one given with -token, xxxx\n", map[string]string{"alice-token": "alice"}, ""},
		{"seed with another user's token", []string{"-seed", seedFile, "-token", "bob-token"}, nil, "", nil, "belongs to seed user bob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.err != "" {
				err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tt.args...), func(string) string { return "" }, io.Discard, io.Discard)
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("run: %v, want an error with %q", err, tt.err)
				}
				return
			}
			addr, stop := start(t, tt.args, tt.env)
			for tok, login := range tt.logins {
				status, got := me(t, addr, tok)
				if login == "" && status != http.StatusUnauthorized || login != "" && (status != http.StatusOK || got != login) {
					t.Errorf("GET /me with %q: %d %q, want login %q (empty: 401)", tok, status, got, login)
				}
			}
			out, err := stop()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.printed) {
				t.Errorf("output lacks %q:\n%s", tt.printed, out)
			}
		})
	}
}

// TestRun_ExampleSeed serves seed.example.yaml, the seed the README points to, and checks that it
// behaves as its comments say: users see their own organizations, variables are masked, forced
// outcomes apply, and the release workflow runs only when asked for.
func TestRun_ExampleSeed(t *testing.T) {
	t.Parallel()
	addr, stop := start(t, []string{"-seed", "seed.example.yaml"}, nil)
	defer stop()
	base := "http://" + addr

	call := func(method, path, token, body string, want int) map[string]any {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Circle-Token", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode != want {
			t.Fatalf("%s %s as %q: %d %v, want %d", method, path, token, res.StatusCode, out, want)
		}
		return out
	}

	tests := []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/api/v2/project/gh/acme/web", "alice-token", 200},
		{"GET", "/api/v2/project/bb/acme-bb/tools", "bob-token", 200},
		{"GET", "/api/v2/project/bb/acme-bb/tools", "alice-token", 404},
		{"GET", "/api/v2/me", "nobody", 401},
	}
	for _, tt := range tests {
		call(tt.method, tt.path, tt.token, "", tt.want)
	}

	vars := call("GET", "/api/v2/project/gh/acme/web/envvar", "alice-token", "", 200)
	if got := fmt.Sprint(vars["items"]); !strings.Contains(got, "xxxx1234") || strings.Contains(got, "npm-secret") {
		t.Errorf("env vars = %s, want the value masked as xxxx1234", got)
	}

	p := call("POST", "/api/v2/project/gh/acme/web/pipeline", "alice-token", `{"branch":"main","parameters":{"release":true}}`, 201)
	call("POST", "/_fake/clock/advance", "", `{"duration":"10m"}`, 200)
	wfs := call("GET", "/api/v2/pipeline/"+fmt.Sprint(p["id"])+"/workflow", "alice-token", "", 200)
	got := map[string]any{}
	for _, w := range wfs["items"].([]any) {
		w := w.(map[string]any)
		got[fmt.Sprint(w["name"])] = w["status"]
	}
	want := map[string]any{"ci": "failed", "release": "on_hold"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("workflow statuses (-want +got):\n%s", diff)
	}

	p = call("POST", "/api/v2/project/gh/acme/web/pipeline", "alice-token", `{"branch":"main"}`, 201)
	wfs = call("GET", "/api/v2/pipeline/"+fmt.Sprint(p["id"])+"/workflow", "alice-token", "", 200)
	if items := wfs["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "ci" {
		t.Errorf("without release: workflows %v, want only ci", items)
	}
}

// TestPackageDoc checks that the command's documentation shows every flag in its usage line and
// names the listing of the test controls and the reset.
func TestPackageDoc(t *testing.T) {
	t.Parallel()
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := file.Doc.Text()
	var usage string
	for line := range strings.Lines(doc) {
		if strings.HasPrefix(strings.TrimSpace(line), "circleci-fake [") {
			usage = line
		}
	}
	if usage == "" {
		t.Fatalf("the package doc has no usage line:\n%s", doc)
	}
	fs, _ := newFlags(func(string) string { return "" }, io.Discard)
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(usage, "[-"+f.Name+"]") && !strings.Contains(usage, "[-"+f.Name+" ") {
			t.Errorf("the usage line %q does not show -%s", strings.TrimSpace(usage), f.Name)
		}
	})
	for _, want := range []string{"GET /_fake/", "POST /_fake/reset"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the package doc does not name %s", want)
		}
	}
}

// TestRun_ResetKeepsToken checks that POST /_fake/reset keeps the token of -token (or CIRCLECI_FAKE_TOKEN),
// with the demo seed and with a seed file: it is part of the seed the fake goes back to.
func TestRun_ResetKeepsToken(t *testing.T) {
	t.Parallel()
	seedFile := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(seedFile, []byte("users:\n  - {login: alice, tokens: [alice-token], orgs: [gh/acme]}\norgs:\n  - {slug: gh/acme}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		logins map[string]string // token → login after the reset
	}{
		{"demo with -token", []string{"-token", "mine"}, nil, map[string]string{"mine": "demo-user", "demo-token": "demo-user"}},
		{"demo with CIRCLECI_FAKE_TOKEN", nil, map[string]string{"CIRCLECI_FAKE_TOKEN": "env-tok"}, map[string]string{"env-tok": "demo-user"}},
		{"seed with -token", []string{"-seed", seedFile, "-token", "mine"}, nil, map[string]string{"mine": "alice", "alice-token": "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, stop := start(t, tt.args, tt.env)
			defer stop()
			res, err := http.Post("http://"+addr+"/_fake/reset", "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("POST /_fake/reset: %d", res.StatusCode)
			}
			for tok, login := range tt.logins {
				if status, got := me(t, addr, tok); status != http.StatusOK || got != login {
					t.Errorf("GET /me with %q after the reset: %d %q, want %s", tok, status, got, login)
				}
			}
		})
	}
}
