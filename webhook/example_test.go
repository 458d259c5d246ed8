package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cikit/circleci-go/webhook"
)

// A receiver: NewHandler verifies each delivery with the webhook's signing secret and hands the
// decoded event to a function.
func ExampleNewHandler() {
	secret := "my-signing-secret"
	events := make(chan string, 1)
	h := webhook.NewHandler(secret, func(ctx context.Context, ev webhook.Event) error {
		switch e := ev.(type) {
		case *webhook.WorkflowCompleted:
			events <- fmt.Sprintf("workflow %s: %s", e.Workflow.Name, e.Workflow.Status)
		case *webhook.JobCompleted:
			events <- fmt.Sprintf("job %s: %s", e.Job.Name, e.Job.Status)
		}
		return nil
	}, webhook.WithTolerance(0))
	mux := http.NewServeMux()
	mux.Handle("POST /circleci", h)

	// What CircleCI sends:
	body := `{"id":"1","type":"job-completed","happened_at":"2026-05-04T12:00:00Z","job":{"name":"test","status":"success"}}`
	req := httptest.NewRequest("POST", "/circleci", strings.NewReader(body))
	req.Header.Set("Circleci-Event-Type", "job-completed")
	req.Header.Set("Circleci-Signature", webhook.Sign(secret, []byte(body)))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, <-events)
	// Output: 204 job test: success
}

// Verify checks a signature alone, for a receiver that reads the body itself.
func ExampleVerify() {
	body := []byte(`{"id":"1"}`)
	header := webhook.Sign("my-signing-secret", body) // "v1=<hex HMAC-SHA256>"
	fmt.Println(webhook.Verify("my-signing-secret", header, body))
	fmt.Println(webhook.Verify("my-signing-secret", header, []byte(`{"id":"2"}`)))
	// Output:
	// <nil>
	// webhook: signature does not match
}
