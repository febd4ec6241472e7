#!/usr/bin/env bash
# Where the p99 under load goes: the gateway pinned as in bench/run.sh, warmed with wrk, then bench/LoadGen.java at a
# fixed rate (open loop) with --trace while JFR records the gateway (GC pauses, safepoints, every thread's samples,
# native ones included). bench/tail-summary.py then lines up the slowest 1 % of requests with what the gateway was
# doing when they were due.
#   bench/tail.sh                    # 1,000 req/s for 15 s
#   TAIL_RATE=5000 bench/tail.sh
# Knobs: TAIL_TMP (where the store goes; /dev/shm takes the disk out), SWITCHBOARD_JAR, TAIL_RATE=1000, TAIL_SECONDS=15, TAIL_WARMUP=40, TAIL_JAVA_OPTS (gateway JVM options),
#        TAIL_GENERAL_SETTINGS (one more line under general_settings), TAIL_OUT (default bench/results/tail).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
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
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: bench
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$SIM/v1", api_key: sk-bench }
general_settings:
  database_path: $work/g.db
  master_key: $MASTER
${TAIL_GENERAL_SETTINGS:+  $TAIL_GENERAL_SETTINGS}
YAML
taskset -c 1 "$J" -jar "$JAR" simulator --host 127.0.0.1 --port $SIM --event-loops 1 >"$work/sim.log" 2>&1 & pids+=($!)
taskset -c 0 "$J" ${TAIL_JAVA_OPTS:-} -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 --port $GW \
  --event-loops 1 >"$work/gw.log" 2>&1 &
gw=$!; pids+=("$gw")
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GW/health/readiness" && break; sleep 0.25; done
BENCH_MODEL=bench BENCH_AUTH=$MASTER BENCH_STREAM=0 taskset -c 1 wrk -t1 -c64 -d"${WARM}s" -s "$here/post.lua" \
  "http://127.0.0.1:$GW/v1/chat/completions" >/dev/null
"$JAVA_HOME/bin/javac" -d "$work/lg" "$here/LoadGen.java"
rec="$OUT/recording.jfr"
"$JAVA_HOME/bin/jcmd" "$gw" JFR.start name=tail settings=profile filename="$rec" 'jdk.ExecutionSample#period=1ms' \
  'jdk.NativeMethodSample#period=1ms' 'jdk.SafepointBegin#enabled=true' 'jdk.SafepointBegin#threshold=0ms' \
  'jdk.ThreadPark#threshold=1ms' 'jdk.JavaMonitorEnter#threshold=1ms' >/dev/null
taskset -c 1 "$J" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms256m -Xmx256m -cp "$work/lg" LoadGen rate \
  --url "http://127.0.0.1:$GW/v1/chat/completions" --auth "$MASTER" \
  --body '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' --rate "$RATE" --warmup-s 2 --duration-s "$SECS" \
  --connections 32 --spin-us 100 --trace "$OUT/latencies.txt" | tee "$OUT/loadgen.txt"
"$JAVA_HOME/bin/jcmd" "$gw" JFR.stop name=tail >/dev/null
python3 "$here/tail-summary.py" "$rec" "$OUT/latencies.txt" | tee "$OUT/summary.txt"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
