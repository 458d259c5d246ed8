package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// The kinds of [*Error], for errors.Is.
var (
	// ErrNoSignature: the delivery carries no v1 signature, or there is no secret to check one with.
	ErrNoSignature = errors.New("no v1 signature")
	// ErrBadSignature: no v1 signature of the delivery matches its body and the secret.
	ErrBadSignature = errors.New("signature does not match")
	// ErrStale: the event happened longer ago than the tolerance allows.
	ErrStale = errors.New("event too old")
	// ErrMalformed: the body is not an event this package knows, or disagrees with its headers.
	ErrMalformed = errors.New("malformed event")
)

// Error is what [Verify] and [Parse] return: a Kind (one of ErrNoSignature, ErrBadSignature,
// ErrStale and ErrMalformed, which errors.Is matches) and what was wrong.
type Error struct {
	Kind   error
	Detail string
}

// Error says what was wrong.
func (e *Error) Error() string {
	if e.Detail == "" {
		return "webhook: " + e.Kind.Error()
	}
	return "webhook: " + e.Kind.Error() + ": " + e.Detail
}

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Sign returns the v1 signature of body with secret as CircleCI sends it in the Circleci-Signature
// header: "v1=" and the hex HMAC-SHA256 of body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a Circleci-Signature header value against the raw body and secret: it succeeds when
// one of the header's comma-separated v1 signatures is the HMAC-SHA256 of body, compared in constant
// time. Otherwise it returns an [*Error] of kind ErrNoSignature (an empty secret, or no v1 entry) or
// ErrBadSignature.
func Verify(secret, header string, body []byte) error {
	if secret == "" {
		return &Error{Kind: ErrNoSignature, Detail: "the secret is empty"}
	}
	want := []byte(Sign(secret, body)[len("v1="):])
	found := false
	for part := range strings.SplitSeq(header, ",") {
		version, sig, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || version != "v1" {
			continue
		}
		found = true
		if hmac.Equal([]byte(strings.ToLower(sig)), want) {
			return nil
		}
	}
	if !found {
		return &Error{Kind: ErrNoSignature, Detail: "the " + HeaderSignature + " header holds no v1 signature"}
	}
	return &Error{Kind: ErrBadSignature}
}
