package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.RawHttp;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A non-stream answer's header block as the client reads it: every name in its order, and the cost's value. The
 * master key's answer (no stage headers, no rate limits) takes the cost header without a map of its own
 * (MeteredCall.annotate); a key with limits takes the map with the {@code x-ratelimit-*} headers after the cost.
 * Both must give the block they gave before that shortcut.
 */
class AnswerHeadersIT {
    static TestGateway gw;
    static Admin admin;
    static final String BODY = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static RawHttp.Exchange chat(String key) {
        return RawHttp.exchange(gw.server.port(), RawHttp.post("/v1/chat/completions",
                "Host: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer " + key + "\r\n", BODY), 5000);
    }

    /** The header lines' names, lower-cased, in the order they came. */
    private static List<String> names(RawHttp.Exchange r) {
        String head = r.text().substring(0, r.text().indexOf("\r\n\r\n"));
        List<String> out = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("HTTP/")) out.add(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    @Test
    void theMasterKeysAnswerCarriesTheCostOnceAfterTheRouteHeaders() {
        RawHttp.Exchange r = chat(TestGateway.MASTER_KEY);
        assertThat(r.status()).isEqualTo(200);
        // LiteLLM's x-litellm-model-id and -api-base of the deployment that served, and its retry and fallback counts,
        // come with the answer's own headers
        assertThat(names(r)).containsExactly("x-switchboard-request-id", "x-request-id", "x-switchboard-model",
                "x-switchboard-route", "x-switchboard-cache", "x-litellm-model-id", "x-litellm-model-api-base",
                "x-litellm-attempted-retries", "x-litellm-attempted-fallbacks", "x-litellm-max-fallbacks", "x-switchboard-cost",
                "x-litellm-response-cost", "x-litellm-key-spend", "content-type", "connection", "content-length");
        assertThat(r.text()).contains("\r\nx-switchboard-cost: " + r.header("x-switchboard-cost") + "\r\n");
        assertThat(r.header("x-switchboard-cost")).matches("0\\.[0-9]+").isNotEqualTo("0.0");
        // LiteLLM's name for the same figure, which its clients read
        assertThat(r.header("x-litellm-response-cost")).isEqualTo(r.header("x-switchboard-cost"));
        // LiteLLM's key spend for a caller of no key row: its spend 0.0 plus this call's cost
        assertThat(r.header("x-litellm-key-spend")).isEqualTo(r.header("x-switchboard-cost"));
    }

    @Test
    void aRateLimitedKeysAnswerCarriesItsSpendAndLimitsAfterTheCost() {
        String key = admin.generate(new JsonObject().put("key_alias", "limited").put("rpm_limit", 1000).put("tpm_limit", 1_000_000))
                .getString("key");
        RawHttp.Exchange r = chat(key);
        assertThat(r.status()).isEqualTo(200);
        List<String> names = names(r);
        int cost = names.indexOf("x-litellm-response-cost");
        assertThat(cost).isEqualTo(names.indexOf("x-switchboard-cost") + 1);
        assertThat(names.indexOf("x-switchboard-cost")).isEqualTo(names.indexOf("x-litellm-max-fallbacks") + 1);
        // the key spend (no max budget: left out, as LiteLLM leaves out a None) and key limits, then the x-ratelimit-*:
        // this gateway's own order, pinned so a change is seen (LiteLLM's dict puts tpm-limit, rpm-limit and max-budget
        // before the spend; the order of headers means nothing on the wire, and no client reads it)
        assertThat(names.subList(cost + 1, cost + 4)).containsExactly("x-litellm-key-spend", "x-litellm-key-rpm-limit",
                "x-litellm-key-tpm-limit");
        assertThat(r.header("x-litellm-key-rpm-limit")).isEqualTo("1000");
        assertThat(r.header("x-litellm-key-tpm-limit")).isEqualTo("1000000");
        assertThat(names.subList(cost + 4, names.indexOf("content-type")))
                .isNotEmpty().allSatisfy(n -> assertThat(n).startsWith("x-ratelimit-"));
        assertThat(names.stream().filter(n -> n.equals("x-switchboard-cost"))).hasSize(1);
    }
}
