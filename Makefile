# circleci-go: the Go toolkit for the CircleCI API v2.
GO          ?= go
SHELL       := /bin/bash
ADDR        ?= 127.0.0.1:8080

.DEFAULT_GOAL := help
.PHONY: help generate check-generated check-fmt check-tidy check-deps build lint test bench run tidy ci

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

generate: ## validate openapi/circleci-v2.yaml and regenerate every generated file
	$(GO) generate ./...

check-generated: ## regenerate, and fail when that changed any file of the tree (untracked files included)
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "check-generated needs a git work tree"; exit 1; }; \
	state() { git ls-files --cached --others --exclude-standard -z | xargs -0r sha256sum 2>/dev/null; }; \
	before="$$(state)"; $(GO) generate ./... || exit 1; after="$$(state)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "generated code is out of date; run make generate and commit. Files that generating changed:"; \
		diff <(echo "$$before") <(echo "$$after") | sed -n 's/^> [0-9a-f]*  /  /p' | sort -u; exit 1; \
	fi

check-fmt: ## fail when a Go file is not gofmt-formatted (the gofmt of $(GO)'s toolchain)
	@files="$$("$$($(GO) env GOROOT)/bin/gofmt" -l .)"; \
	if [ -n "$$files" ]; then echo "not gofmt-formatted (run gofmt -w):"; echo "$$files"; exit 1; fi

check-deps: ## fail when the client package links server-side code (chi, kin-openapi, OPA, gen/genserver, server) or the browser test's chromedp
	@bad="$$($(GO) list -deps ./client | grep -E '^github.com/(go-chi/|getkin/|open-policy-agent/|chromedp/)|^github.com/cikit/circleci-go/(gen/genserver|server|openapi)($$|/)|^github.com/oapi-codegen/runtime/strictmiddleware')"; \
	if [ -n "$$bad" ]; then echo "package client must not depend on:"; echo "$$bad"; exit 1; fi

check-tidy: ## fail when go.mod or go.sum is not tidy
	$(GO) mod tidy -diff

build: ## compile every package and command
	$(GO) build ./...

lint: check-fmt check-tidy check-deps ## gofmt, go mod tidy, client dependencies, go vet and staticcheck (pinned by go.mod's tool directive)
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

test: check-generated lint ## check generated code, lint, then run every test with the race detector
	$(GO) test -race ./...

bench: ## run the benchmarks (compare runs with benchstat)
	$(GO) test -run '^$$' -bench . -benchmem ./...

run: ## build the reference server into bin/ and run it on $(ADDR) with demo data (Ctrl-C stops it cleanly)
	$(GO) build -o bin/circleci-fake ./cmd/circleci-fake && exec ./bin/circleci-fake -addr $(ADDR)

tidy: ## tidy go.mod and go.sum
	$(GO) mod tidy

ci: test ## what CI runs
