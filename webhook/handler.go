package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// NewHandler returns an http.Handler that receives CircleCI deliveries: it takes POST only, reads
// at most the body limit (see [WithMaxBodyBytes]), parses the delivery with secret as [Parse] does
// and calls handle with the request's context and the event. It answers 204 when handle returns nil
// and a JSON {"message": …} otherwise: 405 for another method, 413 for a body over the limit, 401 for
// a missing or wrong signature, 400 for a stale or malformed event and 500 when handle fails, so
// that CircleCI tries again later.
func NewHandler(secret string, handle func(ctx context.Context, ev Event) error, opts ...Option) http.Handler {
	c := newConfig(opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeMessage(w, http.StatusMethodNotAllowed, "Webhook deliveries are POST requests.")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, c.maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeMessage(w, http.StatusRequestEntityTooLarge, "The body is larger than the limit of this receiver.")
				return
			}
			writeMessage(w, http.StatusBadRequest, "Reading the body failed: "+err.Error())
			return
		}
		if err := Verify(secret, r.Header.Get(HeaderSignature), body); err != nil {
			writeMessage(w, http.StatusUnauthorized, err.Error())
			return
		}
		ev, err := c.decode(r.Header.Get(HeaderEventType), body)
		if err != nil {
			writeMessage(w, http.StatusBadRequest, err.Error())
			return
		}
		if err := handle(r.Context(), ev); err != nil {
			writeMessage(w, http.StatusInternalServerError, "Handling the event failed.")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}
