package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cikit/circleci-go/server/fake"
)

var update = flag.Bool("update", false, "write the README's screenshot, testdata/dashboard.png")

// browserEnv names the variable that, set to "require", makes the browser test fail instead of
// skipping when no Chromium is found; .ci/run sets it.
const browserEnv = "CIRCLECI_GO_BROWSER_TEST"

// chromium returns the path of a Chromium or Chrome, or skips the test (fails it when browserEnv
// is "require").
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(browserEnv) == "require" {
		t.Fatalf("no Chromium found (chromium, chromium-browser, google-chrome or headless-shell on PATH) and %s=require: install it (apt-get install -y chromium)", browserEnv)
	}
	t.Skipf("no Chromium on PATH: the browser test is skipped (apt-get install -y chromium runs it; %s=require makes this a failure)", browserEnv)
	return ""
}

// TestBrowser drives the dashboard in headless Chromium as a user would: sign in with the token,
// trigger a pipeline of the demo project with parameters, advance the simulated clock with the
// page's control and watch the graph go through queued and running to the hold, open a job's
// details and take the screenshot, approve the hold and watch the workflow reach success; open a
// job with the keyboard and keep the focus through a redraw; rerun the workflow, cancel the rerun
// and rerun that from failed; set a job outcome, the clock speed, inject and clear a fault; reload
// the page to measure the time to the first render of the demo data, and reset the fake. Its fake
// asks for a control token, as circleci-fake -control-token does: a control clicked before the
// token is given says so and changes nothing. After a history of the demo project, the Insights
// charts of its workflow are drawn, and the deliveries of a webhook to an httptest receiver are
// listed, one of them re-sent.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	const control = "control-secret-0123456789"
	env := newEnvControl(t, control)
	var received atomic.Int64 // webhook requests the receiver answered
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(receiver.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1200, 900))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancel)

	node := func(name, status string) chromedp.CSS {
		return chromedp.CSS(fmt.Sprintf(`#workflows .node[data-name=%q][data-status=%q]`, name, status))
	}
	visible := func(css string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(css)) }
	xpath := func(x string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.Search(x)) }
	advance := func(d string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.SetValue(chromedp.ID("advance-d"), d), chromedp.Click(chromedp.CSS("#advance button")))
	}
	// says waits until the status line says msg: the answer of the action just clicked.
	says := func(msg string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[bool](fmt.Sprintf(`document.getElementById("status").textContent === %q`, msg))(ctx, t)
			return chromedp.Void{}, err
		}
	}
	const (
		selected = `#pipelines tbody tr[aria-current="true"]`
		wf       = `//article[@aria-label="Workflow build-test-deploy"]`
	)
	// poll waits until the expression is true in the page.
	poll := func(expr string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[bool](expr)(ctx, t)
			return chromedp.Void{}, err
		}
	}
	var png []byte
	var firstRender, fcp float64
	var deliveries, total int
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"open the page", chromedp.Steps(
			chromedp.Navigate(env.http.URL+"/"),
			chromedp.WaitVisible(chromedp.ID("token")),
			chromedp.WaitNotVisible(chromedp.ID("app")), // nothing but the sign-in before a token
		)},
		{"sign in", chromedp.Steps(
			chromedp.SendKeys(chromedp.ID("token"), fake.DemoToken),
			chromedp.Click(chromedp.CSS("#login button")),
			visible(`#projects a[href="#gh/demo-org/demo-app"]`),
		)},
		{"open the project", chromedp.Steps(
			chromedp.Click(chromedp.CSS(`#projects a[href="#gh/demo-org/demo-app"]`)),
			visible(`#projects a[href="#gh/demo-org/demo-app"][aria-current="page"]`),
			visible(`#pipelines tbody td[colspan]`), // no pipelines yet
		)},
		{"a control without the control token", chromedp.Steps(
			advance("2s"),
			poll(`document.getElementById("status").textContent.includes("401: this circleci-fake was started with -control-token")`),
			xpath(`//table[@id="webhooks"]//td[contains(text(), "401")]`), // the deliveries, a control too
			chromedp.Func(func(context.Context, *chromedp.Target) error {
				if now := env.fake.Now(); !now.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
					return fmt.Errorf("the refused advance moved the clock to %v", now)
				}
				return nil
			}),
		)},
		{"give the control token", chromedp.Steps(
			chromedp.SendKeys(chromedp.ID("control-token"), control),
			chromedp.Click(chromedp.CSS("#control-form button")),
			says("Control token saved for this browser session."),
			xpath(`//span[@id="control-state"][text()="(set)"]`),
			chromedp.Click(chromedp.ID("refresh")),
			xpath(`//table[@id="webhooks"]//td[text()="This project has no webhook."]`),
		)},
		{"trigger with parameters", chromedp.Steps(
			chromedp.SetValue(chromedp.ID("params"), `{"myspecialversion": "4.8.2", "environment": "staging"}`),
			chromedp.Click(chromedp.ID("trigger-btn")),
			says("Pipeline #1 triggered."),
			chromedp.WaitVisible(node("build", "queued")),
			chromedp.WaitVisible(node("test", "blocked")),
			visible(selected),
		)},
		{"advance to the hold", chromedp.Steps(
			advance("2s"),
			chromedp.WaitVisible(node("build", "running")),
			advance("30s"),
			chromedp.WaitVisible(node("build", "success")),
			chromedp.WaitVisible(node("test", "running")),
			advance("1m"),
			chromedp.WaitVisible(node("test", "success")),
			chromedp.WaitVisible(node("hold", "on_hold")),
			chromedp.WaitVisible(node("deploy", "blocked")),
			visible(`#workflows .badge.b-on_hold`),
		)},
		{"open the job details", chromedp.Steps(
			chromedp.Click(node("test", "success")),
			xpath(`//section[@id="job-panel"]//dt[text()="Executor"]/following-sibling::dd[1][text()="docker · medium"]`),
			xpath(`//section[@id="job-panel"]//h3[text()="Test results (6)"]`),
			xpath(`//section[@id="job-panel"]//h3[text()="Artifacts (2)"]`),
		)},
		{"take the screenshot", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			var err error
			png, err = chromedp.CaptureScreenshot()(ctx, t)
			return chromedp.Void{}, err
		}},
		{"approve the hold", chromedp.Steps(
			chromedp.Click(chromedp.Search(wf+`//button[text()="Approve hold"]`)),
			says("hold approved."),
			chromedp.WaitVisible(node("hold", "success")),
			chromedp.WaitVisible(node("deploy", "queued")),
		)},
		{"reach success", chromedp.Steps(
			advance("21s"),
			chromedp.WaitVisible(node("deploy", "success")),
			xpath(wf+`//span[contains(@class, "b-success")]`),
		)},
		{"keep the focus through a redraw", chromedp.Steps(
			chromedp.Focus(node("deploy", "success")),
			// Moved from Go, not with the page's button, so that the focus stays put.
			chromedp.Func(func(context.Context, *chromedp.Target) error { return env.fake.Advance(time.Second) }),
			xpath(`//time[@id="now"][text()="2026-03-02 09:31:54Z"]`), // a new state, drawn anew
			func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				_, err := chromedp.Poll[bool](`document.activeElement.getAttribute("data-name") === "deploy"`, chromedp.WithPollingTimeout(5*time.Second))(ctx, t)
				return chromedp.Void{}, err
			},
		)},
		{"open a job with the keyboard", chromedp.Steps(
			chromedp.Focus(node("build", "success")),
			chromedp.KeyEvent(kb.Enter),
			xpath(`//h2[@id="job-h"][text()="Job build #1"]`),
		)},
		{"rerun from start", chromedp.Steps(
			chromedp.Click(chromedp.Search(wf+`//button[text()="Rerun from start"]`)),
			says("Workflow build-test-deploy rerun."),
			xpath(wf+`//span[contains(@class, "b-running")]`),
		)},
		{"cancel the rerun", chromedp.Steps(
			chromedp.Click(chromedp.Search(wf+`[.//span[contains(@class, "b-running")]]//button[text()="Cancel"]`)),
			says("Workflow build-test-deploy canceled."),
			xpath(wf+`[.//span[contains(@class, "b-canceled")]]//button[text()="Rerun from failed"]`),
		)},
		{"set a job outcome", chromedp.Steps(
			chromedp.SetValue(chromedp.ID("outcome-job"), "deploy"),
			chromedp.SetValue(chromedp.ID("outcome-v"), "failed"),
			chromedp.Click(chromedp.CSS("#outcome button")),
			says("Outcome set."),
		)},
		{"rerun from failed", chromedp.Steps(
			chromedp.Click(chromedp.Search(wf+`[.//span[contains(@class, "b-canceled")]]//button[text()="Rerun from failed"]`)),
			says("Workflow build-test-deploy rerun."),
			func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				_, err := chromedp.Poll[bool](`document.querySelectorAll("#workflows article").length === 3`)(ctx, t)
				return chromedp.Void{}, err
			},
		)},
		{"set the clock speed", chromedp.Steps(
			chromedp.SetValue(chromedp.ID("speed-v"), "5"),
			chromedp.Click(chromedp.CSS("#set-speed button")),
			says("Clock speed 5."),
			xpath(`//span[@id="speed"][text()="5"]`), // pushed by the next state event
		)},
		{"inject and clear a fault", chromedp.Steps(
			chromedp.Click(chromedp.CSS("#fault button[type=submit]")),
			says("Fault added."),
			chromedp.Click(chromedp.ID("clear-faults")),
			says("Faults cleared."),
		)},
		{"insights after a history", chromedp.Steps(
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				return createWebhook(ctx, env, receiver.URL)
			}),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				h := fake.History{Days: 7, RunsPerDay: 4, FailureRate: 0.3, FlakeRate: 0.1, Branches: []string{"main", "dev"}, Seed: 7}
				if err := env.fake.History("gh/demo-org/demo-app", h); err != nil {
					return err
				}
				return env.fake.WaitWebhookDeliveries(ctx)
			}),
			visible(`#insights-body article[data-workflow="build-test-deploy"] svg.chart polyline.l-med`),
			visible(`#insights-body article[data-workflow="build-test-deploy"] svg.chart polyline.l-p95`),
			visible(`#insights-body article[data-workflow="build-test-deploy"] svg.chart polyline.l-rate`),
			xpath(`//article[@data-workflow="build-test-deploy"]/p[contains(text(), "runs in the last 90 days")]`),
			// The table behind the charts has a row a day with a finished run.
			poll(`document.querySelectorAll('#insights-body article[data-workflow="build-test-deploy"] details tbody tr').length >= 2`),
		)},
		{"webhook deliveries", chromedp.Steps(
			chromedp.Func(func(context.Context, *chromedp.Target) error {
				all := env.fake.WebhookDeliveries()
				for _, d := range all {
					if d.State != "succeeded" || d.StatusCode != http.StatusOK {
						return fmt.Errorf("delivery %s: %s %d %s, want succeeded 200", d.ID, d.State, d.StatusCode, d.Error)
					}
				}
				if len(all) == 0 || int64(len(all)) != received.Load() {
					return fmt.Errorf("%d deliveries listed, %d received; want as many, at least one", len(all), received.Load())
				}
				deliveries, total = min(len(all), 100), len(all)
				return nil
			}),
			chromedp.Click(chromedp.ID("refresh")),
			func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				return poll(fmt.Sprintf(`document.querySelectorAll('#webhooks tbody tr[data-state="succeeded"]').length === %d`, deliveries))(ctx, t)
			},
			func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				note := ""
				if total > 100 {
					note = fmt.Sprintf("%d attempts; the newest 100 are listed.", total)
				}
				return poll(fmt.Sprintf(`document.getElementById("webhooks-note").textContent === %q`, note))(ctx, t)
			},
			xpath(`//table[@id="webhooks"]//tr[@data-state="succeeded"][td[1][text()="workflow-completed"]][td[2][text()="browser-test"]][td[5][text()="200"]]`),
		)},
		{"resend a delivery", chromedp.Steps(
			chromedp.Click(chromedp.CSS(`#webhooks tbody tr[data-state="succeeded"] button`)),
			says("Resent as attempt 2."),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return env.fake.WaitWebhookDeliveries(ctx) }),
			xpath(`//table[@id="webhooks"]//tr[@data-state="succeeded"][td[3][text()="2 (resent)"]]`),
		)},
		// The token is in sessionStorage and the project in the URL: a reload signs in and renders
		// the demo data by itself.
		{"reload", chromedp.Steps(
			chromedp.Reload(),
			visible(`#pipelines tbody tr:not([aria-current])`),
			func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				const mark = `performance.getEntriesByName("dashboard-first-render")`
				if _, err := chromedp.Poll[bool](mark+".length > 0")(ctx, t); err != nil {
					return chromedp.Void{}, err
				}
				var err error
				if firstRender, err = chromedp.Evaluate[float64](mark+"[0].startTime")(ctx, t); err != nil {
					return chromedp.Void{}, err
				}
				fcp, err = chromedp.Evaluate[float64](`(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime`)(ctx, t)
				return chromedp.Void{}, err
			},
		)},
		{"reset", chromedp.Steps(
			chromedp.Click(chromedp.ID("reset")),
			says("Reset to the seed."),
			visible(`#pipelines tbody td[colspan]`),
		)},
	}
	// The first run starts the browser, which lives as long as the context of that run: give it ctx,
	// and each step a timeout of its own.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	for _, s := range steps {
		step, cancel := context.WithTimeout(ctx, time.Minute) // generous: CI shares two cores
		err := chromedp.Do(step, s.do)
		cancel()
		if err != nil {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent + " | " + document.querySelector("main").innerText`))
			t.Fatalf("%s: %v; the page says:\n%s", s.name, err, text)
		}
	}
	if got := env.fake.Speed(); got != 5 {
		t.Errorf("after the speed control: the fake's speed is %v, want 5", got)
	}
	out := filepath.Join(t.TempDir(), "dashboard.png")
	if *update {
		out = filepath.Join("testdata", "dashboard.png")
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(png))
	t.Logf("after a reload: first contentful paint %.1f ms, demo data rendered %.1f ms after navigation start", fcp, firstRender)
}

// createWebhook gives the demo project a webhook named browser-test for completed workflows and
// jobs that posts to url, through the API as a client would.
func createWebhook(ctx context.Context, e *env, url string) error {
	get := func(path string, v any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.http.URL+"/api/v2"+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Circle-Token", fake.DemoToken)
		res, err := e.http.Client().Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, res.Status)
		}
		return json.NewDecoder(res.Body).Decode(v)
	}
	var p struct {
		ID string `json:"id"`
	}
	if err := get("/project/gh/demo-org/demo-app", &p); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{
		"name": "browser-test", "url": url, "events": []string{"workflow-completed", "job-completed"},
		"verify-tls": false, "signing-secret": "s3cret", "scope": map[string]string{"id": p.ID, "type": "project"},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.http.URL+"/api/v2/webhook", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Circle-Token", fake.DemoToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := e.http.Client().Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("POST /webhook: %s %s", res.Status, msg)
	}
	return nil
}
