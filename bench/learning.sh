#!/usr/bin/env bash
# Learning under many learners at once (issue 16): LEARNERS learners (default 200), each signed
# up with the laser code (a DOPA stand-in), enrolled in a published course and launched into its
# SCORM lesson, then for SECONDS (default 20) each on its own keep-alive connection commits SCORM
# data and loads the course page in turn, with no think time; GET status_show by as many
# connections, just before, is the anchor. Prints requests, req/s, p50/p95/p99 and errors of
# each, the targets beside them (SCORM commit p95 < 20 ms, course page p95 < 30 ms at 200
# learners, no errors) and the CPU the client and the server took. Timings are printed, never
# asserted. See bench/README.md ("Learning").
#   LEARNERS=500 SECONDS=20 bench/learning.sh
# Also: CLIENT_PROCS (client processes, default 2), WARMUP (s, default 3), SUSPEND_KIB (default
# 4), SETUP_THREADS (default 16), LEARNING_KEEP=1 keeps the data directory and the server log.
# SECONDS is also bash's own clock (seconds since the shell started, counted from a value given
# in the environment): read it first thing; 0 means it was not given.
phase_seconds=$SECONDS
[[ $phase_seconds -gt 0 ]] || phase_seconds=20
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${LEARNERS:-200}
BIN=${GOVHUB_BIN:-build/govhub}
[[ -x $BIN ]] || { echo "$BIN is missing: make build (or set GOVHUB_BIN)"; exit 1; }
BIN=$(realpath "$BIN")
work=$(mktemp -d /tmp/govhub-learning-XXXXXX)
cleanup() { if [[ -n ${LEARNING_KEEP:-} ]]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
/usr/bin/python3 bench/learning.py "$BIN" "$work" "$LEARNERS" "$phase_seconds"
