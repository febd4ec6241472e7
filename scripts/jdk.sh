#!/usr/bin/env bash
# Sourced by ./switchboard, ./run-tests and .ci/run: exports JAVA_HOME pointing at a JDK >= 21
# (JAVA_HOME if it is new enough, else the newest under /usr/lib/jvm), or fails with a clear message.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d"); [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "switchboard: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*). Install one, e.g. apt-get install openjdk-21-jdk, or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
pick_jdk && export PATH="$JAVA_HOME/bin:$PATH"
