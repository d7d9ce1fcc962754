#!/usr/bin/env bash
# Soak under attack: a mixed workload of well-behaved clients (search pages and package_search
# in Thai and English, dataset pages, datastore_search with filters and full text,
# datastore_search_sql, form logins, editors' uploads with CSRF, API-token calls) for MINUTES per
# phase, first alone (baseline), then while a hostile client sends slow headers and bodies, idle
# and flooded connections, deep and huge requests, heavy SQL-sandbox and full-text queries, and
# wrong logins. Prints the ordinary clients' p50/p99 per phase side by side, their errors, what
# the attacker got, and the server's RSS growth after warm-up.
#   bench/soak.sh [--minutes N] [--engine sqlite|postgres]      (SOAK_MINUTES=0.5 for a quick check)
# Timings are printed, never asserted; the exit status is 1 if an ordinary client saw an error
# (errors are correctness, not timing) or the server stopped answering.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${SOAK_MINUTES:-3}
ENGINE=${SOAK_ENGINE:-sqlite}
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) MINUTES=$2; shift 2 ;;
    --engine) ENGINE=$2; shift 2 ;;
    *) echo "usage: $0 [--minutes N] [--engine sqlite|postgres]" >&2; exit 2 ;;
  esac
done
CLIENTS=${SOAK_CLIENTS:-12}        # ordinary clients, each its own address, account and token
ATTACK_IPS=${SOAK_ATTACK_IPS:-3}   # addresses (and accounts) the attacker has
DATASETS=${SOAK_DATASETS:-2000}
export SOAK_DATASETS=$DATASETS SOAK_ROWS=${SOAK_ROWS:-50000}
BIN=${GOVHUB_BIN:-build/govhub}
[[ -x $BIN ]] || { echo "$BIN is missing: make build (or set GOVHUB_BIN)"; exit 1; }
newest_src=$(find src web -type f -newer "$BIN" -print -quit)
[[ -z $newest_src ]] || echo "warning: $newest_src is newer than $BIN (make build?)" >&2

work=$(mktemp -d /tmp/govhub-soak-XXXXXX)
pg_dir=""
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n $pg_dir ]] && scripts/pg-cluster.sh stop "$pg_dir"
  if [[ -n ${SOAK_KEEP:-} ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }

case $ENGINE in
  sqlite) url="sqlite:$work/govhub.db" ;;
  postgres)
    pg_dir=$(mktemp -d /tmp/govhub-soak-pg-XXXXXX)
    admin=$(scripts/pg-cluster.sh start "$pg_dir")
    psql "$admin" -qc "CREATE DATABASE soak"
    url="${admin%/*}/soak" ;;
  *) echo "--engine sqlite|postgres" >&2; exit 2 ;;
esac

"$BIN" admin bench-seed --datasets "$DATASETS" --data-dir "$work" --database-url "$url" >/dev/null 2>&1
/usr/bin/python3 bench/soak.py prepare "$BIN" "$work" "$url" "$CLIENTS" "$ATTACK_IPS"
port=$(free_port)
# The setup (the datastore table, editors' memberships) on a server without rate limits...
"$BIN" serve --port "$port" --address 127.0.0.1 --data-dir "$work" --database-url "$url" --no-access-log \
  --rate-limit-api 0 --rate-limit-api-anonymous 0 >"$work/setup.log" 2>&1 &
pid=$!
wait_port "$port"
/usr/bin/python3 bench/soak.py setup "$port" "$work"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
# ...then the soak on a fresh process with production limits (rate limits, lock-outs, bulkheads,
# timeouts all at their defaults), as behind nginx: --trust-proxy, so each client is known by
# its own X-Forwarded-For address.
"$BIN" serve --port "$port" --address 127.0.0.1 --data-dir "$work" --database-url "$url" --trust-proxy \
  --site-url "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
wait_port "$port"
echo "govhub $("$BIN" --version 2>/dev/null || true) on $ENGINE, $(nproc) cores, pid $pid"
status=0
/usr/bin/python3 bench/soak.py run "$port" "$pid" "$work" "$MINUTES" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then echo "the server died:"; tail -5 "$work/server.log"; status=1; fi
fatal=$(grep -c '"level":"fatal"' "$work/server.log" || true)
echo "server log: $(wc -l <"$work/server.log") lines, $fatal fatal, $(grep -c '"status":5' "$work/server.log" || true) 5xx in the access log"
refusals=$(grep -o '"event":"http.bulkhead","msg":"[a-z ]*","pool":"[a-z_]*"' "$work/server.log" |
  sed 's/.*"msg":"\([a-z ]*\)","pool":"\([a-z_]*\)"/\2 \1/' | sort | uniq -c | awk '{c=$1; $1=""; printf "%s%s x%d", (n++ ? ", " : ""), substr($0, 2), c}')
echo "bulkhead refusals (whole run, everyone): ${refusals:-none}"
exit $status
