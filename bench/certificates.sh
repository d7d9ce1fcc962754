#!/usr/bin/env bash
# Issuing certificates by bulk approval (issue 17): N pending certificate requests (default
# 10,000) approved through POST /api/requests/decide, 200 per call; prints certificates per
# second (target >= 50), the server's peak RSS, the rate of issue and PDF together once the
# render job has drawn every PDF, and the render's p50/p95.
# SQLite. See bench/certificates.py and bench/README.md ("Certificates").
#   N=10000 bench/certificates.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${GOVHUB_BIN:-build/govhub}
[[ -x $BIN ]] || { echo "$BIN is missing: make build (or set GOVHUB_BIN)"; exit 1; }
GOVHUB_BIN=$(realpath "$BIN") GOVHUB_SOURCE_DIR=$PWD exec /usr/bin/python3 bench/certificates.py "${N:-10000}"
