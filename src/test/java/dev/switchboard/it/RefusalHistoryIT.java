package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An assistant refusal in an OpenAI-dialect history, in either form the SDKs put there (the message's {@code refusal}
 * with null content, or a {@code refusal} content part), reaches a translating provider as that turn's text: not as an
 * empty turn (Gemini refuses one), not merged away (Anthropic's consecutive user turns), not as OpenAI's part shape.
 */
class RefusalHistoryIT {
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static final String AS_FIELD = "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"}";
    private static final String AS_PART = "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}";

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"claude,field", "claude,part", "gemini,field", "gemini,part"})
    void aRefusalIsTheAssistantTurnsText(String alias, String form) {
        String assistant = form.equals("field") ? AS_FIELD : AS_PART;
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}," + assistant + ",{\"role\":\"user\",\"content\":\"again\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        if (alias.equals("claude")) {
            assertThat(sent.getJsonArray("messages")).hasSize(3);
            JsonObject turn = sent.getJsonArray("messages").getJsonObject(1);
            assertThat(turn.getString("role")).isEqualTo("assistant");
            assertThat(turn.getJsonArray("content").encode()).isEqualTo("[{\"type\":\"text\",\"text\":\"I can't help with that.\"}]");
        } else {
            JsonObject turn = sent.getJsonArray("contents").getJsonObject(1);
            assertThat(turn.getString("role")).isEqualTo("model");
            assertThat(turn.getJsonArray("parts").encode()).isEqualTo("[{\"text\":\"I can't help with that.\"}]");
        }
    }
}
