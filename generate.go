// Package circleci is the root of circleci-go, a Go toolkit for the CircleCI API v2.
//
// The packages users import are [github.com/cikit/circleci-go/client] and
// [github.com/cikit/circleci-go/server]; this file only holds the generation steps, run with
// "go generate ./..." (or "make generate") after openapi/circleci-v2.yaml changes.
package circleci

// The document is validated first: an invalid document stops generation with kin-openapi's message.
//go:generate go run ./internal/cmd/validate-openapi openapi/circleci-v2.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/models.cfg.yaml openapi/circleci-v2.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/client.cfg.yaml openapi/circleci-v2.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/server.cfg.yaml openapi/circleci-v2.yaml
