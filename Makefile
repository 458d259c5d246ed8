# circleci-go: the Go toolkit for the CircleCI API v2.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
ADDR        ?= 127.0.0.1:8080

.DEFAULT_GOAL := help
.PHONY: help generate check-generated build lint test bench run tidy ci

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

generate: ## validate openapi/circleci-v2.yaml and regenerate gen/
	$(GO) generate ./...

check-generated: generate ## fail when generated code differs from what the document produces (untracked files included)
	@changes="$$(git status --porcelain -- gen/ client/operations.gen.go)"; \
	if [ -n "$$changes" ]; then \
		echo "generated code is out of date; run make generate and commit:"; echo "$$changes"; exit 1; \
	fi

build: ## compile every package and command
	$(GO) build ./...

lint: ## go vet and staticcheck
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

test: check-generated lint ## check generated code, lint, then run every test with the race detector
	$(GO) test -race ./...

bench: ## run the benchmarks (compare runs with benchstat)
	$(GO) test -run '^$$' -bench . -benchmem ./...

run: ## build the reference server into bin/ and run it on $(ADDR) with demo data (Ctrl-C stops it cleanly)
	$(GO) build -o bin/circleci-fake ./cmd/circleci-fake && exec ./bin/circleci-fake -addr $(ADDR)

tidy: ## tidy go.mod and go.sum
	$(GO) mod tidy

ci: test ## what CI runs
