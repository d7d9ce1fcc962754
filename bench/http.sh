#!/usr/bin/env bash
# HTTP benchmark: wrk against govhub's status_show and against nginx serving the same JSON as a
# static file, in the same run on the same machine. Prints both req/s and the ratio.
# Target: govhub >= 0.6x nginx on a 2-core machine. Timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
BIN=${GOVHUB_BIN:-build/govhub}
command -v wrk >/dev/null || { echo "wrk is missing: make deps"; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is missing: make deps"; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
cleanup() {
  [[ -n ${gh_pid:-} ]] && kill "$gh_pid" 2>/dev/null && wait "$gh_pid" 2>/dev/null
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }

gh_port=$(free_port)
"$BIN" serve --port "$gh_port" --address 127.0.0.1 --data-dir "$work/data" --no-access-log \
  --rate-limit-api-anonymous 0 --rate-limit-api 0 --site-url "http://127.0.0.1:$gh_port" >"$work/govhub.log" 2>&1 &
gh_pid=$!
wait_port "$gh_port"

mkdir -p "$work/www/api/3/action"
curl -s "http://127.0.0.1:$gh_port/api/3/action/status_show" >"$work/www/api/3/action/status_show"
ng_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 100000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$ng_port; root $work/www; }
}
CONF
mkdir -p "$work/tmp"
chmod -R a+rX "$work"
"$NGINX" -c "$work/nginx.conf" -p "$work"
wait_port "$ng_port"

bytes=$(wc -c <"$work/www/api/3/action/status_show")
echo "status_show: $bytes bytes of JSON; wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores"
rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'; }
nginx_rps=$(rps "http://127.0.0.1:$ng_port/api/3/action/status_show")
govhub_rps=$(rps "http://127.0.0.1:$gh_port/api/3/action/status_show")
ratio=$(awk -v a="$govhub_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
printf '%-34s %12s req/s\n' "nginx (static file, anchor)" "$nginx_rps" "govhub status_show" "$govhub_rps"
echo "ratio govhub/nginx: ${ratio}x (target >= 0.6x)"
