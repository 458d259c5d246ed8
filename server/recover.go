package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverPanics turns a panic further down the chain into a logged 500 JSON error, if nothing was
// written yet. http.ErrAbortHandler is re-raised, as net/http expects. It is the outermost middleware
// and wraps the ResponseWriter once for the whole chain. The request log line of a panicking request
// is written here, after the 500 (see [server.logRequests]), so that it shows the status sent.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				s.finishLog(tw)
				panic(rec)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", tw.requestID), slog.Any("panic", rec),
				slog.String("stack", string(debug.Stack())))
			if !tw.wroteHeader {
				// The request as the log stage passed it on carries the route, and with it the
				// operation's error shape.
				inner := r
				if tw.log.r != nil {
					inner = tw.log.r
				}
				writeError(tw, inner, http.StatusInternalServerError, msgInternal)
			}
			s.finishLog(tw)
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
	// log is the request log line still to write, set by the log stage while the request is served
	// below it (kept by value: no allocation); its r is nil once written.
	log pendingLog
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
