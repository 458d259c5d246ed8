package client

// operations.gen.go is written from the document and from the generated package gen. Under
// "go generate ./..." the root package, which regenerates gen/, runs before this one.
//go:generate go run ./internal/genmethods -gen ../gen -out operations.gen.go
