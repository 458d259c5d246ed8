package server_test

// The one harness of the package's tests: a recording implementation, the test server that serves it
// through New and servertest, and the helpers that send requests and read the log.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/servertest"
)

const (
	testToken = "test-token-5f0c"
	testUUID  = "5034460f-c7c4-4c43-9457-de07e2029e7b"
	testUUID2 = "9f6e3c2a-1b7d-4e2f-8a5c-0d4b6e8f1a23"
)

// auth is the header with the test token; [testServer.send] clones it, never changes it.
var auth = http.Header{"Circle-Token": {testToken}}

// hdr returns the test token's header with the key-value pairs set as well.
func hdr(kv ...string) http.Header {
	h := http.Header{"Circle-Token": {testToken}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// call is what the recording implementation saw: which method and with what request object.
type call struct {
	op      string
	request any
}

// recorder implements the 115-method genserver.StrictServerInterface without typing it out: the embedded
// interface is nil, and a strict middleware answers every operation before the nil method is reached.
type recorder struct {
	genserver.StrictServerInterface // nil: never called

	mu      sync.Mutex
	calls   []call
	byID    map[string][]call // by request ID, so parallel tests can share one server
	respond func(ctx context.Context, op string, request any) (any, error)
}

func (rec *recorder) middleware(_ genserver.StrictHandlerFunc, op string) genserver.StrictHandlerFunc {
	return func(ctx context.Context, _ http.ResponseWriter, _ *http.Request, request any) (any, error) {
		rec.mu.Lock()
		c := call{op: op, request: request}
		rec.calls = append(rec.calls, c)
		if rec.byID == nil {
			rec.byID = map[string][]call{}
		}
		id := server.RequestIDFromContext(ctx)
		rec.byID[id] = append(rec.byID[id], c)
		respond := rec.respond
		rec.mu.Unlock()
		if respond != nil {
			return respond(ctx, op, request)
		}
		return nil, server.NotFound("Recorded.")
	}
}

// respondWith makes the implementation answer every operation with f, instead of the 404 "Recorded.".
func (rec *recorder) respondWith(f func(ctx context.Context, op string, request any) (any, error)) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.respond = f
}

// takenBy returns the calls made while serving the request with this X-Request-Id.
func (rec *recorder) takenBy(id string) []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]call(nil), rec.byID[id]...)
}

// taken returns every call made.
func (rec *recorder) taken() []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]call(nil), rec.calls...)
}

// newRecorded returns a recording implementation and the handler serving it, which knows the test
// token (options may give another authenticator).
func newRecorded(t testing.TB, opts ...server.Option) (*recorder, http.Handler) {
	t.Helper()
	rec := &recorder{}
	opts = append([]server.Option{
		server.WithAuthenticator(server.StaticToken(testToken, server.Principal{ID: "u1", Name: "tester"})),
		server.WithStrictMiddlewares(rec.middleware),
	}, opts...)
	h, err := server.New(rec, opts...)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return rec, h
}

// testServer is a recording implementation served by New over real HTTP, every response validated
// against the document by servertest.
type testServer struct {
	rec *recorder
	url string
	ids atomic.Uint64
}

// newTestServer starts a test server with [newRecorded]'s handler, closed when the test ends.
func newTestServer(t testing.TB, opts ...server.Option) *testServer {
	t.Helper()
	rec, h := newRecorded(t, opts...)
	return &testServer{rec: rec, url: servertest.NewServer(t, h).URL}
}

// send sends one request under the base path /api/v2, path exactly as given, with a copy of header
// (nil for none) and body ("" for none). Unless header has an X-Request-Id, it gets one of its own, so
// that the response's calls are those the implementation got for this request alone.
func (ts *testServer) send(t testing.TB, method, path, query, body string, header http.Header) response {
	t.Helper()
	return ts.sendPath(t, method, "/api/v2"+path, query, body, header)
}

// sendPath is [testServer.send] with a path from the root rather than under the base path.
func (ts *testServer) sendPath(t testing.TB, method, path, query, body string, header http.Header) response {
	t.Helper()
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	id := h.Get("X-Request-Id")
	if id == "" {
		id = fmt.Sprintf("req-%d", ts.ids.Add(1))
		h.Set("X-Request-Id", id)
	}
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	resp := do(t, ts.url, method, path, query, b, h)
	resp.id, resp.calls = id, ts.rec.takenBy(id)
	return resp
}

// response is what a request got back.
type response struct {
	code   int
	header http.Header
	body   []byte
	json   map[string]any // the body, when it is a JSON object
	// id and calls are set by [testServer.send]: the request's X-Request-Id and the calls the
	// implementation got while serving it.
	id    string
	calls []call
}

// do sends one request over real HTTP. path is sent exactly as given (escapes and dot segments kept).
func do(t testing.TB, base, method, path, query string, body []byte, header http.Header) response {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Opaque = "//" + u.Host + path // sent as is: no cleaning, no re-escaping
	u.RawQuery = query
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u.String(), rd)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = "//" + u.Host + path
	for k, v := range header {
		req.Header[k] = v
	}
	if _, set := req.Header["Content-Type"]; body != nil && !set { // hdr("Content-Type", "") sends none
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{code: res.StatusCode, header: res.Header, body: b}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(b, &out.json)
	} else if res.StatusCode >= 400 {
		t.Errorf("%s %s: error response with Content-Type %q: %s", method, path, res.Header.Get("Content-Type"), b)
	}
	return out
}

// refusal is a request the server must refuse with a JSON error before the implementation sees it.
type refusal struct {
	name, method, path, query, body string
	header                          http.Header
	wantCode                        int
	wantMsg                         string // fragment of the message
}

// testRefusals sends each refusal to ts in a parallel subtest and checks the status, that the message
// holds wantMsg, that the token is nowhere in the response, and that the implementation was not
// reached.
func testRefusals(t *testing.T, ts *testServer, tests []refusal) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := ts.send(t, tt.method, tt.path, tt.query, tt.body, tt.header)
			if resp.code != tt.wantCode {
				t.Errorf("status %d %s, want %d", resp.code, resp.body, tt.wantCode)
			}
			msg, _ := resp.json["message"].(string)
			t.Logf("%d %s", resp.code, msg)
			if strings.Contains(string(resp.body), testToken) {
				t.Errorf("the response holds the token: %s", resp.body)
			}
			if msg == "" || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q, want it to contain %q", msg, tt.wantMsg)
			}
			if len(resp.calls) != 0 {
				t.Errorf("implementation reached: %v", resp.calls)
			}
		})
	}
}

// wantCall checks that the request reached the implementation once, for the method op, and returns
// the request object.
func wantCall(t testing.TB, resp response, op string) any {
	t.Helper()
	if len(resp.calls) != 1 {
		t.Fatalf("implementation called %d times, want 1; response %d %s", len(resp.calls), resp.code, resp.body)
	}
	if resp.calls[0].op != op {
		t.Errorf("operation %s, want %s", resp.calls[0].op, op)
	}
	return resp.calls[0].request
}

// wantFields checks that each decoded path parameter value is among the request object's fields.
func wantFields(t testing.TB, request any, want []string) {
	t.Helper()
	got := fieldValues(request)
	for _, w := range want {
		if !contains(got, w) {
			t.Errorf("decoded parameter %q not among the request object's fields %q", w, got)
		}
	}
}

// fieldValues returns the text forms of the top-level fields of a generated request object, where the
// decoded path parameters are.
func fieldValues(req any) []string {
	v := reflect.ValueOf(req)
	var out []string
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer || f.Kind() == reflect.Struct && f.Type().Name() != "UUID" {
			continue
		}
		out = append(out, fmt.Sprint(f.Interface()))
	}
	sort.Strings(out)
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logLine is one line of the JSON request log, as far as the tests look at it.
type logLine struct {
	Msg       string `json:"msg"`
	RequestID string `json:"request_id"`
	Status    int    `json:"status"`
	Bytes     int64  `json:"bytes"`
	Route     string `json:"route"`
	Operation string `json:"operation"`
}

// requestLines returns the request log lines of a JSON log, by request ID.
func requestLines(t *testing.T, log string) map[string][]logLine {
	t.Helper()
	got := map[string][]logLine{}
	for _, raw := range strings.Split(strings.TrimSpace(log), "\n") {
		var l logLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("log line %q: %v", raw, err)
		}
		if l.Msg == "request" {
			got[l.RequestID] = append(got[l.RequestID], l)
		}
	}
	return got
}
