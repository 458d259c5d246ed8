package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/cikit/circleci-go/server/fake"
)

// TestRun_InsecureLoopbackWebhooks checks that -insecure-loopback-webhooks lets a webhook name a
// plain http loopback receiver, which is a 400 without it.
func TestRun_InsecureLoopbackWebhooks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, http.StatusBadRequest},
		{[]string{"-insecure-loopback-webhooks"}, http.StatusCreated},
	} {
		addr, stop := start(t, tc.args, nil)
		body, _ := json.Marshal(map[string]any{"name": "local", "events": []string{"job-completed"}, "url": "http://127.0.0.1:9/hook",
			"scope": map[string]any{"id": "6d2f8b4a-3e1c-4f9d-b7a2-5c8e1f3d6b9a", "type": "project"}})
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v2/webhook", bytes.NewReader(body))
		req.Header.Set("Circle-Token", fake.DemoToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%v: POST /webhook with an http loopback URL = %d, want %d", tc.args, res.StatusCode, tc.want)
		}
		if _, err := stop(); err != nil {
			t.Fatal(err)
		}
	}
}
