package dashboard_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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

// TestBrowser drives the dashboard in headless Chromium: sign in with the token, trigger a pipeline
// of the demo project with parameters, advance the simulated clock with the page's control, watch
// the graph go through running to the hold, approve it, and watch the workflow reach success; then
// it opens a job's details and takes a screenshot, and reloads the page to measure the time to the
// first render of the demo data.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	env := newEnv(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1200, 1000))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)

	node := func(name, status string) chromedp.CSS {
		return chromedp.CSS(fmt.Sprintf(`#workflows .node[data-name=%q][data-status=%q]`, name, status))
	}
	visible := func(css string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(css)) }
	advance := func(d string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.SetValue(chromedp.ID("advance-d"), d), chromedp.Click(chromedp.CSS("#advance button")))
	}
	const selected = `#pipelines tbody tr[aria-selected="true"]`
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"open the page", chromedp.Steps(chromedp.Navigate(env.http.URL+"/"), chromedp.WaitVisible(chromedp.ID("token")))},
		{"sign in", chromedp.Steps(
			chromedp.SendKeys(chromedp.ID("token"), fake.DemoToken),
			chromedp.Click(chromedp.CSS("#login button")),
			visible(`#projects a[href="#gh/demo-org/demo-app"]`),
		)},
		{"open the project", chromedp.Steps(
			chromedp.Click(chromedp.CSS(`#projects a[href="#gh/demo-org/demo-app"]`)),
			visible(`#pipelines tbody td[colspan]`), // no pipelines yet
		)},
		{"trigger with parameters", chromedp.Steps(
			chromedp.SetValue(chromedp.ID("params"), `{"myspecialversion": "4.8.2", "environment": "staging"}`),
			chromedp.Click(chromedp.ID("trigger-btn")),
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
			visible(`#workflows .badge.b-on_hold`),
		)},
		{"approve the hold", chromedp.Steps(
			chromedp.Click(chromedp.Search(`//article[@aria-label="Workflow build-test-deploy"]//button[text()="Approve hold"]`)),
			chromedp.WaitVisible(node("hold", "success")),
			chromedp.WaitVisible(node("deploy", "queued")),
		)},
		{"reach success", chromedp.Steps(
			advance("21s"),
			chromedp.WaitVisible(node("deploy", "success")),
			visible(`#workflows article[aria-label="Workflow build-test-deploy"] .badge.b-success`),
		)},
		{"open the job details", chromedp.Steps(
			chromedp.Click(node("test", "success")),
			chromedp.WaitVisible(chromedp.Search(`//section[@id="job-panel"]//dt[text()="Executor"]`)),
		)},
	}
	// The first run starts the browser, which lives as long as the context of that run: give it ctx,
	// and each step a timeout of its own.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	for _, s := range steps {
		step, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(step, s.do)
		cancel()
		if err != nil {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent + " | " + document.querySelector("main").innerText`))
			t.Fatalf("%s: %v; the page says:\n%s", s.name, err, text)
		}
	}
	if state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selected+" td:nth-child(4)"))); err != nil || state != "created" {
		t.Errorf("the pipeline's state column says %q (%v), want created", state, err)
	}

	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dashboard.png")
	if *update {
		out = filepath.Join("testdata", "dashboard.png")
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(png))

	// The token is in sessionStorage now: a reload signs in and renders the demo data by itself.
	const mark = `performance.getEntriesByName("dashboard-first-render")`
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = chromedp.Do(rctx, chromedp.Reload(), visible(`#pipelines tbody tr[aria-selected="false"]`))
	if err == nil {
		_, err = chromedp.Run(rctx, chromedp.Poll[bool](mark+".length > 0"))
	}
	var firstRender, fcp float64
	if err == nil {
		firstRender, err = chromedp.Run(ctx, chromedp.Evaluate[float64](mark+"[0].startTime"))
	}
	if err == nil {
		fcp, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime`))
	}
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	t.Logf("after a reload: first contentful paint %.1f ms, demo data rendered %.1f ms after navigation start", fcp, firstRender)
}
