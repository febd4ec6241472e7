package dev.switchboard.govern;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which process a budget grant belongs to (host, pid, when the process started), so that a gateway restarted after a
 * crash on the same host need not wait a whole lease for its predecessor's grants: a process of this host that no
 * longer runs (its pid is gone, or now belongs to a process started at another time) holds nothing. "This host" is
 * the host name, the kernel's boot id and the pid namespace together: two containers, or two machines, that share a
 * host name do not share pids, and a pid means something only where both are the same.
 */
record ProcessIdentity(String host, long pid, long startMillis) {
    static final ProcessIdentity SELF = of(ProcessHandle.current());

    private static ProcessIdentity of(ProcessHandle p) {
        String where = hostName() + "|" + firstLine("/proc/sys/kernel/random/boot_id") + "|" + pidNamespace();
        return new ProcessIdentity(where.length() <= 255 ? where : where.substring(0, 255), p.pid(),
                p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
    }

    private static String firstLine(String path) {
        try {
            Path p = Path.of(path);
            return Files.isReadable(p) ? Files.readString(p).strip() : "";
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** {@code pid:[4026531836]} on Linux: processes in other pid namespaces see other pids. */
    private static String pidNamespace() {
        try {
            Path ns = Path.of("/proc/self/ns/pid");
            return Files.exists(ns) ? Files.readSymbolicLink(ns).toString() : "";
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether the process a row names surely runs no more: it was on this host and its pid is gone or reused. */
    boolean knowsGone(String rowHost, long rowPid, long rowStart) {
        if (!host.equals(rowHost)) return false; // another host's processes are not ours to see
        if (rowPid == pid && rowStart == startMillis) return false; // this process
        Optional<ProcessHandle> p = ProcessHandle.of(rowPid);
        if (p.isEmpty() || !p.get().isAlive()) return true;
        Optional<java.time.Instant> started = p.get().info().startInstant();
        return started.isPresent() && rowStart != 0 && started.get().toEpochMilli() != rowStart;
    }

    /**
     * Whether a row's host identity names this kernel (the same boot id; containers of one machine share it, other
     * machines do not). False when either side has no boot id to compare.
     */
    boolean sameKernel(String rowHost) {
        String mine = bootId(host);
        return !mine.isEmpty() && mine.equals(bootId(rowHost));
    }

    private static String bootId(String identity) {
        String[] parts = identity == null ? new String[0] : identity.split("\\|", -1);
        return parts.length >= 3 ? parts[1] : "";
    }

    /** The kernel's host name (no DNS lookup, unlike InetAddress.getLocalHost()). */
    private static String hostName() {
        String h = firstLine("/proc/sys/kernel/hostname");
        if (h == null || h.isEmpty()) h = System.getenv("HOSTNAME");
        if (h == null || h.isEmpty()) h = System.getenv("COMPUTERNAME");
        if (h == null || h.isEmpty()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                h = "unknown";
            }
        }
        return h.length() <= 128 ? h : h.substring(0, 128);
    }
}
