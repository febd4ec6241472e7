#!/usr/bin/env bash
# The gateway's non-stream throughput at one or more commits, measured the same way for each: a detached worktree
# of the commit, its jar built (Maven offline, under the team's lock), the OpenAI simulator on CPU 1 and the gateway
# alone on CPU 0 with one event loop and a master key, 25 s of wrk as warm-up, then 10 s measured (64 connections).
# For finding which change cost what (README, Performance: the per-merge table). About 1½ minutes a commit.
#   bench/commit-throughput.sh 3d0a0a1 HEAD
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/jdk.sh"
J=$JAVA_HOME/bin/java
for c in "$@"; do
  sha=$(git -C "$root" rev-parse --short "$c")
  d=$(mktemp -d /tmp/switchboard-commit-XXXXXX)
  git -C "$root" worktree add -q --detach "$d/tree" "$sha"
  (cd "$d/tree" && flock /tmp/switchboard-mvn.lock mvn -B -q -o -Dmaven.test.skip=true package) >"$d/build.log" 2>&1 \
    || { echo "$sha: build failed (see $d/build.log)"; continue; }
  cat >"$d/config.yaml" <<YAML
model_list:
  - model_name: bench
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:4411/v1", api_key: sk-bench }
general_settings: { database_path: $d/g.db, master_key: sk-master-1234567890 }
YAML
  taskset -c 1 "$J" -jar "$d/tree/target/switchboard.jar" simulator --host 127.0.0.1 --port 4411 --event-loops 1 >"$d/sim.log" 2>&1 &
  sp=$!
  taskset -c 0 "$J" -jar "$d/tree/target/switchboard.jar" serve --config "$d/config.yaml" --host 127.0.0.1 --port 4412 \
    --event-loops 1 >"$d/gw.log" 2>&1 &
  gp=$!
  sleep 7
  export BENCH_MODEL=bench BENCH_AUTH=sk-master-1234567890 BENCH_STREAM=0
  taskset -c 1 wrk -t1 -c64 -d25s -s "$root/bench/post.lua" \
    http://127.0.0.1:4412/v1/chat/completions >/dev/null
  r=$(taskset -c 1 wrk -t1 -c64 -d10s -s "$root/bench/post.lua" \
    http://127.0.0.1:4412/v1/chat/completions | awk '/Requests\/sec/ {print $2}')
  kill "$sp" "$gp"; sleep 2
  echo "$sha $(git -C "$root" log -1 --format=%s "$sha" | cut -c1-70): $r req/s"
  git -C "$root" worktree remove --force "$d/tree"
done
