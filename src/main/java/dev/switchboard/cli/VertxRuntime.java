package dev.switchboard.cli;

import dev.switchboard.config.EventLoopTransport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a Vert.x instance is built: on the socket transport {@link TransportChoice} picks from
 * {@code general_settings.event_loop_transport}, logged once. Vert.x 5's own {@code preferNativeTransport} takes epoll
 * whenever epoll is there, so the transport chosen is passed explicitly ({@code withTransport}). The commands
 * also switch off the per-request bookkeeping Vert.x's own benchmarks switch off — header-name re-validation (we only send
 * headers we built), context timings and the thread-context class loader swap.
 */
public final class VertxRuntime {
    private static final Logger log = LoggerFactory.getLogger(DebugLogging.LIFECYCLE);

    private VertxRuntime() {}

    /** For a command (serve, demo, check, simulator): {@code eventLoops} loops, tuned for a proxy's hot path. */
    static Vertx create(int eventLoops, EventLoopTransport transport) {
        System.setProperty("vertx.disableHttpHeadersValidation", "true");
        System.setProperty("vertx.disableContextTimings", "true");
        System.setProperty("vertx.disableTCCL", "true");
        return create(new VertxOptions().setEventLoopPoolSize(Math.max(1, eventLoops)), transport);
    }

    /**
     * Vert.x with {@code options} on the transport {@code transport} resolves to (tests build theirs here too, so the suite
     * runs on what production runs on).
     *
     * @throws IllegalStateException an explicit transport this machine cannot use (the message says why and the fix)
     */
    public static Vertx create(VertxOptions options, EventLoopTransport transport) {
        TransportChoice choice = TransportChoice.decide(transport, TransportChoice.VERTX);
        log.info("Event loops: {} on {} ({})", options.getEventLoopPoolSize(), choice.name(), choice.why());
        return Vertx.builder().with(options).withTransport(choice.transport()).build();
    }

    /** Whether this machine can run {@code transport} (asked through {@link TransportChoice}, which sets Netty's io_uring options first). */
    public static boolean available(EventLoopTransport transport) {
        return switch (transport) {
            case AUTO, NIO -> true;
            case EPOLL -> TransportChoice.VERTX.apply(Transport.EPOLL) == null;
            case IO_URING -> TransportChoice.VERTX.apply(Transport.IO_URING) == null;
        };
    }

    /** The transport a Vert.x instance runs on, as the config spells it (for the startup line). */
    static String transportName(Vertx vertx) {
        String impl = ((io.vertx.core.internal.VertxInternal) vertx).transport().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        return impl.contains("uring") ? "io_uring" : impl.contains("epoll") ? "epoll" : impl.contains("kqueue") ? "kqueue" : "nio";
    }
}
