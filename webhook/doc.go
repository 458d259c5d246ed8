// Package webhook receives CircleCI's outbound webhooks in Go programs: typed payloads for the two
// events CircleCI sends (workflow-completed and job-completed), [Verify] for the signature of a
// delivery, [Parse] that verifies, checks and decodes one, and [NewHandler], an http.Handler that does
// all of it and hands each event to a function.
//
// # Signatures
//
// When a webhook has a signing secret, CircleCI sends a Circleci-Signature header holding a
// comma-separated list of versioned signatures; v1 is the lowercase hex HMAC-SHA256 of the raw
// request body keyed with the secret ("v1=5f…"). [Verify] accepts a header when one of its v1
// signatures matches, comparing in constant time; versions it does not know are skipped. Verify
// the raw bytes received, before any decoding: re-encoding a payload changes its bytes.
//
// # Errors
//
// Every error Parse and Verify return is an [*Error] whose Kind is one of [ErrNoSignature],
// [ErrBadSignature], [ErrStale] and [ErrMalformed], so callers tell them apart with errors.Is.
// NewHandler answers them with a JSON {"message": …}: 401 for the first two, 400 for the others,
// 413 for a body over its limit and 405 for a method other than POST; an error of the handling
// function is a 500, which CircleCI retries.
//
// # Duplicates
//
// CircleCI may deliver an event more than once. Deduplicate on [Metadata.ID], which a retry keeps.
package webhook
