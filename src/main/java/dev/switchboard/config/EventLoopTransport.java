package dev.switchboard.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code general_settings.event_loop_transport}: which of Netty's socket transports the event loops run on. {@code auto}
 * takes io_uring, else epoll, else NIO; a named transport the machine cannot give fails the start.
 */
public enum EventLoopTransport {
    AUTO, IO_URING, EPOLL, NIO;

    /** As written in the config: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
    public String configName() { return name().toLowerCase(Locale.ROOT); }

    /** The setting spelled {@code text} (any case; {@code io-uring} and {@code iouring} too), or null when there is none. */
    public static EventLoopTransport parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (t.equals("iouring")) t = "io_uring";
        for (EventLoopTransport e : values()) if (e.configName().equals(t)) return e;
        return null;
    }

    /** Every spelling the config accepts, for error messages. */
    public static List<String> configNames() { return Arrays.stream(values()).map(EventLoopTransport::configName).toList(); }
}
