#!/usr/bin/env bash
# `make test`: unit tests, integration tests against a real govhub process, browser journeys.
# With an argument (unit | integration | e2e) runs only that part.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOVHUB_BIN="$root/build/govhub"
export GOVHUB_SOURCE_DIR="$root"
mkdir -p tests/artifacts
what=${1:-all}
failed=()

# A throw-away PostgreSQL 15 cluster for the second engine, removed when the script ends.
pg_dir=$(mktemp -d /tmp/govhub-test-pg-XXXXXX)
cleanup() { scripts/pg-cluster.sh stop "$pg_dir"; }
trap cleanup EXIT
if [[ $what != e2e ]]; then
  GOVHUB_TEST_PG_URL=$(scripts/pg-cluster.sh start "$pg_dir") || { echo "cannot start PostgreSQL"; exit 1; }
  export GOVHUB_TEST_PG_URL
  echo "PostgreSQL test cluster: $GOVHUB_TEST_PG_URL"
fi

run() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  if "$@"; then echo "=== $name: ok ($((SECONDS - start)) s)"; else echo "=== $name: FAILED ($((SECONDS - start)) s)"; failed+=("$name"); fi
}

# The AddressSanitizer + UndefinedBehaviorSanitizer build (scripts/build.sh asan) runs the unit
# tests, the fuzz corpus replay and the SQLite integration suite. Every process it starts (servers,
# CLI commands, the SQL sandbox child) writes any sanitizer report to $san_logs; a report fails
# the suite even when the test around it passed.
san_logs=$root/tests/artifacts/sanitizer
rm -rf "$san_logs"; mkdir -p "$san_logs"
export ASAN_OPTIONS="log_path=$san_logs/asan:detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="log_path=$san_logs/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
sanitizer_clean() {
  "$@" || return 1
  local reports=("$san_logs"/*)
  [[ -e ${reports[0]} ]] || return 0
  echo "sanitizer reports:"; head -c 20000 "${reports[@]}"
  return 1
}

if [[ $what == all || $what == unit ]]; then
  run "unit + fuzz corpus replay (ASan+UBSan)" sanitizer_clean ctest --test-dir build-asan --output-on-failure -j2
fi
if [[ $what == all || $what == integration ]]; then
  # Debian's python3 (it has python3-pytest and python3-aiosmtpd), not a pyenv shim.
  run "integration (SQLite, ASan+UBSan)" sanitizer_clean env GOVHUB_BIN="$root/build-asan/govhub" GOVHUB_TEST_SANITIZED=1 \
    GOVHUB_TEST_ENGINE=sqlite /usr/bin/python3 -m pytest -q -p no:cacheprovider --durations=8 tests/integration
  run "integration (PostgreSQL)" env GOVHUB_TEST_ENGINE=postgres /usr/bin/python3 -m pytest -q -p no:cacheprovider --durations=8 tests/integration
  # Several nodes on one PostgreSQL, and nginx in front of them (docs/deploy/).
  run "multi-node (PostgreSQL)" env GOVHUB_TEST_ENGINE=postgres /usr/bin/python3 -m pytest -q -p no:cacheprovider --durations=3 tests/multinode
fi
if [[ $what == all || $what == e2e ]]; then
  run e2e node --test tests/e2e/
fi

if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
