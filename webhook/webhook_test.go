package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cikit/circleci-go/webhook"
)

var happened = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return happened.Add(time.Minute) }

const jobBody = `{"id":"ev-1","type":"job-completed","happened_at":"2026-05-04T12:00:00Z",` +
	`"webhook":{"id":"wh","name":"n"},"project":{"id":"p","name":"app","slug":"gh/o/app"},` +
	`"organization":{"id":"o","name":"o"},"pipeline":{"id":"pl","number":7,"created_at":"2026-05-04T11:59:00Z","trigger":{"type":"api"}},` +
	`"workflow":{"id":"wf","name":"build","status":"running","created_at":"2026-05-04T11:59:00Z","url":"u"},` +
	`"job":{"id":"j","name":"test","number":3,"status":"success"},"later_field":true}`

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"a":1}`)
	good := webhook.Sign("s3cr3t", body)
	for _, tc := range []struct {
		name, secret, header string
		body                 []byte
		want                 error
	}{
		{"good", "s3cr3t", good, body, nil},
		{"upper-case hex", "s3cr3t", "v1=" + strings.ToUpper(good[3:]), body, nil},
		{"among versions", "s3cr3t", "v0=abc, " + good + ",v2=zzz", body, nil},
		{"wrong secret", "other", good, body, webhook.ErrBadSignature},
		{"tampered body", "s3cr3t", good, []byte(`{"a":2}`), webhook.ErrBadSignature},
		{"bad among several", "s3cr3t", "v1=00,v1=11", body, webhook.ErrBadSignature},
		{"no header", "s3cr3t", "", body, webhook.ErrNoSignature},
		{"other version only", "s3cr3t", "v2=" + good[3:], body, webhook.ErrNoSignature},
		{"empty secret", "", good, body, webhook.ErrNoSignature},
	} {
		err := webhook.Verify(tc.secret, tc.header, tc.body)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: Verify = %v, want %v", tc.name, err, tc.want)
		}
		var we *webhook.Error
		if err != nil && !errors.As(err, &we) {
			t.Errorf("%s: %T is not a *webhook.Error", tc.name, err)
		}
	}
}

func headers(secret, typ string, body []byte) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderSignature, webhook.Sign(secret, body))
	if typ != "" {
		h.Set(webhook.HeaderEventType, typ)
	}
	return h
}

func TestParse(t *testing.T) {
	t.Parallel()
	clock := webhook.WithClock(fixedClock)
	ev, err := webhook.Parse("k", headers("k", "job-completed", []byte(jobBody)), []byte(jobBody), clock)
	if err != nil {
		t.Fatal(err)
	}
	jc, ok := ev.(*webhook.JobCompleted)
	if !ok || jc.ID != "ev-1" || jc.Job.Number != 3 || jc.Workflow.Name != "build" || jc.Pipeline.Trigger.Type != "api" || jc.Project.Slug != "gh/o/app" {
		t.Errorf("Parse = %#v", ev)
	}
	wf := strings.Replace(jobBody, `"type":"job-completed"`, `"type":"workflow-completed"`, 1)
	for _, tc := range []struct {
		name, typ, body string
		opts            []webhook.Option
		want            error
	}{
		{"workflow", "workflow-completed", wf, []webhook.Option{clock}, nil},
		{"no type header", "", wf, []webhook.Option{clock}, nil},
		{"stale", "job-completed", jobBody, []webhook.Option{webhook.WithClock(func() time.Time { return happened.Add(2 * time.Hour) })}, webhook.ErrStale},
		{"any age", "job-completed", jobBody, []webhook.Option{webhook.WithTolerance(0)}, nil},
		{"type disagrees", "workflow-completed", jobBody, []webhook.Option{clock}, webhook.ErrMalformed},
		{"unknown type", "", `{"id":"x","type":"ping","happened_at":"2026-05-04T12:00:00Z"}`, []webhook.Option{clock}, webhook.ErrMalformed},
		{"not JSON", "", `<html>`, []webhook.Option{clock}, webhook.ErrMalformed},
		{"no id", "", `{"type":"job-completed","happened_at":"2026-05-04T12:00:00Z"}`, []webhook.Option{clock}, webhook.ErrMalformed},
		{"bad field type", "", strings.Replace(jobBody, `"number":3`, `"number":"3"`, 1), []webhook.Option{clock}, webhook.ErrMalformed},
	} {
		ev, err := webhook.Parse("k", headers("k", tc.typ, []byte(tc.body)), []byte(tc.body), tc.opts...)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: Parse = %v, %v; want %v", tc.name, ev, err, tc.want)
		}
	}
	if _, err := webhook.Parse("k", headers("other", "", []byte(jobBody)), []byte(jobBody), clock); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("Parse with the wrong key: %v", err)
	}
}

func TestNewHandler(t *testing.T) {
	t.Parallel()
	var got []string
	h := webhook.NewHandler("k", func(_ context.Context, ev webhook.Event) error {
		got = append(got, ev.EventMetadata().ID)
		if ev.EventMetadata().Project.Name == "fails" {
			return errors.New("boom")
		}
		return nil
	}, webhook.WithClock(fixedClock), webhook.WithMaxBodyBytes(4096))
	failing := strings.Replace(jobBody, `"name":"app"`, `"name":"fails"`, 1)
	for _, tc := range []struct {
		name, method, body string
		header             http.Header
		want               int
	}{
		{"good", "POST", jobBody, headers("k", "job-completed", []byte(jobBody)), 204},
		{"GET", "GET", "", http.Header{}, 405},
		{"tampered", "POST", strings.Replace(jobBody, "success", "failed", 1), headers("k", "job-completed", []byte(jobBody)), 401},
		{"unsigned", "POST", jobBody, http.Header{}, 401},
		{"malformed", "POST", "[]", headers("k", "", []byte("[]")), 400},
		{"too big", "POST", strings.Repeat(" ", 5000) + jobBody, http.Header{}, 413},
		{"handler fails", "POST", failing, headers("k", "", []byte(failing)), 500},
	} {
		req := httptest.NewRequest(tc.method, "/hook", strings.NewReader(tc.body))
		for k, v := range tc.header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.want, rec.Body)
		}
		if tc.want != 204 {
			var msg struct{ Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &msg); err != nil || msg.Message == "" || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%s: body %q is not a JSON message", tc.name, rec.Body)
			}
		}
	}
	if strings.Join(got, ",") != "ev-1,ev-1" {
		t.Errorf("handled %v, want the good and the failing delivery only", got)
	}
}
