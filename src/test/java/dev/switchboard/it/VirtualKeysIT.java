package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Virtual keys end to end, as the user's story goes: the master key makes a key per app, the app uses it through the
 * official OpenAI and Anthropic SDKs, and every key can be inspected, changed, blocked, rotated and deleted without
 * touching the others.
 */
class VirtualKeysIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "gpt-big=gpt-4o", "flaky=flaky-model") + """
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: embedder
                    litellm_params: { model: openai/text-embedding-3-small, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002, access_groups: [tier-1] }
                  - model_name: smart
                    litellm_params: { model: mock/smart-model }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002, access_groups: [tier-1, tier-2] }
                router_settings:
                  num_retries: 0
                  auto_router: { alias: auto }
                  fallbacks: [{ flaky: [smart, cheap] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        gw.simulator.behaveAlways("flaky-model", dev.switchboard.simulator.SimBehaviour.status(500));
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there").maxCompletionTokens(50).build();
    }

    private static JsonObject newKey(String alias, Object... fields) {
        JsonObject body = new JsonObject().put("key_alias", alias);
        for (int i = 0; i + 1 < fields.length; i += 2) body.put((String) fields[i], fields[i + 1]);
        return admin.generate(body);
    }

    @Test
    void aKeyIsShownOnceWorksThroughTheOpenAiSdkAndReportsItsSpend() {
        JsonObject k = newKey("notes-app", "max_budget", 5.0, "budget_duration", "30d", "models", new JsonArray().add("gpt"),
                "tags", new JsonArray().add("side-project"), "metadata", new JsonObject().put("owner", "me"));
        String key = k.getString("key");
        assertThat(key).startsWith("sk-sb-").hasSize(6 + 43);
        assertThat(k.getString("key_name")).isEqualTo("sk-sb-..." + key.substring(key.length() - 4));
        assertThat(k.getString("token")).hasSize(64).doesNotContain(key);
        assertThat(k.getString("budget_reset_at")).isNotNull();
        assertThat(k.getJsonObject("metadata").getString("owner")).isEqualTo("me");

        OpenAIClient app = openai(key);
        try {
            HttpResponseFor<ChatCompletion> r = app.chat().completions().withRawResponse().create(ask("gpt"));
            ChatCompletion c = r.parse();
            assertThat(c.choices().get(0).message().content().orElseThrow()).contains("Hello there");
            double cost = Double.parseDouble(r.headers().values("x-switchboard-cost").get(0));
            assertThat(cost).isPositive();
            // the OpenAI SDK keeps fields it does not model: usage.cost is the same price as the header
            assertThat(c.usage().orElseThrow()._additionalProperties().get("cost").asNumber().map(n -> ((Number) n).doubleValue()).orElseThrow())
                    .isEqualTo(cost);

            JsonObject info = admin.info(key);
            assertThat(info.getDouble("spend")).isEqualTo(cost);
            assertThat(info.getString("key_alias")).isEqualTo("notes-app");
            assertThat(info.toString()).doesNotContain(key);

            // a key may ask about itself, and about nothing else
            HttpResponse<String> self = Http.get(gw.baseUrl() + "/key/info", key);
            assertThat(self.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(self.body()).getJsonObject("info").getString("key_id")).isEqualTo(k.getString("key_id"));
            String other = newKey("other-app").getString("token");
            assertThat(Http.get(gw.baseUrl() + "/key/info?key=" + other, key).statusCode()).isEqualTo(403);
        } finally {
            app.close();
        }
    }

    @Test
    void theAnthropicSdkUsesAVirtualKeyAsItsApiKey() {
        String key = newKey("claude-code", "models", new JsonArray().add("claude").add("gpt")).getString("key");
        AnthropicClient claude = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0).build();
        try {
            Message m = claude.messages().create(MessageCreateParams.builder().model("claude").maxTokens(64)
                    .addUserMessage("Hi from Claude Code").build());
            assertThat(m.content().get(0).text().orElseThrow().text()).contains("Hi from Claude Code");
            // translated too: the Anthropic SDK to an OpenAI alias, priced on the deployment that served
            Message t = claude.messages().create(MessageCreateParams.builder().model("gpt").maxTokens(64)
                    .addUserMessage("translated").build());
            assertThat((double) t.usage()._additionalProperties().get("cost").asNumber().map(n -> ((Number) n).doubleValue()).orElseThrow()).isPositive();
            assertThatThrownBy(() -> claude.messages().create(MessageCreateParams.builder().model("gpt-big").maxTokens(64)
                    .addUserMessage("not mine").build()))
                    .isInstanceOf(com.anthropic.errors.PermissionDeniedException.class)
                    .hasMessageContaining("may not use model 'gpt-big'").hasMessageContaining("Allowed models: claude, gpt");
            // count_tokens answers as a call would: 403 for a model outside the allowlist, 404 for one that does not exist
            assertThat(claude.messages().countTokens(MessageCountTokensParams.builder().model("claude").addUserMessage("hi").build())
                    .inputTokens()).isPositive();
            assertThatThrownBy(() -> claude.messages().countTokens(MessageCountTokensParams.builder().model("gpt-big")
                    .addUserMessage("not mine").build()))
                    .isInstanceOf(com.anthropic.errors.PermissionDeniedException.class).hasMessageContaining("may not use model 'gpt-big'");
            assertThatThrownBy(() -> claude.messages().countTokens(MessageCountTokensParams.builder().model("no-such-model")
                    .addUserMessage("?").build()))
                    .isInstanceOf(com.anthropic.errors.NotFoundException.class);
            assertThat(admin.info(key).getDouble("spend")).isPositive();
        } finally {
            claude.close();
        }
    }

    /**
     * A model the gateway does not know is a 404 model_not_found for a key with an allowlist too, listing only what the
     * key may use, in each dialect's shape and on every endpoint, as count_tokens and /v1/models answer it; a known model
     * outside the allowlist stays a 403.
     */
    @Test
    void anUnknownModelIsA404ForAKeyWithAnAllowlistOnEveryEndpoint() {
        String key = newKey("unknown-404", "models", new JsonArray().add("gpt").add("embedder")).getString("key");
        String chatBody = "{\"model\":\"%s\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        for (String path : new String[] {"/chat/completions", "/messages"}) {
            HttpResponse<String> unknown = Http.post(gw.v1() + path, key, chatBody.formatted("does-not-exist"));
            assertThat(unknown.statusCode()).as(path + ": " + unknown.body()).isEqualTo(404);
            assertThat(unknown.body()).as(path).contains("The model 'does-not-exist' does not exist on this gateway. Known models: gpt, embedder.");
            HttpResponse<String> notMine = Http.post(gw.v1() + path, key, chatBody.formatted("gpt-big"));
            assertThat(notMine.statusCode()).as(path).isEqualTo(403);
            assertThat(notMine.body()).as(path).contains("This key may not use model 'gpt-big'. Allowed models: gpt, embedder.");
        }
        JsonObject anthropic = new JsonObject(Http.post(gw.v1() + "/messages", key, chatBody.formatted("does-not-exist")).body());
        assertThat(anthropic.getString("type")).isEqualTo("error");
        assertThat(anthropic.getJsonObject("error").getString("type")).isEqualTo("not_found_error");
        JsonObject openAi = new JsonObject(Http.post(gw.v1() + "/chat/completions", key, chatBody.formatted("does-not-exist")).body());
        assertThat(openAi.getJsonObject("error").getString("code")).isEqualTo("model_not_found");
        HttpResponse<String> responses = Http.post(gw.v1() + "/responses", key, "{\"model\":\"does-not-exist\",\"input\":\"hi\"}");
        assertThat(responses.statusCode()).as(responses.body()).isEqualTo(404);
        assertThat(new JsonObject(responses.body()).getJsonObject("error").getString("code")).isEqualTo("model_not_found");
        HttpResponse<String> embeddings = Http.post(gw.v1() + "/embeddings", key, "{\"model\":\"does-not-exist\",\"input\":\"hi\"}");
        assertThat(embeddings.statusCode()).as(embeddings.body()).isEqualTo(404);
        assertThat(embeddings.body()).contains("Known models: gpt, embedder.");
        assertThat(Http.post(gw.v1() + "/embeddings", key, "{\"model\":\"gpt-big\",\"input\":\"hi\"}").statusCode()).isEqualTo(403);
    }

    @Test
    void theAllowlistTakesWildcardsAndAutoAndFiltersTheModelList() {
        String key = newKey("wild", "models", new JsonArray().add("gpt*").add("auto")).getString("key");
        OpenAIClient app = openai(key);
        try {
            assertThat(app.chat().completions().create(ask("gpt-big")).choices()).hasSize(1);
            assertThat(app.chat().completions().create(ask("auto")).choices()).hasSize(1);
            assertThatThrownBy(() -> app.chat().completions().create(ask("cheap")))
                    .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("Allowed models: gpt*, auto");
            List<String> listed = app.models().list().data().stream().map(m -> m.id()).toList();
            assertThat(listed).containsExactly("gpt", "gpt-big", "auto");
            // a name the allowlist lets through that is no model: the 404 names what this key may use, not every model
            assertThatThrownBy(() -> app.chat().completions().create(ask("gpt-nope")))
                    .isInstanceOf(com.openai.errors.NotFoundException.class)
                    .hasMessageContaining("Known models: gpt, gpt-big, auto.").hasMessageNotContaining("cheap");
        } finally {
            app.close();
        }
        // a models array cannot reach past the allowlist
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"models\":[\"smart\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("'smart'");
    }

    /** LiteLLM's model access groups: a key whose models name a group may use every model_name that lists it. */
    @Test
    void aKeyNamingAnAccessGroupMayUseItsModelsAndNoOther() {
        String key = newKey("grouped", "models", new JsonArray().add("tier-1")).getString("key");
        OpenAIClient app = openai(key);
        try {
            assertThat(app.chat().completions().create(ask("cheap")).choices()).hasSize(1);
            assertThat(app.chat().completions().create(ask("smart")).choices()).hasSize(1);
            assertThatThrownBy(() -> app.chat().completions().create(ask("gpt")))
                    .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("Allowed models: tier-1");
            assertThat(app.models().list().data().stream().map(m -> m.id()).toList()).containsExactly("cheap", "smart");
        } finally {
            app.close();
        }
        String narrow = newKey("grouped-2", "models", new JsonArray().add("tier-2")).getString("key");
        assertThat(Http.post(gw.v1() + "/chat/completions", narrow, "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}").statusCode()).isEqualTo(403);
        assertThat(Http.post(gw.v1() + "/chat/completions", narrow, "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}").statusCode()).isEqualTo(200);
    }

    /** LiteLLM's key of one's own: a key a LiteLLM proxy handed out keeps working after the move. */
    @Test
    void aKeyMayBeGivenItsOwnSecret() {
        String mine = "sk-litellm-handed-out-0123456789";
        JsonObject made = newKey("migrated", "key", mine, "models", new JsonArray().add("gpt"));
        assertThat(made.getString("key")).isEqualTo(mine);
        assertThat(made.getString("key_name")).isEqualTo("sk-lit...6789");
        assertThat(Http.post(gw.v1() + "/chat/completions", mine,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").statusCode()).isEqualTo(200);
        for (Object bad : new Object[] {"sb-no-prefix-0123456789abc", "sk-short", 42, mine, TestGateway.MASTER_KEY}) {
            HttpResponse<String> r = admin.post("/key/generate", new JsonObject().put("key", bad));
            assertThat(r.statusCode()).as(String.valueOf(bad)).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("key");
        }
    }

    /** A configured fallback is no way around a key's allowlist (LiteLLM's enforce_fallback_model_access). */
    @Test
    void aFallbackTheKeyMayNotUseIsPassedOver() {
        String body = "{\"model\":\"flaky\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        HttpResponse<String> master = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(master.statusCode()).as(master.body()).isEqualTo(200);
        assertThat(master.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        String key = newKey("flaky-only", "models", new JsonArray().add("flaky")).getString("key");
        try (dev.switchboard.support.LogCapture log = dev.switchboard.support.LogCapture.of("dev.switchboard.route.CallEngine")) {
            HttpResponse<String> limited = Http.post(gw.v1() + "/chat/completions", key, body);
            assertThat(limited.statusCode()).as("smart is not this key's: the primary's failure is the answer").isEqualTo(502);
            assertThat(limited.headers().firstValue("x-switchboard-model")).isEmpty();
            assertThat(limited.headers().firstValue("x-switchboard-route")).hasValue("primary");
            String id = limited.headers().firstValue("x-switchboard-request-id").orElseThrow();
            // the fallback that did not happen is said, once, so an operator can tell an allowlist from a missing fallback
            assertThat(log.lines()).filteredOn(l -> l.contains(id) && l.contains("not tried")).singleElement().asString()
                    .startsWith("WARN").contains("'flaky' failed (error)",
                            "fallbacks 'smart', 'cheap' not tried: the caller may not use them");
            // the client is told nothing of the models its key may not use: neither the body nor a header names them
            assertThat(limited.body()).doesNotContain("smart", "cheap");
            assertThat(limited.headers().map()).allSatisfy((k, v) -> assertThat(k + ": " + v).doesNotContain("smart", "cheap"));
        }
        var skipped = gw.gateway.meters().find("switchboard.fallbacks.skipped").tag("alias", "flaky").tag("reason", "error").counter();
        assertThat(skipped).isNotNull();
        double before = skipped.count();
        String both = newKey("flaky-and-smart", "models", new JsonArray().add("flaky").add("smart")).getString("key");
        HttpResponse<String> allowed = Http.post(gw.v1() + "/chat/completions", both, body);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("x-switchboard-model")).hasValue("mock/smart-model");
        // a barred fallback passed over for an allowed one after it that then serves is no fallback "not tried": the
        // allowlist did not end the chain, so no WARN and no count (it was said before the chain went on: review)
        String later = newKey("flaky-and-cheap", "models", new JsonArray().add("flaky").add("cheap")).getString("key");
        try (dev.switchboard.support.LogCapture log = dev.switchboard.support.LogCapture.of("dev.switchboard.route.CallEngine")) {
            HttpResponse<String> served = Http.post(gw.v1() + "/chat/completions", later, body);
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(served.headers().firstValue("x-switchboard-model")).hasValue("mock/cheap-model");
            String id = served.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(log.lines()).filteredOn(l -> l.contains(id)).noneMatch(l -> l.contains("not tried"))
                    .anyMatch(l -> l.contains("falling back to 'cheap'"));
        }
        assertThat(skipped.count()).isEqualTo(before);
    }

    /**
     * The request's own {@code fallbacks} are the caller's choice, as its {@code models} array is: a name there the key
     * may not use is a 403 naming it before anything runs (LiteLLM's "1a. If token can call fallback models"), not a
     * fallback skipped without a word (the security review's LOW).
     */
    @Test
    void aRequestsOwnFallbackTheKeyMayNotUseIsA403LikeItsModelsArray() {
        String key = newKey("flaky-only-2", "models", new JsonArray().add("flaky")).getString("key");
        for (String field : List.of("models", "fallbacks")) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"flaky\",\"" + field
                    + "\":[\"smart\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertThat(r.statusCode()).as(field + ": " + r.body()).isEqualTo(403);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).as(field).contains("'smart'");
        }
        // LiteLLM's object form of a fallback names a model just as well: the same 403 (it got past the check, review)
        HttpResponse<String> object = Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"flaky\",\"fallbacks\":"
                + "[{\"model\":\"smart\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(object.statusCode()).as(object.body()).isEqualTo(403);
        assertThat(new JsonObject(object.body()).getJsonObject("error").getString("message")).contains("'smart'");
        // a fallback it may use still runs
        String both = newKey("flaky-and-smart-2", "models", new JsonArray().add("flaky").add("smart")).getString("key");
        HttpResponse<String> ok = Http.post(gw.v1() + "/chat/completions", both,
                "{\"model\":\"flaky\",\"fallbacks\":[\"smart\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("x-switchboard-model")).hasValue("mock/smart-model");
    }

    /**
     * A key's model aliases map a request's fallback in LiteLLM's object form as they map one given by name: it was
     * passed on untranslated (review, 2026-12-07), so {@code backup}, the key's name for {@code cheap}, was no model.
     */
    @Test
    void aKeysAliasMapsAFallbackInItsObjectForm() {
        String key = newKey("aliased-fallback", "models", new JsonArray().add("flaky").add("cheap"), "aliases",
                new JsonObject().put("backup", "cheap")).getString("key");
        for (String fallbacks : List.of("[\"backup\"]", "[{\"model\":\"backup\"}]")) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"flaky\",\"fallbacks\":"
                    + fallbacks + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertThat(r.statusCode()).as(fallbacks + ": " + r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-model")).as(fallbacks).hasValue("mock/cheap-model");
            assertThat(r.headers().firstValue("x-switchboard-route")).as(fallbacks).hasValue("fallback:error");
        }
    }

    @Test
    void anExpiredKeyIsRefusedWithA401SayingSo() throws Exception {
        String key = newKey("short-lived", "duration", "1s").getString("key");
        assertThat(Http.post(gw.v1() + "/chat/completions", key, chat("gpt")).statusCode()).isEqualTo(200);
        Thread.sleep(1_100);
        OpenAIClient app = openai(key);
        try {
            assertThatThrownBy(() -> app.chat().completions().create(ask("gpt")))
                    .isInstanceOf(UnauthorizedException.class).hasMessageContaining("This key expired at");
        } finally {
            app.close();
        }
    }

    @Test
    void blockingAndUnblockingTakeEffectAtOnceAndTouchNoOtherKey() {
        String key = newKey("blockme").getString("key");
        String bystander = newKey("bystander").getString("key");
        assertThat(Admin.ok(admin.post("/key/block", new JsonObject().put("key", "blockme"))).getBoolean("blocked")).isTrue();
        HttpResponse<String> refused = Http.post(gw.v1() + "/chat/completions", key, chat("gpt"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("This key is blocked").contains("blockme");
        assertThat(Http.post(gw.v1() + "/chat/completions", bystander, chat("gpt")).statusCode()).isEqualTo(200);
        admin.post("/key/unblock", new JsonObject().put("key", key));
        assertThat(Http.post(gw.v1() + "/chat/completions", key, chat("gpt")).statusCode()).isEqualTo(200);
    }

    @Test
    void anUpdateChangesWhatTheKeyMayDoAtOnce() {
        JsonObject k = newKey("growing", "models", new JsonArray().add("gpt"));
        String key = k.getString("key");
        assertThat(Http.post(gw.v1() + "/chat/completions", key, chat("cheap")).statusCode()).isEqualTo(403);
        JsonObject updated = admin.update(new JsonObject().put("key", k.getString("token"))
                .put("models", new JsonArray().add("gpt").add("cheap")).put("max_budget", 1.5).put("rpm_limit", 100));
        assertThat(updated.getJsonArray("models").getList()).containsExactly("gpt", "cheap");
        assertThat(updated.getDouble("max_budget")).isEqualTo(1.5);
        assertThat(updated.getString("key_alias")).isEqualTo("growing"); // fields left out keep their values
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, chat("cheap"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("100");
    }

    @Test
    void regeneratingKeepsBudgetSpendAndLimitsAndTheOldSecretStopsAtOnce() {
        JsonObject k = newKey("rotating", "max_budget", 2.0, "rpm_limit", 50, "models", new JsonArray().add("gpt"));
        String old = k.getString("key");
        assertThat(Http.post(gw.v1() + "/chat/completions", old, chat("gpt")).statusCode()).isEqualTo(200);
        double spent = admin.info(old).getDouble("spend");
        assertThat(spent).isPositive();

        JsonObject rotated = Admin.ok(admin.post("/key/regenerate", new JsonObject().put("key", "rotating")));
        String fresh = rotated.getString("key");
        assertThat(fresh).isNotEqualTo(old).startsWith("sk-sb-");
        assertThat(rotated.getString("key_id")).isEqualTo(k.getString("key_id"));
        assertThat(rotated.getString("token")).isNotEqualTo(k.getString("token"));
        assertThat(rotated.getDouble("spend")).isEqualTo(spent);
        assertThat(rotated.getDouble("max_budget")).isEqualTo(2.0);
        assertThat(rotated.getLong("rpm_limit")).isEqualTo(50);

        assertThat(Http.post(gw.v1() + "/chat/completions", old, chat("gpt")).statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.v1() + "/chat/completions", fresh, chat("gpt")).statusCode()).isEqualTo(200);
        // LiteLLM's other spelling: the key in the path
        HttpResponse<String> again = admin.post("/key/" + fresh + "/regenerate", new JsonObject());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", fresh, chat("gpt")).statusCode()).isEqualTo(401);
    }

    @Test
    void deletingKeysByKeyOrAliasStopsThemAndLeavesTheRest() {
        String a = newKey("del-a").getString("key");
        String b = newKey("del-b").getString("key");
        String keep = newKey("del-keep").getString("key");
        // LiteLLM's answer: the keys as the caller sent them, so a script's deleted_keys == keys holds
        JsonObject gone = Admin.ok(admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(a))));
        assertThat(gone.getJsonArray("deleted_keys").getList()).containsExactly(a);
        gone = Admin.ok(admin.post("/key/delete", new JsonObject().put("key_aliases", new JsonArray().add("del-b"))));
        assertThat(gone.getJsonArray("deleted_keys").getList()).containsExactly("del-b");
        assertThat(Http.post(gw.v1() + "/chat/completions", a, chat("gpt")).statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.v1() + "/chat/completions", b, chat("gpt")).statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.v1() + "/chat/completions", keep, chat("gpt")).statusCode()).isEqualTo(200);
        // as in LiteLLM, the keys found go and only a batch of none found is a 404; a name that matched nothing is
        // not listed as deleted (LiteLLM lists it), but apart, a secret masked
        String typo = "sk-sb-" + "T".repeat(43);
        HttpResponse<String> partly = admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(keep).add(typo)));
        assertThat(partly.statusCode()).as(partly.body()).isEqualTo(200);
        JsonObject answer = new JsonObject(partly.body());
        assertThat(answer.getJsonArray("deleted_keys").getList()).containsExactly(keep);
        assertThat(answer.getJsonArray("not_found_keys")).hasSize(1);
        assertThat(partly.body()).doesNotContain(typo);
        assertThat(Http.post(gw.v1() + "/chat/completions", keep, chat("gpt")).statusCode()).isEqualTo(401);
        HttpResponse<String> none = admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(typo)).put("key_aliases",
                new JsonArray().add("no-such-alias")));
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("no-such-alias").doesNotContain(typo);
    }

    @Test
    void theAdminApiIsClosedToVirtualKeys() {
        String key = newKey("nosy").getString("key");
        for (String path : List.of("/key/generate", "/key/update", "/key/delete", "/key/block", "/key/regenerate")) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + path, key, "{\"key\":\"nosy\"}");
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).contains("needs the master key");
        }
        for (String path : List.of("/key/list", "/spend/logs", "/global/spend/report")) {
            assertThat(Http.get(gw.baseUrl() + path, key).statusCode()).as(path).isEqualTo(403);
        }
        assertThat(Http.get(gw.baseUrl() + "/key/list", null).statusCode()).isEqualTo(401);
    }

    @Test
    void badAdminInputIsA400NamingTheField() {
        assertBad("/key/generate", "{\"key_alias\":\"x1\",\"team_id\":[\"t\"]}", "team_id");
        assertBad("/key/generate", "{\"key_alias\":\"x1\",\"aliases\":[\"gpt-4\"]}", "aliases");
        assertBad("/key/generate", "{\"key_alias\":\"x1\",\"aliases\":{\"gpt-4\":3}}", "aliases.gpt-4");
        assertBad("/key/generate", "{\"key_alias\":\"x1\",\"aliases\":{\"gpt\":\"gpt\"}}", "aliases.gpt");
        assertBad("/key/generate", "{\"max_budget\":\"five\"}", "max_budget");
        assertBad("/key/generate", "{\"max_budget\":-1}", "max_budget");
        assertBad("/key/generate", "{\"soft_budget\":1e999}", null);
        assertBad("/key/generate", "{\"budget_duration\":\"5 days\"}", "budget_duration");
        assertBad("/key/generate", "{\"duration\":\"0s\"}", "duration");
        assertBad("/key/generate", "{\"models\":\"gpt\"}", "models");
        assertBad("/key/generate", "{\"models\":[\"gpt\", 3]}", "models[1]");
        assertBad("/key/generate", "{\"rpm_limit\":1.5}", "rpm_limit");
        assertBad("/key/generate", "{\"tpm_limit\":-3}", "tpm_limit");
        assertBad("/key/generate", "{\"blocked\":\"yes\"}", "blocked");
        assertBad("/key/generate", "{\"metadata\":[1]}", "metadata");
        assertBad("/key/generate", "{\"auto_tier\":\"medium\"}", "auto_tier");
        assertBad("/key/generate", "[1,2]", null);
        assertBad("/key/generate", "{\"key_alias\":", null);
        assertBad("/key/update", "{\"max_budget\":3}", "key");
        newKey("taken");
        assertBad("/key/generate", "{\"key_alias\":\"taken\"}", "key_alias");
        HttpResponse<String> unknown = admin.post("/key/update", new JsonObject().put("key", "sk-sb-nope-not-a-key-0000000000000000000000000"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("nope-not-a-key"); // a key is never echoed whole
        assertThat(admin.get("/key/list?page=0").statusCode()).isEqualTo(400);
        assertThat(admin.get("/spend/logs?since=yesterday").body()).contains("since");
        assertThat(admin.get("/spend/logs?colour=blue").body()).contains("colour");
    }

    private static void assertBad(String path, String body, String param) {
        HttpResponse<String> r = Http.post(gw.baseUrl() + path, TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        if (param != null) {
            assertThat(error.getString("param")).as(body).isEqualTo(param);
            assertThat(error.getString("message")).as(body).contains(param.replaceAll("\\[.*", ""));
        }
    }

    @Test
    void anUnknownKeyIsRefusedAndTheMasterKeyStillWorks() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", "sk-sb-" + "A".repeat(43), chat("gpt"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("not the master key or a known virtual key");
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, chat("gpt")).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeysAutoTierDecidesWhenNoRuleDoes() {
        String key = newKey("promoted", "auto_tier", "smart").getString("key");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, chat("auto"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-tier")).hasValue("smart; reason=key-default");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("mock/smart-model");
        // a rule still wins: the client's tier header
        HttpResponse<String> cheap = Http.post(gw.v1() + "/chat/completions", key, chat("auto"), "x-switchboard-tier", "cheap");
        assertThat(cheap.headers().firstValue("x-switchboard-model")).hasValue("mock/cheap-model");
        String plain = newKey("default-tier").getString("key");
        assertThat(Http.post(gw.v1() + "/chat/completions", plain, chat("auto")).headers().firstValue("x-switchboard-tier"))
                .hasValue("cheap; reason=default");
    }

    @Test
    void litellmsUserIdAndTeamIdAreLabelsTheListFiltersOnAndEveryCallIsTaggedWith() {
        JsonObject k = newKey("alice-laptop", "user_id", "alice@example.com", "team_id", "research", "tags", new JsonArray().add("laptop"));
        assertThat(k.getString("user_id")).isEqualTo("alice@example.com");
        assertThat(k.getString("team_id")).isEqualTo("research");
        newKey("bob-ci", "user_id", "bob", "team_id", "research");
        assertThat(admin.getOk("/key/list?team_id=research").getInteger("total_count")).isEqualTo(2);
        JsonObject alice = admin.getOk("/key/list?user_id=alice@example.com&return_full_object=true");
        assertThat(alice.getInteger("total_count")).isEqualTo(1);
        assertThat(alice.getJsonArray("keys").getJsonObject(0).getString("key_alias")).isEqualTo("alice-laptop");

        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", k.getString("key"),
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject row = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data").stream()
                .map(JsonObject.class::cast).filter(o -> o.getString("request_id").equals(id)).findFirst().orElseThrow();
        assertThat(row.getJsonArray("request_tags").getList()).containsExactlyInAnyOrder("laptop", "user:alice@example.com", "team:research");
        assertThat(admin.getOk("/spend/logs?tag=team:research").getJsonArray("data")).isNotEmpty();

        JsonObject moved = Admin.ok(admin.post("/key/update", new JsonObject().put("key", k.getString("key")).putNull("team_id")));
        assertThat(moved.getValue("team_id")).isNull();
        assertThat(moved.getString("user_id")).as("a field left out keeps its value").isEqualTo("alice@example.com");
        assertThat(admin.getOk("/key/list?team_id=research").getInteger("total_count")).isEqualTo(1);
        HttpResponse<String> bad = admin.post("/key/update", new JsonObject().put("key", k.getString("key")).put("user_id", 42));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("user_id");
    }

    /** LiteLLM's /spend/logs/v2, as tools written against LiteLLM read it: its dates, filters, envelope and row fields. */
    @Test
    void litellmsSpendLogsV2AnswersToolsWrittenAgainstLiteLlm() {
        JsonObject k = newKey("v2-reader", "user_id", "carol", "team_id", "ops");
        String key = k.getString("key");
        for (String model : List.of("gpt", "gpt-big")) {
            assertThat(Http.post(gw.v1() + "/chat/completions", key, chat(model)).statusCode()).isEqualTo(200);
        }
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);
        String window = "&start_date=" + f.format(java.time.Instant.now().minusSeconds(3600)).replace(" ", "%20")
                + "&end_date=" + f.format(java.time.Instant.now().plusSeconds(60)).replace(" ", "%20");
        JsonObject page = admin.getOk("/spend/logs/v2?api_key=" + k.getString("token") + window
                + "&page=1&page_size=100&sort_by=startTime&sort_order=desc");
        assertThat(page.getInteger("total")).isEqualTo(2);
        assertThat(page.getInteger("total_pages")).isEqualTo(1);
        JsonObject newest = page.getJsonArray("data").getJsonObject(0);
        assertThat(newest.getString("api_key")).isEqualTo(k.getString("token"));
        assertThat(newest.getString("user")).isEqualTo("carol");
        assertThat(newest.getString("team_id")).isEqualTo("ops");
        assertThat(newest.getString("model_group")).isEqualTo("gpt-big");
        assertThat(newest.getJsonObject("metadata").getString("user_api_key_alias")).isEqualTo("v2-reader");
        assertThat(newest.getString("startTime")).isNotNull();
        // LiteLLM's user_id / team_id filters, and its spend bounds: the gpt-big call costs more than the gpt one
        assertThat(admin.getOk("/spend/logs/v2?user_id=carol&team_id=ops" + window).getInteger("total")).isEqualTo(2);
        assertThat(admin.getOk("/spend/logs/v2?user_id=carol&team_id=nobody" + window).getInteger("total")).isZero();
        double cheapest = page.getJsonArray("data").stream().map(JsonObject.class::cast).mapToDouble(o -> o.getDouble("spend")).min().orElseThrow();
        JsonObject dear = admin.getOk("/spend/logs/v2?user_id=carol&min_spend=" + java.math.BigDecimal.valueOf(cheapest).add(new java.math.BigDecimal("1e-9")).toPlainString());
        assertThat(dear.getJsonArray("data").stream().map(JsonObject.class::cast).map(o -> o.getString("model_group")).toList()).containsExactly("gpt-big");
        assertThat(admin.getOk("/spend/logs/v2?user_id=carol&max_spend=" + cheapest).getInteger("total")).isEqualTo(1);
        // what it cannot honour is a 400 naming the parameter, never a silently different answer
        assertThat(admin.get("/spend/logs/v2?sort_order=asc").body()).contains("sort_order");
        assertThat(admin.get("/spend/logs/v2?sort_by=spend").body()).contains("sort_by");
        assertThat(admin.get("/spend/logs/v2?min_spend=-1").statusCode()).isEqualTo(400);
        assertThat(admin.get("/spend/logs/v2?start_date=2026-13-01%2000:00:00").body()).contains("start_date");
        assertThat(Http.get(gw.baseUrl() + "/spend/logs/v2", key).statusCode()).as("the master key's route").isEqualTo(403);
    }

    /**
     * LiteLLM's per-key aliases ("upgrade/downgrade models"): the app keeps asking for the name it knows, the key sends
     * the call to the model the admin chose, through every SDK and endpoint, and only that key.
     */
    @Test
    void aKeysOwnAliasesSendItsCallsToTheModelItChoosesThroughEveryEndpoint() {
        JsonObject k = newKey("downgraded", "models", new JsonArray().add("cheap").add("embedder"), "aliases", new JsonObject()
                .put("gpt-4", "cheap").put("claude-opus-4-1", "cheap").put("text-embedding-ada-002", "embedder").put("fancy", "smart"));
        assertThat(k.getJsonObject("aliases").getMap()).containsExactly(java.util.Map.entry("gpt-4", "cheap"),
                java.util.Map.entry("claude-opus-4-1", "cheap"), java.util.Map.entry("text-embedding-ada-002", "embedder"),
                java.util.Map.entry("fancy", "smart"));
        String key = k.getString("key");
        OpenAIClient app = openai(key);
        AnthropicClient claude = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0).build();
        try {
            HttpResponseFor<ChatCompletion> r = app.chat().completions().withRawResponse().create(ask("gpt-4"));
            assertThat(r.headers().values("x-switchboard-model")).containsExactly("mock/cheap-model");
            assertThat(r.parse().choices()).hasSize(1);
            HttpResponse<String> streamed = Http.post(gw.v1() + "/chat/completions", key,
                    "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(streamed.headers().firstValue("x-switchboard-model")).hasValue("mock/cheap-model");
            assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
            HttpResponse<String> responses = Http.post(gw.v1() + "/responses", key, "{\"model\":\"gpt-4\",\"input\":\"hi\"}");
            assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
            assertThat(responses.headers().firstValue("x-switchboard-model")).hasValue("mock/cheap-model");
            Message m = claude.messages().create(MessageCreateParams.builder().model("claude-opus-4-1").maxTokens(64)
                    .addUserMessage("via an alias").build());
            assertThat(m.content()).isNotEmpty();
            assertThat(claude.messages().countTokens(MessageCountTokensParams.builder().model("claude-opus-4-1")
                    .addUserMessage("hi").build()).inputTokens()).isPositive();
            var e = app.embeddings().withRawResponse().create(EmbeddingCreateParams.builder().model("text-embedding-ada-002")
                    .input("embed me").build());
            assertThat(e.headers().values("x-switchboard-model")).containsExactly("openai/text-embedding-3-small");
            // the model list shows the names the key may ask for: its allowlist, then its aliases that lead somewhere it may go
            assertThat(app.models().list().data().stream().map(x -> x.id()).toList())
                    .containsExactly("embedder", "cheap", "gpt-4", "claude-opus-4-1", "text-embedding-ada-002");
            assertThat(app.models().retrieve(com.openai.models.models.ModelRetrieveParams.builder().model("gpt-4").build()).id())
                    .isEqualTo("gpt-4");
            // the request's own models / fallbacks lists are aliased too
            HttpResponse<String> listed = Http.post(gw.v1() + "/chat/completions", key,
                    "{\"model\":\"gpt-4\",\"models\":[\"gpt-4\"],\"fallbacks\":[\"gpt-4\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(listed.headers().firstValue("x-switchboard-model")).hasValue("mock/cheap-model");
            // an alias is no way around the allowlist: 'smart' is not the key's
            assertThatThrownBy(() -> app.chat().completions().create(ask("fancy")))
                    .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("'smart'");
        } finally {
            app.close();
            claude.close();
        }
        // the ledger names the model the calls went to (as LiteLLM's logs name the model group)
        JsonArray rows = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data");
        assertThat(rows.stream().map(JsonObject.class::cast).map(o -> o.getString("model")).distinct().toList())
                .containsExactlyInAnyOrder("cheap", "embedder");
        // only this key: another key asking for gpt-4 gets the 404 any unknown name gets
        assertThat(Http.post(gw.v1() + "/chat/completions", newKey("plain-app").getString("key"), chat("gpt-4")).statusCode())
                .isEqualTo(404);
        // a key whose allowlist names the alias rather than its target (LiteLLM's code checks the name asked for)
        String named = newKey("named", "models", new JsonArray().add("gpt-4"), "aliases", new JsonObject().put("gpt-4", "gpt-big"))
                .getString("key");
        HttpResponse<String> up = Http.post(gw.v1() + "/chat/completions", named, chat("gpt-4"));
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o");
        // an update replaces the aliases; null removes them, at once
        Admin.ok(admin.post("/key/update", new JsonObject().put("key", key).put("aliases", new JsonObject().put("gpt-4", "embedder"))));
        assertThat(admin.info(key).getJsonObject("aliases").getMap()).containsExactly(java.util.Map.entry("gpt-4", "embedder"));
        Admin.ok(admin.post("/key/update", new JsonObject().put("key", key).putNull("aliases")));
        assertThat(admin.info(key).getJsonObject("aliases").isEmpty()).isTrue();
        HttpResponse<String> gone = Http.post(gw.v1() + "/chat/completions", key, chat("gpt-4"));
        assertThat(gone.statusCode()).as("gpt-4 is now a name no model has").isEqualTo(404);
        assertThat(gone.body()).contains("The model 'gpt-4' does not exist on this gateway. Known models: embedder, cheap.");
    }

    @Test
    void keyTagsAndRequestTagsReachTheLedgerAndEmbeddingsAreAccountedToo() {
        JsonObject k = newKey("tagged", "tags", new JsonArray().add("team-a"));
        String key = k.getString("key");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"metadata\":{\"tags\":\"nightly\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "x-switchboard-tags", "batch, eval");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        OpenAIClient app = openai(key);
        try {
            var e = app.embeddings().withRawResponse().create(EmbeddingCreateParams.builder().model("embedder").input("embed me").build());
            assertThat(e.headers().values("x-switchboard-cost")).hasSize(1);
        } finally {
            app.close();
        }
        JsonArray rows = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data");
        JsonObject chat = rows.stream().map(JsonObject.class::cast).filter(o -> o.getString("request_id").equals(id)).findFirst().orElseThrow();
        assertThat(chat.getJsonArray("request_tags").getList()).containsExactlyInAnyOrder("team-a", "nightly", "batch", "eval");
        assertThat(rows.stream().map(JsonObject.class::cast).anyMatch(o -> o.getString("call_type").equals("embedding")
                && o.getString("deployment").equals("openai/text-embedding-3-small") && o.getDouble("spend") > 0)).isTrue();
        assertThat(admin.getOk("/spend/logs?tag=eval").getJsonArray("data")).hasSize(1);
    }

    @Test
    void readinessReportsTheStore() {
        HttpResponse<String> r = Http.get(gw.baseUrl() + "/health/readiness", TestGateway.MASTER_KEY); // the detail needs the master key
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("db")).isEqualTo("connected");
        assertThat(body.getString("store")).startsWith("SQLite at ").endsWith("switchboard.db");
        assertThat(body.containsKey("cache")).as("LiteLLM's field, null without a response cache").isTrue();
        assertThat(body.getValue("cache")).isNull();
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
    }
}
