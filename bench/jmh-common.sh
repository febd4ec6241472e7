# Shared by the JMH scripts (bench/governance.sh, bench/cache.sh): builds the gateway's jar when it is older than the
# sources, compiles bench/jmh against it, runs the benchmarks of $BENCH_CLASS in JMH's SampleTime mode and notes how
# much CPU other processes took meanwhile. The caller sets BENCH_NAME, BENCH_CLASS, here and root, then prints its
# own table with val/fmt/thousands. Knobs: see bench/governance.sh.

FORKS="${BENCH_JMH_FORKS:-1}"
WI="${BENCH_JMH_WARMUP:-3}"
IT="${BENCH_JMH_ITERATIONS:-5}"
ITIME="${BENCH_JMH_TIME:-1s}"
MODES=sample; [ "${BENCH_JMH_THROUGHPUT:-0}" = 1 ] && MODES=sample,thrpt
FILTER="${BENCH_JMH_FILTER:-dev.switchboard.bench.$BENCH_CLASS}"

log() { printf "[$BENCH_NAME %s] %s\n" "$(date +%H:%M:%S)" "$*" >&2; }
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
csv="$results/$BENCH_NAME.csv" raw="$results/raw-$BENCH_NAME.log"
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


# CSV rows: "…Class.name","sample",threads,samples,score,error,"us/op"; percentiles as "name:p0.50" rows.
val() { awk -F, -v n="\"dev.switchboard.bench.$BENCH_CLASS.$1\"" -v m="\"${2:-sample}\"" '$1 == n && $2 == m { print $5; exit }' "$csv"; }
thousands() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
fmt() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf (v < 10 ? "%.2f" : "%.1f"), v }' || echo "—"; }
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null | head -1)

# jmh_rows NAME...: the Markdown rows of these benchmarks (labels from the caller's associative array `what`) in $rows.
jmh_rows() {
  local b mean p50 p99 p999 perSec thr
  rows=""
  for b in "$@"; do
    mean=$(val "$b"); [ -n "$mean" ] || continue
    p50=$(val "$b:p0.50"); p99=$(val "$b:p0.99"); p999=$(val "$b:p0.999")
    perSec=$(thousands "$(awk -v m="$mean" 'BEGIN { print 1e6 / m }')")
    thr=""; [ "$MODES" = sample ] || thr=" $(thousands "$(awk -v t="$(val "$b" thrpt)" 'BEGIN { print t * 1e6 }')") |"
    rows+="| ${what[$b]} | $(fmt "$p50") µs | $(fmt "$p99") µs | $(fmt "$p999") µs | $(fmt "$mean") µs | $perSec |$thr
"
  done
}
# jmh_verdict NAME "WHAT" "(x)": $verdict and $verdict_line for NAME's p50 against $T_P50_US.
jmh_verdict() {
  local check; check=$(val "$1:p0.50")
  if [ -n "$check" ]; then
    if awk -v v="$check" -v t="$T_P50_US" 'BEGIN { exit !(v <= t) }'; then verdict="PASS"; else verdict="FAIL"; fi
    verdict_line="$verdict: $2 p50 is $(fmt "$check") µs (target ≤ $T_P50_US µs)"
  else
    verdict="—"; verdict_line="$3 was not run (BENCH_JMH_FILTER): no verdict"
  fi
}
thr_head="" thr_sep=""
[ "$MODES" = sample ] || { thr_head=" calls/s (Throughput mode) |"; thr_sep="---:|"; }
note=""
if [ "$other" -gt 20 ]; then note="
- ⚠ other processes used ${other}% of a core during the run: the numbers are disturbed; rerun on a quiet machine."; fi
