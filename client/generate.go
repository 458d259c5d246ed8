package client

// operations.gen.go is written from the document and the generated package gen; the root package's
// go:generate lines (which regenerate gen/) run first under "go generate ./...".
//go:generate go run ./internal/genmethods -gen ../gen -out operations.gen.go
