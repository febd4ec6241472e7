package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EventLoopTransport;
import io.vertx.core.transport.Transport;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The transport picked for each setting, on machines that allow io_uring, only epoll, or neither. */
class TransportChoiceTest {
    private static final Throwable SECCOMP = new RuntimeException("failed to initialize io_uring",
            new java.io.IOException("io_uring_setup(...) failed: Operation not permitted"));
    private static final Throwable NOT_LINUX = new UnsupportedOperationException("Only supported on Linux");

    /** Everything available. */
    private static final Function<Transport, Throwable> ALL = t -> null;
    /** Docker's default seccomp profile: epoll works, io_uring_setup is refused. */
    private static final Function<Transport, Throwable> NO_URING = t -> t == Transport.IO_URING ? SECCOMP : null;
    /** macOS or Windows with no native transport (kqueue aside): NIO only. */
    private static final Function<Transport, Throwable> NIO_ONLY = t -> t == Transport.NIO ? null : NOT_LINUX;

    @Test
    void autoTakesIoUringWhereTheMachineAllowsIt() {
        TransportChoice c = TransportChoice.decide(EventLoopTransport.AUTO, ALL);
        assertThat(c.transport()).isSameAs(Transport.IO_URING);
        assertThat(c.name()).isEqualTo("io_uring");
        assertThat(c.why()).isEqualTo("event_loop_transport: auto");
    }

    @Test
    void autoTakesEpollWhereIoUringIsRefusedAndSaysWhy() {
        TransportChoice c = TransportChoice.decide(EventLoopTransport.AUTO, NO_URING);
        assertThat(c.transport()).isSameAs(Transport.EPOLL);
        assertThat(c.name()).isEqualTo("epoll");
        assertThat(c.why()).isEqualTo("event_loop_transport: auto; io_uring unavailable: "
                + "io_uring_setup(...) failed: Operation not permitted");
    }

    @Test
    void autoFallsBackToNioWithoutNativeTransports() {
        TransportChoice c = TransportChoice.decide(EventLoopTransport.AUTO, NIO_ONLY);
        assertThat(c.transport()).isSameAs(Transport.NIO);
        assertThat(c.why()).isEqualTo("event_loop_transport: auto; io_uring unavailable: Only supported on Linux; "
                + "epoll unavailable: Only supported on Linux");
    }

    @Test
    void anExplicitTransportIsTakenWhenAvailable() {
        Map<EventLoopTransport, Transport> expected = Map.of(EventLoopTransport.IO_URING, Transport.IO_URING,
                EventLoopTransport.EPOLL, Transport.EPOLL, EventLoopTransport.NIO, Transport.NIO);
        expected.forEach((setting, transport) -> {
            TransportChoice c = TransportChoice.decide(setting, ALL);
            assertThat(c.transport()).isSameAs(transport);
            assertThat(c.name()).isEqualTo(setting.configName());
            assertThat(c.why()).isEqualTo("event_loop_transport: " + setting.configName());
        });
        // epoll asked for on a machine without io_uring: no reason to look at io_uring at all.
        assertThat(TransportChoice.decide(EventLoopTransport.EPOLL, NO_URING).transport()).isSameAs(Transport.EPOLL);
        // NIO is never refused.
        assertThat(TransportChoice.decide(EventLoopTransport.NIO, NIO_ONLY).transport()).isSameAs(Transport.NIO);
    }

    @Test
    void anExplicitTransportTheMachineRefusesStopsTheStartWithTheReasonAndTheFix() {
        assertThatThrownBy(() -> TransportChoice.decide(EventLoopTransport.IO_URING, NO_URING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("general_settings.event_loop_transport is io_uring, which this machine cannot use: "
                        + "io_uring_setup(...) failed: Operation not permitted")
                .hasMessageContaining("Fix: set it to auto")
                .hasMessageContaining("seccomp");
        assertThatThrownBy(() -> TransportChoice.decide(EventLoopTransport.EPOLL, NIO_ONLY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event_loop_transport is epoll, which this machine cannot use: Only supported on Linux")
                .hasMessageNotContaining("seccomp");
    }

    @Test
    void aReasonWithoutAMessageIsNamedByItsClass() {
        assertThat(TransportChoice.reason(new UnsatisfiedLinkError())).isEqualTo("java.lang.UnsatisfiedLinkError");
    }

    @Test
    void nettysMultishotPollIsOffAndAnOperatorsValueIsKept() {
        String before = System.getProperty(NettyDefaults.MULTISHOT_POLL);
        try {
            System.setProperty(NettyDefaults.MULTISHOT_POLL, "true");
            NettyDefaults.apply();
            assertThat(System.getProperty(NettyDefaults.MULTISHOT_POLL)).isEqualTo("true");
            System.clearProperty(NettyDefaults.MULTISHOT_POLL);
            NettyDefaults.apply();
            assertThat(System.getProperty(NettyDefaults.MULTISHOT_POLL)).isEqualTo("false");
        } finally {
            if (before == null) System.clearProperty(NettyDefaults.MULTISHOT_POLL);
            else System.setProperty(NettyDefaults.MULTISHOT_POLL, before);
        }
        // The suite's JVM runs with what Main sets (the pom gives it to surefire: any test's bare Vert.x loads Netty's
        // io_uring classes, and with them the setting, before TransportChoice would); the gateway process is
        // EventLoopTransportIT's.
        if (VertxRuntime.available(EventLoopTransport.IO_URING)) {
            assertThat(io.netty.channel.uring.IoUring.isPollAddMultishotEnabled()).as("Netty's multishot POLL_ADD").isFalse();
        }
    }

    @Test
    void theSettingIsSpelledAsTheConfigWritesIt() {
        assertThat(EventLoopTransport.parse("io_uring")).isEqualTo(EventLoopTransport.IO_URING);
        assertThat(EventLoopTransport.parse(" IO-URING ")).isEqualTo(EventLoopTransport.IO_URING);
        assertThat(EventLoopTransport.parse("iouring")).isEqualTo(EventLoopTransport.IO_URING);
        assertThat(EventLoopTransport.parse("NIO")).isEqualTo(EventLoopTransport.NIO);
        assertThat(EventLoopTransport.parse("kqueue")).isNull();
        assertThat(EventLoopTransport.configNames()).containsExactly("auto", "io_uring", "epoll", "nio");
    }

    @Test
    void vertxBuiltHereRunsOnTheTransportChosen() {
        io.vertx.core.Vertx vertx = VertxRuntime.create(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1), EventLoopTransport.NIO);
        try {
            assertThat(VertxRuntime.transportName(vertx)).isEqualTo("nio");
        } finally {
            vertx.close();
        }
        // Whatever auto picks on this machine (io_uring on a Linux that allows it) is what the instance runs on.
        String picked = TransportChoice.decide(EventLoopTransport.AUTO, TransportChoice.VERTX).name();
        vertx = VertxRuntime.create(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1), EventLoopTransport.AUTO);
        try {
            assertThat(VertxRuntime.transportName(vertx)).isEqualTo(picked);
        } finally {
            vertx.close();
        }
    }
}
