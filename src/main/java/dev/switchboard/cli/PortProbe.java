package dev.switchboard.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether {@code host:port} can be listened on, asked before anything is created: a {@code serve} or {@code demo} that
 * failed on a port in use had already created and migrated {@code switchboard.db} in the directory (and {@code demo} had
 * started its simulator). The probe binds a plain socket with the option Vert.x sets (SO_REUSEADDR) and closes it at
 * once; the real bind can still lose a race with another process, which {@link ListenFailure} then reports as before.
 * On Linux the line also names the process that listens there, when this user may see it ({@code /proc}).
 */
final class PortProbe {
    private static final java.util.regex.Pattern PID = java.util.regex.Pattern.compile("\\d+");

    private PortProbe() {}

    /** Null when the port can be bound (or is 0: any free port), else the line to print. */
    static String refusal(String host, int port) {
        if (port == 0) return null;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return null;
        } catch (IOException e) {
            String root = Launch.rootMessage(e);
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
            String holder = cause instanceof java.net.BindException ? holder(port, Path.of("/proc")) : null;
            return ListenFailure.describe(host, port, holder == null ? e : new java.net.BindException(root + " (" + holder + ")"));
        }
    }

    /**
     * "held by pid 123 (java -jar /opt/switchboard.jar)" for the process listening on TCP {@code port}, or null when it
     * cannot be known (not Linux, another user's process, a container boundary). Only the program and, for a JVM, its
     * jar or main class are named: a command line can hold a key.
     */
    static String holder(int port, Path proc) {
        // a machine with thousands of processes is not walked for longer than a person notices
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300);
        java.util.Set<String> inodes = new java.util.HashSet<>();
        for (String table : new String[] {"net/tcp", "net/tcp6"}) {
            try {
                for (String row : Files.readAllLines(proc.resolve(table))) {
                    String[] f = row.trim().split("\\s+");
                    // sl local_address rem_address st … inode: the port in hex after the colon, st 0A = LISTEN
                    if (f.length < 10 || !"0A".equals(f[3])) continue;
                    int colon = f[1].lastIndexOf(':');
                    if (colon < 0) continue;
                    try {
                        if (Integer.parseInt(f[1].substring(colon + 1), 16) == port && !"0".equals(f[9])) {
                            inodes.add("socket:[" + f[9] + "]");
                        }
                    } catch (NumberFormatException e) {
                        // not a row
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table here
            }
        }
        if (inodes.isEmpty()) return null;
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> PID.matcher(p.getFileName().toString()).matches())) {
            for (Path pid : pids) {
                if (System.nanoTime() > deadline) return null;
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target;
                        try {
                            target = Files.readSymbolicLink(fd).toString();
                        } catch (IOException | UnsupportedOperationException e) {
                            continue;
                        }
                        if (inodes.contains(target)) return "held by pid " + pid.getFileName() + program(pid);
                    }
                } catch (IOException | RuntimeException e) {
                    // another user's process, or gone
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The launcher's options whose value is the next argument (java --help): skipped to find the main class. */
    private static final java.util.Set<String> SEPARATE_VALUE = java.util.Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads", "--add-exports",
            "--add-opens", "--patch-module", "--enable-native-access", "--source");

    /**
     * " (java -jar x.jar)", " (java org.Main)", " (python3)", or "" when unreadable: a JVM by its jar, main class or
     * module; any other program by {@code /proc/PID/comm} (the kernel's name, no arguments), else by its path's name.
     */
    private static String program(Path pid) {
        try {
            String[] args = new String(Files.readAllBytes(pid.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
            String name = args.length == 0 || args[0].isEmpty() ? "" : Path.of(args[0]).getFileName().toString();
            if (name.equals("java")) {
                for (int i = 1; i < args.length; i++) {
                    if (args[i].equals("-jar") && i + 1 < args.length) return " (java -jar " + args[i + 1] + ")";
                    if ((args[i].equals("-m") || args[i].equals("--module")) && i + 1 < args.length) {
                        return " (java -m " + args[i + 1] + ")";
                    }
                    if (SEPARATE_VALUE.contains(args[i])) {
                        i++;
                    } else if (!args[i].startsWith("-")) {
                        return " (java " + args[i] + ")";
                    }
                }
                return " (java)";
            }
            try {
                String comm = Files.readString(pid.resolve("comm"), StandardCharsets.UTF_8).strip();
                if (!comm.isEmpty()) return " (" + comm + ")";
            } catch (IOException | RuntimeException e) {
                // below
            }
            return name.isEmpty() ? "" : " (" + name + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
