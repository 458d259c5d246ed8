package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverPanics turns a panic further down the chain into a logged 500 JSON error, if nothing was
// written yet. http.ErrAbortHandler is re-raised, as net/http expects. It is the outermost middleware
// and wraps the ResponseWriter once for the whole chain.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(rec)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", tw.requestID), slog.Any("panic", rec),
				slog.String("stack", string(debug.Stack())))
			if !tw.wroteHeader {
				// The request's own context may not carry the route; a 500 has no operation-specific shape.
				writeError(tw, r, http.StatusInternalServerError, msgInternal)
			}
		}()
		next.ServeHTTP(tw, r)
	})
}

// trackingWriter records the status and size of the response for the log and for error handling.
type trackingWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
	requestID   string
}

// WriteHeader records the status.
func (tw *trackingWriter) WriteHeader(code int) {
	if !tw.wroteHeader && code >= 200 {
		tw.status = code
		tw.wroteHeader = true
	}
	tw.ResponseWriter.WriteHeader(code)
}

// Write records the size and an implicit 200.
func (tw *trackingWriter) Write(b []byte) (int, error) {
	if !tw.wroteHeader {
		tw.status = http.StatusOK
		tw.wroteHeader = true
	}
	n, err := tw.ResponseWriter.Write(b)
	tw.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the underlying writer (Flush, deadlines, hijacking).
func (tw *trackingWriter) Unwrap() http.ResponseWriter { return tw.ResponseWriter }

// Flush passes a flush on, for implementations that stream.
func (tw *trackingWriter) Flush() {
	if f, ok := tw.ResponseWriter.(http.Flusher); ok {
		if !tw.wroteHeader {
			tw.status = http.StatusOK
			tw.wroteHeader = true
		}
		f.Flush()
	}
}
