# Sourced by the bench scripts that drive a packaged Freight over HTTP.

# start_freight NAME JAR [VAR=value...]: starts the jar on a fresh data dir (/tmp/freight-NAME-*)
# with the given extra environment, waits until it serves, and stops it and removes the data dir
# on exit. Sets DATA, TOKEN (the admin token), SERVER (its pid), PORT and URL.
start_freight() {
  local name=$1 jar=$2
  shift 2
  DATA=$(mktemp -d "/tmp/freight-$name-XXXXXX")
  chmod 755 "$DATA"
  TOKEN=bench-token-$RANDOM$RANDOM$RANDOM
  env FREIGHT_DATA_DIR="$DATA" FREIGHT_HTTP_HOST=127.0.0.1 FREIGHT_HTTP_PORT=0 FREIGHT_ADMIN_TOKEN="$TOKEN" \
    "$@" java -Xmx512m -jar "$jar" >"$DATA/server.log" 2>&1 &
  SERVER=$!
  # PostgreSQL may still be writing its last files as the server exits: a second try.
  trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$DATA" 2>/dev/null || { sleep 3; rm -rf "$DATA"; }' EXIT
  for _ in $(seq 240); do
    grep -q "Freight serving" "$DATA/server.log" && break
    sleep 0.5
  done
  PORT=$(grep "Freight serving" "$DATA/server.log" | sed -E 's|.*http://[^:]+:([0-9]+) .*|\1|')
  URL=http://127.0.0.1:$PORT
}
