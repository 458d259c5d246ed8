// Package route indexes the operations of the OpenAPI document by path so that a request finds its
// operation in time proportional to the length of its path, whatever the number of routes, and folds
// slugs sent as raw path segments ("/project/gh/org/repo/pipeline") into the one escaped segment the
// routes take ("/project/gh%2Forg%2Frepo/pipeline").
//
// The index (index.go: the tree, [Index.Lookup], [Index.Resolve]) and the slug folding (fold.go: the
// slug kinds and the rewritten readings Resolve tries) are shared by the server's middleware and by
// servertest, which must find the same operation for a request as the server did.
package route
