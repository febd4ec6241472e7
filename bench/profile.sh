#!/usr/bin/env bash
# Where a non-stream request's CPU and memory go: a JFR recording of the gateway under wrk load, pinned like
# bench/run.sh (gateway alone on CPU 0, one event loop; simulator and wrk on CPU 1), then a summary:
#   - requests served in the recorded window and the bytes allocated per request (JFR's per-thread allocation
#     counters, jdk.ThreadAllocationStatistics, summed over all threads: independent of the load and the machine)
#   - the top frames by CPU share, self and inclusive (jdk.ExecutionSample every 1 ms, one event loop)
#   - the top allocation sites (jdk.ObjectAllocationSample), GC pauses
# Allocation per request and CPU shares are what to compare between commits on a busy machine; the req/s is not.
#
#   bench/profile.sh                 # master key, default settings (request log on)
#   PROFILE_MODE=unique / miss bench/profile.sh   # (x) of bench/run.sh: unique questions without / through the exact cache
#   PROFILE_MODE=stream bench/profile.sh # (a)'s stream row: master key, every request a whole stream (per "request" = per stream)
#   PROFILE_MODE=anthropic bench/profile.sh # a translated stream: an Anthropic client (/v1/messages, stream) through the
#                                        # same OpenAI-style upstream, so every event is decoded and encoded again
#   PROFILE_MODE=full bench/profile.sh   # the "full" row of bench/run.sh: virtual key, exact cache (every request a
#                                        # miss), ledger, request log, every request traced to a local OTLP sink
# Knobs: SWITCHBOARD_JAR, PROFILE_SIMULATOR_JAR (default: SWITCHBOARD_JAR; fix it for an A/B of two gateway jars), PROFILE_WARMUP=40, PROFILE_SECONDS=20, PROFILE_OUT (default bench/results/profile-MODE),
# PROFILE_PORT_BASE=4460 (the simulator, gateway and sink listen on the next three ports), PROFILE_TRANSPORT=auto (the
# gateway's event_loop_transport only: the simulator stays on BENCH_SIMULATOR_TRANSPORT=epoll, so what moves is the gateway's CPU), PROFILE_OTEL
# (full mode: more keys for general_settings.otel, e.g. PROFILE_OTEL="max_export_batch_size: 2048"),
# PROFILE_PERF=1 (also `perf record` the gateway's process through the window, ~1 kHz, no call graphs: each thread's
# CPU split by where it ran — the JIT's code, the kernel, SQLite's native library, the JVM —, which JFR's execution
# samples cannot give: they see neither the kernel nor native code; written to OUT/perf-split.txt; needs perf and
# perf_event_paranoid ≤ 2 for one's own process).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
source "$root/scripts/jvm-opts.sh"  # the gateway gets ./switchboard's default JVM options, then PROFILE_JAVA_OPTS
J="$JAVA_HOME/bin/java"
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
# The simulator's jar: the gateway's by default. An A/B of two gateway jars keeps one simulator for both (its code
# changes too, and a slower simulator on the load core lowers the req/s and so raises the gateway's CPU a request).
SIM_JAR="${PROFILE_SIMULATOR_JAR:-$JAR}"
MODE="${PROFILE_MODE:-plain}"
WARM="${PROFILE_WARMUP:-40}"
SECS="${PROFILE_SECONDS:-20}"
OUT="${PROFILE_OUT:-$here/results/profile-$MODE}"
mkdir -p "$OUT"
work="$(mktemp -d /tmp/switchboard-profile.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

base=${PROFILE_PORT_BASE:-4460}  # another base lets two profiles run side by side
SIM=$((base + 1)) GW=$((base + 2)) SINK=$((base + 3)) MASTER=sk-profile-master-1234567890
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: bench
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$SIM/v1", api_key: sk-bench }
  - model_name: bench-cached
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$SIM/v1", api_key: sk-bench, cache: true }
general_settings:
  database_path: $work/g.db
  master_key: $MASTER
  event_loop_transport: ${PROFILE_TRANSPORT:-auto}
YAML
if [ "$MODE" = full ]; then
  echo "  otel: { endpoint: \"http://127.0.0.1:$SINK\"${PROFILE_OTEL:+, $PROFILE_OTEL} }" >>"$work/config.yaml"
  taskset -c 1 "$J" "$here/OtlpSink.java" "$SINK" >"$work/sink.log" 2>&1 & pids+=($!)
fi
taskset -c 1 "$J" -jar "$SIM_JAR" simulator --host 127.0.0.1 --port $SIM --event-loops 1 \
  --transport "${BENCH_SIMULATOR_TRANSPORT:-epoll}" >"$work/sim.log" 2>&1 & pids+=($!)
taskset -c 0 "$J" $(switchboard_jvm_opts "${PROFILE_JAVA_OPTS:-}" 1) ${PROFILE_JAVA_OPTS:-} -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 --port $GW \
  --event-loops 1 >"$work/gw.log" 2>&1 &
gw=$!; pids+=("$gw")
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GW/health/readiness" && break; sleep 0.25; done
auth=$MASTER model=bench unique=0 stream=0 path=/v1/chat/completions dialect=openai
case "$MODE" in
  stream) stream=1 ;;                    # (a)'s stream row: every request a whole SSE stream, same-dialect (the byte relay)
  anthropic) stream=1 path=/v1/messages dialect=anthropic ;; # the same stream translated for an Anthropic client
  unique) unique=1 ;;                    # every question different, through the alias without a cache: (x)'s baseline
  miss) model=bench-cached unique=1 ;;   # every question different through the exact-cached alias: each a miss, stored
esac
if [ "$MODE" = full ]; then
  auth=$(curl -s -H "authorization: Bearer $MASTER" -H 'content-type: application/json' \
    -d '{"key_alias":"profile","models":["bench-cached"],"max_budget":1000000,"budget_duration":"30d","rpm_limit":1000000000000,"tpm_limit":1000000000000000}' \
    "http://127.0.0.1:$GW/key/generate" | sed -n 's/.*"key":"\(sk-sb-[^"]*\)".*/\1/p')
  model=bench-cached unique=1
fi
export BENCH_MODEL=$model BENCH_AUTH=$auth BENCH_STREAM=$stream BENCH_UNIQUE=$unique BENCH_DIALECT=$dialect
taskset -c 1 wrk -t1 -c64 -d"${WARM}s" -s "$here/post.lua" "http://127.0.0.1:$GW$path" >/dev/null
rec="$OUT/recording.jfr"
"$JAVA_HOME/bin/jcmd" "$gw" JFR.start name=profile settings=profile filename="$rec" \
  'jdk.ExecutionSample#period=1ms' 'jdk.ThreadAllocationStatistics#period=1s' 'jdk.ObjectAllocationSample#throttle=300/s' >/dev/null
# CPU time per thread of the gateway (utime + stime from /proc, in clock ticks), before and after the window: native
# code (SQLite), the GC and the JIT included, which JFR's execution samples do not see
threads() { for t in /proc/"$gw"/task/*; do printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" \
  "$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null)"; done; }
threads >"$OUT/cpu-before.tsv"
perf_pid=
if [ "${PROFILE_PERF:-0}" = 1 ]; then  # on the load core, like wrk: its own work stays off the gateway's core
  taskset -c 1 perf record -q -F 999 -p "$gw" -o "$OUT/perf.data" -- sleep "$SECS" >"$OUT/perf.log" 2>&1 & perf_pid=$!
fi
taskset -c 1 wrk -t1 -c64 -d"${SECS}s" -s "$here/post.lua" "http://127.0.0.1:$GW$path" >"$OUT/wrk.txt"
threads >"$OUT/cpu-after.tsv"
if [ -n "$perf_pid" ] && ! wait "$perf_pid"; then  # no perf, or not allowed: the profile goes on without the split
  echo "PROFILE_PERF: perf record failed (see $OUT/perf.log)" >&2; perf_pid=
fi
"$JAVA_HOME/bin/jcmd" "$gw" JFR.stop name=profile >/dev/null
reqs=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
python3 "$here/jfr-summary.py" "$rec" "$reqs" "$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")" | tee "$OUT/summary.txt"
awk -F'\t' -v clk="$(getconf CLK_TCK)" -v n="$reqs" 'NR == FNR { b[$1] += $2; next } { a[$1] += $2 }
  END { for (t in a) { d = (a[t] - b[t]) / clk * 1e6 / n; tot += d; if (d >= 0.5) printf "  %8.1f us/req  %s\n", d, t }
        printf "  %8.1f us/req  all threads of the gateway (CPU time / requests)\n", tot }' \
  "$OUT/cpu-before.tsv" "$OUT/cpu-after.tsv" | sort -rn | tee -a "$OUT/summary.txt"
if [ -n "$perf_pid" ]; then  # each thread's share of the samples, by where it ran ([JIT] = compiled Java)
  { echo "perf: share of the gateway's samples by thread and by code (JIT = compiled Java; the kernel; native libraries)"
    perf report -i "$OUT/perf.data" --sort comm,dso --stdio 2>/dev/null | grep -v -e '^#' -e '^$' |
      sed -E 's/ tid [0-9]+//; s/-[0-9a-f-]{36}-libsqlitejdbc/-libsqlitejdbc/; s/ +$//' | awk '$1 + 0 >= 0.2 && n++ < 25' || true
  } | tee "$OUT/perf-split.txt" | tee -a "$OUT/summary.txt"
fi
if [ "$MODE" = full ]; then  # spans lost since the start (warm-up included): no room in the queue, or a failed export
  echo "spans lost since the start (queue full or export failed): $(curl -s -H "authorization: Bearer $MASTER" "http://127.0.0.1:$GW/metrics" |
    awk '/^switchboard_trace_spans_dropped_total/ { s += $2 } END { printf "%d", s }')" | tee -a "$OUT/summary.txt"
fi
echo "(load average during the run: $(cut -d' ' -f1-3 /proc/loadavg); recording: $rec)"
