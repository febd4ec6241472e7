package dev.switchboard.cli;

import dev.switchboard.config.EventLoopTransport;
import io.vertx.core.transport.Transport;
import java.util.function.Function;

/**
 * Which socket transport the event loops run on, from {@code general_settings.event_loop_transport} and what this machine
 * allows. {@code auto} takes io_uring, else epoll, else NIO: io_uring batches a loop turn's socket calls into one system
 * call, and in quiet pairs on the bench VM the gateway used about 40 % less CPU a non-stream request on it and 22 % less
 * a stream; the whole suite passes on it (docs/architecture.md, "the quiet runs after the fourth round", "io_uring as
 * auto's first choice"). Netty 4.2.18's io_uring bugs the suite found are worked around ({@link NettyDefaults},
 * {@code edge.IoUringCloseGuard}). Under auto the log line says what was passed over and why: Docker's default seccomp
 * profile refuses {@code io_uring_setup}, kernels before 5.14 lack what Netty needs, some hosts switch it off
 * ({@code kernel.io_uring_disabled}); {@code epoll} by name is the way back. A transport named explicitly that the machine
 * refuses stops the start instead: whoever wrote {@code io_uring} measured or needs it, and a gateway quietly on another
 * transport would hide that the setting does nothing; {@code auto} is there for "what works".
 *
 * @param transport what Vert.x is built with
 * @param name      the transport as the config spells it ({@code io_uring}, {@code epoll}, {@code nio})
 * @param why       how it was chosen, for the startup log (the setting, and under auto what was passed over and why)
 */
record TransportChoice(Transport transport, String name, String why) {

    static {
        NettyDefaults.apply(); // before anything below asks Netty whether io_uring is there (Netty reads them then)
    }

    /** What Vert.x reports: null when {@code t} can be used here, else why not. */
    static final Function<Transport, Throwable> VERTX = t -> t.available() ? null : orUnknown(t.unavailabilityCause());

    /**
     * The transport for {@code setting}.
     *
     * @param unavailable null for a transport that can be used here, else the reason it cannot ({@link #VERTX} in production)
     * @throws IllegalStateException an explicit transport that {@code unavailable} refuses, with the reason and the fix
     */
    static TransportChoice decide(EventLoopTransport setting, Function<Transport, Throwable> unavailable) {
        String key = "event_loop_transport: " + setting.configName();
        return switch (setting) {
            case NIO -> new TransportChoice(Transport.NIO, "nio", key);
            case EPOLL, IO_URING -> {
                Transport t = setting == EventLoopTransport.EPOLL ? Transport.EPOLL : Transport.IO_URING;
                Throwable cause = unavailable.apply(t);
                if (cause != null) {
                    throw new IllegalStateException("general_settings.event_loop_transport is " + setting.configName()
                            + ", which this machine cannot use: " + reason(cause) + ". Fix: set it to auto (io_uring, else epoll, else NIO)"
                            + (setting == EventLoopTransport.IO_URING ? ", or allow io_uring_setup "
                            + "(Docker's default seccomp profile refuses it; Linux 5.14 or newer with kernel.io_uring_disabled = 0)" : "")
                            + ".");
                }
                yield new TransportChoice(t, setting.configName(), key);
            }
            case AUTO -> {
                Throwable noUring = unavailable.apply(Transport.IO_URING);
                if (noUring == null) yield new TransportChoice(Transport.IO_URING, "io_uring", key);
                String uring = "io_uring unavailable: " + reason(noUring);
                Throwable noEpoll = unavailable.apply(Transport.EPOLL);
                if (noEpoll == null) yield new TransportChoice(Transport.EPOLL, "epoll", key + "; " + uring);
                yield new TransportChoice(Transport.NIO, "nio", key + "; " + uring + "; epoll unavailable: " + reason(noEpoll));
            }
        };
    }

    /** The innermost message (Netty wraps the errno in a few layers), else the exception's class. */
    static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getName() : m;
    }

    private static Throwable orUnknown(Throwable t) {
        return t != null ? t : new IllegalStateException("no reason given");
    }
}
