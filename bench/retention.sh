#!/usr/bin/env bash
# Issue 14: how the database grows under imports. Runs a packaged Freight on a fresh data dir, then
# CYCLES imports that are cancelled and CYCLES that are accepted, of ROWS rows each (every import
# changes every row), and prints the database's size after each phase.
# Usage: bench/retention.sh [JAR] [ROWS] [CYCLES]     (default target/freight.jar 100000 20)
# FREIGHT_* variables are passed to the server, e.g. FREIGHT_IMPORTS_RETENTION_DAYS=0 to see the
# sizes once the retention window has passed (with FREIGHT_IMPORTS_PURGE_INTERVAL_SECONDS=5).
set -euo pipefail
JAR=${1:-target/freight.jar}
ROWS=${2:-100000}
CYCLES=${3:-20}
API=/api/v2/library/import/

source "$(dirname "$0")/lib.sh"
start_freight retention "$JAR"
PG_PORT=$(grep "Freight serving" "$DATA/server.log" | sed -E 's|.*embedded at [^:]+:([0-9]+)/.*|\1|')

api() { curl -sS -H "Authorization: Token $TOKEN" "$@"; }
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc "$1"; }
status() { api "$URL$API$1/" | jq -r .status; }
await() { # job id, statuses (regex)
  until [[ $(status "$1") =~ ^($2)$ ]]; do sleep 0.3; done
}
file() { # version: every title carries it, so that each import updates every row
  awk -v n="$ROWS" -v v="$1" 'BEGIN {
    print "id,title,text,problem,priority,phase,active,tags"
    for (i = 0; i < n; i++)
      printf "S%07d,Standard %d version %d,Checks that the control %d is in place and reviewed every year.,P%d,%d,X%d,true,t%d\n", i, i, v, i, i % 50, 1 + i % 5, i % 8, i % 20
  }' >"$DATA/standard.csv"
}
cycle() { # version, cancel|accept_changes
  file "$1"
  local id
  id=$(api -F "files=@$DATA/standard.csv;filename=standard.csv" "$URL$API" | jq -r .id)
  await "$id" "ready_for_review|fail"
  if [[ $(status "$id") == fail ]]; then
    echo "import $id failed: $(api "$URL$API$id/" | jq -c .errors | cut -c1-300)" >&2
    exit 1
  fi
  api -X PATCH -H 'Content-Type: application/json' -d "{\"status\":\"$2\"}" "$URL$API$id/" >/dev/null
  await "$id" "success|cancel|fail"
}
report() {
  sleep "${SETTLE_SECONDS:-30}" # autovacuum and the purge have their turn
  printf '%-34s database %6d MB  library %6d MB  import_diffs %6d MB (%s dead rows)  file chunks %6d MB  data dir %6d MB\n' \
    "$1" \
    "$(($(sql "SELECT pg_database_size('postgres')") / 1048576))" \
    "$(($(sql "SELECT pg_total_relation_size('standard')") / 1048576))" \
    "$(($(sql "SELECT pg_total_relation_size('import_diffs')") / 1048576))" \
    "$(sql "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'import_diffs'")" \
    "$(($(sql "SELECT pg_total_relation_size('stored_file_chunks')") / 1048576))" \
    "$(($(du -sb "$DATA/postgres" | cut -f1) / 1048576))"
}

report "start"
START=$SECONDS
for v in $(seq "$CYCLES"); do cycle "$v" cancel; done
report "after $CYCLES import+cancel"
for v in $(seq "$CYCLES"); do cycle "$((100 + v))" accept_changes; done
report "after $CYCLES import+accept"
echo "($ROWS rows per import, $((SECONDS - START)) s)"
