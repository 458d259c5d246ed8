// Package codegen is what the repository's code generators have in common: what they read, namely
// the operations of the OpenAPI document, indexed so that the Go method oapi-codegen wrote for an
// operation finds it again, and the top-level type declarations of a Go package, read from its
// source; and how they write a Go file.
//
// Its users are client/internal/genmethods, which writes client/operations.gen.go, and
// internal/cmd/genunimplemented, which writes server/unimplemented.gen.go. Each decides for itself
// what goes into its file.
package codegen
