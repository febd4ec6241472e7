# The gateway's default JVM options, in one place for ./switchboard and the bench scripts (source it, then
# `switchboard_jvm_opts "$USER_OPTS" [CPUS]` prints the defaults that USER_OPTS does not already set, for a JVM that
# will see CPUS processors (default: nproc here, so run it under the same taskset); JAVA_HOME must be set).
# Why each one, with the measurements: docs/architecture.md "Performance notes", 2026-12-01 09:30 (issue #15).
switchboard_jvm_opts() {
  local user="${1:-}" cpus="${2:-$(nproc 2>/dev/null || echo 2)}" out=()
  # (the result is split on spaces by its callers: no option here may contain one)
  # A bounded heap (the JVM's own is a quarter of the machine's RAM): SWITCHBOARD_HEAP sets it, and an -Xmx or
  # MaxRAMPercentage of your own wins. It is the ceiling, not what the gateway holds: the gateway bounds what it
  # buffers across requests to half of it (general_settings.max_buffered_mb overrides), and the in-memory response
  # cache (256 MiB by default when on) lives in it too.
  if [[ "$user" != *-Xmx* && "$user" != *MaxRAMPercentage* && "$user" != *-XX:MaxRAM=* ]]; then
    out+=("-Xmx${SWITCHBOARD_HEAP:-1g}")
  fi
  # Two or more CPUs: generational ZGC, unless you chose a collector (-XX:+Use...GC). Measured with 2,000 streams open
  # (unpinned, 2 CPUs): peak RSS 457 MiB against 655-683 MiB with G1, which the JVM picks on 2+ CPUs and which grows
  # its heap towards the ceiling (and 498-546 MiB with Serial); and no stop-the-world young pauses (Serial's were
  # 12-33 ms at 1,000 req/s). SoftMaxHeapSize: ZGC collects to stay near it and grows past it only when the live data
  # needs more (up to -Xmx), so a gateway holding little stays small.
  # One CPU (a pinned gateway, a 1-CPU container): the JVM's own choice, Serial. A concurrent collector needs a core
  # the event loop is not using: G1 with a 5 ms pause target on one pinned core fell over (p50 1 s at 1,000 req/s).
  # One CPU, also: no metaspace-triggered full collection. The JVM's first metaspace threshold is ~21 MB and the gateway's
  # classes take ~36 MB, so Serial ran a stop-the-world full GC ("Metadata GC Threshold") while starting and again when
  # classes loaded later (a JFR recording started, a feature's first use): 130-740 ms each on the event loop's core in
  # bench/tail.sh, two per run. A 64 MiB threshold is only a trigger (nothing is reserved) and leaves them out.
  # Measured and left alone (docs/architecture.md, "2026-12-01 11:30"): a larger young generation (-Xmn256m: half the
  # young pauses, but each copied more survivors), ZGC and G1 on the one core (their concurrent work competes with the
  # event loop).
  # JDK 24+: Netty 4.2 leaves sun.misc.Unsafe alone unless the JVM allows its memory access (JEP 471/498 made "warn"
  # the default), and then every direct-buffer access goes through ByteBuffer's bounds and session checks. Allowed,
  # on one quiet VM (2026-12-01 15:30, bench/profile.sh, one build alternated): 52.8/51.3 -> 49.2/48.3 us of gateway
  # CPU a non-stream request, 73.5 -> 66.2 us a stream. JDK 21-23 allow it already (and 21-22 do not know the flag).
  local jv
  jv="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${JAVA_HOME:-/nonexistent}/release" 2>/dev/null)"
  if [[ -n "$jv" && "$jv" -ge 24 && "$user" != *sun-misc-unsafe-memory-access* ]]; then
    out+=("--sun-misc-unsafe-memory-access=allow")
  fi
  if [[ "$cpus" -lt 2 && "$user" != *MetaspaceSize* ]]; then
    out+=("-XX:MetaspaceSize=64m")
  fi
  if [[ "$user" != *-XX:+Use*GC* && "$cpus" -ge 2 ]]; then
    out+=("-XX:+UseZGC")
    # JDK 21-22: ZGC is single-generation unless asked; 23+ is generational only (and warns about the flag from 24)
    local v
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${JAVA_HOME:-/nonexistent}/release" 2>/dev/null)"
    [[ "$v" == 21 || "$v" == 22 ]] && out+=("-XX:+ZGenerational")
    # only beside the default 1 GiB ceiling: with a heap of your own, ZGC's own soft limit (the ceiling) applies
    if [[ "$user" != *SoftMaxHeapSize* && "$user" != *-Xmx* && -z "${SWITCHBOARD_HEAP:-}" ]]; then
      out+=("-XX:SoftMaxHeapSize=256m")
    fi
  fi
  echo "${out[@]}"
}
