package client_test

import (
	"testing"

	"github.com/cikit/circleci-go/gen"
)

// TestClient_GetDecisionLogsIterAgainstFake walks 45 decision logs of the reference server, which
// pages them by offset 20 at a time, and gets every one once, newest first.
func TestClient_GetDecisionLogsIterAgainstFake(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := t.Context()
	collabs, err := c.GetCollaborations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	owner := collabs[0].ID.String()
	policy := "package org\n\npolicy_name[\"version\"]\n\nenable_rule[\"old\"]\n\nold = \"version below 2.1\" { input.version < 2.1 }\n"
	if _, err := c.CreatePolicyBundle(ctx, owner, "config", nil, gen.BundlePayload{Policies: map[string]string{"v.rego": policy}}); err != nil {
		t.Fatal(err)
	}
	const n = 45
	for i := range n {
		md := map[string]any{"build_number": i + 1}
		if _, err := c.MakeDecision(ctx, owner, "config", gen.MakeDecisionRequest{Input: "version: 2\n", Metadata: md}); err != nil {
			t.Fatal(err)
		}
	}
	want := n
	for l, err := range c.GetDecisionLogsIter(ctx, owner, "config", &gen.GetDecisionLogsParams{Status: new("SOFT_FAIL")}) {
		if err != nil {
			t.Fatal(err)
		}
		if *l.Metadata.BuildNumber != want {
			t.Fatalf("log of build %d, want %d", *l.Metadata.BuildNumber, want)
		}
		want--
	}
	if want != 0 {
		t.Errorf("walk ended before build %d", want)
	}
}
