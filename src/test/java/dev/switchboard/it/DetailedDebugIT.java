package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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

/**
 * QA (thirty-ninth session): LiteLLM's {@code --detailed_debug} was an unknown option of {@code serve}, and nothing else
 * showed Switchboard's own DEBUG lines. A real process started with it, a call whose parameter is dropped (a DEBUG line
 * of the router): the line is in the log, and neither the provider key nor the master key is.
 */
class DetailedDebugIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

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

    @Test
    void detailedDebugShowsOurDebugLinesAndNoKey() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: gpt
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: "http://127.0.0.1:%d/v1"
                      api_key: os.environ/PROVIDER_KEY
                      additional_drop_params: ["temperature"]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(sim.port(), dir.resolve("gw.db")));
        String master = "sk-master-" + "debug-0123456789abcdef";
        String providerKey = "sk-proj-" + "debugprovider0123456789";
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config, Map.of("MASTER_KEY", master, "PROVIDER_KEY", providerKey), log,
                List.of(), List.of("--detailed_debug"))) {
            HttpRequest chat = HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions"))
                    .header("authorization", "Bearer " + master).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt\",\"temperature\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build();
            HttpResponse<String> r = CLIENT.send(chat, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gw.terminate()).isZero();
        }
        String text = Files.readString(log);
        assertThat(text).contains("Debug logging on (--detailed_debug)")
                .containsPattern("DEBUG .*request \\S+: \\[temperature\\] dropped for .*additional_drop_params")
                .containsPattern("DEBUG .*request \\S+: chat gpt -> openai/gpt-4o-mini: 200 in \\d+ ms, \\d+ tokens in, \\d+ out, \\$[0-9.]+")
                .doesNotContain(master).doesNotContain(providerKey);
    }
}
