package fake

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ControlPath is where [Server.Handler] serves the test controls, outside the API's base path.
// GET ControlPath lists them. As in the API, a control's path asked with a method it does not take is
// a 405 with an Allow header, a path that is no control's a 404, and one with an empty segment ("//")
// or a "." or ".." segment, escaped or not, a 400, all JSON {"message": …}.
const ControlPath = "/_fake/"

// IsControlPath reports whether a request path (r.URL.Path) is one [Server.Handler] hands to the
// test controls rather than to the API: ControlPath and every path below it. A wrapper that treats
// the two apart, as faketest does when it validates the API's answers alone, asks it too, so that
// both agree.
func IsControlPath(path string) bool { return strings.HasPrefix(path, ControlPath) }

// control is one test control endpoint under [ControlPath]. The table of [Server.controls] both
// registers the routes and is what GET /_fake/ answers, so the listing names exactly what is served.
type control struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Body is an example of the JSON body the control takes; absent when it takes none.
	Body        json.RawMessage `json:"body,omitempty"`
	Description string          `json:"description"`

	serve http.HandlerFunc
}

// controls returns the test controls, in the order GET /_fake/ lists them.
func (s *Server) controls() []control {
	var table []control
	table = []control{
		{
			Method: http.MethodGet, Path: ControlPath,
			Description: "Lists the control endpoints: method, path, an example body for those that take one, and what each does.",
			serve: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, map[string][]control{"controls": table})
			},
		},
		{
			Method: http.MethodGet, Path: ControlPath + "clock",
			Description: `Tells the simulated time: {"now": "…"}.`,
			serve: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
			},
		},
		{
			Method: http.MethodPost, Path: ControlPath + "clock/advance", Body: json.RawMessage(`{"duration": "90s"}`),
			Description: `Moves simulated time forward by a Go duration and lets running workflows catch up; answers {"now": "…"}.`,
			serve:       s.serveAdvance,
		},
		{
			Method: http.MethodPost, Path: ControlPath + "clock/speed", Body: json.RawMessage(`{"speed": 10}`),
			Description: `Sets how fast simulated time follows the wall clock from now on (0 stops it, 1 is real time, 10 ten times faster); answers {"now": "…", "speed": …}.`,
			serve:       s.serveSpeed,
		},
		{
			Method: http.MethodPost, Path: ControlPath + "job-outcome", Body: json.RawMessage(`{"project": "gh/demo-org/demo-app", "job": "deploy", "outcome": "failed"}`),
			Description: "Makes a build job of a project end with an outcome (success, failed, infrastructure_fail, timedout) from now on.",
			serve:       s.serveJobOutcome,
		},
		{
			Method: http.MethodGet, Path: ControlPath + "artifacts/{job}/{node}/{path...}",
			Description: "Serves an artifact a finished job declares with store_artifacts: the URLs GET /project/{project-slug}/{job-number}/artifacts lists point here; it takes the API token of a member of the organization (Circle-Token or ?circle-token=).",
			serve:       s.serveArtifact,
		},
		{
			Method: http.MethodPost, Path: ControlPath + "history", Body: json.RawMessage(`{"project": "gh/demo-org/demo-app", "days": 30, "runs_per_day": 20, "failure_rate": 0.1, "flake_rate": 0.05, "branches": ["main", "dev"], "seed": 1}`),
			Description: `Gives a project a deterministic history: runs_per_day pipelines a day for days days on the simulated clock (which moves on by days), some failing or flaking (rerun from failed on the same commit) at the given rates; answers {"now": "…"}.`,
			serve:       s.serveHistory,
		},
		{
			Method: http.MethodPost, Path: ControlPath + "faults",
			Body:        json.RawMessage(`{"method": "GET", "operation": "getCurrentUser", "route": "/me", "path": "/me", "status": 429, "retry_after": "2s", "delay": "0s", "count": 1}`),
			Description: "Makes the next count API requests that match every one it gives of method, operation (operationId or Go name), route (the document's path template) and path (under /api/v2; a trailing * for a prefix) answer a 429 or 5xx after an optional delay; a fault with only a delay lets them through after it.",
			serve:       s.serveInjectFault,
		},
		{
			Method: http.MethodDelete, Path: ControlPath + "faults",
			Description: "Removes every fault not used up yet.",
			serve: func(w http.ResponseWriter, _ *http.Request) {
				s.ClearFaults()
				writeMessage(w, http.StatusOK, "Faults cleared.")
			},
		},
		{
			Method: http.MethodGet, Path: ControlPath + "pipelines/{id}/continuation-key",
			Description: `Tells the unused continuation key of a setup pipeline: {"continuation_key": "…"}.`,
			serve:       s.serveContinuationKey,
		},
		{
			Method: http.MethodGet, Path: ControlPath + "usage-exports/{org}/{job}/{file}",
			Description: "Downloads the gzip CSV of a completed usage export: the URL getUsageExport hands out, signed and valid for 36 hours of simulated time; no token needed.",
			serve:       s.serveUsageExportFile,
		},
		{
			Method: http.MethodGet, Path: ControlPath + "webhook-deliveries",
			Description: `Lists every webhook delivery attempt in the order made: {"deliveries": [{"id", "event_id", "attempt", "state", "status_code", "latency_ms", "body", …}]}.`,
			serve:       s.serveWebhookDeliveries,
		},
		{
			Method: http.MethodPost, Path: ControlPath + "webhook-deliveries/{id}/resend",
			Description: "Sends the event of a delivery attempt again at once, with the same body and signature; answers 202 with the new attempt.",
			serve:       s.serveResendWebhookDelivery,
		},
		{
			Method: http.MethodPost, Path: ControlPath + "reset",
			Description: "Puts the fake back to its seed and clears the faults; simulated time goes on.",
			serve: func(w http.ResponseWriter, _ *http.Request) {
				if err := s.Reset(); err != nil {
					writeMessage(w, http.StatusInternalServerError, err.Error())
					return
				}
				writeMessage(w, http.StatusOK, "Reset to the seed.")
			},
		},
	}
	return table
}

// controlHandler serves [Server.controls]. A listed path asked with a method the table does not
// serve for it is a 405 whose Allow header lists those it does (HEAD with GET, which answers it), as
// the API answers; a path with an empty or dot segment is a 400 before the table is looked at;
// anything else under /_fake/ is a 404 that points to the listing. Errors are 4xx JSON {"message": …}.
func (s *Server) controlHandler() http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{} // path pattern → the methods the table serves on it
	var paths []string
	for _, c := range s.controls() {
		path := c.Path
		if strings.HasSuffix(path, "/") {
			path += "{$}" // the path itself, not the tree below it
		}
		mux.Handle(c.Method+" "+path, c.serve)
		if methods[path] == nil {
			paths = append(paths, path)
		}
		methods[path] = append(methods[path], c.Method)
	}
	for _, path := range paths {
		allow := allowHeader(methods[path]) // ServeMux answers HEAD with GET's handler
		// A pattern without a method is less specific than those with one, so it gets only the rest.
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeMessage(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here; allowed: "+allow+".")
		})
	}
	mux.HandleFunc(ControlPath, func(w http.ResponseWriter, r *http.Request) {
		writeMessage(w, http.StatusNotFound, "Unknown control endpoint "+r.Method+" "+r.URL.Path+"; GET "+ControlPath+" lists them.")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ServeMux would answer these with a redirect to the cleaned path, text/html.
		if hasEmptyOrDotSegment(r.URL.Path) {
			writeMessage(w, http.StatusBadRequest, "Malformed control path "+r.URL.Path+": it has an empty or dot segment (//, . or ..); GET "+ControlPath+" lists the controls.")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// allowHeader lists methods as an Allow header does, for the control table and for faults alike:
// sorted, each once, with HEAD wherever GET is, since a GET handler answers HEAD too.
func allowHeader(methods []string) string {
	list := slices.Clone(methods)
	if slices.Contains(list, http.MethodGet) {
		list = append(list, http.MethodHead)
	}
	slices.Sort(list)
	return strings.Join(slices.Compact(list), ", ")
}

// hasEmptyOrDotSegment reports whether an unescaped path has an empty segment ("//") or one that is
// "." or "..".
func hasEmptyOrDotSegment(path string) bool {
	if strings.Contains(path, "//") {
		return true
	}
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// decodeBody decodes a control's JSON body into v, or answers 400 and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeMessage(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) serveAdvance(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Duration string `json:"duration"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	d, err := time.ParseDuration(body.Duration)
	if err == nil {
		err = s.Advance(d)
	}
	if err != nil {
		writeMessage(w, http.StatusBadRequest, "duration: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
}

func (s *Server) serveJobOutcome(w http.ResponseWriter, r *http.Request) {
	var body struct{ Project, Job, Outcome string }
	if !decodeBody(w, r, &body) {
		return
	}
	if err := s.SetJobOutcome(body.Project, body.Job, body.Outcome); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, errNotFound) {
			status = http.StatusNotFound
		}
		writeMessage(w, status, strings.TrimPrefix(err.Error(), "fake: "))
		return
	}
	writeMessage(w, http.StatusOK, "Outcome set.")
}

func (s *Server) serveInjectFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if !decodeBody(w, r, &f) {
		return
	}
	if err := s.InjectFault(f); err != nil {
		writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	writeMessage(w, http.StatusCreated, "Fault added.")
}

func (s *Server) serveContinuationKey(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		writeMessage(w, http.StatusBadRequest, "the pipeline id must be a UUID")
		return
	}
	key, ok := s.ContinuationKey(id)
	if !ok {
		writeMessage(w, http.StatusNotFound, "The pipeline has no unused continuation key.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"continuation_key": key})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeMessage answers {"message": msg}, the one shape of a control's answers that carry no data.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}
