#!/usr/bin/env bash
# Row (b) of bench/run.sh alone: added latency at fixed open-loop rates, placed as run.sh places it (pinned: the
# gateway alone on CPU 0 with one event loop, the simulator and the generator on CPU 1), warmed with wrk, then
# bench/LoadGen.java at each rate, straight to the simulator and through the gateway, in turn.
#   bench/latency.sh                                  # 1,000 and 10,000 req/s, 10 s each after 3 s of warm-up
#   LAT_RATES="1000" LAT_ROUNDS=2 bench/latency.sh     # two direct/gateway pairs at 1,000 req/s
# Knobs: SWITCHBOARD_JAR, LAT_PORT_BASE=4580 (simulator, gateway = +1), LAT_RATES="1000 10000", LAT_SECONDS=10,
#   LAT_GEN_WARMUP=3, LAT_WARMUP=40 (seconds of wrk on both paths first), LAT_ROUNDS=1, LAT_JAVA_OPTS (gateway JVM
#   options), LAT_GENERAL_SETTINGS (one more line under general_settings), LAT_LOADGEN (LoadGen.java files to use instead
#   of this directory's, space-separated: each rate and column runs with each in turn, to compare generators), LAT_TARGETS="direct gateway" (which columns; "direct" alone skips
#   the gateway's warm-up; "netty" and "vertx" add the bare relays of bench/floor.sh, pinned as the gateway, on the next ports), LAT_TRANSPORT (the gateway's event_loop_transport: auto, epoll, io_uring; the simulator
#   stays on BENCH_SIMULATOR_TRANSPORT so the direct column does not change), LAT_TRACE=DIR (each run's latencies by intended send
#   time into DIR, and a JFR recording of the gateway during each gateway run, lined up by bench/tail-summary.py:
#   DIR/<column>-<rate>-r<round>.{txt,jfr,summary}; the recording costs the gateway's core some CPU; LAT_JFR=0 keeps
#   the latencies only; LAT_SCHED=1: also the kernel's record of what ran on the gateway's core during each gateway
#   run, `perf record -e sched:sched_switch`, and the gateway's GC pauses (young and full) in DIR/gc.log, lined up by
#   bench/tail-sched.py into DIR/<column>-<rate>-r<round>.sched-summary; use with LAT_JFR=0). Each line also gives the CPU seconds the generator (JVM start included), the gateway and
#   the simulator used during that run, and the load average.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
source "$root/scripts/jvm-opts.sh"
J="$JAVA_HOME/bin/java"
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
BASE="${LAT_PORT_BASE:-4580}" SIM=$(( ${LAT_PORT_BASE:-4580} )) GW=$(( ${LAT_PORT_BASE:-4580} + 1 ))
RATES="${LAT_RATES:-1000 10000}" SECS="${LAT_SECONDS:-10}" GWARM="${LAT_GEN_WARMUP:-3}" WARM="${LAT_WARMUP:-40}"
ROUNDS="${LAT_ROUNDS:-1}"
work="$(mktemp -d /tmp/switchboard-latency.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
MASTER=sk-latency-master-1234567890
source "$here/gateway-config.sh"
extra="${LAT_GENERAL_SETTINGS:-}"
[ -z "${LAT_TRANSPORT:-}" ] || extra="event_loop_transport: $LAT_TRANSPORT${extra:+$'\n'  $extra}"
gateway_config "$work" "$SIM" "$MASTER" "$extra" >"$work/config.yaml"
TRACE="${LAT_TRACE:-}"
[ -z "$TRACE" ] || mkdir -p "$TRACE"
gw_pin=(taskset -c 0) load_pin=(taskset -c 1)
"${load_pin[@]}" "$J" -jar "$JAR" simulator --host 127.0.0.1 --port "$SIM" --event-loops 1 \
  --transport "${BENCH_SIMULATOR_TRANSPORT:-epoll}" >"$work/sim.log" 2>&1 & pids+=($!)
sim=$!
read -r -a gw_opts <<<"$(switchboard_jvm_opts "${LAT_JAVA_OPTS:-}" "$("${gw_pin[@]}" nproc)")"
[ -z "$TRACE" ] || [ "${LAT_SCHED:-0}" = 0 ] || gw_opts+=("-Xlog:gc:file=$TRACE/gc.log:timenanos")
echo "gateway JVM options: ${gw_opts[*]} ${LAT_JAVA_OPTS:-}"
"${gw_pin[@]}" "$J" "${gw_opts[@]}" ${LAT_JAVA_OPTS:-} -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 \
  --port "$GW" --event-loops 1 >"$work/gw.log" 2>&1 &
gw=$!; pids+=("$gw")
for _ in $(seq 1 160); do curl -sf -o /dev/null "http://127.0.0.1:$GW/health/readiness" && break; sleep 0.25; done
curl -sf -o /dev/null "http://127.0.0.1:$GW/health/readiness" || { cat "$work/gw.log"; exit 1; }
grep -im1 'transport' "$work/gw.log" || true
TARGETS="${LAT_TARGETS:-direct gateway}"
# the floors of bench/floor.sh (a bare relay on Netty alone, or on Vert.x's server and client), placed as the gateway
floors=()
for f in netty vertx; do
  [[ " $TARGETS " == *" $f "* ]] || continue
  if [ "$f" = netty ]; then port=$((GW + 1)) src="$here/NettyFloor.java"; else port=$((GW + 2)) src="$here/ProxyFloor.java"; fi
  "${gw_pin[@]}" "$J" "${gw_opts[@]}" -cp "$JAR" "$src" "$port" "$SIM" "${LAT_TRANSPORT:-io_uring}" >"$work/$f.log" 2>&1 &
  pids+=($!); floors+=("$f:$port")
  for _ in $(seq 1 160); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.25; done
  BENCH_MODEL=gpt-4o-mini BENCH_AUTH=sk-bench BENCH_STREAM=0 "${load_pin[@]}" wrk -t1 -c64 -d"${WARM}s" -s "$here/post.lua" \
    "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
done
[[ " $TARGETS " != *" gateway "* ]] || BENCH_MODEL=bench BENCH_AUTH=$MASTER BENCH_STREAM=0 "${load_pin[@]}" wrk -t1 -c64 -d"${WARM}s" -s "$here/post.lua" \
  "http://127.0.0.1:$GW/v1/chat/completions" >/dev/null
BENCH_MODEL=gpt-4o-mini BENCH_AUTH=sk-bench BENCH_STREAM=0 "${load_pin[@]}" wrk -t1 -c64 -d"$(( WARM / 4 + 1 ))s" \
  -s "$here/post.lua" "http://127.0.0.1:$SIM/v1/chat/completions" >/dev/null
gens=(${LAT_LOADGEN:-$here/LoadGen.java})
for g in "${!gens[@]}"; do "$JAVA_HOME/bin/javac" -d "$work/lg$g" "${gens[$g]}"; done
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
run() { # name url model auth rate
  local t0 g0 s0 out tr=() name="$1-$5-r$round-g$gi"
  [ -z "$TRACE" ] || tr=(--trace "$TRACE/$name.txt")
  [ -z "$TRACE" ] || [ "$1" != gateway ] || [ "${LAT_JFR:-1}" = 0 ] || "$JAVA_HOME/bin/jcmd" "$gw" JFR.start name=lat settings=profile \
    filename="$TRACE/$name.jfr" 'jdk.ExecutionSample#period=1ms' 'jdk.NativeMethodSample#period=1ms' \
    'jdk.SafepointBegin#enabled=true' 'jdk.SafepointBegin#threshold=0ms' 'jdk.ThreadPark#threshold=1ms' \
    'jdk.JavaMonitorEnter#threshold=1ms' >/dev/null
  local perf=""
  if [ -n "$TRACE" ] && [ "$1" = gateway ] && [ "${LAT_SCHED:-0}" != 0 ]; then
    "${load_pin[@]}" perf record -q -m 8M -e sched:sched_switch -k CLOCK_MONOTONIC -C 0 -o "$TRACE/$name.sched" 2>/dev/null &
    perf=$!
  fi
  g0=$(ticks "$gw"); s0=$(ticks "$sim")
  out=$(/usr/bin/time -f 'GENCPU %U %S' "${load_pin[@]}" "$J" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms256m -Xmx256m \
    -cp "$work/lg$gi" LoadGen rate --url "$2" --auth "$4" \
    --body '{"model":"'"$3"'","messages":[{"role":"user","content":"hi"}]}' --rate "$5" --warmup-s "$GWARM" \
    --duration-s "$SECS" --connections 32 --spin-us 100 "${tr[@]}" 2>&1)
  local r; r=$(grep '^RESULT' <<<"$out")
  local gen; gen=$(awk '/^GENCPU/ {printf "%.2f", $2 + $3}' <<<"$out")
  printf '%-7s %s %5s req/s  p50 %7s  p99 %8s  p99.9 %8s us  lag p50 %6s p99 %7s us  gen %s %% (window), %s s CPU, gw %s s, sim %s s  (load %s)\n' \
    "$1" "g$gi" "$5" "$(sed -n 's/.* p50_us=\([^ ]*\).*/\1/p' <<<"$r")" "$(sed -n 's/.* p99_us=\([^ ]*\).*/\1/p' <<<"$r")" \
    "$(sed -n 's/.* p999_us=\([^ ]*\).*/\1/p' <<<"$r")" "$(sed -n 's/.* lag_p50_us=\([^ ]*\).*/\1/p' <<<"$r")" \
    "$(sed -n 's/.* lag_p99_us=\([^ ]*\).*/\1/p' <<<"$r")" "$(sed -n 's/.* gen_cpu_pct=\([^ ]*\).*/\1/p' <<<"$r")" "$gen" \
    "$(awk -v a="$g0" -v b="$(ticks "$gw")" 'BEGIN {printf "%.2f", (b - a) / 100}')" \
    "$(awk -v a="$s0" -v b="$(ticks "$sim")" 'BEGIN {printf "%.2f", (b - a) / 100}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$r" >>"$work/results.txt"
  if [ -n "$perf" ]; then
    kill -TERM "$perf" 2>/dev/null || true; wait "$perf" || true
    for t in /proc/"$gw"/task/*; do echo "${t##*/} $(cat "$t/comm")"; done >"$TRACE/$name.tids"
    python3 "$here/tail-sched.py" "$TRACE/$name.txt" "$TRACE/$name.sched" "$TRACE/gc.log" "$TRACE/$name.tids" \
      >"$TRACE/$name.sched-summary" 2>&1 || true
  fi
  if [ -n "$TRACE" ] && [ "$1" = gateway ] && [ "${LAT_JFR:-1}" != 0 ]; then
    "$JAVA_HOME/bin/jcmd" "$gw" JFR.stop name=lat >/dev/null
    python3 "$here/tail-summary.py" "$TRACE/$name.jfr" "$TRACE/$name.txt" >"$TRACE/$name.summary" 2>&1 || true
  fi
}
for round in $(seq 1 "$ROUNDS"); do
  for rate in $RATES; do for gi in "${!gens[@]}"; do
    [[ " $TARGETS " != *" direct "* ]] || run direct "http://127.0.0.1:$SIM/v1/chat/completions" gpt-4o-mini sk-bench "$rate"
    for f in "${floors[@]}"; do run "${f%%:*}" "http://127.0.0.1:${f#*:}/v1/chat/completions" gpt-4o-mini sk-bench "$rate"; done
    [[ " $TARGETS " != *" gateway "* ]] || run gateway "http://127.0.0.1:$GW/v1/chat/completions" bench "$MASTER" "$rate"
  done; done
done
