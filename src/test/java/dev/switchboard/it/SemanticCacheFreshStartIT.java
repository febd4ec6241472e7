package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * QA (2026-12-07): a new user starts the gateway with the semantic cache, asks a question and, as soon as the answer is
 * back, asks it again in other words. The paraphrase was a miss ("skipped_busy": the first answer's index insert,
 * slow on a fresh start, held the pool's one permit), and its own answer was not stored either. The insert of a
 * question the lookup has already embedded no longer takes a lookup's permit: the paraphrase's lookup runs right
 * after it. No waiting for the entry here: the client does not wait either.
 */
class SemanticCacheFreshStartIT {
    private static String ask(String text) {
        return "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    @Test
    void aParaphraseSentRightAfterTheFirstAnswerOfAFreshGatewayIsASemanticHit() {
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                litellm_settings:
                  cache: true
                  cache_params: { type: semantic, ttl: 600, embed_threads: 1 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """)) {
            String url = gw.v1() + "/chat/completions";
            HttpResponse<String> first = Http.post(url, TestGateway.MASTER_KEY, ask("What is the boiling point of water?"));
            assertThat(first.headers().firstValue("x-switchboard-cache")).hasValue("miss");
            HttpResponse<String> paraphrase = Http.post(url, TestGateway.MASTER_KEY, ask("What's the boiling point of water?"));
            assertThat(paraphrase.headers().firstValue("x-switchboard-cache")).hasValue("hit-semantic");
            assertThat(gw.simulator.received()).as("one provider call: the paraphrase was answered from the cache").hasSize(1);
            JsonObject semantic = new Admin(gw).getOk("/cache/ping").getJsonObject("semantic");
            assertThat(semantic.getLong("skipped_busy")).isZero();
        }
    }
}
