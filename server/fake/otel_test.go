package fake_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

func TestOTelExporters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const list = "/otel/exporters?org-id=" + demoOrgID
	var got []gen.OTelExporter
	e.must(200, "GET", list, nil, &got)
	if len(got) != 0 {
		t.Fatalf("new org's exporters = %+v", got)
	}
	var raw map[string]any
	e.must(201, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "otel.example.com:4317", "protocol": "grpc",
		"headers": map[string]string{"x-api-key": "s3cr3t", "x-team": "ci"}}, &raw)
	if diff := cmp.Diff(map[string]any{"x-api-key": "xxxx", "x-team": "xxxx"}, raw["headers"]); diff != "" {
		t.Errorf("create answer's headers (-want +got):\n%s", diff)
	}
	if _, ok := raw["issues"]; ok {
		t.Errorf("create answer has issues: %v", raw)
	}
	var plain map[string]any
	e.must(201, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "https://collector.example.com/v1/traces", "protocol": "http", "insecure": false}, &plain)
	if _, ok := plain["headers"]; ok {
		t.Errorf("an exporter without headers shows them: %v", plain)
	}
	e.must(200, "GET", list, nil, &got)
	if len(got) != 2 || got[0].Headers["x-api-key"] != "xxxx" || *got[1].Endpoint != "https://collector.example.com/v1/traces" || got[0].OrgID.String() != demoOrgID {
		t.Errorf("exporters = %+v", got)
	}

	bad := []struct {
		name string
		body map[string]any
		want string
	}{
		{"no port", map[string]any{"endpoint": "otel.example.com", "protocol": "grpc"}, "host:port"},
		{"port out of range", map[string]any{"endpoint": "otel.example.com:70000", "protocol": "grpc"}, "host:port"},
		{"grpc scheme", map[string]any{"endpoint": "grpc://otel.example.com:4317", "protocol": "grpc"}, "host:port"},
		{"URL with grpc", map[string]any{"endpoint": "https://otel.example.com", "protocol": "grpc"}, "protocol must be 'http'"},
		{"loopback", map[string]any{"endpoint": "127.0.0.1:4317", "protocol": "grpc"}, "Invalid endpoint hostname."},
		{"localhost", map[string]any{"endpoint": "http://localhost:4318", "protocol": "http"}, "Invalid endpoint hostname."},
		{"private", map[string]any{"endpoint": "10.1.2.3:4317", "protocol": "grpc"}, "Invalid endpoint hostname."},
		{"reserved header", map[string]any{"endpoint": "otel.example.com:4317", "protocol": "grpc", "headers": map[string]string{"grpc-timeout": "1s"}}, "Header name is reserved."},
		{"managed header", map[string]any{"endpoint": "otel.example.com:4317", "protocol": "grpc", "headers": map[string]string{"Content-Type": "x"}}, "Header name is reserved."},
		{"too many headers", map[string]any{"endpoint": "otel.example.com:4317", "protocol": "grpc", "headers": map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}}, "Too many headers provided."},
		{"unknown protocol", map[string]any{"endpoint": "otel.example.com:4317", "protocol": "udp"}, "protocol"},
		{"no endpoint", map[string]any{"protocol": "grpc"}, "endpoint"},
	}
	for _, tt := range bad {
		tt.body["org_id"] = demoOrgID
		var m gen.Error
		if got := e.call(fake.DemoToken, "POST", "/otel/exporters", tt.body, &m); got != 400 || !strings.Contains(m.Message, tt.want) {
			t.Errorf("%s: %d %q, want 400 with %q", tt.name, got, m.Message, tt.want)
		}
	}
	var m gen.Error
	if got := e.call(fake.DemoToken, "POST", "/otel/exporters", map[string]any{"org_id": "00000000-0000-4000-8000-00000000ffff", "endpoint": "otel.example.com:4317", "protocol": "grpc"}, &m); got != 404 || m.Message != "Org not found" {
		t.Errorf("unknown org: %d %q, want 404 Org not found", got, m.Message)
	}

	// At most five; the sixth is the 422 circleci.com answers.
	for i := range 3 {
		e.must(201, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": fmt.Sprintf("otel%d.example.com:4317", i), "protocol": "grpc"}, nil)
	}
	if got := e.call(fake.DemoToken, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "otel9.example.com:4317", "protocol": "grpc"}, &m); got != 422 || m.Message != "Internal server error." {
		t.Errorf("sixth exporter: %d %q, want 422", got, m.Message)
	}
	e.must(200, "GET", list, nil, &got)
	if len(got) != 5 {
		t.Fatalf("%d exporters, want 5", len(got))
	}
	e.must(204, "DELETE", "/otel/exporters/"+got[0].ID.String(), nil, nil)
	e.must(404, "DELETE", "/otel/exporters/"+got[0].ID.String(), nil, nil)
	e.must(200, "GET", list, nil, &got)
	if len(got) != 4 {
		t.Errorf("%d exporters after a delete, want 4", len(got))
	}
}
