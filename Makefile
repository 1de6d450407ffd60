# Haven's entry points. The two set-up commands are `make run` and `make test`; each installs
# what it needs (scripts/bootstrap.sh: Debian packages, npm packages from package-lock.json).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
SHARED ?= $(abspath ../shared)
HAVEN := build/release/cli/haven

.PHONY: run chat test deps test-deps build release dev dev-haven asan unit unit-asan eval bench fuzz format layering clean

# `make run`: the service on the embedded default (SQLite under HAVEN_DATA, the built-in reply
# engine), HTTPS with a self-signed certificate for localhost created on first start; the key
# file lives outside the data directory (~/.config/haven/haven.key, or HAVEN_KEY_FILE).
# `make chat` talks to the engine in the terminal instead.
HAVEN_DATA ?= $(HOME)/.local/share/haven
HAVEN_LISTEN ?= 127.0.0.1:8443

run: deps release
	@echo "haven: data in $(HAVEN_DATA); open the URL below (self-signed certificate: accept it once)"
	$(HAVEN) serve --data-dir $(HAVEN_DATA) --listen $(HAVEN_LISTEN)

chat: deps release
	$(HAVEN) chat

# Every test runs once: unit, scenario and integration tests under ASan and UBSan; the browser
# and training tests (label `once`) and the evaluation smoke on the optimised dev build, of which
# only the haven binary is built. `make dev` + `ctest --preset dev` runs everything on dev.
test: test-deps layering dev-haven asan
	ctest --preset ci-once
	ctest --preset ci-asan
	@$(MAKE) --no-print-directory eval-smoke

deps:
	@scripts/bootstrap.sh

test-deps:
	@scripts/bootstrap.sh --test
	@[ -d node_modules/vader-sentiment ] && [ -d node_modules/playwright-core ] || \
	  npm ci --no-audit --no-fund --loglevel=error

release:
	@cmake --preset release >/dev/null
	cmake --build --preset release -j$(JOBS) --target haven

dev:
	@cmake --preset dev >/dev/null
	cmake --build --preset dev -j$(JOBS)

dev-haven:
	@cmake --preset dev >/dev/null
	cmake --build --preset dev -j$(JOBS) --target haven

asan:
	@cmake --preset asan >/dev/null
	cmake --build --preset asan -j$(JOBS)

# The shared evaluation scripts on the dev build (they need ../shared; skipped without it).
eval-smoke:
	@scripts/eval.sh --smoke build/dev/cli/haven

eval: dev
	@scripts/eval.sh build/dev/cli/haven

# server_bench and console_bench (docs/benchmarks.md) are built only here, not by any preset's
# default build. SERVER_BENCH_ARGS=--quick CONSOLE_BENCH_ARGS=--quick for a smoke run.
bench: release
	cmake --build --preset release -j$(JOBS) --target bench_analyze bench_turn server_bench console_bench instances_bench
	build/release/bench/bench_analyze
	build/release/bench/bench_turn
	build/release/bench/instances_bench
	build/release/bench/server_bench $(SERVER_BENCH_ARGS)
	build/release/bench/console_bench $(CONSOLE_BENCH_ARGS)

fuzz:
	@cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j$(JOBS)
	scripts/fuzz.sh build/fuzz 60

layering:
	@scripts/check_layering.sh

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
