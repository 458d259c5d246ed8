package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/cikit/circleci-go/client"
	"github.com/cikit/circleci-go/gen"
)

// fakeAPI stands in for https://circleci.com/api/v2 in the examples. It serves a handful of canned
// answers and 404 for everything else.
func fakeAPI() *httptest.Server {
	const slug = "/api/v2/project/gh%2FCircleCI-Public%2Fcircleci-cli"
	pipeline := func(n int) string {
		return fmt.Sprintf(`{"id":"5034460f-c7c4-4c43-9457-de07e2029%03d","errors":[],"project_slug":"gh/CircleCI-Public/circleci-cli","number":%d,"state":"created","created_at":"2024-05-01T10:00:00Z","trigger":{"type":"api","received_at":"2024-05-01T10:00:00Z","actor":{"login":"octocat","avatar_url":null}}}`, n%1000, n)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Circle-Token") != "my-token" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"You must log in first."}`)
			return
		}
		switch path := r.URL.EscapedPath(); {
		case r.Method == http.MethodGet && path == "/api/v2/me":
			io.WriteString(w, `{"id":"c4f2a0b6-0e0e-4b8a-9f3c-6a2f1e5d7b90","login":"octocat","name":"The Octocat"}`)
		case r.Method == http.MethodPost && path == slug+"/pipeline":
			var req struct {
				Parameters map[string]any `json:"parameters"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Parameters["myparam"] != "./myspecialdir" {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"message":"bad parameters"}`)
				return
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","number":1246,"state":"pending","created_at":"2024-05-01T10:00:00Z"}`)
		case r.Method == http.MethodGet && path == slug+"/pipeline":
			switch r.URL.Query().Get("page-token") {
			case "":
				fmt.Fprintf(w, `{"items":[%s,%s],"next_page_token":"page-2"}`, pipeline(1245), pipeline(1244))
			case "page-2":
				fmt.Fprintf(w, `{"items":[%s],"next_page_token":null}`, pipeline(1243))
			}
		case r.Method == http.MethodGet && path == slug+"/envvar":
			// As CircleCI announces an endpoint it is going to retire.
			w.Header().Set("Deprecation", "true")
			w.Header().Set("Sunset", "Sun, 01 Nov 2026 00:00:00 GMT")
			io.WriteString(w, `{"items":[{"name":"DEPLOY_KEY","value":"xxxx-key","created-at":"2024-05-01T10:00:00Z"}],"next_page_token":null}`)
		case r.Method == http.MethodGet && path == slug+"/job/123":
			io.WriteString(w, `{"name":"build","number":123,"status":"success","web_url":"https://app.circleci.com/jobs/github/CircleCI-Public/circleci-cli/123","created_at":"2024-05-01T10:00:00Z","queued_at":"2024-05-01T10:00:01Z","started_at":"2024-05-01T10:00:05Z","stopped_at":"2024-05-01T10:02:05Z","duration":120000,"parallelism":1,"contexts":[],"messages":[],"parallel_runs":[{"index":0,"status":"success"}],"executor":{"resource_class":"medium","type":"docker"},"latest_workflow":{"id":"fd4c6f5b-8c7e-4c8b-9a3e-2b1d0c9e8f7a","name":"build-and-test"},"organization":{"name":"CircleCI-Public"},"pipeline":{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b"},"project":{"external_url":"https://github.com/CircleCI-Public/circleci-cli","id":"0b7c1d9e-5a3f-4c6b-9e2d-7f8a1b3c5d40","name":"circleci-cli","slug":"gh/CircleCI-Public/circleci-cli"}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"Project not found"}`)
		}
	}))
}

// exampleClient returns a Client of fakeAPI, with the token fakeAPI accepts, and the function that
// shuts fakeAPI down. ExampleNew shows how to make one for https://circleci.com/api/v2.
func exampleClient() (c *client.Client, stop func()) {
	srv := fakeAPI()
	c, err := client.New(client.WithToken("my-token"), client.WithBaseURL(srv.URL+"/api/v2"))
	if err != nil {
		log.Fatal(err)
	}
	return c, srv.Close
}

func ExampleNew() {
	srv := fakeAPI()
	defer srv.Close()
	apiURL := srv.URL + "/api/v2" // https://circleci.com/api/v2 when left out

	// Without WithToken, the token comes from CIRCLE_TOKEN, then CIRCLECI_TOKEN.
	c, err := client.New(
		client.WithToken("my-token"),
		client.WithBaseURL(apiURL),
	)
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.GetCurrentUser(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", me.Login)
	// Output: signed in as octocat
}

func ExampleClient_TriggerPipeline() {
	c, stop := exampleClient()
	defer stop()

	project, err := client.ParseProjectSlug("gh/CircleCI-Public/circleci-cli")
	if err != nil {
		log.Fatal(err)
	}
	params, err := client.PipelineParameters(map[string]any{
		"myparam":          "./myspecialdir",
		"myspecialversion": "4.8.2",
	})
	if err != nil {
		log.Fatal(err)
	}
	// A trigger is a POST: it is never retried, so a failure cannot start a second pipeline.
	created, err := c.TriggerPipeline(context.Background(), project, gen.TriggerPipelineRequest{Parameters: params})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pipeline", created.Number, created.State)
	// Output: pipeline 1246 pending
}

func ExampleClient_ListPipelinesForProjectIter() {
	c, stop := exampleClient()
	defer stop()

	project := client.MustParseProjectSlug("gh/CircleCI-Public/circleci-cli")
	// Pages are fetched as the loop needs them; break to stop early.
	for p, err := range c.ListPipelinesForProjectIter(context.Background(), project, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.Number, p.State)
	}
	// Output:
	// 1245 created
	// 1244 created
	// 1243 created
}

func ExampleClient_GetJobDetails() {
	c, stop := exampleClient()
	defer stop()

	project := client.MustParseProjectSlug("gh/CircleCI-Public/circleci-cli")
	job, err := c.GetJobDetails(context.Background(), project, 123)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("job %d %q: %s on %s in workflow %s\n", job.Number, job.Name, job.Status, job.Executor.ResourceClass, job.LatestWorkflow.Name)
	// Output: job 123 "build": success on medium in workflow build-and-test
}

func ExampleAPIError() {
	c, stop := exampleClient()
	defer stop()

	project := client.MustParseProjectSlug("gh/CircleCI-Public/no-such-repo")
	_, err := c.GetProjectBySlug(context.Background(), project)
	switch {
	case errors.Is(err, client.ErrNotFound):
		// CircleCI also answers 404 for projects the token cannot see.
		var apiErr *client.APIError
		errors.As(err, &apiErr)
		fmt.Println("no such project:", apiErr.StatusCode, apiErr.Message)
	case err != nil:
		log.Fatal(err)
	}
	// Output: no such project: 404 Project not found
}

func ExampleWithDeprecationHook() {
	srv := fakeAPI()
	defer srv.Close()
	apiURL := srv.URL + "/api/v2"

	// Without a hook, the client logs each deprecated operation once through slog.Default.
	c, err := client.New(
		client.WithToken("my-token"),
		client.WithBaseURL(apiURL),
		client.WithDeprecationHook(func(ctx context.Context, d client.Deprecation) {
			fmt.Printf("%s %s is deprecated, sunset %s\n", d.Method, d.Route, d.Sunset)
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	project := client.MustParseProjectSlug("gh/CircleCI-Public/circleci-cli")
	vars, err := c.ListEnvVars(context.Background(), project, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(vars.Items), "variable")
	// Output:
	// GET /project/{project-slug}/envvar is deprecated, sunset Sun, 01 Nov 2026 00:00:00 GMT
	// 1 variable
}

func ExampleWithBaseURL() {
	// A CircleCI server install serves the API at https://<host>/api/v2.
	c, err := client.New(
		client.WithBaseURL("https://circleci.example.com/api/v2"),
		client.WithToken("my-token"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL())
	// Output: https://circleci.example.com/api/v2
}

func ExampleParseProjectSlug() {
	p, err := client.ParseProjectSlug("github/CircleCI-Public/circleci-cli")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p, p.VCS(), p.Org(), p.Repo())
	fmt.Println(p.Escaped()) // what {project-slug} routes carry; methods do this for you

	_, err = client.ParseProjectSlug("gitlab/org/repo")
	fmt.Println(err)
	// Output:
	// github/CircleCI-Public/circleci-cli gh CircleCI-Public circleci-cli
	// github%2FCircleCI-Public%2Fcircleci-cli
	// invalid project slug "gitlab/org/repo": unknown provider "gitlab"; want gh/<org>/<repo>, github/<org>/<repo>, bb/<org>/<repo>, bitbucket/<org>/<repo> or circleci/<org-id>/<project-id>
}
