package client

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

// TestClient_sendMatchesGenerated calls every Client method whose parameters after ctx are all
// UUIDs and integers (those that may build their request with send instead of the generated
// builder) and the generated client's method of the same name with the same arguments, and checks
// that the server sees the same request: method, escaped path, query, body, token and User-Agent.
func TestClient_sendMatchesGenerated(t *testing.T) {
	t.Parallel()
	rec, c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		writeJSON(w, 200, `{}`)
	})
	raw := reflect.ValueOf(c.Generated().ClientInterface)
	typ := reflect.TypeFor[*Client]()
	ids := []uuid.UUID{uuid.MustParse("5034460f-c7c4-4c43-9457-de07e2029e7b"), uuid.MustParse("fd4c6f5b-8c7e-4c8b-9a3e-2b1d0c9e8f7a")}
	checked := 0
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		gm := raw.MethodByName(m.Name)
		if !gm.IsValid() || m.Type.NumIn() < 3 || m.Type.In(1) != reflect.TypeFor[context.Context]() {
			continue
		}
		args := []reflect.Value{reflect.ValueOf(t.Context())}
		simple := true
		for j := 2; j < m.Type.NumIn(); j++ {
			switch m.Type.In(j) {
			case reflect.TypeFor[uuid.UUID]():
				args = append(args, reflect.ValueOf(ids[(j-2)%len(ids)]))
			case reflect.TypeFor[int64]():
				args = append(args, reflect.ValueOf(int64(40+j)))
			default:
				simple = false
			}
		}
		if !simple || gm.Type().NumIn() != len(args)+1 { // + the variadic request editors
			continue
		}
		before := len(rec.all())
		m.Func.Call(append([]reflect.Value{reflect.ValueOf(c)}, args...))
		out := gm.Call(args)
		if resp, ok := out[0].Interface().(*http.Response); ok && resp != nil {
			resp.Body.Close()
		}
		reqs := rec.all()[before:]
		if len(reqs) != 2 {
			t.Errorf("%s: %d requests, want 2", m.Name, len(reqs))
			continue
		}
		pick := func(r recorded) map[string]string {
			return map[string]string{"method": r.Method, "path": r.EscapedPath, "query": r.RawQuery, "body": r.Body,
				"Circle-Token": r.Header.Get("Circle-Token"), "User-Agent": r.Header.Get("User-Agent"), "Content-Type": r.Header.Get("Content-Type")}
		}
		if diff := cmp.Diff(pick(reqs[1]), pick(reqs[0])); diff != "" {
			t.Errorf("%s: the client's request differs from the generated client's (-generated +client):\n%s", m.Name, diff)
		}
		checked++
	}
	t.Logf("%d methods compared", checked)
	if checked < 10 {
		t.Errorf("checked %d methods; the document has more than 10 operations with only UUID and integer parameters", checked)
	}
}
