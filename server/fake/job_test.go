package fake_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

// TestJobDetails_Contexts checks that job details list the contexts the job's workflow entry names.
func TestJobDetails_Contexts(t *testing.T) {
	t.Parallel()
	seed := fake.DemoSeed()
	seed.Orgs[0].Projects = append(seed.Orgs[0].Projects, fake.SeedProject{Name: "ctx", Config: `version: 2.1
jobs:
  j:
    docker: [{image: cimg/base:current}]
    steps: [checkout]
workflows:
  w:
    jobs:
      - j: {name: none}
      - j: {name: one, context: deploy-secrets}
      - j: {name: two, context: [org-global, deploy-secrets]}
`})
	e := newEnv(t, fake.WithSeed(seed))
	var pc gen.PipelineCreation
	e.must(201, "POST", "/project/gh/demo-org/ctx/pipeline", nil, &pc)
	var wl gen.WorkflowList
	e.must(200, "GET", "/pipeline/"+pc.ID.String()+"/workflow", nil, &wl)
	jobs := jobsByName(e, wl.Items[0].ID.String())
	if err := e.fake.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		job  string
		want []gen.JobContext
	}{
		{"none", []gen.JobContext{}},
		{"one", []gen.JobContext{{Name: "deploy-secrets"}}},
		{"two", []gen.JobContext{{Name: "org-global"}, {Name: "deploy-secrets"}}},
	}
	for _, tt := range tests {
		t.Run(tt.job, func(t *testing.T) {
			t.Parallel()
			var jd gen.JobDetails
			e.must(200, "GET", fmt.Sprintf("/project/gh/demo-org/ctx/job/%d", *jobs[tt.job].JobNumber), nil, &jd)
			if diff := cmp.Diff(tt.want, jd.Contexts); diff != "" {
				t.Errorf("contexts (-want +got):\n%s", diff)
			}
		})
	}
}
