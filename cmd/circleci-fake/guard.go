package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/cikit/circleci-go/server/fake"
)

// timeouts bound a connection's reading, writing and idling.
type timeouts struct {
	readHeader, read, write, idle time.Duration
}

// defaultTimeouts suit a test server: generous for a test's requests, short enough that a client
// that stalls cannot hold connections for long. write is longer than any delay fault a test waits
// out on purpose.
var defaultTimeouts = timeouts{readHeader: 10 * time.Second, read: time.Minute, write: 5 * time.Minute, idle: 2 * time.Minute}

// listen listens on addr, turning "address already in use" into an error that says what to do.
func listen(ctx context.Context, addr string) (net.Listener, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("-addr %s: the address is already in use (another circleci-fake still running?); "+
			"stop that program or choose another address with -addr or %s (port 0 picks a free one)", addr, envAddr)
	}
	return ln, err
}

// isLoopback reports whether a listener's address accepts connections from this machine only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// isDownloadPath tells whether a path under fake.ControlPath is one the API hands out to clients as
// a download URL, opened without any token as CircleCI's are: a usage export's file (signed by the
// fake) and a job's artifacts.
func isDownloadPath(path string) bool {
	return strings.HasPrefix(path, fake.ControlPath+"usage-exports/") || strings.HasPrefix(path, fake.ControlPath+"artifacts/")
}

// requireControlToken answers every request under fake.ControlPath that does not send
// "Authorization: Bearer <token>" with a 401 JSON message, before the fake sees it; the signed
// download URLs (isDownloadPath) are the exception. API requests pass as they are: they carry their
// own, API tokens.
func requireControlToken(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fake.IsControlPath(r.URL.Path) && !isDownloadPath(r.URL.Path) && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("WWW-Authenticate", `Bearer realm="circleci-fake controls"`)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"message":"The test controls under `+fake.ControlPath+` need the control token of circleci-fake's -control-token, sent as Authorization: Bearer <token>."}`+"\n")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// mask shows a secret as "xxxx" and its last four characters, or as "xxxx" alone when it is shorter
// than 16 characters, where four would give away too much of it.
func mask(secret string) string {
	if len(secret) < 16 {
		return "xxxx"
	}
	return "xxxx" + secret[len(secret)-4:]
}
