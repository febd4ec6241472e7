#!/usr/bin/env bash
# What the exact response cache costs on the request path: JMH micro-benchmarks of the real objects (bench/jmh,
# ExactCacheBench): ResponseCache over the in-memory Caffeine store (LocalExactCache) holding 10,000 answers.
#
#   (f) exact lookup, hit     plan (controls + SHA-256 fingerprint of the whole request) + lookup: target p50 <= 50 us
#   (g) exact lookup, miss    the same for a request that is not stored (every miss pays it before its call)
#   (h) fingerprint           the plan alone
#   (i) store                 a miss's answer stored under a new key: plan, encode, put (evictions included)
#
# Same machinery and knobs as bench/governance.sh (bench/jmh-common.sh). Output: a Markdown table on stdout, also in
# bench/results/cache.md; raw JMH output in bench/results/raw-cache.log. About a minute after the builds.
# On a machine shared with other builds, run it under the team's Maven lock:
#   flock /tmp/switchboard-mvn.lock bench/cache.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
T_P50_US=50   # target: an exact lookup, p50

BENCH_NAME=cache BENCH_CLASS=ExactCacheBench
# shellcheck source=jmh-common.sh
source "$here/jmh-common.sh"

# ------------------------------------------------------------------ table
declare -A what=(
  [lookupHit]="(f) exact lookup, hit: plan (fingerprint) + get (decode)"
  [lookupMiss]="(g) exact lookup, miss"
  [fingerprint]="(h) the plan alone (controls + SHA-256 of the normalized request)"
  [store]="(i) a miss's answer stored (plan + encode + put, evictions included)"
)
jmh_rows lookupHit lookupMiss fingerprint store
jmh_verdict lookupHit "the exact lookup (f)" "(f)"
report=$(cat <<EOF
## Exact response cache (JMH) — $(date -u '+%Y-%m-%d %H:%M UTC')

Jar: \`$JAR\` (built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC')), commit $commit${dirty:+ (working tree has changes)}; $("$JAVA" -version 2>&1 | head -1);
$ncpu CPUs; JMH 1.37 SampleTime, $FORKS fork, $WI × $ITIME warm-up + $IT × $ITIME; single thread; run took $(printf '%.0f' "$wall")s.

| benchmark | p50 | p99 | p99.9 | mean | calls/s on one core (1/mean) |$thr_head
|---|---:|---:|---:|---:|---:|$thr_sep
${rows}
$verdict_line

- the cache holds 10,000 answers of a short chat; Caffeine's maintenance runs on the caller (as in the gateway)
- other processes: ${other}% of a core during the run$note
EOF
)
echo "$report" >"$results/cache.md"
echo
echo "$report"
echo
log "written to bench/results/cache.md"
[ "${BENCH_STRICT:-0}" = 1 ] && [ "$verdict" = FAIL ] && exit 1
exit 0
