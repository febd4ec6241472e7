package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway that crashes holding a whole budget as its grant, in a process the next gateway cannot check by its pid
 * (a container restarted, or another host: its rows' host identity is changed), run once per store: the next gateway
 * knows it is gone from what the store offers (SQLite: its lock file; PostgreSQL: its session lock) and serves the key
 * within seconds instead of answering 503 {@code budget_contended} for the 60 s lease; a stalled one keeps its grant.
 */
abstract class CrashedGatewayGrantsContract {
    @RegisterExtension
    final ServeFixture serve = new ServeFixture(new VertxOptions());
    Path config;
    static final String BODY = "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** The config lines that name the store (under general_settings, indented two spaces). */
    abstract String storeSettings();

    /** Makes the gateway's grant rows look like another container's or host's: no pid check can tell then. */
    abstract void asIfElsewhere() throws Exception;

    @BeforeEach
    void writeConfig() throws Exception {
        config = serve.config(storeSettings());
    }

    /** A key whose whole budget the gateway holds as its grant (alone on the budget, it took all of it). */
    static String budgetedKey(GatewayProcess g) {
        String key = new Admin(g.baseUrl(), TestGateway.MASTER_KEY).generate(new JsonObject().put("key_alias", "crashes")
                .put("max_budget", 5.0)).getString("key");
        assertThat(Http.post(g.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
        return key;
    }

    /** The next gateway's first call with the key, and how long it took: served within seconds, not the lease. */
    void servedSoonAfterTheRestart(String key, String what) throws Exception {
        try (GatewayProcess second = serve.start(config, "second.log")) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as("%s after %d ms; its log:%n%s", r.body(), waitedMs, second.logTail()).isEqualTo(200);
            assertThat(waitedMs).as("seconds, not the 60 s lease").isLessThan(15_000);
            System.out.printf("%s: the key was served %d ms after the restart's first call%n", what, waitedMs);
        }
    }

    /** The other side: a gateway that is alive but stalled (SIGSTOP, no heartbeat for a call's wait: 6 s, 3 s in the suite) keeps its grant. */
    @Test
    void aStalledGatewayIsNotTakenForGone() throws Exception {
        try (GatewayProcess first = serve.start(config, "first.log")) {
            String key = budgetedKey(first);
            asIfElsewhere(); // so that only the store's liveness signal can tell (its pid would too)
            try (GatewayProcess second = serve.start(config, "second.log")) {
                HttpResponse<String> r = null;
                // SIGSTOP may land while the first gateway holds the store's write lock (its ledger writer or key sync,
                // on SQLite a file lock): the second then finds the store not answering (budget_store_unavailable), also
                // no grant handed out but not the path asked about. Stopped again at another moment, it holds none.
                for (int attempt = 0; attempt < 5; attempt++) {
                    signal(first.pid(), "STOP");
                    try {
                        r = Http.post(second.v1() + "/chat/completions", key, BODY);
                    } finally {
                        signal(first.pid(), "CONT");
                    }
                    if (!r.body().contains("budget_store_unavailable")) break;
                    Thread.sleep(300);
                }
                assertThat(r.statusCode()).as("its grant is not handed out while it lives: %s", r.body()).isEqualTo(503);
                assertThat(r.body()).contains("budget_contended");
                assertThat(Http.post(first.v1() + "/chat/completions", key, BODY).statusCode()).as("it goes on").isEqualTo(200);
            }
        }
    }

    /**
     * QA (defect 2): a {@code kill -9} loses the gateway's calls that the ledger had not written, and the budget rebuilt
     * from the ledger handed that spend out again. Here three calls are in flight on the first gateway (their worst case,
     * $0.006 each at max_tokens 10,000, reserved out of a $0.02 budget) when it is killed: none of them reaches the ledger,
     * yet the provider may bill them. Its last heartbeat wrote them into its grant row, and once it is known gone the
     * next gateway still counts them as spent: a fourth call does not fit ($0.002 left), as it did not on the first.
     */
    @Test
    void aKilledGatewaysCallsInFlightStaySpent() throws Exception {
        String big = "{\"model\":\"gpt\",\"max_tokens\":10000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String key;
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try (GatewayProcess first = serve.start(config, "first.log")) {
            key = new Admin(first.baseUrl(), TestGateway.MASTER_KEY).generate(new JsonObject().put("key_alias", "in-flight")
                    .put("max_budget", 0.02)).getString("key");
            for (int i = 0; i < 3; i++) serve.sim().enqueue(SimBehaviour.slowFirstByte(120_000));
            for (int i = 0; i < 3; i++) clients.submit(() -> Http.post(first.v1() + "/chat/completions", key, big));
            for (int i = 0; i < 100 && serve.sim().arrivals() < 3; i++) Thread.sleep(100);
            assertThat(serve.sim().arrivals()).as("the three calls reached the provider").isEqualTo(3);
            HttpResponse<String> fourth = Http.post(first.v1() + "/chat/completions", key, big);
            assertThat(fourth.statusCode()).as("the budget holds three worst cases, not four: %s", fourth.body()).isEqualTo(400);
            Thread.sleep(dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 1_000); // a heartbeat (every sync) writes the reservations into the gateway's grant row
            first.kill9();
        } finally {
            clients.shutdownNow();
        }
        Thread.sleep(2 * dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 1_000); // quiet for two heartbeats: the next gateway takes the first for gone at once
        try (GatewayProcess second = serve.start(config, "second.log")) {
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, big);
            assertThat(r.statusCode()).as("the killed gateway's calls in flight still count: %s%nits log:%n%s", r.body(),
                    second.logTail()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("budget_exceeded");
            assertThat(new Admin(second.baseUrl(), TestGateway.MASTER_KEY).info(key).getDouble("spend"))
                    .as("/key/info shows the ledger, which never got them").isZero();
        }
    }

    static void signal(long pid, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }
}
