package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a request may carry, through a real socket and the official SDKs: tags that say who called ({@code team:…},
 * {@code user:…}) only from the master key, LiteLLM's {@code metadata.tags} in Anthropic and embeddings bodies read as
 * the call's tags and never sent upstream, and LiteLLM's {@code reject_clientside_metadata_tags} and
 * {@code enforce_user_param}, each a 400 in the caller's dialect before anything is called.
 */
class RequestChecksIT {
    private static final String MODELS = """
            model_list:
              - model_name: gpt
                litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
              - model_name: claude
                litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
              - model_name: embedder
                litellm_params: { model: openai/text-embedding-3-small, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
            router_settings:
              num_retries: 0
            """;
    static TestGateway open;
    static TestGateway strict;

    @BeforeAll
    static void start() {
        open = TestGateway.start(MODELS + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        strict = TestGateway.start(MODELS + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  reject_clientside_metadata_tags: true
                  enforce_user_param: true
                """);
    }

    @AfterAll
    static void stop() {
        open.close();
        strict.close();
    }

    private static String key(TestGateway gw, String alias, JsonObject more) {
        return new Admin(gw).generate(more.copy().put("key_alias", alias)).getString("key");
    }

    private static HttpResponse<String> chat(TestGateway gw, String key, String extra, String... headers) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"gpt\"," + extra
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    private static HttpResponse<String> messages(TestGateway gw, String key, String metadata) {
        return Http.post(gw.baseUrl() + "/v1/messages", key, "{\"model\":\"claude\",\"max_tokens\":20," + metadata
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
    }

    private static JsonObject error(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        return new JsonObject(r.body()).getJsonObject("error");
    }

    /** The spend log's rows, newest first, once the writer has them (it writes off the request path). */
    private static JsonArray spendRows(TestGateway gw, int atLeast) throws InterruptedException {
        JsonArray rows = new JsonArray();
        for (int i = 0; i < 100; i++) {
            rows = new Admin(gw).getOk("/spend/logs").getJsonArray("data");
            if (rows.size() >= atLeast) return rows;
            Thread.sleep(50);
        }
        return rows;
    }

    @Test
    void aKeyCannotPutItsCallsUnderAnotherTeamOrUser() {
        String key = key(open, "blue-app", new JsonObject().put("team_id", "blue"));
        int before = open.simulator.arrivals();
        JsonObject body = error(chat(open, key, "\"tags\":[\"ok\",\"team:red\"],"));
        assertThat(body.getString("param")).isEqualTo("tags");
        assertThat(body.getString("message")).contains("'team:red'").contains("reserved");
        assertThat(error(chat(open, key, "\"metadata\":{\"tags\":\"user:boss\"},")).getString("param")).isEqualTo("metadata.tags");
        assertThat(error(chat(open, key, "", "x-litellm-tags", "org:acme")).getString("param")).isEqualTo("x-litellm-tags");
        assertThat(error(chat(open, key, "", "x-switchboard-tags", "end_user:x")).getString("param")).isEqualTo("x-switchboard-tags");
        assertThat(error(chat(open, key, "\"tags\":[\"Team:Red\"],")).getString("message")).as("in any case").contains("'Team:Red'");
        // and in any look-alike that reads as team:red in a report: a no-break space before it, a zero-width space before
        // its colon, a full-width colon, a full-width letter (JSON escapes, so this file holds no invisible character)
        // white space around the name, a Cyrillic letter in it, a colon look-alike NFKC leaves alone (the review's LOW)
        for (String lookalike : java.util.List.of("\\u00a0team:red", "team\\u200b:red", "team\\uff1ared", "\\uff54eam:red",
                "team :red", "t eam:red", "t\\u0435am:red", "\\u043erg:acme", "team\\u2236red", "end_\\u0443ser:x")) {
            assertThat(error(chat(open, key, "\"tags\":[\"" + lookalike + "\"],")).getString("param")).as(lookalike).isEqualTo("tags");
        }
        // the Anthropic dialect, with Anthropic's error shape, and the embeddings endpoint
        JsonObject a = new JsonObject(messages(open, key, "\"metadata\":{\"tags\":[\"team:red\"]},").body());
        assertThat(a.getString("type")).isEqualTo("error");
        assertThat(a.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(a.getJsonObject("error").getString("message")).contains("'team:red'");
        HttpResponse<String> e = Http.post(open.v1() + "/embeddings", key,
                "{\"model\":\"embedder\",\"input\":\"x\",\"metadata\":{\"tags\":[\"team:red\"]}}");
        assertThat(error(e).getString("param")).isEqualTo("metadata.tags");
        assertThat(open.simulator.arrivals()).as("nothing was called").isEqualTo(before);
        // ordinary tags pass; the key's own team label is the gateway's
        assertThat(chat(open, key, "\"tags\":[\"nightly\"],").statusCode()).isEqualTo(200);
    }

    @Test
    void theMasterKeyMayLabelCallsForAnyTeam() throws InterruptedException {
        HttpResponse<String> r = chat(open, TestGateway.MASTER_KEY, "\"tags\":[\"team:green\"],");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = new JsonObject(r.body()).getString("id");
        JsonArray rows = new Admin(open).getOk("/spend/logs?team_id=green").getJsonArray("data");
        for (int i = 0; i < 100 && rows.isEmpty(); i++) {
            Thread.sleep(50);
            rows = new Admin(open).getOk("/spend/logs?team_id=green").getJsonArray("data");
        }
        assertThat(rows.encode()).contains("team:green");
        assertThat(id).isNotBlank();
    }

    @Test
    void anthropicAndEmbeddingsMetadataTagsAreTheCallsTagsAndNeverReachTheProvider() throws InterruptedException {
        open.simulator.reset();
        HttpResponse<String> m = messages(open, TestGateway.MASTER_KEY, "\"metadata\":{\"user_id\":\"u-1\",\"tags\":[\"anthro-tag\"]},");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
        ProviderSimulator.Received sent = open.simulator.last();
        assertThat(sent.path()).endsWith("/v1/messages");
        assertThat(sent.body().getJsonObject("metadata").getMap()).as("Anthropic takes only user_id")
                .isEqualTo(Map.of("user_id", "u-1"));
        HttpResponse<String> only = messages(open, TestGateway.MASTER_KEY, "\"metadata\":{\"tags\":\"solo-tag\"},");
        assertThat(only.statusCode()).as(only.body()).isEqualTo(200);
        assertThat(open.simulator.last().body().containsKey("metadata")).as("an emptied metadata is left out").isFalse();
        HttpResponse<String> e = Http.post(open.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"embedder\",\"input\":\"x\",\"metadata\":{\"tags\":[\"embed-tag\"],\"note\":\"n\"}}");
        assertThat(e.statusCode()).as(e.body()).isEqualTo(200);
        assertThat(open.simulator.last().body().fieldNames()).as("OpenAI's embeddings take no metadata").doesNotContain("metadata");
        String rows = spendRows(open, 3).encode();
        for (int i = 0; i < 100 && !(rows.contains("anthro-tag") && rows.contains("solo-tag") && rows.contains("embed-tag")); i++) {
            Thread.sleep(50);
            rows = spendRows(open, 3).encode();
        }
        assertThat(rows).contains("anthro-tag", "solo-tag", "embed-tag");
    }

    @Test
    void rejectClientsideMetadataTagsRefusesEveryTagTheRequestBringsAndKeepsTheKeys() throws InterruptedException {
        String key = key(strict, "tagged-key", new JsonObject().put("tags", new JsonArray().add("from-key")));
        int before = strict.simulator.arrivals();
        JsonObject e = error(chat(strict, key, "\"user\":\"u\",\"metadata\":{\"tags\":[\"mine\"]},"));
        assertThat(e.getString("message")).isEqualTo("Client-side 'metadata.tags' not allowed in request. "
                + "'reject_clientside_metadata_tags'=True. Tags can only be set via API key metadata.");
        assertThat(e.getString("param")).isEqualTo("metadata.tags");
        assertThat(error(chat(strict, key, "\"user\":\"u\",\"tags\":[\"mine\"],")).getString("param")).isEqualTo("tags");
        assertThat(error(chat(strict, TestGateway.MASTER_KEY, "\"user\":\"u\",", "x-litellm-tags", "mine")).getString("param"))
                .as("the master key too, as in LiteLLM").isEqualTo("x-litellm-tags");
        assertThat(strict.simulator.arrivals()).isEqualTo(before);
        // other metadata passes, and the key's tags are the call's
        HttpResponse<String> ok = chat(strict, key, "\"user\":\"u\",\"metadata\":{\"note\":\"fine\"},");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        String rows = spendRows(strict, 1).encode();
        for (int i = 0; i < 100 && !rows.contains("from-key"); i++) {
            Thread.sleep(50);
            rows = spendRows(strict, 1).encode();
        }
        assertThat(rows).contains("from-key");
    }

    @Test
    void enforceUserParamWantsTheEndUserInEachDialectsWay() throws Exception {
        String key = key(strict, "user-app", new JsonObject());
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(strict.v1()).apiKey(key).maxRetries(0).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(strict.baseUrl()).apiKey(key).maxRetries(0).build();
        try {
            var noUser = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                    () -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi").build()));
            assertThat(noUser.getMessage()).contains("'user' param not passed in. 'enforce_user_param'=True");
            assertThat(openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi")
                    .user("end-user-1").build()).choices()).isNotEmpty();
            assertThat(error(chat(strict, key, "\"user\":\" \",")).getString("param")).as("a blank user names nobody").isEqualTo("user");
            assertThat(openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi")
                    .putAdditionalBodyProperty("safety_identifier", com.openai.core.JsonValue.from("hashed-user")).build()).choices())
                    .as("OpenAI's newer name for it").isNotEmpty();
            var anthroNoUser = org.assertj.core.api.Assertions.catchThrowableOfType(BadRequestException.class,
                    () -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20).addUserMessage("hi").build()));
            assertThat(anthroNoUser.getMessage()).contains("'user' param not passed in");
            assertThat(anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20).addUserMessage("hi")
                    .metadata(com.anthropic.models.messages.Metadata.builder().userId("end-user-2").build()).build()).content())
                    .as("an Anthropic body names it as metadata.user_id").isNotEmpty();
            HttpResponse<String> e = Http.post(strict.v1() + "/embeddings", key, "{\"model\":\"embedder\",\"input\":\"x\"}");
            assertThat(error(e).getString("param")).isEqualTo("user");
            HttpResponse<String> r = Http.post(strict.v1() + "/responses", key, "{\"model\":\"gpt\",\"input\":\"hi\"}");
            assertThat(error(r).getString("message")).contains("'user' param not passed in");
            HttpResponse<String> bg = Http.post(strict.v1() + "/responses", key, "{\"model\":\"gpt\",\"input\":\"hi\",\"background\":true}");
            assertThat(error(bg).getString("message")).as("a background response is refused before it is queued")
                    .contains("'user' param not passed in");
            HttpResponse<String> r2 = Http.post(strict.v1() + "/responses", key, "{\"model\":\"gpt\",\"input\":\"hi\",\"user\":\"u\"}");
            assertThat(r2.statusCode()).as(r2.body()).isEqualTo(200);
        } finally {
            openai.close();
            anthropic.close();
        }
    }
}
