#!/usr/bin/env bash
# Both engines side by side, in one run on this machine:
#   1. HTTP: wrk against status_show (anonymous) and user_show (API token: a database read)
#      on SQLite and on PostgreSQL, with nginx serving the same JSON as the anchor;
#   2. jobs: test.noop jobs completed per second by 2 processes x N workers.
# Timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
JOBS=${JOBS:-5000}
WORKERS=${WORKERS:-4}
BIN=${GOVHUB_BIN:-build/govhub}
export GOVHUB_BIN=$PWD/$BIN
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
pg_dir=$(mktemp -d /tmp/govhub-bench-pg-XXXXXX)  # its own folder: the cluster belongs to `postgres`
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  scripts/pg-cluster.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
rps() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$@" | awk '/Requests\/sec/ {print $2}'; }

admin=$(scripts/pg-cluster.sh start "$pg_dir")
pg_base=${admin%/*}
echo "PostgreSQL 15 throw-away cluster; wrk -t2 -c$CONNECTIONS -d$DURATION; $(nproc) cores"
echo "(rate-limit counters: in memory on SQLite, shared in the database on PostgreSQL)"

declare -A status_rps user_rps status_off_rps user_off_rps jobs_rate
for engine in sqlite postgres; do
  if [[ $engine == sqlite ]]; then url="sqlite:$work/$engine/govhub.db"; else
    psql "$admin" -qc "CREATE DATABASE bench_http"; url="$pg_base/bench_http"; fi
  mkdir -p "$work/$engine"
  "$BIN" admin create-user --name bencher --email b@example.go.th --password 'bench-pass-2569' \
    --data-dir "$work/$engine" --database-url "$url" >/dev/null
  token=$("$BIN" admin create-token bencher --data-dir "$work/$engine" --database-url "$url")
  port=$(free_port)
  # Rate limits on (limits too high to trigger): counters in memory on SQLite, shared in the
  # database on PostgreSQL (a write per API call), as in production.
  "$BIN" serve --port "$port" --address 127.0.0.1 --data-dir "$work/$engine" --database-url "$url" \
    --no-access-log --rate-limit-api 100000000 --rate-limit-api-anonymous 100000000 --job-workers 0 \
    >"$work/$engine.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
  status_rps[$engine]=$(rps "http://127.0.0.1:$port/api/3/action/status_show")
  user_rps[$engine]=$(rps -H "Authorization: $token" "http://127.0.0.1:$port/api/3/action/user_show")
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  # Rate limits off: the engine's cost alone.
  "$BIN" serve --port "$port" --address 127.0.0.1 --data-dir "$work/$engine" --database-url "$url" \
    --no-access-log --rate-limit-api 0 --rate-limit-api-anonymous 0 --job-workers 0 >>"$work/$engine.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
  status_off_rps[$engine]=$(rps "http://127.0.0.1:$port/api/3/action/status_show")
  user_off_rps[$engine]=$(rps -H "Authorization: $token" "http://127.0.0.1:$port/api/3/action/user_show")
  if [[ $engine == sqlite ]]; then jurl="sqlite:$work/jobs-sqlite.db"; else
    psql "$admin" -qc "CREATE DATABASE bench_jobs"; jurl="$pg_base/bench_jobs"; fi
  read -r done secs rate < <(/usr/bin/python3 bench/jobqueue.py "$jurl" "$JOBS" 2 "$WORKERS")
  jobs_rate[$engine]="$rate jobs/s ($done jobs in ${secs}s)"
done

# Anchor: nginx serving status_show's JSON as a file.
mkdir -p "$work/www/api/3/action"
cp /dev/null "$work/www/api/3/action/status_show"
curl -s "http://127.0.0.1:$port/api/3/action/status_show" >"$work/www/api/3/action/status_show"
ng_port=$(free_port)
mkdir -p "$work/tmp"
cat >"$work/nginx.conf" <<CONF
worker_processes 2; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; default_type application/json; keepalive_requests 100000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$ng_port; root $work/www; } }
CONF
chmod -R a+rX "$work/www" "$work"
"$NGINX" -c "$work/nginx.conf" -p "$work"
wait_port "$ng_port"
nginx_rps=$(rps "http://127.0.0.1:$ng_port/api/3/action/status_show")

printf '\n%-52s %14s %14s\n' "" "SQLite" "PostgreSQL"
printf '%-52s %14s %14s\n' "status_show req/s, rate limits on (default)" "${status_rps[sqlite]}" "${status_rps[postgres]}"
printf '%-52s %14s %14s\n' "status_show req/s, rate limits off" "${status_off_rps[sqlite]}" "${status_off_rps[postgres]}"
printf '%-52s %14s %14s\n' "user_show + API token req/s, limits on" "${user_rps[sqlite]}" "${user_rps[postgres]}"
printf '%-52s %14s %14s\n' "user_show + API token req/s, limits off" "${user_off_rps[sqlite]}" "${user_off_rps[postgres]}"
printf '%-52s %14s\n' "anchor: nginx static file req/s" "$nginx_rps"
echo
echo "job queue, 2 processes x $WORKERS workers, $JOBS test.noop jobs:"
printf '  %-10s %s\n' SQLite "${jobs_rate[sqlite]}" PostgreSQL "${jobs_rate[postgres]}"
