#!/usr/bin/env bash
# Webhooks benchmark: the outbox write's cost per job state change, and events/s delivered by one
# node to a local receiver. Builds the server and the bench, then runs WebhooksBench.
# Usage: bench/webhooks.sh [EVENTS]   (default 10,000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests package
mvn -q -f bench/pom.xml package
exec java -Xmx512m -cp bench/target/freight-bench.jar dev.freight.bench.WebhooksBench "$@"
