package openapi

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Filename is the name of the embedded document inside this package's folder.
const Filename = "circleci-v2.yaml"

//go:embed circleci-v2.yaml
var document []byte

// YAML returns a copy of the embedded document's source text.
func YAML() []byte {
	return append([]byte(nil), document...)
}

// Load parses the embedded document and validates it; see [Parse]. Each call returns a new copy, which
// the caller may change; [Shared] returns one copy for the whole process instead.
func Load(ctx context.Context) (*openapi3.T, error) {
	return Parse(ctx, document)
}

// Shared returns the embedded document as [Load] does, parsed and validated once per process, on the
// first call, and the error of that one attempt. Every caller gets the same *openapi3.T: it is
// read-only, and nothing may change it, not even a field such as Servers (a caller that wants to
// change it calls [Load] for a copy of its own). Reading it from several goroutines at once is safe.
//
// It takes no context because the result is shared: no one caller's cancellation may spoil it for the
// others.
//
// It is exported, rather than kept in an internal package, for code outside this module that works
// with the server kit and needs the very document server.New validates against: a middleware of
// server.WithRouteMiddlewares that looks up the operation server.OperationIDFromContext names (its
// tags, parameters or x- extensions), or a test that enumerates the operations, without parsing and
// validating a second copy, which costs tens of milliseconds and megabytes. server, servertest and
// server/fake use it for the same reason. The server kit's own use is guarded by a test that the
// document still encodes as a fresh [Load] copy does after serving every operation.
func Shared() (*openapi3.T, error) { return shared() }

// shared is the once-value behind [Shared].
var shared = sync.OnceValues(func() (*openapi3.T, error) { return Load(context.Background()) })

// Parse parses an OpenAPI document and validates it with kin-openapi, with example
// validation and schema-format validation turned on. External references are refused: the
// document must be self-contained.
func Parse(ctx context.Context, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse: %w", err)
	}
	if err := Validate(ctx, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// Validate checks a loaded document with the options circleci-go holds its document to:
// examples must match their schemas and every schema format must be known.
func Validate(ctx context.Context, doc *openapi3.T) error {
	err := doc.Validate(ctx,
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaDefaultsValidation(),
		openapi3.EnableSchemaPatternValidation(),
	)
	if err != nil {
		return fmt.Errorf("openapi: invalid document: %w", err)
	}
	return nil
}
