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


    @AfterEach
    void stop() {
        TestGateway.await(vertx.close());
    }

    private Path store;
    private Path config;
    private final Map<String, String> env = Map.of("MASTER_KEY", TestGateway.MASTER_KEY, "PROVIDER_KEY", TestGateway.PROVIDER_KEY);
    private static final String BODY = "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeEach
    void startSimulatorAndWriteConfig() throws Exception {
        vertx = Vertx.vertx();
        sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
        store = dir.resolve("switchboard.db");
        config = dir.resolve("config.yaml");
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
    }

    /** A key whose whole budget the gateway holds as its grant (alone on the budget, it took all of it). */
    private static String budgetedKey(GatewayProcess g) {
        String key = new Admin(g.baseUrl(), TestGateway.MASTER_KEY).generate(new JsonObject().put("key_alias", "crashes")
                .put("max_budget", 5.0)).getString("key");
        assertThat(Http.post(g.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
        return key;
    }

    /**
     * What a restarted container leaves: its rows name another host name and pid namespace (pids that mean nothing
     * here) on the same kernel (the boot id the containers of one machine share).
     */
    private void otherContainer() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
             var rs = c.createStatement().executeQuery("SELECT host FROM budget_grants")) {
            assertThat(rs.next()).as("the gateway's grant row").isTrue();
            String[] host = rs.getString(1).split("\\|", -1);
            var ps = c.prepareStatement("UPDATE budget_grants SET host = ?");
            ps.setString(1, "another-container|" + host[1] + "|pid:[4026599999]");
            ps.executeUpdate();
        }
    }

    @Test
    void aCrashedGatewaysGrantIsFreedByItsLockNotItsLease() throws Exception {
        String key;
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            key = budgetedKey(first);
            first.kill9();
        }
        otherContainer();
        // a gateway that ran for a long time: its lock file is as old as it (the file is never written)
        try (var files = Files.list(store.resolveSibling("switchboard.db-gateways"))) {
            for (Path f : files.toList()) Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        }
        try (GatewayProcess second = GatewayProcess.start(config, env, dir.resolve("second.log"))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as("%s after %d ms; its log:%n%s", r.body(), waitedMs, second.logTail()).isEqualTo(200);
            assertThat(waitedMs).as("seconds, not the 60 s lease").isLessThan(15_000);
            System.out.printf("CrashedGatewayGrantsIT: the key was served %d ms after the restart's first call%n", waitedMs);
        }
    }

    /** The other side: a gateway that is alive but stalled (SIGSTOP, no heartbeat for 7 s) keeps its grant. */
    @Test
    void aStalledGatewayIsNotTakenForGone() throws Exception {
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            String key = budgetedKey(first);
            otherContainer(); // so that only its lock can tell (its pid would too)
            try (GatewayProcess second = GatewayProcess.start(config, env, dir.resolve("second.log"))) {
                signal(first.pid(), "STOP");
                try {
                    HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
                    assertThat(r.statusCode()).as("its grant is not handed out while it lives: %s", r.body()).isEqualTo(503);
                    assertThat(r.body()).contains("budget_contended");
                } finally {
                    signal(first.pid(), "CONT");
                }
                assertThat(Http.post(first.v1() + "/chat/completions", key, BODY).statusCode()).as("it goes on").isEqualTo(200);
            }
        }
    }

    private static void signal(long pid, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }
}
