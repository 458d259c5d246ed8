package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// failing runs serve with args after "-addr 127.0.0.1:0" and returns its error; a run that serves
// instead fails the test (and is stopped).
func failing(t *testing.T, args []string, getenv func(string) string) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), getenv, io.Discard, io.Discard, hooks{ready: ready})
	}()
	select {
	case err := <-done:
		return err
	case addr := <-ready:
		cancel()
		<-done
		t.Fatalf("serve %v listened on %s, want an error", args, addr)
		return nil
	}
}

// TestRun_StalledBodyIsDropped sends a request that announces a body and sends only part of it: the
// server's read deadline must end the connection, where a server without one holds it forever. The
// client's own deadline bounds the test; the pipeline the request would trigger is never created.
func TestRun_StalledBodyIsDropped(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	to := &timeouts{readHeader: time.Second, read: time.Second, write: 10 * time.Second, idle: 10 * time.Second}
	go func() {
		done <- serve(ctx, []string{"-addr", "127.0.0.1:0", "-speed", "0"}, func(string) string { return "" }, io.Discard, io.Discard, hooks{ready: ready, timeouts: to})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve returned early: %v", err)
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = io.WriteString(conn, "POST /api/v2/project/gh/demo-org/demo-app/pipeline HTTP/1.1\r\n"+
		"Host: "+addr+"\r\nCircle-Token: demo-token\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"+
		`{"branch": "ma`)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, err = io.Copy(&got, conn) // returns when the server closes the connection
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still held the connection when the client gave up; read so far: %q", got.String())
	}
	if res, err := http.ReadResponse(bufio.NewReader(&got), nil); err == nil && res.StatusCode < 300 {
		t.Errorf("the stalled request was answered %s", res.Status)
	}

	// The server goes on serving, and the stalled trigger created nothing.
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v2/project/gh/demo-org/demo-app/pipeline", nil)
	req.Header.Set("Circle-Token", "demo-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list struct{ Items []json.RawMessage }
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list pipelines: %d %v", res.StatusCode, err)
	}
	if len(list.Items) != 0 {
		t.Errorf("the stalled trigger created %d pipelines, want 0", len(list.Items))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestDefaultTimeouts pins the bounds of a real run: every one is set, and a request may take no
// longer to arrive than its answer to be written.
func TestDefaultTimeouts(t *testing.T) {
	t.Parallel()
	d := defaultTimeouts
	if d.readHeader <= 0 || d.read <= 0 || d.write <= 0 || d.idle <= 0 {
		t.Fatalf("defaultTimeouts %+v: every timeout must be set", d)
	}
	if d.readHeader > d.read || d.read > d.write {
		t.Errorf("defaultTimeouts %+v: want readHeader ≤ read ≤ write", d)
	}
}

// TestRun_ControlToken checks who may use /_fake/: on a loopback address anyone unless a control
// token is set; beyond it only with the control token, which is then required to start.
func TestRun_ControlToken(t *testing.T) {
	t.Parallel()
	const secret = "control-secret-0123456789"
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		err     string         // serve's error; the rest is not checked
		control map[string]int // Authorization header → status of GET /_fake/
		banner  bool           // the banner says the controls need the token
	}{
		{name: "loopback", control: map[string]int{"": 200}},
		{name: "localhost", args: []string{"-addr", "localhost:0"}, control: map[string]int{"": 200}},
		{name: "loopback with a control token", args: []string{"-control-token", secret}, banner: true,
			control: map[string]int{"": 401, "Bearer " + secret: 200, "Bearer wrong": 401, secret: 401}},
		{name: "every interface without a control token", args: []string{"-addr", "0.0.0.0:0"}, err: "-control-token"},
		{name: "every interface, control token from the environment", args: []string{"-addr", "0.0.0.0:0"}, env: map[string]string{"CIRCLECI_FAKE_CONTROL_TOKEN": secret}, banner: true,
			control: map[string]int{"": 401, "Bearer " + secret: 200, "Bearer " + secret + "x": 401}},
		{name: "every interface with -control-token", args: []string{"-addr", "0.0.0.0:0", "-control-token", secret}, banner: true,
			control: map[string]int{"": 401, "Bearer " + secret: 200}},
		{name: "a control token with a space", args: []string{"-control-token", "a b"}, err: "-control-token: the token has a space"},
		{name: "an API token with a tab", args: []string{"-token", "se\tcret"}, err: "-token: the token has a space"},
		{name: "an API token with a space from the environment", env: map[string]string{"CIRCLECI_FAKE_TOKEN": "se cret"}, err: "-token: the token has a space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tt.env[k] }
			if tt.err != "" {
				err := failing(t, tt.args, getenv)
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("run: %v, want an error with %q", err, tt.err)
				}
				return
			}
			addr, stop := start(t, tt.args, tt.env)
			_, port, _ := net.SplitHostPort(addr)
			local := "127.0.0.1:" + port
			for auth, want := range tt.control {
				req, _ := http.NewRequest("GET", "http://"+local+"/_fake/", nil)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var body struct{ Message string }
				_ = json.NewDecoder(res.Body).Decode(&body)
				res.Body.Close()
				if res.StatusCode != want {
					t.Errorf("GET /_fake/ with Authorization %q: %d, want %d", auth, res.StatusCode, want)
				}
				if want == 401 && (res.Header.Get("Content-Type") != "application/json" || !strings.Contains(body.Message, "-control-token")) {
					t.Errorf("401 of GET /_fake/: %s %q, want JSON naming -control-token", res.Header.Get("Content-Type"), body.Message)
				}
			}
			// The API needs no control token, only its own.
			if status, login := me(t, local, "demo-token"); status != 200 || login != "demo-user" {
				t.Errorf("GET /me: %d %q", status, login)
			}
			out, err := stop()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, secret) {
				t.Errorf("the banner shows the control token:\n%s", out)
			}
			if said := strings.Contains(out, "require the -control-token secret"); said != tt.banner {
				t.Errorf("banner says the controls need the token: %v, want %v:\n%s", said, tt.banner, out)
			}
			if tt.banner && !strings.Contains(out, `-H "Authorization: Bearer $CIRCLECI_FAKE_CONTROL_TOKEN" http://`) {
				t.Errorf("the banner's control curl line sends no control token:\n%s", out)
			}
		})
	}
}

// TestRun_TokensNeverPrinted runs the command with secrets in every place it reads one and checks
// that neither the banner, nor -h, nor an error quotes them.
func TestRun_TokensNeverPrinted(t *testing.T) {
	t.Parallel()
	const apiToken, controlToken = "api-secret-ABCDEFGH1234", "control-secret-IJKLMNOP5678"
	env := map[string]string{"CIRCLECI_FAKE_TOKEN": apiToken, "CIRCLECI_FAKE_CONTROL_TOKEN": controlToken, "CIRCLE_TOKEN": "real-circleci-token"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		mask string // the masked form the banner shows; "" when the run does not serve
	}{
		{"from the environment", nil, env, "xxxx1234"},
		{"from the flags", []string{"-token", apiToken, "-control-token", controlToken}, nil, "xxxx1234"},
		{"-h", []string{"-h"}, env, ""},
		{"a bad flag", []string{"-nope"}, env, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out string
			if tt.mask == "" {
				var buf bytes.Buffer
				_ = run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tt.args...), func(k string) string { return tt.env[k] }, &buf, &buf)
				out = buf.String()
			} else {
				addr, stop := start(t, tt.args, tt.env)
				if status, _ := me(t, addr, apiToken); status != 200 {
					t.Errorf("GET /me with the token: %d", status)
				}
				var err error
				if out, err = stop(); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(out, tt.mask) {
					t.Errorf("the banner lacks the masked token %s:\n%s", tt.mask, out)
				}
			}
			for _, secret := range []string{apiToken, controlToken, "real-circleci-token", "ABCDEFGH"} {
				if strings.Contains(out, secret) {
					t.Errorf("output shows %q:\n%s", secret, out)
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	tests := map[string]string{"": "xxxx", "short": "xxxx", "fifteen-chars-x": "xxxx", "sixteen-chars-xy": "xxxxs-xy", "CCIPAT_abcdefghijklmnop_0123": "xxxx0123"}
	for in, want := range tests {
		if got := mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRun_HelpAndVersion checks that -h prints every flag and succeeds (exit status 0), and that
// -version prints the version and succeeds without listening: the address it is given is taken.
func TestRun_HelpAndVersion(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Errorf("-h: %v, want nil (exit status 0)", err)
	}
	for _, flag := range []string{"-addr", "-token", "-control-token", "-seed", "-speed", "-v", "-version", "CIRCLECI_FAKE_TOKEN"} {
		if !strings.Contains(stderr.String(), "  "+flag) && !strings.Contains(stderr.String(), flag) {
			t.Errorf("-h does not list %s:\n%s", flag, stderr.String())
		}
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"-version", "-addr", taken.Addr().String()}, func(string) string { return "" }, &stdout, io.Discard); err != nil {
		t.Errorf("-version: %v", err)
	}
	if got := stdout.String(); !strings.HasPrefix(got, "circleci-fake ") || !strings.HasSuffix(got, " "+runtime.Version()+"\n") {
		t.Errorf("-version printed %q", got)
	}
}

func TestVersionLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "circleci-fake devel"},
		{"devel", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "circleci-fake devel"},
		{"tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "circleci-fake v1.2.3"},
		{"revision", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}},
			"circleci-fake devel (revision 0123456789ab, modified)"},
	}
	for _, tt := range tests {
		if got, want := versionLine(tt.info), tt.want+" "+runtime.Version(); got != want {
			t.Errorf("%s: %q, want %q", tt.name, got, want)
		}
	}
}

// TestRun_PortTaken checks that an address in use is an error that says so and names the way out.
func TestRun_PortTaken(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	err = failing(t, []string{"-addr", taken.Addr().String()}, func(string) string { return "" })
	if err == nil {
		t.Fatal("run on a taken address: no error")
	}
	for _, want := range []string{taken.Addr().String(), "already in use", "-addr", "CIRCLECI_FAKE_ADDR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestRequireControlToken checks which paths need the control token: every path the fake serves as a
// control (escaped or not), and no API path.
func TestRequireControlToken(t *testing.T) {
	t.Parallel()
	reached := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }
	h := requireControlToken("s3cret", http.HandlerFunc(reached))
	tests := []struct {
		method, target, auth string
		want                 int
	}{
		{"GET", "/_fake/", "", 401},
		{"POST", "/_fake/reset", "", 401},
		{"POST", "/_fake/reset", "Bearer wrong", 401},
		{"POST", "/_fake/reset", "bearer s3cret", 401},
		{"POST", "/_fake/reset", "Bearer s3cret", http.StatusTeapot},
		{"GET", "/%5Ffake/clock", "", 401},
		{"DELETE", "/_fake/faults", "Basic czNjcmV0Og==", 401},
		{"GET", "/api/v2/me", "", http.StatusTeapot},
		{"GET", "/_fake", "", http.StatusTeapot},                                // not a control path: the API answers it (404)
		{"GET", "/_fake/usage-exports/o/j/usage.csv.gz", "", http.StatusTeapot}, // a signed download URL
		{"GET", "/_fake/usage-exportsx", "", 401},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.target, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s %s with %q: %d, want %d", tt.method, tt.target, tt.auth, rec.Code, tt.want)
		}
		if rec.Code == 401 && !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s %s: 401 body %q is not JSON", tt.method, tt.target, rec.Body)
		}
	}
}
