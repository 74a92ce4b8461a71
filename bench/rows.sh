#!/usr/bin/env bash
# Issue 16's benchmark of partial imports and the errors file (see RowsBench); prints a Markdown table.
# Usage: bench/rows.sh [--rows N]   (default 1,000,000 rows)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests package
mvn -q -f bench/pom.xml package
exec java -Xmx512m -cp bench/target/freight-bench.jar dev.freight.bench.RowsBench "$@"
