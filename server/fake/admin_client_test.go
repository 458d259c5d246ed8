package fake_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake/faketest"
)

// TestClient_Administration drives the administration tags with the typed client against
// faketest, whose handler validates every answer against the document: groups through the
// iterator, project groups, a usage export polled to completion, an exporter and claims.
func TestClient_Administration(t *testing.T) {
	t.Parallel()
	ts := faketest.NewServer(t)
	c, ctx := ts.Client, context.Background()

	org, err := c.CreateOrganization(ctx, gen.CreateOrganizationRequest{Name: "Platform", VCSType: gen.CreateOrganizationRequestVCSTypeCircleci})
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.CreateOrganizationGroup(ctx, org.ID, gen.CreateGroupRequest{Name: "deployers"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for grp, err := range c.GetOrganizationGroupsIter(ctx, org.ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, *grp.Name)
	}
	if len(names) != 1 || names[0] != "deployers" {
		t.Errorf("groups through the iterator: %v", names)
	}
	if _, err := c.AssignProjectGroups(ctx, demoOrgID, demoProjectID, gen.AssignProjectGroupsRequest{Role: gen.ProjectRoleProjectViewer, GroupIds: []uuid.UUID{*g.ID}}); !isStatus(err, 400) {
		t.Errorf("assigning another org's group: %v, want a 400", err)
	}

	now := ts.Fake.Now()
	job, err := c.CreateUsageExport(ctx, demoOrgID, gen.CreateUsageExportRequest{Start: now.Add(-time.Hour), End: now})
	if err != nil {
		t.Fatal(err)
	}
	if job.State != gen.UsageExportJobStateCreated || job.DownloadUrls != nil {
		t.Errorf("created job %+v", job)
	}
	if err := ts.Fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	st, err := c.GetUsageExport(ctx, demoOrgID, job.UsageExportJobID)
	if err != nil || st.State != gen.UsageExportJobStatusStateCompleted || st.DownloadUrls != nil {
		t.Errorf("status after a minute: %+v, %v; want completed without URLs (nothing ran)", st, err)
	}
	if _, err := c.GetUsageExport(ctx, demoOrgID, uuid.New()); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("unknown export: %v, want ErrNotFound", err)
	}

	if _, err := c.CreateOtelExporter(ctx, gen.CreateOTelExporterRequest{OrgID: uuid.MustParse(demoOrgID), Endpoint: "otel.example.com:4317", Protocol: gen.CreateOTelExporterRequestProtocolGrpc, Headers: map[string]string{"x-key": "secret"}}); err != nil {
		t.Fatal(err)
	}
	exporters, err := c.ListOtelExporters(ctx, &gen.ListOtelExportersParams{OrgID: uuid.MustParse(demoOrgID)})
	if err != nil || len(exporters) != 1 || exporters[0].Headers["x-key"] != "xxxx" {
		t.Errorf("exporters %+v, %v", exporters, err)
	}
	ttl := "45m"
	claims, err := c.PatchOrgClaims(ctx, uuid.MustParse(demoOrgID), gen.PatchOIDCClaimsRequest{TTL: &ttl})
	if err != nil || claims.TTL == nil || *claims.TTL != "45m0s" {
		t.Errorf("claims %+v, %v", claims, err)
	}
}

func isStatus(err error, status int) bool {
	var ae *client.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}
