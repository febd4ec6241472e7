package dev.switchboard.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger (or every logger: {@link #root()}) writes during a test, to assert on what was logged. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** @param loggerName the logging class's full name (package-private classes cannot be named as literals) */
    public static LogCapture of(String loggerName) { return new LogCapture(loggerName); }

    /** Every logger's lines, the libraries' included (each reaches the root's appenders). */
    public static LogCapture root() { return new LogCapture(Logger.ROOT_LOGGER_NAME); }

    /**
     * The events so far, copied under the appender's lock (its {@code doAppend} holds it): a stream over its list while
     * the gateway's threads still log threw ConcurrentModificationException now and then.
     */
    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return new java.util.ArrayList<>(appender.list);
        }
    }

    /** "LEVEL message" lines, formatted. */
    public List<String> lines() {
        return events().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    /**
     * "LEVEL message" lines the console appender lets through (its filters from {@code logback.xml} applied, such as
     * {@code observe.KnownTransientFaults}): what a user of the command sees on stderr.
     */
    public List<String> shown() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        var console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
        return events().stream().filter(e -> console.getFilterChainDecision(e) != ch.qos.logback.core.spi.FilterReply.DENY)
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    /**
     * The lines as the gateway writes them: through the console appender's layout from {@code logback.xml} (secrets
     * masked, stack traces included), where {@link #lines()} is the raw event before any of that.
     */
    public List<String> written() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        var console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
        Layout<ILoggingEvent> layout = ((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout();
        return events().stream().map(layout::doLayout).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
