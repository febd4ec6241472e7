#!/usr/bin/env bash
# The store threads' CPU per row without HTTP (bench/StoreWriters.java): the real ledger, request log and WAL
# checkpointer on a SQLite file in /tmp, prefilled, then fed at a fixed rate; per-thread CPU time / rows.
#   bench/writers.sh                       # 5,000 rows/s for 20 s after 500,000 rows, traced rows, the jar's own code
#   WRITERS_DIRECT=1 bench/writers.sh      # batches written on the harness's thread, only they timed (less noise)
# Knobs: SWITCHBOARD_JAR, WRITERS_RATE=5000, WRITERS_SECONDS=20, WRITERS_PREFILL=500000, WRITERS_URL (a PostgreSQL URL
# instead of SQLite), WRITERS_TRACED=0 (no trace ids, as without OTLP), WRITERS_IDS=time (ids that start with the time,
# as edge.RequestIds makes them; the default is the old random ids), WRITERS_DDL (statements run after opening).
# Pinned to CPU 0 like the gateway in bench/profile.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/jdk.sh"
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
dir="$(mktemp -d /tmp/switchboard-writers.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
taskset -c 0 "$JAVA_HOME/bin/java" -cp "$JAR" "$root/bench/StoreWriters.java" "$dir" "${WRITERS_RATE:-5000}" \
  "${WRITERS_SECONDS:-20}" "${WRITERS_PREFILL:-500000}" ${WRITERS_URL:-} 2>&1 | grep -v -e '^WARNING' -e ' INFO '
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
