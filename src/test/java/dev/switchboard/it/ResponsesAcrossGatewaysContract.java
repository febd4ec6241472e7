package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one database serving the Responses API behind a load balancer: a response answered by one is read,
 * and continued, through the other at once (QA qa-d finding 1: the other gateway answered 404 for the 3-25 ms the
 * answering gateway's write was still queued). Run once per database.
 */
abstract class ResponsesAcrossGatewaysContract {
    /** The {@code general_settings} lines that choose the one database both gateways use. */
    abstract String databaseSettings();

    private static final int ROUNDS = 40;

    String yaml() {
        return TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings();
    }

    private static String create(TestGateway gw, String body) {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("id");
    }

    @Test
    void aResponseAnsweredOnOneGatewayIsReadAndContinuedOnTheOtherAtOnce() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                String id = create(a, "{\"model\":\"gpt\",\"input\":\"turn " + i + "\"}");
                HttpResponse<String> got = Http.get(b.v1() + "/responses/" + id, TestGateway.MASTER_KEY);
                if (got.statusCode() != 200) failures.add("GET " + id + ": " + got.statusCode() + " " + got.body());
                else assertThat(new JsonObject(got.body()).getString("id")).isEqualTo(id);

                String next = create(a, "{\"model\":\"gpt\",\"input\":\"turn " + i + " again\"}");
                HttpResponse<String> continued = Http.post(b.v1() + "/responses", TestGateway.MASTER_KEY,
                        "{\"model\":\"gpt\",\"input\":\"and then\",\"previous_response_id\":\"" + next + "\"}");
                if (continued.statusCode() != 200) failures.add("previous_response_id " + next + ": " + continued.statusCode() + " " + continued.body());

                if (i % 4 == 0) { // a DELETE through the other gateway deletes it, rather than 404 and the row written after
                    String gone = create(a, "{\"model\":\"gpt\",\"input\":\"turn " + i + " to delete\"}");
                    HttpResponse<String> deleted = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(b.v1() + "/responses/" + gone))
                            .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
                    if (deleted.statusCode() != 200) failures.add("DELETE " + gone + ": " + deleted.statusCode() + " " + deleted.body());
                    else assertThat(Http.get(a.v1() + "/responses/" + gone, TestGateway.MASTER_KEY).statusCode()).isEqualTo(404);
                }
            }
            assertThat(failures).as("of %d reads and %d continuations through the other gateway", ROUNDS, ROUNDS).isEmpty();
        }
    }

    @Test
    void anUnknownIdIsStill404AndAnOldOneAtOnce() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            String id = create(a, "{\"model\":\"gpt\",\"input\":\"hello\"}");
            // an id of the old form (48 random hex digits, no time in it) and one made long ago: no wait for either
            for (String old : List.of("resp_" + "0123456789abcdef".repeat(3), "resp_000000000001" + "ab".repeat(18))) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = Http.get(b.v1() + "/responses/" + old, TestGateway.MASTER_KEY);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
                assertThat(ms).as("an id that is not recent is not waited for").isLessThan(400);
            }
            // a recent id no gateway stored: 404 after a bounded wait
            String unknown = id.substring(0, id.length() - 6) + "000000";
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.get(b.v1() + "/responses/" + unknown, TestGateway.MASTER_KEY);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(ms).as("the wait for a recent id is bounded").isLessThan(2_000);
            // made-up recent ids, many at once: all 404, and beyond the waiters' bound they are not waited for
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(64);
            try {
                List<java.util.concurrent.Future<long[]>> answers = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    String forged = dev.switchboard.pipeline.ResponseIds.create(System.currentTimeMillis());
                    answers.add(pool.submit(() -> {
                        long s = System.nanoTime();
                        int status = Http.get(b.v1() + "/responses/" + forged, TestGateway.MASTER_KEY).statusCode();
                        return new long[] {status, (System.nanoTime() - s) / 1_000_000};
                    }));
                }
                int fast = 0;
                for (var f : answers) {
                    long[] r0 = f.get();
                    assertThat(r0[0]).isEqualTo(404);
                    if (r0[1] < 250) fast++;
                }
                assertThat(fast).as("of 64 misses at once, those past the bound on waiters answered at once").isPositive();
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                pool.shutdownNow();
            }
            // the real one reads on both
            assertThat(Http.get(b.v1() + "/responses/" + id, TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
            assertThat(Http.get(a.v1() + "/responses/" + id, TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
        }
    }

    /** A GET of a made-up recent id: its status and how long it took (ms). */
    static long[] getForged(TestGateway gw, String key) {
        String forged = dev.switchboard.pipeline.ResponseIds.create(System.currentTimeMillis());
        long s = System.nanoTime();
        int status = Http.get(gw.v1() + "/responses/" + forged, key).statusCode();
        return new long[] {status, (System.nanoTime() - s) / 1_000_000};
    }

    /**
     * One key's GETs of made-up recent ids (free: no budget, no rpm) hold at most 4 of the 32 waiting slots, so another
     * key's miss still waits the 500 ms for another gateway's write (review finding 3: one key could hold all 32, and
     * every other key's cross-gateway miss was a 404 at once).
     */
    @Test
    void oneKeysMadeUpIdsLeaveTheWaitToOtherKeys() throws Exception {
        try (TestGateway b = TestGateway.start(yaml())) {
            String flooder = Admin.ok(Http.post(b.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"flooder\"}"))
                    .getString("key");
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(48);
            try {
                List<java.util.concurrent.Future<long[]>> flood = new ArrayList<>();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                for (int i = 0; i < 48; i++) {
                    flood.add(pool.submit(() -> {
                        go.await();
                        return getForged(b, flooder);
                    }));
                }
                go.countDown();
                Thread.sleep(150); // the flood's misses are waiting now
                long[] other = getForged(b, TestGateway.MASTER_KEY);
                assertThat(other[0]).isEqualTo(404);
                assertThat(other[1]).as("another key's miss still waits for another gateway's write").isGreaterThanOrEqualTo(400);
                int fast = 0;
                for (var f : flood) {
                    long[] r = f.get();
                    assertThat(r[0]).isEqualTo(404);
                    if (r[1] < 250) fast++;
                }
                assertThat(fast).as("the flooding key's misses beyond its 4 slots are answered at once").isPositive();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
