#!/usr/bin/env bash
# Catalog search at scale, on both engines: generate DATASETS datasets with Thai titles and
# notes (ข้อมูล in most), print the indexing rate, then package_search p50/p95 over HTTP for
# Thai and English queries with six facets. Anchor (published, not measured here): Solr behind
# data.gov answers package_search in 200-300 ms. Target: p95 < 50 ms. Timings are printed,
# never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
DATASETS=${DATASETS:-100000}
ROUNDS=${ROUNDS:-10}
BIN=${GOVHUB_BIN:-build/govhub}
work=$(mktemp -d)
pg_dir=$(mktemp -d /tmp/govhub-bench-pg-XXXXXX)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  scripts/pg-cluster.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }

admin=$(scripts/pg-cluster.sh start "$pg_dir")
psql "$admin" -qc "CREATE DATABASE bench_search"
echo "$DATASETS generated datasets per engine, $ROUNDS rounds of 5 queries per language, 6 facets, rows=10"
printf '%-12s %16s %12s %12s %12s %12s\n' engine "index datasets/s" "thai p50" "thai p95" "eng p50" "eng p95"
changes=()
for engine in sqlite postgres; do
  if [[ $engine == sqlite ]]; then url="sqlite:$work/sqlite/govhub.db"; else url="${admin%/*}/bench_search"; fi
  mkdir -p "$work/$engine"
  rate=$("$BIN" admin bench-seed --datasets "$DATASETS" --data-dir "$work/$engine" --database-url "$url" 2>/dev/null \
         | awk '/datasets\/s/ {print $(NF-1)}')
  token=$("$BIN" admin create-token admin --data-dir "$work/$engine" --database-url "$url" 2>/dev/null)
  port=$(free_port)
  "$BIN" serve --port "$port" --address 127.0.0.1 --data-dir "$work/$engine" --database-url "$url" --no-access-log \
    --rate-limit-api-anonymous 0 --job-workers 0 >"$work/$engine.log" 2>&1 &
  pid=$!
  wait_port "$port"
  mapfile -t lines < <(/usr/bin/python3 bench/search_latency.py "$port" "$ROUNDS" "$token")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  read -r _ tp50 tp95 _ <<<"${lines[0]}"
  read -r _ ep50 ep95 _ <<<"${lines[1]}"
  read -r _ cp50 cp95 wp50 wp95 cold <<<"${lines[2]}"
  printf '%-12s %16s %9s ms %9s ms %9s ms %9s ms\n' "$engine" "$rate" "$tp50" "$tp95" "$ep50" "$ep95"
  changes+=("$(printf '%-12s %12s ms %12s ms %12s ms %12s ms %12s ms' "$engine" "$cp50" "$cp95" "$wp50" "$wp95" "$cold")")
done
echo
echo "a search right after an edit (package_patch, then package_search q=ข้อมูล), and the first search of a node"
printf '%-12s %15s %15s %15s %15s %15s\n' engine "after-edit p50" "after-edit p95" "edit p50" "edit p95" "first search"
printf '%s\n' "${changes[@]}"
echo "anchor (published): Solr at data.gov, 200-300 ms per package_search; target p95 < 50 ms"
