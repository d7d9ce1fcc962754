#!/usr/bin/env bash
# `make run`: serve the site on http://localhost:8080 with SQLite in var/ and the demo content.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${GOVHUB_DATA_DIR:-var}
PORT=${GOVHUB_PORT:-8080}
# Links in e-mails and the API's examples name this port unless GOVHUB_SITE_URL says otherwise.
SITE_URL=${GOVHUB_SITE_URL:-http://localhost:$PORT}
echo "govhub: data in $DATA_DIR/ (SQLite), site on $SITE_URL — stop with Ctrl-C"
exec build/govhub serve --data-dir "$DATA_DIR" --port "$PORT" --site-url "$SITE_URL" --seed-demo
