# SOCCRATES suite for Cortex. `make help` lists the targets.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
MODULE   := github.com/soccrates-cortex/soccrates
LDFLAGS  := -s -w -X $(MODULE)/shared/version.Version=$(VERSION)
BUILD    := CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
STATICCHECK_VERSION := v0.8.2

.PHONY: help build test lint dist demo bench bench-detect bench-attackgraph bench-coa clean

help: ## list the targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "%-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

build: ## build every worker and the suite command into bin/ (static, -trimpath, version from git)
	@mkdir -p bin
	$(BUILD) -o bin/ ./analyzers/... ./responders/... ./scripts/soccrates

test: ## go vet and the whole test suite under the race detector
	$(GO) vet ./...
	$(GO) test -race ./...

lint: ## staticcheck over the module
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

dist: build ## lay out dist/analyzers and dist/responders as Cortex loads them (analyzer.urls / responder.urls)
	scripts/dist.sh bin dist

demo: build ## use case 1 end to end on the bundled CPTC-2017 alerts, approval given; reports in demo-out/
	scripts/demo.sh bin demo-out

bench: ## benchmarks (not part of make test)
	$(GO) test -run '^$$' -bench . -benchmem ./shared/...

bench-detect: ## AttackDetection on the AIT alert data set (read from ../shared), CPTC-2017 and throughput
	$(GO) run ./scripts/bench-detect

bench-attackgraph: ## attack-graph simulator on the KTH models, 10,000 hosts and random graphs (takes about 2 minutes)
	$(GO) run ./scripts/bench-attackgraph

bench-coa: ## course-of-action proposals on KTH's largest scalability model
	$(GO) run ./scripts/bench-coa

clean: ## remove bin/, dist/ and demo-out/
	rm -rf bin dist demo-out
