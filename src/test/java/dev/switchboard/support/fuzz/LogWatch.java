package dev.switchboard.support.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Watches every log line the process writes while a fuzz run lasts: a provider key fragment in any line (message
 * or stack trace) is a finding, and so is an ERROR from the gateway's own code, which is what an unexpected
 * exception on the request path writes.
 */
public final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final KeyFragments keys;
    private final List<String> findings = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    public LogWatch(KeyFragments keys) {
        this.keys = keys;
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent e) {
        StringBuilder text = new StringBuilder(e.getFormattedMessage() == null ? "" : e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        String fragment = keys.find(text.toString());
        if (fragment != null) findings.add("key fragment '" + fragment + "' in log line of " + e.getLoggerName() + ": " + cut(text));
        if (e.getLevel().isGreaterOrEqual(Level.ERROR) && (e.getLoggerName().startsWith("dev.switchboard")
                || e.getLoggerName().startsWith("switchboard"))) {
            findings.add("ERROR from " + e.getLoggerName() + ": " + cut(text));
        }
    }

    public List<String> findings() { return findings; }

    private static String cut(CharSequence s) { return s.length() > 400 ? s.subSequence(0, 400) + "…" : s.toString(); }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
