package fake

import (
	"context"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
)

// tenRules is a bundle of two policies with ten enabled rules between them, four of them hard, of
// the kinds CircleCI's documentation shows: images, resource classes, contexts, versions, orbs.
var tenRules = map[string]string{
	"images.rego": `package org

import future.keywords

policy_name["images"]

docker_images := {image |
	walk(input, [path, value])
	path[count(path) - 1] == "docker"
	image := value[_].image
}

official_images[image] = reason {
	some image in docker_images
	not startswith(image, "cimg/")
	reason := sprintf("%s is not an approved Docker image", [image])
}

no_latest[image] = reason {
	some image in docker_images
	endswith(image, ":latest")
	reason := sprintf("%s uses the latest tag", [image])
}

resource_classes[job] = reason {
	some job, def in input.jobs
	def.resource_class == "xlarge"
	reason := sprintf("job %s asks for an xlarge resource class", [job])
}

parallelism_cap[job] = reason {
	some job, def in input.jobs
	def.parallelism > 4
	reason := sprintf("job %s runs %d in parallel", [job, def.parallelism])
}

machine_jobs[job] = reason {
	some job, def in input.jobs
	def.machine
	reason := sprintf("job %s runs on a machine executor", [job])
}

enable_rule["official_images"]
enable_rule["no_latest"]
enable_rule["resource_classes"]
enable_rule["parallelism_cap"]
enable_rule["machine_jobs"]

hard_fail["official_images"]
hard_fail["resource_classes"]
`,
	"workflows.rego": `package org

import future.keywords

policy_name["workflows"]

check_version = reason {
	not input.version >= 2.1
	reason := "version must be at least 2.1"
}

has_workflows = reason {
	count(input.workflows) == 0
	reason := "config must contain at least one workflow"
}

deploy_context[wf] = reason {
	some wf, def in input.workflows
	some entry in def.jobs
	is_object(entry)
	some name, job in entry
	startswith(name, "deploy")
	not job.context
	reason := sprintf("workflow %s deploys without a context", [wf])
}

approval_before_deploy[wf] = reason {
	some wf, def in input.workflows
	count([e | some e in def.jobs; is_object(e); some _, j in e; j.type == "approval"]) == 0
	reason := sprintf("workflow %s has no approval job", [wf])
}

banned_orbs[orb] = reason {
	some orb, _ in input.orbs
	startswith(orb, "evilcorp/")
	reason := sprintf("orb %s is banned", [orb])
}

enable_rule["check_version"]
enable_rule["has_workflows"]
enable_rule["deploy_context"]
enable_rule["approval_before_deploy"]
enable_rule["banned_orbs"]

hard_fail["check_version"]
hard_fail["banned_orbs"]
`,
}

func policyCtx(t testing.TB) (*Server, context.Context, string) {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := WithToken(context.Background(), DemoToken)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s, ctx, s.st.orgsBySlug["gh/demo-org"].id.String()
}

// TestPolicy_CompiledOncePerPush checks that a bundle is compiled when it is pushed and never again:
// the decisions through the API and those of pipeline triggers all use the one compiled bundle.
func TestPolicy_CompiledOncePerPush(t *testing.T) {
	s, ctx, owner := policyCtx(t)
	if _, err := s.CreatePolicyBundle(ctx, genserver.CreatePolicyBundleRequestObject{OwnerID: owner, PolicyContext: "config",
		Body: &gen.BundlePayload{Policies: tenRules}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetDecisionSettings(ctx, genserver.SetDecisionSettingsRequestObject{OwnerID: owner, PolicyContext: "config",
		Body: &gen.DecisionSettings{Enabled: ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := s.MakeDecision(ctx, genserver.MakeDecisionRequestObject{OwnerID: owner, PolicyContext: "config",
			Body: &gen.MakeDecisionRequest{Input: DemoConfig}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TriggerPipeline(ctx, genserver.TriggerPipelineRequestObject{ProjectSlug: "gh/demo-org/demo-app"}); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	po := s.st.policyOwners[s.st.orgsBySlug["gh/demo-org"].id]
	if po.compiles != 1 || len(po.logs) != 10 {
		t.Fatalf("%d compiles and %d decisions, want 1 and 10", po.compiles, len(po.logs))
	}
	for _, l := range po.logs {
		if l.bundle != po.bundle || l.decision.Status != decisionSoftFail {
			t.Errorf("decision %s: %s with bundle %p, want SOFT_FAIL with the pushed bundle %p", l.id, l.decision.Status, l.bundle, po.bundle)
		}
	}
}

// benchDecide decides the demo config, parsed as MakeDecision parses it, with b.
func benchDecide(tb testing.TB, b *policyBundle) gen.Decision {
	input, err := yamlValue(DemoConfig)
	if err != nil {
		tb.Fatal(err)
	}
	return b.decide(context.Background(), input, ast.NewObject())
}

// BenchmarkPolicyDecision is one decision of the demo config with the ten-rule bundle, compiled
// once before the loop as a push does.
func BenchmarkPolicyDecision(b *testing.B) {
	bundle, err := compileBundle(context.Background(), tenRules, time.Now(), "bench", emptyBundle())
	if err != nil {
		b.Fatal(err)
	}
	if d := benchDecide(b, bundle); d.Status != decisionSoftFail || len(d.EnabledRules) != 10 {
		b.Fatalf("decision = %+v, want SOFT_FAIL with 10 rules", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchDecide(b, bundle)
	}
}

// BenchmarkPolicyDecision_CompileEach is BenchmarkPolicyDecision with the bundle compiled for every
// decision: what compiling once per push saves.
func BenchmarkPolicyDecision_CompileEach(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		bundle, err := compileBundle(context.Background(), tenRules, time.Now(), "bench", emptyBundle())
		if err != nil {
			b.Fatal(err)
		}
		benchDecide(b, bundle)
	}
}

// TestPolicy_ConcurrentDecisions decides from several goroutines while the bundle is replaced: each
// decision is made with one whole bundle, the one before a push or the one after, and the log holds
// every decision once (run with -race).
func TestPolicy_ConcurrentDecisions(t *testing.T) {
	s, ctx, owner := policyCtx(t)
	push := func(files map[string]string) {
		t.Helper()
		if _, err := s.CreatePolicyBundle(ctx, genserver.CreatePolicyBundleRequestObject{OwnerID: owner, PolicyContext: "config",
			Body: &gen.BundlePayload{Policies: files}}); err != nil {
			t.Error(err)
		}
	}
	push(tenRules)
	const workers, each = 4, 10
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for range each {
				r, err := s.MakeDecision(ctx, genserver.MakeDecisionRequestObject{OwnerID: owner, PolicyContext: "config",
					Body: &gen.MakeDecisionRequest{Input: DemoConfig}})
				if err != nil {
					t.Error(err)
					return
				}
				if d := gen.Decision(r.(genserver.MakeDecision200JSONResponse)); len(d.EnabledRules) != 10 && len(d.EnabledRules) != 5 {
					t.Errorf("decision with %d enabled rules, want the 10 of one bundle or the 5 of the other", len(d.EnabledRules))
				}
			}
		}()
	}
	for i := range 5 {
		if i%2 == 0 {
			push(map[string]string{"images.rego": tenRules["images.rego"]})
		} else {
			push(tenRules)
		}
	}
	for range workers {
		<-done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if po := s.st.policyOwners[s.st.orgsBySlug["gh/demo-org"].id]; len(po.logs) != workers*each || len(po.logsByID) != workers*each {
		t.Errorf("%d decisions logged (%d by ID), want %d", len(po.logs), len(po.logsByID), workers*each)
	}
}
