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

run() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then echo "=== $name: ok"; else echo "=== $name: FAILED"; failed+=("$name"); fi
}

if [[ $what == all || $what == unit ]]; then
  run unit ctest --test-dir build --output-on-failure -j2
fi
if [[ $what == all || $what == integration ]]; then
  # Debian's python3 (it has python3-pytest and python3-aiosmtpd), not a pyenv shim.
  run integration /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration
fi
if [[ $what == all || $what == e2e ]]; then
  run e2e node --test tests/e2e/
fi

if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
