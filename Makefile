# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
export CCACHE_BASEDIR := $(CURDIR)
PORT ?= 8080

.PHONY: run test build build-asan deps unit integration e2e bench fuzz fuzz-merge tsan format clean

# Builds only what it serves (the server and its SQL sandbox), not the tests.
run: deps
	./scripts/build.sh server
	./scripts/run.sh

# Prints its own duration (dependencies and build included), whether it passed or not.
test:
	@start=$$(date +%s); rc=0; \
	$(MAKE) --no-print-directory deps build build-asan && ./scripts/test.sh || rc=$$?; \
	t=$$(( $$(date +%s) - start )); echo "make test took $$((t / 60)) min $$((t % 60)) s"; exit $$rc

deps:
	./scripts/install-deps.sh

build:
	./scripts/build.sh

# AddressSanitizer + UndefinedBehaviorSanitizer build with the fuzz corpus replay (make test uses it).
build-asan:
	./scripts/build.sh asan

unit:
	cd build && ctest --output-on-failure -j2

integration:
	./scripts/test.sh integration

e2e:
	./scripts/test.sh e2e

# Every fuzz target for FUZZ_SECONDS (default 120) with clang-16 + libFuzzer (fuzz/README.md).
fuzz:
	./scripts/install-deps.sh --fuzz
	./scripts/fuzz.sh

# Folds the inputs the last `make fuzz` found that add coverage into fuzz/corpus/.
fuzz-merge:
	./scripts/fuzz.sh --merge

# ThreadSanitizer: builds build-tsan/, runs the HTTP server's, job runner's and usage recorder's
# unit tests and an integration subset against the TSan server; clean or it fails (scripts/tsan.sh,
# docs/security.md). Not part of `make test`. About 2 min once build-tsan/ is built.
tsan:
	./scripts/tsan.sh

bench: build
	./bench/http.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
