#!/usr/bin/env bash
# `make run`: serve the site on http://localhost:8080 with SQLite in var/ and the demo content.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${GOVHUB_DATA_DIR:-var}
PORT=${GOVHUB_PORT:-8080}
echo "govhub: data in $DATA_DIR/ (SQLite), site on http://localhost:$PORT — stop with Ctrl-C"
exec build/govhub serve --data-dir "$DATA_DIR" --port "$PORT" --seed-demo
