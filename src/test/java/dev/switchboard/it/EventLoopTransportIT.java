package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.switchboard.cli.VertxRuntime;
import dev.switchboard.config.EventLoopTransport;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code general_settings.event_loop_transport} through {@code switchboard serve} in a process of its own: each transport
 * serves a request and a stream over real sockets (client to gateway, gateway to the simulator), the startup log names it,
 * and the process holds the kernel objects of that transport and not another's. {@code -Dio.netty.transport.noNative=true}
 * stands in for a machine that refuses native transports (Docker's seccomp profile refuses io_uring the same way): auto
 * falls back to NIO and says why, an explicit io_uring stops the start.
 */
class EventLoopTransportIT {
    private static final String NO_NATIVE = "-Dio.netty.transport.noNative=true";

    @RegisterExtension
    final ServeFixture serve = new ServeFixture();

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void anExplicitTransportServesRequestsAndStreams(String transport) throws Exception {
        try (GatewayProcess gw = serve.start(config(transport))) {
            servesARequestAndAStream(gw);
            String out = serve.logText();
            assertThat(out).contains("on " + transport + " (event_loop_transport: " + transport + ")")
                    .contains("event loop(s), " + transport + " transport)");
            List<String> fds = anonInodes(gw.pid());
            assertThat(fds).as("the gateway's anonymous kernel objects").noneMatch(f -> f.contains("io_uring"));
            if (transport.equals("epoll")) assertThat(fds).anyMatch(f -> f.contains("eventpoll"));
        }
    }

    @Test
    void ioUringNamedServesRequestsAndStreamsOnIoUring() throws Exception {
        assumeThat(VertxRuntime.available(EventLoopTransport.IO_URING)).as("io_uring on this machine").isTrue();
        try (GatewayProcess gw = serve.start(config("io_uring"))) {
            servesARequestAndAStream(gw);
            assertThat(serve.logText()).contains("on io_uring (event_loop_transport: io_uring)");
            assertThat(anonInodes(gw.pid())).anyMatch(f -> f.contains("io_uring")).noneMatch(f -> f.contains("eventpoll"));
        }
    }

    /**
     * Clients that send the start of a request and then reset the connection (a request cut off with SO_LINGER 0)
     * are each closed by the gateway at once on io_uring, as on epoll: none is left holding its descriptor until the
     * 60 s idle close (nor holding up a graceful shutdown). Netty 4.2.18's multishot POLLIN loses such a reset when it
     * comes before the first receive; {@code TransportChoice} switches that off (docs/architecture.md, "io_uring: a
     * reset after the first bytes"). With Netty's default restored ({@code -Dswitchboard.test.resetControl=true}) 90-114
     * of the 200 were still open after the 10 s (121 with the master key in the head, 2026-12-08).
     */
    @Test
    void ioUringClosesConnectionsTheClientResetAfterItsFirstBytes() throws Exception {
        assumeThat(VertxRuntime.available(EventLoopTransport.IO_URING)).as("io_uring on this machine").isTrue();
        try (GatewayProcess gw = serve.start(config("io_uring"),
                Boolean.getBoolean("switchboard.test.resetControl") ? List.of(MULTISHOT_POLL_ON) : List.of(), List.of())) {
            servesARequestAndAStream(gw);
            int before = sockets(gw.pid());
            resetAfterFirstBytes(gw.port(), RESETS);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int now = sockets(gw.pid());
            while (now > before && System.nanoTime() < deadline) {
                Thread.sleep(100);
                now = sockets(gw.pid());
            }
            assertThat(now).as("the gateway's sockets 10 s after %d clients reset their connections (%d before them)", RESETS, before)
                    .isLessThanOrEqualTo(before);
            servesARequestAndAStream(gw);
        }
    }

    /**
     * An answer the gateway writes and closes in the same read (a 501 for an {@code HTTP/1.7} request line) reaches
     * the client with the connection's end at once on io_uring, as on epoll. Netty 4.2.18 with one-shot polls arms a
     * new POLLIN after such a close (delayed behind the write) cancelled what was armed, and the ring's poll keeps the
     * socket open in the kernel: the client got the 501 and then waited (FramingIT's failure on io_uring).
     * {@code IoUringCloseGuard} stops reads once a close is asked (docs/architecture.md, "io_uring: a close in the
     * read loop"); without it (main at 3641486's jar, by hand) no such client saw the end within 4 s.
     */
    @Test
    void ioUringEndsTheConnectionRightAfterAnAnswerThatClosesIt() throws Exception {
        assumeThat(VertxRuntime.available(EventLoopTransport.IO_URING)).as("io_uring on this machine").isTrue();
        try (GatewayProcess gw = serve.start(config("io_uring"))) {
            for (int i = 0; i < 20; i++) {
                dev.switchboard.support.RawHttp.Exchange r = dev.switchboard.support.RawHttp.exchange(gw.port(),
                        "GET /v1/models HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n", 3000);
                assertThat(r.text()).startsWith("HTTP/1.1 501 ");
                assertThat(r.closed()).as("exchange %d: the connection ended after the 501", i).isTrue();
                assertThat(r.closedAfterMillis()).as("exchange %d", i).isLessThan(2000);
            }
            servesARequestAndAStream(gw);
        }
    }

    private static final int RESETS = 200;
    /** The control: {@code -Dswitchboard.test.resetControl=true} gives the gateway Netty's default back, and this test fails. */
    private static final String MULTISHOT_POLL_ON = "-Dio.netty.iouring.pollAddMultishotEnabled=true";

    /**
     * {@code n} connections, 16 at a time, each sending a request head and part of its body, then resetting. The head
     * carries the fixture's master key: with a wrong one the gateway would answer 401 before it reads the body, and the
     * reset would no longer come while it waits for the rest of the body.
     */
    private static void resetAfterFirstBytes(int port, int n) throws Exception {
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestGateway.MASTER_KEY + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                done.add(pool.submit(() -> {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        s.getOutputStream().write(head);
                        s.setSoLinger(true, 0); // the close sends RST, not FIN
                    }
                    return null;
                }));
            }
            for (var f : done) f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** How many sockets the process holds open (a connection whose reset was lost is gone from the TCP table, not from here). */
    private static int sockets(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void autoRunsOnIoUringWhereTheMachineAllowsItElseOnEpoll() throws Exception {
        boolean uring = VertxRuntime.available(EventLoopTransport.IO_URING);
        try (GatewayProcess gw = serve.start(config("auto"))) {
            servesARequestAndAStream(gw);
            if (uring) {
                assertThat(serve.logText()).contains("on io_uring (event_loop_transport: auto)");
                assertThat(anonInodes(gw.pid())).anyMatch(f -> f.contains("io_uring")).noneMatch(f -> f.contains("eventpoll"));
            } else {
                assertThat(serve.logText()).contains("on epoll (event_loop_transport: auto; io_uring unavailable: ");
                assertThat(anonInodes(gw.pid())).anyMatch(f -> f.contains("eventpoll"));
            }
        }
    }

    @Test
    void autoFallsBackWhereNativeTransportsAreRefusedAndSaysWhy() throws Exception {
        try (GatewayProcess gw = serve.start(config("auto"), List.of(NO_NATIVE), List.of())) {
            servesARequestAndAStream(gw);
            assertThat(serve.logText()).contains("on nio (event_loop_transport: auto; io_uring unavailable: "
                    + "Native transport was explicit disabled with -Dio.netty.transport.noNative=true; epoll unavailable: "
                    + "Native transport was explicit disabled");
        }
    }

    @Test
    void anExplicitTransportTheMachineRefusesStopsTheStart() throws Exception {
        assertThatThrownBy(() -> serve.start(config("io_uring"), List.of(NO_NATIVE), List.of()).close())
                .hasMessageContaining("exited with 2 before it was ready");
        assertThat(serve.logText()).contains("general_settings.event_loop_transport is io_uring, which this machine "
                + "cannot use: Native transport was explicit disabled").contains("Fix: set it to auto");
    }

    private static void servesARequestAndAStream(GatewayProcess gw) {
        HttpResponse<String> plain = post(gw, false);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(plain.body()).contains("\"choices\"");
        HttpResponse<String> stream = post(gw, true);
        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(stream.body()).contains("\"delta\"").endsWith("data: [DONE]\n\n");
    }

    private static HttpResponse<String> post(GatewayProcess gw, boolean stream) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    private Path config(String transport) throws IOException {
        return serve.config("  event_loop_transport: " + transport + "\n" + serve.sqlite());
    }

    /** The targets of the process's {@code anon_inode} descriptors: {@code [eventpoll]}, {@code [io_uring]}, … */
    private static List<String> anonInodes(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(f -> {
                try {
                    return Files.readSymbolicLink(f).toString();
                } catch (IOException e) {
                    return "";
                }
            }).filter(t -> t.startsWith("anon_inode:")).toList();
        }
    }
}
