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

if [[ $what == all || $what == unit ]]; then
  run unit ctest --test-dir build --output-on-failure -j2
fi
if [[ $what == all || $what == integration ]]; then
  # Debian's python3 (it has python3-pytest and python3-aiosmtpd), not a pyenv shim.
  run "integration (SQLite)" env GOVHUB_TEST_ENGINE=sqlite /usr/bin/python3 -m pytest -q -p no:cacheprovider --durations=8 tests/integration
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
