#!/usr/bin/env bash
# Switchboard benchmark: many concurrent slow streams through one gateway, its memory, and its heap over a soak.
#
#   It holds STREAMS_N (default 2,000) streams open at once through the gateway (bench/StreamHold.java: each stream
#   that ends is replaced at once) against the simulator, whose model "gpt-slow" sends one event every STREAMS_CHUNK_MS
#   (default 250 ms, about 2.5 s a stream), for STREAMS_SOAK seconds (default 300: the 5-minute soak). Every 10 s it
#   samples the gateway's RSS (ps) and, every 30 s, its live heap (jcmd GC.run, then GC.heap_info: the heap after a full
#   collection, which is what must stay flat; the first sample after STREAMS_WARMUP seconds is the baseline).
#   It reports: peak RSS (target <= 512 MiB), live heap at the baseline and at the end (target: flat, within 10 %
#   or 16 MiB), streams completed and failed, and how much longer than the upstream made it wait a stream took.
#
# The gateway runs as ./switchboard runs it (scripts/jvm-opts.sh: -Xmx1g unless SWITCHBOARD_HEAP says otherwise, the GC),
# then STREAMS_JAVA_OPTS (e.g. -XX:NativeMemoryTracking=summary: the raw log then shows where the RSS goes), with default settings:
#   no per-host limit below 2,000 (general_settings.upstream_max_connections_per_host is 2048 by default).
# Knobs: STREAMS_N, STREAMS_SOAK, STREAMS_WARMUP=60, STREAMS_CHUNK_MS, SWITCHBOARD_HEAP=1g, SWITCHBOARD_JAR.
# Output: a Markdown table on stdout and in bench/results/streams-latest.md; raw samples in bench/results/raw-streams-*.log.
# A benchmark, not a test: the machine should be quiet (uptime's load is printed with the figures).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
N="${STREAMS_N:-2000}"
SOAK="${STREAMS_SOAK:-300}"
WARMUP="${STREAMS_WARMUP:-60}"
CHUNK_MS="${STREAMS_CHUNK_MS:-250}"
T_RSS_MIB=512

log() { printf '[streams %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=../scripts/jdk.sh
source "$root/scripts/jdk.sh"
source "$root/scripts/jvm-opts.sh"  # the gateway runs with ./switchboard's default JVM options (SWITCHBOARD_HEAP included)
JAVA="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"
[ -x "$JCMD" ] || die "no jcmd in $JAVA_HOME"
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
if [ ! -f "$JAR" ]; then
  log "building $JAR (mvn -B -q -DskipTests package) ..."
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
[ "$SOAK" -gt "$WARMUP" ] || die "STREAMS_SOAK ($SOAK) must be longer than STREAMS_WARMUP ($WARMUP)"
[ "$(ulimit -n)" -ge $((N * 3 + 1000)) ] || ulimit -n $((N * 3 + 1000)) 2>/dev/null \
  || die "open files limit $(ulimit -n) is too low for $N streams (needs $((N * 3 + 1000))): ulimit -n"

results="$here/results"
mkdir -p "$results"
work="$(mktemp -d /tmp/switchboard-streams.XXXXXX)"
stamp="$(date +%Y%m%d-%H%M%S)"
raw="$results/raw-streams-$stamp.log"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # name pid url
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "$3" && return 0
    kill -0 "$2" 2>/dev/null || die "$1 exited: see $raw"
    sleep 0.5
  done
  die "$1 did not answer at $3"
}

sim_port=$(free_port); gw_port=$(free_port)
key="sk-streams-bench-$$"
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: slow
    litellm_params: { model: openai/gpt-slow, api_base: "http://127.0.0.1:$sim_port/v1", api_key: sk-sim, stream_timeout: 60 }
general_settings:
  master_key: $key
  database_path: $work/switchboard.db
YAML

gw_jvm="$(switchboard_jvm_opts "${STREAMS_JAVA_OPTS:-}") ${STREAMS_JAVA_OPTS:-}"
log "simulator on :$sim_port (gpt-slow: one event every $CHUNK_MS ms), gateway on :$gw_port (JVM: $gw_jvm)"
"$JAVA" -jar "$JAR" simulator --host 127.0.0.1 --port "$sim_port" --event-loops 2 --slow-model gpt-slow \
    --chunk-delay-ms "$CHUNK_MS" --transport "${BENCH_SIMULATOR_TRANSPORT:-epoll}" >"$work/simulator.log" 2>&1 &
sim_pid=$!; pids+=("$sim_pid")
"$JAVA" $gw_jvm -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 --port "$gw_port" >"$work/gateway.log" 2>&1 &
gw_pid=$!; pids+=("$gw_pid")
wait_http simulator "$sim_pid" "http://127.0.0.1:$sim_port/v1/models"
wait_http gateway "$gw_pid" "http://127.0.0.1:$gw_port/health/liveliness"

mkdir -p "$work/gen"
"$JAVA_HOME/bin/javac" -d "$work/gen" "$here/StreamHold.java"
log "holding $N streams for $SOAK s (baseline heap after $WARMUP s) ..."
"$JAVA" -Xmx1g -cp "$work/gen" StreamHold "http://127.0.0.1:$gw_port" "$key" slow "$N" "$SOAK" "$CHUNK_MS" >"$work/load.log" 2>&1 &
load_pid=$!; pids+=("$load_pid")

rss_peak=0; rss_steady=0; heap_base=""; heap_last=""; t=0
{ echo "# t_s rss_kib live_heap_kib"; } >"$work/samples.log"
while kill -0 "$load_pid" 2>/dev/null; do
  sleep 10; t=$((t + 10))
  rss=$(ps -o rss= -p "$gw_pid" | tr -d ' ') || break
  [ -n "$rss" ] && [ "$rss" -gt "$rss_peak" ] && rss_peak=$rss
  [ -n "$rss" ] && [ "$t" -gt "$WARMUP" ] && [ "$rss" -gt "$rss_steady" ] && rss_steady=$rss
  heap=""
  if [ $((t % 30)) -eq 0 ] && [ "$t" -ge "$WARMUP" ] && [ "$t" -lt "$SOAK" ]; then
    "$JCMD" "$gw_pid" GC.run >/dev/null 2>&1 || true
    # "garbage-first heap   total 1048576K, used 123456K" (G1) or the serial/parallel equivalents: the used figure
    # ZGC says "used 55M": both read as KiB
    heap=$("$JCMD" "$gw_pid" GC.heap_info 2>/dev/null | grep -m1 -oE 'used [0-9]+[KM]' \
      | awk '{ v = $2 + 0; if ($2 ~ /M$/) v *= 1024; print v }' || true)
    [ -z "$heap_base" ] && heap_base=$heap
    heap_last=$heap
  fi
  echo "$t $rss ${heap:--}" >>"$work/samples.log"
  log "t=${t}s RSS $((rss / 1024)) MiB${heap:+, live heap $((heap / 1024)) MiB}; $(tail -1 "$work/load.log")"
done
wait "$load_pid" || true
# with STREAMS_JAVA_OPTS=-XX:NativeMemoryTracking=summary: where the RSS goes (heap, threads, code, GC, Netty's direct)
"$JCMD" "$gw_pid" VM.native_memory summary 2>/dev/null | grep -E '^(Total|-  *(Java Heap|Class|Thread|Code|GC|Internal|Other|Symbol|Metaspace|Arena|Native Memory|Shared))' >"$work/nmt.txt" || true
echo "RSS at that moment: $(ps -o rss= -p "$gw_pid" | tr -d ' ') KiB (the part above NMT's committed total is malloc: SQLite, Netty's native transport, glibc's arenas)" >>"$work/nmt.txt"

{ echo "=== samples"; cat "$work/samples.log"; echo "=== load"; cat "$work/load.log"; echo "=== native memory"; cat "$work/nmt.txt"; echo "=== gateway log"; cat "$work/gateway.log"; } >"$raw"
total=$(grep '^total' "$work/load.log" || echo "total completed=? failed=?")
# the 10 s slices after the warm-up (the first ones hold the ramp: 2,000 connections opened at once on a cold JVM)
steady_slices=$(awk -v w="$WARMUP" '/^t=/ { t = substr($1, 3) + 0; if (t > w) print }' "$work/load.log")
worst=$(grep -o 'max=[0-9]*' <<<"$steady_slices" | cut -d= -f2 | sort -n | tail -1)
p99=$(grep -o 'p99=[0-9]*' <<<"$steady_slices" | cut -d= -f2 | sort -n | tail -1)
rss_mib=$((rss_peak / 1024))
rss_steady_mib=$((rss_steady / 1024))
verdict_rss=$([ "$rss_mib" -le "$T_RSS_MIB" ] && echo met || echo "NOT met")
if [ -n "$heap_base" ] && [ -n "$heap_last" ]; then
  growth=$((heap_last - heap_base))
  flat=$([ "$growth" -le $((heap_base / 10)) ] || [ "$growth" -le 16384 ] && echo flat || echo "GROWING")
  heap_line="$((heap_base / 1024)) MiB → $((heap_last / 1024)) MiB ($flat)"
else
  heap_line="no sample (soak shorter than warm-up + 30 s)"
fi
table=$(cat <<MD
### Concurrent streams ($(date -u +%Y-%m-%d) · bench/streams.sh · load: $(uptime | sed 's/.*load average: //'))

| | figure | target |
|---|---:|---|
| streams held open at once | $N (one event every $CHUNK_MS ms) | 2,000 |
| gateway RSS, peak (after the ${WARMUP} s warm-up) | $rss_mib MiB ($rss_steady_mib MiB), JVM: ${gw_jvm% } | ≤ $T_RSS_MIB MiB: $verdict_rss |
| live heap after full GC, at ${WARMUP} s → end of a ${SOAK} s soak | $heap_line | flat |
| streams completed / failed | $(sed 's/total //' <<<"$total") | no failures |
| beyond the upstream's own waits after the warm-up, worst 10 s slice: p99 / max | ${p99:-?} ms / ${worst:-?} ms | no queue (a queued stream waits a whole stream, ~2.5 s) |
MD
)
echo "$table" | tee "$results/streams-latest.md"
log "raw samples and logs: $raw"
