package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A virtual key pasted as a model name a wildcard entry serves: the requested name was masked, but the served row's
 * deployment (the wildcard's id, which holds the caller's text) was stored and logged as sent.
 */
class WildcardNameMaskingIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: "wild-*"
                    litellm_params: { model: "openai/*", api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void aKeyInAWildcardServedNameIsMaskedInTheServedRow() {
        String vk = "sk-sb-" + "B".repeat(43);
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"wild-" + vk + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        Admin admin = new Admin(gw);
        String ledger = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> admin.getOk("/spend/logs?request_id=" + id).encode(), x -> x.contains(id));
        assertThat(ledger).doesNotContain(vk).contains("openai/[REDACTED]");
    }
}
