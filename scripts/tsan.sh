#!/usr/bin/env bash
# `make tsan`: the ThreadSanitizer run (not part of `make test`).
#   1. builds build-tsan/ (RelWithDebInfo, -DGOVHUB_SANITIZE=thread): govhub and the unit tests;
#   2. runs the unit tests of the HTTP server (src/http/*_test.cpp), the job runner
#      (src/jobs/runner_test.cpp) and the API usage recorder (src/accounts/usage_test.cpp);
#   3. runs an integration subset against the TSan `govhub serve`: HTTP (pipelining, slow
#      headers, hostile forms), the Action API and tokens, background jobs, the developer usage
#      page, and test_api_concurrency.py, where eight clients call the API with four tokens at
#      once on 3 I/O + 6 handler + 3 job threads while jobs run.
# Every process started (unit tests, servers, CLI commands) writes any TSan report to
# tests/artifacts/tsan/; one report fails the run even if the test around it passed.
# GOVHUB_TEST_PG_URL (a server, e.g. from scripts/pg-cluster.sh) adds the PostgreSQL variants of the
# unit tests. Extra arguments go to pytest (e.g. -k usage).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=build-tsan
start=$SECONDS
export CCACHE_BASEDIR="$root"

echo "=== build ($build, -DGOVHUB_SANITIZE=thread)"
if [[ ! -f $build/build.ninja ]] || ! grep -q '^GOVHUB_SANITIZE:STRING=thread$' "$build/CMakeCache.txt"; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOVHUB_SANITIZE=thread || exit 1
fi
cmake --build "$build" -j2 --target govhub govhub_unit_tests || exit 1

logs=$root/tests/artifacts/tsan
rm -rf "$logs"; mkdir -p "$logs"
# halt_on_error: the first race stops the process (and so fails its test); the report is kept.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$logs/tsan:suppressions=$root/tests/sanitizer/tsan.supp"
failed=()
clean() {
  local name=$1; shift
  local t=$SECONDS
  echo "=== $name"
  "$@"
  local rc=$?
  local reports=("$logs"/tsan*)
  if [[ -e ${reports[0]} ]]; then
    echo "ThreadSanitizer reports:"; head -c 30000 "${reports[@]}"
    rc=1
  fi
  if ((rc == 0)); then echo "=== $name: ok ($((SECONDS - t)) s)"; else echo "=== $name: FAILED ($((SECONDS - t)) s)"; failed+=("$name"); fi
}

# The test suites (TEST, TEST_F, TEST_P) of the three parts, as a gtest filter.
suites=$(grep -hoE '^TEST(_F|_P)?\(\s*[A-Za-z0-9_]+' src/http/*_test.cpp src/jobs/runner_test.cpp \
  src/accounts/usage_test.cpp | sed -E 's/^TEST(_F|_P)?\(\s*//' | sort -u | sed 's/.*/*&.*/' | paste -sd:)
clean "unit tests: http, jobs runner, usage recorder" "$build/govhub_unit_tests" --gtest_filter="$suites"

# Debian's python3 (it has python3-pytest and python3-aiosmtpd), not a pyenv shim.
clean "integration subset against the TSan server (SQLite)" env GOVHUB_BIN="$root/$build/govhub" \
  GOVHUB_SOURCE_DIR="$root" GOVHUB_TEST_ENGINE=sqlite /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  --durations=5 tests/integration/test_http.py tests/integration/test_api.py tests/integration/test_jobs.py \
  tests/integration/test_developer.py tests/integration/test_api_concurrency.py "$@"

t=$((SECONDS - start))
echo "make tsan took $((t / 60)) min $((t % 60)) s"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "ThreadSanitizer: clean"
