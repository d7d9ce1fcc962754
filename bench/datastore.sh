#!/usr/bin/env bash
# The automatic API at scale, on both engines: a generated CSV of ROWS rows (default 1,000,000,
# about 150 MB, mixed types and Thai text) is uploaded as a resource; printed are the time from
# the upload to a queryable and a full-text-searchable table, the server's peak memory, and
# datastore_search p50/p95 for a filter, a Thai q and a sort. Anchors in the same run: xloader's
# pipeline on the same file (PostgreSQL COPY into an all-text table, then a tsvector column and
# its GIN index) and `sqlite3 .import`. Targets: searchable no later than the xloader pipeline;
# peak RSS under 256 MiB. Timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-20}
BIN=${GOVHUB_BIN:-build/govhub}
work=$(mktemp -d /tmp/govhub-bench-ds-XXXXXX)
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
now() { date +%s.%N; }
secs() { python3 -c "print('%.1f' % ($2 - $1))"; }

csv="$work/projects.csv"
/usr/bin/python3 bench/datastore_gen.py "$csv" "$ROWS"
size_mb=$(python3 -c "import os; print('%.0f' % (os.path.getsize('$csv') / 1e6))")
admin=$(scripts/pg-cluster.sh start "$pg_dir")
base="${admin%/*}"
echo "$ROWS rows, ${size_mb} MB CSV (8 fields: int, text, text, Buddhist-era date, numeric, int, yes/no, Thai text)"

# Anchors.
t0=$(now)
psql "$admin" -qc "CREATE DATABASE anchor"
psql "$base/anchor" -q <<SQL
CREATE TABLE a (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text);
\copy a FROM '$csv' WITH (FORMAT csv, HEADER true)
SQL
t1=$(now)
psql "$base/anchor" -q <<SQL
ALTER TABLE a ADD COLUMN _full_text tsvector;
UPDATE a SET _full_text = to_tsvector('english', concat_ws(' ', c1, c2, c3, c4, c5, c6, c7, c8));
CREATE INDEX a_ft ON a USING GIN (_full_text);
SQL
t2=$(now)
copy_s=$(secs "$t0" "$t1"); xloader_s=$(secs "$t0" "$t2")
t0=$(now)
sqlite3 "$work/anchor.db" ".import --csv $csv a"
sqlite_s=$(secs "$t0" "$(now)")

printf '\n%-12s %14s %16s %14s %12s %12s\n' engine "queryable (s)" "searchable (s)" "indexed (s)" "peak RSS" "load rows/s"
results=()
for engine in sqlite postgres; do
  dir="$work/$engine"; mkdir -p "$dir"
  if [[ $engine == sqlite ]]; then url="sqlite:$dir/govhub.db"; else psql "$admin" -qc "CREATE DATABASE bench_ds"; url="$base/bench_ds"; fi
  "$BIN" migrate --data-dir "$dir" --database-url "$url" >/dev/null
  "$BIN" admin create-user --name bench --email bench@example.go.th --password "ทดสอบ-datastore-2569" --sysadmin \
    --data-dir "$dir" --database-url "$url" >/dev/null
  token=$("$BIN" admin create-token bench --data-dir "$dir" --database-url "$url")
  port=$(free_port)
  "$BIN" serve --port "$port" --address 127.0.0.1 --data-dir "$dir" --database-url "$url" --no-access-log \
    --rate-limit-api 0 --rate-limit-api-anonymous 0 --job-poll-ms 100 >"$dir/server.log" 2>&1 &
  pid=$!
  wait_port "$port"
  api="http://127.0.0.1:$port/api/3/action"
  curl -sf -H "Authorization: $token" -H 'Content-Type: application/json' -d '{"name":"bench-org","title":"หน่วยงานทดสอบ"}' "$api/organization_create" >/dev/null
  curl -sf -H "Authorization: $token" -H 'Content-Type: application/json' -d @- "$api/package_create" >/dev/null <<JSON
{"name":"bench-projects","title":"โครงการพัฒนาท้องถิ่น","owner_org":"bench-org","data_type":"ข้อมูลระเบียน",
 "notes":"ข้อมูลทดสอบ","tags":[{"name":"ทดสอบ"}],"maintainer":"ทดสอบ","maintainer_email":"t@example.go.th",
 "objective":["ยุทธศาสตร์ชาติ"],"update_frequency_unit":"ปี","geo_coverage":"ประเทศ","data_source":"ระบบงาน",
 "data_format":["CSV"],"data_category":"ข้อมูลสาธารณะ","license_id":"cc-by"}
JSON
  t0=$(now)
  rid=$(curl -sf -H "Authorization: $token" -F package_id=bench-projects -F "upload=@$csv" "$api/resource_create" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["id"])')
  # Queryable and searchable arrive together: the table is swapped in with its index built.
  until curl -sf "$api/datastore_info?resource_id=$rid" >/dev/null; do
    if grep -q '"level":"error".*datastore' "$dir/server.log"; then echo "load failed"; tail -5 "$dir/server.log"; exit 1; fi
    sleep 0.2
  done
  t_query=$(now)
  q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("ระบบประปา"))')
  until [[ $(curl -sf "$api/datastore_search?resource_id=$rid&q=$q&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["total"] > 0)') == True ]]; do sleep 0.2; done
  t_search=$(now)
  # Then the indexes for filters and sorts, built while the table already answers; the
  # latencies below are measured once the load job has finished.
  until [[ $(curl -sf -H "Authorization: $token" "http://127.0.0.1:$port/api/jobs?kind=datastore.load&state=succeeded" |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["count"] > 0)') == True ]]; do sleep 0.2; done
  t_indexed=$(now)
  rss=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status")
  qs=$(secs "$t0" "$t_query"); ss=$(secs "$t0" "$t_search"); is=$(secs "$t0" "$t_indexed")
  rate=$(python3 -c "print(int($ROWS / max(0.001, $t_query - $t0)))")
  printf '%-12s %14s %16s %14s %12s %12s\n' "$engine" "$qs" "$ss" "$is" "$rss" "$rate"
  mapfile -t lines < <(/usr/bin/python3 bench/datastore_latency.py "$port" "$rid" "$ROUNDS")
  for l in "${lines[@]}"; do results+=("$engine $l"); done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
printf '\n%-40s %10s\n' "anchor" "seconds"
printf '%-40s %10s\n' "PostgreSQL COPY, all text (xloader)" "$copy_s" "xloader pipeline: COPY + tsvector + GIN" "$xloader_s" "sqlite3 .import" "$sqlite_s"
printf '\n%-12s %-8s %10s %10s %10s\n' engine query "p50 (ms)" "p95 (ms)" total
for r in "${results[@]}"; do
  read -r e n p50 p95 total <<<"$r"
  printf '%-12s %-8s %10s %10s %10s\n' "$e" "$n" "$p50" "$p95" "$total"
done
echo "targets: searchable <= the xloader pipeline; peak RSS < 256 MiB"
