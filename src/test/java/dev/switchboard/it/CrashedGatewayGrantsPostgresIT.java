package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.Postgres;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CrashedGatewayGrantsIT} on PostgreSQL, where gateways may run on several hosts: a gateway that crashes holding a
 * whole budget as its grant, on what looks like another host (its rows' host identity changed, so no pid check can
 * tell), is known gone by its session lock, which PostgreSQL dropped with its connection; the next gateway serves the key
 * within seconds instead of answering 503 {@code budget_contended} for the 60 s lease. A stalled one keeps its grant.
 */
@Tag("services")
class CrashedGatewayGrantsPostgresIT {
    @TempDir
    Path dir;
    private Vertx vertx;
    private final String url = Postgres.freshSchemaUrl();
    private Path config;
    private final Map<String, String> env = Map.of("MASTER_KEY", TestGateway.MASTER_KEY, "PROVIDER_KEY", TestGateway.PROVIDER_KEY);
    private static final String BODY = "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeEach
    void startSimulatorAndWriteConfig() throws Exception {
        vertx = Vertx.vertx();
        ProviderSimulator sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
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
                  database_url: "%s"
                """.formatted(sim.baseUrl(), url));
    }

    @AfterEach
    void stop() {
        TestGateway.await(vertx.close());
        Postgres.drop(url);
    }

    private static String budgetedKey(GatewayProcess g) {
        String key = new Admin(g.baseUrl(), TestGateway.MASTER_KEY).generate(new JsonObject().put("key_alias", "crashes")
                .put("max_budget", 5.0)).getString("key");
        assertThat(Http.post(g.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
        return key;
    }

    /** Its rows as another host's: no pid of theirs means anything here. Returns the session lock they name. */
    private long otherHost() throws Exception {
        try (Connection c = Postgres.connect(url)) {
            long lock = 0;
            for (int i = 0; i < 50 && lock == 0; i++) { // the first heartbeat names the lock, at the latest
                try (var rs = c.createStatement().executeQuery("SELECT session_lock FROM budget_grants")) {
                    assertThat(rs.next()).as("the gateway's grant row").isTrue();
                    lock = rs.getLong(1);
                }
                if (lock == 0) Thread.sleep(100);
            }
            assertThat(lock).as("the row names the gateway's session lock").isNotZero();
            c.createStatement().executeUpdate("UPDATE budget_grants SET host = 'another-host|another-boot|pid:[4026599999]'");
            return lock;
        }
    }

    @Test
    void aCrashedGatewaysGrantIsFreedByItsSessionLockNotItsLease() throws Exception {
        String key;
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            key = budgetedKey(first);
            otherHost();
            first.kill9();
        }
        try (GatewayProcess second = GatewayProcess.start(config, env, dir.resolve("second.log"))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as("%s after %d ms; its log:%n%s", r.body(), waitedMs, second.logTail()).isEqualTo(200);
            assertThat(waitedMs).as("seconds, not the 60 s lease").isLessThan(15_000);
            System.out.printf("CrashedGatewayGrantsPostgresIT: the key was served %d ms after the restart's first call%n", waitedMs);
        }
    }

    /**
     * A lock is trusted only on the server that granted it: after a PostgreSQL restart or failover every lock is free, the
     * live gateways' too. A crashed gateway whose lock was taken on an earlier server (its row says so) is known by its
     * lease, not by its free lock.
     */
    @Test
    void aLockTakenOnAnEarlierServerIsNotTrusted() throws Exception {
        String key;
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            key = budgetedKey(first);
            otherHost();
            first.kill9();
        }
        try (Connection c = Postgres.connect(url)) {
            c.createStatement().executeUpdate("UPDATE budget_grants SET session_server = session_server - 60000");
        }
        try (GatewayProcess second = GatewayProcess.start(config, env, dir.resolve("second.log"))) {
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("its grant still counts (the lease decides): %s", r.body()).isEqualTo(503);
            assertThat(r.body()).contains("budget_contended");
        }
    }

    /** The other side: a gateway that is alive but stalled (SIGSTOP, no heartbeat for 7 s) holds its lock and its grant. */
    @Test
    void aStalledGatewayIsNotTakenForGone() throws Exception {
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            String key = budgetedKey(first);
            otherHost();
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
