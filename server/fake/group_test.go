package fake_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

func TestGroups_Lifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const base = "/organizations/" + demoOrgID + "/groups"
	var a, b gen.Group
	e.must(201, "POST", base, map[string]any{"name": "release managers", "description": "may deploy"}, &a)
	e.must(201, "POST", base, map[string]any{"name": "viewers"}, &b)
	if a.ID == nil || a.Name == nil || *a.Name != "release managers" || a.Description == nil || *a.Description != "may deploy" {
		t.Errorf("created %+v", a)
	}
	var got gen.Group
	e.must(200, "GET", base+"/"+a.ID.String(), nil, &got)
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("GET (-created +got):\n%s", diff)
	}
	// The list ignores limit and page-token and answers every group on one page.
	var raw map[string]any
	e.must(200, "GET", base+"?limit=1&page-token=whatever", nil, &raw)
	if items, _ := raw["items"].([]any); len(items) != 2 || raw["next_page_token"] != nil {
		t.Errorf("list = %v, want both groups and next_page_token null", raw)
	}
	if _, ok := raw["next_page_token"]; !ok {
		t.Error("the list has no next_page_token key")
	}
	var msg gen.MessageResponse
	e.must(200, "DELETE", base+"/"+a.ID.String(), nil, &msg)
	if msg.Message == "" {
		t.Error("delete answered no message")
	}
	// A group the organization does not have is a 403 on circleci.com.
	e.must(403, "GET", base+"/"+a.ID.String(), nil, nil)
	e.must(403, "DELETE", base+"/"+a.ID.String(), nil, nil)
	var list gen.GroupList
	e.must(200, "GET", base, nil, &list)
	if len(list.Items) != 1 || *list.Items[0].ID != *b.ID {
		t.Errorf("after the delete: %+v, want viewers only", list.Items)
	}
	e.must(404, "GET", "/organizations/00000000-0000-4000-8000-00000000ffff/groups", nil, nil)
}

func TestGroups_LimitAndBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const base = "/organizations/" + demoOrgID + "/groups"
	for _, body := range []map[string]any{{"name": "  "}, {"description": "no name"}, {"name": "x", "members": []string{"u"}}} {
		var m gen.Error
		if got := e.call(fake.DemoToken, "POST", base, body, &m); got != 400 || m.Message == "" {
			t.Errorf("POST %v: %d %q, want 400", body, got, m.Message)
		}
	}
	for i := range 100 {
		e.must(201, "POST", base, map[string]any{"name": fmt.Sprint("g", i)}, nil)
	}
	var m gen.Error
	if got := e.call(fake.DemoToken, "POST", base, map[string]any{"name": "one too many"}, &m); got != 409 || m.Message != "Exceeded max number of groups in org: 100." {
		t.Errorf("101st group: %d %q, want 409 with the limit", got, m.Message)
	}
	var list gen.GroupList
	e.must(200, "GET", base, nil, &list)
	if len(list.Items) != 100 || list.NextPageToken != nil {
		t.Errorf("%d groups on the page (token %v), want all 100 and no token", len(list.Items), list.NextPageToken)
	}
}

func TestProjectGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var a, b gen.Group
	e.must(201, "POST", "/organizations/"+demoOrgID+"/groups", map[string]any{"name": "a"}, &a)
	e.must(201, "POST", "/organizations/"+demoOrgID+"/groups", map[string]any{"name": "b"}, &b)
	pg := "/organizations/" + demoOrgID + "/projects/" + demoProjectID + "/groups"
	var list gen.ProjectGroupList
	e.must(200, "GET", pg, nil, &list)
	if list.Items == nil || len(list.Items) != 0 {
		t.Fatalf("no grants yet: %+v, want an empty items array", list)
	}
	e.must(200, "POST", pg, map[string]any{"role": "project-viewer", "group_ids": []string{a.ID.String(), b.ID.String()}}, nil)
	e.must(200, "POST", pg, map[string]any{"role": "project-contributor", "group_ids": []string{b.ID.String()}}, nil) // an upsert
	e.must(200, "POST", pg+"/"+a.ID.String()+"/update-role", map[string]any{"role": "project-admin"}, nil)
	e.must(200, "GET", pg, nil, &list)
	want := []gen.ProjectGroup{{ID: *a.ID, Name: "a", Role: "project-admin"}, {ID: *b.ID, Name: "b", Role: "project-contributor"}}
	if diff := cmp.Diff(want, list.Items); diff != "" {
		t.Errorf("project groups (-want +got):\n%s", diff)
	}

	bad := []struct {
		name, path string
		body       any
		want       int
		msg        string
	}{
		{"org role", pg, map[string]any{"role": "org-admin", "group_ids": []string{a.ID.String()}}, 400, "role"},
		{"no groups", pg, map[string]any{"role": "project-admin", "group_ids": []string{}}, 400, "group_ids"},
		{"unknown group", pg, map[string]any{"role": "project-admin", "group_ids": []string{a.ID.String(), "00000000-0000-4000-8000-00000000ffff"}}, 400, "00000000-0000-4000-8000-00000000ffff"},
		{"no role", pg, map[string]any{"group_ids": []string{a.ID.String()}}, 400, "role"},
		{"update to an org role", pg + "/" + a.ID.String() + "/update-role", map[string]any{"role": "org-viewer"}, 400, "role"},
		{"unknown project", "/organizations/" + demoOrgID + "/projects/00000000-0000-4000-8000-00000000ffff/groups", map[string]any{"role": "project-admin", "group_ids": []string{a.ID.String()}}, 404, "Project not found"},
	}
	for _, tt := range bad {
		var m gen.Error
		if got := e.call(fake.DemoToken, "POST", tt.path, tt.body, &m); got != tt.want || !strings.Contains(m.Message, tt.msg) {
			t.Errorf("%s: %d %q, want %d naming %q", tt.name, got, m.Message, tt.want, tt.msg)
		}
	}
	e.must(200, "GET", pg, nil, &list)
	if diff := cmp.Diff(want, list.Items); diff != "" {
		t.Errorf("rejected requests changed the grants (-want +got):\n%s", diff)
	}

	e.must(204, "DELETE", pg+"/"+a.ID.String(), nil, nil)
	e.must(404, "DELETE", pg+"/"+a.ID.String(), nil, nil)
	e.must(404, "POST", pg+"/"+a.ID.String()+"/update-role", map[string]any{"role": "project-viewer"}, nil)
	// Deleting a group takes its project roles with it.
	e.must(200, "DELETE", "/organizations/"+demoOrgID+"/groups/"+b.ID.String(), nil, nil)
	e.must(200, "GET", pg, nil, &list)
	if len(list.Items) != 0 {
		t.Errorf("after revoking a and deleting b: %+v", list.Items)
	}
}
