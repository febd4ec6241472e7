package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final String NO_NATIVE = "-Dio.netty.transport.noNative=true";

    @TempDir
    Path dir;
    private Vertx vertx;
    private ProviderSimulator sim;

    @BeforeEach
    void startSimulator() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
    }

    @AfterEach
    void stopSimulator() {
        TestGateway.await(vertx.close());
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void anExplicitTransportServesRequestsAndStreams(String transport) throws Exception {
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config(transport), env(), log)) {
            servesARequestAndAStream(gw);
            String out = Files.readString(log);
            assertThat(out).contains("on " + transport + " (event_loop_transport: " + transport + ")")
                    .contains("event loop(s), " + transport + " transport)");
            List<String> fds = anonInodes(gw.pid());
            assertThat(fds).as("the gateway's anonymous kernel objects").noneMatch(f -> f.contains("io_uring"));
            if (transport.equals("epoll")) assertThat(fds).anyMatch(f -> f.contains("eventpoll"));
        }
    }

    @Test
    void ioUringNamedServesRequestsAndStreamsOnIoUring() throws Exception {
        assumeThat(Transport.IO_URING.available()).as("io_uring on this machine").isTrue();
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config("io_uring"), env(), log)) {
            servesARequestAndAStream(gw);
            assertThat(Files.readString(log)).contains("on io_uring (event_loop_transport: io_uring)");
            assertThat(anonInodes(gw.pid())).anyMatch(f -> f.contains("io_uring")).noneMatch(f -> f.contains("eventpoll"));
        }
    }

    @Test
    void autoRunsOnEpoll() throws Exception {
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config("auto"), env(), log)) {
            servesARequestAndAStream(gw);
            assertThat(Files.readString(log)).contains("on epoll (event_loop_transport: auto; io_uring ");
            assertThat(anonInodes(gw.pid())).anyMatch(f -> f.contains("eventpoll")).noneMatch(f -> f.contains("io_uring"));
        }
    }

    @Test
    void autoFallsBackWhereNativeTransportsAreRefusedAndSaysWhy() throws Exception {
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config("auto"), env(), log, List.of(NO_NATIVE))) {
            servesARequestAndAStream(gw);
            assertThat(Files.readString(log)).contains("on nio (event_loop_transport: auto; epoll unavailable: "
                    + "Native transport was explicit disabled with -Dio.netty.transport.noNative=true; io_uring unavailable:");
        }
    }

    @Test
    void anExplicitTransportTheMachineRefusesStopsTheStart() throws Exception {
        Path log = dir.resolve("gateway.log");
        assertThatThrownBy(() -> GatewayProcess.start(config("io_uring"), env(), log, List.of(NO_NATIVE)).close())
                .hasMessageContaining("exited with 2 before it was ready");
        assertThat(Files.readString(log)).contains("general_settings.event_loop_transport is io_uring, which this machine "
                + "cannot use: Native transport was explicit disabled").contains("Fix: set it to auto");
    }

    private void servesARequestAndAStream(GatewayProcess gw) throws IOException, InterruptedException {
        HttpResponse<String> plain = post(gw, false);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(plain.body()).contains("\"choices\"");
        HttpResponse<String> stream = post(gw, true);
        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(stream.body()).contains("\"delta\"").endsWith("data: [DONE]\n\n");
    }

    private static HttpResponse<String> post(GatewayProcess gw, boolean stream) throws IOException, InterruptedException {
        String body = "{\"model\":\"gpt\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
        return CLIENT.send(HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Path config(String transport) throws IOException {
        return Files.writeString(dir.resolve("config-" + transport + ".yaml"), """
                model_list:
                  - model_name: gpt
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: "%s"
                      api_key: os.environ/PROVIDER_KEY
                general_settings:
                  event_loop_transport: %s
                  database_path: "%s"
                """.formatted(sim.baseUrl(), transport, dir.resolve("sb.db")));
    }

    private static Map<String, String> env() {
        return Map.of("PROVIDER_KEY", TestGateway.PROVIDER_KEY);
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
