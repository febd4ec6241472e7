package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.InFlight;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The exact cache in Redis ({@code services} profile: Redis 7 on 127.0.0.1:6379): two gateways share one cache, so an
 * answer one of them stored is a hit on the other; and a Redis that does not answer costs only the cache.
 */
@Tag("services")
class RedisCacheIT {
    /** A shared namespace for this run, so both gateways (and only this run) use the same entries. */
    private static final String NS = "redis-it-" + UUID.randomUUID();

    private static String config(String redis) {
        return TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: redis, %s, ttl: 60, namespace: %s, timeout: 0.2 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(redis, NS);
    }

    private static HttpResponse<String> ask(TestGateway gw, String text) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    @Test
    void twoGatewaysShareTheCache() {
        try (TestGateway a = TestGateway.start(config("host: 127.0.0.1, port: 6379"));
             TestGateway b = TestGateway.start(config("host: 127.0.0.1, port: 6379"))) {
            String q = "shared question " + UUID.randomUUID();
            assertThat(ask(a, q).headers().firstValue("x-switchboard-cache")).hasValue("miss");
            HttpResponse<String> fromB = null;
            for (int i = 0; i < 50; i++) { // the store is asynchronous: give it a moment
                fromB = ask(b, q);
                if (fromB.headers().firstValue("x-switchboard-cache").orElse("").equals("hit-exact")) break;
                Thread.sleep(20);
            }
            assertThat(fromB.headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
            assertThat(b.simulator.received().stream().filter(r -> r.body().encode().contains(q)).count())
                    .as("b never called its provider for it").isZero();
            assertThat(Http.get(a.baseUrl() + "/cache/ping", TestGateway.MASTER_KEY).body()).contains("\"store\":\"Redis at 127.0.0.1:6379\"");
            assertThat(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.baseUrl() + "/cache/namespaces/" + NS))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build()).body()).contains("\"deleted\":1");
            assertThat(ask(b, q).headers().firstValue("x-switchboard-cache")).hasValue("miss");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * LiteLLM's caching quick start names the server in REDIS_HOST / REDIS_PORT (QA F8: they were ignored, and the cache
     * went to 127.0.0.1:6379 whatever they said); here as the environment and as the config's environment_variables.
     */
    @Test
    void litellmsRedisVariablesNameTheServer() {
        String config = TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: redis, namespace: %s }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(NS + "-env");
        try (TestGateway gw = TestGateway.start(config, java.util.Map.of("REDIS_HOST", "localhost", "REDIS_PORT", "6379"));
             TestGateway section = TestGateway.start("environment_variables: { REDIS_HOST: localhost, REDIS_PORT: \"6379\" }\n" + config)) {
            for (TestGateway g : java.util.List.of(gw, section)) {
                assertThat(Http.get(g.baseUrl() + "/cache/ping", TestGateway.MASTER_KEY).body())
                        .contains("\"store\":\"Redis at localhost:6379\"").contains("\"status\":\"healthy\"");
            }
            String q = "from the environment " + UUID.randomUUID();
            assertThat(ask(gw, q).headers().firstValue("x-switchboard-cache")).hasValue("miss");
            HttpResponse<String> again = null;
            for (int i = 0; i < 50; i++) { // the store is asynchronous: give it a moment
                again = ask(section, q);
                if (again.headers().firstValue("x-switchboard-cache").orElse("").equals("hit-exact")) break;
                Thread.sleep(20);
            }
            assertThat(again.headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * QA (medium): a flush is final everywhere. An answer asked for on B before a flush sent to A landed in Redis after
     * the flush and was served by both. The flush moves the shared epoch first, and B's store checks it in the same
     * command as its write, so the answer is dropped; the next request on either gateway is a miss. Its own Redis
     * database: a DELETE /cache empties every sb:cache key of the database it is sent to.
     */
    @Test
    void anAnswerInFlightOnOneGatewayIsNotStoredAfterAFlushThroughTheOther() {
        try (TestGateway a = TestGateway.start(config("host: 127.0.0.1, port: 6379, db: 5"));
             TestGateway b = TestGateway.start(config("host: 127.0.0.1, port: 6379, db: 5"))) {
            for (String flush : List.of("/cache", "/cache/namespaces/" + NS)) {
                String q = "asked before the flush " + UUID.randomUUID();
                var inFlight = InFlight.start(b.simulator, 1_500, () -> ask(b, q));
                assertThat(InFlight.delete(a, flush).statusCode()).isEqualTo(200);
                HttpResponse<String> first = inFlight.join();
                assertThat(first.headers().firstValue("x-switchboard-cache")).as(first.body()).hasValue("miss");
                Thread.sleep(300); // the store is asynchronous: give a wrong one the time to land
                assertThat(ask(b, q).headers().firstValue("x-switchboard-cache")).as("B after " + flush).hasValue("miss");
                // that miss's answer is stored as ever (asked after the flush): A finds it
                HttpResponse<String> fromA = null;
                for (int i = 0; i < 50; i++) {
                    fromA = ask(a, q);
                    if (fromA.headers().firstValue("x-switchboard-cache").orElse("").equals("hit-exact")) break;
                    Thread.sleep(20);
                }
                assertThat(fromA.headers().firstValue("x-switchboard-cache")).as("A after " + flush).hasValue("hit-exact");
            }
            long stores = new JsonObject(Http.get(b.baseUrl() + "/cache/ping", TestGateway.MASTER_KEY).body()).getLong("stores");
            assertThat(stores).as("B's dropped answers are not counted; its answers after the flushes are").isEqualTo(2);
            InFlight.delete(a, "/cache");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A hit whose entry the config no longer has (a gateway started again with another config, sharing the Redis cache)
     * saves what its answer cost on that entry when stored, not $0: the entry priced only by its model_info (a model the
     * catalog does not know) is gone, and no other entry of its id is left to price it by.
     */
    @Test
    void aHitWhoseEntryIsGoneFromTheConfigSavesWhatItCostWhenStored() throws InterruptedException {
        String ns = NS + "-gone";
        String before = """
                model_list:
                  - model_name: house
                    litellm_params: { model: openai/house-model-a, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: redis, host: 127.0.0.1, port: 6379, ttl: 60, namespace: %s }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(ns);
        String after = before.replace("house-model-a", "house-model-b").replace("0.00001,", "0.00005,");
        String q = "asked before the entry went " + UUID.randomUUID();
        String body = "{\"model\":\"house\",\"messages\":[{\"role\":\"user\",\"content\":\"" + q + "\"}]}";
        double stored;
        try (TestGateway a = TestGateway.start(before)) {
            HttpResponse<String> miss = Http.post(a.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
            assertThat(miss.headers().firstValue("x-switchboard-cache")).as(miss.body()).hasValue("miss");
            stored = Double.parseDouble(miss.headers().firstValue("x-switchboard-cost").orElseThrow());
            assertThat(stored).isPositive();
            HttpResponse<String> again = null;
            for (int i = 0; i < 50; i++) { // the store is asynchronous: until a itself answers from Redis
                again = Http.post(a.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
                if (again.headers().firstValue("x-switchboard-cache").orElse("").equals("hit-exact")) break;
                Thread.sleep(20);
            }
            assertThat(again.headers().firstValue("x-switchboard-cache")).as("stored before a closes").hasValue("hit-exact");
        }
        try (TestGateway b = TestGateway.start(after)) {
            try {
                HttpResponse<String> hit = Http.post(b.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
                assertThat(hit.headers().firstValue("x-switchboard-cache")).as(hit.body()).hasValue("hit-exact");
                assertThat(hit.headers().firstValue("x-switchboard-model")).hasValue("openai/house-model-a");
                JsonObject row = new dev.switchboard.support.Admin(b).ledgerRow(hit);
                assertThat(row.getDouble("spend")).isZero();
                // before: $0 (the id openai/house-model-a has no price in this config nor in the catalog)
                assertThat(row.getDouble("saved")).as("what the answer cost on its entry when stored").isEqualTo(stored);
            } finally {
                InFlight.delete(b, "/cache/namespaces/" + ns);
            }
        }
    }

    @Test
    void aRedisThatDoesNotAnswerCostsOnlyTheCache() {
        try (TestGateway gw = TestGateway.start(config("host: 127.0.0.1, port: 1"));
             LogCapture log = LogCapture.of("switchboard.cache")) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = ask(gw, "still served");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("x-switchboard-cache")).hasValue("miss");
            }
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("requests go on without the cache"));
            assertThat(log.lines().stream().filter(l -> l.startsWith("WARN")).count()).as("at most one warning every 30 s").isEqualTo(1);
            HttpResponse<String> pinged = Http.get(gw.baseUrl() + "/cache/ping", TestGateway.MASTER_KEY);
            // QA F3: LiteLLM answers 503 (caching_routes.py); a 200 told health probes that read the status it was healthy
            assertThat(pinged.statusCode()).as(pinged.body()).isEqualTo(503);
            JsonObject ping = new JsonObject(pinged.body());
            assertThat(ping.getString("status")).isEqualTo("unhealthy");
            assertThat(ping.getBoolean("ping_response")).isFalse();
            assertThat(ping.getString("detail")).isEqualTo("Service Unhealthy (Redis at 127.0.0.1:1 did not answer a PING)");
            // QA (low): the three answers Redis never took were counted as stores
            assertThat(ping.getLong("misses")).isEqualTo(3);
            assertThat(ping.getLong("stores")).as("nothing was stored").isZero();
            assertThat(ping.getLong("store_failures")).isEqualTo(3);
            // deleting from it: a 503 that says Redis is not there, not the gateway's generic 500
            HttpResponse<String> flush = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/cache"))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
            assertThat(flush.statusCode()).isEqualTo(503);
            assertThat(flush.body()).contains("Redis at 127.0.0.1:1 could not be reached");
        }
    }
}
