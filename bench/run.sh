#!/usr/bin/env bash
# Switchboard benchmark: the same load direct to the OpenAI simulator and through the gateway, in one run.
#
#   (a) highest throughput at 64 connections (wrk, closed loop), non-stream and stream, gateway/direct ratio, in
#       BENCH_A_ROUNDS=3 rounds for each: direct, gateway, direct, gateway, …, direct; each gateway window's ratio is to
#       the mean of the direct windows on either side, and the figure is the median of those ratios, so one low or high
#       window does not decide it (single windows of this VM drift by 20-30 %: docs/architecture.md, 2026-12-02 12:30)
#   (b) latency the gateway adds at a fixed 1,000 req/s (bench/LoadGen.java, open loop), p50 and p99
#   (c) time to the first streamed chunk (first SSE "data:" line), p50, sequential requests
#   (v) governance: the throughput of (a) through the gateway with a virtual key (a budget, rpm/tpm limits, an
#       allowlist; made with POST /key/generate) beside the master key's: master key, virtual key, master key again
#       in the same run, right after (a)'s rounds: (a)'s last gateway window, the virtual key, the master key again;
#       the ratio is to the mean of the two master-key windows (target: within 10 %)
#   (x) exact cache: the non-stream throughput of (a) with every question different (so every request is a miss, then
#       stored), through an alias with the exact cache on ("bench-cached") beside the same deployment without it:
#       BENCH_X_ROUNDS=3 cached windows, each between two uncached ones (uncached, cached, uncached, cached, …,
#       uncached); each cached window's ratio is to the mean of its two neighbours, and the figure is the median of
#       those ratios, so one disturbed window or a drift does not decide it (target: within 5 %)
#       Before the rounds the cache is filled: unique questions through the cached alias in BENCH_STEADY_SLICE-second
#       slices until it has stored more entries than it holds (full, evicting) and a slice is within 10 % of the one
#       before, at most BENCH_X_FILL_MAX=90 seconds; a gateway that has run a while has a full cache
#   (f) full: every layer on at once, non-stream, ratio to direct: a virtual key, an exact-cached alias with every
#       question different (all misses, each stored), the spend ledger and the request log (on by default), every request
#       traced to a local OTLP sink (bench/OtlpSink.java); in a second gateway started after (c) (tracing is process-wide),
#       with BENCH_FULL_WARMUP=30 seconds of its own JIT warm-up, then its own steady check (at most
#       BENCH_FULL_STEADY_MAX=90 seconds of BENCH_STEADY_SLICE-second slices, until one is within 10 % of the one before),
#       then BENCH_F_ROUNDS=3 rounds as (a)'s: direct, full, direct, …, direct (the direct load goes to the same simulator
#       while the full gateway idles; never both at once), median of the full windows' ratios to their direct neighbours
#
# It starts the simulator and the gateway itself on free loopback ports, waits until both answer, runs
# everything, stops what it started (also on Ctrl-C or an error) and prints a Markdown table, also written to
# bench/results/latest.md (raw tool output: bench/results/raw-*.log). See bench/README.md.
#
# CPU placement (BENCH_PLACEMENT, default "pinned"):
#   pinned    the gateway alone on one core (taskset -c $BENCH_GATEWAY_CPU, default 0) with --event-loops 1;
#             the load generator and the simulator share the other core ($BENCH_LOAD_CPU, default 1). The gateway
#             is measured as "what one core of gateway does", and never competes with the load side for CPU.
#             (The direct runs therefore have one core for generator + simulator; the gateway runs have the
#             same core for them plus the gateway's core.)
#   unpinned  nothing pinned; gateway with one event loop per core, wrk with 2 threads. Everything competes.
#   both      pinned, then unpinned (about twice the time).
#
# Knobs (environment): SWITCHBOARD_JAR (default target/switchboard.jar, built with Maven only if missing),
#   BENCH_JIT_WARMUP=50 (seconds of load on fresh JVMs before anything is measured, see below),
#   BENCH_DURATION=10 BENCH_WARMUP=2 (seconds per wrk measurement / warm-up before each), BENCH_CONNECTIONS=64,
#   BENCH_RATE=1000 BENCH_LATENCY_DURATION=10 (open-loop rate and seconds), BENCH_TTFB_COUNT=2000,
#   BENCH_RATE_HIGH=10000 (issue #15's second open-loop rate, measured the same way after BENCH_RATE; 0 skips it),
#   BENCH_LATENCY_PRIME=1 (one more LoadGen window per column before (b)'s first rate, its figures kept beside
#   the row; 0 skips it),
#   BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_JAVA_OPTS (extra JVM options for gateway+simulator),
#   BENCH_GENERAL_SETTINGS (one more YAML line under general_settings, e.g. 'request_log: { enabled: false }' or
#   'otel: { endpoint: http://127.0.0.1:4318 }', to measure what observability costs: bench/README.md),
#   BENCH_TRANSPORT=auto (the gateway's general_settings.event_loop_transport: auto | io_uring | epoll | nio),
#   BENCH_SIMULATOR_TRANSPORT=epoll (the simulator's --transport, i.e. the direct column's upstream: epoll keeps the
#   direct column comparable with every run before io_uring became auto's first choice; io_uring raises it),
#   BENCH_QUIET_WAIT=60 (seconds, in total, to wait for other busy processes, e.g. a Maven build, to finish,
#   and to repeat disturbed measurements), BENCH_STEADY_MAX=60 BENCH_STEADY_SLICE=4 (the steady check, below),
#   BENCH_X_ROUNDS=3 ((x)'s cached windows, each between two uncached ones), BENCH_A_ROUNDS=3 BENCH_F_ROUNDS=3 ((a)'s
#   gateway windows, for non-stream and for stream, and (f)'s full windows, each between two direct ones),
#   BENCH_FLOOR=1 (0 leaves out (a)'s floor windows: bench/NettyFloor.java, a bare relay on Netty, placed as the gateway).
#
# Other processes: before each measurement the script waits (bounded) until the machine is idle, and after
# it compares the CPU the machine used with the CPU of gateway + simulator + generator. A measurement during
# which other processes used more than 20% of a core is marked ⚠ in the table: rerun it on a quiet machine.
#
# Warm-up: a fresh JVM pinned to one core compiles on that same core, so it needs ~30-40 s of full load before
# its throughput is steady (measured: the gateway spends ~27 s of CPU in the JIT compilers and climbs from
# ~1k to ~10k req/s over ~26 s of full load; the simulator reaches its plateau after ~15 s). A few seconds of
# warm-up would measure the JIT, not the gateway. So the suite first drives both paths for BENCH_JIT_WARMUP
# seconds (gateway 80%: non-stream 25% master key + 20% virtual key, stream 20% + 15%; direct non-stream and stream
# 10% each; the gateway traffic also warms the simulator). On a slower VM that is not enough (measured on one: the
# gateway's non-stream throughput still climbed from 1.4k to 5.6k req/s during (a)), so a steady check follows:
# BENCH_STEADY_SLICE-second slices of gateway non-stream load, master key and virtual key in turn, until each key's
# last slice is within 10% of its previous one (at least 4 slices, at most BENCH_STEADY_MAX seconds).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
JIT_WARMUP="${BENCH_JIT_WARMUP:-50}"
FULL_WARMUP="${BENCH_FULL_WARMUP:-30}"
FULL_STEADY_MAX="${BENCH_FULL_STEADY_MAX:-90}"
full_steady_note=""
STEADY_MAX="${BENCH_STEADY_MAX:-60}"
STEADY_SLICE="${BENCH_STEADY_SLICE:-4}"
X_ROUNDS="${BENCH_X_ROUNDS:-3}"
X_FILL_MAX="${BENCH_X_FILL_MAX:-90}"
x_fill_note=""
A_ROUNDS="${BENCH_A_ROUNDS:-3}"
F_ROUNDS="${BENCH_F_ROUNDS:-3}"
FLOOR="${BENCH_FLOOR:-1}"
CONNS="${BENCH_CONNECTIONS:-64}"
RATE="${BENCH_RATE:-1000}"
RATE_HIGH="${BENCH_RATE_HIGH:-10000}"
LAT_DURATION="${BENCH_LATENCY_DURATION:-10}"
LAT_WARMUP="${BENCH_LATENCY_WARMUP:-3}"
LAT_PRIME="${BENCH_LATENCY_PRIME:-1}"
TTFB_COUNT="${BENCH_TTFB_COUNT:-2000}"
TTFB_WARMUP="${BENCH_TTFB_WARMUP:-500}"
PLACEMENT="${BENCH_PLACEMENT:-pinned}"
GW_CPU="${BENCH_GATEWAY_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
JAVA_OPTS_EXTRA="${BENCH_JAVA_OPTS:-}"
# The gateway runs with ./switchboard's default JVM options for the CPUs it is given (heap, GC: scripts/jvm-opts.sh),
# then BENCH_JAVA_OPTS; set in run_suite, per placement.
source "$root/scripts/jvm-opts.sh"

# Targets.
T_NONSTREAM_RATIO=0.8  # issue #15: non-stream through the gateway ÷ direct, same run
T_STREAM_RATIO=0.6     # issue #15: stream through the gateway ÷ direct, same run
T_ADD_P50=0.2        # ms added at BENCH_RATE and at BENCH_RATE_HIGH (issue #15 sets them at 10,000 req/s)
T_ADD_P99=1.0        # ms added at BENCH_RATE and at BENCH_RATE_HIGH
T_ADD_TTFB=1.0       # ms added to the first streamed chunk, p50
T_VK_RATIO=0.90      # (v) virtual-key throughput / master-key throughput, non-stream and stream
T_MISS_RATIO=0.95    # (x) cache-miss throughput through a cached alias / the same without the cache, non-stream
T_FULL_RATIO=0.6     # (f) every layer on (virtual key, exact cache misses, ledger, request log, traces) / direct, non-stream
MASTER_KEY="sk-bench-master-$(date +%s)-$$"   # the gateway's master key in this run (loopback only)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$PLACEMENT" in pinned|unpinned|both) ;; *) die "BENCH_PLACEMENT must be pinned, unpinned or both" ;; esac
for n in "$X_ROUNDS" "$A_ROUNDS" "$F_ROUNDS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "BENCH_X_ROUNDS, BENCH_A_ROUNDS and BENCH_F_ROUNDS must be whole numbers ≥ 1"
done

# ------------------------------------------------------------------ tools
# A JDK >= 21 (the project's own picker: JAVA_HOME if new enough, else the newest in /usr/lib/jvm).
# shellcheck source=../scripts/jdk.sh
source "$root/scripts/jdk.sh"
JAVA="$JAVA_HOME/bin/java"
"$JAVA" -version 2>&1 | head -1 | sed 's/^/[bench] java: /' >&2

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "wrk not found: apt-get install -y wrk"
    (apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }) >/dev/null
  else
    die "wrk not found. Install it: sudo apt-get install -y wrk"
  fi
fi
for t in curl taskset awk; do command -v "$t" >/dev/null || die "$t not found"; done

JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
if [ ! -f "$JAR" ]; then
  [ -n "${SWITCHBOARD_JAR:-}" ] && die "SWITCHBOARD_JAR=$JAR does not exist"
  log "building $JAR (mvn -B -q -DskipTests package) ..."
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
[ -f "$JAR" ] || die "no jar at $JAR"

ncpu=$(nproc)
if [ "$PLACEMENT" != unpinned ] && [ "$ncpu" -lt 2 ]; then
  log "only $ncpu CPU: cannot pin gateway and load side apart; running unpinned"
  PLACEMENT=unpinned
fi

results="$here/results"
mkdir -p "$results"
work="$(mktemp -d /tmp/switchboard-bench.XXXXXX)"

# ------------------------------------------------------------------ processes we start, and cleanup
pids=()
# Long-running load commands run in the background and are waited for, so that a TERM or Ctrl-C is handled at
# once (bash runs traps only between foreground commands) and cleanup can stop them: $child is the running one.
child=""
bg_wait() { "$@" >/dev/null 2>&1 & child=$!; local rc=0; wait "$child" || rc=$?; child=""; return "$rc"; }
# bg_wait_out FILE CMD...: the same, output to FILE, followed by bash's `times` (the CPU its children used)
bg_wait_out() {
  local f=$1; shift
  ( "$@"; rc=$?; times; exit $rc ) >"$f" 2>&1 & child=$!
  local rc=0; wait "$child" || rc=$?; child=""; return "$rc"
}
kill_tree() { # this process and its descendants, by pid
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$1" 2>/dev/null || true
}
stop_all() {
  local p
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do   # up to 5 s for a clean exit, then SIGKILL
    local alive=0
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  local rc=$?
  [ -n "$child" ] && kill_tree "$child"
  stop_all
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { # first free port in [from, from+count)
  local p
  for p in $(seq "$1" $(($1 + $2 - 1))); do port_in_use "$p" || { echo "$p"; return 0; }; done
  return 1
}

# wait_http NAME PID URL: until URL answers 200, at most 30 s; fail early if the process died
wait_http() {
  local name=$1 pid=$2 url=$3 i
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; die "$name exited during start-up"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ] && return 0
    sleep 0.25
  done
  cat "$work/$name.log" >&2
  die "$name did not answer $url within 30 s"
}

# ------------------------------------------------------------------ CPU accounting
# Busy ticks of each core and CPU ticks of a process, so every measurement can say who used the CPU
# (a saturated gateway core vs. a saturated load core vs. something else on the machine).
clk=$(getconf CLK_TCK)
core_snap() { awk '/^cpu[0-9]+ / {printf "%s %d %d;", $1, $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
proc_ticks() { [ -r "/proc/$1/stat" ] && awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" || echo 0; }
# cpu_report BEFORE_CORES AFTER_CORES GW0 GW1 SIM0 SIM1 GEN_SECONDS WALL_SECONDS -> one line
cpu_report() {
  local before=$1 after=$2 gw0=$3 gw1=$4 sim0=$5 sim1=$6 gen=$7 wall=$8
  awk -v gw=$((gw1 - gw0)) -v sim=$((sim1 - sim0)) -v gen="$gen" -v wall="$wall" -v clk="$clk" \
      -v B="$before" -v A="$after" 'BEGIN {
    n = split(B, b, ";"); split(A, a, ";"); cores = ""; busy = 0
    for (i = 1; i < n; i++) { split(b[i], x, " "); split(a[i], y, " ");
      dt = y[3] - x[3]; db = y[2] - x[2]; if (dt <= 0) dt = 1
      cores = cores sprintf(" %s %.0f%%", x[1], 100 * db / dt); busy += db / clk }
    ours = gw / clk + sim / clk + gen
    other = busy - ours; if (other < 0) other = 0
    printf "%.0f\tCPU (%% of one core): gateway %.0f%%, simulator %.0f%%, generator %.0f%%, other processes %.0f%% | busy:%s\n",
      100 * other / wall, 100 * gw / clk / wall, 100 * sim / clk / wall, 100 * gen / wall, 100 * other / wall, cores }'
}
LAG_LIMIT_US=250 # generator send lag p99 above this marks (b) as noisy (see (b) below)
# methods the gateway's JIT has compiled so far (a steady number means it is warm), from the JDK's jstat
jit_count() { "$JAVA_HOME/bin/jstat" -compiler "$1" 2>/dev/null | awk 'NR == 2 { print $1 }' | grep . || echo 0; }
OTHER_LIMIT=20 # % of one core used by processes that are not ours during a measurement: above this, it is flagged

# measured KEY LABEL OUTFILE CMD...: runs CMD (output to OUTFILE), notes who used the CPU meanwhile in
# cpu[KEY] / other[KEY] (the caller declares both), appends everything to the raw log.
measured() {
  local key=$1 label=$2 f=$3; shift 3
  local before gw0 sim0 t0 wall r attempt jit0
  for attempt in 1 2; do
    wait_quiet
    jit0=$(jit_count "$gw_pid")
    before=$(core_snap); gw0=$(proc_ticks "$gw_pid"); sim0=$(proc_ticks "$sim_pid"); t0=$(date +%s.%N)
    bg_wait_out "$f" "$@" || { cat "$f" >&2; die "$label: $1 failed"; }
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    r=$(cpu_report "$before" "$(core_snap)" "$gw0" "$(proc_ticks "$gw_pid")" "$sim0" "$(proc_ticks "$sim_pid")" "$(children_cpu "$f")" "$wall")
    other[$key]=${r%%$'\t'*}
    cpu[$key]="${r#*$'\t'}; gateway JIT compilations meanwhile: $(( $(jit_count "$gw_pid") - jit0 ))"
    local again=""; [ "$attempt" = 2 ] && again=" (measured again)"
    { echo "=== $label$again"; grep -v '^[0-9]*m[0-9.]*s [0-9]*m[0-9.]*s$' "$f"; echo "${cpu[$key]}"; echo; } >>"$raw"
    [ "${other[$key]}" -le "$OTHER_LIMIT" ] && return 0
    if [ "$attempt" = 1 ] && [ "$quiet_budget" -gt 0 ]; then
      log "other processes used ${other[$key]}% of a core during \"$label\": measuring it again"
      quiet_budget=$(awk -v b="$quiet_budget" -v w="$wall" 'BEGIN { printf "%d", b - w }')
    else
      log "WARNING: other processes used ${other[$key]}% of a core during \"$label\": this number is disturbed"
      return 0
    fi
  done
}
# seconds of CPU used by the children of a subshell, from bash's `times` (2nd line: children user sys)
children_cpu() { awk '/^[0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$/ {l = $0} END {
  split(l, f, " "); s = 0; for (i = 1; i <= 2; i++) { split(f[i], m, "m"); sub("s", "", m[2]); s += m[1] * 60 + m[2] } print s }' "$1"; }

busy_1s() { # % of one core busy over 1 s, all cores summed (between measurements our own processes are idle)
  local a b
  a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); sleep 1
  b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  awk -v a="$a" -v b="$b" -v n="$ncpu" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2]; if (d <= 0) d = 1; printf "%.0f", n * 100 * (y[1] - x[1]) / d }'
}
# wait_quiet: before a measurement, wait while something else keeps the machine busy (a build, a test run),
# at most BENCH_QUIET_WAIT seconds over the whole run (default 60; repeated measurements count too), then
# measure anyway (and flag it).
quiet_budget="${BENCH_QUIET_WAIT:-60}"
wait_quiet() {
  local b waited=0
  while :; do
    b=$(busy_1s)
    if [ "$b" -le "$OTHER_LIMIT" ]; then
      [ "$waited" -gt 0 ] && log "quiet again after ${waited}s"
      return 0
    fi
    if [ "$quiet_budget" -le 0 ]; then
      log "WARNING: other processes keep ${b}% of a core busy and the waiting budget is spent; measuring anyway"
      return 0
    fi
    [ "$waited" = 0 ] && log "other processes use ${b}% of a core (a build? tests?); waiting for quiet (at most ${quiet_budget}s more in this run)"
    sleep 2; quiet_budget=$((quiet_budget - 3)); waited=$((waited + 3))
  done
}

# ------------------------------------------------------------------ the load generator for (b) and (c)
# It runs C1-only (-XX:TieredStopAtLevel=1): it shares its core with the simulator, and C2 compiling the
# generator in the middle of a 10 s measurement showed up as 1-3 ms hiccups in the direct p99 (p99 0.4-0.6 ms
# with C1 only, 1.9-3.6 ms with C2). C1 code is plenty for 1,000 req/s and costs ~15 us at p50, in both columns.
GEN_JAVA=("$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms256m -Xmx256m -cp "$work/loadgen" LoadGen)
log "compiling bench/LoadGen.java"
"$JAVA_HOME/bin/javac" -d "$work/loadgen" "$here/LoadGen.java"

# ------------------------------------------------------------------ one full suite for one placement
fmt_int() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | head -1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "pass" : "**FAIL**") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }    # A ÷ B, 0 when B is 0
drift() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f", (a > 0) ? 100 * (b - a) / a : 0 }'; }   # A → B in %
# flag KEY...: " ⚠" when other processes took more than OTHER_LIMIT % of a core during one of these measurements
flag() { local k m=""; for k; do [ "${other[$k]:-0}" -gt "$OTHER_LIMIT" ] && m=" ⚠"; done; echo "$m"; }

# wrk_window KEY LABEL URL MODEL AUTH STREAM UNIQUE: one throughput window as (a), (v), (x) and (f) measure it: WARMUP
# seconds of wrk (not counted), then DURATION seconds through measured() (cpu[KEY], other[KEY]); requests per second and
# wrk's errors go to rps[KEY] and errs[KEY]. It reads run_suite's locals (placement, load_pin, wrk_threads, the arrays).
wrk_window() {
  local key=$1 label=$2 url=$3 model=$4 auth=$5 stream=$6 unique=$7 f="$work/wrk.out" line
  BENCH_MODEL=$model BENCH_AUTH=$auth BENCH_STREAM=$stream BENCH_UNIQUE=$unique \
    bg_wait "${load_pin[@]}" wrk -t"$wrk_threads" -c"$CONNS" -d"${WARMUP}s" --timeout 5s -s "$here/post.lua" "$url" || true
  BENCH_MODEL=$model BENCH_AUTH=$auth BENCH_STREAM=$stream BENCH_UNIQUE=$unique measured "$key" "$label" "$f" \
    "${load_pin[@]}" wrk -t"$wrk_threads" -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency -s "$here/post.lua" "$url"
  line=$(grep '^BENCH_RESULT' "$f") || die "no BENCH_RESULT line from wrk"
  rps[$key]=$(awk -v r="$(kv requests " $line")" -v d="$(kv duration_us " $line")" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  errs[$key]=$(( $(kv errors_connect " $line") + $(kv errors_read " $line") + $(kv errors_write " $line") + $(kv errors_status " $line") + $(kv errors_timeout " $line") ))
  log "[$placement]     ${rps[$key]} req/s, ${errs[$key]} errors; ${cpu[$key]}"
}

# slice_rps OUT WHAT MODEL AUTH UNIQUE URL: one BENCH_STEADY_SLICE-second slice of non-stream load (the steady checks and
# (x)'s fill), after waiting for a quiet machine; sets s_rps to its req/s (in this shell, not a subshell: the quiet
# budget and the child to kill on Ctrl-C are this shell's)
slice_rps() {
  local out=$1 what=$2 model=$3 auth=$4 unique=$5 url=$6 line
  wait_quiet
  BENCH_MODEL=$model BENCH_AUTH=$auth BENCH_STREAM=0 BENCH_UNIQUE=$unique bg_wait_out "$out" \
    "${load_pin[@]}" wrk -t"$wrk_threads" -c"$CONNS" -d"${STEADY_SLICE}s" --timeout 5s -s "$here/post.lua" "$url" \
    || { cat "$out" >&2; die "$what: wrk failed"; }
  line=$(grep '^BENCH_RESULT' "$out") || die "no BENCH_RESULT line from wrk"
  s_rps=$(awk -v r="$(kv requests " $line")" -v d="$(kv duration_us " $line")" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
}

# rounds_ratio BASE TEST N BASE_NAME TEST_NAME: the windows BASE0 TEST0 BASE1 TEST1 … BASE<N> (keys of rps[] and
# other[]), each TEST<i> divided by the mean of BASE<i> and BASE<i+1>, its two neighbours, so that a drift of the machine
# across the row cancels and one odd window does not decide it. Sets, for the caller (who declares them local):
#   r_median  the median of the N ratios (%.2f)
#   r_mid     the round whose ratio is the median (for an even N the lower middle one): the table shows its windows
#   r_base    the mean of that round's two BASE windows
#   r_notes   every round: "round 1: TEST_NAME … req/s against … / … BASE_NAME (drift …), ×…", " ⚠" when a window was disturbed
#   r_flag    " ⚠" when any window of the row was disturbed
#   r_keys    every window's key, in the order measured
rounds_ratio() {
  local base=$1 test=$2 n=$3 bname=$4 tname=$5 i b0 b1 t r ratios="" sorted
  r_notes="" r_keys=()
  for ((i = 0; i < n; i++)); do
    b0=${rps[$base$i]} b1=${rps[$base$((i + 1))]} t=${rps[$test$i]}
    r=$(awk -v t="$t" -v a="$b0" -v b="$b1" 'BEGIN { m = (a + b) / 2; printf "%.4f", (m > 0) ? t / m : 0 }')
    ratios+="$r $i"$'\n'
    r_notes+="${r_notes:+; }round $((i + 1)): $tname $(fmt_int "$t") req/s against $(fmt_int "$b0") / $(fmt_int "$b1") $bname"
    r_notes+=" (drift $(drift "$b0" "$b1") %), ×$(calc %.2f "$r")"
    r_notes+="$(flag "$base$i" "$test$i" "$base$((i + 1))")"
    r_keys+=("$base$i" "$test$i")
  done
  r_keys+=("$base$n")
  r_flag=$(flag "${r_keys[@]}")
  sorted=$(sort -g <<<"${ratios%$'\n'}")
  read -r r_median r_mid < <(awk -v n="$n" '{ v[NR] = $1; k[NR] = $2 }
    END { m = int((n + 1) / 2); printf "%.2f %d\n", (n % 2) ? v[m] : (v[m] + v[m + 1]) / 2, k[m] }' <<<"$sorted")
  r_base=$(calc %.0f "(${rps[$base$r_mid]}+${rps[$base$((r_mid + 1))]})/2")
}

failed_targets=0
tables=()
# The floor's windows count the floor's process where the gateway's would be (its CPU line, the JIT count, and what
# "other processes" used), so measured() neither flags nor repeats them for the floor's own CPU.
as_floor() { gw_real_pid=$gw_pid; gw_pid=$floor_pid; }
as_gateway() { gw_pid=$gw_real_pid; }

run_suite() {
  local placement=$1 raw="$results/raw-$1.log"
  local gw_pin=() load_pin=() gw_loops=() wrk_threads=2
  if [ "$placement" = pinned ]; then
    gw_pin=(taskset -c "$GW_CPU"); load_pin=(taskset -c "$LOAD_CPU"); gw_loops=(--event-loops 1); wrk_threads=1
  fi
  : >"$raw"

  wait_quiet

  local sim_port gw_port
  sim_port=$(pick_port 4010 50) || die "no free port from 4010"
  gw_port=$(pick_port 4000 10) || die "no free port from 4000"
  cat >"$work/config.yaml" <<EOF
model_list:
  - model_name: bench
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:$sim_port/v1
      api_key: sk-bench
  - model_name: bench-cached
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:$sim_port/v1
      api_key: sk-bench
      cache: true
general_settings:
  master_key: $MASTER_KEY
  database_path: $work/gateway-$placement.db
  event_loop_transport: ${BENCH_TRANSPORT:-auto}
${BENCH_GENERAL_SETTINGS:+  $BENCH_GENERAL_SETTINGS}
EOF
  GW_JAVA_OPTS="$(switchboard_jvm_opts "$JAVA_OPTS_EXTRA" "$("${gw_pin[@]}" nproc)") $JAVA_OPTS_EXTRA"
  log "[$placement] gateway JVM options: $GW_JAVA_OPTS"
  log "[$placement] simulator on :$sim_port ${load_pin[*]:-(not pinned)}, gateway on :$gw_port ${gw_pin[*]:-(not pinned)} ${gw_loops[*]:-}"
  # shellcheck disable=SC2086
  "${load_pin[@]}" "$JAVA" $JAVA_OPTS_EXTRA -jar "$JAR" simulator --host 127.0.0.1 --port "$sim_port" --event-loops 1 \
      --transport "${BENCH_SIMULATOR_TRANSPORT:-epoll}" \
      >"$work/simulator.log" 2>&1 &
  local sim_pid=$!; pids+=("$sim_pid")
  # shellcheck disable=SC2086
  "${gw_pin[@]}" "$JAVA" $GW_JAVA_OPTS -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 --port "$gw_port" \
      "${gw_loops[@]}" >"$work/gateway.log" 2>&1 &
  local gw_pid=$!; pids+=("$gw_pid")
  wait_http simulator "$sim_pid" "http://127.0.0.1:$sim_port/v1/models"
  wait_http gateway "$gw_pid" "http://127.0.0.1:$gw_port/health/readiness"
  # The floor for (a) non-stream: a bare relay on Netty (no Vert.x, no gateway code) to the same simulator, placed and
  # run as the gateway (its JVM options, one event loop): the most a JVM proxy reaches here, so the table can say how
  # much of the gap to direct is the gateway's own work. Measured in (a)'s non-stream rounds, next to the gateway.
  local floor_pid="" floor_port="" floor_url=""
  if [ "$FLOOR" = 1 ]; then
    floor_port=$(pick_port 4060 20) || die "no free port from 4060"
    # shellcheck disable=SC2086
    "${gw_pin[@]}" "$JAVA" $GW_JAVA_OPTS -cp "$JAR" "$here/NettyFloor.java" "$floor_port" "$sim_port" \
        "$([ "${BENCH_TRANSPORT:-auto}" = epoll ] && echo epoll || echo io_uring)" >"$work/floor.log" 2>&1 &
    floor_pid=$!; pids+=("$floor_pid")
    local fi_
    for fi_ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$floor_port") 2>/dev/null && break; sleep 0.25; done
    floor_url="http://127.0.0.1:$floor_port/v1/chat/completions"
    out=$(curl -s --max-time 5 -w '\n%{http_code}' -H 'content-type: application/json' -H 'authorization: Bearer sk-bench' \
        -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' "$floor_url" || true)
    [ "$(tail -1 <<<"$out")" = 200 ] || { cat "$work/floor.log" >&2; echo "$out" >&2; die "the floor (bench/NettyFloor.java) did not relay a request"; }
  fi

  # Which transport each side runs on, as its startup line says (the gateway's follows BENCH_TRANSPORT, default auto).
  local loops_note
  loops_note="gateway: $(grep -o 'Event loops: .*' "$work/gateway.log" | head -1); simulator: $(grep -o 'Event loops: .*' "$work/simulator.log" | head -1)"
  log "[$placement] $loops_note"

  local direct_url="http://127.0.0.1:$sim_port/v1/chat/completions" gw_url="http://127.0.0.1:$gw_port/v1/chat/completions"
  local body_direct='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
  local body_gw='{"model":"bench","messages":[{"role":"user","content":"hi"}]}'
  local sbody_direct='{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}'
  local sbody_gw='{"model":"bench","stream":true,"messages":[{"role":"user","content":"hi"}]}'

  # The virtual key for (v): a budget that is priced and reserved on every call (the deployment, openai/gpt-4o-mini,
  # is priced by the bundled catalog) but never reached, limits that never trigger, an allowlist.
  local out vkey
  local vk_body='{"key_alias":"bench-'"$placement"'","models":["bench"],"max_budget":1000000,"budget_duration":"30d","rpm_limit":1000000000000,"tpm_limit":1000000000000000,"max_parallel_requests":100000}'
  out=$(curl -s --max-time 10 -H 'content-type: application/json' -H "authorization: Bearer $MASTER_KEY" -d "$vk_body" \
      "http://127.0.0.1:$gw_port/key/generate" || true)
  vkey=$(sed -n 's/.*"key":"\(sk-sb-[^"]*\)".*/\1/p' <<<"$out")
  [ -n "$vkey" ] || { echo "$out" >&2; die "POST /key/generate did not return a key"; }

  # Sanity: every path answers 200 with a completion, non-stream and stream, before measuring anything; the virtual
  # key's answers carry its x-ratelimit headers, and a non-stream one a cost above 0 (the budget path really runs).
  local key
  for spec in "direct|$direct_url|$body_direct|sk-bench" "gateway|$gw_url|$body_gw|$MASTER_KEY" "virtual key|$gw_url|$body_gw|$vkey" \
      "direct|$direct_url|$sbody_direct|sk-bench" "gateway|$gw_url|$sbody_gw|$MASTER_KEY" "virtual key|$gw_url|$sbody_gw|$vkey"; do
    IFS='|' read -r name url body key <<<"$spec"
    out=$(curl -s -i --max-time 5 -w '\n%{http_code}' -H 'content-type: application/json' -H "authorization: Bearer $key" -d "$body" "$url" || true)
    [ "$(tail -1 <<<"$out")" = 200 ] && grep -q 'Hello from the simulator\|"content"' <<<"$out" \
      || { echo "$out" >&2; die "sanity request to $name ($url) failed"; }
    [ "$name" = "virtual key" ] || continue
    grep -qi '^x-ratelimit-remaining-requests:' <<<"$out" || { echo "$out" >&2; die "the virtual key's answer has no x-ratelimit headers"; }
    grep -q '"stream":true' <<<"$body" && continue   # a stream's cost comes in its usage, not in a header
    grep -qiE '^x-switchboard-cost: 0*\.0*[1-9]' <<<"$out" || { echo "$out" >&2; die "the virtual key's call was not priced (x-switchboard-cost)"; }
  done

  # The cached alias stores an answer and answers the same question from it; bench's answers are never cached.
  local cbody='{"model":"bench-cached","messages":[{"role":"user","content":"cached sanity"}]}'
  for _ in 1 2; do
    out=$(curl -s -i --max-time 5 -H 'content-type: application/json' -H "authorization: Bearer $MASTER_KEY" -d "$cbody" "$gw_url" || true)
  done
  grep -qi '^x-switchboard-cache: hit-exact' <<<"$out" || { echo "$out" >&2; die "bench-cached did not answer a repeat from the cache"; }
  out=$(curl -s -i --max-time 5 -H 'content-type: application/json' -H "authorization: Bearer $MASTER_KEY" -d "$body_gw" "$gw_url" || true)
  grep -qi '^x-switchboard-cache: hit' <<<"$out" && { echo "$out" >&2; die "bench (uncached) answered from a cache"; }

  # ---------------- JIT warm-up of both JVMs (nothing measured)
  declare -A rps errs cpu other lat ttfb
  local spec w name url model auth stream
  # (the gateway's share is split between the master key and the virtual key: the same code, plus governance)
  for spec in "20|gateway|$gw_url|bench|$MASTER_KEY|0" "20|gateway-vk|$gw_url|bench|$vkey|0" "20|gateway|$gw_url|bench|$MASTER_KEY|1" \
      "15|gateway-vk|$gw_url|bench|$vkey|1" "5|gateway-cached|$gw_url|bench-cached|$MASTER_KEY|0" \
      "10|direct|$direct_url|gpt-4o-mini|sk-bench|0" "10|direct|$direct_url|gpt-4o-mini|sk-bench|1" \
      ${floor_url:+"15|floor|$floor_url|gpt-4o-mini|sk-bench|0"}; do
    IFS='|' read -r w name url model auth stream <<<"$spec"
    local unique=0; [ "$name" = gateway-cached ] && unique=1
    w=$(( JIT_WARMUP * w / 100 )); [ "$w" -ge 1 ] || continue
    log "[$placement] JIT warm-up: $name stream=$stream for ${w}s"
    # through measured(): it waits for a quiet machine and repeats the step if other processes took the CPU
    [ "$name" = floor ] && as_floor
    BENCH_MODEL=$model BENCH_AUTH=$auth BENCH_STREAM=$stream BENCH_UNIQUE=$unique measured "warm.$name.$stream" \
      "JIT warm-up $name stream=$stream ($placement)" "$work/warm.out" \
      "${load_pin[@]}" wrk -t"$wrk_threads" -c"$CONNS" -d"${w}s" --timeout 5s -s "$here/post.lua" "$url"
    [ "$name" = floor ] && as_gateway
  done

  # ---------------- steady check: the gateway's non-stream throughput has stopped climbing (nothing measured)
  local sl_rps=() sl_key steady="" spent=0 i=0 line
  while [ "$spent" -lt "$STEADY_MAX" ]; do
    if [ $((i % 2)) = 0 ]; then sl_key=$MASTER_KEY; else sl_key=$vkey; fi
    slice_rps "$work/steady.out" "steady check" bench "$sl_key" 0 "$gw_url"; sl_rps[i]=$s_rps
    spent=$((spent + STEADY_SLICE)); i=$((i + 1))
    if [ "$i" -ge 4 ] && awk -v a="${sl_rps[i-1]}" -v b="${sl_rps[i-3]}" -v c="${sl_rps[i-2]}" -v d="${sl_rps[i-4]}" \
        'BEGIN { exit !(a >= 0.9 * b && a <= 1.1 * b && c >= 0.9 * d && c <= 1.1 * d) }'; then
      steady=1; break
    fi
  done
  local steady_note
  steady_note="slices of ${STEADY_SLICE}s, master key / virtual key in turn: $(for r in "${sl_rps[@]}"; do printf '%s ' "$(fmt_int "$r")"; done | sed 's/ $//; s/ / \/ /g') req/s"
  if [ "$STEADY_MAX" -le 0 ]; then steady_note="skipped (BENCH_STEADY_MAX=0)"
  elif [ -n "$steady" ]; then steady_note="steady after ${spent}s ($steady_note)"
  else steady_note="⚠ still not steady after ${spent}s ($steady_note): the throughput rows may be low; raise BENCH_JIT_WARMUP"; fi
  log "[$placement] steady check: $steady_note"
  echo "=== steady check ($placement): $steady_note" >>"$raw"

  # ---------------- (a) throughput: wrk, closed loop, CONNS connections
  # For each of non-stream and stream, A_ROUNDS gateway windows, each between two direct ones (d0 g0 d1 g1 … dN): the
  # ratio is the median of the rounds' ratios (rounds_ratio). (v) rides along right after: the virtual key ("vk"), then
  # the master key again ("again"); its ratio is to the mean of the last gateway window and that one, so that a drift of
  # the gateway's speed during the run (it keeps compiling) cancels.
  local target mode i aw
  for mode in nonstream stream; do
    stream=0; [ "$mode" = stream ] && stream=1
    # non-stream with the floor: d0 g0 n0 d1 g1 n1 … dN (each gateway and floor window next to a direct one)
    aw=(); for ((i = 0; i < A_ROUNDS; i++)); do aw+=("d$i" "g$i"); [ "$mode" = nonstream ] && [ -n "$floor_url" ] && aw+=("n$i"); done
    aw+=("d$A_ROUNDS" vk again)
    for target in "${aw[@]}"; do
      case "$target" in
        d*) url=$direct_url model=gpt-4o-mini auth=sk-bench name=direct ;;
        vk) url=$gw_url model=bench auth=$vkey name="virtual key" ;;
        again) url=$gw_url model=bench auth=$MASTER_KEY name="gateway again" ;;
        n*) url=$floor_url model=gpt-4o-mini auth=sk-bench name=floor ;;
        *) url=$gw_url model=bench auth=$MASTER_KEY name=gateway ;;
      esac
      log "[$placement] (a) $name $mode, window $target: warm-up ${WARMUP}s, then ${DURATION}s at $CONNS connections"
      [ "$name" = floor ] && as_floor
      wrk_window "a.$mode.$target" "(a) $name $mode, window $target ($placement)" "$url" "$model" "$auth" "$stream" 0
      [ "$name" = floor ] && as_gateway
    done
  done

  # ---------------- (x) a miss through an exact-cached alias: every question different, non-stream
  local hits0 hits1
  # The cache filled first: unique questions through the cached alias until it is full and evicting (it has stored more
  # entries than it holds) and a slice's throughput is within 10 % of the one before, at most BENCH_X_FILL_MAX seconds.
  # Without it the rounds began with a cache that the JIT warm-up had filled only part-way: the first cached window
  # compiled the eviction's code (123 compilations in it in the 14:11 run of 2026-12-02) and the rounds changed
  # regime (no evictions, then one a miss) half-way through; a gateway that has run for a while is full.
  local xf_rps=() xf_spent=0 xf_i=0 xf_ping xf_entries xf_stores xf_ok=""
  while [ "$xf_spent" -lt "$X_FILL_MAX" ]; do
    slice_rps "$work/xfill.out" "(x) fill" bench-cached "$MASTER_KEY" 1 "$gw_url"; xf_rps[xf_i]=$s_rps
    xf_spent=$((xf_spent + STEADY_SLICE)); xf_i=$((xf_i + 1))
    xf_ping=$(curl -s --max-time 5 -H "authorization: Bearer $MASTER_KEY" "http://127.0.0.1:$gw_port/cache/ping" || true)
    xf_entries=$(sed -n 's/.*MiB, \([0-9]*\) entries now.*/\1/p' <<<"$xf_ping")
    xf_stores=$(sed -n 's/.*"stores":\([0-9]*\).*/\1/p' <<<"$xf_ping")
    if [ "$xf_i" -ge 2 ] && [ -n "$xf_entries" ] && [ -n "$xf_stores" ] && [ "$xf_stores" -gt "$xf_entries" ] \
        && awk -v a="${xf_rps[xf_i-1]}" -v b="${xf_rps[xf_i-2]}" 'BEGIN { exit !(a >= 0.9 * b && a <= 1.1 * b) }'; then
      xf_ok=1; break
    fi
  done
  x_fill_note="slices of ${STEADY_SLICE}s: $(for r in "${xf_rps[@]}"; do printf '%s ' "$(fmt_int "$r")"; done | sed 's/ $//; s/ / \/ /g') req/s; the cache then held $(fmt_int "${xf_entries:-0}") entries after $(fmt_int "${xf_stores:-0}") stores"
  if [ "$X_FILL_MAX" -le 0 ]; then x_fill_note="skipped (BENCH_X_FILL_MAX=0)"
  elif [ -n "$xf_ok" ]; then x_fill_note="full and steady after ${xf_spent}s ($x_fill_note)"
  else x_fill_note="⚠ not full and steady after ${xf_spent}s ($x_fill_note): raise BENCH_X_FILL_MAX"; fi
  log "[$placement] (x) fill: $x_fill_note"
  echo "=== (x) fill ($placement): $x_fill_note" >>"$raw"
  hits0=$(curl -s --max-time 5 -H "authorization: Bearer $MASTER_KEY" "http://127.0.0.1:$gw_port/cache/ping" | sed -n 's/.*"hits":\([0-9]*\).*/\1/p')
  # BENCH_X_ROUNDS cached windows, each between two uncached ones (u0 c0 u1 c1 … uN): the ratio is the median of the
  # rounds' ratios, each to the mean of its two neighbours, so one disturbed or drifting window does not decide it
  local xw=() xi
  for ((xi = 0; xi < X_ROUNDS; xi++)); do xw+=("u$xi" "c$xi"); done
  xw+=("u$X_ROUNDS")
  for target in "${xw[@]}"; do
    local what=uncached
    model=bench; [[ "$target" == c* ]] && { model=bench-cached; what=cached; }
    log "[$placement] (x) $what, window $target (every question different): warm-up ${WARMUP}s, then ${DURATION}s at $CONNS connections"
    wrk_window "x.$target" "(x) $what $target ($placement)" "$gw_url" "$model" "$MASTER_KEY" 0 1
  done
  # every one of them was a miss: the cache's hit count did not move
  hits1=$(curl -s --max-time 5 -H "authorization: Bearer $MASTER_KEY" "http://127.0.0.1:$gw_port/cache/ping" | sed -n 's/.*"hits":\([0-9]*\).*/\1/p')
  [ "${hits1:-x}" = "${hits0:-y}" ] || die "(x): the cache answered $(( ${hits1:-0} - ${hits0:-0} )) of the unique questions (hits ${hits0:-?} -> ${hits1:-?})"

  # ---------------- (b) added latency at a fixed rate: LoadGen rate (open loop)
  # Twice: at BENCH_RATE (lat[direct], lat[gateway]) and at BENCH_RATE_HIGH (lat[hi.direct], lat[hi.gateway]),
  # issue #15's 10,000 req/s, which one pinned gateway core can now serve (it could not when the figure was set).
  local rate pfx
  for rate in "$RATE" "$RATE_HIGH"; do
    [ "$rate" -gt 0 ] || continue
    pfx=""; [ "$rate" = "$RATE" ] || pfx="hi."
  for target in direct gateway; do
    if [ "$target" = direct ]; then url=$direct_url body=$body_direct auth=sk-bench; else url=$gw_url body=$body_gw auth=$MASTER_KEY; fi
    f="$work/rate.out"
    # The first LoadGen window after wrk's load met a C2 recompilation (docs/architecture.md, "The 1,000 req/s
    # row": p99 4.0 ms against 0.8-1.5 ms in a second window): LoadGen's requests take paths wrk's did not. So
    # each column is primed by one window of LoadGen's own requests at the first rate, whose figures are kept
    # beside the row (lat[first.TARGET]) rather than hidden; BENCH_LATENCY_PRIME=0 measures the old way.
    if [ -z "$pfx" ] && [ "$LAT_PRIME" = 1 ]; then
      log "[$placement] (b) $target: first window, open loop $rate req/s, ${LAT_WARMUP}s warm-up + ${LAT_DURATION}s (kept beside the row)"
      measured "b.first.$target" "(b) $target open loop $rate req/s, first window ($placement)" "$f" \
        "${load_pin[@]}" "${GEN_JAVA[@]}" rate --url "$url" --auth "$auth" --body "$body" --rate "$rate" \
          --warmup-s "$LAT_WARMUP" --duration-s "$LAT_DURATION" --connections 32 --spin-us 100
      lat[first.$target]=$(grep '^RESULT' "$f") || die "no RESULT line from LoadGen"
      log "[$placement]     first window: p50 $(kv p50_us "${lat[first.$target]}") us, p99 $(kv p99_us "${lat[first.$target]}") us"
    fi
    log "[$placement] (b) $target: open loop $rate req/s, ${LAT_WARMUP}s warm-up + ${LAT_DURATION}s"
    local try
    for try in 1 2; do
      measured "b.$pfx$target" "(b) $target open loop $rate req/s ($placement; CPU includes the generator's JVM start and warm-up)" "$f" \
        "${load_pin[@]}" "${GEN_JAVA[@]}" rate --url "$url" --auth "$auth" --body "$body" --rate "$rate" \
          --warmup-s "$LAT_WARMUP" --duration-s "$LAT_DURATION" --connections 32 --spin-us 100
      lat[$pfx$target]=$(grep '^RESULT' "$f") || die "no RESULT line from LoadGen"
      log "[$placement]     p50 $(kv p50_us "${lat[$pfx$target]}") us, p99 $(kv p99_us "${lat[$pfx$target]}") us, send lag p99 $(kv lag_p99_us "${lat[$pfx$target]}") us"
      # The generator's own lateness is its self-check: in a clean run its p99 is tens of microseconds. When it
      # is late by more than LAG_LIMIT_US at p99, its core was disturbed (VM steal, a GC next door) and the p99
      # says more about that than about the gateway: measure once more, if the waiting budget allows.
      awk -v l="$(kv lag_p99_us "${lat[$pfx$target]}")" -v m="$LAG_LIMIT_US" 'BEGIN { exit !(l > m) }' || break
      [ "$try" = 1 ] && [ "$quiet_budget" -gt 0 ] || break
      log "[$placement]     the generator itself was late (send lag p99 above ${LAG_LIMIT_US} us): measuring again"
      quiet_budget=$((quiet_budget - LAT_DURATION - LAT_WARMUP))
    done
  done
  done

  # ---------------- (c) time to first streamed chunk: LoadGen ttfb (sequential)
  for target in direct gateway; do
    if [ "$target" = direct ]; then url=$direct_url body=$sbody_direct auth=sk-bench; else url=$gw_url body=$sbody_gw auth=$MASTER_KEY; fi
    log "[$placement] (c) $target: $TTFB_COUNT sequential stream requests (+$TTFB_WARMUP warm-up)"
    f="$work/ttfb.out"
    measured "c.$target" "(c) $target first streamed chunk ($placement; CPU includes the generator's JVM start)" "$f" \
      "${load_pin[@]}" "${GEN_JAVA[@]}" ttfb --url "$url" --auth "$auth" --body "$body" --warmup "$TTFB_WARMUP" --count "$TTFB_COUNT"
    ttfb[$target]=$(grep '^RESULT' "$f") || die "no RESULT line from LoadGen"
    log "[$placement]     first data: p50 $(kv p50_us "${ttfb[$target]}") us"
  done

  # What the virtual key spent: each of its calls reserved its worst case and settled to a real, priced cost.
  local vk_spend
  vk_spend=$(curl -s --max-time 5 -H "authorization: Bearer $MASTER_KEY" "http://127.0.0.1:$gw_port/key/info?key=$vkey" \
    | sed -n 's/.*"spend":\([0-9.eE+-]*\).*/\1/p')

  # ---------------- (f) "full": every layer on at once, in a second gateway (tracing is process-wide)
  # A virtual key (budget, limits, allowlist), the exact cache on with every question different (each request a miss
  # that is then stored), the spend ledger and the request log (both on by default) and every request traced to a
  # local OTLP sink (bench/OtlpSink.java, on the load core). The main gateway is stopped first; this one gets its own
  # JIT warm-up (BENCH_FULL_WARMUP seconds) and steady check before the same rounds as (a)'s non-stream.
  kill -TERM "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true
  local sink_port full_port full_pid sink_pid
  sink_port=$(pick_port 4060 20) || die "no free port from 4060"
  full_port=$gw_port
  "${load_pin[@]}" "$JAVA" "$here/OtlpSink.java" "$sink_port" >"$work/sink.log" 2>&1 &
  sink_pid=$!; pids+=("$sink_pid")
  sed -e "s#^  database_path: .*#  database_path: $work/gateway-full-$placement.db#" "$work/config.yaml" >"$work/config-full.yaml"
  printf '  otel: { endpoint: "http://127.0.0.1:%s", schedule_delay_ms: 200 }\n' "$sink_port" >>"$work/config-full.yaml"
  # shellcheck disable=SC2086
  "${gw_pin[@]}" "$JAVA" $GW_JAVA_OPTS -jar "$JAR" serve --config "$work/config-full.yaml" --host 127.0.0.1 --port "$full_port" \
      "${gw_loops[@]}" >"$work/gateway-full.log" 2>&1 &
  full_pid=$!; pids+=("$full_pid")
  wait_http gateway-full "$full_pid" "http://127.0.0.1:$full_port/health/readiness"
  local fkey
  out=$(curl -s --max-time 10 -H 'content-type: application/json' -H "authorization: Bearer $MASTER_KEY" \
    -d "$(sed 's/"models":\["bench"\]/"models":["bench-cached"]/' <<<"$vk_body")" "http://127.0.0.1:$full_port/key/generate" || true)
  fkey=$(sed -n 's/.*"key":"\(sk-sb-[^"]*\)".*/\1/p' <<<"$out")
  [ -n "$fkey" ] || { echo "$out" >&2; die "(f): POST /key/generate did not return a key"; }
  gw_pid=$full_pid   # measured() accounts the CPU of the gateway under test
  log "[$placement] (f) full: JIT warm-up ${FULL_WARMUP}s, the steady check, then $F_ROUNDS rounds of ${WARMUP}s + ${DURATION}s at $CONNS connections"
  BENCH_MODEL=bench-cached BENCH_AUTH=$fkey BENCH_STREAM=0 BENCH_UNIQUE=1 \
    bg_wait "${load_pin[@]}" wrk -t"$wrk_threads" -c"$CONNS" -d"$((FULL_WARMUP + WARMUP))s" --timeout 5s -s "$here/post.lua" "$gw_url" || true
  # The same steady check as before (a): this JVM has more code to compile than the main one (tracing, the cache), and
  # after 30 s it was still at its cold speed (1.4k req/s, the first 30 s of any gateway of this build: the ×0.06 of
  # 2026-12-01 07:30 was that). Slices of the full load until the last is within 10 % of the one before.
  local fl_rps=() fl_steady="" fl_spent=0 fl_i=0
  while [ "$fl_spent" -lt "$FULL_STEADY_MAX" ]; do
    slice_rps "$work/steady.out" "(f) steady check" bench-cached "$fkey" 1 "$gw_url"; fl_rps[fl_i]=$s_rps
    fl_spent=$((fl_spent + STEADY_SLICE)); fl_i=$((fl_i + 1))
    if [ "$fl_i" -ge 3 ] && awk -v a="${fl_rps[fl_i-1]}" -v b="${fl_rps[fl_i-2]}" 'BEGIN { exit !(a >= 0.9 * b && a <= 1.1 * b) }'; then
      fl_steady=1; break
    fi
  done
  full_steady_note="slices of ${STEADY_SLICE}s: $(for r in "${fl_rps[@]}"; do printf '%s ' "$(fmt_int "$r")"; done | sed 's/ $//; s/ / \/ /g') req/s"
  if [ "$FULL_STEADY_MAX" -le 0 ]; then full_steady_note="skipped (BENCH_FULL_STEADY_MAX=0)"
  elif [ -n "$fl_steady" ]; then full_steady_note="steady after ${FULL_WARMUP}s + ${fl_spent}s ($full_steady_note)"
  else full_steady_note="⚠ still not steady after ${FULL_WARMUP}s + ${fl_spent}s ($full_steady_note): the (f) row may be low; raise BENCH_FULL_WARMUP"; fi
  log "[$placement] (f) steady check: $full_steady_note"
  echo "=== (f) steady check ($placement): $full_steady_note" >>"$raw"
  local spans0 spans1
  # /metrics needs the master key; the dropped counter has a reason label, so its lines are summed. "?" when the gateway
  # did not answer within 5 s (a starved core), so that the table never shows a count it did not read.
  metric() { local m
    m=$(curl -s --max-time 5 -H "authorization: Bearer $MASTER_KEY" "http://127.0.0.1:$full_port/metrics") || { echo "?"; return 0; }
    awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.0f", s }' <<<"$m"; }
  # F_ROUNDS full windows, each between two direct ones (d0 f0 d1 f1 … dN), as (a): the direct load goes to the same
  # simulator while the full gateway idles, one after the other, never at once. The span counters are read before the
  # first window and after the last (a direct one: the last full window's spans have been exported by then), so the
  # lost count covers every full window.
  spans0=$(metric switchboard_trace_spans_exported_total)
  local fw=()
  for ((i = 0; i < F_ROUNDS; i++)); do fw+=("d$i" "f$i"); done
  fw+=("d$F_ROUNDS")
  for target in "${fw[@]}"; do
    name=full; [[ "$target" == d* ]] && name=direct
    log "[$placement] (f) $name, window $target: warm-up ${WARMUP}s, then ${DURATION}s at $CONNS connections"
    if [ "$name" = direct ]; then
      wrk_window "f.$target" "(f) direct, window $target ($placement)" "$direct_url" gpt-4o-mini sk-bench 0 0
    else
      wrk_window "f.$target" "(f) full, window $target ($placement)" "$gw_url" bench-cached "$fkey" 0 1
    fi
  done
  spans1=$(metric switchboard_trace_spans_exported_total)
  local full_spans full_dropped
  full_spans="?"; [ "$spans0" != "?" ] && [ "$spans1" != "?" ] && full_spans=$(fmt_int $((spans1 - spans0)))
  full_dropped=$(metric switchboard_trace_spans_dropped_total)
  log "[$placement]     (f) $full_spans spans exported during the rounds, ${full_dropped:-0} lost since the full gateway started"

  stop_all
  { echo "=== gateway log"; cat "$work/gateway.log"; echo; echo "=== gateway (full) log"; cat "$work/gateway-full.log"; echo
    echo "=== simulator log"; cat "$work/simulator.log"; } >>"$raw"

  # ---------------- table
  local ms_d50 ms_g50 ms_d99 ms_g99 add50 add99 t_d t_g add_t ok
  ms_d50=$(calc %.3f "$(kv p50_us "${lat[direct]}")/1000"); ms_g50=$(calc %.3f "$(kv p50_us "${lat[gateway]}")/1000")
  ms_d99=$(calc %.3f "$(kv p99_us "${lat[direct]}")/1000"); ms_g99=$(calc %.3f "$(kv p99_us "${lat[gateway]}")/1000")
  add50=$(calc %+.3f "$ms_g50-$ms_d50"); add99=$(calc %+.3f "$ms_g99-$ms_d99")
  # the same at BENCH_RATE_HIGH: two more rows, judged against the same added-latency targets
  local hi_rows="" hi_notes=""
  if [ "$RATE_HIGH" -gt 0 ]; then
    local hd50 hg50 hd99 hg99 hadd50 hadd99 hv50 hv99 hd hlag=""
    hd50=$(calc %.3f "$(kv p50_us "${lat[hi.direct]}")/1000"); hg50=$(calc %.3f "$(kv p50_us "${lat[hi.gateway]}")/1000")
    hd99=$(calc %.3f "$(kv p99_us "${lat[hi.direct]}")/1000"); hg99=$(calc %.3f "$(kv p99_us "${lat[hi.gateway]}")/1000")
    hadd50=$(calc %+.3f "$hg50-$hd50"); hadd99=$(calc %+.3f "$hg99-$hd99")
    hv50=$(verdict "$(awk -v a="$hadd50" -v t=$T_ADD_P50 'BEGIN { print (a <= t) }')")
    hv99=$(verdict "$(awk -v a="$hadd99" -v t=$T_ADD_P99 'BEGIN { print (a <= t) }')")
    for v in "$hv50" "$hv99"; do [ "$v" = pass ] || failed_targets=$((failed_targets + 1)); done
    hd=""; for k in b.hi.direct b.hi.gateway; do [ "${other[$k]:-0}" -gt "$OTHER_LIMIT" ] && hd=" ⚠"; done
    for k in hi.direct hi.gateway; do
      awk -v l="$(kv lag_p99_us "${lat[$k]}")" -v m="$LAG_LIMIT_US" 'BEGIN { exit !(l > m) }' && hlag=" ‡"
      local hle; hle=$(( $(kv errors "${lat[$k]}") + $(kv incomplete "${lat[$k]}") ))
      [ "$hle" -gt 0 ] && hi_notes+=" (b) $k at $RATE_HIGH req/s: $hle failed/unfinished requests;"
    done
    hi_rows="
| (b) latency p50 at $(fmt_int "$RATE_HIGH") req/s (open loop) | $hd50 ms | $hg50 ms | $hadd50 ms | added ≤ $T_ADD_P50 ms | $hv50$hd |
| (b) latency p99 at $(fmt_int "$RATE_HIGH") req/s (open loop) | $hd99 ms | $hg99 ms | $hadd99 ms | added ≤ $T_ADD_P99 ms | $hv99$hd$hlag |"
    hi_notes="
- (b) gateway at $(fmt_int "$RATE_HIGH") req/s: ${cpu[b.hi.gateway]}; generator send lag p99 direct $(calc %.3f "$(kv lag_p99_us "${lat[hi.direct]}")/1000") ms, gateway $(calc %.3f "$(kv lag_p99_us "${lat[hi.gateway]}")/1000") ms; p99.9 direct $(calc %.3f "$(kv p999_us "${lat[hi.direct]}")/1000") ms, gateway $(calc %.3f "$(kv p999_us "${lat[hi.gateway]}")/1000") ms${hi_notes:+; errors:$hi_notes}"
  fi
  # the priming window at BENCH_RATE (see the (b) loop), shown beside the row it warmed
  local first_note=""
  if [ -n "${lat[first.direct]:-}" ] && [ -n "${lat[first.gateway]:-}" ]; then
    first_note="- (b) first window at $(fmt_int "$RATE") req/s, before the row's (LoadGen's requests after wrk's; the gateway's JIT still adapting): p50 direct $(calc %.3f "$(kv p50_us "${lat[first.direct]}")/1000") ms, gateway $(calc %.3f "$(kv p50_us "${lat[first.gateway]}")/1000") ms; p99 direct $(calc %.3f "$(kv p99_us "${lat[first.direct]}")/1000") ms, gateway $(calc %.3f "$(kv p99_us "${lat[first.gateway]}")/1000") ms (added $(calc %+.3f "$(kv p99_us "${lat[first.gateway]}")/1000-$(kv p99_us "${lat[first.direct]}")/1000") ms); ${cpu[b.first.gateway]}
"
  fi
  t_d=$(calc %.3f "$(kv p50_us "${ttfb[direct]}")/1000"); t_g=$(calc %.3f "$(kv p50_us "${ttfb[gateway]}")/1000")
  add_t=$(calc %+.3f "$t_g-$t_d")
  # (a), (x), (f): rounds, each test window against the mean of its two neighbours, the median of the rounds
  local r_median r_mid r_base r_notes r_flag r_keys=()
  local ratio_n an_mid an_base an_notes d1 an_keys
  rounds_ratio a.nonstream.d a.nonstream.g "$A_ROUNDS" direct gateway
  ratio_n=$r_median an_mid=$r_mid an_base=$r_base an_notes=$r_notes d1=$r_flag an_keys=("${r_keys[@]}")
  local ratio_floor="" floor_mid floor_notes d10="" floor_keys=() floor_row="" floor_note=""
  if [ -n "$floor_url" ]; then
    rounds_ratio a.nonstream.d a.nonstream.n "$A_ROUNDS" direct floor
    ratio_floor=$r_median floor_mid=$r_mid floor_notes=$r_notes d10=$r_flag floor_keys=("${r_keys[@]}")
    floor_row="
| (a0) the floor: a bare relay on Netty (bench/NettyFloor.java, placed as the gateway), non-stream | $(fmt_int "$r_base") req/s | $(fmt_int "${rps[a.nonstream.n$floor_mid]}") req/s | ×$ratio_floor of direct (median of $A_ROUNDS rounds); the gateway ×$(calc %.2f "$ratio_n/$ratio_floor") of the floor | — (context: see the floor's CPU line for which core limited it) | $d10 |"
    floor_note="
- (a0) the floor, non-stream: $floor_notes. ${cpu[a.nonstream.n$floor_mid]:-} (\"gateway\" in that CPU line is the floor's process)"
  fi
  local ratio_s as_mid as_base as_notes d2 as_keys
  rounds_ratio a.stream.d a.stream.g "$A_ROUNDS" direct gateway
  ratio_s=$r_median as_mid=$r_mid as_base=$r_base as_notes=$r_notes d2=$r_flag as_keys=("${r_keys[@]}")
  local miss_x x_rounds d8 x_keys x_cached_sum=0 xi
  rounds_ratio x.u x.c "$X_ROUNDS" uncached cached
  miss_x=$r_median x_rounds=$r_notes d8=$r_flag x_keys=("${r_keys[@]}")
  for ((xi = 0; xi < X_ROUNDS; xi++)); do x_cached_sum=$((x_cached_sum + ${rps[x.c$xi]})); done
  rps[x.cached]=$((x_cached_sum / X_ROUNDS))
  local full_d f_mid f_base f_notes d9 f_keys full_g
  rounds_ratio f.d f.f "$F_ROUNDS" direct full
  full_d=$r_median f_mid=$r_mid f_base=$r_base f_notes=$r_notes d9=$r_flag f_keys=("${r_keys[@]}")
  full_g=$(ratio "${rps[f.f$f_mid]}" "${rps[a.nonstream.g$an_mid]}")
  # (v): the virtual key against the mean of the master-key windows before it ((a)'s last gateway window) and after it
  local v_keys=() m_n m_s vk_n vk_s drift_n drift_s last=$((A_ROUNDS - 1))
  for mode in nonstream stream; do v_keys+=("a.$mode.g$last" "a.$mode.vk" "a.$mode.again"); done
  m_n=$(calc %.0f "(${rps[a.nonstream.g$last]}+${rps[a.nonstream.again]})/2")
  m_s=$(calc %.0f "(${rps[a.stream.g$last]}+${rps[a.stream.again]})/2")
  vk_n=$(ratio "${rps[a.nonstream.vk]}" "$m_n"); vk_s=$(ratio "${rps[a.stream.vk]}" "$m_s")
  drift_n=$(drift "${rps[a.nonstream.g$last]}" "${rps[a.nonstream.again]}")
  drift_s=$(drift "${rps[a.stream.g$last]}" "${rps[a.stream.again]}")
  local mid_even=""; [ $((A_ROUNDS % 2)) = 0 ] && mid_even=", the lower middle one of an even number"
  local e_note=""
  for k in "${an_keys[@]}" "${floor_keys[@]}" "${as_keys[@]}" a.nonstream.vk a.nonstream.again a.stream.vk a.stream.again \
      "${x_keys[@]}" "${f_keys[@]}"; do
    [ "${errs[$k]}" -gt 0 ] && e_note+=" ${k}: ${errs[$k]} wrk errors;"
  done
  for k in direct gateway; do
    local le; le=$(( $(kv errors "${lat[$k]}") + $(kv incomplete "${lat[$k]}") ))
    [ "$le" -gt 0 ] && e_note+=" (b) $k: $le failed/unfinished requests;"
    le=$(( $(kv errors "${ttfb[$k]}") + $(kv missing "${ttfb[$k]}") ))
    [ "$le" -gt 0 ] && e_note+=" (c) $k: $le failed streams;"
  done

  local d3 d4 d5 d6 d7 any_disturbed=""
  d6=$(flag "${v_keys[@]:0:3}"); d7=$(flag "${v_keys[@]:3:3}")
  d3=$(flag b.direct b.gateway); d4=$d3; d5=$(flag c.direct c.gateway)
  local lagged=""
  for k in direct gateway; do
    awk -v l="$(kv lag_p99_us "${lat[$k]}")" -v m="$LAG_LIMIT_US" 'BEGIN { exit !(l > m) }' && lagged=" ‡"
  done
  d4="$d4$lagged"
  [ -n "$d1$d2$d3$d5$d6$d7$d8$d9$d10" ] && any_disturbed="
- ⚠ = other processes used more than ${OTHER_LIMIT}% of a core during that measurement (see the CPU lines): the number is disturbed; rerun on a quiet machine."
  [ -n "$lagged" ] && any_disturbed+="
- ‡ = the generator's send lag p99 was above ${LAG_LIMIT_US} us in (b) (its core was disturbed): the p99 row is noisy; rerun."
  local v1 v2 v3 v4 v5 v6 v7
  v1=$(verdict "$(awk -v r="$ratio_n" -v t=$T_NONSTREAM_RATIO 'BEGIN { print (r >= t) }')")
  local v9; v9=$(verdict "$(awk -v r="$ratio_s" -v t=$T_STREAM_RATIO 'BEGIN { print (r >= t) }')")
  v2=$(verdict "$(awk -v a="$add50" -v t=$T_ADD_P50 'BEGIN { print (a <= t) }')")
  v3=$(verdict "$(awk -v a="$add99" -v t=$T_ADD_P99 'BEGIN { print (a <= t) }')")
  v4=$(verdict "$(awk -v a="$add_t" -v t=$T_ADD_TTFB 'BEGIN { print (a <= t) }')")
  v5=$(verdict "$(awk -v r="$vk_n" -v t=$T_VK_RATIO 'BEGIN { print (r >= t) }')")
  v6=$(verdict "$(awk -v r="$vk_s" -v t=$T_VK_RATIO 'BEGIN { print (r >= t) }')")
  v7=$(verdict "$(awk -v r="$miss_x" -v t=$T_MISS_RATIO 'BEGIN { print (r >= t) }')")
  local v8; v8=$(verdict "$(awk -v r="$full_d" -v t=$T_FULL_RATIO 'BEGIN { print (r >= t) }')")
  for v in "$v1" "$v2" "$v3" "$v4" "$v5" "$v6" "$v7" "$v8" "$v9"; do [ "$v" = pass ] || failed_targets=$((failed_targets + 1)); done

  local desc
  if [ "$placement" = pinned ]; then
    desc="pinned: gateway on CPU $GW_CPU (--event-loops 1); simulator (1 event loop) + load generator on CPU $LOAD_CPU"
  else
    desc="unpinned: gateway (one event loop per core), simulator (1 event loop) and load generator share all $ncpu CPUs"
  fi
  local table
  table=$(cat <<EOF
### Placement: $desc

| measurement | direct | through gateway | ratio / added | target | |
|---|---:|---:|---:|---|---|
| (a) throughput, non-stream, $CONNS connections | $(fmt_int "$an_base") req/s | $(fmt_int "${rps[a.nonstream.g$an_mid]}") req/s | ×$ratio_n (median of $A_ROUNDS rounds) | ≥ ×$T_NONSTREAM_RATIO of direct | $v1$d1 |$floor_row
| (a) throughput, stream, $CONNS connections | $(fmt_int "$as_base") req/s | $(fmt_int "${rps[a.stream.g$as_mid]}") req/s | ×$ratio_s (median of $A_ROUNDS rounds) | ≥ ×$T_STREAM_RATIO of direct | $v9$d2 |
| (b) latency p50 at $(fmt_int "$RATE") req/s (open loop) | $ms_d50 ms | $ms_g50 ms | $add50 ms | added ≤ $T_ADD_P50 ms | $v2$d3 |
| (b) latency p99 at $(fmt_int "$RATE") req/s (open loop) | $ms_d99 ms | $ms_g99 ms | $add99 ms | added ≤ $T_ADD_P99 ms | $v3$d4 |$hi_rows
| (c) first streamed chunk p50 (sequential) | $t_d ms | $t_g ms | $add_t ms | added ≤ $T_ADD_TTFB ms | $v4$d5 |
| (v) throughput, non-stream, virtual key | — | $(fmt_int "${rps[a.nonstream.vk]}") req/s | ×$vk_n of master key | ≥ ×$T_VK_RATIO of master key | $v5$d6 |
| (v) throughput, stream, virtual key | — | $(fmt_int "${rps[a.stream.vk]}") req/s | ×$vk_s of master key | ≥ ×$T_VK_RATIO of master key | $v6$d7 |
| (x) throughput, non-stream, every request a miss through an exact-cached alias | — | $(fmt_int "${rps[x.cached]}") req/s (mean of $X_ROUNDS) | ×$miss_x of the alias without cache (median of $X_ROUNDS rounds) | ≥ ×$T_MISS_RATIO | $v7$d8 |
| (f) throughput, non-stream, full: virtual key + exact cache (misses) + ledger + request log + traces | $(fmt_int "$f_base") req/s | $(fmt_int "${rps[f.f$f_mid]}") req/s | ×$full_d of direct (median of $F_ROUNDS rounds; ×$full_g of (a) gateway) | ≥ ×$T_FULL_RATIO of direct | $v8$d9 |

- event loops: $loops_note
- before (a), the steady check of the gateway's non-stream throughput: $steady_note
- (a) non-stream, each gateway window against the mean of the direct windows before and after it: $an_notes. The row shows round $((an_mid + 1))'s windows (the median round$mid_even): its gateway window and the mean of its two direct ones.
- (a) stream, the same: $as_notes. The row shows round $((as_mid + 1))'s.$floor_note
- (a) gateway non-stream, round $((an_mid + 1)): ${cpu[a.nonstream.g$an_mid]}
- (a) direct non-stream, the window before it: ${cpu[a.nonstream.d$an_mid]}
- (a) gateway stream, round $((as_mid + 1)): ${cpu[a.stream.g$as_mid]}
- (a) direct stream, the window before it: ${cpu[a.stream.d$as_mid]}
- (v) master key in (a)'s last gateway window and in the window after the virtual key's (between them: (a)'s last direct window and the virtual key's): non-stream $(fmt_int "${rps[a.nonstream.g$last]}") / $(fmt_int "${rps[a.nonstream.again]}") req/s (drift ${drift_n} %), stream $(fmt_int "${rps[a.stream.g$last]}") / $(fmt_int "${rps[a.stream.again]}") req/s (drift ${drift_s} %); the ratio is to their mean. The virtual key spent \$${vk_spend:-?} in this run, every call priced, reserved and settled.
- (x) before its rounds, the cache filled by unique questions through the cached alias: $x_fill_note
- (x) each cached window against the mean of the uncached windows before and after it: $x_rounds; every cached-alias request was a miss and was stored (the cache's hit count did not move).
- (x) cached alias, first window: ${cpu[x.c0]}
- (f) full, its steady check after ${FULL_WARMUP}s of warm-up: $full_steady_note
- (f) each full window against the mean of the direct windows before and after it (the same simulator, the full gateway idle meanwhile): $f_notes. The row shows round $((f_mid + 1))'s.
- (f) full, in a second gateway with every request traced (OTLP to bench/OtlpSink.java on the load core; $full_spans spans exported during the rounds, ${full_dropped:-0} lost since its start (queue full or export failed)), round $((f_mid + 1)): ${cpu[f.f$f_mid]}
- (v) virtual key non-stream: ${cpu[a.nonstream.vk]}
- (v) virtual key stream: ${cpu[a.stream.vk]}
- (b) gateway at $(fmt_int "$RATE") req/s: ${cpu[b.gateway]} (window includes the generator's start and warm-up)$hi_notes
$first_note- (b) generator send lag p99 (its own lateness; included in both columns, as is any queueing): direct $(calc %.3f "$(kv lag_p99_us "${lat[direct]}")/1000") ms, gateway $(calc %.3f "$(kv lag_p99_us "${lat[gateway]}")/1000") ms; p99.9 direct $(calc %.3f "$(kv p999_us "${lat[direct]}")/1000") ms, gateway $(calc %.3f "$(kv p999_us "${lat[gateway]}")/1000") ms
- (c) whole stream p50: direct $(calc %.3f "$(kv whole_p50_us "${ttfb[direct]}")/1000") ms, gateway $(calc %.3f "$(kv whole_p50_us "${ttfb[gateway]}")/1000") ms
- errors:${e_note:- none}$any_disturbed
EOF
)
  tables+=("$table")
}

# ------------------------------------------------------------------ run
start_s=$(date +%s)
if [ "$PLACEMENT" = both ]; then run_suite pinned; run_suite unpinned; else run_suite "$PLACEMENT"; fi
elapsed=$(( $(date +%s) - start_s ))

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null | head -1)
report=$(cat <<EOF
## Switchboard benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')

Jar: \`$JAR\` (built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC')), commit $commit${dirty:+ (working tree has changes)}; $("$JAVA" -version 2>&1 | head -1);
$ncpu CPUs ($(uname -r)); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); run took ${elapsed}s.
JIT warm-up ${JIT_WARMUP}s of load on fresh JVMs, then the steady check (below each table); (a), (v), (x), (f) wrk, ${WARMUP}s warm-up + ${DURATION}s a window, (a) in $A_ROUNDS rounds, (x) in $X_ROUNDS, (f) in $F_ROUNDS; (b) bench/LoadGen.java open loop, ${LAT_WARMUP}s warm-up + ${LAT_DURATION}s;
(c) bench/LoadGen.java, $TTFB_WARMUP warm-up + $TTFB_COUNT sequential streams. Raw output: bench/results/raw-*.log.

$(printf '%s\n\n' "${tables[@]}")
EOF
)
echo "$report" >"$results/latest.md"
echo
echo "$report"
echo
log "written to bench/results/latest.md"
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$failed_targets" -gt 0 ]; then exit 1; fi
exit 0
