#!/usr/bin/env bash
# The gateway beside the floor of its own stack (issue #15's non-stream ratio): three targets measured in alternating
# rounds, pinned as bench/run.sh pins them (the target alone on CPU 0 with one event loop; simulator and wrk on CPU 1):
#   direct   wrk -> simulator
#   netty    wrk -> bench/NettyFloor.java (Netty's HTTP codecs relaying bytes, one loop, no Vert.x) -> simulator
#   floor    wrk -> bench/ProxyFloor.java (Vert.x server + client relaying bytes, nothing else) -> simulator
#   gateway  wrk -> switchboard serve (master key, default settings: request log and ledger on) -> simulator
# What the Vert.x floor reaches is about the most a gateway on Vert.x's HTTP/1.1 server and client can reach here (the
# gateway uses them more leanly than this plain relay does); the Netty floor is the same relay without Vert.x. Each ratio is the median of the rounds' ratios to the direct
# window measured next to it.
#   bench/floor.sh
# Knobs: SWITCHBOARD_JAR, FLOOR_ROUNDS=5, FLOOR_WINDOW=10 (s), FLOOR_WARMUP=60 (s of load on each proxy first),
# FLOOR_TRANSPORT=io_uring (the floor's and the gateway's), FLOOR_PORT_BASE=4800, FLOOR_STREAM=1 (stream requests).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
source "$root/scripts/jvm-opts.sh"
J="$JAVA_HOME/bin/java"
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
ROUNDS=${FLOOR_ROUNDS:-5} WINDOW=${FLOOR_WINDOW:-10} WARM=${FLOOR_WARMUP:-60} TRANSPORT=${FLOOR_TRANSPORT:-io_uring}
base=${FLOOR_PORT_BASE:-4800}
SIM=$((base + 1)) GW=$((base + 2)) FLOOR=$((base + 3)) NETTY=$((base + 4)) MASTER=sk-floor-master-1234567890
work="$(mktemp -d /tmp/switchboard-floor.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cat >"$work/config.yaml" <<YAML
model_list:
  - model_name: bench
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$SIM/v1", api_key: sk-bench }
general_settings:
  database_path: $work/g.db
  master_key: $MASTER
  event_loop_transport: $TRANSPORT
YAML
taskset -c 1 "$J" -jar "$JAR" simulator --host 127.0.0.1 --port $SIM --event-loops 1 --transport epoll >"$work/sim.log" 2>&1 & pids+=($!)
taskset -c 0 "$J" $(switchboard_jvm_opts "" 1) -jar "$JAR" serve --config "$work/config.yaml" --host 127.0.0.1 --port $GW \
  --event-loops 1 >"$work/gw.log" 2>&1 & pids+=($!); gw_pid=$!
# the floor with the gateway's JVM options (heap, collector), so the two differ only in the code they run
taskset -c 0 "$J" $(switchboard_jvm_opts "" 1) -cp "$JAR" "$here/ProxyFloor.java" $FLOOR $SIM "$TRANSPORT" >"$work/floor.log" 2>&1 & pids+=($!); floor_pid=$!
taskset -c 0 "$J" $(switchboard_jvm_opts "" 1) -cp "$JAR" "$here/NettyFloor.java" $NETTY $SIM "$TRANSPORT" >"$work/netty.log" 2>&1 & pids+=($!); netty_pid=$!
for port in $GW $FLOOR $NETTY $SIM; do
  for _ in $(seq 1 240); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.25; done
done
stream=${FLOOR_STREAM:-0}
export BENCH_STREAM=$stream
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }  # utime + stime, all threads
run() {  # target seconds -> "req/s cpu_us_per_request" (the proxy's whole process; 0 for direct)
  local url model auth pid= t0 t1 out
  case "$1" in
    direct) url="http://127.0.0.1:$SIM/v1/chat/completions" model=gpt-4o-mini auth=sk-bench ;;
    floor) url="http://127.0.0.1:$FLOOR/v1/chat/completions" model=gpt-4o-mini auth=sk-bench pid=$floor_pid ;;
    netty) url="http://127.0.0.1:$NETTY/v1/chat/completions" model=gpt-4o-mini auth=sk-bench pid=$netty_pid ;;
    gateway) url="http://127.0.0.1:$GW/v1/chat/completions" model=bench auth=$MASTER pid=$gw_pid ;;
  esac
  [ -n "$pid" ] && t0=$(cpu_ticks "$pid")
  out=$(BENCH_MODEL=$model BENCH_AUTH=$auth taskset -c 1 wrk -t1 -c64 -d"$2s" --timeout 5s -s "$here/post.lua" "$url")
  grep -E 'Non-2xx|Socket errors' <<<"$out" >&2 || true
  [ -n "$pid" ] && t1=$(cpu_ticks "$pid")
  awk -v t0="${t0:-0}" -v t1="${t1:-0}" -v clk="$(getconf CLK_TCK)" '/requests in/ { n = $1 } /Requests\/sec/ { r = $2 }
    END { printf "%s %.1f\n", r, (t1 - t0) / clk * 1e6 / n }' <<<"$out"
}
echo "warming up: ${WARM}s on each proxy, ${WINDOW}s direct"
run netty "$WARM" >/dev/null; run floor "$WARM" >/dev/null; run gateway "$WARM" >/dev/null; run direct "$WINDOW" >/dev/null
printf '%-6s %9s %9s %9s %9s %8s %8s %8s %8s %8s %8s\n' round direct netty floor gateway netty/d floor/d gw/d 'netty us' 'floor us' 'gw us'
declare -A ratio cpu
for r in $(seq 1 "$ROUNDS"); do
  # direct measured in the middle, the proxies' order reversed every round, so each ratio has a direct window near it
  if (( r % 2 )); then order=(netty floor direct gateway); else order=(gateway direct floor netty); fi
  declare -A rps=() us=()
  for t in "${order[@]}"; do o=$(run "$t" "$WINDOW"); rps[$t]=${o% *} us[$t]=${o#* }; done
  for t in netty floor gateway; do
    ratio[$t]+="$(awk -v a="${rps[$t]}" -v b="${rps[direct]}" 'BEGIN { printf "%.2f", a / b }') "
    cpu[$t]+="${us[$t]} "
  done
  printf '%-6s %9.0f %9.0f %9.0f %9.0f %8s %8s %8s %8s %8s %8s\n' "$r" "${rps[direct]}" "${rps[netty]}" "${rps[floor]}" "${rps[gateway]}" \
    "$(awk -v a="${rps[netty]}" -v b="${rps[direct]}" 'BEGIN { printf "x%.2f", a / b }')" \
    "$(awk -v a="${rps[floor]}" -v b="${rps[direct]}" 'BEGIN { printf "x%.2f", a / b }')" \
    "$(awk -v a="${rps[gateway]}" -v b="${rps[direct]}" 'BEGIN { printf "x%.2f", a / b }')" "${us[netty]}" "${us[floor]}" "${us[gateway]}"
done
median() { printf '%s\n' $@ | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "medians of the rounds, ratio to direct and CPU a request (whole process: event loop, writers, GC, JIT):"
for t in netty floor gateway; do printf '  %-8s x%s  %s us\n' "$t" "$(median ${ratio[$t]})" "$(median ${cpu[$t]})"; done
echo "(stream=$stream, transport $TRANSPORT, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M) UTC)"
