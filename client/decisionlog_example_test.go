package client_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server/fake"
)

func ExampleClient_GetDecisionLogsIter() {
	f, err := fake.New()
	if err != nil {
		log.Fatal(err)
	}
	h, err := f.Handler()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL+"/api/v2"), client.WithToken(fake.DemoToken))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	orgs, err := c.GetCollaborations(ctx)
	if err != nil {
		log.Fatal(err)
	}
	owner := orgs[0].ID.String()

	policy := "package org\n\npolicy_name[\"version\"]\n\nenable_rule[\"old\"]\n\nold = \"use version 2.1\" { input.version < 2.1 }\n"
	if _, err := c.CreatePolicyBundle(ctx, owner, "config", nil, gen.BundlePayload{Policies: map[string]string{"version.rego": policy}}); err != nil {
		log.Fatal(err)
	}
	for i, config := range []string{"version: 2.1\n", "version: 2\n"} {
		md := map[string]any{"build_number": i + 1}
		if _, err := c.MakeDecision(ctx, owner, "config", gen.MakeDecisionRequest{Input: config, Metadata: md}); err != nil {
			log.Fatal(err)
		}
	}
	// Newest first; the iterator asks for the next page by offset until a page is empty.
	for l, err := range c.GetDecisionLogsIter(ctx, owner, "config", nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*l.Metadata.BuildNumber, l.Decision.Status)
	}
	// Output:
	// 2 SOFT_FAIL
	// 1 PASS
}
