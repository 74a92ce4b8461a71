#!/usr/bin/env bash
# Issue 16's revert measure: the revert of an import's diff against that import's own diff.
# Usage: bench/revert.sh [--rows N]   (default 1,000,000 rows: a diff of 200,000 entries)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests package
mvn -q -f bench/pom.xml package
exec java -Xmx512m -cp bench/target/freight-bench.jar dev.freight.bench.RevertBench "$@"
