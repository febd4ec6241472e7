package dev.switchboard.observe;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's pattern layout with the configured secrets masked in the whole line it makes ({@link LogSecrets}): the
 * message, its arguments and a stack trace's messages alike, for every logger, so no library's line can carry a key
 * the gateway holds. Named in {@code logback.xml}; the line is scrubbed after it is made, so a pattern change cannot
 * open a way round it.
 */
public final class ScrubbingLayout extends PatternLayout {
    @Override
    public String doLayout(ILoggingEvent event) {
        return LogSecrets.scrub(super.doLayout(event));
    }
}
