package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.CuttableProxy;
import dev.switchboard.support.Http;
import dev.switchboard.support.Postgres;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL down for one gateway (P reaches it through a proxy the test cuts; the machine's PostgreSQL runs on): once
 * P's own use of the store has failed, a {@code GET}, {@code previous_response_id} or {@code DELETE} of a response P does
 * not hold in memory answers 503 {@code response_store_unavailable} in OpenAI's error shape at once, not after the
 * pool's 5 s timeout each (and not a 404); P's own answer, held in memory, is read as before; and once the link is back
 * P reads the row again.
 */
@Tag("services")
class StoredResponsesUnreachablePostgresIT {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** The pool's connection timeout (Database.POOL_WAIT_MILLIS), which each such read waited before. */
    private static final long POOL_WAIT_MILLIS = 5_000;

    private final String url = Postgres.freshSchemaUrl();

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    private static String yaml(String databaseUrl) {
        return TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_url: "%s"
                """.formatted(databaseUrl);
    }

    private static String create(TestGateway gw, String body) {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("id");
    }

    private record Timed(HttpResponse<String> response, long millis) {}

    private static Timed timed(HttpRequest req) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString()).join();
        return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
    }

    private static HttpRequest.Builder req(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json");
    }

    private static void assertUnavailableAtOnce(Timed t, String what) {
        assertThat(t.response().statusCode()).as(what + " after " + t.millis() + " ms: " + t.response().body()).isEqualTo(503);
        JsonObject error = new JsonObject(t.response().body()).getJsonObject("error");
        assertThat(error.getString("type")).as(what).isEqualTo("server_error");
        assertThat(error.getString("code")).as(what).isEqualTo("response_store_unavailable");
        assertThat(t.response().headers().firstValue("retry-after")).as(what).hasValue("1");
        assertThat(t.millis()).as(what + ": at once, not after the pool's timeout").isLessThan(POOL_WAIT_MILLIS / 3);
    }

    @Test
    void readsOfResponsesNotInMemoryFailAtOnceWhilePostgresIsUnreachableAndReadTheRowOnceItIsBack() throws Exception {
        Matcher m = Pattern.compile("@([^/:]+):(\\d+)/").matcher(url);
        assertThat(m.find()).as("host and port in %s", url).isTrue();
        try (CuttableProxy proxy = new CuttableProxy(m.group(1), Integer.parseInt(m.group(2)));
             TestGateway a = TestGateway.start(yaml(url));
             TestGateway p = TestGateway.start(yaml(url.replace("@" + m.group(1) + ":" + m.group(2) + "/",
                     "@127.0.0.1:" + proxy.port() + "/")))) {
            String otherElsewhere = create(a, "{\"model\":\"gpt\",\"input\":\"answered on A\"}"); // in the table, not in P's memory
            await().atMost(Duration.ofSeconds(5)).until(() -> Http.get(a.v1() + "/responses/" + otherElsewhere, TestGateway.MASTER_KEY).statusCode() == 200);

            proxy.cut(); // PostgreSQL down, for P
            String own = create(p, "{\"model\":\"gpt\",\"input\":\"answered on P while its store is away\"}"); // its write fails
            Timed first = timed(req(p.v1() + "/responses/" + otherElsewhere).GET().build());
            assertThat(first.response().statusCode()).as("the first read, behind the failing write: " + first.response().body())
                    .isEqualTo(503); // not 404: it could not be looked up

            for (int round = 0; round < 3; round++) {
                assertUnavailableAtOnce(timed(req(p.v1() + "/responses/" + otherElsewhere).GET().build()), "GET");
                assertUnavailableAtOnce(timed(req(p.v1() + "/responses").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt\",\"input\":\"go on\",\"previous_response_id\":\"" + otherElsewhere + "\"}")).build()),
                        "previous_response_id");
                assertUnavailableAtOnce(timed(req(p.v1() + "/responses/" + otherElsewhere).DELETE().build()), "DELETE");
            }
            Timed mine = timed(req(p.v1() + "/responses/" + own).GET().build());
            assertThat(mine.response().statusCode()).as("P's own answer, from memory: " + mine.response().body()).isEqualTo(200);
            assertThat(mine.millis()).isLessThan(POOL_WAIT_MILLIS / 3);

            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(p.v1() + "/responses/" + otherElsewhere, TestGateway.MASTER_KEY).statusCode() == 200);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Http.get(a.v1() + "/responses/" + own, TestGateway.MASTER_KEY).statusCode() == 200);
        }
    }
}
