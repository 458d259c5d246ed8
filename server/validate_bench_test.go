package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/cikit/circleci-go/openapi"
)

// The first and the last operation of the document, as it is written.
var benchRoutes = []struct{ name, method, path string }{
	{"first", http.MethodGet, "/api/v2/me"},
	{"last", http.MethodPatch, "/api/v2/org/5034460f-c7c4-4c43-9457-de07e2029e7b/project/9f6e3c2a-1b7d-4e2f-8a5c-0d4b6e8f1a23/oidc-custom-claims"},
}

// BenchmarkValidation measures what route lookup and request validation add to a request, for the
// first and the last operation of the document: "none" runs the same request through a no-op stage
// (context and request copy included), "index" resolves the route with the start-up index and
// validates, and "legacy" finds the route with kin-openapi's legacy router, which scans the routes,
// before the same validation; the baseline the index replaces.
func BenchmarkValidation(b *testing.B) {
	s, _, err := newServer([]Option{WithAuthenticator(StaticToken("t", Principal{}))})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := openapi.Load(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	doc.Servers = nil // the legacy router matches server URLs; route on bare paths like the index
	lr, err := legacy.NewRouter(doc)
	if err != nil {
		b.Fatal(err)
	}
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	var reached bool
	mark := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })
	stages := []struct {
		name string
		h    http.Handler
	}{
		{"none", noop},
		{"index", s.normalizeSlugs(s.validate(mark))},
		{"legacy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2 := r.Clone(r.Context())
			r2.URL.Path = r.URL.Path[len(s.base):]
			rt, params, err := lr.FindRoute(r2)
			if err != nil {
				b.Fatal(err)
			}
			if err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
				Request: r, PathParams: params, Route: rt, Options: &openapi3filter.Options{
					AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true,
				},
			}); err != nil {
				b.Fatal(err)
			}
			reached = true
		})},
	}
	for _, rt := range benchRoutes {
		for _, st := range stages {
			b.Run(rt.name+"/"+st.name, func(b *testing.B) {
				req := httptest.NewRequest(rt.method, rt.path, http.NoBody)
				w := httptest.NewRecorder()
				b.ReportAllocs()
				for b.Loop() {
					reached = false
					r := req.WithContext(context.WithValue(req.Context(), infoKey{}, &requestInfo{}))
					st.h.ServeHTTP(w, r)
					if st.name != "none" && !reached {
						b.Fatalf("request refused: %d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
