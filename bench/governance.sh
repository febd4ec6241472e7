#!/usr/bin/env bash
# What the governance check costs on the request path: JMH micro-benchmarks of the real objects (bench/jmh).
#
#   (a) authenticate      a virtual key: SHA-256 of the key + the in-memory lookup
#   (b) admit+settle      a virtual key with a budget, rpm/tpm/parallel limits and an allowlist, typical short chat
#   (c) admit+settle      the master key (no key budget, no limits)
#   (d) admit+settle      a key near the end of its budget: the bound does not fit, JTokkit counts the prompt
#   (e) whole check       (a) + (b) as one request sees them: the figure the target is about (p50 <= 20 us)
#
# Mode SampleTime (every sampled call timed on its own, so p50/p99 come out), in microseconds; the mean gives the
# calls per second one core could do (1/mean). One fork, short iterations: about 2 minutes after the builds.
#
# It compiles bench/jmh against the gateway's shaded jar: SWITCHBOARD_JAR, else target/switchboard.jar, which is
# (re)built with `mvn -o -Dmaven.test.skip=true package` when it is missing or older than src/main or pom.xml.
# On a machine shared with other builds, run it under the team's Maven lock:
#   flock /tmp/switchboard-mvn.lock bench/governance.sh
#
# Knobs (environment): SWITCHBOARD_JAR, BENCH_JMH_FORKS=1, BENCH_JMH_WARMUP=3 (iterations), BENCH_JMH_ITERATIONS=5,
#   BENCH_JMH_TIME=1s (per iteration, warm-up and measurement), BENCH_JMH_FILTER (regexp of benchmarks, default all),
#   BENCH_JMH_ARGS (more JMH options, e.g. "-prof gc" or "-jvmArgsAppend -XX:+UseSerialGC"),
#   BENCH_JMH_THROUGHPUT=1 (also JMH's Throughput mode: a column of calls/s measured without per-call timing; it
#   doubles the run time), BENCH_STRICT=1 (exit 1 when the target is missed).
# Output: a Markdown table on stdout, also in bench/results/governance.md; raw JMH output in
# bench/results/raw-governance.log and its CSV in bench/results/governance.csv (bench/results/ is git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
T_P50_US=20   # target: the whole governance check, p50

BENCH_NAME=governance BENCH_CLASS=GovernanceBench
# shellcheck source=jmh-common.sh
source "$here/jmh-common.sh"

# ------------------------------------------------------------------ table
declare -A what=(
  [authenticate]="(a) authenticate a virtual key (SHA-256 + lookup)"
  [admitSettleVirtualKey]="(b) admit + settle, virtual key (budget, rpm/tpm, allowlist)"
  [admitSettleMasterKey]="(c) admit + settle, master key"
  [admitSettleExactCount]="(d) admit + settle, budget near its end (JTokkit count)"
  [governanceCheck]="(e) whole check: (a) + (b)"
)
jmh_rows authenticate admitSettleVirtualKey admitSettleMasterKey admitSettleExactCount governanceCheck
jmh_verdict governanceCheck "the governance check (e)" "(e)"
report=$(cat <<EOF
## Governance check (JMH) — $(date -u '+%Y-%m-%d %H:%M UTC')

Jar: \`$JAR\` (built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC')), commit $commit${dirty:+ (working tree has changes)}; $("$JAVA" -version 2>&1 | head -1);
$ncpu CPUs; JMH 1.37 SampleTime, $FORKS fork, $WI × $ITIME warm-up + $IT × $ITIME; single thread; run took $(printf '%.0f' "$wall")s.

| benchmark | p50 | p99 | p99.9 | mean | calls/s on one core (1/mean) |$thr_head
|---|---:|---:|---:|---:|---:|$thr_sep
${rows}
$verdict_line

- ${reserved:-reserved per call: (not printed)}
- other processes: ${other}% of a core during the run$note
EOF
)
echo "$report" >"$results/governance.md"
echo
echo "$report"
echo
log "written to bench/results/governance.md"
[ "${BENCH_STRICT:-0}" = 1 ] && [ "$verdict" = FAIL ] && exit 1
exit 0
