package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// requestIDs makes request IDs: a random prefix per server and a counter, cheaper than a UUID per
// request and unique across restarts with overwhelming likelihood.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func (g *requestIDs) next() string {
	return g.prefix + "-" + strconv.FormatUint(g.n.Add(1), 10)
}

// usableRequestID reports whether a client-sent X-Request-Id can be echoed and logged: short and
// printable ASCII without spaces.
func usableRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := range len(id) {
		if c := id[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// logRequests gives the request its ID (X-Request-Id echoed, or made up), stores the per-request state
// in the context and writes one log line when the response is done: method, route pattern (never the
// raw path, which holds slugs), status, bytes, duration and request ID.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !usableRequestID(info.id) {
			info.id = s.ids.next()
		}
		w.Header().Set("X-Request-Id", info.id)
		if tw, ok := w.(*trackingWriter); ok {
			tw.requestID = info.id
		}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		defer s.logLine(r, w, info, start)
		next.ServeHTTP(w, r)
	})
}

func (s *server) logLine(r *http.Request, w http.ResponseWriter, info *requestInfo, start time.Time) {
	ctx := r.Context()
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	status, size := 0, int64(0)
	if tw, ok := w.(*trackingWriter); ok {
		status, size = tw.status, tw.bytes
	}
	routePattern, op := "", ""
	if info.route != nil {
		routePattern, op = s.base+info.route.Path, info.route.OperationID
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("route", routePattern),
		slog.String("operation", op),
		slog.Int("status", status),
		slog.Int64("bytes", size),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", info.id),
	)
}
