// Package circleci is the root of circleci-go, a Go toolkit for the CircleCI API v2.
//
// The packages users import are [github.com/cikit/circleci-go/client] and
// [github.com/cikit/circleci-go/server]; this file only holds the generation steps, run with
// "go generate ." (or "make generate") after openapi/circleci-v2.yaml changes. The tools are pinned
// by the tool directives of go.mod and run with "go tool".
package circleci

// The document is validated first: an invalid document stops generation with kin-openapi's message.
//go:generate go run ./internal/cmd/validate-openapi openapi/circleci-v2.yaml
// Package gen: models and the HTTP client. Package gen/genserver: chi routing and the strict server.
//go:generate go tool oapi-codegen -config gen/models.cfg.yaml openapi/circleci-v2.yaml
//go:generate go tool oapi-codegen -config gen/client.cfg.yaml openapi/circleci-v2.yaml
//go:generate go tool oapi-codegen -config gen/genserver/server.cfg.yaml openapi/circleci-v2.yaml
// server.Unimplemented: a 501 for every method of genserver.StrictServerInterface, to embed.
//go:generate go run ./internal/cmd/genunimplemented -genserver gen/genserver -out server/unimplemented.gen.go
// The client's one-call methods, iterator twins and route table, from the document and package gen.
//go:generate go run ./client/internal/genmethods -gen gen -out client/operations.gen.go
