package fake

import (
	"context"
	"maps"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// The limits circleci.com sets on OTLP exporters.
const (
	maxExporters       = 5
	maxExporterHeaders = 5
	maxHeaderName      = 64
	maxHeaderValue     = 1024
	// redactedHeader is what every answer shows for a header value.
	redactedHeader = "xxxx"
	// msgOTelOrgNotFound is the OTel routes' 404 for an organization the caller may not manage.
	msgOTelOrgNotFound = "Org not found"
)

// reservedHeaders are the header names the exporter sets itself, which a configuration may not.
var reservedHeaders = map[string]bool{
	"content-type": true, "content-length": true, "connection": true, "keep-alive": true, "te": true,
	"trailers": true, "transfer-encoding": true, "upgrade": true,
}

// otelExporter is an OTLP exporter of an organization (stored; nothing is sent to it).
type otelExporter struct {
	id       uuid.UUID
	org      *org
	endpoint string
	protocol gen.OTelExporterProtocol
	insecure bool
	headers  map[string]string // the values as given; answers show them redacted
}

func (e *otelExporter) api() gen.OTelExporter {
	out := gen.OTelExporter{ID: ptr(e.id), OrgID: ptr(e.org.id), Endpoint: ptr(e.endpoint), Protocol: ptr(e.protocol), Insecure: ptr(e.insecure)}
	if len(e.headers) > 0 {
		out.Headers = make(map[string]string, len(e.headers))
		for k := range e.headers {
			out.Headers[k] = redactedHeader
		}
	}
	return out
}

// checkOTelEndpoint accepts host:port, or an http(s) URL with protocol http, whose host is not a
// loopback, private, link-local, multicast or unspecified address (the fake resolves no names, so
// only address literals and localhost are refused as such).
func checkOTelEndpoint(endpoint string, protocol gen.CreateOTelExporterRequestProtocol) string {
	var host string
	if strings.HasPrefix(endpoint, "http://") || strings.HasPrefix(endpoint, "https://") {
		if protocol != gen.CreateOTelExporterRequestProtocolHTTP {
			return "protocol must be 'http' when endpoint starts with http:// or https://"
		}
		u, err := url.Parse(endpoint)
		if err != nil || u.Hostname() == "" || u.User != nil {
			return "endpoint " + quote(endpoint) + " is not a valid URL with a host"
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return "endpoint " + quote(endpoint) + " has a port outside 1-65535"
			}
		}
		host = u.Hostname()
	} else {
		h, port, err := net.SplitHostPort(endpoint)
		n, perr := strconv.Atoi(port)
		if err != nil || h == "" || strings.Contains(h, "/") || perr != nil || n < 1 || n > 65535 {
			return "endpoint must be host:port with a port in 1-65535, or an http:// or https:// URL, got " + quote(endpoint)
		}
		host = h
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return "Invalid endpoint hostname."
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified()) {
		return "Invalid endpoint hostname."
	}
	return ""
}

// checkOTelHeaders applies circleci.com's rules for exporter headers.
func checkOTelHeaders(h map[string]string) string {
	if len(h) > maxExporterHeaders {
		return "Too many headers provided."
	}
	for name, value := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "grpc-") || reservedHeaders[lower] {
			return "Header name is reserved."
		}
		if name == "" || len(name) > maxHeaderName || strings.HasPrefix(name, ":") {
			return "Invalid header name " + quote(name) + ": names are 1 to 64 characters and do not start with \":\"."
		}
		if len(value) > maxHeaderValue {
			return "Header " + quote(name) + " has a value longer than 1024 characters."
		}
	}
	return ""
}

// ListOtelExporters lists the organization's OTLP exporters, oldest first.
// CircleCI API: GET /otel/exporters (listOtelExporters).
func (s *Server) ListOtelExporters(ctx context.Context, req genserver.ListOtelExportersRequestObject) (genserver.ListOtelExportersResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.visibleOrg(ctx, req.Params.OrgID.String(), msgOTelOrgNotFound)
	if err != nil {
		return nil, err
	}
	out := make(genserver.ListOtelExporters200JSONResponse, 0, len(o.exporters))
	for _, e := range o.exporters {
		out = append(out, e.api())
	}
	return out, nil
}

// CreateOtelExporter adds an OTLP exporter to an organization. The answer shows header values as
// "xxxx", as every answer does; a sixth exporter is the 422 circleci.com answers.
// CircleCI API: POST /otel/exporters (createOtelExporter).
func (s *Server) CreateOtelExporter(ctx context.Context, req genserver.CreateOtelExporterRequestObject) (genserver.CreateOtelExporterResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := req.Body
	if b == nil {
		if _, err := s.caller(ctx); err != nil {
			return nil, err
		}
		return nil, server.BadRequest("the body is required")
	}
	_, o, err := s.visibleOrg(ctx, b.OrgID.String(), msgOTelOrgNotFound)
	if err != nil {
		return nil, err
	}
	if b.Protocol != gen.CreateOTelExporterRequestProtocolGrpc && b.Protocol != gen.CreateOTelExporterRequestProtocolHTTP {
		return nil, server.BadRequest(`protocol must be "grpc" or "http", got ` + quote(string(b.Protocol)))
	}
	if msg := checkOTelEndpoint(b.Endpoint, b.Protocol); msg != "" {
		return nil, server.BadRequest(msg)
	}
	if msg := checkOTelHeaders(b.Headers); msg != "" {
		return nil, server.BadRequest(msg)
	}
	if len(o.exporters) >= maxExporters {
		return nil, server.NewError(422, "Internal server error.")
	}
	e := &otelExporter{id: s.newID(), org: o, endpoint: b.Endpoint, protocol: gen.OTelExporterProtocol(b.Protocol),
		insecure: b.Insecure != nil && *b.Insecure, headers: maps.Clone(b.Headers)}
	o.exporters = append(o.exporters, e)
	return genserver.CreateOtelExporter201JSONResponse(e.api()), nil
}

// DeleteOtelExporter deletes an OTLP exporter of one of the caller's organizations.
// CircleCI API: DELETE /otel/exporters/{otel_exporter_id} (deleteOtelExporter).
func (s *Server) DeleteOtelExporter(ctx context.Context, req genserver.DeleteOtelExporterRequestObject) (genserver.DeleteOtelExporterResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range u.orgs {
		for i, e := range o.exporters {
			if e.id == req.OtelExporterID {
				o.exporters = append(o.exporters[:i:i], o.exporters[i+1:]...)
				return genserver.DeleteOtelExporter204Response{}, nil
			}
		}
	}
	return nil, server.NotFound("Exporter not found")
}
