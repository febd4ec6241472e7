# The gateway's default JVM options, in one place for ./switchboard and the bench scripts (source it, then
# `switchboard_jvm_opts "$USER_OPTS"` prints the defaults that USER_OPTS does not already set).
# Why each one: README "Performance" and docs/architecture.md "Performance notes" (issue #15's latency and memory).
switchboard_jvm_opts() {
  local user="${1:-}" out=()
  # A sane heap by default (the JVM's own is a quarter of the machine's RAM): SWITCHBOARD_HEAP sets it, and an -Xmx
  # or MaxRAMPercentage of your own wins. The gateway bounds what it buffers across requests to half of this heap
  # (general_settings.max_buffered_mb overrides).
  if [[ "$user" != *-Xmx* && "$user" != *MaxRAMPercentage* && "$user" != *-XX:MaxRAM=* ]]; then
    out+=("-Xmx${SWITCHBOARD_HEAP:-1g}")
  fi
  echo "${out[@]}"
}
