package dev.switchboard.observe;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.transport.Transport;
import java.util.concurrent.TimeUnit;

/**
 * The OTLP sender's own Vert.x instance, apart from the gateway's: one event loop, and one worker thread made only
 * when a call from an event loop has to marshal a batch off it (a split batch's next part). Its posts never queue
 * behind request work: on the gateway's own loop, a saturated core's loop exported fewer spans a second than the
 * batch processor was handed, and its queue overflowed (the 2026-12-02 01:45 note's revert). Here the loop only ever
 * has a post or two to do, and the OS shares the core between it and the request loop as it did with the JDK
 * HttpClient's threads.
 *
 * <p>On the JDK's NIO transport whatever the gateway's {@code event_loop_transport} is: a few posts a second gain
 * nothing from a native transport, and NIO needs nothing of the machine (no io_uring or epoll library, no syscall a
 * container may forbid), so the export works wherever the JVM does. Its threads are daemons named
 * {@value #THREAD_PREFIX}{@code *} (Vert.x's own block checker aside, a timer thread that wakes once a second).
 */
final class OtlpVertx {
    static final String THREAD_PREFIX = "switchboard-otlp-";

    private OtlpVertx() {}

    static Vertx create() {
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
                .setUseDaemonThread(true)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
        VertxThreadFactory named = new VertxThreadFactory() {
            @Override
            public VertxThread newVertxThread(Runnable target, String name, boolean worker, long maxExecTime, TimeUnit unit) {
                return VertxThreadFactory.super.newVertxThread(target, threadName(name), worker, maxExecTime, unit);
            }
        };
        return VertxBootstrap.create().options(options).transport(Transport.NIO.implementation()).threadFactory(named)
                .init().vertx();
    }

    /** {@code vert.x-eventloop-thread-0} → {@code switchboard-otlp-eventloop-0}, {@code vert.x-worker-thread-0} → {@code switchboard-otlp-worker-0}. */
    static String threadName(String vertxName) {
        return THREAD_PREFIX + vertxName.replace("vert.x-", "").replace("-thread", "");
    }
}
