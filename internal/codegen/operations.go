package codegen

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cikit/circleci-go/openapi"
)

// Operation is what the document says about one operation.
type Operation struct {
	ID      string              // the operationId, such as getPipelineById
	Method  string              // the HTTP method as kin-openapi gives it, such as GET
	Path    string              // the path template, such as /pipeline/{pipeline-id}
	Summary string              // the one-line summary
	Spec    *openapi3.Operation // the operation itself, for anything the fields above leave out
}

// Operations holds the operations of a document, each under the [Key] of its operationId.
type Operations map[string]Operation

// LoadOperations loads the embedded document with [openapi.Load] and indexes its operations with
// [ReadOperations].
func LoadOperations(ctx context.Context) (Operations, error) {
	doc, err := openapi.Load(ctx)
	if err != nil {
		return nil, err
	}
	return ReadOperations(doc)
}

// ReadOperations indexes every operation of doc by the [Key] of its operationId. It fails when two
// operationIds fold to the same key, since a Go method name could then stand for either.
func ReadOperations(doc *openapi3.T) (Operations, error) {
	ops := Operations{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := Key(op.OperationID)
			if other, dup := ops[key]; dup {
				return nil, fmt.Errorf("operations %s and %s both normalise to %q", other.ID, op.OperationID, key)
			}
			ops[key] = Operation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Spec: op}
		}
	}
	return ops, nil
}

// Pair returns the operation of each Go method name in names, in the same order: the one whose
// operationId has the same [Key]. iface names where the methods come from, such as
// genserver.StrictServerInterface, for the errors. Pair fails unless methods and operations match one
// to one: when a method matches no operation, when two methods match the same one, or when an
// operation is left without a method (the first of those in key order is named).
func (ops Operations) Pair(iface string, names []string) ([]Operation, error) {
	paired := make([]Operation, len(names))
	by := map[string]string{} // key → method name
	for i, name := range names {
		key := Key(name)
		op, ok := ops[key]
		if !ok {
			return nil, fmt.Errorf("%s.%s matches no operation of the document", iface, name)
		}
		if other, dup := by[key]; dup {
			return nil, fmt.Errorf("%s.%s and %s.%s both match operation %s", iface, other, iface, name, op.ID)
		}
		by[key] = name
		paired[i] = op
	}
	for _, key := range slices.Sorted(maps.Keys(ops)) {
		if _, ok := by[key]; !ok {
			op := ops[key]
			return nil, fmt.Errorf("operation %s (%s %s) has no method in %s", op.ID, op.Method, op.Path, iface)
		}
	}
	return paired, nil
}

// Key folds an operationId or a Go method name so that the two compare equal when oapi-codegen made
// one from the other: it keeps only letters and digits, in lower case. Key("getPipelineById") and
// Key("GetPipelineByID") are both "getpipelinebyid".
func Key(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
