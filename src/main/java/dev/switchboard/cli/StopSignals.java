package dev.switchboard.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT (Ctrl-C) taken as a request to stop, instead of the JVM's default, which runs the shutdown hooks
 * and then exits with 128 + the signal (143, 130) however orderly the stop was: systemd, Kubernetes and supervisors log
 * every such deploy as a failure (QA, twenty-second session). The first signal asks the command to stop (it drains and
 * returns its own exit status); a later one only says the stop is under way: ending the process then would lose the
 * ledger rows the drain is writing ({@code kill -9} remains for that).
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(DebugLogging.LIFECYCLE);

    private StopSignals() {}

    /**
     * @param stop run on the first signal, on the signal's own thread: it must only ask (count down a latch), not drain
     * @return false when the signals could not be taken (a JVM started with {@code -Xrs}, where a signal ends the JVM
     *     without its shutdown hooks): said in a warning
     */
    static boolean install(Runnable stop) {
        AtomicBoolean asked = new AtomicBoolean();
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler handler = s -> {
                    if (asked.compareAndSet(false, true)) {
                        stop.run();
                    } else {
                        log.warn("SIG{} again: already stopping (finishing requests in flight, then writing the ledger)", s.getName());
                    }
                };
                if (sun.misc.Signal.handle(signal, handler) == sun.misc.SignalHandler.SIG_IGN && name.equals("INT")) {
                    // Started with SIGINT ignored (`switchboard serve &` in a script: a non-interactive shell starts
                    // background jobs so), the JVM keeps the ignore and installs nothing. LiteLLM's uvicorn and Go's
                    // signal.Notify take SIGINT anyway, and a script's `kill -INT` or Ctrl-C expects the stop: the
                    // JVM's handler of SIGTERM (taken just before) is installed for it too, so that it goes from
                    // ignored to handled with no moment at its default action; the Java handler was recorded above.
                    // This overrides a deliberate `(trap '' INT; switchboard serve)` too: SIGTERM stays the way to stop
                    // such a gateway, SIGINT is no longer a way to keep it running (QA, fortieth session).
                    if (IgnoredSignal.takeLike(signal.getNumber(), new sun.misc.Signal("TERM").getNumber())) {
                        log.debug("SIGINT was ignored at start (a background job of a script): taken as a stop all the same");
                    } else {
                        log.warn("SIGINT is ignored (started in the background by a script) and could not be taken: stop "
                                + "with SIGTERM (kill PID)");
                    }
                }
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // -Xrs: the JVM takes no signal, so SIGTERM ends it without the drain or the ledger's last write
            log.warn("SIGTERM and SIGINT cannot be taken ({}): a stop by signal will not drain or write the ledger's last "
                    + "rows. Fix: run without -Xrs.", e.getMessage());
            return false;
        }
    }
}
