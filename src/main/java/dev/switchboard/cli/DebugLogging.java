package dev.switchboard.cli;

import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * LiteLLM's {@code --detailed_debug} (and {@code --debug}, {@code LITELLM_LOG=DEBUG}) for {@code serve} and {@code demo}:
 * Switchboard's own DEBUG lines (a parameter dropped for a deployment, an upstream connection reset, a client that left,
 * a key sync that failed) were written in the code but no option showed them (QA, thirty-ninth session). Only our
 * loggers go to DEBUG: the libraries' (Netty, Vert.x, HikariCP, the AWS SDK's signers) keep the levels of
 * {@code logback.xml}, and every line still passes the layout that masks the configured secrets.
 */
final class DebugLogging {
    private DebugLogging() {}

    /** Why debug logging is on ({@code --detailed_debug}, {@code LITELLM_LOG=DEBUG}), or null when it is not asked for. */
    static String asked(boolean flag, Function<String, String> env) {
        if (flag) return "--detailed_debug";
        String v = env.apply("LITELLM_LOG");
        return v != null && v.strip().equalsIgnoreCase("DEBUG") ? "LITELLM_LOG=DEBUG" : null;
    }

    /** Our loggers at DEBUG, said in one INFO line naming what asked for it. */
    static void enable(String why) {
        if (why == null) return;
        for (String name : new String[] {"dev.switchboard", "switchboard"}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        LoggerFactory.getLogger("switchboard").info("Debug logging on ({}): Switchboard's DEBUG lines are shown; provider "
                + "keys, the master key and virtual keys stay masked", why);
    }
}
