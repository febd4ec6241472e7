package dev.switchboard.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Why a server could not listen, in one line with the fix that fits the cause: a port in use, an address that is not
 * this machine's, a name that does not resolve, a port the process may not bind. Shared by serve, demo and simulator,
 * which printed "stop what uses the port" for all of them, or a stack trace.
 */
final class ListenFailure {
    private ListenFailure() {}

    /** Null when {@code host} resolves, else the line to print (checked before anything is opened). */
    static String unresolvable(String host) {
        try {
            InetAddress.getByName(host);
            return null;
        } catch (UnknownHostException e) {
            return "Cannot listen on " + host + ": the name does not resolve to an address. Fix: pass --host with an address of "
                    + "this machine (127.0.0.1 for this machine only, 0.0.0.0 for every interface) or a name that resolves to one.";
        }
    }

    /** The line for a failed bind of {@code host:port}. */
    static String describe(String host, int port, Throwable e) {
        String root = Launch.rootMessage(e);
        String lower = root.toLowerCase(Locale.ROOT);
        String fix;
        if (lower.contains("already in use")) {
            fix = "stop what uses port " + port + ", or pass --port N (0: any free port).";
        } else if (lower.contains("cannot assign requested address") || lower.contains("cannot assign")) {
            fix = host + " is not an address of this machine: pass --host with one of its addresses (127.0.0.1 for this machine "
                    + "only, 0.0.0.0 for every interface).";
        } else if (lower.contains("permission denied") || lower.contains("access denied")) {
            fix = "ports below 1024 need privileges: pass --port 1024 or above (and put a proxy in front if it must be " + port + ").";
        } else if (e instanceof UnknownHostException || lower.contains("unknownhost") || lower.contains("name or service not known")) {
            fix = "pass --host with an address of this machine or a name that resolves to one.";
        } else {
            fix = "check --host and --port.";
        }
        return "Cannot listen on " + Launch.httpUrl(host, port).substring("http://".length()) + ": " + root + ". Fix: " + fix;
    }
}
