package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/openapi"
	"github.com/cikit/circleci-go/server/internal/route"
)

// slugValues are the decoded slug values each slug kind is tried with.
var slugValues = map[route.Kind][]string{
	route.ProjectSlug: {"gh/org/repo", "bitbucket/team/my.repo", "circleci/" + testUUID + "/" + testUUID2},
	route.OrgSlug:     {"gh/org", "circleci/" + testUUID},
	route.OrgSlugOrID: {"github/org", "circleci/" + testUUID, testUUID},
}

// opCase is one fabricated request for an operation.
type opCase struct {
	name    string
	method  string
	path    string   // under the base path, as sent
	query   string   // raw query
	body    []byte   // nil for none
	want    []string // decoded path parameter values the implementation must see
	opID    string
	service bool
}

// loadRoutes returns the shared document and its index, which the server uses.
func loadRoutes(t testing.TB) (*openapi3.T, []*route.Route) {
	t.Helper()
	doc, err := openapi.Shared()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := route.Shared()
	if err != nil {
		t.Fatal(err)
	}
	return doc, ix.Routes()
}

// operationCases fabricates, for every operation of the document, a valid request; for operations
// with a slug parameter, one with each slug value sent escaped and one sent raw.
func operationCases(t testing.TB) []opCase {
	t.Helper()
	_, routes := loadRoutes(t)
	var cases []opCase
	for _, rt := range routes {
		op := rt.Validation.Operation
		params := append(openapi3.Parameters{}, rt.Validation.PathItem.Parameters...)
		params = append(params, op.Parameters...)
		var q url.Values = url.Values{}
		for _, p := range params {
			if p.Value.In == openapi3.ParameterInQuery && p.Value.Required {
				for _, v := range fabricateParam(p.Value.Schema.Value) {
					q.Add(p.Value.Name, v)
				}
			}
		}
		var body []byte
		if rb := op.RequestBody; rb != nil && rb.Value.Required {
			mt := rb.Value.Content.Get("application/json")
			if mt == nil {
				t.Fatalf("%s: required body without application/json", rt.OperationID)
			}
			b, err := json.Marshal(fabricate(mt.Schema.Value, 0))
			if err != nil {
				t.Fatal(err)
			}
			body = b
		}
		// Path values: plain parameters get one value; a slug parameter gets each of its values.
		leaf := rt.Leaf
		variants := [][]string{make([]string, len(leaf.Params))}
		slugAt := -1
		for i, name := range leaf.Params {
			if k := leaf.Kinds[i]; k != route.Plain {
				slugAt = i
				var vs [][]string
				for _, sv := range slugValues[k] {
					for _, base := range variants {
						v := append([]string(nil), base...)
						v[i] = sv
						vs = append(vs, v)
					}
				}
				variants = vs
				continue
			}
			var p *openapi3.Parameter
			for _, pr := range params {
				if pr.Value.In == openapi3.ParameterInPath && pr.Value.Name == name {
					p = pr.Value
				}
			}
			if p == nil {
				t.Fatalf("%s: no path parameter %s", rt.OperationID, name)
			}
			for _, v := range variants {
				v[i] = fabricateParam(p.Schema.Value)[0]
			}
		}
		for _, vals := range variants {
			forms := []string{"escaped"}
			if slugAt >= 0 && strings.Contains(vals[slugAt], "/") {
				forms = append(forms, "raw")
			}
			for _, form := range forms {
				path := rt.Path
				for i, name := range leaf.Params {
					seg := url.PathEscape(vals[i])
					if form == "raw" && i == slugAt {
						seg = vals[i]
					}
					path = strings.Replace(path, "{"+name+"}", seg, 1)
				}
				cases = append(cases, opCase{
					name:    fmt.Sprintf("%s/%s %s", rt.OperationID, form, path),
					method:  rt.Method,
					path:    path,
					query:   q.Encode(),
					body:    body,
					want:    vals,
					opID:    rt.OperationID,
					service: rt.ServiceErrors,
				})
			}
		}
	}
	return cases
}

// oneCasePerOperation returns the first of [operationCases] for each operation.
func oneCasePerOperation(t testing.TB) []opCase {
	t.Helper()
	seen := map[string]bool{}
	var out []opCase
	for _, c := range operationCases(t) {
		if !seen[c.opID] {
			seen[c.opID] = true
			out = append(out, c)
		}
	}
	return out
}

// fabricateParam returns valid text values for a parameter schema.
func fabricateParam(s *openapi3.Schema) []string {
	switch {
	case len(s.Enum) > 0:
		return []string{fmt.Sprint(s.Enum[0])}
	case s.Type.Is("array"):
		return fabricateParam(s.Items.Value)
	case s.Type.Is("integer"), s.Type.Is("number"):
		n := 42.0
		if s.Min != nil && *s.Min > n {
			n = *s.Min
		}
		if s.Max != nil && *s.Max < n {
			n = *s.Max
		}
		return []string{fmt.Sprint(int64(n))}
	case s.Type.Is("boolean"):
		return []string{"true"}
	}
	return []string{fabricateString(s)}
}

func fabricateString(s *openapi3.Schema) string {
	switch s.Format {
	case "uuid":
		return testUUID
	case "date-time":
		return "2024-01-02T03:04:05Z"
	case "date":
		return "2024-01-02"
	case "uri", "url":
		return "https://example.com/x"
	case "email":
		return "a@example.com"
	}
	v := "name-1"
	if s.MinLength > uint64(len(v)) {
		v = strings.Repeat("x", int(s.MinLength))
	}
	return v
}

// fabricate returns a minimal JSON value valid for s: required properties only, enum first values.
func fabricate(s *openapi3.Schema, depth int) any {
	if depth > 12 {
		return nil
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	if len(s.OneOf) > 0 {
		return fabricate(s.OneOf[0].Value, depth+1)
	}
	if len(s.AnyOf) > 0 {
		return fabricate(s.AnyOf[0].Value, depth+1)
	}
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := fabricate(sub.Value, depth+1).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	switch {
	case s.Type.Is("object") || (s.Type == nil && len(s.Properties) > 0):
		out := map[string]any{}
		for _, name := range s.Required {
			if p := s.Properties[name]; p != nil {
				out[name] = fabricate(p.Value, depth+1)
			}
		}
		return out
	case s.Type.Is("array"):
		out := []any{}
		for range s.MinItems {
			out = append(out, fabricate(s.Items.Value, depth+1))
		}
		return out
	case s.Type.Is("integer"), s.Type.Is("number"):
		n := 1.0
		if s.Min != nil && *s.Min > n {
			n = *s.Min
		}
		return n
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("string"):
		return fabricateString(s)
	}
	return map[string]any{}
}

// TestNew_everyOperation sends a fabricated valid request for every operation of the document over
// real HTTP, slugs escaped and raw, and checks that the right implementation method gets the same
// decoded parameters; every response is validated against the document by servertest.
func TestNew_everyOperation(t *testing.T) {
	t.Parallel()
	cases := operationCases(t)
	ops := map[string]bool{}
	for _, c := range cases {
		ops[c.opID] = true
	}
	doc, _ := loadRoutes(t)
	if n := countOperations(doc); len(ops) != n {
		t.Fatalf("cases cover %d operations, the document has %d", len(ops), n)
	}
	t.Logf("%d operations, %d requests", len(ops), len(cases))

	ts := newTestServer(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resp := ts.send(t, c.method, c.path, c.query, string(c.body), auth)
			if len(resp.calls) != 1 {
				t.Fatalf("implementation called %d times, want 1; response %d %s", len(resp.calls), resp.code, resp.body)
			}
			if !strings.EqualFold(resp.calls[0].op, c.opID) { // the generated method capitalises the operationId
				t.Errorf("implementation method %s, want %s", resp.calls[0].op, c.opID)
			}
			wantFields(t, resp.calls[0].request, c.want)
			if resp.code != http.StatusNotFound || resp.json["message"] != "Recorded." {
				t.Errorf("response %d %s, want the implementation's 404", resp.code, resp.body)
			}
		})
	}
}

// TestNew_rawAndEscapedSlugsAgree checks that the raw and the escaped form of each slug request give
// the implementation identical request objects.
func TestNew_rawAndEscapedSlugsAgree(t *testing.T) {
	t.Parallel()
	byKey := map[string][]opCase{}
	for _, c := range operationCases(t) {
		key := c.opID + fmt.Sprint(c.want)
		byKey[key] = append(byKey[key], c)
	}
	ts := newTestServer(t)
	n := 0
	for key, cs := range byKey {
		if len(cs) != 2 {
			continue
		}
		n++
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			var reqs []any
			for _, c := range cs {
				resp := ts.send(t, c.method, c.path, c.query, string(c.body), auth)
				if len(resp.calls) != 1 {
					t.Fatalf("%s: implementation called %d times", c.path, len(resp.calls))
				}
				reqs = append(reqs, resp.calls[0].request)
			}
			if diff := cmp.Diff(reqs[0], reqs[1], cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
				t.Errorf("escaped and raw requests differ (-escaped +raw):\n%s", diff)
			}
		})
	}
	if n == 0 {
		t.Fatal("no operation has a slug sent both ways")
	}
}

// TestNew_everyOperationNeedsToken checks that every operation without a token gets 401 JSON and never
// reaches the implementation.
func TestNew_everyOperationNeedsToken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, c := range oneCasePerOperation(t) {
		t.Run(c.opID, func(t *testing.T) {
			t.Parallel()
			resp := ts.send(t, c.method, c.path, c.query, string(c.body), nil)
			if resp.code != http.StatusUnauthorized {
				t.Fatalf("status %d %s, want 401", resp.code, resp.body)
			}
			if resp.json["message"] != "You must log in first." {
				t.Errorf("message %v", resp.json["message"])
			}
			if _, ok := resp.json["error"]; ok != c.service {
				t.Errorf("error member present = %v, want %v (service error body)", ok, c.service)
			}
		})
	}
	t.Cleanup(func() {
		if calls := ts.rec.taken(); len(calls) != 0 {
			t.Errorf("implementation reached without a token: %v", calls)
		}
	})
}

func countOperations(doc *openapi3.T) int {
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	return n
}
