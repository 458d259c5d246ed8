package route

import (
	"errors"

	"github.com/getkin/kin-openapi/openapi3"
)

// IsUUID reports whether s is a UUID in its 36-character text form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// SchemaValidationOptions returns the schema options requests and responses are validated with:
// "uuid" strings are checked, which kin-openapi leaves to the caller. The validators are passed per
// validation, never registered in kin-openapi's package-level format maps.
func SchemaValidationOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
			"uuid": openapi3.NewCallbackValidator(func(s string) error {
				if !IsUUID(s) {
					return errors.New("not a UUID like 5034460f-c7c4-4c43-9457-de07e2029e7b")
				}
				return nil
			}),
		}),
	}
}
