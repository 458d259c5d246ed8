package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
)

// Error is an error an implementation returns to answer with a status and message of its choosing,
// written as {"message": Message} like every other error of the server. Any other error an
// implementation returns is answered 500 with a generic message, and its text goes only to the log.
type Error struct {
	// Status is the HTTP status code, 400–599.
	Status int
	// Message is sent to the client as is; keep secrets and internal detail out of it. When it is
	// empty, the status text (say "Not Found") is sent instead.
	Message string
}

// Error returns the status and the message.
func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

// NewError returns an [*Error] with the status and message.
func NewError(status int, message string) *Error { return &Error{Status: status, Message: message} }

// BadRequest returns a 400 [*Error] with the message.
func BadRequest(message string) *Error { return NewError(http.StatusBadRequest, message) }

// Unauthorized returns a 401 [*Error] with the message.
func Unauthorized(message string) *Error { return NewError(http.StatusUnauthorized, message) }

// Forbidden returns a 403 [*Error] with the message.
func Forbidden(message string) *Error { return NewError(http.StatusForbidden, message) }

// NotFound returns a 404 [*Error] with the message, e.g. NotFound("Project not found.").
func NotFound(message string) *Error { return NewError(http.StatusNotFound, message) }

// Conflict returns a 409 [*Error] with the message.
func Conflict(message string) *Error { return NewError(http.StatusConflict, message) }

// Messages of the errors the server writes itself.
const (
	msgUnauthorized = "You must log in first."
	msgInternal     = "Internal server error."
	msgNotFound     = "Not found."
	msgTooLarge     = "Request body is too large."
)

// errorBody is the one error shape. Error is set only for the operations whose documented error body
// is {"error": ...} (Policy Management, OIDC Token Management).
type errorBody struct {
	Message string `json:"message"`
	Error   string `json:"error,omitempty"`
}

// WriteError answers a request served by [New] with status and message in the server's one error
// shape, as the server answers its own errors: {"message": message} as application/json, with an
// "error" member carrying the same text as well when the request was routed to a Policy Management or
// OIDC Token Management operation (or, unrouted, lies among their paths), whose documented error body
// is {"error": ...}. An empty message is replaced with the status text ("Service Unavailable"). The
// response carries the request's X-Request-Id, set before the handler ran, and the request log line
// shows the status with the request ID, route and operation.
//
// It is meant for the middlewares of [WithRouteMiddlewares] and other handler code under [New];
// an implementation returns an [*Error] instead. status must be 400–599: any other is a mistake of
// the caller and is answered 500 "Internal server error." instead, as an [*Error] with such a status
// would be. Outside a request served by [New] it writes {"message": message} only.
func WriteError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if status < 400 || status > 599 {
		status, message = http.StatusInternalServerError, msgInternal
	}
	writeError(w, r, status, message)
}

// writeError is the one place error responses are written: every error path of the server ends here.
// An empty message is replaced with the status text, so that the body always says something.
func writeError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if message == "" {
		message = http.StatusText(status)
		if message == "" {
			message = "HTTP status " + strconv.Itoa(status) + "."
		}
	}
	body := errorBody{Message: message}
	if info := infoFrom(r.Context()); info != nil && (info.serviceErrors || info.route != nil && info.route.ServiceErrors) {
		body.Error = message
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)                 // messages quote slugs like gh/<org>/<repo>; keep them readable
	if err := enc.Encode(body); err != nil { // cannot happen for two strings; keep the shape anyway
		buf.Reset()
		buf.WriteString(`{"message":"` + http.StatusText(status) + `"}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorHandlers turn the errors of the generated code into writeError calls.
type errorHandlers struct {
	log *slog.Logger
}

// bind handles parameter binding errors of the generated chi wrapper (plain text by default).
func (e errorHandlers) bind(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, http.StatusBadRequest, err.Error())
}

// request handles request body decoding errors of the strict handler.
func (e errorHandlers) request(w http.ResponseWriter, r *http.Request, err error) {
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		writeError(w, r, http.StatusRequestEntityTooLarge, msgTooLarge)
		return
	}
	writeError(w, r, http.StatusBadRequest, "Invalid request body: "+err.Error())
}

// response handles errors returned by the implementation and errors writing its response. Whether
// the status was sent already is asked of the chain's own writer, kept in the request's context: w
// may be the wrapper of a route middleware.
func (e errorHandlers) response(w http.ResponseWriter, r *http.Request, err error) {
	if info := infoFrom(r.Context()); info != nil && info.tw != nil && info.tw.wroteHeader {
		e.log.LogAttrs(r.Context(), slog.LevelError, "writing response failed",
			slog.String("request_id", RequestIDFromContext(r.Context())), slog.Any("error", err))
		return
	}
	if se := (*Error)(nil); errors.As(err, &se) && se.Status >= 400 && se.Status <= 599 {
		writeError(w, r, se.Status, se.Message)
		return
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		writeError(w, r, http.StatusRequestEntityTooLarge, msgTooLarge)
		return
	}
	e.log.LogAttrs(r.Context(), slog.LevelError, "handler failed",
		slog.String("request_id", RequestIDFromContext(r.Context())), slog.Any("error", err))
	writeError(w, r, http.StatusInternalServerError, msgInternal)
}
