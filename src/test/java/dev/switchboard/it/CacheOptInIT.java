package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code cache_params.mode: default_off} (QA F6): the cache answers and stores only the requests that opt in
 * with {@code cache: {"use-cache": true}}; every other request goes to the provider, and is not stored.
 */
class CacheOptInIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: local, mode: default_off }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> ask(String text, String cache) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\"," + cache
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    private static String cacheHeader(HttpResponse<String> r) { return r.headers().firstValue("x-switchboard-cache").orElse("none"); }

    @Test
    void onlyARequestThatOptsInIsAnsweredFromTheCacheOrStored() {
        gw.simulator.reset();
        assertThat(cacheHeader(ask("not opted in", ""))).isNotEqualTo("hit-exact");
        assertThat(cacheHeader(ask("not opted in", ""))).as("never stored, never answered").isNotEqualTo("hit-exact");
        assertThat(gw.simulator.received()).hasSize(2);

        HttpResponse<String> first = ask("opted in", "\"cache\":{\"use-cache\":true},");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(cacheHeader(ask("opted in", "\"cache\":{\"use-cache\":true},"))).isEqualTo("hit-exact");
        assertThat(cacheHeader(ask("opted in", ""))).as("the entry is there, but this request did not opt in").isNotEqualTo("hit-exact");
        assertThat(gw.simulator.received()).hasSize(4);
    }
}
