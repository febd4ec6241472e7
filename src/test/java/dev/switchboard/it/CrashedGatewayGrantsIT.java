package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on a SQLite store that crashes holding a whole budget as its grant, in a process whose pid the next gateway
 * cannot check (a container restarted in a new pid namespace: simulated by giving its rows another host identity): the
 * next gateway knows it is gone from its lock beside the store, and serves the key within seconds instead of answering
 * 503 {@code budget_contended} for the 60 s lease.
 */
class CrashedGatewayGrantsIT {
    @TempDir
    Path dir;
    private Vertx vertx;
    private ProviderSimulator sim;

    @BeforeEach
    void startSimulator() {
        vertx = Vertx.vertx();
        sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
    }

    @AfterEach
    void stop() {
        TestGateway.await(vertx.close());
    }

    @Test
    void aCrashedGatewaysGrantIsFreedByItsLockNotItsLease() throws Exception {
        Path store = dir.resolve("switchboard.db");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: gpt
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: "%s"
                      api_key: os.environ/PROVIDER_KEY
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(sim.baseUrl(), store));
        Map<String, String> env = Map.of("MASTER_KEY", TestGateway.MASTER_KEY, "PROVIDER_KEY", TestGateway.PROVIDER_KEY);
        String body = "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String key;
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            key = new Admin(first.baseUrl(), TestGateway.MASTER_KEY).generate(new JsonObject().put("key_alias", "crashes")
                    .put("max_budget", 5.0)).getString("key");
            assertThat(Http.post(first.v1() + "/chat/completions", key, body).statusCode()).isEqualTo(200);
            first.kill9(); // alone on the budget, it held all of it as its grant
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store)) {
            // what a restarted container leaves: a host identity (a new pid namespace) whose pids mean nothing here
            int rows = c.createStatement().executeUpdate("UPDATE budget_grants SET host = 'another-pid-namespace'");
            assertThat(rows).as("the crashed gateway's grant row").isPositive();
        }
        try (GatewayProcess second = GatewayProcess.start(config, env, dir.resolve("second.log"))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, body);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as("%s after %d ms; its log:%n%s", r.body(), waitedMs, second.logTail()).isEqualTo(200);
            assertThat(waitedMs).as("seconds, not the 60 s lease").isLessThan(15_000);
            System.out.printf("CrashedGatewayGrantsIT: the key was served %d ms after the restart's first call%n", waitedMs);
        }
    }
}
