package route

import (
	"errors"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cikit/circleci-go/internal/slug"
)

// IsDateTime reports whether s is an RFC 3339 date-time ("2017-07-21T17:32:28Z",
// "2017-07-21T17:32:28.123+02:00") whose month has that day. It accepts exactly what kin-openapi's
// default "date-time" validator accepts (a regular expression, then a calendar check), without the
// regular expression: an upper-case T and Z, seconds up to 60, any number of fraction digits.
func IsDateTime(s string) bool {
	// 2006-01-02T15:04:05 is 19 bytes; then an optional fraction and a zone, Z or ±hh:mm.
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 60 {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	if rest == "Z" {
		return true
	}
	if len(rest) != 6 || rest[0] != '+' && rest[0] != '-' || rest[3] != ':' {
		return false
	}
	zh, okh := digits(rest[1:3])
	zm, okm := digits(rest[4:6])
	return okh && okm && zh <= 23 && zm <= 59
}

// digits parses a short run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days of a month (1–12) in the proleptic Gregorian calendar.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// StringFormats returns the string format validators requests and responses are validated with, by
// format name: "uuid", which kin-openapi leaves to the caller, and "date-time", which kin-openapi
// checks with a regular expression by default; this one accepts the same strings several times
// faster. They are passed per validation, never registered in kin-openapi's package-level maps.
func StringFormats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"uuid": openapi3.NewCallbackValidator(func(s string) error {
			if !slug.IsUUID(s) {
				return errors.New("not a UUID like 5034460f-c7c4-4c43-9457-de07e2029e7b")
			}
			return nil
		}),
		"date-time": openapi3.NewCallbackValidator(func(s string) error {
			if !IsDateTime(s) {
				return errors.New("not an RFC 3339 date-time like 2017-07-21T17:32:28Z")
			}
			return nil
		}),
	}
}

// SchemaValidationOptions returns the schema options requests and responses are validated with: the
// [StringFormats] validators.
func SchemaValidationOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(StringFormats())}
}

// fastString returns a check that decides exactly as schema.VisitJSON would, with formats, for a
// string value, when the schema is that simple: of the one type string, with no other constraint than
// a format of formats. It returns nil for any other schema.
func fastString(schema *openapi3.Schema, formats map[string]openapi3.StringFormatValidator) func(string) bool {
	if !schema.Type.Is(openapi3.TypeString) {
		return nil
	}
	bare := *schema // ask IsEmpty about everything but the type and the format
	bare.Type, bare.Format = nil, ""
	if !bare.IsEmpty() {
		return nil
	}
	if schema.Format == "" {
		return func(string) bool { return true }
	}
	v, ok := formats[schema.Format]
	if !ok {
		return nil
	}
	return func(s string) bool { return v.Validate(s) == nil }
}
