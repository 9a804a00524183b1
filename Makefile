# Make targets are what CI runs: `make lint test`.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
TEST_OUTPUT ?= $(CURDIR)/test-output
FUZZTIME    ?= 45s

.PHONY: run build test test-unit test-browser lint bench refdata assets docker clean

## run: start the dashboard on :8080 with SQLite at data/resilience.db (demo data on first start)
run:
	$(GO) run ./cmd/resilience

## build: build the binary into bin/resilience
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o bin/resilience ./cmd/resilience

## test: every test under the race detector but the browser tests, then the
## browser tests in headless Chromium (without the race detector, which
## slows a real browser's page loads tenfold and finds nothing the HTTP
## tests of the same handlers do not), then a bounded fuzzing run of the
## return parser (SECURITY U7)
test:
	TEST_OUTPUT=$(TEST_OUTPUT) $(GO) test -race -count=1 -timeout 40m -skip='^TestBrowser' ./...
	TEST_OUTPUT=$(TEST_OUTPUT) $(GO) test -count=1 -timeout 40m -run='^TestBrowser' ./cmd/resilience/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10x ./internal/returns/

## lint: gofmt, go vet and staticcheck must all be clean
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## bench: Go benchmarks (each once, so the national import runs once; those
## touching the database on SQLite and on PostgreSQL side by side), one
## council's return 200 times for its p50 (P2), then P3 over HTTP with wrk
## on each database
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1x ./...
	$(GO) test -run='^$$' -bench='^BenchmarkSubmitTemplate$$' -benchmem -benchtime=200x ./internal/intake/
	bash scripts/bench-http.sh sqlite
	bash scripts/bench-http.sh postgres

## refdata: regenerate data/reference from ../shared/reference
refdata:
	$(GO) run ./cmd/resilience refdata --from ../shared/reference --to data/reference

## assets: re-vendor GOV.UK Frontend, echarts and axe-core from npm
assets:
	bash scripts/vendor-assets.sh

docker:
	docker build -t resilience .

clean:
	rm -rf bin $(TEST_OUTPUT)
