package dev.switchboard.route;

import dev.switchboard.model.LogSafe;
import java.util.function.UnaryOperator;

/**
 * Names as the router's INFO and WARN lines show them: an alias, a fallback's alias or a deployment id may be the
 * caller's text (a name a wildcard entry serves, a request's {@code models} or fallbacks), so each is masked first (a
 * virtual key sent as a model name; the pipeline sets the request log's name rule, {@code SecretScrubber.name}) and
 * then escaped ({@link LogSafe}), so a line break in it cannot forge the next log line.
 */
final class LogNames {
    private volatile UnaryOperator<String> mask = UnaryOperator.identity();

    /** Set once by the pipeline before the first call; identity until then (tests). */
    void mask(UnaryOperator<String> mask) { this.mask = mask; }

    String of(String name) { return LogSafe.text(mask.apply(name)); }
}
