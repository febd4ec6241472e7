#!/usr/bin/env bash
# What the provider-key scan costs on the stream path: JMH (bench/jmh, KeyScrubBench) of KeyScrubber.scrubInPlace
# over one SSE event's data (what SseRelay does to every event), beside parsing that event's JSON (what every
# stream does anyway). Small (~230-byte) and large (~4.3 KiB) OpenAI chunk events; 3 and 50 configured keys.
# About 1½ minutes after the builds. On a shared machine run it under the Maven lock:
#   flock /tmp/switchboard-mvn.lock bench/keyscrub.sh
# Knobs: SWITCHBOARD_JAR (else target/switchboard.jar, rebuilt when older than src/main), BENCH_JMH_ARGS.
# Output: JMH's table on stdout; CSV in bench/results/keyscrub.csv (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
JAVA="$JAVA_HOME/bin/java"
mvn_build() { mvn -o -B -q "$@" || mvn -B -q "$@"; }
JAR="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
if [ -z "${SWITCHBOARD_JAR:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$JAR" -type f -print -quit)" ]; }; then
  (cd "$root" && mvn_build -Dmaven.test.skip=true package) >&2
fi
mvn_build -f "$here/jmh/pom.xml" -Dswitchboard.jar="$JAR" compile >&2
cp="$here/jmh/target/classes:$(cat "$here/jmh/target/classpath.txt"):$JAR"
mkdir -p "$here/results"
# shellcheck disable=SC2086
"$JAVA" -cp "$cp" org.openjdk.jmh.Main dev.switchboard.bench.KeyScrubBench -f 1 -wi 3 -w 1s -i 5 -r 1s \
  -rf csv -rff "$here/results/keyscrub.csv" ${BENCH_JMH_ARGS:-} 2>&1 | grep -E '^(Benchmark|KeyScrubBench)|event bytes' | sort -u
