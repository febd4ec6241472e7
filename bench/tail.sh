#!/usr/bin/env bash
# Where the p99 under load goes: the gateway pinned as in bench/run.sh, warmed with wrk, then bench/LoadGen.java at a
# fixed rate (open loop) with --trace while JFR records the gateway (GC pauses, safepoints, every thread's samples,
# native ones included). bench/tail-summary.py then lines up the slowest 1 % of requests with what the gateway was
# doing when they were due.
#   bench/tail.sh                    # 1,000 req/s for 15 s
#   TAIL_RATE=5000 bench/tail.sh
#   TAIL_RATE=10000 TAIL_PLACEMENT=unpinned TAIL_DIRECT=1 bench/tail.sh   # issue #15's latency figure: added p50/p99
# Knobs: TAIL_TMP (where the store goes; /dev/shm takes the disk out), SWITCHBOARD_JAR, TAIL_RATE=1000, TAIL_SECONDS=15, TAIL_WARMUP=40, TAIL_JAVA_OPTS (gateway JVM options),
#        TAIL_GENERAL_SETTINGS (one more line under general_settings), TAIL_OUT (default bench/results/tail),
#        TAIL_PLACEMENT=pinned (the gateway alone on CPU 0 with one event loop, the simulator and the generator on CPU 1)
#        or unpinned (nothing pinned, the gateway with one event loop per core: all processes share both cores),
#        TAIL_DIRECT=1 (first the same rate straight to the simulator, so the summary ends with the added latency).
# The gateway gets the launcher's JVM options (scripts/jvm-opts.sh), then TAIL_JAVA_OPTS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
source "$root/scripts/jvm-opts.sh"
J="$JAVA_HOME/bin/java"
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
RATE="${TAIL_RATE:-1000}" SECS="${TAIL_SECONDS:-15}" WARM="${TAIL_WARMUP:-40}"
OUT="${TAIL_OUT:-$here/results/tail}"
mkdir -p "$OUT"
work="$(mktemp -d "${TAIL_TMP:-/tmp}/switchboard-tail.XXXXXX")"  # TAIL_TMP=/dev/shm: the store on tmpfs, no disk I/O
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
SIM=4471 GW=4472 MASTER=sk-tail-master-1234567890
source "$here/gateway-config.sh"
gateway_config "$work" "$SIM" "$MASTER" "${TAIL_GENERAL_SETTINGS:-}" >"$work/config.yaml"
PLACEMENT="${TAIL_PLACEMENT:-pinned}"
if [ "$PLACEMENT" = pinned ]; then gw_pin=(taskset -c 0) load_pin=(taskset -c 1) loops=1 wrk_threads=1
else gw_pin=() load_pin=() loops="$(nproc)" wrk_threads=2; fi
"${load_pin[@]}" "$J" -jar "$JAR" simulator --host 127.0.0.1 --port $SIM --event-loops 1 \
  --transport "${BENCH_SIMULATOR_TRANSPORT:-epoll}" >"$work/sim.log" 2>&1 & pids+=($!)
read -r -a gw_opts <<<"$(switchboard_jvm_opts "${TAIL_JAVA_OPTS:-}" "$("${gw_pin[@]}" nproc)")"
echo "gateway: $PLACEMENT, JVM options: ${gw_opts[*]} ${TAIL_JAVA_OPTS:-}"
"${gw_pin[@]}" "$J" "${gw_opts[@]}" ${TAIL_JAVA_OPTS:-} -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 --port $GW \
  --event-loops "$loops" >"$work/gw.log" 2>&1 &
gw=$!; pids+=("$gw")
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GW/health/readiness" && break; sleep 0.25; done
BENCH_MODEL=bench BENCH_AUTH=$MASTER BENCH_STREAM=0 "${load_pin[@]}" wrk -t$wrk_threads -c64 -d"${WARM}s" -s "$here/post.lua" \
  "http://127.0.0.1:$GW/v1/chat/completions" >/dev/null
"$JAVA_HOME/bin/javac" -d "$work/lg" "$here/LoadGen.java"
loadgen() { # url trace-file
  "${load_pin[@]}" "$J" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms256m -Xmx256m -cp "$work/lg" LoadGen rate \
    --url "$1" --auth "$MASTER" \
    --body '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' --rate "$RATE" --warmup-s 2 --duration-s "$SECS" \
    --connections 32 --spin-us 100 --trace "$2"
}
if [ "${TAIL_DIRECT:-0}" = 1 ]; then
  echo "direct to the simulator:"; loadgen "http://127.0.0.1:$SIM/v1/chat/completions" "$OUT/direct.txt" | tee "$OUT/direct-loadgen.txt"
fi
rec="$OUT/recording.jfr"
"$JAVA_HOME/bin/jcmd" "$gw" JFR.start name=tail settings=profile filename="$rec" 'jdk.ExecutionSample#period=1ms' \
  'jdk.NativeMethodSample#period=1ms' 'jdk.SafepointBegin#enabled=true' 'jdk.SafepointBegin#threshold=0ms' \
  'jdk.ThreadPark#threshold=1ms' 'jdk.JavaMonitorEnter#threshold=1ms' >/dev/null
echo "through the gateway:"; loadgen "http://127.0.0.1:$GW/v1/chat/completions" "$OUT/latencies.txt" | tee "$OUT/loadgen.txt"
"$JAVA_HOME/bin/jcmd" "$gw" JFR.stop name=tail >/dev/null
python3 "$here/tail-summary.py" "$rec" "$OUT/latencies.txt" | tee "$OUT/summary.txt"
if [ "${TAIL_DIRECT:-0}" = 1 ]; then
  python3 - "$OUT/direct-loadgen.txt" "$OUT/loadgen.txt" <<'PY' | tee -a "$OUT/summary.txt"
import re, sys
def res(f):
    line = [l for l in open(f) if l.startswith("RESULT")][0]
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
d, g = res(sys.argv[1]), res(sys.argv[2])
print("added latency (gateway - direct, same rate): p50 %+.3f ms, p99 %+.3f ms, p99.9 %+.3f ms (direct p50 %.3f / p99 %.3f ms; achieved %.0f and %.0f req/s)"
      % ((g["p50_us"] - d["p50_us"]) / 1e3, (g["p99_us"] - d["p99_us"]) / 1e3, (g["p999_us"] - d["p999_us"]) / 1e3,
         d["p50_us"] / 1e3, d["p99_us"] / 1e3, d["achieved_rps"], g["achieved_rps"]))
PY
fi
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt"
