// Package openapi holds the OpenAPI 3.0 document of the CircleCI API v2 that the rest of
// circleci-go is generated from, embedded in the binary, and loads it validated.
//
// The document follows the live API where it was seen to differ from CircleCI's published
// document: typed path parameters, repeated query parameters, snake_case fields the service
// really sends, nullable page tokens, and error bodies as they arrive.
package openapi
