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

    /**
     * LiteLLM's {@code LITELLM_LOG} below INFO: {@code WARNING}/{@code WARN} or {@code ERROR}/{@code CRITICAL} (Python's
     * level names), as the level for every logger; null for DEBUG, INFO, unset or a value that is no level.
     */
    static ch.qos.logback.classic.Level quieter(Function<String, String> env) {
        String v = env.apply("LITELLM_LOG");
        if (v == null) return null;
        return switch (v.strip().toUpperCase(java.util.Locale.ROOT)) {
            case "WARNING", "WARN" -> ch.qos.logback.classic.Level.WARN;
            case "ERROR", "CRITICAL", "FATAL" -> ch.qos.logback.classic.Level.ERROR;
            default -> null;
        };
    }

    /**
     * The logger of the startup, stop and security lines (listening on, Port … from $PORT, Address … from $HOST, the
     * no-master-key and non-loopback warnings, config: and unpriced: warnings, Stopping / Stopped, the signal lines): its
     * own, so {@code LITELLM_LOG=WARNING} can keep it at INFO and still quiet every other {@code switchboard.*} logger
     * (switchboard.refused, .alerts, .requestlog, .cache, .budget, .jwt, .tracing), which were its children and stayed
     * at INFO with it (cross-merge review, fortieth session).
     */
    static final String LIFECYCLE = "switchboard.lifecycle";

    /**
     * The flag, else {@code LITELLM_LOG}: DEBUG for our loggers, or WARN / ERROR for the rest (the flag wins). Only
     * {@link #LIFECYCLE} stays at INFO: the startup and stop lines, which LiteLLM's LITELLM_LOG does not quiet either (it
     * sets only LiteLLM's own loggers; uvicorn's banner stays).
     */
    static void apply(boolean flag, Function<String, String> env) {
        String why = asked(flag, env);
        if (why != null) {
            enable(why);
            return;
        }
        ch.qos.logback.classic.Level level = quieter(env);
        if (level == null) return;
        for (String name : new String[] {org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.switchboard", "switchboard"}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) l.setLevel(level);
        }
        // the libraries logback.xml sets below it (Netty and Vert.x at WARN) are raised too; none is lowered
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            for (ch.qos.logback.classic.Logger l : context.getLoggerList()) {
                if (l.getLevel() != null && !l.getLevel().isGreaterOrEqual(level)) l.setLevel(level);
            }
        }
        if (LoggerFactory.getLogger(LIFECYCLE) instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    /** Our loggers at DEBUG, said in one INFO line naming what asked for it. */
    static void enable(String why) {
        if (why == null) return;
        for (String name : new String[] {"dev.switchboard", "switchboard", LIFECYCLE}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        LoggerFactory.getLogger(LIFECYCLE).info("Debug logging on ({}): Switchboard's DEBUG lines are shown; provider "
                + "keys, the master key and virtual keys stay masked", why);
    }
}
