# Gridkeeper: the two commands are `make run` and `make test`.
GO        ?= go
BIN       := bin/gridkeeper
GOTESTFLAGS ?= -count=1 -timeout 20m

.PHONY: run test build vet gotest fuzz-smoke browser-test bench deps-run deps-test clean

## run: install what is missing, start a private PostGIS, migrate, load the sample city, serve on :8080
run: deps-run build
	$(BIN) serve --sample

## test: install what is missing, vet, Go tests against real PostGIS, the browser test in Chromium
test: deps-test build vet gotest fuzz-smoke browser-test

build:
	$(GO) build -o $(BIN) ./cmd/gridkeeper

vet:
	$(GO) vet ./...

gotest:
	$(GO) test $(GOTESTFLAGS) ./...

## fuzz-smoke: every fuzz target of a parser of client input for FUZZTIME each (longer: make fuzz-smoke FUZZTIME=10m)
FUZZTIME ?= 3s
FUZZ_TARGETS := \
	./internal/httpx:FuzzParseBBox ./internal/httpx:FuzzParseTime ./internal/httpx:FuzzDecodeJSON \
	./internal/problem:FuzzParseCursor ./internal/problem:FuzzReportBody \
	./internal/geo:FuzzCollection ./internal/frontage:FuzzCSV ./internal/frontage:FuzzFeature \
	./internal/heat:FuzzParseFilter ./internal/stats:FuzzParseMonth ./internal/hotline:FuzzRead
fuzz-smoke:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg >/tmp/gridkeeper-fuzz.$$$$.log 2>&1 || \
			{ tail -n 30 /tmp/gridkeeper-fuzz.$$$$.log; rm -f /tmp/gridkeeper-fuzz.$$$$.log; exit 1; }; \
		rm -f /tmp/gridkeeper-fuzz.$$$$.log; done

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
