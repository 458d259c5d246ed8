package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/google/uuid"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// pipelines serves one operation, GetPipelineByID. The embedded server.Unimplemented answers every
// other operation with 501 Not Implemented, naming it. (Embedding genserver.StrictServerInterface
// instead would leave nil methods: calling one panics, which the server answers 500 and clients
// retry.) A complete implementation, such as server/fake, declares every method.
type pipelines struct {
	server.Unimplemented
	byID map[uuid.UUID]gen.Pipeline
}

func (p *pipelines) GetPipelineByID(ctx context.Context, req genserver.GetPipelineByIDRequestObject) (genserver.GetPipelineByIDResponseObject, error) {
	pl, ok := p.byID[req.PipelineID]
	if !ok {
		return nil, server.NotFound("Pipeline not found.")
	}
	return genserver.GetPipelineByID200JSONResponse(pl), nil
}

func examplePipeline() gen.Pipeline {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	return gen.Pipeline{
		ID:          uuid.MustParse("5034460f-c7c4-4c43-9457-de07e2029e7b"),
		Number:      42,
		ProjectSlug: "gh/acme/rocket",
		State:       gen.PipelineStateCreated,
		CreatedAt:   at,
		Errors:      []gen.PipelineError{},
		Trigger: gen.PipelineTrigger{
			Type:       gen.PipelineTriggerTypeAPI,
			ReceivedAt: at,
			Actor:      gen.PipelineTriggerActor{Login: "wile"},
		},
	}
}

func Example() {
	pl := examplePipeline()
	impl := &pipelines{byID: map[uuid.UUID]gen.Pipeline{pl.ID: pl}}

	h, err := server.New(impl,
		server.WithAuthenticator(server.StaticToken("s3cret", server.Principal{ID: "u1", Name: "wile"})),
	)
	if err != nil {
		panic(err)
	}
	// The caller owns the http.Server: here a test server; in production set timeouts and shut down.
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, path := range []string{
		"/api/v2/pipeline/5034460f-c7c4-4c43-9457-de07e2029e7b",
		"/api/v2/pipeline/00000000-0000-4000-8000-000000000000",
		"/api/v2/pipeline/not-a-uuid",
		"/api/v2/pipeline/5034460f-c7c4-4c43-9457-de07e2029e7b/config",
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Circle-Token", "s3cret")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Printf("%d %.71s\n", res.StatusCode, bytes.TrimSpace(body))
	}
	// Output:
	// 200 {"created_at":"2024-05-01T12:00:00Z","errors":[],"id":"5034460f-c7c4-4c
	// 404 {"message":"Pipeline not found."}
	// 400 {"message":"Path parameter pipeline-id: string doesn't match the format
	// 501 {"message":"getPipelineConfigById is not implemented by this server."}
}
