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
//
// When the handler below panics, the line is not written on the way out of the panic, before anything
// was answered: it is left on the trackingWriter, and recoverPanics writes it after the 500, so the
// line shows the status the client got.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !usableRequestID(info.id) {
			info.id = s.ids.next()
		}
		w.Header().Set("X-Request-Id", info.id)
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		tw, ok := w.(*trackingWriter)
		if !ok { // not below recoverPanics: nothing else would write the line
			defer s.logLine(r, nil, info, start)
			next.ServeHTTP(w, r)
			return
		}
		tw.requestID = info.id
		info.tw = tw
		tw.log = pendingLog{r: r, info: info, start: start}
		next.ServeHTTP(w, r)
		s.finishLog(tw)
	})
}

// pendingLog is what the request log line needs, kept until the response is done.
type pendingLog struct {
	r     *http.Request
	info  *requestInfo
	start time.Time
}

// finishLog writes the pending request log line of tw, once.
func (s *server) finishLog(tw *trackingWriter) {
	if p := tw.log; p.r != nil {
		tw.log = pendingLog{}
		s.logLine(p.r, tw, p.info, p.start)
	}
}

// logLine writes the request log line; tw is nil when the response was not tracked, and the line
// shows no status or size then.
func (s *server) logLine(r *http.Request, tw *trackingWriter, info *requestInfo, start time.Time) {
	ctx := r.Context()
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	status, size := 0, int64(0)
	if tw != nil {
		status, size = tw.status, tw.bytes
	}
	if r.Method == http.MethodHead {
		size = 0 // what the handler wrote for the GET it was served as; net/http sent none of it
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
