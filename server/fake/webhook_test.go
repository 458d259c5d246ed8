package fake_test

import (
	"strings"
	"testing"

	"github.com/cikit/circleci-go/gen"
)

const demoProjectUUID = "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a"

// TestWebhook_KeySpellings pins the live asymmetry: requests spell verify-tls and signing-secret with a
// hyphen, responses verify_tls and signing_secret ("****", or absent without a secret), and the
// snake_case spellings in a request, which CircleCI silently drops, are a 400 naming the key that
// changes nothing.
func TestWebhook_KeySpellings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	scope := map[string]any{"id": demoProjectUUID, "type": "project"}
	base := func(extra map[string]any) map[string]any {
		b := map[string]any{"name": "w", "events": []string{"job-completed"}, "url": "https://hooks.example/ci", "scope": scope}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	var signed, unsigned gen.Webhook
	e.must(201, "POST", "/webhook", base(map[string]any{"verify-tls": true, "signing-secret": "s3cr3t"}), &signed)
	if signed.SigningSecret == nil || *signed.SigningSecret != "****" || !signed.VerifyTLS {
		t.Errorf("created with hyphenated keys: signing_secret %v, verify_tls %v; want ****, true", signed.SigningSecret, signed.VerifyTLS)
	}
	var raw map[string]any
	e.must(201, "POST", "/webhook", base(nil), &raw)
	if _, ok := raw["signing_secret"]; ok || raw["verify_tls"] != false {
		t.Errorf("created without secret or verify-tls: %v; want no signing_secret key and verify_tls false", raw)
	}
	e.must(200, "GET", "/webhook/"+raw["id"].(string), nil, &unsigned)
	if unsigned.SigningSecret != nil {
		t.Errorf("a webhook without a secret reads back with signing_secret %q", *unsigned.SigningSecret)
	}

	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
		key                string
	}{
		{"create signing_secret", "POST", "/webhook", base(map[string]any{"signing_secret": "s3cr3t"}), "signing_secret"},
		{"create verify_tls", "POST", "/webhook", base(map[string]any{"verify_tls": true}), "verify_tls"},
		{"update signing_secret", "PUT", "/webhook/" + signed.ID.String(), map[string]any{"signing_secret": ""}, "signing_secret"},
		{"update verify_tls", "PUT", "/webhook/" + signed.ID.String(), map[string]any{"name": "x", "verify_tls": false}, "verify_tls"},
	} {
		var msg struct{ Message string }
		e.must(400, tc.method, tc.path, tc.body, &msg)
		if !strings.Contains(msg.Message, tc.key) || !strings.Contains(msg.Message, strings.ReplaceAll(tc.key, "_", "-")) {
			t.Errorf("%s: message %q names neither %s nor its hyphenated spelling", tc.name, msg.Message, tc.key)
		}
	}
	var list gen.WebhookList
	e.must(200, "GET", "/webhook?scope-type=project&scope-id="+demoProjectUUID, nil, &list)
	if len(list.Items) != 2 {
		t.Fatalf("%d webhooks after the refused requests, want 2", len(list.Items))
	}
	var after gen.Webhook
	e.must(200, "GET", "/webhook/"+signed.ID.String(), nil, &after)
	if after.Name != "w" || !after.VerifyTLS || after.SigningSecret == nil {
		t.Errorf("a refused update changed the webhook: %+v", after)
	}
	var cleared gen.Webhook
	e.must(200, "PUT", "/webhook/"+signed.ID.String(), map[string]any{"signing-secret": "", "verify-tls": false}, &cleared)
	if cleared.SigningSecret != nil || cleared.VerifyTLS {
		t.Errorf("after clearing with hyphenated keys: signing_secret %v, verify_tls %v; want absent, false", cleared.SigningSecret, cleared.VerifyTLS)
	}
}
