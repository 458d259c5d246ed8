package route

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// dateTimeCases are date-times at and around every edge of RFC 3339 and of the calendar.
var dateTimeCases = []string{
	"2017-07-21T17:32:28Z", "2017-07-21T17:32:28.123Z", "2017-07-21T17:32:28.1+02:00", "2017-07-21T17:32:28-23:59",
	"2017-07-21T23:59:60Z", "2017-07-21T24:00:00Z", "2017-07-21T23:60:00Z", "2017-07-21T23:59:61Z",
	"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	"2017-04-31T00:00:00Z", "2017-04-30T00:00:00Z", "2017-12-31T00:00:00Z", "2017-13-01T00:00:00Z",
	"2017-00-01T00:00:00Z", "2017-01-00T00:00:00Z", "2017-01-32T00:00:00Z", "0000-01-01T00:00:00Z",
	"2017-07-21t17:32:28Z", "2017-07-21T17:32:28z", "2017-07-21 17:32:28Z", "2017-07-21T17:32:28",
	"2017-07-21T17:32:28.Z", "2017-07-21T17:32:28+0200", "2017-07-21T17:32:28+24:00", "2017-07-21T17:32:28+02:60",
	"2017-07-21T17:32:28+02:00Z", "2017-07-21T17:32:28ZZ", "2017-07-21T17:32Z", "2017-07-21", "",
	"17-07-21T17:32:28Z", "2017-7-21T17:32:28Z", "２017-07-21T17:32:28Z", "2017-07-21T17:32:28.١Z",
	"2017-07-21T17:32:28.000000000001Z", "+2017-07-21T17:32:28Z", "2017-07-21T17:32:28 ",
}

// TestIsDateTime_matchesKinOpenAPI holds the fast validator to kin-openapi's default one (a regular
// expression and a calendar check), which is read here, never changed.
func TestIsDateTime_matchesKinOpenAPI(t *testing.T) {
	t.Parallel()
	ref := openapi3.SchemaStringFormats["date-time"]
	if ref == nil {
		t.Fatal("kin-openapi has no default date-time validator")
	}
	for _, s := range dateTimeCases {
		if got, want := IsDateTime(s), ref.Validate(s) == nil; got != want {
			t.Errorf("IsDateTime(%q) = %v, kin-openapi says %v", s, got, want)
		}
	}
}

func FuzzIsDateTime(f *testing.F) {
	for _, s := range dateTimeCases {
		f.Add(s)
	}
	ref := openapi3.SchemaStringFormats["date-time"]
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsDateTime(s), ref.Validate(s) == nil; got != want {
			t.Errorf("IsDateTime(%q) = %v, kin-openapi says %v", s, got, want)
		}
	})
}

// TestPathChecks_matchOpenapi3filter holds the start-up shortcut for path parameters to
// openapi3filter: for every path parameter of the document that the index checks itself, and values
// of every shape, Accept and the schema agree with what openapi3filter.ValidateParameter decides on
// the full route, and the request route no longer lists the parameter while keeping the others.
func TestPathChecks_matchOpenapi3filter(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	opts := &openapi3filter.Options{SkipSettingDefaults: true, SchemaValidationOptions: SchemaValidationOptions()}
	values := []string{id, "5034460F-C7C4-4C43-9457-DE07E2029E7B", "nope", id + "0", "gh/org/repo", "gh/org", "42",
		"github", "2017-07-21T17:32:28Z", " ", "é"}
	checked, accepted := 0, 0
	for _, rt := range ix.Routes() {
		all := slices.Concat(rt.Validation.Operation.Parameters, rt.Validation.PathItem.Parameters)
		for _, c := range rt.PathChecks {
			checked++
			if rt.Leaf.Params[c.Index] != c.Param.Name {
				t.Errorf("%s %s: check %d is %s, the leaf has %s there", rt.Method, rt.Path, c.Index, c.Param.Name, rt.Leaf.Params[c.Index])
			}
			for _, p := range slices.Concat(rt.Request.Operation.Parameters, rt.Request.PathItem.Parameters) {
				if p.Value.In == openapi3.ParameterInPath && p.Value.Name == c.Param.Name {
					t.Errorf("%s %s: %s is still left to openapi3filter", rt.Method, rt.Path, c.Param.Name)
				}
			}
			for _, v := range values {
				in := &openapi3filter.RequestValidationInput{
					Request:    httptest.NewRequest(rt.Method, "/", nil),
					PathParams: map[string]string{c.Param.Name: v},
					Route:      rt.Validation,
					Options:    opts,
				}
				want := openapi3filter.ValidateParameter(context.Background(), in, c.Param) == nil
				if got := c.Param.Schema.Value.VisitJSON(v, SchemaValidationOptions()...) == nil; got != want {
					t.Errorf("%s %s: %s=%q: schema says %v, openapi3filter %v", rt.Method, rt.Path, c.Param.Name, v, got, want)
				}
				if c.Accept != nil {
					accepted++
					if got := c.Accept(v); got != want {
						t.Errorf("%s %s: %s=%q: Accept says %v, openapi3filter %v", rt.Method, rt.Path, c.Param.Name, v, got, want)
					}
				}
			}
		}
		// Whatever is not checked here still goes to openapi3filter.
		left := slices.Concat(rt.Request.Operation.Parameters, rt.Request.PathItem.Parameters)
		for _, p := range all {
			isChecked := p.Value.In == openapi3.ParameterInPath &&
				slices.ContainsFunc(rt.PathChecks, func(c PathCheck) bool { return c.Param.Name == p.Value.Name })
			if !isChecked && !slices.Contains(left, p) {
				t.Errorf("%s %s: %s parameter %s is neither checked nor left to openapi3filter", rt.Method, rt.Path, p.Value.In, p.Value.Name)
			}
		}
	}
	if checked == 0 || accepted == 0 {
		t.Fatalf("%d path parameters checked, %d values through Accept: the shortcut is never taken", checked, accepted)
	}
}
