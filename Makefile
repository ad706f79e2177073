# Gridkeeper: the two commands are `make run` and `make test`.
GO        ?= go
BIN       := bin/gridkeeper
GOTESTFLAGS ?= -count=1 -timeout 20m

.PHONY: run test build vet gotest browser-test bench deps-run deps-test clean

## run: install what is missing, start a private PostGIS, migrate, load the sample city, serve on :8080
run: deps-run build
	$(BIN) serve --sample

## test: install what is missing, vet, Go tests against real PostGIS, the browser test in Chromium
test: deps-test build vet gotest browser-test

build:
	$(GO) build -o $(BIN) ./cmd/gridkeeper

vet:
	$(GO) vet ./...

gotest:
	$(GO) test $(GOTESTFLAGS) ./...

browser-test: build
	web/test/run.sh $(BIN)

## bench: the benchmarks whose figures the issues ask for
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./...

deps-run:
	@.ci/install-deps run

deps-test:
	@.ci/install-deps test

clean:
	rm -rf bin
