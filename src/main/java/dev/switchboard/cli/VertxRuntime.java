package dev.switchboard.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Creates the one Vert.x instance a command runs on, tuned for a proxy's hot path: native epoll transport
 * when the platform has it (the jar ships Netty's), and the per-request bookkeeping Vert.x's own
 * benchmarks switch off — header-name re-validation (we only send headers we built), context timings and
 * the thread-context class loader swap.
 */
final class VertxRuntime {
    private VertxRuntime() {}

    static Vertx create(int eventLoops) {
        System.setProperty("vertx.disableHttpHeadersValidation", "true");
        System.setProperty("vertx.disableContextTimings", "true");
        System.setProperty("vertx.disableTCCL", "true");
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, eventLoops)).setPreferNativeTransport(true));
    }
}
