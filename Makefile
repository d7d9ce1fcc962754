# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
export CCACHE_BASEDIR := $(CURDIR)
PORT ?= 8080

.PHONY: run test build deps unit integration e2e bench format clean

run: deps build
	./scripts/run.sh

# Prints its own duration (dependencies and build included), whether it passed or not.
test:
	@start=$$(date +%s); rc=0; \
	$(MAKE) --no-print-directory deps build && ./scripts/test.sh || rc=$$?; \
	t=$$(( $$(date +%s) - start )); echo "make test took $$((t / 60)) min $$((t % 60)) s"; exit $$rc

deps:
	./scripts/install-deps.sh

build:
	./scripts/build.sh

unit:
	cd build && ctest --output-on-failure -j2

integration:
	./scripts/test.sh integration

e2e:
	./scripts/test.sh e2e

bench: build
	./bench/http.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
