#!/usr/bin/env bash
# Issue 14: overload degrades, never fails work. Runs a packaged Freight on a fresh data dir, loads
# ROWS standards, starts a second import of ROWS rows (every row changed) and, while its diff runs,
# 200 clients for SECONDS: 180 reading (filtered library pages, the running job, job lists) and 20
# creating exports (template v2 exports, filtered v1 exports), with wrk. Then accepts the import and
# times filtered library pages on the ROWS-item library.
# Usage: [WARMUP=15] bench/load.sh [ROWS] [SECONDS] [JAR]      (default 1000000 60 target/freight.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
DURATION=${2:-60}
JAR=${3:-target/freight.jar}
API=/api/v2/library/import/

source bench/lib.sh
# /metrics on a port of its own: on the API's port an overloaded server answers it 503 too.
METRICS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_freight load "$JAR" FREIGHT_METRICS_PORT="$METRICS_PORT"
PGPORT=$(grep -m1 "PostgreSQL started on" "$DATA/server.log" | sed -E 's|.*127\.0\.0\.1:([0-9]+) .*|\1|')

api() { curl -sS -H "Authorization: Token $TOKEN" "$@"; }
job() { api "$URL$API$1/"; }
await() { # job id, statuses (regex)
  until [[ $(job "$1" | jq -r .status) =~ ^($2)$ ]]; do sleep 1; done
}
file() { # version: every title carries it, so that each import updates every row
  awk -v n="$ROWS" -v v="$1" 'BEGIN {
    print "id,title,text,problem,priority,phase,active,tags"
    for (i = 0; i < n; i++)
      printf "S%07d,Standard %d version %d,Checks that the control %d is in place and reviewed every year.,P%d,%d,X%d,%s,t%d\n", i, i, v, i, i % 50, 1 + i % 5, i % 8, (i % 3 ? "true" : "false"), i % 20
  }' >"$DATA/standard.csv"
}
import() { # version; prints the job id
  file "$1"
  api -F "files=@$DATA/standard.csv;filename=standard.csv" "$URL$API" | jq -r .id
}
accept() {
  api -X PATCH -H 'Content-Type: application/json' -d '{"status":"accept_changes"}' "$URL$API$1/" >/dev/null
  await "$1" "success|fail"
}

T0=$SECONDS
first=$(import 1)
await "$first" "ready_for_review|fail"
if [[ $(job "$first" | jq -r .status) == fail ]]; then
  echo "import $first failed: $(job "$first" | jq -c .errors | cut -c1-300)" >&2
  exit 1
fi
accept "$first"
echo "loaded $ROWS rows in $((SECONDS - T0)) s: $(job "$first" | jq -c '{status, errors}')"

# The read mix, the running job's page being that of job $1.
reads_lua() {
  cat >"$DATA/reads.lua" <<LUA
local paths = {
  "/api/v2/library/standards/?active=false&page=3",
  "/api/v2/library/standards/?phase=X3&ordering=-priority",
  "/api/v2/library/standards/?search=Standard%2012345",
  "/api/v2/library/standards/?problem=P7&active=true",
  "$API$1/",
  "$API?status=generating_diff",
  "/api/v2/library/export/?page_size=10",
  "/api/v1/exports/?page_size=10",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1], {["Authorization"] = "Token $TOKEN"})
end
LUA
}
cat >"$DATA/creates.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local headers = {["Authorization"] = "Token $TOKEN", ["Content-Type"] = "application/json"}
  if n % 2 == 0 then
    return wrk.format("POST", "/api/v2/library/export/", headers, '{"type":"template","file_format":"json"}')
  end
  return wrk.format("POST", "/api/v2/library/standards/export/?search=Standard%2099" .. (n % 100), headers, '{"format_type":"csv"}')
end
LUA
# Warm-up: the same mix for WARMUP s before the import, so that the figures are the server's steady
# state rather than the JIT compiling the read and create paths (WARMUP=0 measures a cold server).
reads_lua "$first"
if ((${WARMUP:-15} > 0)); then
  wrk -t1 -c180 -d"${WARMUP:-15}s" -s "$DATA/reads.lua" "$URL" >/dev/null &
  WARMING=$!
  wrk -t1 -c20 -d"${WARMUP:-15}s" -s "$DATA/creates.lua" "$URL" >/dev/null
  wait $WARMING
fi

T0=$SECONDS
second=$(import 2)
reads_lua "$second"
until [[ $(job "$second" | jq -r .status) =~ ^(generating_diff|ready_for_review|fail)$ ]]; do sleep 0.5; done
echo "import $second: $(job "$second" | jq -c '{status, progress}') - load starts"
LOG_START=$(wc -l <"$DATA/server.log")
wrk -t1 -c180 -d"${DURATION}s" --timeout 30s --latency -s "$DATA/reads.lua" "$URL" >"$DATA/reads.txt" &
READS=$!
wrk -t1 -c20 -d"${DURATION}s" --timeout 30s --latency -s "$DATA/creates.lua" "$URL" >"$DATA/creates.txt" &
CREATES=$!
# Where the time goes, every 5 s of the load: the machine's load, the request pool (connections in
# use, requests waiting for one, their mean wait in the interval), the event loops' worst lag, the
# import's progress, and what PostgreSQL's backends do (active ones by wait event; CPU when none).
metric() { grep -E "^$1" <<<"$2" | awk '{ s += $NF } END { printf "%.4f", s }' || true; }
# CPU time (clock ticks) of the server's JVM, and of PostgreSQL's postmaster and its backends.
ticks() { cat "${@/#//proc/}" 2>/dev/null | sed -E 's/^[0-9]+ \(.*\) //' | awk '{ s += $12 + $13 } END { print s + 0 }'; }
pg_pids() { local pm; pm=$(head -1 "$DATA/postgres/postmaster.pid"); echo "$pm/stat" $(pgrep -P "$pm" | sed 's|$|/stat|'); }
printf '%-4s %-5s %-6s %-7s %-9s %-8s %-9s %-9s %-24s %s\n' s load1 in_use waiting wait_ms lag_ms java_cpu pg_cpu "import (rows read)" "PostgreSQL active backends (wait event)"
last_sum=0 last_count=0 start=$SECONDS
last_java=$(ticks "$SERVER/stat") last_pg=$(ticks $(pg_pids)) last_at=$(date +%s.%N)
while kill -0 $READS 2>/dev/null; do
  m=$(curl -sS --max-time 10 "http://127.0.0.1:$METRICS_PORT/metrics" || true)
  sum=$(metric 'vertx_pool_queue_time_seconds_sum\{pool_name="freight-requests",pool_type="sql"' "$m")
  count=$(metric 'vertx_pool_queue_time_seconds_count\{pool_name="freight-requests",pool_type="sql"' "$m")
  lag=$(grep -E '^freight_event_loop_lag_seconds_max' <<<"$m" | awk '$NF > x { x = $NF } END { printf "%.0f", x * 1000 }' || true)
  java=$(ticks "$SERVER/stat") pg=$(ticks $(pg_pids)) at=$(date +%s.%N)
  cpu() { awk -v t="$1" -v s="$(awk -v a="$at" -v b="$last_at" 'BEGIN { print a - b }')" 'BEGIN { printf "%.0f%%", t / s }'; }
  printf '%-4s %-5s %-6s %-7s %-9s %-8s %-9s %-9s %-24s %s\n' "$((SECONDS - start))" "$(cut -d' ' -f1 /proc/loadavg)" \
    "$(metric 'vertx_pool_in_use\{pool_name="freight-requests",pool_type="sql"' "$m")" \
    "$(metric 'vertx_pool_queue_pending\{pool_name="freight-requests",pool_type="sql"' "$m")" \
    "$(awk -v s="$sum" -v c="$count" -v ls="$last_sum" -v lc="$last_count" 'BEGIN { printf "%.1f", (c > lc ? (s - ls) / (c - lc) * 1000 : 0) }')" \
    "$lag" "$(cpu $((java - last_java)))" "$(cpu $((pg - last_pg)))" "$(job "$second" | jq -r '.status + " " + (.progress.rows_read | tostring)' 2>/dev/null)" \
    "$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -XAtc "SELECT string_agg(n || ' ' || w, ', ') FROM (SELECT coalesce(wait_event, 'CPU') w, count(*) n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 2 DESC) a" 2>/dev/null)"
  last_sum=$sum last_count=$count last_java=$java last_pg=$pg last_at=$at
  sleep 4
done
wait $READS $CREATES
for kind in reads creates; do
  echo "--- $kind (wrk)"
  grep -E "Requests/sec|requests in|Non-2xx|Socket errors|^ +(50|90|99)%" "$DATA/$kind.txt"
done
# Each route's answers during the load, from the access log: how many, and their p50 and p99 (ms).
echo "--- answers by route and status (access log, from the load's start): count, p50 ms, p99 ms"
tail -n +$((LOG_START + 1)) "$DATA/server.log" | sed -nE 's/.*freight\.access: ([A-Z]+ [^ ]+) ([0-9]{3}) ([0-9]+) ms.*/\1 \2 \3/p' |
  sort -k1,3 -k4,4n | awk '
    function show() { if (n) printf "%-52s %6d %6d %6d\n", key, n, d[int((n - 1) * 0.5) + 1], d[int((n - 1) * 0.99) + 1] }
    { k = $1 " " $2 " " $3; if (k != key) { show(); key = k; n = 0 } d[++n] = $4 }
    END { show() }'
echo "import $second after the load: $(job "$second" | jq -c '{status, progress}')"
await "$second" "ready_for_review|fail"
accept "$second"
echo "import $second: $(job "$second" | jq -c '{status, errors}') ($((SECONDS - T0)) s)"
echo "500s in the server log: $(grep -c 'failed$' "$DATA/server.log" || true)"

echo "--- filtered pages of the $ROWS-item library: median and slowest of 20, seconds"
for query in "active=false&page=3" "phase=X3" "problem=P7&active=true" \
  "search=Standard%20123456" "search=version%202&page=2" "search=nothing-like-this"; do
  times=$(for _ in $(seq 20); do
    api -o /dev/null -w '%{time_total}\n' "$URL/api/v2/library/standards/?$query"
  done | sort -n)
  printf '%-34s %s  %s\n' "$query" "$(sed -n 10p <<<"$times")" "$(tail -1 <<<"$times")"
done
