package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionPredictionContent;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an OpenAI-style upstream answers beyond the fields we model reaches OpenAI-dialect clients: a search
 * model's url_citation annotations (in the message and in stream deltas) and the usage details for audio and
 * Predicted Outputs.
 */
class ResponseFieldsIT {
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("search=gpt-4o-search-preview"));
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("any").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    @Test
    void annotationsAndUsageDetailsReachTheSdk() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("search")
                .addUserMessage("Who won?").prediction(ChatCompletionPredictionContent.builder().content("Hello from").build())
                .build());
        var annotations = c.choices().get(0).message().annotations().orElseThrow();
        assertThat(annotations).hasSize(1);
        assertThat(annotations.get(0).urlCitation().url()).isEqualTo("https://example.com/simulated-source");
        var details = c.usage().orElseThrow().completionTokensDetails().orElseThrow();
        assertThat(details.acceptedPredictionTokens()).hasValueSatisfying(n -> assertThat(n).isPositive());
        assertThat(details.rejectedPredictionTokens()).hasValue(1L);
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().audioTokens()).hasValue(0L);
    }

    @Test
    void streamedAnnotationsAreRelayedInTheirDelta() {
        var r = Http.post(gw.v1() + "/chat/completions", null, """
                {"model":"search","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Who won?"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        JsonArray annotations = null;
        for (String d : data.subList(0, data.size() - 1)) {
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
            for (Object ch : new JsonObject(d).getJsonArray("choices")) {
                JsonArray a = ((JsonObject) ch).getJsonObject("delta").getJsonArray("annotations");
                if (a != null) annotations = a;
            }
        }
        assertThat(annotations).isNotNull();
        assertThat(annotations.getJsonObject(0).getString("type")).isEqualTo("url_citation");
    }
}
