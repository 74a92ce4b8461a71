#!/usr/bin/env bash
# Webhooks benchmark, in one run: (1) the outbox write's cost per job state change and events/s
# delivered by one node to a local receiver (WebhooksBench); (2) an import of N rows with a
# subscription to every event type against the same import with none, alternated, best of two
# (WebhooksImportBench). Builds the server and the bench first.
# Usage: bench/webhooks.sh [--events N] [--rows N]   (defaults: 10,000 events, 1,000,000 rows)
set -euo pipefail
cd "$(dirname "$0")/.."
events=10000
rows=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    *) echo "usage: bench/webhooks.sh [--events N] [--rows N]" >&2; exit 2 ;;
  esac
done
mvn -q -DskipTests package
mvn -q -f bench/pom.xml package
java -Xmx512m -cp bench/target/freight-bench.jar dev.freight.bench.WebhooksBench "$events"
exec java -Xmx512m -cp bench/target/freight-bench.jar dev.freight.bench.WebhooksImportBench --rows "$rows"
