package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/servertest"
)

// partial serves one operation and leaves the rest to the embedded server.Unimplemented.
type partial struct {
	server.Unimplemented
}

func (partial) GetPipelineByID(_ context.Context, req genserver.GetPipelineByIDRequestObject) (genserver.GetPipelineByIDResponseObject, error) {
	pl := examplePipeline()
	pl.ID = req.PipelineID
	return genserver.GetPipelineByID200JSONResponse(pl), nil
}

// unimplementedMessage is the message server.Unimplemented answers an operation with.
func unimplementedMessage(operationID string) string {
	return operationID + " is not implemented by this server."
}

// newPartial serves partial through server.New, every response checked against the document.
func newPartial(t *testing.T, count *atomic.Int64) *httptest.Server {
	t.Helper()
	h, err := server.New(&partial{}, server.WithAuthenticator(server.StaticToken(testToken, server.Principal{ID: "u1"})))
	if err != nil {
		t.Fatal(err)
	}
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count != nil {
			count.Add(1)
		}
		h.ServeHTTP(w, r)
	})
	return servertest.NewServer(t, counted)
}

// TestUnimplemented_overHTTP checks that an implementation embedding server.Unimplemented answers the
// operations it does not declare with 501 JSON naming the operation, with "error" as well where the
// document's error body has that key, and serves the one it declares.
func TestUnimplemented_overHTTP(t *testing.T) {
	t.Parallel()
	srv := newPartial(t, nil)
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     map[string]any // the JSON body, for errors
	}{
		{
			name: "declared", method: http.MethodGet, path: "/pipeline/" + testUUID,
			status: http.StatusOK,
		},
		{
			name: "GET", method: http.MethodGet, path: "/pipeline/" + testUUID + "/config",
			status: http.StatusNotImplemented,
			want:   map[string]any{"message": unimplementedMessage("getPipelineConfigById")},
		},
		{
			name: "POST with body", method: http.MethodPost, path: "/context",
			body:   `{"name":"deploy","owner":{"id":"` + testUUID + `","type":"organization"}}`,
			status: http.StatusNotImplemented,
			want:   map[string]any{"message": unimplementedMessage("createContext")},
		},
		{
			name: "DELETE", method: http.MethodDelete, path: "/context/" + testUUID,
			status: http.StatusNotImplemented,
			want:   map[string]any{"message": unimplementedMessage("deleteContext")},
		},
		{
			name: "slug", method: http.MethodGet, path: "/project/gh/acme/rocket/pipeline",
			status: http.StatusNotImplemented,
			want:   map[string]any{"message": unimplementedMessage("listPipelinesForProject")},
		},
		{
			name: "Policy Management", method: http.MethodGet, path: "/owner/" + testUUID + "/context/config/policy-bundle",
			status: http.StatusNotImplemented,
			want: map[string]any{
				"message": unimplementedMessage("GetPolicyBundle"),
				"error":   unimplementedMessage("GetPolicyBundle"),
			},
		},
		{
			name: "OIDC Token Management", method: http.MethodGet, path: "/org/" + testUUID + "/oidc-custom-claims",
			status: http.StatusNotImplemented,
			want: map[string]any{
				"message": unimplementedMessage("GetOrgClaims"),
				"error":   unimplementedMessage("GetOrgClaims"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			resp := do(t, srv.URL, tt.method, "/api/v2"+tt.path, "", body, http.Header{"Circle-Token": {testToken}})
			if resp.code != tt.status {
				t.Fatalf("status %d %s, want %d", resp.code, resp.body, tt.status)
			}
			if ct := resp.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if tt.want == nil {
				return
			}
			if diff := cmp.Diff(tt.want, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnimplemented_everyOperationOverHTTP sends a valid request for every operation of the document
// to server.Unimplemented through server.New and expects 501 naming the operation each time; servertest
// checks every answer against the document and the server's error shape.
func TestUnimplemented_everyOperationOverHTTP(t *testing.T) {
	t.Parallel()
	h, err := server.New(server.Unimplemented{}, server.WithAuthenticator(server.StaticToken(testToken, server.Principal{ID: "u1"})))
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.NewServer(t, h)
	seen := map[string]bool{}
	for _, c := range operationCases(t) {
		if seen[c.opID] {
			continue
		}
		seen[c.opID] = true
		t.Run(c.opID, func(t *testing.T) {
			t.Parallel()
			resp := do(t, srv.URL, c.method, "/api/v2"+c.path, c.query, c.body, http.Header{"Circle-Token": {testToken}})
			if resp.code != http.StatusNotImplemented {
				t.Fatalf("status %d %s, want 501", resp.code, resp.body)
			}
			want := map[string]any{"message": unimplementedMessage(c.opID)}
			if c.service {
				want["error"] = want["message"]
			}
			if diff := cmp.Diff(want, resp.json); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
	doc, _ := loadRoutes(t)
	if n := countOperations(doc); len(seen) != n {
		t.Errorf("checked %d operations, the document has %d", len(seen), n)
	}
}

// TestUnimplemented_everyMethod calls every method of genserver.StrictServerInterface on
// server.Unimplemented with a zero request object and expects a nil response and a 501 *server.Error
// whose message names the method's operation.
func TestUnimplemented_everyMethod(t *testing.T) {
	t.Parallel()
	doc, _ := loadRoutes(t)
	opIDs := map[string]string{} // folded operationId → operationId
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			opIDs[fold(op.OperationID)] = op.OperationID
		}
	}
	iface := reflect.TypeFor[genserver.StrictServerInterface]()
	if iface.NumMethod() != len(opIDs) {
		t.Errorf("StrictServerInterface has %d methods, the document %d operations", iface.NumMethod(), len(opIDs))
	}
	impl := reflect.ValueOf(server.Unimplemented{})
	for i := range iface.NumMethod() {
		m := iface.Method(i)
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			opID, ok := opIDs[fold(m.Name)]
			if !ok {
				t.Fatalf("no operation of the document matches %s", m.Name)
			}
			fn := impl.MethodByName(m.Name)
			if !fn.IsValid() {
				t.Fatalf("server.Unimplemented has no method %s", m.Name)
			}
			out := fn.Call([]reflect.Value{reflect.ValueOf(t.Context()), reflect.Zero(m.Type.In(1))})
			if !out[0].IsNil() {
				t.Errorf("response %v, want nil", out[0].Interface())
			}
			err, _ := out[1].Interface().(error)
			var se *server.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *server.Error", err)
			}
			if want := (&server.Error{Status: http.StatusNotImplemented, Message: unimplementedMessage(opID)}); *se != *want {
				t.Errorf("error %+v, want %+v", *se, *want)
			}
		})
	}
}

// TestUnimplemented_clientDoesNotRetry checks the point of the type: a GET the implementation does
// not serve is answered once with 501, which the client reports without retrying (a nil method of an
// embedded interface would panic into a 500, which the client retries).
func TestUnimplemented_clientDoesNotRetry(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	srv := newPartial(t, &requests)
	c, err := client.New(client.WithBaseURL(srv.URL+"/api/v2"), client.WithToken(testToken), client.WithRetryBackoff(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPipelineConfigByID(t.Context(), uuid.MustParse(testUUID))
	var ae *client.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v, want a *client.APIError", err)
	}
	if ae.StatusCode != http.StatusNotImplemented || ae.Message != unimplementedMessage("getPipelineConfigById") {
		t.Errorf("APIError %d %q, want 501 naming getPipelineConfigById", ae.StatusCode, ae.Message)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// The declared method is served.
	pl, err := c.GetPipelineByID(t.Context(), uuid.MustParse(testUUID))
	if err != nil {
		t.Fatal(err)
	}
	if pl.ID.String() != testUUID {
		t.Errorf("pipeline ID %s, want %s", pl.ID, testUUID)
	}
}

// fold reduces an operationId or a Go method name to lower-case letters and digits, so the two compare.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
