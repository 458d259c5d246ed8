package server_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// call is what the recording implementation saw: which method and with what request object.
type call struct {
	op      string
	request any
}

// recorder implements the 113-method genserver.StrictServerInterface without typing it out: the embedded
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

// takenBy returns the calls made while serving the request with this X-Request-Id.
func (rec *recorder) takenBy(id string) []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]call(nil), rec.byID[id]...)
}

func (rec *recorder) taken() []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]call(nil), rec.calls...)
}

const testToken = "test-token-5f0c"

// newRecorded returns a recording implementation and the handler serving it.
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
