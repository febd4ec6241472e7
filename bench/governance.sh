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

FORKS="${BENCH_JMH_FORKS:-1}"
WI="${BENCH_JMH_WARMUP:-3}"
IT="${BENCH_JMH_ITERATIONS:-5}"
ITIME="${BENCH_JMH_TIME:-1s}"
MODES=sample; [ "${BENCH_JMH_THROUGHPUT:-0}" = 1 ] && MODES=sample,thrpt
FILTER="${BENCH_JMH_FILTER:-dev.switchboard.bench.GovernanceBench}"

log() { printf '[governance %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=../scripts/jdk.sh
source "$root/scripts/jdk.sh"
JAVA="$JAVA_HOME/bin/java"
command -v mvn >/dev/null || die "mvn not found (needed to compile bench/jmh)"

# Maven offline first (everything is usually in ~/.m2), online when something is missing.
mvn_build() { mvn -o -B -q "$@" || { log "offline Maven build failed; trying online"; mvn -B -q "$@"; }; }

# ------------------------------------------------------------------ the gateway's jar
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
if [ -n "${SWITCHBOARD_JAR:-}" ]; then
  [ -f "$JAR" ] || die "SWITCHBOARD_JAR=$JAR does not exist"
elif [ ! -f "$JAR" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$JAR" -type f -print -quit)" ]; then
  log "building $JAR from the working tree (mvn -o -Dmaven.test.skip=true package) ..."
  (cd "$root" && mvn_build -Dmaven.test.skip=true package) >&2 || die "the gateway does not build; set SWITCHBOARD_JAR to a jar"
fi

# ------------------------------------------------------------------ the benchmarks
log "compiling bench/jmh against $JAR"
mvn_build -f "$here/jmh/pom.xml" -Dswitchboard.jar="$JAR" compile >&2 \
  || die "bench/jmh does not compile against $JAR (a jar older than Gateway.governanceCheck? rebuild it)"
cp="$here/jmh/target/classes:$(cat "$here/jmh/target/classpath.txt"):$JAR"

results="$here/results"
mkdir -p "$results"
csv="$results/governance.csv" raw="$results/raw-governance.log"
rm -f "$csv"

# ------------------------------------------------------------------ run, and note who else used the CPU
busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
clk=$(getconf CLK_TCK); ncpu=$(nproc)
log "JMH: $FORKS fork(s), $WI x $ITIME warm-up + $IT x $ITIME per benchmark and mode ($MODES)"
b0=$(busy_ticks); t0=$(date +%s.%N)
set +e
# shellcheck disable=SC2086
( "$JAVA" -cp "$cp" org.openjdk.jmh.Main "$FILTER" -f "$FORKS" -wi "$WI" -w "$ITIME" -i "$IT" -r "$ITIME" \
    -bm "$MODES" -tu us -rf csv -rff "$csv" ${BENCH_JMH_ARGS:-}; rc=$?; times; exit $rc ) 2>&1 | tee "$raw" >&2
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || die "JMH failed (see $raw)"
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
ours=$(awk '/^[0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$/ {l = $0} END { split(l, f, " "); s = 0
  for (i = 1; i <= 2; i++) { split(f[i], m, "m"); sub("s", "", m[2]); s += m[1] * 60 + m[2] } print s }' "$raw")
other=$(awk -v b="$(( $(busy_ticks) - b0 ))" -v c="$clk" -v o="$ours" -v w="$wall" \
  'BEGIN { x = 100 * (b / c - o) / w; if (x < 0) x = 0; printf "%.0f", x }')
[ -f "$csv" ] || die "JMH wrote no results"

# ------------------------------------------------------------------ table
# CSV rows: "…GovernanceBench.name","sample",threads,samples,score,error,"us/op"; percentiles as "name:p0.50" rows.
val() { awk -F, -v n="\"dev.switchboard.bench.GovernanceBench.$1\"" -v m="\"${2:-sample}\"" '$1 == n && $2 == m { print $5; exit }' "$csv"; }
thousands() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
fmt() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf (v < 10 ? "%.2f" : "%.1f"), v }' || echo "—"; }
rows=""
declare -A what=(
  [authenticate]="(a) authenticate a virtual key (SHA-256 + lookup)"
  [admitSettleVirtualKey]="(b) admit + settle, virtual key (budget, rpm/tpm, allowlist)"
  [admitSettleMasterKey]="(c) admit + settle, master key"
  [admitSettleExactCount]="(d) admit + settle, budget near its end (JTokkit count)"
  [governanceCheck]="(e) whole check: (a) + (b)"
)
for b in authenticate admitSettleVirtualKey admitSettleMasterKey admitSettleExactCount governanceCheck; do
  mean=$(val "$b"); [ -n "$mean" ] || continue
  p50=$(val "$b:p0.50"); p99=$(val "$b:p0.99"); p999=$(val "$b:p0.999")
  perSec=$(thousands "$(awk -v m="$mean" 'BEGIN { print 1e6 / m }')")
  thr=""; [ "$MODES" = sample ] || thr=" $(thousands "$(awk -v t="$(val "$b" thrpt)" 'BEGIN { print t * 1e6 }')") |"
  rows+="| ${what[$b]} | $(fmt "$p50") µs | $(fmt "$p99") µs | $(fmt "$p999") µs | $(fmt "$mean") µs | $perSec |$thr
"
done
check=$(val "governanceCheck:p0.50")
if [ -n "$check" ]; then
  if awk -v v="$check" -v t=$T_P50_US 'BEGIN { exit !(v <= t) }'; then verdict="PASS"; else verdict="FAIL"; fi
  verdict_line="$verdict: the governance check (e) p50 is $(fmt "$check") µs (target ≤ $T_P50_US µs)"
else
  verdict="—"; verdict_line="(e) was not run (BENCH_JMH_FILTER): no verdict"
fi
thr_head="" thr_sep=""
[ "$MODES" = sample ] || { thr_head=" calls/s (Throughput mode) |"; thr_sep="---:|"; }
reserved=$(grep -m1 '^reserved per call' "$raw" || true)
note=""
[ "$other" -gt 20 ] && note="
- ⚠ other processes used ${other}% of a core during the run: the numbers are disturbed; rerun on a quiet machine."
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null | head -1)
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
