package fake_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

const (
	demoOrgID     = "3b8d6f1a-9c2e-4d7b-a5f3-2e6c8b1d4f9a" // gh/demo-org in the demo seed
	demoProjectID = "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a" // gh/demo-org/demo-app
)

// administrationConformance drives every operation of the Organization, Groups, Usage, OTel and
// OIDC Token Management tags once through e, for TestConformance.
func administrationConformance(t *testing.T, e *env) {
	t.Helper()
	var o gen.Organization
	e.must(201, "POST", "/organization", map[string]any{"name": "scratch-org", "vcs_type": "circleci"}, &o)
	e.must(200, "GET", "/organization/"+o.ID, nil, nil)
	e.must(202, "DELETE", "/organization/"+o.ID, nil, nil)

	var entry gen.URLOrbAllowListEntry
	e.must(200, "POST", "/organization/gh%2Fdemo-org/url-orb-allow-list", map[string]any{"name": "public orbs", "prefix": "https://orbs.example/public/", "auth": "none"}, &entry)
	e.must(200, "GET", "/organization/gh%2Fdemo-org/url-orb-allow-list", nil, nil)
	e.must(200, "DELETE", "/organization/gh%2Fdemo-org/url-orb-allow-list/"+entry.ID, nil, nil)

	var g gen.Group
	e.must(201, "POST", "/organizations/"+demoOrgID+"/groups", map[string]any{"name": "release managers"}, &g)
	e.must(200, "GET", "/organizations/"+demoOrgID+"/groups", nil, nil)
	e.must(200, "GET", "/organizations/"+demoOrgID+"/groups/"+g.ID.String(), nil, nil)
	pg := "/organizations/" + demoOrgID + "/projects/" + demoProjectID + "/groups"
	e.must(200, "POST", pg, map[string]any{"role": "project-viewer", "group_ids": []string{g.ID.String()}}, nil)
	e.must(200, "GET", pg, nil, nil)
	e.must(200, "POST", pg+"/"+g.ID.String()+"/update-role", map[string]any{"role": "project-admin"}, nil)
	e.must(204, "DELETE", pg+"/"+g.ID.String(), nil, nil)
	e.must(200, "DELETE", "/organizations/"+demoOrgID+"/groups/"+g.ID.String(), nil, nil)

	now := e.fake.Now()
	var x gen.UsageExportJob
	e.must(201, "POST", "/organizations/"+demoOrgID+"/usage_export_job", map[string]any{"start": now.Add(-24 * 3600e9), "end": now}, &x)
	e.must(200, "GET", "/organizations/"+demoOrgID+"/usage_export_job/"+x.UsageExportJobID.String(), nil, nil)

	var ex gen.OTelExporter
	e.must(201, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "otel.example.com:4317", "protocol": "grpc"}, &ex)
	e.must(200, "GET", "/otel/exporters?org-id="+demoOrgID, nil, nil)
	e.must(204, "DELETE", "/otel/exporters/"+ex.ID.String(), nil, nil)

	for _, base := range []string{"/org/" + demoOrgID, "/org/" + demoOrgID + "/project/" + demoProjectID} {
		e.must(200, "PATCH", base+"/oidc-custom-claims", map[string]any{"ttl": "1h"}, nil)
		e.must(200, "GET", base+"/oidc-custom-claims", nil, nil)
		e.must(200, "DELETE", base+"/oidc-custom-claims?claims=ttl", nil, nil)
	}
}

func TestOrganization_CreateAndCollaborations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var o gen.Organization
	e.must(201, "POST", "/organization", map[string]any{"name": "Platform Team", "vcs_type": "circleci"}, &o)
	if o.VCSType != "circleci" || o.Slug != "circleci/"+o.ID || o.Name != "Platform Team" {
		t.Errorf("created %+v, want a circleci org named Platform Team with slug circleci/<id>", o)
	}
	var collabs []gen.Collaboration
	e.must(200, "GET", "/me/collaborations", nil, &collabs)
	i := slices.IndexFunc(collabs, func(c gen.Collaboration) bool { return c.Slug == o.Slug })
	if i < 0 || collabs[i].ID == nil || collabs[i].ID.String() != o.ID || collabs[i].VCSType != "circleci" {
		t.Fatalf("collaborations %+v do not hold the new org %s", collabs, o.Slug)
	}
	for _, key := range []string{o.ID, o.Slug, strings.ReplaceAll(o.Slug, "/", "%2F")} {
		var got gen.Organization
		e.must(200, "GET", "/organization/"+key, nil, &got)
		if diff := cmp.Diff(o, got); diff != "" {
			t.Errorf("GET /organization/%s (-created +got):\n%s", key, diff)
		}
	}
	// The new organization is the creator's to administer: its groups, allow-list and claims work.
	e.must(201, "POST", "/organizations/"+o.ID+"/groups", map[string]any{"name": "admins"}, nil)
	e.must(200, "PATCH", "/org/"+o.ID+"/oidc-custom-claims", map[string]any{"audience": []string{"sts.example"}}, nil)
	// Nobody else sees it.
	var msg gen.Error
	if got := e.call("other-token", "GET", "/organization/"+o.ID, nil, &msg); got != 404 || msg.Message != "Org not found." {
		t.Errorf("another user's GET: %d %q, want 404 Org not found.", got, msg.Message)
	}
}

func TestOrganization_VCSFindOrCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var o gen.Organization
	e.must(201, "POST", "/organization", map[string]any{"name": "demo-org", "vcs_type": "github"}, &o)
	if o.ID != demoOrgID || o.Slug != "gh/demo-org" {
		t.Errorf("adding the caller's own gh/demo-org answered %+v, want the existing org %s", o, demoOrgID)
	}
	var fresh gen.Organization
	e.must(201, "POST", "/organization", map[string]any{"name": "new-team", "vcs_type": "bitbucket"}, &fresh)
	if fresh.Slug != "bb/new-team" || fresh.VCSType != "bitbucket" {
		t.Errorf("new bitbucket org = %+v", fresh)
	}
	e.must(200, "GET", "/organization/bb%2Fnew-team", nil, nil)
	var msg gen.Error
	if got := e.call(fake.DemoToken, "POST", "/organization", map[string]any{"name": "other-org", "vcs_type": "github"}, &msg); got != 403 || msg.Message == "" {
		t.Errorf("adding someone else's gh/other-org: %d %q, want 403", got, msg.Message)
	}
}

func TestOrganization_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var before []gen.Collaboration
	e.must(200, "GET", "/me/collaborations", nil, &before)
	tests := []struct {
		name string
		body any
		want string
	}{
		{"no name", map[string]any{"name": " ", "vcs_type": "circleci"}, "name is required"},
		{"abbreviated vcs type", map[string]any{"name": "x", "vcs_type": "gh"}, "vcs_type"},
		{"no vcs type", map[string]any{"name": "x"}, "vcs_type"},
		{"bad github name", map[string]any{"name": "a/b", "vcs_type": "github"}, "not a valid github organization name"},
	}
	for _, tt := range tests {
		var msg gen.Error
		if got := e.call(fake.DemoToken, "POST", "/organization", tt.body, &msg); got != 400 || !strings.Contains(msg.Message, tt.want) {
			t.Errorf("%s: %d %q, want 400 naming %q", tt.name, got, msg.Message, tt.want)
		}
	}
	var after []gen.Collaboration
	e.must(200, "GET", "/me/collaborations", nil, &after)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("rejected creates changed the collaborations:\n%s", diff)
	}
}

// TestOrganization_DeleteRemovesEverything deletes gh/demo-org and checks that its projects,
// pipelines, contexts, webhooks, groups and claims are 404s afterwards and that it left the
// collaborations, while the demo user's other organization stays.
func TestOrganization_DeleteRemovesEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var c gen.Context
	e.must(200, "POST", "/context", map[string]any{"name": "doomed", "owner": map[string]any{"slug": "gh/demo-org"}}, &c)
	var wh gen.Webhook
	e.must(201, "POST", "/webhook", map[string]any{"name": "w", "events": []string{"job-completed"}, "url": "https://hooks.example/ci", "verify-tls": true, "signing-secret": "s3cr3t", "scope": map[string]any{"id": demoProjectID, "type": "project"}}, &wh)
	var pc gen.PipelineCreation
	e.must(201, "POST", demo+"/pipeline", nil, &pc)
	var g gen.Group
	e.must(201, "POST", "/organizations/"+demoOrgID+"/groups", map[string]any{"name": "g"}, &g)

	var msg gen.MessageResponse
	e.must(202, "DELETE", "/organization/gh%2Fdemo-org", nil, &msg)
	if msg.Message == "" {
		t.Error("202 without a message")
	}
	for _, path := range []string{
		"/organization/" + demoOrgID,
		"/project/gh/demo-org/demo-app",
		"/pipeline/" + pc.ID.String(),
		"/context/" + c.ID.String(),
		"/webhook/" + wh.ID.String(),
		"/organizations/" + demoOrgID + "/groups",
		"/organizations/" + demoOrgID + "/groups/" + g.ID.String(),
		"/org/" + demoOrgID + "/oidc-custom-claims",
		"/otel/exporters?org-id=" + demoOrgID,
	} {
		if got := e.call(fake.DemoToken, "GET", path, nil, nil); got != 404 {
			t.Errorf("GET %s after the delete: %d, want 404", path, got)
		}
	}
	var collabs []gen.Collaboration
	e.must(200, "GET", "/me/collaborations", nil, &collabs)
	if len(collabs) != 1 || collabs[0].VCSType != "circleci" {
		t.Errorf("collaborations after the delete = %+v, want the standalone org only", collabs)
	}
	e.must(404, "DELETE", "/organization/gh%2Fdemo-org", nil, nil)
}

func TestURLOrbAllowList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const base = "/organization/gh%2Fdemo-org/url-orb-allow-list"
	var list gen.URLOrbAllowList
	e.must(200, "GET", base, nil, &list)
	if list.Items == nil || len(list.Items) != 0 {
		t.Fatalf("new allow-list = %+v, want an empty items array", list)
	}
	var a, b gen.URLOrbAllowListEntry
	e.must(200, "POST", base, map[string]any{"name": "CircleCI public", "prefix": "https://raw.githubusercontent.com/CircleCI-Public/", "auth": "none"}, &a)
	e.must(200, "POST", "/organization/"+demoOrgID+"/url-orb-allow-list", map[string]any{"name": "internal", "prefix": "https://git.example/orbs/", "auth": "github-app"}, &b)
	if a.ID == "" || a.Message == "" || a.ID == b.ID {
		t.Errorf("create answers %+v, %+v: want distinct ids with a message", a, b)
	}
	e.must(200, "GET", base, nil, &list)
	want := []gen.URLOrbAllowListItem{
		{ID: a.ID, Name: "CircleCI public", Prefix: "https://raw.githubusercontent.com/CircleCI-Public/", Auth: "none"},
		{ID: b.ID, Name: "internal", Prefix: "https://git.example/orbs/", Auth: "github-app"},
	}
	if diff := cmp.Diff(want, list.Items); diff != "" {
		t.Errorf("allow-list (-want +got):\n%s", diff)
	}

	bad := []struct {
		name string
		body map[string]any
		want string
	}{
		{"http prefix", map[string]any{"name": "n", "prefix": "http://orbs.example/", "auth": "none"}, "prefix"},
		{"relative prefix", map[string]any{"name": "n", "prefix": "orbs.example/", "auth": "none"}, "prefix"},
		{"unknown auth", map[string]any{"name": "n", "prefix": "https://orbs.example/", "auth": "token"}, "auth"},
		{"no name", map[string]any{"name": "", "prefix": "https://orbs.example/", "auth": "none"}, "name"},
		{"no prefix", map[string]any{"name": "n", "auth": "none"}, "prefix"},
	}
	for _, tt := range bad {
		var msg gen.Error
		if got := e.call(fake.DemoToken, "POST", base, tt.body, &msg); got != 400 || !strings.Contains(msg.Message, tt.want) {
			t.Errorf("%s: %d %q, want 400 naming %s", tt.name, got, msg.Message, tt.want)
		}
	}

	var removed gen.URLOrbAllowListEntry
	e.must(200, "DELETE", base+"/"+a.ID, nil, &removed)
	if removed.ID != a.ID {
		t.Errorf("removed %+v, want id %s", removed, a.ID)
	}
	e.must(200, "DELETE", base+"/"+a.ID, nil, nil) // gone already: 200 all the same, as on circleci.com
	e.must(200, "GET", base, nil, &list)
	if diff := cmp.Diff(want[1:], list.Items); diff != "" {
		t.Errorf("allow-list after the delete and the rejected creates (-want +got):\n%s", diff)
	}
	e.must(404, "GET", "/organization/gh%2Fno-such-org/url-orb-allow-list", nil, nil)
	e.must(404, "DELETE", "/organization/gh%2Fno-such-org/url-orb-allow-list/"+b.ID, nil, nil)
}

// TestAdministration_CrossOrg checks that a token of one organization gets 404 on another's
// organization, allow-list, groups, project groups, usage exports, OTel exporters and OIDC claims,
// and that what it tried changed nothing.
func TestAdministration_CrossOrg(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var entry gen.URLOrbAllowListEntry
	e.must(200, "POST", "/organization/gh%2Fdemo-org/url-orb-allow-list", map[string]any{"name": "n", "prefix": "https://orbs.example/", "auth": "none"}, &entry)
	var g gen.Group
	e.must(201, "POST", "/organizations/"+demoOrgID+"/groups", map[string]any{"name": "g"}, &g)
	now := e.fake.Now()
	var x gen.UsageExportJob
	e.must(201, "POST", "/organizations/"+demoOrgID+"/usage_export_job", map[string]any{"start": now.Add(-3600e9), "end": now}, &x)
	var ex gen.OTelExporter
	e.must(201, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "otel.example.com:4317", "protocol": "grpc"}, &ex)
	e.must(200, "PATCH", "/org/"+demoOrgID+"/oidc-custom-claims", map[string]any{"ttl": "30m"}, nil)

	pg := "/organizations/" + demoOrgID + "/projects/" + demoProjectID + "/groups"
	calls := []struct {
		method, path string
		body         any
	}{
		{"GET", "/organization/" + demoOrgID, nil},
		{"DELETE", "/organization/gh%2Fdemo-org", nil},
		{"GET", "/organization/gh%2Fdemo-org/url-orb-allow-list", nil},
		{"POST", "/organization/gh%2Fdemo-org/url-orb-allow-list", map[string]any{"name": "n", "prefix": "https://evil.example/", "auth": "none"}},
		{"DELETE", "/organization/gh%2Fdemo-org/url-orb-allow-list/" + entry.ID, nil},
		{"GET", "/organizations/" + demoOrgID + "/groups", nil},
		{"POST", "/organizations/" + demoOrgID + "/groups", map[string]any{"name": "intruders"}},
		{"GET", "/organizations/" + demoOrgID + "/groups/" + g.ID.String(), nil},
		{"DELETE", "/organizations/" + demoOrgID + "/groups/" + g.ID.String(), nil},
		{"GET", pg, nil},
		{"POST", pg, map[string]any{"role": "project-admin", "group_ids": []string{g.ID.String()}}},
		{"POST", pg + "/" + g.ID.String() + "/update-role", map[string]any{"role": "project-admin"}},
		{"DELETE", pg + "/" + g.ID.String(), nil},
		{"POST", "/organizations/" + demoOrgID + "/usage_export_job", map[string]any{"start": now.Add(-3600e9), "end": now}},
		{"GET", "/organizations/" + demoOrgID + "/usage_export_job/" + x.UsageExportJobID.String(), nil},
		{"GET", "/otel/exporters?org-id=" + demoOrgID, nil},
		{"POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "evil.example.com:4317", "protocol": "grpc"}},
		{"DELETE", "/otel/exporters/" + ex.ID.String(), nil},
		{"GET", "/org/" + demoOrgID + "/oidc-custom-claims", nil},
		{"PATCH", "/org/" + demoOrgID + "/oidc-custom-claims", map[string]any{"ttl": "5h"}},
		{"DELETE", "/org/" + demoOrgID + "/oidc-custom-claims?claims=ttl", nil},
		{"GET", "/org/" + demoOrgID + "/project/" + demoProjectID + "/oidc-custom-claims", nil},
		{"PATCH", "/org/" + demoOrgID + "/project/" + demoProjectID + "/oidc-custom-claims", map[string]any{"ttl": "5h"}},
		{"DELETE", "/org/" + demoOrgID + "/project/" + demoProjectID + "/oidc-custom-claims?claims=ttl", nil},
	}
	for _, c := range calls {
		if got := e.call("other-token", c.method, c.path, c.body, nil); got != 404 {
			t.Errorf("other-org token: %s %s = %d, want 404", c.method, c.path, got)
		}
	}

	// The demo org's administration is as it was.
	var list gen.URLOrbAllowList
	e.must(200, "GET", "/organization/gh%2Fdemo-org/url-orb-allow-list", nil, &list)
	var groups gen.GroupList
	e.must(200, "GET", "/organizations/"+demoOrgID+"/groups", nil, &groups)
	var exporters []gen.OTelExporter
	e.must(200, "GET", "/otel/exporters?org-id="+demoOrgID, nil, &exporters)
	var claims gen.OIDCClaims
	e.must(200, "GET", "/org/"+demoOrgID+"/oidc-custom-claims", nil, &claims)
	var grants gen.ProjectGroupList
	e.must(200, "GET", pg, nil, &grants)
	if len(list.Items) != 1 || len(groups.Items) != 1 || len(exporters) != 1 || claims.TTL == nil || *claims.TTL != "30m0s" || len(grants.Items) != 0 {
		t.Errorf("after the other org's attempts: allow-list %+v, groups %+v, exporters %+v, claims %+v, project groups %+v", list, groups, exporters, claims, grants)
	}
}

// TestReset_Administration checks that Server.Reset forgets created organizations and every
// organization's administration.
func TestReset_Administration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var o gen.Organization
	e.must(201, "POST", "/organization", map[string]any{"name": "temp", "vcs_type": "circleci"}, &o)
	e.must(201, "POST", "/organizations/"+demoOrgID+"/groups", map[string]any{"name": "g"}, nil)
	e.must(200, "POST", "/organization/gh%2Fdemo-org/url-orb-allow-list", map[string]any{"name": "n", "prefix": "https://orbs.example/", "auth": "none"}, nil)
	e.must(201, "POST", "/otel/exporters", map[string]any{"org_id": demoOrgID, "endpoint": "otel.example.com:4317", "protocol": "grpc"}, nil)
	e.must(200, "PATCH", "/org/"+demoOrgID+"/oidc-custom-claims", map[string]any{"ttl": "2h"}, nil)
	if err := e.fake.Reset(); err != nil {
		t.Fatal(err)
	}
	e.must(404, "GET", "/organization/"+o.ID, nil, nil)
	var collabs []gen.Collaboration
	e.must(200, "GET", "/me/collaborations", nil, &collabs)
	var groups gen.GroupList
	e.must(200, "GET", "/organizations/"+demoOrgID+"/groups", nil, &groups)
	var list gen.URLOrbAllowList
	e.must(200, "GET", "/organization/gh%2Fdemo-org/url-orb-allow-list", nil, &list)
	var exporters []gen.OTelExporter
	e.must(200, "GET", "/otel/exporters?org-id="+demoOrgID, nil, &exporters)
	var claims map[string]any
	e.must(200, "GET", "/org/"+demoOrgID+"/oidc-custom-claims", nil, &claims)
	if len(collabs) != 2 || len(groups.Items) != 0 || len(list.Items) != 0 || len(exporters) != 0 || len(claims) != 1 {
		t.Errorf("after Reset: collaborations %+v, groups %+v, allow-list %+v, exporters %+v, claims %v", collabs, groups, list, exporters, claims)
	}
}
